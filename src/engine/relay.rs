//! A relay: it accepts clients and opens, for each, a connection (TCP) or a socket (UDP) to
//! the target, forwards bytes both ways, and records both legs in one transcript: client →
//! relay and relay → server each have their own link, so every chunk shows when it arrived
//! and when it went on. Faults for testing clients: added latency, a bandwidth cap, dropped
//! UDP datagrams, and a TCP connection cut (closed or reset) after N bytes.
//!
//! One mio loop serves every pair. Each direction keeps a queue of chunks with the time they
//! may go (the latency); a full queue stops reading from its source, so memory stays bounded
//! and backpressure reaches the sender.

use std::collections::{HashMap, VecDeque};
use std::io::{self, Read, Write};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use bytes::Bytes;
use crossbeam_channel::Receiver;
use mio::net::{TcpListener, TcpStream, UdpSocket};
use mio::{Events, Interest, Poll, Token};
use slab::Slab;
use socket2::Type;

use super::event::Notice;
use super::listen::{bind_all, server_socket};
use super::{
    CloseReason, Command, Detail, Emitter, Endpoint, Error, EventKind, Link, Op, Protocol, Stats, WAKE,
    is_all_interfaces, write_now,
};

/// What a relay does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelayConfig {
    /// TCP or UDP.
    pub protocol: Protocol,
    /// Where clients connect.
    pub listen: Endpoint,
    /// Where their traffic goes.
    pub target: Endpoint,
    /// Bytes per read.
    pub chunk_bytes: usize,
    /// Every chunk or datagram, or counts only.
    pub detail: Detail,
    /// Faults to inject.
    pub faults: Faults,
}

/// The faults a relay injects, for testing how clients cope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Faults {
    /// Added one-way latency, in milliseconds, each direction.
    pub latency_ms: u64,
    /// A cap on each direction of each connection, in bytes per second (0: none).
    pub bandwidth: u64,
    /// UDP: the percentage of datagrams dropped, each direction (0 to 100).
    pub drop_percent: u8,
    /// TCP: cut each connection after this many bytes forwarded, both ways counted (0: never).
    pub cut_after: u64,
    /// Cut with a reset (RST) instead of closing (FIN).
    pub cut_with_reset: bool,
}

impl Faults {
    /// Whether any fault is set.
    pub fn any(&self) -> bool {
        *self != Faults::default()
    }
}

/// The most bytes one direction may hold before the relay stops reading its source.
const QUEUE_LIMIT: usize = 4 * 1024 * 1024;
const LISTEN_BASE: usize = 1;
const CONN_BASE: usize = 64;

pub(crate) fn run(config: RelayConfig, poll: Poll, commands: Receiver<Command>, em: &Emitter) -> CloseReason {
    if let Err(err) = config.target.check_client_target() {
        em.failed(None, err);
        return CloseReason::Failed;
    }
    let targets = match config.target.resolve() {
        Ok(addrs) => addrs,
        Err(err) => {
            em.failed(None, err);
            return CloseReason::Failed;
        }
    };
    match config.protocol {
        Protocol::Tcp => {
            TcpRelay::start(config, poll, em, targets).map_or(CloseReason::Failed, |mut r| r.run(&commands))
        }
        Protocol::Udp => {
            UdpRelay::start(config, poll, em, targets).map_or(CloseReason::Failed, |mut r| r.run(&commands))
        }
    }
}

/// A token bucket for the bandwidth cap.
#[derive(Debug)]
struct Bucket {
    rate: u64,
    tokens: f64,
    at: Instant,
}

impl Bucket {
    fn new(rate: u64) -> Bucket {
        Bucket { rate, tokens: Bucket::burst(rate), at: Instant::now() }
    }

    /// A tenth of a second's worth, at least one full-size segment.
    fn burst(rate: u64) -> f64 {
        (rate as f64 / 10.0).max(1500.0)
    }

    /// How many bytes may go now (all of `want` without a cap).
    fn allow(&mut self, want: usize) -> usize {
        if self.rate == 0 {
            return want;
        }
        let now = Instant::now();
        let refill = now.duration_since(self.at).as_secs_f64() * self.rate as f64;
        self.tokens = (self.tokens + refill).min(Bucket::burst(self.rate));
        self.at = now;
        (self.tokens.max(0.0) as usize).min(want)
    }

