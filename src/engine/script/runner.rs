//! The steps worker's loop: one connection (or socket) at a time, each step in order, each
//! reply judged, each step said with its outcome and time.

use std::io::{self, Read, Write};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use bytes::Bytes;
use crossbeam_channel::Receiver;
use mio::net::UdpSocket;

use mio::{Events, Interest, Poll, Token};

use crate::engine::expect::{Expectation, MAX_REPLY, ReplyEnd};
use crate::engine::template::Captures;
use crate::engine::tls::{self, ClientTls, Stream};
use crate::engine::{CloseReason, Command, Emitter, Error, ErrorKind, EventKind, Link, Op, Protocol, Stats};

use super::{Action, ScriptConfig, Step, StepOutcome, StepsSummary};

const SOCK: Token = Token(1);

enum Socket {
    Tcp(Stream),
    Udp(UdpSocket),
}

struct Conn {
    socket: Socket,
    link: Link,
    bytes_in: u64,
    bytes_out: u64,
    /// Bytes read and not yet part of a judged reply.
    unread: Vec<u8>,
    /// The peer closed.
    closed: bool,
}

struct Runner<'a> {
    tls: Option<ClientTls>,
    config: ScriptConfig,
    poll: Poll,
    commands: Receiver<Command>,
    em: &'a Emitter,
    events: Events,
    addrs: Vec<SocketAddr>,
    conn: Option<Conn>,
    next_conn: u64,
    captures: Captures,
    buf: Vec<u8>,
    sent: u64,
    /// This step's wait, after the reply's last byte, for its end to be sure (an idle gap),
    /// in microseconds: reported apart from the reply's time.
    waited_us: u64,
    /// When the last reply's last byte came.
    last_byte: Option<Instant>,
}

/// Why a step could not finish.
enum Halt {
    Stopped,
    Error(Error),
}

