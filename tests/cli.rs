//! The real binary: exit codes, the bound-address line, the summary after SIGINT/SIGTERM,
//! and the error kinds that need another user or another network namespace.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod common;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::process::Command;
use std::time::{Duration, Instant};

use assert_cmd::prelude::*;
use common::{BIN, Serve, WAIT, bin, bound_port, free_tcp_port};

#[test]
fn without_a_display_the_app_says_so_in_plain_words() {
    let out = bin().env_remove("DISPLAY").env_remove("WAYLAND_DISPLAY").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stderr);
    assert!(text.contains("there is no graphical display"), "{text}");
    assert!(text.contains("socket-tester serve tcp") && text.contains("socket-tester send tcp"), "{text}");
    assert!(!text.contains("winit"), "no raw winit error: {text}");
}

#[test]
fn help_lists_the_commands_and_the_app_flags() {
    let out = bin().arg("--help").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    for word in ["serve", "send", "--start-server", "--port", "--lang"] {
        assert!(text.contains(word), "{word}: {text}");
    }
}

#[test]
fn bad_arguments_exit_2_with_the_value_named() {
    for (args, expect) in [
        (vec!["send", "tcp", "localhost:70000"], "port 70000: a port must be between 0 and 65535"),
        (vec!["send", "tcp", "127.0.0.1:0"], "a client needs a port between 1 and 65535"),
        (vec!["send", "tcp", ":80"], "the host is empty"),
        (vec!["send", "tcp", "--count", "0"], "--count 0"),
        (vec!["send", "tcp", "--timeout-ms", "0"], "--timeout-ms 0: enter a number from 1 to"),
        (vec!["serve", "tcp", "--backlog", "0"], "--backlog 0: enter a number from 1 to 65535"),
        (vec!["serve", "tcp", "--backlog", "70000"], "--backlog 70000: enter a number from 1 to 65535"),
        (vec!["send", "udp", "--chunk", "70000"], "--chunk 70000"),
        (vec!["send", "tcp", "localhost:1", "-e", "bad \\q"], "unknown escape \\q"),
        (vec!["serve", "tcp", "--bind", "[::1"], "missing ']'"),
        (vec!["serve", "sctp"], "invalid value 'sctp'"),
        (vec!["send", "tcp", "--no-such-flag"], "unexpected argument"),
        // Files are checked before anything connects (port 9 would refuse: exit 1).
        (
            vec!["send", "tcp", "127.0.0.1:9", "--file", "/nonexistent"],
            "--file /nonexistent: there is no such file",
        ),
        (vec!["send", "tcp", "127.0.0.1:9", "--file", "/"], "--file /: this is a folder, not a file"),
        (
            vec![
                "serve",
                "tcp",
                "--bind",
                "127.0.0.1:0",
                "--tls",
                "--cert",
                "/nonexistent",
                "--key",
                "/nonexistent",
            ],
            "--cert /nonexistent: there is no such file",
        ),
        (
            vec!["send", "tcp", "127.0.0.1:9", "--tls", "--ca", "/nonexistent"],
            "--ca /nonexistent: there is no such file",
        ),
        (vec!["stats", "/nonexistent.jsonl"], "/nonexistent.jsonl: there is no such file"),
    ] {
        let out = bin().args(&args).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(expect), "{args:?}: {stderr}");
    }
}

#[test]
fn a_udp_file_too_large_for_a_datagram_is_refused_before_sending() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.bin");
    std::fs::write(&big, vec![0u8; 65_508]).unwrap();
    let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let target = socket.local_addr().unwrap().to_string();
    let out = bin().args(["send", "udp", &target, "--file", big.to_str().unwrap()]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("65,508"), "the size is said: {stderr}");
    socket.set_nonblocking(true).unwrap();
    assert!(socket.recv(&mut [0u8; 16]).is_err(), "nothing was sent");
}

#[test]
fn serve_prints_its_address_then_lines_then_a_summary_after_sigint() {
    let serve = Serve::start(&["tcp", "--bind", "127.0.0.1:0"]);
    let first = serve.line();
    assert!(first.starts_with("listening on 127.0.0.1:"), "{first}");
    let port = bound_port(&first);
    assert_ne!(port, 0);
    let target = format!("127.0.0.1:{port}");
    let out = bin().args(["send", "tcp", &target]).assert().success().get_output().stdout.clone();
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.contains("→ 127.0.0.1:") && text.contains("33 B \"Este es el mensaje. Se repetirá.\""),
        "{text}"
    );
    assert!(text.contains("echo ok (33 B)") && text.contains("1 of 1 echoes ok"), "{text}");
    let (code, rest) = serve.signal("INT");
    assert_eq!(code, 0);
    let joined = rest.join("\n");
    assert!(
        joined.contains("← 127.0.0.1:") && joined.contains("33 B \"Este es el mensaje. Se repetirá.\""),
        "{joined}"
    );
    assert_eq!(
        rest.last().map(String::as_str),
        Some("summary: 1 connection, 33 bytes in, 33 bytes out, 0 errors"),
        "{joined}"
    );
}

#[test]
fn quiet_serve_prints_addresses_and_summary_only_and_stops_on_sigterm() {
    let serve = Serve::start(&["udp", "--bind", "localhost:0", "--quiet"]);
    let v4 = serve.line();
    let v6 = serve.line();
    assert!(v4.starts_with("listening on 127.0.0.1:") && v6.starts_with("listening on [::1]:"), "{v4} {v6}");
    let port = bound_port(&v6);
    for host in ["127.0.0.1", "[::1]", "localhost"] {
        bin().args(["send", "udp", &format!("{host}:{port}"), "--count", "3"]).assert().success();
    }
    let (code, rest) = serve.signal("TERM");
    assert_eq!(code, 0);
    assert_eq!(
        rest,
        ["summary: 3 peers, 297 bytes in, 297 bytes out, 9 datagrams in, 9 datagrams out, 0 errors"]
    );
}

#[test]
fn send_persistent_with_hex_and_escapes() {
    let serve = Serve::start(&["tcp", "--bind", "[::1]:0", "--quiet"]);
    let port = bound_port(&serve.line());
    let out = bin()
        .args([
            "send",
            "tcp",
            &format!("[::1]:{port}"),
            "-e",
            "\\x00\\xffhola",
            "--persistent",
            "--count",
            "3",
            "--hex",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert_eq!(text.matches("Connected to").count(), 1, "one connection: {text}");
    assert!(text.contains("\"\\0\\xFFhola\" [00 FF 68 6F 6C 61]"), "{text}");
    assert!(text.contains("3 of 3 echoes ok"), "{text}");
    let (_, rest) = serve.signal("INT");
    assert_eq!(rest, ["summary: 1 connection, 18 bytes in, 18 bytes out, 0 errors"]);
}

#[test]
fn refused_exits_1_and_says_where() {
    let port = free_tcp_port();
    let out = bin().args(["send", "tcp", &format!("127.0.0.1:{port}")]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(&format!("connect to 127.0.0.1:{port}: connection refused")), "{stderr}");
}

#[test]
fn a_wrong_echo_exits_1() {
    // A peer that answers, but not with an echo: it upper-cases.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let peer = std::thread::spawn(move || {
        let (mut conn, _) = listener.accept().unwrap();
        let mut buf = [0u8; 64];
        conn.set_read_timeout(Some(WAIT)).unwrap();
        let n = conn.read(&mut buf).unwrap();
        conn.write_all(&buf[..n].to_ascii_uppercase()).unwrap();
        let _ = conn.read(&mut buf);
    });
    let out = bin().args(["send", "tcp", &format!("127.0.0.1:{port}"), "hello"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("\"HELLO\"") && stdout.contains("echo MISMATCH"), "{stdout}");
    peer.join().unwrap();
}

#[test]
fn address_in_use_exits_1() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap();
    let out = bin().args(["serve", "tcp", "--bind", &addr.to_string()]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(&format!("bind {addr}: address already in use")), "{stderr}");
}

#[test]
fn a_low_port_without_privileges_is_permission_denied() {
    if !common::root_or_skip(
        "a_low_port_without_privileges_is_permission_denied",
        "setpriv to drop to nobody",
    ) {
        return;
    }
    // The tests run as root; setpriv drops to nobody for this one run.
    let out = Command::new("setpriv")
        .args([
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            BIN,
            "serve",
            "tcp",
            "--bind",
            "127.0.0.1:80",
        ])
        .output()
        .expect("setpriv (util-linux) is installed");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("bind 127.0.0.1:80: permission denied"), "{stderr}");
}

