//! The load generator behind `socket-tester load`: many connections against any echo server,
//! every echoed byte verified, round trips measured.
//!
//! A run spreads its connections over a few threads, each an epoll loop (mio) of its own.
//! Connections send the [`pattern`] stream and check what comes back against it, so a run
//! needs no memory per message beyond the messages in flight. Every run is bounded: it stops
//! at its count or at its duration, whichever comes first, and then waits at most one timeout
//! for the echoes still in flight. [`run`] returns a [`Report`] that the CLI prints.

pub mod pattern;
mod report;
mod tcp;
mod udp;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;

pub use report::Report;

use super::{Error, Protocol};

/// How each connection paces its messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// One message at a time: send, wait for the whole echo, send the next.
    PingPong,
    /// Keep up to `window` bytes (TCP) or datagrams (UDP) in flight per connection.
    Stream,
    /// TCP only: each connection carries one message and closes; the next one opens at once.
    Connect,
}

impl Mode {
    /// The name used on the command line and in the JSON line.
    pub fn label(self) -> &'static str {
        match self {
            Mode::PingPong => "ping-pong",
            Mode::Stream => "stream",
            Mode::Connect => "connect",
        }
    }
}

/// What a load run does.
#[derive(Debug, Clone)]
pub struct LoadConfig {
    /// TCP or UDP.
    pub protocol: Protocol,
    /// The echo server.
    pub target: SocketAddr,
    /// Concurrent connections (TCP) or sockets (UDP).
    pub connections: usize,
    /// Bytes per message (per write in stream mode; per datagram for UDP).
    pub size: usize,
    /// Total messages to send (connections, in connect mode); `None` runs for `duration`.
    pub count: Option<u64>,
    /// The run stops starting new messages after this long, whatever `count` says.
    pub duration: Duration,
    /// How messages are paced.
    pub mode: Mode,
    /// Messages per second over all connections; `None` sends as fast as echoes allow.
    pub rate: Option<f64>,
    /// Stream mode: bytes (TCP) or datagrams (UDP) in flight per connection.
    pub window: usize,
    /// Threads (event loops) for the connections.
    pub threads: usize,
    /// Limit for connecting and for each echo; an unanswered UDP datagram counts as lost.
    pub timeout: Duration,
    /// Where the threads add their counts while the run goes on (for a live view), if
    /// anywhere.
    pub progress: Option<Arc<Progress>>,
}

/// A running load's counts so far: each thread adds its share every [`PUBLISH_EVERY`] and at
/// its end, so a live view reads them without slowing the run.
#[derive(Debug, Default)]
pub struct Progress {
    /// Bytes written.
    pub bytes_sent: AtomicU64,
    /// Bytes echoed back and verified.
    pub bytes_echoed: AtomicU64,
    /// Messages fully echoed and verified.
    pub echoes: AtomicU64,
    /// Failures of every kind.
    pub errors: AtomicU64,
    /// UDP datagrams with no echo in time.
    pub lost: AtomicU64,
    /// Round trips so far, in the one statistics module.
    pub rtts: std::sync::Mutex<crate::rtt::RoundTrips>,
}

impl Progress {
    /// Nothing yet.
    pub fn new() -> Arc<Progress> {
        Arc::new(Progress::default())
    }

    /// The round trips so far (a copy, so the threads never wait on the reader for long).
    pub fn round_trips(&self) -> crate::rtt::RoundTrips {
        self.rtts.lock().map(|r| r.clone()).unwrap_or_default()
    }
}

/// How often a thread adds its counts to [`Progress`].
pub const PUBLISH_EVERY: Duration = Duration::from_millis(100);

impl LoadConfig {
    /// A small ping-pong run against `target`: 1 connection, 32-byte messages, 1 second.
    pub fn new(protocol: Protocol, target: SocketAddr) -> LoadConfig {
        LoadConfig {
            protocol,
            target,
            connections: 1,
            size: 32,
            count: None,
            duration: Duration::from_secs(1),
            mode: Mode::PingPong,
            rate: None,
            window: 0,
            threads: 1,
            timeout: Duration::from_secs(5),
            progress: None,
        }
    }

    /// How long a run lasts when not told: 5 seconds, or 60 with a count (which ends it first).
    pub fn default_seconds(count: Option<u64>) -> f64 {
        if count.is_some() { 60.0 } else { 5.0 }
    }

    /// Threads when not told: one per core.
    pub fn default_threads() -> usize {
        std::thread::available_parallelism().map_or(1, usize::from)
    }

