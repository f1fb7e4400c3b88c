//! How a server replies: echo (the default), a fixed reply, silence, closing at once, or
//! rules. Rules match frames (each read, each line, or fixed-length pieces) in order; the
//! first match's reply is sent, with its captures (`$1`, `${name}`) and macros, after an
//! optional delay and with an optional close; a fallback covers frames no rule matches.

use std::sync::Arc;

use bytes::Bytes;
use jiff::Timestamp;

use super::expect::Pattern;
use super::template::{Captures, Expansion, Template, random_bytes};

/// What a rule matches, on a frame without its line delimiter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Matcher {
    /// Exactly these bytes.
    Exact(Vec<u8>),
    /// A frame that starts with these bytes.
    Prefix(Vec<u8>),
    /// A frame that holds these bytes.
    Contains(Vec<u8>),
    /// A regular expression on the bytes; its groups become `$1`, `${name}`.
    Regex(Pattern),
    /// These bytes, `None` for any (`??`).
    Hex(Vec<Option<u8>>),
}

impl Matcher {
    /// Whether the frame matches, and what it captured.
    pub fn matches(&self, frame: &[u8]) -> Option<Captures> {
        let matched = match self {
            Matcher::Exact(b) => frame == b.as_slice(),
            Matcher::Prefix(b) => frame.starts_with(b),
            Matcher::Contains(b) => b.is_empty() || frame.windows(b.len()).any(|w| w == b.as_slice()),
            Matcher::Hex(pattern) => {
                pattern.len() == frame.len()
                    && pattern.iter().zip(frame).all(|(p, b)| p.is_none_or(|p| p == *b))
            }
            Matcher::Regex(pattern) => return pattern.captures(frame),
        };
        matched.then(Captures::default)
    }
}

/// One rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// What it matches.
    pub matcher: Matcher,
    /// What it sends back.
    pub reply: Template,
    /// How long to wait before replying.
    pub delay_ms: u64,
    /// Close the connection after the reply.
    pub close_after: bool,
    /// How the rule reads, for the transcript ("rule 2 (regex:^GET) matched").
    pub label: String,
}

/// How frames are cut from a TCP stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Framing {
    /// Each read is a frame.
    #[default]
    Read,
    /// Each line (up to and with `\n`) is a frame.
    Line,
    /// Pieces of this many bytes.
    Bytes(usize),
}

impl Framing {
    /// Cuts the frames that `buf` holds; what is left stays for the next read. A frame
    /// keeps its delimiter; [`Framing::body`] leaves it out.
    pub fn cut(self, buf: &mut Vec<u8>) -> Vec<Vec<u8>> {
        let mut frames = Vec::new();
        match self {
            Framing::Read => {
                if !buf.is_empty() {
                    frames.push(std::mem::take(buf));
                }
            }
            Framing::Line => {
                while let Some(at) = buf.iter().position(|b| *b == b'\n') {
                    frames.push(buf.drain(..=at).collect());
                }
            }
            Framing::Bytes(n) => {
                let n = n.max(1);
                while buf.len() >= n {
                    frames.push(buf.drain(..n).collect());
                }
            }
        }
        frames
    }

    /// The part of a frame that rules match: a line without its `\n` (or `\r\n`).
    pub fn body(self, frame: &[u8]) -> &[u8] {
        match self {
            Framing::Line => {
                let frame = frame.strip_suffix(b"\n").unwrap_or(frame);
                frame.strip_suffix(b"\r").unwrap_or(frame)
            }
            Framing::Read | Framing::Bytes(_) => frame,
        }
    }
}

/// What a server does with what it receives, when no rule says otherwise.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Mode {
    /// Sends it back (a frame whole, delimiter and all).
    #[default]
    Echo,
    /// Sends this instead.
    Fixed(Template),
    /// Reads and discards; the connection stays open.
    Silent,
    /// Closes the connection.
    Close,
}

/// A server's way of replying.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Responder {
    /// The rules, first match first.
    pub rules: Vec<Rule>,
    /// What happens to a frame no rule matches (or to every frame, without rules).
    pub fallback: Mode,
    /// How frames are cut (rules only; otherwise each read is one).
    pub framing: Framing,
}

/// What to do with one frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// The bytes to send (nothing: stay silent).
    pub bytes: Option<Bytes>,
    /// Wait this long first.
    pub delay_ms: u64,
    /// Close after sending.
    pub close: bool,
    /// The rule that matched (1-based) and how it reads; `None`: the fallback.
    pub rule: Option<(usize, String)>,
}

