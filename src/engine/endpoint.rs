//! Host-and-port input: parsing what a user types, and resolving it inside a worker.
//!
//! Parsing is pure and fast, so forms and the CLI can validate before any worker exists.
//! Resolution may block on DNS, so only workers call [`Endpoint::resolve`].

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, ToSocketAddrs};

use super::error::{Error, ErrorKind, Op, Reason};

/// The seed's host.
pub const DEFAULT_HOST: &str = "localhost";
/// The seed's port.
pub const DEFAULT_PORT: u16 = 10000;

/// A host (name or IP literal) and a port, as the user gave them.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Endpoint {
    /// A host name or an IP literal, without brackets.
    pub host: String,
    /// The port; 0 asks a server for any free port.
    pub port: u16,
}

impl Default for Endpoint {
    fn default() -> Self {
        Endpoint { host: DEFAULT_HOST.to_string(), port: DEFAULT_PORT }
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.host.contains(':') {
            write!(f, "[{}]:{}", self.host, self.port)
        } else {
            write!(f, "{}:{}", self.host, self.port)
        }
    }
}

/// Parses a port number, naming the value in the error.
pub fn parse_port(text: &str) -> Result<u16, Error> {
    let text = text.trim();
    if text.is_empty() {
        return Err(Error::invalid("port", Reason::PortEmpty));
    }
    match text.parse::<u64>() {
        Ok(n) if n <= u64::from(u16::MAX) => Ok(n as u16),
        Ok(n) => Err(Error::invalid(format!("port {n}"), Reason::PortRange)),
        Err(_) => Err(Error::invalid(format!("port {text:?}"), Reason::PortNotNumber)),
    }
}

/// Checks a host name or IP literal, as typed (brackets around IPv6 are allowed).
pub fn parse_host(text: &str) -> Result<String, Error> {
    let host = text.trim();
    let host = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')).unwrap_or(host);
    if host.is_empty() {
        return Err(Error::invalid("host", Reason::HostEmpty));
    }
    if host.parse::<IpAddr>().is_ok() {
        return Ok(host.to_string());
    }
    let valid = host.len() <= 253
        && host.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        });
    if valid {
        Ok(host.to_string())
    } else {
        Err(Error::invalid(format!("host {host:?}"), Reason::HostInvalid))
    }
}

impl Endpoint {
    /// Parses `HOST:PORT`, `[V6]:PORT`, a bare IPv6 literal, or a bare host (which takes
    /// `default_port`).
    pub fn parse(text: &str, default_port: u16) -> Result<Endpoint, Error> {
        let text = text.trim();
        if text.is_empty() {
            return Err(Error::invalid("address", Reason::AddressEmpty));
        }
        if let Some(rest) = text.strip_prefix('[') {
            let Some((host, after)) = rest.split_once(']') else {
                return Err(Error::invalid(format!("address {text:?}"), Reason::MissingBracket));
            };
            let port = match after.strip_prefix(':') {
                Some(port) => parse_port(port)?,
                None if after.is_empty() => default_port,
                None => {
                    return Err(Error::invalid(format!("address {text:?}"), Reason::ExpectedPort));
                }
            };
            let host = host.to_string();
            if host.parse::<Ipv6Addr>().is_err() {
                return Err(Error::invalid(format!("address {text:?}"), Reason::BracketsNotV6));
            }
            return Ok(Endpoint { host, port });
        }
        if text.parse::<Ipv6Addr>().is_ok() {
            return Ok(Endpoint { host: text.to_string(), port: default_port });
        }
        match text.rsplit_once(':') {
            Some((host, _)) if host.contains(':') => {
                Err(Error::invalid(format!("address {text:?}"), Reason::V6NeedsBrackets))
            }
            Some((host, port)) => Ok(Endpoint { host: parse_host(host)?, port: parse_port(port)? }),
            None => Ok(Endpoint { host: parse_host(text)?, port: default_port }),
        }
    }

    /// Fails when the endpoint cannot be a client's target (port 0).
    pub fn check_client_target(&self) -> Result<(), Error> {
        if self.port == 0 {
            return Err(Error::invalid(self, Reason::ClientPortZero));
        }
        Ok(())
    }

    /// True for `localhost` (any case, with or without the trailing dot).
    pub fn is_localhost(&self) -> bool {
        let host = self.host.trim_end_matches('.');
        host.eq_ignore_ascii_case("localhost") || host.to_ascii_lowercase().ends_with(".localhost")
    }

