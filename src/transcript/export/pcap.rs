//! `.pcap` for Wireshark and tshark: raw IP packets (LINKTYPE_RAW) synthesized from the
//! transcript with the real addresses and ports. TCP connections get a handshake, sequence
//! numbers per direction and FINs, so "Follow TCP stream" shows exactly the bytes exchanged;
//! reads larger than one IP packet are split into segments. pcap-file writes the file header,
//! etherparse builds the packets' headers, and each payload goes straight from the event into
//! the writer (no packet buffer in between).

use std::collections::{HashMap, VecDeque};
use std::io::{self, Write};
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use bytes::Bytes;
use etherparse::{IpNumber, Ipv4Header, Ipv6Header, PacketBuilder, TcpHeader};
use pcap_file::pcap::PcapHeader;
use pcap_file::{DataLink, Endianness, TsResolution};

use super::{EventName, Record};
use crate::engine::Protocol;

/// Payload bytes per synthesized TCP segment: fits an IPv4 or IPv6 packet (65,535 bytes).
const SEGMENT_BYTES: usize = 65_000;
const WINDOW: u16 = 65_535;
/// Payload segments whose checksums are remembered: an echo sends the segments it received.
const REMEMBERED_SUMS: usize = 8;

/// The ones'-complement sum of `data` as big-endian 16-bit words (a last odd byte padded
/// with zero), not yet folded: summed 64 bits at a time, which is the same modulo 0xFFFF.
fn ones_sum(data: &[u8]) -> u64 {
    // RFC 1071: the ones'-complement sum does not depend on the byte order the words are
    // added in, so the bytes are summed as native 32-bit words (which the compiler turns into
    // vector adds) and swapped once at the end.
    let chunks = data.chunks_exact(4);
    let rest = chunks.remainder();
    let mut acc: u64 =
        chunks.map(|c| u64::from(u32::from_ne_bytes(<[u8; 4]>::try_from(c).unwrap_or_default()))).sum();
    let mut last = [0u8; 4];
    last[..rest.len()].copy_from_slice(rest);
    acc += u64::from(u32::from_ne_bytes(last));
    let native = fold(acc);
    u64::from(if cfg!(target_endian = "little") { native.swap_bytes() } else { native })
}

/// Folds a sum into 16 bits, ones'-complement style (end-around carry).
fn fold(sum: impl Into<u128>) -> u16 {
    let mut sum: u128 = sum.into();
    while sum >> 16 != 0 {
        sum = (sum & 0xFFFF) + (sum >> 16);
    }
    sum as u16
}

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
    /// The payload's [`ones_sum`].
    payload_sum: u64,
}

impl<'a> Segment<'a> {
    /// A bare segment (no flag, no bytes).
    fn new(src: SocketAddr, dst: SocketAddr, seq: u32, ack: Option<u32>) -> Segment<'a> {
        Segment { src, dst, seq, ack, syn: false, fin: false, payload: &[], payload_sum: 0 }
    }

    fn syn(self) -> Segment<'a> {
        Segment { syn: true, ..self }
    }

    fn fin(self) -> Segment<'a> {
        Segment { fin: true, ..self }
    }

    /// With these bytes, whose [`ones_sum`] is `payload_sum`.
    fn with(self, payload: &'a [u8], payload_sum: u64) -> Segment<'a> {
        Segment { payload, payload_sum, ..self }
    }
}

