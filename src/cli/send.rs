//! `send`: a client that sends, checks every reply and exits 0 only when each met its
//! expectation; its lines and its summary.

use std::time::Duration;

use clap::Args;
use crossbeam_channel::select;

use std::path::PathBuf;

use crate::engine::expect::{DEFAULT_IDLE_MS, Expectation, ReplyEnd};
use crate::engine::{
    self, ClientConfig, DEFAULT_PORT, Endpoint, Event, EventKind, Protocol, StatsSnapshot, WorkerSpec,
};
use crate::i18n::{Language, Tr};
use crate::spec::{MessageMode, Role, SessionSpec};
use crate::transcript::export::{Record, json_line};
use crate::transcript::line::LineFormatter;
use crate::vocabulary::{Arg, Message};

use super::args::{EncodingArg, FileArgs, LineEndingArg, OptionArgs, ProtocolArg, ShowArgs};
use super::output::{Keeper, Out, signals};
use super::tls::SendTlsArgs;
use super::{EXIT_FAILURE, EXIT_OK, base_spec, check};

/// `send` options. Every setting left out comes from `--preset`, else the defaults.
#[derive(Debug, Args)]
pub struct SendArgs {
    /// tcp or udp (optional with --preset).
    pub protocol: Option<ProtocolArg>,
    /// The server: HOST:PORT, [IPV6]:PORT, or a host (port 10000). Default: localhost:10000.
    #[arg(value_name = "HOST:PORT")]
    pub target: Option<String>,
    /// The message, as text (default: the tutorial's, "Este es el mensaje. Se repetirá.").
    #[arg(conflicts_with_all = ["message_hex", "file"])]
    pub message: Option<String>,
    /// Start from a preset: a name, or a path (it holds '/' or ends in .toml). The other
    /// arguments override its values.
    #[arg(long, value_name = "NAME_OR_PATH")]
    pub preset: Option<String>,
    /// Read escapes in MESSAGE: \n \r \t \0 \\ \xNN \u{N}, for binary payloads.
    #[arg(long, short = 'e')]
    pub escapes: bool,
    /// The message as hex bytes: "48 65 6C", "48656C" or "48:65:6C".
    #[arg(long, value_name = "HEX", conflicts_with = "file")]
    pub message_hex: Option<String>,
    /// Send this file's bytes (streamed, any size over TCP; one datagram over UDP).
    #[arg(long, value_name = "PATH")]
    pub file: Option<PathBuf>,
    /// Appended to each text or hex message.
    #[arg(long, value_enum, value_name = "none|lf|cr|crlf")]
    pub line_ending: Option<LineEndingArg>,
    /// How MESSAGE's characters become bytes (no byte-order mark).
    #[arg(long, value_enum, value_name = "utf-8|latin1|utf-16le|utf-16be")]
    pub encoding: Option<EncodingArg>,
    /// Bytes per read (TCP), or the receive buffer (UDP, at most 65535).
    #[arg(long, value_name = "N")]
    pub chunk: Option<u64>,
    /// Limit for connecting and for each echo, in milliseconds (default 5000).
    #[arg(long, value_name = "MS")]
    pub timeout_ms: Option<u64>,
    /// How many times to send the message (default 1).
    #[arg(long, value_name = "N")]
    pub count: Option<u64>,
    /// Pause between two messages, in milliseconds (default 0).
    #[arg(long, value_name = "MS")]
    pub interval_ms: Option<u64>,
    /// A calm pace for a live demonstration: pause this long after connecting, before sending,
    /// and after the echo, before closing (default 0).
    #[arg(long, value_name = "MS")]
    pub pace_ms: Option<u64>,
    /// Send again and again until Ctrl-C.
    #[arg(long)]
    pub until_stopped: bool,
    /// What each reply must be: echo (the default), any, none (no reply within the timeout),
    /// text:T, contains:T, regex:R, or hex:H with ?? for any byte. T takes escapes (\r\n).
    #[arg(long, value_name = "EXPECTATION")]
    pub expect: Option<String>,
    /// Where a reply ends: sent (as many bytes as were sent; the default), close, idle:MS,
    /// delim:ESCAPED (\n, \r\n) or bytes:N.
    #[arg(long, value_name = "END")]
    pub reply_end: Option<String>,
    /// Send every message on one connection (TCP) or socket (UDP), instead of one each.
    #[arg(long)]
    pub persistent: bool,
    /// TLS: how to trust the server, SNI and ALPN.
    #[command(flatten)]
    pub tls: SendTlsArgs,
    /// Socket options.
    #[command(flatten)]
    pub options: OptionArgs,
    /// TCP: shut the sending side after each message (half-close), then read the rest.
    #[arg(long)]
    pub half_close: bool,
    /// Send from this local address (an address of this machine, with or without :PORT).
    #[arg(long, value_name = "ADDR")]
    pub local: Option<String>,
    /// Send through this network interface only (SO_BINDTODEVICE; needs privileges).
    #[arg(long = "iface", value_name = "NAME")]
    pub iface: Option<String>,
    /// UDP: send to a broadcast address (sets SO_BROADCAST); replies come as from a group.
    #[arg(long)]
    pub broadcast: bool,
    /// UDP to a multicast group or broadcast address: stop after N replies, or wait the whole
    /// timeout for all of them (the default), one line per reply.
    #[arg(long, value_name = "N|all")]
    pub replies: Option<String>,
    /// UDP to a multicast group: do not hear our own datagrams (IP_MULTICAST_LOOP off).
    #[arg(long)]
    pub no_loopback: bool,
    /// How payloads are shown on the lines.
    #[command(flatten)]
    pub show: ShowArgs,
    /// Files to save or record the transcript to.
    #[command(flatten)]
    pub files: FileArgs,
    /// For scripts: print one JSON object per event on stdout (the .jsonl schema), then a
    /// summary object ({"summary": {...}}), and nothing for people.
    #[arg(long)]
    pub json: bool,
}

