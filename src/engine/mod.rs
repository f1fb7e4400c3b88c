//! The engine: TCP and UDP echo clients and servers, each on its own named thread.
//!
//! A worker is started with [`spawn`], takes [`Command`]s through its [`WorkerHandle`], and
//! sends [`Event`]s to the channel it was given, calling the [`Waker`] after each one so that
//! a UI can repaint. The engine never sees the UI: the GUI's waker requests a repaint, the CLI
//! and the tests pass a no-op. Every worker ends with exactly one `Closed` event.
//!
//! The event channel should be bounded: when the consumer falls behind, a worker blocks on
//! the send and so stops reading from its sockets. That is the backpressure: no event is
//! dropped and memory stays bounded.

pub mod command;
pub mod endpoint;
pub mod error;
pub mod event;
pub mod expect;
pub mod group;
mod listen;
pub mod load;
pub mod payload;
pub mod relay;
pub mod responder;
pub mod script;
pub mod sockopt;
mod tcp_client;
mod tcp_server;
pub mod template;
pub mod tls;
mod udp_client;
mod udp_server;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use crossbeam_channel::{Receiver, Sender};
use jiff::Timestamp;

pub use command::Command;
pub use endpoint::{DEFAULT_HOST, DEFAULT_PORT, Endpoint};
pub use error::{Error, ErrorKind, Op, Reason};
pub use event::{CloseReason, EchoCheck, Event, EventKind, Link, Notice};
pub use payload::Payload;

/// The token of every loop's command waker.
pub(crate) const WAKE: mio::Token = mio::Token(0);

/// Identifies a session (one worker) within the process.
pub type SessionId = u64;
/// Identifies a connection within a session, counting from 1.
pub type ConnId = u64;
/// Called after every event, from the worker's thread, to wake the consumer.
pub type Waker = Arc<dyn Fn() + Send + Sync>;

/// The seed's TCP read size.
pub const DEFAULT_CLIENT_CHUNK: usize = 16;
/// A server's default read size.
pub const DEFAULT_SERVER_CHUNK: usize = 65_536;
/// The seed's UDP receive buffer.
pub const DEFAULT_UDP_BUFFER: usize = 4096;
/// The largest UDP receive buffer a user may set.
pub const MAX_UDP_BUFFER: usize = 65_535;
/// The seed's message.
pub const DEFAULT_MESSAGE: &str = "Este es el mensaje. Se repetirá.";
/// A client's default timeout for connecting and for each echo.
pub const DEFAULT_TIMEOUT_MS: u64 = 5_000;
/// A server's default listen backlog.
pub const DEFAULT_BACKLOG: i32 = 4096;
/// A good capacity for the event channel: large enough to absorb bursts, small enough to bound
/// memory.
pub const EVENT_CHANNEL_CAPACITY: usize = 16_384;
/// The event channel of a headless command: its consumer keeps a steady pace, so a short
/// queue is enough, and it bounds the payloads waiting in it (at most 1,024 reads).
pub const CLI_CHANNEL_CAPACITY: usize = 1024;

/// Transport protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Protocol {
    /// TCP: a byte stream.
    #[default]
    #[serde(alias = "Tcp")]
    Tcp,
    /// UDP: datagrams.
    #[serde(alias = "Udp")]
    Udp,
}

impl std::fmt::Display for Protocol {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Protocol::Tcp => "TCP",
            Protocol::Udp => "UDP",
        })
    }
}

/// How much a server reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Detail {
    /// Every read and echo, with its bytes.
    #[default]
    Full,
    /// Connections and failures only; payloads are counted in [`Stats`], never copied.
    CountsOnly,
}