/// Runs the binary in a new network namespace that holds only `lo`, left down: nothing can
/// leave it, not even to loopback.
fn in_empty_netns(args: &[&str]) -> std::process::Output {
    let out = Command::new("unshare").arg("-n").arg(BIN).args(args).output().expect("unshare is installed");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("unshare failed"), "cannot make a network namespace: {stderr}");
    out
}

#[test]
fn no_route_is_network_unreachable() {
    if !common::root_or_skip("no_route_is_network_unreachable", "unshare -n for an empty network namespace") {
        return;
    }
    let out = in_empty_netns(&["send", "tcp", "127.0.0.1:10000"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("connect to 127.0.0.1:10000: network unreachable"), "{stderr}");
}

#[test]
fn an_unknown_host_is_host_not_found() {
    if !common::root_or_skip("an_unknown_host_is_host_not_found", "unshare -n for an empty network namespace")
    {
        return;
    }
    let out = in_empty_netns(&["send", "udp", "no-such-host.invalid:10000"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("resolve no-such-host.invalid: host not found"), "{stderr}");
}

#[test]
fn a_udp_timeout_exits_1_and_says_so() {
    let silent = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    let started = Instant::now();
    let out =
        bin().args(["send", "udp", &format!("127.0.0.1:{port}"), "--timeout-ms", "300"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("No echo within 300 ms: lost (")
            && stdout
                .contains("UDP has no connection, so nothing is refused unless the other system answers"),
        "{stdout}"
    );
    assert!(stdout.contains("0 of 1 echoes ok, 1 lost"), "{stdout}");
    assert!(stdout.contains("Ready to send to 127.0.0.1:") && !stdout.contains("Connected to"), "{stdout}");
    assert!(started.elapsed() < Duration::from_secs(5));
}

fn load_json(stdout: &[u8]) -> serde_json::Value {
    let text = String::from_utf8_lossy(stdout);
    let last = text.lines().last().expect("load printed lines");
    serde_json::from_str(last).unwrap_or_else(|e| panic!("{e}: {text}"))
}

#[test]
fn load_prints_a_summary_then_one_json_line_and_exits_0() {
    for (protocol, mode) in [("tcp", "stream"), ("udp", "ping-pong")] {
        let serve = Serve::start(&[protocol, "--bind", "127.0.0.1:0", "--quiet"]);
        let port = bound_port(&serve.line());
        let target = format!("127.0.0.1:{port}");
        let out = bin()
            .args(["load", protocol, &target, "-c", "3", "-s", "100", "-n", "300", "-m", mode])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        assert_eq!(out.status.code(), Some(0), "{text}");
        assert!(text.starts_with(&format!("{} {mode} to {target}: 3 ", protocol.to_uppercase())), "{text}");
        assert!(text.contains("every byte verified") && text.contains("round trip p50"), "{text}");
        let json = load_json(&out.stdout);
        assert_eq!(json["ok"], true);
        assert_eq!(json["stopped_by"], "count");
        assert_eq!(json["messages_sent"], 300);
        if protocol == "tcp" {
            assert_eq!(json["messages_echoed"], 300);
            assert_eq!(json["bytes_echoed"], 30_000);
        } else {
            let echoed = json["messages_echoed"].as_u64().unwrap();
            assert_eq!(echoed + json["lost"].as_u64().unwrap(), 300);
        }
        let (code, rest) = serve.signal("TERM");
        assert_eq!(code, 0);
        let summary = rest.last().cloned().unwrap_or_default();
        let opened = if protocol == "udp" { " 3 peers," } else { " 3 connections," };
        assert!(summary.contains(opened), "{summary}");
    }
}

#[test]
fn load_says_how_many_connections_a_small_count_really_opened() {
    let serve = Serve::start(&["tcp", "--bind", "127.0.0.1:0", "--quiet"]);
    let target = format!("127.0.0.1:{}", bound_port(&serve.line()));
    let out = bin().args(["load", "tcp", &target, "-c", "8", "-n", "3"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("connections 3 of 8 opened"), "{text}");
    assert_eq!(load_json(&out.stdout)["connects"], 3);
    let (_, rest) = serve.signal("TERM");
    assert!(rest.last().is_some_and(|l| l.contains(" 3 connections,")), "{rest:?}");
}

#[test]
fn load_exits_1_when_the_server_refuses() {
    let port = free_tcp_port();
    let out = bin().args(["load", "tcp", &format!("127.0.0.1:{port}"), "-c", "2"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let json = load_json(&out.stdout);
    assert_eq!(json["ok"], false);
    assert_eq!(json["errors"], 2);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(&format!("2 × connect to 127.0.0.1:{port}: connection refused")), "{text}");
}

#[test]
fn load_refuses_other_machines_and_bad_values_with_exit_2() {
    for (args, expect) in [
        (vec!["load", "tcp", "192.0.2.1:9"], "192.0.2.1:9 is not a loopback address"),
        (vec!["load", "udp", "[2001:db8::1]:9"], "--allow-remote"),
        (
            vec!["load", "udp", "127.0.0.1:9", "-s", "4"],
            "--size 4: must be between 8 and 65507 bytes for UDP",
        ),
        (vec!["load", "udp", "127.0.0.1:9", "-m", "connect"], "UDP has no connections"),
        (vec!["load", "tcp", "127.0.0.1:9", "-c", "0"], "--connections 0"),
        (vec!["load", "tcp", "127.0.0.1:9", "-d", "0"], "--duration 0"),
        (vec!["load", "tcp", "127.0.0.1:9", "--rate=-5"], "--rate -5"),
        (vec!["load", "tcp", "127.0.0.1:9", "-n", "0"], "--count 0"),
    ] {
        let out = bin().args(&args).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(expect), "{args:?}: {stderr}");
        assert!(out.stdout.is_empty(), "{args:?}: nothing ran");
    }
}

#[test]
fn latin1_utf16_and_crlf_bytes_arrive_exactly() {
    use common::Recorder;
    for (kind, args, expect) in [
        ("tcp", vec!["año", "--encoding", "latin1", "--line-ending", "crlf"], "61f16f0d0a"),
        ("udp", vec!["hé", "--encoding", "utf-16le"], "6800e900"),
        ("tcp", vec!["hé", "--encoding", "utf-16be", "--line-ending", "lf"], "0068 00e9 000a"),
        ("tcp", vec!["--message-hex", "de:ad:be:ef", "--line-ending", "cr"], "deadbeef0d"),
        ("udp", vec!["-e", "\\x00\\xffhola\\u{20ac}"], "00ff686f6c61e282ac"),
    ] {
        let peer = Recorder::start(kind);
        let target = format!("127.0.0.1:{}", peer.port);
        let out = bin().args(["send", kind, &target]).args(&args).output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stdout}{}", String::from_utf8_lossy(&out.stderr));
        assert!(stdout.contains("1 of 1 echoes ok"), "{stdout}");
        let (_, _, hex) = peer.received();
        assert_eq!(hex, expect.replace(' ', ""), "{args:?}");
    }
}

#[test]
fn counters_of_every_width_and_encoding_arrive_as_their_bytes() {
    use common::Recorder;
    // Three sends on one connection (one datagram socket): the peer reports every byte.
    for (kind, args, expect) in [
        ("tcp", vec!["--message-hex", "{counter:u8} FF"], "01ff 02ff 03ff"),
        (
            "tcp",
            vec!["--message-hex", "{counter:u16be:start=0} 00 00 00 06"],
            "000000000006 000100000006 000200000006",
        ),
        ("tcp", vec!["--message-hex", "{counter:u16le:start=255}"], "ff00 0001 0101"),
        ("tcp", vec!["--message-hex", "{counter:u32le:step=256}"], "01000000 01010000 01020000"),
        ("tcp", vec!["--message-hex", "{counter:u32be}"], "00000001 00000002 00000003"),
        ("tcp", vec!["N{counter:hex4:start=254}"], "4e30304645 4e30304646 4e30313030"),
        ("tcp", vec!["{counter:dec6:step=5};"], "3030303030313b 3030303030363b 3030303031313b"),
        ("tcp", vec!["{counter:dec2}", "--encoding", "utf-16le"], "30003100 30003200 30003300"),
    ] {
        let peer = Recorder::start(kind);
        let target = format!("127.0.0.1:{}", peer.port);
        let out = bin()
            .args([
                "send",
                kind,
                &target,
                "--count",
                "3",
                "--persistent",
                "--expect",
                "any",
                "--reply-end",
                "idle:50",
            ])
            .args(&args)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stdout}{}", String::from_utf8_lossy(&out.stderr));
        let (_, _, hex) = peer.received();
        assert_eq!(hex, expect.replace(' ', ""), "{args:?}");
    }
}

/// A peer that reads what it is sent, then sends zeros until the client goes (as socat with
/// `SYSTEM:'cat /dev/zero'` does), on 127.0.0.1; prints its port.
const FLOOD_PEER: &str = r#"
import socket, threading
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0)); s.listen(8)
print(s.getsockname()[1], flush=True)
zeros = bytes(65536)
def flood(c):
    try:
        c.recv(4096)
        while True:
            c.sendall(zeros)
    except OSError:
        pass
    c.close()
