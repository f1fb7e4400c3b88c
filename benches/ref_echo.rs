//! The reference echo server of the benchmarks: about as fast as an echo server gets on this
//! machine, so that our `serve` is measured against the machine's limit, not only against
//! socat and ncat.
//!
//! Design: one mio/epoll worker thread per core, each with its own `SO_REUSEPORT` listener
//! (the kernel spreads connections and datagrams over them), a backlog of 4096, `TCP_NODELAY`,
//! a 256 KiB buffer per connection, and no reading while a write would block. No events, no
//! counters, no copies beyond the one buffer.
//!
//! Usage: `ref_echo tcp|udp HOST:PORT [THREADS]`; it prints `listening on ADDR` and serves until
//! killed. With no arguments (as `cargo test` runs it) it checks itself over loopback and exits.

#![allow(missing_docs)]

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream, UdpSocket};
use std::time::Duration;

use mio::net::{TcpListener, UdpSocket as MioUdp};
use mio::{Events, Interest, Poll, Token};
use slab::Slab;
use socket2::{Domain, Socket, Type};

const BUFFER: usize = 256 * 1024;
const BACKLOG: i32 = 4096;
const LISTENER: Token = Token(usize::MAX);

fn socket(addr: SocketAddr, kind: Type) -> io::Result<Socket> {
    let socket = Socket::new(Domain::for_address(addr), kind, None)?;
    socket.set_reuse_address(true)?;
    socket.set_reuse_port(true)?;
    socket.set_nonblocking(true)?;
    socket.bind(&addr.into())?;
    Ok(socket)
}

struct Conn {
    stream: mio::net::TcpStream,
    buf: Box<[u8]>,
    /// Unsent bytes are `buf[start..end]`.
    start: usize,
    end: usize,
}

fn tcp_worker(listener: Socket) -> io::Result<()> {
    let mut listener = TcpListener::from_std(listener.into());
    let mut poll = Poll::new()?;
    poll.registry().register(&mut listener, LISTENER, Interest::READABLE)?;
    let mut conns: Slab<Conn> = Slab::new();
    let mut events = Events::with_capacity(1024);
    loop {
        poll.poll(&mut events, None)?;
        for event in &events {
            if event.token() == LISTENER {
                loop {
                    match listener.accept() {
                        Ok((mut stream, _)) => {
                            stream.set_nodelay(true)?;
                            let entry = conns.vacant_entry();
                            let interest = Interest::READABLE | Interest::WRITABLE;
                            poll.registry().register(&mut stream, Token(entry.key()), interest)?;
                            entry.insert(Conn { stream, buf: vec![0; BUFFER].into(), start: 0, end: 0 });
                        }
                        Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                        Err(e) if matches!(e.raw_os_error(), Some(23 | 24)) => break,
                        Err(_) => {}
                    }
                }
                continue;
            }
            let key = event.token().0;
            let Some(conn) = conns.get_mut(key) else { continue };
            if !serve(conn) {
                let mut conn = conns.remove(key);
                let _ = poll.registry().deregister(&mut conn.stream);
            }
        }
    }
}

