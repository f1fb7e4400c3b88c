//! `serve` and `relay`: a server (or a relay) until Ctrl-C, SIGTERM or SIGHUP, its transcript
//! lines on stdout, then a summary.

use std::time::Duration;

use clap::{Args, ValueEnum};
use crossbeam_channel::select;

use std::path::PathBuf;

use crate::engine::{self, DEFAULT_PORT, Detail, Endpoint, EventKind};
use crate::i18n::{Language, Tr};
use crate::spec::preset::{self};
use crate::spec::{Role, RuleSpec, SessionSpec};
use crate::vocabulary::Message;

use super::args::{FileArgs, OptionArgs, ProtocolArg, ShowArgs};
use super::output::{CLI_NAP, Keeper, Out, signals};
use super::send::summary;
use super::tls::ServeTlsArgs;
use super::{EXIT_FAILURE, EXIT_OK, base_spec, check};

/// `serve` options. Every setting left out comes from `--preset`, else the defaults.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// tcp or udp (optional with --preset).
    pub protocol: Option<ProtocolArg>,
    /// Start from a preset: a name, or a path (it holds '/' or ends in .toml). The other
    /// arguments override its values.
    #[arg(long, value_name = "NAME_OR_PATH")]
    pub preset: Option<String>,
    /// Address to listen on (default localhost:10000). `localhost` listens on 127.0.0.1 and
    /// ::1; port 0 picks a free port; 0.0.0.0 or [::] listen on every interface (reachable
    /// from the network).
    #[arg(long, value_name = "HOST:PORT")]
    pub bind: Option<String>,
    /// Bytes per read (TCP) or the receive buffer (UDP, at most 65535). Default: 65536 for
    /// TCP, 65535 for UDP, for speed; the window's server reads 16, as the seed's tutorial's
    /// did (its client's buffer was 4096).
    #[arg(long, value_name = "N")]
    pub chunk: Option<u64>,
    /// TCP listen backlog (default 4096).
    #[arg(long, value_name = "N")]
    pub backlog: Option<u64>,
    /// Event-loop threads for TCP (default 0: one per core; at most an eighth of `ulimit -n`).
    #[arg(long, value_name = "N")]
    pub threads: Option<u64>,
    /// How to reply: echo (the default), silent (read and discard), close (at once), or
    /// fixed:TEXT (escapes and macros). With rules, this answers what no rule matches.
    #[arg(long, value_name = "MODE")]
    pub reply: Option<String>,
    /// A rule, REGEX=>REPLY (repeatable; the first match wins). REPLY takes escapes, $1 and
    /// ${name} from the regex, and macros.
    #[arg(long = "rule", value_name = "REGEX=>REPLY")]
    pub rules: Vec<String>,
    /// Rules from a file: a preset's TOML with a [server] table (mode, framing, [[server.rules]]).
    #[arg(long = "rules", value_name = "FILE.toml")]
    pub rules_file: Option<PathBuf>,
    /// How frames are cut for the rules: read (each read; the default), line, or bytes:N.
    #[arg(long, value_name = "read|line|bytes:N")]
    pub framing: Option<String>,
    /// The longest line the rules wait for, in bytes (default 1048576, 1 MiB; 0: no limit).
    /// Past it the server says so in the transcript and does what --over-max-frame says.
    #[arg(long, value_name = "BYTES")]
    pub max_frame: Option<u64>,
    /// Past --max-frame: reply to the bytes so far as one frame, the rest starting the next
    /// (the default), or close the connection.
    #[arg(long, value_name = "reply|close")]
    pub over_max_frame: Option<String>,
    /// Print only the bound addresses and the summary. Payloads are counted, never copied,
    /// unless --save or --record keeps them.
    #[arg(long, short)]
    pub quiet: bool,
    /// TLS: the certificate and ALPN to serve with.
    #[command(flatten)]
    pub tls: ServeTlsArgs,
    /// Socket options.
    #[command(flatten)]
    pub options: OptionArgs,
    /// UDP: join this multicast group (repeatable, or comma-separated: 239.1.2.3,ff15::1).
    /// Bind the group's port on every interface (--bind 0.0.0.0:PORT) or on the group itself.
    #[arg(long = "join", value_name = "GROUP")]
    pub join: Vec<String>,
    /// UDP: the interface to join the groups on, by name (eth0) or address.
    #[arg(long = "iface", value_name = "NAME")]
    pub iface: Option<String>,
    /// How payloads are shown on the lines.
    #[command(flatten)]
    pub show: ShowArgs,
    /// Files to save or record the transcript to.
    #[command(flatten)]
    pub files: FileArgs,
}