while True:
    c, _ = s.accept(); threading.Thread(target=flood, args=(c,), daemon=True).start()
"#;

#[test]
fn a_peer_that_never_stops_sending_ends_at_the_deadline() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    let mut peer = common::Service::spawn(
        common::python().args(["-u", "-c", FLOOD_PEER]).stdout(Stdio::piped()).stderr(Stdio::null()),
    );
    let mut line = String::new();
    BufReader::new(peer.0.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let target = format!("127.0.0.1:{}", line.trim());
    // 16-byte and 1 KiB reads never find the socket empty: the deadline must still hold.
    for chunk in ["16", "1024"] {
        let started = std::time::Instant::now();
        let mut child = bin()
            .args(["send", "tcp", &target, "hi", "--timeout-ms", "1000", "--chunk", chunk])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let counted = std::thread::spawn(move || {
            let mut text = Vec::new();
            std::io::Read::read_to_end(&mut std::io::Read::take(stderr, 4 << 20), &mut text).unwrap();
            String::from_utf8_lossy(&text).into_owned()
        });
        let status = common::wait_child(&mut child, Duration::from_secs(20));
        let elapsed = started.elapsed();
        assert!(status.is_some(), "--chunk {chunk}: still running after 20 s (killed)");
        assert_eq!(status.unwrap().code(), Some(1), "--chunk {chunk}: the echo did not come back");
        assert!(elapsed < Duration::from_secs(10), "--chunk {chunk}: took {elapsed:?}");
        let said = counted.join().unwrap();
        assert!(said.len() < 1 << 20, "--chunk {chunk}: {} bytes on stderr", said.len());
        // The bytes beyond the echo are said once, then folded into one line with a count.
        assert_eq!(said.matches("more than it was sent").count(), 1, "--chunk {chunk}: {said}");
        assert_eq!(said.matches("went on sending beyond the echo").count(), 1, "--chunk {chunk}: {said}");
    }
    // A reply that must end at the peer's close, from a peer that never closes: not a pass.
    for (end, words) in [("close", "did not end (--reply-end close)"), ("delim:\\n", "did not end")] {
        let out = bin()
            .args([
                "send",
                "tcp",
                &target,
                "hi",
                "--expect",
                "any",
                "--reply-end",
                end,
                "--timeout-ms",
                "1000",
            ])
            .output()
            .unwrap();
        let text =
            format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert_eq!(out.status.code(), Some(1), "--reply-end {end}: {text}");
        assert!(text.contains(words), "--reply-end {end}: says what ended the wait: {text}");
    }
}

