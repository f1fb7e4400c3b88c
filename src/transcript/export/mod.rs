//! Saving transcripts to files, and reading them back.
//!
//! Every format is written from [`Record`]s, the lossless flat form of an event: `.txt` for
//! people, `.csv` for spreadsheets, `.jsonl` (exact bytes, RFC 3339 times, a schema version;
//! the app reopens it) and `.pcap` for Wireshark. Saving writes a temporary file beside the
//! target and renames it into place, so a failure never leaves half a file, and never touches
//! the transcript in memory; [`Saver`] does it a record at a time, in bounded memory.
//! [`Recorder`] streams events to `.jsonl` as they happen, flushed at each one.

mod csv_format;
pub mod html;
mod jsonl;
pub mod pcap;
mod record;
mod recorder;
pub mod steps_report;
mod txt;

use std::fs::File;
use std::io::{self, BufWriter};
use std::path::{Path, PathBuf};

use bytes::Bytes;

pub use jsonl::{SCHEMA_VERSION, read_jsonl, read_jsonl_from};
pub use pcap::PcapSynth;
pub use record::{EventName, Record};
pub use recorder::{QueueFull, RecordTo, Recorder};

use crate::engine::Protocol;

/// Why a save or a load failed, with the path and the reason in words.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ExportError {
    /// The file's extension names no format we write.
    #[error("{path}: unknown format; use .txt, .csv, .jsonl, .pcap or .html")]
    UnknownFormat {
        /// The file.
        path: PathBuf,
    },
    /// The operating system refused or failed.
    #[error("{path}: {reason}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What went wrong, in words.
        reason: String,
    },
    /// A line of a `.jsonl` file is not a record.
    #[error("{path}, line {line}: {reason}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// The 1-based line.
        line: usize,
        /// What is wrong.
        reason: String,
    },
}

impl ExportError {
    /// A file that could not be opened for reading: one that is not there is said so.
    pub(crate) fn reading(path: &Path, err: &io::Error) -> ExportError {
        match err.kind() {
            io::ErrorKind::NotFound => {
                ExportError::Io { path: path.to_path_buf(), reason: "there is no such file".to_string() }
            }
            _ => ExportError::io(path, err),
        }
    }

    pub(crate) fn io(path: &Path, err: &io::Error) -> ExportError {
        let reason = match err.kind() {
            io::ErrorKind::NotFound
                if path.parent().is_some_and(|dir| !dir.as_os_str().is_empty() && !dir.exists()) =>
            {
                "the folder does not exist".to_string()
            }
            io::ErrorKind::NotFound => format!("no file can be created there ({err})"),
            io::ErrorKind::PermissionDenied => "permission denied".to_string(),
            io::ErrorKind::StorageFull => "the disk is full".to_string(),
            io::ErrorKind::ReadOnlyFilesystem => "the file system is read-only".to_string(),
            _ => err.to_string(),
        };
        ExportError::Io { path: path.to_path_buf(), reason }
    }
}

/// A file format, chosen by extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// What the view shows, for people.
    Txt,
    /// One row per event, for spreadsheets.
    Csv,
    /// Lossless; reopens in the app.
    Jsonl,
    /// Packets for Wireshark and tshark.
    Pcap,
    /// A report to hand out: a sequence diagram, the statistics, the explained transcript.
    Html,
}

impl Format {
    /// The format for a path's extension.
    pub fn from_path(path: &Path) -> Result<Format, ExportError> {
        if is_stdout(path) {
            // `-`: standard output, as lossless lines.
            return Ok(Format::Jsonl);
        }
        let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("txt" | "log") => Ok(Format::Txt),
            Some("csv") => Ok(Format::Csv),
            Some("jsonl" | "ndjson") => Ok(Format::Jsonl),
            Some("pcap") => Ok(Format::Pcap),
            Some("html" | "htm") => Ok(Format::Html),
            _ => Err(ExportError::UnknownFormat { path: path.to_path_buf() }),
        }
    }
}

/// One record as its `.jsonl` line, without the newline: what `send --json` prints.
pub fn json_line(record: &Record) -> String {
    let mut line = Vec::new();
    // Writing into memory cannot fail; a record always serialises.
    let _ = jsonl::encode_line(record, &mut line);
    while line.last() == Some(&b'\n') {
        line.pop();
    }
    String::from_utf8_lossy(&line).into_owned()
}

