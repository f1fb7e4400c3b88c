//! The headless command line: the same engine as the GUI, transcript lines on stdout.
//!
//! `serve` runs an echo server until Ctrl-C or SIGTERM and ends with a summary; `send`
//! performs echo exchanges and exits 0 only when every echo came back complete and identical.
//! Exit codes: 0 success, 1 network failure or mismatch, 2 bad arguments.

use std::io::{self, Write};
use std::time::Duration;

use bytes::Bytes;
use clap::{Args, Parser, Subcommand, ValueEnum};
use crossbeam_channel::{Receiver, select};

use crate::engine::{
    self, ClientConfig, Command, DEFAULT_BACKLOG, DEFAULT_CLIENT_CHUNK, DEFAULT_MESSAGE, DEFAULT_PORT,
    DEFAULT_TIMEOUT_MS, Detail, Endpoint, Event, EventKind, Protocol, ServerConfig, StatsSnapshot,
    WorkerSpec,
};
use std::path::PathBuf;

use crate::transcript::export::{self, Format, Record, Recorder};
use crate::transcript::line::LineFormatter;
use crate::transcript::render::unescape;

/// Exit code: success.
pub const EXIT_OK: u8 = 0;
/// Exit code: a network failure, or an echo that did not come back identical.
pub const EXIT_FAILURE: u8 = 1;
/// Exit code: bad arguments.
pub const EXIT_USAGE: u8 = 2;

/// Socket Tester: test TCP and UDP sockets with echo clients and servers.
///
/// With no command it opens the desktop app; `serve` and `send` work without a display.
#[derive(Debug, Parser)]
#[command(name = "socket-tester", version, about, long_about = None, args_conflicts_with_subcommands = true)]
pub struct Cli {
    /// What to do; with none, the desktop app.
    #[command(subcommand)]
    pub command: Option<CliCommand>,
    /// Startup flags for the desktop app.
    #[command(flatten)]
    pub gui: GuiArgs,
}

/// Flags that prefill the desktop app's first sessions, for demos and scripts.
#[derive(Debug, Args, Default)]
pub struct GuiArgs {
    /// App: protocol of the first server and client.
    #[arg(long, value_name = "tcp|udp")]
    pub protocol: Option<ProtocolArg>,
    /// App: host of the first server and client.
    #[arg(long, value_name = "HOST")]
    pub host: Option<String>,
    /// App: port of the first server and client.
    #[arg(long, value_name = "PORT")]
    pub port: Option<u16>,
    /// App: the client's message.
    #[arg(long, value_name = "TEXT")]
    pub message: Option<String>,
    /// App: start the server at launch.
    #[arg(long)]
    pub start_server: bool,
    /// App: language (en or es); default: the saved choice, else the system's.
    #[arg(long, value_name = "en|es")]
    pub lang: Option<LangArg>,
}

/// A language, as typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LangArg {
    /// English.
    En,
    /// Spanish.
    Es,
}

#[cfg(feature = "gui")]
impl GuiArgs {
    /// The app's startup options.
    pub fn into_options(self) -> crate::ui::StartupOptions {
        crate::ui::StartupOptions {
            protocol: self.protocol.map(Protocol::from),
            host: self.host,
            port: self.port,
            message: self.message,
            start_server: self.start_server,
            language: self.lang.map(|l| match l {
                LangArg::En => crate::ui::i18n::Language::English,
                LangArg::Es => crate::ui::i18n::Language::Spanish,
            }),
        }
    }
}

/// The headless commands.
#[derive(Debug, Subcommand)]
pub enum CliCommand {
    /// Run an echo server until Ctrl-C, printing one line per event.
    Serve(ServeArgs),
    /// Send messages to an echo server and check every echo.
    Send(SendArgs),
    /// Load an echo server with many connections, verify every echoed byte, and measure it.
    Load(LoadArgs),
}

/// The protocol, as typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProtocolArg {
    /// TCP.
    Tcp,
    /// UDP.
    Udp,
}

impl From<ProtocolArg> for Protocol {
    fn from(p: ProtocolArg) -> Protocol {
        match p {
            ProtocolArg::Tcp => Protocol::Tcp,
            ProtocolArg::Udp => Protocol::Udp,
        }
    }
}

