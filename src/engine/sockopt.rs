//! Socket options a session may set (Advanced, and flags), applied with socket2 before the
//! socket connects or listens, and read back: the transcript says what was asked and what the
//! system granted (Linux doubles buffer sizes, and caps them at its own limits).

use std::io;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use socket2::{Domain, Protocol as SockProtocol, Socket, TcpKeepalive, Type};

use super::error::{Error, Op, Reason};

/// The options, as the form, the flags and the files keep them. Every one is optional: what
/// is not set keeps the system's default (and TCP_NODELAY stays on, as round trips want).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SocketOptions {
    /// Let Nagle's algorithm gather small writes (TCP_NODELAY off). Off by default.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub nagle: bool,
    /// TCP keepalive: seconds of silence before the first probe.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keepalive_idle_s: Option<u64>,
    /// TCP keepalive: seconds between probes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keepalive_interval_s: Option<u64>,
    /// SO_RCVBUF, in bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recv_buffer: Option<u64>,
    /// SO_SNDBUF, in bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub send_buffer: Option<u64>,
    /// IP TTL (IPv6: unicast hop limit); for a multicast group, the multicast TTL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ttl: Option<u64>,
    /// Close with a reset (SO_LINGER 0) instead of a FIN.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub linger_zero: bool,
    /// A client shuts its sending side after each message, then reads the rest of the reply.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub half_close: bool,
    /// A client's local address (`192.168.1.5`, `[::1]:5000`); empty: the system's choice.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub local: String,
    /// A network interface to send through (SO_BINDTODEVICE; needs privileges).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub interface: String,
}

/// The limits of the number options.
pub const MAX_BUFFER: u64 = 256 * 1024 * 1024;
/// The longest keepalive idle time or interval: a day.
pub const MAX_KEEPALIVE_S: u64 = 86_400;

/// One option as set: its name, what was asked, and what the system reports now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OptionSet {
    /// The socket option's name (`SO_RCVBUF`).
    pub name: String,
    /// What was asked.
    pub asked: String,
    /// What the system reports after setting it.
    pub granted: String,
}

impl SocketOptions {
    /// Whether nothing is set.
    pub fn is_default(&self) -> bool {
        *self == SocketOptions::default()
    }

    /// The local address to bind a client to, if one is set and parses.
    pub fn local_addr(&self) -> Result<Option<SocketAddr>, Reason> {
        let text = self.local.trim();
        if text.is_empty() {
            return Ok(None);
        }
        if let Ok(ip) = text.trim_start_matches('[').trim_end_matches(']').parse::<IpAddr>() {
            return Ok(Some(SocketAddr::new(ip, 0)));
        }
        text.parse::<SocketAddr>().map(Some).map_err(|_| Reason::HostInvalid)
    }

    /// Applies what is set to a socket that is not yet connected or listening, and says what
    /// the system granted. `tcp` also sets TCP_NODELAY (on unless Nagle is asked for).
    pub fn apply(&self, socket: &Socket, tcp: bool) -> Result<Vec<OptionSet>, OptionError> {
        let fail = |name: &'static str, err: io::Error| OptionError { name, err };
        let mut set = Vec::new();
        if let Some(bytes) = self.recv_buffer {
            socket.set_recv_buffer_size(bytes as usize).map_err(|e| fail("SO_RCVBUF", e))?;
            let granted = socket.recv_buffer_size().map_err(|e| fail("SO_RCVBUF", e))?;
            set.push(OptionSet {
                name: "SO_RCVBUF".into(),
                asked: bytes.to_string(),
                granted: granted.to_string(),
            });
        }
        if let Some(bytes) = self.send_buffer {
            socket.set_send_buffer_size(bytes as usize).map_err(|e| fail("SO_SNDBUF", e))?;
            let granted = socket.send_buffer_size().map_err(|e| fail("SO_SNDBUF", e))?;
            set.push(OptionSet {
                name: "SO_SNDBUF".into(),
                asked: bytes.to_string(),
                granted: granted.to_string(),
            });
        }
        if let Some(ttl) = self.ttl {
            let ttl = u32::try_from(ttl).unwrap_or(255);
            let v6 = socket.local_addr().ok().and_then(|a| a.as_socket()).is_some_and(|a| a.is_ipv6())
                || socket.domain().is_ok_and(|d| d == Domain::IPV6);
            let (name, granted) = if v6 {
                socket.set_unicast_hops_v6(ttl).map_err(|e| fail("IPV6_UNICAST_HOPS", e))?;
                ("IPV6_UNICAST_HOPS", socket.unicast_hops_v6().map_err(|e| fail("IPV6_UNICAST_HOPS", e))?)
            } else {
                socket.set_ttl_v4(ttl).map_err(|e| fail("IP_TTL", e))?;
                ("IP_TTL", socket.ttl_v4().map_err(|e| fail("IP_TTL", e))?)
            };
            set.push(OptionSet { name: name.into(), asked: ttl.to_string(), granted: granted.to_string() });
        }
        if !self.interface.trim().is_empty() {
            let name = self.interface.trim();
            socket.bind_device(Some(name.as_bytes())).map_err(|e| fail("SO_BINDTODEVICE", e))?;
            set.push(OptionSet { name: "SO_BINDTODEVICE".into(), asked: name.into(), granted: name.into() });
        }
        if tcp {
            self.apply_tcp(socket, &fail, &mut set)?;
        }
        Ok(set)
    }

