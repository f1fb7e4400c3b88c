//! A load run's results: a few lines for people, one JSON line for scripts.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Duration;

use serde::Serialize;

use super::{LoadConfig, Mode, Tally};
use crate::engine::Protocol;
pub use crate::rtt::Percentiles;

/// Everything a load run measured. Its JSON form is the run's last line of output.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// "tcp" or "udp".
    pub protocol: &'static str,
    /// The server's address.
    pub target: String,
    /// "ping-pong", "stream" or "connect".
    pub mode: &'static str,
    /// Concurrent connections (TCP) or sockets (UDP).
    pub connections: usize,
    /// Bytes per message.
    pub size: usize,
    /// Client threads.
    pub threads: usize,
    /// Messages (connections in connect mode) asked for, if a count was given.
    pub count: Option<u64>,
    /// Messages per second asked for, if limited.
    pub rate: Option<f64>,
    /// Wall time of the run, in seconds.
    pub elapsed_s: f64,
    /// "count", "duration", "interrupted", or "failures" (every connection failed early).
    pub stopped_by: &'static str,
    /// Bytes written.
    pub bytes_sent: u64,
    /// Bytes echoed back and verified.
    pub bytes_echoed: u64,
    /// Messages fully sent.
    pub messages_sent: u64,
    /// Messages fully echoed and verified.
    pub messages_echoed: u64,
    /// Verified echo bytes per second.
    pub echo_bytes_per_s: f64,
    /// Verified echoes per second.
    pub echoes_per_s: f64,
    /// Connections opened (TCP) or sockets opened (UDP).
    pub connects: u64,
    /// Connections opened per second.
    pub connects_per_s: f64,
    /// Connections (or sockets) that got at least one echo.
    pub served: u64,
    /// Round-trip times.
    pub rtt_us: Option<Percentiles>,
    /// TCP connect times.
    pub connect_us: Option<Percentiles>,
    /// UDP datagrams with no echo within the timeout.
    pub lost: u64,
    /// Lost datagrams as a share of those sent.
    pub loss_ratio: f64,
    /// UDP echoes that came after their datagram was counted lost.
    pub late: u64,
    /// UDP echoes of a datagram that was already echoed (a peer that answers twice).
    pub duplicates: u64,
    /// Echoes that differed from what was sent.
    pub mismatches: u64,
    /// Failures of every kind, mismatches included.
    pub errors: u64,
    /// Each distinct failure message and how often it happened.
    pub error_messages: BTreeMap<String, u64>,
    /// True when nothing failed, no datagram was lost or echoed twice, and every echo that came
    /// back was right.
    pub ok: bool,
}

impl Report {
    pub(super) fn new(config: &LoadConfig, tally: Tally, elapsed: Duration, interrupted: bool) -> Report {
        let secs = elapsed.as_secs_f64().max(1e-9);
        let done = match config.mode {
            Mode::Connect => tally.connects,
            _ => tally.messages_sent,
        };
        let stopped_by = if interrupted {
            "interrupted"
        } else if config.count.is_some_and(|count| done >= count) {
            "count"
        } else if elapsed >= config.duration {
            "duration"
        } else {
            "failures"
        };
        Report {
            protocol: match config.protocol {
                Protocol::Tcp => "tcp",
                Protocol::Udp => "udp",
            },
            target: config.target.to_string(),
            mode: config.mode.label(),
            connections: config.connections,
            size: config.size,
            threads: config.threads,
            count: config.count,
            rate: config.rate,
            elapsed_s: secs,
            stopped_by,
            bytes_sent: tally.bytes_sent,
            bytes_echoed: tally.bytes_received,
            messages_sent: tally.messages_sent,
            messages_echoed: tally.messages_echoed,
            echo_bytes_per_s: tally.bytes_received as f64 / secs,
            echoes_per_s: tally.messages_echoed as f64 / secs,
            connects: tally.connects,
            connects_per_s: tally.connects as f64 / secs,
            served: tally.served,
            rtt_us: Percentiles::of(&tally.rtt),
            connect_us: Percentiles::of(&tally.connect_time),
            lost: tally.lost,
            loss_ratio: if tally.messages_sent == 0 {
                0.0
            } else {
                tally.lost as f64 / tally.messages_sent as f64
            },
            late: tally.late,
            duplicates: tally.duplicates,
            mismatches: tally.mismatches,
            errors: tally.error_count,
            error_messages: tally.errors,
            // A lost or duplicated echo is a failed echo: the run fails.
            ok: tally.error_count == 0
                && tally.mismatches == 0
                && tally.lost == 0
                && tally.duplicates == 0
                && tally.messages_echoed > 0,
        }
    }

