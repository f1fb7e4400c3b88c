//! How a server session replies, as its spec holds it: a mode (`echo`, `silent`, `close`,
//! `fixed:TEXT`), the framing (`read`, `line`, `bytes:N`) and rules (`match` and `reply`
//! lines). Written as the command line takes them, so a rules file is a preset's TOML; made
//! into the engine's [`Responder`] once the lines parse.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::message::{MessageError, reply_template};
use crate::engine::expect::{Pattern, parse_hex_pattern};
use crate::engine::responder::{DEFAULT_MAX_FRAME, Framing, Matcher, Mode, OverLimit, Responder, Rule};
use crate::transcript::render::unescape;

/// One rule, as typed.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RuleSpec {
    /// What it matches: `exact:T`, `prefix:T`, `contains:T` (T takes escapes), `regex:R` or
    /// `hex:H` (`??` for any byte).
    #[serde(rename = "match")]
    pub matches: String,
    /// What it sends back: escapes, macros, and `$1`, `${name}` from a regex.
    pub reply: String,
    /// Wait this long before replying.
    pub delay_ms: u64,
    /// Close the connection after the reply.
    pub close: bool,
}

/// How a server replies, as typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReplySpec {
    /// `echo` (the default), `silent`, `close`, or `fixed:TEXT` (escapes and macros): what
    /// happens to what no rule matches.
    pub mode: String,
    /// How frames are cut for the rules: `read` (each read, the default), `line`, `bytes:N`.
    pub framing: String,
    /// The rules, first match first.
    pub rules: Vec<RuleSpec>,
    /// The longest line (or other frame) a server waits for, in bytes; `0`: no limit.
    pub max_frame: u64,
    /// Past it: `reply` to the bytes so far (the default) or `close` the connection.
    pub over_max_frame: String,
}

impl Default for ReplySpec {
    fn default() -> Self {
        ReplySpec {
            mode: "echo".into(),
            framing: "read".into(),
            rules: Vec::new(),
            max_frame: DEFAULT_MAX_FRAME as u64,
            over_max_frame: "reply".into(),
        }
    }
}

/// The longest fixed-length frame (`bytes:N`), so a typo cannot make a server wait for a
/// gigabyte.
pub const MAX_FIXED_FRAME: usize = 64 << 20;

/// Why a reply setting does not parse, in the parser's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReplyProblem {
    /// The mode line.
    Mode(String),
    /// The framing line.
    Framing(String),
    /// A rule (its place from 1), and what is wrong with it.
    Rule(usize, String),
    /// What happens past the longest frame.
    OverMaxFrame(String),
}

fn message_words(err: &MessageError) -> String {
    err.to_string()
}

/// Reads `read`, `line` or `bytes:N`.
pub fn parse_framing(text: &str) -> Result<Framing, String> {
    match text.trim() {
        "" | "read" => Ok(Framing::Read),
        "line" => Ok(Framing::Line),
        other => other
            .strip_prefix("bytes:")
            .and_then(|n| n.parse::<usize>().ok())
            .filter(|n| *n > 0 && *n <= MAX_FIXED_FRAME)
            .map(Framing::Bytes)
            .ok_or_else(|| {
                format!("{other:?}: framing is read, line or bytes:N (N from 1 to {MAX_FIXED_FRAME})")
            }),
    }
}

/// Reads `reply` or `close`, what a server does with a frame past its limit.
pub fn parse_over_limit(text: &str) -> Result<OverLimit, String> {
    match text.trim() {
        "" | "reply" => Ok(OverLimit::Reply),
        "close" => Ok(OverLimit::Close),
        other => Err(format!("{other:?}: past the longest frame a server can reply or close")),
    }
}

/// Reads `echo`, `silent`, `close` or `fixed:TEXT`.
pub fn parse_mode(text: &str) -> Result<Mode, String> {
    match text.trim() {
        "" | "echo" => Ok(Mode::Echo),
        "silent" => Ok(Mode::Silent),
        "close" => Ok(Mode::Close),
        other => match text.split_once(':') {
            Some(("fixed", reply)) => reply_template(reply).map(Mode::Fixed).map_err(|e| message_words(&e)),
            _ => Err(format!("{other:?}: a reply is echo, silent, close or fixed:TEXT")),
        },
    }
}