    /// The TCP options, which an accepted connection also takes.
    fn apply_tcp(
        &self,
        socket: &Socket,
        fail: &dyn Fn(&'static str, io::Error) -> OptionError,
        set: &mut Vec<OptionSet>,
    ) -> Result<(), OptionError> {
        socket.set_tcp_nodelay(!self.nagle).map_err(|e| fail("TCP_NODELAY", e))?;
        if self.nagle {
            let granted = socket.tcp_nodelay().map_err(|e| fail("TCP_NODELAY", e))?;
            set.push(OptionSet { name: "TCP_NODELAY".into(), asked: "off".into(), granted: on_off(granted) });
        }
        if let Some(keepalive) = self.keepalive() {
            socket.set_tcp_keepalive(&keepalive).map_err(|e| fail("SO_KEEPALIVE", e))?;
            let on = socket.keepalive().map_err(|e| fail("SO_KEEPALIVE", e))?;
            set.push(OptionSet { name: "SO_KEEPALIVE".into(), asked: "on".into(), granted: on_off(on) });
            if let Some(idle) = self.keepalive_idle_s {
                let granted = socket.tcp_keepalive_time().map_err(|e| fail("TCP_KEEPIDLE", e))?;
                set.push(OptionSet {
                    name: "TCP_KEEPIDLE".into(),
                    asked: format!("{idle} s"),
                    granted: format!("{} s", granted.as_secs()),
                });
            }
            if let Some(interval) = self.keepalive_interval_s {
                let granted = socket.tcp_keepalive_interval().map_err(|e| fail("TCP_KEEPINTVL", e))?;
                set.push(OptionSet {
                    name: "TCP_KEEPINTVL".into(),
                    asked: format!("{interval} s"),
                    granted: format!("{} s", granted.as_secs()),
                });
            }
        }
        if self.linger_zero {
            socket.set_linger(Some(Duration::ZERO)).map_err(|e| fail("SO_LINGER", e))?;
            let granted = socket.linger().map_err(|e| fail("SO_LINGER", e))?;
            let shown = granted.map_or_else(|| "off".to_string(), |d| format!("{} s", d.as_secs()));
            set.push(OptionSet { name: "SO_LINGER".into(), asked: "0 s".into(), granted: shown });
        }
        Ok(())
    }

    /// The keepalive asked for, if any.
    fn keepalive(&self) -> Option<TcpKeepalive> {
        if self.keepalive_idle_s.is_none() && self.keepalive_interval_s.is_none() {
            return None;
        }
        let mut keepalive = TcpKeepalive::new();
        if let Some(idle) = self.keepalive_idle_s {
            keepalive = keepalive.with_time(Duration::from_secs(idle));
        }
        if let Some(interval) = self.keepalive_interval_s {
            keepalive = keepalive.with_interval(Duration::from_secs(interval));
        }
        Some(keepalive)
    }

    /// Applies the per-connection TCP options to an accepted connection, silently (the
    /// listening line said them once).
    pub fn apply_accepted(&self, stream: &mio::net::TcpStream) {
        let socket = socket2::SockRef::from(stream);
        let _ = socket.set_tcp_nodelay(!self.nagle);
        if let Some(keepalive) = self.keepalive() {
            let _ = socket.set_tcp_keepalive(&keepalive);
        }
        if self.linger_zero {
            let _ = socket.set_linger(Some(Duration::ZERO));
        }
    }
}

/// An option the system refused, and why.
#[derive(Debug)]
pub struct OptionError {
    /// The option (`SO_BINDTODEVICE`).
    pub name: &'static str,
    /// What the system said.
    pub err: io::Error,
}

impl OptionError {
    /// The engine error, for a socket at `target`.
    pub fn error(&self, target: impl std::fmt::Display) -> Error {
        Error::io(Op::SetOption, format!("{} on {target}", self.name), &self.err)
    }

