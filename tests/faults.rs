//! The fault catalog: what a peer or the machine can do wrong, each on loopback against the
//! real engine or the real binary. In every case the workers end with their `Closed` event,
//! the server goes on serving its other clients, and the transcript says in plain words what
//! happened. Memory is measured where it could grow, and bounded by an assertion.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod common;

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use common::{
    Serve, WAIT, bound_port, client_config, echo_checks, errors, full_server, kinds, received, run_client,
};
use socket_tester::engine::load::{self, LoadConfig};
use socket_tester::engine::{self, ClientConfig, Detail, ErrorKind, Event, EventKind, Protocol};
use socket_tester::transcript::line::LineFormatter;

const SEED: &[u8] = "Este es el mensaje. Se repetirá.".as_bytes();

/// A server in full detail whose events a thread keeps, so it never waits on its consumer.
struct Watched {
    handle: engine::WorkerHandle,
    addr: SocketAddr,
    events: Arc<Mutex<Vec<Event>>>,
    drain: JoinHandle<()>,
}

impl Watched {
    fn start(protocol: Protocol, chunk: usize) -> Watched {
        let server = full_server(protocol, "127.0.0.1:0", chunk);
        let events = Arc::new(Mutex::new(Vec::new()));
        let kept = Arc::clone(&events);
        let rx = server.events;
        let drain = std::thread::spawn(move || {
            while let Ok(event) = rx.recv_timeout(Duration::from_secs(120)) {
                let closed = matches!(event.kind, EventKind::Closed { .. });
                kept.lock().unwrap().push(event);
                if closed {
                    break;
                }
            }
        });
        Watched { handle: server.handle, addr: server.addrs[0], events, drain }
    }