/// Reads a rule's match line.
pub fn parse_matcher(text: &str) -> Result<Matcher, String> {
    let unescaped = |t: &str| unescape(t).map_err(|e| message_words(&e));
    match text.split_once(':') {
        Some(("exact", t)) => unescaped(t).map(Matcher::Exact),
        Some(("prefix", t)) => unescaped(t).map(Matcher::Prefix),
        Some(("contains", t)) => unescaped(t).map(Matcher::Contains),
        Some(("regex", r)) => Pattern::new(r).map(Matcher::Regex).map_err(|e| e.0),
        Some(("hex", h)) => parse_hex_pattern(h).map(Matcher::Hex).map_err(|e| e.0),
        _ => Err(format!("{text:?}: a rule matches exact:T, prefix:T, contains:T, regex:R or hex:H")),
    }
}

impl RuleSpec {
    /// The rule `REGEX=>REPLY`, as `--rule` takes it.
    pub fn from_arrow(text: &str) -> Result<RuleSpec, String> {
        let (regex, reply) =
            text.split_once("=>").ok_or_else(|| format!("{text:?}: write a rule as REGEX=>REPLY"))?;
        Ok(RuleSpec { matches: format!("regex:{regex}"), reply: reply.to_string(), ..RuleSpec::default() })
    }

    fn rule(&self) -> Result<Rule, String> {
        Ok(Rule {
            matcher: parse_matcher(&self.matches)?,
            reply: reply_template(&self.reply).map_err(|e| message_words(&e))?,
            delay_ms: self.delay_ms,
            close_after: self.close,
            label: self.matches.clone(),
        })
    }
}

impl ReplySpec {
    /// Whether it is plain echo.
    pub fn is_echo(&self) -> bool {
        self.rules.is_empty() && parse_mode(&self.mode) == Ok(Mode::Echo)
    }

    /// The engine's responder, or the first thing that does not parse.
    pub fn responder(&self) -> Result<Arc<Responder>, ReplyProblem> {
        let fallback = parse_mode(&self.mode).map_err(ReplyProblem::Mode)?;
        let framing = parse_framing(&self.framing).map_err(ReplyProblem::Framing)?;
        let rules = self
            .rules
            .iter()
            .enumerate()
            .map(|(i, rule)| rule.rule().map_err(|e| ReplyProblem::Rule(i + 1, e)))
            .collect::<Result<Vec<Rule>, ReplyProblem>>()?;
        let over_limit = parse_over_limit(&self.over_max_frame).map_err(ReplyProblem::OverMaxFrame)?;
        let max_frame = usize::try_from(self.max_frame).unwrap_or(usize::MAX);
        Ok(Arc::new(Responder { rules, fallback, framing, max_frame, over_limit }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_read_from_the_command_lines_words() {
        let spec = ReplySpec {
            mode: "fixed:?\\n".into(),
            framing: "line".into(),
            rules: vec![
                RuleSpec::from_arrow("^PING=>PONG\\r\\n").unwrap(),
                RuleSpec::from_arrow("^GET (\\S+)=>200 $1 ${1}$$\\n").unwrap(),
                RuleSpec { matches: "hex:01 ??".into(), reply: "{counter}".into(), delay_ms: 5, close: true },
            ],
            ..ReplySpec::default()
        };
        let responder = spec.responder().unwrap();
        assert_eq!(responder.reply(b"PING\n", 1).bytes.as_deref(), Some(&b"PONG\r\n"[..]));
        assert_eq!(responder.reply(b"GET /a\n", 2).bytes.as_deref(), Some(&b"200 /a /a$\n"[..]));
        let hex = responder.reply(&[1, 9], 3);
        assert_eq!((hex.bytes.as_deref(), hex.close, hex.delay_ms), (Some(&b"3"[..]), true, 5));
        assert_eq!(responder.reply(b"other\n", 4).bytes.as_deref(), Some(&b"?\n"[..]));
        assert!(ReplySpec::default().is_echo());
        let bad = ReplySpec { rules: vec![RuleSpec::from_arrow("(=>x").unwrap()], ..ReplySpec::default() };
        assert!(matches!(bad.responder(), Err(ReplyProblem::Rule(1, _))));
        assert!(RuleSpec::from_arrow("no arrow").is_err());
        assert!(parse_framing("bytes:0").is_err() && parse_mode("loud").is_err());
        assert!(parse_framing("bytes:1000000000").is_err() && parse_over_limit("drop").is_err());
        let close = ReplySpec { over_max_frame: "close".into(), max_frame: 10, ..ReplySpec::default() };
        assert_eq!(close.responder().map(|r| (r.max_frame, r.over_limit)), Ok((10, OverLimit::Close)));
    }
}