impl SendArgs {
    /// The session these arguments describe: the preset's (or the defaults), then each
    /// argument given.
    pub fn spec(&self) -> anyhow::Result<SessionSpec> {
        let mut spec = base_spec(self.preset.as_deref(), self.protocol, Role::Client)?;
        if let Some(target) = &self.target {
            let endpoint = Endpoint::parse(target, DEFAULT_PORT)?;
            endpoint.check_client_target()?;
            spec.host = endpoint.host;
            spec.port = endpoint.port;
        }
        let message = &mut spec.message;
        if let Some(text) = &self.message {
            message.mode = MessageMode::Text;
            message.text.clone_from(text);
        }
        if self.escapes {
            message.escapes = true;
        }
        if let Some(hex) = &self.message_hex {
            message.mode = MessageMode::Hex;
            message.text.clone_from(hex);
        }
        if let Some(file) = &self.file {
            message.mode = MessageMode::File;
            message.file = Some(file.clone());
        }
        if let Some(ending) = self.line_ending {
            message.line_ending = ending.into();
        }
        if let Some(encoding) = self.encoding {
            message.encoding = encoding.into();
        }
        if self.chunk.is_some() {
            spec.chunk_bytes = self.chunk;
        }
        if let Some(timeout) = self.timeout_ms {
            spec.timeout_ms = timeout;
        }
        if let Some(count) = self.count {
            spec.plan.count = count;
            spec.plan.until_stopped = false;
        }
        if let Some(pace) = self.pace_ms {
            spec.plan.pace_ms = pace;
        }
        if let Some(interval) = self.interval_ms {
            spec.plan.interval_ms = interval;
        }
        if self.until_stopped {
            spec.plan.until_stopped = true;
        }
        if self.persistent {
            spec.plan.persistent = true;
        }
        if let Some(line) = &self.expect {
            spec.expect = Expectation::parse(line).map_err(|e| anyhow::anyhow!("--expect {line}: {e}"))?;
            // A reply other than an echo has no length to wait for: say where it ends.
            if !spec.expect.is_echo() && spec.reply_end == ReplyEnd::Sent && self.reply_end.is_none() {
                spec.reply_end = ReplyEnd::Idle(DEFAULT_IDLE_MS);
            }
        }
        if let Some(line) = &self.reply_end {
            spec.reply_end = ReplyEnd::parse(line).map_err(|e| anyhow::anyhow!("--reply-end {line}: {e}"))?;
        }
        self.tls.apply(&mut spec.tls);
        self.options.apply(&mut spec.options)?;
        spec.options.half_close |= self.half_close;
        if let Some(local) = &self.local {
            spec.options.local.clone_from(local);
        }
        if let Some(iface) = &self.iface {
            spec.options.interface.clone_from(iface);
        }
        spec.group.broadcast |= self.broadcast;
        if self.no_loopback {
            spec.group.loopback = false;
        }
        match self.replies.as_deref() {
            None => {}
            Some("all") => spec.group.replies = 0,
            Some(n) => {
                spec.group.replies = n.parse::<u64>().ok().filter(|n| *n > 0).ok_or_else(|| {
                    anyhow::anyhow!("--replies {n}: enter a number of replies from 1, or all")
                })?;
            }
        }
        check(&spec)?;
        Ok(spec)
    }
}

/// What a client's summary adds: replies that passed out of those expected, and round-trip
/// times.
pub struct EchoSummary {
    /// Echoes, or replies other than echoes, that passed.
    pub ok: u64,
    /// How many were expected.
    pub expected: u64,
    /// The replies were judged by an expectation other than a streamed echo.
    pub checks: bool,
    /// Median and largest round-trip time, in microseconds.
    pub rtt: Option<(u64, u64)>,
    /// UDP datagrams that got no echo in time.
    pub lost: u64,
}

