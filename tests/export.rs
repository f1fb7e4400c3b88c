//! Transcripts in files, checked by real readers: Python's csv and json modules, and tshark
//! for pcap (follow-stream must equal the bytes exchanged). Every wait is bounded.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod common;

use std::net::SocketAddr;
use std::path::Path;
use std::process::Command;

use common::*;
use jiff::Timestamp;
use socket_tester::engine::Protocol;
use socket_tester::transcript::export::{self, EventName, ExportError, Record, read_jsonl};

const BIN: &str = env!("CARGO_BIN_EXE_socket-tester");
const MESSAGE: &str = "Este es el mensaje. Se repetirá.";

fn python(script: &str, file: &Path) -> String {
    let out = Command::new("python3").arg("-c").arg(script).arg(file).output().expect("python3 runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// tshark's follow-stream of the first TCP stream: the bytes of each node, in order.
fn tshark_follow(file: &Path, stream: &str) -> (Vec<u8>, Vec<u8>) {
    let out = Command::new("tshark")
        .args(["-r"])
        .arg(file)
        .args(["-q", "-z", &format!("follow,{stream},raw,0")])
        .output()
        .expect("tshark is installed (scripts/test.sh installs it)");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    let (mut first, mut second) = (Vec::new(), Vec::new());
    let body = text
        .split("===================================================================")
        .nth(1)
        .unwrap_or("");
    for line in body.lines().skip_while(|l| !l.starts_with("Node 1:")).skip(1) {
        let (target, hex) = match line.strip_prefix('\t') {
            Some(hex) => (&mut second, hex),
            None => (&mut first, line),
        };
        let hex = hex.trim();
        for i in (0..hex.len()).step_by(2) {
            target.push(u8::from_str_radix(&hex[i..i + 2], 16).unwrap());
        }
    }
    (first, second)
}

#[test]
fn every_format_from_the_cli_reads_back_in_real_readers() {
    let server = start(Protocol::Tcp, "[::1]:0");
    let dir = tempfile::tempdir().unwrap();
    let target = format!("[::1]:{}", server.port());
    for ext in ["txt", "csv", "jsonl", "pcap"] {
        let path = dir.path().join(format!("exchange.{ext}"));
        let out = Command::new(BIN).args(["send", "tcp", &target, "--save"]).arg(&path).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(String::from_utf8_lossy(&out.stderr).contains("saved 7 events"), "{ext}");
    }
    let message_hex: String = MESSAGE.bytes().map(|b| format!("{b:02x}")).collect();

    let rows = python(
        "import csv,sys\nfor r in csv.DictReader(open(sys.argv[1], encoding='utf-8')):\n    \
         print(r['event'], r['bytes'], r['hex'], r['text'], r['peer'], r['echo_ok'], sep='|')",
        &dir.path().join("exchange.csv"),
    );
    let sent = rows.lines().find(|l| l.starts_with("sent|")).unwrap();
    assert_eq!(sent, format!("sent|33|{message_hex}|{MESSAGE}|{target}|"));
    assert!(rows.lines().any(|l| l.starts_with("received|1|2e|.|") && l.ends_with("|true")), "{rows}");

    let lines = python(
        "import base64,json,sys\nfor l in open(sys.argv[1], encoding='utf-8'):\n    \
         r=json.loads(l); print(r['v'], r['event'], r['time'], base64.b64decode(r.get('b64', '')).decode('utf-8','replace'), sep='|')",
        &dir.path().join("exchange.jsonl"),
    );
    let sent = lines.lines().find(|l| l.contains("|sent|")).unwrap();
    assert!(sent.starts_with("3|sent|20") && sent.ends_with(&format!("Z|{MESSAGE}")), "{sent}");

    let (client, server_side) = tshark_follow(&dir.path().join("exchange.pcap"), "tcp");
    assert_eq!(client, MESSAGE.as_bytes(), "follow-stream shows exactly what the client sent");
    assert_eq!(server_side, MESSAGE.as_bytes(), "and exactly the echo");

    let text = std::fs::read_to_string(dir.path().join("exchange.txt")).unwrap();
    assert!(text.contains(&format!("→ {target} 33 B \"{MESSAGE}\"")), "{text}");
    server.stop();
}

fn record(event: EventName, local: SocketAddr, peer: SocketAddr, data: Vec<u8>) -> Record {
    let text = format!(
        r#"{{"time":"{}","session":1,"conn":1,"event":"{}","local":"{local}","peer":"{peer}"}}"#,
        Timestamp::now(),
        event.as_str()
    );
    let mut r: Record = serde_json::from_str(&text).unwrap();
    r.data = data.into();
    r
}

#[test]
fn pcap_splits_large_tcp_reads_and_keeps_the_largest_udp_datagram() {
    let dir = tempfile::tempdir().unwrap();
    let (local, peer): (SocketAddr, SocketAddr) =
        ("127.0.0.1:40000".parse().unwrap(), "127.0.0.1:10000".parse().unwrap());
    let big: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    let records = vec![
        record(EventName::Connected, local, peer, vec![]),
        record(EventName::Sent, local, peer, big.clone()),
        record(EventName::Received, local, peer, big[..65_536].to_vec()),
        record(EventName::Received, local, peer, big[65_536..].to_vec()),
        record(EventName::ConnectionClosed, local, peer, vec![]),
    ];
    let path = dir.path().join("big.pcap");
    export::save(&path, &records, Protocol::Tcp).unwrap();
    let (sent, echoed) = tshark_follow(&path, "tcp");
    assert_eq!(sent, big);
    assert_eq!(echoed, big);

    let (local6, peer6): (SocketAddr, SocketAddr) =
        ("[::1]:40000".parse().unwrap(), "[::1]:10000".parse().unwrap());
    let datagram: Vec<u8> = (0..65_507u32).map(|i| (i % 256) as u8).collect();
    let udp = vec![record(EventName::Sent, local6, peer6, datagram.clone())];
    let path = dir.path().join("udp.pcap");
    export::save(&path, &udp, Protocol::Udp).unwrap();
    let out = Command::new("tshark")
        .arg("-r")
        .arg(&path)
        .args([
            "-T",
            "fields",
            "-e",
            "ipv6.src",
            "-e",
            "udp.srcport",
            "-e",
            "udp.dstport",
            "-e",
            "udp.length",
        ])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "::1\t40000\t10000\t65515");
}

#[test]
fn jsonl_reopens_exactly_with_invalid_utf8_nul_and_ipv6() {
    let dir = tempfile::tempdir().unwrap();
    let (local, peer): (SocketAddr, SocketAddr) = ("[::1]:1".parse().unwrap(), "[::1]:2".parse().unwrap());
    let records = vec![
        record(EventName::Connected, local, peer, vec![]),
        record(EventName::Sent, local, peer, vec![0, 0xFF, 0xC3, 0x28, b'\n']),
        record(EventName::Received, local, peer, vec![0xF0, 0x9F]),
    ];
    let path = dir.path().join("t.jsonl");
    export::save(&path, &records, Protocol::Tcp).unwrap();
    let back = read_jsonl(&path).unwrap();
    assert_eq!(back, records);
    // Through events too, as the app reopens it.
    let again: Vec<Record> =
        back.iter().map(|r| Record::from_event(&r.to_event().unwrap(), r.conn)).collect();
    assert_eq!(again, records);
}

#[test]
fn a_bad_line_is_named_and_a_missing_folder_is_said_plainly() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.jsonl");
    std::fs::write(&path, "\n{\"v\":1}\n").unwrap();
    let err = read_jsonl(&path).unwrap_err();
    assert!(matches!(err, ExportError::Parse { line: 2, .. }), "{err}");
    let missing = dir.path().join("no/such/folder/t.csv");
    let err = export::save(&missing, &[], Protocol::Tcp).unwrap_err();
    assert_eq!(err.to_string(), format!("{}: the folder does not exist", missing.display()));
    let unknown = export::save(&dir.path().join("t.doc"), &[], Protocol::Tcp).unwrap_err();
    assert!(unknown.to_string().contains("unknown format"), "{unknown}");
}