/// Where `serve` and `send` keep their transcript.
#[derive(Debug, Args)]
pub struct FileArgs {
    /// Save the transcript to FILE when done: .txt, .csv, .jsonl (lossless) or .pcap.
    #[arg(long, value_name = "FILE")]
    pub save: Option<PathBuf>,
    /// Record every event to FILE (.jsonl) as it happens, flushed line by line.
    #[arg(long, value_name = "FILE")]
    pub record: Option<PathBuf>,
    /// With --record, also write the packets to FILE (.pcap) as they happen.
    #[arg(long, value_name = "FILE", requires = "record")]
    pub record_pcap: Option<PathBuf>,
}

impl FileArgs {
    /// True when a file will hold the transcript, so the payloads must be kept.
    pub fn keeps_payloads(&self) -> bool {
        self.save.is_some() || self.record.is_some()
    }
}

/// `serve` options.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// tcp or udp.
    pub protocol: ProtocolArg,
    /// Address to listen on. `localhost` listens on 127.0.0.1 and ::1; port 0 picks a free
    /// port; 0.0.0.0 or [::] listen on every interface (reachable from the network).
    #[arg(long, default_value = "localhost:10000", value_name = "HOST:PORT")]
    pub bind: String,
    /// Bytes per read (TCP) or the receive buffer (UDP, at most 65535). Default: 65536 for
    /// TCP, 65535 for UDP; the seed's tutorial used 16 and 4096.
    #[arg(long, value_name = "N")]
    pub chunk: Option<usize>,
    /// TCP listen backlog.
    #[arg(long, default_value_t = DEFAULT_BACKLOG, value_name = "N")]
    pub backlog: i32,
    /// Event-loop threads for TCP (0: one per core).
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub threads: usize,
    /// Print only the bound addresses and the summary. Payloads are counted, never copied,
    /// unless --save or --record keeps them.
    #[arg(long, short)]
    pub quiet: bool,
    /// Also show every payload in hex.
    #[arg(long)]
    pub hex: bool,
    /// Files to save or record the transcript to.
    #[command(flatten)]
    pub files: FileArgs,
}

/// `send` options.
#[derive(Debug, Args)]
pub struct SendArgs {
    /// tcp or udp.
    pub protocol: ProtocolArg,
    /// The server: HOST:PORT, [IPV6]:PORT, or a host (port 10000).
    #[arg(default_value = "localhost:10000", value_name = "HOST:PORT")]
    pub target: String,
    /// The message.
    #[arg(default_value = DEFAULT_MESSAGE)]
    pub message: String,
    /// Read escapes in MESSAGE: \n \r \t \0 \\ \xNN \u{N}, for binary payloads.
    #[arg(long, short = 'e')]
    pub escapes: bool,
    /// Bytes per read (TCP), or the receive buffer (UDP, at most 65535).
    #[arg(long, value_name = "N")]
    pub chunk: Option<usize>,
    /// Limit for connecting and for each echo, in milliseconds.
    #[arg(long, default_value_t = DEFAULT_TIMEOUT_MS, value_name = "MS")]
    pub timeout_ms: u64,
    /// How many times to send the message.
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub count: u64,
    /// Pause between two messages, in milliseconds.
    #[arg(long, default_value_t = 0, value_name = "MS")]
    pub interval_ms: u64,
    /// Send every message on one connection (TCP) or socket (UDP), instead of one each.
    #[arg(long)]
    pub persistent: bool,
    /// Also show every payload in hex.
    #[arg(long)]
    pub hex: bool,
    /// Files to save or record the transcript to.
    #[command(flatten)]
    pub files: FileArgs,
}

/// How a load run paces its messages, as typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ModeArg {
    /// Send one message, wait for its whole echo, send the next.
    PingPong,
    /// Keep a window of messages in flight on every connection.
    Stream,
    /// TCP: one message per connection, then a new connection (connections per second).
    Connect,
}

