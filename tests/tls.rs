//! TLS against independent implementations on loopback: `openssl s_client` and `s_server`, and
//! socat's OPENSSL-LISTEN and OPENSSL, both ways, TLS 1.2 and 1.3; and every failure a user
//! meets, in plain words.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Command, Stdio};
use std::time::Instant;

use common::{Serve, WAIT, bin, bound_port, free_tcp_port, send, wait_tcp};

/// Certificates a test makes: a CA, a server certificate it issued for `localhost` and
/// 127.0.0.1, and an expired one.
struct Certs {
    dir: tempfile::TempDir,
}

impl Certs {
    fn new() -> Certs {
        let dir = tempfile::tempdir().unwrap();
        let ca_key = rcgen::KeyPair::generate().unwrap();
        let mut ca = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        ca.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        ca.distinguished_name.push(rcgen::DnType::CommonName, "Test CA");
        let ca_cert = ca.self_signed(&ca_key).unwrap();
        let issuer = rcgen::Issuer::new(ca, ca_key);
        let leaf = |name: &str, expired: bool| {
            let key = rcgen::KeyPair::generate().unwrap();
            let mut params =
                rcgen::CertificateParams::new(vec!["localhost".to_string(), "127.0.0.1".to_string()])
                    .unwrap();
            params.distinguished_name.push(rcgen::DnType::CommonName, "localhost");
            if expired {
                params.not_before = rcgen::date_time_ymd(2020, 1, 1);
                params.not_after = rcgen::date_time_ymd(2021, 1, 1);
            }
            let cert = params.signed_by(&key, &issuer).unwrap();
            std::fs::write(dir.path().join(format!("{name}.pem")), cert.pem()).unwrap();
            std::fs::write(dir.path().join(format!("{name}.key")), key.serialize_pem()).unwrap();
        };
        leaf("server", false);
        leaf("expired", true);
        std::fs::write(dir.path().join("ca.pem"), ca_cert.pem()).unwrap();
        Certs { dir }
    }

    fn path(&self, name: &str) -> String {
        self.dir.path().join(name).display().to_string()
    }
}

/// A child process killed when the test ends, however it ends.
struct Peer(Child);

