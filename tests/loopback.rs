//! The engine over real loopback sockets: every client against every server, on 127.0.0.1
//! and ::1, hostile clients, split characters, binary payloads, each error kind that can be
//! made inside one process, and backpressure. Every wait is bounded.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod common;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use common::*;
use socket_tester::engine::{
    self, ClientConfig, CloseReason, Command, Detail, Endpoint, ErrorKind, EventKind, Notice, Payload,
    Protocol, ServerConfig, WorkerSpec,
};
use socket_tester::spec::{ReplySpec, RuleSpec};
use socket_tester::transcript::line::LineFormatter;
use socket2::{Domain, Socket, Type};

const SEED_MESSAGE: &[u8] = "Este es el mensaje. Se repetirá.".as_bytes();

fn tcp_exchange(bind: &str) {
    let server = start(Protocol::Tcp, bind);
    let target = server.addrs[0];
    let events = run_client(client_config(Protocol::Tcp, target, SEED_MESSAGE));
    assert_eq!(SEED_MESSAGE.len(), 33, "the seed's message is 33 bytes, 32 characters");
    assert_eq!(
        kinds(&events),
        ["connected", "sent", "received", "received", "received", "conn-closed", "closed"]
    );
    // 16-byte reads, as in the seed, and every byte of the echo: 16 + 16 + 1.
    let sizes: Vec<usize> = events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Received { data, .. } => Some(data.len()),
            _ => None,
        })
        .collect();
    assert_eq!(sizes, [16, 16, 1]);
    assert_eq!(received(&events), SEED_MESSAGE);
    let checks = echo_checks(&events);
    assert_eq!(checks.len(), 1);
    assert!(checks[0].matches && checks[0].bytes == 33);
    assert_eq!(close_reason(&events), Some(CloseReason::Finished));
    if let EventKind::Connected(link) = &events[0].kind {
        assert_eq!(link.peer, target);
        assert_eq!(link.local.ip(), target.ip());
    }

    let server_events = server.stop();
    assert_eq!(
        kinds(&server_events),
        ["accepted", "received", "sent", "peer-closed", "conn-closed", "closed"],
        "{server_events:?}"
    );
    assert_eq!(received(&server_events), SEED_MESSAGE);
    assert_eq!(sent(&server_events), SEED_MESSAGE);
    assert_eq!(close_reason(&server_events), Some(CloseReason::Stopped));
}

#[test]
fn tcp_client_and_server_over_ipv4() {
    tcp_exchange("127.0.0.1:0");
}

#[test]
fn tcp_client_and_server_over_ipv6() {
    tcp_exchange("[::1]:0");
}

fn udp_exchange(bind: &str) {
    let server = start(Protocol::Udp, bind);
    let target = server.addrs[0];
    let events = run_client(client_config(Protocol::Udp, target, SEED_MESSAGE));
    assert_eq!(kinds(&events), ["connected", "sent", "received", "closed"]);
    assert_eq!(received(&events), SEED_MESSAGE);
    let checks = echo_checks(&events);
    assert!(checks.len() == 1 && checks[0].matches);
    assert_eq!(close_reason(&events), Some(CloseReason::Finished));
    let server_events = server.stop();
    assert_eq!(kinds(&server_events), ["accepted", "received", "sent", "closed"]);
    assert_eq!(sent(&server_events), SEED_MESSAGE);
}

#[test]
fn udp_client_and_server_over_ipv4() {
    udp_exchange("127.0.0.1:0");
}

#[test]
fn udp_client_and_server_over_ipv6() {
    udp_exchange("[::1]:0");
}

#[test]
fn localhost_listens_on_both_loopbacks_for_tcp_and_udp() {
    for protocol in [Protocol::Tcp, Protocol::Udp] {
        let server = start(protocol, "localhost:0");
        let [v4, v6] = [server.addrs[0], server.addrs[1]];
        assert_eq!(v4.ip().to_string(), "127.0.0.1");
        assert_eq!(v6.ip().to_string(), "::1");
        assert_eq!(v4.port(), v6.port(), "one port on both addresses");
        for target in [v4, v6] {
            let events = run_client(client_config(protocol, target, b"both"));
            assert_eq!(close_reason(&events), Some(CloseReason::Finished), "{protocol} {target}: {events:?}");
        }
        // A client given the name finds it too.
        let mut config = client_config(protocol, v4, b"by name");
        config.target = Endpoint { host: "localhost".into(), port: v4.port() };
        assert_eq!(echo_checks(&run_client(config)).len(), 1);
        server.stop();
    }
}