    /// The JSON line.
    pub fn json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|err| format!("{{\"error\":\"{err}\"}}"))
    }

    /// The human summary, a few lines.
    pub fn summary(&self) -> String {
        let mut s = String::new();
        let proto = self.protocol.to_uppercase();
        let unit = if self.protocol == "udp" { "datagrams" } else { "messages" };
        let _ = writeln!(
            s,
            "{proto} {} to {}: {} {}{}, {}-byte {unit}, {} thread{}, {:.2} s ({})",
            self.mode,
            self.target,
            self.connections,
            if self.protocol == "udp" { "socket" } else { "connection" },
            if self.connections == 1 { "" } else { "s" },
            self.size,
            self.threads,
            if self.threads == 1 { "" } else { "s" },
            self.elapsed_s,
            match self.stopped_by {
                "interrupted" => "interrupted".to_string(),
                by => format!("stopped by {by}"),
            },
        );
        let verified = match (self.mismatches, self.messages_echoed) {
            (0, 0) => "nothing came back",
            (0, _) => "every byte verified",
            _ => "SOME ECHOES DIFFERED",
        };
        let _ = writeln!(
            s,
            "  echoed     {} in {} {unit}: {}/s, {} {unit}/s ({verified})",
            bytes(self.bytes_echoed as f64),
            group(self.messages_echoed),
            bytes(self.echo_bytes_per_s),
            group(self.echoes_per_s.round() as u64),
        );
        let _ = writeln!(
            s,
            "  sent       {} in {} {unit}",
            bytes(self.bytes_sent as f64),
            group(self.messages_sent)
        );
        match &self.rtt_us {
            Some(p) => {
                let _ = writeln!(
                    s,
                    "  round trip p50 {}  p99 {}  max {}  (mean {})",
                    micros(p.p50),
                    micros(p.p99),
                    micros(p.max),
                    micros(p.mean)
                );
            }
            None => {
                let _ = writeln!(s, "  round trip none measured");
            }
        }
        if self.protocol == "tcp" {
            // A count smaller than the connections asked for opens only as many as it needs.
            let opened = if self.connects < self.connections as u64 && self.mode != "connect" {
                format!("{} of {}", group(self.connects), group(self.connections as u64))
            } else {
                group(self.connects)
            };
            let mut line = format!(
                "  connections {opened} opened ({:.0}/s), {} served",
                self.connects_per_s,
                group(self.served)
            );
            if let Some(p) = &self.connect_us {
                line.push_str(&format!(", connect p50 {} p99 {}", micros(p.p50), micros(p.p99)));
            }
            let _ = writeln!(s, "{line}");
        } else {
            let _ = writeln!(
                s,
                "  lost       {} of {} ({:.4}%), {} late, {} duplicated",
                group(self.lost),
                group(self.messages_sent),
                self.loss_ratio * 100.0,
                group(self.late),
                group(self.duplicates)
            );
        }
        if self.errors == 0 {
            let _ = writeln!(s, "  errors     none");
        } else {
            let _ = writeln!(s, "  errors     {}", group(self.errors));
            for (message, n) in &self.error_messages {
                let _ = writeln!(s, "    {n} × {message}");
            }
        }
        s
    }
}

/// 1234567 → "1,234,567".
fn group(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Bytes in decimal units: "1.81 GB".
fn bytes(n: f64) -> String {
    match n {
        n if n >= 1e9 => format!("{:.2} GB", n / 1e9),
        n if n >= 1e6 => format!("{:.2} MB", n / 1e6),
        n if n >= 1e3 => format!("{:.1} kB", n / 1e3),
        n => format!("{n:.0} B"),
    }
}

/// Microseconds, with a unit that keeps 3 digits: "41 µs", "1.20 ms".
fn micros(us: f64) -> String {
    if us >= 1e6 {
        format!("{:.2} s", us / 1e6)
    } else if us >= 1e3 {
        format!("{:.2} ms", us / 1e3)
    } else {
        format!("{us:.1} µs")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_well() {
        assert_eq!(group(0), "0");
        assert_eq!(group(999), "999");
        assert_eq!(group(1_234_567), "1,234,567");
        assert_eq!(bytes(1_810_000_000.0), "1.81 GB");
        assert_eq!(bytes(512.0), "512 B");
        assert_eq!(micros(41.04), "41.0 µs");
        assert_eq!(micros(1200.0), "1.20 ms");
    }
}
