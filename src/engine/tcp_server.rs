//! The TCP echo server: any number of clients at once, each read echoed back.
//!
//! The worker thread binds the listeners (two for `localhost`), then runs an epoll loop (mio)
//! that accepts connections and hands them round-robin to itself and to helper loops, one per
//! core. Each loop reads with one shared buffer, echoes at once, and only when a write would
//! block keeps the unsent rest and stops reading that connection until it drains: memory per
//! connection is bounded by one read. Commands reach the main loop through a mio waker; it
//! forwards them to the helpers. The main loop alone emits `Closed`, after the helpers ended.

use std::io::{self, Read};
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use bytes::Bytes;
use crossbeam_channel::{Receiver, Sender};
use mio::net::{TcpListener, TcpStream};
use mio::{Events, Interest, Poll, Token};
use slab::Slab;
use socket2::Type;

use std::collections::VecDeque;

use super::Payload;
use super::error::Reason;
use super::event::Notice;
use super::listen::{bind_all, server_socket};
use super::responder::{OverLimit, SharedResponder, Unframed};
use super::sockopt::{OptionError, OptionSet, SocketOptions};
use super::template::Captures;
use super::tls::{self, ServerTls, Stream, TlsInfo};

/// The most a server sends to its clients at once (a file, say).
const MAX_SENT: usize = 16 * 1024 * 1024;
use super::{
    CloseReason, Command, Detail, Emitter, Error, ErrorKind, EventKind, Link, Op, ServerConfig, Stats, WAKE,
    is_all_interfaces, write_now,
};

/// Listener tokens start here; connection tokens start at `CONN_BASE`.
const LISTEN_BASE: usize = 1;
const CONN_BASE: usize = 64;
/// Reads per connection before the loop serves the others (fairness under a flood).
const READ_BUDGET: usize = 32;
/// How long to wait before accepting again after running out of file descriptors.
const ACCEPT_RETRY: Duration = Duration::from_millis(100);

/// A message from the main loop to a helper loop.
enum LoopMsg {
    Adopt(TcpStream, Link),
    Command(Command),
}

struct Helper {
    inbox: Sender<LoopMsg>,
    waker: Arc<mio::Waker>,
    thread: Option<JoinHandle<()>>,
}

impl Helper {
    fn send(&self, msg: LoopMsg) {
        if self.inbox.send(msg).is_ok() {
            let _ = self.waker.wake();
        }
    }
}

struct Conn {
    stream: Stream,
    link: Link,
    bytes_in: u64,
    bytes_out: u64,
    /// A read not yet fully echoed (or a reply not yet fully sent), and how much of it was
    /// written.
    pending: Option<(Bytes, usize)>,
    /// The peer sent FIN; close once `pending` drains.
    read_closed: bool,
    /// Replies by rule: bytes not yet cut into frames, frames seen, replies waiting (for their
    /// delay, or for `pending` to drain), and whether a reply asked to close after it.
    unframed: Unframed,
    frames: u64,
    /// A rule (or the fallback) asked to close: nothing that follows is answered.
    answered_last: bool,
    queue: VecDeque<Queued>,
    close_when_sent: bool,
}

/// A reply waiting to go out.
struct Queued {
    due: Instant,
    bytes: Option<Bytes>,
    close: bool,
}

impl Conn {
    fn new(stream: Stream, link: Link) -> Conn {
        Conn {
            stream,
            link,
            bytes_in: 0,
            bytes_out: 0,
            pending: None,
            read_closed: false,
            unframed: Unframed::default(),
            frames: 0,
            answered_last: false,
            queue: VecDeque::new(),
            close_when_sent: false,
        }
    }

