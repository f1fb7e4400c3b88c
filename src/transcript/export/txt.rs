//! `.txt`: the transcript as people read it, one line per event, UTF-8.

use std::io::{self, Write};

use super::Record;
use crate::engine::Protocol;
use crate::transcript::line::LineFormatter;

pub(crate) fn write(records: &[Record], protocol: Protocol, out: &mut dyn Write) -> io::Result<()> {
    let mut lines = LineFormatter::new(protocol == Protocol::Tcp, false);
    for record in records {
        match record.to_event() {
            Some(event) => writeln!(out, "{}", lines.format(&event))?,
            None => writeln!(out, "{} {} (incomplete record)", record.time, record.event.as_str())?,
        }
    }
    Ok(())
}
