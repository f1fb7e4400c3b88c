//! What a client waits for after each send, and what the reply must be.
//!
//! [`ReplyEnd`] says where a reply ends (the peer closes, an idle gap, a delimiter, a byte
//! count, or the length of what was sent, as for an echo); [`Expectation`] says what it must
//! be. Both are written in one line of text (`regex:^\+PONG`, `delim:\r\n`), the same in the
//! window, on the command line and in preset files. [`Expectation::check`] gives the verdict
//! with the reason, and what a regex captured for the next message's `{1}` or `{name}`.

use std::fmt;

use bytes::Bytes;

use super::template::Captures;
use crate::show::escape;

/// A compiled regular expression over bytes, compared by its text.
#[derive(Debug, Clone)]
pub struct Pattern(regex::bytes::Regex);

impl PartialEq for Pattern {
    fn eq(&self, other: &Pattern) -> bool {
        self.0.as_str() == other.0.as_str()
    }
}

impl Eq for Pattern {}

impl Pattern {
    /// Compiles a pattern (in the regex crate's syntax, on bytes).
    pub fn new(text: &str) -> Result<Pattern, ParseError> {
        regex::bytes::Regex::new(text)
            .map(Pattern)
            .map_err(|e| ParseError(e.to_string().lines().last().unwrap_or_default().trim().to_string()))
    }

    /// Its text.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// What a match captured: numbered and named groups; `None` when it does not match.
    pub fn captures(&self, data: &[u8]) -> Option<Captures> {
        // Most frames match no rule: the plain test is several times cheaper than capturing.
        if !self.0.is_match(data) {
            return None;
        }
        let found = self.0.captures(data)?;
        let groups = found.iter().map(|m| m.map(|m| Bytes::copy_from_slice(m.as_bytes()))).collect();
        let mut captures = Captures { groups, ..Captures::default() };
        for name in self.0.capture_names().flatten() {
            if let Some(m) = found.name(name) {
                captures.named.insert(name.to_string(), Bytes::copy_from_slice(m.as_bytes()));
            }
        }
        Some(captures)
    }
}

/// What a reply must be.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Expectation {
    /// The bytes sent, back (the default).
    #[default]
    Echo,
    /// Anything at all.
    Any,
    /// Nothing, within the timeout.
    Nothing,
    /// Exactly this text (UTF-8).
    Text(String),
    /// Text that holds this.
    Contains(String),
    /// A match of this regular expression (on the bytes; `(?-u)` lets it match any byte).
    Regex(Pattern),
    /// These bytes, `None` for any byte (`??`).
    Hex(Vec<Option<u8>>),
}

/// Why a line of expectation or reply end does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ParseError(pub String);

impl Expectation {
    /// Reads `echo`, `any`, `none`, `text:T`, `contains:T`, `regex:R` or `hex:H` (with `??`
    /// for any byte). T takes escapes (`\r\n`), as `-e` does.
    pub fn parse(text: &str) -> Result<Expectation, ParseError> {
        let unescape = |t: &str| {
            let bytes = crate::transcript::render::unescape(t).map_err(|e| ParseError(e.to_string()))?;
            String::from_utf8(bytes).map_err(|_| ParseError("the text is not UTF-8".into()))
        };
        match text.split_once(':') {
            None => match text.trim() {
                "echo" => Ok(Expectation::Echo),
                "any" => Ok(Expectation::Any),
                "none" => Ok(Expectation::Nothing),
                other => Err(ParseError(format!(
                    "{other:?}: expect echo, any, none, text:T, contains:T, regex:R or hex:H"
                ))),
            },
            Some(("text", t)) => Ok(Expectation::Text(unescape(t)?)),
            Some(("contains", t)) => Ok(Expectation::Contains(unescape(t)?)),
            Some(("regex", r)) => Pattern::new(r).map(Expectation::Regex),
            Some(("hex", h)) => parse_hex_pattern(h).map(Expectation::Hex),
            Some((kind, _)) => Err(ParseError(format!(
                "{kind:?}: expect echo, any, none, text:T, contains:T, regex:R or hex:H"
            ))),
        }
    }

    /// Whether this waits for the echo of what was sent, compared as it arrives.
    pub fn is_echo(&self) -> bool {
        *self == Expectation::Echo
    }