    /// Moves the next due reply into `pending`. Returns true when it is time to close.
    fn promote(&mut self, now: Instant) -> bool {
        while self.pending.is_none() {
            match self.queue.front() {
                Some(next) if next.due <= now => {}
                _ => break,
            }
            let Some(next) = self.queue.pop_front() else { break };
            self.close_when_sent |= next.close;
            if let Some(bytes) = next.bytes {
                self.pending = Some((bytes, 0));
            }
        }
        self.pending.is_none() && self.queue.is_empty() && self.close_when_sent
    }
}

/// What every loop of a server shares.
#[derive(Clone)]
struct LoopSettings {
    /// A TLS server's configuration.
    tls: Option<Arc<ServerTls>>,
    detail: Detail,
    chunk: usize,
    responder: SharedResponder,
    handshake_timeout: Duration,
}

/// One epoll loop: the main one owns the listeners and the helpers.
struct EventLoop<'a> {
    poll: Poll,
    em: &'a Emitter,
    detail: Detail,
    responder: SharedResponder,
    tls: Option<Arc<ServerTls>>,
    /// Some connection may have a reply queued.
    queued: bool,
    buf: Vec<u8>,
    conns: Slab<Conn>,
    /// Connections that used their read budget and still have data to read.
    ready: Vec<usize>,
    listeners: Vec<(TcpListener, SocketAddr)>,
    helpers: Vec<Helper>,
    next_conn: Arc<AtomicU64>,
    round_robin: usize,
    /// Set after running out of file descriptors: when to try accepting again.
    accept_retry_at: Option<Instant>,
    /// Options each accepted connection takes (TCP_NODELAY, keepalive, linger).
    options: SocketOptions,
    accept_error_reported: bool,
    /// TLS: how long a client has to finish its handshake.
    handshake_timeout: Duration,
    /// TLS connections in the order they came, each with its handshake's deadline (the
    /// timeout is the same for all, so the first is always the next due).
    handshakes: VecDeque<(Instant, usize, u64)>,
}

pub(crate) fn run(
    config: ServerConfig,
    poll: Poll,
    commands: Receiver<Command>,
    em: &Emitter,
) -> CloseReason {
    let backlog = config.backlog.max(1);
    let bound = bind_all(
        &config.bind,
        |addr| {
            let socket = server_socket(addr, Type::STREAM)?;
            // Set before listen(): the accepted connections take the buffer sizes from here.
            let set = config.options.apply(&socket, true).map_err(OptionError::into_io)?;
            socket.listen(backlog)?;
            Ok((TcpListener::from_std(socket.into()), set))
        },
        |(listener, _)| listener.local_addr(),
    );
    let (mut listeners, options_set): (Vec<(TcpListener, SocketAddr)>, Vec<Granted>) = match bound {
        Ok(bound) => {
            bound.into_iter().map(|((listener, set), local)| ((listener, local), (local, set))).unzip()
        }
        Err(err) => {
            em.failed(None, err);
            return CloseReason::Failed;
        }
    };
    for (i, (listener, local)) in listeners.iter_mut().enumerate() {
        if let Err(err) = poll.registry().register(listener, Token(LISTEN_BASE + i), Interest::READABLE) {
            em.failed(None, Error::io(Op::Bind, *local, &err));
            return CloseReason::Failed;
        }
    }
    let tls = match &config.tls {
        Some(spec) => match tls::server(spec, &certificate_names(&config.bind.host)) {
            Ok(tls) => Some(Arc::new(tls)),
            Err(err) => {
                em.failed(None, err);
                return CloseReason::Failed;
            }
        },
        None => None,
    };
    let shown = tls.as_ref().map(|tls| TlsInfo { cert: Some(tls.cert.clone()), ..TlsInfo::default() });
    for (_, local) in &listeners {
        em.emit(EventKind::Listening {
            local: *local,
            all_interfaces: is_all_interfaces(local),
            tls: shown.clone().map(Box::new),
        });
    }
    for (local, options) in options_set.into_iter().filter(|(_, set)| !set.is_empty()) {
        em.emit(EventKind::Notice(Notice::OptionsSet { local, options }));
    }
    let next_conn = Arc::new(AtomicU64::new(1));
    let loops = match config.threads {
        0 => std::thread::available_parallelism().map_or(1, usize::from),
        n => n,
    };
    let settings = LoopSettings {
        tls,
        detail: config.detail,
        chunk: config.chunk_bytes.max(1),
        responder: Arc::clone(&config.responder),
        handshake_timeout: config.tls.as_ref().map_or(Duration::ZERO, tls::TlsSpec::handshake_timeout),
    };
    let mut helpers = Vec::new();
    for index in 1..loops {
        match spawn_helper(index, &config, settings.clone(), em, &next_conn) {
            Ok(helper) => helpers.push(helper),
            Err(err) => {
                em.emit(EventKind::Notice(Notice::FewerLoops {
                    loops: index as u64,
                    error: err.to_string(),
                }));
                break;
            }
        }
    }
    let mut main = EventLoop::new(poll, em, settings, listeners, helpers, next_conn);
    main.options = config.options.clone();
    let reason = main.run(&commands, None);
    main.shutdown_helpers();
    reason
}