    /// As an I/O error that names the option, for a connect that tries the next address.
    pub fn into_io(self) -> io::Error {
        io::Error::new(self.err.kind(), format!("{}: {}", self.name, self.err))
    }
}

fn on_off(on: bool) -> String {
    if on { "on" } else { "off" }.to_string()
}

/// A non-blocking TCP socket with the options applied and bound to the local address if one
/// is set, its connect to `addr` started. Returns the stream and what the options granted.
pub fn tcp_connect(
    addr: SocketAddr,
    options: &SocketOptions,
) -> io::Result<(mio::net::TcpStream, Vec<OptionSet>)> {
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(SockProtocol::TCP))?;
    let set = options.apply(&socket, true).map_err(OptionError::into_io)?;
    if let Ok(Some(local)) = options.local_addr() {
        socket
            .bind(&local.into())
            .map_err(|e| io::Error::new(e.kind(), BindFailed { local, os: e.raw_os_error() }))?;
    }
    socket.set_nonblocking(true)?;
    match socket.connect(&addr.into()) {
        Ok(()) => {}
        // EINPROGRESS: the connect goes on; the poll says when it is done.
        Err(err) if err.raw_os_error() == Some(115) || err.kind() == io::ErrorKind::WouldBlock => {}
        Err(err) => return Err(err),
    }
    Ok((mio::net::TcpStream::from_std(socket.into()), set))
}

/// Binding the chosen local address failed (carried inside an `io::Error`, so that the
/// client says "bind 192.0.2.1:0", not "connect to ...").
#[derive(Debug)]
pub struct BindFailed {
    /// The local address.
    pub local: SocketAddr,
    /// The system's error number.
    pub os: Option<i32>,
}

impl std::fmt::Display for BindFailed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "bind {}", self.local)
    }
}

impl std::error::Error for BindFailed {}

impl BindFailed {
    /// The engine error of a connect whose local bind failed, if that is what `err` is.
    pub fn error_of(err: &io::Error) -> Option<Error> {
        let failed = err.get_ref()?.downcast_ref::<BindFailed>()?;
        let os = failed.os.map_or_else(|| io::Error::from(err.kind()), io::Error::from_raw_os_error);
        Some(Error::io(Op::Bind, failed.local, &os))
    }
}

/// The machine's addresses, with their interfaces' names, for the form's list.
pub fn local_addresses() -> Vec<(String, IpAddr)> {
    let mut found: Vec<(String, IpAddr)> = if_addrs::get_if_addrs()
        .map(|ifs| ifs.into_iter().map(|i| (i.name.clone(), i.ip())).collect())
        .unwrap_or_default();
    found.sort_by(|a, b| (a.1.is_ipv6(), &a.0).cmp(&(b.1.is_ipv6(), &b.0)));
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buffers_report_what_the_kernel_granted() {
        let options = SocketOptions { recv_buffer: Some(65_536), ttl: Some(7), ..SocketOptions::default() };
        let socket = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
        let set = options.apply(&socket, true).unwrap();
        let rcv = set.iter().find(|s| s.name == "SO_RCVBUF").unwrap();
        assert_eq!(rcv.asked, "65536");
        // Linux doubles it for its own bookkeeping.
        assert_eq!(rcv.granted, "131072");
        assert!(set.iter().any(|s| s.name == "IP_TTL" && s.granted == "7"));
    }

    #[test]
    fn a_local_address_may_have_a_port_or_not() {
        let mut options = SocketOptions { local: "127.0.0.1".into(), ..SocketOptions::default() };
        assert_eq!(options.local_addr(), Ok(Some("127.0.0.1:0".parse().unwrap())));
        options.local = "[::1]:5000".into();
        assert_eq!(options.local_addr(), Ok(Some("[::1]:5000".parse().unwrap())));
        options.local = "nowhere".into();
        assert!(options.local_addr().is_err());
        assert!(!local_addresses().is_empty());
    }
}
