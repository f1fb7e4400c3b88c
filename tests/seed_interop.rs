//! Interop with real peers that no one on this project wrote: the seed tutorial's four Python
//! programs (with their flaws) and socat. Our server must survive their clients, and our
//! clients must work with their servers and report their failures plainly.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod common;

use std::io::Write;
use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::time::Duration;

use common::*;
use socket_tester::engine::{CloseReason, ErrorKind, EventKind, Protocol};

const SEED_MESSAGE: &[u8] = "Este es el mensaje. Se repetirá.".as_bytes();

#[test]
fn our_tcp_server_survives_the_seed_clients_reset_and_keeps_serving() {
    let server = start(Protocol::Tcp, "localhost:0");
    let port = server.port();
    for round in 0..5 {
        let mut client = spawn_seed("seed_tcp_client.py", port, "localhost");
        let status = wait_child(&mut client, WAIT).expect("the seed client ends");
        let (stdout, stderr) = kill_and_output(client);
        assert!(status.success(), "round {round}: {stdout}{stderr}");
        // The seed counts characters: it reads 32 of the 33 echoed bytes and closes.
        assert!(stdout.contains("Recibido Este es el mensa"), "{stdout}");
        let seen = events_until(&server.events, |e| matches!(e.kind, EventKind::ConnectionClosed { .. }));
        assert_eq!(received(&seen), SEED_MESSAGE, "round {round}");
        assert_eq!(sent(&seen), SEED_MESSAGE, "the whole echo went out");
        // Depending on timing the close is a FIN or a reset: either is a line, not a crash.
        let errs = errors(&seen);
        assert!(errs.iter().all(|e| e.kind == ErrorKind::Reset), "{errs:?}");
        let ended_plainly = kinds(&seen).contains(&"peer-closed") || errs.len() == 1;
        assert!(ended_plainly, "{:?}", kinds(&seen));
    }
    let events = server.stop();
    assert_eq!(close_reason(&events), Some(CloseReason::Stopped));
}

#[test]
fn the_seed_udp_client_gets_its_echo_from_our_server() {
    let server = start(Protocol::Udp, "localhost:0");
    let mut client = spawn_seed("seed_udp_client.py", server.port(), "localhost");
    let status = wait_child(&mut client, WAIT).expect("the seed UDP client has no timeout of its own");
    let (stdout, _) = kill_and_output(client);
    assert!(status.success());
    assert!(stdout.contains("Recibido Este es el mensaje. Se repetirá."), "{stdout}");
    let seen = events_until(&server.events, |e| matches!(e.kind, EventKind::Sent { .. }));
    assert_eq!(sent(&seen), SEED_MESSAGE);
    server.stop();
}