    fn take(&mut self, n: usize) {
        if self.rate > 0 {
            self.tokens -= n as f64;
        }
    }

    /// When `n` more bytes will be allowed.
    fn ready_at(&self, n: usize) -> Option<Instant> {
        if self.rate == 0 {
            return None;
        }
        let missing = (n.min(1500) as f64 - self.tokens).max(0.0);
        Some(self.at + Duration::from_secs_f64(missing / self.rate as f64))
    }
}

/// One direction of a pair, as its writing end sees it: chunks waiting to go, each with the
/// time it may go.
struct Outbox {
    chunks: VecDeque<(Instant, Bytes)>,
    /// How much of the front chunk is out.
    offset: usize,
    len: usize,
    bucket: Bucket,
}

impl Outbox {
    fn new(rate: u64) -> Outbox {
        Outbox { chunks: VecDeque::new(), offset: 0, len: 0, bucket: Bucket::new(rate) }
    }

    fn push(&mut self, due: Instant, data: Bytes) {
        self.len += data.len();
        self.chunks.push_back((due, data));
    }

    fn is_empty(&self) -> bool {
        self.chunks.is_empty()
    }

    fn full(&self) -> bool {
        self.len >= QUEUE_LIMIT
    }

    /// When the loop must wake for this queue.
    fn wake_at(&self) -> Option<Instant> {
        let (due, data) = self.chunks.front()?;
        let bandwidth = self.bucket.ready_at(data.len() - self.offset);
        Some(bandwidth.map_or(*due, |at| at.max(*due)))
    }
}

/// One TCP connection of a pair.
struct Side {
    stream: TcpStream,
    link: Link,
    /// What goes out on this socket.
    out: Outbox,
    read_closed: bool,
    write_shut: bool,
    bytes_in: u64,
    bytes_out: u64,
}

/// A client and the connection opened for it to the target.
struct Pair {
    client: Side,
    server: Side,
    /// The server connection is open.
    connected: bool,
    /// Bytes forwarded both ways (for the cut).
    forwarded: u64,
    /// The cut has come: no more is forwarded.
    cut: bool,
}

struct TcpRelay<'a> {
    config: RelayConfig,
    poll: Poll,
    em: &'a Emitter,
    listeners: Vec<(TcpListener, SocketAddr)>,
    targets: Vec<SocketAddr>,
    pairs: Slab<Pair>,
    next_conn: u64,
    buf: Vec<u8>,
    /// Out of file descriptors: when to try accepting again, and whether it was said.
    accept_retry_at: Option<Instant>,
    accept_error_reported: bool,
}

/// How long to wait before accepting again after running out of file descriptors.
const ACCEPT_RETRY: Duration = Duration::from_millis(100);

/// Which end of a pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum End {
    Client,
    Server,
}

impl Pair {
    fn side(&mut self, end: End) -> (&mut Side, &mut Side) {
        match end {
            End::Client => (&mut self.client, &mut self.server),
            End::Server => (&mut self.server, &mut self.client),
        }
    }
}

/// The start the TCP and the UDP relay share: binds every listening address, registers each
/// with the poll, says each is listening and where the relay forwards. `None` once a failure
/// was said.
fn listen<S: mio::event::Source>(
    config: &RelayConfig,
    poll: &Poll,
    em: &Emitter,
    bind_one: impl Fn(SocketAddr) -> io::Result<S>,
    local_addr: impl Fn(&S) -> io::Result<SocketAddr>,
) -> Option<Vec<(S, SocketAddr)>> {
    let mut bound = match bind_all(&config.listen, bind_one, local_addr) {
        Ok(bound) => bound,
        Err(err) => {
            em.failed(None, err);
            return None;
        }
    };
    for (i, (source, local)) in bound.iter_mut().enumerate() {
        if let Err(err) = poll.registry().register(source, Token(LISTEN_BASE + i), Interest::READABLE) {
            em.failed(None, Error::io(Op::Bind, *local, &err));
            return None;
        }
    }
    for (_, local) in &bound {
        em.emit(EventKind::Listening { local: *local, all_interfaces: is_all_interfaces(local), tls: None });
    }
    em.emit(EventKind::Notice(Notice::Relaying { to: config.target.to_string(), faults: config.faults }));
    Some(bound)
}

