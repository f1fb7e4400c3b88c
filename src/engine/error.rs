//! Typed engine errors: what failed, where, and the operating system's reason.
//!
//! Every worker turns an `io::Error` into an [`Error`] exactly once, at the place it happens,
//! so that the message always names the operation and the address (`connect to
//! 127.0.0.1:10000: connection refused`).

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
    /// Anything else the operating system reported.
    Other,
}

impl ErrorKind {
    /// A short, stable, lower-case label for scripts and transcripts.
    pub fn label(self) -> &'static str {
        match self {
            ErrorKind::Refused => "connection refused",
            ErrorKind::TimedOut => "timed out",
            ErrorKind::HostNotFound => "host not found",
            ErrorKind::AddrInUse => "address already in use",
            ErrorKind::PermissionDenied => "permission denied",
            ErrorKind::Reset => "connection reset by peer",
            ErrorKind::Unreachable => "network unreachable",
            ErrorKind::InvalidInput => "invalid input",
            ErrorKind::Other => "error",
        }
    }

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
}

impl Op {
    fn verb(self) -> &'static str {
        match self {
            Op::Parse => "parse",
            Op::Resolve => "resolve",
            Op::Bind => "bind",
            Op::Connect => "connect to",
            Op::Accept => "accept on",
            Op::Send => "send to",
            Op::Receive => "receive from",
            Op::Spawn => "start worker for",
        }
    }
}

/// An engine failure: its kind, the operation, the address, and the reason in words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, serde::Serialize, serde::Deserialize)]
pub struct Error {
    /// What kind of failure this is.
    pub kind: ErrorKind,
    /// What the worker was doing.
    pub op: Op,
    /// The address or input it was doing it with.
    pub target: String,
    /// The operating system's or parser's reason, lower case.
    pub reason: String,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: {}", self.op.verb(), self.target, self.reason)
    }
}

impl Error {
    /// Builds an error from an operating-system error, classifying it.
    pub fn io(op: Op, target: impl fmt::Display, err: &io::Error) -> Error {
        let kind = ErrorKind::from_io(err);
        Error { kind, op, target: target.to_string(), reason: describe_io(kind, err) }
    }

    /// Builds an error of a given kind with a reason in words.
    pub fn new(kind: ErrorKind, op: Op, target: impl fmt::Display, reason: impl Into<String>) -> Error {
        Error { kind, op, target: target.to_string(), reason: reason.into() }
    }

    /// An invalid user input, reported before any socket exists.
    pub fn invalid(target: impl fmt::Display, reason: impl Into<String>) -> Error {
        Error::new(ErrorKind::InvalidInput, Op::Parse, target, reason)
    }
}

/// The reason in plain words: our own label where the kind is known, since the OS text
/// ("os error 111") means little to a person; the OS text otherwise.
fn describe_io(kind: ErrorKind, err: &io::Error) -> String {
    match kind {
        ErrorKind::Other | ErrorKind::InvalidInput => {
            let text = err.to_string();
            // std appends " (os error N)"; keep it, it helps when searching the web.
            let mut chars = text.chars();
            match chars.next() {
                Some(first) => first.to_lowercase().chain(chars).collect(),
                None => kind.label().to_string(),
            }
        }
        ErrorKind::Unreachable if err.kind() == io::ErrorKind::HostUnreachable => "host unreachable".into(),
        ErrorKind::Unreachable if err.kind() == io::ErrorKind::AddrNotAvailable => {
            "address not available on this machine".into()
        }
        ErrorKind::PermissionDenied => {
            "permission denied (ports below 1024 need administrator rights)".into()
        }
        _ => kind.label().to_string(),
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
        assert_eq!(err.to_string(), "connect to 127.0.0.1:10000: connection refused");
    }

    #[test]
    fn classifies_reset_and_unreachable() {
        let reset = io::Error::from(io::ErrorKind::ConnectionReset);
        assert_eq!(ErrorKind::from_io(&reset), ErrorKind::Reset);
        let unreach = io::Error::from_raw_os_error(101);
        assert_eq!(ErrorKind::from_io(&unreach), ErrorKind::Unreachable);
    }
}