#[test]
fn two_hundred_concurrent_clients_get_every_byte_back() {
    let server = start_server(ServerConfig {
        detail: Detail::CountsOnly,
        ..server_config(Protocol::Tcp, "127.0.0.1:0")
    });
    let target = server.addrs[0];
    let (tx, rx) = crossbeam_channel::bounded(engine::EVENT_CHANNEL_CAPACITY);
    let mut handles = Vec::new();
    for i in 0..200u32 {
        // A distinct 3000-byte payload per client, so a cross-talk bug cannot pass.
        let message: Vec<u8> =
            (0..3000u32).map(|j| (i.wrapping_mul(31).wrapping_add(j * 7) % 251) as u8).collect();
        let config = ClientConfig {
            chunk_bytes: 1024,
            timeout_ms: 8_000,
            ..client_config(Protocol::Tcp, target, &message)
        };
        handles.push(engine::spawn(WorkerSpec::Client(config), tx.clone(), engine::no_waker()));
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut closed = 0;
    while closed < 200 {
        let event = rx.recv_deadline(deadline).expect("every client should end");
        if matches!(event.kind, EventKind::Closed { .. }) {
            closed += 1;
        }
    }
    for handle in &handles {
        let stats = handle.stats();
        assert_eq!((stats.echoes_ok, stats.echoes_bad, stats.bytes_in), (1, 0, 3000));
    }
    let deadline = Instant::now() + WAIT;
    while server.handle.stats().bytes_out < 600_000 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    let stats = server.handle.stats();
    assert_eq!(
        (stats.connections, stats.bytes_in, stats.bytes_out, stats.errors),
        (200, 600_000, 600_000, 0)
    );
    // Quiet mode reports connections only: no payload was copied into an event.
    let events = server.stop();
    assert!(events.iter().all(|e| !matches!(e.kind, EventKind::Received { .. } | EventKind::Sent { .. })));
}

#[test]
fn a_character_split_across_reads_is_echoed_exactly_and_each_line_shows_its_own_bytes() {
    let server = start(Protocol::Tcp, "127.0.0.1:0");
    let message = "123456789012345á".as_bytes();
    let events = run_client(client_config(Protocol::Tcp, server.addrs[0], message));
    assert_eq!(received(&events), message);
    assert!(echo_checks(&events)[0].matches);
    let mut lines = LineFormatter::new(true, false);
    let rendered: Vec<String> = events
        .iter()
        .filter(|e| matches!(e.kind, EventKind::Received { .. }))
        .map(|e| lines.format(e))
        .collect();
    assert_eq!(rendered.len(), 2);
    // The 16-byte read ends with the first byte of "á", the next holds the second: each line
    // shows the bytes it holds, never a replacement character.
    assert!(rendered[0].ends_with("16 B \"123456789012345\\xC3\""), "{}", rendered[0]);
    assert!(rendered[1].contains("1 B \"\\xA1\"  rtt"), "{}", rendered[1]);
    assert!(!rendered.iter().any(|l| l.contains('\u{FFFD}')));
    server.stop();
}

#[test]
fn binary_payloads_with_nul_and_ff_round_trip_over_tcp_and_udp() {
    let payload: Vec<u8> = [0u8, 0xFF, 0, 0xFE, b'\n', 0xC3, 0x28, 0x80].repeat(40);
    for protocol in [Protocol::Tcp, Protocol::Udp] {
        let server = start(protocol, "127.0.0.1:0");
        let events = run_client(client_config(protocol, server.addrs[0], &payload));
        assert_eq!(received(&events), payload, "{protocol}");
        assert!(echo_checks(&events).iter().all(|c| c.matches));
        let text: Vec<String> = {
            let mut lines = LineFormatter::new(protocol == Protocol::Tcp, false);
            events.iter().map(|e| lines.format(e)).collect()
        };
        assert!(text.iter().any(|l| l.contains("\\0\\xFF\\0\\xFE\\n\\xC3(\\x80")), "{text:?}");
        let server_events = server.stop();
        assert_eq!(sent(&server_events), payload);
    }
}

#[test]
fn persistent_tcp_sends_many_messages_on_one_connection() {
    let server = start(Protocol::Tcp, "[::1]:0");
    let (tx, rx) = crossbeam_channel::bounded(1024);
    let config = ClientConfig { persistent: true, ..client_config(Protocol::Tcp, server.addrs[0], b"one") };
    let handle = engine::spawn(WorkerSpec::Client(config), tx, engine::no_waker());
    let mut seen = events_until(&rx, |e| echo_checks(std::slice::from_ref(e)).len() == 1);
    // Still connected: commands send a second and a third.
    assert!(handle.send(Command::Send { payload: Payload::bytes("two"), count: Some(1) }));
    seen.extend(events_until(&rx, |e| echo_checks(std::slice::from_ref(e)).len() == 1));
    assert!(handle.send(Command::Send { payload: Payload::bytes("three"), count: Some(1) }));
    seen.extend(events_until(&rx, |e| echo_checks(std::slice::from_ref(e)).len() == 1));
    handle.send(Command::Disconnect(None));
    seen.extend(engine::collect_until_closed(&rx, WAIT));
    assert_eq!(received(&seen), b"onetwothree");
    assert_eq!(kinds(&seen).iter().filter(|k| **k == "connected").count(), 1);
    assert_eq!(close_reason(&seen), Some(CloseReason::Stopped));
    assert_eq!(handle.stats().echoes_ok, 3);
    let server_events = server.stop();
    assert_eq!(kinds(&server_events).iter().filter(|k| **k == "accepted").count(), 1);
}

#[test]
fn a_client_that_never_reads_does_not_stop_the_others() {
    let server = start(Protocol::Tcp, "127.0.0.1:0");
    let target = server.addrs[0];
    let drain = std::thread::spawn(move || {
        let mut n = 0;
        while let Ok(event) = server.events.recv_timeout(Duration::from_secs(20)) {
            n += 1;
            if matches!(event.kind, EventKind::Closed { .. }) {
                break;
            }
        }
        n
    });
    // It writes until its socket is full and never reads the echo.
    let mut hog = TcpStream::connect(target).unwrap();
    hog.set_nonblocking(true).unwrap();
    let block = vec![0x55u8; 65_536];
    let mut written = 0usize;
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut stalls = 0;
    while Instant::now() < deadline && stalls < 50 {
        match hog.write(&block) {
            Ok(n) => written += n,
            Err(_) => {
                stalls += 1;
                std::thread::sleep(Duration::from_millis(10));
            }
        }
    }
    assert!(written > 0 && stalls >= 50, "the hog's socket should fill up ({written} bytes written)");
    // And a silent one that connects and says nothing.
    let _silent = TcpStream::connect(target).unwrap();
    for _ in 0..3 {
        let events = run_client(client_config(Protocol::Tcp, target, SEED_MESSAGE));
        assert!(echo_checks(&events)[0].matches, "{events:?}");
    }
    // Stop ends it all at once, hog and silent included.
    let started = Instant::now();
    server.handle.stop();
    let stopped = drain.join().unwrap();
    assert!(stopped > 0);
    assert!(started.elapsed() < Duration::from_secs(2), "stop took {:?}", started.elapsed());
    hog.set_nonblocking(false).unwrap();
    hog.set_read_timeout(Some(WAIT)).unwrap();
    let mut sink = vec![0u8; 1 << 20];
    let mut got = 0;
    loop {
        match hog.read(&mut sink) {
            Ok(0) | Err(_) => break,
            Ok(n) => got += n,
        }
    }
    assert!(got <= written, "the server echoed only what it read");
}

#[test]
fn a_reset_is_a_transcript_line_and_the_server_goes_on() {
    let server = start(Protocol::Tcp, "127.0.0.1:0");
    let target = server.addrs[0];
    let mut rude = TcpStream::connect(target).unwrap();
    rude.write_all(b"abc").unwrap();
    let mut three = [0u8; 3];
    rude.set_read_timeout(Some(WAIT)).unwrap();
    rude.read_exact(&mut three).unwrap();
    rude.write_all(b"unread").unwrap();
    std::thread::sleep(Duration::from_millis(50));
    // Close with the echo of "unread" still unread and linger 0: the kernel sends RST.
    socket2::SockRef::from(&rude).set_linger(Some(Duration::ZERO)).unwrap();
    drop(rude);
    let seen = events_until(&server.events, |e| matches!(e.kind, EventKind::ConnectionClosed { .. }));
    let errs = errors(&seen);
    assert_eq!(errs.len(), 1, "{seen:?}");
    assert_eq!(errs[0].kind, ErrorKind::Reset);
    assert!(errs[0].to_string().contains("connection reset by peer"), "{}", errs[0]);
    let events = run_client(client_config(Protocol::Tcp, target, b"still here"));
    assert!(echo_checks(&events)[0].matches);
    server.stop();
}

#[test]
fn disconnect_closes_one_client_of_several() {
    let server = start(Protocol::Tcp, "127.0.0.1:0");
    let target = server.addrs[0];
    let mut clients: Vec<TcpStream> = (0..3).map(|_| TcpStream::connect(target).unwrap()).collect();
    let mut ids = Vec::new();
    let seen = events_until(&server.events, |e| {
        if let EventKind::Accepted(link) = &e.kind {
            ids.push((link.peer, link.conn));
        }
        ids.len() == 3
    });
    assert_eq!(kinds(&seen), ["accepted"; 3]);
    let victim_addr = clients[1].local_addr().unwrap();
    let victim = ids.iter().find(|(peer, _)| *peer == victim_addr).unwrap().1;
    server.handle.send(Command::Disconnect(Some(victim)));
    events_until(
        &server.events,
        |e| matches!(&e.kind, EventKind::ConnectionClosed { link, .. } if link.conn == victim),
    );
    clients[1].set_read_timeout(Some(WAIT)).unwrap();
    let mut buf = [0u8; 8];
    assert_eq!(clients[1].read(&mut buf).unwrap_or(0), 0, "the disconnected client sees the end");
    for i in [0, 2] {
        clients[i].write_all(b"ping").unwrap();
        clients[i].set_read_timeout(Some(WAIT)).unwrap();
        clients[i].read_exact(&mut buf[..4]).unwrap();
        assert_eq!(&buf[..4], b"ping");
    }
    server.stop();
}

#[test]
fn stopping_a_server_with_many_clients_ends_within_a_second() {
    let server = start(Protocol::Tcp, "127.0.0.1:0");
    let target = server.addrs[0];
    let mut clients: Vec<TcpStream> = (0..200).map(|_| TcpStream::connect(target).unwrap()).collect();
    for c in &mut clients {
        c.write_all(b"x").unwrap();
    }
    let mut accepted = 0;
    events_until(&server.events, |e| {
        accepted += usize::from(matches!(e.kind, EventKind::Accepted(_)));
        accepted == 200
    });
    let started = Instant::now();
    let events = server.stop();
    assert!(started.elapsed() < Duration::from_secs(1), "stop took {:?}", started.elapsed());
    assert_eq!(kinds(&events).iter().filter(|k| **k == "conn-closed").count(), 200);
    assert_eq!(kinds(&events).iter().filter(|k| **k == "closed").count(), 1, "exactly one Closed");
}

#[test]
fn backpressure_loses_no_event_when_the_consumer_is_slow() {
    let config = ServerConfig { chunk_bytes: 1024, ..server_config(Protocol::Tcp, "127.0.0.1:0") };
    // A tiny channel: the server must wait for the consumer instead of dropping events.
    let (tx, events) = crossbeam_channel::bounded(4);
    let handle = engine::spawn(WorkerSpec::Server(config), tx, engine::no_waker());
    let target = match events.recv_timeout(WAIT).unwrap().kind {
        EventKind::Listening { local, .. } => local,
        other => panic!("{other:?}"),
    };
    let payload: Vec<u8> = (0..1_000_000u32).map(|i| (i % 253) as u8).collect();
    let stream = TcpStream::connect(target).unwrap();
    let mut reader = stream.try_clone().unwrap();
    let expected = payload.len();
    let reading = std::thread::spawn(move || {
        reader.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        let mut back = Vec::with_capacity(expected);
        let mut buf = vec![0u8; 65_536];
        while back.len() < expected {
            match reader.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => back.extend_from_slice(&buf[..n]),
            }
        }
        back
    });
    let to_send = payload.clone();
    let writing = std::thread::spawn(move || {
        let mut stream = stream;
        stream.write_all(&to_send).unwrap();
        stream
    });
    // The consumer sleeps; the server can have sent at most a few events meanwhile.
    std::thread::sleep(Duration::from_millis(300));
    assert!(events.len() <= 4);
    let mut got = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(20);
    while got.len() < payload.len() {
        let event = events.recv_deadline(deadline).expect("events keep coming");
        if let EventKind::Received { data, .. } = event.kind {
            got.extend_from_slice(&data);
        }
    }
    assert_eq!(got, payload, "every read was reported, in order");
    assert_eq!(reading.join().unwrap(), payload);
    drop(writing.join().unwrap());
    handle.stop();
    let rest = engine::collect_until_closed(&events, WAIT);
    assert!(matches!(rest.last().map(|e| &e.kind), Some(EventKind::Closed { .. })));
}