fn spawn_helper(
    index: usize,
    config: &ServerConfig,
    settings: LoopSettings,
    em: &Emitter,
    next_conn: &Arc<AtomicU64>,
) -> io::Result<Helper> {
    let poll = Poll::new()?;
    let waker = Arc::new(mio::Waker::new(poll.registry(), WAKE)?);
    let (tx, rx) = crossbeam_channel::unbounded();
    let em = em.clone();
    let next_conn = Arc::clone(next_conn);
    let name = format!("tcp-server {} loop {index}", config.bind);
    let thread = std::thread::Builder::new().name(name).spawn(move || {
        let mut helper = EventLoop::new(poll, &em, settings, Vec::new(), Vec::new(), next_conn);
        let (_, no_commands) = crossbeam_channel::bounded::<Command>(0);
        helper.run(&no_commands, Some(&rx));
    })?;
    Ok(Helper { inbox: tx, waker, thread: Some(thread) })
}

impl<'a> EventLoop<'a> {
    fn new(
        poll: Poll,
        em: &'a Emitter,
        settings: LoopSettings,
        listeners: Vec<(TcpListener, SocketAddr)>,
        helpers: Vec<Helper>,
        next_conn: Arc<AtomicU64>,
    ) -> Self {
        EventLoop {
            poll,
            em,
            detail: settings.detail,
            responder: settings.responder,
            tls: settings.tls,
            queued: false,
            buf: vec![0; settings.chunk],
            conns: Slab::new(),
            ready: Vec::new(),
            listeners,
            helpers,
            next_conn,
            round_robin: 0,
            accept_retry_at: None,
            handshake_timeout: settings.handshake_timeout,
            handshakes: VecDeque::new(),
            options: SocketOptions::default(),
            accept_error_reported: false,
        }
    }

