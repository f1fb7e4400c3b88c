//! The one event vocabulary: what every event, notice and error means, as a message id and its
//! arguments. The window, the command line's lines and the `.txt` export all render from here,
//! through [`crate::i18n::Tr::render`], so each kind reads the same everywhere and in every
//! language. Every match is exhaustive: a new kind of event does not compile until it has its
//! words here.

use crate::engine::error::Reason;
use crate::engine::expect::{Expectation, ReplyCheck, Verdict};
use crate::engine::script::{StepOutcome, StepsSummary};
use crate::engine::tls::{TlsInfo, Verify};
use crate::engine::{CloseReason, EchoCheck, Error, ErrorKind, EventKind, Notice, Op, Protocol};
use crate::spec::Problem;
use crate::spec::message::{MessageError, MessageProblem};
use crate::transcript::render::escape;

/// A value for a message argument.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    /// Text shown as is: an address, a path, a number already formatted.
    Text(String),
    /// A count, which a language may use to choose its plural; shown with the language's
    /// digit grouping.
    Number(u64),
    /// A measure shown with this many decimals, in the language's way (`1.42`, `1,42`).
    Decimal(f64, usize),
    /// Another message, rendered first in the same language.
    Message(Box<Message>),
}

impl From<String> for Arg {
    fn from(text: String) -> Arg {
        Arg::Text(text)
    }
}

impl From<&str> for Arg {
    fn from(text: &str) -> Arg {
        Arg::Text(text.to_string())
    }
}

impl From<u64> for Arg {
    fn from(n: u64) -> Arg {
        Arg::Number(n)
    }
}

impl From<Message> for Arg {
    fn from(message: Message) -> Arg {
        Arg::Message(Box::new(message))
    }
}

/// A message id of the Fluent catalogues (`assets/i18n`) and its arguments.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    /// The id.
    pub id: &'static str,
    /// Named arguments.
    pub args: Vec<(&'static str, Arg)>,
}

impl Message {
    /// A message without arguments.
    pub fn new(id: &'static str) -> Message {
        Message { id, args: Vec::new() }
    }

    /// Adds an argument.
    pub fn arg(mut self, name: &'static str, value: impl Into<Arg>) -> Message {
        self.args.push((name, value.into()));
        self
    }

    /// Every message id this one uses, itself first (for the completeness tests).
    pub fn ids(&self) -> Vec<&'static str> {
        let mut ids = vec![self.id];
        for (_, arg) in &self.args {
            if let Arg::Message(inner) = arg {
                ids.extend(inner.ids());
            }
        }
        ids
    }
}

/// A round-trip time as the transcripts print it: `0.300 ms` (`0,300 ms` in Spanish).
pub fn rtt_text(rtt_us: u64) -> Message {
    Message::new("unit-ms").arg("value", Arg::Decimal(rtt_us as f64 / 1000.0, 3))
}

/// What an event says in words. Plain data (bytes sent or received with nothing more to say)
/// has no words: its bytes are its content. UDP has no connections, and its words say so: a
/// client is ready to send, a server hears a first datagram from a peer.
pub fn event(kind: &EventKind, protocol: Protocol) -> Option<Message> {
    let udp = protocol == Protocol::Udp;
    Some(match kind {
        EventKind::Connected(link) if udp => Message::new("ev-udp-ready")
            .arg("peer", link.peer.to_string())
            .arg("local", link.local.to_string()),
        EventKind::Accepted(link) if udp => Message::new("ev-udp-first")
            .arg("peer", link.peer.to_string())
            .arg("local", link.local.to_string()),
        EventKind::ConnectionClosed { link, bytes_in, bytes_out } if udp => Message::new("ev-udp-done")
            .arg("peer", link.peer.to_string())
            .arg("bytes_in", *bytes_in)
            .arg("bytes_out", *bytes_out),
        EventKind::Listening { local, all_interfaces, tls } => {
            let id = if *all_interfaces { "ev-listening-all" } else { "ev-listening" };
            let words = Message::new(id).arg("addr", local.to_string());
            match tls.as_ref().and_then(|tls| tls.cert.as_ref()) {
                Some(cert) => Message::new("ev-listening-tls")
                    .arg("listening", words)
                    .arg("subject", cert.subject.as_str())
                    .arg("fingerprint", cert.sha256.as_str()),
                None => words,
            }
        }
        EventKind::Secured { link, tls } => secured(link, tls),
        EventKind::Connected(link) => Message::new("ev-connected")
            .arg("peer", link.peer.to_string())
            .arg("local", link.local.to_string()),
        EventKind::Accepted(link) => Message::new("ev-accepted")
            .arg("peer", link.peer.to_string())
            .arg("local", link.local.to_string()),
        EventKind::Sent { .. } => return None,
        EventKind::Received { truncated, echo, .. } => return received(*truncated, echo.as_ref()),
        EventKind::Checked { check, .. } => self::check(check),
        EventKind::Step { label, outcome, elapsed_us, wait_us } => {
            step(label, outcome, *elapsed_us, *wait_us)
        }
        EventKind::StepsEnded(summary) => steps_ended(summary),
        EventKind::PeerClosed(link) => Message::new("ev-peer-closed").arg("peer", link.peer.to_string()),
        EventKind::ConnectionClosed { link, bytes_in, bytes_out } => Message::new("ev-conn-closed")
            .arg("peer", link.peer.to_string())
            .arg("bytes_in", *bytes_in)
            .arg("bytes_out", *bytes_out),
        EventKind::Failed { error, .. } => self::error(error),
        EventKind::Lost { link, bytes, timeout_ms } => Message::new("ev-lost")
            .arg("peer", link.peer.to_string())
            .arg("bytes", *bytes)
            .arg("ms", *timeout_ms),
        EventKind::Notice(notice) => self::notice(notice),
        EventKind::Closed { reason } => closed(*reason),
    })
}