// ---- errors, each with its kind and a message that names the address ----

#[test]
fn refused_names_the_address() {
    for protocol in [Protocol::Tcp, Protocol::Udp] {
        let port = if protocol == Protocol::Tcp { free_tcp_port() } else { free_udp_port() };
        let target: SocketAddr = ([127, 0, 0, 1], port).into();
        let events = run_client(client_config(protocol, target, b"hello"));
        let errs = errors(&events);
        assert_eq!(errs.last().map(|e| e.kind), Some(ErrorKind::Refused), "{protocol}: {events:?}");
        let text = errs.last().unwrap().to_string();
        assert!(text.contains(&format!("127.0.0.1:{port}")) && text.contains("refused"), "{text}");
        assert_eq!(close_reason(&events), Some(CloseReason::Failed));
    }
}

#[test]
fn refused_on_every_localhost_address_is_tried_before_giving_up() {
    let port = free_tcp_port();
    let mut config = client_config(Protocol::Tcp, ([127, 0, 0, 1], port).into(), b"x");
    config.target = Endpoint { host: "localhost".into(), port };
    let events = run_client(config);
    let text = errors(&events).last().unwrap().to_string();
    assert!(text.contains(&format!("127.0.0.1:{port}")) && text.contains(&format!("[::1]:{port}")), "{text}");
}