impl Responder {
    /// Plain echo, the fast path every server takes unless told otherwise.
    pub fn is_echo(&self) -> bool {
        self.rules.is_empty() && self.fallback == Mode::Echo
    }

    /// The reply to one frame; `counter` numbers the frames of the connection from 1.
    pub fn reply(&self, frame: &[u8], counter: u64) -> Reply {
        let body = self.framing.body(frame);
        let expand = |template: &Template, captures: &Captures| {
            let mut random = random_bytes;
            let mut expansion = Expansion { counter, now: Timestamp::now(), captures, random: &mut random };
            Bytes::from(template.expand(&mut expansion))
        };
        for (index, rule) in self.rules.iter().enumerate() {
            if let Some(captures) = rule.matcher.matches(body) {
                return Reply {
                    bytes: Some(expand(&rule.reply, &captures)),
                    delay_ms: rule.delay_ms,
                    close: rule.close_after,
                    rule: Some((index + 1, rule.label.clone())),
                };
            }
        }
        let (bytes, close) = match &self.fallback {
            Mode::Echo => (Some(Bytes::copy_from_slice(frame)), false),
            Mode::Fixed(template) => (Some(expand(template, &Captures::default())), false),
            Mode::Silent => (None, false),
            Mode::Close => (None, true),
        };
        Reply { bytes, delay_ms: 0, close, rule: None }
    }
}

/// Shared by a server's loops.
pub type SharedResponder = Arc<Responder>;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::template::{CaptureRef, Macro, Part, TextForm};

    fn template(parts: Vec<Part>) -> Template {
        Template { parts, text: TextForm::Ascii }
    }

    #[test]
    fn frames_are_cut_and_matched_without_their_delimiter() {
        let mut buf = b"PING\r\nGET x\nhalf".to_vec();
        let frames = Framing::Line.cut(&mut buf);
        assert_eq!(frames, [b"PING\r\n".to_vec(), b"GET x\n".to_vec()]);
        assert_eq!(buf, b"half");
        assert_eq!(Framing::Line.body(&frames[0]), b"PING");
        let mut buf = b"abcdefg".to_vec();
        assert_eq!(Framing::Bytes(3).cut(&mut buf), [b"abc".to_vec(), b"def".to_vec()]);
        assert_eq!(buf, b"g");
    }

    #[test]
    fn the_first_matching_rule_replies_with_its_captures_and_the_fallback_covers_the_rest() {
        let regex = crate::engine::expect::Expectation::parse("regex:^GET (?P<path>\\S+)").unwrap();
        let crate::engine::expect::Expectation::Regex(pattern) = regex else { unreachable!() };
        let responder = Responder {
            rules: vec![
                Rule {
                    matcher: Matcher::Exact(b"PING".to_vec()),
                    reply: template(vec![Part::Bytes(b"PONG\n".to_vec())]),
                    delay_ms: 0,
                    close_after: false,
                    label: "exact:PING".into(),
                },
                Rule {
                    matcher: Matcher::Regex(pattern),
                    reply: template(vec![
                        Part::Bytes(b"200 ".to_vec()),
                        Part::Macro(Macro::Capture(CaptureRef::Name("path".into()))),
                        Part::Bytes(b" #".to_vec()),
                        Part::Macro(Macro::Counter(Default::default())),
                        Part::Bytes(b"\n".to_vec()),
                    ]),
                    delay_ms: 50,
                    close_after: true,
                    label: "regex:^GET".into(),
                },
            ],
            fallback: Mode::Echo,
            framing: Framing::Line,
        };
        let ping = responder.reply(b"PING\r\n", 1);
        assert_eq!(ping.bytes.as_deref(), Some(&b"PONG\n"[..]));
        assert_eq!(ping.rule, Some((1, "exact:PING".into())));
        let get = responder.reply(b"GET /index\n", 2);
        assert_eq!(get.bytes.as_deref(), Some(&b"200 /index #2\n"[..]));
        assert!(get.close && get.delay_ms == 50);
        let other = responder.reply(b"HELLO\r\n", 3);
        assert_eq!(
            other.bytes.as_deref(),
            Some(&b"HELLO\r\n"[..]),
            "the echo fallback returns the frame whole"
        );
        assert_eq!(other.rule, None);
        assert!(!responder.is_echo() && Responder::default().is_echo());
    }
}
