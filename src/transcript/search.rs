//! Finding bytes in a transcript: text (case-insensitive unless asked), a regular expression,
//! or hex bytes (`??` for any byte). Every kind becomes one byte regex matched against each
//! row's exact bytes, never against the rendered text, so a text search and a hex search of
//! the same bytes find the same rows.
//!
//! The search is incremental: [`Search::advance`] scans the rows it has not seen for at most
//! a time budget, so a frame stays within its budget over a million rows, and it follows new
//! rows as they arrive and rows let go by the memory cap.

use std::ops::Range;
use std::time::{Duration, Instant};

use regex::bytes::{Regex, RegexBuilder};

use super::line::Direction;
use super::store::{Entry, Transcript};
use crate::engine::expect::parse_hex_pattern;

/// What the query's text is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SearchMode {
    /// Literal text (UTF-8).
    #[default]
    Text,
    /// A regular expression over the bytes.
    Regex,
    /// Hex bytes, `??` for any byte.
    Hex,
}

impl SearchMode {
    /// Every mode, in the order the bar shows them.
    pub const ALL: [SearchMode; 3] = [SearchMode::Text, SearchMode::Regex, SearchMode::Hex];
}

/// The bytes to look for.
pub fn compile(mode: SearchMode, text: &str, case_sensitive: bool) -> Result<Regex, String> {
    let pattern = match mode {
        SearchMode::Text => regex::escape(text),
        SearchMode::Regex => text.to_string(),
        SearchMode::Hex => {
            let bytes = parse_hex_pattern(text).map_err(|e| e.0)?;
            // Bytes, not characters: `(?s-u)` makes `.` any byte and `\xNN` one byte.
            let mut pattern = String::from("(?s-u)");
            for byte in bytes {
                match byte {
                    Some(b) => pattern.push_str(&format!("\\x{b:02X}")),
                    None => pattern.push('.'),
                }
            }
            pattern
        }
    };
    let insensitive = !case_sensitive && mode != SearchMode::Hex;
    RegexBuilder::new(&pattern).case_insensitive(insensitive).build().map_err(|e| e.to_string())
}

/// The rows of a transcript that pass a test, by their number ([`Entry::seq`]), found
/// incrementally: [`RowScan::advance`] looks at the rows it has not seen for at most a time
/// budget, follows new rows, and forgets rows let go by the memory cap. Search and filters
/// share it.
///
/// [`Entry::seq`]: super::store::Entry::seq
#[derive(Debug, Clone, Default)]
pub struct RowScan {
    /// The kept rows' numbers, ascending.
    kept: Vec<u64>,
    /// The next row number to look at.
    next_seq: u64,
}

impl RowScan {
    /// Looks at the rows not yet seen for at most `budget`; true when it has caught up.
    pub fn advance(
        &mut self,
        transcript: &Transcript,
        budget: Duration,
        mut keep: impl FnMut(&Entry) -> bool,
    ) -> bool {
        let started = Instant::now();
        // Rows let go by the memory cap (or cleared) take their places in the list with them.
        let first = transcript.get(0).map_or(u64::MAX, |e| e.seq);
        let gone = self.kept.partition_point(|&seq| seq < first);
        self.kept.drain(..gone);
        let start = if self.next_seq <= first {
            0
        } else {
            transcript.index_of(self.next_seq).unwrap_or(transcript.len())
        };
        for index in start..transcript.len() {
            let Some(entry) = transcript.get(index) else { break };
            if keep(entry) {
                self.kept.push(entry.seq);
            }
            self.next_seq = entry.seq + 1;
            if index % 1024 == 1023 && started.elapsed() >= budget {
                return index + 1 == transcript.len();
            }
        }
        true
    }

    /// The kept rows' numbers, oldest first.
    pub fn kept(&self) -> &[u64] {
        &self.kept
    }

    /// Whether a row is kept.
    pub fn contains(&self, seq: u64) -> bool {
        self.kept.binary_search(&seq).is_ok()
    }
}

/// One match: where it starts and where it ends, each as a row's number and a byte offset in
/// that row's data (the end is exclusive). A match that spans reads starts in one row and ends
/// in a later row of the same connection and direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    /// The row it starts in, and the offset there.
    pub start: (u64, usize),
    /// The row it ends in, and the offset just past its last byte there.
    pub end: (u64, usize),
}

