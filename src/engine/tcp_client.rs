//! The TCP echo client: the seed's exchange, done right.
//!
//! It resolves and connects inside the worker (trying every address), sends each message
//! whole, and reads the echo in reads of `chunk_bytes` until as many **bytes** as were sent
//! have come back, comparing them as they arrive and timing the round trip. One mio loop
//! watches the socket and the command channel, so `Stop` is honoured at once. Writing and
//! reading interleave, so a message larger than the socket buffers cannot deadlock.

use std::collections::VecDeque;
use std::io::{self, Read, Write};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use bytes::Bytes;
use crossbeam_channel::Receiver;
use mio::{Events, Interest, Poll, Token};

use super::endpoint::list_addrs;
use super::error::Reason;
use super::expect::{Expectation, MAX_REPLY, ReplyEnd};
use super::payload::{Outbox, Pieces};
use super::sockopt;
use super::template::Captures;
use super::tls::{self, ClientTls, Stream};
use super::{
    ClientConfig, CloseReason, Command, EchoCheck, Emitter, Error, ErrorKind, EventKind, Link, Notice, Op,
    Payload, Stats,
};

const SOCK: Token = Token(1);

/// Bytes a file exchange may have written and not yet seen echoed: its memory bound.
const ECHO_WINDOW: u64 = 4 * 1024 * 1024;

/// One message on its way out and back.
struct Exchange {
    pieces: Pieces,
    /// The piece being written and how much of it is out.
    outgoing: Option<(Bytes, usize)>,
    /// Bytes written and not yet compared with the echo, oldest first.
    unechoed: VecDeque<Bytes>,
    unechoed_len: u64,
    echoed: u64,
    matches: bool,
    started: Instant,
    /// When the echo last made progress; the timeout counts from here.
    progress: Instant,
    /// Other expectations: what was sent, when it is to be compared as a whole (an echo
    /// that ends otherwise than at its length), and when the last reply byte came.
    sent_copy: Vec<u8>,
    last_byte: Option<Instant>,
}

impl Exchange {
    fn new(pieces: Pieces) -> Exchange {
        let now = Instant::now();
        Exchange {
            pieces,
            outgoing: None,
            unechoed: VecDeque::new(),
            unechoed_len: 0,
            echoed: 0,
            matches: true,
            started: now,
            progress: now,
            sent_copy: Vec::new(),
            last_byte: None,
        }
    }
}

/// The most of a message kept to compare its whole echo when the reply ends otherwise than at
/// its length.
const MAX_COMPARED: usize = 16 * 1024 * 1024;

/// A connected socket and its exchanges.
struct Conn {
    stream: Stream,
    link: Link,
    bytes_in: u64,
    bytes_out: u64,
    exchanges: VecDeque<Exchange>,
    /// Reply bytes not yet judged (other expectations than a streamed echo).
    reply: Vec<u8>,
    /// An echo came back different: what follows is shown before closing.
    mismatched: bool,
    /// The peer closed its side.
    peer_closed: bool,
    /// We shut our sending side (half-close after the message).
    write_shut: bool,
    /// After a mismatch, reading goes on until the first of these: the timeout, and a
    /// silence of [`LINGER_IDLE`] since the last read.
    linger: Option<(Instant, Instant)>,
    /// The last turn stopped reading with bytes still waiting (a peer that never stops): the
    /// next turn reads on without waiting.
    unread: bool,
    /// Bytes beyond the echo after the first such read was said, and in how many reads: said
    /// once, folded, before the next message or at the close.
    extra: (u64, u64),
    /// The first read beyond the echo was said.
    extra_said: bool,
}

/// Reads in one turn of the loop at most: a peer that never stops sending still lets the loop
/// check its commands (Stop), the timeout and the end of a reply between turns.
const READS_PER_TURN: usize = 256;

/// After a reply that is not the echo, the rest of it is read until the peer is this long
/// silent (or the timeout comes), so the transcript shows what the peer said, not a cut.
const LINGER_IDLE: Duration = Duration::from_millis(300);

/// What the loop should do after handling something.
enum Flow {
    Continue,
    End(CloseReason),
}