    /// Checks the values against each other; the message names the option.
    pub fn validate(&self) -> Result<(), String> {
        if self.connections == 0 || self.connections > 100_000 {
            return Err(format!("--connections {}: must be between 1 and 100000", self.connections));
        }
        let max_size = match self.protocol {
            Protocol::Tcp => 16 * 1024 * 1024,
            Protocol::Udp => 65_507,
        };
        let min_size = match self.protocol {
            Protocol::Tcp => 1,
            Protocol::Udp => udp::HEADER,
        };
        if self.size < min_size || self.size > max_size {
            return Err(format!(
                "--size {}: must be between {min_size} and {max_size} bytes for {}",
                self.size, self.protocol
            ));
        }
        if self.count == Some(0) {
            return Err("--count 0: must be at least 1".into());
        }
        if self.duration.is_zero() || self.duration > Duration::from_secs(24 * 3600) {
            return Err("--duration: must be more than 0 and at most 24 hours".into());
        }
        if let Some(rate) = self.rate
            && !(rate.is_finite() && rate > 0.0)
        {
            return Err(format!("--rate {rate}: must be a positive number of messages per second"));
        }
        if self.mode == Mode::Connect && self.protocol == Protocol::Udp {
            return Err("--mode connect: UDP has no connections; use ping-pong or stream".into());
        }
        if self.timeout.is_zero() {
            return Err("--timeout-ms 0: must be at least 1".into());
        }
        Ok(())
    }

    /// Connections handled by thread `thread`: every `threads`-th one.
    fn slots(&self, thread: usize) -> impl Iterator<Item = usize> {
        (thread..self.connections).step_by(self.threads.max(1))
    }

    /// The messages (or connections) connection `index` may start: an even share of `count`.
    fn quota(&self, index: usize) -> u64 {
        match self.count {
            None => u64::MAX,
            Some(count) => {
                let n = self.connections as u64;
                count / n + u64::from((index as u64) < count % n)
            }
        }
    }

    /// The pause between two messages of one connection under `rate`.
    fn interval(&self) -> Option<Duration> {
        self.rate.map(|rate| Duration::from_secs_f64(self.connections as f64 / rate))
    }

    /// The effective window: one message for ping-pong and connect runs.
    fn window_for(&self) -> usize {
        match (self.mode, self.protocol) {
            (Mode::Stream, Protocol::Tcp) if self.window == 0 => (4 * self.size).max(256 * 1024),
            (Mode::Stream, Protocol::Tcp) => self.window.max(self.size),
            (Mode::Stream, Protocol::Udp) if self.window == 0 => 64,
            (Mode::Stream, Protocol::Udp) => self.window,
            (_, Protocol::Tcp) => self.size,
            (_, Protocol::Udp) => 1,
        }
    }
}

/// What one thread counted.
#[derive(Debug)]
pub(crate) struct Tally {
    pub bytes_sent: u64,
    pub bytes_received: u64,
    pub messages_sent: u64,
    pub messages_echoed: u64,
    pub connects: u64,
    /// Connections (or sockets) that completed at least one echo.
    pub served: u64,
    pub mismatches: u64,
    pub lost: u64,
    pub late: u64,
    /// UDP echoes of a datagram already echoed.
    pub duplicates: u64,
    pub error_count: u64,
    pub errors: BTreeMap<String, u64>,
    /// Round trips in nanoseconds.
    pub rtt: Histogram<u64>,
    /// Connection set-up times in nanoseconds (TCP).
    pub connect_time: Histogram<u64>,
    /// Round trips not yet added to the run's [`Progress`] (µs), when it has one.
    fresh: Option<crate::rtt::RoundTrips>,
    /// What was added to the [`Progress`] so far, and when last.
    published: [u64; 5],
    published_at: Option<Instant>,
}

/// Distinct error messages kept per run; the rest are counted under one line.
const MAX_DISTINCT_ERRORS: usize = 32;

impl Tally {
    fn new() -> Tally {
        Tally {
            bytes_sent: 0,
            bytes_received: 0,
            messages_sent: 0,
            messages_echoed: 0,
            connects: 0,
            served: 0,
            mismatches: 0,
            lost: 0,
            late: 0,
            duplicates: 0,
            error_count: 0,
            errors: BTreeMap::new(),
            rtt: histogram(),
            connect_time: histogram(),
            fresh: None,
            published: [0; 5],
            published_at: None,
        }
    }

    /// A tally that keeps its round trips for a [`Progress`] too.
    pub fn for_config(config: &LoadConfig) -> Tally {
        let mut tally = Tally::new();
        if config.progress.is_some() {
            tally.fresh = Some(crate::rtt::RoundTrips::new());
        }
        tally
    }

