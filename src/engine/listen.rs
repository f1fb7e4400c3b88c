//! Binding servers: one socket per resolved address, with the same port on each.
//!
//! `localhost` binds 127.0.0.1 and ::1 both, so that a client that prefers either finds the
//! server. When port 0 is asked for, the port the first socket got is reused for the others,
//! and the whole bind is retried if another program holds that port on the second address.

use std::io;
use std::net::SocketAddr;

use socket2::{Domain, Socket, Type};

use super::{Endpoint, Error, Op};

/// How often binding with port 0 is retried when the second address's port is taken.
const PORT_ZERO_RETRIES: usize = 8;

/// Binds every address `endpoint` resolves to, with `bind_one`, on one shared port.
pub(crate) fn bind_all<T>(
    endpoint: &Endpoint,
    bind_one: impl Fn(SocketAddr) -> io::Result<T>,
    local_addr: impl Fn(&T) -> io::Result<SocketAddr>,
) -> Result<Vec<(T, SocketAddr)>, Error> {
    let addrs = endpoint.resolve()?;
    let mut attempt = 0;
    'retry: loop {
        attempt += 1;
        let mut bound: Vec<(T, SocketAddr)> = Vec::with_capacity(addrs.len());
        for &addr in &addrs {
            let mut addr = addr;
            if let Some((_, first)) = bound.first() {
                addr.set_port(first.port());
            }
            let result = bind_one(addr).and_then(|sock| local_addr(&sock).map(|local| (sock, local)));
            match result {
                Ok(pair) => bound.push(pair),
                Err(err)
                    if err.kind() == io::ErrorKind::AddrInUse
                        && endpoint.port == 0
                        && !bound.is_empty()
                        && attempt < PORT_ZERO_RETRIES =>
                {
                    continue 'retry;
                }
                Err(err) => return Err(Error::io(Op::Bind, addr, &err)),
            }
        }
        return Ok(bound);
    }
}

/// A socket for `addr` with the options every server wants: address reuse (restart while
/// old connections sit in TIME_WAIT), IPv6-only on v6 (so v4 and v6 listeners never clash),
/// and non-blocking mode.
pub(crate) fn server_socket(addr: SocketAddr, kind: Type) -> io::Result<Socket> {
    let socket = Socket::new(Domain::for_address(addr), kind, None)?;
    if kind == Type::STREAM {
        socket.set_reuse_address(true)?;
    }
    if addr.is_ipv6() {
        socket.set_only_v6(true)?;
    }
    socket.set_nonblocking(true)?;
    socket.bind(&addr.into())?;
    Ok(socket)
}

/// A UDP socket for a multicast group's port: address and port reuse, so that several
/// responders on one machine can all bind it and all hear the group.
pub(crate) fn group_socket(addr: SocketAddr) -> io::Result<Socket> {
    let socket = Socket::new(Domain::for_address(addr), Type::DGRAM, None)?;
    socket.set_reuse_address(true)?;
    socket.set_reuse_port(true)?;
    if addr.is_ipv6() {
        socket.set_only_v6(true)?;
    }
    socket.set_nonblocking(true)?;
    socket.bind(&addr.into())?;
    Ok(socket)
}