/// What a client does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientConfig {
    /// TCP or UDP.
    pub protocol: Protocol,
    /// Where to send.
    pub target: Endpoint,
    /// The message to send at start (each send an echo exchange); `None` only connects.
    pub payload: Option<Payload>,
    /// How many times to send it; `None` repeats until stopped.
    pub count: Option<u64>,
    /// What each reply must be.
    pub expect: expect::Expectation,
    /// Where each reply ends.
    pub reply_end: expect::ReplyEnd,
    /// TCP: bytes per read. UDP: the receive buffer; longer datagrams are reported truncated.
    pub chunk_bytes: usize,
    /// Limit for connecting and for each echo.
    pub timeout_ms: u64,
    /// Pause between two exchanges.
    pub interval_ms: u64,
    /// A calm pace: a pause after connecting, before sending, and after the echo, before
    /// closing, so that an audience can follow (0: none).
    pub pace_ms: u64,
    /// Keep one connection for every message, and stay connected for `Send` commands until
    /// `Disconnect` or until the peer closes. Without it, each message is its own connection
    /// and the worker ends after the last one.
    pub persistent: bool,
    /// With `persistent`: close and end, finished, once every message had its answer (the
    /// command line), instead of waiting for more (the window).
    pub close_when_done: bool,
    /// TLS (TCP only): how to trust the server, SNI and ALPN.
    pub tls: Option<tls::TlsSpec>,
    /// Socket options, and the local address to send from.
    pub options: sockopt::SocketOptions,
    /// UDP: send to a broadcast address (SO_BROADCAST), collecting replies as from a group.
    pub broadcast: bool,
    /// UDP to a group: stop after this many replies (`None`: every reply until the timeout).
    pub replies: Option<u64>,
    /// UDP to a multicast group: this machine hears its own datagrams too.
    pub multicast_loop: bool,
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            protocol: Protocol::Tcp,
            target: Endpoint::default(),
            payload: Some(Payload::Bytes(bytes::Bytes::from_static(DEFAULT_MESSAGE.as_bytes()))),
            count: Some(1),
            expect: expect::Expectation::Echo,
            reply_end: expect::ReplyEnd::Sent,
            chunk_bytes: DEFAULT_CLIENT_CHUNK,
            timeout_ms: DEFAULT_TIMEOUT_MS,
            interval_ms: 0,
            pace_ms: 0,
            persistent: false,
            close_when_done: false,
            tls: None,
            options: sockopt::SocketOptions::default(),
            broadcast: false,
            replies: None,
            multicast_loop: true,
        }
    }
}

/// What a server does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerConfig {
    /// TCP or UDP.
    pub protocol: Protocol,
    /// Where to listen. `localhost` binds both 127.0.0.1 and ::1.
    pub bind: Endpoint,
    /// TCP: bytes per read. UDP: the receive buffer.
    pub chunk_bytes: usize,
    /// TCP listen backlog.
    pub backlog: i32,
    /// Event loops (threads) for TCP connections; 0 means one per core.
    pub threads: usize,
    /// How much to report.
    pub detail: Detail,
    /// How it replies: echo, unless told otherwise.
    pub responder: responder::SharedResponder,
    /// TLS (TCP only): the certificate to serve, or a self-signed one.
    pub tls: Option<tls::TlsSpec>,
    /// Socket options for the listeners and their connections.
    pub options: sockopt::SocketOptions,
    /// UDP: multicast groups to join, and the interface to join them on.
    pub groups: group::Groups,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            protocol: Protocol::Tcp,
            bind: Endpoint::default(),
            chunk_bytes: DEFAULT_SERVER_CHUNK,
            backlog: DEFAULT_BACKLOG,
            threads: 0,
            detail: Detail::Full,
            responder: Arc::default(),
            tls: None,
            options: sockopt::SocketOptions::default(),
            groups: group::Groups::default(),
        }
    }
}

impl ServerConfig {
    /// The defaults for a protocol: 64 KiB reads for TCP, a 65,535-byte buffer for UDP (the
    /// whole of any datagram).
    pub fn for_protocol(protocol: Protocol) -> ServerConfig {
        let chunk_bytes = match protocol {
            Protocol::Tcp => DEFAULT_SERVER_CHUNK,
            Protocol::Udp => MAX_UDP_BUFFER,
        };
        ServerConfig { protocol, chunk_bytes, ..ServerConfig::default() }
    }
}

impl ClientConfig {
    /// The seed's defaults for a protocol: 16-byte TCP reads, a 4096-byte UDP buffer.
    pub fn for_protocol(protocol: Protocol) -> ClientConfig {
        let chunk_bytes = match protocol {
            Protocol::Tcp => DEFAULT_CLIENT_CHUNK,
            Protocol::Udp => DEFAULT_UDP_BUFFER,
        };
        ClientConfig { protocol, chunk_bytes, ..ClientConfig::default() }
    }
}

/// What to start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WorkerSpec {
    /// A client.
    Client(ClientConfig),
    /// An echo server.
    Server(ServerConfig),
    /// A client that runs steps.
    Script(script::ScriptConfig),
    /// A relay between clients and a target.
    Relay(relay::RelayConfig),
}