impl ServeArgs {
    /// The session these arguments describe: the preset's (or the defaults), then each
    /// argument given.
    pub fn spec(&self) -> anyhow::Result<SessionSpec> {
        let mut spec = base_spec(self.preset.as_deref(), self.protocol, Role::Server)?;
        if let Some(bind) = &self.bind {
            let endpoint = Endpoint::parse(bind, DEFAULT_PORT)?;
            spec.all_interfaces =
                endpoint.host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_unspecified());
            spec.host = endpoint.host;
            spec.port = endpoint.port;
        }
        if self.chunk.is_some() {
            spec.chunk_bytes = self.chunk;
        }
        if let Some(backlog) = self.backlog {
            spec.backlog = backlog;
        }
        if let Some(threads) = self.threads {
            spec.threads = threads;
        }
        if let Some(path) = &self.rules_file {
            let file: SessionSpec = preset::read_file(path)?;
            spec.server = file.server;
        }
        if let Some(mode) = &self.reply {
            spec.server.mode.clone_from(mode);
        }
        for rule in &self.rules {
            spec.server.rules.push(RuleSpec::from_arrow(rule).map_err(|e| anyhow::anyhow!("--rule {e}"))?);
        }
        if let Some(framing) = &self.framing {
            spec.server.framing.clone_from(framing);
        }
        if let Some(max) = self.max_frame {
            spec.server.max_frame = max;
        }
        if let Some(over) = &self.over_max_frame {
            spec.server.over_max_frame.clone_from(over);
        }
        self.tls.apply(&mut spec.tls);
        self.options.apply(&mut spec.options)?;
        if !self.join.is_empty() {
            spec.group.join = self.join.join(",");
        }
        if let Some(iface) = &self.iface {
            spec.group.interface.clone_from(iface);
        }
        check(&spec)?;
        Ok(spec)
    }
}

/// Runs a server (`serve`) or a relay (`relay`) until a signal, a line per event.
pub(super) fn serve(
    quiet: bool,
    show: &ShowArgs,
    files: &FileArgs,
    spec: &SessionSpec,
    language: Language,
) -> anyhow::Result<u8> {
    let protocol = spec.protocol;
    // Quiet mode copies no payload, unless a file is to keep them.
    let detail = if quiet && !files.keeps_payloads() { Detail::CountsOnly } else { Detail::Full };
    let tr = Tr::new(language);
    let mut keeper = Keeper::new(files, protocol, language)?;
    let signals = signals()?;
    let (tx, events) = crossbeam_channel::bounded(engine::CLI_CHANNEL_CAPACITY);
    let handle = engine::spawn(spec.server_worker(detail), tx, engine::no_waker());
    let mut out = Out::for_files(files);
    let mut lines = show.formatter(language, spec);
    let mut failed = false;
    let mut listening = false;
    let check = crossbeam_channel::tick(Duration::from_millis(100));
    let mut closed = false;
    while !closed {
        select! {
            recv(events) -> event => {
                let Ok(first) = event else { break };
                // What came meanwhile is taken too, then the loop naps if that emptied the
                // queue: the server then seldom has to wake this thread (once per nap at
                // most, instead of once per event), which costs more than the event itself
                // for small datagrams.
                let mut taken = 0;
                let queued = events.try_iter().take(engine::CLI_CHANNEL_CAPACITY);
                for event in std::iter::once(first).chain(queued) {
                    taken += 1;
                    keeper.take(&event);
                    match &event.kind {
                        EventKind::Listening { local, all_interfaces, tls } => {
                            listening = true;
                            let words = match tls.as_ref().and_then(|tls| tls.cert.as_ref()) {
                                Some(cert) => Message::new("cli-listening-tls")
                                    .arg("addr", local.to_string())
                                    .arg("fingerprint", cert.sha256.as_str()),
                                None => Message::new("cli-listening").arg("addr", local.to_string()).arg("protocol", protocol.to_string()),
                            };
                            out.line(&tr.render(&words));
                            if *all_interfaces {
                                super::output::say!("{}", tr.render(&Message::new("cli-all-interfaces").arg("addr", local.to_string())));
                            }
                            continue;
                        }
                        EventKind::Failed { link: None, .. } if !listening => failed = true,
                        _ => {}
                    }
                    closed = matches!(event.kind, EventKind::Closed { .. });
                    let said_when_quiet = match &event.kind {
                        EventKind::Failed { link: None, .. } => true,
                        EventKind::Notice(notice) => !notice.is_per_message(),
                        _ => false,
                    };
                    if !quiet || said_when_quiet {
                        // Errors go to stderr, as `send` prints them; `--save` keeps them with the rest.
                        let line = lines.format(&event);
                        if failed || matches!(event.kind, EventKind::Failed { .. }) {
                            super::output::say!("{line}")
                        } else {
                            out.line(&line)
                        }
                    }
                    if closed { break; }
                }
                if !closed && taken <= engine::CLI_CHANNEL_CAPACITY {
                    std::thread::sleep(CLI_NAP);
                }
            }
            recv(signals) -> _ => handle.stop(),
            // A recording that stops (a full disk) is said at once, not at the next event.
            recv(check) -> _ => keeper.check(),
        }
    }
    let stats = handle.stats();
    out.line(&tr.render(&summary(protocol, &stats, None)));
    let files_ok = keeper.finish();
    Ok(out.code(if failed || !files_ok { EXIT_FAILURE } else { EXIT_OK }))
}