/// `load` options.
#[derive(Debug, Args)]
pub struct LoadArgs {
    /// tcp or udp.
    pub protocol: ProtocolArg,
    /// The echo server: HOST:PORT, [IPV6]:PORT, or a host (port 10000). Loopback only, unless
    /// --allow-remote.
    #[arg(default_value = "localhost:10000", value_name = "HOST:PORT")]
    pub target: String,
    /// Concurrent connections (TCP) or sockets (UDP).
    #[arg(long, short = 'c', default_value_t = 1, value_name = "N")]
    pub connections: usize,
    /// Bytes per message: per write in stream mode, per datagram for UDP (at least 8: each
    /// carries its sequence number).
    #[arg(long, short = 's', default_value_t = 32, value_name = "BYTES")]
    pub size: usize,
    /// Messages to send in all (connections, in connect mode); the run also stops at --duration.
    #[arg(long, short = 'n', value_name = "N")]
    pub count: Option<u64>,
    /// Stop starting messages after this many seconds. Default: 5, or 60 with --count.
    #[arg(long, short = 'd', value_name = "SECONDS")]
    pub duration: Option<f64>,
    /// ping-pong, stream or connect.
    #[arg(long, short = 'm', value_enum, default_value_t = ModeArg::PingPong)]
    pub mode: ModeArg,
    /// Messages per second over all connections (default: as fast as the echoes come).
    #[arg(long, value_name = "PER_SECOND")]
    pub rate: Option<f64>,
    /// Stream mode: bytes (TCP) or datagrams (UDP) in flight per connection. Default: 4
    /// messages or 256 KiB, whichever is more (TCP); 64 datagrams (UDP).
    #[arg(long, value_name = "N")]
    pub window: Option<usize>,
    /// Client threads. Default: one per core, at most one per connection.
    #[arg(long, short = 't', value_name = "N")]
    pub threads: Option<usize>,
    /// Limit for connecting and for each echo; a UDP datagram not echoed by then is lost.
    #[arg(long, default_value_t = DEFAULT_TIMEOUT_MS, value_name = "MS")]
    pub timeout_ms: u64,
    /// Allow a target that is not a loopback address. Load another machine only if it is
    /// yours to load.
    #[arg(long)]
    pub allow_remote: bool,
}

/// Runs a headless command and returns the process exit code.
pub fn run(command: CliCommand) -> u8 {
    let result = match command {
        CliCommand::Serve(args) => serve(&args),
        CliCommand::Send(args) => send(&args),
        CliCommand::Load(args) => load(&args),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("socket-tester: {err}");
            EXIT_USAGE
        }
    }
}

fn check_chunk(chunk: usize, protocol: Protocol) -> anyhow::Result<usize> {
    let max = if protocol == Protocol::Udp { engine::MAX_UDP_BUFFER } else { 16 * 1024 * 1024 };
    if chunk == 0 || chunk > max {
        anyhow::bail!("--chunk {chunk}: must be between 1 and {max} for {protocol}");
    }
    Ok(chunk)
}

/// Where a command's events go besides stdout: kept for `--save`, streamed for `--record`.
struct Keeper {
    protocol: Protocol,
    records: Option<Vec<Record>>,
    save: Option<PathBuf>,
    recorder: Option<Recorder>,
    failed: bool,
}

impl Keeper {
    fn new(files: &FileArgs, protocol: Protocol) -> anyhow::Result<Keeper> {
        let (save, record, record_pcap) =
            (files.save.as_ref(), files.record.as_ref(), files.record_pcap.as_ref());
        if let Some(path) = save {
            Format::from_path(path)?;
        }
        if let Some(path) = record
            && Format::from_path(path)? != Format::Jsonl
        {
            anyhow::bail!("--record {}: recording writes .jsonl", path.display());
        }
        if let Some(path) = record_pcap
            && Format::from_path(path)? != Format::Pcap
        {
            anyhow::bail!("--record-pcap {}: must be a .pcap file", path.display());
        }
        let recorder = match record {
            Some(path) => Some(Recorder::create(path, record_pcap.map(PathBuf::as_path), protocol)?),
            None => None,
        };
        Ok(Keeper {
            protocol,
            records: save.map(|_| Vec::new()),
            save: save.cloned(),
            recorder,
            failed: false,
        })
    }

    fn take(&mut self, event: &Event) {
        let conn = event.kind.link().map_or(0, |l| l.conn);
        if let Some(records) = &mut self.records {
            let mut record = Record::from_event(event, conn);
            record.protocol = Some(self.protocol);
            records.push(record);
        }
        if let Some(recorder) = &mut self.recorder
            && let Err(err) = recorder.record(event, conn)
        {
            eprintln!("socket-tester: recording stopped: {err}");
            self.recorder = None;
            self.failed = true;
        }
    }