/// Exact counters of a worker, readable at any time from any thread.
#[derive(Debug, Default)]
pub struct Stats {
    /// Connections accepted or made (TCP), or distinct exchanges (UDP client).
    pub connections: AtomicU64,
    /// Bytes received.
    pub bytes_in: AtomicU64,
    /// Bytes sent.
    pub bytes_out: AtomicU64,
    /// Datagrams received (UDP).
    pub datagrams_in: AtomicU64,
    /// Datagrams sent (UDP).
    pub datagrams_out: AtomicU64,
    /// Failures reported.
    pub errors: AtomicU64,
    /// Echoes that came back complete and identical (clients).
    pub echoes_ok: AtomicU64,
    /// Echoes that came back different, incomplete, or not at all (clients).
    pub echoes_bad: AtomicU64,
    /// Messages a client started to send (for "37 of 100").
    pub exchanges: AtomicU64,
    /// Replies that passed their expectation (other than an echo).
    pub checks_ok: AtomicU64,
    /// Replies that failed it.
    pub checks_bad: AtomicU64,
}

impl Stats {
    pub(crate) fn add(counter: &AtomicU64, n: u64) {
        counter.fetch_add(n, Ordering::Relaxed);
    }

    /// A plain copy of the counters.
    pub fn snapshot(&self) -> StatsSnapshot {
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        StatsSnapshot {
            connections: get(&self.connections),
            bytes_in: get(&self.bytes_in),
            bytes_out: get(&self.bytes_out),
            datagrams_in: get(&self.datagrams_in),
            datagrams_out: get(&self.datagrams_out),
            errors: get(&self.errors),
            echoes_ok: get(&self.echoes_ok),
            echoes_bad: get(&self.echoes_bad),
            exchanges: get(&self.exchanges),
            checks_ok: get(&self.checks_ok),
            checks_bad: get(&self.checks_bad),
        }
    }
}

/// A copy of [`Stats`] at one moment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StatsSnapshot {
    /// See [`Stats::connections`].
    pub connections: u64,
    /// See [`Stats::bytes_in`].
    pub bytes_in: u64,
    /// See [`Stats::bytes_out`].
    pub bytes_out: u64,
    /// See [`Stats::datagrams_in`].
    pub datagrams_in: u64,
    /// See [`Stats::datagrams_out`].
    pub datagrams_out: u64,
    /// See [`Stats::errors`].
    pub errors: u64,
    /// See [`Stats::echoes_ok`].
    pub echoes_ok: u64,
    /// See [`Stats::echoes_bad`].
    pub echoes_bad: u64,
    /// See [`Stats::exchanges`].
    pub exchanges: u64,
    /// See [`Stats::checks_ok`].
    pub checks_ok: u64,
    /// See [`Stats::checks_bad`].
    pub checks_bad: u64,
}

impl StatsSnapshot {
    /// Messages whose reply came and was judged, well or not (echoes and other expectations).
    pub fn answered(&self) -> u64 {
        self.echoes_ok + self.echoes_bad + self.checks_ok + self.checks_bad
    }
}

/// The worker's side of the event channel: stamps, sends (blocking when the consumer is
/// behind) and wakes.
#[derive(Clone)]
pub(crate) struct Emitter {
    session: SessionId,
    events: Sender<Event>,
    waker: Waker,
    stats: Arc<Stats>,
}

impl Emitter {
    /// Sends one event. Returns false when the consumer is gone, which the worker treats as
    /// Stop.
    pub(crate) fn emit(&self, kind: EventKind) -> bool {
        if matches!(kind, EventKind::Failed { .. }) {
            Stats::add(&self.stats.errors, 1);
        }
        let event = Event { at: Timestamp::now(), session: self.session, kind };
        let delivered = self.events.send(event).is_ok();
        (self.waker)();
        delivered
    }

    pub(crate) fn failed(&self, link: Option<Link>, error: Error) -> bool {
        self.emit(EventKind::Failed { link, error })
    }

    /// Counts and says an expectation's verdict.
    pub(crate) fn checked(&self, link: Link, check: expect::ReplyCheck) -> bool {
        Stats::add(if check.passed() { &self.stats.checks_ok } else { &self.stats.checks_bad }, 1);
        self.emit(EventKind::Checked { link, check })
    }

    pub(crate) fn stats(&self) -> &Stats {
        &self.stats
    }
}

/// One way into a worker's event loop: a command channel and, for loops that sleep in
/// `epoll`, the waker that interrupts the sleep.
#[derive(Clone)]
pub(crate) struct Route {
    pub(crate) commands: Sender<Command>,
    pub(crate) poll_waker: Option<Arc<mio::Waker>>,
}