    /// Waits until the events so far satisfy `pred`.
    fn wait(&self, what: &str, pred: impl Fn(&[Event]) -> bool) {
        let deadline = Instant::now() + WAIT;
        while !pred(&self.events.lock().unwrap()) {
            assert!(Instant::now() < deadline, "{what}: not within {WAIT:?}; saw {:?}", self.kinds());
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    fn kinds(&self) -> Vec<&'static str> {
        kinds(&self.events.lock().unwrap())
    }

    /// The transcript as the CLI prints it.
    fn lines(&self) -> String {
        transcript(&self.events.lock().unwrap())
    }

    /// Stops the server: it must end with exactly one `Closed`, last. Returns every event.
    fn stop(self) -> Vec<Event> {
        self.handle.stop();
        self.drain.join().unwrap();
        let events = std::mem::take(&mut *self.events.lock().unwrap());
        assert_closed_once(&events);
        events
    }
}

fn transcript(events: &[Event]) -> String {
    let mut lines = LineFormatter::new(true, false);
    events.iter().map(|e| lines.format(e)).collect::<Vec<_>>().join("\n")
}

fn assert_closed_once(events: &[Event]) {
    let closed = kinds(events).iter().filter(|k| **k == "closed").count();
    assert_eq!(closed, 1, "exactly one Closed: {:?}", kinds(events));
    assert!(matches!(events.last().map(|e| &e.kind), Some(EventKind::Closed { .. })), "Closed comes last");
}

/// Another client gets its echo: the server still serves.
fn still_serves(protocol: Protocol, target: SocketAddr) {
    let events = run_client(client_config(protocol, target, SEED));
    assert_closed_once(&events);
    assert!(echo_checks(&events).iter().any(|c| c.matches), "another client is still served: {events:?}");
}

fn conn_closed(events: &[Event]) -> usize {
    kinds(events).iter().filter(|k| **k == "conn-closed").count()
}

#[test]
fn a_peer_that_resets_mid_stream() {
    let server = Watched::start(Protocol::Tcp, 65_536);
    let mut rude = TcpStream::connect(server.addr).unwrap();
    // Half a megabyte in flight, the echo left unread, then RST (linger 0).
    rude.set_nonblocking(true).unwrap();
    let block = vec![7u8; 65_536];
    let mut written = 0;
    let deadline = Instant::now() + Duration::from_secs(5);
    while written < 512 * 1024 && Instant::now() < deadline {
        match rude.write(&block) {
            Ok(n) => written += n,
            Err(_) => std::thread::sleep(Duration::from_millis(2)),
        }
    }
    server.wait("the server read some of it", |e| kinds(e).contains(&"received"));
    socket2::SockRef::from(&rude).set_linger(Some(Duration::ZERO)).unwrap();
    drop(rude);
    server.wait("the reset is reported", |e| conn_closed(e) == 1);
    still_serves(Protocol::Tcp, server.addr);
    let text = server.lines();
    let events = server.stop();
    let errs = errors(&events);
    assert_eq!(errs.len(), 1, "{text}");
    assert_eq!(errs[0].kind, ErrorKind::Reset);
    assert!(text.contains(": connection reset by peer"), "{text}");
}

#[test]
fn a_client_that_half_closes_gets_every_byte_then_the_end() {
    let server = Watched::start(Protocol::Tcp, 65_536);
    let mut client = TcpStream::connect(server.addr).unwrap();
    client.set_read_timeout(Some(WAIT)).unwrap();
    let data: Vec<u8> = (0..300_000u32).map(|i| (i % 253) as u8).collect();
    let mut reader = client.try_clone().unwrap();
    let collect = std::thread::spawn(move || {
        let mut back = Vec::new();
        reader.read_to_end(&mut back).map(|_| back)
    });
    client.write_all(&data).unwrap();
    client.shutdown(Shutdown::Write).unwrap();
    let back = collect.join().unwrap().expect("the echo ends with the server's FIN, not an error");
    assert_eq!(back, data, "every byte sent before the half-close came back");
    server.wait("the connection is closed", |e| conn_closed(e) == 1);
    still_serves(Protocol::Tcp, server.addr);
    let text = server.lines();
    let events = server.stop();
    assert!(errors(&events).is_empty(), "{text}");
    let peer = client.local_addr().unwrap();
    assert!(text.contains(&format!("{peer} closed its side")), "{text}");
    assert!(text.contains(&format!("Closed {peer} (300,000 B in, 300,000 B out)")), "{text}");
}

#[test]
fn a_server_that_half_closes_after_its_echo() {
    // A peer that echoes one message, then shuts down its sending side but keeps reading.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let target = listener.local_addr().unwrap();
    let peer = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        stream.set_read_timeout(Some(WAIT)).unwrap();
        let mut buf = vec![0u8; SEED.len()];
        stream.read_exact(&mut buf).unwrap();
        stream.write_all(&buf).unwrap();
        stream.shutdown(Shutdown::Write).unwrap();
        let mut rest = Vec::new();
        let _ = stream.read_to_end(&mut rest);
    });
    let config = ClientConfig { persistent: true, ..client_config(Protocol::Tcp, target, SEED) };
    let events = run_client(config);
    peer.join().unwrap();
    assert_closed_once(&events);
    assert_eq!(received(&events), SEED, "the echo came whole before the half-close");
    assert!(echo_checks(&events).iter().all(|c| c.matches));
    let text = transcript(&events);
    assert!(text.contains(&format!("{target} closed its side")), "{text}");
    assert!(text.contains("Session ended"), "{text}");
    assert!(errors(&events).is_empty(), "a half-close after the echo is not an error: {text}");
}

#[test]
fn a_half_close_with_the_echo_unfinished_says_how_far_it_got() {
    let target = common::peer_echoing_first(10, |stream| {
        stream.shutdown(Shutdown::Write).unwrap();
        std::thread::sleep(Duration::from_secs(2));
    });
    let events = run_client(client_config(Protocol::Tcp, target, SEED));
    let text = transcript(&events);
    assert!(text.contains("the peer closed the connection after 10 of 33 echoed bytes"), "{text}");
}

