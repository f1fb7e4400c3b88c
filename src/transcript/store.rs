//! The recorded exchange of one session: [`Entry`]s in a memory-capped store.
//!
//! Ingesting is cheap (no text is rendered until a row is shown) so that a million events fit
//! in well under a second. The memory retained is capped; when the cap is reached the oldest
//! entries are let go, the counters stay exact, and [`Transcript::dropped`] says how many
//! lines were not retained. Each row shows its own bytes only: a character split across TCP
//! reads shows as escapes on both rows, as the bytes arrived (never joined into a row that
//! does not hold them), so rendering one row needs no other row.

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;

use bytes::Bytes;
use jiff::Timestamp;

use super::line::Direction;
use super::render::escape;
use crate::engine::script::StepOutcome;
use crate::engine::{EchoCheck, Event, EventKind, Link, Protocol};

/// The default memory cap of one transcript.
pub const DEFAULT_CAP_BYTES: usize = 256 * 1024 * 1024;
/// Rows show at most this many bytes of text; the hex pane shows everything.
pub const PREVIEW_BYTES: usize = 512;

/// One line of a transcript.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Its number in the transcript, from 1, never reused (not even after [`Transcript::clear`]):
    /// a selection holds this, so it names the same event however many older rows go.
    pub seq: u64,
    /// When it happened.
    pub at: Timestamp,
    /// Microseconds since the previous entry of this transcript.
    pub dt_us: u64,
    /// The connection number within the transcript (0: none).
    pub conn: u64,
    /// Which way.
    pub direction: Direction,
    /// The other side, when known.
    pub peer: Option<SocketAddr>,
    /// The exact bytes (empty for events).
    pub data: Bytes,
    /// The echo this read completed: its round-trip time and verdict.
    pub echo: Option<EchoCheck>,
    /// A datagram longer than the buffer.
    pub truncated: bool,
    /// Any event that is not plain data (a connection, a failure, a notice), whole, so that
    /// every view renders it from the one vocabulary.
    pub event: Option<Box<EventKind>>,
}

impl Entry {
    /// This row's bytes as one line of escaped text (an incomplete character as `\xNN`).
    /// Long payloads are cut at [`PREVIEW_BYTES`] with an ellipsis.
    pub fn text(&self) -> String {
        let cut = self.data.len().min(PREVIEW_BYTES);
        let mut text = escape(&self.data[..cut]);
        if cut < self.data.len() {
            text.push('…');
        }
        text
    }

    /// The round-trip time of the echo this read completed.
    pub fn rtt_us(&self) -> Option<u64> {
        self.echo.map(|e| e.rtt_us)
    }

    /// Whether this read completed an echo that differs from what was sent.
    pub fn echo_differs(&self) -> bool {
        self.echo.is_some_and(|e| !e.matches)
    }

    /// Whether this row is a failure: an error, an echo that differs, or an expectation or
    /// step that failed.
    pub fn is_failure(&self) -> bool {
        self.direction == Direction::Error
            || self.echo_differs()
            || match self.event.as_deref() {
                Some(EventKind::Checked { check, .. }) => !check.passed(),
                Some(EventKind::Step { outcome, .. }) => {
                    matches!(outcome, StepOutcome::Failed { .. } | StepOutcome::Error { .. })
                }
                _ => false,
            }
    }

    fn retained_bytes(&self) -> usize {
        std::mem::size_of::<Entry>() + self.data.len()
    }
}

/// Exact totals of a transcript, whatever it retained.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counters {
    /// Every entry ever added.
    pub entries: u64,
    /// Bytes received.
    pub bytes_in: u64,
    /// Bytes sent.
    pub bytes_out: u64,
    /// Failures.
    pub errors: u64,
    /// Echoes that matched.
    pub echoes_ok: u64,
    /// Echoes that did not.
    pub echoes_bad: u64,
    /// Replies that passed their expectation.
    pub checks_ok: u64,
    /// Replies that failed it.
    pub checks_bad: u64,
    /// Steps that passed.
    pub steps_passed: u64,
    /// Steps that failed.
    pub steps_failed: u64,
    /// Sum of round-trip times, for the average.
    pub rtt_sum_us: u64,
    /// The last round-trip time.
    pub rtt_last_us: Option<u64>,
}

impl Counters {
    /// The average round-trip time.
    pub fn rtt_avg_us(&self) -> Option<u64> {
        let n = self.echoes_ok + self.echoes_bad;
        (n > 0 && self.rtt_last_us.is_some()).then(|| self.rtt_sum_us / n)
    }
}

