//! Round-trip statistics, in one place: an hdrhistogram for the percentiles (three
//! significant digits, from 1 µs to one hour), exact count, minimum, maximum and mean, and
//! jitter as the plain mean absolute difference of consecutive round trips (not RFC 3550's
//! smoothed estimate). `send`'s summary and `socket-tester stats` use it.

use hdrhistogram::Histogram;
use serde::Serialize;

use crate::engine::error::Reason;
use crate::transcript::export::{EventName, Record};

/// Round trips as they come, in microseconds.
#[derive(Debug, Clone)]
pub struct RoundTrips {
    histogram: Histogram<u64>,
    count: u64,
    sum: u128,
    min: u64,
    max: u64,
    last: Option<u64>,
    jitter_sum: u128,
}

impl Default for RoundTrips {
    fn default() -> Self {
        RoundTrips::new()
    }
}

impl RoundTrips {
    /// None yet.
    pub fn new() -> RoundTrips {
        #[allow(clippy::expect_used)]
        // One microsecond to one hour at three significant digits: constant, valid bounds.
        let histogram = Histogram::new_with_bounds(1, 3_600_000_000, 3).expect("valid histogram bounds");
        RoundTrips { histogram, count: 0, sum: 0, min: u64::MAX, max: 0, last: None, jitter_sum: 0 }
    }

    /// Adds one round trip.
    pub fn record(&mut self, rtt_us: u64) {
        let _ = self.histogram.record(rtt_us.clamp(1, 3_600_000_000));
        self.count += 1;
        self.sum += u128::from(rtt_us);
        self.min = self.min.min(rtt_us);
        self.max = self.max.max(rtt_us);
        if let Some(last) = self.last {
            self.jitter_sum += u128::from(last.abs_diff(rtt_us));
        }
        self.last = Some(rtt_us);
    }

    /// How many.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// The figures, once there is at least one round trip.
    pub fn summary(&self) -> Option<RttSummary> {
        if self.count == 0 {
            return None;
        }
        let at = |q: f64| self.histogram.value_at_quantile(q).clamp(self.min, self.max);
        Some(RttSummary {
            min_us: self.min,
            mean_us: (self.sum / u128::from(self.count)) as u64,
            p50_us: at(0.5),
            p90_us: at(0.9),
            p99_us: at(0.99),
            p999_us: at(0.999),
            max_us: self.max,
            jitter_us: if self.count > 1 { (self.jitter_sum / u128::from(self.count - 1)) as u64 } else { 0 },
        })
    }
}

/// Round-trip figures, in microseconds. Percentiles are exact to three significant digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RttSummary {
    /// The fastest.
    pub min_us: u64,
    /// The mean.
    pub mean_us: u64,
    /// The median.
    pub p50_us: u64,
    /// 90% were at most this.
    pub p90_us: u64,
    /// 99% were at most this.
    pub p99_us: u64,
    /// 99.9% were at most this.
    pub p999_us: u64,
    /// The slowest.
    pub max_us: u64,
    /// The mean absolute difference of consecutive round trips.
    pub jitter_us: u64,
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

/// A datagram (or an echo) that never came back within the timeout.
fn is_loss(reason: &Reason) -> bool {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_round_trips_give_known_figures() {
        let mut rtts = RoundTrips::new();
        for rtt in [100, 300, 200, 400, 1000] {
            rtts.record(rtt);
        }
        let s = rtts.summary().unwrap_or_else(|| panic!("five round trips"));
        assert_eq!((s.min_us, s.max_us, s.mean_us), (100, 1000, 400));
        assert_eq!(s.p50_us, 300);
        // |300-100| + |200-300| + |400-200| + |1000-400| = 1100, over 4 differences.
        assert_eq!(s.jitter_us, 275);
        assert!(RoundTrips::new().summary().is_none());
    }

    #[test]
    fn percentiles_hold_three_significant_digits() {
        let mut rtts = RoundTrips::new();
        for rtt in 1..=100_000u64 {
            rtts.record(rtt);
        }
        let s = rtts.summary().unwrap_or_else(|| panic!("some"));
        for (got, exact) in [(s.p50_us, 50_000), (s.p90_us, 90_000), (s.p99_us, 99_000), (s.p999_us, 99_900)]
        {
            assert!(got.abs_diff(exact) * 1000 <= exact, "{got} vs {exact}");
        }
    }
}
