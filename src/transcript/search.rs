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

/// A search over one transcript: the rows whose bytes match.
#[derive(Debug, Clone)]
pub struct Search {
    regex: Regex,
    scan: RowScan,
}

impl Search {
    /// A search that has scanned nothing yet.
    pub fn new(regex: Regex) -> Search {
        Search { regex, scan: RowScan::default() }
    }

    /// Scans the rows not yet scanned for at most `budget`; true when it has caught up.
    pub fn advance(&mut self, transcript: &Transcript, budget: Duration) -> bool {
        let regex = &self.regex;
        self.scan.advance(transcript, budget, |entry| !entry.data.is_empty() && regex.is_match(&entry.data))
    }

    /// The matching rows' numbers, oldest first.
    pub fn matches(&self) -> &[u64] {
        self.scan.kept()
    }

    /// Whether a row matches.
    pub fn is_match(&self, seq: u64) -> bool {
        self.scan.contains(seq)
    }

    /// Where in `data` the bytes match, for highlighting.
    pub fn ranges(&self, data: &[u8]) -> Vec<Range<usize>> {
        self.regex.find_iter(data).map(|m| m.range()).collect()
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

    fn found(mode: SearchMode, text: &str, t: &Transcript) -> Vec<u64> {
        let mut search = Search::new(compile(mode, text, false).unwrap_or_else(|e| panic!("{e}")));
        assert!(search.advance(t, Duration::from_secs(1)));
        search.matches().to_vec()
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
        assert_eq!(search.matches(), &[3]);
        assert_eq!(search.ranges(b"repeat, repeat"), vec![0..6, 8..14]);
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
        assert_eq!(search.matches(), &[1]);
        let more = transcript(&[b"--abc--"], usize::MAX);
        t.push(more.get(0).cloned().unwrap_or_else(|| unreachable!()));
        search.advance(&t, Duration::from_secs(1));
        assert_eq!(search.matches(), &[1, 3]);
        t.clear();
        search.advance(&t, Duration::from_secs(1));
        assert!(search.matches().is_empty());
    }
}