/// The last bytes of one connection's stream in one direction, the newest read's included, so
/// that a match can start in earlier reads and end in a new one: the bytes, and the row each
/// piece of them came from.
#[derive(Debug, Clone, Default)]
struct Tail {
    bytes: Vec<u8>,
    /// (row number, where its bytes start in `bytes`, the offset of that start in its row),
    /// in order.
    pieces: Vec<(u64, usize, usize)>,
}

impl Tail {
    /// Appends a read; returns how many bytes came before it.
    fn push(&mut self, seq: u64, data: &[u8]) -> usize {
        let before = self.bytes.len();
        self.pieces.push((seq, before, 0));
        self.bytes.extend_from_slice(data);
        before
    }

    /// Keeps only the last `reach` bytes (a piece cut in two keeps its later part).
    fn trim(&mut self, reach: usize) {
        let cut = self.bytes.len().saturating_sub(reach);
        if cut == 0 {
            return;
        }
        let first = self.pieces.partition_point(|p| p.1 <= cut).saturating_sub(1);
        self.pieces.drain(..first);
        for (_, start, offset) in &mut self.pieces {
            let from = (*start).max(cut);
            *offset += from - *start;
            *start = from - cut;
        }
        self.bytes.drain(..cut);
    }

    /// The rows that bytes `range` of the tail came from, each with the range in its own data.
    fn parts(&self, range: Range<usize>) -> impl Iterator<Item = (u64, Range<usize>)> + '_ {
        let first = self.pieces.partition_point(|p| p.1 <= range.start).saturating_sub(1);
        self.pieces[first..].iter().enumerate().map_while(move |(i, &(seq, start, offset))| {
            let end = self.pieces.get(first + i + 1).map_or(self.bytes.len(), |p| p.1);
            let (from, to) = (range.start.max(start), range.end.min(end));
            (from < to).then(|| (seq, offset + from - start..offset + to - start))
        })
    }
}

/// A search over one transcript, run over the joined stream of each connection and direction
/// (so text that a peer's reads split, `Content-Leng` | `th`, is found), with every match
/// counted once and its bytes known in every row it covers.
#[derive(Debug, Clone)]
pub struct Search {
    regex: Regex,
    /// How many earlier bytes of a stream a match may reach back into.
    reach: usize,
    scan: RowScan,
    tails: std::collections::HashMap<(u64, bool), Tail>,
    /// The stream of the row looked at last, kept out of the map: the next row is usually
    /// of the same connection and direction.
    current: Option<((u64, bool), Tail)>,
    hits: Vec<Hit>,
    /// For every row holding part of a match, the matched byte ranges in its data.
    rows: std::collections::BTreeMap<u64, Vec<Range<usize>>>,
}

/// How far back into earlier reads a regular expression may reach: a match that starts further
/// back is not found across reads (one within a read always is). Every read is searched with
/// this many bytes before it, so it is kept short.
const REGEX_REACH: usize = 256;

/// A stream's tail grows to this (or twice the reach) before it is cut back to the reach, so
/// that bytes are moved once per few hundred reads, not at each.
const TAIL_SLACK: usize = 4096;

/// How many bytes before a read a match of this query can start: one less than the longest
/// match of a text (a case-folded character is at most 3 bytes longer per byte typed) or
/// hex query; [`REGEX_REACH`] for a regular expression.
pub fn reach(mode: SearchMode, text: &str) -> usize {
    match mode {
        SearchMode::Text => (text.len() * 3).min(REGEX_REACH),
        SearchMode::Hex => parse_hex_pattern(text).map_or(0, |bytes| bytes.len()),
        SearchMode::Regex => REGEX_REACH,
    }
}

impl Search {
    /// A search that has scanned nothing yet, whose matches reach back as far as a regular
    /// expression's may.
    pub fn new(regex: Regex) -> Search {
        Search::with_reach(regex, REGEX_REACH)
    }

    /// A search whose matches reach back at most `reach` bytes into earlier reads.
    pub fn with_reach(regex: Regex, reach: usize) -> Search {
        Search {
            regex,
            reach,
            scan: RowScan::default(),
            tails: Default::default(),
            current: None,
            hits: Vec::new(),
            rows: Default::default(),
        }
    }

