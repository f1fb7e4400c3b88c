//! One [`SessionSpec`] describes a session: role, protocol, endpoint, message, plan and the
//! advanced settings. Its defaults live here once, and one [`SessionSpec::validate`] returns
//! typed errors that name their field. The window's form edits a spec, the command line's
//! arguments build one, presets and workspaces store them, and the engine runs one.

pub mod message;
pub mod preset;
pub mod reply;
pub mod steps;

use serde::{Deserialize, Serialize};

use crate::engine::endpoint::parse_host;
use crate::engine::expect::{Expectation, ReplyEnd};
pub use crate::engine::relay::Faults;
pub use crate::engine::sockopt::{MAX_BUFFER, MAX_KEEPALIVE_S, SocketOptions};
pub use crate::engine::tls::{TlsField, TlsProblem, TlsSpec, Verify};
use crate::engine::{
    ClientConfig, DEFAULT_BACKLOG, DEFAULT_CLIENT_CHUNK, DEFAULT_HOST, DEFAULT_PORT, DEFAULT_SERVER_CHUNK,
    DEFAULT_TIMEOUT_MS, DEFAULT_UDP_BUFFER, Detail, Endpoint, MAX_UDP_BUFFER, Protocol, ServerConfig,
    WorkerSpec,
};
pub use message::{LineEnding, MessageError, MessageMode, MessageSpec, TextEncoding};
pub use reply::{ReplyProblem, ReplySpec, RuleSpec};
pub use steps::StepSpec;

/// The largest TCP read a user may set.
pub const MAX_TCP_CHUNK: u64 = 16 * 1024 * 1024;
/// The largest UDP payload.
pub const MAX_DATAGRAM: u64 = 65_507;
/// The most repeats one plan may ask for (more: until stopped).
pub const MAX_COUNT: u64 = 1_000_000;
/// The longest timeout: one hour.
pub const MAX_TIMEOUT_MS: u64 = 3_600_000;
/// The longest interval between two sends: one day.
pub const MAX_INTERVAL_MS: u64 = 86_400_000;

/// Client or server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// An echo server.
    #[serde(alias = "Server")]
    Server,
    /// A client that sends and checks the echo.
    #[default]
    #[serde(alias = "Client")]
    Client,
}

/// How a client sends its message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Plan {
    /// How many times.
    pub count: u64,
    /// The pause between two sends.
    pub interval_ms: u64,
    /// Send again and again until stopped (the count is then ignored).
    pub until_stopped: bool,
    /// All over one connection (TCP) or socket (UDP), which stays open for more; otherwise
    /// each message is its own connection, as in the tutorial.
    pub persistent: bool,
    /// Steps: go on after a failed step (otherwise the rest are skipped).
    pub continue_on_failure: bool,
    /// A calm pace for live demonstrations: the client pauses this long after connecting,
    /// before it sends, and after the echo, before it closes (0: no pause).
    #[serde(skip_serializing_if = "is_zero")]
    pub pace_ms: u64,
}

fn is_zero(value: &u64) -> bool {
    *value == 0
}

impl Default for Plan {
    fn default() -> Self {
        Plan {
            count: 1,
            interval_ms: 0,
            until_stopped: false,
            persistent: false,
            continue_on_failure: false,
            pace_ms: 0,
        }
    }
}

