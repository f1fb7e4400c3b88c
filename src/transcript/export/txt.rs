//! `.txt`: the transcript as people read it, one line per event, UTF-8.

use std::io::{self, Write};

use super::Record;
use crate::engine::Protocol;
use crate::transcript::line::LineFormatter;

/// A `.txt` file written a line at a time.
pub(crate) struct TxtLines<W: Write> {
    out: W,
    lines: LineFormatter,
    headed: bool,
}

impl<W: Write> TxtLines<W> {
    pub(crate) fn new(out: W, protocol: Protocol) -> TxtLines<W> {
        TxtLines { out, lines: LineFormatter::new(protocol == Protocol::Tcp, false), headed: false }
    }

    /// Writes one record's line.
    pub(crate) fn push(&mut self, record: &Record) -> io::Result<()> {
        if !self.headed {
            // Lines give the local time of day; the first line gives the date and the offset.
            let zoned = record.time.to_zoned(jiff::tz::TimeZone::system());
            writeln!(
                self.out,
                "# Socket Tester transcript, {}",
                zoned.strftime("%Y-%m-%d, local time (UTC%:z)")
            )?;
            self.headed = true;
        }
        match record.to_event() {
            Some(event) => writeln!(self.out, "{}", self.lines.format(&event)),
            None => writeln!(self.out, "{} {} (incomplete record)", record.time, record.event.as_str()),
        }
    }

    pub(crate) fn finish(self) -> W {
        self.out
    }
}
