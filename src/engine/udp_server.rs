//! The UDP echo server: every datagram goes back to its sender.
//!
//! One mio loop serves every bound socket (two for `localhost`). Peers get a connection id
//! the first time they send, so a transcript can tell them apart. If the socket's send buffer
//! is full, the datagram waits and that socket stops reading until it drains.

use std::collections::HashMap;
use std::io;
use std::net::SocketAddr;

use bytes::Bytes;
use crossbeam_channel::Receiver;
use mio::net::UdpSocket;
use mio::{Events, Interest, Poll, Token};
use socket2::Type;

use std::time::Instant;

use super::Payload;
use super::error::Reason;
use super::event::Notice;
use super::group;
use super::listen::{bind_all, group_socket, server_socket};
use super::responder::SharedResponder;
use super::sockopt::OptionError;
use super::template::Captures;
use super::{
    CloseReason, Command, Detail, Emitter, Error, EventKind, Link, MAX_UDP_BUFFER, Op, ServerConfig, Stats,
    WAKE, is_all_interfaces,
};

const SOCK_BASE: usize = 1;
/// Peers remembered for their connection ids; past this the table starts afresh, so a flood of
/// distinct senders cannot grow memory without bound.
const MAX_PEERS: usize = 65_536;
/// Datagrams per socket before the loop serves the others.
const READ_BUDGET: usize = 64;

struct Bound {
    socket: UdpSocket,
    local: SocketAddr,
    /// Its place in the list of sockets.
    index: usize,
    /// A datagram whose echo would have blocked.
    pending: Option<(Bytes, Link)>,
    /// Bound to every address (0.0.0.0, `::`): each datagram's destination is asked for, so
    /// the transcript names the group or broadcast address it came to. Its control buffer.
    destinations: Option<Vec<u8>>,
}

pub(crate) fn run(
    config: ServerConfig,
    mut poll: Poll,
    commands: Receiver<Command>,
    em: &Emitter,
) -> CloseReason {
    if config.chunk_bytes == 0 || config.chunk_bytes > MAX_UDP_BUFFER {
        let reason = Reason::BufferRange { max: MAX_UDP_BUFFER as u64 };
        em.failed(None, Error::invalid(config.chunk_bytes, reason));
        return CloseReason::Failed;
    }
    // Responders to a group share its port: each needs address reuse to bind it.
    let shared = !config.groups.join.is_empty();
    let bound = bind_all(
        &config.bind,
        |addr| {
            let socket = if shared { group_socket(addr)? } else { server_socket(addr, Type::DGRAM)? };
            let set = config.options.apply(&socket, false).map_err(OptionError::into_io)?;
            Ok((UdpSocket::from_std(socket.into()), set))
        },
        |(socket, _)| socket.local_addr(),
    );
    let mut options_set = Vec::new();
    let mut sockets: Vec<Bound> = match bound {
        Ok(list) => list
            .into_iter()
            .enumerate()
            .map(|(index, ((socket, set), local))| {
                options_set.push((local, set));
                // Only a socket bound to every address needs to be told where each came to.
                let destinations = (local.ip().is_unspecified()
                    && super::pktinfo::enable(&socket, local.is_ipv6()).is_ok())
                .then(super::pktinfo::control_buffer);
                Bound { socket, local, index, pending: None, destinations }
            })
            .collect(),
        Err(err) => {
            em.failed(None, err);
            return CloseReason::Failed;
        }
    };
    let mut joined = Vec::new();
    for bound in &sockets {
        match group::join(&bound.socket, bound.local, &config.groups) {
            Ok(groups) => joined.push(groups),
            Err(err) => {
                em.failed(None, err);
                return CloseReason::Failed;
            }
        }
    }
    for (i, bound) in sockets.iter_mut().enumerate() {
        let interest = Interest::READABLE | Interest::WRITABLE;
        if let Err(err) = poll.registry().register(&mut bound.socket, Token(SOCK_BASE + i), interest) {
            em.failed(None, Error::io(Op::Bind, bound.local, &err));
            return CloseReason::Failed;
        }
    }
    for bound in &sockets {
        em.emit(EventKind::Listening {
            local: bound.local,
            all_interfaces: is_all_interfaces(&bound.local),
            tls: None,
        });
    }
    for (local, options) in options_set.into_iter().filter(|(_, set)| !set.is_empty()) {
        em.emit(EventKind::Notice(Notice::OptionsSet { local, options }));
    }
    let interface = config.groups.interface.trim().to_string();
    for group in joined.iter().flatten() {
        em.emit(EventKind::Notice(Notice::Joined { group: *group, interface: interface.clone() }));
    }
    // Stopping leaves the groups, and says so.
    let leave_all = |sockets: &[Bound]| {
        for (bound, groups) in sockets.iter().zip(&joined) {
            group::leave(&bound.socket, groups, &interface);
            for group in groups {
                em.emit(EventKind::Notice(Notice::Left { group: *group }));
            }
        }
    };
    let mut server = Server {
        em,
        detail: config.detail,
        chunk: config.chunk_bytes,
        peers: HashMap::new(),
        last: None,
        next_conn: 1,
        responder: config.responder.clone(),
        frames: 0,
        delayed: Vec::new(),
    };
    let mut buf = vec![0u8; 65_536];
    let mut events = Events::with_capacity(64);
    let mut again: Vec<usize> = Vec::new();
    loop {
        let next_due = server.delayed.iter().map(|d| d.0).min();
        let timeout = if again.is_empty() {
            next_due.map(|due| due.saturating_duration_since(Instant::now()))
        } else {
            Some(std::time::Duration::ZERO)
        };
        if let Err(err) = poll.poll(&mut events, timeout)
            && err.kind() != io::ErrorKind::Interrupted
        {
            em.failed(None, Error::io(Op::Receive, "event loop", &err));
            return CloseReason::Failed;
        }
        let mut ready: Vec<usize> = std::mem::take(&mut again);
        for event in events.iter() {
            if event.token() != WAKE {
                ready.push(event.token().0 - SOCK_BASE);
            }
        }
        server.send_due(&mut sockets);
        ready.sort_unstable();
        ready.dedup();
        for index in ready {
            if let Some(bound) = sockets.get_mut(index)
                && server.serve(bound, &mut buf)
            {
                again.push(index);
            }
        }
        while let Ok(command) = commands.try_recv() {
            match command {
                Command::Stop => {
                    leave_all(&sockets);
                    return CloseReason::Stopped;
                }
                Command::SendToClients { conn, payload } => {
                    server.send_to_peers(&mut sockets, conn, &payload)
                }
                Command::Send { .. } | Command::Disconnect(_) => {}
            }
        }
    }
}