    /// Runs until Stop (or until the consumer is gone). The main loop reads `commands`;
    /// a helper reads its `inbox`.
    fn run(&mut self, commands: &Receiver<Command>, inbox: Option<&Receiver<LoopMsg>>) -> CloseReason {
        let mut events = Events::with_capacity(1024);
        loop {
            // Delayed replies wake the loop on time.
            let next_reply = self.next_reply_due();
            let timeout = if !self.ready.is_empty() {
                Some(Duration::ZERO)
            } else {
                [self.accept_retry_at, next_reply, self.handshakes.front().map(|h| h.0)]
                    .into_iter()
                    .flatten()
                    .min()
                    .map(|at| at.saturating_duration_since(Instant::now()))
            };
            if let Err(err) = self.poll.poll(&mut events, timeout)
                && err.kind() != io::ErrorKind::Interrupted
            {
                self.em.failed(None, Error::io(Op::Accept, "event loop", &err));
                self.close_all();
                return CloseReason::Failed;
            }
            // Out of descriptors earlier: try again on time, however busy the other clients keep
            // the loop (the listeners are edge-triggered and will not signal again by themselves).
            if self.accept_retry_at.is_some_and(|at| Instant::now() >= at) {
                self.accept_retry_at = None;
                for i in 0..self.listeners.len() {
                    self.accept(i);
                }
            }
            for event in events.iter() {
                match event.token() {
                    WAKE => {}
                    Token(t) if (LISTEN_BASE..CONN_BASE).contains(&t) => self.accept(t - LISTEN_BASE),
                    Token(t) => self.serve(t - CONN_BASE),
                }
            }
            for key in std::mem::take(&mut self.ready) {
                self.serve(key);
            }
            self.end_late_handshakes();
            if next_reply.is_some_and(|due| due <= Instant::now()) {
                let now = Instant::now();
                let due: Vec<usize> = self
                    .conns
                    .iter()
                    .filter(|(_, c)| c.queue.front().is_some_and(|q| q.due <= now))
                    .map(|(k, _)| k)
                    .collect();
                for key in due {
                    self.serve(key);
                }
            }
            while let Ok(command) = commands.try_recv() {
                if let Some(reason) = self.command(command) {
                    return reason;
                }
            }
            if let Some(inbox) = inbox {
                while let Ok(msg) = inbox.try_recv() {
                    match msg {
                        LoopMsg::Adopt(stream, link) => self.adopt(stream, link),
                        LoopMsg::Command(command) => {
                            if let Some(reason) = self.command(command) {
                                return reason;
                            }
                        }
                    }
                }
            }
        }
    }

    fn command(&mut self, command: Command) -> Option<CloseReason> {
        match command {
            Command::Stop => {
                for helper in &self.helpers {
                    helper.send(LoopMsg::Command(Command::Stop));
                }
                self.close_all();
                Some(CloseReason::Stopped)
            }
            Command::Disconnect(Some(id)) => {
                for helper in &self.helpers {
                    helper.send(LoopMsg::Command(Command::Disconnect(Some(id))));
                }
                if let Some(key) = self.conns.iter().find(|(_, c)| c.link.conn == id).map(|(k, _)| k) {
                    self.close(key);
                }
                None
            }
            Command::SendToClients { conn, payload } => {
                for helper in &self.helpers {
                    let payload = payload.clone();
                    helper.send(LoopMsg::Command(Command::SendToClients { conn, payload }));
                }
                self.send_to_clients(conn, &payload);
                None
            }
            Command::Disconnect(None) | Command::Send { .. } => None,
        }
    }

    fn shutdown_helpers(&mut self) {
        for helper in &mut self.helpers {
            helper.send(LoopMsg::Command(Command::Stop));
            if let Some(thread) = helper.thread.take() {
                let _ = thread.join();
            }
        }
    }

    fn accept(&mut self, index: usize) {
        loop {
            let Some((listener, local)) = self.listeners.get(index) else { return };
            let local = *local;
            match listener.accept() {
                Ok((stream, peer)) => {
                    if self.accept_error_reported {
                        self.accept_error_reported = false;
                        self.em.emit(EventKind::Notice(Notice::AcceptingAgain { local }));
                    }
                    self.options.apply_accepted(&stream);
                    let local = stream.local_addr().unwrap_or(local);
                    let conn = self.next_conn.fetch_add(1, Ordering::Relaxed);
                    let link = Link { conn, local, peer };
                    Stats::add(&self.em.stats().connections, 1);
                    self.em.emit(EventKind::Accepted(link));
                    let target = self.round_robin % (self.helpers.len() + 1);
                    self.round_robin = self.round_robin.wrapping_add(1);
                    match target.checked_sub(1).and_then(|h| self.helpers.get(h)) {
                        Some(helper) => helper.send(LoopMsg::Adopt(stream, link)),
                        None => self.adopt(stream, link),
                    }
                }
                Err(err) if err.kind() == io::ErrorKind::WouldBlock => return,
                Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                Err(err) if matches!(err.raw_os_error(), Some(23 | 24)) => {
                    // Out of file descriptors: the pending connection stays in the backlog.
                    // Keep serving the clients we have, and try again shortly.
                    if !self.accept_error_reported {
                        self.accept_error_reported = true;
                        let reason = Reason::OutOfFiles { errno: err.raw_os_error().unwrap_or(24) };
                        self.em.failed(None, Error::new(ErrorKind::Other, Op::Accept, local, reason));
                    }
                    self.accept_retry_at = Some(Instant::now() + ACCEPT_RETRY);
                    return;
                }
                Err(err) => {
                    // A connection reset before we accepted it, and the like: say so, go on.
                    self.em.failed(None, Error::io(Op::Accept, local, &err));
                }
            }
        }
    }