#[test]
fn send_json_prints_one_object_per_event_then_a_summary_and_dash_writes_a_file_to_stdout() {
    let serve = Serve::start(&["tcp", "--bind", "127.0.0.1:0", "--quiet"]);
    let target = format!("127.0.0.1:{}", bound_port(&serve.line()));
    let out = bin().args(["send", "tcp", &target, "hola", "--count", "2", "--json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let objects: Vec<serde_json::Value> =
        stdout.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"))).collect();
    let events: Vec<&str> = objects.iter().filter_map(|o| o["event"].as_str()).collect();
    for name in ["connected", "sent", "received", "closed"] {
        assert!(events.contains(&name), "{name} in {events:?}");
    }
    assert!(objects[..objects.len() - 1].iter().all(|o| o["v"] == 3), "the .jsonl schema");
    let summary = &objects.last().unwrap()["summary"];
    assert_eq!(
        (summary["ok"].as_bool(), summary["passed"].as_u64(), summary["expected"].as_u64()),
        (Some(true), Some(2), Some(2))
    );
    assert!(out.stderr.is_empty(), "nothing for people: {}", String::from_utf8_lossy(&out.stderr));

    // `--record -`: the lines go to stdout as .jsonl, the words for people to stderr.
    let out = bin().args(["send", "tcp", &target, "hola", "--record", "-"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.lines().all(|l| serde_json::from_str::<serde_json::Value>(l).is_ok()), "{stdout}");
    assert!(stdout.contains("\"event\":\"received\""), "{stdout}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("summary: 1 connection"));
    // `--save -` too, written as it goes.
    let out = bin().args(["send", "tcp", &target, "hola", "--save", "-"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("\"event\":\"sent\""));
    // Both at once cannot share stdout.
    let out = bin().args(["send", "tcp", &target, "--json", "--record", "-"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    drop(serve.signal("INT"));
}

#[test]
fn a_full_stderr_exits_1_and_the_saved_file_is_whole() {
    let serve = Serve::start(&["tcp", "--bind", "127.0.0.1:0", "--quiet"]);
    let target = format!("127.0.0.1:{}", bound_port(&serve.line()));
    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("exchange.jsonl");
    let full = || std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
    let out = bin()
        .args(["send", "tcp", &target, "hola", "--save", saved.to_str().unwrap()])
        .stderr(full())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "a line that could not be written fails the command, no panic");
    let text = std::fs::read_to_string(&saved).unwrap();
    assert!(text.lines().count() >= 3 && text.contains("\"b64\":\"aG9sYQ==\""), "the file is whole: {text}");
    // A failure said to a full stderr exits 1 too (not 101).
    drop(serve.signal("INT"));
    let out =
        bin().args(["send", "tcp", &target, "hola", "--timeout-ms", "500"]).stderr(full()).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let out = bin().args(["send", "tcp", "127.0.0.1:0", "x"]).stderr(full()).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "a usage error keeps its code");
}

#[test]
fn a_file_of_any_size_is_streamed_and_its_echo_checked() {
    use common::Recorder;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("payload.bin");
    // 5 MiB: more than the client keeps in flight (4 MiB), so it must stream.
    let data: Vec<u8> =
        (0..5 * 1024 * 1024u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    std::fs::write(&path, &data).unwrap();
    let peer = Recorder::start("tcp");
    let target = format!("127.0.0.1:{}", peer.port);
    let out = bin()
        .args(["send", "tcp", &target, "--file"])
        .arg(&path)
        .args(["--chunk", "65536"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        stdout.contains("echo ok (5,242,880 B)") && stdout.contains("1 of 1 echoes ok"),
        "{}",
        &stdout[stdout.len().saturating_sub(300)..]
    );
    let (len, sha, _) = peer.received();
    assert_eq!(len, data.len());
    let expected = Command::new("sha256sum").arg(&path).output().unwrap();
    assert!(
        String::from_utf8_lossy(&expected.stdout).starts_with(&sha),
        "the peer got the file's exact bytes"
    );
    // Over UDP a file is one datagram: a larger one is refused before anything is sent.
    let out = bin().args(["send", "udp", "127.0.0.1:9", "--file"]).arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "a usage error");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("5,242,880 bytes do not fit in one UDP datagram (at most 65,507)"), "{stderr}");
}

#[test]
fn bad_messages_exit_2_with_the_position_and_the_reason() {
    for (args, expect) in [
        (vec!["--message-hex", "4G"], "MESSAGE: position 2: 'G' is not a hex digit"),
        (vec!["--message-hex", "48 6"], "position 4: a byte needs two hex digits"),
        (vec!["ab漢", "--encoding", "latin1"], "position 3: '漢' (U+6F22) has no Latin-1 byte"),
        (vec!["-e", "x\\u{zz}"], "position 2: write \\u{HEX}"),
        (vec!["--count", "0"], "--count 0: enter a number from 1 to 1000000"),
    ] {
        let out = bin().args(["send", "tcp", "127.0.0.1:9"]).args(&args).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(expect), "{args:?}: {stderr}");
        assert!(out.stdout.is_empty(), "nothing was sent: {args:?}");
    }
}

#[test]
fn presets_are_saved_listed_shown_run_overridden_and_deleted() {
    let config = tempfile::tempdir().unwrap();
    let cli = || {
        let mut command = bin();
        command.env("SOCKET_TESTER_CONFIG_DIR", config.path());
        command
    };
    let serve = Serve::start(&["udp", "--bind", "127.0.0.1:0"]);
    let port = bound_port(&serve.line());
    let target = format!("127.0.0.1:{port}");
    cli()
        .args([
            "preset",
            "save",
            "ping",
            "--",
            "send",
            "udp",
            &target,
            "--message-hex",
            "70 69 6e 67",
            "--count",
            "2",
        ])
        .assert()
        .success();
    let list = cli().args(["preset", "list"]).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&list.stdout), "ping\n");
    let show = cli().args(["preset", "show", "ping"]).output().unwrap();
    let toml = String::from_utf8_lossy(&show.stdout).to_string();
    assert!(toml.starts_with("version = 1\n") && toml.contains("mode = \"hex\""), "{toml}");
    // Run it: no other argument needed.
    let run = cli().args(["send", "--preset", "ping"]).output().unwrap();
    let text = String::from_utf8_lossy(&run.stdout);
    assert_eq!(run.status.code(), Some(0), "{text}");
    assert!(text.contains("4 B \"ping\"") && text.contains("2 of 2 echoes ok"), "{text}");
    // Arguments override the preset's values.
    let run =
        cli().args(["send", "--preset", "ping", "--count", "3", "--line-ending", "lf"]).output().unwrap();
    let text = String::from_utf8_lossy(&run.stdout);
    assert!(text.contains("5 B \"ping\\n\"") && text.contains("3 of 3 echoes ok"), "{text}");
    // A path is a file; the same TOML runs from anywhere.
    let file = config.path().join("copy.toml");
    std::fs::write(&file, &toml).unwrap();
    let run = cli().args(["send", "--preset"]).arg(&file).output().unwrap();
    assert_eq!(run.status.code(), Some(0));
    // A client preset does not serve.
    let wrong = cli().args(["serve", "--preset", "ping"]).output().unwrap();
    assert_eq!(wrong.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("it is a client"));
    cli().args(["preset", "delete", "ping"]).assert().success();
    let gone = cli().args(["send", "--preset", "ping"]).output().unwrap();
    assert_eq!(gone.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&gone.stderr).contains("no preset named \"ping\""));
    let _ = serve.signal("INT");
}

#[test]
fn bad_preset_files_are_refused_by_key_line_or_version() {
    let dir = tempfile::tempdir().unwrap();
    for (text, expect) in [
        ("version = 1\nrole = \"client\"\nprotocl = \"tcp\"\n", "unknown field `protocl`"),
        ("version = 1\nport = \"x\n", "line 2, column"),
        ("version = 7\nrole = \"client\"\n", "written by a newer Socket Tester (version 7)"),
        ("role = \"client\"\n", "no `version = 1` at the top"),
    ] {
        let path = dir.path().join("bad.toml");
        std::fs::write(&path, text).unwrap();
        let out = bin().args(["send", "--preset"]).arg(&path).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{text}: {stderr}");
        assert!(stderr.contains(expect), "{text}: {stderr}");
    }
}

#[test]
fn the_command_line_speaks_spanish_too() {
    let port = free_tcp_port();
    let out = bin().args(["--lang", "es", "send", "tcp", &format!("127.0.0.1:{port}")]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(&format!("conectar con 127.0.0.1:{port}: conexión rechazada")), "{stderr}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("resumen: 0 conexiones") && !stdout.contains("summary"), "{stdout}");

    // UDP, in the tutorial's words: no connection, one datagram each way.
    let serve = Serve::start(&["udp", "--bind", "127.0.0.1:0", "--lang", "es"]);
    let port = bound_port(&serve.line());
    let out = bin().args(["--lang", "es", "send", "udp", &format!("127.0.0.1:{port}")]).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("Listo para enviar a 127.0.0.1:"), "{stdout}");
    assert!(
        stdout.contains("resumen: 1 extremo, ")
            && stdout.contains("1 datagrama recibido, 1 datagrama enviado"),
        "{stdout}"
    );
    let (_, lines) = serve.signal("INT");
    assert!(lines.iter().any(|l| l.contains("Primer datagrama de 127.0.0.1:")), "{lines:?}");
    assert!(!lines.iter().any(|l| l.contains("conect")), "{lines:?}");
}

#[test]
fn until_stopped_sends_until_ctrl_c_and_a_server_runs_from_its_preset() {
    let config = tempfile::tempdir().unwrap();
    bin()
        .env("SOCKET_TESTER_CONFIG_DIR", config.path())
        .args(["preset", "save", "echo-here", "--", "serve", "tcp", "--bind", "127.0.0.1:0", "--chunk", "16"])
        .assert()
        .success();
    let mut server = Command::new(BIN);
    server.env("SOCKET_TESTER_CONFIG_DIR", config.path()).args(["serve", "--preset", "echo-here"]);
    let serve = Serve::from_command(server);
    let port = bound_port(&serve.line());
    let mut client = Command::new(BIN)
        .args(["send", "tcp", &format!("127.0.0.1:{port}"), "tick", "--until-stopped", "--interval-ms", "20"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(600));
    Command::new("kill").args(["-INT", &client.id().to_string()]).status().unwrap();
    let deadline = Instant::now() + WAIT;
    let status = loop {
        if let Some(status) = client.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "the client ends on Ctrl-C");
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stdout = String::new();
    client.stdout.take().unwrap().read_to_string(&mut stdout).unwrap();
    assert_eq!(status.code(), Some(0), "{stdout}");
    let summary = stdout.lines().last().unwrap_or_default().to_string();
    let ok: u64 = summary
        .split(", ")
        .find_map(|part| part.strip_suffix(" echoes ok"))
        .and_then(|p| p.split(' ').next())
        .unwrap()
        .parse()
        .unwrap();
    assert!(ok >= 5, "{summary}");
    let (_, rest) = serve.signal("INT");
    assert!(
        rest.last()
            .is_some_and(|l| l.contains(&format!("{ok} connections"))
                || l.contains(&format!("{} connections", ok + 1))),
        "{rest:?}"
    );
}

#[test]
fn macros_expand_at_each_send_with_checksums_in_their_protocols_order() {
    use common::Recorder;
    // A Modbus RTU request: its CRC goes low byte first.
    let peer = Recorder::start("udp");
    let target = format!("127.0.0.1:{}", peer.port);
    let out = bin()
        .args(["send", "udp", &target, "--message-hex", "01 03 00 00 00 01 {crc16_modbus}"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(peer.received().2, "010300000001840a");
    // A counter counts, one connection per message.
    let serve = Serve::start(&["tcp", "--bind", "127.0.0.1:0"]);
    let port = bound_port(&serve.line());
    let out = bin()
        .args([
            "send",
            "tcp",
            &format!("127.0.0.1:{port}"),
            "n={counter};{{x}",
            "--count",
            "3",
            "--persistent",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    for n in 1..=3 {
        assert!(stdout.contains(&format!("→ 127.0.0.1:{port} 7 B \"n={n};{{x}}\"")), "{n}: {stdout}");
    }
    let _ = serve.signal("INT");
}

/// Runs `send` and returns its exit code and its output (stdout, then stderr).
fn send(args: &[&str]) -> (Option<i32>, String) {
    let out = bin().arg("send").args(args).output().unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.code(), text)
}

#[test]
fn expectations_against_a_line_protocol_over_tcp_and_udp() {
    use common::LineServer;
    for kind in ["tcp", "udp"] {
        let server = LineServer::start(kind);
        let target = format!("127.0.0.1:{}", server.port);
        // A datagram is a whole reply; its delimiter is left out of the match all the same.
        let end = "delim:\\n";
        let (code, text) = send(&[kind, &target, "PING\n", "--expect", "text:PONG", "--reply-end", end]);
        assert_eq!(code, Some(0), "{kind}: {text}");
        assert!(text.contains("✔ as expected: \"PONG\"") && text.contains("1 of 1 checks passed"), "{text}");
        assert!(
            !text.to_lowercase().contains("echo"),
            "no echo words against a server that does not echo: {text}"
        );
        let (code, text) = send(&[kind, &target, "HELLO\n", "--expect", "regex:^PONG", "--reply-end", end]);
        assert_eq!(code, Some(1), "{text}");
        assert!(text.contains("✘ expected /^PONG/, got \"ERR unknown\""), "{text}");
        assert!(!text.to_lowercase().contains("mismatch"), "{text}");
        let (code, text) = send(&[kind, &target, "QUIET\n", "--expect", "none", "--timeout-ms", "300"]);
        assert_eq!(code, Some(0), "{text}");
        let (code, text) =
            send(&[kind, &target, "PING\n", "--expect", "any", "--timeout-ms", "300", "--reply-end", end]);
        assert_eq!(code, Some(0), "{text}");
        let (code, text) =
            send(&[kind, &target, "QUIET\n", "--expect", "contains:ONG", "--timeout-ms", "300"]);
        assert_eq!(code, Some(1), "{text}");
        assert!(text.contains("✘ expected a reply containing \"ONG\": no reply within 300 ms"), "{text}");
        let (code, text) =
            send(&[kind, &target, "PING\n", "--expect", "hex:50 4F ?? 47 0A", "--reply-end", "bytes:5"]);
        assert_eq!(code, Some(0), "{kind}: {text}");
    }
}

#[test]
fn expectations_against_http_server_socat_and_redis() {
    use common::{Service, free_tcp_port};
    use std::process::Stdio;
    // Python's http.server: the reply ends when it closes.
    let dir = tempfile::tempdir().unwrap();
    let (_http, port) = common::http_server(dir.path());
    let target = format!("127.0.0.1:{port}");
    let get = ["tcp", &target, "-e", "GET / HTTP/1.0\\r\\n\\r\\n", "--reply-end", "close", "--expect"];
    let (code, text) = send(&[&get[..], &["regex:^HTTP/1\\.0 200"]].concat());
    assert_eq!(code, Some(0), "{text}");
    assert!(!text.contains("MISMATCH"), "{text}");
    let (code, text) = send(&[&get[..], &["regex:^HTTP/1\\.[01] 404"]].concat());
    assert_eq!(code, Some(1));
    assert!(text.contains("✘ expected /^HTTP/1\\.[01] 404/, got \"HTTP/1.0 200 OK\\r\\n"), "{text}");

    // socat answers every connection's first line with a fixed line and closes. (Reading the
    // line first: a peer that closed before our bytes arrived would answer them with a reset.)
    let port = free_tcp_port();
    let _socat = Service::spawn(
        Command::new("socat")
            .arg(format!("TCP-LISTEN:{port},bind=127.0.0.1,reuseaddr,fork"))
            .arg("SYSTEM:read line; echo HELLO")
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
    );
    common::wait_tcp(port);
    let target = format!("127.0.0.1:{port}");
    let (code, text) =
        send(&["tcp", &target, "-e", "hi\\n", "--expect", "text:HELLO\\n", "--reply-end", "close"]);
    assert_eq!(code, Some(0), "{text}");

    // redis-server, as Debian installs it: PING answers +PONG.
    let port = free_tcp_port();
    let _redis = Service::spawn(
        Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
    );
    common::wait_tcp(port);
    let target = format!("127.0.0.1:{port}");
    let resp = ["tcp", &target, "--line-ending", "crlf", "--reply-end", "delim:\\r\\n", "--expect"];
    let (code, text) = send(&[&resp[..], &["text:+PONG", "PING"]].concat());
    assert_eq!(code, Some(0), "{text}");
    let (code, text) = send(&[&resp[..], &["regex:^\\+PONG", "NOSUCHCOMMAND"]].concat());
    assert_eq!(code, Some(1));
    assert!(text.contains("✘ expected /^\\+PONG/, got \"-ERR unknown command"), "{text}");
}

#[test]
fn serve_replies_by_rule_and_send_checks_it() {
    let serve = Serve::start(&[
        "tcp",
        "--bind",
        "127.0.0.1:0",
        "--framing",
        "line",
        "--rule",
        "^PING$=>+PONG\\r\\n",
        "--rule",
        "^ECHO (?P<word>\\w+)=>${word} $1 {crc16_modbus}\\r\\n",
        "--reply",
        "fixed:-ERR unknown\\r\\n",
    ]);
    let port = bound_port(&serve.line());
    let target = format!("127.0.0.1:{port}");
    let resp = ["tcp", &target, "--line-ending", "crlf", "--reply-end", "delim:\\r\\n", "--expect"];
    let (code, text) = send(&[&resp[..], &["text:+PONG", "PING"]].concat());
    assert_eq!(code, Some(0), "{text}");
    let (code, text) = send(&[&resp[..], &["regex:(?-u)^hola hola ..$", "ECHO hola"]].concat());
    assert_eq!(code, Some(0), "{text}");
    let (code, text) = send(&[&resp[..], &["regex:^\\+PONG", "QUIT"]].concat());
    assert_eq!(code, Some(1));
    assert!(text.contains("got \"-ERR unknown\""), "{text}");
    let (_, rest) = serve.signal("INT");
    let said = rest.join("\n");
    assert!(said.contains("Rule 1 (regex:^PING$) matched what 127.0.0.1:"), "{said}");
    assert!(said.contains("No rule matched what 127.0.0.1:"), "{said}");

    // The same rules from a file: a preset's TOML.
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules.toml");
    std::fs::write(
        &rules,
        "version = 1\nrole = \"server\"\n\n[server]\nmode = \"silent\"\nframing = \"line\"\n\n[[server.rules]]\nmatch = \"prefix:HI\"\nreply = \"HELLO\\\\n\"\n",
    )
    .unwrap();
    let serve = Serve::start(&["tcp", "--bind", "127.0.0.1:0", "--rules", rules.to_str().unwrap()]);
    let port = bound_port(&serve.line());
    let target = format!("127.0.0.1:{port}");
    let (code, text) =
        send(&["tcp", &target, "HI there\n", "--expect", "text:HELLO\\n", "--reply-end", "delim:\\n"]);
    assert_eq!(code, Some(1), "the delimiter is left out of the match: {text}");
    let (code, text) =
        send(&["tcp", &target, "HI there\n", "--expect", "text:HELLO", "--reply-end", "delim:\\n"]);
    assert_eq!(code, Some(0), "{text}");
    let (code, _) = send(&["tcp", &target, "nothing\n", "--expect", "none", "--timeout-ms", "300"]);
    assert_eq!(code, Some(0), "silent for what no rule matches");
    let _ = serve.signal("INT");
    // A rule that does not parse is refused before anything listens.
    let out = bin().args(["serve", "tcp", "--bind", "127.0.0.1:0", "--rule", "(=>x"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("--rule 1:"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn run_executes_steps_with_captures_and_reports_junit_and_json() {
    use common::LineServer;
    let server = LineServer::start("tcp");
    let dir = tempfile::tempdir().unwrap();
    // The short form, as the README shows it.
    let minimal = dir.path().join("minimal.toml");
    std::fs::write(
        &minimal,
        format!(
            "[target]\nprotocol = \"tcp\"\naddress = \"127.0.0.1:{}\"\n\n[[step]]\nsend = 'PING\\r\\n'      # escapes as with -e\nexpect = 'regex:^PONG'\ntimeout_ms = 1000\n",
            server.port
        ),
    )
    .unwrap();
    let out = bin().arg("run").arg(&minimal).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}{}", String::from_utf8_lossy(&out.stderr));
    assert!(text.contains("✔ Step 1 passed") && text.contains("The step passed"), "{text}");

    // A token from one reply goes into the next message; step 4 fails, step 5 is skipped.
    let steps = dir.path().join("steps.toml");
    std::fs::write(
        &steps,
        format!(
            r#"[target]
protocol = "tcp"
address = "127.0.0.1:{}"

[[step]]
name = "login"
send = 'LOGIN\n'
expect = 'regex:^TOKEN (?P<token>[0-9a-f]+)'
reply_end = 'delim:\n'

[[step]]
repeat = 2
[[step.step]]
send = 'USE {{token}}\n'
expect = 'text:OK'
reply_end = 'delim:\n'

[[step]]
send = 'PING\n'
expect = 'text:PANG'
reply_end = 'delim:\n'

[[step]]
close = true
"#,
            server.port
        ),
    )
    .unwrap();
    let (junit, json) = (dir.path().join("report.xml"), dir.path().join("report.json"));
    let out =
        bin().arg("run").arg(&steps).arg("--junit").arg(&junit).arg("--json").arg(&json).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("✔ Step 1 (login) passed") && text.contains("✔ Step 2.2.1 passed"), "{text}");
    assert!(text.contains("✘ Step 3 failed: ✘ expected \"PANG\", got \"PONG\""), "{text}");
    assert!(text.contains("Step 4 skipped"), "{text}");
    assert!(text.contains("3 of 5 steps passed, 1 failed, 1 skipped: step 3 first"), "{text}");
    // Python's own XML and JSON readers, as a CI system would read them.
    let check = r#"
import json, sys, xml.etree.ElementTree as ET
suite = ET.parse(sys.argv[1]).getroot().find("testsuite")
cases = suite.findall("testcase")
assert suite.get("tests") == "5" and suite.get("failures") == "1" and suite.get("skipped") == "1", suite.attrib
assert [c.get("name") for c in cases] == ["step 1 (login)", "step 2.1.1", "step 2.2.1", "step 3", "step 4"], [c.get("name") for c in cases]
assert "PANG" in cases[3].find("failure").get("message")
assert cases[4].find("skipped") is not None
report = json.load(open(sys.argv[2]))
assert report["summary"] == {"passed": 3, "failed": 1, "skipped": 1, "first_failure": "3"}, report["summary"]
assert [s["outcome"] for s in report["steps"]] == ["passed", "passed", "passed", "failed", "skipped"]
assert all(s["wait_us"] == 0 for s in report["steps"]), "a delimiter ends a reply without waiting"
print("ok")
"#;
    let verdict = common::python().args(["-c", check]).arg(&junit).arg(&json).output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&verdict.stdout).trim(),
        "ok",
        "{}",
        String::from_utf8_lossy(&verdict.stderr)
    );
    // Going on after a failure runs step 4 too.
    let out = bin().arg("run").arg(&steps).arg("--continue-on-failure").output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("4 of 5 steps passed, 1 failed: step 3 first"), "{text}");
    // A step that does not parse is refused by name before anything connects.
    std::fs::write(
        &steps,
        "[target]\nprotocol = \"tcp\"\naddress = \"127.0.0.1:9\"\n[[step]]\nsend = 'x'\nwait_ms = 5\n",
    )
    .unwrap();
    let out = bin().arg("run").arg(&steps).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("step 1: a step does one thing"));
}

#[test]
fn a_preset_with_steps_runs_from_the_command_line() {
    use common::LineServer;
    let server = LineServer::start("udp");
    let dir = tempfile::tempdir().unwrap();
    let preset = dir.path().join("ping.toml");
    // What the window saves: a client's preset, its steps as [[step]] tables.
    let text = format!(
        "version = 1\nrole = \"client\"\nprotocol = \"udp\"\nhost = \"127.0.0.1\"\nport = {}\nreply_end = \"delim:\\\\n\"\n\n[[step]]\nsend = \"PING\\\\n\"\nexpect = \"text:PONG\"\n\n[[step]]\nwait_ms = 20\n\n[[step]]\nsend = \"LOGIN\\\\n\"\nexpect = \"regex:^TOKEN (?P<t>[0-9a-f]+)$\"\n\n[[step]]\nsend = \"USE {{t}}\\\\n\"\nexpect = \"text:OK\"\n",
        server.port
    );
    std::fs::write(&preset, text).unwrap();
    let out = bin().arg("run").arg(&preset).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("All 4 steps passed"), "{stdout}");
}

/// A TCP peer written for one test, in Python: it answers every read with `reply(data)` (a
/// Python expression) and keeps the connection open until the client closes.
fn python_peer(reply: &str) -> (common::Service, u16) {
    python_program(&format!(
        "import socket\ns=socket.socket(); s.bind(('127.0.0.1',0)); s.listen(4)\nprint(s.getsockname()[1], flush=True)\nwhile True:\n    c,_=s.accept()\n    while True:\n        data=c.recv(65536)\n        if not data: break\n        c.sendall({reply})\n    c.close()\n"
    ))
}

/// A Python peer written for a test: the program prints its port first.
fn python_program(program: &str) -> (common::Service, u16) {
    use std::io::BufRead;
    let mut child =
        common::python().args(["-u", "-c", program]).stdout(std::process::Stdio::piped()).spawn().unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    (common::Service(child), line.trim().parse().unwrap())
}

#[test]
fn an_echo_is_exactly_the_bytes_sent_and_a_different_reply_fails_at_once() {
    // Extra bytes after the echo: not an echo.
    let (_peer, port) = python_peer("data + b'EXTRA'");
    let (code, text) = send(&["tcp", &format!("127.0.0.1:{port}"), "hello world", "--chunk", "64"]);
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("echo MISMATCH") && text.contains("0 of 1 echoes ok"), "{text}");
    // A 4-byte CONNACK to a 16-byte MQTT CONNECT: a mismatch at once, not after the timeout.
    let (_peer, port) = python_peer("bytes([0x20, 0x02, 0x00, 0x00])");
    let started = Instant::now();
    let connect = "10 0e 00 04 4d 51 54 54 04 02 00 3c 00 02 69 64";
    let (code, text) =
        send(&["tcp", &format!("127.0.0.1:{port}"), "--message-hex", connect, "--timeout-ms", "30000"]);
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains(" 4 B \"") && text.contains("echo MISMATCH: it differs from the 16 B sent"),
        "{text}"
    );
    assert!(started.elapsed() < Duration::from_secs(15), "it did not wait out the 30 s timeout");
    // The same words, and the same number, over UDP.
    let program = "import socket\ns=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(('127.0.0.1',0))\n\
                   print(s.getsockname()[1], flush=True)\nwhile True:\n    d,a=s.recvfrom(65536)\n    \
                   s.sendto(bytes([0x20, 0x02, 0x00, 0x00]), a)\n";
    let (_peer, port) = python_program(program);
    let (code, text) = send(&["udp", &format!("127.0.0.1:{port}"), "--message-hex", connect]);
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains(" 4 B \"") && text.contains("echo MISMATCH: it differs from the 16 B sent"),
        "{text}"
    );
}

