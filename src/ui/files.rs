//! Files from the app: save a transcript, record it live, reopen a saved `.jsonl`.
//!
//! Nothing here blocks the UI thread: dialogs (rfd's async dialog), saving, loading and live
//! recording each run on a thread and report back over a channel, waking the UI. Where no file
//! dialog exists (no portal, no zenity: the dialog answers "nothing" at once), the app says so
//! and the path field next to the button does the job.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crossbeam_channel::Sender;

use crate::engine::{Event, Link, Protocol, Waker};
use crate::transcript::export::{self, ExportError, Record, RecordTo, Recorder, read_jsonl};
use crate::transcript::store::{Entry, Transcript};

/// What a file dialog was opened for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Saving the session with this uid.
    Save(u64),
    /// Recording the session with this uid.
    Record(u64),
    /// Opening a transcript.
    Open,
    /// Choosing the file a session sends.
    MessageFile(u64),
    /// Choosing a preset or workspace file for a session's bar (`None`: the top bar's).
    Toml(Option<u64>),
    /// Saving the plot of the session with this uid as PNG.
    Plot(u64),
}

/// A finished background job.
#[derive(Debug)]
pub enum FileJob {
    /// A dialog closed with a path, or without one.
    Picked {
        /// What it was for.
        purpose: Purpose,
        /// The chosen path.
        path: Option<PathBuf>,
        /// It answered at once: no dialog is available here.
        unavailable: bool,
    },
    /// A save finished.
    Saved {
        /// The session.
        uid: u64,
        /// The entry count the snapshot held.
        entries: u64,
        /// Where.
        path: PathBuf,
        /// Lines written, or the failure.
        result: Result<usize, String>,
    },
    /// A plot was saved as PNG.
    PlotSaved {
        /// Where.
        path: PathBuf,
        /// The failure, if any.
        result: Result<(), String>,
    },
    /// A text file (a load report) was written.
    TextSaved {
        /// Where.
        path: PathBuf,
        /// The failure, if any.
        result: Result<(), String>,
    },
    /// A transcript was read.
    Opened {
        /// From where.
        path: PathBuf,
        /// Its records, or the failure.
        result: Result<Vec<Record>, String>,
    },
}

/// Below this, a dialog that returned nothing never showed: there is none.
const NO_DIALOG_BELOW: Duration = Duration::from_millis(250);

/// Opens a native dialog on a thread.
pub fn browse(purpose: Purpose, suggested: &str, jobs: Sender<FileJob>, waker: Waker) {
    let suggested = suggested.to_string();
    let spawned = std::thread::Builder::new().name("file-dialog".into()).spawn(move || {
        let started = Instant::now();
        let dialog = rfd::AsyncFileDialog::new().set_file_name(&suggested);
        let handle = match purpose {
            Purpose::Open => pollster::block_on(dialog.add_filter("Transcript", &["jsonl"]).pick_file()),
            Purpose::Save(_) | Purpose::Record(_) => pollster::block_on(
                dialog.add_filter("Transcript", &["jsonl", "csv", "txt", "pcap", "html"]).save_file(),
            ),
            Purpose::MessageFile(_) => pollster::block_on(dialog.pick_file()),
            Purpose::Plot(_) => pollster::block_on(dialog.add_filter("PNG", &["png"]).save_file()),
            // One dialog both picks and names a file: it serves Open and Save alike.
            Purpose::Toml(_) => pollster::block_on(dialog.add_filter("TOML", &["toml"]).save_file()),
        };
        let path = handle.map(|h| h.path().to_path_buf());
        let unavailable = path.is_none() && started.elapsed() < NO_DIALOG_BELOW;
        let _ = jobs.send(FileJob::Picked { purpose, path, unavailable });
        waker();
    });
    if spawned.is_err() {
        // No thread, no dialog: the path field still works.
    }
}

/// Saves a snapshot of a transcript on a thread.
pub fn save(
    uid: u64,
    path: PathBuf,
    (transcript, protocol): (&Transcript, Protocol),
    language: crate::i18n::Language,
    jobs: Sender<FileJob>,
    waker: Waker,
) {
    // A snapshot for the thread: entries share their bytes (reference-counted), so cloning
    // them is cheap; the records, which copy the bytes, are made off the UI thread.
    let entries: Vec<(Entry, Option<Link>)> =
        transcript.iter().map(|e| (e.clone(), transcript.link(e.conn).copied())).collect();
    let count = transcript.counters().entries;
    let _ = std::thread::Builder::new().name("save".into()).spawn(move || {
        let records: Vec<Record> =
            entries.iter().map(|(e, link)| Record::from_entry(e, link.as_ref(), uid, protocol)).collect();
        let result = export::save_in(&path, &records, protocol, language)
            .map(|()| records.len())
            .map_err(|e| e.to_string());
        let _ = jobs.send(FileJob::Saved { uid, entries: count, path, result });
        waker();
    });
}

