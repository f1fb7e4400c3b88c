//! The Messages view of a transcript: per connection and direction, consecutive reads joined
//! into one message until the direction changes, the peer pauses longer than a gap, or a
//! framing boundary ends it (a delimiter, or N bytes), so a response read 16 bytes at a time
//! reads as one row. Events and errors stay rows of their own, and end their connection's
//! open messages; UDP datagrams are messages as they are.
//!
//! The rows are found incrementally ([`Messages::advance`] looks at new transcript rows for at
//! most a time budget), follow rows as they arrive and forget the ones the memory cap lets go,
//! so a million reads cost a few frames, once. The bytes are never copied: a message is the
//! list of its reads' numbers.

use std::collections::{HashMap, VecDeque};
use std::ops::Range;
use std::time::{Duration, Instant};

use jiff::Timestamp;

use super::line::Direction;
use super::search::RowFilter;
use super::store::{Entry, Transcript};

/// The gap after which the next read starts a new message, by default.
pub const DEFAULT_GAP_MS: u64 = 100;

/// Where a message ends besides a change of direction or a gap: the session's framing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Boundary {
    /// Only a change of direction or a gap.
    #[default]
    None,
    /// After these bytes (`\n` for line framing).
    Delimiter(Vec<u8>),
    /// After this many bytes.
    Bytes(usize),
}

/// How reads are joined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Joining {
    /// A pause longer than this (in milliseconds) ends a message.
    pub gap_ms: u64,
    /// The session's framing.
    pub boundary: Boundary,
    /// Only messages whose first row the filter keeps (`None`: every one).
    pub filter: Option<RowFilter>,
}

impl Default for Joining {
    fn default() -> Self {
        Joining { gap_ms: DEFAULT_GAP_MS, boundary: Boundary::None, filter: None }
    }
}

/// One row of the Messages view: its reads (or its one event), by number, oldest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// The rows it joins; the first gives its time, connection, peer and direction.
    pub reads: Vec<u64>,
    /// Its bytes in all.
    pub len: usize,
}

impl Message {
    /// The row it starts with.
    pub fn first(&self) -> u64 {
        self.reads[0]
    }

    /// Whether it holds this row.
    pub fn holds(&self, seq: u64) -> bool {
        self.reads.binary_search(&seq).is_ok()
    }

    /// Its bytes from `range` (of the joined bytes), with where each read starts inside them:
    /// for showing the start of a long message without copying the rest.
    pub fn bytes(&self, transcript: &Transcript, range: Range<usize>) -> (Vec<u8>, Vec<usize>) {
        let mut out = Vec::new();
        let mut starts = Vec::new();
        let mut at = 0;
        for &seq in &self.reads {
            if at >= range.end {
                break;
            }
            let Some(entry) = transcript.index_of(seq).and_then(|i| transcript.get(i)) else { continue };
            let (from, to) = (at, at + entry.data.len());
            at = to;
            if to <= range.start {
                continue;
            }
            let (a, b) = (range.start.max(from) - from, range.end.min(to) - from);
            if from >= range.start {
                starts.push(out.len());
            }
            out.extend_from_slice(&entry.data[a..b]);
        }
        (out, starts)
    }
}

/// A message still taking reads: where it is and what ends it.
#[derive(Debug, Clone, PartialEq)]
struct Open {
    /// Its place, counted from the first message ever made.
    index: usize,
    last_at: Timestamp,
    /// Its last bytes, as long as the delimiter, to see one split across reads.
    tail: Vec<u8>,
}

/// A transcript's rows as messages, kept up to date incrementally.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Messages {
    joining: Joining,
    rows: VecDeque<Message>,
    /// Messages let go from the front (the memory cap).
    dropped: usize,
    open: HashMap<(u64, bool), Open>,
    /// The next transcript row to look at.
    next_seq: u64,
}

impl Messages {
    /// The messages of a transcript, joined as `joining` says (none looked at yet).
    pub fn new(joining: Joining) -> Messages {
        Messages { joining, ..Messages::default() }
    }

    /// How reads are joined.
    pub fn joining(&self) -> &Joining {
        &self.joining
    }

    /// How many messages.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The message at `index` (0 is the oldest kept).
    pub fn get(&self, index: usize) -> Option<&Message> {
        self.rows.get(index)
    }

