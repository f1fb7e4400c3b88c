//! Round trips folded into figures: an hdrhistogram for the percentiles (three significant
//! digits, from 1 µs to one hour), exact count, minimum, maximum and mean, and jitter as the
//! plain mean absolute difference of consecutive round trips (not RFC 3550's smoothed
//! estimate). It imports nothing of this crate, so the engine's load generator and every
//! front end share it; [`crate::stats`] builds a transcript's figures on it.

use hdrhistogram::Histogram;
use serde::Serialize;

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
    /// Consecutive differences summed in `jitter_sum`.
    diffs: u64,
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
        RoundTrips { histogram, count: 0, sum: 0, min: u64::MAX, max: 0, last: None, jitter_sum: 0, diffs: 0 }
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
            self.diffs += 1;
        }
        self.last = Some(rtt_us);
    }

    /// Adds another set of round trips (another connection's): the jitter stays the mean of
    /// each set's consecutive differences.
    pub fn merge(&mut self, other: &RoundTrips) {
        if other.count == 0 {
            return;
        }
        let _ = self.histogram.add(&other.histogram);
        self.count += other.count;
        self.sum += other.sum;
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
        self.jitter_sum += other.jitter_sum;
        self.diffs += other.diffs;
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
            jitter_us: if self.diffs > 0 { (self.jitter_sum / u128::from(self.diffs)) as u64 } else { 0 },
        })
    }
}

/// One bar of a histogram of round trips: those from `lo_us` up to (not including) `hi_us`;
/// the last bar holds every round trip from its `lo_us` on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bin {
    /// The bar's lowest round trip.
    pub lo_us: u64,
    /// Where the next bar starts.
    pub hi_us: u64,
    /// Round trips in it.
    pub count: u64,
}

impl RoundTrips {
    /// The round trips as at most `bars` bars of equal width, from the fastest to the slowest;
    /// when a few outliers lie far beyond the rest (the slowest more than 4 × p99), the bars
    /// end at p99 and the last one holds the slowest 1 % too. Exact to three significant digits.
    pub fn bins(&self, bars: usize) -> Vec<Bin> {
        let Some(s) = self.summary() else { return Vec::new() };
        let bars = bars.max(1) as u64;
        let top = if s.max_us > 4 * s.p99_us.max(1) { s.p99_us } else { s.max_us };
        let lo = s.min_us;
        let width = (top.saturating_sub(lo) + 1).div_ceil(bars).max(1);
        let bars = (top.saturating_sub(lo) + 1).div_ceil(width).max(1);
        let mut out: Vec<Bin> =
            (0..bars).map(|i| Bin { lo_us: lo + i * width, hi_us: lo + (i + 1) * width, count: 0 }).collect();
        for value in self.histogram.iter_recorded() {
            let v = self.histogram.median_equivalent(value.value_iterated_to()).clamp(lo, s.max_us);
            let index = ((v - lo) / width).min(bars - 1) as usize;
            out[index].count += value.count_at_value();
        }
        out
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

impl RttSummary {
    /// The times as the window, the report and the command line list them: min, mean, the
    /// percentiles and max, each with its name.
    pub fn named(&self) -> [(&'static str, u64); 7] {
        [
            ("min", self.min_us),
            ("mean", self.mean_us),
            ("p50", self.p50_us),
            ("p90", self.p90_us),
            ("p99", self.p99_us),
            ("p99.9", self.p999_us),
            ("max", self.max_us),
        ]
    }
}

/// Round-trip (or connect) time percentiles, in microseconds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Percentiles {
    /// Median.
    pub p50: f64,
    /// 90th percentile.
    pub p90: f64,
    /// 99th percentile.
    pub p99: f64,
    /// 99.9th percentile.
    pub p999: f64,
    /// Slowest.
    pub max: f64,
    /// Mean.
    pub mean: f64,
    /// How many were measured.
    pub samples: u64,
}

impl Percentiles {
    /// The percentiles of a histogram of nanoseconds (a load run's round trips or connects).
    pub fn of(h: &Histogram<u64>) -> Option<Percentiles> {
        if h.is_empty() {
            return None;
        }
        let us = |ns: u64| ns as f64 / 1000.0;
        Some(Percentiles {
            p50: us(h.value_at_quantile(0.50)),
            p90: us(h.value_at_quantile(0.90)),
            p99: us(h.value_at_quantile(0.99)),
            p999: us(h.value_at_quantile(0.999)),
            max: us(h.max()),
            mean: h.mean() / 1000.0,
            samples: h.len(),
        })
    }
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
    fn bins_hold_every_round_trip_and_outliers_go_in_the_last() {
        let mut rtts = RoundTrips::new();
        for rtt in 100..200u64 {
            rtts.record(rtt);
        }
        let bins = rtts.bins(10);
        assert_eq!(bins.len(), 10);
        assert_eq!(bins.iter().map(|b| b.count).sum::<u64>(), 100);
        assert!(bins.iter().all(|b| b.count == 10), "{bins:?}");
        assert_eq!((bins[0].lo_us, bins[9].hi_us), (100, 200));
        // One outlier far beyond the rest: the bars end near p99 and the last holds it.
        for _ in 0..99 {
            for rtt in 100..200u64 {
                rtts.record(rtt);
            }
        }
        rtts.record(1_000_000);
        let bins = rtts.bins(10);
        assert_eq!(bins.iter().map(|b| b.count).sum::<u64>(), 10_001);
        assert!(bins.last().is_some_and(|b| b.hi_us < 1_000_000));
        assert!(RoundTrips::new().bins(10).is_empty());
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
