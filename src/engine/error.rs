//! Typed engine errors: what failed, where, and why, with no sentence inside.
//!
//! Every worker turns an `io::Error` into an [`Error`] exactly once, at the place it happens,
//! so that the message always names the operation and the address. The words are not here:
//! [`crate::vocabulary`] turns an error into a message id and its arguments, and each front end
//! renders it in its language (`connect to 127.0.0.1:10000: connection refused`).

use std::fmt;
use std::io;

/// The kinds of failure a user can act on, each with its own plain-words description.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// Nothing listens at the address (TCP RST or ICMP port unreachable).
    Refused,
    /// The peer did not answer in time.
    TimedOut,
    /// The host name did not resolve.
    HostNotFound,
    /// The address is already taken by another socket.
    AddrInUse,
    /// The operating system refused (for example a port below 1024 without privileges).
    PermissionDenied,
    /// The peer reset the connection.
    Reset,
    /// No route to the network or host.
    Unreachable,
    /// A value given by the user is not valid (empty host, port 0 for a client, ...).
    InvalidInput,
    /// A TLS handshake or record failed (a certificate not trusted, a peer without TLS).
    Tls,
    /// Anything else the operating system reported.
    Other,
}

impl ErrorKind {
    /// Every kind, for tests that walk the vocabulary.
    pub const ALL: [ErrorKind; 10] = [
        ErrorKind::Refused,
        ErrorKind::TimedOut,
        ErrorKind::HostNotFound,
        ErrorKind::AddrInUse,
        ErrorKind::PermissionDenied,
        ErrorKind::Reset,
        ErrorKind::Unreachable,
        ErrorKind::InvalidInput,
        ErrorKind::Tls,
        ErrorKind::Other,
    ];

    /// Classifies an operating-system error.
    pub fn from_io(err: &io::Error) -> ErrorKind {
        use io::ErrorKind as K;
        match err.kind() {
            K::ConnectionRefused => ErrorKind::Refused,
            K::TimedOut | K::WouldBlock => ErrorKind::TimedOut,
            K::AddrInUse => ErrorKind::AddrInUse,
            K::AddrNotAvailable => ErrorKind::Unreachable,
            K::PermissionDenied => ErrorKind::PermissionDenied,
            K::ConnectionReset | K::ConnectionAborted | K::BrokenPipe => ErrorKind::Reset,
            K::NetworkUnreachable | K::HostUnreachable | K::NetworkDown => ErrorKind::Unreachable,
            K::InvalidInput => ErrorKind::InvalidInput,
            _ => ErrorKind::Other,
        }
    }
}

/// The operation that failed, so that a message reads "connect to ...", "bind ...".
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    /// Parsing the user's input.
    Parse,
    /// Looking up a host name.
    Resolve,
    /// Binding a local address.
    Bind,
    /// Connecting to a peer.
    Connect,
    /// Accepting a connection.
    Accept,
    /// Sending bytes.
    Send,
    /// Receiving bytes.
    Receive,
    /// Starting a worker thread.
    Spawn,
    /// Reading a file to send.
    ReadFile,
    /// Running the worker itself.
    Run,
    /// A TLS handshake.
    Handshake,
    /// Setting a socket option.
    SetOption,
    /// Joining a multicast group.
    Join,
}

impl Op {
    /// Every operation, for tests that walk the vocabulary.
    pub const ALL: [Op; 13] = [
        Op::Parse,
        Op::Resolve,
        Op::Bind,
        Op::Connect,
        Op::Accept,
        Op::Send,
        Op::Receive,
        Op::Spawn,
        Op::ReadFile,
        Op::Run,
        Op::Handshake,
        Op::SetOption,
        Op::Join,
    ];
}