/// One session, whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SessionSpec {
    /// Client or server.
    pub role: Role,
    /// TCP or UDP.
    pub protocol: Protocol,
    /// Host name or address (a server: where to listen; `localhost` is 127.0.0.1 and ::1).
    pub host: String,
    /// Port (a server may ask for 0: any free port).
    pub port: u16,
    /// A server listens on every interface (0.0.0.0), reachable from the network.
    pub all_interfaces: bool,
    /// What a client sends.
    pub message: MessageSpec,
    /// How a client sends it.
    pub plan: Plan,
    /// What each reply must be (`echo`, `any`, `none`, `text:T`, `contains:T`, `regex:R`,
    /// `hex:H`).
    pub expect: Expectation,
    /// Where each reply ends (`sent`, `close`, `idle:MS`, `delim:ESCAPED`, `bytes:N`).
    pub reply_end: ReplyEnd,
    /// Bytes per TCP read, or the UDP receive buffer; `None` takes the default for the role
    /// and protocol ([`SessionSpec::chunk_bytes`]).
    pub chunk_bytes: Option<u64>,
    /// A client's limit for connecting and for each echo.
    pub timeout_ms: u64,
    /// A TCP server's listen backlog.
    pub backlog: u64,
    /// A TCP server's event loops (0: one per core).
    pub threads: u64,
    /// How a server replies: echo, unless its mode or rules say otherwise.
    pub server: ReplySpec,
    /// Steps a client runs in order (`Run steps`, `socket-tester run`).
    #[serde(rename = "step", skip_serializing_if = "Vec::is_empty")]
    pub steps: Vec<StepSpec>,
    /// TLS over TCP.
    #[serde(skip_serializing_if = "TlsSpec::is_off")]
    pub tls: TlsSpec,
    /// Socket options (Advanced).
    #[serde(skip_serializing_if = "SocketOptions::is_default")]
    pub options: SocketOptions,
    /// UDP broadcast and multicast.
    #[serde(skip_serializing_if = "GroupSpec::is_default")]
    pub group: GroupSpec,
    /// A server that relays to another instead of answering.
    #[serde(skip_serializing_if = "RelaySpec::is_off")]
    pub relay: RelaySpec,
}

/// A relay: a server that forwards each client to a target and records both legs.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RelaySpec {
    /// Relay instead of answering.
    pub enabled: bool,
    /// Where to: `HOST:PORT`.
    pub to: String,
    /// Faults to inject.
    #[serde(skip_serializing_if = "is_no_fault")]
    pub faults: Faults,
}

fn is_no_fault(faults: &Faults) -> bool {
    !faults.any()
}

impl RelaySpec {
    /// Whether nothing is set.
    pub fn is_off(&self) -> bool {
        *self == RelaySpec::default()
    }
}

/// UDP broadcast and multicast: the groups a server joins, and how a client sends to a group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GroupSpec {
    /// A server joins these multicast groups (comma-separated: `239.1.2.3,ff15::1`).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub join: String,
    /// The interface to join on: a name or one of its addresses (empty: the system's choice).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub interface: String,
    /// A client sends to a broadcast address (SO_BROADCAST).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub broadcast: bool,
    /// A client sending to a group stops after this many replies (0: every reply until the
    /// timeout).
    #[serde(skip_serializing_if = "is_zero")]
    pub replies: u64,
    /// A client sending to a multicast group hears its own datagrams too (IP_MULTICAST_LOOP).
    pub loopback: bool,
}

impl Default for GroupSpec {
    fn default() -> Self {
        GroupSpec {
            join: String::new(),
            interface: String::new(),
            broadcast: false,
            replies: 0,
            loopback: true,
        }
    }
}

impl GroupSpec {
    /// Whether nothing is set (serde skips the table then).
    pub fn is_default(&self) -> bool {
        *self == GroupSpec::default()
    }
}

impl Default for SessionSpec {
    fn default() -> Self {
        SessionSpec::new(Role::Client, Protocol::Tcp)
    }
}