struct Client<'a> {
    config: ClientConfig,
    poll: Poll,
    commands: Receiver<Command>,
    em: &'a Emitter,
    addrs: Vec<SocketAddr>,
    queue: Outbox,
    next_conn: u64,
    last_start: Option<Instant>,
    buf: Vec<u8>,
    /// What the last expectation captured, for `{1}` and `{name}` in the next message.
    captures: Captures,
    /// TLS, when the session uses it.
    tls: Option<ClientTls>,
}

pub(crate) fn run(
    config: ClientConfig,
    poll: Poll,
    commands: Receiver<Command>,
    em: &Emitter,
) -> CloseReason {
    if let Err(err) = config.target.check_client_target() {
        em.failed(None, err);
        return CloseReason::Failed;
    }
    let addrs = match config.target.resolve() {
        Ok(addrs) => addrs,
        Err(err) => {
            em.failed(None, err);
            return CloseReason::Failed;
        }
    };
    let tls = match tls::optional_client(config.tls.as_ref(), &config.target.host) {
        Ok(tls) => tls,
        Err(err) => {
            em.failed(None, err);
            return CloseReason::Failed;
        }
    };
    let queue = Outbox::new(config.payload.clone(), config.count);
    let buf = vec![0; config.chunk_bytes.max(1)];
    let mut client = Client {
        config,
        poll,
        commands,
        em,
        addrs,
        queue,
        next_conn: 1,
        last_start: None,
        buf,
        captures: Captures::default(),
        tls,
    };
    client.run()
}

