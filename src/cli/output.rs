//! What every long-running command shares: its output (checked writes, so a closed or full
//! stdout or stderr ends it cleanly), the files it keeps while it runs, and the signals that stop it.

use std::io::{self, Write};
use std::time::Duration;

use crossbeam_channel::Receiver;

use crate::engine::{Event, Protocol};
use crate::i18n::{Language, Tr};
use crate::transcript::export::{self, Format, Record, RecordTo, Recorder, Saver};
use crate::vocabulary::Message;

use super::args::FileArgs;
use super::{EXIT_FAILURE, EXIT_OK};

/// How long `serve` waits, after taking every queued event, before it looks again.
pub(super) const CLI_NAP: Duration = Duration::from_millis(1);

/// Events waiting for the recorder's writer at most: when it falls behind, the command waits
/// for it (nothing is dropped), and the payloads held stay bounded.
pub(super) const RECORD_QUEUE: usize = 256;

/// Where a command's events go besides stdout: `--save` writes them to a temporary file that
/// becomes the saved file at the end (so memory stays bounded however much is echoed);
/// `--record` appends them, flushed, as they happen.
pub(super) struct Keeper {
    protocol: Protocol,
    saver: Option<Saver>,
    recorder: Option<Recorder>,
    failed: bool,
    language: Language,
}

impl Keeper {
    pub(super) fn new(files: &FileArgs, protocol: Protocol, language: Language) -> anyhow::Result<Keeper> {
        let (save, record, record_pcap) =
            (files.save.as_ref(), files.record.as_ref(), files.record_pcap.as_ref());
        if let (Some(a), Some(b)) = (save, record)
            && export::is_stdout(a)
            && export::is_stdout(b)
        {
            anyhow::bail!("--save - and --record -: only one of them can write to stdout");
        }
        if let Some(path) = record
            && Format::from_path(path)? != Format::Jsonl
        {
            anyhow::bail!("--record {}: recording writes .jsonl", path.display());
        }
        if let Some(path) = record_pcap
            && Format::from_path(path)? != Format::Pcap
        {
            anyhow::bail!("--record-pcap {}: must be a .pcap file", path.display());
        }
        let to = RecordTo { jsonl: record.cloned(), pcap: record_pcap.cloned() };
        let recorder = if to == RecordTo::default() {
            None
        } else {
            Some(Recorder::start(&to, protocol, RECORD_QUEUE)?)
        };
        let saver = match save {
            Some(path) => {
                report_orphans(path, language);
                Some(Saver::create(path, protocol)?.in_language(language))
            }
            None => None,
        };
        Ok(Keeper { protocol, saver, recorder, failed: false, language })
    }

    pub(super) fn take(&mut self, event: &Event) {
        let conn = event.kind.link().map_or(0, |l| l.conn);
        if let Some(saver) = &mut self.saver {
            let mut record = Record::from_event(event, conn);
            record.protocol = Some(self.protocol);
            if let Err(err) = saver.push(&record) {
                say!("socket-tester: could not save: {err}");
                self.saver = None;
                self.failed = true;
            }
        }
        if let Some(recorder) = &mut self.recorder
            && let Err(err) = recorder.record(event, conn)
        {
            say!("socket-tester: recording stopped: {err}");
            self.recorder = None;
            self.failed = true;
        }
    }

    /// Says at once if a recording's writer stopped (a full disk), between events.
    pub(super) fn check(&mut self) {
        if let Some(err) = self.recorder.as_mut().and_then(|r| r.failure().cloned()) {
            say!("socket-tester: recording stopped: {err}");
            self.recorder = None;
            self.failed = true;
        }
    }

    /// Finishes the files; false if any of them failed.
    pub(super) fn finish(&mut self) -> bool {
        let mut ok = !self.failed;
        if let Some(recorder) = self.recorder.take()
            && let Err(err) = recorder.finish()
        {
            say!("socket-tester: recording: {err}");
            ok = false;
        }
        if let Some(saver) = self.saver.take() {
            let (count, path) = (saver.records(), saver.path().to_path_buf());
            match saver.finish() {
                Ok(()) => {
                    let words =
                        Message::new("cli-saved").arg("count", count).arg("path", path.display().to_string());
                    say!("{}", Tr::new(self.language).render(&words));
                }
                Err(err) => {
                    say!("socket-tester: could not save: {err}");
                    ok = false;
                }
            }
        }
        ok
    }
}