/// `serve --quiet` as its own process, on a free port.
fn quiet_serve(protocol: &str) -> (Serve, SocketAddr) {
    let serve = Serve::start(&[protocol, "--bind", "127.0.0.1:0", "--quiet"]);
    let port = bound_port(&serve.line());
    (serve, SocketAddr::from(([127, 0, 0, 1], port)))
}

#[test]
fn clients_that_send_and_never_read_cannot_grow_the_server() {
    let (serve, target) = quiet_serve("tcp");
    let (_, baseline_kib) = serve.memory_kib();
    // Twenty hogs write until their sockets are full and never read an echo.
    let block = vec![0x55u8; 65_536];
    let mut hogs = Vec::new();
    let mut written = 0usize;
    for _ in 0..20 {
        let mut hog = TcpStream::connect(target).unwrap();
        hog.set_nonblocking(true).unwrap();
        let mut stalls = 0;
        let deadline = Instant::now() + Duration::from_secs(5);
        while stalls < 20 && Instant::now() < deadline {
            match hog.write(&block) {
                Ok(n) => written += n,
                Err(_) => {
                    stalls += 1;
                    std::thread::sleep(Duration::from_millis(5));
                }
            }
        }
        hogs.push(hog);
    }
    // The others are served meanwhile.
    still_serves(Protocol::Tcp, target);
    let (rss_kib, peak_kib) = serve.memory_kib();
    eprintln!(
        "never-reading clients: 20 hogs wrote {} MiB in all; server RSS {} KiB (peak {} KiB, at start {} KiB)",
        written >> 20,
        rss_kib,
        peak_kib,
        baseline_kib
    );
    // What a hog sent beyond the socket buffers stays in its own kernel buffers: the server
    // holds at most one read (64 KiB) per blocked connection.
    assert!(
        peak_kib < baseline_kib + 20 * 64 + 16 * 1024,
        "server memory grew with unread echoes: {peak_kib} KiB (start {baseline_kib} KiB)"
    );
    drop(hogs);
    let (code, rest) = serve.signal("TERM");
    assert_eq!(code, 0);
    assert!(rest.last().is_some_and(|l| l.starts_with("summary: 21 connections")), "{rest:?}");
}

#[test]
fn idle_and_silent_connections_neither_block_nor_leak() {
    let server = Watched::start(Protocol::Tcp, 65_536);
    // 300 that connect and never send; 100 that send once and then idle.
    let silent: Vec<TcpStream> = (0..300).map(|_| TcpStream::connect(server.addr).unwrap()).collect();
    let mut idle: Vec<TcpStream> = (0..100).map(|_| TcpStream::connect(server.addr).unwrap()).collect();
    for (i, c) in idle.iter_mut().enumerate() {
        c.set_read_timeout(Some(WAIT)).unwrap();
        let msg = format!("idle {i}");
        c.write_all(msg.as_bytes()).unwrap();
        let mut back = vec![0u8; msg.len()];
        c.read_exact(&mut back).unwrap();
        assert_eq!(back, msg.as_bytes());
    }
    server.wait("all 400 accepted", |e| kinds(e).iter().filter(|k| **k == "accepted").count() == 400);
    std::thread::sleep(Duration::from_millis(300));
    still_serves(Protocol::Tcp, server.addr);
    let started = Instant::now();
    let events = server.stop();
    eprintln!("stopping with 400 idle and silent connections: Closed after {:?}", started.elapsed());
    assert!(started.elapsed() < Duration::from_secs(1), "stop took {:?}", started.elapsed());
    assert_eq!(conn_closed(&events), 401, "every connection, silent or idle, is closed and said so");
    assert!(errors(&events).is_empty());
    drop((silent, idle));
}