impl Client<'_> {
    fn timeout(&self) -> Duration {
        Duration::from_millis(self.config.timeout_ms.max(1))
    }

    fn run(&mut self) -> CloseReason {
        let mut events = Events::with_capacity(16);
        loop {
            if !self.config.persistent && self.queue.is_empty() {
                return CloseReason::Finished;
            }
            // One-shot mode waits for a message only in the queue; persistent mode connects
            // at once and waits for commands while connected.
            if let Some(reason) = self.wait_interval(&mut events) {
                return reason;
            }
            let mut conn = match self.connect(&mut events) {
                Ok(Some(conn)) => conn,
                Ok(None) => return CloseReason::Stopped,
                Err(err) => {
                    self.em.failed(None, err);
                    return CloseReason::Failed;
                }
            };
            let secured = self.handshake(&mut conn, &mut events);
            if secured.is_ok()
                && let Some(reason) = self.pause(&mut events)
            {
                return reason;
            }
            let flow = match secured {
                Ok(()) => self.serve_connection(&mut conn, &mut events),
                Err(flow) => flow,
            };
            if matches!(flow, Flow::Continue)
                && let Some(reason) = self.pause(&mut events)
            {
                return reason;
            }
            self.say_extra(&mut conn);
            conn.stream.close_notify();
            let _ = self.poll.registry().deregister(conn.stream.tcp());
            self.em.emit(EventKind::ConnectionClosed {
                link: conn.link,
                bytes_in: conn.bytes_in,
                bytes_out: conn.bytes_out,
            });
            match flow {
                Flow::End(reason) => return reason,
                Flow::Continue if self.config.persistent => return CloseReason::Finished,
                Flow::Continue => {}
            }
        }
    }

    /// Handles pending commands. `None` means go on; `Some` ends the worker or connection.
    fn drain_commands(&mut self) -> Option<CloseReason> {
        while let Ok(command) = self.commands.try_recv() {
            match command {
                Command::Send { payload, count } => self.queue.push(payload, count),
                Command::SendToClients { .. } => {}
                Command::Disconnect(_) | Command::Stop => return Some(CloseReason::Stopped),
            }
        }
        None
    }

    /// Waits out the calm pace (if any), still honouring commands.
    fn pause(&mut self, events: &mut Events) -> Option<CloseReason> {
        if self.config.pace_ms == 0 {
            return None;
        }
        self.wait_until(Instant::now() + Duration::from_millis(self.config.pace_ms), events)
    }

    /// Waits until `until`, still honouring commands.
    fn wait_until(&mut self, until: Instant, events: &mut Events) -> Option<CloseReason> {
        loop {
            if let Some(reason) = self.drain_commands() {
                return Some(reason);
            }
            let now = Instant::now();
            if now >= until {
                return None;
            }
            if let Err(err) = self.poll.poll(events, Some(until - now))
                && err.kind() != io::ErrorKind::Interrupted
            {
                return None;
            }
        }
    }

    /// Sleeps out the interval between two exchanges, still honouring commands.
    fn wait_interval(&mut self, events: &mut Events) -> Option<CloseReason> {
        let last = self.last_start?;
        self.wait_until(last + Duration::from_millis(self.config.interval_ms), events)
    }

    /// Runs the TLS handshake (when the session uses TLS) within the timeout, and says what
    /// it agreed.
    fn handshake(&mut self, conn: &mut Conn, events: &mut Events) -> Result<(), Flow> {
        let deadline = Instant::now() + self.timeout();
        while conn.stream.handshaking() {
            if let Some(reason) = self.drain_commands() {
                return Err(Flow::End(reason));
            }
            if let Err(err) = conn.stream.drive() {
                self.em.failed(Some(conn.link), tls::stream_error(Op::Handshake, conn.link.peer, &err));
                return Err(Flow::End(CloseReason::Failed));
            }
            if !conn.stream.handshaking() {
                break;
            }
            let now = Instant::now();
            if now >= deadline {
                let reason = Reason::TlsHandshakeTimedOut { timeout_ms: self.config.timeout_ms };
                self.em.failed(
                    Some(conn.link),
                    Error::new(ErrorKind::Tls, Op::Handshake, conn.link.peer, reason),
                );
                return Err(Flow::End(CloseReason::Failed));
            }
            if let Err(err) = self.poll.poll(events, Some(deadline - now))
                && err.kind() != io::ErrorKind::Interrupted
            {
                self.em.failed(Some(conn.link), Error::io(Op::Handshake, conn.link.peer, &err));
                return Err(Flow::End(CloseReason::Failed));
            }
        }
        if let Some(tls) = conn.stream.secured() {
            self.em.emit(EventKind::Secured { link: conn.link, tls: Box::new(tls) });
        }
        Ok(())
    }

    /// Tries every resolved address in turn, each with the full timeout.
    fn connect(&mut self, events: &mut Events) -> Result<Option<Conn>, Error> {
        let mut last_err = None;
        for &addr in &self.addrs.clone() {
            match self.connect_one(addr, events) {
                Ok(Some(conn)) => return Ok(Some(conn)),
                Ok(None) => return Ok(None),
                Err(err) => last_err = Some(err),
            }
        }
        let err = last_err.unwrap_or_else(|| io::Error::from(io::ErrorKind::AddrNotAvailable));
        let target = if self.addrs.len() > 1 || self.config.target.host.parse::<std::net::IpAddr>().is_err() {
            format!("{} ({})", self.config.target, list_addrs(&self.addrs))
        } else {
            self.config.target.to_string()
        };
        if let Some(error) = sockopt::BindFailed::error_of(&err) {
            return Err(error);
        }
        let mut error = Error::io(Op::Connect, target, &err);
        if error.kind == ErrorKind::TimedOut {
            error.reason = Reason::ConnectTimedOut { timeout_ms: self.config.timeout_ms };
        }
        Err(error)
    }

    fn connect_one(&mut self, addr: SocketAddr, events: &mut Events) -> io::Result<Option<Conn>> {
        let (mut stream, options_set) = sockopt::tcp_connect(addr, &self.config.options)?;
        self.poll.registry().register(&mut stream, SOCK, Interest::READABLE | Interest::WRITABLE)?;
        let deadline = Instant::now() + self.timeout();
        loop {
            if self.drain_commands().is_some() {
                return Ok(None);
            }
            let now = Instant::now();
            if now >= deadline {
                let _ = self.poll.registry().deregister(&mut stream);
                return Err(io::Error::from(io::ErrorKind::TimedOut));
            }
            match self.poll.poll(events, Some(deadline - now)) {
                Ok(()) => {}
                Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                Err(err) => return Err(err),
            }
            if !events.iter().any(|e| e.token() == SOCK) {
                continue;
            }
            if let Some(err) = stream.take_error()? {
                let _ = self.poll.registry().deregister(&mut stream);
                return Err(err);
            }
            match stream.peer_addr() {
                Ok(peer) => {
                    let local = stream.local_addr()?;
                    let link = Link { conn: self.next_conn, local, peer };
                    let stream = match &self.tls {
                        Some(tls) => Stream::client(stream, tls)?,
                        None => Stream::Plain(stream),
                    };
                    self.next_conn += 1;
                    Stats::add(&self.em.stats().connections, 1);
                    self.em.emit(EventKind::Connected(link));
                    if !options_set.is_empty() {
                        self.em.emit(EventKind::Notice(Notice::OptionsSet { local, options: options_set }));
                    }
                    return Ok(Some(Conn {
                        stream,
                        link,
                        bytes_in: 0,
                        bytes_out: 0,
                        exchanges: VecDeque::new(),
                        reply: Vec::new(),
                        mismatched: false,
                        peer_closed: false,
                        write_shut: false,
                        linger: None,
                        unread: false,
                        extra: (0, 0),
                        extra_said: false,
                    }));
                }
                Err(err) if err.kind() == io::ErrorKind::NotConnected => continue,
                Err(err) => {
                    let _ = self.poll.registry().deregister(&mut stream);
                    return Err(err);
                }
            }
        }
    }

    /// Runs exchanges on one connection until it is done (one-shot), closed, or stopped.
    fn serve_connection(&mut self, conn: &mut Conn, events: &mut Events) -> Flow {
        loop {
            if let Some(reason) = self.drain_commands() {
                self.abandon(conn);
                return Flow::End(reason);
            }
            // Ping-pong: the next message goes out once the previous echo is back.
            if conn.exchanges.is_empty() {
                let due = self.last_start.is_none_or(|last| {
                    !self.config.persistent
                        || last.elapsed() >= Duration::from_millis(self.config.interval_ms)
                });
                if due && let Some(payload) = self.queue.pop() {
                    Stats::add(&self.em.stats().exchanges, 1);
                    self.last_start = Some(Instant::now());
                    let counter = self.em.stats().exchanges.load(std::sync::atomic::Ordering::Relaxed);
                    match open_for_tcp(&payload, counter, &self.captures) {
                        Ok(pieces) => {
                            self.say_extra(conn);
                            conn.exchanges.push_back(Exchange::new(pieces));
                        }
                        Err(error) => {
                            // An unreadable or empty file: a persistent connection waits for
                            // the next message; one-shot mode ends.
                            self.em.failed(Some(conn.link), error);
                            Stats::add(&self.em.stats().echoes_bad, 1);
                            if !self.config.persistent {
                                return Flow::End(CloseReason::Failed);
                            }
                            continue;
                        }
                    }
                } else if conn.linger.is_none()
                    && (!self.config.persistent || (self.config.close_when_done && self.queue.is_empty()))
                {
                    return Flow::Continue;
                }
            }
            if let Err(flow) = self.write_some(conn) {
                return flow;
            }
            if let Err(flow) = self.read_some(conn) {
                return flow;
            }
            if conn.exchanges.is_empty()
                && (!self.config.persistent || (self.config.close_when_done && self.queue.is_empty()))
            {
                if let Some(until) = self.linger_until(conn) {
                    let wait = if conn.unread {
                        Duration::ZERO
                    } else {
                        until.saturating_duration_since(Instant::now())
                    };
                    if let Err(err) = self.poll.poll(events, Some(wait))
                        && err.kind() != io::ErrorKind::Interrupted
                    {
                        self.em.failed(Some(conn.link), Error::io(Op::Receive, conn.link.peer, &err));
                        return Flow::End(CloseReason::Failed);
                    }
                    continue;
                }
                // The echo is complete: close, as the seed does (or, persistent, all are done).
                return Flow::Continue;
            }
            let wait = self.next_wakeup(conn);
            if let Some(until) = wait
                && Instant::now() >= until
            {
                if let Some(flow) = self.check_timeout(conn) {
                    return flow;
                }
                continue;
            }
            let wait = wait.map(|until| until.saturating_duration_since(Instant::now()));
            match self.poll.poll(events, if conn.unread { Some(Duration::ZERO) } else { wait }) {
                Ok(()) => {}
                Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                Err(err) => {
                    self.em.failed(Some(conn.link), Error::io(Op::Receive, conn.link.peer, &err));
                    return Flow::End(CloseReason::Failed);
                }
            }
        }
    }

    /// After a one-shot echo that came back different, while the peer may still be talking:
    /// until when to keep reading. When that time has passed with the peer's side still
    /// open, says that the reading stopped and more may have followed.
    fn linger_until(&self, conn: &mut Conn) -> Option<Instant> {
        if !conn.mismatched || conn.peer_closed || self.config.persistent {
            return None;
        }
        let now = Instant::now();
        let (cap, idle) = *conn.linger.get_or_insert((now + self.timeout(), now + LINGER_IDLE));
        let until = cap.min(idle);
        if now < until {
            return Some(until);
        }
        self.em.emit(EventKind::Notice(Notice::ReadingStopped { bytes: conn.bytes_in }));
        conn.mismatched = false;
        None
    }

    /// Says the bytes beyond the echo that came after the first such read, in one line.
    fn say_extra(&self, conn: &mut Conn) {
        conn.extra_said = false;
        let (count, reads) = std::mem::take(&mut conn.extra);
        if reads > 0 {
            let reason = Reason::ExtraBytesMore { count, reads };
            self.em
                .failed(Some(conn.link), Error::new(ErrorKind::Other, Op::Receive, conn.link.peer, reason));
        }
    }

    /// Whether replies are echoes compared as they arrive (the default), rather than replies
    /// gathered to their end and then judged.
    fn streams_echo(&self) -> bool {
        self.config.expect.is_echo() && self.config.reply_end == ReplyEnd::Sent
    }

    /// When the loop must wake up without an event: an echo's deadline, an idle gap's end, or
    /// the next send.
    fn next_wakeup(&self, conn: &Conn) -> Option<Instant> {
        let idle = match (&self.config.reply_end, conn.exchanges.front().and_then(|x| x.last_byte)) {
            (ReplyEnd::Idle(ms), Some(last)) => Some(last + Duration::from_millis(*ms)),
            _ => None,
        };
        let echo_deadline = conn.exchanges.front().map(|x| x.progress + self.timeout());
        let echo_deadline = match (echo_deadline, idle) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let next_send = match (conn.exchanges.is_empty(), self.queue.is_empty(), self.last_start) {
            (true, false, Some(last)) => Some(last + Duration::from_millis(self.config.interval_ms)),
            _ => None,
        };
        match (echo_deadline, next_send) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Reports an echo that did not come back in time. One-shot mode gives up; a persistent
    /// connection stays open, since the peer may not be an echo server at all.
    fn check_timeout(&mut self, conn: &mut Conn) -> Option<Flow> {
        if !self.streams_echo() {
            return self.check_reply_deadline(conn);
        }
        let front = conn.exchanges.front()?;
        if front.progress.elapsed() < self.timeout() {
            return None;
        }
        let reason = Reason::NoCompleteEcho {
            timeout_ms: self.config.timeout_ms,
            echoed: front.echoed,
            expected: front.pieces.len,
        };
        self.em.failed(Some(conn.link), Error::new(ErrorKind::TimedOut, Op::Receive, conn.link.peer, reason));
        Stats::add(&self.em.stats().echoes_bad, 1);
        conn.exchanges.pop_front();
        if self.config.persistent {
            None
        } else {
            self.abandon(conn);
            Some(Flow::End(CloseReason::Failed))
        }
    }

    /// Counts every exchange still open as failed.
    fn abandon(&self, conn: &mut Conn) {
        let open = conn.exchanges.len() as u64;
        Stats::add(&self.em.stats().echoes_bad, open);
        conn.exchanges.clear();
    }

    /// Judges every reply whose end has come (a delimiter, a byte count, the sent length).
    fn judge_replies(&mut self, conn: &mut Conn) {
        while let Some(front) = conn.exchanges.front() {
            if self.config.expect == Expectation::Nothing && !conn.reply.is_empty() {
                let reply = std::mem::take(&mut conn.reply);
                self.conclude(conn, Some(reply));
                continue;
            }
            let sent = usize::try_from(front.pieces.len).unwrap_or(usize::MAX);
            let Some((take, matched)) = self.config.reply_end.split(&conn.reply, sent) else { return };
            let mut reply: Vec<u8> = conn.reply.drain(..take).collect();
            reply.truncate(matched);
            self.conclude(conn, Some(reply));
        }
    }

    /// A reply's deadline: an idle gap after its last byte, or the timeout with no end.
    fn check_reply_deadline(&mut self, conn: &mut Conn) -> Option<Flow> {
        let front = conn.exchanges.front()?;
        let idle_over = match (&self.config.reply_end, front.last_byte) {
            (ReplyEnd::Idle(ms), Some(last)) => last.elapsed() >= Duration::from_millis(*ms),
            _ => false,
        };
        let too_long = conn.reply.len() >= MAX_REPLY;
        if !idle_over && !too_long && front.progress.elapsed() < self.timeout() {
            return None;
        }
        let reply = (!conn.reply.is_empty()).then(|| std::mem::take(&mut conn.reply));
        // The timeout (or the size limit), not the reply's end, ended the wait: what came is
        // not the whole reply, so it fails and says why.
        if !idle_over
            && self.config.expect != Expectation::Nothing
            && let Some(reply) = &reply
        {
            let exchange = conn.exchanges.pop_front()?;
            let rtt_us = u64::try_from(exchange.started.elapsed().as_micros()).unwrap_or(u64::MAX);
            let check =
                self.config.expect.unended(&self.config.reply_end, reply, rtt_us, self.config.timeout_ms);
            self.em.checked(conn.link, check);
            return None;
        }
        self.conclude(conn, reply);
        None
    }

    /// Gives the verdict on the oldest open exchange and says it.
    fn conclude(&mut self, conn: &mut Conn, reply: Option<Vec<u8>>) {
        let Some(exchange) = conn.exchanges.pop_front() else { return };
        let rtt_us = u64::try_from(exchange.started.elapsed().as_micros()).unwrap_or(u64::MAX);
        let timeout_ms = self.config.timeout_ms;
        let (check, captures) =
            self.config.expect.judge(&exchange.sent_copy, reply.as_deref(), rtt_us, timeout_ms);
        if check.passed() && captures != Captures::default() {
            self.captures = captures;
        }
        self.em.checked(conn.link, check);
    }

    fn write_some(&mut self, conn: &mut Conn) -> Result<(), Flow> {
        let streams_echo = self.streams_echo();
        let keep_copy = self.config.expect.is_echo();
        let half_close = self.config.options.half_close && !self.config.persistent;
        let Conn { stream, exchanges, link, bytes_out, write_shut, .. } = conn;
        // TLS records waiting from an earlier write go first.
        match stream.flush_pending() {
            Ok(true) => {}
            Ok(false) => return Ok(()),
            Err(err) => {
                self.em.failed(Some(*link), tls::stream_error(Op::Send, link.peer, &err));
                return Err(Flow::End(CloseReason::Failed));
            }
        }
        for exchange in exchanges.iter_mut() {
            loop {
                let (piece, offset) = match &mut exchange.outgoing {
                    Some((piece, offset)) if *offset < piece.len() => (piece, offset),
                    _ => {
                        // The next piece, unless the echo is too far behind (a file).
                        if exchange.unechoed_len >= ECHO_WINDOW {
                            return Ok(());
                        }
                        match exchange.pieces.next_piece() {
                            Ok(Some(piece)) => {
                                exchange.outgoing = Some((piece, 0));
                                continue;
                            }
                            Ok(None) => {
                                exchange.outgoing = None;
                                if half_close && !*write_shut {
                                    // Half-close: no more from us; the reply is read to its end.
                                    // Over TLS, its close_notify says so (TLS 1.3 half-close), and
                                    // the records still queued go out before it.
                                    *write_shut = true;
                                    if let Stream::Plain(tcp) = stream
                                        && let Err(err) = tcp.shutdown(std::net::Shutdown::Write)
                                    {
                                        self.em.failed(Some(*link), Error::io(Op::Send, link.peer, &err));
                                        return Err(Flow::End(CloseReason::Failed));
                                    }
                                    stream.close_notify();
                                }
                                break;
                            }
                            Err(error) => {
                                self.em.failed(Some(*link), error);
                                let open = exchanges.len() as u64;
                                Stats::add(&self.em.stats().echoes_bad, open);
                                return Err(Flow::End(CloseReason::Failed));
                            }
                        }
                    }
                };
                match stream.write(&piece[*offset..]) {
                    Ok(0) => return Ok(()),
                    Ok(n) => {
                        let part = piece.slice(*offset..*offset + n);
                        *offset += n;
                        *bytes_out += n as u64;
                        if streams_echo {
                            exchange.unechoed.push_back(part.clone());
                            exchange.unechoed_len += n as u64;
                        } else if keep_copy && exchange.sent_copy.len() < MAX_COMPARED {
                            exchange.sent_copy.extend_from_slice(&part);
                        }
                        Stats::add(&self.em.stats().bytes_out, n as u64);
                        if !self.em.emit(EventKind::Sent { link: *link, data: part }) {
                            return Err(Flow::End(CloseReason::Stopped));
                        }
                    }
                    Err(err) if err.kind() == io::ErrorKind::WouldBlock => return Ok(()),
                    Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                    Err(err) => {
                        self.em.failed(Some(*link), tls::stream_error(Op::Send, link.peer, &err));
                        let open = exchanges.len() as u64;
                        Stats::add(&self.em.stats().echoes_bad, open);
                        return Err(Flow::End(CloseReason::Failed));
                    }
                }
            }
        }
        Ok(())
    }

    fn read_some(&mut self, conn: &mut Conn) -> Result<(), Flow> {
        for _ in 0..READS_PER_TURN {
            match conn.stream.read(&mut self.buf) {
                Ok(0) => {
                    conn.peer_closed = true;
                    self.em.emit(EventKind::PeerClosed(conn.link));
                    if conn.linger.is_some() {
                        // The rest of a reply that was not the echo has all come.
                        return Err(Flow::Continue);
                    }
                    if !self.streams_echo() {
                        // The peer's close ends the reply (for `close`, the expected way).
                        if !conn.exchanges.is_empty() {
                            let reply = (!conn.reply.is_empty()).then(|| std::mem::take(&mut conn.reply));
                            self.conclude(conn, reply);
                        }
                        return Err(if self.config.persistent {
                            Flow::End(CloseReason::PeerClosed)
                        } else {
                            Flow::Continue
                        });
                    }
                    if let Some(open) = conn.exchanges.front() {
                        let reason = Reason::ClosedMidEcho { echoed: open.echoed, expected: open.pieces.len };
                        self.em.failed(
                            Some(conn.link),
                            Error::new(ErrorKind::Other, Op::Receive, conn.link.peer, reason),
                        );
                        self.abandon(conn);
                        return Err(Flow::End(CloseReason::Failed));
                    }
                    return Err(Flow::End(CloseReason::PeerClosed));
                }
                Ok(n) => {
                    let data = Bytes::copy_from_slice(&self.buf[..n]);
                    conn.bytes_in += n as u64;
                    Stats::add(&self.em.stats().bytes_in, n as u64);
                    let echo = if let Some((_, idle)) = &mut conn.linger {
                        // The rest of a reply already judged.
                        *idle = Instant::now() + LINGER_IDLE;
                        if conn.extra_said {
                            conn.extra.0 += n as u64;
                            conn.extra.1 += 1;
                        }
                        None
                    } else if self.streams_echo() {
                        let (mut check, extra) = match_echo(&mut conn.exchanges, &data);
                        if extra > 0 {
                            match &mut check {
                                // Bytes beyond the echo in the same read: not an echo.
                                Some(check) => check.matches = false,
                                // A banner before anything was sent is the peer's to send.
                                None if conn.bytes_out == 0 => {}
                                None if conn.extra_said => {
                                    conn.extra.0 += extra as u64;
                                    conn.extra.1 += 1;
                                }
                                None => {
                                    conn.extra_said = true;
                                    let reason = Reason::ExtraBytes { count: extra as u64 };
                                    let error =
                                        Error::new(ErrorKind::Other, Op::Receive, conn.link.peer, reason);
                                    self.em.failed(Some(conn.link), error);
                                }
                            }
                        }
                        if let Some(check) = check {
                            conn.mismatched |= !check.matches;
                            let stats = self.em.stats();
                            Stats::add(if check.matches { &stats.echoes_ok } else { &stats.echoes_bad }, 1);
                        }
                        check
                    } else {
                        conn.reply.extend_from_slice(&data);
                        if let Some(front) = conn.exchanges.front_mut() {
                            front.last_byte = Some(Instant::now());
                        }
                        None
                    };
                    // A plain client at a TLS server gets an alert or a handshake record back
                    // as its first bytes: say what it means, not only that it differs.
                    let speaks_tls = conn.bytes_in == n as u64
                        && matches!(conn.stream, Stream::Plain(_))
                        && tls::looks_like_tls_record(&data);
                    let event = EventKind::Received { link: conn.link, data, truncated: false, echo };
                    if !self.em.emit(event) {
                        return Err(Flow::End(CloseReason::Stopped));
                    }
                    if speaks_tls {
                        self.em.emit(EventKind::Notice(Notice::PeerSpeaksTls { peer: conn.link.peer }));
                    }
                    if !self.streams_echo() {
                        self.judge_replies(conn);
                    }
                }
                Err(err) if err.kind() == io::ErrorKind::WouldBlock => {
                    conn.unread = false;
                    return Ok(());
                }
                Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                Err(err) => {
                    self.em.failed(Some(conn.link), tls::stream_error(Op::Receive, conn.link.peer, &err));
                    self.abandon(conn);
                    return Err(Flow::End(CloseReason::Failed));
                }
            }
        }
        // The turn's reads are done and more may wait: the loop looks at its commands and
        // deadlines, then reads on at once.
        conn.unread = true;
        Ok(())
    }
}

