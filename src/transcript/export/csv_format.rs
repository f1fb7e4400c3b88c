//! `.csv`, written with the csv crate: one row per event, with the time, session, connection,
//! event, direction, local and peer addresses, byte count, text and hex.

use std::io::{self, Write};

use super::{Record, compact_hex};
use crate::engine::Protocol;
use crate::transcript::render::escape;

/// Bytes shown in a CSV row's text and hex: escaped text takes at most 4 characters a byte, so
/// a cell stays under a spreadsheet's 32,767.
pub(crate) const PREVIEW_BYTES: usize = 8_000;
use crate::transcript::line::Direction;

const HEADER: [&str; 14] = [
    "time",
    "session",
    "conn",
    "event",
    "direction",
    "local",
    "peer",
    "bytes",
    "text",
    "hex",
    "rtt_us",
    "echo_ok",
    "truncated",
    "note",
];

/// A CSV file written a row at a time.
pub(crate) struct CsvRows<W: Write>(csv::Writer<W>);

impl<W: Write> CsvRows<W> {
    /// Starts the file with its header row.
    pub(crate) fn new(out: W) -> io::Result<CsvRows<W>> {
        let mut writer = csv::Writer::from_writer(out);
        writer.write_record(HEADER)?;
        Ok(CsvRows(writer))
    }

    /// Flushes and returns the writer.
    pub(crate) fn finish(self) -> io::Result<W> {
        self.0.into_inner().map_err(|e| io::Error::other(e.error().to_string()))
    }

    /// Writes one record's row.
    pub(crate) fn push(&mut self, r: &Record) -> io::Result<()> {
        let opt = |v: Option<String>| v.unwrap_or_default();
        // The direction and the words come from the event itself, like every view's; the words
        // are English, for the scripts that read a CSV file.
        let event = r.to_event();
        let direction = event.as_ref().map_or(Direction::Event, |e| Direction::of(&e.kind));
        // A spreadsheet cell holds at most 32,767 characters (and Python's csv reader 131,072):
        // a long payload keeps a preview here, and says where its whole bytes are.
        let preview = r.data.len() > PREVIEW_BYTES;
        let shown = if preview { &r.data[..PREVIEW_BYTES] } else { &r.data[..] };
        let (text, hex) = (escape(shown), compact_hex(shown));
        let note = match &event {
            Some(event) if !matches!(direction, Direction::Sent | Direction::Received) => {
                crate::i18n::english()
                    .event(&event.kind, r.protocol.unwrap_or(Protocol::Tcp))
                    .unwrap_or_default()
            }
            _ if preview => format!(
                "preview: the first {PREVIEW_BYTES} of {} bytes; the .jsonl (or .pcap) keeps them all",
                r.data.len()
            ),
            _ => String::new(),
        };
        self.0.write_record([
            r.time.to_string(),
            r.session.to_string(),
            r.conn.to_string(),
            r.event.as_str().to_string(),
            direction.arrow().to_string(),
            opt(r.local.map(|a| a.to_string())),
            opt(r.peer.map(|a| a.to_string())),
            r.data.len().to_string(),
            text,
            hex,
            opt(r.rtt_us.map(|v| v.to_string())),
            opt(r.echo_ok.map(|v| v.to_string())),
            r.truncated.to_string(),
            note,
        ])?;
        Ok(())
    }
}