#[test]
fn a_reply_that_is_not_the_echo_is_read_to_its_pause_and_a_cut_is_said() {
    // 10 bytes, 100 more after 100 ms, then 50 more after a long pause.
    let program = "import socket,time\ns=socket.socket(); s.bind(('127.0.0.1',0)); s.listen(1)\n\
                   print(s.getsockname()[1], flush=True)\nc,_=s.accept(); c.recv(100)\n\
                   c.sendall(b'A'*10); time.sleep(0.1); c.sendall(b'B'*100); time.sleep(3)\n\
                   try: c.sendall(b'C'*50)\nexcept OSError: pass\n";
    let (_peer, port) = python_program(program);
    let (code, text) = send(&["tcp", &format!("127.0.0.1:{port}"), "-e", "hello", "--chunk", "4096"]);
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("echo MISMATCH"), "{text}");
    assert!(text.contains("100 B \"BBBB"), "the rest of the reply is shown: {text}");
    assert!(
        text.contains("Stopped reading after 110 B in all") && text.contains("more may have followed"),
        "{text}"
    );
    assert!(text.contains("(110 B in, 5 B out)"), "{text}");
}

#[test]
fn udp_localhost_falls_back_to_ipv6_and_exits_0() {
    let serve = Serve::start(&["udp", "--bind", "[::1]:0"]);
    let port = bound_port(&serve.line());
    let (code, text) = send(&["udp", &format!("localhost:{port}"), "--timeout-ms", "500"]);
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("trying [::1]") && text.contains("1 of 1 echoes ok"), "{text}");
    let (_, lines) = serve.signal("INT");
    assert!(lines.iter().any(|l| l.contains("First datagram from [::1]:")), "{lines:?}");
    assert!(!lines.iter().any(|l| l.contains("connected")), "UDP has no connections: {lines:?}");
}