impl<'a> TcpRelay<'a> {
    fn start(
        config: RelayConfig,
        poll: Poll,
        em: &'a Emitter,
        targets: Vec<SocketAddr>,
    ) -> Option<TcpRelay<'a>> {
        let listeners = listen(
            &config,
            &poll,
            em,
            |addr| {
                let socket = server_socket(addr, Type::STREAM)?;
                socket.listen(1024)?;
                Ok(TcpListener::from_std(socket.into()))
            },
            TcpListener::local_addr,
        )?;
        let buf = vec![0; config.chunk_bytes.max(1)];
        Some(TcpRelay {
            config,
            poll,
            em,
            listeners,
            targets,
            pairs: Slab::new(),
            next_conn: 1,
            buf,
            accept_retry_at: None,
            accept_error_reported: false,
        })
    }

    fn full(&self) -> bool {
        self.config.detail == Detail::Full
    }

    fn run(&mut self, commands: &Receiver<Command>) -> CloseReason {
        let mut events = Events::with_capacity(256);
        loop {
            let wake = self
                .pairs
                .iter()
                .flat_map(|(_, p)| [p.client.out.wake_at(), p.server.out.wake_at()])
                .flatten()
                .chain(self.accept_retry_at)
                .min();
            let timeout = wake.map(|at| at.saturating_duration_since(Instant::now()));
            if let Err(err) = self.poll.poll(&mut events, timeout)
                && err.kind() != io::ErrorKind::Interrupted
            {
                self.em.failed(None, Error::io(Op::Accept, "event loop", &err));
                return CloseReason::Failed;
            }
            // Out of descriptors earlier: try again on time (the listeners are edge-triggered
            // and will not signal again by themselves).
            if self.accept_retry_at.is_some_and(|at| Instant::now() >= at) {
                self.accept_retry_at = None;
                for index in 0..self.listeners.len() {
                    self.accept(index);
                }
            }
            let mut ready: Vec<usize> = Vec::new();
            for event in events.iter() {
                match event.token() {
                    WAKE => {}
                    Token(t) if (LISTEN_BASE..CONN_BASE).contains(&t) => self.accept(t - LISTEN_BASE),
                    Token(t) => ready.push((t - CONN_BASE) / 2),
                }
            }
            if wake.is_some_and(|at| at <= Instant::now()) {
                ready.extend(self.pairs.iter().map(|(k, _)| k));
            }
            ready.sort_unstable();
            ready.dedup();
            for key in ready {
                self.serve(key);
            }
            while let Ok(command) = commands.try_recv() {
                match command {
                    Command::Stop => {
                        let keys: Vec<usize> = self.pairs.iter().map(|(k, _)| k).collect();
                        for key in keys {
                            self.close(key);
                        }
                        return CloseReason::Stopped;
                    }
                    Command::Disconnect(Some(id)) => {
                        if let Some(key) =
                            self.pairs.iter().find(|(_, p)| p.client.link.conn == id).map(|(k, _)| k)
                        {
                            self.close(key);
                        }
                    }
                    Command::Disconnect(None) | Command::Send { .. } | Command::SendToClients { .. } => {}
                }
            }
        }
    }

    fn accept(&mut self, index: usize) {
        loop {
            let Some((listener, local)) = self.listeners.get(index) else { return };
            let local = *local;
            let (client, peer) = match listener.accept() {
                Ok(accepted) => accepted,
                Err(err) if err.kind() == io::ErrorKind::WouldBlock => return,
                Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                Err(err) if matches!(err.raw_os_error(), Some(23 | 24)) => {
                    // Out of file descriptors: the client waits in the backlog; the pairs we
                    // have go on, and accepting is tried again shortly.
                    if !self.accept_error_reported {
                        self.accept_error_reported = true;
                        let reason = super::Reason::OutOfFiles { errno: err.raw_os_error().unwrap_or(24) };
                        self.em.failed(None, Error::new(super::ErrorKind::Other, Op::Accept, local, reason));
                    }
                    self.accept_retry_at = Some(Instant::now() + ACCEPT_RETRY);
                    return;
                }
                Err(err) => {
                    self.em.failed(None, Error::io(Op::Accept, local, &err));
                    return;
                }
            };
            if self.accept_error_reported {
                self.accept_error_reported = false;
                self.em.emit(EventKind::Notice(Notice::AcceptingAgain { local }));
            }
            let _ = client.set_nodelay(true);
            let conn = self.next_conn;
            self.next_conn += 1;
            let client_link = Link { conn, local: client.local_addr().unwrap_or(local), peer };
            Stats::add(&self.em.stats().connections, 1);
            self.em.emit(EventKind::Accepted(client_link));
            // The first of the target's addresses; a refusal is said and the client let go.
            let Some(&target) = self.targets.first() else { return };
            let server = match TcpStream::connect(target) {
                Ok(server) => server,
                Err(err) => {
                    self.em.failed(Some(client_link), Error::io(Op::Connect, target, &err));
                    self.em.emit(EventKind::ConnectionClosed {
                        link: client_link,
                        bytes_in: 0,
                        bytes_out: 0,
                    });
                    continue;
                }
            };
            let unspecified =
                SocketAddr::new(if target.is_ipv4() { [0, 0, 0, 0].into() } else { [0u16; 8].into() }, 0);
            let server_link = Link { conn, local: unspecified, peer: target };
            let rate = self.config.faults.bandwidth;
            let side = |stream, link| Side {
                stream,
                link,
                out: Outbox::new(rate),
                read_closed: false,
                write_shut: false,
                bytes_in: 0,
                bytes_out: 0,
            };
            let entry = self.pairs.vacant_entry();
            let key = entry.key();
            let mut pair = Pair {
                client: side(client, client_link),
                server: side(server, server_link),
                connected: false,
                forwarded: 0,
                cut: false,
            };
            let interest = Interest::READABLE | Interest::WRITABLE;
            let registered = self
                .poll
                .registry()
                .register(&mut pair.client.stream, Token(CONN_BASE + 2 * key), interest)
                .and_then(|()| {
                    self.poll.registry().register(
                        &mut pair.server.stream,
                        Token(CONN_BASE + 2 * key + 1),
                        interest,
                    )
                });
            if let Err(err) = registered {
                self.em.failed(Some(client_link), Error::io(Op::Accept, local, &err));
                self.em.emit(EventKind::ConnectionClosed { link: client_link, bytes_in: 0, bytes_out: 0 });
                continue;
            }
            entry.insert(pair);
        }
    }

    /// Moves a pair on: its connect, both reads, both writes, the half-closes, the cut.
    fn serve(&mut self, key: usize) {
        let full = self.full();
        let Some(pair) = self.pairs.get_mut(key) else { return };
        if !pair.connected {
            match pair.server.stream.take_error() {
                Ok(Some(err)) | Err(err) => return self.fail(key, End::Server, Op::Connect, &err),
                Ok(None) => {}
            }
            match pair.server.stream.peer_addr() {
                Ok(_) => {
                    pair.connected = true;
                    let _ = pair.server.stream.set_nodelay(true);
                    if let Ok(local) = pair.server.stream.local_addr() {
                        pair.server.link.local = local;
                    }
                    self.em.emit(EventKind::Connected(pair.server.link));
                }
                Err(err) if err.kind() == io::ErrorKind::NotConnected => {}
                Err(err) => return self.fail(key, End::Server, Op::Connect, &err),
            }
        }
        for end in [End::Client, End::Server] {
            if let Err((op, err)) = self.read(key, end, full) {
                return self.fail(key, end, op, &err);
            }
        }
        for end in [End::Server, End::Client] {
            if let Err(err) = self.write(key, end, full) {
                return self.fail(key, end, Op::Send, &err);
            }
        }
        let Some(pair) = self.pairs.get_mut(key) else { return };
        if pair.cut && pair.client.out.is_empty() && pair.server.out.is_empty() {
            return self.cut(key);
        }
        // A FIN travels on once everything before it has.
        let connected = pair.connected;
        for end in [End::Client, End::Server] {
            let (from, to) = pair.side(end);
            if from.read_closed && to.out.is_empty() && !to.write_shut && connected {
                to.write_shut = true;
                let _ = to.stream.shutdown(std::net::Shutdown::Write);
            }
        }
        let done = pair.client.read_closed
            && pair.server.read_closed
            && pair.client.out.is_empty()
            && pair.server.out.is_empty();
        if done {
            self.close(key);
        }
    }

    /// Reads what `end` sent and queues it for the other end.
    fn read(&mut self, key: usize, end: End, full: bool) -> Result<(), (Op, io::Error)> {
        let latency = Duration::from_millis(self.config.faults.latency_ms);
        let cut_after = self.config.faults.cut_after;
        // Quiet and without faults, a read goes straight on from the buffer when nothing waits
        // before it: no copy, no queue.
        let straight = !full && !self.config.faults.any();
        let Some(pair) = self.pairs.get_mut(key) else { return Ok(()) };
        if end == End::Server && !pair.connected {
            return Ok(());
        }
        let connected = pair.connected;
        loop {
            let cut = pair.cut;
            let (from, to) = pair.side(end);
            if from.read_closed || to.out.full() || cut {
                return Ok(());
            }
            let n = match from.stream.read(&mut self.buf) {
                Ok(0) => {
                    from.read_closed = true;
                    self.em.emit(EventKind::PeerClosed(from.link));
                    return Ok(());
                }
                Ok(n) => n,
                Err(err) if err.kind() == io::ErrorKind::WouldBlock => return Ok(()),
                Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                Err(err) => return Err((Op::Receive, err)),
            };
            from.bytes_in += n as u64;
            Stats::add(&self.em.stats().bytes_in, n as u64);
            if straight && connected && to.out.is_empty() {
                // A failed write leaves the bytes queued: the write that follows says why,
                // naming the right end.
                let written = write_now(&mut to.stream, &self.buf[..n]).unwrap_or(0);
                to.bytes_out += written as u64;
                Stats::add(&self.em.stats().bytes_out, written as u64);
                if written < n {
                    to.out.push(Instant::now(), Bytes::copy_from_slice(&self.buf[written..n]));
                }
                continue;
            }
            let mut data = Bytes::copy_from_slice(&self.buf[..n]);
            if full {
                let event =
                    EventKind::Received { link: from.link, data: data.clone(), truncated: false, echo: None };
                self.em.emit(event);
            }
            if cut_after > 0 {
                let room = cut_after.saturating_sub(pair.forwarded);
                if (data.len() as u64) >= room {
                    data.truncate(room as usize);
                    pair.cut = true;
                }
                pair.forwarded += data.len() as u64;
            }
            let (_, to) = pair.side(end);
            if !data.is_empty() {
                to.out.push(Instant::now() + latency, data);
            }
        }
    }

    /// Writes what is due on `end`'s socket, as the bandwidth allows.
    fn write(&mut self, key: usize, end: End, full: bool) -> io::Result<()> {
        let Some(pair) = self.pairs.get_mut(key) else { return Ok(()) };
        if !pair.connected {
            return Ok(());
        }
        let (side, _) = pair.side(end);
        let now = Instant::now();
        loop {
            let Some((due, data)) = side.out.chunks.front() else { return Ok(()) };
            if *due > now {
                return Ok(());
            }
            let data = data.clone();
            let offset = side.out.offset;
            let allowed = side.out.bucket.allow(data.len() - offset);
            if allowed == 0 {
                return Ok(());
            }
            match side.stream.write(&data[offset..offset + allowed]) {
                Ok(0) => return Err(io::Error::from(io::ErrorKind::WriteZero)),
                Ok(n) => {
                    side.out.bucket.take(n);
                    side.out.offset += n;
                    side.out.len -= n;
                    side.bytes_out += n as u64;
                    Stats::add(&self.em.stats().bytes_out, n as u64);
                    if full {
                        self.em
                            .emit(EventKind::Sent { link: side.link, data: data.slice(offset..offset + n) });
                    }
                    if side.out.offset == data.len() {
                        side.out.chunks.pop_front();
                        side.out.offset = 0;
                    }
                }
                Err(err) if err.kind() == io::ErrorKind::WouldBlock => return Ok(()),
                Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                Err(err) => return Err(err),
            }
        }
    }

    /// The cut after N bytes: a reset or a close of both connections.
    fn cut(&mut self, key: usize) {
        let Some(pair) = self.pairs.get_mut(key) else { return };
        let reset = self.config.faults.cut_with_reset;
        if reset {
            for stream in [&pair.client.stream, &pair.server.stream] {
                let _ = socket2::SockRef::from(stream).set_linger(Some(Duration::ZERO));
            }
        }
        let notice = Notice::RelayCut { conn: pair.client.link.conn, bytes: pair.forwarded, reset };
        self.em.emit(EventKind::Notice(notice));
        self.close(key);
    }

    fn fail(&mut self, key: usize, end: End, op: Op, err: &io::Error) {
        let Some(pair) = self.pairs.get_mut(key) else { return };
        let (side, other) = pair.side(end);
        let error = Error::io(op, side.link.peer, err);
        // A reset from one side is passed on as a reset to the other.
        if error.kind == super::ErrorKind::Reset {
            let _ = socket2::SockRef::from(&other.stream).set_linger(Some(Duration::ZERO));
        }
        self.em.failed(Some(side.link), error);
        self.close(key);
    }

    fn close(&mut self, key: usize) {
        if !self.pairs.contains(key) {
            return;
        }
        let mut pair = self.pairs.remove(key);
        for side in [&mut pair.client, &mut pair.server] {
            let _ = self.poll.registry().deregister(&mut side.stream);
        }
        self.em.emit(EventKind::ConnectionClosed {
            link: pair.client.link,
            bytes_in: pair.client.bytes_in,
            bytes_out: pair.client.bytes_out,
        });
        if pair.connected {
            self.em.emit(EventKind::ConnectionClosed {
                link: pair.server.link,
                bytes_in: pair.server.bytes_in,
                bytes_out: pair.server.bytes_out,
            });
        }
    }
}