    /// The place of the message that holds row `seq`, if it is shown. Messages start in row
    /// order; the one holding `seq` starts at or before it, within the rows still open then.
    pub fn index_of(&self, seq: u64) -> Option<usize> {
        let after = self.rows.partition_point(|m| m.first() <= seq);
        // A message holding `seq` started before it; interleaved connections put at most a few
        // thousand messages between them in practice, and this looks at most that far.
        (after.saturating_sub(10_000)..after).rev().find(|&i| self.rows[i].holds(seq))
    }

    /// Looks at the transcript rows not yet seen for at most `budget`; true when caught up.
    pub fn advance(&mut self, transcript: &Transcript, budget: Duration) -> bool {
        let started = Instant::now();
        let first = transcript.get(0).map_or(u64::MAX, |e| e.seq);
        while self.rows.front().is_some_and(|m| m.first() < first) {
            self.rows.pop_front();
            self.dropped += 1;
        }
        let start = if self.next_seq <= first {
            0
        } else {
            transcript.index_of(self.next_seq).unwrap_or(transcript.len())
        };
        let stream = transcript.is_stream();
        for index in start..transcript.len() {
            let Some(entry) = transcript.get(index) else { break };
            self.take(entry, stream);
            self.next_seq = entry.seq + 1;
            if index % 1024 == 1023 && started.elapsed() >= budget {
                return index + 1 == transcript.len();
            }
        }
        true
    }

    /// Adds one transcript row: to its connection's open message, or as a new one.
    fn take(&mut self, entry: &Entry, stream: bool) {
        let data = matches!(entry.direction, Direction::Sent | Direction::Received) && !entry.data.is_empty();
        if !data {
            // An event ends what its connection was saying, both ways.
            if entry.conn > 0 {
                self.open.remove(&(entry.conn, true));
                self.open.remove(&(entry.conn, false));
            }
            self.push(entry, Message { reads: vec![entry.seq], len: 0 });
            return;
        }
        let sent = entry.direction == Direction::Sent;
        // The other direction speaks: the message the other way is over.
        self.open.remove(&(entry.conn, !sent));
        let gap = Duration::from_millis(self.joining.gap_ms);
        let key = (entry.conn, sent);
        let joined = stream
            && self.open.get(&key).is_some_and(|open| {
                let pause = entry.at.duration_since(open.last_at);
                pause.is_negative() || pause.unsigned_abs() <= gap
            });
        let index = match (joined, self.open.get(&key)) {
            (true, Some(open)) => {
                let index = open.index;
                if let Some(message) = index.checked_sub(self.dropped).and_then(|i| self.rows.get_mut(i)) {
                    message.reads.push(entry.seq);
                    message.len += entry.data.len();
                }
                index
            }
            _ => {
                let index = self.dropped + self.rows.len();
                let message = Message { reads: vec![entry.seq], len: entry.data.len() };
                if !self.push(entry, message) {
                    self.open.remove(&key);
                    return;
                }
                index
            }
        };
        if !stream {
            return;
        }
        let open = self.open.entry(key).or_insert(Open { index, last_at: entry.at, tail: Vec::new() });
        open.index = index;
        open.last_at = entry.at;
        // The framing's boundary ends the message after this read.
        let ended = match &self.joining.boundary {
            Boundary::None => false,
            Boundary::Delimiter(delimiter) if delimiter.is_empty() => false,
            Boundary::Delimiter(delimiter) => {
                open.tail.extend_from_slice(&entry.data);
                let keep = open.tail.len().saturating_sub(delimiter.len());
                open.tail.drain(..keep);
                open.tail.ends_with(delimiter)
            }
            Boundary::Bytes(n) => {
                let len = index.checked_sub(self.dropped).and_then(|i| self.rows.get(i)).map_or(0, |m| m.len);
                *n > 0 && len >= *n
            }
        };
        if ended {
            self.open.remove(&key);
        }
    }