/// A field of the spec, as the form and the command line name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    /// The host.
    Host,
    /// The port.
    Port,
    /// The message text or hex.
    Message,
    /// The file to send.
    File,
    /// Read size or UDP buffer.
    ChunkBytes,
    /// The timeout.
    Timeout,
    /// The listen backlog.
    Backlog,
    /// Server threads.
    Threads,
    /// How many times to send.
    Count,
    /// The pause between sends.
    Interval,
    /// What each reply must be.
    Expect,
    /// Where each reply ends.
    ReplyEnd,
    /// A server's reply mode.
    Reply,
    /// A server's framing.
    Framing,
    /// The longest frame a server waits for, and what it does past it.
    MaxFrame,
    /// A server's rule.
    Rule,
    /// A client's step.
    Step,
    /// TLS on or off.
    Tls,
    /// A TLS server's certificate file.
    TlsCert,
    /// A TLS server's key file.
    TlsKey,
    /// A TLS client's pinned fingerprint.
    TlsPin,
    /// A TLS client's CA file.
    TlsCa,
    /// A TLS client's SNI.
    TlsSni,
    /// ALPN protocols.
    TlsAlpn,
    /// SO_RCVBUF.
    RecvBuffer,
    /// SO_SNDBUF.
    SendBuffer,
    /// IP TTL.
    Ttl,
    /// Keepalive idle time.
    KeepaliveIdle,
    /// Keepalive interval.
    KeepaliveInterval,
    /// The client's local address.
    LocalAddr,
    /// Multicast groups to join.
    Join,
    /// How many replies to wait for from a group.
    Replies,
    /// Where a relay forwards to.
    RelayTo,
    /// The share of datagrams a relay drops.
    Drop,
    /// A relay's added latency.
    Latency,
    /// A relay's bandwidth cap.
    Bandwidth,
    /// When a relay cuts a connection.
    CutAfter,
}

impl Field {
    /// The command-line argument that sets this field.
    pub fn flag(self) -> &'static str {
        match self {
            Field::Host | Field::Port => "HOST:PORT",
            Field::Message => "MESSAGE",
            Field::File => "--file",
            Field::ChunkBytes => "--chunk",
            Field::Timeout => "--timeout-ms",
            Field::Backlog => "--backlog",
            Field::Threads => "--threads",
            Field::Count => "--count",
            Field::Interval => "--interval-ms",
            Field::Expect => "--expect",
            Field::ReplyEnd => "--reply-end",
            Field::Reply => "--reply",
            Field::Framing => "--framing",
            Field::MaxFrame => "--max-frame",
            Field::Rule => "--rule",
            Field::Step => "step",
            Field::Tls => "--tls",
            Field::TlsCert => "--cert",
            Field::TlsKey => "--key",
            Field::TlsPin => "--pin",
            Field::TlsCa => "--ca",
            Field::TlsSni => "--sni",
            Field::TlsAlpn => "--alpn",
            Field::RecvBuffer => "--rcvbuf",
            Field::SendBuffer => "--sndbuf",
            Field::Ttl => "--ttl",
            Field::KeepaliveIdle | Field::KeepaliveInterval => "--keepalive",
            Field::LocalAddr => "--local",
            Field::Join => "--join",
            Field::Replies => "--replies",
            Field::RelayTo => "--to",
            Field::Drop => "--drop",
            Field::Latency => "--latency-ms",
            Field::Bandwidth => "--bandwidth",
            Field::CutAfter => "--cut-after",
        }
    }
}

/// What is wrong with a field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// Nothing was typed.
    Empty,
    /// Not a whole number.
    NotANumber,
    /// A number outside its range.
    Range {
        /// The least allowed.
        min: u64,
        /// The most allowed.
        max: u64,
    },
    /// Not a host name or an IP address.
    HostInvalid,
    /// A client with port 0.
    ClientPortZero,
    /// File mode with no file chosen.
    NoFile,
    /// A file named that does not exist.
    FileMissing,
    /// A file named that is a folder.
    FileIsFolder,
    /// A file named that cannot be read: a folder, no permission, and the like.
    FileUnreadable {
        /// The system's words.
        detail: String,
    },
    /// An empty message over TCP has no echo.
    EmptyOverTcp,
    /// More than one UDP datagram holds.
    TooLargeForDatagram {
        /// The message's length.
        bytes: u64,
    },
    /// The message does not parse.
    Message(MessageError),
    /// An expectation or a reply end that does not parse, in the parser's words.
    Invalid(String),
    /// More event loops than the open-file limit leaves room for.
    TooManyLoops {
        /// The most loops allowed.
        max: u64,
        /// The process's open-file limit (`ulimit -n`).
        open_files: u64,
    },
    /// A TLS setting that cannot work.
    Tls(TlsProblem),
    /// TLS asked for over UDP.
    TlsOverUdp,
    /// An address that does not parse, and why.
    Address(crate::engine::Reason),
    /// Not a multicast address (224.0.0.0/4, ff00::/8).
    NotMulticast,
    /// Multicast and broadcast are UDP's.
    GroupOverTcp,
}