    fn adopt(&mut self, mut tcp: TcpStream, link: Link) {
        let entry = self.conns.vacant_entry();
        let token = Token(CONN_BASE + entry.key());
        if let Err(err) =
            self.poll.registry().register(&mut tcp, token, Interest::READABLE | Interest::WRITABLE)
        {
            self.em.failed(Some(link), Error::io(Op::Accept, link.local, &err));
            self.em.emit(EventKind::ConnectionClosed { link, bytes_in: 0, bytes_out: 0 });
            return;
        }
        let stream = match &self.tls {
            Some(tls) => match Stream::server(tcp, tls) {
                Ok(stream) => stream,
                Err(err) => {
                    self.em.failed(Some(link), err);
                    self.em.emit(EventKind::ConnectionClosed { link, bytes_in: 0, bytes_out: 0 });
                    return;
                }
            },
            None => Stream::Plain(tcp),
        };
        if matches!(stream, Stream::Tls(_)) {
            self.handshakes.push_back((Instant::now() + self.handshake_timeout, entry.key(), link.conn));
        }
        entry.insert(Conn::new(stream, link));
    }

    /// Closes each connection whose TLS handshake is past its deadline, saying why.
    fn end_late_handshakes(&mut self) {
        let now = Instant::now();
        while let Some(&(due, key, id)) = self.handshakes.front() {
            if due > now {
                return;
            }
            self.handshakes.pop_front();
            let Some(conn) = self.conns.get(key).filter(|c| c.link.conn == id) else { continue };
            if conn.stream.handshaking() {
                let timeout_ms = self.handshake_timeout.as_millis() as u64;
                let reason = Reason::TlsHandshakeTimedOut { timeout_ms };
                self.em.failed(
                    Some(conn.link),
                    Error::new(ErrorKind::Tls, Op::Handshake, conn.link.peer, reason),
                );
                self.close(key);
            }
        }
    }

    /// Queues a message for one connection of this loop, or all of them, and sends it.
    fn send_to_clients(&mut self, conn: Option<u64>, payload: &Payload) {
        let keys: Vec<usize> = self
            .conns
            .iter()
            .filter(|(_, c)| conn.is_none_or(|id| c.link.conn == id))
            .map(|(k, _)| k)
            .collect();
        for key in keys {
            let Some(c) = self.conns.get_mut(key) else { continue };
            c.frames += 1;
            match payload.read_whole(MAX_SENT, c.frames, &Captures::default()) {
                Ok(bytes) => {
                    c.queue.push_back(Queued { due: Instant::now(), bytes: Some(bytes), close: false });
                    self.queued = true;
                    self.serve(key);
                }
                Err(error) => {
                    self.em.failed(Some(c.link), error);
                }
            }
        }
    }

