//! The Python that `socket-tester code python` writes works: each of the four programs runs
//! with python3 on loopback against our own server or client, with a message whose multi-byte
//! characters straddle the 16-byte reads, and the exact bytes come back.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod common;

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Stdio};
use std::time::Duration;

use common::{
    bin, client_config, echo_checks, free_tcp_port, free_udp_port, python, received, run_client, start,
    wait_child,
};
use socket_tester::engine::{ClientConfig, Protocol};

/// 15 ASCII bytes, then "é" across the first 16-byte boundary; "€" (3 bytes) across the second.
const MESSAGE: &str = "Quince bytes!: éste es el mens€. Se repetirá.";

fn straddles() {
    let bytes = MESSAGE.as_bytes();
    for boundary in [16, 32] {
        assert!(!MESSAGE.is_char_boundary(boundary), "a character straddles byte {boundary}");
        assert!(bytes.len() > boundary);
    }
}

/// Writes the program for these arguments and returns its path (kept in `dir`).
fn generate(dir: &tempfile::TempDir, name: &str, args: &[&str]) -> std::path::PathBuf {
    let path = dir.path().join(name);
    let out = bin().args(["code", "python"]).args(args).arg("-o").arg(&path).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    path
}

/// Runs a generated server and waits for its "Listening" line.
fn spawn_server(path: &std::path::Path) -> (Child, std::sync::mpsc::Receiver<String>) {
    let mut child = python()
        .arg("-u")
        .arg(path)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                return;
            }
        }
    });
    let first = rx.recv_timeout(common::WAIT).expect("the server says where it listens");
    assert!(first.starts_with("Listening on 127.0.0.1 port"), "{first}");
    (child, rx)
}

/// Generates the client of `protocol` for our server at `port`, runs it with python3 (bounded
/// in time), and returns whether it succeeded and what it printed.
fn run_generated_client(protocol: &str, port: u16) -> (bool, String) {
    let dir = tempfile::tempdir().unwrap();
    let port = port.to_string();
    let args = [
        "--role",
        "client",
        "--protocol",
        protocol,
        "--host",
        "127.0.0.1",
        "--port",
        &port,
        "--message",
        MESSAGE,
    ];
    let program = generate(&dir, "client.py", &args);
    let mut child = python().arg(&program).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let status = wait_child(&mut child, Duration::from_secs(20)).expect("the client ends");
    let mut out = String::new();
    std::io::Read::read_to_string(&mut child.stdout.take().unwrap(), &mut out).unwrap();
    (status.success(), out)
}

#[test]
fn the_generated_tcp_client_gets_its_exact_bytes_back_from_our_server() {
    straddles();
    let server = start(Protocol::Tcp, "127.0.0.1:0");
    let (ok, out) = run_generated_client("tcp", server.addrs[0].port());
    assert!(ok, "{out}");
    assert!(out.contains("The echo is identical to the message"), "{out}");
    // 16 bytes a read, counted in bytes: the last read completes the 49 bytes, not 46 characters.
    let total = MESSAGE.len();
    assert!(out.contains(&format!("({total} of {total})")), "{out}");
    // What it sends and what comes back, as text; a count of one is one byte, not "1 bytes".
    assert!(out.contains(&format!("Sending {total} bytes: '{MESSAGE}'")), "{out}");
    assert!(out.contains(&format!("Received 1 byte ({total} of {total})")), "{out}");
    assert!(!out.contains("1 bytes") && !out.contains('\u{FFFD}'), "no split character shown broken: {out}");
    let joined: String = out
        .lines()
        .filter_map(|l| l.strip_prefix("Received ")?.split_once("): '")?.1.strip_suffix('\''))
        .collect();
    assert_eq!(joined, MESSAGE, "the text received, read by read, is the message whole");
    let stats = server.handle.stats();
    assert_eq!((stats.bytes_in, stats.bytes_out), (total as u64, total as u64));
}