    /// Adds what changed since the last time to `progress`, at most every [`PUBLISH_EVERY`]
    /// unless `last`.
    pub fn publish(&mut self, progress: Option<&Progress>, now: Instant, last: bool) {
        let Some(progress) = progress else { return };
        if !last && self.published_at.is_some_and(|at| now.duration_since(at) < PUBLISH_EVERY) {
            return;
        }
        self.published_at = Some(now);
        let current =
            [self.bytes_sent, self.bytes_received, self.messages_echoed, self.error_count, self.lost];
        let targets = [
            &progress.bytes_sent,
            &progress.bytes_echoed,
            &progress.echoes,
            &progress.errors,
            &progress.lost,
        ];
        for ((now, before), target) in current.iter().zip(&mut self.published).zip(targets) {
            target.fetch_add(now.saturating_sub(*before), Ordering::Relaxed);
            *before = *now;
        }
        if let Some(fresh) = self.fresh.as_mut().filter(|f| f.count() > 0)
            && let Ok(mut rtts) = progress.rtts.lock()
        {
            rtts.merge(fresh);
            *fresh = crate::rtt::RoundTrips::new();
        }
    }

    pub fn error(&mut self, error: &Error) {
        self.error_count += 1;
        let key = error.to_string();
        if self.errors.len() < MAX_DISTINCT_ERRORS || self.errors.contains_key(&key) {
            *self.errors.entry(key).or_default() += 1;
        } else {
            *self.errors.entry("(other errors)".into()).or_default() += 1;
        }
    }

    pub fn record_rtt(&mut self, since: Instant, now: Instant) {
        let ns = now.saturating_duration_since(since).as_nanos().min(u128::from(u64::MAX)) as u64;
        self.rtt.saturating_record(ns.max(1));
        if let Some(fresh) = &mut self.fresh {
            fresh.record(ns.div_ceil(1000));
        }
    }

    pub fn record_connect(&mut self, since: Instant, now: Instant) {
        let ns = now.saturating_duration_since(since).as_nanos().min(u128::from(u64::MAX)) as u64;
        self.connect_time.saturating_record(ns.max(1));
    }

    fn merge(&mut self, other: Tally) {
        self.bytes_sent += other.bytes_sent;
        self.bytes_received += other.bytes_received;
        self.messages_sent += other.messages_sent;
        self.messages_echoed += other.messages_echoed;
        self.connects += other.connects;
        self.served += other.served;
        self.mismatches += other.mismatches;
        self.lost += other.lost;
        self.late += other.late;
        self.duplicates += other.duplicates;
        self.error_count += other.error_count;
        for (message, n) in other.errors {
            *self.errors.entry(message).or_default() += n;
        }
        // Both histograms have the same bounds, so adding cannot fail.
        let _ = self.rtt.add(&other.rtt);
        let _ = self.connect_time.add(&other.connect_time);
    }
}

/// A histogram from 1 ns to one hour, at three significant digits.
fn histogram() -> Histogram<u64> {
    // Invariant: the bounds are valid constants (low >= 1, high >= 2 * low, sigfig <= 5).
    #[allow(clippy::expect_used)]
    Histogram::new_with_bounds(1, 3_600_000_000_000, 3).expect("valid histogram bounds")
}

/// When a thread stops starting messages, and when it gives up on echoes in flight.
#[derive(Debug, Clone)]
pub(crate) struct Clock {
    pub deadline: Instant,
    pub stop: Arc<AtomicBool>,
}

impl Clock {
    /// True once the duration is over or the user interrupted.
    pub fn stopping(&self, now: Instant) -> bool {
        now >= self.deadline || self.stop.load(std::sync::atomic::Ordering::Relaxed)
    }
}

/// A thread's event loop; `None`, with the failure counted in `tally`, if there is none.
pub(crate) fn new_poll(tally: &mut Tally) -> Option<mio::Poll> {
    mio::Poll::new().map_err(|err| tally.error(&Error::io(super::Op::Spawn, "load thread", &err))).ok()
}

/// Waits up to `wait` for readiness. False when the event loop itself failed (recorded).
pub(crate) fn poll_events(
    poll: &mut mio::Poll,
    events: &mut mio::Events,
    wait: Duration,
    tally: &mut Tally,
) -> bool {
    match poll.poll(events, Some(wait)) {
        Ok(()) => true,
        Err(err) if err.kind() == std::io::ErrorKind::Interrupted => true,
        Err(err) => {
            tally.error(&Error::io(super::Op::Receive, "event loop", &err));
            false
        }
    }
}