    /// Resolves to socket addresses. Blocks on DNS: call it inside a worker only.
    ///
    /// `localhost` always means both loopbacks, 127.0.0.1 first, then ::1, whatever the
    /// system's hosts file says (RFC 6761), so that a client that picks ::1 still finds a
    /// server on `localhost`.
    pub fn resolve(&self) -> Result<Vec<SocketAddr>, Error> {
        if let Ok(ip) = self.host.parse::<IpAddr>() {
            return Ok(vec![SocketAddr::new(ip, self.port)]);
        }
        if self.is_localhost() {
            return Ok(vec![
                SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), self.port),
                SocketAddr::new(IpAddr::V6(Ipv6Addr::LOCALHOST), self.port),
            ]);
        }
        let addrs: Vec<SocketAddr> = match (self.host.as_str(), self.port).to_socket_addrs() {
            Ok(addrs) => addrs.collect(),
            Err(err) => {
                let reason = err.to_string();
                let reason = reason.strip_prefix("failed to lookup address information: ").unwrap_or(&reason);
                let reason = Reason::LookupFailed { detail: reason.to_lowercase() };
                return Err(Error::new(ErrorKind::HostNotFound, Op::Resolve, &self.host, reason));
            }
        };
        if addrs.is_empty() {
            return Err(Error::new(ErrorKind::HostNotFound, Op::Resolve, &self.host, Reason::NoAddresses));
        }
        let mut unique = Vec::with_capacity(addrs.len());
        for addr in addrs {
            if !unique.contains(&addr) {
                unique.push(addr);
            }
        }
        Ok(unique)
    }
}

/// Formats a list of addresses for a message: `127.0.0.1:1, [::1]:1`.
pub fn list_addrs(addrs: &[SocketAddr]) -> String {
    addrs.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ep(host: &str, port: u16) -> Endpoint {
        Endpoint { host: host.into(), port }
    }

    #[test]
    fn parses_the_forms_users_type() {
        assert_eq!(Endpoint::parse("127.0.0.1:80", 1).ok(), Some(ep("127.0.0.1", 80)));
        assert_eq!(Endpoint::parse("[::1]:10000", 1).ok(), Some(ep("::1", 10000)));
        assert_eq!(Endpoint::parse("::1", 7).ok(), Some(ep("::1", 7)));
        assert_eq!(Endpoint::parse("[::1]", 7).ok(), Some(ep("::1", 7)));
        assert_eq!(Endpoint::parse("localhost", 10000).ok(), Some(ep("localhost", 10000)));
        assert_eq!(Endpoint::parse(" example.test:0 ", 1).ok(), Some(ep("example.test", 0)));
    }

    #[test]
    fn rejects_bad_input_with_the_value_in_the_message() {
        let err = Endpoint::parse("localhost:65536", 1).err().map(|e| e.to_string());
        assert_eq!(err.as_deref(), Some("parse port 65536: a port must be between 0 and 65535"));
        for bad in ["", ":80", "host:", "host:x", "[::1", "[x]:1", "::1:80:", "bad host:1", "a..b:1"] {
            let err = Endpoint::parse(bad, 1).err();
            assert_eq!(err.map(|e| e.kind), Some(ErrorKind::InvalidInput), "{bad:?}");
        }
    }

    #[test]
    fn client_needs_a_nonzero_port() {
        assert!(ep("localhost", 0).check_client_target().is_err());
        assert!(ep("localhost", 1).check_client_target().is_ok());
    }

    #[test]
    fn localhost_is_both_loopbacks() {
        let addrs: Vec<String> = ep("localhost", 5)
            .resolve()
            .map(|a| a.iter().map(ToString::to_string).collect())
            .unwrap_or_default();
        assert_eq!(addrs, ["127.0.0.1:5", "[::1]:5"]);
    }

    use proptest::prelude::*;

    /// Host names as people write them: labels of letters, digits, '-' and '_'.
    fn host_name() -> impl Strategy<Value = String> {
        proptest::collection::vec("[A-Za-z0-9_-]{1,20}", 1..5).prop_map(|labels| labels.join("."))
    }

    proptest! {
        #[test]
        fn every_endpoint_prints_to_text_that_parses_back(
            host in prop_oneof![
                host_name(),
                any::<std::net::Ipv4Addr>().prop_map(|ip| ip.to_string()),
                any::<std::net::Ipv6Addr>().prop_map(|ip| ip.to_string()),
            ],
            port in any::<u16>(),
        ) {
            let endpoint = ep(&host, port);
            prop_assert_eq!(Endpoint::parse(&endpoint.to_string(), 1).ok(), Some(endpoint.clone()));
            // Spaces around it, as pasted, change nothing.
            prop_assert_eq!(Endpoint::parse(&format!("  {endpoint} "), 1).ok(), Some(endpoint));
        }

        #[test]
        fn any_text_parses_or_says_why_without_panicking(text in "\\PC{0,40}") {
            match Endpoint::parse(&text, 10_000) {
                Ok(endpoint) => prop_assert_eq!(Endpoint::parse(&endpoint.to_string(), 1).ok(), Some(endpoint)),
                Err(err) => prop_assert_eq!(err.kind, ErrorKind::InvalidInput),
            }
        }

        #[test]
        fn ports_parse_exactly(port in any::<u16>()) {
            prop_assert_eq!(parse_port(&port.to_string()).ok(), Some(port));
            prop_assert!(parse_port(&(u64::from(port) + 65_536).to_string()).is_err());
        }
    }

    #[test]
    fn displays_ipv6_with_brackets() {
        assert_eq!(ep("::1", 9).to_string(), "[::1]:9");
        assert_eq!(ep("localhost", 9).to_string(), "localhost:9");
    }
}
