//! Live recording: every event appended to a `.jsonl` file, a `.pcap` file, or both, as it
//! happens, so a crash or a capped in-memory transcript loses nothing.
//!
//! Each file is written on a thread of its own (so two files are encoded side by side), in
//! batches: the thread takes what has queued up (at most [`BATCH_TIME`] of traffic, or
//! [`BATCH_BYTES`]), encodes it into a buffer that goes to the operating system whenever it
//! holds 128 KiB, and writes the rest before it takes the next batch. A `kill -9` therefore loses at most the batch in flight,
//! and leaves each file readable up to its last complete line or packet. Payloads are shared
//! with the events (reference-counted) and encoded straight into the output buffer.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::PathBuf;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender, TrySendError};

use super::pcap::PcapSynth;
use super::{ExportError, Record, jsonl};
use crate::engine::{Event, Protocol};

/// A batch ends after this long, so a crash loses at most this much of a steady stream.
pub const BATCH_TIME: Duration = Duration::from_millis(10);
/// A batch ends after this many payload bytes.
pub const BATCH_BYTES: usize = 8 << 20;
/// A buffer is written out once it holds this much, batch or not. Small enough that what
/// was written is still in the processor's cache when a pipe's reader takes it: 128 KiB
/// writes cost the recorder, the server and a pipe's reader together about 10 % less time per
/// recorded byte than 4 MiB writes (`benches/record.py`).
const BUFFER: usize = 128 << 10;
/// A named pipe's buffer, widened to this (or what the system allows, if less).
const PIPE_BYTES: usize = 1 << 20;

/// Where to record.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecordTo {
    /// The `.jsonl` file, appended to.
    pub jsonl: Option<PathBuf>,
    /// The `.pcap` file, created afresh (a pcap file has one header).
    pub pcap: Option<PathBuf>,
}

/// Streams events to files, each on its writer thread.
pub struct Recorder {
    writers: Vec<Writer>,
    /// The first failure of a writer, once one stopped.
    failure: Option<ExportError>,
}

/// One file's thread and its queue.
struct Writer {
    events: Option<Sender<(Event, u64)>>,
    thread: Option<JoinHandle<Result<(), ExportError>>>,
}

impl Writer {
    /// Closes the queue and waits for the thread to write what it holds.
    fn join(&mut self) -> Result<(), ExportError> {
        self.events = None;
        match self.thread.take().map(JoinHandle::join) {
            Some(Ok(result)) => result,
            Some(Err(_)) => {
                Err(ExportError::Io { path: PathBuf::new(), reason: "the recorder thread failed".into() })
            }
            None => Ok(()),
        }
    }
}

/// The queue to a writer thread was full (the disk fell that far behind).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueFull;

impl Recorder {
    /// Opens the files (here, so a bad path is an error at once) and starts their writer
    /// threads. `queue` bounds the events waiting for each: [`Recorder::record`] waits when
    /// one is full, [`Recorder::try_record`] refuses.
    pub fn start(to: &RecordTo, protocol: Protocol, queue: usize) -> Result<Recorder, ExportError> {
        let mut sinks = Vec::new();
        if let Some(path) = &to.jsonl {
            let file = if super::is_stdout(path) {
                super::stdout_file().map_err(|e| ExportError::io(path, &e))?
            } else {
                OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(path)
                    .map_err(|e| ExportError::io(path, &e))?
            };
            sinks.push(Sink {
                path: path.clone(),
                file: widen_pipe(file),
                protocol,
                format: Encoder::Jsonl(Vec::new(), jsonl::LineEncoder::default()),
            });
        }
        if let Some(path) = &to.pcap {
            let file = File::create(path).map_err(|e| ExportError::io(path, &e))?;
            let synth = PcapSynth::new(Vec::new(), protocol).map_err(|e| ExportError::io(path, &e))?;
            let mut sink =
                Sink { path: path.clone(), file: widen_pipe(file), protocol, format: Encoder::Pcap(synth) };
            // The header reaches the file at once: a pcap file is never empty.
            sink.write_out()?;
            sinks.push(sink);
        }
        let mut writers = Vec::new();
        for mut sink in sinks {
            let syncer = super::Syncer::start(&sink.file);
            let (tx, rx) = crossbeam_channel::bounded(queue.max(1));
            let path = sink.path.clone();
            let thread = std::thread::Builder::new()
                .name("recorder".into())
                .spawn(move || {
                    let written = sink.run(&rx);
                    drop(syncer);
                    written
                })
                .map_err(|e| ExportError::io(&path, &e))?;
            writers.push(Writer { events: Some(tx), thread: Some(thread) });
        }
        Ok(Recorder { writers, failure: None })
    }

    /// Hands one event to the writers, waiting while a queue is full. An error means a writer
    /// stopped (a full disk, say): nothing more is recorded.
    pub fn record(&mut self, event: &Event, conn: u64) -> Result<(), ExportError> {
        for writer in &self.writers {
            let sent = writer.events.as_ref().is_some_and(|tx| tx.send((event.clone(), conn)).is_ok());
            if !sent {
                return Err(self.stopped());
            }
        }
        Ok(())
    }