/// A finished TLS handshake: version and suite, ALPN and SNI, the certificate, and how it was
/// trusted.
pub fn secured(link: &crate::engine::Link, tls: &TlsInfo) -> Message {
    let mut details = Vec::new();
    if let Some(alpn) = &tls.alpn {
        details.push(format!("ALPN {alpn}"));
    }
    if let Some(sni) = &tls.sni {
        details.push(format!("SNI {sni}"));
    }
    let details = if details.is_empty() { String::new() } else { format!(", {}", details.join(", ")) };
    let cert = match &tls.cert {
        Some(cert) => Message::new("tls-cert")
            .arg("subject", cert.subject.as_str())
            .arg("issuer", cert.issuer.as_str())
            .arg("from", cert.not_before.as_str())
            .arg("until", cert.not_after.as_str())
            .arg("fingerprint", cert.sha256.as_str()),
        None => Message::new("cli-empty"),
    };
    let trust = match (tls.verify, &tls.ca) {
        (Some(Verify::System), Some(ca)) => Message::new("tls-trust-ca").arg("ca", ca.as_str()),
        (verify, _) => Message::new(match verify {
            None => "tls-trust-server",
            Some(Verify::System) => "tls-trust-system",
            Some(Verify::Pin) => "tls-trust-pin",
            Some(Verify::Insecure) => "tls-trust-insecure",
        }),
    };
    Message::new("ev-secured")
        .arg("version", tls.version.as_str())
        .arg("peer", link.peer.to_string())
        .arg("cipher", format!("{}{details}", tls.cipher))
        .arg("cert", cert)
        .arg("trust", trust)
}

/// The words on a read: cut off, or the verdict of the echo it completed.
pub fn received(truncated: bool, echo: Option<&EchoCheck>) -> Option<Message> {
    match (echo, truncated) {
        (None, false) => None,
        (None, true) => Some(Message::new("data-truncated")),
        (Some(echo), _) => {
            let id = if echo.matches { "echo-ok" } else { "echo-mismatch" };
            Some(Message::new(id).arg("rtt", rtt_text(echo.rtt_us)).arg("bytes", echo.bytes as u64))
        }
    }
}

/// A round-trip figure's name (`min`, `mean`, `p50` … `max`, as [`crate::rtt::RttSummary::named`]
/// gives them), in the language's words: `mín.`, `media`, `p99,9`.
pub fn figure_name(key: &str) -> Message {
    match key {
        "min" => Message::new("stats-name-min"),
        "mean" => Message::new("stats-name-mean"),
        "max" => Message::new("stats-name-max"),
        "p99.9" => Message::new("stats-name-p999"),
        other => Message::new("notice-legacy").arg("text", other),
    }
}

/// The short words of networking a sentence uses (RTT, RST, FIN, SYN), each with its
/// definition in plain words: shown on hover wherever such a sentence is.
pub fn terms_in(text: &str) -> Vec<Message> {
    const TERMS: [(&str, &str); 4] =
        [("RTT", "term-rtt"), ("RST", "term-rst"), ("FIN", "term-fin"), ("SYN", "term-syn")];
    let words: std::collections::BTreeSet<&str> =
        text.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).collect();
    TERMS.iter().filter(|(word, _)| words.contains(word)).map(|(_, id)| Message::new(id)).collect()
}

/// An expectation's verdict on a reply.
pub fn check(check: &ReplyCheck) -> Message {
    let expected = expectation(&check.expected);
    match check.verdict {
        Verdict::Passed => {
            Message::new("check-passed").arg("expected", expected).arg("rtt", rtt_text(check.rtt_us))
        }
        Verdict::Got => Message::new("check-got").arg("expected", expected).arg("reply", check.shown_reply()),
        Verdict::NoReply => {
            Message::new("check-no-reply").arg("expected", expected).arg("ms", check.timeout_ms)
        }
        Verdict::Unended if check.reply_bytes >= crate::engine::expect::MAX_REPLY as u64 => {
            Message::new("check-unended-size").arg("end", check.end.as_str()).arg("bytes", check.reply_bytes)
        }
        Verdict::Unended => Message::new("check-unended")
            .arg("end", check.end.as_str())
            .arg("ms", check.timeout_ms)
            .arg("bytes", check.reply_bytes),
    }
}

/// What an expectation (as its line) expects, in words.
pub fn expectation(line: &str) -> Message {
    match Expectation::parse(line) {
        Ok(Expectation::Echo) => Message::new("expect-echo"),
        Ok(Expectation::Any) => Message::new("expect-any"),
        Ok(Expectation::Nothing) => Message::new("expect-none"),
        Ok(Expectation::Text(t)) => Message::new("expect-text").arg("text", escape(t.as_bytes())),
        Ok(Expectation::Contains(t)) => Message::new("expect-contains").arg("text", escape(t.as_bytes())),
        Ok(Expectation::Regex(_)) | Ok(Expectation::Hex(_)) | Err(_) => {
            let shown = line.strip_prefix("regex:").map_or_else(|| line.to_string(), |re| format!("/{re}/"));
            Message::new("expect-line").arg("line", shown.strip_prefix("hex:").unwrap_or(&shown).to_string())
        }
    }
}

/// How a step ended.
pub fn step(label: &str, outcome: &StepOutcome, elapsed_us: u64, wait_us: u64) -> Message {
    let time = crate::vocabulary::duration_text(elapsed_us);
    let time = if wait_us > 0 {
        Message::new("step-time-waited")
            .arg("time", time)
            .arg("wait", crate::vocabulary::duration_text(wait_us))
    } else {
        Message::new("notice-legacy").arg("text", time)
    };
    match outcome {
        StepOutcome::Passed => Message::new("step-passed").arg("step", label).arg("time", time),
        StepOutcome::Failed { check } => {
            Message::new("step-failed").arg("step", label).arg("reason", self::check(check)).arg("time", time)
        }
        StepOutcome::Error { error } => {
            Message::new("step-failed").arg("step", label).arg("reason", self::error(error)).arg("time", time)
        }
        StepOutcome::Skipped => Message::new("step-skipped").arg("step", label),
    }
}

/// A run's totals: "7 of 8 steps passed, 1 failed: step 5".
pub fn steps_ended(summary: &StepsSummary) -> Message {
    let total = summary.passed + summary.failed + summary.skipped;
    match &summary.first_failure {
        None => Message::new("steps-all-passed").arg("total", total),
        Some(first) => Message::new("steps-ended")
            .arg("passed", summary.passed)
            .arg("total", total)
            .arg("failed", summary.failed)
            .arg("skipped", summary.skipped)
            .arg("first", first.as_str()),
    }
}

/// A duration for people: `850 µs`, `12.40 ms`, `3.20 s` (`12,40 ms` in Spanish).
pub fn duration_text(us: u64) -> Message {
    if us < 1_000 {
        Message::new("unit-us").arg("value", us)
    } else if us < 1_000_000 {
        Message::new("unit-ms").arg("value", Arg::Decimal(us as f64 / 1_000.0, 2))
    } else {
        Message::new("unit-s").arg("value", Arg::Decimal(us as f64 / 1_000_000.0, 2))
    }
}

