//! Nothing recorded is lost on a crash: the real binary records a live stream to `.jsonl` and
//! `.pcap`, is killed with SIGKILL at a random moment, and both files must still read back:
//! the `.jsonl` up to its last complete line, the `.pcap` in tshark with at most the last
//! packet cut short. Every wait is bounded.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use common::*;
use socket_tester::transcript::export::{EventName, read_jsonl_from};

/// Kills per test run (BENCHMARKS.md records the test run 20 times in a loop).
const KILLS: usize = 6;

/// Clients that stream bytes at the server and read its echo until told to stop.
fn stream_clients(port: u16, stop: &Arc<AtomicBool>) -> Vec<std::thread::JoinHandle<()>> {
    (0..3u8)
        .map(|n| {
            let stop = Arc::clone(stop);
            std::thread::spawn(move || {
                let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else { return };
                let _ = stream.set_read_timeout(Some(Duration::from_millis(200)));
                let chunk: Vec<u8> = (0..4096u32).map(|i| (i as u8) ^ n).collect();
                let mut buf = vec![0u8; 65536];
                let deadline = Instant::now() + WAIT;
                while !stop.load(Ordering::Relaxed) && Instant::now() < deadline {
                    if stream.write_all(&chunk).is_err() {
                        return;
                    }
                    let mut got = 0;
                    while got < chunk.len() {
                        match stream.read(&mut buf) {
                            Ok(0) | Err(_) => return,
                            Ok(n) => got += n,
                        }
                    }
                }
            })
        })
        .collect()
}

/// Every complete line of the `.jsonl` parses; returns how many data events it holds.
fn check_jsonl(path: &Path) -> usize {
    let bytes = std::fs::read(path).unwrap();
    let complete = match bytes.iter().rposition(|&b| b == b'\n') {
        Some(end) => &bytes[..=end],
        None => &bytes[..0],
    };
    let records = read_jsonl_from(complete, path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(records.first().map(|r| r.event), Some(EventName::Listening), "{}", path.display());
    records.iter().filter(|r| matches!(r.event, EventName::Sent | EventName::Received)).count()
}

/// tshark reads the `.pcap`; a cut-short last packet is the only complaint allowed. Returns
/// the packets it read.
fn check_pcap(path: &Path) -> usize {
    let out =
        Command::new("tshark").arg("-r").arg(path).args(["-T", "fields", "-e", "frame.number"]).output();
    let out = out.expect("tshark runs (scripts/test.sh installs it)");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let cut_short = stderr.contains("cut short in the middle of a packet");
    assert!(out.status.success() || cut_short, "tshark could not read {}: {stderr}", path.display());
    let complaints: Vec<&str> = stderr
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.contains("cut short") && !l.contains("Running as user"))
        .collect();
    assert!(complaints.is_empty() || cut_short, "{}: {complaints:?}", path.display());
    String::from_utf8_lossy(&out.stdout).lines().count()
}

#[test]
fn kill_9_mid_stream_leaves_both_files_readable_up_to_the_last_record() {
    let dir = tempfile::tempdir().unwrap();
    let mut total_events = 0;
    for round in 0..KILLS {
        let jsonl = dir.path().join(format!("r{round}.jsonl"));
        let pcap = dir.path().join(format!("r{round}.pcap"));
        let serve = Serve::start(&[
            "tcp",
            "--bind",
            "127.0.0.1:0",
            "--quiet",
            "--record",
            jsonl.to_str().unwrap(),
            "--record-pcap",
            pcap.to_str().unwrap(),
        ]);
        let port = bound_port(&serve.wait_line("127.0.0.1"));
        let stop = Arc::new(AtomicBool::new(false));
        let clients = stream_clients(port, &stop);
        // A random moment: at once, or well into the stream.
        std::thread::sleep(Duration::from_millis(fastrand::u64(20..400)));
        let mut serve = serve;
        serve.child.kill().unwrap();
        wait_child(&mut serve.child, WAIT).expect("killed");
        stop.store(true, Ordering::Relaxed);
        for client in clients {
            client.join().unwrap();
        }
        let events = check_jsonl(&jsonl);
        let packets = check_pcap(&pcap);
        total_events += events;
        eprintln!("round {round}: {events} data events in the .jsonl, {packets} packets in the .pcap");
    }
    assert!(total_events > 0, "the streams were recorded at all");
}

#[test]
fn record_pcap_alone_has_its_header_at_once_and_keeps_the_exchange_through_kill_9() {
    let dir = tempfile::tempdir().unwrap();
    let pcap = dir.path().join("alone.pcap");
    let serve = Serve::start(&["tcp", "--bind", "127.0.0.1:0", "--record-pcap", pcap.to_str().unwrap()]);
    let port = bound_port(&serve.wait_line("127.0.0.1"));
    assert_eq!(std::fs::metadata(&pcap).unwrap().len(), 24, "the file header is written at once");
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.write_all(b"Este es el mensaje. Se repetir\xc3\xa1.").unwrap();
    let mut echo = [0u8; 33];
    stream.read_exact(&mut echo).unwrap();
    // The batch that holds the echo is flushed within milliseconds: wait for it, bounded.
    let deadline = Instant::now() + WAIT;
    while check_pcap(&pcap) < 5 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    let mut serve = serve;
    serve.child.kill().unwrap();
    wait_child(&mut serve.child, WAIT).expect("killed");
    // --record-pcap alone: a handshake (3), the message and its ACK, the echo and its ACK.
    assert!(check_pcap(&pcap) >= 7, "the exchange is in the .pcap after kill -9");
}

#[test]
fn a_save_cut_short_by_kill_9_is_reported_at_the_next_save_there_and_kept() {
    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("exchange.jsonl");
    let serve = Serve::start(&["tcp", "--bind", "127.0.0.1:0", "--quiet", "--save", saved.to_str().unwrap()]);
    let port = bound_port(&serve.wait_line("127.0.0.1"));
    let stop = Arc::new(AtomicBool::new(false));
    let clients = stream_clients(port, &stop);
    std::thread::sleep(Duration::from_millis(300));
    let mut serve = serve;
    let pid = serve.child.id();
    serve.child.kill().unwrap();
    wait_child(&mut serve.child, WAIT).expect("killed");
    stop.store(true, Ordering::Relaxed);
    for client in clients {
        client.join().unwrap();
    }
    let orphan = dir.path().join(format!(".exchange.jsonl.{pid}.tmp"));
    assert!(orphan.exists() && !saved.exists(), "the save was cut short: only its hidden file is there");
    // A file of a process still running is not an orphan.
    let live = dir.path().join(format!(".exchange.jsonl.{}.tmp", std::process::id()));
    std::fs::write(&live, b"").unwrap();
    // The next save to the same path says so, with the way to keep it, and leaves it.
    let out = bin()
        .args(["send", "tcp", &format!("127.0.0.1:{port}"), "x", "--timeout-ms", "300"])
        .args(["--save", saved.to_str().unwrap()])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(said.matches("that an earlier run did not finish").count(), 1, "{said}");
    assert!(said.contains(&format!(".exchange.jsonl.{pid}.tmp")) && said.contains("mv "), "{said}");
    assert!(orphan.exists() && live.exists(), "nothing is removed");
    assert!(check_jsonl(&orphan) > 0 || std::fs::metadata(&orphan).unwrap().len() == 0);
}
