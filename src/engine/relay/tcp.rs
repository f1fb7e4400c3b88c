//! The TCP relay: a connection to the target for each client accepted, bytes forwarded both
//! ways through queues that hold them for the added latency, and the cut after N bytes.

use std::collections::VecDeque;
use std::io::{self, Read, Write};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use bytes::Bytes;
use crossbeam_channel::Receiver;
use mio::net::{TcpListener, TcpStream};
use mio::{Events, Interest, Poll, Token};
use slab::Slab;
use socket2::Type;

use crate::engine::event::Notice;
use crate::engine::listen::server_socket;
use crate::engine::{
    CloseReason, Command, Detail, Emitter, Error, EventKind, Link, Op, Stats, WAKE, write_now,
};

use super::{Bucket, CONN_BASE, LISTEN_BASE, QUEUE_LIMIT, RelayConfig, listen};

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

pub(super) struct TcpRelay<'a> {
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

impl<'a> TcpRelay<'a> {
    pub(super) fn start(
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

    pub(super) fn run(&mut self, commands: &Receiver<Command>) -> CloseReason {
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
                        let reason =
                            crate::engine::Reason::OutOfFiles { errno: err.raw_os_error().unwrap_or(24) };
                        self.em.failed(
                            None,
                            Error::new(crate::engine::ErrorKind::Other, Op::Accept, local, reason),
                        );
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
        if error.kind == crate::engine::ErrorKind::Reset {
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