    /// The verdict on a reply (`None`: nothing came in time) to a message of `sent` bytes.
    pub fn check(&self, sent: &[u8], reply: Option<&[u8]>) -> (Verdict, Captures) {
        let mut captures = Captures::default();
        let Some(reply) = reply else {
            let verdict = if *self == Expectation::Nothing { Verdict::Passed } else { Verdict::NoReply };
            return (verdict, captures);
        };
        let passed = match self {
            Expectation::Echo => reply == sent,
            Expectation::Any => true,
            Expectation::Nothing => false,
            Expectation::Text(t) => reply == t.as_bytes(),
            Expectation::Contains(t) => {
                reply.windows(t.len().max(1)).any(|w| w == t.as_bytes()) || t.is_empty()
            }
            Expectation::Regex(pattern) => match pattern.captures(reply) {
                Some(found) => {
                    captures = found;
                    true
                }
                None => false,
            },
            Expectation::Hex(pattern) => {
                pattern.len() == reply.len()
                    && pattern.iter().zip(reply).all(|(p, b)| p.is_none_or(|p| p == *b))
            }
        };
        (if passed { Verdict::Passed } else { Verdict::Got }, captures)
    }
}

impl Expectation {
    /// The verdict on a reply, ready to be said, and what it captured.
    pub(crate) fn judge(
        &self,
        sent: &[u8],
        reply: Option<&[u8]>,
        rtt_us: u64,
        timeout_ms: u64,
    ) -> (ReplyCheck, Captures) {
        let (verdict, captures) = self.check(sent, reply);
        let reply = reply.unwrap_or_default();
        let check = ReplyCheck {
            expected: self.to_string(),
            verdict,
            reply: reply[..reply.len().min(SHOWN_REPLY)].to_vec(),
            reply_bytes: reply.len() as u64,
            rtt_us,
            timeout_ms,
            end: String::new(),
        };
        (check, captures)
    }

    /// The verdict when bytes came but the reply's `end` did not, before the timeout (or
    /// before [`MAX_REPLY`] bytes): a failure that says what ended the wait.
    pub(crate) fn unended(&self, end: &ReplyEnd, reply: &[u8], rtt_us: u64, timeout_ms: u64) -> ReplyCheck {
        ReplyCheck {
            expected: self.to_string(),
            verdict: Verdict::Unended,
            reply: reply[..reply.len().min(SHOWN_REPLY)].to_vec(),
            reply_bytes: reply.len() as u64,
            rtt_us,
            timeout_ms,
            end: end.to_string(),
        }
    }
}

/// The most a client gathers while it waits for a reply's end: past it, the wait ends and
/// the reply is a failure ([`Verdict::Unended`]), so an endless peer cannot eat the memory.
pub const MAX_REPLY: usize = 16 << 20;

/// Reads hex bytes with `??` for any byte.
pub fn parse_hex_pattern(text: &str) -> Result<Vec<Option<u8>>, ParseError> {
    let mut out = Vec::new();
    let cleaned: String =
        text.chars().filter(|c| !(c.is_whitespace() || matches!(c, ':' | '-' | ','))).collect();
    let chars: Vec<char> = cleaned.chars().collect();
    if chars.len() % 2 == 1 {
        return Err(ParseError(format!("{text:?}: a byte needs two hex digits (?? for any byte)")));
    }
    for pair in chars.chunks(2) {
        match pair {
            ['?', '?'] => out.push(None),
            [a, b] => match (a.to_digit(16), b.to_digit(16)) {
                (Some(a), Some(b)) => out.push(Some((a << 4 | b) as u8)),
                _ => return Err(ParseError(format!("{a}{b}: not a hex byte (?? for any byte)"))),
            },
            _ => {}
        }
    }
    Ok(out)
}

impl fmt::Display for Expectation {
    /// The line that reads back as the same expectation.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expectation::Echo => f.write_str("echo"),
            Expectation::Any => f.write_str("any"),
            Expectation::Nothing => f.write_str("none"),
            Expectation::Text(t) => write!(f, "text:{}", escape(t.as_bytes())),
            Expectation::Contains(t) => write!(f, "contains:{}", escape(t.as_bytes())),
            Expectation::Regex(Pattern(re)) => write!(f, "regex:{}", re.as_str()),
            Expectation::Hex(pattern) => {
                let bytes: Vec<String> = pattern
                    .iter()
                    .map(|b| b.map_or_else(|| "??".to_string(), |b| format!("{b:02X}")))
                    .collect();
                write!(f, "hex:{}", bytes.join(" "))
            }
        }
    }
}

