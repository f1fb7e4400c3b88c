//! What the plots draw, kept as events arrive: every round trip as a point in time (with the
//! median of the last [`MEDIAN_WINDOW`] round trips beside it), and bytes and messages per
//! second in each direction. Points go when the transcript lets their rows go, so memory
//! follows the transcript's cap; the figures in [`super::RoundTrips`] stay exact.
//!
//! Drawing a million points costs what drawing a few thousand does: [`Series::decimate`]
//! keeps, for each column of pixels, the lowest and highest point (so no spike is lost) and
//! the last median, in one pass over the visible points.

use std::collections::VecDeque;

use jiff::Timestamp;

/// Round trips the rolling median spans.
pub const MEDIAN_WINDOW: usize = 21;

/// Seconds of throughput kept (about a day); older seconds go first.
pub const MAX_SECONDS: usize = 100_000;

/// One round trip, at its time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RttPoint {
    /// Seconds since the series' first event.
    pub t: f64,
    /// The round trip, in microseconds.
    pub rtt_us: u64,
    /// The median of this round trip and the ones before it (at most [`MEDIAN_WINDOW`]).
    pub median_us: u64,
    /// The transcript row it belongs to.
    pub seq: u64,
}

/// Bytes and messages in one second.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Second {
    /// Bytes received.
    pub bytes_in: u64,
    /// Bytes sent.
    pub bytes_out: u64,
    /// Reads or datagrams received.
    pub messages_in: u64,
    /// Writes or datagrams sent.
    pub messages_out: u64,
}

/// Rates in each direction, per second.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Rates {
    /// Bytes received per second.
    pub bytes_in: f64,
    /// Bytes sent per second.
    pub bytes_out: f64,
    /// Messages received per second.
    pub messages_in: f64,
    /// Messages sent per second.
    pub messages_out: f64,
}

/// What a plot of round trips draws for one view.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Decimated {
    /// Points as `[seconds, milliseconds]`, at most two per column, in time order.
    pub points: Vec<[f64; 2]>,
    /// The row of each point.
    pub seqs: Vec<u64>,
    /// The rolling median as `[seconds, milliseconds]`, at most one per column.
    pub median: Vec<[f64; 2]>,
    /// Points in view before decimation.
    pub in_view: usize,
}

/// The time series of one transcript.
#[derive(Debug, Clone, Default)]
pub struct Series {
    origin: Option<Timestamp>,
    points: VecDeque<RttPoint>,
    recent: VecDeque<u64>,
    seconds: VecDeque<Second>,
    /// The second (since the origin) that `seconds[0]` counts.
    first_second: u64,
    total: Second,
    last_t: f64,
}

impl Series {
    /// Nothing yet.
    pub fn new() -> Series {
        Series::default()
    }

    /// Seconds from the first event to `at`.
    fn t(&mut self, at: Timestamp) -> f64 {
        let origin = *self.origin.get_or_insert(at);
        let t = at.duration_since(origin).as_secs_f64().max(0.0);
        self.last_t = self.last_t.max(t);
        t
    }

    /// Notes that something happened at `at` (the clock of the rates starts at the first event).
    pub fn touch(&mut self, at: Timestamp) {
        self.t(at);
    }

    /// Adds a round trip of row `seq`, completed at `at`.
    pub fn record_rtt(&mut self, at: Timestamp, seq: u64, rtt_us: u64) {
        let t = self.t(at);
        if self.recent.len() == MEDIAN_WINDOW {
            self.recent.pop_front();
        }
        self.recent.push_back(rtt_us);
        let mut window = [0u64; MEDIAN_WINDOW];
        let n = self.recent.len();
        for (slot, v) in window.iter_mut().zip(&self.recent) {
            *slot = *v;
        }
        let (_, median, _) = window[..n].select_nth_unstable(n / 2);
        let median_us = *median;
        // Points stay in time order even if a clock step sends one back.
        let t = self.points.back().map_or(t, |p| p.t.max(t));
        self.points.push_back(RttPoint { t, rtt_us, median_us, seq });
    }

    /// Adds bytes sent (`sent`) or received at `at`, as one message.
    pub fn record_bytes(&mut self, at: Timestamp, sent: bool, bytes: u64) {
        let second = self.t(at) as u64;
        if self.seconds.is_empty() {
            self.first_second = second;
        }
        let end = self.first_second + self.seconds.len() as u64;
        if second >= end {
            let grow = (second + 1 - end) as usize;
            if grow >= MAX_SECONDS {
                self.seconds.clear();
                self.first_second = second;
                self.seconds.push_back(Second::default());
            } else {
                self.seconds.extend(std::iter::repeat_n(Second::default(), grow));
            }
            while self.seconds.len() > MAX_SECONDS {
                self.seconds.pop_front();
                self.first_second += 1;
            }
        }
        let index = second.saturating_sub(self.first_second) as usize;
        let Some(slot) = self.seconds.get_mut(index) else { return };
        for s in [slot, &mut self.total] {
            if sent {
                s.bytes_out += bytes;
                s.messages_out += 1;
            } else {
                s.bytes_in += bytes;
                s.messages_in += 1;
            }
        }
    }

