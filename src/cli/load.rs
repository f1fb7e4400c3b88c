//! `load`: many connections against an echo server, a summary and one JSON line.

use std::time::Duration;

use clap::{Args, ValueEnum};

use crate::engine::{DEFAULT_TIMEOUT_MS, Protocol};

use super::args::ProtocolArg;
use super::output::Out;
use super::{EXIT_FAILURE, EXIT_OK};

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

/// The longest run `--duration` may ask for.
pub(super) const MAX_LOAD_SECONDS: f64 = 24.0 * 3600.0;

pub(super) fn load(args: &LoadArgs) -> anyhow::Result<u8> {
    use crate::engine::load::{self, LoadConfig, Mode};
    let protocol = Protocol::from(args.protocol);
    let probe = Duration::from_millis(args.timeout_ms.clamp(1, 1000));
    let target = load::target(protocol, &args.target, args.allow_remote, probe)?;
    let seconds = args.duration.unwrap_or(LoadConfig::default_seconds(args.count));
    if !(seconds.is_finite() && seconds > 0.0 && seconds <= MAX_LOAD_SECONDS) {
        anyhow::bail!("--duration {seconds}: must be more than 0 and at most {MAX_LOAD_SECONDS} seconds");
    }
    if let Some(0) = args.threads {
        anyhow::bail!("--threads 0: must be at least 1");
    }
    if let Some(0) = args.window {
        anyhow::bail!("--window 0: must be at least 1");
    }
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
        threads: args.threads.unwrap_or(LoadConfig::default_threads()).clamp(1, args.connections.max(1)),
        timeout: Duration::from_millis(args.timeout_ms),
        progress: None,
    };
    config.validate().map_err(anyhow::Error::msg)?;
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM, signal_hook::consts::SIGHUP] {
        signal_hook::flag::register(signal, std::sync::Arc::clone(&stop))?;
    }
    let report = load::run(&config, stop);
    let mut out = Out::new();
    out.line(report.summary().trim_end());
    out.line(&report.json());
    Ok(out.code(if report.ok { EXIT_OK } else { EXIT_FAILURE }))
}