#[test]
fn record_streams_every_event_as_it_happens() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("live.jsonl");
    let mut serve = Command::new(BIN)
        .args(["serve", "tcp", "--bind", "127.0.0.1:0", "--record"])
        .arg(&path)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = serve.stdout.take().unwrap();
    let mut reader = std::io::BufReader::new(stdout);
    let mut first = String::new();
    std::io::BufRead::read_line(&mut reader, &mut first).unwrap();
    let port = first.split("127.0.0.1:").nth(1).unwrap().split(' ').next().unwrap();
    Command::new(BIN).args(["send", "tcp", &format!("127.0.0.1:{port}")]).output().unwrap();
    // The server is still running: the file already holds the exchange.
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        let records = read_jsonl(&path).unwrap_or_default();
        if records.iter().any(|r| r.event == EventName::Sent && r.data == MESSAGE.as_bytes()) {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "the echo was not recorded while running");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    Command::new("kill").arg("-INT").arg(serve.id().to_string()).status().unwrap();
    assert!(wait_child(&mut serve, WAIT).is_some_and(|s| s.success()));
    let records = read_jsonl(&path).unwrap();
    assert_eq!(records.last().map(|r| r.event), Some(EventName::Closed));
}

#[test]
fn a_full_disk_is_said_plainly_and_leaves_no_half_file() {
    if !common::root_or_skip(
        "a_full_disk_is_said_plainly_and_leaves_no_half_file",
        "unshare -m to mount a small tmpfs",
    ) {
        return;
    }
    let server = start(Protocol::Tcp, "127.0.0.1:0");
    let dir = tempfile::tempdir().unwrap();
    let mount = dir.path().join("small");
    std::fs::create_dir(&mount).unwrap();
    let target = format!("127.0.0.1:{}", server.port());
    // A private mount namespace with a 16 KiB disk: the 64 KiB exchange cannot fit.
    let script = format!(
        "mount -t tmpfs -o size=16k tmpfs {m} && {bin} send tcp {target} \"$(head -c 65536 /dev/zero | tr '\\0' x)\" \
         --chunk 65536 --save {m}/t.jsonl; code=$?; ls -A {m}; exit $code",
        m = mount.display(),
        bin = BIN,
    );
    let out = Command::new("unshare").args(["-m", "sh", "-c", &script]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("could not save") && stderr.contains("the disk is full"), "{stderr}");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter(|l| l.contains(".tmp") || l.contains("t.jsonl"))
            .count(),
        0,
        "no half file is left behind"
    );
    server.stop();
}