    /// Adds a message if the filter keeps its first row; says whether it did.
    fn push(&mut self, entry: &Entry, message: Message) -> bool {
        if self.joining.filter.as_ref().is_some_and(|f| !f.keeps(entry)) {
            return false;
        }
        self.rows.push_back(message);
        true
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::net::SocketAddr;

    use bytes::Bytes;

    use super::*;
    use crate::engine::{Event, EventKind, Link};

    /// A transcript of (connection, sent?, bytes, milliseconds since the start) reads.
    fn transcript(rows: &[(u64, bool, &[u8], i64)]) -> Transcript {
        let addr: SocketAddr = "127.0.0.1:10000".parse().unwrap();
        let mut t = Transcript::new(true, usize::MAX);
        let start = Timestamp::UNIX_EPOCH;
        for &(conn, sent, data, ms) in rows {
            let link = Link { conn, local: addr, peer: addr };
            let data = Bytes::copy_from_slice(data);
            let kind = if sent {
                EventKind::Sent { link, data }
            } else {
                EventKind::Received { link, data, truncated: false, echo: None }
            };
            t.push_event(
                &Event { at: start + jiff::SignedDuration::from_millis(ms), session: 1, kind },
                conn,
            );
        }
        t
    }

    fn joined(t: &Transcript, joining: Joining) -> Vec<Vec<u64>> {
        let mut m = Messages::new(joining);
        assert!(m.advance(t, Duration::from_secs(1)));
        (0..m.len()).map(|i| m.get(i).unwrap().reads.clone()).collect()
    }

    #[test]
    fn reads_join_until_the_direction_changes_or_a_gap() {
        let t = transcript(&[
            (1, true, b"Este es el mensaje. Se repetir\xc3\xa1.", 0),
            (1, false, b"Este es el mensa", 1),
            (1, false, b"je. Se repetir\xc3", 2),
            (1, false, b"\xa1.", 3),
            (1, false, b"late", 500),
            (1, true, b"again", 501),
        ]);
        assert_eq!(joined(&t, Joining::default()), vec![vec![1], vec![2, 3, 4], vec![5], vec![6]]);
        let mut m = Messages::new(Joining::default());
        m.advance(&t, Duration::from_secs(1));
        let message = m.get(1).unwrap();
        assert_eq!(message.len, 33);
        let (bytes, starts) = message.bytes(&t, 0..usize::MAX);
        assert_eq!(
            std::str::from_utf8(&bytes).unwrap(),
            "Este es el mensaje. Se repetirá.",
            "a split character is whole"
        );
        assert_eq!(starts, vec![0, 16, 31]);
        let (bytes, starts) = message.bytes(&t, 10..20);
        assert_eq!((bytes.as_slice(), starts), (&b" mensaje. "[..], vec![6]));
        assert_eq!(m.index_of(3), Some(1));
        assert_eq!(m.index_of(6), Some(3));
    }

    #[test]
    fn connections_join_apart_and_framing_ends_a_message() {
        let t = transcript(&[
            (1, false, b"GET / HT", 0),
            (2, false, b"PING\r", 1),
            (1, false, b"TP/1.0\r\n", 2),
            (2, false, b"\nPING\r\n", 3),
            (2, false, b"PI", 4),
            (2, false, b"NG\r\n", 5),
        ]);
        assert_eq!(joined(&t, Joining::default()), vec![vec![1, 3], vec![2, 4, 5, 6]]);
        let lines = Joining { boundary: Boundary::Delimiter(b"\r\n".to_vec()), ..Joining::default() };
        // A delimiter split across reads ends the message too.
        assert_eq!(joined(&t, lines), vec![vec![1, 3], vec![2, 4], vec![5, 6]]);
        // Eight bytes end "GET / HT" at once; the rest of that line is a message of its own.
        let fixed = Joining { boundary: Boundary::Bytes(8), ..Joining::default() };
        assert_eq!(joined(&t, fixed), vec![vec![1], vec![2, 4], vec![3], vec![5, 6]]);
        let only_two = Joining {
            filter: Some(RowFilter { conn: Some(2), ..RowFilter::default() }),
            ..Joining::default()
        };
        assert_eq!(joined(&t, only_two), vec![vec![2, 4, 5, 6]]);
    }

    #[test]
    fn new_rows_join_the_open_message_and_rows_let_go_take_theirs() {
        let mut t = transcript(&[(1, false, b"ab", 0)]);
        let mut m = Messages::new(Joining::default());
        m.advance(&t, Duration::from_secs(1));
        let more = transcript(&[(1, false, b"cd", 0)]);
        t.push(more.get(0).cloned().unwrap());
        m.advance(&t, Duration::from_secs(1));
        assert_eq!((m.len(), m.get(0).unwrap().len), (1, 4));
        t.clear();
        m.advance(&t, Duration::from_secs(1));
        assert!(m.is_empty());
    }
}