#[test]
fn a_full_backlog_makes_connect_time_out() {
    let listener = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    listener.bind(&SocketAddr::from(([127, 0, 0, 1], 0)).into()).unwrap();
    listener.listen(0).unwrap();
    let target = listener.local_addr().unwrap().as_socket().unwrap();
    // Fill the accept queue: connect until a connect times out (it never accepts).
    let mut held = Vec::new();
    for _ in 0..16 {
        match TcpStream::connect_timeout(&target, Duration::from_millis(300)) {
            Ok(s) => held.push(s),
            Err(_) => break,
        }
    }
    assert!(held.len() < 16, "the backlog never filled");
    let config = ClientConfig { timeout_ms: 400, ..client_config(Protocol::Tcp, target, b"x") };
    let started = Instant::now();
    let events = run_client(config);
    let err = errors(&events).pop().unwrap();
    assert_eq!(err.kind, ErrorKind::TimedOut, "{err}");
    assert_eq!(err.to_string(), format!("connect to {target}: timed out after 400 ms"));
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[test]
fn a_udp_port_that_never_answers_loses_each_datagram_and_goes_on() {
    let silent = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let target = silent.local_addr().unwrap();
    let config =
        ClientConfig { timeout_ms: 300, count: Some(2), ..client_config(Protocol::Udp, target, b"anyone?") };
    let events = run_client(config);
    let lost: Vec<(u64, u64)> = events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::Lost { bytes, timeout_ms, .. } => Some((bytes, timeout_ms)),
            _ => None,
        })
        .collect();
    assert_eq!(lost, [(7, 300), (7, 300)], "each datagram, lost after the timeout");
    assert!(errors(&events).is_empty(), "a loss is not an error of the session");
    let mut buf = [0u8; 16];
    for _ in 0..2 {
        let (n, _) = silent.recv_from(&mut buf).unwrap();
        assert_eq!(&buf[..n], b"anyone?", "the datagram did go out");
    }
}