/// One invalid field and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct SpecError {
    /// Which field.
    pub field: Field,
    /// The value as given, for the command line's message.
    pub value: String,
    /// What is wrong.
    pub problem: Problem,
}

/// English, as the command line prints it (`--count 0: enter a number from 1 to 1000000`);
/// the window shows each problem under its field, in its language.
impl std::fmt::Display for SpecError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let problem = crate::i18n::english().render(&crate::vocabulary::problem(&self.problem));
        if self.value.is_empty() {
            write!(f, "{}: {problem}", self.field.flag())
        } else {
            write!(f, "{} {}: {problem}", self.field.flag(), self.value)
        }
    }
}

/// Checks a number against its range.
/// The most event loops a server may run, and the open-file limit that decides it.
///
/// Each loop holds two descriptors (its epoll and its waker); at most an eighth of the
/// limit goes to loops, so three quarters or more stay free for connections. Read once:
/// `ulimit -n` is fixed for the process.
pub fn max_loops() -> (u64, Option<u64>) {
    static LIMIT: std::sync::OnceLock<Option<u64>> = std::sync::OnceLock::new();
    let open_files = *LIMIT.get_or_init(open_file_limit);
    let max = open_files.map_or(MAX_LOOPS, |n| (n / 8).clamp(1, MAX_LOOPS));
    (max, open_files.filter(|n| n / 8 < MAX_LOOPS))
}

/// The most event loops however many descriptors there are.
const MAX_LOOPS: u64 = 1024;

/// The soft limit on open files, from `/proc/self/limits` (Linux); `None` elsewhere or
/// when unlimited.
fn open_file_limit() -> Option<u64> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits.lines().find(|line| line.starts_with("Max open files"))?;
    line["Max open files".len()..].split_whitespace().next()?.parse().ok()
}

fn range(field: Field, value: u64, min: u64, max: u64, errors: &mut Vec<SpecError>) {
    if !(min..=max).contains(&value) {
        errors.push(SpecError { field, value: value.to_string(), problem: Problem::Range { min, max } });
    }
}

impl SessionSpec {
    /// A session as the window opens it: the tutorial's defaults and, for a TCP server, the
    /// tutorial server's 16-byte reads, so that a lesson shows a message arriving in pieces
    /// (the command line's `serve` reads 64 KiB unless told otherwise).
    pub fn tutorial(role: Role, protocol: Protocol) -> SessionSpec {
        let mut spec = SessionSpec::new(role, protocol);
        if role == Role::Server && protocol == Protocol::Tcp {
            spec.chunk_bytes = Some(crate::engine::DEFAULT_CLIENT_CHUNK as u64);
        }
        spec
    }

    /// The tutorial's defaults for a role and protocol.
    pub fn new(role: Role, protocol: Protocol) -> SessionSpec {
        SessionSpec {
            role,
            protocol,
            host: DEFAULT_HOST.into(),
            port: DEFAULT_PORT,
            all_interfaces: false,
            message: MessageSpec::default(),
            plan: Plan::default(),
            expect: Expectation::Echo,
            reply_end: ReplyEnd::Sent,
            chunk_bytes: None,
            timeout_ms: DEFAULT_TIMEOUT_MS,
            backlog: DEFAULT_BACKLOG as u64,
            threads: 0,
            server: ReplySpec::default(),
            steps: Vec::new(),
            tls: TlsSpec::default(),
            options: SocketOptions::default(),
            group: GroupSpec::default(),
            relay: RelaySpec::default(),
        }
    }

