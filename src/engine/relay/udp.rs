//! The UDP relay: a socket to the target for each client address heard from (a flow, let go
//! after two idle minutes), datagrams delayed, capped or dropped on the way.

use std::collections::HashMap;
use std::io::{self};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use bytes::Bytes;
use crossbeam_channel::Receiver;
use mio::net::UdpSocket;
use mio::{Events, Interest, Poll, Token};
use slab::Slab;
use socket2::Type;

use crate::engine::event::Notice;
use crate::engine::listen::server_socket;
use crate::engine::{CloseReason, Command, Detail, Emitter, Error, EventKind, Link, Op, Stats};

use super::{CONN_BASE, LISTEN_BASE, RelayConfig, listen};

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

pub(super) struct UdpRelay<'a> {
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
    pub(super) fn start(
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

    pub(super) fn run(&mut self, commands: &Receiver<Command>) -> CloseReason {
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