/// Where a reply ends.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum ReplyEnd {
    /// As many bytes as were sent (an echo's length; the default).
    #[default]
    Sent,
    /// The peer closes the connection.
    Close,
    /// No byte for this many milliseconds after the last one.
    Idle(u64),
    /// A delimiter (kept in the transcript, left out when matching).
    Delimiter(Vec<u8>),
    /// This many bytes.
    Bytes(u64),
}

/// The default idle gap.
pub const DEFAULT_IDLE_MS: u64 = 200;

impl ReplyEnd {
    /// Reads `sent`, `close`, `idle[:MS]`, `delim:ESCAPED` or `bytes:N`.
    pub fn parse(text: &str) -> Result<ReplyEnd, ParseError> {
        let usage = || {
            ParseError(format!("{text:?}: a reply ends at sent, close, idle:MS, delim:ESCAPED or bytes:N"))
        };
        match text.trim().split_once(':') {
            None => match text.trim() {
                "sent" | "echo" => Ok(ReplyEnd::Sent),
                "close" => Ok(ReplyEnd::Close),
                "idle" => Ok(ReplyEnd::Idle(DEFAULT_IDLE_MS)),
                _ => Err(usage()),
            },
            Some(("idle", ms)) => ms.parse().ok().filter(|ms| *ms > 0).map(ReplyEnd::Idle).ok_or_else(usage),
            Some(("bytes", n)) => n.parse().ok().filter(|n| *n > 0).map(ReplyEnd::Bytes).ok_or_else(usage),
            Some(("delim", d)) => {
                let bytes = crate::transcript::render::unescape(d).map_err(|e| ParseError(e.to_string()))?;
                if bytes.is_empty() { Err(usage()) } else { Ok(ReplyEnd::Delimiter(bytes)) }
            }
            Some(_) => Err(usage()),
        }
    }

    /// Where the reply in `buf` ends, if it has: the bytes it takes, and those to match.
    pub fn split(&self, buf: &[u8], sent: usize) -> Option<(usize, usize)> {
        match self {
            ReplyEnd::Sent => (buf.len() >= sent).then_some((sent, sent)),
            ReplyEnd::Bytes(n) => {
                let n = usize::try_from(*n).unwrap_or(usize::MAX);
                (buf.len() >= n).then_some((n, n))
            }
            ReplyEnd::Delimiter(d) => memchr::memmem::find(buf, d).map(|at| (at + d.len(), at)),
            ReplyEnd::Close | ReplyEnd::Idle(_) => None,
        }
    }
}

impl fmt::Display for ReplyEnd {
    /// The line that reads back as the same end.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReplyEnd::Sent => f.write_str("sent"),
            ReplyEnd::Close => f.write_str("close"),
            ReplyEnd::Idle(ms) => write!(f, "idle:{ms}"),
            ReplyEnd::Delimiter(d) => write!(f, "delim:{}", escape(d)),
            ReplyEnd::Bytes(n) => write!(f, "bytes:{n}"),
        }
    }
}

macro_rules! serde_as_line {
    ($t:ty) => {
        impl serde::Serialize for $t {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.to_string())
            }
        }

        impl<'de> serde::Deserialize<'de> for $t {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<$t, D::Error> {
                let line = String::deserialize(d)?;
                <$t>::parse(&line).map_err(|e| serde::de::Error::custom(e.0))
            }
        }
    };
}

// In files, both are the line that the command line takes.
serde_as_line!(Expectation);
serde_as_line!(ReplyEnd);

/// The outcome of an expectation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The reply (or its absence) is what was expected.
    Passed,
    /// A reply came, and it is not what was expected.
    Got,
    /// Nothing came within the timeout.
    NoReply,
    /// Bytes came, but the reply's end (`--reply-end`) did not: the timeout or the size
    /// limit ended the wait. Whatever came is not judged as if it were the whole reply.
    Unended,
}