/// Why a session ended.
pub fn closed(reason: CloseReason) -> Message {
    Message::new(match reason {
        CloseReason::Finished => "ev-closed-finished",
        CloseReason::Stopped => "ev-closed-stopped",
        CloseReason::PeerClosed => "ev-closed-peer",
        CloseReason::Failed => "ev-closed-failed",
    })
}

/// A notice.
pub fn notice(notice: &Notice) -> Message {
    match notice {
        Notice::FewerLoops { loops, error } => {
            Message::new("notice-fewer-loops").arg("loops", *loops).arg("error", error.as_str())
        }
        Notice::AcceptingAgain { local } => {
            Message::new("notice-accepting-again").arg("local", local.to_string())
        }
        Notice::TryingNext { error, next } => {
            Message::new("notice-trying-next").arg("error", self::error(error)).arg("next", next.to_string())
        }
        Notice::ReplyTruncated { bytes, buffer } => {
            Message::new("notice-reply-truncated").arg("bytes", *bytes).arg("buffer", *buffer)
        }
        Notice::ReadingStopped { bytes } => Message::new("notice-reading-stopped").arg("bytes", *bytes),
        Notice::RuleMatched { peer, rule, label } => Message::new("notice-rule")
            .arg("peer", peer.to_string())
            .arg("rule", *rule)
            .arg("label", label.as_str()),
        Notice::NoRuleMatched { peer } => Message::new("notice-no-rule").arg("peer", peer.to_string()),
        Notice::PeerSpeaksTls { peer } => {
            Message::new("notice-peer-speaks-tls").arg("peer", peer.to_string())
        }
        Notice::FrameTooLong { peer, limit, close } => {
            Message::new(if *close { "notice-frame-too-long-close" } else { "notice-frame-too-long-reply" })
                .arg("peer", peer.to_string())
                .arg("limit", *limit)
        }
        Notice::Responders { group, replies, responders, waited_ms } => Message::new("notice-responders")
            .arg("group", group.to_string())
            .arg("replies", *replies)
            .arg("responders", *responders)
            .arg("ms", *waited_ms),
        Notice::Joined { group, interface } if interface.is_empty() => {
            Message::new("notice-joined").arg("group", group.to_string())
        }
        Notice::Joined { group, interface } => Message::new("notice-joined-on")
            .arg("group", group.to_string())
            .arg("interface", interface.as_str()),
        Notice::Left { group } => Message::new("notice-left").arg("group", group.to_string()),
        Notice::Relaying { to, faults } => {
            Message::new("notice-relaying").arg("to", to.as_str()).arg("faults", faults_text(faults))
        }
        Notice::RelayCut { conn, bytes, reset } => {
            Message::new(if *reset { "notice-relay-cut-reset" } else { "notice-relay-cut" })
                .arg("conn", *conn)
                .arg("bytes", *bytes)
        }
        Notice::RelayDropped { bytes, to_server, .. } => {
            Message::new(if *to_server { "notice-relay-dropped-out" } else { "notice-relay-dropped-back" })
                .arg("bytes", *bytes)
        }
        Notice::OptionsSet { local, options } => {
            Message::new("notice-options").arg("local", local.to_string()).arg("list", options_list(options))
        }
        Notice::Legacy { text } => Message::new("notice-legacy").arg("text", text.as_str()),
    }
}

/// A relay's faults in words: "latency 50 ms; at most 100,000 B/s; ...", or none.
fn faults_text(faults: &crate::engine::relay::Faults) -> Message {
    let mut items = Vec::new();
    if faults.latency_ms > 0 {
        items.push(Message::new("fault-latency").arg("ms", faults.latency_ms));
    }
    if faults.bandwidth > 0 {
        items.push(Message::new("fault-bandwidth").arg("bytes", faults.bandwidth));
    }
    if faults.drop_percent > 0 {
        items.push(Message::new("fault-drop").arg("percent", u64::from(faults.drop_percent)));
    }
    if faults.cut_after > 0 {
        let id = if faults.cut_with_reset { "fault-cut-reset" } else { "fault-cut" };
        items.push(Message::new(id).arg("bytes", faults.cut_after));
    }
    let mut list = match items.pop() {
        Some(last) => last,
        None => return Message::new("fault-none"),
    };
    while let Some(item) = items.pop() {
        list = Message::new("opt-pair").arg("first", item).arg("rest", list);
    }
    Message::new("fault-list").arg("list", list)
}

/// Socket options as a list: `SO_RCVBUF 65536 (granted 131072); IP_TTL 7`.
fn options_list(options: &[crate::engine::sockopt::OptionSet]) -> Message {
    let item = |set: &crate::engine::sockopt::OptionSet| {
        if set.asked == set.granted {
            Message::new("opt-item").arg("name", set.name.as_str()).arg("value", set.asked.as_str())
        } else {
            Message::new("opt-item-granted")
                .arg("name", set.name.as_str())
                .arg("asked", set.asked.as_str())
                .arg("granted", set.granted.as_str())
        }
    };
    match options.split_first() {
        None => Message::new("cli-empty"),
        Some((first, [])) => item(first),
        Some((first, rest)) => {
            Message::new("opt-pair").arg("first", item(first)).arg("rest", options_list(rest))
        }
    }
}

/// A failure: the operation and its address, then the reason.
pub fn error(error: &Error) -> Message {
    Message::new("error")
        .arg("op", op(error.op, &error.target))
        .arg("reason", reason(error.kind, &error.reason))
}

/// The operation that failed, on what.
pub fn op(op: Op, target: &str) -> Message {
    let id = match op {
        Op::Parse => "op-parse",
        Op::Resolve => "op-resolve",
        Op::Bind => "op-bind",
        Op::Connect => "op-connect",
        Op::Accept => "op-accept",
        Op::Send => "op-send",
        Op::Receive => "op-receive",
        Op::Spawn => "op-spawn",
        Op::ReadFile => "op-read-file",
        Op::Run => "op-run",
        Op::Handshake => "op-handshake",
        Op::SetOption => "op-set-option",
        Op::Join => "op-join",
    };
    Message::new(id).arg("target", target)
}