    /// Finishes the files; false if any of them failed.
    fn finish(self, protocol: Protocol) -> bool {
        let mut ok = !self.failed;
        if let Some(recorder) = self.recorder
            && let Err(err) = recorder.finish()
        {
            eprintln!("socket-tester: recording: {err}");
            ok = false;
        }
        if let (Some(path), Some(records)) = (self.save, self.records) {
            match export::save(&path, &records, protocol) {
                Ok(()) => eprintln!("saved {} events to {}", records.len(), path.display()),
                Err(err) => {
                    eprintln!("socket-tester: could not save: {err}");
                    ok = false;
                }
            }
        }
        ok
    }
}

/// Prints lines without panicking when stdout is a closed pipe (`| head`).
struct Out {
    stdout: io::Stdout,
    open: bool,
}

impl Out {
    fn new() -> Out {
        Out { stdout: io::stdout(), open: true }
    }

    fn line(&mut self, text: &str) {
        if self.open {
            let mut lock = self.stdout.lock();
            self.open = writeln!(lock, "{text}").and_then(|()| lock.flush()).is_ok();
        }
    }
}

fn signals() -> anyhow::Result<Receiver<i32>> {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM])?;
    let (tx, rx) = crossbeam_channel::bounded(4);
    std::thread::Builder::new().name("signals".into()).spawn(move || {
        for signal in signals.forever() {
            if tx.send(signal).is_err() {
                break;
            }
        }
    })?;
    Ok(rx)
}

fn serve(args: &ServeArgs) -> anyhow::Result<u8> {
    let protocol = Protocol::from(args.protocol);
    let bind = Endpoint::parse(&args.bind, DEFAULT_PORT)?;
    let default_chunk =
        if protocol == Protocol::Udp { engine::MAX_UDP_BUFFER } else { engine::DEFAULT_SERVER_CHUNK };
    let chunk_bytes = check_chunk(args.chunk.unwrap_or(default_chunk), protocol)?;
    if args.backlog < 1 {
        anyhow::bail!("--backlog {}: must be at least 1", args.backlog);
    }
    let config = ServerConfig {
        protocol,
        bind,
        chunk_bytes,
        backlog: args.backlog,
        threads: args.threads,
        // Quiet mode copies no payload, unless a file is to keep them.
        detail: if args.quiet && !args.files.keeps_payloads() { Detail::CountsOnly } else { Detail::Full },
    };
    let mut keeper = Keeper::new(&args.files, protocol)?;
    let signals = signals()?;
    let (tx, events) = crossbeam_channel::bounded(engine::CLI_CHANNEL_CAPACITY);
    let handle = engine::spawn(WorkerSpec::Server(config), tx, engine::no_waker());
    let mut out = Out::new();
    let mut lines = LineFormatter::new(protocol == Protocol::Tcp, args.hex);
    let mut failed = false;
    let mut listening = false;
    loop {
        select! {
            recv(events) -> event => {
                let Ok(event) = event else { break };
                keeper.take(&event);
                match &event.kind {
                    EventKind::Listening { local, all_interfaces } => {
                        listening = true;
                        out.line(&format!("listening on {local} ({protocol})"));
                        if *all_interfaces {
                            eprintln!("warning: {local} listens on every network interface: other machines can reach this echo server");
                        }
                        continue;
                    }
                    EventKind::Failed { link: None, .. } if !listening => failed = true,
                    _ => {}
                }
                let closed = matches!(event.kind, EventKind::Closed { .. });
                if !args.quiet || matches!(event.kind, EventKind::Failed { link: None, .. } | EventKind::Notice(_)) {
                    let line = lines.format(&event);
                    if failed { eprintln!("{line}") } else { out.line(&line) }
                }
                if closed { break; }
            }
            recv(signals) -> _ => handle.stop(),
        }
    }
    let stats = handle.stats();
    out.line(&summary(protocol, &stats));
    let files_ok = keeper.finish(protocol);
    Ok(if failed || !files_ok { EXIT_FAILURE } else { EXIT_OK })
}

