//! Helpers shared by the integration tests: start workers, wait for events with bounded
//! waits, find and run the seed's peers, and pick free loopback ports.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::net::{SocketAddr, TcpListener, UdpSocket};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use bytes::Bytes;
use crossbeam_channel::Receiver;
use socket_tester::engine::{
    self, ClientConfig, CloseReason, Detail, Endpoint, Event, EventKind, Payload, Protocol, ServerConfig,
    WorkerHandle, WorkerSpec,
};

/// Every wait in the tests is bounded by this.
pub const WAIT: Duration = Duration::from_secs(10);

pub struct Server {
    pub handle: WorkerHandle,
    pub events: Receiver<Event>,
    pub addrs: Vec<SocketAddr>,
}

impl Server {
    pub fn port(&self) -> u16 {
        self.addrs[0].port()
    }

    /// Stops the server and returns every event it sent, through `Closed`.
    pub fn stop(self) -> Vec<Event> {
        self.handle.stop();
        engine::collect_until_closed(&self.events, WAIT)
    }
}

pub fn server_config(protocol: Protocol, bind: &str) -> ServerConfig {
    ServerConfig { bind: Endpoint::parse(bind, 0).unwrap(), ..ServerConfig::for_protocol(protocol) }
}

/// Starts a server and waits until it listens on every address `bind` names.
pub fn start_server(config: ServerConfig) -> Server {
    let expected = if Endpoint::parse(&config.bind.to_string(), 0).unwrap().is_localhost() { 2 } else { 1 };
    let (tx, events) = crossbeam_channel::bounded(engine::EVENT_CHANNEL_CAPACITY);
    let handle = engine::spawn(WorkerSpec::Server(config), tx, engine::no_waker());
    let mut addrs = Vec::new();
    let deadline = Instant::now() + WAIT;
    while addrs.len() < expected {
        let event = events.recv_deadline(deadline).expect("the server should report Listening");
        match event.kind {
            EventKind::Listening { local, .. } => addrs.push(local),
            other => panic!("expected Listening, got {other:?}"),
        }
    }
    Server { handle, events, addrs }
}

pub fn start(protocol: Protocol, bind: &str) -> Server {
    start_server(server_config(protocol, bind))
}

pub fn client_config(protocol: Protocol, target: SocketAddr, message: &[u8]) -> ClientConfig {
    ClientConfig {
        target: Endpoint { host: target.ip().to_string(), port: target.port() },
        payload: Some(Payload::Bytes(Bytes::copy_from_slice(message))),
        timeout_ms: 5_000,
        ..ClientConfig::for_protocol(protocol)
    }
}

/// Runs a client to its end and returns its events, through `Closed`.
pub fn run_client(config: ClientConfig) -> Vec<Event> {
    let (tx, rx) = crossbeam_channel::bounded(engine::EVENT_CHANNEL_CAPACITY);
    let _handle = engine::spawn(WorkerSpec::Client(config), tx, engine::no_waker());
    let events = engine::collect_until_closed(&rx, WAIT);
    assert!(
        matches!(events.last().map(|e| &e.kind), Some(EventKind::Closed { .. })),
        "no Closed: {events:?}"
    );
    events
}

pub fn close_reason(events: &[Event]) -> Option<CloseReason> {
    events.iter().rev().find_map(|e| match e.kind {
        EventKind::Closed { reason } => Some(reason),
        _ => None,
    })
}

/// The bytes of every Received event (`outgoing` false) or Sent event (true), joined.
fn payloads(events: &[Event], outgoing: bool) -> Vec<u8> {
    let mut out = Vec::new();
    for event in events {
        match &event.kind {
            EventKind::Received { data, .. } if !outgoing => out.extend_from_slice(data),
            EventKind::Sent { data, .. } if outgoing => out.extend_from_slice(data),
            _ => {}
        }
    }
    out
}