    /// The read size (TCP) or receive buffer (UDP) when none is set: the tutorial's 16 bytes
    /// and 4096-byte buffer for a client; 64 KiB reads and any datagram for a server.
    pub fn default_chunk_bytes(role: Role, protocol: Protocol) -> u64 {
        (match (role, protocol) {
            (Role::Server, Protocol::Tcp) => DEFAULT_SERVER_CHUNK,
            (Role::Server, Protocol::Udp) => MAX_UDP_BUFFER,
            (Role::Client, Protocol::Tcp) => DEFAULT_CLIENT_CHUNK,
            (Role::Client, Protocol::Udp) => DEFAULT_UDP_BUFFER,
        }) as u64
    }

    /// The read size or buffer in effect.
    pub fn chunk_bytes(&self) -> u64 {
        self.chunk_bytes.unwrap_or_else(|| SessionSpec::default_chunk_bytes(self.role, self.protocol))
    }

    /// The largest read size or buffer for the protocol.
    pub fn max_chunk_bytes(&self) -> u64 {
        match self.protocol {
            Protocol::Tcp => MAX_TCP_CHUNK,
            Protocol::Udp => MAX_UDP_BUFFER as u64,
        }
    }

    /// The host the endpoint uses: 0.0.0.0 for a server on every interface.
    fn effective_host(&self) -> &str {
        let host = self.host.trim();
        let v6_any = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::Ipv6Addr>()
            .is_ok_and(|ip| ip.is_unspecified());
        match (self.role == Role::Server && self.all_interfaces, v6_any) {
            (true, true) => "::",
            (true, false) => "0.0.0.0",
            (false, _) => host,
        }
    }

    /// Where to connect or listen (call after validation).
    pub fn endpoint(&self) -> Endpoint {
        let host = self.effective_host();
        let host = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')).unwrap_or(host);
        Endpoint { host: host.to_string(), port: self.port }
    }

    /// Every invalid field, each with its reason. Empty when the spec can run.
    pub fn validate(&self) -> Vec<SpecError> {
        let mut errors = Vec::new();
        let host = self.effective_host();
        if host.is_empty() {
            errors.push(SpecError { field: Field::Host, value: String::new(), problem: Problem::Empty });
        } else if parse_host(host).is_err() {
            errors.push(SpecError {
                field: Field::Host,
                value: host.to_string(),
                problem: Problem::HostInvalid,
            });
        }
        if self.role == Role::Client && self.port == 0 {
            errors.push(SpecError {
                field: Field::Port,
                value: "0".into(),
                problem: Problem::ClientPortZero,
            });
        }
        range(Field::ChunkBytes, self.chunk_bytes(), 1, self.max_chunk_bytes(), &mut errors);
        match self.role {
            Role::Server => {
                if self.protocol == Protocol::Tcp {
                    range(Field::Backlog, self.backlog, 1, 65_535, &mut errors);
                }
                let (max, open_files) = max_loops();
                if self.threads > max {
                    errors.push(SpecError {
                        field: Field::Threads,
                        value: self.threads.to_string(),
                        problem: match open_files {
                            Some(open_files) => Problem::TooManyLoops { max, open_files },
                            None => Problem::Range { min: 0, max },
                        },
                    });
                }
                if let Err(problem) = self.server.responder() {
                    let (field, value, words) = match problem {
                        ReplyProblem::Mode(words) => (Field::Reply, self.server.mode.clone(), words),
                        ReplyProblem::Framing(words) => (Field::Framing, self.server.framing.clone(), words),
                        ReplyProblem::Rule(n, words) => (Field::Rule, n.to_string(), words),
                        ReplyProblem::OverMaxFrame(words) => {
                            (Field::MaxFrame, self.server.over_max_frame.clone(), words)
                        }
                    };
                    errors.push(SpecError { field, value, problem: Problem::Invalid(words) });
                }
            }
            Role::Client => {
                range(Field::Timeout, self.timeout_ms, 1, MAX_TIMEOUT_MS, &mut errors);
                if !self.plan.until_stopped {
                    range(Field::Count, self.plan.count, 1, MAX_COUNT, &mut errors);
                }
                range(Field::Interval, self.plan.interval_ms, 0, MAX_INTERVAL_MS, &mut errors);
                self.validate_message(&mut errors);
            }
        }
        self.validate_tls(&mut errors);
        self.validate_options(&mut errors);
        errors
    }