/// Why it failed.
pub fn reason(kind: ErrorKind, reason: &Reason) -> Message {
    match reason {
        Reason::Plain => Message::new(match kind {
            ErrorKind::Refused => "kind-refused",
            ErrorKind::TimedOut => "kind-timed-out",
            ErrorKind::HostNotFound => "kind-host-not-found",
            ErrorKind::AddrInUse => "kind-addr-in-use",
            ErrorKind::PermissionDenied => "kind-permission",
            ErrorKind::Reset => "kind-reset",
            ErrorKind::Unreachable => "kind-unreachable",
            ErrorKind::InvalidInput => "kind-invalid",
            ErrorKind::Tls => "kind-tls",
            ErrorKind::Other => "kind-other",
        }),
        Reason::Os { text } => Message::new("reason-os").arg("text", text.as_str()),
        Reason::Panicked { detail } => Message::new("reason-panicked").arg("detail", detail.as_str()),
        Reason::HostUnreachable => Message::new("reason-host-unreachable"),
        Reason::AddrNotAvailable => Message::new("reason-addr-not-available"),
        Reason::LookupFailed { detail } => {
            Message::new("reason-lookup-failed").arg("detail", detail.as_str())
        }
        Reason::NoAddresses => Message::new("reason-no-addresses"),
        Reason::ConnectTimedOut { timeout_ms } => {
            Message::new("reason-connect-timed-out").arg("ms", *timeout_ms)
        }
        Reason::NoCompleteEcho { timeout_ms, echoed, expected } => Message::new("reason-no-complete-echo")
            .arg("ms", *timeout_ms)
            .arg("echoed", *echoed)
            .arg("expected", *expected),
        Reason::NoReply { timeout_ms } => Message::new("reason-no-reply").arg("ms", *timeout_ms),
        Reason::ClosedMidEcho { echoed, expected } => {
            Message::new("reason-closed-mid-echo").arg("echoed", *echoed).arg("expected", *expected)
        }
        Reason::UdpRefused => Message::new("reason-udp-refused"),
        Reason::BufferRange { max } => Message::new("reason-buffer-range").arg("max", *max),
        Reason::OutOfFiles { errno } => Message::new("reason-out-of-files").arg("code", errno.to_string()),
        Reason::PortEmpty => Message::new("reason-port-empty"),
        Reason::PortRange => Message::new("reason-port-range"),
        Reason::PortNotNumber => Message::new("reason-port-not-number"),
        Reason::HostEmpty => Message::new("reason-host-empty"),
        Reason::HostInvalid => Message::new("reason-host-invalid"),
        Reason::AddressEmpty => Message::new("reason-address-empty"),
        Reason::MissingBracket => Message::new("reason-missing-bracket"),
        Reason::ExpectedPort => Message::new("reason-expected-port"),
        Reason::BracketsNotV6 => Message::new("reason-brackets-not-v6"),
        Reason::V6NeedsBrackets => Message::new("reason-v6-needs-brackets"),
        Reason::ClientPortZero => Message::new("reason-client-port-zero"),
        Reason::NotLoopback { addresses } => {
            Message::new("reason-not-loopback").arg("addresses", addresses.as_str())
        }
        Reason::TooLargeForDatagram { bytes, max } => {
            Message::new("reason-too-large-for-datagram").arg("bytes", *bytes).arg("max", *max)
        }
        Reason::EmptyOverTcp => Message::new("reason-empty-over-tcp"),
        Reason::NoEchoWithin { timeout_ms } => Message::new("reason-no-echo-within").arg("ms", *timeout_ms),
        Reason::ServerClosed { missing: 0 } => Message::new("reason-server-closed"),
        Reason::ServerClosed { missing } => {
            Message::new("reason-server-closed-missing").arg("missing", *missing)
        }
        Reason::ExtraBytes { count } => Message::new("reason-extra-bytes").arg("count", *count),
        Reason::ExtraBytesMore { count, reads } => {
            Message::new("reason-extra-bytes-more").arg("count", *count).arg("reads", *reads)
        }
        Reason::EchoDiffersAt { offset } => Message::new("reason-echo-differs-at").arg("offset", *offset),
        Reason::UnknownDatagram { bytes } => Message::new("reason-unknown-datagram").arg("bytes", *bytes),
        Reason::DatagramDiffers { size } => Message::new("reason-datagram-differs").arg("size", *size),
        Reason::DatagramLength { size, got } => {
            Message::new("reason-datagram-length").arg("size", *size).arg("got", *got)
        }
        Reason::TlsFile { what, detail } => {
            Message::new("reason-tls-file").arg("what", what.as_str()).arg("detail", detail.as_str())
        }
        Reason::TlsBadName => Message::new("reason-tls-bad-name"),
        Reason::TlsBadPin => Message::new("reason-tls-bad-pin"),
        Reason::TlsUnknownIssuer => Message::new("reason-tls-unknown-issuer"),
        Reason::TlsSelfSigned { fingerprint } => {
            Message::new("reason-tls-self-signed").arg("fingerprint", fingerprint.as_str())
        }
        Reason::TlsNameMismatch { presented } => {
            Message::new("reason-tls-name-mismatch").arg("presented", presented.as_str())
        }
        Reason::TlsExpired => Message::new("reason-tls-expired"),
        Reason::TlsNotYetValid => Message::new("reason-tls-not-yet-valid"),
        Reason::TlsPinMismatch { got } => Message::new("reason-tls-pin-mismatch").arg("got", got.as_str()),
        Reason::TlsNotTls => Message::new("reason-tls-not-tls"),
        Reason::TlsAlert { alert } => Message::new("reason-tls-alert").arg("alert", alert.as_str()),
        Reason::TlsNoAlpn => Message::new("reason-tls-no-alpn"),
        Reason::TlsCaAsServer { fingerprint } => {
            Message::new("reason-tls-ca-as-server").arg("fingerprint", fingerprint.as_str())
        }
        Reason::NoSuchInterface { name, known } => {
            Message::new("reason-no-such-interface").arg("name", name.as_str()).arg("known", known.as_str())
        }
        Reason::TlsCertRefused { alert } => {
            Message::new("reason-tls-cert-refused").arg("alert", alert.as_str())
        }
        Reason::TlsClosedInHandshake => Message::new("reason-tls-closed-in-handshake"),
        Reason::TlsKeyMismatch { cert } => Message::new("reason-tls-key-mismatch").arg("cert", cert.as_str()),
        Reason::TlsHandshakeTimedOut { timeout_ms } => {
            Message::new("reason-tls-handshake-timed-out").arg("ms", *timeout_ms)
        }
        Reason::TlsOther { detail } => Message::new("reason-tls-other").arg("detail", detail.as_str()),
    }
}