    /// Lets go the points of rows numbered below `seq` (the transcript let them go).
    pub fn forget_before(&mut self, seq: u64) {
        while self.points.front().is_some_and(|p| p.seq < seq) {
            self.points.pop_front();
        }
    }

    /// Round trips kept for plotting.
    pub fn points(&self) -> &VecDeque<RttPoint> {
        &self.points
    }

    /// Bytes and messages of each second, from `first_second()` on.
    pub fn seconds(&self) -> &VecDeque<Second> {
        &self.seconds
    }

    /// The second (since the first event) that `seconds()[0]` counts.
    pub fn first_second(&self) -> u64 {
        self.first_second
    }

    /// The first event's time.
    pub fn origin(&self) -> Option<Timestamp> {
        self.origin
    }

    /// Seconds from the first event to the last.
    pub fn span(&self) -> f64 {
        self.last_t
    }

    /// Everything sent and received.
    pub fn total(&self) -> Second {
        self.total
    }

    /// The mean rates from the first event to the last, over the run's real span (a run of
    /// 1,000 messages in 0.109 s is 9,174 messages a second); nothing until 1 ms has passed,
    /// since a rate over no time means nothing.
    pub fn mean_rates(&self) -> Rates {
        if self.last_t < 0.001 {
            return Rates::default();
        }
        per_second(self.total, self.last_t)
    }

    /// The rates of the last whole second before the newest one (or of the newest, alone).
    pub fn last_rates(&self) -> Rates {
        let n = self.seconds.len();
        let second =
            if n >= 2 { self.seconds[n - 2] } else { self.seconds.back().copied().unwrap_or_default() };
        per_second(second, 1.0)
    }

    /// The rates of the last whole second before `now`: nothing once the traffic stopped.
    pub fn rates_at(&self, now: Timestamp) -> Rates {
        let Some(origin) = self.origin else { return Rates::default() };
        let current = now.duration_since(origin).as_secs_f64().max(0.0) as u64;
        let end = self.first_second + self.seconds.len() as u64;
        match current.checked_sub(1) {
            // The second before the current one, if it is counted.
            Some(last) if last >= self.first_second && last < end => {
                per_second(self.seconds[(last - self.first_second) as usize], 1.0)
            }
            Some(_) if current < end => self.last_rates(),
            Some(_) => Rates::default(),
            None => self.last_rates(),
        }
    }

    /// The round trips between `t0` and `t1` seconds, for `columns` columns of pixels: every
    /// point when they fit, else each column's lowest and highest, and each column's last
    /// rolling median. One pass over the points in view.
    pub fn decimate(&self, t0: f64, t1: f64, columns: usize) -> Decimated {
        let columns = columns.max(1);
        let lo = self.points.partition_point(|p| p.t < t0);
        let hi = self.points.partition_point(|p| p.t <= t1);
        let in_view = hi.saturating_sub(lo);
        let mut out = Decimated { in_view, ..Decimated::default() };
        if in_view == 0 {
            return out;
        }
        let ms = |us: u64| us as f64 / 1000.0;
        let view = self.points.range(lo..hi);
        if in_view <= 2 * columns {
            out.points.reserve(in_view);
            for p in view {
                out.points.push([p.t, ms(p.rtt_us)]);
                out.seqs.push(p.seq);
                out.median.push([p.t, ms(p.median_us)]);
            }
            return out;
        }
        let width = (t1 - t0).max(f64::MIN_POSITIVE) / columns as f64;
        let mut column: Option<(usize, RttPoint, RttPoint, RttPoint)> = None;
        let flush = |c: &(usize, RttPoint, RttPoint, RttPoint), out: &mut Decimated| {
            let (_, low, high, last) = c;
            let (a, b) = if low.seq <= high.seq { (low, high) } else { (high, low) };
            out.points.push([a.t, ms(a.rtt_us)]);
            out.seqs.push(a.seq);
            if b.seq != a.seq {
                out.points.push([b.t, ms(b.rtt_us)]);
                out.seqs.push(b.seq);
            }
            out.median.push([last.t, ms(last.median_us)]);
        };
        for p in view {
            let index = (((p.t - t0) / width) as usize).min(columns - 1);
            match &mut column {
                Some((i, low, high, last)) if *i == index => {
                    if p.rtt_us < low.rtt_us {
                        *low = *p;
                    }
                    if p.rtt_us > high.rtt_us {
                        *high = *p;
                    }
                    *last = *p;
                }
                _ => {
                    if let Some(c) = &column {
                        flush(c, &mut out);
                    }
                    column = Some((index, *p, *p, *p));
                }
            }
        }
        if let Some(c) = &column {
            flush(c, &mut out);
        }
        out
    }