#[test]
fn ten_thousand_connections_at_once_are_all_served() {
    // The server runs as its own process: 10,000 connections on each side would exceed one
    // process's open-file limit (20,000 here).
    let (serve, target) = quiet_serve("tcp");
    let config = LoadConfig {
        connections: 10_000,
        count: Some(20_000),
        threads: 2,
        duration: Duration::from_secs(60),
        timeout: Duration::from_secs(20),
        ..LoadConfig::new(Protocol::Tcp, target)
    };
    let report = load::run(&config, Arc::new(AtomicBool::new(false)));
    let (rss_kib, peak_kib) = serve.memory_kib();
    eprintln!(
        "10,000 connections: {} served, {} echoes, p99 {:.1} ms; server RSS {rss_kib} KiB (peak {peak_kib} KiB)",
        report.served,
        report.messages_echoed,
        report.rtt_us.map_or(0.0, |p| p.p99 / 1000.0)
    );
    assert!(report.ok, "{}", report.summary());
    assert_eq!(report.connects, 10_000);
    assert_eq!(report.served, 10_000, "every connection got its echoes");
    assert_eq!(report.messages_echoed, 20_000);
    assert!(peak_kib < 256 * 1024, "10,000 idle-between-messages connections fit in 256 MiB: {peak_kib} KiB");
    let (code, rest) = serve.signal("TERM");
    assert_eq!(code, 0);
    assert!(rest.last().is_some_and(|l| l.starts_with("summary: 10,000 connections")), "{rest:?}");
}

#[test]
fn oversized_and_empty_udp_datagrams() {
    let server = Watched::start(Protocol::Udp, 1000);
    let client = UdpSocket::bind("127.0.0.1:0").unwrap();
    client.set_read_timeout(Some(WAIT)).unwrap();
    client.connect(server.addr).unwrap();
    let mut buf = vec![0u8; 70_000];
    // Empty: echoed empty.
    client.send(b"").unwrap();
    assert_eq!(client.recv(&mut buf).unwrap(), 0);
    // Larger than the server's 1000-byte buffer: the first 1000 bytes come back, and the
    // transcript says the rest was cut.
    let big: Vec<u8> = (0..5000u32).map(|i| (i % 256) as u8).collect();
    client.send(&big).unwrap();
    let n = client.recv(&mut buf).unwrap();
    assert_eq!(&buf[..n], &big[..1000]);
    // The largest datagram there is, to a server with the default buffer.
    let roomy = Watched::start(Protocol::Udp, engine::MAX_UDP_BUFFER);
    let largest: Vec<u8> = (0..65_507u32).map(|i| (i % 251) as u8).collect();
    client.connect(roomy.addr).unwrap();
    client.send(&largest).unwrap();
    let n = client.recv(&mut buf).unwrap();
    assert_eq!(&buf[..n], &largest[..]);
    // A datagram too large for UDP is refused where it is sent, with the reason.
    let too_big = vec![0u8; 65_508];
    assert!(client.send(&too_big).is_err());
    still_serves(Protocol::Udp, server.addr);
    let text = server.lines();
    assert!(text.contains(" 0 B \"\""), "the empty datagram is a line of its own: {text}");
    assert!(text.contains(" 1,000 B ") && text.contains("(truncated)"), "{text}");
    server.stop();
    roomy.stop();
}