/// `relay` options.
#[derive(Debug, Args)]
pub struct RelayArgs {
    /// tcp or udp.
    pub protocol: ProtocolArg,
    /// Where clients connect (default localhost:10001).
    #[arg(long, value_name = "HOST:PORT")]
    pub listen: Option<String>,
    /// The server their traffic goes to.
    #[arg(long, value_name = "HOST:PORT")]
    pub to: String,
    /// Added latency, each way, in milliseconds.
    #[arg(long, value_name = "MS")]
    pub latency_ms: Option<u64>,
    /// A cap on each direction of each connection, in bytes per second.
    #[arg(long, value_name = "BYTES_PER_S")]
    pub bandwidth: Option<u64>,
    /// UDP: drop this percentage of datagrams, each way (0 to 100).
    #[arg(long, value_name = "PERCENT")]
    pub drop: Option<u64>,
    /// TCP: cut each connection after this many bytes, both ways counted.
    #[arg(long, value_name = "BYTES")]
    pub cut_after: Option<u64>,
    /// How to cut: close (FIN, the default) or reset (RST).
    #[arg(long, value_name = "close|reset", requires = "cut_after")]
    pub cut_with: Option<CutArg>,
    /// Bytes per read (default 65536).
    #[arg(long, value_name = "N")]
    pub chunk: Option<u64>,
    /// Print only the addresses, the faults and the summary.
    #[arg(long, short)]
    pub quiet: bool,
    /// How payloads are shown on the lines.
    #[command(flatten)]
    pub show: ShowArgs,
    /// Files to save or record the transcript to (both legs).
    #[command(flatten)]
    pub files: FileArgs,
}

/// How a relay cuts a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CutArg {
    /// A FIN.
    Close,
    /// A reset.
    Reset,
}

impl RelayArgs {
    /// The relay these arguments describe: a server session that relays.
    pub fn spec(&self) -> anyhow::Result<SessionSpec> {
        let mut spec = SessionSpec::new(Role::Server, self.protocol.into());
        let listen = Endpoint::parse(self.listen.as_deref().unwrap_or("localhost:10001"), 10_001)?;
        spec.all_interfaces = listen.host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_unspecified());
        spec.host = listen.host;
        spec.port = listen.port;
        spec.chunk_bytes = self.chunk;
        spec.relay.enabled = true;
        spec.relay.to.clone_from(&self.to);
        let faults = &mut spec.relay.faults;
        faults.latency_ms = self.latency_ms.unwrap_or(0);
        faults.bandwidth = self.bandwidth.unwrap_or(0);
        if let Some(drop) = self.drop {
            faults.drop_percent = u8::try_from(drop.min(255)).unwrap_or(u8::MAX);
        }
        faults.cut_after = self.cut_after.unwrap_or(0);
        faults.cut_with_reset = self.cut_with == Some(CutArg::Reset);
        check(&spec)?;
        Ok(spec)
    }
}