/// Why it failed, as data: each variant has its own words in every language.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Reason {
    /// The kind says it all ("connection refused", "timed out").
    Plain,
    /// A bug in Socket Tester stopped the worker (a panic), in its own words.
    Panicked {
        /// The panic's message.
        detail: String,
    },
    /// The operating system's own words, for failures we have no words of our own for.
    Os {
        /// What the operating system said (lower case, with its error number).
        text: String,
    },
    /// The host is known, but no route leads to it.
    HostUnreachable,
    /// The address is not one of this machine's.
    AddrNotAvailable,
    /// The resolver found nothing.
    LookupFailed {
        /// The resolver's words.
        detail: String,
    },
    /// The resolver answered with no address.
    NoAddresses,
    /// Connecting took longer than the timeout.
    ConnectTimedOut {
        /// The timeout.
        timeout_ms: u64,
    },
    /// A TCP echo did not come back whole in time.
    NoCompleteEcho {
        /// The timeout.
        timeout_ms: u64,
        /// Bytes that came back.
        echoed: u64,
        /// Bytes that were sent.
        expected: u64,
    },
    /// A UDP datagram got no reply in time.
    NoReply {
        /// The timeout.
        timeout_ms: u64,
    },
    /// The peer closed before the echo was complete.
    ClosedMidEcho {
        /// Bytes that came back.
        echoed: u64,
        /// Bytes that were sent.
        expected: u64,
    },
    /// An ICMP port-unreachable answered a datagram.
    UdpRefused,
    /// A receive buffer outside what UDP allows.
    BufferRange {
        /// The largest allowed.
        max: u64,
    },
    /// The process is out of file descriptors; new connections wait.
    OutOfFiles {
        /// The OS error number.
        errno: i32,
    },
    /// An empty port.
    PortEmpty,
    /// A port above 65535.
    PortRange,
    /// A port that is not a number.
    PortNotNumber,
    /// An empty host.
    HostEmpty,
    /// A host that is neither a name nor an address.
    HostInvalid,
    /// An empty address.
    AddressEmpty,
    /// `[::1` without its bracket.
    MissingBracket,
    /// `[::1]x`: something other than `:PORT` after the bracket.
    ExpectedPort,
    /// Brackets around something that is not an IPv6 address.
    BracketsNotV6,
    /// `::1:80`: an IPv6 address with a port needs brackets.
    V6NeedsBrackets,
    /// A client given port 0.
    ClientPortZero,
    /// A load run aimed at another machine without leave.
    NotLoopback {
        /// The addresses the target resolved to that are not loopback.
        addresses: String,
    },
    /// A message or file longer than one UDP datagram can hold.
    TooLargeForDatagram {
        /// Its length.
        bytes: u64,
        /// The most a datagram holds.
        max: u64,
    },
    /// An empty message or file over TCP, which has no echo to wait for.
    EmptyOverTcp,
    /// Load: no echo came back in time.
    NoEchoWithin {
        /// The timeout.
        timeout_ms: u64,
    },
    /// Load: the server closed with bytes not echoed (0: none owed).
    ServerClosed {
        /// Bytes sent and never echoed.
        missing: u64,
    },
    /// Load: the server sent more than it was sent.
    ExtraBytes {
        /// How many more.
        count: u64,
    },
    /// More bytes beyond the echo after the first were said: folded into one line at the
    /// end (or before the next message), so an endless peer makes one line, not millions.
    ExtraBytesMore {
        /// How many more bytes.
        count: u64,
        /// In how many reads.
        reads: u64,
    },
    /// Load: the echo differs at this offset of the stream.
    EchoDiffersAt {
        /// The offset.
        offset: u64,
    },
    /// Load: a datagram that matches none that was sent.
    UnknownDatagram {
        /// Its length.
        bytes: u64,
    },
    /// Load: a datagram's echo differs from it.
    DatagramDiffers {
        /// The datagram's length.
        size: u64,
    },
    /// Load: a datagram came back at another length.
    DatagramLength {
        /// Its length when sent.
        size: u64,
        /// Its length when it came back.
        got: u64,
    },
    /// A certificate or key file could not be used.
    TlsFile {
        /// `certificate`, `key` or `CA certificate`.
        what: String,
        /// Why, in the parser's or system's words.
        detail: String,
    },
    /// The name to check is neither a DNS name nor an IP address.
    TlsBadName,
    /// A pin that is not 64 hex digits.
    TlsBadPin,
    /// The certificate's issuer is not among the trusted roots.
    TlsUnknownIssuer,
    /// The certificate signed itself, and nobody trusts it.
    TlsSelfSigned {
        /// Its SHA-256 fingerprint, to pin it.
        fingerprint: String,
    },
    /// The certificate is for other names.
    TlsNameMismatch {
        /// The names it holds.
        presented: String,
    },
    /// The certificate has expired.
    TlsExpired,
    /// The certificate is not valid yet.
    TlsNotYetValid,
    /// The certificate is not the pinned one.
    TlsPinMismatch {
        /// Its fingerprint.
        got: String,
    },
    /// The peer answered with something other than TLS.
    TlsNotTls,
    /// The peer ended the handshake with an alert.
    TlsAlert {
        /// The alert's name (`UnknownCA`).
        alert: String,
    },
    /// The server's certificate is a CA's (`openssl req -x509` makes those), which webpki
    /// refuses as a server's even when it is trusted.
    TlsCaAsServer {
        /// Its SHA-256 fingerprint, to pin it.
        fingerprint: String,
    },
    /// The peer (a client) refused our certificate.
    TlsCertRefused {
        /// The alert's name (`UnknownCA`).
        alert: String,
    },
    /// No ALPN protocol in common.
    TlsNoAlpn,
    /// The peer closed the connection during the handshake.
    TlsClosedInHandshake,
    /// A server's key is not the key of its certificate.
    TlsKeyMismatch {
        /// The certificate file.
        cert: String,
    },
    /// The handshake did not finish in time.
    TlsHandshakeTimedOut {
        /// The timeout.
        timeout_ms: u64,
    },
    /// No interface by that name or address.
    NoSuchInterface {
        /// The name asked for.
        name: String,
        /// The interfaces there are, with their addresses.
        known: String,
    },
    /// Any other TLS failure, in rustls's words.
    TlsOther {
        /// What rustls said.
        detail: String,
    },
}