    /// When the earliest queued reply is due. The scan runs only while something is queued, so
    /// a plain echo server with ten thousand clients never pays for it.
    fn next_reply_due(&mut self) -> Option<Instant> {
        if !self.queued {
            return None;
        }
        let due = self.conns.iter().filter_map(|(_, c)| c.queue.front().map(|q| q.due)).min();
        self.queued = due.is_some();
        due
    }

    /// Cuts what came into frames and queues each one's reply, saying which rule matched.
    /// After a reply that closes, the rest is read and dropped, never answered.
    fn respond(&mut self, key: usize, data: &[u8]) {
        let Some(conn) = self.conns.get_mut(key) else { return };
        if conn.answered_last {
            return;
        }
        let responder = Arc::clone(&self.responder);
        let cut = conn.unframed.push(responder.framing, data, responder.max_frame, responder.over_limit);
        if cut.over_limit {
            let close = responder.over_limit == OverLimit::Close;
            let notice =
                Notice::FrameTooLong { peer: conn.link.peer, limit: responder.max_frame as u64, close };
            self.em.emit(EventKind::Notice(notice));
        }
        for frame in cut.frames {
            conn.frames += 1;
            let reply = responder.reply(&frame, conn.frames);
            if !responder.rules.is_empty() && self.detail == Detail::Full {
                let peer = conn.link.peer;
                let notice = match reply.rule {
                    Some((rule, label)) => Notice::RuleMatched { peer, rule: rule as u64, label },
                    None => Notice::NoRuleMatched { peer },
                };
                self.em.emit(EventKind::Notice(notice));
            }
            let due = Instant::now() + Duration::from_millis(reply.delay_ms);
            conn.queue.push_back(Queued { due, bytes: reply.bytes, close: reply.close });
            self.queued = true;
            if reply.close {
                conn.answered_last = true;
                return;
            }
        }
        if cut.over_limit && responder.over_limit == OverLimit::Close {
            conn.answered_last = true;
            conn.queue.push_back(Queued { due: Instant::now(), bytes: None, close: true });
            self.queued = true;
        }
    }

    /// Reads and echoes on one connection until it would block, its budget is used, or it
    /// closes.
    fn serve(&mut self, key: usize) {
        for _ in 0..READ_BUDGET {
            let Some(conn) = self.conns.get_mut(key) else { return };
            loop {
                if conn.promote(Instant::now()) {
                    return self.close(key);
                }
                match flush(conn, self.em, self.detail) {
                    Ok(true) => {}
                    Ok(false) => return, // still blocked: wait for WRITABLE
                    Err(err) => return self.fail(key, Op::Send, &err),
                }
                if conn.close_when_sent && conn.queue.is_empty() {
                    return self.close(key);
                }
                // Replies due now go out one after another; a later one waits for its time.
                if conn.queue.front().is_none_or(|q| q.due > Instant::now()) {
                    break;
                }
            }
            if conn.read_closed && conn.queue.is_empty() {
                return self.close(key);
            }
            if conn.read_closed {
                return;
            }
            let read = conn.stream.read(&mut self.buf);
            if let Some(tls) = conn.stream.secured() {
                self.em.emit(EventKind::Secured { link: conn.link, tls: Box::new(tls) });
            }
            match read {
                Ok(0) => {
                    conn.read_closed = true;
                    self.em.emit(EventKind::PeerClosed(conn.link));
                    if conn.pending.is_none() && conn.queue.is_empty() {
                        return self.close(key);
                    }
                }
                Ok(n) if !self.responder.is_echo() => {
                    conn.bytes_in += n as u64;
                    Stats::add(&self.em.stats().bytes_in, n as u64);
                    let data = Bytes::copy_from_slice(&self.buf[..n]);
                    if self.detail == Detail::Full {
                        let event = EventKind::Received {
                            link: conn.link,
                            data: data.clone(),
                            truncated: false,
                            echo: None,
                        };
                        self.em.emit(event);
                    }
                    self.respond(key, &data);
                }
                Ok(n) => {
                    conn.bytes_in += n as u64;
                    Stats::add(&self.em.stats().bytes_in, n as u64);
                    if self.detail == Detail::Full {
                        let data = Bytes::copy_from_slice(&self.buf[..n]);
                        let event = EventKind::Received {
                            link: conn.link,
                            data: data.clone(),
                            truncated: false,
                            echo: None,
                        };
                        self.em.emit(event);
                        conn.pending = Some((data, 0));
                    } else {
                        // Quiet mode copies nothing unless the socket is full.
                        match write_now(&mut conn.stream, &self.buf[..n]) {
                            Ok(written) => {
                                conn.bytes_out += written as u64;
                                Stats::add(&self.em.stats().bytes_out, written as u64);
                                if written < n {
                                    conn.pending = Some((Bytes::copy_from_slice(&self.buf[written..n]), 0));
                                }
                            }
                            Err(err) => return self.fail(key, Op::Send, &err),
                        }
                    }
                }
                Err(err) if err.kind() == io::ErrorKind::WouldBlock => return,
                Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                Err(err) => return self.fail(key, Op::Receive, &err),
            }
        }
        self.ready.push(key);
    }

