//! Live recording: every event appended to a `.jsonl` file as it happens, and flushed, so a
//! crash or a capped in-memory transcript loses nothing; optionally a `.pcap` beside it.

use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use super::pcap::PcapSynth;
use super::{ExportError, Record, jsonl};
use crate::engine::{Event, Protocol};

/// Streams events to files.
pub struct Recorder {
    protocol: Protocol,
    path: PathBuf,
    jsonl: BufWriter<File>,
    pcap: Option<(PathBuf, PcapSynth<BufWriter<File>>)>,
}

impl Recorder {
    /// Starts recording to `path` (a `.jsonl` file, appended to), and to `pcap` if given.
    pub fn create(path: &Path, pcap: Option<&Path>, protocol: Protocol) -> Result<Recorder, ExportError> {
        let file =
            OpenOptions::new().create(true).append(true).open(path).map_err(|e| ExportError::io(path, &e))?;
        let pcap = match pcap {
            Some(p) => {
                let file = File::create(p).map_err(|e| ExportError::io(p, &e))?;
                let synth =
                    PcapSynth::new(BufWriter::new(file), protocol).map_err(|e| ExportError::io(p, &e))?;
                Some((p.to_path_buf(), synth))
            }
            None => None,
        };
        Ok(Recorder { protocol, path: path.to_path_buf(), jsonl: BufWriter::new(file), pcap })
    }

    /// Appends one event, flushed to the operating system before returning.
    pub fn record(&mut self, event: &Event, conn: u64) -> Result<(), ExportError> {
        let mut record = Record::from_event(event, conn);
        record.protocol = Some(self.protocol);
        jsonl::write_line(&record, &mut self.jsonl)
            .and_then(|()| self.jsonl.flush())
            .map_err(|e| ExportError::io(&self.path, &e))?;
        if let Some((path, synth)) = &mut self.pcap {
            synth.push(&record).map_err(|e| ExportError::io(path, &e))?;
        }
        Ok(())
    }

    /// Flushes everything and syncs it to disk.
    pub fn finish(self) -> Result<(), ExportError> {
        let file = self.jsonl.into_inner().map_err(|e| ExportError::io(&self.path, e.error()))?;
        file.sync_all().map_err(|e| ExportError::io(&self.path, &e))?;
        if let Some((path, synth)) = self.pcap {
            let mut out = synth.finish();
            out.flush().map_err(|e| ExportError::io(&path, &e))?;
        }
        Ok(())
    }
}
