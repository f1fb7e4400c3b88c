//! Where a datagram was addressed. A server bound to 0.0.0.0 or `::` that joined a group hears
//! datagrams sent to the group, to a broadcast address and to its own address alike; the
//! system says which with each one (`IP_PKTINFO`, `IPV6_RECVPKTINFO`), so the transcript can
//! name the group a datagram came to instead of "0.0.0.0".

use std::io::{self, IoSliceMut};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::os::fd::{AsFd, AsRawFd};

use nix::sys::socket::{self, ControlMessageOwned, MsgFlags, SockaddrStorage, sockopt};

/// Asks the system to say each datagram's destination address.
pub(crate) fn enable(socket: &impl AsFd, v6: bool) -> io::Result<()> {
    let result = if v6 {
        socket::setsockopt(socket, sockopt::Ipv6RecvPacketInfo, &true)
    } else {
        socket::setsockopt(socket, sockopt::Ipv4PacketInfo, &true)
    };
    result.map_err(io::Error::from)
}

/// Room for the destination's control message (the IPv6 one is the larger).
pub(crate) fn control_buffer() -> Vec<u8> {
    nix::cmsg_space!(nix::libc::in6_pktinfo)
}

/// Receives one datagram into `buf`: its length, who sent it, and the address it was sent to
/// (when the system said).
pub(crate) fn recv_from_to(
    socket: &impl AsRawFd,
    buf: &mut [u8],
    control: &mut [u8],
) -> io::Result<(usize, SocketAddr, Option<IpAddr>)> {
    let mut iov = [IoSliceMut::new(buf)];
    let msg =
        socket::recvmsg::<SockaddrStorage>(socket.as_raw_fd(), &mut iov, Some(control), MsgFlags::empty())
            .map_err(io::Error::from)?;
    let peer = msg
        .address
        .as_ref()
        .and_then(std_addr)
        .ok_or_else(|| io::Error::other("a datagram without a sender"))?;
    let mut to = None;
    if let Ok(messages) = msg.cmsgs() {
        for message in messages {
            match message {
                ControlMessageOwned::Ipv4PacketInfo(info) => {
                    to = Some(IpAddr::V4(Ipv4Addr::from(u32::from_be(info.ipi_addr.s_addr))));
                }
                ControlMessageOwned::Ipv6PacketInfo(info) => {
                    to = Some(IpAddr::V6(Ipv6Addr::from(info.ipi6_addr.s6_addr)));
                }
                _ => {}
            }
        }
    }
    Ok((msg.bytes, peer, to))
}

fn std_addr(addr: &SockaddrStorage) -> Option<SocketAddr> {
    if let Some(v4) = addr.as_sockaddr_in() {
        return Some(SocketAddr::V4((*v4).into()));
    }
    addr.as_sockaddr_in6().map(|v6| SocketAddr::V6((*v6).into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_datagram_says_where_it_was_sent() {
        // Loopback only, as every test here: the destination is said all the same.
        let server = std::net::UdpSocket::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("{e}"));
        enable(&server, false).unwrap_or_else(|e| panic!("{e}"));
        let port = server.local_addr().map(|a| a.port()).unwrap_or_default();
        let client = std::net::UdpSocket::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("{e}"));
        client.send_to(b"hola", ("127.0.0.1", port)).unwrap_or_else(|e| panic!("{e}"));
        let (mut buf, mut control) = ([0u8; 16], control_buffer());
        let (n, peer, to) = recv_from_to(&server, &mut buf, &mut control).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((&buf[..n], peer), (&b"hola"[..], client.local_addr().unwrap_or_else(|e| panic!("{e}"))));
        assert_eq!(to, Some(IpAddr::V4(Ipv4Addr::LOCALHOST)));
    }
}