#[test]
fn the_generated_udp_client_gets_its_exact_bytes_back_from_our_server() {
    let server = start(Protocol::Udp, "127.0.0.1:0");
    let (ok, text) = run_generated_client("udp", server.addrs[0].port());
    assert!(ok, "{text}");
    assert!(text.contains(&format!("Received {} bytes from", MESSAGE.len())), "{text}");
    assert!(text.contains("The echo is identical to the message"), "{text}");
}

#[test]
fn the_generated_tcp_server_echoes_exactly_reads_16_bytes_and_survives_a_reset() {
    straddles();
    let port = free_tcp_port();
    let dir = tempfile::tempdir().unwrap();
    let port_text = port.to_string();
    let args = [
        "--role",
        "server",
        "--protocol",
        "tcp",
        "--host",
        "127.0.0.1",
        "--port",
        &port_text,
        "--chunk",
        "16",
    ];
    let program = generate(&dir, "server.py", &args);
    let (mut child, lines) = spawn_server(&program);
    let target = ([127, 0, 0, 1], port).into();
    let config = ClientConfig { chunk_bytes: 16, ..client_config(Protocol::Tcp, target, MESSAGE.as_bytes()) };
    let events = run_client(config.clone());
    assert_eq!(received(&events), MESSAGE.as_bytes());
    assert!(echo_checks(&events).iter().all(|c| c.matches), "{events:?}");
    // A client that closes with unread data makes its system send a reset: the tutorial's
    // server died of it; this one says so and serves the next client.
    {
        let stream = std::net::TcpStream::connect(target).unwrap();
        socket2::SockRef::from(&stream).set_linger(Some(Duration::ZERO)).unwrap();
        (&stream).write_all(b"abc").unwrap();
        std::thread::sleep(Duration::from_millis(200));
    }
    let events = run_client(config);
    assert!(echo_checks(&events).iter().all(|c| c.matches), "still serving after a reset: {events:?}");
    // The server decodes across reads: "é" and "€", split between reads, print whole.
    let mut joined = String::new();
    let deadline = std::time::Instant::now() + common::WAIT;
    while !(joined.contains('é') && joined.contains('€')) && std::time::Instant::now() < deadline {
        if let Ok(line) = lines.recv_timeout(Duration::from_millis(100)) {
            joined.push_str(&line);
            joined.push('\n');
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(joined.contains('é') && joined.contains('€'), "{joined}");
    assert!(!joined.contains('\u{FFFD}'), "no character was cut in two: {joined}");
}

#[test]
fn the_generated_udp_server_echoes_exactly() {
    let port = free_udp_port();
    let dir = tempfile::tempdir().unwrap();
    let port_text = port.to_string();
    let args = ["--role", "server", "--protocol", "udp", "--host", "127.0.0.1", "--port", &port_text];
    let program = generate(&dir, "server.py", &args);
    let (mut child, _lines) = spawn_server(&program);
    let target = ([127, 0, 0, 1], port).into();
    let events = run_client(client_config(Protocol::Udp, target, MESSAGE.as_bytes()));
    assert_eq!(received(&events), MESSAGE.as_bytes());
    assert!(echo_checks(&events).first().is_some_and(|c| c.matches), "{events:?}");
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn the_comments_follow_the_language_and_a_bad_value_is_refused() {
    let out = bin().args(["--lang", "es", "code", "python", "--role", "server"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(
        text.contains("def servidor_tcp():") && text.contains("# Escuchar conexiones entrantes (listen)"),
        "{text}"
    );
    let out = bin().args(["code", "python", "--chunk", "0"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("--chunk"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A preset's TOML with a `[tls]` table, written to `dir`.
fn tls_preset(dir: &tempfile::TempDir, name: &str, toml: &str) -> String {
    let path = dir.path().join(name);
    std::fs::write(&path, format!("version = 1\n{toml}")).unwrap();
    path.display().to_string()
}

#[test]
fn the_generated_tls_client_pins_our_servers_certificate_and_gets_its_echo() {
    let serve = common::Serve::start(&["tcp", "--tls", "--bind", "127.0.0.1:0"]);
    let line = serve.line();
    let port = common::bound_port(&line);
    let fingerprint = common::listening_fingerprint(&line);
    let dir = tempfile::tempdir().unwrap();
    // 127.0.0.1, where the server listens: "localhost" could try [::1] on the same port
    // first, where another test's server may be listening.
    let toml = format!(
        "role = \"client\"\nhost = \"127.0.0.1\"\nport = {port}\n\n[tls]\nenabled = true\nverify = \"pin\"\npin = \"{fingerprint}\"\n"
    );
    let preset = tls_preset(&dir, "client.toml", &toml);
    let program = generate(&dir, "client.py", &["--preset", &preset, "--message", MESSAGE]);
    let code = std::fs::read_to_string(&program).unwrap();
    assert!(code.contains("import ssl") && code.contains("PIN = "), "{code}");
    let mut child = python().arg(&program).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let status = wait_child(&mut child, Duration::from_secs(20)).expect("the client ends");
    let mut out = String::new();
    std::io::Read::read_to_string(&mut child.stdout.take().unwrap(), &mut out).unwrap();
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
    assert!(status.success(), "{out}{err}");
    assert!(out.contains("TLS: TLSv1.3") && out.contains("The echo is identical to the message"), "{out}");

    // Pinned to another certificate, it refuses.
    // Only the pin changes: replacing its first two characters anywhere could hit the port.
    let other = format!("{}{}", if &fingerprint[..2] == "00" { "01" } else { "00" }, &fingerprint[2..]);
    let wrong = toml.replace(&format!("pin = \"{fingerprint}\""), &format!("pin = \"{other}\""));
    assert_ne!(wrong, toml);
    let preset = tls_preset(&dir, "wrong.toml", &wrong);
    let program = generate(&dir, "wrong.py", &["--preset", &preset]);
    let mut child = python().arg(&program).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let status = wait_child(&mut child, Duration::from_secs(20)).expect("the client ends");
    let mut out = String::new();
    std::io::Read::read_to_string(&mut child.stdout.take().unwrap(), &mut out).unwrap();
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
    assert!(!status.success(), "{out}{err}");
    assert!(out.contains("the certificate is not the pinned one"), "{out}{err}");
}

#[test]
fn the_generated_tls_server_serves_our_pinning_client() {
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    let made = std::process::Command::new("openssl")
        .args(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"])
        .args(["-days", "1", "-subj", "/CN=localhost", "-keyout"])
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .expect("openssl is installed");
    assert!(made.status.success());
    let fingerprint = std::process::Command::new("openssl")
        .args(["x509", "-noout", "-fingerprint", "-sha256", "-in"])
        .arg(&cert)
        .output()
        .unwrap();
    let fingerprint =
        String::from_utf8_lossy(&fingerprint.stdout).trim().rsplit('=').next().unwrap().to_string();
    let port = free_tcp_port();
    let toml = format!(
        "role = \"server\"\nhost = \"127.0.0.1\"\nport = {port}\n\n[tls]\nenabled = true\ncert = \"{}\"\nkey = \"{}\"\n",
        cert.display(),
        key.display()
    );
    let preset = tls_preset(&dir, "server.toml", &toml);
    let program = generate(&dir, "server.py", &["--preset", &preset]);
    let (mut child, lines) = spawn_server(&program);
    let target = format!("127.0.0.1:{port}");
    let out = bin().args(["send", "tcp", &target, "--tls", "--pin", &fingerprint]).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("The pinned fingerprint matched") && stdout.contains("echo ok"), "{stdout}");
    let said: Vec<String> =
        std::iter::from_fn(|| lines.recv_timeout(Duration::from_millis(500)).ok()).collect();
    assert!(said.iter().any(|l| l.starts_with("TLS: TLSv1.3")), "{said:?}");
    let _ = child.kill();
    let _ = child.wait();
}