/// The bytes of every Received event, joined.
pub fn received(events: &[Event]) -> Vec<u8> {
    payloads(events, false)
}

/// The bytes of every Sent event, joined.
pub fn sent(events: &[Event]) -> Vec<u8> {
    payloads(events, true)
}

pub fn echo_checks(events: &[Event]) -> Vec<engine::EchoCheck> {
    events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Received { echo: Some(check), .. } => Some(*check),
            _ => None,
        })
        .collect()
}

pub fn errors(events: &[Event]) -> Vec<engine::Error> {
    events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Failed { error, .. } => Some(error.clone()),
            _ => None,
        })
        .collect()
}

/// A short name for each event kind, to assert on order.
pub fn kinds(events: &[Event]) -> Vec<&'static str> {
    events
        .iter()
        .map(|e| match e.kind {
            EventKind::Listening { .. } => "listening",
            EventKind::Connected(_) => "connected",
            EventKind::Accepted(_) => "accepted",
            EventKind::Sent { .. } => "sent",
            EventKind::Received { .. } => "received",
            EventKind::PeerClosed(_) => "peer-closed",
            EventKind::ConnectionClosed { .. } => "conn-closed",
            EventKind::Failed { .. } => "failed",
            EventKind::Notice(_) => "notice",
            EventKind::Closed { .. } => "closed",
            EventKind::Checked { .. } => "checked",
            EventKind::Step { .. } => "step",
            EventKind::StepsEnded(_) => "steps-ended",
            EventKind::Lost { .. } => "lost",
            EventKind::Secured { .. } => "secured",
        })
        .collect()
}

/// Receives events until `pred` holds for one, at most `WAIT`; returns all seen.
pub fn events_until(rx: &Receiver<Event>, mut pred: impl FnMut(&Event) -> bool) -> Vec<Event> {
    let deadline = Instant::now() + WAIT;
    let mut seen = Vec::new();
    while let Ok(event) = rx.recv_deadline(deadline) {
        let done = pred(&event);
        seen.push(event);
        if done {
            return seen;
        }
    }
    panic!("condition not met within {WAIT:?}; saw {:?}", kinds(&seen));
}

/// A loopback port that was free a moment ago.
pub fn free_tcp_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

pub fn free_udp_port() -> u16 {
    UdpSocket::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// The folder of the seed's runnable peers: `$SOCKET_TESTER_PEERS`, or the project's own
/// copies in `tests/peers`.
pub fn peers_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("SOCKET_TESTER_PEERS") {
        return PathBuf::from(dir);
    }
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/peers");
    assert!(dir.join("seed_tcp_server.py").exists(), "the seed peers are missing at {}", dir.display());
    dir
}

pub fn python() -> Command {
    Command::new("python3")
}

/// Starts a seed program with a port and host.
pub fn spawn_seed(program: &str, port: u16, host: &str) -> Child {
    python()
        .arg("-u")
        .arg(peers_dir().join(program))
        .arg(port.to_string())
        .arg(host)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 runs the seed's programs")
}