#[test]
fn our_tcp_client_against_the_seed_server_gets_all_33_bytes() {
    let port = free_tcp_port();
    let seed = spawn_seed("seed_tcp_server.py", port, "127.0.0.1");
    wait_tcp(port);
    // The seed listens with a backlog of 1 and serves one client at a time: until it has
    // taken wait_tcp's probe off its queue, a new connection may be refused. Retry only that.
    let target: SocketAddr = ([127, 0, 0, 1], port).into();
    let mut events = Vec::new();
    for _ in 0..50 {
        events = run_client(client_config(Protocol::Tcp, target, SEED_MESSAGE));
        let refused = errors(&events).iter().any(|e| e.kind == socket_tester::engine::ErrorKind::Refused);
        if !refused {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let checks = echo_checks(&events);
    assert_eq!(checks.len(), 1, "{events:?}");
    assert!(checks[0].matches && checks[0].bytes == 33, "every byte, not 32 characters");
    assert_eq!(close_reason(&events), Some(CloseReason::Finished));
    let (stdout, _) = kill_and_output(seed);
    assert!(stdout.contains("Recibido je. Se repetirá"), "{stdout}");
}

#[test]
fn the_seed_server_breaking_on_a_split_character_is_reported_not_hung() {
    let port = free_tcp_port();
    let seed = spawn_seed("seed_tcp_server.py", port, "127.0.0.1");
    wait_tcp(port);
    let target: SocketAddr = ([127, 0, 0, 1], port).into();
    // The seed server decodes each 16-byte read alone: "á" split across reads kills it.
    let events = run_client(client_config(Protocol::Tcp, target, "123456789012345á".as_bytes()));
    assert_eq!(close_reason(&events), Some(CloseReason::Failed), "{events:?}");
    let err = errors(&events).pop().unwrap();
    assert!(err.to_string().contains("closed the connection after") || err.kind == ErrorKind::Reset, "{err}");
    // The seed server dies of it: let it finish writing its traceback.
    let mut seed = seed;
    let status = wait_child(&mut seed, WAIT);
    assert!(status.is_some_and(|s| !s.success()), "the seed server should have crashed");
    let (_, stderr) = kill_and_output(seed);
    assert!(stderr.contains("UnicodeDecodeError"), "{stderr}");
}

#[test]
fn our_udp_client_against_the_seed_udp_server() {
    let port = free_udp_port();
    let seed = spawn_seed("seed_udp_server.py", port, "127.0.0.1");
    let target: SocketAddr = ([127, 0, 0, 1], port).into();
    // The seed server may not be bound yet: retry a few times, bounded.
    let events = exchange_once_ready(Protocol::Udp, target);
    assert!(echo_checks(&events).first().is_some_and(|c| c.matches), "{events:?}");
    let (stdout, _) = kill_and_output(seed);
    assert!(stdout.contains("Recibido 33 bytes"), "{stdout}");
}

/// Runs the seed's exchange against a peer that may still be starting: retried (bounded) until
/// one exchange finishes.
fn exchange_once_ready(protocol: Protocol, target: SocketAddr) -> Vec<socket_tester::engine::Event> {
    let mut events = Vec::new();
    for _ in 0..50 {
        events = run_client(client_config(protocol, target, SEED_MESSAGE));
        if close_reason(&events) == Some(CloseReason::Finished) {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    events
}

fn socat(args: &[String]) -> std::process::Child {
    Command::new("socat")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("socat is installed (.ci/run installs it)")
}

/// A forking socat server: its children inherit nothing we would wait on, and are ended with
/// it (socat forwards SIGTERM to them).
/// socat in a process group of its own: dropping it ends its forked children too.
struct SocatServer(Service);

impl SocatServer {
    fn start(args: &[String]) -> SocatServer {
        let mut command = Command::new("socat");
        command.args(args).stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::null());
        SocatServer(Service::spawn(&mut command))
    }
}

#[test]
fn a_socat_peer_leaves_no_process_behind() {
    let port = free_udp_port();
    let server = SocatServer::start(&[format!("UDP4-LISTEN:{port},reuseaddr,fork"), "PIPE".into()]);
    let pgid = server.0.0.id();
    let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    socket.set_read_timeout(Some(WAIT)).unwrap();
    let mut buf = [0u8; 8];
    let deadline = std::time::Instant::now() + WAIT;
    // The first datagram makes socat fork a child for this peer.
    loop {
        socket.send_to(b"ping", ("127.0.0.1", port)).unwrap();
        socket.set_read_timeout(Some(Duration::from_millis(200))).unwrap();
        if socket.recv(&mut buf).is_ok() {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "socat answered");
    }
    assert!(Service::group_alive(pgid));
    drop(server);
    assert!(!Service::group_alive(pgid), "the forked child ended with its parent");
}

#[test]
fn our_clients_against_socat_echo_servers_over_v4_and_v6() {
    for (family, host) in [("4", "127.0.0.1"), ("6", "[::1]")] {
        let port = free_tcp_port();
        let server = SocatServer::start(&[
            "-b".into(),
            "4096".into(),
            format!("TCP{family}-LISTEN:{port},reuseaddr,fork"),
            "PIPE".into(),
        ]);
        let target: SocketAddr = format!("{host}:{port}").parse().unwrap();
        let events = exchange_once_ready(Protocol::Tcp, target);
        assert!(echo_checks(&events).first().is_some_and(|c| c.matches), "tcp{family}: {events:?}");
        drop(server);

        let port = free_udp_port();
        let server =
            SocatServer::start(&[format!("UDP{family}-LISTEN:{port},reuseaddr,fork"), "PIPE".into()]);
        let target: SocketAddr = format!("{host}:{port}").parse().unwrap();
        let events = exchange_once_ready(Protocol::Udp, target);
        assert!(echo_checks(&events).first().is_some_and(|c| c.matches), "udp{family}: {events:?}");
        drop(server);
    }
}

#[test]
fn socat_clients_against_our_servers() {
    for protocol in [Protocol::Tcp, Protocol::Udp] {
        let server = start(protocol, "localhost:0");
        for (family, host) in [("4", "127.0.0.1"), ("6", "[::1]")] {
            let address = format!(
                "{}{family}:{host}:{}",
                if protocol == Protocol::Tcp { "TCP" } else { "UDP" },
                server.port()
            );
            let mut client = socat(&["-t".into(), "1".into(), "-T".into(), "3".into(), "-".into(), address]);
            let payload = b"socat says hola \x00\xff\n";
            client.stdin.take().unwrap().write_all(payload).unwrap();
            let status = wait_child(&mut client, WAIT);
            let (stdout, stderr) = kill_and_output(client);
            assert!(status.is_some_and(|s| s.success()), "{stderr}");
            assert_eq!(stdout.as_bytes(), String::from_utf8_lossy(payload).as_bytes(), "{protocol}{family}");
        }
        let events = server.stop();
        assert!(!sent(&events).is_empty());
    }
}