#[test]
fn each_line_shows_the_bytes_it_holds_and_a_split_character_as_escapes() {
    let serve = Serve::start(&["tcp", "--bind", "127.0.0.1:0"]);
    let target = format!("127.0.0.1:{}", bound_port(&serve.line()));
    let rows = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["tcp", target.as_str()];
        all.extend_from_slice(args);
        let (code, text) = send(&all);
        assert_eq!(code, Some(0), "{text}");
        text.lines()
            .filter(|l| l.contains(" B \""))
            .map(|l| l.split_once(" B ").unwrap().1.to_string())
            .collect()
    };
    // A pending byte is shown, not hidden.
    assert_eq!(rows(&["-e", "a\\xC3", "--hex"])[0], "\"a\\xC3\" [61 C3]");
    assert_eq!(rows(&["-e", "\\xF0\\x9F\\x98"])[0], "\"\\xF0\\x9F\\x98\"");
    // Each message of a persistent run is its own bytes, never joined to the previous one.
    let persistent = rows(&["--persistent", "--count", "2", "-e", "\\xA9b\\xC3"]);
    assert_eq!(persistent.len(), 4);
    assert!(persistent.iter().all(|r| r.starts_with("\"\\xA9b\\xC3\"")), "{persistent:?}");
    // Read a byte at a time: each line shows only its byte.
    let split = rows(&["--chunk", "1", "-e", "\\xC3A", "--hex"]);
    assert_eq!(split[1], "\"\\xC3\" [C3]", "{split:?}");
    assert!(split[2].starts_with("\"A\" [41]"), "{split:?}");
    let _ = serve.signal("INT");
}