impl Route {
    pub(crate) fn send(&self, command: Command) -> bool {
        let ok = self.commands.send(command).is_ok();
        if let Some(waker) = &self.poll_waker {
            // A failed wake means the loop is gone; the send above already tells that.
            let _ = waker.wake();
        }
        ok
    }
}

/// The UI's or CLI's side of a worker: send commands, read counters, wait for the end.
pub struct WorkerHandle {
    session: SessionId,
    route: Route,
    stats: Arc<Stats>,
    thread: Option<JoinHandle<()>>,
}

impl WorkerHandle {
    /// The session id stamped on this worker's events.
    pub fn session(&self) -> SessionId {
        self.session
    }

    /// Sends a command. Returns false when the worker has already ended.
    pub fn send(&self, command: Command) -> bool {
        self.route.send(command)
    }

    /// Asks the worker to close everything and end. It answers with its `Closed` event.
    pub fn stop(&self) {
        self.route.send(Command::Stop);
    }

    /// The worker's exact counters.
    pub fn stats(&self) -> StatsSnapshot {
        self.stats.snapshot()
    }

    /// True once the worker's thread has ended.
    pub fn is_finished(&self) -> bool {
        self.thread.as_ref().is_none_or(JoinHandle::is_finished)
    }

    /// Waits for the thread to end, at most `timeout`. Returns true when it ended.
    pub fn join_timeout(&mut self, timeout: Duration) -> bool {
        let deadline = std::time::Instant::now() + timeout;
        while !self.is_finished() {
            if std::time::Instant::now() >= deadline {
                return false;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        if let Some(thread) = self.thread.take() {
            // A worker that panicked already lost its events; nothing more to report here.
            let _ = thread.join();
        }
        true
    }
}

impl Drop for WorkerHandle {
    fn drop(&mut self) {
        self.route.send(Command::Stop);
    }
}

static NEXT_SESSION: AtomicU64 = AtomicU64::new(1);

/// A fresh session id, unique in this process.
pub fn next_session_id() -> SessionId {
    NEXT_SESSION.fetch_add(1, Ordering::Relaxed)
}

/// Starts a worker on its own named thread. Nothing here blocks: resolving, binding and
/// connecting all happen in the worker, which reports failures as events.
pub fn spawn(spec: WorkerSpec, events: Sender<Event>, waker: Waker) -> WorkerHandle {
    let session = next_session_id();
    let stats = Arc::new(Stats::default());
    let emitter = Emitter { session, events, waker, stats: Arc::clone(&stats) };
    let (tx, rx) = crossbeam_channel::unbounded();
    // The poll and its waker are made here so that commands can wake the worker's loop from
    // the first moment; creating an epoll instance does not block.
    let poll = mio::Poll::new().and_then(|poll| {
        let waker = mio::Waker::new(poll.registry(), WAKE)?;
        Ok((poll, Arc::new(waker)))
    });
    let (name, target) = match &spec {
        WorkerSpec::Client(c) => (format!("{}-client {}", c.protocol, c.target), c.target.clone()),
        WorkerSpec::Server(c) => (format!("{}-server {}", c.protocol, c.bind), c.bind.clone()),
        WorkerSpec::Script(c) => (format!("{}-steps {}", c.protocol, c.target), c.target.clone()),
        WorkerSpec::Relay(c) => (format!("{}-relay {}", c.protocol, c.listen), c.listen.clone()),
    };
    let name = name.to_lowercase();
    let (poll_waker, thread) = match poll {
        Ok((poll, waker)) => {
            let thread = spawn_thread(&name, emitter, move |em| match spec {
                WorkerSpec::Client(c) if c.protocol == Protocol::Tcp => tcp_client::run(c, poll, rx, em),
                WorkerSpec::Client(c) => udp_client::run(c, poll, rx, em),
                WorkerSpec::Server(c) if c.protocol == Protocol::Tcp => tcp_server::run(c, poll, rx, em),
                WorkerSpec::Server(c) => udp_server::run(c, poll, rx, em),
                WorkerSpec::Script(c) => script::run(c, poll, rx, em),
                WorkerSpec::Relay(c) => relay::run(c, poll, rx, em),
            });
            (Some(waker), thread)
        }
        Err(err) => {
            emitter.failed(None, Error::io(Op::Spawn, &target, &err));
            emitter.emit(EventKind::Closed { reason: CloseReason::Failed });
            (None, None)
        }
    };
    WorkerHandle { session, route: Route { commands: tx, poll_waker }, stats, thread }
}

fn spawn_thread(
    name: &str,
    emitter: Emitter,
    body: impl FnOnce(&Emitter) -> CloseReason + Send + 'static,
) -> Option<JoinHandle<()>> {
    let fallback = emitter.clone();
    let target = name.to_string();
    let spawned = std::thread::Builder::new().name(name.to_string()).spawn(move || {
        // A bug that panics stops this worker only: it is said in plain words, as a failure
        // of the worker, and everything it reported before stays with the consumer.
        let reason = match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| body(&emitter))) {
            Ok(reason) => reason,
            Err(payload) => {
                let detail = panic_text(payload.as_ref());
                emitter.failed(
                    None,
                    Error::new(ErrorKind::Other, Op::Run, &target, Reason::Panicked { detail }),
                );
                CloseReason::Failed
            }
        };
        emitter.emit(EventKind::Closed { reason });
    });
    match spawned {
        Ok(thread) => Some(thread),
        Err(err) => {
            fallback.failed(None, Error::io(Op::Spawn, name, &err));
            fallback.emit(EventKind::Closed { reason: CloseReason::Failed });
            None
        }
    }
}

