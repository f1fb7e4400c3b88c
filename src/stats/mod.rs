//! Statistics, in one place: a transcript's round trips (folded into figures by
//! [`crate::rtt`]), losses and the series the plots draw ([`series`]), and a saved
//! transcript's figures. `send`'s summary, `socket-tester stats`, `load` and the window's
//! statistics panel use it.

pub mod series;

use serde::Serialize;

pub use crate::rtt::{Bin, Percentiles, RoundTrips, RttSummary};

use crate::engine::error::Reason;
use crate::transcript::export::{EventName, Record};

/// A transcript's figures, kept as its rows arrive: round trips, losses, and the series the
/// plots draw.
#[derive(Debug, Clone, Default)]
pub struct Live {
    /// Every round trip (exact, whatever the transcript lets go).
    pub rtts: RoundTrips,
    /// Points and per-second counts for the plots.
    pub series: series::Series,
    /// Datagrams (or echoes) that never came back within the timeout.
    pub lost: u64,
}

impl Live {
    /// Nothing yet.
    pub fn new() -> Live {
        Live::default()
    }

    /// A round trip completed by row `seq` at `at`.
    pub fn round_trip(&mut self, at: jiff::Timestamp, seq: u64, rtt_us: u64) {
        self.rtts.record(rtt_us);
        self.series.record_rtt(at, seq, rtt_us);
    }

    /// Bytes sent (`sent`) or received in one message at `at`.
    pub fn bytes(&mut self, at: jiff::Timestamp, sent: bool, bytes: u64) {
        self.series.record_bytes(at, sent, bytes);
    }

    /// A datagram lost at `at` (no echo within the timeout; the client went on).
    pub fn loss(&mut self, at: jiff::Timestamp) {
        self.series.touch(at);
        self.lost += 1;
    }

    /// A failure at `at`: counted as a loss when it is one.
    pub fn failure(&mut self, at: jiff::Timestamp, reason: &Reason) {
        self.series.touch(at);
        if is_loss(reason) {
            self.lost += 1;
        }
    }
}

/// The figures of a saved transcript (`socket-tester stats FILE.jsonl`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct TranscriptStats {
    /// Round trips measured (echoes and checked replies).
    pub count: u64,
    /// See [`RttSummary`]; absent with no round trip.
    pub min_us: Option<u64>,
    /// The mean.
    pub mean_us: Option<u64>,
    /// The median.
    pub p50_us: Option<u64>,
    /// The 90th percentile.
    pub p90_us: Option<u64>,
    /// The 99th percentile.
    pub p99_us: Option<u64>,
    /// The 99.9th percentile.
    pub p999_us: Option<u64>,
    /// The slowest.
    pub max_us: Option<u64>,
    /// Mean absolute difference of consecutive round trips.
    pub jitter_us: Option<u64>,
    /// Datagrams sent without an answer within the timeout.
    pub lost: u64,
    /// Bytes received.
    pub bytes_in: u64,
    /// Bytes sent.
    pub bytes_out: u64,
    /// Reads (TCP) or datagrams (UDP) received.
    pub messages_in: u64,
    /// Writes or datagrams sent.
    pub messages_out: u64,
    /// Echoes and expectations that passed.
    pub passed: u64,
    /// Echoes and expectations that failed.
    pub failed: u64,
    /// From the first event to the last, in seconds.
    pub seconds: f64,
}

impl TranscriptStats {
    /// The round-trip figures, when there was a round trip.
    pub fn summary(&self) -> Option<RttSummary> {
        Some(RttSummary {
            min_us: self.min_us?,
            mean_us: self.mean_us?,
            p50_us: self.p50_us?,
            p90_us: self.p90_us?,
            p99_us: self.p99_us?,
            p999_us: self.p999_us?,
            max_us: self.max_us?,
            jitter_us: self.jitter_us?,
        })
    }
}

/// A datagram (or an echo) that never came back within the timeout.
pub fn is_loss(reason: &Reason) -> bool {
    matches!(reason, Reason::NoReply { .. } | Reason::NoEchoWithin { .. })
}

/// The figures of a transcript's records.
pub fn of_records(records: &[Record]) -> TranscriptStats {
    let mut rtts = RoundTrips::new();
    let mut stats = TranscriptStats::default();
    for record in records {
        match record.event {
            EventName::Received => {
                stats.bytes_in += record.data.len() as u64;
                stats.messages_in += 1;
                if let (Some(rtt), Some(ok)) = (record.rtt_us, record.echo_ok) {
                    rtts.record(rtt);
                    if ok {
                        stats.passed += 1;
                    } else {
                        stats.failed += 1;
                    }
                }
            }
            EventName::Sent => {
                stats.bytes_out += record.data.len() as u64;
                stats.messages_out += 1;
            }
            EventName::Checked => {
                if let Some(check) = &record.check {
                    rtts.record(check.rtt_us);
                    if check.passed() {
                        stats.passed += 1;
                    } else {
                        stats.failed += 1;
                    }
                }
            }
            EventName::Lost => {
                stats.lost += 1;
                stats.failed += 1;
            }
            EventName::Failed if record.error.as_ref().is_some_and(|e| is_loss(&e.reason)) => {
                stats.lost += 1;
                stats.failed += 1;
            }
            _ => {}
        }
    }
    if let (Some(first), Some(last)) = (records.first(), records.last()) {
        stats.seconds = last.time.duration_since(first.time).as_secs_f64().max(0.0);
    }
    stats.count = rtts.count();
    if let Some(s) = rtts.summary() {
        stats.min_us = Some(s.min_us);
        stats.mean_us = Some(s.mean_us);
        stats.p50_us = Some(s.p50_us);
        stats.p90_us = Some(s.p90_us);
        stats.p99_us = Some(s.p99_us);
        stats.p999_us = Some(s.p999_us);
        stats.max_us = Some(s.max_us);
        stats.jitter_us = Some(s.jitter_us);
    }
    stats
}
