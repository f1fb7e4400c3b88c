//! One thread of a TCP load run: an epoll loop over its share of the connections.
//!
//! Each connection writes the pattern stream while no more than the window is unechoed,
//! reads whatever comes back, and checks it against the stream at the same offset. A message's
//! round trip runs from its first byte written to its last byte echoed. In connect mode each
//! connection carries one message and closes, and the slot opens the next one.

use std::collections::VecDeque;
use std::io::{self, Read, Write};
use std::time::{Duration, Instant};

use mio::net::TcpStream;
use mio::{Events, Interest, Poll, Token};

use super::pattern::{Pattern, SPAN};
use super::{Clock, LoadConfig, Mode, Tally, new_poll, poll_events};
use crate::engine::error::Reason;
use crate::engine::{Error, ErrorKind, Op};

/// Connects in progress per thread: more would overflow the server's backlog in a burst.
const MAX_CONNECTING: usize = 256;
/// How often timeouts and rate timers are looked at.
const TICK: Duration = Duration::from_millis(5);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Not connected yet, or between two connections in connect mode.
    Waiting,
    Connecting(Instant),
    Open,
    Done,
}

struct Conn {
    index: usize,
    state: State,
    stream: Option<TcpStream>,
    /// Connections this slot has opened; part of the seed.
    generation: u64,
    seed: u64,
    sent: u64,
    received: u64,
    /// The message being written: its end offset and when its first byte went.
    writing: Option<(u64, Instant)>,
    /// Messages written and not yet fully echoed.
    inflight: VecDeque<(u64, Instant)>,
    /// Connections still to open (connect mode), or 1.
    conn_quota: u64,
    /// Messages still to start on this connection.
    msg_quota: u64,
    next_at: Instant,
    echoed_here: u64,
}

/// A fresh seed per connection: neighbours and reconnections get unrelated streams.
fn seed(index: usize, generation: u64) -> u64 {
    let mut z =
        (index as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ generation.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z ^= z >> 31;
    z.wrapping_mul(0x94D0_49BB_1331_11EB)
}

struct Thread<'a> {
    config: &'a LoadConfig,
    clock: &'a Clock,
    pattern: &'a Pattern,
    poll: Poll,
    tally: Tally,
    conns: Vec<Conn>,
    waiting: VecDeque<usize>,
    connecting: usize,
    active: usize,
    window: u64,
    interval: Option<Duration>,
    buf: Vec<u8>,
}

pub(super) fn run_thread(config: &LoadConfig, thread: usize, clock: &Clock, pattern: &Pattern) -> Tally {
    let mut tally = Tally::for_config(config);
    let Some(poll) = new_poll(&mut tally) else { return tally };
    let start = Instant::now();
    let connect_mode = config.mode == Mode::Connect;
    let conns: Vec<Conn> = config
        .slots(thread)
        .map(|index| {
            let quota = config.quota(index);
            Conn {
                index,
                state: State::Waiting,
                stream: None,
                generation: 0,
                seed: 0,
                sent: 0,
                received: 0,
                writing: None,
                inflight: VecDeque::new(),
                conn_quota: if connect_mode { quota } else { 1 },
                msg_quota: if connect_mode { 1 } else { quota },
                next_at: start,
                echoed_here: 0,
            }
        })
        .filter(|c| c.conn_quota > 0 && c.msg_quota > 0)
        .collect();
    let mut me = Thread {
        config,
        clock,
        pattern,
        poll,
        tally,
        waiting: (0..conns.len()).collect(),
        active: conns.len(),
        conns,
        connecting: 0,
        window: config.window_for() as u64,
        interval: config.interval(),
        buf: vec![0; SPAN],
    };
    me.run();
    me.tally.publish(config.progress.as_deref(), Instant::now(), true);
    me.tally
}