/// Opens a message for sending over TCP, where an empty one would have no echo to wait for.
fn open_for_tcp(payload: &Payload, counter: u64, captures: &Captures) -> Result<Pieces, Error> {
    let pieces = payload.open(counter, captures)?;
    if pieces.len == 0 {
        return Err(Error::new(ErrorKind::InvalidInput, Op::Send, payload.target(), Reason::EmptyOverTcp));
    }
    Ok(pieces)
}

/// Compares received bytes with the open exchanges, in order. An exchange ends as soon as its
/// echo is whole, or at its first differing byte (a reply that is not the echo need not be
/// waited for). Returns the check of the last exchange this read ended, and how many bytes
/// came beyond every open exchange (an echo is exactly the bytes sent: anything more is not).
fn match_echo(exchanges: &mut VecDeque<Exchange>, mut data: &[u8]) -> (Option<EchoCheck>, usize) {
    let mut done = None;
    while !data.is_empty() {
        let Some(front) = exchanges.front_mut() else { break };
        front.progress = Instant::now();
        while !data.is_empty()
            && front.matches
            && let Some(piece) = front.unechoed.front_mut()
        {
            let n = piece.len().min(data.len());
            if data[..n] != piece[..n] {
                front.matches = false;
            }
            *piece = piece.slice(n..);
            if piece.is_empty() {
                front.unechoed.pop_front();
            }
            front.unechoed_len -= n as u64;
            front.echoed += n as u64;
            data = &data[n..];
        }
        if front.echoed == front.pieces.len || !front.matches {
            let rtt_us = u64::try_from(front.started.elapsed().as_micros()).unwrap_or(u64::MAX);
            // The size of what was sent, on TCP as on UDP, whatever came back.
            let bytes = usize::try_from(front.pieces.len).unwrap_or(usize::MAX);
            done = Some(EchoCheck { rtt_us, matches: front.matches, bytes });
            exchanges.pop_front();
            if done.is_some_and(|d| !d.matches) {
                // The rest of this read belongs to the reply that was not an echo.
                return (done, 0);
            }
        } else if !data.is_empty() {
            // More than this exchange has written so far: it cannot be its echo.
            front.matches = false;
        }
    }
    (done, data.len())
}
