//! `.pcap` for Wireshark and tshark: raw IP packets (LINKTYPE_RAW) synthesized from the
//! transcript with the real addresses and ports. TCP connections get a handshake, sequence
//! numbers per direction and FINs, so "Follow TCP stream" shows exactly the bytes exchanged;
//! reads larger than one IP packet are split into segments. pcap-file writes the file and
//! etherparse builds the headers.

use std::collections::HashMap;
use std::io::{self, Write};
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use etherparse::PacketBuilder;
use pcap_file::pcap::{PcapHeader, PcapPacket, PcapWriter};
use pcap_file::{DataLink, TsResolution};

use super::{EventName, Record};
use crate::engine::Protocol;

/// Payload bytes per synthesized TCP segment: fits an IPv4 or IPv6 packet (65,535 bytes).
const SEGMENT_BYTES: usize = 65_000;
const WINDOW: u16 = 65_535;

#[derive(Clone, Copy)]
struct Flow {
    /// Next sequence number from our side, and from the peer.
    local_seq: u32,
    peer_seq: u32,
    local_fin: bool,
    peer_fin: bool,
}

/// One TCP segment to write: from, to, its sequence number, what it acknowledges, its flags
/// and its bytes.
#[derive(Clone, Copy)]
struct Segment<'a> {
    src: SocketAddr,
    dst: SocketAddr,
    seq: u32,
    ack: Option<u32>,
    syn: bool,
    fin: bool,
    payload: &'a [u8],
}

impl<'a> Segment<'a> {
    /// A bare segment (no flag, no bytes).
    fn new(src: SocketAddr, dst: SocketAddr, seq: u32, ack: Option<u32>) -> Segment<'a> {
        Segment { src, dst, seq, ack, syn: false, fin: false, payload: &[] }
    }

    fn syn(self) -> Segment<'a> {
        Segment { syn: true, ..self }
    }

    fn fin(self) -> Segment<'a> {
        Segment { fin: true, ..self }
    }

    fn with(self, payload: &'a [u8]) -> Segment<'a> {
        Segment { payload, ..self }
    }
}

/// Turns records into packets, one at a time, remembering each TCP connection's sequence
/// numbers: used for a whole file and for live recording alike.
pub struct PcapSynth<W: Write> {
    writer: PcapWriter<W>,
    protocol: Protocol,
    flows: HashMap<(SocketAddr, SocketAddr), Flow>,
    buf: Vec<u8>,
}

fn to_io(err: impl std::fmt::Display) -> io::Error {
    io::Error::other(err.to_string())
}

impl<W: Write> PcapSynth<W> {
    /// Writes the file header.
    pub fn new(out: W, protocol: Protocol) -> io::Result<PcapSynth<W>> {
        let header = PcapHeader {
            datalink: DataLink::RAW,
            ts_resolution: TsResolution::NanoSecond,
            snaplen: 262_144,
            ..PcapHeader::default()
        };
        let writer = PcapWriter::with_header(out, header).map_err(to_io)?;
        Ok(PcapSynth { writer, protocol, flows: HashMap::new(), buf: Vec::with_capacity(70_000) })
    }