/// Turns records into packets, one at a time, remembering each TCP connection's sequence
/// numbers: used for a whole file and for live recording alike.
pub struct PcapSynth<W: Write> {
    out: W,
    protocol: Protocol,
    flows: HashMap<(SocketAddr, SocketAddr), Flow>,
    /// The last payload segments summed, each held (so that while it is here, no other bytes
    /// can have its address): an echo's segments are the same shared bytes as what was
    /// received, and are summed once.
    sums: VecDeque<(Bytes, u64)>,
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
            endianness: Endianness::native(),
            ..PcapHeader::default()
        };
        let mut out = out;
        header.write_to(&mut out).map_err(to_io)?;
        Ok(PcapSynth { out, protocol, flows: HashMap::new(), sums: VecDeque::new() })
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
                | EventName::Closed
                | EventName::Lost
                | EventName::Secured => Ok(()),
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
            | EventName::Closed
            | EventName::Lost
            | EventName::Secured => Ok(()),
        }
    }

    /// Returns the writer.
    pub fn finish(self) -> W {
        self.out
    }

    /// The writer.
    pub fn get_ref(&self) -> &W {
        &self.out
    }

    /// The writer, to take what was written (a buffer, say).
    pub fn get_mut(&mut self) -> &mut W {
        &mut self.out
    }

    /// Flushes the writer.
    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    /// A packet record's header (in the file header's native byte order): its time and its
    /// length, whole (nothing is cut to the snap length).
    fn record_header(&mut self, at: Duration, len: usize) -> io::Result<()> {
        let len = u32::try_from(len).map_err(to_io)?.to_ne_bytes();
        let seconds = u32::try_from(at.as_secs()).map_err(to_io)?.to_ne_bytes();
        let mut header = [0u8; 16];
        header[..4].copy_from_slice(&seconds);
        header[4..8].copy_from_slice(&at.subsec_nanos().to_ne_bytes());
        header[8..12].copy_from_slice(&len);
        header[12..].copy_from_slice(&len);
        self.out.write_all(&header)
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
        let step = ip.udp(src.port(), dst.port());
        self.record_header(at, step.size(payload.len()))?;
        step.write(&mut self.out, payload).map_err(to_io)
    }

    fn tcp(&mut self, at: Duration, segment: Segment<'_>) -> io::Result<()> {
        let Segment { src, dst, seq, ack, syn, fin, payload, payload_sum } = segment;
        let mut tcp = TcpHeader::new(src.port(), dst.port(), seq, WINDOW);
        tcp.syn = syn;
        tcp.fin = fin;
        if let Some(ack) = ack {
            tcp.ack = true;
            tcp.acknowledgment_number = ack;
        }
        tcp.psh = !payload.is_empty();
        let tcp_len = tcp.header_len() + payload.len();
        let tcp_len16 = u16::try_from(tcp_len).map_err(to_io)?;
        // The checksum over the pseudo-header, the header and the payload, summed in 64-bit
        // words: the payload is read once, at memory speed.
        let pseudo = match (src.ip(), dst.ip()) {
            (IpAddr::V4(s), IpAddr::V4(d)) => ones_sum(&s.octets()) + ones_sum(&d.octets()),
            (IpAddr::V6(s), IpAddr::V6(d)) => ones_sum(&s.octets()) + ones_sum(&d.octets()),
            _ => return Ok(()),
        };
        let sum = pseudo
            + u64::from(u8::from(IpNumber::TCP))
            + tcp_len as u64
            + ones_sum(&tcp.to_bytes())
            + payload_sum;
        tcp.checksum = !fold(sum);
        match (src.ip(), dst.ip()) {
            (IpAddr::V4(s), IpAddr::V4(d)) => {
                let ip =
                    Ipv4Header::new(tcp_len16, 64, IpNumber::TCP, s.octets(), d.octets()).map_err(to_io)?;
                self.record_header(at, ip.header_len() + tcp_len)?;
                ip.write(&mut self.out)?;
            }
            (IpAddr::V6(s), IpAddr::V6(d)) => {
                let ip = Ipv6Header {
                    traffic_class: 0,
                    flow_label: Default::default(),
                    payload_length: tcp_len16,
                    next_header: IpNumber::TCP,
                    hop_limit: 64,
                    source: s.octets(),
                    destination: d.octets(),
                };
                self.record_header(at, Ipv6Header::LEN + tcp_len)?;
                ip.write(&mut self.out)?;
            }
            _ => return Ok(()),
        }
        tcp.write(&mut self.out)?;
        self.out.write_all(payload)
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
        data: &Bytes,
    ) -> io::Result<()> {
        let (local, peer) = key;
        for start in (0..data.len()).step_by(SEGMENT_BYTES) {
            let Some(flow) = self.flows.get(&key).copied() else { return Ok(()) };
            let segment = data.slice(start..usize::min(start + SEGMENT_BYTES, data.len()));
            let sum = self.payload_sum(&segment);
            let n = segment.len() as u32;
            if outgoing {
                self.tcp(
                    at,
                    Segment::new(local, peer, flow.local_seq, Some(flow.peer_seq)).with(&segment, sum),
                )?;
                // The receiver's ACK, so the stream looks as it did on the wire.
                self.tcp(at, Segment::new(peer, local, flow.peer_seq, Some(flow.local_seq.wrapping_add(n))))?;
            } else {
                self.tcp(
                    at,
                    Segment::new(peer, local, flow.peer_seq, Some(flow.local_seq)).with(&segment, sum),
                )?;
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

    /// A payload segment's [`ones_sum`], remembered: summed once when an echo sends it again.
    fn payload_sum(&mut self, segment: &Bytes) -> u64 {
        if let Some((_, sum)) = self.sums.iter().find(|(held, _)| super::same_buffer(held, segment)) {
            return *sum;
        }
        let sum = ones_sum(segment);
        if self.sums.len() == REMEMBERED_SUMS {
            self.sums.pop_front();
        }
        self.sums.push_back((segment.clone(), sum));
        sum
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

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// An echo's segments take the checksums summed for what was received (the same shared
    /// bytes); other bytes of the same length, and a slice of the same bytes, are summed
    /// afresh. Every packet's checksum is the one etherparse computes.
    #[test]
    fn echoed_and_other_payloads_each_carry_their_own_checksum() {
        let (local, peer): (SocketAddr, SocketAddr) =
            ("127.0.0.1:10000".parse().unwrap(), "127.0.0.1:40000".parse().unwrap());
        let record = |event: EventName, data: &Bytes| {
            let mut record: Record = serde_json::from_value(serde_json::json!({
                "time": "2026-11-30T12:00:00Z", "session": 1, "conn": 1, "event": event,
                "local": local, "peer": peer,
            }))
            .unwrap();
            record.data = data.clone();
            record
        };
        let big = Bytes::from((0..150_000u32).map(|i| (i % 251) as u8).collect::<Vec<u8>>());
        let other = Bytes::from(vec![7u8; 150_000]);
        let none = Bytes::new();
        let mut synth = PcapSynth::new(Vec::new(), Protocol::Tcp).unwrap();
        for record in [
            record(EventName::Accepted, &none),
            record(EventName::Received, &big),
            record(EventName::Sent, &big),
            record(EventName::Sent, &other),
            record(EventName::Sent, &big.slice(1..)),
            record(EventName::ConnectionClosed, &none),
        ] {
            synth.push(&record).unwrap();
        }
        let file = synth.finish();
        let mut reader = pcap_file::pcap::PcapReader::new(&file[..]).unwrap();
        let mut with_data = 0;
        while let Some(packet) = reader.next_packet() {
            let packet = packet.unwrap();
            let sliced = etherparse::SlicedPacket::from_ip(&packet.data).unwrap();
            let Some(etherparse::NetSlice::Ipv4(ip)) = sliced.net else { panic!("not IPv4") };
            let Some(etherparse::TransportSlice::Tcp(tcp)) = sliced.transport else { panic!("not TCP") };
            let expected =
                tcp.to_header().calc_checksum_ipv4(&ip.header().to_header(), tcp.payload()).unwrap();
            assert_eq!(tcp.checksum(), expected, "packet {with_data}");
            with_data += usize::from(!tcp.payload().is_empty());
        }
        // 150,000 and 149,999 bytes are 3 segments each.
        assert_eq!(with_data, 4 * 3);
    }

    proptest! {
        /// Our packets are byte for byte what etherparse builds, checksums included.
        #[test]
        fn tcp_packets_match_etherparse(
            payload in proptest::collection::vec(any::<u8>(), 0..3000),
            v6 in any::<bool>(),
            ports in (any::<u16>(), any::<u16>()),
            seq in any::<u32>(),
            ack in proptest::option::of(any::<u32>()),
            flags in (any::<bool>(), any::<bool>()),
        ) {
            let (src, dst) = if v6 {
                (SocketAddr::from(([0xfe80, 0, 0, 0, 1, 2, 3, 4], ports.0)), SocketAddr::from(([0, 0, 0, 0, 0, 0, 0, 1], ports.1)))
            } else {
                (SocketAddr::from(([10, 1, 2, 3], ports.0)), SocketAddr::from(([127, 0, 0, 1], ports.1)))
            };
            let mut ours = PcapSynth::new(Vec::new(), Protocol::Tcp).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let header_len = ours.get_ref().len();
            let mut segment = Segment::new(src, dst, seq, ack).with(&payload, ones_sum(&payload));
            if flags.0 { segment = segment.syn(); }
            if flags.1 { segment = segment.fin(); }
            ours.tcp(Duration::from_secs(1), segment).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let ours = &ours.get_ref()[header_len + 16..];

            let mut step = PcapSynth::<Vec<u8>>::builder(src, dst)
                .ok_or_else(|| TestCaseError::fail("builder"))?
                .tcp(src.port(), dst.port(), seq, WINDOW);
            if flags.0 { step = step.syn(); }
            if flags.1 { step = step.fin(); }
            if let Some(ack) = ack { step = step.ack(ack); }
            if !payload.is_empty() { step = step.psh(); }
            let mut theirs = Vec::new();
            step.write(&mut theirs, &payload).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(ours, &theirs[..]);
        }
    }
}
