//! One thread of a UDP load run: an epoll loop over its share of the sockets.
//!
//! Every datagram starts with its sequence number (8 bytes, little-endian), followed by the
//! pattern stream at an offset that depends on it, so each echo is matched to what was sent
//! and checked byte for byte. A datagram with no echo within the timeout counts as lost; an
//! echo that arrives after that counts as late.

use std::collections::{HashSet, VecDeque};
use std::io;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::{Duration, Instant};

use mio::net::UdpSocket;
use mio::{Events, Interest, Poll, Token};

use super::pattern::Pattern;
use super::{Clock, LoadConfig, Tally, new_poll, poll_events};
use crate::engine::error::Reason;
use crate::engine::{Error, ErrorKind, Op};

/// Bytes at the start of each datagram that carry its sequence number.
pub const HEADER: usize = 8;
/// How often losses and rate timers are looked at.
const TICK: Duration = Duration::from_millis(5);

/// Lost sequence numbers remembered per socket.
const MAX_REMEMBERED_LOST: usize = 65_536;

struct Sock {
    socket: Option<UdpSocket>,
    seed: u64,
    next_seq: u64,
    /// Datagrams sent and not yet echoed, oldest first.
    outstanding: VecDeque<(u64, Instant)>,
    /// Datagrams counted lost, so that a late echo is told from a second one.
    lost: HashSet<u64>,
    quota: u64,
    next_at: Instant,
    echoed: u64,
}

struct Thread<'a> {
    config: &'a LoadConfig,
    clock: &'a Clock,
    pattern: &'a Pattern,
    poll: Poll,
    tally: Tally,
    socks: Vec<Sock>,
    active: usize,
    window: usize,
    interval: Option<Duration>,
    out: Vec<u8>,
    buf: Vec<u8>,
}

fn open(target: SocketAddr) -> io::Result<UdpSocket> {
    let local: SocketAddr = match target {
        SocketAddr::V4(_) => (Ipv4Addr::UNSPECIFIED, 0).into(),
        SocketAddr::V6(_) => (Ipv6Addr::UNSPECIFIED, 0).into(),
    };
    let socket = std::net::UdpSocket::bind(local)?;
    // Connected, so that an ICMP "port unreachable" comes back as "refused".
    socket.connect(target)?;
    socket.set_nonblocking(true)?;
    Ok(UdpSocket::from_std(socket))
}