#[test]
fn a_folder_without_write_permission_is_said_plainly() {
    if !common::root_or_skip("a_folder_without_write_permission_is_said_plainly", "setpriv to drop to nobody")
    {
        return;
    }
    // The tests run as root, who may write anywhere: drop to nobody for this one save.
    let server = start(Protocol::Udp, "127.0.0.1:0");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.csv");
    let out = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", BIN, "send", "udp"])
        .arg(format!("127.0.0.1:{}", server.port()))
        .arg("--save")
        .arg(&path)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    // Said before anything is sent, so no exchange is run that cannot be kept.
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains(&format!("{}: permission denied", path.display())), "{stderr}");
    assert!(!stderr.contains("Connected") && !stderr.contains("Sent"), "{stderr}");
    assert!(!path.exists());
    server.stop();
}

#[test]
fn a_time_pcap_cannot_hold_is_refused_in_words() {
    // Found by the jsonl fuzz target: a reopened transcript dated in the year 3026.
    let line = r#"{"v":1,"time":"3026-11-28T07:34:51.505999317Z","session":1,"conn":1,"event":"sent","local":"[::1]:35700","peer":"[::1]:17501","hex":"41","protocol":"Udp"}"#;
    let records =
        socket_tester::transcript::export::read_jsonl_from(line.as_bytes(), Path::new("x.jsonl")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("future.pcap");
    let err =
        socket_tester::transcript::export::save(&path, &records, Protocol::Udp).unwrap_err().to_string();
    assert!(err.contains("pcap holds times from 1970 to 2106"), "{err}");
    assert!(err.contains("3026-11-28T07:34:51.505999317Z"), "{err}");
    assert!(!path.exists(), "no half file");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "no temporary file left");
    // The other formats take it.
    socket_tester::transcript::export::save(&dir.path().join("future.jsonl"), &records, Protocol::Udp)
        .unwrap();
}