/// A panic's message, whatever its payload.
pub fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_string()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "a panic".to_string()
    }
}

/// A waker that does nothing, for consumers that block on the channel (CLI, tests).
pub fn no_waker() -> Waker {
    Arc::new(|| {})
}

/// Receives every event of a channel until `Closed`, at most `timeout` in all. For the CLI
/// and the tests.
pub fn collect_until_closed(events: &Receiver<Event>, timeout: Duration) -> Vec<Event> {
    let deadline = std::time::Instant::now() + timeout;
    let mut out = Vec::new();
    while let Ok(event) = events.recv_deadline(deadline) {
        let done = matches!(event.kind, EventKind::Closed { .. });
        out.push(event);
        if done {
            break;
        }
    }
    out
}

/// Writes as much of `data` as a non-blocking socket takes now (a server's echo, a relay's
/// forwarding): what is left waits for the socket to drain.
pub(crate) fn write_now(stream: &mut impl std::io::Write, data: &[u8]) -> std::io::Result<usize> {
    let mut written = 0;
    while written < data.len() {
        match stream.write(&data[written..]) {
            Ok(0) => return Err(std::io::Error::from(std::io::ErrorKind::WriteZero)),
            Ok(n) => written += n,
            Err(err) if err.kind() == std::io::ErrorKind::WouldBlock => break,
            Err(err) if err.kind() == std::io::ErrorKind::Interrupted => {}
            Err(err) => return Err(err),
        }
    }
    Ok(written)
}

/// Whether an address is 0.0.0.0 or `::`, reachable from every interface.
pub fn is_all_interfaces(addr: &SocketAddr) -> bool {
    addr.ip().is_unspecified()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_worker_that_panics_says_so_in_plain_words_and_closes() {
        let (tx, rx) = crossbeam_channel::bounded(16);
        let session = next_session_id();
        let emitter = Emitter { session, events: tx, waker: no_waker(), stats: Arc::new(Stats::default()) };
        let thread = spawn_thread("tcp-server 127.0.0.1:1", emitter, |em| {
            em.emit(EventKind::Notice(Notice::Legacy { text: "before".into() }));
            panic!("index out of bounds");
        });
        let events = collect_until_closed(&rx, Duration::from_secs(10));
        assert!(thread.is_some());
        let kinds: Vec<&EventKind> = events.iter().map(|e| &e.kind).collect();
        assert!(matches!(kinds[0], EventKind::Notice(_)), "what came before is kept: {kinds:?}");
        match kinds[1] {
            EventKind::Failed { link: None, error } => {
                assert_eq!(error.op, Op::Run);
                assert_eq!(error.reason, Reason::Panicked { detail: "index out of bounds".into() });
                let words = crate::i18n::Tr::new(crate::i18n::Language::English)
                    .render(&crate::vocabulary::error(error));
                assert!(
                    words.contains("Socket Tester itself failed, a bug (index out of bounds)"),
                    "{words}"
                );
            }
            other => panic!("expected the failure, got {other:?}"),
        }
        assert!(matches!(kinds[2], EventKind::Closed { reason: CloseReason::Failed }));
    }
}