/// The closing summary of a server or client, as one message.
pub fn summary(protocol: Protocol, stats: &StatsSnapshot, echoes: Option<&EchoSummary>) -> Message {
    let udp = match protocol {
        Protocol::Udp => Message::new("cli-summary-udp")
            .arg("datagrams_in", stats.datagrams_in)
            .arg("datagrams_out", stats.datagrams_out),
        Protocol::Tcp => Message::new("cli-empty"),
    };
    let echoes = match echoes {
        Some(e) => {
            let rtt = match e.rtt {
                Some((median, max)) => Message::new("cli-summary-rtt")
                    .arg("median", Arg::Decimal(median as f64 / 1000.0, 3))
                    .arg("max", Arg::Decimal(max as f64 / 1000.0, 3)),
                None => Message::new("cli-empty"),
            };
            let id = if e.checks { "cli-summary-checks" } else { "cli-summary-echoes" };
            let lost = if e.lost > 0 {
                Message::new("cli-summary-lost").arg("lost", e.lost)
            } else {
                Message::new("cli-empty")
            };
            Message::new(id).arg("ok", e.ok).arg("count", e.expected).arg("rtt", rtt).arg("lost", lost)
        }
        None => Message::new("cli-empty"),
    };
    let kind = match protocol {
        Protocol::Udp => "udp",
        Protocol::Tcp => "tcp",
    };
    Message::new("cli-summary")
        .arg("kind", kind)
        .arg("connections", stats.connections)
        .arg("bytes_in", stats.bytes_in)
        .arg("bytes_out", stats.bytes_out)
        .arg("udp", udp)
        .arg("errors", stats.errors)
        .arg("echoes", echoes)
}

pub(super) fn send(args: &SendArgs, spec: &SessionSpec, language: Language) -> anyhow::Result<u8> {
    let protocol = spec.protocol;
    if args.json && args.files.takes_stdout() {
        anyhow::bail!("--json and a file written to stdout (-) cannot share it: give the file a name");
    }
    // A persistent run ends, finished, when every message had its answer.
    let config = ClientConfig { close_when_done: true, ..spec.client_config(true) };
    let tr = Tr::new(language);
    let count = if spec.plan.until_stopped { None } else { Some(spec.plan.count) };
    let mut keeper = Keeper::new(&args.files, protocol, language)?;
    let signals = signals()?;
    let (tx, events) = crossbeam_channel::bounded(engine::CLI_CHANNEL_CAPACITY);
    let handle = engine::spawn(WorkerSpec::Client(config), tx, engine::no_waker());
    let mut out = if args.json { Out::silent() } else { Out::for_files(&args.files) };
    let mut lines = args.show.formatter(language, spec);
    let mut mismatches = 0u64;
    let mut lost = 0u64;
    let mut rtts = crate::stats::RoundTrips::new();
    // A watchdog for a worker that stops talking: far beyond any timeout or interval.
    let quiet_limit =
        spec.timeout_ms.saturating_mul(4).saturating_add(spec.plan.interval_ms.saturating_mul(2)).max(60_000);
    loop {
        select! {
            recv(events) -> event => {
                let Ok(event) = event else { break };
                keeper.take(&event);
                if args.json {
                    let conn = event.kind.link().map_or(0, |l| l.conn);
                    let mut record = Record::from_event(&event, conn);
                    record.protocol = Some(protocol);
                    out.json(&json_line(&record));
                } else {
                    print_client_event(&mut out, &mut lines, &event);
                }
                let verdict = match &event.kind {
                    EventKind::Received { echo: Some(check), .. } => Some((check.matches, check.rtt_us)),
                    EventKind::Checked { check, .. } => Some((check.passed(), check.rtt_us)),
                    _ => None,
                };
                if let Some((passed, rtt_us)) = verdict {
                    mismatches += u64::from(!passed);
                    rtts.record(rtt_us);
                }
                lost += u64::from(matches!(event.kind, EventKind::Lost { .. }));
                if matches!(event.kind, EventKind::Closed { .. }) { break; }
            }
            recv(signals) -> _ => handle.stop(),
            default(Duration::from_millis(quiet_limit)) => {
                super::output::say!("socket-tester: the client stopped answering; giving up");
                handle.stop();
            }
        }
    }
    let stats = handle.stats();
    let rtt = rtts.summary().map(|s| (s.p50_us, s.max_us));
    let expected = count.unwrap_or(stats.exchanges);
    let passed = stats.echoes_ok + stats.checks_ok;
    let checks = stats.checks_ok + stats.checks_bad > 0 || !spec.expect.is_echo();
    let echo_summary = EchoSummary { ok: passed, expected, checks, rtt, lost };
    out.line(&tr.render(&summary(protocol, &stats, Some(&echo_summary))));
    let files_ok = keeper.finish();
    let ok = match count {
        Some(count) => passed == count && stats.echoes_bad + stats.checks_bad == 0,
        // Until stopped: the exchange cut short by Ctrl-C is not a failure.
        None => stats.echoes_ok > 0 && mismatches == 0 && lost == 0,
    };
    let code = if ok && files_ok && stats.errors == 0 { EXIT_OK } else { EXIT_FAILURE };
    if args.json {
        let summary = serde_json::json!({ "summary": {
            "protocol": protocol.to_string(),
            "connections": stats.connections,
            "bytes_in": stats.bytes_in,
            "bytes_out": stats.bytes_out,
            "datagrams_in": stats.datagrams_in,
            "datagrams_out": stats.datagrams_out,
            "errors": stats.errors,
            "passed": passed,
            "expected": expected,
            "checks": checks,
            "lost": lost,
            "rtt_p50_us": rtt.map(|r| r.0),
            "rtt_max_us": rtt.map(|r| r.1),
            "ok": code == EXIT_OK,
        }});
        out.json(&summary.to_string());
    }
    Ok(out.code(code))
}