    /// Scans the rows not yet scanned for at most `budget`; true when it has caught up.
    pub fn advance(&mut self, transcript: &Transcript, budget: Duration) -> bool {
        // Rows let go by the memory cap take their matches with them.
        let first = transcript.get(0).map_or(u64::MAX, |e| e.seq);
        if self.hits.first().is_some_and(|h| h.start.0 < first) {
            self.hits.retain(|h| h.start.0 >= first);
            self.rows = self.rows.split_off(&first);
        }
        let Search { regex, reach, scan, tails, current, hits, rows } = self;
        scan.advance(transcript, budget, |entry| {
            if entry.data.is_empty() {
                return false;
            }
            let key = (entry.conn, entry.direction == Direction::Sent);
            if current.as_ref().is_none_or(|(k, _)| *k != key) {
                if let Some((k, tail)) = current.take() {
                    tails.insert(k, tail);
                }
                *current = Some((key, tails.remove(&key).unwrap_or_default()));
            }
            let Some((_, tail)) = current.as_mut() else { return false };
            let before = tail.push(entry.seq, &entry.data);
            // A new match ends in this read and starts at most `reach` bytes before it.
            let from = before.saturating_sub(*reach);
            let window = &tail.bytes[from..];
            let mut matched = false;
            if regex.is_match(window) {
                for found in regex.find_iter(window) {
                    let (start, end) = (from + found.start(), from + found.end());
                    // A match that ends within the earlier bytes was found with them.
                    if end <= before || start == end {
                        continue;
                    }
                    let mut first = None;
                    let mut last = None;
                    matched = true;
                    for (seq, range) in tail.parts(start..end) {
                        first.get_or_insert((seq, range.start));
                        last = Some((seq, range.end));
                        rows.entry(seq).or_default().push(range);
                    }
                    if let (Some(start), Some(end)) = (first, last) {
                        hits.push(Hit { start, end });
                    }
                }
            }
            if tail.bytes.len() > TAIL_SLACK.max(2 * *reach) {
                tail.trim(*reach);
            }
            // Every new match ends in this row, so the row holds part of it.
            matched
        })
    }

    /// Every match, in the order found.
    pub fn hits(&self) -> &[Hit] {
        &self.hits
    }

    /// Whether a row holds part of a match.
    pub fn is_match(&self, seq: u64) -> bool {
        self.rows.contains_key(&seq)
    }

    /// The matched byte ranges of a row's data (matches that span reads give each row its
    /// part), for highlighting.
    pub fn ranges(&self, seq: u64) -> Vec<Range<usize>> {
        self.rows.get(&seq).cloned().unwrap_or_default()
    }
}

/// Which rows a transcript view shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowFilter {
    /// Bytes sent.
    pub sent: bool,
    /// Bytes received.
    pub received: bool,
    /// Events (connections, notices).
    pub events: bool,
    /// Errors.
    pub errors: bool,
    /// Only failures: errors, echoes that differ, failed expectations and steps.
    pub only_failures: bool,
    /// Only this connection's rows (its number in the transcript).
    pub conn: Option<u64>,
    /// Only rows with this peer.
    pub peer: Option<std::net::SocketAddr>,
    /// Only rows at or after this time.
    pub from: Option<jiff::Timestamp>,
    /// Only rows at or before this time.
    pub until: Option<jiff::Timestamp>,
}

impl Default for RowFilter {
    fn default() -> Self {
        RowFilter {
            sent: true,
            received: true,
            events: true,
            errors: true,
            only_failures: false,
            conn: None,
            peer: None,
            from: None,
            until: None,
        }
    }
}

impl RowFilter {
    /// Whether it shows every row.
    pub fn is_everything(&self) -> bool {
        *self == RowFilter::default()
    }

    /// Whether it shows this row.
    pub fn keeps(&self, entry: &Entry) -> bool {
        let direction = match entry.direction {
            Direction::Sent => self.sent,
            Direction::Received => self.received,
            Direction::Event => self.events,
            Direction::Error => self.errors,
        };
        direction
            && (!self.only_failures || entry.is_failure())
            && self.conn.is_none_or(|conn| entry.conn == conn)
            && self.peer.is_none_or(|peer| entry.peer == Some(peer))
            && self.from.is_none_or(|from| entry.at >= from)
            && self.until.is_none_or(|until| entry.at <= until)
    }
}