    /// Hands one event to the writers without waiting: `Err(QueueFull)` if one is that far
    /// behind. A writer that stopped is seen through [`Recorder::failure`].
    pub fn try_record(&self, event: &Event, conn: u64) -> Result<(), QueueFull> {
        for tx in self.writers.iter().filter_map(|w| w.events.as_ref()) {
            if let Err(TrySendError::Full(_)) = tx.try_send((event.clone(), conn)) {
                return Err(QueueFull);
            }
        }
        Ok(())
    }

    /// Why a writer stopped, if one did (without waiting).
    pub fn failure(&mut self) -> Option<&ExportError> {
        let finished = self.writers.iter().any(|w| w.thread.as_ref().is_some_and(JoinHandle::is_finished));
        if self.failure.is_none() && finished {
            self.failure = Some(self.stopped());
        }
        self.failure.as_ref()
    }

    /// Stops every writer and keeps the first error.
    fn stopped(&mut self) -> ExportError {
        if let Some(failure) = &self.failure {
            return failure.clone();
        }
        let results: Vec<Result<(), ExportError>> = self.writers.iter_mut().map(Writer::join).collect();
        let error = results.into_iter().find_map(Result::err).unwrap_or_else(|| ExportError::Io {
            path: PathBuf::new(),
            reason: "the recording has stopped".into(),
        });
        self.failure = Some(error.clone());
        error
    }

    /// Writes what is queued, syncs the files, and stops the writers.
    pub fn finish(mut self) -> Result<(), ExportError> {
        if let Some(failure) = self.failure.take() {
            return Err(failure);
        }
        let results: Vec<Result<(), ExportError>> = self.writers.iter_mut().map(Writer::join).collect();
        results.into_iter().collect()
    }
}

impl Drop for Recorder {
    fn drop(&mut self) {
        // Closing the queues lets the writers write what they hold and end on their own.
        for writer in &mut self.writers {
            writer.events = None;
        }
    }
}

/// How a file encodes events, with what waits to be written.
enum Encoder {
    Jsonl(Vec<u8>, jsonl::LineEncoder),
    Pcap(PcapSynth<Vec<u8>>),
}

/// One file on its writer thread.
struct Sink {
    path: PathBuf,
    file: File,
    protocol: Protocol,
    format: Encoder,
}

impl Sink {
    fn run(&mut self, events: &Receiver<(Event, u64)>) -> Result<(), ExportError> {
        while let Ok(first) = events.recv() {
            let started = Instant::now();
            let mut bytes = self.encode(&first)?;
            while bytes < BATCH_BYTES && started.elapsed() < BATCH_TIME {
                let Ok(next) = events.try_recv() else { break };
                bytes += self.encode(&next)?;
            }
            self.write_out()?;
        }
        self.write_out()?;
        match self.file.sync_all() {
            // A pipe or a terminal cannot be synced, and need not be.
            Err(e) if e.kind() == std::io::ErrorKind::InvalidInput => Ok(()),
            other => other.map_err(|e| ExportError::io(&self.path, &e)),
        }
    }

    /// Encodes one event into the buffer (written out once it is large); returns the size of
    /// its payload.
    fn encode(&mut self, (event, conn): &(Event, u64)) -> Result<usize, ExportError> {
        let mut record = Record::from_event(event, *conn);
        record.protocol = Some(self.protocol);
        let encoded = match &mut self.format {
            Encoder::Jsonl(buf, lines) => lines.encode(&record, buf),
            Encoder::Pcap(synth) => synth.push(&record),
        };
        encoded.map_err(|e| ExportError::io(&self.path, &e))?;
        if self.buffer().len() >= BUFFER {
            self.write_out()?;
        }
        Ok(record.data.len())
    }

    fn buffer(&mut self) -> &mut Vec<u8> {
        match &mut self.format {
            Encoder::Jsonl(buf, _) => buf,
            Encoder::Pcap(synth) => synth.get_mut(),
        }
    }

    /// Hands the buffer to the operating system: what was written survives a crash.
    fn write_out(&mut self) -> Result<(), ExportError> {
        let (file, path) = (&mut self.file, &self.path);
        let buf = match &mut self.format {
            Encoder::Jsonl(buf, _) => buf,
            Encoder::Pcap(synth) => synth.get_mut(),
        };
        file.write_all(buf).map_err(|e| ExportError::io(path, &e))?;
        buf.clear();
        Ok(())
    }
}

/// A named pipe as the file: its buffer is widened (from 64 KiB to as much as the system
/// allows an unprivileged process, 1 MiB by default), so the writer seldom waits for the
/// reader. Anything else is left as it is.
fn widen_pipe(file: File) -> File {
    if file.metadata().is_ok_and(|m| std::os::unix::fs::FileTypeExt::is_fifo(&m.file_type())) {
        let max = std::fs::read_to_string("/proc/sys/fs/pipe-max-size")
            .ok()
            .and_then(|text| text.trim().parse().ok())
            .unwrap_or(1 << 20);
        let _ = rustix::pipe::fcntl_setpipe_size(&file, usize::min(max, PIPE_BYTES));
    }
    file
}
