//! Socket options through the real binary: what was asked, what the system granted, and what
//! each one does on the wire (half-close, a reset on close, the local address).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod common;

use std::io::{Read, Write};
use std::net::TcpListener;

use common::{Serve, WAIT, bound_port, send};

#[test]
fn the_transcript_says_what_was_asked_and_what_the_system_granted() {
    let serve = Serve::start(&["tcp", "--bind", "127.0.0.1:0", "--rcvbuf", "100000", "--keepalive", "60"]);
    let port = bound_port(&serve.line());
    let line = serve.wait_line("Socket options on 127.0.0.1:");
    assert!(line.contains("SO_RCVBUF 100000 (the system granted 200000)"), "{line}");
    assert!(line.contains("TCP_KEEPIDLE 60 s"), "{line}");

    let target = format!("127.0.0.1:{port}");
    let args = ["tcp", &target, "--sndbuf", "65536", "--ttl", "9", "--keepalive", "30,5", "--nagle"];
    let (code, out, err) = send(&args);
    assert_eq!(code, 0, "{out}{err}");
    let line = out.lines().find(|l| l.contains("Socket options on 127.0.0.1:")).expect(&out);
    for part in [
        "SO_SNDBUF 65536 (the system granted 131072)",
        "IP_TTL 9",
        "TCP_NODELAY off",
        "SO_KEEPALIVE on",
        "TCP_KEEPIDLE 30 s",
        "TCP_KEEPINTVL 5 s",
    ] {
        assert!(line.contains(part), "{part} in {line}");
    }
    assert!(out.contains("echo ok"), "{out}");

    let (code, out, _) = send(&["udp", "127.0.0.1:9", "--rcvbuf", "8192", "--timeout-ms", "100"]);
    assert_eq!(code, 1);
    assert!(out.contains("SO_RCVBUF 8192 (the system granted 16384)"), "UDP too: {out}");

    let (code, _, err) = send(&["tcp", &target, "--ttl", "300"]);
    assert_eq!(code, 2);
    assert!(err.contains("--ttl 300: enter a number from 1 to 255"), "{err}");
}

/// A peer that answers only once the client has shut its sending side: it reads to the end,
/// then echoes everything and closes.
fn peer_answering_at_eof() -> std::net::SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(2) {
            let Ok(mut stream) = stream else { continue };
            stream.set_read_timeout(Some(WAIT)).unwrap();
            let mut all = Vec::new();
            if stream.read_to_end(&mut all).is_ok() {
                let _ = stream.write_all(&all);
            }
        }
    });
    addr
}

#[test]
fn half_close_gets_the_answer_of_a_peer_that_waits_for_the_end() {
    let addr = peer_answering_at_eof().to_string();
    let (code, out, err) = send(&["tcp", &addr, "--half-close", "--timeout-ms", "2000"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("echo ok (33 B)"), "{out}");
    // Without it, the peer never answers.
    let (code, _, err) = send(&["tcp", &addr, "--timeout-ms", "300"]);
    assert_eq!(code, 1);
    assert!(err.contains("no complete echo after 300 ms: 0 of 33 bytes came back"), "{err}");
}

#[test]
fn linger_zero_closes_with_a_reset_the_server_sees() {
    let serve = Serve::start(&["tcp", "--bind", "127.0.0.1:0"]);
    let target = format!("127.0.0.1:{}", bound_port(&serve.line()));
    let (code, out, err) = send(&["tcp", &target, "--linger-zero"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("SO_LINGER 0 s"), "{out}");
    let line = serve.wait_error("connection reset");
    assert!(line.contains("receive from 127.0.0.1:"), "{line}");
}

#[test]
fn a_client_sends_from_the_local_address_it_is_given() {
    let serve = Serve::start(&["tcp", "--bind", "127.0.0.1:0", "--quiet"]);
    let target = format!("127.0.0.1:{}", bound_port(&serve.line()));
    let (code, out, err) = send(&["tcp", &target, "--local", "127.0.0.7"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains(&format!("Connected to {target} from 127.0.0.7:")), "{out}");
    let (code, out, _) = send(&["udp", "127.0.0.1:9", "--local", "127.0.0.8:0", "--timeout-ms", "100"]);
    assert_eq!(code, 1);
    assert!(out.contains("from 127.0.0.8:"), "{out}");
    let (code, _, err) = send(&["tcp", &target, "--local", "192.0.2.1"]);
    assert_eq!(code, 1);
    assert!(err.contains("bind 192.0.2.1:0") && err.contains("address not available"), "{err}");
}