/// The closing summary of a server or client.
pub fn summary(protocol: Protocol, stats: &StatsSnapshot) -> String {
    let mut text = format!(
        "summary: {} connections, {} bytes in, {} bytes out",
        stats.connections, stats.bytes_in, stats.bytes_out
    );
    if protocol == Protocol::Udp {
        text.push_str(&format!(
            ", {} datagrams in, {} datagrams out",
            stats.datagrams_in, stats.datagrams_out
        ));
    }
    text.push_str(&format!(", {} errors", stats.errors));
    text
}

fn send(args: &SendArgs) -> anyhow::Result<u8> {
    let protocol = Protocol::from(args.protocol);
    let target = Endpoint::parse(&args.target, DEFAULT_PORT)?;
    target.check_client_target()?;
    let default_chunk =
        if protocol == Protocol::Udp { engine::DEFAULT_UDP_BUFFER } else { DEFAULT_CLIENT_CHUNK };
    let chunk_bytes = check_chunk(args.chunk.unwrap_or(default_chunk), protocol)?;
    let message = if args.escapes {
        unescape(&args.message).map_err(|e| anyhow::anyhow!("MESSAGE: {e}"))?
    } else {
        args.message.clone().into_bytes()
    };
    if protocol == Protocol::Udp && message.len() > 65_507 {
        anyhow::bail!("MESSAGE: {} bytes do not fit in one UDP datagram (at most 65507)", message.len());
    }
    if protocol == Protocol::Tcp && message.is_empty() {
        anyhow::bail!("MESSAGE: an empty message has no echo over TCP");
    }
    if args.count == 0 || args.count > 1_000_000 {
        anyhow::bail!("--count {}: must be between 1 and 1000000", args.count);
    }
    let message = Bytes::from(message);
    let count = usize::try_from(args.count)?;
    let config = ClientConfig {
        protocol,
        target,
        messages: vec![message; count],
        chunk_bytes,
        timeout_ms: args.timeout_ms.max(1),
        interval_ms: args.interval_ms,
        persistent: args.persistent,
    };
    let mut keeper = Keeper::new(&args.files, protocol)?;
    let signals = signals()?;
    let (tx, events) = crossbeam_channel::bounded(engine::CLI_CHANNEL_CAPACITY);
    let handle = engine::spawn(WorkerSpec::Client(config), tx, engine::no_waker());
    let mut out = Out::new();
    let mut lines = LineFormatter::new(protocol == Protocol::Tcp, args.hex);
    let mut echoes = 0u64;
    let mut rtts: Vec<u64> = Vec::new();
    loop {
        select! {
            recv(events) -> event => {
                let Ok(event) = event else { break };
                keeper.take(&event);
                print_client_event(&mut out, &mut lines, &event);
                if let EventKind::Received { echo: Some(check), .. } = &event.kind {
                    echoes += 1;
                    rtts.push(check.rtt_us);
                    if args.persistent && echoes == args.count {
                        handle.send(Command::Disconnect(None));
                    }
                }
                if matches!(event.kind, EventKind::Closed { .. }) { break; }
            }
            recv(signals) -> _ => handle.stop(),
            default(Duration::from_millis(args.timeout_ms.saturating_mul(4).saturating_add(args.interval_ms.saturating_mul(args.count)).max(60_000))) => {
                eprintln!("socket-tester: the client stopped answering; giving up");
                handle.stop();
            }
        }
    }
    let stats = handle.stats();
    let mut text = summary(protocol, &stats);
    text.push_str(&format!(", {} of {} echoes ok", stats.echoes_ok, args.count));
    if !rtts.is_empty() {
        rtts.sort_unstable();
        let median = rtts[rtts.len() / 2];
        let max = rtts[rtts.len() - 1];
        text.push_str(&format!(
            ", rtt median {:.3} ms, max {:.3} ms",
            median as f64 / 1000.0,
            max as f64 / 1000.0
        ));
    }
    out.line(&text);
    let files_ok = keeper.finish(protocol);
    let ok = files_ok && stats.echoes_ok == args.count && stats.echoes_bad == 0 && stats.errors == 0;
    Ok(if ok { EXIT_OK } else { EXIT_FAILURE })
}

fn print_client_event(out: &mut Out, lines: &mut LineFormatter, event: &Event) {
    let line = lines.format(event);
    if matches!(event.kind, EventKind::Failed { .. }) {
        eprintln!("{line}");
    } else {
        out.line(&line);
    }
}