/// Echoes until the socket would block. False when the connection is over.
fn serve(conn: &mut Conn) -> bool {
    loop {
        while conn.start < conn.end {
            match conn.stream.write(&conn.buf[conn.start..conn.end]) {
                Ok(0) => return false,
                Ok(n) => conn.start += n,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return true,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => return false,
            }
        }
        match conn.stream.read(&mut conn.buf) {
            Ok(0) => return false,
            Ok(n) => {
                conn.start = 0;
                conn.end = n;
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return true,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => return false,
        }
    }
}

fn udp_worker(socket: Socket) -> io::Result<()> {
    let mut socket = MioUdp::from_std(socket.into());
    let mut poll = Poll::new()?;
    poll.registry().register(&mut socket, Token(0), Interest::READABLE | Interest::WRITABLE)?;
    let mut events = Events::with_capacity(64);
    let mut buf = vec![0u8; 65_536];
    let mut pending: Option<(usize, SocketAddr)> = None;
    loop {
        poll.poll(&mut events, None)?;
        loop {
            if let Some((n, peer)) = pending {
                match socket.send_to(&buf[..n], peer) {
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                    _ => pending = None,
                }
            }
            match socket.recv_from(&mut buf) {
                Ok((n, peer)) => pending = Some((n, peer)),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                Err(_) => {}
            }
        }
    }
}

/// Binds one socket per thread on one port and starts the workers. Returns the address.
fn start(protocol: &str, addr: SocketAddr, threads: usize) -> io::Result<SocketAddr> {
    let kind = if protocol == "udp" { Type::DGRAM } else { Type::STREAM };
    let first = socket(addr, kind)?;
    let bound = first.local_addr()?.as_socket().ok_or_else(|| io::Error::other("not an IP address"))?;
    let mut sockets = vec![first];
    for _ in 1..threads {
        sockets.push(socket(bound, kind)?);
    }
    for (i, s) in sockets.into_iter().enumerate() {
        let udp = protocol == "udp";
        if !udp {
            // Listening before the worker starts: a client may connect at once.
            s.listen(BACKLOG)?;
        }
        std::thread::Builder::new().name(format!("ref-echo {i}")).spawn(move || {
            let result = if udp { udp_worker(s) } else { tcp_worker(s) };
            if let Err(err) = result {
                eprintln!("ref_echo worker {i}: {err}");
                std::process::exit(1);
            }
        })?;
    }
    Ok(bound)
}

/// Echoes 1 MB over TCP and a few datagrams over UDP through a server of our own.
fn self_test() -> io::Result<()> {
    let loopback: SocketAddr = "127.0.0.1:0".parse().map_err(io::Error::other)?;
    let addr = start("tcp", loopback, 2)?;
    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let sent: Vec<u8> = (0..1_000_000u32).map(|i| (i % 251) as u8).collect();
    let mut writer = stream.try_clone()?;
    let data = sent.clone();
    let t = std::thread::spawn(move || writer.write_all(&data));
    let mut back = vec![0u8; sent.len()];
    stream.read_exact(&mut back)?;
    t.join().map_err(|_| io::Error::other("writer panicked"))??;
    if back != sent {
        return Err(io::Error::other("TCP echo differs"));
    }
    let addr = start("udp", loopback, 2)?;
    let client = UdpSocket::bind(loopback)?;
    client.set_read_timeout(Some(Duration::from_secs(5)))?;
    client.connect(addr)?;
    let mut buf = [0u8; 2048];
    for size in [1usize, 64, 1400] {
        let msg: Vec<u8> = (0..size).map(|i| i as u8).collect();
        client.send(&msg)?;
        let n = client.recv(&mut buf)?;
        if buf[..n] != msg[..] {
            return Err(io::Error::other("UDP echo differs"));
        }
    }
    Ok(())
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    if args.is_empty() {
        match self_test() {
            Ok(()) => println!("ref_echo self-test: TCP 1 MB and UDP datagrams echoed intact"),
            Err(err) => {
                eprintln!("ref_echo self-test failed: {err}");
                std::process::exit(1);
            }
        }
        return;
    }
    let protocol = args[0].as_str();
    let addr: Option<SocketAddr> = args.get(1).and_then(|a| a.parse().ok());
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let threads = args.get(2).and_then(|t| t.parse().ok()).unwrap_or(cores);
    let (Some(addr), "tcp" | "udp") = (addr, protocol) else {
        eprintln!("usage: ref_echo tcp|udp IP:PORT [THREADS]");
        std::process::exit(2);
    };
    match start(protocol, addr, threads) {
        Ok(bound) => {
            println!("listening on {bound} ({protocol}, {threads} threads)");
            let _ = io::stdout().flush();
            loop {
                std::thread::park();
            }
        }
        Err(err) => {
            eprintln!("ref_echo: {addr}: {err}");
            std::process::exit(1);
        }
    }
}