/// The largest value of each column a view shows, since the start or the last clear, so that
/// every column can be as wide as its widest value without scanning the rows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Widest {
    /// The longest payload, in bytes.
    pub bytes: usize,
    /// The longest gap between rows of each unit a duration is written in, in microseconds:
    /// under a millisecond, under a second, and longer (`999 µs` can be wider than `1.20 ms`).
    pub dt_us: [u64; 3],
    /// The highest connection number.
    pub conn: u64,
    /// The peer with the longest written form.
    pub peer: Option<SocketAddr>,
    /// The first peer seen.
    pub first_peer: Option<SocketAddr>,
    /// More than one peer was seen (else a Peer column says the same thing on every row).
    pub several_peers: bool,
    /// The longest round trip of each unit, as for `dt_us`.
    pub rtt_us: [u64; 3],
}

/// Which of a duration's written units `us` takes: µs, ms or s.
fn unit(us: u64) -> usize {
    match us {
        0..1_000 => 0,
        1_000..1_000_000 => 1,
        _ => 2,
    }
}

/// The length of an address's written form (`[::1]:10000` is 11).
fn written_len(addr: &SocketAddr) -> usize {
    use std::fmt::Write as _;
    struct Count(usize);
    impl std::fmt::Write for Count {
        fn write_str(&mut self, s: &str) -> std::fmt::Result {
            self.0 += s.len();
            Ok(())
        }
    }
    let mut count = Count(0);
    let _ = write!(count, "{addr}");
    count.0
}

/// A session's transcript.
#[derive(Debug)]
pub struct Transcript {
    entries: VecDeque<Entry>,
    cap_bytes: usize,
    retained: usize,
    dropped: u64,
    counters: Counters,
    stream: bool,
    links: HashMap<u64, Link>,
    last_at: Option<Timestamp>,
    next_seq: u64,
    live: crate::stats::Live,
    widest: Widest,
    /// The last peer measured, and its written length (most rows repeat the last peer).
    last_peer: Option<(SocketAddr, usize)>,
}

impl Transcript {
    /// The protocol of the session it records.
    pub fn protocol(&self) -> Protocol {
        if self.stream { Protocol::Tcp } else { Protocol::Udp }
    }

    /// An empty transcript. `stream` is true for TCP (characters may straddle reads).
    pub fn new(stream: bool, cap_bytes: usize) -> Transcript {
        Transcript {
            entries: VecDeque::new(),
            cap_bytes,
            retained: 0,
            dropped: 0,
            counters: Counters::default(),
            stream,
            links: HashMap::new(),
            last_at: None,
            next_seq: 1,
            live: crate::stats::Live::new(),
            widest: Widest::default(),
            last_peer: None,
        }
    }

    /// Entries retained, oldest first.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether nothing is retained.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// One retained entry.
    pub fn get(&self, index: usize) -> Option<&Entry> {
        self.entries.get(index)
    }

    /// The index of the entry numbered `seq`, while it is retained.
    pub fn index_of(&self, seq: u64) -> Option<usize> {
        let first = self.entries.front()?.seq;
        let index = usize::try_from(seq.checked_sub(first)?).ok()?;
        (self.entries.get(index)?.seq == seq).then_some(index)
    }

    /// All retained entries, oldest first.
    pub fn iter(&self) -> impl Iterator<Item = &Entry> {
        self.entries.iter()
    }

    /// Entries let go to respect the memory cap.
    pub fn dropped(&self) -> u64 {
        self.dropped
    }

    /// The exact totals.
    pub fn counters(&self) -> &Counters {
        &self.counters
    }

    /// Round trips, losses and the plots' series since the start or the last clear (exact
    /// figures; the plots' points go with their rows).
    pub fn live(&self) -> &crate::stats::Live {
        &self.live
    }

    /// The largest value of each column, for sizing them.
    pub fn widest(&self) -> &Widest {
        &self.widest
    }

    /// The memory cap in bytes.
    pub fn cap_bytes(&self) -> usize {
        self.cap_bytes
    }

    /// Changes the cap, letting the oldest entries go if needed.
    pub fn set_cap_bytes(&mut self, cap_bytes: usize) {
        self.cap_bytes = cap_bytes;
        self.enforce_cap();
    }

    /// Bytes retained now (entries and payloads).
    pub fn retained_bytes(&self) -> usize {
        self.retained
    }

    /// The two ends of a connection, when known.
    pub fn link(&self, conn: u64) -> Option<&Link> {
        self.links.get(&conn)
    }