/// The longest run `--duration` may ask for.
const MAX_LOAD_SECONDS: f64 = 24.0 * 3600.0;

fn load(args: &LoadArgs) -> anyhow::Result<u8> {
    use crate::engine::load::{self, LoadConfig, Mode};
    let protocol = Protocol::from(args.protocol);
    let endpoint = Endpoint::parse(&args.target, DEFAULT_PORT)?;
    endpoint.check_client_target()?;
    let addrs = endpoint.resolve()?;
    let remote: Vec<String> =
        addrs.iter().filter(|a| !a.ip().to_canonical().is_loopback()).map(|a| a.ip().to_string()).collect();
    if !remote.is_empty() && !args.allow_remote {
        let named = if endpoint.host.parse::<std::net::IpAddr>().is_ok() {
            endpoint.to_string()
        } else {
            format!("{endpoint} ({})", remote.join(", "))
        };
        anyhow::bail!(
            "{named} is not a loopback address: a load run floods its target, so it only goes \
             to another machine with --allow-remote"
        );
    }
    let Some(&target) = addrs.first() else { anyhow::bail!("{endpoint}: no address") };
    let seconds = args.duration.unwrap_or(if args.count.is_some() { 60.0 } else { 5.0 });
    if !(seconds.is_finite() && seconds > 0.0 && seconds <= MAX_LOAD_SECONDS) {
        anyhow::bail!("--duration {seconds}: must be more than 0 and at most {MAX_LOAD_SECONDS} seconds");
    }
    if let Some(0) = args.threads {
        anyhow::bail!("--threads 0: must be at least 1");
    }
    if let Some(0) = args.window {
        anyhow::bail!("--window 0: must be at least 1");
    }
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let config = LoadConfig {
        protocol,
        target,
        connections: args.connections,
        size: args.size,
        count: args.count,
        duration: Duration::from_secs_f64(seconds),
        mode: match args.mode {
            ModeArg::PingPong => Mode::PingPong,
            ModeArg::Stream => Mode::Stream,
            ModeArg::Connect => Mode::Connect,
        },
        rate: args.rate,
        window: args.window.unwrap_or(0),
        threads: args.threads.unwrap_or(cores).clamp(1, args.connections.max(1)),
        timeout: Duration::from_millis(args.timeout_ms),
    };
    config.validate().map_err(anyhow::Error::msg)?;
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register(signal, std::sync::Arc::clone(&stop))?;
    }
    let report = load::run(&config, stop);
    let mut out = Out::new();
    out.line(report.summary().trim_end());
    out.line(&report.json());
    Ok(if report.ok { EXIT_OK } else { EXIT_FAILURE })
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::transcript::render::escape;

    fn parse_send(args: &[&str]) -> Option<SendArgs> {
        let argv = ["socket-tester", "send"].into_iter().chain(args.iter().copied());
        match Cli::try_parse_from(argv).ok()?.command {
            Some(CliCommand::Send(send)) => Some(send),
            _ => None,
        }
    }

    proptest! {
        #[test]
        fn any_bytes_given_escaped_reach_send_exactly(bytes in proptest::collection::vec(any::<u8>(), 1..300)) {
            let shown = escape(&bytes);
            let send = parse_send(&["tcp", "127.0.0.1:9", "-e", "--", &shown]);
            prop_assert!(send.is_some());
            let send = send.unwrap_or_else(|| unreachable!());
            prop_assert!(send.escapes);
            prop_assert_eq!(unescape(&send.message), Ok(bytes));
        }

        #[test]
        fn any_text_message_is_carried_as_typed(text in "\\PC{1,80}") {
            let send = parse_send(&["udp", "[::1]:7", "--", &text]);
            prop_assert_eq!(send.map(|s| s.message), Some(text));
        }

        #[test]
        fn any_target_argument_parses_like_the_form(port in 1u16.., v6 in any::<bool>()) {
            let target = if v6 { format!("[::1]:{port}") } else { format!("127.0.0.1:{port}") };
            let send = parse_send(&["tcp", &target]);
            let parsed = send.map(|s| Endpoint::parse(&s.target, DEFAULT_PORT).map(|e| e.to_string()));
            prop_assert_eq!(parsed, Some(Ok(target)));
        }
    }
}