/// Reads a `.jsonl` transcript on a thread.
pub fn open(path: PathBuf, jobs: Sender<FileJob>, waker: Waker) {
    let _ = std::thread::Builder::new().name("open".into()).spawn(move || {
        let result = read_jsonl(&path).map_err(|e| e.to_string());
        let _ = jobs.send(FileJob::Opened { path, result });
        waker();
    });
}

/// A live recording: events go to the recorder's writer thread, which appends them to the
/// file in flushed batches.
pub struct LiveRecording {
    /// The file.
    pub path: PathBuf,
    recorder: Recorder,
    /// Set when the disk fell so far behind that the queue filled: the recording stops.
    overflowed: std::cell::Cell<bool>,
}

/// Why a live recording stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordingFailure {
    /// The disk fell [`RECORDING_QUEUE`] events behind the traffic; the file holds everything
    /// up to that point.
    Behind,
    /// Writing failed (a full disk, for example), in the exporter's words.
    Write(String),
}

/// Events queued for the recorder thread at most. The UI never waits on the disk: if the
/// disk falls this far behind, the recording stops and says so (the transcript in memory
/// stays whole), instead of the queue growing without bound.
pub const RECORDING_QUEUE: usize = 65_536;

impl LiveRecording {
    /// Starts recording to `path` (`.jsonl`; a `.pcap` beside it when `with_pcap`).
    pub fn start(path: &Path, with_pcap: bool, protocol: Protocol) -> Result<LiveRecording, ExportError> {
        if export::Format::from_path(path)? != export::Format::Jsonl {
            return Err(ExportError::Io {
                path: path.to_path_buf(),
                reason: "recording writes .jsonl files".into(),
            });
        }
        let to = RecordTo {
            jsonl: Some(path.to_path_buf()),
            pcap: with_pcap.then(|| path.with_extension("pcap")),
        };
        let recorder = Recorder::start(&to, protocol, RECORDING_QUEUE)?;
        Ok(LiveRecording { path: path.to_path_buf(), recorder, overflowed: std::cell::Cell::new(false) })
    }

    /// Hands one event to the recorder thread.
    pub fn push(&self, event: &Event, conn: u64) {
        if self.recorder.try_record(event, conn).is_err() {
            self.overflowed.set(true);
        }
    }

    /// Writes what is queued and syncs the files (the window is closing: nothing queued is
    /// left behind).
    pub fn finish(self) -> Result<(), ExportError> {
        self.recorder.finish()
    }

    /// Why the recording stopped, if it did.
    pub fn failure(&mut self) -> Option<RecordingFailure> {
        if self.overflowed.get() {
            return Some(RecordingFailure::Behind);
        }
        self.recorder.failure().map(|err| RecordingFailure::Write(err.to_string()))
    }
}

/// A default file name for a session's transcript.
pub fn suggested_name(uid: u64, extension: &str) -> String {
    let now = jiff::Zoned::now().strftime("%Y%m%d-%H%M%S").to_string();
    format!("socket-tester-{uid}-{now}.{extension}")
}

/// Where files go by default: the user's documents folder, else the home folder, else the
/// current one.
pub fn default_dir() -> PathBuf {
    let user = directories::UserDirs::new();
    let documents = user.as_ref().and_then(|u| u.document_dir()).filter(|d| d.is_dir());
    let home = user.as_ref().map(|u| u.home_dir()).filter(|d| d.is_dir());
    documents.or(home).map_or_else(|| std::path::absolute(".").unwrap_or_default(), Path::to_path_buf)
}

/// The full default path of a session's transcript, as the path field shows it.
pub fn suggested_path(uid: u64, extension: &str) -> String {
    default_dir().join(suggested_name(uid, extension)).display().to_string()
}

/// Recent files kept at most.
pub const RECENT_FILES: usize = 10;

/// Puts `path` (made absolute) first among the recent files.
pub fn remember_recent(recent: &mut Vec<PathBuf>, path: &Path) {
    let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    recent.retain(|p| p != &path);
    recent.insert(0, path);
    recent.truncate(RECENT_FILES);
}

/// The file bar of one session: what the user is typing, and what it is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileBar {
    /// Save or record.
    pub purpose: Purpose,
    /// The path typed (or picked).
    pub path: String,
    /// With Record: also write a `.pcap`.
    pub pcap: bool,
}