/// Runs a load and returns its report. `stop` ends it early (Ctrl-C): no new messages start,
/// and the echoes in flight get at most one timeout to arrive.
pub fn run(config: &LoadConfig, stop: Arc<AtomicBool>) -> Report {
    let started = Instant::now();
    let clock = Clock { deadline: started + config.duration, stop };
    let threads = config.threads.clamp(1, config.connections.max(1));
    let config = LoadConfig { threads, ..config.clone() };
    let pattern = Arc::new(pattern::Pattern::new());
    let mut total = Tally::new();
    let tallies: Vec<Tally> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let (config, clock, pattern) = (&config, clock.clone(), Arc::clone(&pattern));
                std::thread::Builder::new().name(format!("load {} {t}", config.target)).spawn_scoped(
                    scope,
                    move || match config.protocol {
                        Protocol::Tcp => tcp::run_thread(config, t, &clock, &pattern),
                        Protocol::Udp => udp::run_thread(config, t, &clock, &pattern),
                    },
                )
            })
            .collect();
        handles
            .into_iter()
            .map(|h| match h {
                Ok(h) => h.join().unwrap_or_else(|_| failed_thread("a load thread panicked")),
                Err(err) => failed_thread(&format!("could not start a load thread: {err}")),
            })
            .collect()
    });
    for tally in tallies {
        total.merge(tally);
    }
    let elapsed = started.elapsed();
    let interrupted = clock.stop.load(std::sync::atomic::Ordering::Relaxed);
    Report::new(&config, total, elapsed, interrupted)
}

/// The address a load run goes to, from `text` (HOST:PORT, [IPV6]:PORT, or a host on port
/// 10000): loopback only unless `allow_remote`, since a run floods its target. Of several
/// addresses, the first that answers within `probe`. Resolves names, so call it off the UI
/// thread.
pub fn target(
    protocol: Protocol,
    text: &str,
    allow_remote: bool,
    probe: Duration,
) -> Result<SocketAddr, Error> {
    let endpoint = super::Endpoint::parse(text, super::DEFAULT_PORT)?;
    endpoint.check_client_target()?;
    let addrs = endpoint.resolve()?;
    let remote: Vec<String> =
        addrs.iter().filter(|a| !a.ip().to_canonical().is_loopback()).map(|a| a.ip().to_string()).collect();
    if !remote.is_empty() && !allow_remote {
        let addresses = if endpoint.host.parse::<std::net::IpAddr>().is_ok() {
            endpoint.to_string()
        } else {
            format!("{endpoint} ({})", remote.join(", "))
        };
        return Err(Error::invalid(&endpoint, super::error::Reason::NotLoopback { addresses }));
    }
    reachable(protocol, &addrs, probe)
        .ok_or_else(|| Error::invalid(&endpoint, super::error::Reason::NoAddresses))
}

/// The first address that answers (`localhost` is 127.0.0.1 and ::1; a server may listen on
/// one only), else the first: the run then says why it fails.
fn reachable(protocol: Protocol, addrs: &[SocketAddr], wait: Duration) -> Option<SocketAddr> {
    let answers = |addr: &SocketAddr| match protocol {
        Protocol::Tcp => std::net::TcpStream::connect_timeout(addr, wait).is_ok(),
        Protocol::Udp => {
            let any: SocketAddr = if addr.is_ipv4() {
                ([0, 0, 0, 0], 0).into()
            } else {
                (std::net::Ipv6Addr::UNSPECIFIED, 0).into()
            };
            let Ok(socket) = std::net::UdpSocket::bind(any) else { return false };
            let mut buf = [0u8; 64];
            socket.connect(addr).is_ok()
                && socket.set_read_timeout(Some(wait)).is_ok()
                && socket.send(b"socket-tester probe").is_ok()
                && socket.recv(&mut buf).is_ok()
        }
    };
    if addrs.len() > 1
        && let Some(addr) = addrs.iter().find(|a| answers(a))
    {
        return Some(*addr);
    }
    addrs.first().copied()
}

fn failed_thread(reason: &str) -> Tally {
    let mut tally = Tally::new();
    let reason = super::error::Reason::Os { text: reason.to_string() };
    tally.error(&Error::new(super::ErrorKind::Other, super::Op::Spawn, "load", reason));
    tally
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn threads_share_connections_and_connections_share_the_count(
            count in 1u64..10_000_000,
            connections in 1usize..3000,
            threads in 1usize..8,
        ) {
            let target = SocketAddr::from(([127, 0, 0, 1], 1));
            let config =
                LoadConfig { count: Some(count), connections, threads, ..LoadConfig::new(Protocol::Tcp, target) };
            let mut seen: Vec<usize> = (0..threads).flat_map(|t| config.slots(t)).collect();
            let total: u64 = seen.iter().map(|&i| config.quota(i)).sum();
            prop_assert_eq!(total, count);
            seen.sort_unstable();
            prop_assert_eq!(seen, (0..connections).collect::<Vec<_>>());
        }
    }

    #[test]
    fn ping_pong_keeps_one_message_in_flight() {
        let target = SocketAddr::from(([127, 0, 0, 1], 1));
        let mut config = LoadConfig { size: 100, ..LoadConfig::new(Protocol::Tcp, target) };
        assert_eq!(config.window_for(), 100);
        config.mode = Mode::Stream;
        assert_eq!(config.window_for(), 256 * 1024);
        config.protocol = Protocol::Udp;
        config.mode = Mode::PingPong;
        assert_eq!(config.window_for(), 1);
    }
}