    fn validate_options(&self, errors: &mut Vec<SpecError>) {
        let o = &self.options;
        let mut optional = |field, value: Option<u64>, min, max| {
            if let Some(value) = value {
                range(field, value, min, max, errors);
            }
        };
        optional(Field::RecvBuffer, o.recv_buffer, 1, MAX_BUFFER);
        optional(Field::SendBuffer, o.send_buffer, 1, MAX_BUFFER);
        optional(Field::Ttl, o.ttl, 1, 255);
        optional(Field::KeepaliveIdle, o.keepalive_idle_s, 1, MAX_KEEPALIVE_S);
        optional(Field::KeepaliveInterval, o.keepalive_interval_s, 1, MAX_KEEPALIVE_S);
        if o.local_addr().is_err() {
            errors.push(SpecError {
                field: Field::LocalAddr,
                value: o.local.clone(),
                problem: Problem::HostInvalid,
            });
        }
        if let Err(bad) = crate::engine::group::parse_groups(&self.group.join) {
            errors.push(SpecError { field: Field::Join, value: bad, problem: Problem::NotMulticast });
        }
        if !self.group.join.trim().is_empty() && self.protocol == Protocol::Tcp {
            errors.push(SpecError {
                field: Field::Join,
                value: String::new(),
                problem: Problem::GroupOverTcp,
            });
        }
        if self.role == Role::Server && self.relay.enabled {
            let to = self.relay.to.trim();
            let parsed = Endpoint::parse(to, 0).and_then(|e| e.check_client_target());
            let problem = match parsed {
                Ok(()) => None,
                Err(_) if to.is_empty() => Some(Problem::Empty),
                // The address's own reason, said in the window's language like any other.
                Err(err) => Some(Problem::Address(err.reason)),
            };
            if let Some(problem) = problem {
                errors.push(SpecError { field: Field::RelayTo, value: to.to_string(), problem });
            }
            range(Field::Drop, u64::from(self.relay.faults.drop_percent), 0, 100, errors);
        }
        if self.group.replies > MAX_COUNT {
            range(Field::Replies, self.group.replies, 0, MAX_COUNT, errors);
        }
    }

    fn validate_tls(&self, errors: &mut Vec<SpecError>) {
        if !self.tls.enabled {
            return;
        }
        if self.protocol == Protocol::Udp {
            errors.push(SpecError { field: Field::Tls, value: String::new(), problem: Problem::TlsOverUdp });
            return;
        }
        if let Some((field, problem)) = self.tls.problem(self.role == Role::Server) {
            let (field, value) = match field {
                TlsField::Cert => (Field::TlsCert, self.tls.cert.clone()),
                TlsField::Key => (Field::TlsKey, self.tls.key.clone()),
                TlsField::Pin => (Field::TlsPin, self.tls.pin.clone()),
                TlsField::Sni => (Field::TlsSni, self.tls.sni.clone()),
                TlsField::Alpn => (Field::TlsAlpn, self.tls.alpn.clone()),
            };
            errors.push(SpecError { field, value, problem: Problem::Tls(problem) });
        }
    }

    /// The TLS settings a worker uses, if TLS is on.
    pub(crate) fn tls_config(&self) -> Option<TlsSpec> {
        (self.tls.enabled && self.protocol == Protocol::Tcp).then(|| self.tls.clone())
    }