/// An engine failure: its kind, the operation, the address, and the reason as data.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, serde::Serialize, serde::Deserialize)]
pub struct Error {
    /// What kind of failure this is.
    pub kind: ErrorKind,
    /// What the worker was doing.
    pub op: Op,
    /// The address or input it was doing it with.
    pub target: String,
    /// Why, as data; files written before reasons were typed hold a sentence, read as
    /// [`Reason::Os`].
    #[serde(deserialize_with = "reason_compat")]
    pub reason: Reason,
}

/// Reads a typed reason, or the sentence that release 0.1 wrote.
fn reason_compat<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Reason, D::Error> {
    #[derive(serde::Deserialize)]
    #[serde(untagged)]
    enum Either {
        Typed(Reason),
        Text(String),
    }
    Ok(match <Either as serde::Deserialize>::deserialize(d)? {
        Either::Typed(reason) => reason,
        Either::Text(text) => Reason::Os { text },
    })
}

/// English, for logs, `anyhow` chains and the load report; front ends render in their own
/// language through [`crate::vocabulary`].
impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::i18n::english().error(self))
    }
}

impl Error {
    /// Builds an error from an operating-system error, classifying it.
    pub fn io(op: Op, target: impl fmt::Display, err: &io::Error) -> Error {
        let kind = ErrorKind::from_io(err);
        Error { kind, op, target: target.to_string(), reason: reason_of_io(kind, err) }
    }

    /// Builds an error of a given kind and reason.
    pub fn new(kind: ErrorKind, op: Op, target: impl fmt::Display, reason: Reason) -> Error {
        Error { kind, op, target: target.to_string(), reason }
    }

    /// An invalid user input, reported before any socket exists.
    pub fn invalid(target: impl fmt::Display, reason: Reason) -> Error {
        Error::new(ErrorKind::InvalidInput, Op::Parse, target, reason)
    }
}

/// Our own words where the kind is known, since the OS text ("os error 111") means little to
/// a person; the OS text otherwise.
fn reason_of_io(kind: ErrorKind, err: &io::Error) -> Reason {
    match kind {
        ErrorKind::Other | ErrorKind::InvalidInput => {
            let text = err.to_string();
            // std appends " (os error N)"; keep it, it helps when searching the web.
            let mut chars = text.chars();
            match chars.next() {
                Some(first) => Reason::Os { text: first.to_lowercase().chain(chars).collect() },
                None => Reason::Plain,
            }
        }
        ErrorKind::Unreachable if err.kind() == io::ErrorKind::HostUnreachable => Reason::HostUnreachable,
        ErrorKind::Unreachable if err.kind() == io::ErrorKind::AddrNotAvailable => Reason::AddrNotAvailable,
        _ => Reason::Plain,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_names_operation_address_and_reason() {
        let err =
            Error::io(Op::Connect, "127.0.0.1:10000", &io::Error::from(io::ErrorKind::ConnectionRefused));
        assert_eq!(err.kind, ErrorKind::Refused);
        assert_eq!(err.to_string(), "connect to 127.0.0.1:10000: connection refused (nothing listens there)");
    }

    #[test]
    fn classifies_reset_and_unreachable() {
        let reset = io::Error::from(io::ErrorKind::ConnectionReset);
        assert_eq!(ErrorKind::from_io(&reset), ErrorKind::Reset);
        let unreach = io::Error::from_raw_os_error(101);
        assert_eq!(ErrorKind::from_io(&unreach), ErrorKind::Unreachable);
    }

    #[test]
    fn a_sentence_from_an_older_file_reads_as_the_os_words() {
        let old = r#"{"kind":"other","op":"receive","target":"x","reason":"the peer went away"}"#;
        let err: Error = serde_json::from_str(old).unwrap();
        assert_eq!(err.reason, Reason::Os { text: "the peer went away".into() });
        let typed = serde_json::to_string(&Error::new(
            ErrorKind::TimedOut,
            Op::Receive,
            "x",
            Reason::NoReply { timeout_ms: 5 },
        ))
        .unwrap();
        let back: Error = serde_json::from_str(&typed).unwrap();
        assert_eq!(back.reason, Reason::NoReply { timeout_ms: 5 });
    }
}