pub(super) fn run_thread(config: &LoadConfig, thread: usize, clock: &Clock, pattern: &Pattern) -> Tally {
    let mut tally = Tally::for_config(config);
    let Some(poll) = new_poll(&mut tally) else { return tally };
    let start = Instant::now();
    let mut socks = Vec::new();
    for index in config.slots(thread) {
        let quota = config.quota(index);
        if quota == 0 {
            continue;
        }
        let key = socks.len();
        let socket = match open(config.target) {
            Ok(mut socket) => {
                let interest = Interest::READABLE | Interest::WRITABLE;
                match poll.registry().register(&mut socket, Token(key), interest) {
                    Ok(()) => Some(socket),
                    Err(err) => {
                        tally.error(&Error::io(Op::Connect, config.target, &err));
                        None
                    }
                }
            }
            Err(err) => {
                tally.error(&Error::io(Op::Connect, config.target, &err));
                None
            }
        };
        if socket.is_some() {
            tally.connects += 1;
        }
        let seed = (index as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 7;
        socks.push(Sock {
            socket,
            seed,
            next_seq: 0,
            outstanding: VecDeque::new(),
            lost: HashSet::new(),
            quota,
            next_at: start,
            echoed: 0,
        });
    }
    let active = socks.iter().filter(|s| s.socket.is_some()).count();
    let mut me = Thread {
        config,
        clock,
        pattern,
        poll,
        tally,
        socks,
        active,
        window: config.window_for().max(1),
        interval: config.interval(),
        out: vec![0; config.size],
        buf: vec![0; 65_536],
    };
    me.run();
    me.tally.publish(config.progress.as_deref(), Instant::now(), true);
    me.tally
}

impl Thread<'_> {
    fn run(&mut self) {
        let mut events = Events::with_capacity(1024);
        let mut last_tick = Instant::now();
        for key in 0..self.socks.len() {
            self.drive(key);
        }
        while self.active > 0 {
            let now = Instant::now();
            if now.duration_since(last_tick) >= TICK {
                last_tick = now;
                self.tick(now);
                self.tally.publish(self.config.progress.as_deref(), now, false);
            }
            if self.active == 0 {
                break;
            }
            if !poll_events(&mut self.poll, &mut events, TICK, &mut self.tally) {
                return;
            }
            for event in events.iter() {
                self.drive(event.token().0);
            }
        }
    }

    /// Losses, rate timers, and the end of each socket. A socket is driven here only when
    /// something changed without an event: a loss freed its window, its rate timer is due, or
    /// the run is stopping and it may be done.
    fn tick(&mut self, now: Instant) {
        let timeout = self.config.timeout;
        let stopping = self.clock.stopping(now);
        for key in 0..self.socks.len() {
            let sock = &mut self.socks[key];
            if sock.socket.is_none() {
                continue;
            }
            let mut expired = false;
            while let Some(&(seq, sent)) = sock.outstanding.front() {
                if now.duration_since(sent) < timeout {
                    break;
                }
                sock.outstanding.pop_front();
                self.tally.lost += 1;
                if sock.lost.len() >= MAX_REMEMBERED_LOST {
                    sock.lost.clear();
                }
                sock.lost.insert(seq);
                expired = true;
            }
            let due = self.interval.is_some() && now >= sock.next_at;
            if expired || due || stopping {
                self.drive(key);
            }
        }
    }

    fn finish(&mut self, key: usize) {
        let sock = &mut self.socks[key];
        if let Some(mut socket) = sock.socket.take() {
            let _ = self.poll.registry().deregister(&mut socket);
            self.tally.lost += sock.outstanding.len() as u64;
            sock.outstanding.clear();
            self.active -= 1;
        }
    }

    fn fail(&mut self, key: usize, op: Op, err: &io::Error) {
        self.tally.error(&Error::io(op, self.config.target, err));
        self.finish(key);
    }

    fn drive(&mut self, key: usize) {
        loop {
            if let Err(err) = self.send(key) {
                return self.fail(key, Op::Send, &err);
            }
            match self.receive(key) {
                Ok(true) => {}
                Ok(false) => break,
                Err(err) => return self.fail(key, Op::Receive, &err),
            }
        }
        let stopping = self.clock.stopping(Instant::now());
        let sock = &self.socks[key];
        if sock.socket.is_some() && sock.outstanding.is_empty() && (sock.quota == 0 || stopping) {
            self.finish(key);
        }
    }

    fn send(&mut self, key: usize) -> io::Result<()> {
        let size = self.config.size;
        let sock = &mut self.socks[key];
        let Some(socket) = sock.socket.as_ref() else { return Ok(()) };
        loop {
            let now = Instant::now();
            let may_send = sock.quota > 0
                && !self.clock.stopping(now)
                && sock.outstanding.len() < self.window
                && self.interval.is_none_or(|_| now >= sock.next_at);
            if !may_send {
                return Ok(());
            }
            let seq = sock.next_seq;
            self.out[..HEADER].copy_from_slice(&seq.to_le_bytes());
            let body = self.pattern.at(sock.seed, seq.wrapping_mul(size as u64), size - HEADER);
            self.out[HEADER..].copy_from_slice(body);
            match socket.send(&self.out) {
                Ok(n) => {
                    sock.next_seq += 1;
                    sock.quota -= 1;
                    sock.outstanding.push_back((seq, now));
                    if let Some(interval) = self.interval {
                        let floor = now.checked_sub(Duration::from_secs(1)).unwrap_or(now);
                        sock.next_at = (sock.next_at + interval).max(floor);
                    }
                    self.tally.messages_sent += 1;
                    self.tally.bytes_sent += n as u64;
                }
                Err(err) if err.kind() == io::ErrorKind::WouldBlock => return Ok(()),
                Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                Err(err) => return Err(err),
            }
        }
    }

    /// Reads every waiting echo. `Ok(true)`: something arrived.
    fn receive(&mut self, key: usize) -> io::Result<bool> {
        let size = self.config.size;
        let target = self.config.target;
        let sock = &mut self.socks[key];
        let Some(socket) = sock.socket.as_ref() else { return Ok(false) };
        let mut got = false;
        loop {
            let n = match socket.recv(&mut self.buf) {
                Ok(n) => n,
                Err(err) if err.kind() == io::ErrorKind::WouldBlock => return Ok(got),
                Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                Err(err) => return Err(err),
            };
            got = true;
            let now = Instant::now();
            let data = &self.buf[..n];
            let seq = data.get(..HEADER).and_then(|h| h.try_into().ok()).map(u64::from_le_bytes);
            let position = seq.and_then(|seq| sock.outstanding.iter().position(|&(s, _)| s == seq));
            let Some(position) = position else {
                match seq {
                    Some(seq) if seq < sock.next_seq && sock.lost.remove(&seq) => self.tally.late += 1,
                    Some(seq) if seq < sock.next_seq => self.tally.duplicates += 1,
                    _ => {
                        self.tally.mismatches += 1;
                        let reason = Reason::UnknownDatagram { bytes: n as u64 };
                        self.tally.error(&Error::new(ErrorKind::Other, Op::Receive, target, reason));
                    }
                }
                continue;
            };
            let Some((seq, sent)) = sock.outstanding.remove(position) else { continue };
            let body = self.pattern.at(sock.seed, seq.wrapping_mul(size as u64), size - HEADER);
            if n != size || data[HEADER..] != *body {
                self.tally.mismatches += 1;
                let reason = if n == size {
                    Reason::DatagramDiffers { size: size as u64 }
                } else {
                    Reason::DatagramLength { size: size as u64, got: n as u64 }
                };
                self.tally.error(&Error::new(ErrorKind::Other, Op::Receive, target, reason));
                continue;
            }
            self.tally.bytes_received += n as u64;
            self.tally.messages_echoed += 1;
            self.tally.record_rtt(sent, now);
            sock.echoed += 1;
            if sock.echoed == 1 {
                self.tally.served += 1;
            }
        }
    }
}