impl Drop for Peer {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `openssl s_server` reversing each line (`-rev`: a palindrome comes back as itself), on a
/// port it picks; returns it with the port.
fn s_server(cert: &str, key: &str, version: &str) -> (Peer, u16) {
    let mut child = Command::new("openssl")
        .args(["s_server", "-accept", "127.0.0.1:0", "-cert", cert, "-key", key, "-rev", version])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("openssl is installed");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let port = loop {
        let line = lines.next().expect("s_server prints ACCEPT").unwrap();
        if let Some(addr) = line.strip_prefix("ACCEPT ") {
            break addr.rsplit(':').next().unwrap().parse::<u16>().unwrap();
        }
    };
    // Keep draining its output so that it never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines.by_ref() {});
    (Peer(child), port)
}

/// Runs `send` and returns its exit code, stdout and stderr.
fn tls_server() -> (Serve, u16, String) {
    let serve = Serve::start(&["tcp", "--tls", "--bind", "127.0.0.1:0", "--alpn", "h2,http/1.1"]);
    let line = serve.line();
    let port = bound_port(&line);
    let fingerprint = common::listening_fingerprint(&line);
    assert_eq!(fingerprint.len(), 95, "{line}");
    (serve, port, fingerprint)
}

/// Reads lines from a child's stdout until one holds `text`, within the wait.
fn wait_output(child: &mut Child, text: &str) -> Vec<String> {
    let (tx, rx) = crossbeam_channel::unbounded();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let deadline = Instant::now() + WAIT;
    let mut seen = Vec::new();
    while let Ok(line) = rx.recv_deadline(deadline) {
        let done = line.contains(text);
        seen.push(line);
        if done {
            return seen;
        }
    }
    panic!("no line with {text:?} within {WAIT:?}: {seen:?}");
}

#[test]
fn openssl_s_client_gets_its_echo_over_tls_1_2_and_1_3_with_the_fingerprint_shown() {
    let (serve, port, fingerprint) = tls_server();
    for (flag, version) in [("-tls1_2", "TLS 1.2"), ("-tls1_3", "TLS 1.3")] {
        let mut client = Peer(
            Command::new("openssl")
                .args(["s_client", "-connect", &format!("127.0.0.1:{port}"), flag, "-alpn", "h2"])
                .args(["-servername", "localhost"])
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .spawn()
                .unwrap(),
        );
        let seen = wait_output(&mut client.0, "ALPN protocol: h2");
        assert!(
            seen.iter().any(|l| l.contains("subject=CN = 127.0.0.1, O = Socket Tester (self-signed)")),
            "{seen:?}"
        );
        client.0.stdin.as_mut().unwrap().write_all(b"hola TLS\n").unwrap();
        client.0.stdin.as_mut().unwrap().flush().unwrap();
        // s_client reads on from where `wait_output` left: a fresh reader of the same pipe
        // is not possible, so the echo is looked for in the server's transcript instead.
        let line = serve.wait_line(&format!("{version} with 127.0.0.1:"));
        assert!(line.contains("ALPN h2") && line.contains("SNI localhost"), "{line}");
        assert!(line.contains(&fingerprint), "the server shows its certificate: {line}");
        serve.wait_line("→ 127.0.0.1");
    }
    // openssl computes the same fingerprint from the certificate it was served.
    let script = format!(
        "openssl s_client -connect 127.0.0.1:{port} </dev/null 2>/dev/null | openssl x509 -noout -fingerprint -sha256"
    );
    let out = Command::new("sh").args(["-c", &script]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(&fingerprint), "openssl says {text}, we said {fingerprint}");
}

#[test]
fn our_client_verifies_openssl_s_server_over_tls_1_2_and_1_3_and_records_the_handshake() {
    let certs = Certs::new();
    for (flag, version) in [("-tls1_2", "TLS 1.2"), ("-tls1_3", "TLS 1.3")] {
        let (_server, port) = s_server(&certs.path("server.pem"), &certs.path("server.key"), flag);
        let saved = certs.dir.path().join(format!("{flag}.jsonl"));
        let target = format!("localhost:{port}");
        let (code, out, err) = send(&[
            "tcp",
            &target,
            "abcba\\n",
            "-e",
            "--tls",
            "--ca",
            &certs.path("ca.pem"),
            "--save",
            saved.to_str().unwrap(),
        ]);
        assert_eq!(code, 0, "{out}{err}");
        assert!(out.contains(&format!("{version} with")), "{out}");
        assert!(
            out.contains("Verified against the certificates of")
                && out.contains("ca.pem")
                && out.contains("SNI localhost"),
            "{out}"
        );
        assert!(out.contains("issued by CN=Test CA"), "{out}");
        assert!(out.contains("echo ok (6 B)"), "{out}");
        let jsonl = std::fs::read_to_string(&saved).unwrap();
        let secured = jsonl.lines().find(|l| l.contains(r#""event":"secured""#)).expect("a secured record");
        let record: serde_json::Value = serde_json::from_str(secured).unwrap();
        assert_eq!(record["tls"]["version"], version, "{secured}");
        assert_eq!(record["tls"]["verify"], "system", "{secured}");
    }
}

#[test]
fn socat_openssl_listen_and_openssl_connect_work_both_ways_over_tls_1_2_and_1_3() {
    let certs = Certs::new();
    for (socat_version, version) in [("TLS1.2", "TLS 1.2"), ("TLS1.3", "TLS 1.3")] {
        // socat as the server, our client trusting the CA.
        let port = free_tcp_port();
        let listen = format!(
            "OPENSSL-LISTEN:{port},bind=127.0.0.1,reuseaddr,fork,cert={},key={},verify=0,openssl-max-proto-version={socat_version}",
            certs.path("server.pem"),
            certs.path("server.key")
        );
        let _socat =
            Peer(Command::new("socat").args([listen.as_str(), "PIPE"]).spawn().expect("socat is installed"));
        wait_tcp(port);
        let target = format!("127.0.0.1:{port}");
        let (code, out, err) =
            send(&["tcp", &target, "--tls", "--ca", &certs.path("ca.pem"), "--count", "3"]);
        assert_eq!(code, 0, "{out}{err}");
        assert_eq!(out.matches("echo ok (33 B)").count(), 3, "{out}");
        assert!(out.contains(&format!("{version} with")), "{out}");

        // socat as the client of our server.
        let (serve, port, _) = tls_server();
        let connect = format!("OPENSSL:127.0.0.1:{port},verify=0,openssl-max-proto-version={socat_version}");
        let mut client = Command::new("socat")
            .args(["-t", "2", "-", connect.as_str()])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        client.stdin.take().unwrap().write_all("hola señal\n".as_bytes()).unwrap();
        common::wait_child(&mut client, WAIT).expect("socat ends after its echo");
        let mut echoed = String::new();
        std::io::Read::read_to_string(client.stdout.as_mut().unwrap(), &mut echoed).unwrap();
        assert_eq!(echoed, "hola señal\n");
        serve.wait_line(&format!("{version} with 127.0.0.1:"));
    }
}

#[test]
fn a_pinned_fingerprint_trusts_a_self_signed_server_and_the_system_roots_do_not() {
    let (_serve, port, fingerprint) = tls_server();
    let target = format!("localhost:{port}");
    let (code, out, err) = send(&["tcp", &target, "--tls", "--pin", &fingerprint, "--alpn", "http/1.1"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("The pinned fingerprint matched") && out.contains("ALPN http/1.1"), "{out}");

    let (code, _, err) = send(&["tcp", &target, "--tls"]);
    assert_eq!(code, 1);
    assert!(err.contains("TLS handshake with") && err.contains("the certificate is self-signed"), "{err}");

    let wrong = fingerprint.replace(&fingerprint[..2], if &fingerprint[..2] == "00" { "01" } else { "00" });
    let (code, _, err) = send(&["tcp", &target, "--tls", "--pin", &wrong]);
    assert_eq!(code, 1);
    assert!(
        err.contains(&format!(
            "the certificate is not the pinned one: its SHA-256 fingerprint is {fingerprint}"
        )),
        "{err}"
    );

    let (code, out, _) = send(&["tcp", &target, "--tls", "--insecure"]);
    assert_eq!(code, 0);
    assert!(out.contains("! TLS 1.3") && out.contains("NOT VERIFIED"), "insecure is a warning line: {out}");

    let (code, _, err) = send(&["tcp", &target, "--tls", "--insecure", "--alpn", "smtp"]);
    assert_eq!(code, 1);
    assert!(err.contains("no application protocol (ALPN) in common"), "{err}");
}

#[test]
fn certificate_failures_are_said_in_plain_words() {
    let certs = Certs::new();
    let ca = certs.path("ca.pem");
    let (_server, port) = s_server(&certs.path("server.pem"), &certs.path("server.key"), "-tls1_3");
    let target = format!("localhost:{port}");
    let cases: [(&[&str], &str); 2] = [
        (&["--tls"], "issued by an authority this machine does not trust"),
        (&["--tls", "--ca", &ca, "--sni", "other.example"], "the certificate is for other names"),
    ];
    for (flags, words) in cases {
        let mut args = vec!["tcp", target.as_str()];
        args.extend_from_slice(flags);
        let (code, out, err) = send(&args);
        assert_eq!(code, 1, "{flags:?}: {out}{err}");
        assert!(err.contains(words), "{flags:?}: {err}");
        assert!(
            !err.contains("DnsName(") && !err.contains("IpAddress("),
            "names as people write them: {err}"
        );
    }
    let (code, _, err) = send(&["tcp", &target, "--tls", "--ca", "/nonexistent/ca.pem"]);
    assert_eq!(code, 2, "checked before connecting: {err}");
    assert!(err.contains("--ca /nonexistent/ca.pem: there is no such file"), "{err}");
    let (_expired, port) = s_server(&certs.path("expired.pem"), &certs.path("expired.key"), "-tls1_2");
    let target = format!("localhost:{port}");
    let (code, _, err) = send(&["tcp", &target, "--tls", "--ca", &ca]);
    assert_eq!(code, 1);
    assert!(err.contains("the certificate has expired"), "{err}");
}

#[test]
fn a_peer_without_tls_is_named_on_both_sides_and_a_silent_one_times_out() {
    // A plain echo server sends our ClientHello back: not a TLS answer.
    let plain = Serve::start(&["tcp", "--bind", "127.0.0.1:0", "--quiet"]);
    let target = format!("127.0.0.1:{}", bound_port(&plain.line()));
    let (code, _, err) = send(&["tcp", &target, "--tls", "--insecure"]);
    assert_eq!(code, 1);
    assert!(err.contains("the peer does not speak TLS"), "{err}");

    // A plain client at a TLS server: the server says what came.
    let (serve, port, _) = tls_server();
    let target = format!("127.0.0.1:{port}");
    let (code, out, err) = send(&["tcp", &target, "--timeout-ms", "500"]);
    assert_eq!(code, 1);
    assert!(out.contains("answered with a TLS record: it speaks TLS"), "the client says why: {out}{err}");
    let line = serve.wait_error("TLS handshake with 127.0.0.1:");
    assert!(line.contains("does not speak TLS"), "{line}");

    // A peer that accepts and says nothing.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let target = silent.local_addr().unwrap().to_string();
    let (code, _, err) = send(&["tcp", &target, "--tls", "--timeout-ms", "300"]);
    assert_eq!(code, 1);
    assert!(err.contains("the TLS handshake did not finish within 300 ms"), "{err}");
    drop(silent);
}

#[test]
fn half_finished_handshakes_are_closed_at_their_deadline_and_a_whole_one_still_works() {
    let serve = Serve::start(&["tcp", "--tls", "--bind", "127.0.0.1:0", "--handshake-timeout-ms", "300"]);
    let line = serve.line();
    let port = bound_port(&line);
    let fingerprint = common::listening_fingerprint(&line);
    // 50 clients send the first 3 bytes of a ClientHello and stop there.
    let mut stalled: Vec<std::net::TcpStream> = (0..50)
        .map(|_| {
            let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
            stream.write_all(b"\x16\x03\x01").unwrap();
            stream.set_read_timeout(Some(WAIT)).unwrap();
            stream
        })
        .collect();
    let started = Instant::now();
    for stream in &mut stalled {
        // An alert may come first (close_notify); then the end, or a reset.
        let mut rest = Vec::new();
        let ended = stream.read_to_end(&mut rest);
        assert!(
            ended.is_ok() || ended.as_ref().is_err_and(|e| e.kind() == std::io::ErrorKind::ConnectionReset),
            "closed by the server, not left waiting: {ended:?}"
        );
        assert!(rest.len() <= 7, "at most an alert: {rest:?}");
    }
    assert!(started.elapsed() < WAIT, "every half handshake was closed before the test's bound");
    let said = serve.wait_error("did not finish within 300 ms");
    assert!(said.contains("127.0.0.1:"), "the line names the peer: {said}");
    // A client that finishes in time is served as before.
    let (code, out, err) = send(&["tcp", &format!("127.0.0.1:{port}"), "--tls", "--pin", &fingerprint]);
    assert_eq!(code, 0, "{out}{err}");
    // A value out of range is a usage error.
    let bad = bin().args(["serve", "tcp", "--tls", "--handshake-timeout-ms", "0"]).output().unwrap();
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn a_server_loads_its_certificate_from_pem_files() {
    let certs = Certs::new();
    let serve = Serve::start(&[
        "tcp",
        "--bind",
        "127.0.0.1:0",
        "--cert",
        &certs.path("server.pem"),
        "--key",
        &certs.path("server.key"),
    ]);
    let port = bound_port(&serve.line());
    let target = format!("localhost:{port}");
    let (code, out, err) = send(&["tcp", &target, "--tls", "--ca", &certs.path("ca.pem")]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("issued by CN=Test CA"), "{out}");
    assert!(out.contains(&format!("Verified against the certificates of {}", certs.path("ca.pem"))), "{out}");
    assert!(!out.contains("system's trusted roots"), "{out}");

    let bad = Command::new(common::BIN)
        .args([
            "serve",
            "tcp",
            "--bind",
            "127.0.0.1:0",
            "--cert",
            "/nonexistent.pem",
            "--key",
            "/nonexistent.key",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert_eq!(
        bad.status.code(),
        Some(2),
        "a missing file is a usage error, found before listening: {stderr}"
    );
    assert!(stderr.contains("--cert /nonexistent.pem: there is no such file"), "{stderr}");

    // A key that is not the certificate's is said in words, naming the certificate.
    let mismatched = Command::new(common::BIN)
        .args(["serve", "tcp", "--tls", "--bind", "127.0.0.1:0", "--cert", &certs.path("server.pem")])
        .args(["--key", &certs.path("expired.key")])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&mismatched.stderr);
    assert_eq!(mismatched.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("the key is not the key of the certificate"), "{stderr}");
    assert!(!stderr.contains("KeyMismatch"), "{stderr}");
}

#[test]
fn steps_and_rules_run_over_tls_as_over_plain_tcp() {
    let serve = Serve::start(&[
        "tcp",
        "--tls",
        "--bind",
        "127.0.0.1:0",
        "--framing",
        "line",
        "--rule",
        "^PING$=>+PONG\\r\\n",
        "--reply",
        "fixed:-ERR\\r\\n",
    ]);
    let line = serve.line();
    let port = bound_port(&line);
    let fingerprint = common::listening_fingerprint(&line);
    let dir = tempfile::tempdir().unwrap();
    let steps = dir.path().join("steps.toml");
    std::fs::write(
        &steps,
        format!(
            "[target]\nprotocol = \"tcp\"\naddress = \"127.0.0.1:{port}\"\n\n\
             [[step]]\nsend = 'PING\\n'\nexpect = 'text:+PONG'\nreply_end = 'delim:\\r\\n'\n\n\
             [[step]]\nsend = 'HELLO\\n'\nexpect = 'text:-ERR'\nreply_end = 'delim:\\r\\n'\n"
        ),
    )
    .unwrap();
    let out = bin().args(["run", steps.to_str().unwrap(), "--pin", &fingerprint]).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("TLS 1.3 with") && stdout.contains("The pinned fingerprint matched"), "{stdout}");
    assert!(stdout.contains("All 2 steps passed"), "{stdout}");
    serve.wait_line("Rule 1 (regex:^PING$) matched");
}