    fn validate_message(&self, errors: &mut Vec<SpecError>) {
        let message = &self.message;
        let field = Field::Message;
        match message.bytes() {
            None if message.file.is_none() => {
                errors.push(SpecError { field: Field::File, value: String::new(), problem: Problem::NoFile });
            }
            None => {}
            Some(Err(err)) => {
                errors.push(SpecError { field, value: String::new(), problem: Problem::Message(err) })
            }
            Some(Ok(bytes)) if bytes.is_empty() && self.protocol == Protocol::Tcp => {
                errors.push(SpecError { field, value: String::new(), problem: Problem::EmptyOverTcp })
            }
            Some(Ok(bytes)) if bytes.len() as u64 > MAX_DATAGRAM && self.protocol == Protocol::Udp => {
                let problem = Problem::TooLargeForDatagram { bytes: bytes.len() as u64 };
                errors.push(SpecError { field, value: String::new(), problem })
            }
            Some(Ok(_)) => {}
        }
    }

    /// The files this spec names, checked before anything connects or listens: each exists
    /// and can be read, and a UDP message's file fits in a datagram. Apart from
    /// [`SessionSpec::validate`] because it reads the file system (the command line calls it
    /// before it starts; the window learns it from the worker, off its own thread).
    pub fn check_files(&self) -> Vec<SpecError> {
        fn check(errors: &mut Vec<SpecError>, field: Field, path: &std::path::Path) -> Option<u64> {
            let value = path.display().to_string();
            let problem = match std::fs::File::open(path).and_then(|f| f.metadata()) {
                Ok(meta) if meta.is_dir() => Problem::FileIsFolder,
                Ok(meta) => return Some(meta.len()),
                Err(err) if err.kind() == std::io::ErrorKind::NotFound => Problem::FileMissing,
                Err(err) => Problem::FileUnreadable { detail: err.to_string() },
            };
            errors.push(SpecError { field, value, problem });
            None
        }
        let mut errors = Vec::new();
        if self.role == Role::Client
            && self.message.mode == MessageMode::File
            && let Some(path) = &self.message.file
            && let Some(len) = check(&mut errors, Field::File, path)
            && self.protocol == Protocol::Udp
            && len > MAX_DATAGRAM
        {
            errors.push(SpecError {
                field: Field::File,
                value: path.display().to_string(),
                problem: Problem::TooLargeForDatagram { bytes: len },
            });
        }
        if self.tls.enabled && self.protocol == Protocol::Tcp {
            let named = [
                (Field::TlsCert, &self.tls.cert, self.role == Role::Server),
                (Field::TlsKey, &self.tls.key, self.role == Role::Server),
                (Field::TlsCa, &self.tls.ca, self.role == Role::Client),
            ];
            for (field, path, applies) in named {
                if applies && !path.trim().is_empty() {
                    check(&mut errors, field, std::path::Path::new(path.trim()));
                }
            }
        }
        errors
    }

    /// The first error for a field, if any.
    pub fn error_for(errors: &[SpecError], field: Field) -> Option<&SpecError> {
        errors.iter().find(|e| e.field == field)
    }

    /// The server this spec describes.
    pub fn server_config(&self, detail: Detail) -> ServerConfig {
        ServerConfig {
            protocol: self.protocol,
            bind: self.endpoint(),
            chunk_bytes: usize::try_from(self.chunk_bytes()).unwrap_or(usize::MAX),
            backlog: i32::try_from(self.backlog).unwrap_or(i32::MAX),
            threads: usize::try_from(self.threads).unwrap_or(0),
            detail,
            // Invariant: `validate` refused a spec whose replies do not parse.
            responder: self.server.responder().unwrap_or_default(),
            tls: self.tls_config(),
            options: self.options.clone(),
            groups: crate::engine::group::Groups {
                join: crate::engine::group::parse_groups(&self.group.join).unwrap_or_default(),
                interface: self.group.interface.trim().to_string(),
            },
        }
    }