/// An expectation's verdict on one reply, with what it needs to be said.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ReplyCheck {
    /// What was expected, as its line (`regex:^\+PONG`).
    pub expected: String,
    /// The verdict.
    pub verdict: Verdict,
    /// The reply's first bytes (at most [`SHOWN_REPLY`]), for the reason.
    #[serde(with = "crate::show::hex_field")]
    pub reply: Vec<u8>,
    /// The reply's whole length.
    pub reply_bytes: u64,
    /// From the first byte sent to the reply's end, in microseconds.
    pub rtt_us: u64,
    /// The timeout, for "no reply within …".
    pub timeout_ms: u64,
    /// With [`Verdict::Unended`]: the reply end that was not reached (`close`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub end: String,
}

/// Bytes of a reply kept to say why it failed.
pub const SHOWN_REPLY: usize = 64;

impl ReplyCheck {
    /// Whether it passed.
    pub fn passed(&self) -> bool {
        self.verdict == Verdict::Passed
    }

    /// The reply as it is shown in a reason, by the one rule for bytes in a sentence
    /// ([`crate::show::shown`]).
    pub fn shown_reply(&self) -> String {
        crate::show::shown(&self.reply, self.reply_bytes as usize > self.reply.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expectations_read_and_print_back() {
        for line in
            ["echo", "any", "none", "text:+PONG\\r\\n", "contains:OK", "regex:^\\+PONG", "hex:4F 4B ?? 0D"]
        {
            let parsed = Expectation::parse(line).unwrap();
            assert_eq!(Expectation::parse(&parsed.to_string()).unwrap(), parsed, "{line}");
        }
        assert!(Expectation::parse("regex:(").unwrap_err().0.contains("unclosed group"));
        assert!(Expectation::parse("hex:4G").is_err());
        assert!(Expectation::parse("maybe").unwrap_err().0.contains("expect echo, any"));
        for line in ["sent", "close", "idle:50", "delim:\\r\\n", "bytes:4"] {
            let parsed = ReplyEnd::parse(line).unwrap();
            assert_eq!(ReplyEnd::parse(&parsed.to_string()).unwrap(), parsed, "{line}");
        }
        assert_eq!(ReplyEnd::parse("idle"), Ok(ReplyEnd::Idle(200)));
        assert!(ReplyEnd::parse("bytes:0").is_err());
    }

    #[test]
    fn verdicts_and_captures() {
        let check = |e: &str, reply: Option<&[u8]>| Expectation::parse(e).unwrap().check(b"PING", reply);
        assert_eq!(check("echo", Some(b"PING")).0, Verdict::Passed);
        assert_eq!(check("echo", Some(b"PONG")).0, Verdict::Got);
        assert_eq!(check("any", None).0, Verdict::NoReply);
        assert_eq!(check("none", None).0, Verdict::Passed);
        assert_eq!(check("none", Some(b"x")).0, Verdict::Got);
        assert_eq!(check("text:+PONG", Some(b"+PONG")).0, Verdict::Passed);
        assert_eq!(check("contains:ONG", Some(b"+PONG")).0, Verdict::Passed);
        assert_eq!(check("hex:2B ?? 4F", Some(b"+PO")).0, Verdict::Passed);
        assert_eq!(check("hex:2B ?? 4F", Some(b"+POX")).0, Verdict::Got);
        let (verdict, captures) = check("regex:^TOKEN (?P<token>[0-9a-f]+) (\\d+)", Some(b"TOKEN beef 42"));
        assert_eq!(verdict, Verdict::Passed);
        assert_eq!(captures.named.get("token").map(|b| b.to_vec()), Some(b"beef".to_vec()));
        assert_eq!(captures.groups.get(2).cloned().flatten().map(|b| b.to_vec()), Some(b"42".to_vec()));
    }

    #[test]
    fn reply_ends() {
        assert_eq!(ReplyEnd::Sent.split(b"abcdef", 4), Some((4, 4)));
        assert_eq!(ReplyEnd::Sent.split(b"abc", 4), None);
        assert_eq!(ReplyEnd::Delimiter(b"\r\n".to_vec()).split(b"+PONG\r\nrest", 4), Some((7, 5)));
        assert_eq!(ReplyEnd::Bytes(2).split(b"abc", 9), Some((2, 2)));
        assert_eq!(ReplyEnd::Close.split(b"abc", 3), None);
    }
}