    /// Whether this transcript decodes text across reads (TCP).
    pub fn is_stream(&self) -> bool {
        self.stream
    }

    /// Forgets every entry and counter.
    pub fn clear(&mut self) {
        let next_seq = self.next_seq;
        *self = Transcript::new(self.stream, self.cap_bytes);
        self.next_seq = next_seq;
    }

    /// Adds an event, under connection number `conn` (the caller's numbering, 0 for none).
    pub fn push_event(&mut self, event: &Event, conn: u64) {
        let link = event.kind.link().copied();
        if let Some(link) = link {
            self.links.entry(conn).or_insert(Link { conn, ..link });
        }
        let peer = link.map(|l| l.peer);
        let mut entry = Entry {
            seq: 0,
            at: event.at,
            dt_us: 0,
            conn,
            direction: Direction::of(&event.kind),
            peer,
            data: Bytes::new(),
            echo: None,
            truncated: false,
            event: None,
        };
        match &event.kind {
            EventKind::Listening { local, .. } => entry.peer = Some(*local),
            EventKind::Connected(_)
            | EventKind::Accepted(_)
            | EventKind::PeerClosed(_)
            | EventKind::Secured { .. } => {}
            EventKind::Sent { data, .. } => {
                self.counters.bytes_out += data.len() as u64;
                entry.data = data.clone();
            }
            EventKind::Received { data, truncated, echo, .. } => {
                self.counters.bytes_in += data.len() as u64;
                entry.data = data.clone();
                entry.truncated = *truncated;
                if let Some(echo) = echo {
                    entry.echo = Some(*echo);
                    self.counters.rtt_last_us = Some(echo.rtt_us);
                    self.counters.rtt_sum_us += echo.rtt_us;
                    if echo.matches {
                        self.counters.echoes_ok += 1;
                    } else {
                        self.counters.echoes_bad += 1;
                    }
                }
            }
            EventKind::Failed { .. } => self.counters.errors += 1,
            // A datagram without its echo: a failed echo, not an error of the session.
            EventKind::Lost { .. } => self.counters.echoes_bad += 1,
            EventKind::Checked { check, .. } => {
                if check.passed() {
                    self.counters.checks_ok += 1;
                } else {
                    self.counters.checks_bad += 1;
                }
            }
            EventKind::ConnectionClosed { .. }
            | EventKind::Notice(_)
            | EventKind::Closed { .. }
            | EventKind::StepsEnded(_) => {}
            EventKind::Step { outcome, .. } => match outcome {
                StepOutcome::Passed => self.counters.steps_passed += 1,
                StepOutcome::Failed { .. } | StepOutcome::Error { .. } => self.counters.steps_failed += 1,
                StepOutcome::Skipped => {}
            },
        }
        if !matches!(event.kind, EventKind::Sent { .. } | EventKind::Received { .. }) {
            entry.event = Some(Box::new(event.kind.clone()));
        }
        self.push(entry);
    }

    /// Adds a prepared entry (for a reopened transcript, or a UI's own notes).
    pub fn push(&mut self, mut entry: Entry) {
        entry.seq = self.next_seq;
        self.next_seq += 1;
        if let Some(last) = self.last_at {
            entry.dt_us = u64::try_from(entry.at.duration_since(last).as_micros()).unwrap_or(0);
        }
        self.last_at = Some(entry.at);
        self.counters.entries += 1;
        self.observe(&entry);
        self.retained += entry.retained_bytes();
        self.entries.push_back(entry);
        self.enforce_cap();
    }

    /// Feeds the statistics and the widest values with one new row.
    fn observe(&mut self, entry: &Entry) {
        let widest = &mut self.widest;
        widest.bytes = widest.bytes.max(entry.data.len());
        let dt = &mut widest.dt_us[unit(entry.dt_us)];
        *dt = (*dt).max(entry.dt_us);
        widest.conn = widest.conn.max(entry.conn);
        if let Some(rtt) = entry.rtt_us() {
            let slot = &mut widest.rtt_us[unit(rtt)];
            *slot = (*slot).max(rtt);
        }
        if let Some(peer) = entry.peer
            && self.last_peer.is_none_or(|(last, _)| last != peer)
        {
            let len = written_len(&peer);
            self.last_peer = Some((peer, len));
            match widest.first_peer {
                None => widest.first_peer = Some(peer),
                Some(first) => widest.several_peers |= first != peer,
            }
            if widest.peer.is_none_or(|p| written_len(&p) < len) {
                widest.peer = Some(peer);
            }
        }
        match entry.direction {
            Direction::Sent => self.live.bytes(entry.at, true, entry.data.len() as u64),
            Direction::Received => self.live.bytes(entry.at, false, entry.data.len() as u64),
            Direction::Event | Direction::Error => {}
        }
        if let Some(rtt) = entry.rtt_us() {
            self.live.round_trip(entry.at, entry.seq, rtt);
        }
        match entry.event.as_deref() {
            Some(EventKind::Checked { check, .. }) => self.live.round_trip(entry.at, entry.seq, check.rtt_us),
            Some(EventKind::Failed { error, .. }) => self.live.failure(entry.at, &error.reason),
            Some(EventKind::Lost { .. }) => self.live.loss(entry.at),
            _ => {}
        }
    }