#[test]
fn csv_cells_fit_a_spreadsheet_and_pythons_default_reader() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.csv");
    let serve = common::Serve::start(&["tcp", "--bind", "127.0.0.1:0", "--save", path.to_str().unwrap()]);
    let port = common::bound_port(&serve.line());
    let payload = "x".repeat(65_536);
    let out = common::bin()
        .args(["send", "tcp", &format!("127.0.0.1:{port}"), &payload, "--chunk", "65536"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let _ = serve.signal("INT");
    let check = "import csv,sys\nrows=list(csv.DictReader(open(sys.argv[1],encoding='utf-8')))\nbig=[r for r in rows if r['bytes']=='65536' or int(r['bytes'] or 0)>8000]\nassert big, rows\nassert all(len(v)<=32767 for r in rows for v in r.values())\nassert all('the .jsonl' in r['note'] for r in big), big[0]['note']\nprint(len(rows))";
    let result = common::python().args(["-c", check]).arg(&path).output().unwrap();
    assert!(result.status.success(), "{}", String::from_utf8_lossy(&result.stderr));
}

#[test]
fn saving_through_a_link_keeps_the_link_and_a_bad_place_says_what_failed() {
    use socket_tester::engine::Protocol;
    use socket_tester::transcript::export::save;
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("real.jsonl");
    std::fs::write(&target, "old").unwrap();
    let link = dir.path().join("link.jsonl");
    std::os::unix::fs::symlink("real.jsonl", &link).unwrap();
    save(&link, &[], Protocol::Tcp).unwrap();
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink(), "still a link");
    assert_ne!(std::fs::read_to_string(&target).unwrap(), "old", "written through the link");
    let err = save(std::path::Path::new("/proc/x.txt"), &[], Protocol::Tcp).unwrap_err().to_string();
    assert!(!err.contains("the folder does not exist"), "{err}");
    let err = save(&dir.path().join("no/such/t.txt"), &[], Protocol::Tcp).unwrap_err().to_string();
    assert!(err.contains("the folder does not exist"), "{err}");
}

#[test]
fn txt_shows_local_time_and_jsonl_keeps_utc() {
    let server = start(Protocol::Tcp, "127.0.0.1:0");
    let dir = tempfile::tempdir().unwrap();
    let target = format!("127.0.0.1:{}", server.port());
    // Five hours west of UTC, written as a POSIX rule so no time-zone database is needed.
    for ext in ["txt", "jsonl"] {
        let path = dir.path().join(format!("t.{ext}"));
        let out = Command::new(BIN)
            .env("TZ", "<-05>5")
            .args(["send", "tcp", &target, "--save"])
            .arg(&path)
            .output();
        assert_eq!(out.unwrap().status.code(), Some(0));
    }
    let text = std::fs::read_to_string(dir.path().join("t.txt")).unwrap();
    let local = Timestamp::now().to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(-5)));
    let header = text.lines().next().unwrap_or_default();
    assert_eq!(
        header,
        format!("# Socket Tester transcript, {}, local time (UTC-05:00)", local.strftime("%Y-%m-%d"))
    );
    let hour: i8 = text.lines().nth(1).and_then(|l| l.get(..2)).and_then(|h| h.parse().ok()).unwrap_or(-1);
    assert!((hour - local.hour()).rem_euclid(24) <= 1, "the .txt shows local time: {text}");
    // In Spanish (--lang es, or a Spanish window), every word and number of the .txt is too.
    let path = dir.path().join("es.txt");
    let out = Command::new(BIN)
        .env("TZ", "<-05>5")
        .args(["send", "tcp", &target, "--count", "2", "--lang", "es", "--save"])
        .arg(&path)
        .output();
    assert_eq!(out.unwrap().status.code(), Some(0));
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with("# Transcripción de Socket Tester, "), "{text}");
    assert!(text.contains("hora local (UTC-05:00)") && text.contains("Conectado"), "{text}");
    assert!(text.contains(" ms") && text.contains(','), "decimal commas: {text}");
    for english in ["Connected", "echo ok", "Closed", "Session ended", "local time"] {
        assert!(!text.contains(english), "{english:?} in the Spanish .txt: {text}");
    }
    let jsonl = std::fs::read_to_string(dir.path().join("t.jsonl")).unwrap();
    let time = jsonl.split("\"time\":\"").nth(1).and_then(|r| r.split('"').next()).unwrap_or_default();
    let utc: Timestamp = time.parse().unwrap();
    assert!(time.ends_with('Z') && (Timestamp::now() - utc).get_seconds().abs() < 60, "{time}");
    server.stop();
}