/// A UDP client of the relay: its own socket to the target.
struct Flow {
    socket: UdpSocket,
    client: Link,
    server: Link,
    last: Instant,
    /// Bytes in and out on the client's leg, then on the server's.
    counts: [u64; 4],
    /// When each direction (to the server, back to the client) is free again, under a
    /// bandwidth cap.
    free_at: [Instant; 2],
}

/// A datagram waiting for its latency: which flow, which way, what.
struct Delayed {
    due: Instant,
    flow: usize,
    to_server: bool,
    data: Bytes,
}

impl PartialEq for Delayed {
    fn eq(&self, other: &Self) -> bool {
        self.due == other.due
    }
}

impl Eq for Delayed {}

impl PartialOrd for Delayed {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Delayed {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.due.cmp(&other.due)
    }
}

struct UdpRelay<'a> {
    config: RelayConfig,
    poll: Poll,
    em: &'a Emitter,
    sockets: Vec<(UdpSocket, SocketAddr)>,
    target: SocketAddr,
    flows: Slab<Flow>,
    by_client: HashMap<SocketAddr, usize>,
    /// Datagrams waiting for their time, in the order they are due.
    delayed: std::collections::BinaryHeap<std::cmp::Reverse<Delayed>>,
    next_conn: u64,
    buf: Vec<u8>,
}