/// Waits until something accepts TCP connections on 127.0.0.1:`port`.
pub fn wait_tcp(port: u16) {
    let deadline = Instant::now() + WAIT;
    let addr: SocketAddr = ([127, 0, 0, 1], port).into();
    while std::net::TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_err() {
        assert!(Instant::now() < deadline, "nothing listens on {addr}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Python's http.server serving `dir` on 127.0.0.1: the running service (ended when dropped)
/// and its port, once it accepts connections.
pub fn http_server(dir: &std::path::Path) -> (Service, u16) {
    let port = free_tcp_port();
    let service = Service::spawn(
        python()
            .args(["-m", "http.server", &port.to_string(), "--bind", "127.0.0.1", "--directory"])
            .arg(dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
    );
    wait_tcp(port);
    (service, port)
}

/// Waits for a child with a bound, killing it if it overruns.
pub fn wait_child(child: &mut Child, limit: Duration) -> Option<std::process::ExitStatus> {
    let deadline = Instant::now() + limit;
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            return Some(status);
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Kills a child and returns what it printed.
pub fn kill_and_output(mut child: Child) -> (String, String) {
    let _ = child.kill();
    let out = child.wait_with_output().unwrap();
    (String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

pub fn full_server(protocol: Protocol, bind: &str, chunk: usize) -> Server {
    start_server(ServerConfig { chunk_bytes: chunk, detail: Detail::Full, ..server_config(protocol, bind) })
}

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_socket-tester");

pub fn bin() -> Command {
    Command::new(BIN)
}

fn line_channel(stream: impl std::io::Read + Send + 'static) -> Receiver<String> {
    use std::io::BufRead;
    let (tx, lines) = crossbeam_channel::unbounded();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stream).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    lines
}

/// A running `serve`, with its stdout and stderr lines arriving on channels.
pub struct Serve {
    pub child: Child,
    pub lines: Receiver<String>,
    pub errors: Receiver<String>,
}

/// A `serve` a test did not stop (it failed, or had no need to) does not outlive it.
impl Drop for Serve {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

impl Serve {
    pub fn start(args: &[&str]) -> Serve {
        Serve::start_under(&[], args)
    }

    /// Starts `serve` under a wrapper command (`prlimit --nofile=...`, for example).
    pub fn start_under(wrapper: &[&str], args: &[&str]) -> Serve {
        let mut command = match wrapper.split_first() {
            Some((program, rest)) => {
                let mut c = Command::new(program);
                c.args(rest).arg(BIN);
                c
            }
            None => bin(),
        };
        command.arg("serve").args(args);
        Serve::from_command(command)
    }

    /// Runs a prepared `serve` command line.
    pub fn from_command(mut command: Command) -> Serve {
        let mut child = command.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
        let lines = line_channel(child.stdout.take().unwrap());
        let errors = line_channel(child.stderr.take().unwrap());
        Serve { child, lines, errors }
    }

    pub fn line(&self) -> String {
        self.lines.recv_timeout(WAIT).expect("serve printed a line in time")
    }

    /// Waits for a stdout line that contains `text`; returns it.
    pub fn wait_line(&self, text: &str) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            match self.lines.recv_deadline(deadline) {
                Ok(line) if line.contains(text) => return line,
                Ok(_) => {}
                Err(_) => panic!("serve printed no line with {text:?} within {WAIT:?}"),
            }
        }
    }

    /// Waits for a stderr line that contains `text` (errors go there); returns it.
    pub fn wait_error(&self, text: &str) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            match self.errors.recv_deadline(deadline) {
                Ok(line) if line.contains(text) => return line,
                Ok(_) => {}
                Err(_) => panic!("serve said nothing with {text:?} on stderr within {WAIT:?}"),
            }
        }
    }

    /// The server's resident memory now and at its peak, in KiB (VmRSS, VmHWM).
    pub fn memory_kib(&self) -> (u64, u64) {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap_or_default();
        let field = |name: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|v| v.split_whitespace().next())
                .and_then(|v| v.parse().ok())
                .unwrap_or(0)
        };
        (field("VmRSS:"), field("VmHWM:"))
    }

    /// Sends a signal, waits for the exit, and returns the code and the remaining lines.
    pub fn signal(mut self, signal: &str) -> (i32, Vec<String>) {
        Command::new("kill").arg(format!("-{signal}")).arg(self.child.id().to_string()).status().unwrap();
        let status = wait_child(&mut self.child, WAIT).expect("serve ends after the signal");
        let deadline = Instant::now() + WAIT;
        let mut rest = Vec::new();
        while let Ok(line) = self.lines.recv_deadline(deadline) {
            rest.push(line);
        }
        (status.code().unwrap_or(-1), rest)
    }
}

/// The port of a `listening on ADDR (PROTO)` line (or `escuchando en`, in Spanish).
pub fn bound_port(line: &str) -> u16 {
    let rest = line.strip_prefix("listening on ").or_else(|| line.strip_prefix("escuchando en "));
    let addr = rest.and_then(|r| r.split(' ').next()).expect(line);
    addr.rsplit(':').next().unwrap().parse().expect(line)
}

/// A one-connection TCP peer: it reads `n` bytes, echoes them, then does `then` with the
/// stream (close, half-close, wait...). Returns its address.
pub fn peer_echoing_first(n: usize, then: impl FnOnce(std::net::TcpStream) + Send + 'static) -> SocketAddr {
    use std::io::{Read, Write};
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        stream.set_read_timeout(Some(WAIT)).unwrap();
        let mut buf = vec![0u8; n];
        stream.read_exact(&mut buf).unwrap();
        stream.write_all(&buf).unwrap();
        then(stream);
        // The port stays taken until the test process ends: a client that tries again meets
        // this peer (and is dropped), never another test's server that the port went to.
        for stream in listener.incoming() {
            drop(stream);
        }
    });
    addr
}