/// What the user asked for in a file bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileAction {
    /// Open a dialog.
    Browse(Purpose, String),
    /// Save to this path.
    Save(PathBuf),
    /// Start recording to this path.
    StartRecording(PathBuf, bool),
    /// Stop the live recording.
    StopRecording,
    /// Save the session's plot as PNG to this path.
    SavePlot(PathBuf),
    /// Open this transcript.
    Open(PathBuf),
    /// Close the bar.
    Cancel,
}

/// Writes `text` to `path` on a thread; the result comes back as [`FileJob::TextSaved`].
pub fn write_text(path: PathBuf, text: String, jobs: Sender<FileJob>, waker: Waker) {
    let spawned = std::thread::Builder::new().name("write-text".into()).spawn({
        let (path, jobs, waker) = (path.clone(), jobs.clone(), waker.clone());
        move || {
            let result = std::fs::write(&path, text).map_err(|e| e.to_string());
            let _ = jobs.send(FileJob::TextSaved { path, result });
            waker();
        }
    });
    if let Err(err) = spawned {
        let _ = jobs.send(FileJob::TextSaved { path, result: Err(err.to_string()) });
        waker();
    }
}

/// Asks for a screenshot of the window and writes the part under `rect` (in points) to `path`
/// as PNG, on a thread; the result comes back as [`FileJob::PlotSaved`].
pub fn save_plot(ctx: &egui::Context, rect: egui::Rect, path: PathBuf, jobs: Sender<FileJob>, waker: Waker) {
    let pixels_per_point = ctx.pixels_per_point();
    ctx.request_screenshot(move |image| {
        let spawned = std::thread::Builder::new().name("plot-png".into()).spawn(move || {
            let result = write_png(&image, rect, pixels_per_point, &path);
            let _ = jobs.send(FileJob::PlotSaved { path, result });
            waker();
        });
        if let Err(err) = spawned {
            eprintln!("socket-tester: could not start the PNG writer: {err}");
        }
    });
}

/// Writes the part of `image` under `rect` (in points) to `path` as an RGBA PNG.
fn write_png(
    image: &egui::ColorImage,
    rect: egui::Rect,
    pixels_per_point: f32,
    path: &Path,
) -> Result<(), String> {
    let [width, height] = image.size;
    let bounds = egui::Rect::from_min_size(
        egui::Pos2::ZERO,
        egui::vec2(width as f32, height as f32) / pixels_per_point.max(0.01),
    );
    let rect = rect.intersect(bounds);
    if !rect.is_positive() {
        return Err("the plot is not on screen".into());
    }
    let region = image.region(&rect, Some(pixels_per_point));
    let [w, h] = region.size;
    let rgba: Vec<u8> = region.pixels.iter().flat_map(|c| c.to_array()).collect();
    let file = std::fs::File::create(path).map_err(|e| e.to_string())?;
    let mut encoder = png::Encoder::new(std::io::BufWriter::new(file), w as u32, h as u32);
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(|e| e.to_string())?;
    writer.write_image_data(&rgba).map_err(|e| e.to_string())?;
    writer.finish().map_err(|e| e.to_string())
}

/// A labelled path field and its confirm button (enabled once a path is typed), for the
/// windows that write one file (the Code window's program, the Load window's report). Returns
/// the path when the button is pressed.
pub fn save_path_ui(
    ui: &mut egui::Ui,
    tr: &crate::i18n::Tr,
    path: &mut String,
    (confirm, hint): (String, String),
) -> Option<PathBuf> {
    let label = ui.label(crate::t!(tr, "file-path"));
    ui.add(egui::TextEdit::singleline(path).desired_width(260.0)).labelled_by(label.id);
    let ready = !path.trim().is_empty();
    ui.add_enabled(ready, egui::Button::new(confirm))
        .on_hover_text(hint)
        .clicked()
        .then(|| PathBuf::from(path.trim()))
}

