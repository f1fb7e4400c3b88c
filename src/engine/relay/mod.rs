//! A relay: it accepts clients and opens, for each, a connection (TCP) or a socket (UDP) to
//! the target, forwards bytes both ways, and records both legs in one transcript: client →
//! relay and relay → server each have their own link, so every chunk shows when it arrived
//! and when it went on. Faults for testing clients: added latency, a bandwidth cap, dropped
//! UDP datagrams, and a TCP connection cut (closed or reset) after N bytes.
//!
//! One mio loop serves every pair. Each direction keeps a queue of chunks with the time they
//! may go (the latency); a full queue stops reading from its source, so memory stays bounded
//! and backpressure reaches the sender.

use std::io::{self};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use crossbeam_channel::Receiver;
use mio::{Interest, Poll, Token};

use super::event::Notice;
use super::listen::bind_all;
use super::{
    CloseReason, Command, Detail, Emitter, Endpoint, Error, EventKind, Op, Protocol, is_all_interfaces,
};

mod tcp;
mod udp;

use tcp::TcpRelay;
use udp::UdpRelay;

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