#[test]
fn a_long_payload_shows_its_first_256_bytes_and_its_size_unless_full() {
    let serve = Serve::start(&["tcp", "--bind", "127.0.0.1:0"]);
    let target = format!("127.0.0.1:{}", bound_port(&serve.line()));
    let message = "x".repeat(1000);
    let (code, text) = send(&["tcp", &target, &message, "--hex"]);
    assert_eq!(code, Some(0), "{text}");
    let sent = text.lines().find(|l| l.contains(" → ")).unwrap();
    let shown = format!("1,000 B \"{}\"… (1,000 B) [{}]… (1,000 B)", "x".repeat(256), ["78"; 256].join(" "));
    assert!(sent.ends_with(&shown), "{sent}");
    // The server's lines are cut the same way; --full shows everything.
    let served = serve.wait_line(" ← ");
    assert!(served.contains(&format!("\"{}\"… (1,000 B)", "x".repeat(256))), "{served}");
    let (code, text) = send(&["tcp", &target, &message, "--full"]);
    assert_eq!(code, Some(0), "{text}");
    let sent = text.lines().find(|l| l.contains(" → ")).unwrap();
    assert!(sent.ends_with(&format!("1,000 B \"{message}\"")), "{sent}");
    let _ = serve.signal("INT");
}

#[test]
fn a_closed_terminal_saves_like_ctrl_c_and_a_full_stdout_fails() {
    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("t.jsonl");
    let serve = Serve::start(&["tcp", "--bind", "127.0.0.1:0", "--save", saved.to_str().unwrap()]);
    let port = bound_port(&serve.line());
    let (code, _) = send(&["tcp", &format!("127.0.0.1:{port}"), "hola"]);
    assert_eq!(code, Some(0));
    let (status, rest) = serve.signal("HUP");
    assert_eq!(status, 0, "{rest:?}");
    assert!(rest.last().is_some_and(|l| l.starts_with("summary: 1 connection,")), "{rest:?}");
    assert!(std::fs::read_to_string(&saved).unwrap().contains("\"event\":\"received\""));
    // Output that cannot be written is a failure, said on stderr.
    let serve = Serve::start(&["tcp", "--bind", "127.0.0.1:0"]);
    let port = bound_port(&serve.line());
    let full = std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
    let out = bin().args(["send", "tcp", &format!("127.0.0.1:{port}")]).stdout(full).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot write to standard output"));
    // A persistent run that did all it was asked says finished, not stopped.
    let (code, text) = send(&["tcp", &format!("127.0.0.1:{port}"), "--persistent", "--count", "2"]);
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("Session ended: finished") && text.contains("2 of 2 echoes ok"), "{text}");
    let _ = serve.signal("INT");
}

#[test]
fn load_finds_a_server_that_listens_on_ipv6_only_under_localhost() {
    for protocol in ["tcp", "udp"] {
        let serve = Serve::start(&[protocol, "--bind", "[::1]:0", "--quiet"]);
        let port = bound_port(&serve.line());
        let out = bin()
            .args([
                "load",
                protocol,
                &format!("localhost:{port}"),
                "-n",
                "20",
                "-s",
                "16",
                "--timeout-ms",
                "500",
            ])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(0), "{protocol}: {text}{}", String::from_utf8_lossy(&out.stderr));
        assert!(text.contains("[::1]"), "{text}");
        let _ = serve.signal("INT");
    }
}

#[test]
fn threads_beyond_the_open_file_limit_are_refused_and_the_most_allowed_still_serve() {
    let limit = ["prlimit", "--nofile=1024:1024", "--"];
    let mut too_many = Serve::start_under(&limit, &["tcp", "--bind", "127.0.0.1:0", "--threads", "600"]);
    let status = common::wait_child(&mut too_many.child, Duration::from_secs(10)).expect("serve exited");
    assert_eq!(status.code(), Some(2));
    let said: Vec<String> = too_many.errors.try_iter().collect();
    let said = said.join("\n");
    assert!(said.contains("--threads 600: enter at most 128") && said.contains("1024"), "{said}");

    let serve = Serve::start_under(&limit, &["tcp", "--bind", "127.0.0.1:0", "--threads", "128"]);
    let port = bound_port(&serve.line());
    for _ in 0..3 {
        let (code, text) = send(&["tcp", &format!("127.0.0.1:{port}")]);
        assert_eq!(code, Some(0), "{text}");
    }
    let (_, lines) = serve.signal("INT");
    assert!(!lines.iter().any(|l| l.contains("Too many open files")), "{lines:?}");
}

#[test]
fn serve_prints_errors_on_stderr_like_send_and_saves_them() {
    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("t.jsonl");
    let serve = Serve::start(&["tcp", "--bind", "127.0.0.1:0", "--save", saved.to_str().unwrap()]);
    let port = bound_port(&serve.line());
    // A client that resets its connection (SO_LINGER 0) while its echo is unread.
    let stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    (&stream).write_all(b"hola").unwrap();
    std::thread::sleep(Duration::from_millis(100));
    socket2::SockRef::from(&stream).set_linger(Some(Duration::ZERO)).unwrap();
    (&stream).write_all(b"more").unwrap();
    drop(stream);
    let error = serve.wait_error("connection reset by peer");
    assert!(error.contains(" ! "), "{error}");
    let (_, stdout) = serve.signal("INT");
    assert!(!stdout.iter().any(|l| l.contains("reset")), "errors are not on stdout: {stdout:?}");
    let kept = std::fs::read_to_string(&saved).unwrap();
    assert!(kept.contains("\"event\":\"failed\""), "the transcript keeps the error: {kept}");
}

