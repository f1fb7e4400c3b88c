//! The load generator (`engine::load`) against real servers on loopback: ours, socat, and
//! small broken servers written here, each broken in one way the generator must notice.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod common;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, UdpSocket};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use common::{free_tcp_port, server_config, start_server, wait_child, wait_tcp};
use socket_tester::engine::load::{self, LoadConfig, Mode, Report};
use socket_tester::engine::{Detail, Protocol};

fn quiet_server(protocol: Protocol, bind: &str) -> common::Server {
    start_server(socket_tester::engine::ServerConfig {
        detail: Detail::CountsOnly,
        ..server_config(protocol, bind)
    })
}

fn config(protocol: Protocol, target: SocketAddr) -> LoadConfig {
    LoadConfig {
        duration: Duration::from_secs(20),
        timeout: Duration::from_secs(5),
        ..LoadConfig::new(protocol, target)
    }
}

fn run(config: &LoadConfig) -> Report {
    config.validate().unwrap();
    load::run(config, Arc::new(AtomicBool::new(false)))
}

#[test]
fn every_mode_echoes_exactly_the_count_against_our_tcp_server() {
    let server = quiet_server(Protocol::Tcp, "127.0.0.1:0");
    let target = server.addrs[0];
    for (mode, connections, size, count) in
        [(Mode::PingPong, 3, 32, 301), (Mode::Stream, 4, 65_536, 200), (Mode::Connect, 8, 100, 250)]
    {
        let report = run(&LoadConfig {
            mode,
            connections,
            size,
            count: Some(count),
            threads: 2,
            ..config(Protocol::Tcp, target)
        });
        assert!(report.ok, "{mode:?}: {}", report.summary());
        assert_eq!(report.stopped_by, "count");
        assert_eq!(report.messages_echoed, count, "{mode:?}");
        assert_eq!(report.bytes_echoed, count * size as u64, "{mode:?}");
        assert_eq!(report.bytes_sent, report.bytes_echoed);
        assert_eq!(report.rtt_us.map(|p| p.samples), Some(count));
        let expected_connects = if mode == Mode::Connect { count } else { connections as u64 };
        assert_eq!(report.connects, expected_connects, "{mode:?}");
        assert_eq!(report.served, expected_connects, "{mode:?}");
    }
    // The server counts an echo just after its write returns, so the client can have the last
    // echo a moment before the count: wait (at most 2 s) for the counts to settle.
    let expected = 301 * 32 + 200 * 65_536 + 250 * 100;
    let settled = Instant::now() + Duration::from_secs(2);
    let mut stats = server.handle.stats();
    while (stats.bytes_in != expected || stats.bytes_out != expected) && Instant::now() < settled {
        std::thread::sleep(Duration::from_millis(10));
        stats = server.handle.stats();
    }
    assert_eq!(stats.bytes_in, stats.bytes_out);
    assert_eq!(stats.bytes_in, expected);
}

#[test]
fn udp_stream_accounts_for_every_datagram_over_ipv6() {
    let server = quiet_server(Protocol::Udp, "[::1]:0");
    let report = run(&LoadConfig {
        mode: Mode::Stream,
        connections: 3,
        size: 512,
        count: Some(3000),
        window: 16,
        ..config(Protocol::Udp, server.addrs[0])
    });
    assert_eq!(report.mismatches, 0, "{}", report.summary());
    assert_eq!(report.messages_sent, 3000);
    assert_eq!(report.messages_echoed + report.lost, 3000);
    assert!(report.messages_echoed > 0);
    assert_eq!(report.served, 3);
}

#[test]
fn a_thousand_connections_are_all_served() {
    let server = quiet_server(Protocol::Tcp, "127.0.0.1:0");
    let report = run(&LoadConfig {
        connections: 1000,
        count: Some(3000),
        threads: 2,
        ..config(Protocol::Tcp, server.addrs[0])
    });
    assert!(report.ok, "{}", report.summary());
    assert_eq!(report.connects, 1000);
    assert_eq!(report.served, 1000);
    assert_eq!(report.messages_echoed, 3000);
}

/// A TCP echo server that flips one bit of the byte at `offset` of each connection's stream.
fn corrupting_server(offset: u64) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(1) {
            let mut stream = stream.unwrap();
            let mut seen = 0u64;
            let mut buf = [0u8; 4096];
            loop {
                let n = match stream.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => n,
                };
                if (seen..seen + n as u64).contains(&offset) {
                    buf[(offset - seen) as usize] ^= 0x01;
                }
                seen += n as u64;
                if stream.write_all(&buf[..n]).is_err() {
                    break;
                }
            }
        }
    });
    addr
}