impl Thread<'_> {
    fn run(&mut self) {
        let mut events = Events::with_capacity(1024);
        let mut last_tick = Instant::now();
        let mut stop_handled = false;
        while self.active > 0 {
            let now = Instant::now();
            let stopping = self.clock.stopping(now);
            if stopping && !stop_handled {
                stop_handled = true;
                self.stop_idle();
            }
            if !stopping {
                self.open_waiting(now);
            }
            if now.duration_since(last_tick) >= TICK {
                last_tick = now;
                self.tick(now, stopping);
                self.tally.publish(self.config.progress.as_deref(), now, false);
            }
            if self.active == 0 {
                break;
            }
            let wait =
                if stopping { TICK } else { TICK.min(self.clock.deadline.saturating_duration_since(now)) };
            if !poll_events(&mut self.poll, &mut events, wait, &mut self.tally) {
                return;
            }
            for event in events.iter() {
                self.drive(event.token().0);
            }
        }
    }

    /// Opens waiting connections while fewer than `MAX_CONNECTING` are in progress.
    fn open_waiting(&mut self, now: Instant) {
        while self.connecting < MAX_CONNECTING {
            let Some(key) = self.waiting.pop_front() else { return };
            let target = self.config.target;
            let conn = &mut self.conns[key];
            match TcpStream::connect(target) {
                Ok(mut stream) => {
                    let _ = stream.set_nodelay(true);
                    let interest = Interest::READABLE | Interest::WRITABLE;
                    if let Err(err) = self.poll.registry().register(&mut stream, Token(key), interest) {
                        self.tally.error(&Error::io(Op::Connect, target, &err));
                        self.finish(key, true);
                        continue;
                    }
                    conn.stream = Some(stream);
                    conn.state = State::Connecting(now);
                    conn.generation += 1;
                    conn.seed = seed(conn.index, conn.generation);
                    conn.sent = 0;
                    conn.received = 0;
                    conn.echoed_here = 0;
                    conn.conn_quota -= 1;
                    self.connecting += 1;
                }
                Err(err) => {
                    self.tally.error(&Error::io(Op::Connect, target, &err));
                    self.finish(key, true);
                }
            }
        }
    }

    /// Timeouts, rate timers and, when stopping, closing what is idle.
    fn tick(&mut self, now: Instant, stopping: bool) {
        let timeout = self.config.timeout;
        let target = self.config.target;
        for key in 0..self.conns.len() {
            let conn = &self.conns[key];
            match conn.state {
                State::Connecting(since) if now.duration_since(since) >= timeout => {
                    let reason = Reason::ConnectTimedOut { timeout_ms: timeout.as_millis() as u64 };
                    self.tally.error(&Error::new(ErrorKind::TimedOut, Op::Connect, target, reason));
                    self.finish(key, true);
                }
                State::Open => {
                    let oldest = conn.inflight.front().map(|f| f.1).or(conn.writing.map(|w| w.1));
                    if let Some(since) = oldest
                        && now.duration_since(since) >= timeout
                    {
                        let reason = Reason::NoEchoWithin { timeout_ms: timeout.as_millis() as u64 };
                        self.tally.error(&Error::new(ErrorKind::TimedOut, Op::Receive, target, reason));
                        self.finish(key, true);
                    } else if stopping && oldest.is_none() {
                        self.finish(key, false);
                    } else if self.interval.is_some() && now >= conn.next_at {
                        self.drive(key);
                    }
                }
                _ => {}
            }
        }
    }

    /// Closes idle connections and forgets the ones not opened yet.
    fn stop_idle(&mut self) {
        for key in std::mem::take(&mut self.waiting) {
            self.conns[key].conn_quota = 0;
            self.finish(key, true);
        }
        for key in 0..self.conns.len() {
            let conn = &self.conns[key];
            let idle = conn.writing.is_none() && conn.inflight.is_empty();
            if matches!(conn.state, State::Connecting(_)) || (conn.state == State::Open && idle) {
                self.finish(key, false);
            }
        }
    }

    /// Closes a connection. The slot opens another one in connect mode, unless `end` or the
    /// run is stopping; otherwise it is done.
    fn finish(&mut self, key: usize, end: bool) {
        let conn = &mut self.conns[key];
        if conn.state == State::Done {
            return;
        }
        if matches!(conn.state, State::Connecting(_)) {
            self.connecting -= 1;
        }
        if let Some(mut stream) = conn.stream.take() {
            let _ = self.poll.registry().deregister(&mut stream);
        }
        conn.writing = None;
        conn.inflight.clear();
        let again = !end
            && conn.conn_quota > 0
            && self.config.mode == Mode::Connect
            && !self.clock.stopping(Instant::now());
        if again {
            conn.state = State::Waiting;
            conn.msg_quota = 1;
            self.waiting.push_back(key);
        } else {
            conn.state = State::Done;
            self.active -= 1;
        }
    }

    fn fail(&mut self, key: usize, op: Op, err: &io::Error) {
        self.tally.error(&Error::io(op, self.config.target, err));
        self.finish(key, true);
    }

    /// Moves one connection forward as far as its socket allows.
    fn drive(&mut self, key: usize) {
        let now = Instant::now();
        let Some(conn) = self.conns.get_mut(key) else { return };
        if let State::Connecting(since) = conn.state {
            let Some(stream) = &conn.stream else { return };
            match stream.take_error() {
                Ok(Some(err)) | Err(err) => return self.fail(key, Op::Connect, &err),
                Ok(None) => {}
            }
            match stream.peer_addr() {
                Ok(_) => {}
                Err(err) if err.kind() == io::ErrorKind::NotConnected => return,
                Err(err) => return self.fail(key, Op::Connect, &err),
            }
            conn.state = State::Open;
            self.connecting -= 1;
            self.tally.connects += 1;
            self.tally.record_connect(since, now);
        }
        if self.conns[key].state != State::Open {
            return;
        }
        let stopping = self.clock.stopping(now);
        loop {
            if let Err((op, err)) = self.write(key, now, stopping) {
                return self.fail(key, op, &err);
            }
            match self.read(key) {
                Ok(true) => {}
                Ok(false) => break,
                Err(Some((op, err))) => return self.fail(key, op, &err),
                Err(None) => return self.finish(key, true),
            }
        }
        let conn = &self.conns[key];
        if conn.msg_quota == 0 && conn.writing.is_none() && conn.inflight.is_empty() {
            self.finish(key, false);
        }
    }

    /// Writes until the socket is full or no message may start.
    fn write(&mut self, key: usize, now: Instant, stopping: bool) -> Result<(), (Op, io::Error)> {
        let size = self.config.size as u64;
        let conn = &mut self.conns[key];
        let Some(stream) = conn.stream.as_mut() else { return Ok(()) };
        loop {
            let (end, start) = match conn.writing {
                Some(w) => w,
                None => {
                    let may_start = conn.msg_quota > 0
                        && !stopping
                        && conn.sent - conn.received + size <= self.window
                        && self.interval.is_none_or(|_| now >= conn.next_at);
                    if !may_start {
                        return Ok(());
                    }
                    if let Some(interval) = self.interval {
                        conn.next_at = (conn.next_at + interval)
                            .max(now.checked_sub(Duration::from_secs(1)).unwrap_or(now));
                    }
                    conn.msg_quota -= 1;
                    let w = (conn.sent + size, Instant::now());
                    conn.writing = Some(w);
                    w
                }
            };
            let len = ((end - conn.sent) as usize).min(SPAN);
            match stream.write(self.pattern.at(conn.seed, conn.sent, len)) {
                Ok(0) => return Err((Op::Send, io::Error::from(io::ErrorKind::WriteZero))),
                Ok(n) => {
                    conn.sent += n as u64;
                    self.tally.bytes_sent += n as u64;
                    if conn.sent == end {
                        conn.writing = None;
                        conn.inflight.push_back((end, start));
                        self.tally.messages_sent += 1;
                    }
                }
                Err(err) if err.kind() == io::ErrorKind::WouldBlock => return Ok(()),
                Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                Err(err) => return Err((Op::Send, err)),
            }
        }
    }

    /// Reads until the socket is empty. `Ok(true)`: something arrived. `Err(None)`: the
    /// connection ended, already reported.
    fn read(&mut self, key: usize) -> Result<bool, Option<(Op, io::Error)>> {
        let target = self.config.target;
        let conn = &mut self.conns[key];
        let Some(stream) = conn.stream.as_mut() else { return Ok(false) };
        let mut got = false;
        loop {
            match stream.read(&mut self.buf) {
                Ok(0) => {
                    let missing =
                        conn.sent - conn.received + conn.writing.map_or(0, |(end, _)| end - conn.sent);
                    let reason = Reason::ServerClosed { missing };
                    self.tally.error(&Error::new(ErrorKind::Other, Op::Receive, target, reason));
                    return Err(None);
                }
                Ok(n) => {
                    got = true;
                    let now = Instant::now();
                    let data = &self.buf[..n];
                    let unexpected = (conn.received + n as u64).saturating_sub(conn.sent);
                    if unexpected > 0 || !self.pattern.matches(conn.seed, conn.received, data) {
                        let at = self.pattern.first_difference(conn.seed, conn.received, data).unwrap_or(n);
                        let reason = if unexpected > 0 && at == n {
                            Reason::ExtraBytes { count: unexpected }
                        } else {
                            Reason::EchoDiffersAt { offset: conn.received + at as u64 }
                        };
                        self.tally.mismatches += 1;
                        self.tally.error(&Error::new(ErrorKind::Other, Op::Receive, target, reason));
                        return Err(None);
                    }
                    conn.received += n as u64;
                    self.tally.bytes_received += n as u64;
                    while let Some(&(end, start)) = conn.inflight.front() {
                        if end > conn.received {
                            break;
                        }
                        conn.inflight.pop_front();
                        self.tally.messages_echoed += 1;
                        self.tally.record_rtt(start, now);
                        conn.echoed_here += 1;
                        if conn.echoed_here == 1 {
                            self.tally.served += 1;
                        }
                    }
                }
                Err(err) if err.kind() == io::ErrorKind::WouldBlock => return Ok(got),
                Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                Err(err) => return Err(Some((Op::Receive, err))),
            }
        }
    }
}