#[test]
fn address_in_use_for_tcp_and_udp() {
    let taken_tcp = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let taken_udp = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    for (protocol, addr) in [(Protocol::Tcp, taken_tcp.local_addr()), (Protocol::Udp, taken_udp.local_addr())]
    {
        let addr = addr.unwrap();
        let (tx, rx) = crossbeam_channel::bounded(64);
        let _h = engine::spawn(
            WorkerSpec::Server(server_config(protocol, &addr.to_string())),
            tx,
            engine::no_waker(),
        );
        let events = engine::collect_until_closed(&rx, WAIT);
        assert_eq!(kinds(&events), ["failed", "closed"]);
        let err = errors(&events).pop().unwrap();
        assert_eq!(err.kind, ErrorKind::AddrInUse);
        assert_eq!(err.to_string(), format!("bind {addr}: address already in use"));
    }
}

#[test]
fn invalid_input_is_refused_before_any_socket() {
    let zero = client_config(Protocol::Tcp, ([127, 0, 0, 1], 0).into(), b"x");
    let events = run_client(zero);
    assert_eq!(kinds(&events), ["failed", "closed"]);
    assert_eq!(errors(&events)[0].kind, ErrorKind::InvalidInput);
    let big_buffer = ClientConfig {
        chunk_bytes: 70_000,
        ..client_config(Protocol::Udp, ([127, 0, 0, 1], 9).into(), b"x")
    };
    assert_eq!(errors(&run_client(big_buffer))[0].kind, ErrorKind::InvalidInput);
    for bad in ["", "localhost:65536", "[::1", ":80"] {
        assert_eq!(Endpoint::parse(bad, 1).unwrap_err().kind, ErrorKind::InvalidInput, "{bad:?}");
    }
}

