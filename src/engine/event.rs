//! What comes out of a worker: timestamped, past-tense [`Event`]s.
//!
//! Every event names its session, and every connection-level event names the connection and
//! both addresses, so that a transcript line can be rendered from the event alone.

use std::net::SocketAddr;

use bytes::Bytes;
use jiff::Timestamp;

use super::error::Error;
use super::expect::ReplyCheck;
use super::script::{StepOutcome, StepsSummary};
use super::tls::TlsInfo;
use super::{ConnId, SessionId};

/// One thing that happened in a worker, with the wall-clock time it happened.
#[derive(Debug, Clone)]
pub struct Event {
    /// When it happened (wall clock, nanosecond resolution; shown to the millisecond).
    pub at: Timestamp,
    /// The session (worker) it belongs to.
    pub session: SessionId,
    /// What happened.
    pub kind: EventKind,
}

/// The two ends of one connection (for UDP: of one datagram exchange).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Link {
    /// The connection id: unique within the session, counting from 1.
    pub conn: ConnId,
    /// Our address.
    pub local: SocketAddr,
    /// The other side's address.
    pub peer: SocketAddr,
}

/// The result of comparing a completed echo with what was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EchoCheck {
    /// From the first byte sent to the last echoed byte received, in microseconds.
    pub rtt_us: u64,
    /// Whether the echoed bytes equal the bytes sent.
    pub matches: bool,
    /// How many bytes were sent: the echo expected (the same on TCP and UDP, whatever came
    /// back; the received row shows that).
    pub bytes: usize,
}

/// Why a worker ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CloseReason {
    /// A client finished its exchanges.
    Finished,
    /// A `Stop` or `Disconnect` command, or the consumer went away.
    Stopped,
    /// The peer closed the connection.
    PeerClosed,
    /// A failure ended it; the `Failed` event before this one says which.
    Failed,
}

impl CloseReason {
    /// Every reason, for tests that walk the vocabulary.
    pub const ALL: [CloseReason; 4] =
        [CloseReason::Finished, CloseReason::Stopped, CloseReason::PeerClosed, CloseReason::Failed];
}

/// Something worth saying that is neither data nor a failure. Typed, so that every front end
/// says it in its own language.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Notice {
    /// The TCP server could not start every helper loop and runs with fewer.
    FewerLoops {
        /// Loops running.
        loops: u64,
        /// The operating system's words for why the next one failed.
        error: String,
    },
    /// The server accepts connections again after running out of file descriptors.
    AcceptingAgain {
        /// The listening address.
        local: SocketAddr,
    },
    /// One address gave no answer; the client tries the next one.
    TryingNext {
        /// What went wrong with the first.
        error: Error,
        /// The next address.
        next: SocketAddr,
    },
    /// A reply was longer than the receive buffer; the rest was cut off.
    ReplyTruncated {
        /// The reply's length.
        bytes: u64,
        /// The buffer's length.
        buffer: u64,
    },
    /// A server's rule matched what a peer sent.
    RuleMatched {
        /// Who sent it.
        peer: SocketAddr,
        /// The rule's place in the list, from 1.
        rule: u64,
        /// How the rule reads (`regex:^GET`).
        label: String,
    },
    /// A peer's line (or frame) grew past the server's limit.
    FrameTooLong {
        /// Who sent it.
        peer: SocketAddr,
        /// The limit, in bytes.
        limit: u64,
        /// The server closed the connection (otherwise it replied to the bytes so far).
        close: bool,
    },
    /// A plain TCP client got a TLS record back: the peer speaks TLS.
    PeerSpeaksTls {
        /// The peer.
        peer: SocketAddr,
    },
    /// No rule matched what a peer sent: the fallback answered.
    NoRuleMatched {
        /// Who sent it.
        peer: SocketAddr,
    },
    /// A client stopped reading a reply that was not the echo while the peer's side was
    /// still open: more may have followed.
    ReadingStopped {
        /// Bytes read on the connection.
        bytes: u64,
    },
    /// A message to a group was answered: how many replies, from how many responders.
    Responders {
        /// The group (or broadcast address).
        group: SocketAddr,
        /// Replies heard.
        replies: u64,
        /// Distinct responders.
        responders: u64,
        /// How long the client listened, in milliseconds.
        waited_ms: u64,
    },
    /// A relay forwards to its target, with these faults.
    Relaying {
        /// The target, as given.
        to: String,
        /// The faults it injects.
        faults: super::relay::Faults,
    },
    /// A relay cut a connection after the bytes it was told to let through.
    RelayCut {
        /// The connection (the client's number).
        conn: u64,
        /// Bytes forwarded before the cut.
        bytes: u64,
        /// With a reset (otherwise closed).
        reset: bool,
    },
    /// A relay dropped a datagram, as told.
    RelayDropped {
        /// The flow (the client's number).
        conn: u64,
        /// The datagram's length.
        bytes: u64,
        /// It was on its way to the server (otherwise back to the client).
        to_server: bool,
    },
    /// A server joined a multicast group.
    Joined {
        /// The group.
        group: std::net::IpAddr,
        /// The interface (a name, an address, or the system's choice).
        interface: String,
    },
    /// A server left a multicast group.
    Left {
        /// The group.
        group: std::net::IpAddr,
    },
    /// Socket options were set: what was asked, and what the system granted.
    OptionsSet {
        /// The socket's address.
        local: SocketAddr,
        /// Each option.
        options: Vec<super::sockopt::OptionSet>,
    },
    /// A notice read from a file written by release 0.1, which kept notices as sentences.
    Legacy {
        /// The sentence.
        text: String,
    },
}