struct Server<'a> {
    em: &'a Emitter,
    detail: Detail,
    chunk: usize,
    peers: HashMap<SocketAddr, u64>,
    /// The last peer seen and its id.
    last: Option<(SocketAddr, u64)>,
    next_conn: u64,
    responder: SharedResponder,
    /// Datagrams answered by rule, counted from 1.
    frames: u64,
    /// Replies waiting for their delay: when, what, to whom, from which socket.
    delayed: Vec<(Instant, Bytes, Link, usize)>,
}

impl Server<'_> {
    fn link(&mut self, local: SocketAddr, peer: SocketAddr) -> Link {
        // Datagrams come in runs from one peer: skip the table for a repeat.
        if let Some((last, conn)) = self.last
            && last == peer
        {
            return Link { conn, local, peer };
        }
        if let Some(&conn) = self.peers.get(&peer) {
            self.last = Some((peer, conn));
            return Link { conn, local, peer };
        }
        if self.peers.len() >= MAX_PEERS {
            self.peers.clear();
        }
        let conn = self.next_conn;
        self.next_conn += 1;
        self.peers.insert(peer, conn);
        self.last = Some((peer, conn));
        let link = Link { conn, local, peer };
        Stats::add(&self.em.stats().connections, 1);
        if self.detail == Detail::Full {
            self.em.emit(EventKind::Accepted(link));
        }
        link
    }

    /// Echoes what one socket has. Returns true when it stopped on its budget with more to read.
    fn serve(&mut self, bound: &mut Bound, buf: &mut [u8]) -> bool {
        if let Some((data, link)) = bound.pending.take()
            && !self.echo(bound, &data, Some(data.clone()), link)
        {
            return false;
        }
        for _ in 0..READ_BUDGET {
            let received = match &mut bound.destinations {
                Some(control) => {
                    super::pktinfo::recv_from_to(&bound.socket, buf, control).map(|(n, peer, to)| {
                        (n, peer, to.map_or(bound.local, |ip| SocketAddr::new(ip, bound.local.port())))
                    })
                }
                None => bound.socket.recv_from(buf).map(|(n, peer)| (n, peer, bound.local)),
            };
            match received {
                Ok((n, peer, local)) => {
                    let link = self.link(local, peer);
                    let kept = n.min(self.chunk);
                    Stats::add(&self.em.stats().bytes_in, kept as u64);
                    Stats::add(&self.em.stats().datagrams_in, 1);
                    // Quiet mode copies nothing: it echoes straight from the buffer.
                    let received =
                        (self.detail == Detail::Full).then(|| Bytes::copy_from_slice(&buf[..kept]));
                    if let Some(data) = &received {
                        self.em.emit(EventKind::Received {
                            link,
                            data: data.clone(),
                            truncated: n > kept,
                            echo: None,
                        });
                    }
                    if !self.responder.is_echo() {
                        self.respond(bound, &buf[..kept], link);
                        continue;
                    }
                    if !self.echo(bound, &buf[..kept], received, link) {
                        return false;
                    }
                }
                Err(err) if err.kind() == io::ErrorKind::WouldBlock => return false,
                Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                Err(err) => {
                    // An ICMP error from an earlier echo, for example: report it and go on.
                    self.em.failed(None, Error::io(Op::Receive, bound.local, &err));
                    return false;
                }
            }
        }
        true
    }

    /// Answers one datagram as the rules say (a datagram is a frame). `close` means nothing
    /// for UDP: it stays silent.
    fn respond(&mut self, bound: &mut Bound, data: &[u8], link: Link) {
        self.frames += 1;
        let reply = self.responder.reply(data, self.frames);
        if !self.responder.rules.is_empty() && self.detail == Detail::Full {
            let notice = match reply.rule {
                Some((rule, label)) => Notice::RuleMatched { peer: link.peer, rule: rule as u64, label },
                None => Notice::NoRuleMatched { peer: link.peer },
            };
            self.em.emit(EventKind::Notice(notice));
        }
        let Some(bytes) = reply.bytes else { return };
        if reply.delay_ms > 0 {
            let due = Instant::now() + std::time::Duration::from_millis(reply.delay_ms);
            self.delayed.push((due, bytes, link, bound.index));
        } else {
            let _ = self.echo(bound, &bytes, Some(bytes.clone()), link);
        }
    }

    /// Sends a message to one peer heard from (by its connection id), or to all of them.
    fn send_to_peers(&mut self, sockets: &mut [Bound], conn: Option<u64>, payload: &Payload) {
        let peers: Vec<(SocketAddr, u64)> = self
            .peers
            .iter()
            .filter(|(_, id)| conn.is_none_or(|c| c == **id))
            .map(|(p, id)| (*p, *id))
            .collect();
        for (peer, id) in peers {
            self.frames += 1;
            let bytes = match payload.read_whole(MAX_UDP_BUFFER, self.frames, &Captures::default()) {
                Ok(bytes) => bytes,
                Err(error) => {
                    self.em.failed(None, error);
                    return;
                }
            };
            if let Some(bound) = sockets.iter_mut().find(|b| b.local.is_ipv4() == peer.is_ipv4()) {
                let link = Link { conn: id, local: bound.local, peer };
                let _ = self.echo(bound, &bytes, Some(bytes.clone()), link);
            }
        }
    }

    /// Sends the delayed replies that are due.
    fn send_due(&mut self, sockets: &mut [Bound]) {
        let now = Instant::now();
        let (due, later): (Vec<_>, Vec<_>) =
            std::mem::take(&mut self.delayed).into_iter().partition(|d| d.0 <= now);
        self.delayed = later;
        for (_, bytes, link, index) in due {
            if let Some(bound) = sockets.get_mut(index) {
                let _ = self.echo(bound, &bytes, Some(bytes.clone()), link);
            }
        }
    }

    /// Sends one echo of `data` (`owned` holds the same bytes when they were already copied).
    /// Returns false when the socket is full: the datagram then waits in `pending`, copied
    /// only now if it was not yet.
    fn echo(&mut self, bound: &mut Bound, data: &[u8], owned: Option<Bytes>, link: Link) -> bool {
        match bound.socket.send_to(data, link.peer) {
            Ok(n) => {
                Stats::add(&self.em.stats().bytes_out, n as u64);
                Stats::add(&self.em.stats().datagrams_out, 1);
                if self.detail == Detail::Full {
                    let data = owned.unwrap_or_else(|| Bytes::copy_from_slice(data));
                    self.em.emit(EventKind::Sent { link, data });
                }
                true
            }
            Err(err) if err.kind() == io::ErrorKind::WouldBlock => {
                bound.pending = Some((owned.unwrap_or_else(|| Bytes::copy_from_slice(data)), link));
                false
            }
            Err(err) => {
                self.em.failed(Some(link), Error::io(Op::Send, link.peer, &err));
                true
            }
        }
    }
}