/// Says which saves of an earlier run were cut short (the process killed), and how to get
/// them back: they are left where they are, never overwritten or removed.
fn report_orphans(path: &std::path::Path, language: Language) {
    let tr = Tr::new(language);
    for orphan in crate::transcript::export::orphans(path) {
        let bytes = std::fs::metadata(&orphan).map_or(0, |m| m.len());
        let words = Message::new("cli-orphan-save")
            .arg("orphan", orphan.display().to_string())
            .arg("bytes", bytes)
            .arg("path", path.display().to_string());
        say!("{}", tr.render(&words));
    }
}

impl Drop for Keeper {
    /// A command that ends some other way (a panic) still finishes its files: the recording
    /// writes what it holds and the save is put in place.
    fn drop(&mut self) {
        self.finish();
    }
}

/// A write to stderr failed (a full disk, a closed descriptor): the command exits 1.
static STDERR_FAILED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Writes a line to stderr, checked: `eprintln!` panics when it cannot write
/// (`2>/dev/full`); this notes the failure, so the command finishes its files and exits 1.
pub(crate) fn say_line(text: std::fmt::Arguments<'_>) {
    let mut lock = io::stderr().lock();
    if writeln!(lock, "{text}").and_then(|()| lock.flush()).is_err() {
        STDERR_FAILED.store(true, std::sync::atomic::Ordering::Relaxed);
    }
}

/// Whether some line could not be written to stderr.
pub(crate) fn stderr_failed() -> bool {
    STDERR_FAILED.load(std::sync::atomic::Ordering::Relaxed)
}

/// `eprintln!`, checked (see [`say_line`]).
macro_rules! say {
    ($($arg:tt)*) => { $crate::cli::output::say_line(format_args!($($arg)*)) };
}
pub(crate) use say;

/// Prints lines without panicking when stdout is a closed pipe (`| head`).
pub(super) struct Out {
    stdout: io::Stdout,
    open: bool,
    failed: bool,
    /// The lines go to stderr: stdout carries a file (`--record -`, `--save -`).
    to_stderr: bool,
}

impl Out {
    pub(super) fn new() -> Out {
        Out { stdout: io::stdout(), open: true, failed: false, to_stderr: false }
    }

    /// No lines for people at all: stdout carries JSON (`send --json`). A failure to write
    /// is still noticed where [`Out::json`] writes.
    pub(super) fn silent() -> Out {
        Out { open: false, ..Out::new() }
    }

    /// Writes a line of JSON to stdout, checked as [`Out::line`] is, whatever else is silent.
    pub(super) fn json(&mut self, line: &str) {
        let was = std::mem::replace(&mut self.open, true);
        let to_stderr = std::mem::replace(&mut self.to_stderr, false);
        self.line(line);
        if self.open {
            self.open = was;
        }
        self.to_stderr = to_stderr;
    }

    /// Lines for people, where they do not mix with a file written to stdout.
    pub(super) fn for_files(files: &FileArgs) -> Out {
        Out { to_stderr: files.takes_stdout(), ..Out::new() }
    }

    /// Prints a line. A closed pipe (`| head`) ends the output quietly, as Unix tools do; any
    /// other failure (a full disk, a closed descriptor) is said once on stderr and fails the
    /// command.
    pub(super) fn line(&mut self, text: &str) {
        if !self.open {
            return;
        }
        if self.to_stderr {
            say!("{text}");
            return;
        }
        let mut lock = self.stdout.lock();
        if let Err(err) = writeln!(lock, "{text}").and_then(|()| lock.flush()) {
            self.open = false;
            if err.kind() != io::ErrorKind::BrokenPipe {
                self.failed = true;
                say!("socket-tester: cannot write to standard output: {err}");
            }
        }
    }

    /// The exit code, given the command's own: a failed write to stdout fails it.
    pub(super) fn code(&self, code: u8) -> u8 {
        if (self.failed || stderr_failed()) && code == EXIT_OK { EXIT_FAILURE } else { code }
    }
}

pub(super) fn signals() -> anyhow::Result<Receiver<i32>> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    // A closed terminal (SIGHUP) ends a command like Ctrl-C does: with its summary and files.
    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP])?;
    let (tx, rx) = crossbeam_channel::bounded(4);
    std::thread::Builder::new().name("signals".into()).spawn(move || {
        for signal in signals.forever() {
            if tx.send(signal).is_err() {
                break;
            }
        }
    })?;
    Ok(rx)
}