/// A transcript's rows through a filter, kept up to date incrementally.
#[derive(Debug, Clone, Default)]
pub struct Filtered {
    filter: RowFilter,
    scan: RowScan,
}

impl Filtered {
    /// The rows `filter` keeps (none looked at yet).
    pub fn new(filter: RowFilter) -> Filtered {
        Filtered { filter, scan: RowScan::default() }
    }

    /// The filter.
    pub fn filter(&self) -> RowFilter {
        self.filter
    }

    /// Looks at the rows not yet seen for at most `budget`; true when it has caught up.
    pub fn advance(&mut self, transcript: &Transcript, budget: Duration) -> bool {
        let filter = self.filter;
        self.scan.advance(transcript, budget, |entry| filter.keeps(entry))
    }

    /// The shown rows' numbers, oldest first.
    pub fn rows(&self) -> &[u64] {
        self.scan.kept()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::single_range_in_vec_init)]
mod tests {
    use std::net::SocketAddr;

    use bytes::Bytes;
    use jiff::Timestamp;

    use super::*;
    use crate::engine::{Event, EventKind, Link};

    fn transcript(payloads: &[&[u8]], cap: usize) -> Transcript {
        let addr: SocketAddr = "127.0.0.1:10000".parse().unwrap_or_else(|_| unreachable!());
        let link = Link { conn: 1, local: addr, peer: addr };
        let mut t = Transcript::new(true, cap);
        for data in payloads {
            let kind = EventKind::Sent { link, data: Bytes::copy_from_slice(data) };
            t.push_event(&Event { at: Timestamp::now(), session: 1, kind }, 1);
        }
        t
    }

    /// The row each match starts in, in the order found.
    fn starts(search: &Search) -> Vec<u64> {
        search.hits().iter().map(|hit| hit.start.0).collect()
    }

    fn found(mode: SearchMode, text: &str, t: &Transcript) -> Vec<u64> {
        let mut search = Search::new(compile(mode, text, false).unwrap_or_else(|e| panic!("{e}")));
        assert!(search.advance(t, Duration::from_secs(1)));
        starts(&search)
    }

    #[test]
    fn text_regex_and_hex_agree_on_the_bytes() {
        let t =
            transcript(&[b"This is the message.", b"It will be REPEATED", b"\x00\xffrepeat\xc3"], usize::MAX);
        assert_eq!(found(SearchMode::Text, "repeat", &t), vec![2, 3]);
        assert_eq!(found(SearchMode::Hex, "72 65 70 65 61 74", &t), vec![3], "hex is exact");
        assert_eq!(found(SearchMode::Hex, "52 45 50 45 41 54", &t), vec![2]);
        assert_eq!(found(SearchMode::Hex, "00 ?? 72", &t), vec![3]);
        assert_eq!(found(SearchMode::Regex, r"mes+age\.$", &t), vec![1]);
        assert!(compile(SearchMode::Regex, "(", false).is_err());
        assert!(compile(SearchMode::Hex, "4G", false).is_err());
        let case = compile(SearchMode::Text, "repeat", true).unwrap_or_else(|e| panic!("{e}"));
        let mut search = Search::new(case);
        search.advance(&t, Duration::from_secs(1));
        assert_eq!(starts(&search), [3]);
        assert_eq!(search.ranges(3), vec![2..8]);
    }