#[test]
fn a_truncated_datagram_is_reported() {
    let server = start(Protocol::Udp, "127.0.0.1:0");
    let config =
        ClientConfig { chunk_bytes: 8, ..client_config(Protocol::Udp, server.addrs[0], b"0123456789ABCDEF") };
    let events = run_client(config);
    let truncated = events.iter().any(|e| matches!(e.kind, EventKind::Received { truncated: true, .. }));
    assert!(truncated, "{events:?}");
    assert_eq!(received(&events), b"01234567");
    assert!(!echo_checks(&events)[0].matches, "a truncated echo cannot be confirmed");
    server.stop();
}

#[test]
fn large_and_empty_udp_datagrams() {
    let server = start(Protocol::Udp, "127.0.0.1:0");
    let big: Vec<u8> = (0..65_507u32).map(|i| (i % 256) as u8).collect();
    let config = ClientConfig { chunk_bytes: 65_535, ..client_config(Protocol::Udp, server.addrs[0], &big) };
    let events = run_client(config);
    assert_eq!(received(&events), big);
    let empty = run_client(client_config(Protocol::Udp, server.addrs[0], b""));
    assert!(echo_checks(&empty)[0].matches, "{empty:?}");
    server.stop();
}

#[test]
fn a_large_tcp_message_does_not_deadlock() {
    // Far more than both socket buffers: the client must read while it writes.
    let server = start(Protocol::Tcp, "127.0.0.1:0");
    let big: Vec<u8> = (0..8_000_000u32).map(|i| (i % 241) as u8).collect();
    let config = ClientConfig {
        chunk_bytes: 65_536,
        timeout_ms: 20_000,
        ..client_config(Protocol::Tcp, server.addrs[0], &big)
    };
    let (tx, rx) = crossbeam_channel::bounded(engine::EVENT_CHANNEL_CAPACITY);
    let handle = engine::spawn(WorkerSpec::Client(config), tx, engine::no_waker());
    let server_drain = std::thread::spawn(move || {
        let events = server.events;
        let h = server.handle;
        while let Ok(event) = events.recv_timeout(Duration::from_secs(30)) {
            if matches!(event.kind, EventKind::ConnectionClosed { .. }) {
                break;
            }
        }
        h.stop();
    });
    let events = engine::collect_until_closed(&rx, Duration::from_secs(30));
    assert_eq!(close_reason(&events), Some(CloseReason::Finished), "{:?}", errors(&events));
    assert_eq!(handle.stats().echoes_ok, 1);
    assert_eq!(received(&events).len(), big.len());
    server_drain.join().unwrap();
}

/// A server whose replies follow rules, as the engine runs it.
fn rules_server(protocol: Protocol, reply: ReplySpec) -> Server {
    let responder = reply.responder().unwrap();
    start_server(ServerConfig { responder, ..server_config(protocol, "127.0.0.1:0") })
}

