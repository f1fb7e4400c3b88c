//! What a worker is told to do: the defaults (the seed's), the protocol, and each kind of
//! worker's settings ([`ClientConfig`], [`ServerConfig`], [`WorkerSpec`]), which
//! [`crate::spec::SessionSpec`] makes and [`super::spawn`] runs.

use std::sync::Arc;

use super::{Endpoint, Payload, expect, group, relay, responder, script, sockopt, tls};

/// The seed's TCP read size.
pub const DEFAULT_CLIENT_CHUNK: usize = 16;
/// A server's default read size.
pub const DEFAULT_SERVER_CHUNK: usize = 65_536;
/// The seed's UDP receive buffer.
pub const DEFAULT_UDP_BUFFER: usize = 4096;
/// The largest UDP receive buffer a user may set.
pub const MAX_UDP_BUFFER: usize = 65_535;
/// The seed's message.
pub const DEFAULT_MESSAGE: &str = "Este es el mensaje. Se repetirá.";
/// A client's default timeout for connecting and for each echo.
pub const DEFAULT_TIMEOUT_MS: u64 = 5_000;
/// A server's default listen backlog.
pub const DEFAULT_BACKLOG: i32 = 4096;
/// A good capacity for the event channel: large enough to absorb bursts, small enough to bound
/// memory.
pub const EVENT_CHANNEL_CAPACITY: usize = 16_384;
/// The event channel of a headless command: its consumer keeps a steady pace, so a short
/// queue is enough, and it bounds the payloads waiting in it (at most 1,024 reads).
pub const CLI_CHANNEL_CAPACITY: usize = 1024;

/// Transport protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Protocol {
    /// TCP: a byte stream.
    #[default]
    #[serde(alias = "Tcp")]
    Tcp,
    /// UDP: datagrams.
    #[serde(alias = "Udp")]
    Udp,
}

impl std::fmt::Display for Protocol {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Protocol::Tcp => "TCP",
            Protocol::Udp => "UDP",
        })
    }
}

/// How much a server reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Detail {
    /// Every read and echo, with its bytes.
    #[default]
    Full,
    /// Connections and failures only; payloads are counted in [`Stats`], never copied.
    CountsOnly,
}

/// What a client does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientConfig {
    /// TCP or UDP.
    pub protocol: Protocol,
    /// Where to send.
    pub target: Endpoint,
    /// The message to send at start (each send an echo exchange); `None` only connects.
    pub payload: Option<Payload>,
    /// How many times to send it; `None` repeats until stopped.
    pub count: Option<u64>,
    /// What each reply must be.
    pub expect: expect::Expectation,
    /// Where each reply ends.
    pub reply_end: expect::ReplyEnd,
    /// TCP: bytes per read. UDP: the receive buffer; longer datagrams are reported truncated.
    pub chunk_bytes: usize,
    /// Limit for connecting and for each echo.
    pub timeout_ms: u64,
    /// Pause between two exchanges.
    pub interval_ms: u64,
    /// A calm pace: a pause after connecting, before sending, and after the echo, before
    /// closing, so that an audience can follow (0: none).
    pub pace_ms: u64,
    /// Keep one connection for every message, and stay connected for `Send` commands until
    /// `Disconnect` or until the peer closes. Without it, each message is its own connection
    /// and the worker ends after the last one.
    pub persistent: bool,
    /// With `persistent`: close and end, finished, once every message had its answer (the
    /// command line), instead of waiting for more (the window).
    pub close_when_done: bool,
    /// TLS (TCP only): how to trust the server, SNI and ALPN.
    pub tls: Option<tls::TlsSpec>,
    /// Socket options, and the local address to send from.
    pub options: sockopt::SocketOptions,
    /// UDP: send to a broadcast address (SO_BROADCAST), collecting replies as from a group.
    pub broadcast: bool,
    /// UDP to a group: stop after this many replies (`None`: every reply until the timeout).
    pub replies: Option<u64>,
    /// UDP to a multicast group: this machine hears its own datagrams too.
    pub multicast_loop: bool,
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            protocol: Protocol::Tcp,
            target: Endpoint::default(),
            payload: Some(Payload::Bytes(bytes::Bytes::from_static(DEFAULT_MESSAGE.as_bytes()))),
            count: Some(1),
            expect: expect::Expectation::Echo,
            reply_end: expect::ReplyEnd::Sent,
            chunk_bytes: DEFAULT_CLIENT_CHUNK,
            timeout_ms: DEFAULT_TIMEOUT_MS,
            interval_ms: 0,
            pace_ms: 0,
            persistent: false,
            close_when_done: false,
            tls: None,
            options: sockopt::SocketOptions::default(),
            broadcast: false,
            replies: None,
            multicast_loop: true,
        }
    }
}

/// What a server does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerConfig {
    /// TCP or UDP.
    pub protocol: Protocol,
    /// Where to listen. `localhost` binds both 127.0.0.1 and ::1.
    pub bind: Endpoint,
    /// TCP: bytes per read. UDP: the receive buffer.
    pub chunk_bytes: usize,
    /// TCP listen backlog.
    pub backlog: i32,
    /// Event loops (threads) for TCP connections; 0 means one per core.
    pub threads: usize,
    /// How much to report.
    pub detail: Detail,
    /// How it replies: echo, unless told otherwise.
    pub responder: responder::SharedResponder,
    /// TLS (TCP only): the certificate to serve, or a self-signed one.
    pub tls: Option<tls::TlsSpec>,
    /// Socket options for the listeners and their connections.
    pub options: sockopt::SocketOptions,
    /// UDP: multicast groups to join, and the interface to join them on.
    pub groups: group::Groups,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            protocol: Protocol::Tcp,
            bind: Endpoint::default(),
            chunk_bytes: DEFAULT_SERVER_CHUNK,
            backlog: DEFAULT_BACKLOG,
            threads: 0,
            detail: Detail::Full,
            responder: Arc::default(),
            tls: None,
            options: sockopt::SocketOptions::default(),
            groups: group::Groups::default(),
        }
    }
}

impl ServerConfig {
    /// The defaults for a protocol: 64 KiB reads for TCP, a 65,535-byte buffer for UDP (the
    /// whole of any datagram).
    pub fn for_protocol(protocol: Protocol) -> ServerConfig {
        let chunk_bytes = match protocol {
            Protocol::Tcp => DEFAULT_SERVER_CHUNK,
            Protocol::Udp => MAX_UDP_BUFFER,
        };
        ServerConfig { protocol, chunk_bytes, ..ServerConfig::default() }
    }
}

impl ClientConfig {
    /// The seed's defaults for a protocol: 16-byte TCP reads, a 4096-byte UDP buffer.
    pub fn for_protocol(protocol: Protocol) -> ClientConfig {
        let chunk_bytes = match protocol {
            Protocol::Tcp => DEFAULT_CLIENT_CHUNK,
            Protocol::Udp => DEFAULT_UDP_BUFFER,
        };
        ClientConfig { protocol, chunk_bytes, ..ClientConfig::default() }
    }
}

/// What to start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WorkerSpec {
    /// A client.
    Client(ClientConfig),
    /// An echo server.
    Server(ServerConfig),
    /// A client that runs steps.
    Script(script::ScriptConfig),
    /// A relay between clients and a target.
    Relay(relay::RelayConfig),
}
