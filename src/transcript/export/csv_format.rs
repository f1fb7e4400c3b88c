//! `.csv`, written with the csv crate: one row per event, with the time, session, connection,
//! event, direction, local and peer addresses, byte count, text and hex.

use std::io::{self, Write};

use super::Record;
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

pub(crate) fn write(records: &[Record], out: &mut dyn Write) -> io::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(HEADER)?;
    let opt = |v: Option<String>| v.unwrap_or_default();
    for r in records {
        let direction = match r.event.as_str() {
            "sent" => Direction::Sent,
            "received" => Direction::Received,
            "failed" => Direction::Error,
            _ => Direction::Event,
        };
        // The words of the one vocabulary, in English: a CSV file is read by scripts.
        let note = match r.event.as_str() {
            "sent" | "received" => String::new(),
            _ => r.to_event().and_then(|e| crate::i18n::english().event(&e.kind)).unwrap_or_default(),
        };
        writer.write_record([
            r.time.to_string(),
            r.session.to_string(),
            r.conn.to_string(),
            r.event.as_str().to_string(),
            direction.arrow().to_string(),
            opt(r.local.map(|a| a.to_string())),
            opt(r.peer.map(|a| a.to_string())),
            r.data.len().to_string(),
            r.text(),
            r.hex(),
            opt(r.rtt_us.map(|v| v.to_string())),
            opt(r.echo_ok.map(|v| v.to_string())),
            r.truncated.to_string(),
            note,
        ])?;
    }
    writer.flush()
}