#[test]
fn rules_reply_with_their_captures_delays_and_closes_over_tcp() {
    let reply = ReplySpec {
        mode: "fixed:?\\n".into(),
        framing: "line".into(),
        rules: vec![
            RuleSpec::from_arrow("^PING$=>PONG\\n").unwrap(),
            RuleSpec::from_arrow("^LOGIN (?P<user>\\w+)=>HELLO ${user} #{counter}\\n").unwrap(),
            RuleSpec { matches: "exact:SLOW".into(), reply: "LATE\\n".into(), delay_ms: 300, close: false },
            RuleSpec { matches: "exact:BYE".into(), reply: "BYE\\n".into(), delay_ms: 0, close: true },
        ],
        ..ReplySpec::default()
    };
    let server = rules_server(Protocol::Tcp, reply);
    let mut stream = TcpStream::connect(server.addrs[0]).unwrap();
    stream.set_read_timeout(Some(WAIT)).unwrap();
    let read_reply = |stream: &mut TcpStream| {
        let mut got = Vec::new();
        let mut byte = [0u8; 1];
        while !got.ends_with(b"\n") {
            if stream.read(&mut byte).unwrap() == 0 {
                break;
            }
            got.push(byte[0]);
        }
        String::from_utf8(got).unwrap()
    };
    stream.write_all(b"PING\r\nLOGIN ana\n").unwrap();
    assert_eq!(read_reply(&mut stream), "PONG\n");
    assert_eq!(read_reply(&mut stream), "HELLO ana #2\n");
    stream.write_all(b"what\n").unwrap();
    assert_eq!(read_reply(&mut stream), "?\n", "the fallback covers what no rule matches");
    let asked = Instant::now();
    stream.write_all(b"SLOW\n").unwrap();
    assert_eq!(read_reply(&mut stream), "LATE\n");
    assert!(asked.elapsed() >= Duration::from_millis(300), "the delay was kept");
    // What follows a closing rule in the same read is never answered.
    stream.write_all(b"BYE\nafter\nmore\n").unwrap();
    assert_eq!(read_reply(&mut stream), "BYE\n");
    let mut rest = Vec::new();
    stream.read_to_end(&mut rest).unwrap();
    assert_eq!(
        String::from_utf8_lossy(&rest),
        "",
        "the server closed after its reply, answering nothing more"
    );
    let events = server.stop();
    let notices: Vec<String> = events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Notice(n) => Some(format!("{n:?}")),
            _ => None,
        })
        .collect();
    assert_eq!(notices.len(), 5, "the transcript says which rule matched each frame: {notices:?}");
    assert!(notices[2].contains("NoRuleMatched"), "{notices:?}");
}

#[test]
fn a_line_past_the_limit_is_answered_in_pieces_or_closes_with_a_notice() {
    let line = |over: &str| ReplySpec {
        mode: "fixed:ok\\n".into(),
        framing: "line".into(),
        max_frame: 1 << 20,
        over_max_frame: over.into(),
        ..ReplySpec::default()
    };
    // 2.5 MiB that never ends: two replies at 1 MiB and 2 MiB; the rest waits for its end.
    let server = rules_server(Protocol::Tcp, line("reply"));
    let mut stream = TcpStream::connect(server.addrs[0]).unwrap();
    stream.set_read_timeout(Some(WAIT)).unwrap();
    stream.write_all(&vec![b'a'; 5 << 19]).unwrap();
    let mut got = [0u8; 6];
    stream.read_exact(&mut got).unwrap();
    assert_eq!(&got, b"ok\nok\n");
    stream.write_all(b"end\n").unwrap();
    stream.read_exact(&mut got[..3]).unwrap();
    assert_eq!(&got[..3], b"ok\n", "the rest of the line is a frame of its own");
    drop(stream);
    let events = server.stop();
    let too_long: Vec<_> = events
        .iter()
        .filter(|e| {
            matches!(e.kind, EventKind::Notice(Notice::FrameTooLong { limit: 1_048_576, close: false, .. }))
        })
        .collect();
    assert!(!too_long.is_empty(), "the transcript says the line was cut");

    let server = rules_server(Protocol::Tcp, line("close"));
    let mut stream = TcpStream::connect(server.addrs[0]).unwrap();
    stream.set_read_timeout(Some(WAIT)).unwrap();
    stream.write_all(b"short\n").unwrap();
    stream.read_exact(&mut got[..3]).unwrap();
    assert_eq!(&got[..3], b"ok\n", "a short line is answered");
    // The server may close while this is still being written: a reset there is the point.
    let _ = stream.write_all(&vec![b'a'; 3 << 20]);
    let mut rest = Vec::new();
    let ended = stream.read_to_end(&mut rest);
    assert!(rest.is_empty(), "nothing answers the long line: {ended:?}");
    assert!(
        ended.is_ok() || ended.as_ref().is_err_and(|e| e.kind() == std::io::ErrorKind::ConnectionReset),
        "the server closed the connection: {ended:?}"
    );
    let events = server.stop();
    assert!(
        events.iter().any(|e| matches!(e.kind, EventKind::Notice(Notice::FrameTooLong { close: true, .. })))
    );
}