#[test]
fn a_closed_terminal_closes_the_window_and_keeps_its_transcript() {
    // The real window, on a virtual display of its own (Xvfb, installed by scripts/test.sh).
    let display =
        (90..140).find(|n| !std::path::Path::new(&format!("/tmp/.X11-unix/X{n}")).exists()).unwrap();
    let _xvfb = common::Service::spawn(Command::new("Xvfb").args([
        &format!(":{display}"),
        "-screen",
        "0",
        "1400x900x24",
        "-nolisten",
        "tcp",
    ]));
    let socket = format!("/tmp/.X11-unix/X{display}");
    let started = Instant::now();
    while !std::path::Path::new(&socket).exists() {
        assert!(started.elapsed() < WAIT, "Xvfb did not start");
        std::thread::sleep(Duration::from_millis(20));
    }
    let home = tempfile::tempdir().unwrap();
    let port = free_tcp_port();
    let mut app = bin()
        .env("DISPLAY", format!(":{display}"))
        .env("HOME", home.path())
        .env("XDG_DATA_HOME", home.path().join("data"))
        .args(["--host", "127.0.0.1", "--port", &port.to_string(), "--start-server"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    common::wait_tcp(port);
    let (code, text) = send(&["tcp", &format!("127.0.0.1:{port}")]);
    assert_eq!(code, Some(0), "{text}");
    std::thread::sleep(Duration::from_millis(300));
    assert!(Command::new("kill").args(["-HUP", &app.id().to_string()]).status().unwrap().success());
    let status = common::wait_child(&mut app, Duration::from_secs(10)).expect("the window closed");
    assert_eq!(status.code(), Some(0), "closed as by its close button, not killed");
    let kept: Vec<String> = std::fs::read_dir(home.path().join("data/socket-tester/recovery"))
        .map(|dir| dir.flatten().map(|e| std::fs::read_to_string(e.path()).unwrap_or_default()).collect())
        .unwrap_or_default();
    assert!(kept.iter().any(|t| t.contains("\"event\":\"received\"")), "the transcript is kept: {kept:?}");
}

#[test]
fn stats_agrees_with_a_computation_from_the_jsonl_and_refuses_foreign_files_by_line() {
    let dir = tempfile::tempdir().unwrap();
    let record = dir.path().join("run.jsonl");
    let serve = Serve::start(&["tcp", "--bind", "127.0.0.1:0", "--quiet"]);
    let target = format!("127.0.0.1:{}", bound_port(&serve.line()));
    let (code, text) =
        send(&["tcp", &target, "--count", "25", "--persistent", "--record", record.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{text}");
    let _ = serve.signal("INT");

    let out = bin().args(["stats", record.to_str().unwrap(), "--json"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let ours: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // The same figures, computed by Python from the file itself.
    let script = r#"
import base64, json, math, sys
rtts, bytes_in, bytes_out, last = [], 0, 0, {}
for line in open(sys.argv[1], encoding="utf-8"):
    r = json.loads(line)
    data = base64.b64decode(r.get("b64", ""))
    key = (r["session"], r["conn"])
    if r.get("same_as_received"):
        data = last[key]  # schema 3: an echo of the connection's last received bytes
    if r["event"] == "received":
        last[key] = data
    n = len(data)
    if r["event"] == "received":
        bytes_in += n
        if "rtt_us" in r:
            rtts.append(r["rtt_us"])
    elif r["event"] == "sent":
        bytes_out += n
jitter = sum(abs(a - b) for a, b in zip(rtts, rtts[1:])) // (len(rtts) - 1)
s = sorted(rtts)
print(json.dumps({"count": len(rtts), "min_us": min(rtts), "max_us": max(rtts), "mean_us": sum(rtts) // len(rtts),
                  "jitter_us": jitter, "median": s[math.ceil(0.5 * len(s)) - 1], "p90": s[math.ceil(0.9 * len(s)) - 1],
                  "bytes_in": bytes_in, "bytes_out": bytes_out}))
"#;
    let py = std::process::Command::new("python3").arg("-c").arg(script).arg(&record).output().unwrap();
    assert!(py.status.success(), "{}", String::from_utf8_lossy(&py.stderr));
    let theirs: serde_json::Value = serde_json::from_slice(&py.stdout).unwrap();
    for key in ["count", "min_us", "max_us", "mean_us", "jitter_us", "bytes_in", "bytes_out"] {
        assert_eq!(ours[key], theirs[key], "{key}: ours {ours} theirs {theirs}");
    }
    assert_eq!(theirs["count"], 25);
    assert_eq!(ours["lost"], 0);
    // Percentiles, nearest rank: hdrhistogram keeps three significant digits.
    for (key, exact) in [("p50_us", "median"), ("p90_us", "p90")] {
        let (got, want) = (ours[key].as_u64().unwrap(), theirs[exact].as_u64().unwrap());
        assert!(got.abs_diff(want) * 100 <= want.max(100), "{key}: {got} vs {want}");
    }
    // In words, in Spanish.
    let out = bin().args(["stats", record.to_str().unwrap(), "--lang", "es"]).output().unwrap();
    let words = String::from_utf8(out.stdout).unwrap();
    assert!(words.starts_with("25 viajes de ida y vuelta\n"), "{words}");
    assert!(words.contains("0 perdidos"), "{words}");

    // A file that is not a transcript: refused, with the line.
    let foreign = dir.path().join("foreign.jsonl");
    std::fs::write(&foreign, "{\"v\":2,\"time\":\"2026-11-30T06:00:00Z\",\"session\":1,\"conn\":0,\"event\":\"listening\",\"local\":\"127.0.0.1:1\"}\nnot json\n").unwrap();
    let out = bin().args(["stats", foreign.to_str().unwrap()]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("foreign.jsonl, line 2:"), "{err}");
}

/// A UDP peer that echoes only every other datagram (the first is lost), for `count` datagrams.
fn udp_peer_losing_every_other(count: usize) -> std::net::SocketAddr {
    let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    socket.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let addr = socket.local_addr().unwrap();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        for n in 1..=count {
            let Ok((len, from)) = socket.recv_from(&mut buf) else { return };
            if n % 2 == 0 {
                let _ = socket.send_to(&buf[..len], from);
            }
        }
    });
    addr
}

#[test]
fn send_udp_goes_on_after_a_loss_and_counts_each_lost_datagram() {
    let peer = udp_peer_losing_every_other(4);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("lost.jsonl");
    let output = bin()
        .args(["send", "udp", &peer.to_string(), "hola", "--count", "4", "--timeout-ms", "300", "--save"])
        .arg(&file)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "a loss fails the run:\n{stdout}");
    assert_eq!(stdout.matches("No echo within 300 ms: lost").count(), 2, "{stdout}");
    assert!(stdout.contains("2 of 4 echoes ok, 2 lost"), "{stdout}");
    let text = std::fs::read_to_string(&file).unwrap();
    let events: Vec<serde_json::Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let kinds: Vec<&str> = events.iter().filter_map(|e| e["event"].as_str()).collect();
    assert_eq!(kinds.iter().filter(|k| **k == "lost").count(), 2);
    assert_eq!(kinds.iter().filter(|k| **k == "sent").count(), 4, "every datagram went out: {kinds:?}");
    let stats = bin().args(["stats", "--json"]).arg(&file).output().unwrap();
    let stats: serde_json::Value = serde_json::from_slice(&stats.stdout).unwrap();
    assert_eq!((stats["lost"].as_u64(), stats["count"].as_u64()), (Some(2), Some(2)));
}

#[test]
fn explain_says_each_line_in_plain_words_naming_the_socket_call() {
    let serve = Serve::start(&["tcp", "--bind", "127.0.0.1:0"]);
    let port = bound_port(&serve.line());
    let out = bin()
        .args(["--lang", "es", "send", "tcp", &format!("127.0.0.1:{port}"), "--explain"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    for words in ["↳ El cliente se conectó al servidor", "(connect)", "sendall", "recv(16)", "(close)"] {
        assert!(text.contains(words), "{words} in:\n{text}");
    }
    // The echo of the seed's message comes back in three reads of at most 16 bytes, and says so.
    assert!(text.contains("en 3 trozos de como mucho 16 bytes"), "{text}");
    // A calm pace: --pace-ms waits after connecting and before closing.
    let started = Instant::now();
    let out = bin().args(["send", "tcp", &format!("127.0.0.1:{port}"), "--pace-ms", "250"]).output().unwrap();
    assert!(out.status.success());
    assert!(started.elapsed() >= Duration::from_millis(500), "{:?}", started.elapsed());
}

/// Parses an HTML report with Python's own parser: the data arrows, the event count, and
/// anything that would load from elsewhere.
fn parse_report(path: &std::path::Path) -> serde_json::Value {
    let script = r#"
import sys, json
from html.parser import HTMLParser
class P(HTMLParser):
    def __init__(self):
        super().__init__(); self.data = 0; self.arrows = 0; self.outside = []; self.tags = set()
    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        a = dict(attrs)
        if tag == "g" and "arrow" in (a.get("class") or "").split():
            self.arrows += 1
            if "data" in a["class"].split(): self.data += 1
        for k, v in attrs:
            if k in ("src", "href", "xlink:href") or (v and ("http:" in v or "https:" in v or v.startswith("//"))):
                self.outside.append((tag, k, v))
        if tag in ("script", "link", "img", "iframe", "object"): self.outside.append((tag, "", ""))
p = P(); p.feed(open(sys.argv[1], encoding="utf-8").read())
print(json.dumps({"data": p.data, "arrows": p.arrows, "outside": p.outside, "svg": "svg" in p.tags}))
"#;
    let out = Command::new("python3").arg("-c").arg(script).arg(path).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn an_html_report_draws_an_arrow_per_data_event_and_loads_nothing_from_outside() {
    let dir = tempfile::tempdir().unwrap();
    let (html, jsonl) = (dir.path().join("report.html"), dir.path().join("same.jsonl"));
    let serve = Serve::start(&[
        "tcp",
        "--bind",
        "127.0.0.1:0",
        "--save",
        html.to_str().unwrap(),
        "--record",
        jsonl.to_str().unwrap(),
    ]);
    let port = bound_port(&serve.line());
    let target = format!("127.0.0.1:{port}");
    let out = bin().args(["send", "tcp", &target, "--count", "3", "--chunk", "16"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    let (code, _) = serve.signal("INT");
    assert_eq!(code, 0);
    let records = socket_tester::transcript::export::read_jsonl(&jsonl).unwrap();
    let data = records.iter().filter(|r| matches!(r.event.as_str(), "sent" | "received")).count();
    assert!(data >= 6, "{data}");
    let report = parse_report(&html);
    assert_eq!(report["data"].as_u64(), Some(data as u64), "{report}");
    assert!(report["arrows"].as_u64().unwrap() > data as u64, "connect, accept and close have shapes too");
    assert_eq!(report["outside"], serde_json::json!([]), "nothing loads from outside");
    assert_eq!(report["svg"], true);
    let text = std::fs::read_to_string(&html).unwrap();
    assert!(text.contains("(accept)") && text.contains("sendall"), "every event explained");
}