#[test]
fn running_out_of_file_descriptors_pauses_accepting_and_recovers() {
    // 40 descriptors: the server's own (stdio, event loops, wakers, listener) plus about 25
    // connections.
    let serve = Serve::start_under(
        &["prlimit", "--nofile=40:40", "--"],
        &["tcp", "--bind", "127.0.0.1:0", "--quiet"],
    );
    let port = bound_port(&serve.line());
    let target = SocketAddr::from(([127, 0, 0, 1], port));
    let mut clients: Vec<TcpStream> = (0..60).map(|_| TcpStream::connect(target).unwrap()).collect();
    let mut served = Vec::new();
    for (i, c) in clients.iter_mut().enumerate() {
        c.set_read_timeout(Some(Duration::from_millis(300))).unwrap();
        c.write_all(format!("{i:02}").as_bytes()).unwrap();
    }
    for (i, c) in clients.iter_mut().enumerate() {
        let mut two = [0u8; 2];
        if c.read_exact(&mut two).is_ok() {
            assert_eq!(two, format!("{i:02}").as_bytes());
            served.push(i);
        }
    }
    // An error: on stderr, where `send` prints its errors too.
    let line = serve.wait_error("too many open files");
    assert!(line.contains(&format!("accept on 127.0.0.1:{port}")), "{line}");
    assert!(line.contains("new connections wait until descriptors free up"), "{line}");
    assert!(served.len() >= 10 && served.len() < 60, "some served, some waiting: {}", served.len());
    // The ones it has are still served.
    let first = served[0];
    clients[first].write_all(b"ok").unwrap();
    let mut two = [0u8; 2];
    clients[first].read_exact(&mut two).unwrap();
    assert_eq!(&two, b"ok");
    // Free descriptors: close the served ones; the waiting ones get their echoes.
    let waiting: Vec<usize> = (0..60).filter(|i| !served.contains(i)).collect();
    for &i in &served {
        clients[i].shutdown(Shutdown::Both).unwrap();
    }
    let mut recovered = 0;
    for &i in &waiting {
        clients[i].set_read_timeout(Some(WAIT)).unwrap();
        let mut two = [0u8; 2];
        match clients[i].read_exact(&mut two) {
            Ok(()) if two == format!("{i:02}").as_bytes() => recovered += 1,
            other => panic!("client {i} waited in vain: {other:?}"),
        }
        // Done with it: make room for the next ones.
        clients[i].shutdown(Shutdown::Both).unwrap();
    }
    assert_eq!(recovered, waiting.len());
    let line = serve.wait_line("Accepting connections");
    assert!(line.contains("again: file descriptors are free"), "{line}");
    let (_, peak_kib) = serve.memory_kib();
    eprintln!(
        "descriptor exhaustion: {} served at first, {recovered} after recovery; server peak RSS {peak_kib} KiB",
        served.len()
    );
    let (code, rest) = serve.signal("TERM");
    assert_eq!(code, 0);
    assert!(rest.last().is_some_and(|l| l.starts_with("summary: 60 connections")), "{rest:?}");
}

#[test]
fn stopping_a_server_with_a_thousand_active_clients_ends_within_a_second() {
    let server = common::start_server(socket_tester::engine::ServerConfig {
        detail: Detail::CountsOnly,
        ..common::server_config(Protocol::Tcp, "127.0.0.1:0")
    });
    let target = server.addrs[0];
    let config = LoadConfig {
        connections: 1000,
        threads: 2,
        duration: Duration::from_secs(30),
        timeout: Duration::from_secs(5),
        ..LoadConfig::new(Protocol::Tcp, target)
    };
    let stop_load = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&stop_load);
    let clients = std::thread::spawn(move || load::run(&config, flag));
    let deadline = Instant::now() + WAIT;
    while server.handle.stats().connections < 1000 || server.handle.stats().bytes_in < 100_000 {
        assert!(Instant::now() < deadline, "the 1000 clients did not get going");
        std::thread::sleep(Duration::from_millis(10));
    }
    let started = Instant::now();
    let events = server.stop();
    let took = started.elapsed();
    eprintln!("stopping under 1,000 active clients: Closed after {took:?}");
    assert!(took < Duration::from_secs(1), "stop took {took:?}");
    assert_closed_once(&events);
    let report = clients.join().unwrap();
    stop_load.store(true, std::sync::atomic::Ordering::Relaxed);
    // Every one of the 1,000 was connected, and every one was told the server went away.
    assert_eq!(report.connects, 1000, "{}", report.summary());
    assert_eq!(report.errors, 1000, "{}", report.summary());
    assert!(
        report
            .error_messages
            .keys()
            .all(|m| m.contains("the server closed the connection") || m.contains("reset")),
        "the clients say the server went away: {:?}",
        report.error_messages
    );
}

