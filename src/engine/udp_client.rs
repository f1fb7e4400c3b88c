//! The UDP echo client: one datagram out, one back, with a timeout.
//!
//! The socket is connected to the server's address, so that an ICMP port-unreachable shows
//! as "refused" rather than as a silent timeout. A reply longer than the receive buffer is
//! reported as truncated. For the first message, every resolved address is tried in turn.

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::{Duration, Instant};

use bytes::Bytes;
use crossbeam_channel::Receiver;
use mio::net::UdpSocket;
use socket2::{Domain, Socket, Type};

use super::group;
use super::sockopt::OptionSet;
use mio::{Events, Interest, Poll, Token};

use super::error::Reason;
use super::event::Notice;
use super::expect::ReplyEnd;
use super::payload::Outbox;
use super::template::Captures;
use super::{
    ClientConfig, CloseReason, Command, EchoCheck, Emitter, Error, ErrorKind, EventKind, Link,
    MAX_UDP_BUFFER, Op, Payload, Stats,
};

const SOCK: Token = Token(1);
/// Large enough for any datagram, so that truncation can be measured, not guessed.
const RECV_BYTES: usize = 65_536;
/// The largest UDP payload (IPv4).
pub const MAX_DATAGRAM: usize = 65_507;

/// How one exchange ended.
enum Outcome {
    Echoed,
    /// Nothing came back in time (or the peer refused); worth trying the next address.
    NoAnswer(Error),
    End(CloseReason),
}

struct Client<'a> {
    config: ClientConfig,
    poll: Poll,
    commands: Receiver<Command>,
    em: &'a Emitter,
    queue: Outbox,
    /// The message being exchanged, kept while another address is tried.
    current: Option<Payload>,
    /// What the last expectation captured, for `{1}` and `{name}` in the next message.
    captures: Captures,
    buf: Vec<u8>,
    last_start: Option<Instant>,
    /// Another address of the target is left to try.
    more_addresses: bool,
    /// An answer came on the current socket: the address works, so a silence is a loss.
    answered: bool,
    /// The target is a group (multicast or broadcast): replies come from many responders.
    group: bool,
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
    if config.chunk_bytes == 0 || config.chunk_bytes > MAX_UDP_BUFFER {
        let reason = Reason::BufferRange { max: MAX_UDP_BUFFER as u64 };
        em.failed(None, Error::invalid(config.chunk_bytes, reason));
        return CloseReason::Failed;
    }
    let addrs = match config.target.resolve() {
        Ok(addrs) => addrs,
        Err(err) => {
            em.failed(None, err);
            return CloseReason::Failed;
        }
    };
    let queue = Outbox::new(config.payload.clone(), config.count);
    let mut client = Client {
        config,
        poll,
        commands,
        em,
        queue,
        current: None,
        captures: Captures::default(),
        buf: vec![0; RECV_BYTES],
        last_start: None,
        more_addresses: false,
        answered: false,
        group: false,
    };
    client.run(&addrs)
}