    fn fail(&mut self, key: usize, op: Op, err: &io::Error) {
        if let Some(conn) = self.conns.get(key) {
            let op = if conn.stream.handshaking() { Op::Handshake } else { op };
            let mut error = tls::stream_error(op, conn.link.peer, err);
            if error.kind == ErrorKind::Reset {
                // A reset is something the client did, not a server failure: say it plainly.
                error.reason = Reason::Plain;
            }
            self.em.failed(Some(conn.link), error);
        }
        self.close(key);
    }

    fn close(&mut self, key: usize) {
        if !self.conns.contains(key) {
            return;
        }
        let mut conn = self.conns.remove(key);
        conn.stream.close_notify();
        let _ = self.poll.registry().deregister(conn.stream.tcp());
        self.em.emit(EventKind::ConnectionClosed {
            link: conn.link,
            bytes_in: conn.bytes_in,
            bytes_out: conn.bytes_out,
        });
    }

    fn close_all(&mut self) {
        let keys: Vec<usize> = self.conns.iter().map(|(k, _)| k).collect();
        for key in keys {
            self.close(key);
        }
        for (listener, _) in &mut self.listeners {
            let _ = self.poll.registry().deregister(listener);
        }
        self.listeners.clear();
    }
}

/// Writes what is pending. `Ok(true)`: nothing left; `Ok(false)`: the socket is full.
fn flush(conn: &mut Conn, em: &Emitter, detail: Detail) -> io::Result<bool> {
    // TLS records waiting from an earlier write go first.
    if !conn.stream.flush_pending()? {
        return Ok(false);
    }
    let Some((data, written)) = &mut conn.pending else { return Ok(true) };
    let n = write_now(&mut conn.stream, &data[*written..])?;
    *written += n;
    conn.bytes_out += n as u64;
    Stats::add(&em.stats().bytes_out, n as u64);
    if *written < data.len() {
        return Ok(false);
    }
    if let Some((data, _)) = conn.pending.take()
        && detail == Detail::Full
    {
        em.emit(EventKind::Sent { link: conn.link, data });
    }
    Ok(true)
}

/// What the options granted on one listening address.
type Granted = (SocketAddr, Vec<OptionSet>);

/// The names a self-signed certificate is made for: the host it listens on, and for
/// `localhost` (or every interface) the loopback addresses too.
fn certificate_names(host: &str) -> Vec<String> {
    let host = host.trim();
    let mut names = vec![host.to_string()];
    let loopback = host.eq_ignore_ascii_case("localhost")
        || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback() || ip.is_unspecified());
    if loopback {
        for name in ["localhost", "127.0.0.1", "::1"] {
            if !names.iter().any(|n| n == name) {
                names.push(name.to_string());
            }
        }
    }
    names
}