#[test]
fn a_disk_that_fills_up_while_recording_stops_the_recording_not_the_server() {
    // /dev/full takes the file and refuses every write with "no space left on device".
    let dir = tempfile::tempdir().unwrap();
    let record = dir.path().join("full.jsonl");
    std::os::unix::fs::symlink("/dev/full", &record).unwrap();
    let saved = dir.path().join("kept.jsonl");
    let args = [
        "tcp",
        "--bind",
        "127.0.0.1:0",
        "--record",
        record.to_str().unwrap(),
        "--save",
        saved.to_str().unwrap(),
    ];
    let serve = Serve::start(&args);
    let port = bound_port(&serve.line());
    let target = SocketAddr::from(([127, 0, 0, 1], port));
    still_serves(Protocol::Tcp, target);
    let complaint = serve.errors.recv_timeout(WAIT).expect("a word on stderr");
    assert!(complaint.contains("recording stopped") && complaint.contains("the disk is full"), "{complaint}");
    // It goes on serving after the recording stopped.
    still_serves(Protocol::Tcp, target);
    let (code, _) = serve.signal("TERM");
    assert_eq!(code, 1, "a lost recording is a failure of the run");
    // The transcript kept in memory was saved whole: both exchanges.
    let records = socket_tester::transcript::export::read_jsonl(&saved).unwrap();
    let echoes =
        records.iter().filter(|r| r.event == socket_tester::transcript::export::EventName::Sent).count();
    assert_eq!(echoes, 2, "{records:?}");
}

#[test]
fn a_reset_before_accept_is_said_and_does_not_stop_the_server() {
    // The kernel completes the handshake; the client resets before the server accepts.
    let server = Watched::start(Protocol::Tcp, 65_536);
    for _ in 0..20 {
        let c = TcpStream::connect(server.addr).unwrap();
        socket2::SockRef::from(&c).set_linger(Some(Duration::ZERO)).unwrap();
        drop(c);
    }
    still_serves(Protocol::Tcp, server.addr);
    let events = server.stop();
    for e in errors(&events) {
        assert!(matches!(e.kind, ErrorKind::Reset), "{e}");
    }
}

#[test]
fn quiet_serve_saves_in_bounded_memory() {
    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("echoes.pcap");
    let serve = Serve::start(&["tcp", "--bind", "127.0.0.1:0", "--quiet", "--save", saved.to_str().unwrap()]);
    let target = SocketAddr::from(([127, 0, 0, 1], bound_port(&serve.line())));
    let (_, baseline_kib) = serve.memory_kib();
    const TOTAL: usize = 96 << 20;
    let stream = TcpStream::connect(target).unwrap();
    stream.set_read_timeout(Some(WAIT)).unwrap();
    let mut writer = stream.try_clone().unwrap();
    let sender = std::thread::spawn(move || {
        let block = vec![0xA5u8; 65_536];
        for _ in 0..TOTAL / block.len() {
            writer.write_all(&block).unwrap();
        }
    });
    let mut reader = stream;
    let (mut back, mut buf) = (0usize, vec![0u8; 65_536]);
    while back < TOTAL {
        match reader.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => back += n,
        }
    }
    sender.join().unwrap();
    assert_eq!(back, TOTAL, "every byte was echoed");
    let (_, peak_kib) = serve.memory_kib();
    eprintln!(
        "--quiet --save: {} MiB echoed; server peak RSS {peak_kib} KiB (at start {baseline_kib} KiB)",
        TOTAL >> 20
    );
    // Kept in memory, the 192 MiB sent and received would show; streamed, the growth stays
    // the same however much is echoed (about 36 MiB of buffers here, for 48 MiB or 192 MiB).
    assert!(peak_kib < baseline_kib + 64 * 1024, "memory grew with the saved payloads: {peak_kib} KiB");
    drop(reader);
    let (code, rest) = serve.signal("TERM");
    assert_eq!(code, 0, "{rest:?}");
    let size = std::fs::metadata(&saved).map(|m| m.len()).unwrap_or(0);
    assert!(size > 2 * TOTAL as u64, "the pcap holds both directions: {size} bytes");
    let leftovers = std::fs::read_dir(dir.path()).unwrap().count();
    assert_eq!(leftovers, 1, "no temporary file is left beside it");
}