    /// The client this spec describes; `send` false only connects (a persistent connection
    /// opened without sending).
    pub fn client_config(&self, send: bool) -> ClientConfig {
        let payload = if send { self.message.payload().and_then(Result::ok) } else { None };
        ClientConfig {
            protocol: self.protocol,
            target: self.endpoint(),
            payload,
            count: if self.plan.until_stopped { None } else { Some(self.plan.count) },
            expect: self.expect.clone(),
            reply_end: self.reply_end.clone(),
            chunk_bytes: usize::try_from(self.chunk_bytes()).unwrap_or(usize::MAX),
            timeout_ms: self.timeout_ms,
            interval_ms: self.plan.interval_ms,
            pace_ms: self.plan.pace_ms,
            persistent: self.plan.persistent || !send,
            close_when_done: false,
            tls: self.tls_config(),
            options: self.options.clone(),
            broadcast: self.group.broadcast && self.protocol == Protocol::Udp,
            replies: (self.group.replies > 0).then_some(self.group.replies),
            multicast_loop: self.group.loopback,
        }
    }

    /// A server's worker: its echo server, or its relay.
    pub fn server_worker(&self, detail: Detail) -> WorkerSpec {
        if self.relay.enabled {
            // Invariant: `validate` refused a target that does not parse.
            let target = Endpoint::parse(&self.relay.to, 0).unwrap_or_default();
            WorkerSpec::Relay(crate::engine::relay::RelayConfig {
                protocol: self.protocol,
                listen: self.endpoint(),
                target,
                chunk_bytes: usize::try_from(self.chunk_bytes()).unwrap_or(usize::MAX),
                detail,
                faults: self.relay.faults,
            })
        } else {
            WorkerSpec::Server(self.server_config(detail))
        }
    }

    /// The worker to start, or every reason it cannot start. Nothing is sent, and no socket
    /// is opened, for a spec that does not validate.
    pub fn worker(&self, detail: Detail) -> Result<WorkerSpec, Vec<SpecError>> {
        let errors = self.validate();
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(match self.role {
            Role::Server => self.server_worker(detail),
            Role::Client => WorkerSpec::Client(self.client_config(true)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_are_the_tutorials() {
        let client = SessionSpec::new(Role::Client, Protocol::Tcp);
        assert_eq!((client.host.as_str(), client.port, client.chunk_bytes()), ("localhost", 10000, 16));
        assert_eq!(SessionSpec::new(Role::Client, Protocol::Udp).chunk_bytes(), 4096);
        assert_eq!(client.message.text, "Este es el mensaje. Se repetirá.");
        assert!(client.validate().is_empty());
        assert!(SessionSpec::new(Role::Server, Protocol::Udp).validate().is_empty());
    }

    #[test]
    fn each_error_names_its_field() {
        let mut spec = SessionSpec::new(Role::Client, Protocol::Udp);
        spec.port = 0;
        spec.host = "bad host".into();
        spec.chunk_bytes = Some(70_000);
        spec.plan.count = 0;
        spec.message.mode = MessageMode::Hex;
        spec.message.text = "4G".into();
        let errors = spec.validate();
        let fields: Vec<Field> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, [Field::Host, Field::Port, Field::ChunkBytes, Field::Count, Field::Message]);
        assert_eq!(errors[2].to_string(), "--chunk 70000: enter a number from 1 to 65535");
        assert_eq!(errors[4].to_string(), "MESSAGE: position 2: 'G' is not a hex digit");
        assert!(spec.worker(Detail::Full).is_err());
    }

    #[test]
    fn a_server_on_every_interface_needs_no_host() {
        let mut spec = SessionSpec::new(Role::Server, Protocol::Tcp);
        spec.host.clear();
        assert_eq!(spec.validate().first().map(|e| e.field), Some(Field::Host));
        spec.all_interfaces = true;
        assert!(spec.validate().is_empty());
        assert_eq!(spec.endpoint().host, "0.0.0.0");
    }
}