/// A UDP flow forgotten after this long without a datagram.
const UDP_IDLE: Duration = Duration::from_secs(120);

impl<'a> UdpRelay<'a> {
    fn start(
        config: RelayConfig,
        poll: Poll,
        em: &'a Emitter,
        targets: Vec<SocketAddr>,
    ) -> Option<UdpRelay<'a>> {
        let sockets = listen(
            &config,
            &poll,
            em,
            |addr| Ok(UdpSocket::from_std(server_socket(addr, Type::DGRAM)?.into())),
            UdpSocket::local_addr,
        )?;
        let target = *targets.first()?;
        Some(UdpRelay {
            config,
            poll,
            em,
            sockets,
            target,
            flows: Slab::new(),
            by_client: HashMap::new(),
            delayed: std::collections::BinaryHeap::new(),
            next_conn: 1,
            buf: vec![0; 65_536],
        })
    }

    fn run(&mut self, commands: &Receiver<Command>) -> CloseReason {
        let mut events = Events::with_capacity(256);
        loop {
            let timeout = self.delayed.peek().map(|d| d.0.due.saturating_duration_since(Instant::now()));
            if let Err(err) = self.poll.poll(&mut events, timeout)
                && err.kind() != io::ErrorKind::Interrupted
            {
                self.em.failed(None, Error::io(Op::Receive, "event loop", &err));
                return CloseReason::Failed;
            }
            let tokens: Vec<usize> = events.iter().map(|e| e.token().0).collect();
            for token in tokens {
                match token {
                    0 => {}
                    t if (LISTEN_BASE..CONN_BASE).contains(&t) => self.read_clients(t - LISTEN_BASE),
                    t => self.read_server(t - CONN_BASE),
                }
            }
            self.send_due();
            self.forget_idle();
            while let Ok(command) = commands.try_recv() {
                if let Command::Stop = command {
                    let keys: Vec<usize> = self.flows.iter().map(|(k, _)| k).collect();
                    for key in keys {
                        self.end_flow(key);
                    }
                    return CloseReason::Stopped;
                }
            }
        }
    }

    fn dropped(&self) -> bool {
        let percent = self.config.faults.drop_percent;
        percent > 0 && fastrand::u8(0..100) < percent
    }

    fn read_clients(&mut self, index: usize) {
        loop {
            let Some((socket, local)) = self.sockets.get(index) else { return };
            let local = *local;
            let (n, peer) = match socket.recv_from(&mut self.buf) {
                Ok(got) => got,
                Err(err) if err.kind() == io::ErrorKind::WouldBlock => return,
                Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                Err(err) => {
                    self.em.failed(None, Error::io(Op::Receive, local, &err));
                    return;
                }
            };
            let key = match self.by_client.get(&peer) {
                Some(&key) => key,
                None => match self.open_flow(local, peer) {
                    Some(key) => key,
                    None => continue,
                },
            };
            let data = Bytes::copy_from_slice(&self.buf[..n]);
            self.arrived(key, true, data);
        }
    }

    fn open_flow(&mut self, local: SocketAddr, peer: SocketAddr) -> Option<usize> {
        let any: SocketAddr =
            if self.target.is_ipv4() { ([0, 0, 0, 0], 0).into() } else { ([0u16; 8], 0).into() };
        let conn = self.next_conn;
        self.next_conn += 1;
        let client = Link { conn, local, peer };
        self.em.emit(EventKind::Accepted(client));
        Stats::add(&self.em.stats().connections, 1);
        let opened = UdpSocket::bind(any).and_then(|mut socket| {
            socket.connect(self.target)?;
            let key = self.flows.vacant_key();
            self.poll.registry().register(&mut socket, Token(CONN_BASE + key), Interest::READABLE)?;
            Ok(socket)
        });
        let socket = match opened {
            Ok(socket) => socket,
            Err(err) => {
                self.em.failed(Some(client), Error::io(Op::Connect, self.target, &err));
                return None;
            }
        };
        let server = Link { conn, local: socket.local_addr().unwrap_or(any), peer: self.target };
        self.em.emit(EventKind::Connected(server));
        let now = Instant::now();
        let key =
            self.flows.insert(Flow { socket, client, server, last: now, counts: [0; 4], free_at: [now; 2] });
        self.by_client.insert(peer, key);
        Some(key)
    }

    fn read_server(&mut self, key: usize) {
        loop {
            let Some(flow) = self.flows.get(key) else { return };
            let n = match flow.socket.recv(&mut self.buf) {
                Ok(n) => n,
                Err(err) if err.kind() == io::ErrorKind::WouldBlock => return,
                Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                Err(err) => {
                    let link = flow.server;
                    self.em.failed(Some(link), Error::io(Op::Receive, link.peer, &err));
                    return;
                }
            };
            let data = Bytes::copy_from_slice(&self.buf[..n]);
            self.arrived(key, false, data);
        }
    }

    /// A datagram arrived on one leg: said, maybe dropped, queued for its latency.
    fn arrived(&mut self, key: usize, to_server: bool, data: Bytes) {
        let full = self.config.detail == Detail::Full;
        let Some(flow) = self.flows.get_mut(key) else { return };
        flow.last = Instant::now();
        let from = if to_server { flow.client } else { flow.server };
        flow.counts[if to_server { 0 } else { 2 }] += data.len() as u64;
        Stats::add(&self.em.stats().bytes_in, data.len() as u64);
        Stats::add(&self.em.stats().datagrams_in, 1);
        if full {
            self.em.emit(EventKind::Received {
                link: from,
                data: data.clone(),
                truncated: false,
                echo: None,
            });
        }
        if self.dropped() {
            self.em.emit(EventKind::Notice(Notice::RelayDropped {
                conn: from.conn,
                bytes: data.len() as u64,
                to_server,
            }));
            return;
        }
        let mut due = Instant::now() + Duration::from_millis(self.config.faults.latency_ms);
        // The bandwidth cap: each direction of a flow sends one datagram after another, each
        // taking its size over the rate (store and forward).
        let rate = self.config.faults.bandwidth;
        if rate > 0
            && let Some(flow) = self.flows.get_mut(key)
        {
            let free = &mut flow.free_at[usize::from(!to_server)];
            due = due.max(*free) + Duration::from_secs_f64(data.len() as f64 / rate as f64);
            *free = due;
        }
        self.delayed.push(std::cmp::Reverse(Delayed { due, flow: key, to_server, data }));
    }

    fn send_due(&mut self) {
        let now = Instant::now();
        while self.delayed.peek().is_some_and(|d| d.0.due <= now) {
            let Some(std::cmp::Reverse(d)) = self.delayed.pop() else { break };
            let Some(flow) = self.flows.get_mut(d.flow) else { continue };
            flow.counts[if d.to_server { 3 } else { 1 }] += d.data.len() as u64;
            let (result, link) = if d.to_server {
                (flow.socket.send(&d.data), flow.server)
            } else {
                let index =
                    self.sockets.iter().position(|(_, local)| *local == flow.client.local).unwrap_or(0);
                match self.sockets.get(index) {
                    Some((socket, _)) => (socket.send_to(&d.data, flow.client.peer), flow.client),
                    None => continue,
                }
            };
            match result {
                Ok(_) => {
                    Stats::add(&self.em.stats().bytes_out, d.data.len() as u64);
                    Stats::add(&self.em.stats().datagrams_out, 1);
                    if self.config.detail == Detail::Full {
                        self.em.emit(EventKind::Sent { link, data: d.data });
                    }
                }
                Err(err) => {
                    self.em.failed(Some(link), Error::io(Op::Send, link.peer, &err));
                }
            }
        }
    }

    fn forget_idle(&mut self) {
        let idle: Vec<usize> =
            self.flows.iter().filter(|(_, f)| f.last.elapsed() > UDP_IDLE).map(|(k, _)| k).collect();
        for key in idle {
            self.end_flow(key);
        }
    }

    fn end_flow(&mut self, key: usize) {
        if !self.flows.contains(key) {
            return;
        }
        let mut flow = self.flows.remove(key);
        let _ = self.poll.registry().deregister(&mut flow.socket);
        self.by_client.remove(&flow.client.peer);
        let [client_in, client_out, server_in, server_out] = flow.counts;
        self.em.emit(EventKind::ConnectionClosed {
            link: flow.client,
            bytes_in: client_in,
            bytes_out: client_out,
        });
        self.em.emit(EventKind::ConnectionClosed {
            link: flow.server,
            bytes_in: server_in,
            bytes_out: server_out,
        });
    }
}
