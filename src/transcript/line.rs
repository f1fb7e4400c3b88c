//! One line of text per event, for a person and for grep: the CLI's output.
//!
//! `14:02:11.374    #1 ← 127.0.0.1:10000  16 B "Este es el mensa"`. Direction arrows:
//! `→` sent, `←` received, `•` an event, `!` an error. TCP text is decoded per connection and
//! direction, so a character split across reads shows whole.

use std::collections::HashMap;
use std::fmt::Write;

use jiff::tz::TimeZone;

use super::render::{StreamText, escape, hex};
use crate::engine::{ConnId, Event, EventKind, Link};

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
            EventKind::Failed { .. } => Direction::Error,
            _ => Direction::Event,
        }
    }
}

/// Turns events into transcript lines, keeping the per-stream text decoders.
pub struct LineFormatter {
    tz: TimeZone,
    show_hex: bool,
    stream: bool,
    decoders: HashMap<(ConnId, bool), StreamText>,
}

impl LineFormatter {
    /// A formatter. `stream` is true for TCP (decode across reads); `show_hex` adds the hex.
    pub fn new(stream: bool, show_hex: bool) -> Self {
        LineFormatter { tz: TimeZone::system(), show_hex, stream, decoders: HashMap::new() }
    }

    /// The wall-clock time of an event, local, to the millisecond.
    pub fn time(&self, event: &Event) -> String {
        event.at.to_zoned(self.tz.clone()).strftime("%H:%M:%S%.3f").to_string()
    }

    fn payload(&mut self, link: &Link, outgoing: bool, data: &[u8]) -> String {
        if self.stream {
            self.decoders.entry((link.conn, outgoing)).or_default().push(data)
        } else {
            escape(data)
        }
    }

    /// The line for one event.
    pub fn format(&mut self, event: &Event) -> String {
        let mut line = self.time(event);
        let direction = Direction::of(&event.kind);
        match event.kind.link() {
            Some(link) => {
                let _ = write!(line, " {:>5} {} ", format!("#{}", link.conn), direction.arrow());
            }
            None => {
                let _ = write!(line, " {:>5} {} ", "", direction.arrow());
            }
        }
        match &event.kind {
            EventKind::Listening { local, all_interfaces } => {
                let _ = write!(line, "listening on {local}");
                if *all_interfaces {
                    line.push_str(" (all interfaces: reachable from the network)");
                }
            }
            EventKind::Connected(link) => {
                let _ = write!(line, "connected to {} from {}", link.peer, link.local);
            }
            EventKind::Accepted(link) => {
                let _ = write!(line, "{} connected to {}", link.peer, link.local);
            }
            EventKind::Sent { link, data } => {
                let text = self.payload(link, true, data);
                self.bytes_line(&mut line, link, data, &text);
            }
            EventKind::Received { link, data, truncated, echo } => {
                let text = self.payload(link, false, data);
                self.bytes_line(&mut line, link, data, &text);
                if *truncated {
                    line.push_str(" (truncated)");
                }
                if let Some(echo) = echo {
                    let verdict = if echo.matches { "echo ok" } else { "echo MISMATCH" };
                    let _ = write!(
                        line,
                        "  rtt {:.3} ms, {verdict} ({} B)",
                        echo.rtt_us as f64 / 1000.0,
                        echo.bytes
                    );
                }
            }
            EventKind::PeerClosed(link) => {
                let _ = write!(line, "{} closed its side", link.peer);
            }
            EventKind::ConnectionClosed { link, bytes_in, bytes_out } => {
                let _ = write!(line, "closed {} ({bytes_in} B in, {bytes_out} B out)", link.peer);
                for outgoing in [false, true] {
                    if let Some(mut decoder) = self.decoders.remove(&(link.conn, outgoing)) {
                        let rest = decoder.finish();
                        if !rest.is_empty() {
                            let _ = write!(line, "; unfinished character {rest}");
                        }
                    }
                }
            }
            EventKind::Failed { error, .. } => {
                let _ = write!(line, "{error}");
            }
            EventKind::Notice(text) => line.push_str(text),
            EventKind::Closed { reason } => {
                let _ = write!(line, "session ended: {reason}");
            }
        }
        line
    }

    fn bytes_line(&self, line: &mut String, link: &Link, data: &[u8], text: &str) {
        let _ = write!(line, "{} {} B \"{text}\"", link.peer, data.len());
        if self.show_hex {
            let _ = write!(line, " [{}]", hex(data));
        }
    }
}