impl Runner<'_> {
    pub(super) fn run(&mut self) -> CloseReason {
        let steps = std::mem::take(&mut self.config.steps);
        let mut summary = StepsSummary { passed: 0, failed: 0, skipped: 0, first_failure: None };
        let mut stop = false;
        let mut stopped_by_command = false;
        for step in &steps {
            if stop {
                summary.skipped += 1;
                self.em.emit(EventKind::Step {
                    label: step.label.clone(),
                    outcome: StepOutcome::Skipped,
                    elapsed_us: 0,
                    wait_us: 0,
                });
                continue;
            }
            let started = Instant::now();
            self.waited_us = 0;
            let outcome = match self.step(step) {
                Ok(outcome) => outcome,
                Err(Halt::Stopped) => {
                    stopped_by_command = true;
                    stop = true;
                    StepOutcome::Skipped
                }
                Err(Halt::Error(error)) => StepOutcome::Error { error },
            };
            match &outcome {
                StepOutcome::Passed => summary.passed += 1,
                StepOutcome::Skipped => summary.skipped += 1,
                StepOutcome::Failed { .. } | StepOutcome::Error { .. } => {
                    summary.failed += 1;
                    summary.first_failure.get_or_insert_with(|| step.label.clone());
                    if !self.config.continue_on_failure {
                        stop = true;
                    }
                }
            }
            let total_us = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
            let wait_us = self.waited_us.min(total_us);
            let elapsed_us = total_us - wait_us;
            self.em.emit(EventKind::Step { label: step.label.clone(), outcome, elapsed_us, wait_us });
        }
        self.close();
        self.em.emit(EventKind::StepsEnded(summary));
        if stopped_by_command { CloseReason::Stopped } else { CloseReason::Finished }
    }

    fn step(&mut self, step: &Step) -> Result<StepOutcome, Halt> {
        let timeout = Duration::from_millis(step.timeout_ms.max(1));
        match &step.action {
            Action::Wait(ms) => {
                self.sleep(Duration::from_millis(*ms))?;
                Ok(StepOutcome::Passed)
            }
            Action::Close => {
                self.close();
                Ok(StepOutcome::Passed)
            }
            Action::Reconnect => {
                self.close();
                self.connect(timeout)?;
                Ok(StepOutcome::Passed)
            }
            Action::Send { payload, expect } => {
                if self.conn.is_none() {
                    self.connect(timeout)?;
                }
                self.sent += 1;
                let pieces = payload.open(self.sent, &self.captures).map_err(Halt::Error)?;
                let mut bytes = Vec::new();
                let mut pieces = pieces;
                while let Some(piece) = pieces.next_piece().map_err(Halt::Error)? {
                    bytes.extend_from_slice(&piece);
                }
                let started = Instant::now();
                self.write_all(&bytes, timeout)?;
                match expect {
                    Some(expect) => self.judge(expect, &step.reply_end, &bytes, started, step.timeout_ms),
                    None => Ok(StepOutcome::Passed),
                }
            }
            Action::Expect(expect) => {
                if self.conn.is_none() {
                    self.connect(timeout)?;
                }
                self.judge(expect, &step.reply_end, &[], Instant::now(), step.timeout_ms)
            }
        }
    }

    /// Waits for a reply, judges it, and says the verdict.
    fn judge(
        &mut self,
        expect: &Expectation,
        end: &ReplyEnd,
        sent: &[u8],
        started: Instant,
        timeout_ms: u64,
    ) -> Result<StepOutcome, Halt> {
        let reply =
            self.reply(expect, end, sent.len(), started + Duration::from_millis(timeout_ms.max(1)))?;
        // The reply's time runs to its last byte; an idle gap waited after it is apart.
        let rtt_us = match (end, self.last_byte) {
            (ReplyEnd::Idle(_), Some(last)) if last >= started => {
                self.waited_us = u64::try_from(last.elapsed().as_micros()).unwrap_or(0);
                u64::try_from((last - started).as_micros()).unwrap_or(u64::MAX)
            }
            _ => u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX),
        };
        let (check, captures) = match reply {
            Some((reply, true)) => (expect.unended(end, &reply, rtt_us, timeout_ms), Captures::default()),
            reply => expect.judge(sent, reply.map(|(r, _)| r).as_deref(), rtt_us, timeout_ms),
        };
        if check.passed() && captures != Captures::default() {
            self.captures = captures;
        }
        let link = self.conn.as_ref().map(|c| c.link);
        if let Some(link) = link {
            self.em.checked(link, check.clone());
        }
        Ok(if check.passed() { StepOutcome::Passed } else { StepOutcome::Failed { check } })
    }

    /// Reads until the reply ends (or the deadline): `None` when nothing came; with the
    /// reply, whether the wait ended before the reply's end did.
    fn reply(
        &mut self,
        expect: &Expectation,
        end: &ReplyEnd,
        sent: usize,
        deadline: Instant,
    ) -> Result<Option<(Vec<u8>, bool)>, Halt> {
        let mut last_byte: Option<Instant> = None;
        self.last_byte = None;
        loop {
            let Some(conn) = self.conn.as_mut() else { return Ok(None) };
            let is_udp = matches!(conn.socket, Socket::Udp(_));
            if *expect == Expectation::Nothing && !conn.unread.is_empty() {
                return Ok(Some((std::mem::take(&mut conn.unread), false)));
            }
            if is_udp && !conn.unread.is_empty() {
                let mut reply = std::mem::take(&mut conn.unread);
                if let ReplyEnd::Delimiter(_) = end
                    && let Some((_, matched)) = end.split(&reply, sent)
                {
                    reply.truncate(matched);
                }
                return Ok(Some((reply, false)));
            }
            if let Some((take, matched)) = end.split(&conn.unread, sent) {
                let mut reply: Vec<u8> = conn.unread.drain(..take).collect();
                reply.truncate(matched);
                return Ok(Some((reply, false)));
            }
            let idle_over = match (end, last_byte) {
                (ReplyEnd::Idle(ms), Some(last)) => last.elapsed() >= Duration::from_millis(*ms),
                _ => false,
            };
            if conn.closed || idle_over || Instant::now() >= deadline || conn.unread.len() >= MAX_REPLY {
                let reply = std::mem::take(&mut conn.unread);
                // Not closed, not idle: the timeout (or the size limit) ended the wait, and
                // what came is not the whole reply.
                let unended = !conn.closed && !idle_over && !reply.is_empty() && !is_udp;
                return Ok((!reply.is_empty()).then_some((reply, unended)));
            }
            let mut wake = deadline;
            if let (ReplyEnd::Idle(ms), Some(last)) = (end, last_byte) {
                wake = wake.min(last + Duration::from_millis(*ms));
            }
            if self.read_some()? {
                last_byte = Some(Instant::now());
                self.last_byte = last_byte;
                continue;
            }
            self.wait(Some(wake))?;
        }
    }

    /// Reads what is there. Returns true when bytes came.
    fn read_some(&mut self) -> Result<bool, Halt> {
        let Some(conn) = self.conn.as_mut() else { return Ok(false) };
        let mut got = false;
        loop {
            let read = match &mut conn.socket {
                Socket::Tcp(stream) => stream.read(&mut self.buf),
                Socket::Udp(socket) => socket.recv(&mut self.buf),
            };
            match read {
                Ok(0) if matches!(conn.socket, Socket::Tcp(_)) => {
                    conn.closed = true;
                    self.em.emit(EventKind::PeerClosed(conn.link));
                    return Ok(got);
                }
                Ok(n) => {
                    got = true;
                    conn.bytes_in += n as u64;
                    conn.unread.extend_from_slice(&self.buf[..n]);
                    Stats::add(&self.em.stats().bytes_in, n as u64);
                    let data = Bytes::copy_from_slice(&self.buf[..n]);
                    let event = EventKind::Received { link: conn.link, data, truncated: false, echo: None };
                    if !self.em.emit(event) {
                        return Err(Halt::Stopped);
                    }
                    if matches!(conn.socket, Socket::Udp(_)) {
                        return Ok(true);
                    }
                }
                Err(err) if err.kind() == io::ErrorKind::WouldBlock => return Ok(got),
                Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                Err(err) => return Err(Halt::Error(tls::stream_error(Op::Receive, conn.link.peer, &err))),
            }
        }
    }

    fn write_all(&mut self, data: &[u8], timeout: Duration) -> Result<(), Halt> {
        let deadline = Instant::now() + timeout;
        let mut written = 0;
        // An empty message is an empty datagram over UDP, and nothing over TCP.
        let udp = self.conn.as_ref().is_some_and(|c| matches!(c.socket, Socket::Udp(_)));
        if data.is_empty() && !udp {
            return Ok(());
        }
        while written < data.len() || (data.is_empty() && written == 0) {
            let Some(conn) = self.conn.as_mut() else { return Ok(()) };
            let result = match &mut conn.socket {
                Socket::Tcp(stream) => stream.write(&data[written..]),
                Socket::Udp(socket) => socket.send(&data[written..]).map(|_| data.len() - written),
            };
            match result {
                Ok(n) => {
                    let part = Bytes::copy_from_slice(&data[written..written + n]);
                    written += n;
                    conn.bytes_out += n as u64;
                    Stats::add(&self.em.stats().bytes_out, n as u64);
                    if !self.em.emit(EventKind::Sent { link: conn.link, data: part }) {
                        return Err(Halt::Stopped);
                    }
                    if data.is_empty() {
                        break;
                    }
                }
                Err(err) if err.kind() == io::ErrorKind::WouldBlock => {
                    if Instant::now() >= deadline {
                        let peer = conn.link.peer;
                        return Err(Halt::Error(Error::io(
                            Op::Send,
                            peer,
                            &io::Error::from(io::ErrorKind::TimedOut),
                        )));
                    }
                    // Read while waiting, so a peer that answers as it reads cannot block us.
                    self.read_some()?;
                    self.wait(Some(deadline))?;
                }
                Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                Err(err) => return Err(Halt::Error(tls::stream_error(Op::Send, conn.link.peer, &err))),
            }
        }
        Ok(())
    }

    fn connect(&mut self, timeout: Duration) -> Result<(), Halt> {
        let mut last = None;
        for addr in self.addrs.clone() {
            match self.connect_one(addr, timeout) {
                Ok(()) => return Ok(()),
                Err(Halt::Stopped) => return Err(Halt::Stopped),
                Err(Halt::Error(err)) => last = Some(err),
            }
        }
        let target = self.config.target.to_string();
        Err(Halt::Error(last.unwrap_or_else(|| {
            Error::io(Op::Connect, target, &io::Error::from(io::ErrorKind::AddrNotAvailable))
        })))
    }

    fn connect_one(&mut self, addr: SocketAddr, timeout: Duration) -> Result<(), Halt> {
        let fail = |op, err: &io::Error| Halt::Error(Error::io(op, addr, err));
        let conn_id = self.next_conn;
        match self.config.protocol {
            Protocol::Udp => {
                let any: SocketAddr = if addr.is_ipv4() { "0.0.0.0:0" } else { "[::]:0" }
                    .parse()
                    .unwrap_or_else(|_| SocketAddr::from(([0, 0, 0, 0], 0)));
                let mut socket = UdpSocket::bind(any).map_err(|e| fail(Op::Bind, &e))?;
                socket.connect(addr).map_err(|e| fail(Op::Connect, &e))?;
                self.poll
                    .registry()
                    .register(&mut socket, SOCK, Interest::READABLE)
                    .map_err(|e| fail(Op::Connect, &e))?;
                let local = socket.local_addr().map_err(|e| fail(Op::Bind, &e))?;
                self.opened(Socket::Udp(socket), Link { conn: conn_id, local, peer: addr });
                Ok(())
            }
            Protocol::Tcp => {
                let (mut stream, options_set) =
                    crate::engine::sockopt::tcp_connect(addr, &self.config.options).map_err(|e| {
                        Halt::Error(
                            crate::engine::sockopt::BindFailed::error_of(&e)
                                .unwrap_or_else(|| Error::io(Op::Connect, addr, &e)),
                        )
                    })?;
                self.poll
                    .registry()
                    .register(&mut stream, SOCK, Interest::READABLE | Interest::WRITABLE)
                    .map_err(|e| fail(Op::Connect, &e))?;
                let deadline = Instant::now() + timeout;
                loop {
                    if let Ok(Some(err)) | Err(err) = stream.take_error() {
                        let _ = self.poll.registry().deregister(&mut stream);
                        return Err(fail(Op::Connect, &err));
                    }
                    match stream.peer_addr() {
                        Ok(_) => break,
                        Err(err) if err.kind() == io::ErrorKind::NotConnected => {}
                        Err(err) => {
                            let _ = self.poll.registry().deregister(&mut stream);
                            return Err(fail(Op::Connect, &err));
                        }
                    }
                    if Instant::now() >= deadline {
                        let _ = self.poll.registry().deregister(&mut stream);
                        let mut error =
                            Error::io(Op::Connect, addr, &io::Error::from(io::ErrorKind::TimedOut));
                        error.reason = crate::engine::error::Reason::ConnectTimedOut {
                            timeout_ms: timeout.as_millis() as u64,
                        };
                        return Err(Halt::Error(error));
                    }
                    self.wait(Some(deadline))?;
                }
                let local = stream.local_addr().map_err(|e| fail(Op::Connect, &e))?;
                let stream = match &self.tls {
                    Some(tls) => Stream::client(stream, tls).map_err(|e| fail(Op::Handshake, &e))?,
                    None => Stream::Plain(stream),
                };
                self.opened(Socket::Tcp(stream), Link { conn: conn_id, local, peer: addr });
                if !options_set.is_empty() {
                    self.em.emit(EventKind::Notice(crate::engine::event::Notice::OptionsSet {
                        local,
                        options: options_set,
                    }));
                }
                self.handshake(deadline)
            }
        }
    }

    /// Runs the TLS handshake of a new connection, if it has one, until `deadline`.
    fn handshake(&mut self, deadline: Instant) -> Result<(), Halt> {
        loop {
            let Some(Conn { socket: Socket::Tcp(stream), link, .. }) = self.conn.as_mut() else {
                return Ok(());
            };
            let link = *link;
            if !stream.handshaking() {
                if let Some(tls) = stream.secured() {
                    self.em.emit(EventKind::Secured { link, tls: Box::new(tls) });
                }
                return Ok(());
            }
            if let Err(err) = stream.drive() {
                return Err(Halt::Error(tls::stream_error(Op::Handshake, link.peer, &err)));
            }
            if !stream.handshaking() {
                continue;
            }
            if Instant::now() >= deadline {
                let timeout_ms = self.config.steps.first().map_or(0, |s| s.timeout_ms);
                let reason = crate::engine::error::Reason::TlsHandshakeTimedOut { timeout_ms };
                return Err(Halt::Error(Error::new(ErrorKind::Tls, Op::Handshake, link.peer, reason)));
            }
            self.wait(Some(deadline))?;
        }
    }

    fn opened(&mut self, socket: Socket, link: Link) {
        self.next_conn += 1;
        Stats::add(&self.em.stats().connections, 1);
        self.em.emit(EventKind::Connected(link));
        self.conn = Some(Conn { socket, link, bytes_in: 0, bytes_out: 0, unread: Vec::new(), closed: false });
    }

    fn close(&mut self) {
        if let Some(mut conn) = self.conn.take() {
            let _ = match &mut conn.socket {
                Socket::Tcp(stream) => {
                    stream.close_notify();
                    self.poll.registry().deregister(stream.tcp())
                }
                Socket::Udp(socket) => self.poll.registry().deregister(socket),
            };
            self.em.emit(EventKind::ConnectionClosed {
                link: conn.link,
                bytes_in: conn.bytes_in,
                bytes_out: conn.bytes_out,
            });
        }
    }

    fn sleep(&mut self, pause: Duration) -> Result<(), Halt> {
        let until = Instant::now() + pause;
        while Instant::now() < until {
            // Bytes that come meanwhile are kept for the next expectation.
            self.read_some()?;
            self.wait(Some(until))?;
        }
        Ok(())
    }

    /// Waits for the socket or a command, at most until `until`. A Stop halts the run.
    fn wait(&mut self, until: Option<Instant>) -> Result<(), Halt> {
        while let Ok(command) = self.commands.try_recv() {
            match command {
                Command::Stop | Command::Disconnect(_) => return Err(Halt::Stopped),
                Command::Send { .. } | Command::SendToClients { .. } => {}
            }
        }
        let timeout = until.map(|u| u.saturating_duration_since(Instant::now()));
        match self.poll.poll(&mut self.events, timeout) {
            Ok(()) => Ok(()),
            Err(err) if err.kind() == io::ErrorKind::Interrupted => Ok(()),
            Err(err) => Err(Halt::Error(Error::new(
                ErrorKind::Other,
                Op::Receive,
                self.config.target.to_string(),
                crate::engine::error::Reason::Os { text: err.to_string() },
            ))),
        }
    }
}

pub(crate) fn run(
    config: ScriptConfig,
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
    let buf = vec![0; config.chunk_bytes.max(1)];
    let mut runner = Runner {
        tls,
        config,
        poll,
        commands,
        em,
        events: Events::with_capacity(16),
        addrs,
        conn: None,
        next_conn: 1,
        captures: Captures::default(),
        buf,
        sent: 0,
        waited_us: 0,
        last_byte: None,
    };
    runner.run()
}