impl Client<'_> {
    fn run(&mut self, addrs: &[SocketAddr]) -> CloseReason {
        let mut events = Events::with_capacity(16);
        let mut index = 0;
        let mut conn = 0;
        loop {
            let Some(addr) = addrs.get(index).copied() else { return CloseReason::Failed };
            conn += 1;
            self.group = self.config.broadcast || addr.ip().is_multicast();
            let (mut socket, link, options_set) = match self.open(addr, conn) {
                Ok(opened) => opened,
                Err(err) => {
                    self.em.failed(None, err);
                    if index + 1 < addrs.len() {
                        index += 1;
                        continue;
                    }
                    return CloseReason::Failed;
                }
            };
            Stats::add(&self.em.stats().connections, 1);
            self.more_addresses = index + 1 < addrs.len();
            self.answered = false;
            self.em.emit(EventKind::Connected(link));
            if !options_set.is_empty() {
                self.em
                    .emit(EventKind::Notice(Notice::OptionsSet { local: link.local, options: options_set }));
            }
            let outcome = self.exchanges(&mut socket, link, &mut events);
            let _ = self.poll.registry().deregister(&mut socket);
            match outcome {
                Outcome::Echoed => return CloseReason::Finished,
                Outcome::End(reason) => return reason,
                Outcome::NoAnswer(err) if index + 1 < addrs.len() && self.last_start.is_some() => {
                    index += 1;
                    let next = addrs[index];
                    // Not a failed echo: the message goes again, to the next address.
                    self.em.emit(EventKind::Notice(Notice::TryingNext { error: err, next }));
                }
                Outcome::NoAnswer(err) => {
                    self.em.failed(Some(link), err);
                    Stats::add(&self.em.stats().echoes_bad, 1);
                    return CloseReason::Failed;
                }
            }
        }
    }

    /// A socket for `addr` with the session's options, bound (to the local address if one is
    /// set), and connected, unless it sends to a group (multicast or broadcast), whose replies
    /// come from many addresses.
    fn open(&mut self, addr: SocketAddr, conn: u64) -> Result<(UdpSocket, Link, Vec<OptionSet>), Error> {
        let any = match addr.ip() {
            IpAddr::V4(_) => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
            IpAddr::V6(_) => IpAddr::V6(Ipv6Addr::UNSPECIFIED),
        };
        let io = |op, target: SocketAddr| move |e: io::Error| Error::io(op, target, &e);
        let socket = Socket::new(Domain::for_address(addr), Type::DGRAM, Some(socket2::Protocol::UDP))
            .map_err(io(Op::Bind, addr))?;
        let multicast = addr.ip().is_multicast();
        // A group's TTL is the multicast TTL; the unicast one stays as the system has it.
        let mut options = self.config.options.clone();
        let group_ttl = if multicast { options.ttl.take() } else { None };
        let mut set = options.apply(&socket, false).map_err(|e| e.error(addr))?;
        if multicast {
            set.extend(
                group::sender(&socket, addr, group_ttl, self.config.multicast_loop)
                    .map_err(|e| e.error(addr))?,
            );
        }
        if self.config.broadcast {
            socket.set_broadcast(true).map_err(io(Op::SetOption, addr))?;
            set.push(OptionSet { name: "SO_BROADCAST".into(), asked: "on".into(), granted: "on".into() });
        }
        let local = match self.config.options.local_addr() {
            Ok(Some(local)) => local,
            _ => SocketAddr::new(any, 0),
        };
        socket.bind(&local.into()).map_err(io(Op::Bind, local))?;
        socket.set_nonblocking(true).map_err(io(Op::Bind, local))?;
        let mut socket = UdpSocket::from_std(socket.into());
        if !self.group {
            socket.connect(addr).map_err(io(Op::Connect, addr))?;
        }
        self.poll
            .registry()
            .register(&mut socket, SOCK, Interest::READABLE)
            .map_err(io(Op::Connect, addr))?;
        let local = socket.local_addr().map_err(io(Op::Bind, local))?;
        Ok((socket, Link { conn, local, peer: addr }, set))
    }

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

    /// Sends every queued message in turn and waits for each echo; in persistent mode, then
    /// waits for more.
    fn exchanges(&mut self, socket: &mut UdpSocket, link: Link, events: &mut Events) -> Outcome {
        let mut unread = false;
        loop {
            if let Some(reason) = self.drain_commands() {
                return Outcome::End(reason);
            }
            if self.current.is_none() {
                self.current = self.queue.pop();
            }
            let Some(payload) = self.current.clone() else {
                if !self.config.persistent || self.config.close_when_done {
                    return Outcome::Echoed;
                }
                // Persistent: wait for a command, and report whatever arrives meanwhile. A
                // peer that never stops sending still lets the commands (Stop) through: after
                // a turn's datagrams, the next look does not wait.
                let wait = if unread { Some(Duration::ZERO) } else { None };
                if let Err(err) = self.poll.poll(events, wait)
                    && err.kind() != io::ErrorKind::Interrupted
                {
                    return Outcome::End(CloseReason::Failed);
                }
                match self.drain_unsolicited(socket, link) {
                    Ok(more) => unread = more,
                    Err(reason) => return Outcome::End(reason),
                }
                continue;
            };
            if let Some(last) = self.last_start {
                let until = last + Duration::from_millis(self.config.interval_ms);
                if let Some(reason) = self.sleep_until(until, events) {
                    return Outcome::End(reason);
                }
            }
            let counter = self.em.stats().exchanges.load(std::sync::atomic::Ordering::Relaxed) + 1;
            let data = match payload.read_whole(MAX_DATAGRAM, counter, &self.captures) {
                Ok(data) => data,
                Err(error) => {
                    self.current = None;
                    self.em.failed(Some(link), error);
                    Stats::add(&self.em.stats().echoes_bad, 1);
                    if !self.config.persistent {
                        return Outcome::End(CloseReason::Failed);
                    }
                    continue;
                }
            };
            match self.exchange(socket, link, &data, events) {
                Outcome::Echoed => {
                    self.answered = true;
                    self.current = None;
                }
                // A silence on an address that answers (or the last one to try) is one lost
                // datagram: count it and go on with the next message.
                Outcome::NoAnswer(error)
                    if matches!(error.reason, Reason::NoReply { .. })
                        && (self.answered || !self.more_addresses) =>
                {
                    self.current = None;
                    Stats::add(&self.em.stats().echoes_bad, 1);
                    let lost = EventKind::Lost {
                        link,
                        bytes: data.len() as u64,
                        timeout_ms: self.config.timeout_ms,
                    };
                    if !self.em.emit(lost) {
                        return Outcome::End(CloseReason::Stopped);
                    }
                }
                other => return other,
            }
        }
    }

    fn sleep_until(&mut self, until: Instant, events: &mut Events) -> Option<CloseReason> {
        loop {
            if let Some(reason) = self.drain_commands() {
                return Some(reason);
            }
            let now = Instant::now();
            if now >= until {
                return None;
            }
            let _ = self.poll.poll(events, Some(until - now));
        }
    }

    fn exchange(&mut self, socket: &mut UdpSocket, link: Link, data: &Bytes, events: &mut Events) -> Outcome {
        let started = Instant::now();
        Stats::add(&self.em.stats().exchanges, 1);
        self.last_start = Some(started);
        let sent = if self.group { socket.send_to(data, link.peer) } else { socket.send(data) };
        match sent {
            Ok(_) => {}
            Err(err) => {
                let error = Error::io(Op::Send, link.peer, &err);
                return if error.kind == ErrorKind::Refused {
                    Outcome::NoAnswer(refused(link.peer))
                } else {
                    self.em.failed(Some(link), error);
                    Outcome::End(CloseReason::Failed)
                };
            }
        }
        Stats::add(&self.em.stats().bytes_out, data.len() as u64);
        Stats::add(&self.em.stats().datagrams_out, 1);
        if !self.em.emit(EventKind::Sent { link, data: data.clone() }) {
            return Outcome::End(CloseReason::Stopped);
        }
        let deadline = started + Duration::from_millis(self.config.timeout_ms.max(1));
        if self.group {
            return self.collect(socket, link, data, started, deadline, events);
        }
        loop {
            match socket.recv(&mut self.buf) {
                Ok(n) if !self.config.expect.is_echo() => {
                    // Other expectations: a datagram is a whole reply; judge it.
                    let kept = n.min(self.config.chunk_bytes);
                    self.record(link, kept, n > kept, None);
                    let mut reply = self.buf[..kept].to_vec();
                    // A delimiter ends the datagram's text: match what stands before it.
                    if let ReplyEnd::Delimiter(_) = self.config.reply_end
                        && let Some((_, matched)) = self.config.reply_end.split(&reply, data.len())
                    {
                        reply.truncate(matched);
                    }
                    self.conclude(link, data, Some(reply), started);
                    return Outcome::Echoed;
                }
                Ok(n) => {
                    let rtt_us = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
                    let kept = n.min(self.config.chunk_bytes);
                    let truncated = n > kept;
                    let matches = !truncated && self.buf[..n] == data[..];
                    Stats::add(
                        if matches { &self.em.stats().echoes_ok } else { &self.em.stats().echoes_bad },
                        1,
                    );
                    self.record(
                        link,
                        kept,
                        truncated,
                        Some(EchoCheck { rtt_us, matches, bytes: data.len() }),
                    );
                    if truncated {
                        let buffer = self.config.chunk_bytes as u64;
                        self.em.emit(EventKind::Notice(Notice::ReplyTruncated { bytes: n as u64, buffer }));
                    }
                    return Outcome::Echoed;
                }
                Err(err) if err.kind() == io::ErrorKind::WouldBlock => {}
                Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                Err(err) => {
                    let error = Error::io(Op::Receive, link.peer, &err);
                    if error.kind == ErrorKind::Refused {
                        return Outcome::NoAnswer(refused(link.peer));
                    }
                    self.em.failed(Some(link), error);
                    return Outcome::End(CloseReason::Failed);
                }
            }
            if let Some(reason) = self.drain_commands() {
                Stats::add(&self.em.stats().echoes_bad, 1);
                return Outcome::End(reason);
            }
            let now = Instant::now();
            if now >= deadline && !self.config.expect.is_echo() {
                self.conclude(link, data, None, started);
                return Outcome::Echoed;
            }
            if now >= deadline {
                let reason = Reason::NoReply { timeout_ms: self.config.timeout_ms };
                return Outcome::NoAnswer(Error::new(ErrorKind::TimedOut, Op::Receive, link.peer, reason));
            }
            if let Err(err) = self.poll.poll(events, Some(deadline - now))
                && err.kind() != io::ErrorKind::Interrupted
            {
                self.em.failed(Some(link), Error::io(Op::Receive, link.peer, &err));
                return Outcome::End(CloseReason::Failed);
            }
        }
    }

    /// A message sent to a group: every reply until the deadline (or the count asked for),
    /// one line per reply, each checked against what was sent; then how many responders
    /// answered.
    fn collect(
        &mut self,
        socket: &mut UdpSocket,
        link: Link,
        data: &Bytes,
        started: Instant,
        deadline: Instant,
        events: &mut Events,
    ) -> Outcome {
        let mut responders: Vec<SocketAddr> = Vec::new();
        let mut replies = 0u64;
        // The message counts as echoed once, when every responder's echo matched.
        let mut all_match = true;
        let limit = self.config.replies;
        let enough = |replies: u64| limit.is_some_and(|n| replies >= n);
        loop {
            match socket.recv_from(&mut self.buf) {
                Ok((n, from)) => {
                    replies += 1;
                    if !responders.contains(&from) {
                        responders.push(from);
                    }
                    let rtt_us = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
                    let kept = n.min(self.config.chunk_bytes);
                    let reply_link = Link { peer: from, ..link };
                    if self.config.expect.is_echo() {
                        let matches = n == kept && self.buf[..n] == data[..];
                        all_match &= matches;
                        self.record(
                            reply_link,
                            kept,
                            n > kept,
                            Some(EchoCheck { rtt_us, matches, bytes: data.len() }),
                        );
                    } else {
                        self.record(reply_link, kept, n > kept, None);
                        let reply = self.buf[..kept].to_vec();
                        self.conclude(reply_link, data, Some(reply), started);
                    }
                    if enough(replies) {
                        break;
                    }
                    continue;
                }
                Err(err) if err.kind() == io::ErrorKind::WouldBlock => {}
                Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                Err(err) => {
                    self.em.failed(Some(link), Error::io(Op::Receive, link.peer, &err));
                    return Outcome::End(CloseReason::Failed);
                }
            }
            if let Some(reason) = self.drain_commands() {
                return Outcome::End(reason);
            }
            let now = Instant::now();
            if now >= deadline {
                break;
            }
            if let Err(err) = self.poll.poll(events, Some(deadline - now))
                && err.kind() != io::ErrorKind::Interrupted
            {
                self.em.failed(Some(link), Error::io(Op::Receive, link.peer, &err));
                return Outcome::End(CloseReason::Failed);
            }
        }
        if replies == 0 {
            let reason = Reason::NoReply { timeout_ms: self.config.timeout_ms };
            return Outcome::NoAnswer(Error::new(ErrorKind::TimedOut, Op::Receive, link.peer, reason));
        }
        if self.config.expect.is_echo() {
            let stats = self.em.stats();
            Stats::add(if all_match { &stats.echoes_ok } else { &stats.echoes_bad }, 1);
        }
        let waited_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        let notice =
            Notice::Responders { group: link.peer, replies, responders: responders.len() as u64, waited_ms };
        self.em.emit(EventKind::Notice(notice));
        Outcome::Echoed
    }

    /// Gives an expectation's verdict on a reply (`None`: nothing came in time) and says it.
    fn conclude(&mut self, link: Link, sent: &[u8], reply: Option<Vec<u8>>, started: Instant) {
        let rtt_us = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
        let (check, captures) =
            self.config.expect.judge(sent, reply.as_deref(), rtt_us, self.config.timeout_ms);
        if check.passed() && captures != Captures::default() {
            self.captures = captures;
        }
        self.em.checked(link, check);
    }

    /// Reports datagrams that arrive while no exchange is open.
    /// Reports what came unasked, at most [`DATAGRAMS_PER_TURN`]; `Ok(true)` when more may be
    /// waiting.
    fn drain_unsolicited(&mut self, socket: &mut UdpSocket, link: Link) -> Result<bool, CloseReason> {
        for _ in 0..DATAGRAMS_PER_TURN {
            match socket.recv(&mut self.buf) {
                Ok(n) => {
                    let kept = n.min(self.config.chunk_bytes);
                    self.record(link, kept, n > kept, None);
                }
                Err(err) if err.kind() == io::ErrorKind::WouldBlock => return Ok(false),
                Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                Err(err) => {
                    self.em.failed(Some(link), Error::io(Op::Receive, link.peer, &err));
                    return Err(CloseReason::Failed);
                }
            }
        }
        Ok(true)
    }

    fn record(&self, link: Link, kept: usize, truncated: bool, echo: Option<EchoCheck>) {
        Stats::add(&self.em.stats().bytes_in, kept as u64);
        Stats::add(&self.em.stats().datagrams_in, 1);
        let data = Bytes::copy_from_slice(&self.buf[..kept]);
        self.em.emit(EventKind::Received { link, data, truncated, echo });
    }
}

/// Datagrams read between looks at the commands, when nothing was asked.
const DATAGRAMS_PER_TURN: usize = 256;

fn refused(peer: SocketAddr) -> Error {
    Error::new(ErrorKind::Refused, Op::Send, peer, Reason::UdpRefused)
}
