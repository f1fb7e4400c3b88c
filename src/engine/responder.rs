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

/// A frame longer than this is cut by default: a line that never ends cannot eat the memory
/// of a server (the relay holds itself to 4 MiB the same way).
pub const DEFAULT_MAX_FRAME: usize = 1 << 20;

/// What a server does with a frame that grows past its limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OverLimit {
    /// Replies to the bytes so far as one frame; what follows starts the next.
    #[default]
    Reply,
    /// Closes the connection.
    Close,
}

/// The bytes of one connection not yet cut into frames. Each read is scanned once: the
/// delimiter search starts where the last one stopped and the cut frames leave the buffer in
/// one move, so a 40 MB line costs ten times a 4 MB one, not a hundred.
#[derive(Debug, Default)]
pub struct Unframed {
    buf: Vec<u8>,
    /// How much of `buf` holds no delimiter.
    scanned: usize,
}

/// What one read cut.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Cut {
    /// Whole frames, each with its delimiter.
    pub frames: Vec<Vec<u8>>,
    /// A frame reached the limit: it is the last of `frames` (cut there) when the policy
    /// replies, or it was dropped when the policy closes.
    pub over_limit: bool,
}

impl Unframed {
    /// Adds a read and cuts what is whole. `limit` caps a frame's length (`0`: no cap).
    pub fn push(&mut self, framing: Framing, data: &[u8], limit: usize, policy: OverLimit) -> Cut {
        let mut cut = Cut::default();
        if framing == Framing::Read {
            if !data.is_empty() {
                cut.frames.push(data.to_vec());
            }
            return cut;
        }
        self.buf.extend_from_slice(data);
        let limit = match framing {
            _ if limit == 0 => usize::MAX,
            // A fixed length is its own limit: it was checked when it was parsed.
            Framing::Bytes(n) => limit.max(n),
            _ => limit,
        };
        let mut start = 0;
        loop {
            let end = match framing {
                Framing::Line => {
                    let from = self.scanned.max(start);
                    match memchr::memchr(b'\n', &self.buf[from..]) {
                        Some(at) => Some(from + at + 1),
                        None => {
                            self.scanned = self.buf.len();
                            None
                        }
                    }
                }
                Framing::Bytes(n) => (self.buf.len() - start >= n).then_some(start + n),
                Framing::Read => unreachable!("each read is a frame"),
            };
            match end {
                Some(end) if end - start <= limit => {
                    cut.frames.push(self.buf[start..end].to_vec());
                    start = end;
                }
                _ if self.buf.len() - start > limit || end.is_some() => {
                    cut.over_limit = true;
                    if policy == OverLimit::Close {
                        self.buf.clear();
                        self.scanned = 0;
                        return cut;
                    }
                    cut.frames.push(self.buf[start..start + limit].to_vec());
                    start += limit;
                }
                _ => break,
            }
        }
        self.buf.drain(..start);
        self.scanned = self.scanned.saturating_sub(start);
        cut
    }

    /// Bytes waiting for the rest of their frame.
    pub fn len(&self) -> usize {
        self.buf.len()
    }

    /// Whether nothing waits.
    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }
}

impl Framing {
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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Responder {
    /// The rules, first match first.
    pub rules: Vec<Rule>,
    /// What happens to a frame no rule matches (or to every frame, without rules).
    pub fallback: Mode,
    /// How frames are cut (rules only; otherwise each read is one).
    pub framing: Framing,
    /// The longest frame, in bytes (`0`: no limit).
    pub max_frame: usize,
    /// What happens past it.
    pub over_limit: OverLimit,
}

impl Default for Responder {
    fn default() -> Self {
        Responder {
            rules: Vec::new(),
            fallback: Mode::Echo,
            framing: Framing::Read,
            max_frame: DEFAULT_MAX_FRAME,
            over_limit: OverLimit::Reply,
        }
    }
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
        let mut unframed = Unframed::default();
        let cut = unframed.push(Framing::Line, b"PING\r\nGET x\nhalf", 0, OverLimit::Reply);
        assert_eq!(cut.frames, [b"PING\r\n".to_vec(), b"GET x\n".to_vec()]);
        assert_eq!((unframed.len(), cut.over_limit), (4, false));
        assert_eq!(Framing::Line.body(&cut.frames[0]), b"PING");
        let cut = unframed.push(Framing::Line, b"way\n", 0, OverLimit::Reply);
        assert_eq!(cut.frames, [b"halfway\n".to_vec()]);
        assert!(unframed.is_empty());
        let mut unframed = Unframed::default();
        let cut = unframed.push(Framing::Bytes(3), b"abcdefg", 0, OverLimit::Reply);
        assert_eq!(cut.frames, [b"abc".to_vec(), b"def".to_vec()]);
        assert_eq!(unframed.push(Framing::Bytes(3), b"hi", 2, OverLimit::Close).frames, [b"ghi".to_vec()]);
        let cut = Unframed::default().push(Framing::Read, b"as read", 1, OverLimit::Close);
        assert_eq!((cut.frames, cut.over_limit), (vec![b"as read".to_vec()], false));
    }

    #[test]
    fn a_line_past_the_limit_is_cut_there_or_closes() {
        let mut unframed = Unframed::default();
        assert_eq!(unframed.push(Framing::Line, b"abcd", 5, OverLimit::Reply), Cut::default());
        let cut = unframed.push(Framing::Line, b"efghij\nok\n", 5, OverLimit::Reply);
        assert_eq!(cut.frames, [b"abcde".to_vec(), b"fghij".to_vec(), b"\n".to_vec(), b"ok\n".to_vec()]);
        assert!(cut.over_limit && unframed.is_empty());
        let mut unframed = Unframed::default();
        let cut = unframed.push(Framing::Line, b"ok\nabcdefgh", 5, OverLimit::Close);
        assert_eq!((cut.frames, cut.over_limit), (vec![b"ok\n".to_vec()], true));
        assert!(unframed.is_empty());
    }

    #[test]
    fn a_long_line_read_piece_by_piece_is_scanned_once() {
        // 4 MiB in 4 KiB reads: the delimiter search must not start over on every read.
        let mut unframed = Unframed::default();
        let piece = vec![b'a'; 4096];
        for _ in 0..1024 {
            assert!(unframed.push(Framing::Line, &piece, 0, OverLimit::Reply).frames.is_empty());
            assert_eq!(unframed.scanned, unframed.len());
        }
        let cut = unframed.push(Framing::Line, b"\n", 0, OverLimit::Reply);
        assert_eq!(cut.frames[0].len(), 4 * 1024 * 1024 + 1);
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
            framing: Framing::Line,
            ..Responder::default()
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