/// A peer written for the message tests, in Python: it echoes what it gets and, at the end
/// (the client closed, or one datagram), prints the length and SHA-256 of every byte it got,
/// then the bytes in hex when there are few.
const RECORDING_PEER: &str = r#"
import hashlib, socket, sys
kind = sys.argv[1]
if kind == "tcp":
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0)); s.listen(1)
    print(s.getsockname()[1], flush=True)
    s.settimeout(20)
    c, _ = s.accept(); c.settimeout(20); got = b""
    while True:
        d = c.recv(65536)
        if not d: break
        got += d; c.sendall(d)
else:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0))
    print(s.getsockname()[1], flush=True)
    s.settimeout(20)
    got, a = s.recvfrom(65535); s.sendto(got, a)
print(len(got), hashlib.sha256(got).hexdigest(), got.hex() if len(got) <= 64 else "", flush=True)
"#;

/// A running recording peer.
pub struct Recorder {
    child: Child,
    lines: Receiver<String>,
    /// Its port on 127.0.0.1.
    pub port: u16,
}

impl Recorder {
    /// Starts the peer: `tcp` or `udp`.
    pub fn start(kind: &str) -> Recorder {
        let mut child = python()
            .args(["-u", "-c", RECORDING_PEER, kind])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 runs");
        let lines = line_channel(child.stdout.take().unwrap());
        let port = lines.recv_timeout(WAIT).expect("the peer printed its port").trim().parse().unwrap();
        Recorder { child, lines, port }
    }

    /// What it received: length, SHA-256 and (for short messages) hex.
    pub fn received(mut self) -> (usize, String, String) {
        let line = self.lines.recv_timeout(WAIT).expect("the peer reported what it got");
        let _ = self.child.wait();
        let mut parts = line.split(' ');
        let len = parts.next().unwrap_or_default().parse().unwrap();
        let sha = parts.next().unwrap_or_default().to_string();
        (len, sha, parts.next().unwrap_or_default().to_string())
    }
}

/// A line protocol written for the expectation tests, in Python: `PING` → `PONG`, `LOGIN` →
/// `TOKEN <hex>`, `USE <token>` → `OK` (or `DENIED`), `QUIET` → nothing, anything else →
/// `ERR unknown`. One line per reply, `\n`-terminated; many clients, one thread each.
const LINE_SERVER: &str = r#"
import secrets, socket, sys, threading
kind = sys.argv[1]
def answer(line, state):
    if line == b"PING": return b"PONG\n"
    if line == b"LOGIN":
        state["token"] = secrets.token_hex(4).encode(); return b"TOKEN " + state["token"] + b"\n"
    if line.startswith(b"USE "): return b"OK\n" if line[4:] == state.get("token") else b"DENIED\n"
    if line == b"QUIET": return b""
    return b"ERR unknown\n"
