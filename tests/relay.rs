//! The relay through the real binary, between our real client and server on loopback: both
//! legs recorded (transcript, `.jsonl`, `.pcap` read back by tshark), each fault, the load
//! generator verifying every byte through it, and the server's fault catalogue.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod common;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::Command;
use std::time::{Duration, Instant};

use common::{Serve, WAIT, bin, bound_port, send};

/// An echo server, and a relay in front of it with `faults`; returns both and the relay's
/// address.
fn start_relay(protocol: &str, faults: &[&str]) -> (Serve, Serve, String) {
    let server = Serve::start(&[protocol, "--bind", "127.0.0.1:0"]);
    let server_port = bound_port(&server.line());
    let mut command = bin();
    command.args(["relay", protocol, "--listen", "127.0.0.1:0", "--to", &format!("127.0.0.1:{server_port}")]);
    command.args(faults);
    let relay = Serve::from_command(command);
    let port = bound_port(&relay.line());
    (server, relay, format!("127.0.0.1:{port}"))
}

#[test]
fn both_legs_are_in_the_transcript_the_jsonl_and_the_pcap() {
    let dir = tempfile::tempdir().unwrap();
    let jsonl = dir.path().join("relay.jsonl");
    let pcap = dir.path().join("relay.pcap");
    let (_server, relay, target) =
        start_relay("tcp", &["--record", jsonl.to_str().unwrap(), "--record-pcap", pcap.to_str().unwrap()]);
    relay.wait_line("Relaying to 127.0.0.1:");
    let (code, out, err) = send(&["tcp", &target]);
    assert_eq!(code, 0, "{out}{err}");
    // The client's leg, then the server's: the message in, on, back, and out again.
    let accepted = relay.wait_line("connected to 127.0.0.1:");
    let client = accepted.split_whitespace().nth(3).unwrap().to_string();
    let connected = relay.wait_line("• Connected to 127.0.0.1:");
    assert!(connected.contains("#1"), "one pair, one number: {connected}");
    relay.wait_line(&format!("← {client} 33 B"));
    relay.wait_line("→ 127.0.0.1:");
    relay.wait_line("← 127.0.0.1:");
    relay.wait_line(&format!("→ {client} 33 B"));
    let (code, _) = relay.signal("INT");
    assert_eq!(code, 0);

    let records: Vec<serde_json::Value> =
        std::fs::read_to_string(&jsonl).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let data: Vec<(&str, &str)> = records
        .iter()
        .filter(|r| r["event"] == "sent" || r["event"] == "received")
        .map(|r| (r["event"].as_str().unwrap(), r["peer"].as_str().unwrap()))
        .collect();
    assert_eq!(data.len(), 4, "{records:?}");
    assert_eq!(data[0], ("received", client.as_str()));
    assert_eq!(data[3], ("sent", client.as_str()));
    assert_ne!(data[1].1, client, "the middle two are the server's leg");

    // tshark sees two TCP conversations, 33 bytes each way on each.
    let out =
        Command::new("tshark").args(["-q", "-r", pcap.to_str().unwrap(), "-z", "conv,tcp"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let conversations = text.lines().filter(|l| l.contains("<->")).count();
    assert_eq!(conversations, 2, "{text}");
}

#[test]
fn latency_is_added_each_way_and_the_bandwidth_is_capped() {
    let (_server, _relay, target) = start_relay("tcp", &["--latency-ms", "40"]);
    let (code, out, err) = send(&["tcp", &target]);
    assert_eq!(code, 0, "{out}{err}");
    let rtt: f64 = out.split("rtt median ").nth(1).unwrap().split(' ').next().unwrap().parse().unwrap();
    assert!(rtt >= 80.0, "two legs of 40 ms each: {rtt} ms");

    // 100 kB each way at 50 kB/s: at least about two seconds, whatever the machine's speed.
    let (_server, _relay, target) = start_relay("tcp", &["--bandwidth", "50000"]);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("block.bin");
    std::fs::write(&file, vec![0x5au8; 100_000]).unwrap();
    let started = Instant::now();
    let (code, out, err) = send(&["tcp", &target, "--file", file.to_str().unwrap(), "--timeout-ms", "20000"]);
    assert_eq!(code, 0, "{out}{err}");
    let took = started.elapsed();
    assert!(took >= Duration::from_millis(1800), "100 kB at 50 kB/s took {took:?}");
}

#[test]
fn udp_datagrams_are_dropped_as_told() {
    let (_server, relay, target) = start_relay("udp", &["--drop", "100"]);
    relay.wait_line("100 % of datagrams dropped");
    let (code, out, _) = send(&["udp", &target, "--timeout-ms", "200"]);
    assert_eq!(code, 1);
    assert!(out.contains("lost"), "{out}");
    relay.wait_line("dropped this datagram (33 B) on its way to the server");

    let (_server, _relay, target) = start_relay("udp", &["--drop", "50"]);
    let (_, out, _) = send(&["udp", &target, "--count", "40", "--timeout-ms", "150"]);
    let ok: u64 = out
        .split(", ")
        .find(|p| p.contains("echoes ok"))
        .and_then(|p| p.split(' ').next()?.parse().ok())
        .unwrap();
    assert!(ok > 0 && ok < 40, "about a quarter come back whole: {ok} of 40 ({out})");

    // 10 exchanges of 1,000 B at 10,000 B/s: each datagram takes 0.1 s each way.
    let (_server, _relay, target) = start_relay("udp", &["--bandwidth", "10000"]);
    let started = Instant::now();
    let message = "x".repeat(1000);
    let (code, out, err) = send(&["udp", &target, &message, "--count", "10", "--timeout-ms", "2000"]);
    assert_eq!(code, 0, "{out}{err}");
    let took = started.elapsed();
    assert!(took >= Duration::from_millis(1900), "10 × 2 × 1,000 B at 10,000 B/s took {took:?}");

    let (_server, _relay, target) = start_relay("udp", &[]);
    let (code, out, err) = send(&["udp", &target, "--count", "5"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("5 of 5 echoes ok"), "{out}");

    // Quiet: the faults and the summary, not a line per dropped datagram.
    let (_server, relay, target) = start_relay("udp", &["--drop", "100", "--quiet"]);
    relay.wait_line("100 % of datagrams dropped");
    let (code, _, _) = send(&["udp", &target, "--count", "3", "--timeout-ms", "100"]);
    assert_eq!(code, 1);
    let (_, rest) = relay.signal("INT");
    let said = rest.join("\n");
    assert!(!said.contains("dropped this datagram"), "{said}");
    assert!(said.contains("summary"), "{said}");
}

#[test]
fn a_connection_is_cut_after_n_bytes_with_a_close_or_a_reset() {
    let (_server, relay, target) = start_relay("tcp", &["--cut-after", "40"]);
    let (code, _, err) = send(&["tcp", &target, "--count", "2", "--persistent"]);
    assert_eq!(code, 1);
    // 33 bytes went out and 7 came back before the close.
    assert!(err.contains("the peer closed the connection after 7 of 33 echoed bytes"), "{err}");
    relay.wait_line("The relay closed connection #1 after 40 B, as told");

    let (_server, relay, target) = start_relay("tcp", &["--cut-after", "40", "--cut-with", "reset"]);
    let (code, _, err) = send(&["tcp", &target, "--count", "2", "--persistent"]);
    assert_eq!(code, 1);
    assert!(err.contains("connection reset"), "{err}");
    relay.wait_line("The relay reset connection #1 after 40 B");
}

#[test]
fn the_load_generator_verifies_every_byte_through_the_relay() {
    let (_server, _relay, target) = start_relay("tcp", &["--quiet"]);
    let out = bin()
        .args(["load", "tcp", &target, "-c", "8", "-s", "16384", "-m", "stream", "--duration", "1"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let report: serde_json::Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
    assert_eq!(report["ok"], true, "{stdout}");
    assert_eq!(report["mismatches"], 0);
    assert!(report["bytes_echoed"].as_u64().unwrap() > 0);
    assert_eq!(report["bytes_echoed"], report["bytes_sent"], "{stdout}");
}

/// The server's fault catalogue, through the relay: a reset mid-stream and a half-close pass
/// on, never-reading clients do not grow it, many connections at once are all served, empty
/// and large datagrams go through, and Stop ends it at once.
#[test]
fn the_relay_survives_the_servers_fault_catalogue() {
    let (_server, relay, target) = start_relay("tcp", &[]);
    let addr: SocketAddr = target.parse().unwrap();

    // A client that resets mid-stream: said, and the next client is served.
    let mut rude = TcpStream::connect(addr).unwrap();
    rude.write_all(b"hola").unwrap();
    socket2::SockRef::from(&rude).set_linger(Some(Duration::ZERO)).unwrap();
    drop(rude);
    relay.wait_error("connection reset");
    assert_eq!(send(&["tcp", &target]).0, 0);

    // A half-close: every byte comes back, then the end.
    let mut half = TcpStream::connect(addr).unwrap();
    half.set_read_timeout(Some(WAIT)).unwrap();
    half.write_all(&[7u8; 100_000]).unwrap();
    half.shutdown(std::net::Shutdown::Write).unwrap();
    let mut back = Vec::new();
    half.read_to_end(&mut back).unwrap();
    assert_eq!(back.len(), 100_000);

    // Clients that send and never read: the relay's queues stop at their bound.
    let (_, start_kib) = relay.memory_kib();
    let mut hogs = Vec::new();
    for _ in 0..10 {
        let mut hog = TcpStream::connect(addr).unwrap();
        hog.set_nonblocking(true).unwrap();
        let block = vec![0x55u8; 65_536];
        let deadline = Instant::now() + Duration::from_secs(3);
        let mut stalls = 0;
        while stalls < 20 && Instant::now() < deadline {
            if hog.write(&block).is_err() {
                stalls += 1;
                std::thread::sleep(Duration::from_millis(5));
            }
        }
        hogs.push(hog);
    }
    assert_eq!(send(&["tcp", &target]).0, 0, "others are served meanwhile");
    let (_, peak_kib) = relay.memory_kib();
    assert!(peak_kib < start_kib + 10 * 2 * 4 * 1024 + 32 * 1024, "{peak_kib} KiB (start {start_kib} KiB)");
    drop(hogs);

    // Five hundred connections at once.
    let out = bin()
        .args(["load", "tcp", &target, "-c", "500", "-s", "64", "--count", "2000", "--duration", "20"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let report: serde_json::Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
    assert_eq!(report["ok"], true, "{stdout}");

    // Stop ends it within a second, with clients still connected.
    let idle: Vec<TcpStream> = (0..50).map(|_| TcpStream::connect(addr).unwrap()).collect();
    let started = Instant::now();
    let (code, rest) = relay.signal("INT");
    assert_eq!(code, 0);
    assert!(started.elapsed() < Duration::from_secs(1) + WAIT / 10, "{:?}", started.elapsed());
    assert!(rest.last().is_some_and(|l| l.starts_with("summary:")), "{rest:?}");
    drop(idle);

    // Empty and the largest datagrams go through the UDP relay.
    let (_server, _relay, target) = start_relay("udp", &[]);
    let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    socket.set_read_timeout(Some(WAIT)).unwrap();
    let mut buf = vec![0u8; 65_536];
    for size in [0usize, 65_507] {
        socket.send_to(&vec![1u8; size], &target).unwrap();
        let (n, _) = socket.recv_from(&mut buf).unwrap();
        assert_eq!(n, size);
    }
}

#[test]
fn a_relay_out_of_file_descriptors_says_so_keeps_its_pairs_and_recovers() {
    let server = Serve::start(&["tcp", "--bind", "127.0.0.1:0", "--quiet"]);
    let server_port = bound_port(&server.line());
    let mut command = std::process::Command::new("prlimit");
    command.args(["--nofile=40:40", "--", common::BIN, "relay", "tcp", "--listen", "127.0.0.1:0"]);
    command.args(["--to", &format!("127.0.0.1:{server_port}")]);
    let relay = Serve::from_command(command);
    let port = bound_port(&relay.line());
    let addr: SocketAddr = ([127, 0, 0, 1], port).into();
    // Each client costs the relay two descriptors: 40 clients are more than it has.
    let mut clients: Vec<TcpStream> = (0..40).map(|_| TcpStream::connect(addr).unwrap()).collect();
    relay.wait_error("too many open files");
    // A pair it has still works.
    let first = &mut clients[0];
    first.set_read_timeout(Some(WAIT)).unwrap();
    first.write_all(b"ok").unwrap();
    let mut two = [0u8; 2];
    first.read_exact(&mut two).unwrap();
    assert_eq!(&two, b"ok");
    // Descriptors free again: a new client is relayed.
    clients.clear();
    let deadline = Instant::now() + WAIT;
    loop {
        let (code, out, err) = send(&["tcp", &format!("127.0.0.1:{port}"), "--timeout-ms", "1000"]);
        if code == 0 {
            assert!(out.contains("echo ok"), "{out}");
            break;
        }
        assert!(Instant::now() < deadline, "the relay did not recover: {out}{err}");
        std::thread::sleep(Duration::from_millis(100));
    }
}
