//! `.txt`: the transcript as people read it, one line per event, UTF-8.

use std::io::{self, Write};

use super::Record;
use crate::engine::Protocol;
use crate::i18n::{Language, Tr};
use crate::transcript::line::LineFormatter;
use crate::vocabulary::Message;

/// A `.txt` file written a line at a time.
pub(crate) struct TxtLines<W: Write> {
    out: W,
    lines: LineFormatter,
    headed: bool,
    stream: bool,
    language: Language,
}

impl<W: Write> TxtLines<W> {
    pub(crate) fn new(out: W, protocol: Protocol) -> TxtLines<W> {
        let stream = protocol == Protocol::Tcp;
        TxtLines {
            out,
            lines: LineFormatter::new(stream, false),
            headed: false,
            stream,
            language: Language::English,
        }
    }

    /// Writes the lines in this language, numbers included (the window's, or `--lang`).
    pub(crate) fn set_language(&mut self, language: Language) {
        self.language = language;
        self.lines = LineFormatter::in_language(language, self.stream, false);
    }

    /// Writes one record's line.
    pub(crate) fn push(&mut self, record: &Record) -> io::Result<()> {
        if !self.headed {
            // Lines give the local time of day; the first line gives the date and the offset.
            let zoned = record.time.to_zoned(jiff::tz::TimeZone::system());
            let header = Message::new("txt-header")
                .arg("date", zoned.strftime("%Y-%m-%d").to_string())
                .arg("offset", zoned.strftime("%:z").to_string());
            writeln!(self.out, "# {}", Tr::new(self.language).render(&header))?;
            self.headed = true;
        }
        match record.to_event() {
            Some(event) => writeln!(self.out, "{}", self.lines.format(&event)),
            None => {
                let words = Message::new("txt-incomplete").arg("event", record.event.as_str());
                writeln!(self.out, "{} {}", record.time, Tr::new(self.language).render(&words))
            }
        }
    }

    pub(crate) fn finish(self) -> W {
        self.out
    }
}