impl Notice {
    /// A notice said for each message (a rule that matched, a datagram a relay dropped):
    /// quiet commands leave these out, as they leave out the messages themselves.
    pub fn is_per_message(&self) -> bool {
        matches!(
            self,
            Notice::RuleMatched { .. } | Notice::NoRuleMatched { .. } | Notice::RelayDropped { .. }
        )
    }
}

/// The kinds of events.
#[derive(Debug, Clone)]
pub enum EventKind {
    /// A server bound this address and is waiting. `all_interfaces` warns that the port is
    /// reachable from the network.
    Listening {
        /// The bound address (with the real port when 0 was asked for).
        local: SocketAddr,
        /// Bound to 0.0.0.0 or `::`.
        all_interfaces: bool,
        /// A TLS server: the certificate it serves.
        tls: Option<Box<TlsInfo>>,
    },
    /// A client connected (TCP) or set its default peer (UDP).
    Connected(Link),
    /// A server accepted a connection.
    Accepted(Link),
    /// A TLS handshake finished: what it agreed, and the certificate.
    Secured {
        /// The connection.
        link: Link,
        /// Version, cipher suite, ALPN, SNI and certificate.
        tls: Box<TlsInfo>,
    },
    /// Bytes went out: a client's message, or a server's echo.
    Sent {
        /// The connection.
        link: Link,
        /// The exact bytes.
        data: Bytes,
    },
    /// Bytes came in: one read (TCP) or one datagram (UDP).
    Received {
        /// The connection.
        link: Link,
        /// The exact bytes received (for a truncated datagram, the part that fit).
        data: Bytes,
        /// The datagram was longer than the receive buffer.
        truncated: bool,
        /// Set on a client when this read completed an echo.
        echo: Option<EchoCheck>,
    },
    /// A reply ended and its expectation gave its verdict (expectations other than a streamed
    /// echo).
    Checked {
        /// The connection.
        link: Link,
        /// The verdict, with what it needs to be said.
        check: ReplyCheck,
    },
    /// A step of a run ended.
    Step {
        /// Its number or name.
        label: String,
        /// How it ended.
        outcome: StepOutcome,
        /// How long it took, in microseconds, without `wait_us`.
        elapsed_us: u64,
        /// After the reply's last byte, the wait for its end to be sure (an idle gap), in
        /// microseconds.
        wait_us: u64,
    },
    /// A run of steps ended.
    StepsEnded(StepsSummary),
    /// The peer closed its sending side (TCP FIN).
    PeerClosed(Link),
    /// A connection ended; the totals are exact, whatever the transcript retained.
    ConnectionClosed {
        /// The connection.
        link: Link,
        /// Bytes received on it.
        bytes_in: u64,
        /// Bytes sent on it.
        bytes_out: u64,
    },
    /// Something failed. `link` is set when it concerns one connection only.
    Failed {
        /// The connection concerned, if any.
        link: Option<Link>,
        /// What failed, where, and why.
        error: Error,
    },
    /// A UDP datagram got no echo within the timeout: it counts as lost, and the client goes
    /// on with the next message.
    Lost {
        /// The socket and its peer.
        link: Link,
        /// The datagram's length.
        bytes: u64,
        /// How long the client waited, in milliseconds.
        timeout_ms: u64,
    },
    /// Something worth saying that is neither data nor failure (a retry, a warning).
    Notice(Notice),
    /// The worker ended. Always the last event of a session, and always exactly one.
    Closed {
        /// Why it ended.
        reason: CloseReason,
    },
}

impl EventKind {
    /// The connection this event concerns, if any.
    pub fn link(&self) -> Option<&Link> {
        match self {
            EventKind::Connected(link) | EventKind::Accepted(link) | EventKind::PeerClosed(link) => {
                Some(link)
            }
            EventKind::Sent { link, .. }
            | EventKind::Received { link, .. }
            | EventKind::ConnectionClosed { link, .. }
            | EventKind::Checked { link, .. }
            | EventKind::Lost { link, .. }
            | EventKind::Secured { link, .. } => Some(link),
            EventKind::Failed { link, .. } => link.as_ref(),
            EventKind::Listening { .. }
            | EventKind::Notice(_)
            | EventKind::Closed { .. }
            | EventKind::Step { .. }
            | EventKind::StepsEnded(_) => None,
        }
    }
}