#[test]
fn silent_keeps_the_connection_open_and_close_closes_it() {
    let silent = rules_server(Protocol::Tcp, ReplySpec { mode: "silent".into(), ..ReplySpec::default() });
    let mut stream = TcpStream::connect(silent.addrs[0]).unwrap();
    stream.write_all(b"hello").unwrap();
    stream.set_read_timeout(Some(Duration::from_millis(300))).unwrap();
    let mut buf = [0u8; 8];
    let err = stream.read(&mut buf).unwrap_err();
    assert!(matches!(err.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut), "{err}");
    let close = rules_server(Protocol::Tcp, ReplySpec { mode: "close".into(), ..ReplySpec::default() });
    let mut stream = TcpStream::connect(close.addrs[0]).unwrap();
    stream.write_all(b"hello").unwrap();
    stream.set_read_timeout(Some(WAIT)).unwrap();
    assert_eq!(stream.read(&mut buf).unwrap_or(0), 0);
}

#[test]
fn rules_answer_datagrams_too() {
    let reply = ReplySpec {
        mode: "silent".into(),
        rules: vec![RuleSpec::from_arrow("^TIME\\?=>{unix_ms}").unwrap()],
        ..ReplySpec::default()
    };
    let server = rules_server(Protocol::Udp, reply);
    let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    socket.set_read_timeout(Some(WAIT)).unwrap();
    socket.send_to(b"TIME?", server.addrs[0]).unwrap();
    let mut buf = [0u8; 64];
    let n = socket.recv(&mut buf).unwrap();
    let ms: i64 = std::str::from_utf8(&buf[..n]).unwrap().parse().unwrap();
    assert!((ms - jiff::Timestamp::now().as_millisecond()).abs() < 10_000);
    socket.send_to(b"other", server.addrs[0]).unwrap();
    socket.set_read_timeout(Some(Duration::from_millis(300))).unwrap();
    assert!(socket.recv(&mut buf).is_err(), "silent: no reply to what no rule matches");
}

#[test]
fn a_udp_server_sends_to_every_peer_heard_from() {
    let server = start(Protocol::Udp, "127.0.0.1:0");
    let peers: Vec<std::net::UdpSocket> =
        (0..2).map(|_| std::net::UdpSocket::bind("127.0.0.1:0").unwrap()).collect();
    let mut buf = [0u8; 64];
    for peer in &peers {
        peer.set_read_timeout(Some(WAIT)).unwrap();
        peer.send_to(b"hi", server.addrs[0]).unwrap();
        assert_eq!(peer.recv(&mut buf).unwrap(), 2, "the echo");
    }
    assert!(server.handle.send(Command::SendToClients { conn: None, payload: Payload::bytes("news") }));
    for peer in &peers {
        let n = peer.recv(&mut buf).unwrap();
        assert_eq!(&buf[..n], b"news");
    }
    assert!(
        server.handle.send(Command::SendToClients { conn: Some(2), payload: Payload::bytes("just you") })
    );
    let n = peers[1].recv(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"just you");
    peers[0].set_read_timeout(Some(Duration::from_millis(300))).unwrap();
    assert!(peers[0].recv(&mut buf).is_err());
}

#[test]
fn a_calm_pace_pauses_after_connecting_and_before_closing() {
    let server = start(Protocol::Tcp, "127.0.0.1:0");
    let config = ClientConfig { pace_ms: 300, ..client_config(Protocol::Tcp, server.addrs[0], b"hola") };
    let events = run_client(config);
    let at = |pred: &dyn Fn(&EventKind) -> bool| events.iter().find(|e| pred(&e.kind)).map(|e| e.at).unwrap();
    let connected = at(&|k| matches!(k, EventKind::Connected(_)));
    let sent = at(&|k| matches!(k, EventKind::Sent { .. }));
    let echoed = at(&|k| matches!(k, EventKind::Received { echo: Some(_), .. }));
    let closed = at(&|k| matches!(k, EventKind::ConnectionClosed { .. }));
    let ms = |a: jiff::Timestamp, b: jiff::Timestamp| b.duration_since(a).as_millis();
    assert!(ms(connected, sent) >= 300, "connect, then a pause, then send: {} ms", ms(connected, sent));
    assert!(ms(echoed, closed) >= 300, "the echo, then a pause, then close: {} ms", ms(echoed, closed));
    assert!(echo_checks(&events).iter().all(|c| c.matches));
}