    #[test]
    fn text_split_across_reads_is_found_once_with_each_reads_part() {
        // An HTTP header read 16 bytes at a time: "Content-Length" spans two reads.
        let t = transcript(
            &[b"HTTP/1.0 200 OK\r", b"\nServer: x\r\nCont", b"ent-Length: 104", b"8576\r\n\r\n"],
            usize::MAX,
        );
        let mut search = Search::new(compile(SearchMode::Text, "content-length", false).unwrap());
        assert!(search.advance(&t, Duration::from_secs(1)));
        assert_eq!(search.hits(), [Hit { start: (2, 12), end: (3, 10) }]);
        assert_eq!(starts(&search), [2], "one match, counted once, shown from the row it starts in");
        assert_eq!((search.ranges(2), search.ranges(3)), (vec![12..16], vec![0..10]));
        assert!(search.is_match(2) && search.is_match(3) && !search.is_match(1));
        // A hex search across three reads, and a match wholly in one read.
        let t = transcript(&[b"ab", b"c", b"de", b"xabcdex"], usize::MAX);
        let mut search = Search::new(compile(SearchMode::Hex, "61 62 63 64 65", false).unwrap());
        search.advance(&t, Duration::from_secs(1));
        assert_eq!(search.hits(), [Hit { start: (1, 0), end: (3, 2) }, Hit { start: (4, 1), end: (4, 6) }]);
        assert_eq!(search.ranges(2), vec![0..1]);
        // Another connection's bytes do not join this one's.
        let mut t = transcript(&[b"Conten"], usize::MAX);
        let mut other = transcript(&[b"t-Length"], usize::MAX).get(0).cloned().unwrap();
        other.conn = 2;
        t.push(other);
        let mut search = Search::new(compile(SearchMode::Text, "content-length", false).unwrap());
        search.advance(&t, Duration::from_secs(1));
        assert!(search.hits().is_empty());
    }

    #[test]
    fn a_long_stream_keeps_only_its_reach() {
        let reads: Vec<Vec<u8>> = (0..2000).map(|i| format!("{i:05}|").into_bytes()).collect();
        let refs: Vec<&[u8]> = reads.iter().map(Vec::as_slice).collect();
        let t = transcript(&refs, usize::MAX);
        let mut search = Search::with_reach(compile(SearchMode::Text, "|01234|", false).unwrap(), 8);
        search.advance(&t, Duration::from_secs(5));
        assert_eq!(starts(&search), [1234], "found across two reads");
        let longest =
            search.tails.values().chain(search.current.as_ref().map(|(_, t)| t)).map(|t| t.bytes.len()).max();
        assert!(longest.is_some_and(|len| len <= TAIL_SLACK + 6), "{longest:?}");
    }

    #[test]
    fn filters_by_connection_peer_and_time_combine() {
        let t = transcript(&[b"a", b"b", b"c", b"d"], usize::MAX);
        let mut rows: Vec<Entry> = t.iter().cloned().collect();
        let other: SocketAddr = "[::1]:5".parse().unwrap_or_else(|_| unreachable!());
        rows[1].conn = 2;
        rows[1].peer = Some(other);
        let start = Timestamp::UNIX_EPOCH;
        for (i, row) in rows.iter_mut().enumerate() {
            row.at = start + jiff::SignedDuration::from_millis(i as i64);
        }
        let kept = |f: RowFilter| -> Vec<u64> { rows.iter().filter(|e| f.keeps(e)).map(|e| e.seq).collect() };
        assert_eq!(kept(RowFilter { conn: Some(2), ..RowFilter::default() }), vec![2]);
        assert_eq!(kept(RowFilter { conn: Some(1), ..RowFilter::default() }), vec![1, 3, 4]);
        assert_eq!(kept(RowFilter { peer: Some(other), ..RowFilter::default() }), vec![2]);
        let (second, third) = (rows[1].at, rows[2].at);
        let range = RowFilter { from: Some(second), until: Some(third), ..RowFilter::default() };
        assert_eq!(kept(range), vec![2, 3]);
        assert_eq!(kept(RowFilter { sent: false, ..range }), Vec::<u64>::new());
        assert!(!range.is_everything());
    }

    #[test]
    fn new_rows_are_followed_and_rows_let_go_take_their_matches() {
        let mut t = transcript(&[b"abc", b"xyz"], usize::MAX);
        let mut search =
            Search::new(compile(SearchMode::Text, "abc", false).unwrap_or_else(|e| panic!("{e}")));
        search.advance(&t, Duration::from_secs(1));
        assert_eq!(starts(&search), [1]);
        let more = transcript(&[b"--abc--"], usize::MAX);
        t.push(more.get(0).cloned().unwrap_or_else(|| unreachable!()));
        search.advance(&t, Duration::from_secs(1));
        assert_eq!(starts(&search), [1, 3]);
        t.clear();
        search.advance(&t, Duration::from_secs(1));
        assert!(starts(&search).is_empty());
    }
}