#[test]
fn one_flipped_bit_in_the_echo_is_caught_and_located() {
    let target = corrupting_server(5000);
    let report = run(&LoadConfig { size: 1000, count: Some(20), ..config(Protocol::Tcp, target) });
    assert!(!report.ok);
    assert_eq!(report.mismatches, 1);
    assert_eq!(report.messages_echoed, 5, "the five messages before the flipped byte were right");
    let message = report.error_messages.keys().next().unwrap();
    assert!(message.contains("differs from what was sent at byte 5,000"), "{message}");
    assert!(report.summary().contains("SOME ECHOES DIFFERED"));
}

#[test]
fn a_server_that_closes_mid_stream_is_reported() {
    // It closes with the rest of the first message unechoed.
    let target = common::peer_echoing_first(10, drop);
    let report = run(&LoadConfig { size: 100, count: Some(5), ..config(Protocol::Tcp, target) });
    assert!(!report.ok);
    assert_eq!(report.messages_echoed, 0);
    let messages: Vec<_> = report.error_messages.keys().collect();
    assert!(
        messages.iter().any(|m| m.contains("closed the connection with 90 bytes not echoed")
            || m.contains("connection reset by peer")),
        "{messages:?}"
    );
    assert_eq!(report.stopped_by, "failures");
}

#[test]
fn refused_connections_are_counted_and_end_the_run_early() {
    // A port bound but not listening: refused, and no other test's server can be given it.
    let holder = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
    holder.bind(&SocketAddr::from(([127, 0, 0, 1], 0)).into()).unwrap();
    let target: SocketAddr = holder.local_addr().unwrap().as_socket().unwrap();
    let report = run(&LoadConfig { connections: 5, ..config(Protocol::Tcp, target) });
    assert!(!report.ok);
    assert_eq!(report.errors, 5);
    assert_eq!(
        report
            .error_messages
            .get(&format!("connect to {target}: connection refused (nothing listens there)")),
        Some(&5)
    );
    assert_eq!(report.stopped_by, "failures");
    assert!(report.elapsed_s < 10.0, "a refused run does not wait for its duration");
}

/// A UDP echo server that answers only the datagrams whose sequence number is even.
fn half_deaf_udp_server() -> SocketAddr {
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    let addr = socket.local_addr().unwrap();
    std::thread::spawn(move || {
        let mut buf = [0u8; 2048];
        while let Ok((n, peer)) = socket.recv_from(&mut buf) {
            let seq = u64::from_le_bytes(buf[..8].try_into().unwrap());
            if seq.is_multiple_of(2) {
                let _ = socket.send_to(&buf[..n], peer);
            }
        }
    });
    addr
}

#[test]
fn unanswered_datagrams_count_as_lost() {
    let target = half_deaf_udp_server();
    let report = run(&LoadConfig {
        size: 64,
        count: Some(20),
        timeout: Duration::from_millis(100),
        ..config(Protocol::Udp, target)
    });
    assert_eq!(report.messages_sent, 20);
    assert_eq!(report.messages_echoed, 10);
    assert_eq!(report.lost, 10);
    assert!((report.loss_ratio - 0.5).abs() < 1e-9);
    assert_eq!(report.errors, 0, "loss is measured, not an error");
    assert!(!report.ok, "a lost echo fails the run");
}

#[test]
fn a_peer_that_echoes_twice_fails_the_run() {
    let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let target = socket.local_addr().unwrap();
    std::thread::spawn(move || {
        let mut buf = [0u8; 2048];
        while let Ok((n, from)) = socket.recv_from(&mut buf) {
            let _ = socket.send_to(&buf[..n], from);
            let _ = socket.send_to(&buf[..n], from);
        }
    });
    let report = run(&LoadConfig { size: 64, count: Some(20), ..config(Protocol::Udp, target) });
    assert_eq!(report.messages_echoed, 20);
    assert!(report.duplicates >= 1, "{}", report.duplicates);
    assert_eq!(report.late, 0, "a second echo is not a late one");
    assert!(!report.ok);
}