if kind == "tcp":
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", 0)); s.listen(16)
    print(s.getsockname()[1], flush=True)
    def serve(c):
        state, buf = {}, b""
        while True:
            d = c.recv(4096)
            if not d: break
            buf += d
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                c.sendall(answer(line.rstrip(b"\r"), state))
        c.close()
    while True:
        c, _ = s.accept(); threading.Thread(target=serve, args=(c,), daemon=True).start()
else:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0))
    print(s.getsockname()[1], flush=True)
    state = {}
    while True:
        d, a = s.recvfrom(65535)
        reply = answer(d.rstrip(b"\r\n"), state)
        if reply: s.sendto(reply, a)
"#;

/// A running line-protocol server (killed when dropped).
pub struct LineServer {
    child: Child,
    /// Its port on 127.0.0.1.
    pub port: u16,
}

impl LineServer {
    /// Starts it: `tcp` or `udp`.
    pub fn start(kind: &str) -> LineServer {
        let mut child = python()
            .args(["-u", "-c", LINE_SERVER, kind])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 runs");
        let lines = line_channel(child.stdout.take().unwrap());
        let port = lines.recv_timeout(WAIT).expect("the server printed its port").trim().parse().unwrap();
        LineServer { child, port }
    }
}

impl Drop for LineServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A program of the machine's in a process group of its own (a Python http.server, a
/// redis-server, socat with its forked children), ended with the whole group when dropped, so
/// that no test leaves a process behind, even when it fails.
pub struct Service(pub Child);

impl Service {
    /// Starts `command` in a process group of its own.
    pub fn spawn(command: &mut Command) -> Service {
        use std::os::unix::process::CommandExt;
        Service(command.process_group(0).spawn().expect("the program runs (scripts/test.sh installs it)"))
    }

    /// Whether any process of its group still runs (a zombie waiting to be reaped has ended).
    pub fn group_alive(pgid: u32) -> bool {
        let Ok(out) = Command::new("ps").args(["-eo", "pgid=,stat="]).output() else { return false };
        String::from_utf8_lossy(&out.stdout).lines().any(|line| {
            let mut fields = line.split_whitespace();
            fields.next() == Some(&pgid.to_string())
                && fields.next().is_some_and(|stat| !stat.starts_with('Z'))
        })
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        let group = format!("-{}", self.0.id());
        // SIGTERM to the group first (socat ends its children), then SIGKILL to what is left.
        let _ = Command::new("kill").args(["-TERM", "--", &group]).stderr(Stdio::null()).status();
        if wait_child(&mut self.0, Duration::from_secs(2)).is_none() {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
        let _ = Command::new("kill").args(["-KILL", "--", &group]).stderr(Stdio::null()).status();
    }
}

/// Runs `socket-tester send ARGS` and returns its exit code, stdout and stderr.
pub fn send(args: &[&str]) -> (i32, String, String) {
    let out = bin().arg("send").args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The certificate fingerprint on a TLS server's listening line
/// (`… (TCP with TLS, certificate SHA-256 AB:CD:…)`).
pub fn listening_fingerprint(line: &str) -> String {
    line.rsplit("SHA-256 ").next().unwrap().trim_end_matches(')').to_string()
}

/// Whether the tests run as root. A test that needs root (a network or mount namespace made
/// with `unshare`, `setpriv` to drop to nobody) calls this first: as an ordinary user it says
/// on stderr why it is skipped and returns false, so `cargo test` passes for everyone.
pub fn root_or_skip(test: &str, needs: &str) -> bool {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let euid = status
        .lines()
        .find_map(|l| l.strip_prefix("Uid:"))
        .and_then(|ids| ids.split_whitespace().nth(1))
        .and_then(|id| id.parse::<u32>().ok());
    if euid == Some(0) {
        return true;
    }
    eprintln!("skipped {test}: it needs root ({needs}); run the tests as root to include it");
    false
}