    fn enforce_cap(&mut self) {
        let before = self.dropped;
        while self.retained > self.cap_bytes && self.entries.len() > 1 {
            if let Some(old) = self.entries.pop_front() {
                self.retained -= old.retained_bytes();
                self.dropped += 1;
            }
        }
        if self.dropped != before
            && let Some(first) = self.entries.front()
        {
            self.live.series.forget_before(first.seq);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::net::SocketAddr;

    use super::*;

    fn link() -> Link {
        let a: SocketAddr = "127.0.0.1:1".parse().unwrap_or(SocketAddr::from(([127, 0, 0, 1], 1)));
        Link { conn: 1, local: a, peer: a }
    }

    fn received(data: &[u8]) -> Event {
        Event {
            at: Timestamp::now(),
            session: 1,
            kind: EventKind::Received {
                link: link(),
                data: Bytes::copy_from_slice(data),
                truncated: false,
                echo: None,
            },
        }
    }

    #[test]
    fn each_row_shows_its_own_bytes_and_a_split_character_as_escapes() {
        // TCP rows are never joined: a character cut by a read shows as the bytes each holds.
        let mut t = Transcript::new(true, DEFAULT_CAP_BYTES);
        let message = "123456789012345á".as_bytes();
        t.push_event(&received(&message[..16]), 1);
        t.push_event(&received(&message[16..]), 1);
        let emoji = "a😀b".as_bytes();
        for part in [&emoji[..2], &emoji[2..3], &emoji[3..]] {
            t.push_event(&received(part), 1);
        }
        let texts: Vec<String> = t.iter().map(Entry::text).collect();
        assert_eq!(texts, ["123456789012345\\xC3", "\\xA1", "a\\xF0", "\\x9F", "\\x98\\x80b"]);
        // UDP alike.
        let mut t = Transcript::new(false, DEFAULT_CAP_BYTES);
        t.push_event(&received(&[0xC3]), 1);
        t.push_event(&received(&[0xA1]), 1);
        let texts: Vec<String> = t.iter().map(Entry::text).collect();
        assert_eq!(texts, ["\\xC3", "\\xA1"]);
    }

    #[test]
    fn the_cap_lets_old_entries_go_and_the_counters_stay_exact() {
        let mut t = Transcript::new(true, 100 * (std::mem::size_of::<Entry>() + 10));
        for _ in 0..1000 {
            t.push_event(&received(&[b'x'; 10]), 1);
        }
        assert_eq!(t.len(), 100);
        assert_eq!(t.dropped(), 900);
        assert_eq!(t.counters().bytes_in, 10_000);
        assert_eq!(t.counters().entries, 1000);
        let first = t.get(0).map(|e| e.seq);
        assert_eq!(first, Some(901));
        assert_eq!(t.index_of(901), Some(0));
        assert_eq!(t.index_of(900), None, "a row let go is not found, nor another in its place");
        assert_eq!(t.index_of(1000), Some(99));
        assert_eq!(t.index_of(1001), None);
    }

    #[test]
    fn rtt_counters() {
        let mut t = Transcript::new(true, DEFAULT_CAP_BYTES);
        for rtt_us in [100, 300] {
            let echo = Some(EchoCheck { rtt_us, matches: true, bytes: 1 });
            let kind =
                EventKind::Received { link: link(), data: Bytes::from_static(b"x"), truncated: false, echo };
            t.push_event(&Event { at: Timestamp::now(), session: 1, kind }, 1);
        }
        assert_eq!(t.counters().rtt_last_us, Some(300));
        assert_eq!(t.counters().rtt_avg_us(), Some(200));
        assert_eq!(t.get(1).and_then(Entry::rtt_us), Some(300));
    }
}