#[test]
fn a_truncated_datagram_is_a_mismatch() {
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    let target = socket.local_addr().unwrap();
    std::thread::spawn(move || {
        let mut buf = [0u8; 2048];
        while let Ok((n, peer)) = socket.recv_from(&mut buf) {
            let _ = socket.send_to(&buf[..n.min(40)], peer);
        }
    });
    let report = run(&LoadConfig { size: 100, count: Some(3), ..config(Protocol::Udp, target) });
    assert_eq!(report.mismatches, 3);
    assert!(
        report
            .error_messages
            .contains_key(&format!("receive from {target}: a 100-byte datagram came back as 40 bytes")),
        "{:?}",
        report.error_messages
    );
}

#[test]
fn the_rate_limit_spaces_the_messages() {
    let server = quiet_server(Protocol::Tcp, "127.0.0.1:0");
    let report =
        run(&LoadConfig { count: Some(20), rate: Some(100.0), ..config(Protocol::Tcp, server.addrs[0]) });
    assert!(report.ok, "{}", report.summary());
    assert_eq!(report.messages_echoed, 20);
    // 20 messages at 100 per second: the last starts 190 ms after the first, at the earliest.
    assert!(report.elapsed_s >= 0.18, "{}", report.elapsed_s);
}

#[test]
fn the_duration_bounds_a_run_without_a_count() {
    let server = quiet_server(Protocol::Udp, "127.0.0.1:0");
    let report =
        run(&LoadConfig { duration: Duration::from_millis(300), ..config(Protocol::Udp, server.addrs[0]) });
    assert_eq!(report.stopped_by, "duration");
    assert!(report.messages_echoed > 0);
    assert!(report.elapsed_s >= 0.3 && report.elapsed_s < 5.3, "{}", report.elapsed_s);
}

#[test]
fn stop_ends_a_run_early() {
    let server = quiet_server(Protocol::Tcp, "127.0.0.1:0");
    let stop = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&stop);
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(200));
        flag.store(true, std::sync::atomic::Ordering::Relaxed);
    });
    let report = load::run(&config(Protocol::Tcp, server.addrs[0]), stop);
    assert_eq!(report.stopped_by, "interrupted");
    let first = report.summary().lines().next().unwrap_or_default().to_string();
    assert!(first.ends_with(" s (interrupted)"), "{first}");
    assert!(report.ok);
    assert!(report.elapsed_s < 10.0);
}

#[test]
fn socat_echoes_verify_in_stream_mode() {
    let port = free_tcp_port();
    let mut socat = Command::new("socat")
        .args(["-b", "4096", &format!("TCP4-LISTEN:{port},bind=127.0.0.1,reuseaddr,fork"), "PIPE"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("socat is installed (.ci/run installs it)");
    wait_tcp(port);
    let target: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let report = run(&LoadConfig {
        mode: Mode::Stream,
        connections: 4,
        size: 10_000,
        count: Some(400),
        ..config(Protocol::Tcp, target)
    });
    let _ = Command::new("kill").arg(socat.id().to_string()).status();
    if wait_child(&mut socat, Duration::from_secs(2)).is_none() {
        let _ = socat.kill();
    }
    assert!(report.ok, "{}", report.summary());
    assert_eq!(report.bytes_echoed, 4_000_000);
}

#[test]
fn progress_adds_up_to_the_report_for_tcp_and_udp() {
    use std::sync::atomic::Ordering;
    for protocol in [Protocol::Tcp, Protocol::Udp] {
        let server = quiet_server(protocol, "127.0.0.1:0");
        let progress = load::Progress::new();
        let report = run(&LoadConfig {
            connections: 3,
            threads: 2,
            count: Some(600),
            progress: Some(Arc::clone(&progress)),
            ..config(protocol, server.addrs[0])
        });
        assert!(report.ok, "{protocol:?}: {}", report.summary());
        assert_eq!(progress.echoes.load(Ordering::Relaxed), report.messages_echoed, "{protocol:?}");
        assert_eq!(progress.bytes_sent.load(Ordering::Relaxed), report.bytes_sent, "{protocol:?}");
        assert_eq!(progress.bytes_echoed.load(Ordering::Relaxed), report.bytes_echoed, "{protocol:?}");
        let rtts = progress.round_trips();
        assert_eq!(rtts.count(), 600, "{protocol:?}: every round trip, once");
        let (live, reported) = (rtts.summary().unwrap().max_us as f64, report.rtt_us.unwrap().max);
        assert!((live - reported).abs() <= reported * 0.01 + 1.0, "{live} vs {reported}");
    }
}