/// What is wrong with a field of a spec.
pub fn problem(problem: &Problem) -> Message {
    match problem {
        Problem::Empty => Message::new("problem-empty"),
        Problem::NotANumber => Message::new("problem-not-a-number"),
        // Limits are written as they are typed in the field, without grouping.
        Problem::Range { min, max } => {
            Message::new("problem-range").arg("min", min.to_string()).arg("max", max.to_string())
        }
        Problem::HostInvalid => Message::new("reason-host-invalid"),
        Problem::ClientPortZero => Message::new("reason-client-port-zero"),
        Problem::NoFile => Message::new("problem-no-file"),
        Problem::FileMissing => Message::new("problem-file-missing"),
        Problem::FileIsFolder => Message::new("problem-file-is-folder"),
        Problem::FileUnreadable { detail } => {
            Message::new("problem-file-unreadable").arg("detail", detail.as_str())
        }
        Problem::EmptyOverTcp => Message::new("reason-empty-over-tcp"),
        Problem::TooLargeForDatagram { bytes } => Message::new("reason-too-large-for-datagram")
            .arg("bytes", *bytes)
            .arg("max", crate::spec::MAX_DATAGRAM),
        Problem::Message(err) => message_error(err),
        Problem::Invalid(words) => Message::new("problem-invalid").arg("words", words.as_str()),
        Problem::TooManyLoops { max, open_files } => Message::new("problem-too-many-loops")
            .arg("max", max.to_string())
            .arg("open_files", open_files.to_string()),
        Problem::Tls(problem) => Message::new(match problem {
            crate::engine::tls::TlsProblem::KeyWithoutCert => "problem-tls-key-without-cert",
            crate::engine::tls::TlsProblem::BadPin => "reason-tls-bad-pin",
            crate::engine::tls::TlsProblem::BadSni => "reason-tls-bad-name",
            crate::engine::tls::TlsProblem::BadAlpn => "problem-tls-bad-alpn",
        }),
        Problem::TlsOverUdp => Message::new("problem-tls-over-udp"),
        Problem::NotMulticast => Message::new("problem-not-multicast"),
        Problem::Address(why) => reason(ErrorKind::InvalidInput, why),
        Problem::GroupOverTcp => Message::new("problem-group-over-tcp"),
    }
}

