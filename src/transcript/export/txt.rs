//! `.txt`: the transcript as people read it, one line per event, UTF-8.

use std::io::{self, Write};

use super::Record;
use crate::engine::Protocol;
use crate::transcript::line::LineFormatter;

/// A `.txt` file written a line at a time (the formatter carries what spans lines, such as a
/// character split across reads).
pub(crate) struct TxtLines<W: Write> {
    out: W,
    lines: LineFormatter,
}

impl<W: Write> TxtLines<W> {
    pub(crate) fn new(out: W, protocol: Protocol) -> TxtLines<W> {
        TxtLines { out, lines: LineFormatter::new(protocol == Protocol::Tcp, false) }
    }

    /// Writes one record's line.
    pub(crate) fn push(&mut self, record: &Record) -> io::Result<()> {
        match record.to_event() {
            Some(event) => writeln!(self.out, "{}", self.lines.format(&event)),
            None => writeln!(self.out, "{} {} (incomplete record)", record.time, record.event.as_str()),
        }
    }

    pub(crate) fn finish(self) -> W {
        self.out
    }
}