/// Draws a path field with Browse and the confirm button; returns what was asked.
pub fn path_bar_ui(
    ui: &mut egui::Ui,
    tr: &crate::i18n::Tr,
    bar: &mut FileBar,
    no_dialog: bool,
    recent: &[PathBuf],
) -> Option<FileAction> {
    use crate::t;
    let mut action = None;
    let transcripts: Vec<&PathBuf> =
        recent.iter().filter(|p| p.extension().is_some_and(|x| x == "jsonl")).collect();
    if matches!(bar.purpose, Purpose::Open) && !transcripts.is_empty() {
        ui.horizontal_wrapped(|ui| {
            ui.label(t!(tr, "file-recent"));
            for path in transcripts {
                let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                if ui.button(name).on_hover_text(path.display().to_string()).clicked() {
                    action = Some(FileAction::Open(path.clone()));
                }
            }
        });
    }
    ui.horizontal_wrapped(|ui| {
        let label = ui.label(t!(tr, "file-path"));
        ui.add(egui::TextEdit::singleline(&mut bar.path).desired_width(260.0)).labelled_by(label.id);
        if ui.button(t!(tr, "btn-browse")).on_hover_text(t!(tr, "btn-browse-hint")).clicked() {
            let name = Path::new(&bar.path)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            action = Some(FileAction::Browse(bar.purpose, name));
        }
        if matches!(bar.purpose, Purpose::Record(_)) {
            ui.checkbox(&mut bar.pcap, t!(tr, "file-record-pcap"))
                .on_hover_text(t!(tr, "file-record-pcap-hint"));
        }
        let path = PathBuf::from(bar.path.trim());
        let ready = !bar.path.trim().is_empty();
        let (confirm, picked) = match bar.purpose {
            Purpose::Save(_) => (t!(tr, "btn-save"), FileAction::Save(path)),
            Purpose::Plot(_) => (t!(tr, "btn-save"), FileAction::SavePlot(path)),
            Purpose::Record(_) => (t!(tr, "btn-start-recording"), FileAction::StartRecording(path, bar.pcap)),
            Purpose::Open | Purpose::MessageFile(_) | Purpose::Toml(_) => {
                (t!(tr, "btn-open-file"), FileAction::Open(path))
            }
        };
        if ui
            .add_enabled(ready, egui::Button::new(confirm))
            .on_hover_text(t!(tr, "btn-confirm-hint"))
            .clicked()
        {
            action = Some(picked);
        }
        if ui.button(t!(tr, "btn-cancel")).on_hover_text(t!(tr, "btn-cancel-hint")).clicked() {
            action = Some(FileAction::Cancel);
        }
    });
    if no_dialog {
        ui.label(egui::RichText::new(t!(tr, "file-no-dialog")).color(ui.visuals().warn_fg_color));
    }
    if matches!(bar.purpose, Purpose::Save(_)) {
        ui.weak(t!(tr, "file-formats"));
    }
    action
}

/// Where transcripts that were never saved are kept when the window closes.
pub fn recovery_dir() -> Option<PathBuf> {
    eframe::storage_dir("socket-tester").map(|dir| dir.join("recovery"))
}

/// Saves a transcript into the recovery folder, now (the window is closing).
pub fn save_recovery(
    dir: &Path,
    uid: u64,
    transcript: &Transcript,
    protocol: Protocol,
) -> Result<PathBuf, ExportError> {
    std::fs::create_dir_all(dir).map_err(|e| ExportError::io(dir, &e))?;
    let path = dir.join(suggested_name(uid, "jsonl"));
    let records: Vec<Record> =
        transcript.iter().map(|e| Record::from_entry(e, transcript.link(e.conn), uid, protocol)).collect();
    export::save(&path, &records, protocol)?;
    Ok(path)
}

/// The transcripts kept from earlier runs.
pub fn recovered(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use std::os::unix::fs::OpenOptionsExt;

    use bytes::Bytes;

    use super::*;
    use crate::engine::{EventKind, Link};

    #[test]
    fn a_disk_that_cannot_keep_up_stops_the_recording_instead_of_growing_memory() {
        // A FIFO that nobody drains: the recorder's writes block once its 64 KiB fill up.
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("stuck.jsonl");
        assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
        const O_NONBLOCK: i32 = 0o4000;
        let reader = std::fs::OpenOptions::new().read(true).custom_flags(O_NONBLOCK).open(&fifo).unwrap();
        let mut recording = LiveRecording::start(&fifo, false, Protocol::Tcp).unwrap();
        let addr = std::net::SocketAddr::from(([127, 0, 0, 1], 9));
        let link = Link { conn: 1, local: addr, peer: addr };
        let event = Event {
            at: jiff::Timestamp::now(),
            session: 1,
            kind: EventKind::Sent { link, data: Bytes::from_static(&[0xAB; 512]) },
        };
        let mut stopped_at = None;
        for i in 0..RECORDING_QUEUE + 10_000 {
            recording.push(&event, 1);
            if let Some(reason) = recording.failure() {
                assert_eq!(reason, RecordingFailure::Behind);
                stopped_at = Some(i);
                break;
            }
        }
        let stopped_at = stopped_at.expect("the recording stops once the queue is full");
        assert!(stopped_at >= RECORDING_QUEUE, "not before the queue is full: {stopped_at}");
        drop(recording);
        drop(reader);
    }
}