    /// Adds the packets of one record (none for records that are not on the wire).
    pub fn push(&mut self, record: &Record) -> io::Result<()> {
        let (Some(local), Some(peer)) = (record.local, record.peer) else { return Ok(()) };
        if local.is_ipv4() != peer.is_ipv4() {
            return Ok(());
        }
        // A pcap timestamp is 32-bit seconds since 1970: say so rather than write a wrong time.
        let Some(seconds) = u32::try_from(record.time.as_second()).ok() else {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "pcap holds times from 1970 to 2106; this transcript has an event at {}",
                    record.time
                ),
            ));
        };
        let at =
            Duration::new(u64::from(seconds), u32::try_from(record.time.subsec_nanosecond()).unwrap_or(0));
        if self.protocol == Protocol::Udp {
            return match record.event {
                EventName::Sent => self.udp(at, local, peer, &record.data),
                EventName::Received => self.udp(at, peer, local, &record.data),
                EventName::Listening
                | EventName::Connected
                | EventName::Accepted
                | EventName::PeerClosed
                | EventName::ConnectionClosed
                | EventName::Failed
                | EventName::Checked
                | EventName::Step
                | EventName::StepsEnded
                | EventName::Notice
                | EventName::Closed => Ok(()),
            };
        }
        let key = (local, peer);
        if !self.flows.contains_key(&key) {
            // The side that connected sends the SYN: for Accepted, the peer.
            let client_is_local = record.event != EventName::Accepted;
            self.handshake(at, local, peer, client_is_local)?;
        }
        match record.event {
            EventName::Sent => self.data(at, key, true, &record.data),
            EventName::Received => self.data(at, key, false, &record.data),
            EventName::PeerClosed => self.fin(at, key, false),
            EventName::ConnectionClosed => {
                self.fin(at, key, true)?;
                self.fin(at, key, false)?;
                self.flows.remove(&key);
                Ok(())
            }
            EventName::Listening
            | EventName::Connected
            | EventName::Accepted
            | EventName::Failed
            | EventName::Checked
            | EventName::Step
            | EventName::StepsEnded
            | EventName::Notice
            | EventName::Closed => Ok(()),
        }
    }

    /// Flushes and returns the writer.
    pub fn finish(self) -> W {
        self.writer.into_writer()
    }

    fn write(&mut self, at: Duration) -> io::Result<()> {
        let len = u32::try_from(self.buf.len()).unwrap_or(u32::MAX);
        self.writer.write_packet(&PcapPacket::new(at, len, &self.buf)).map_err(to_io)?;
        Ok(())
    }

    fn builder(
        src: SocketAddr,
        dst: SocketAddr,
    ) -> Option<etherparse::PacketBuilderStep<etherparse::IpHeaders>> {
        match (src.ip(), dst.ip()) {
            (IpAddr::V4(s), IpAddr::V4(d)) => Some(PacketBuilder::ipv4(s.octets(), d.octets(), 64)),
            (IpAddr::V6(s), IpAddr::V6(d)) => Some(PacketBuilder::ipv6(s.octets(), d.octets(), 64)),
            _ => None,
        }
    }

    fn udp(&mut self, at: Duration, src: SocketAddr, dst: SocketAddr, payload: &[u8]) -> io::Result<()> {
        let Some(ip) = Self::builder(src, dst) else { return Ok(()) };
        self.buf.clear();
        ip.udp(src.port(), dst.port()).write(&mut self.buf, payload).map_err(to_io)?;
        self.write(at)
    }

    fn tcp(&mut self, at: Duration, segment: Segment<'_>) -> io::Result<()> {
        let Segment { src, dst, seq, ack, syn, fin, payload } = segment;
        let Some(ip) = Self::builder(src, dst) else { return Ok(()) };
        let mut step = ip.tcp(src.port(), dst.port(), seq, WINDOW);
        if syn {
            step = step.syn();
        }
        if fin {
            step = step.fin();
        }
        if let Some(ack) = ack {
            step = step.ack(ack);
        }
        if !payload.is_empty() {
            step = step.psh();
        }
        self.buf.clear();
        step.write(&mut self.buf, payload).map_err(to_io)?;
        self.write(at)
    }

    fn handshake(
        &mut self,
        at: Duration,
        local: SocketAddr,
        peer: SocketAddr,
        client_is_local: bool,
    ) -> io::Result<()> {
        let (client_isn, server_isn) = (1_000u32, 5_000u32);
        let (client, server) = if client_is_local { (local, peer) } else { (peer, local) };
        self.tcp(at, Segment::new(client, server, client_isn, None).syn())?;
        self.tcp(at, Segment::new(server, client, server_isn, Some(client_isn + 1)).syn())?;
        self.tcp(at, Segment::new(client, server, client_isn + 1, Some(server_isn + 1)))?;
        let (local_seq, peer_seq) =
            if client_is_local { (client_isn + 1, server_isn + 1) } else { (server_isn + 1, client_isn + 1) };
        self.flows.insert((local, peer), Flow { local_seq, peer_seq, local_fin: false, peer_fin: false });
        Ok(())
    }

    fn data(
        &mut self,
        at: Duration,
        key: (SocketAddr, SocketAddr),
        outgoing: bool,
        data: &[u8],
    ) -> io::Result<()> {
        let (local, peer) = key;
        for segment in data.chunks(SEGMENT_BYTES) {
            let Some(flow) = self.flows.get(&key).copied() else { return Ok(()) };
            let n = segment.len() as u32;
            if outgoing {
                self.tcp(at, Segment::new(local, peer, flow.local_seq, Some(flow.peer_seq)).with(segment))?;
                // The receiver's ACK, so the stream looks as it did on the wire.
                self.tcp(at, Segment::new(peer, local, flow.peer_seq, Some(flow.local_seq.wrapping_add(n))))?;
            } else {
                self.tcp(at, Segment::new(peer, local, flow.peer_seq, Some(flow.local_seq)).with(segment))?;
                self.tcp(at, Segment::new(local, peer, flow.local_seq, Some(flow.peer_seq.wrapping_add(n))))?;
            }
            if let Some(flow) = self.flows.get_mut(&key) {
                if outgoing {
                    flow.local_seq = flow.local_seq.wrapping_add(n);
                } else {
                    flow.peer_seq = flow.peer_seq.wrapping_add(n);
                }
            }
        }
        Ok(())
    }

    fn fin(&mut self, at: Duration, key: (SocketAddr, SocketAddr), from_local: bool) -> io::Result<()> {
        let Some(flow) = self.flows.get(&key).copied() else { return Ok(()) };
        if (from_local && flow.local_fin) || (!from_local && flow.peer_fin) {
            return Ok(());
        }
        let (local, peer) = key;
        if from_local {
            self.tcp(at, Segment::new(local, peer, flow.local_seq, Some(flow.peer_seq)).fin())?;
            self.tcp(at, Segment::new(peer, local, flow.peer_seq, Some(flow.local_seq.wrapping_add(1))))?;
        } else {
            self.tcp(at, Segment::new(peer, local, flow.peer_seq, Some(flow.local_seq)).fin())?;
            self.tcp(at, Segment::new(local, peer, flow.local_seq, Some(flow.peer_seq.wrapping_add(1))))?;
        }
        if let Some(flow) = self.flows.get_mut(&key) {
            if from_local {
                flow.local_fin = true;
                flow.local_seq = flow.local_seq.wrapping_add(1);
            } else {
                flow.peer_fin = true;
                flow.peer_seq = flow.peer_seq.wrapping_add(1);
            }
        }
        Ok(())
    }
}
