//! One line of text per event, for a person and for grep: the CLI's output.
//!
//! `14:02:11.374    #1 ← 127.0.0.1:10000  16 B "Este es el mensa"`. Direction arrows:
//! `→` sent, `←` received, `•` an event, `!` an error. Each line shows its own bytes: a
//! character split across TCP reads shows as escapes on both lines, as it arrived.

use std::fmt::Write;

use jiff::tz::TimeZone;

use super::render::{escape, hex};
use crate::engine::script::StepOutcome;
use crate::engine::{Event, EventKind, Link, Protocol};
use crate::i18n::{Language, Tr};
use crate::vocabulary;

/// Which way a line goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Bytes we sent.
    Sent,
    /// Bytes we received.
    Received,
    /// Something that happened.
    Event,
    /// A failure.
    Error,
}

impl Direction {
    /// The arrow shown for this direction.
    pub fn arrow(self) -> &'static str {
        match self {
            Direction::Sent => "→",
            Direction::Received => "←",
            Direction::Event => "•",
            Direction::Error => "!",
        }
    }

    /// The direction of an event.
    pub fn of(kind: &EventKind) -> Direction {
        match kind {
            EventKind::Sent { .. } => Direction::Sent,
            EventKind::Received { .. } => Direction::Received,
            EventKind::Failed { .. } | EventKind::Lost { .. } => Direction::Error,
            // Accepting any certificate is shown as the warning it is.
            EventKind::Secured { tls, .. } if tls.verify == Some(crate::engine::tls::Verify::Insecure) => {
                Direction::Error
            }
            EventKind::Checked { check, .. } if !check.passed() => Direction::Error,
            EventKind::Checked { .. } => Direction::Event,
            EventKind::Step { outcome: StepOutcome::Failed { .. } | StepOutcome::Error { .. }, .. } => {
                Direction::Error
            }
            EventKind::Step { outcome: StepOutcome::Passed | StepOutcome::Skipped, .. } => Direction::Event,
            EventKind::StepsEnded(summary) if summary.failed > 0 => Direction::Error,
            EventKind::StepsEnded(_) => Direction::Event,
            EventKind::Listening { .. }
            | EventKind::Connected(_)
            | EventKind::Accepted(_)
            | EventKind::Secured { .. }
            | EventKind::PeerClosed(_)
            | EventKind::ConnectionClosed { .. }
            | EventKind::Notice(_)
            | EventKind::Closed { .. } => Direction::Event,
        }
    }
}

/// Turns events into transcript lines. The words come from the one vocabulary
/// ([`crate::vocabulary`]), in the formatter's language.
pub struct LineFormatter {
    tz: TimeZone,
    tr: Tr,
    show_hex: bool,
    stream: bool,
    /// At most this many payload bytes per line (`None`: all).
    shown: Option<usize>,
    /// Says under each line what happened, in plain words.
    explainer: Option<crate::explain::Explainer>,
}

impl LineFormatter {
    /// An English formatter. `stream` is true for TCP; `show_hex` adds the hex.
    pub fn new(stream: bool, show_hex: bool) -> Self {
        LineFormatter::in_language(Language::English, stream, show_hex)
    }

    /// A formatter in a language.
    pub fn in_language(language: Language, stream: bool, show_hex: bool) -> Self {
        LineFormatter {
            tz: TimeZone::system(),
            tr: Tr::new(language),
            show_hex,
            stream,
            shown: None,
            explainer: None,
        }
    }

    /// Adds a sentence in plain words under each line (`None`: none).
    pub fn explaining(mut self, explainer: Option<crate::explain::Explainer>) -> Self {
        self.explainer = explainer;
        self
    }

    /// Shows at most `bytes` of each payload (`None`: whole payloads), then an ellipsis and
    /// the size.
    pub fn showing(self, bytes: Option<usize>) -> Self {
        LineFormatter { shown: bytes, ..self }
    }

    /// The wall-clock time of an event, local, to the millisecond.
    pub fn time(&self, event: &Event) -> String {
        event.at.to_zoned(self.tz.clone()).strftime("%H:%M:%S%.3f").to_string()
    }

    /// The line for one event.
    pub fn format(&mut self, event: &Event) -> String {
        let mut line = self.time(event);
        let direction = Direction::of(&event.kind);
        let conn = event.kind.link().map(|link| format!("#{}", link.conn)).unwrap_or_default();
        let _ = write!(line, " {conn:>5} {} ", direction.arrow());
        match &event.kind {
            EventKind::Sent { link, data } => self.bytes_line(&mut line, link, data),
            EventKind::Received { link, data, truncated, echo } => {
                self.bytes_line(&mut line, link, data);
                if let Some(words) = vocabulary::received(*truncated, echo.as_ref()) {
                    let _ = write!(line, "  {}", self.tr.render(&words));
                }
            }
            kind => {
                let protocol = if self.stream { Protocol::Tcp } else { Protocol::Udp };
                if let Some(words) = vocabulary::event(kind, protocol) {
                    line.push_str(&self.tr.render(&words));
                }
            }
        }
        if let Some(explainer) = &mut self.explainer {
            let conn = event.kind.link().map_or(0, |link| link.conn);
            let words = explainer.explain(crate::explain::Step::of(&event.kind, conn));
            let _ = write!(line, "\n{:19}↳ {}", "", self.tr.render(&words));
        }
        line
    }

    fn bytes_line(&self, line: &mut String, link: &Link, data: &[u8]) {
        let size = self.tr.number(data.len() as f64, 0);
        let shown = match self.shown {
            Some(limit) if data.len() > limit => &data[..limit],
            _ => data,
        };
        let more = if shown.len() < data.len() { format!("… ({size} B)") } else { String::new() };
        let _ = write!(line, "{} {size} B \"{}\"{more}", link.peer, escape(shown));
        if self.show_hex {
            let _ = write!(line, " [{}]{more}", hex(shown));
        }
    }
}
