//! Multicast: a UDP server joins groups on an interface (and leaves them when it stops); a
//! UDP client sends to a group with a TTL (or IPv6 hop limit) and a loopback choice.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use socket2::{SockRef, Socket};

use super::error::{Error, ErrorKind, Op, Reason};
use super::sockopt::{OptionError, OptionSet};

/// The groups a server joins, and where.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Groups {
    /// Multicast addresses (IPv4 and IPv6).
    pub join: Vec<IpAddr>,
    /// The interface: a name (`eth0`), an address of it, or empty for the system's choice.
    pub interface: String,
}

/// Parses a comma-separated list of multicast groups (`239.1.2.3,ff15::1`).
pub fn parse_groups(text: &str) -> Result<Vec<IpAddr>, String> {
    let mut groups = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let part = part.trim_start_matches('[').trim_end_matches(']');
        match part.parse::<IpAddr>() {
            Ok(ip) if ip.is_multicast() => groups.push(ip),
            _ => return Err(part.to_string()),
        }
    }
    Ok(groups)
}

/// Sets a sending socket's multicast TTL (or hop limit) and loopback; says what was granted.
pub fn sender(
    socket: &Socket,
    group: SocketAddr,
    ttl: Option<u64>,
    loopback: bool,
) -> Result<Vec<OptionSet>, OptionError> {
    let mut set = Vec::new();
    let fail = |name: &'static str| move |err| OptionError { name, err };
    let ttl = ttl.map(|t| u32::try_from(t).unwrap_or(255));
    if group.is_ipv4() {
        if let Some(ttl) = ttl {
            socket.set_multicast_ttl_v4(ttl).map_err(fail("IP_MULTICAST_TTL"))?;
        }
        socket.set_multicast_loop_v4(loopback).map_err(fail("IP_MULTICAST_LOOP"))?;
        let granted = socket.multicast_ttl_v4().map_err(fail("IP_MULTICAST_TTL"))?;
        set.push(item("IP_MULTICAST_TTL", ttl.unwrap_or(granted).to_string(), granted.to_string()));
        let looped = socket.multicast_loop_v4().map_err(fail("IP_MULTICAST_LOOP"))?;
        set.push(item("IP_MULTICAST_LOOP", on_off(loopback), on_off(looped)));
    } else {
        if let Some(ttl) = ttl {
            socket.set_multicast_hops_v6(ttl).map_err(fail("IPV6_MULTICAST_HOPS"))?;
        }
        socket.set_multicast_loop_v6(loopback).map_err(fail("IPV6_MULTICAST_LOOP"))?;
        let granted = socket.multicast_hops_v6().map_err(fail("IPV6_MULTICAST_HOPS"))?;
        set.push(item("IPV6_MULTICAST_HOPS", ttl.unwrap_or(granted).to_string(), granted.to_string()));
        let looped = socket.multicast_loop_v6().map_err(fail("IPV6_MULTICAST_LOOP"))?;
        set.push(item("IPV6_MULTICAST_LOOP", on_off(loopback), on_off(looped)));
    }
    Ok(set)
}

fn item(name: &str, asked: String, granted: String) -> OptionSet {
    OptionSet { name: name.into(), asked, granted }
}

fn on_off(on: bool) -> String {
    if on { "on" } else { "off" }.to_string()
}

/// The interface to join on: its IPv4 address and its index, from a name or an address.
fn interface(name: &str) -> Result<(Ipv4Addr, u32), Reason> {
    let name = name.trim();
    if name.is_empty() {
        return Ok((Ipv4Addr::UNSPECIFIED, 0));
    }
    let interfaces = if_addrs::get_if_addrs().unwrap_or_default();
    let by_address = name.parse::<IpAddr>().ok();
    let matching: Vec<&if_addrs::Interface> =
        interfaces.iter().filter(|i| i.name == name || Some(i.ip()) == by_address).collect();
    let Some(first) = matching.first() else {
        let known: Vec<String> = interfaces.iter().map(|i| format!("{} ({})", i.name, i.ip())).collect();
        return Err(Reason::NoSuchInterface { name: name.to_string(), known: known.join(", ") });
    };
    let v4 = interfaces
        .iter()
        .filter(|i| i.name == first.name)
        .find_map(|i| match i.ip() {
            IpAddr::V4(ip) => Some(ip),
            IpAddr::V6(_) => None,
        })
        .unwrap_or(Ipv4Addr::UNSPECIFIED);
    Ok((v4, first.index.unwrap_or(0)))
}

/// Joins every group of the socket's family; returns the groups joined.
pub fn join(
    socket: &impl std::os::fd::AsFd,
    local: SocketAddr,
    groups: &Groups,
) -> Result<Vec<IpAddr>, Error> {
    let socket = SockRef::from(socket);
    let mut joined = Vec::new();
    for group in groups.join.iter().filter(|g| g.is_ipv4() == local.is_ipv4()) {
        let (v4, index) = interface(&groups.interface)
            .map_err(|reason| Error::new(ErrorKind::InvalidInput, Op::Join, group, reason))?;
        let result = match group {
            IpAddr::V4(group) => socket.join_multicast_v4(group, &v4),
            IpAddr::V6(group) => socket.join_multicast_v6(group, index),
        };
        result.map_err(|err| Error::io(Op::Join, group, &err))?;
        joined.push(*group);
    }
    Ok(joined)
}

/// Leaves the groups joined (a stopping server says so).
pub fn leave(socket: &impl std::os::fd::AsFd, groups: &[IpAddr], interface_name: &str) {
    let socket = SockRef::from(socket);
    let (v4, index) = interface(interface_name).unwrap_or((Ipv4Addr::UNSPECIFIED, 0));
    for group in groups {
        let _ = match group {
            IpAddr::V4(group) => socket.leave_multicast_v4(group, &v4),
            IpAddr::V6(group) => socket.leave_multicast_v6(group, index),
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_must_be_multicast_addresses() {
        assert_eq!(parse_groups("239.1.2.3, [ff15::1]").unwrap().len(), 2);
        assert_eq!(parse_groups("10.0.0.1"), Err("10.0.0.1".to_string()));
        assert!(matches!(interface("no-such-if0"), Err(Reason::NoSuchInterface { .. })));
        assert_eq!(interface("lo").map(|(v4, _)| v4), Ok(Ipv4Addr::LOCALHOST));
    }
}