/// The median of sorted values; of an even count, the mean of the middle two.
pub(super) fn print_client_event(out: &mut Out, lines: &mut LineFormatter, event: &Event) {
    let line = lines.format(event);
    if matches!(event.kind, EventKind::Failed { .. }) {
        super::output::say!("{line}");
    } else {
        out.line(&line);
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use clap::Parser;

    use super::*;
    use crate::cli::{Cli, CliCommand};
    use crate::spec::{LineEnding, TextEncoding};
    use crate::transcript::render::escape;

    fn parse_send(args: &[&str]) -> Option<SendArgs> {
        let argv = ["socket-tester", "send"].into_iter().chain(args.iter().copied());
        match Cli::try_parse_from(argv).ok()?.command {
            Some(CliCommand::Send(send)) => Some(send),
            _ => None,
        }
    }

    fn spec_of(args: &[&str]) -> Option<SessionSpec> {
        parse_send(args)?.spec().ok()
    }

    proptest! {
        #[test]
        fn any_bytes_given_escaped_reach_send_exactly(bytes in proptest::collection::vec(any::<u8>(), 1..300)) {
            // As typed for the editor: escapes, and `{{` for a brace (braces start macros).
            let shown: Vec<String> = bytes.split(|b| *b == b'{').map(escape).collect();
            let shown = shown.join("{{");
            let spec = spec_of(&["tcp", "127.0.0.1:9", "-e", "--", &shown]);
            prop_assert_eq!(spec.and_then(|s| s.message.bytes()), Some(Ok(bytes)));
        }

        #[test]
        fn any_hex_given_reaches_send_exactly(bytes in proptest::collection::vec(any::<u8>(), 1..300)) {
            let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
            let spec = spec_of(&["udp", "127.0.0.1:9", "--message-hex", &hex]);
            prop_assert_eq!(spec.and_then(|s| s.message.bytes()), Some(Ok(bytes)));
        }

        #[test]
        fn any_text_message_is_carried_as_typed(text in "\\PC{1,80}") {
            let send = parse_send(&["udp", "[::1]:7", "--", &text]);
            prop_assert_eq!(send.and_then(|s| s.message), Some(text));
        }

        #[test]
        fn any_target_argument_parses_like_the_form(port in 1u16.., v6 in any::<bool>()) {
            let target = if v6 { format!("[::1]:{port}") } else { format!("127.0.0.1:{port}") };
            let spec = spec_of(&["tcp", &target]);
            prop_assert_eq!(spec.map(|s| s.endpoint().to_string()), Some(target));
        }
    }

    #[test]
    fn arguments_override_the_defaults_once() {
        let spec =
            spec_of(&["udp", "[::1]:7", "--count", "3", "--line-ending", "crlf", "--encoding", "latin1"]);
        let spec = spec.unwrap_or_default();
        assert_eq!((spec.protocol, spec.port, spec.plan.count), (Protocol::Udp, 7, 3));
        assert_eq!(spec.message.line_ending, LineEnding::Crlf);
        assert_eq!(spec.message.encoding, TextEncoding::Latin1);
        assert_eq!(spec.chunk_bytes(), 4096, "the UDP client's default buffer");
        assert!(parse_send(&["tcp"]).and_then(|s| s.spec().err()).is_none());
        assert!(parse_send(&[]).is_some_and(|s| s.spec().is_err()), "no protocol, no preset");
    }
}