/// What is wrong with a message, at which character.
pub fn message_error(err: &MessageError) -> Message {
    let problem = match &err.problem {
        MessageProblem::NotHexDigit(c) => Message::new("problem-not-hex-digit").arg("ch", c.to_string()),
        MessageProblem::HalfByte => Message::new("problem-half-byte"),
        MessageProblem::UnknownEscape(c) => Message::new("problem-unknown-escape").arg("ch", c.to_string()),
        MessageProblem::BadByteEscape => Message::new("problem-bad-byte-escape"),
        MessageProblem::BadCharEscape => Message::new("problem-bad-char-escape"),
        MessageProblem::LoneBackslash => Message::new("problem-lone-backslash"),
        MessageProblem::Unencodable { ch, encoding } => Message::new("problem-unencodable")
            .arg("ch", ch.to_string())
            .arg("code", format!("{:04X}", u32::from(*ch)))
            .arg("encoding", encoding.name()),
    };
    Message::new("problem-at-position").arg("position", err.position as u64).arg("problem", problem)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::net::SocketAddr;

    use bytes::Bytes;

    use super::*;
    use crate::engine::Link;
    use crate::i18n::{Language, Tr};

    fn addr(port: u16) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], port))
    }

    /// One of every reason; `index` fails to compile when a reason is added and not listed.
    fn reasons() -> Vec<Reason> {
        fn index(reason: &Reason) -> usize {
            match reason {
                Reason::Plain => 0,
                Reason::Os { .. } => 1,
                Reason::HostUnreachable => 2,
                Reason::AddrNotAvailable => 3,
                Reason::LookupFailed { .. } => 4,
                Reason::NoAddresses => 5,
                Reason::ConnectTimedOut { .. } => 6,
                Reason::NoCompleteEcho { .. } => 7,
                Reason::NoReply { .. } => 8,
                Reason::ClosedMidEcho { .. } => 9,
                Reason::UdpRefused => 10,
                Reason::BufferRange { .. } => 11,
                Reason::OutOfFiles { .. } => 12,
                Reason::PortEmpty => 13,
                Reason::PortRange => 14,
                Reason::PortNotNumber => 15,
                Reason::HostEmpty => 16,
                Reason::HostInvalid => 17,
                Reason::AddressEmpty => 18,
                Reason::MissingBracket => 19,
                Reason::ExpectedPort => 20,
                Reason::BracketsNotV6 => 21,
                Reason::V6NeedsBrackets => 22,
                Reason::ClientPortZero => 23,
                Reason::TooLargeForDatagram { .. } => 24,
                Reason::EmptyOverTcp => 25,
                Reason::NoEchoWithin { .. } => 26,
                Reason::ServerClosed { .. } => 27,
                Reason::ExtraBytes { .. } => 28,
                Reason::EchoDiffersAt { .. } => 29,
                Reason::UnknownDatagram { .. } => 30,
                Reason::DatagramDiffers { .. } => 31,
                Reason::DatagramLength { .. } => 32,
                Reason::Panicked { .. } => 33,
                Reason::NotLoopback { .. } => 34,
                Reason::TlsFile { .. } => 35,
                Reason::TlsBadName => 36,
                Reason::TlsBadPin => 37,
                Reason::TlsUnknownIssuer => 38,
                Reason::TlsSelfSigned { .. } => 39,
                Reason::TlsNameMismatch { .. } => 40,
                Reason::TlsExpired => 41,
                Reason::TlsNotYetValid => 42,
                Reason::TlsPinMismatch { .. } => 43,
                Reason::TlsNotTls => 44,
                Reason::TlsAlert { .. } => 45,
                Reason::TlsNoAlpn => 46,
                Reason::TlsClosedInHandshake => 47,
                Reason::TlsHandshakeTimedOut { .. } => 48,
                Reason::TlsOther { .. } => 49,
                Reason::TlsCertRefused { .. } => 50,
                Reason::TlsCaAsServer { .. } => 51,
                Reason::NoSuchInterface { .. } => 52,
                Reason::ExtraBytesMore { .. } => 53,
                Reason::TlsKeyMismatch { .. } => 54,
            }
        }
        let all = vec![
            Reason::Plain,
            Reason::Os { text: "xyz (os error 9)".into() },
            Reason::Panicked { detail: "xyz".into() },
            Reason::HostUnreachable,
            Reason::AddrNotAvailable,
            Reason::LookupFailed { detail: "xyz".into() },
            Reason::NoAddresses,
            Reason::ConnectTimedOut { timeout_ms: 5000 },
            Reason::NoCompleteEcho { timeout_ms: 5000, echoed: 3, expected: 33 },
            Reason::NoReply { timeout_ms: 300 },
            Reason::ClosedMidEcho { echoed: 10, expected: 33 },
            Reason::UdpRefused,
            Reason::BufferRange { max: 65535 },
            Reason::OutOfFiles { errno: 24 },
            Reason::PortEmpty,
            Reason::PortRange,
            Reason::PortNotNumber,
            Reason::HostEmpty,
            Reason::HostInvalid,
            Reason::AddressEmpty,
            Reason::MissingBracket,
            Reason::ExpectedPort,
            Reason::BracketsNotV6,
            Reason::V6NeedsBrackets,
            Reason::ClientPortZero,
            Reason::TooLargeForDatagram { bytes: 70000, max: 65507 },
            Reason::EmptyOverTcp,
            Reason::NoEchoWithin { timeout_ms: 5000 },
            Reason::ServerClosed { missing: 0 },
            Reason::ExtraBytes { count: 4 },
            Reason::EchoDiffersAt { offset: 17 },
            Reason::UnknownDatagram { bytes: 12 },
            Reason::DatagramDiffers { size: 32 },
            Reason::DatagramLength { size: 32, got: 30 },
            Reason::NotLoopback { addresses: "192.0.2.1".into() },
            Reason::TlsFile { what: "key".into(), detail: "xyz".into() },
            Reason::TlsBadName,
            Reason::TlsBadPin,
            Reason::TlsUnknownIssuer,
            Reason::TlsSelfSigned { fingerprint: "AB:CD".into() },
            Reason::TlsNameMismatch { presented: "xyz".into() },
            Reason::TlsExpired,
            Reason::TlsNotYetValid,
            Reason::TlsPinMismatch { got: "AB:CD".into() },
            Reason::TlsNotTls,
            Reason::TlsAlert { alert: "UnknownCA".into() },
            Reason::TlsNoAlpn,
            Reason::TlsClosedInHandshake,
            Reason::TlsHandshakeTimedOut { timeout_ms: 5000 },
            Reason::TlsOther { detail: "xyz".into() },
            Reason::TlsCertRefused { alert: "UnknownCA".into() },
            Reason::TlsCaAsServer { fingerprint: "AB:CD".into() },
            Reason::NoSuchInterface { name: "eth9".into(), known: "lo (127.0.0.1)".into() },
            Reason::ExtraBytesMore { count: 1_048_576, reads: 1024 },
            Reason::TlsKeyMismatch { cert: "/srv/c1.pem".into() },
        ];
        let seen: BTreeSet<usize> = all.iter().map(index).collect();
        assert_eq!(seen.len(), 55, "every reason is listed once");
        let mut all = all;
        all.push(Reason::ServerClosed { missing: 5 });
        all
    }

    /// One of every problem a field can have.
    fn problems() -> Vec<Problem> {
        use crate::spec::message::TextEncoding;
        let at = |problem| Problem::Message(MessageError { position: 2, problem });
        vec![
            Problem::Empty,
            Problem::NotANumber,
            Problem::Range { min: 1, max: 65535 },
            Problem::HostInvalid,
            Problem::ClientPortZero,
            Problem::NoFile,
            Problem::FileMissing,
            Problem::FileIsFolder,
            Problem::FileUnreadable { detail: "os error 13".into() },
            Problem::EmptyOverTcp,
            Problem::TooLargeForDatagram { bytes: 70000 },
            Problem::Invalid("xyz".into()),
            Problem::TooManyLoops { max: 128, open_files: 1024 },
            Problem::Tls(crate::engine::tls::TlsProblem::KeyWithoutCert),
            Problem::Tls(crate::engine::tls::TlsProblem::BadPin),
            Problem::Tls(crate::engine::tls::TlsProblem::BadSni),
            Problem::Tls(crate::engine::tls::TlsProblem::BadAlpn),
            Problem::TlsOverUdp,
            Problem::NotMulticast,
            Problem::Address(Reason::ClientPortZero),
            Problem::GroupOverTcp,
            at(MessageProblem::NotHexDigit('G')),
            at(MessageProblem::HalfByte),
            at(MessageProblem::UnknownEscape('q')),
            at(MessageProblem::BadByteEscape),
            at(MessageProblem::BadCharEscape),
            at(MessageProblem::LoneBackslash),
            at(MessageProblem::Unencodable { ch: '漢', encoding: TextEncoding::Latin1 }),
        ]
    }

    fn tls_info(verify: Option<Verify>) -> TlsInfo {
        TlsInfo {
            version: "TLS 1.3".into(),
            cipher: "TLS13_AES_256_GCM_SHA384".into(),
            alpn: Some("h2".into()),
            sni: Some("localhost".into()),
            cert: Some(crate::engine::tls::CertInfo {
                subject: "CN=localhost".into(),
                issuer: "CN=localhost".into(),
                not_before: "2026-11-30T00:00:00Z".into(),
                not_after: "2027-11-30T00:00:00Z".into(),
                sha256: "AB:CD".into(),
            }),
            ca: None,
            verify,
        }
    }

    /// Every kind of event, with every notice, close reason, error kind, operation and reason.
    fn every_message() -> Vec<Message> {
        let link = Link { conn: 1, local: addr(50000), peer: addr(10000) };
        let data = Bytes::from_static(b"hola");
        let echo = |matches| Some(EchoCheck { rtt_us: 300, matches, bytes: 4 });
        let error = |kind, op, reason| Error::new(kind, op, "127.0.0.1:10000", reason);
        let mut kinds = vec![
            EventKind::Listening { local: addr(10000), all_interfaces: false, tls: None },
            EventKind::Listening { local: addr(10000), all_interfaces: true, tls: None },
            EventKind::Listening {
                local: addr(10000),
                all_interfaces: false,
                tls: Some(Box::new(tls_info(None))),
            },
            EventKind::Secured { link, tls: Box::new(tls_info(Some(Verify::System))) },
            EventKind::Secured { link, tls: Box::new(tls_info(Some(Verify::Pin))) },
            EventKind::Secured { link, tls: Box::new(tls_info(Some(Verify::Insecure))) },
            EventKind::Secured { link, tls: Box::new(tls_info(None)) },
            EventKind::Secured {
                link,
                tls: Box::new(TlsInfo { ca: Some("ca.pem".into()), ..tls_info(Some(Verify::System)) }),
            },
            EventKind::Connected(link),
            EventKind::Accepted(link),
            EventKind::Received { link, data: data.clone(), truncated: true, echo: None },
            EventKind::Received { link, data: data.clone(), truncated: false, echo: echo(true) },
            EventKind::Received { link, data: data.clone(), truncated: false, echo: echo(false) },
            EventKind::PeerClosed(link),
            EventKind::ConnectionClosed { link, bytes_in: 4, bytes_out: 4 },
            EventKind::Lost { link, bytes: 4, timeout_ms: 300 },
            EventKind::Notice(Notice::FewerLoops { loops: 1, error: "xyz".into() }),
            EventKind::Notice(Notice::AcceptingAgain { local: addr(10000) }),
            EventKind::Notice(Notice::TryingNext {
                error: error(ErrorKind::TimedOut, Op::Receive, Reason::NoReply { timeout_ms: 300 }),
                next: addr(10000),
            }),
            EventKind::Notice(Notice::ReplyTruncated { bytes: 5000, buffer: 4096 }),
            EventKind::Notice(Notice::ReadingStopped { bytes: 110 }),
            EventKind::Notice(Notice::RuleMatched {
                peer: addr(50000),
                rule: 2,
                label: "regex:^hola".into(),
            }),
            EventKind::Notice(Notice::NoRuleMatched { peer: addr(50000) }),
            EventKind::Notice(Notice::PeerSpeaksTls { peer: addr(10000) }),
            EventKind::Notice(Notice::FrameTooLong { peer: addr(50000), limit: 1_048_576, close: false }),
            EventKind::Notice(Notice::FrameTooLong { peer: addr(50000), limit: 1_048_576, close: true }),
            EventKind::Notice(Notice::Responders {
                group: addr(10000),
                replies: 3,
                responders: 2,
                waited_ms: 500,
            }),
            EventKind::Notice(Notice::Joined {
                group: "239.1.2.3".parse().unwrap(),
                interface: String::new(),
            }),
            EventKind::Notice(Notice::Joined { group: "239.1.2.3".parse().unwrap(), interface: "lo".into() }),
            EventKind::Notice(Notice::Left { group: "239.1.2.3".parse().unwrap() }),
            EventKind::Notice(Notice::Relaying { to: "127.0.0.1:10000".into(), faults: Default::default() }),
            EventKind::Notice(Notice::Relaying {
                to: "127.0.0.1:10000".into(),
                faults: crate::engine::relay::Faults {
                    latency_ms: 50,
                    bandwidth: 100_000,
                    drop_percent: 10,
                    cut_after: 1000,
                    cut_with_reset: true,
                },
            }),
            EventKind::Notice(Notice::Relaying {
                to: "127.0.0.1:10000".into(),
                faults: crate::engine::relay::Faults { cut_after: 1000, ..Default::default() },
            }),
            EventKind::Notice(Notice::RelayCut { conn: 1, bytes: 1000, reset: true }),
            EventKind::Notice(Notice::RelayCut { conn: 1, bytes: 1000, reset: false }),
            EventKind::Notice(Notice::RelayDropped { conn: 1, bytes: 4, to_server: true }),
            EventKind::Notice(Notice::RelayDropped { conn: 1, bytes: 4, to_server: false }),
            EventKind::Notice(Notice::OptionsSet {
                local: addr(50000),
                options: vec![
                    crate::engine::sockopt::OptionSet {
                        name: "SO_RCVBUF".into(),
                        asked: "65536".into(),
                        granted: "131072".into(),
                    },
                    crate::engine::sockopt::OptionSet {
                        name: "IP_TTL".into(),
                        asked: "7".into(),
                        granted: "7".into(),
                    },
                ],
            }),
        ];
        kinds.extend(CloseReason::ALL.map(|reason| EventKind::Closed { reason }));
        let failed_check = ReplyCheck {
            expected: "text:hola".into(),
            verdict: Verdict::Got,
            reply: b"xyz".to_vec(),
            reply_bytes: 3,
            rtt_us: 300,
            timeout_ms: 1000,
            end: String::new(),
        };
        for outcome in [
            StepOutcome::Passed,
            StepOutcome::Failed { check: failed_check },
            StepOutcome::Error { error: error(ErrorKind::Refused, Op::Connect, Reason::Plain) },
            StepOutcome::Skipped,
        ] {
            kinds.push(EventKind::Step { label: "3".into(), outcome, elapsed_us: 1500, wait_us: 200_000 });
        }
        kinds.push(EventKind::StepsEnded(StepsSummary {
            passed: 3,
            failed: 0,
            skipped: 0,
            first_failure: None,
        }));
        kinds.push(EventKind::StepsEnded(StepsSummary {
            passed: 3,
            failed: 1,
            skipped: 2,
            first_failure: Some("4".into()),
        }));
        for (expected, verdict) in [
            ("echo", Verdict::Got),
            ("any", Verdict::NoReply),
            ("none", Verdict::Passed),
            ("text:hola", Verdict::Passed),
            ("contains:hola", Verdict::Got),
            ("regex:^hola", Verdict::Got),
            ("hex:68 ?? 6C", Verdict::NoReply),
            ("any", Verdict::Unended),
        ] {
            let check = ReplyCheck {
                expected: expected.into(),
                verdict,
                reply: b"xyz".to_vec(),
                reply_bytes: 3,
                rtt_us: 300,
                timeout_ms: 1000,
                end: "close".into(),
            };
            kinds.push(EventKind::Checked { link, check });
        }
        for kind in ErrorKind::ALL {
            kinds.push(EventKind::Failed { link: None, error: error(kind, Op::Connect, Reason::Plain) });
        }
        for op in Op::ALL {
            kinds.push(EventKind::Failed {
                link: Some(link),
                error: error(ErrorKind::Other, op, Reason::Plain),
            });
        }
        for reason in reasons() {
            kinds.push(EventKind::Failed { link: None, error: error(ErrorKind::Other, Op::Receive, reason) });
        }
        let mut messages: Vec<Message> = [Protocol::Tcp, Protocol::Udp]
            .into_iter()
            .flat_map(|protocol| kinds.iter().filter_map(move |kind| event(kind, protocol)))
            .collect();
        // Every kind explained in plain words, for each role and protocol, and the data rows too.
        kinds.push(EventKind::Sent { link, data: Bytes::from_static("repetirá".as_bytes()) });
        kinds.push(EventKind::Received { link, data: data.clone(), truncated: false, echo: None });
        kinds.push(EventKind::Received { link, data: data.clone(), truncated: false, echo: echo(true) });
        for role in [crate::spec::Role::Client, crate::spec::Role::Server] {
            for protocol in [Protocol::Tcp, Protocol::Udp] {
                let mut explainer = crate::explain::Explainer::new(protocol, role, 16);
                for kind in &kinds {
                    messages.push(explainer.explain(crate::explain::Step::of(kind, 1)));
                }
            }
        }
        let plain = EventKind::Sent { link, data: data.clone() };
        assert!(event(&plain, Protocol::Tcp).is_none(), "plain data has no words");
        let plain = EventKind::Received { link, data, truncated: false, echo: None };
        assert!(event(&plain, Protocol::Udp).is_none());
        messages.extend(problems().iter().map(problem));
        messages
    }

    #[test]
    fn rtt_rst_fin_and_syn_are_defined_where_they_appear_in_both_languages() {
        let ids = |text: &str| -> Vec<String> {
            terms_in(text).iter().flat_map(|m| m.ids()).map(ToString::to_string).collect()
        };
        assert_eq!(ids("its system answered with a reset (RST)"), ["term-rst"]);
        assert_eq!(ids("closed its sending side (a FIN); RTT 3 ms"), ["term-rtt", "term-fin"]);
        assert!(ids("FIRST FINISH RSTU").is_empty(), "whole words only");
        for language in [Language::English, Language::Spanish] {
            let text = Tr::new(language).render(&terms_in("SYN RST")[0]);
            assert!(text.starts_with("RST (") && text.len() > 30, "{text}");
        }
    }

    #[test]
    fn one_byte_is_said_in_the_singular_in_both_languages() {
        let (en, es) = (Tr::new(Language::English), Tr::new(Language::Spanish));
        let one = [
            Message::new("reason-extra-bytes").arg("count", 1u64),
            Message::new("why-sent-server-tcp").arg("bytes", 1u64).arg("extra", Message::new("cli-empty")),
            Message::new("why-sent-server-udp").arg("bytes", 1u64).arg("extra", Message::new("cli-empty")),
            Message::new("why-received-server-tcp").arg("bytes", 1u64).arg("chunk", 16u64),
            Message::new("reason-closed-mid-echo").arg("echoed", 1u64).arg("expected", 1u64),
        ];
        for message in &one {
            for text in [en.render(message), es.render(message)] {
                assert!(!text.contains("1 bytes") && !text.contains("mismos 1"), "{text}");
            }
        }
        assert!(es.render(&one[1]).contains("devolvió el mismo byte al cliente"), "{}", es.render(&one[1]));
        let many =
            Message::new("why-sent-server-tcp").arg("bytes", 33u64).arg("extra", Message::new("cli-empty"));
        assert!(es.render(&many).contains("los mismos 33 bytes"));
    }

    #[test]
    fn every_kind_has_words_in_english_and_spanish() {
        let english: BTreeSet<String> = crate::i18n::tests::ids("en").into_iter().collect();
        let spanish: BTreeSet<String> = crate::i18n::tests::ids("es").into_iter().collect();
        let messages = every_message();
        assert!(messages.len() > 60, "{}", messages.len());
        for message in &messages {
            for id in message.ids() {
                assert!(english.contains(id), "English lacks {id}");
                assert!(spanish.contains(id), "Spanish lacks {id}");
            }
        }
    }

    #[test]
    fn the_spanish_rendering_keeps_no_english_sentence() {
        let (en, es) = (Tr::new(Language::English), Tr::new(Language::Spanish));
        // Words both languages write alike, and the sample arguments.
        let shared: BTreeSet<&str> = [
            "byte",
            "bytes",
            "escape",
            "host",
            "error",
            "interfaces",
            "latin",
            "regex",
            "ulimit",
            "allow",
            "remote",
            // The socket calls the explanations name, as the tutorial's code writes them.
            "socket",
            "sockets",
            "bind",
            "listen",
            "accept",
            "connect",
            "sendall",
            "recv",
            "sendto",
            "recvfrom",
            "close",
            "idle",
            "xyz",
            "hola",
            // Names from TLS: a host, an alert and protocol names, as the peer sends them.
            "localhost",
            "unknownca",
            "alpn",
            "openssl",
            "true",
            "http",
            "dtls",
            // Socket option names, as the system calls them.
            "rcvbuf",
            "sndbuf",
            "multicast",
            "loop",
            "hops",
            "broadcast",
        ]
        .into();
        let words = |text: &str| -> BTreeSet<String> {
            // A command-line flag (`--reply-end`) is the same in both languages.
            text.split_whitespace()
                .filter(|token| !token.trim_start_matches('(').starts_with("--"))
                .flat_map(|token| token.split(|c: char| !c.is_alphabetic()))
                .filter(|w| w.chars().count() >= 4)
                .map(str::to_lowercase)
                .filter(|w| !shared.contains(w.as_str()))
                .collect()
        };
        let mut english_words = BTreeSet::new();
        let mut pairs = Vec::new();
        for message in every_message() {
            let (english, spanish) = (en.render(&message), es.render(&message));
            assert!(!english.starts_with("No localization"), "{english}");
            english_words.extend(words(&english));
            pairs.push((english, spanish));
        }
        assert!(english_words.contains("refused") && english_words.contains("listening"));
        for (english, spanish) in &pairs {
            let left: Vec<String> =
                words(spanish).into_iter().filter(|w| english_words.contains(w)).collect();
            assert!(left.is_empty(), "English words {left:?} in the Spanish for {english:?}: {spanish:?}");
        }
    }

    #[test]
    fn an_error_reads_operation_address_and_reason() {
        let err = Error::new(ErrorKind::Refused, Op::Connect, "127.0.0.1:10000", Reason::Plain);
        assert_eq!(
            Tr::new(Language::Spanish).error(&err),
            "conectar con 127.0.0.1:10000: conexión rechazada (nada escucha allí)"
        );
        assert_eq!(err.to_string(), "connect to 127.0.0.1:10000: connection refused (nothing listens there)");
    }
}