/// Whether a path is `-`, standard output.
pub fn is_stdout(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// A second handle on standard output, as a file: what `-` writes to.
fn stdout_file() -> io::Result<File> {
    use std::os::fd::AsFd;
    Ok(File::from(io::stdout().as_fd().try_clone_to_owned()?))
}

/// Saves records to `path`, in the format its extension names: into a temporary file beside
/// it, flushed and synced, then renamed over it.
pub fn save(path: &Path, records: &[Record], protocol: Protocol) -> Result<(), ExportError> {
    save_in(path, records, protocol, crate::i18n::Language::English)
}

/// Saves records to a file, in the format its extension names; a report (`.html`) is written
/// in `language`.
pub fn save_in(
    path: &Path,
    records: &[Record],
    protocol: Protocol,
    language: crate::i18n::Language,
) -> Result<(), ExportError> {
    let mut saver = Saver::create(path, protocol)?.in_language(language);
    for record in records {
        saver.push(record)?;
    }
    saver.finish()
}

/// A save in progress: records are written as they come, in bounded memory, to a temporary
/// file beside the target, which [`Saver::finish`] syncs and renames into place. Dropped
/// unfinished, it removes the temporary file and leaves the target as it was.
pub struct Saver {
    /// The file named, for messages.
    path: PathBuf,
    /// The file to create: `path`, or a symbolic link's target (the link stays a link).
    target: PathBuf,
    tmp: PathBuf,
    sink: Option<Sink>,
    records: u64,
    language: crate::i18n::Language,
    /// Syncs the temporary file as it grows.
    syncer: Option<Syncer>,
}

/// The format's writer over the temporary file.
enum Sink {
    Txt(txt::TxtLines<BufWriter<File>>),
    Csv(Box<csv_format::CsvRows<BufWriter<File>>>),
    Jsonl(BufWriter<File>, jsonl::LineEncoder),
    Pcap(PcapSynth<BufWriter<File>>),
    Html(html::HtmlReport<BufWriter<File>>),
}

impl Saver {
    /// Starts saving to `path`, in the format its extension names.
    pub fn create(path: &Path, protocol: Protocol) -> Result<Saver, ExportError> {
        let format = Format::from_path(path)?;
        let target = resolve_link(path).unwrap_or_else(|| path.to_path_buf());
        let tmp = temporary_path(&target);
        let language = crate::i18n::Language::English;
        let mut saver =
            Saver { path: path.to_path_buf(), target, tmp, sink: None, records: 0, language, syncer: None };
        let file = if is_stdout(path) {
            // `-`: written as it goes to standard output; there is nothing to rename.
            stdout_file().map_err(|e| ExportError::io(&saver.path, &e))?
        } else {
            let file = File::create(&saver.tmp).map_err(|e| ExportError::io(&saver.path, &e))?;
            saver.syncer = Syncer::start(&file);
            file
        };
        let out = BufWriter::with_capacity(1 << 20, file);
        let sink = match format {
            Format::Txt => Ok(Sink::Txt(txt::TxtLines::new(out, protocol))),
            Format::Csv => csv_format::CsvRows::new(out).map(|rows| Sink::Csv(Box::new(rows))),
            Format::Jsonl => Ok(Sink::Jsonl(out, jsonl::LineEncoder::default())),
            Format::Pcap => PcapSynth::new(out, protocol).map(Sink::Pcap),
            Format::Html => Ok(Sink::Html(html::HtmlReport::new(out, protocol))),
        };
        saver.sink = Some(sink.map_err(|e| ExportError::io(&saver.path, &e))?);
        Ok(saver)
    }

    /// Writes a report (`.html`) in this language (English unless told).
    pub fn in_language(mut self, language: crate::i18n::Language) -> Saver {
        self.language = language;
        if let Some(Sink::Txt(lines)) = &mut self.sink {
            lines.set_language(language);
        }
        self
    }

    /// Writes one record.
    pub fn push(&mut self, record: &Record) -> Result<(), ExportError> {
        let result = match &mut self.sink {
            Some(Sink::Txt(lines)) => lines.push(record),
            Some(Sink::Csv(rows)) => rows.push(record),
            Some(Sink::Jsonl(out, lines)) => lines.write(record, out),
            Some(Sink::Pcap(synth)) => synth.push(record),
            Some(Sink::Html(report)) => {
                report.push(record);
                Ok(())
            }
            None => Ok(()),
        };
        self.records += 1;
        result.map_err(|e| ExportError::io(&self.path, &e))
    }

    /// Records written so far.
    pub fn records(&self) -> u64 {
        self.records
    }

    /// The file being saved.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Flushes, syncs and renames the file into place.
    pub fn finish(mut self) -> Result<(), ExportError> {
        let result = (|| -> io::Result<()> {
            let out = match self.sink.take() {
                Some(Sink::Txt(lines)) => lines.finish(),
                Some(Sink::Csv(rows)) => rows.finish()?,
                Some(Sink::Jsonl(out, _)) => out,
                Some(Sink::Pcap(synth)) => synth.finish(),
                Some(Sink::Html(report)) => report.finish(self.language)?,
                None => return Ok(()),
            };
            let file = out.into_inner().map_err(io::IntoInnerError::into_error)?;
            self.syncer = None;
            if is_stdout(&self.path) {
                return Ok(());
            }
            file.sync_all()?;
            std::fs::rename(&self.tmp, &self.target)
        })();
        result.map_err(|err| ExportError::io(&self.path, &err))
    }
}

impl Drop for Saver {
    fn drop(&mut self) {
        // Unfinished, or finished with a failure: the temporary file goes; after a rename
        // there is nothing to remove.
        if !is_stdout(&self.path) {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// The file a symbolic link names (relative to the link's folder), if `path` is a link.
fn resolve_link(path: &Path) -> Option<PathBuf> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    if !meta.file_type().is_symlink() {
        return None;
    }
    std::fs::canonicalize(path).ok().or_else(|| {
        let target = std::fs::read_link(path).ok()?;
        Some(path.parent().map_or(target.clone(), |dir| dir.join(&target)))
    })
}

/// Writes a file's data to the disk once a second in the background, so that little is left
/// to sync when the file is finished: a command stopped under load exits at once instead of
/// waiting for hundreds of megabytes to reach the disk. Stops when dropped.
pub(crate) struct Syncer {
    stop: Option<crossbeam_channel::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Syncer {
    /// Starts syncing `file` (through a second handle to it); `None` if it cannot.
    pub(crate) fn start(file: &File) -> Option<Syncer> {
        let file = file.try_clone().ok()?;
        let (stop, stopped) = crossbeam_channel::bounded::<()>(0);
        let thread = std::thread::Builder::new()
            .name("syncer".into())
            .spawn(move || {
                while let Err(crossbeam_channel::RecvTimeoutError::Timeout) =
                    stopped.recv_timeout(std::time::Duration::from_secs(1))
                {
                    // A pipe or a terminal cannot be synced; the final sync says what matters.
                    let _ = file.sync_data();
                }
            })
            .ok()?;
        Some(Syncer { stop: Some(stop), thread: Some(thread) })
    }
}

impl Drop for Syncer {
    fn drop(&mut self) {
        self.stop = None;
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Hidden files a save left behind when its process was killed (`kill -9`, a power cut):
/// `.NAME.PID.tmp` beside `path`, whose process is gone. They hold what was saved until then.
pub fn orphans(path: &Path) -> Vec<PathBuf> {
    if is_stdout(path) {
        return Vec::new();
    }
    let target = resolve_link(path).unwrap_or_else(|| path.to_path_buf());
    let Some(name) = target.file_name().map(|n| n.to_string_lossy().into_owned()) else { return Vec::new() };
    let dir = match target.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let prefix = format!(".{name}.");
    let Ok(entries) = std::fs::read_dir(&dir) else { return Vec::new() };
    let mut found: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let file = entry.file_name().to_string_lossy().into_owned();
            let pid: u32 = file.strip_prefix(&prefix)?.strip_suffix(".tmp")?.parse().ok()?;
            let alive = pid == std::process::id() || Path::new(&format!("/proc/{pid}")).exists();
            (!alive).then(|| entry.path())
        })
        .collect();
    found.sort();
    found
}

fn temporary_path(path: &Path) -> PathBuf {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    path.with_file_name(format!(".{name}.{}.tmp", std::process::id()))
}

/// The very same shared buffer, not only equal contents: a server's echo is the bytes it
/// received. Whoever compares holds both, so no other bytes can be at that address meanwhile.
pub(crate) fn same_buffer(a: &Bytes, b: &Bytes) -> bool {
    a.as_ptr() == b.as_ptr() && a.len() == b.len()
}

/// Text for XML or HTML: the five special characters escaped, and the control characters XML
/// cannot hold written as `\\xNN`.
pub(crate) fn escape_markup(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // XML 1.0 cannot hold most control characters, even escaped.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {
                out.push_str(&format!("\\x{:02X}", c as u32))
            }
            c => out.push(c),
        }
    }
    out
}

pub(crate) use crate::show::{compact_hex, hex_field};

/// Bytes as standard base64 in files (`"b64": "T0s="`), for serde; vectorised both ways.
pub(crate) mod b64_field {
    use bytes::Bytes;
    use serde::{Deserialize, Deserializer};

    /// Appends the base64 of `bytes` to `out`.
    pub fn encode_into(bytes: &[u8], out: &mut Vec<u8>) {
        base64_simd::STANDARD.encode_append(bytes, out);
    }

    /// Reads base64 back into bytes.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Bytes, D::Error> {
        let text = std::borrow::Cow::<'de, str>::deserialize(d)?;
        base64_simd::STANDARD
            .decode_to_vec(text.as_bytes())
            .map(Bytes::from)
            .map_err(|_| serde::de::Error::custom("b64 must be standard base64"))
    }
}