    /// Bytes per second in and out, as `[seconds, bytes per second]` lines, at most
    /// `columns` points each (each the busiest second of its column).
    pub fn throughput(&self, columns: usize) -> (Vec<[f64; 2]>, Vec<[f64; 2]>) {
        let columns = columns.max(1);
        let n = self.seconds.len();
        let per = n.div_ceil(columns).max(1);
        let mut incoming = Vec::with_capacity(n.min(columns) + 1);
        let mut outgoing = Vec::with_capacity(n.min(columns) + 1);
        let mut i = 0;
        while i < n {
            let end = (i + per).min(n);
            let (mut a, mut b) = (0u64, 0u64);
            for s in self.seconds.range(i..end) {
                a = a.max(s.bytes_in);
                b = b.max(s.bytes_out);
            }
            let t = (self.first_second + i as u64) as f64;
            incoming.push([t, a as f64]);
            outgoing.push([t, b as f64]);
            i = end;
        }
        (incoming, outgoing)
    }
}

fn per_second(s: Second, seconds: f64) -> Rates {
    Rates {
        bytes_in: s.bytes_in as f64 / seconds,
        bytes_out: s.bytes_out as f64 / seconds,
        messages_in: s.messages_in as f64 / seconds,
        messages_out: s.messages_out as f64 / seconds,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(ms: i64) -> Timestamp {
        Timestamp::from_millisecond(1_700_000_000_000 + ms).unwrap_or(Timestamp::UNIX_EPOCH)
    }

    #[test]
    fn the_rolling_median_follows_the_last_round_trips() {
        let mut s = Series::new();
        for (i, rtt) in [100, 900, 200].into_iter().enumerate() {
            s.record_rtt(at(i as i64), i as u64 + 1, rtt);
        }
        let medians: Vec<u64> = s.points().iter().map(|p| p.median_us).collect();
        // [100] → 100; [100, 900] → the upper middle, 900; [100, 900, 200] → 200.
        assert_eq!(medians, [100, 900, 200]);
    }

    #[test]
    fn decimation_keeps_every_spike_and_bounds_the_points() {
        let mut s = Series::new();
        for i in 0..100_000u64 {
            let rtt = if i == 54_321 { 1_000_000 } else { 100 + i % 7 };
            s.record_rtt(at((i / 10) as i64), i + 1, rtt);
        }
        let d = s.decimate(0.0, s.span(), 500);
        assert_eq!(d.in_view, 100_000);
        assert!(d.points.len() <= 1000, "{}", d.points.len());
        assert_eq!(d.points.len(), d.seqs.len());
        assert!(d.seqs.contains(&54_322), "the spike is kept");
        assert!(d.points.windows(2).all(|w| w[0][0] <= w[1][0]), "time order");
        // Few points in view: all of them.
        let d = s.decimate(1.0, 1.0099, 500);
        assert_eq!(d.points.len(), 100);
    }

    #[test]
    fn the_mean_rate_is_over_the_runs_real_span() {
        let mut s = Series::new();
        assert_eq!(s.mean_rates(), Rates::default());
        // 1,000 messages in 0.109 s: 9,174 a second, not 1,000.
        for i in 0..1000i64 {
            s.record_bytes(at(i * 109 / 999), true, 1);
        }
        let mean = s.mean_rates().messages_out;
        assert!((mean - 1000.0 / 0.109).abs() < 1.0, "{mean}");
    }

    #[test]
    fn rates_count_each_second() {
        let mut s = Series::new();
        s.record_bytes(at(0), true, 10);
        s.record_bytes(at(100), false, 10);
        s.record_bytes(at(1500), true, 30);
        s.record_bytes(at(2500), true, 1);
        assert_eq!(s.seconds().len(), 3);
        assert_eq!(s.last_rates().bytes_out, 30.0);
        assert_eq!(s.rates_at(at(2_100)).bytes_out, 30.0, "the second before the current one");
        assert_eq!(s.rates_at(at(60_000)), Rates::default(), "silence since");
        assert_eq!(s.total().bytes_out, 41);
        let (incoming, outgoing) = s.throughput(10);
        assert_eq!(incoming, vec![[0.0, 10.0], [1.0, 0.0], [2.0, 0.0]]);
        assert_eq!(outgoing[1], [1.0, 30.0]);
        let (incoming, _) = s.throughput(1);
        assert_eq!(incoming, vec![[0.0, 10.0]]);
    }

    #[test]
    fn points_go_with_their_rows() {
        let mut s = Series::new();
        for i in 1..=10 {
            s.record_rtt(at(i), i as u64, 5);
        }
        s.forget_before(8);
        assert_eq!(s.points().len(), 3);
    }
}
