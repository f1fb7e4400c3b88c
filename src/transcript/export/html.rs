//! `.html`: a report to hand out. One self-contained file (inline CSS, no external address)
//! holding the exchange as a sequence diagram in inline SVG (one lane per endpoint, time
//! downward, one arrow per data event; connect, accept, half-close, close, reset and loss
//! each with a shape of its own), the statistics, and the transcript with every event
//! explained in plain words, in the chosen language. It prints well (one column, no
//! backgrounds that waste ink, rows kept whole across pages).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};
use std::net::SocketAddr;

use super::{EventName, Record, escape_markup as esc};
use crate::engine::{ErrorKind, Protocol};
use crate::explain::{Explainer, Step};
use crate::i18n::{Language, Tr};
use crate::spec::{Role, SessionSpec};
use crate::t;

/// Rows a report holds at most; a longer transcript says how many more it had.
pub const MAX_ROWS: usize = 5_000;

/// A report being gathered: the records, kept until the end.
pub(crate) struct HtmlReport<W: Write> {
    out: W,
    protocol: Protocol,
    records: Vec<Record>,
    more: u64,
}

impl<W: Write> HtmlReport<W> {
    pub(crate) fn new(out: W, protocol: Protocol) -> HtmlReport<W> {
        HtmlReport { out, protocol, records: Vec::new(), more: 0 }
    }

    pub(crate) fn push(&mut self, record: &Record) {
        if self.records.len() < MAX_ROWS {
            self.records.push(record.clone());
        } else {
            self.more += 1;
        }
    }

    /// Writes the whole report.
    pub(crate) fn finish(mut self, language: Language) -> io::Result<W> {
        let html = render(&self.records, self.more, self.protocol, &Tr::new(language));
        self.out.write_all(html.as_bytes())?;
        Ok(self.out)
    }
}

/// `text` cut to `chars` characters with an ellipsis.
fn trim(text: &str, chars: usize) -> String {
    match text.char_indices().nth(chars) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:2em;color:#111;max-width:1100px}\
h1{font-size:1.6em}h2{font-size:1.25em;margin-top:1.6em}\
table{border-collapse:collapse;width:100%;font-size:.9em}table.stats{width:auto;min-width:320px}\
th,td{border-bottom:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}\
td.bytes,td.num{text-align:right;white-space:nowrap}td.data{font-family:monospace;word-break:break-all}\
tr.error td{color:#a00000}tr{break-inside:avoid}.why{color:#333;font-size:.92em}\
svg{max-width:100%;height:auto;font-family:system-ui,sans-serif}\
.lane-label{font-weight:bold;font-size:13px}.label{font-size:11px}.time{font-size:10px;fill:#555}\
.sent line,.received line{stroke:#1f5fb0;stroke-width:1.6}.received line{stroke:#1d7a3a}\
.sent polygon{fill:#1f5fb0}.received polygon{fill:#1d7a3a}\
.control line{stroke:#555;stroke-dasharray:5 3}.control polygon{fill:#555}\
.reset line,.lost line{stroke:#b00000;stroke-width:2}.reset polygon,.lost polygon{fill:#b00000}\
.reset text,.lost text{fill:#b00000;font-weight:bold}\
@media print{body{margin:0}h2{break-after:avoid}}";

/// Lanes: this side first, then each other endpoint as it first appears.
struct Lanes {
    names: Vec<String>,
    index: BTreeMap<SocketAddr, usize>,
    /// What the other side is called ("Server" for a client's transcript).
    other: String,
}

const MAX_LANES: usize = 8;

impl Lanes {
    fn of(peer: Option<SocketAddr>, lanes: &mut Lanes) -> usize {
        let Some(peer) = peer else { return 1.min(lanes.names.len() - 1) };
        if let Some(&i) = lanes.index.get(&peer) {
            return i;
        }
        if lanes.names.len() >= MAX_LANES {
            return MAX_LANES - 1;
        }
        lanes.names.push(format!("{} {peer}", lanes.other));
        lanes.index.insert(peer, lanes.names.len() - 1);
        lanes.names.len() - 1
    }
}

/// The whole report as HTML.
pub fn render(records: &[Record], more: u64, protocol: Protocol, tr: &Tr) -> String {
    let role =
        if records.iter().any(|r| r.event == EventName::Listening) { Role::Server } else { Role::Client };
    let chunk = SessionSpec::default_chunk_bytes(role, protocol);
    let mut html = String::with_capacity(64 * 1024 + records.len() * 400);
    let lang = tr.language().code();
    let title = t!(tr, "report-title");
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>{}</title><style>{STYLE}</style></head><body>\n",
        esc(&title)
    );
    let kind = match (role, protocol) {
        (Role::Server, Protocol::Tcp) => t!(tr, "code-kind-tcp-server"),
        (Role::Server, Protocol::Udp) => t!(tr, "code-kind-udp-server"),
        (Role::Client, Protocol::Tcp) => t!(tr, "code-kind-tcp-client"),
        (Role::Client, Protocol::Udp) => t!(tr, "code-kind-udp-client"),
    };
    let when = records
        .first()
        .map(|r| {
            r.time.to_zoned(jiff::tz::TimeZone::system()).strftime("%Y-%m-%d %H:%M:%S (UTC%:z)").to_string()
        })
        .unwrap_or_default();
    let _ = write!(
        html,
        "<h1>{}</h1>\n<p>{}</p>\n",
        esc(&title),
        esc(&t!(tr, "report-about", kind = kind, when = when, events = (records.len() as u64)))
    );
    // The explanations, once, for the diagram's titles and the table.
    let mut explainer = Explainer::new(protocol, role, chunk);
    let explained: Vec<String> = records
        .iter()
        .map(|r| match r.to_event() {
            Some(event) => tr.render(&explainer.explain(Step::of(&event.kind, r.conn))),
            None => String::new(),
        })
        .collect();
    diagram(&mut html, records, &explained, role, tr);
    stats(&mut html, records, tr);
    rtt_plot(&mut html, records, tr);
    table(&mut html, records, &explained, protocol, tr);
    if more > 0 {
        let _ = writeln!(html, "<p>{}</p>", esc(&t!(tr, "report-more", count = more)));
    }
    html.push_str("</body></html>\n");
    html
}

fn diagram(html: &mut String, records: &[Record], explained: &[String], role: Role, tr: &Tr) {
    let (this, other) = match role {
        Role::Server => (t!(tr, "report-lane-server"), t!(tr, "report-lane-client")),
        Role::Client => (t!(tr, "report-lane-client"), t!(tr, "report-lane-server")),
    };
    let local = records.iter().find_map(|r| r.local).map(|a| a.to_string()).unwrap_or_default();
    let mut lanes = Lanes { names: vec![format!("{this} {local}")], index: BTreeMap::new(), other };
    // Lanes first, so the width is known.
    for r in records {
        if r.peer.is_some() && r.event != EventName::Listening {
            Lanes::of(r.peer, &mut lanes);
        }
    }
    if lanes.names.len() == 1 {
        lanes.names.push(String::new());
    }
    let gap = 230.0;
    let left = 90.0;
    let top = 50.0;
    let row = 26.0;
    let shown: Vec<usize> = (0..records.len()).filter(|&i| drawn(&records[i])).collect();
    let width = left + gap * (lanes.names.len() - 1) as f64 + 140.0;
    let height = top + row * (shown.len() as f64 + 1.0);
    let x = |lane: usize| left + 40.0 + gap * lane as f64;
    let _ = write!(
        html,
        "<h2>{}</h2>\n<svg viewBox=\"0 0 {width} {height}\" width=\"{width}\" role=\"img\" aria-label=\"{}\">\n",
        esc(&t!(tr, "report-diagram")),
        esc(&t!(tr, "report-diagram"))
    );
    for (i, name) in lanes.names.iter().enumerate() {
        let lx = x(i);
        let _ = writeln!(
            html,
            "<text class=\"lane-label\" x=\"{lx}\" y=\"20\" text-anchor=\"middle\">{}</text>\
             <line x1=\"{lx}\" y1=\"30\" x2=\"{lx}\" y2=\"{height}\" stroke=\"#999\" stroke-width=\"1\"/>",
            esc(name)
        );
    }
    for (n, &i) in shown.iter().enumerate() {
        let r = &records[i];
        let y = top + row * n as f64;
        let other = Lanes::of(r.peer, &mut lanes);
        let time = r.time.to_zoned(jiff::tz::TimeZone::system()).strftime("%H:%M:%S%.3f").to_string();
        let _ = write!(html, "<text class=\"time\" x=\"4\" y=\"{}\">{time}</text>", y + 4.0);
        let (from, to, class, label) = match r.event {
            EventName::Sent => (0, other, "arrow data sent", data_label(r)),
            EventName::Received => (other, 0, "arrow data received", data_label(r)),
            EventName::Connected if role == Role::Client => {
                (0, other, "arrow control", "connect".to_string())
            }
            EventName::Connected | EventName::Accepted => (other, 0, "arrow control", "accept".to_string()),
            EventName::PeerClosed => (other, 0, "arrow control", "FIN".to_string()),
            EventName::ConnectionClosed => (0, other, "arrow control", "close".to_string()),
            EventName::Lost => (0, other, "arrow lost", t!(tr, "report-lost")),
            _ => (other, 0, "arrow reset", "RST".to_string()),
        };
        let (x1, x2) = (x(from), x(to));
        let dir = if x2 >= x1 { 1.0 } else { -1.0 };
        // A loss stops halfway with a cross; a reset ends in a cross at the receiver.
        let end = if class.ends_with("lost") { (x1 + x2) / 2.0 } else { x2 - dir * 2.0 };
        let title = esc(&explained[i]);
        let _ = write!(
            html,
            "<g class=\"{class}\" data-row=\"{}\"><title>{title}</title>\
             <line x1=\"{x1}\" y1=\"{y}\" x2=\"{end}\" y2=\"{y}\"/>",
            i + 1
        );
        if class.ends_with("lost") || class.ends_with("reset") {
            let _ = write!(
                html,
                "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/><line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>",
                end - 6.0,
                y - 6.0,
                end + 6.0,
                y + 6.0,
                end - 6.0,
                y + 6.0,
                end + 6.0,
                y - 6.0
            );
        } else {
            let _ = write!(
                html,
                "<polygon points=\"{end},{y} {},{} {},{}\"/>",
                end - dir * 9.0,
                y - 5.0,
                end - dir * 9.0,
                y + 5.0
            );
        }
        let _ = writeln!(
            html,
            "<text class=\"label\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text></g>",
            (x1 + x2) / 2.0,
            y - 5.0,
            esc(&label)
        );
    }
    html.push_str("</svg>\n");
}

/// Whether the diagram draws a record: data, the connection's life, losses and resets.
fn drawn(r: &Record) -> bool {
    match r.event {
        EventName::Sent
        | EventName::Received
        | EventName::Connected
        | EventName::Accepted
        | EventName::PeerClosed
        | EventName::ConnectionClosed
        | EventName::Lost => true,
        EventName::Failed => r.error.as_ref().is_some_and(|e| e.kind == ErrorKind::Reset),
        _ => false,
    }
}

fn data_label(r: &Record) -> String {
    format!("\"{}\" ({} B)", trim(&r.text(), 24), r.data.len())
}

fn stats(html: &mut String, records: &[Record], tr: &Tr) {
    let s = crate::stats::of_records(records);
    let _ = write!(html, "<h2>{}</h2>\n<table class=\"stats\">\n", esc(&t!(tr, "report-stats")));
    let mut row = |name: String, value: String| {
        let _ = writeln!(html, "<tr><th>{}</th><td class=\"num\">{}</td></tr>", esc(&name), esc(&value));
    };
    row(t!(tr, "stats-count"), tr.number(s.count as f64, 0));
    // Without round trips (a server's transcript), the times say nothing.
    if let Some(summary) = s.summary() {
        for (name, us) in summary.named() {
            row(tr.render(&crate::vocabulary::figure_name(name)), tr.duration(us));
        }
        row(t!(tr, "stats-jitter-name"), tr.duration(summary.jitter_us));
    }
    row(t!(tr, "stats-passed"), tr.number(s.passed as f64, 0));
    row(t!(tr, "stats-failed"), tr.number(s.failed as f64, 0));
    row(t!(tr, "stats-lost"), tr.number(s.lost as f64, 0));
    row(t!(tr, "stats-bytes-out"), tr.bytes(s.bytes_out));
    row(t!(tr, "stats-bytes-in"), tr.bytes(s.bytes_in));
    html.push_str("</table>\n");
}

/// Round trips over time as an inline SVG plot (the window's plot, for paper): a point per
/// round trip, the time since the first event across, milliseconds up.
fn rtt_plot(html: &mut String, records: &[Record], tr: &Tr) {
    let Some(first) = records.first().map(|r| r.time) else { return };
    let points: Vec<(f64, f64)> = records
        .iter()
        .filter_map(|r| {
            let rtt = match r.event {
                EventName::Received => r.rtt_us,
                EventName::Checked => r.check.as_ref().map(|c| c.rtt_us),
                _ => None,
            }?;
            Some((r.time.duration_since(first).as_secs_f64().max(0.0), rtt as f64 / 1000.0))
        })
        .collect();
    if points.is_empty() {
        return;
    }
    let (w, h, left, bottom, top, right) = (720.0, 260.0, 56.0, 36.0, 12.0, 12.0);
    // Across: seconds since the first event when the run is long enough for its ticks to
    // differ; otherwise each round trip's number (1, 2, 3 …), which always does.
    let span = points.iter().map(|p| p.0).fold(0.0, f64::max);
    let by_number = span < 0.1;
    let points: Vec<(f64, f64)> = if by_number {
        points.iter().enumerate().map(|(i, p)| ((i + 1) as f64, p.1)).collect()
    } else {
        points
    };
    let x_decimals = match span {
        _ if by_number => 0,
        s if s >= 10.0 => 0,
        s if s >= 1.0 => 1,
        _ => 2,
    };
    let max_t = points.iter().map(|p| p.0).fold(0.0, f64::max).max(1e-3);
    let max_ms = points.iter().map(|p| p.1).fold(0.0, f64::max).max(1e-3) * 1.1;
    let x = |t: f64| left + (w - left - right) * t / max_t;
    let y = |ms: f64| top + (h - top - bottom) * (1.0 - ms / max_ms);
    let title = t!(tr, "plot-rtt");
    let _ = write!(
        html,
        "<h2>{}</h2>\n<svg class=\"plot\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" role=\"img\" aria-label=\"{}\">\n",
        esc(&title),
        esc(&title)
    );
    let axis = "stroke=\"#444\" stroke-width=\"1\"";
    let _ = writeln!(
        html,
        "<line x1=\"{left}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" {axis}/><line x1=\"{left}\" y1=\"{top}\" x2=\"{left}\" y2=\"{}\" {axis}/>",
        h - bottom,
        w - right,
        h - bottom,
        h - bottom
    );
    let mut last_tick: Option<f64> = None;
    for i in 0..=4 {
        let ms = max_ms * f64::from(i) / 4.0;
        let _ = writeln!(
            html,
            "<text class=\"time\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
            left - 4.0,
            y(ms) + 3.0,
            esc(&tr.number(ms, 2))
        );
        let mut t = max_t * f64::from(i) / 4.0;
        if by_number {
            // Round-trip numbers are whole, from 1: each tick is one, said once.
            t = t.round().max(1.0);
            if last_tick == Some(t) {
                continue;
            }
            last_tick = Some(t);
        }
        let _ = writeln!(
            html,
            "<text class=\"time\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            x(t),
            h - bottom + 14.0,
            esc(&tr.number(t, x_decimals))
        );
    }
    let _ = writeln!(
        html,
        "<text class=\"label\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\
         <text class=\"label\" x=\"12\" y=\"{}\" transform=\"rotate(-90 12 {})\" text-anchor=\"middle\">{}</text>",
        (left + w - right) / 2.0,
        h - 4.0,
        esc(&if by_number { t!(tr, "plot-axis-number") } else { t!(tr, "plot-axis-seconds") }),
        h / 2.0,
        h / 2.0,
        esc(&t!(tr, "plot-axis-ms"))
    );
    // At most one point per half pixel: a long run stays a small file.
    let mut last: Option<(i64, i64)> = None;
    for &(t, ms) in &points {
        let key = ((x(t) * 2.0) as i64, (y(ms) * 2.0) as i64);
        if last == Some(key) {
            continue;
        }
        last = Some(key);
        let _ = write!(
            html,
            "<circle class=\"rtt\" cx=\"{:.1}\" cy=\"{:.1}\" r=\"2.2\" fill=\"#b04000\"/>",
            x(t),
            y(ms)
        );
    }
    html.push_str("\n</svg>\n");
}

fn table(html: &mut String, records: &[Record], explained: &[String], protocol: Protocol, tr: &Tr) {
    let _ = write!(
        html,
        "<h2>{}</h2>\n<table>\n<tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>\n",
        esc(&t!(tr, "report-transcript")),
        esc(&t!(tr, "col-time")),
        esc(&t!(tr, "col-conn")),
        esc(&t!(tr, "col-peer")),
        esc(&t!(tr, "col-bytes")),
        esc(&t!(tr, "col-content")),
        esc(&t!(tr, "what-happened")),
    );
    for (r, why) in records.iter().zip(explained) {
        let time = r.time.to_zoned(jiff::tz::TimeZone::system()).strftime("%H:%M:%S%.3f").to_string();
        let conn = if r.conn > 0 { format!("#{}", r.conn) } else { String::new() };
        let peer = r.peer.map(|p| p.to_string()).unwrap_or_default();
        let data = matches!(r.event, EventName::Sent | EventName::Received);
        let (bytes, content) = if data {
            let arrow = if r.event == EventName::Sent { "→" } else { "←" };
            (
                format!("{} B", tr.number(r.data.len() as f64, 0)),
                format!("{arrow} \"{}\"", trim(&r.text(), 400)),
            )
        } else {
            let words = r
                .to_event()
                .and_then(|e| crate::vocabulary::event(&e.kind, protocol))
                .map(|m| tr.render(&m))
                .unwrap_or_else(|| r.event.as_str().to_string());
            (String::new(), words)
        };
        let error = matches!(r.event, EventName::Failed | EventName::Lost);
        let _ = writeln!(
            html,
            "<tr{}><td class=\"num\">{time}</td><td>{conn}</td><td>{}</td><td class=\"bytes\">{bytes}</td>\
             <td class=\"{}\">{}</td><td class=\"why\">{}</td></tr>",
            if error { " class=\"error\"" } else { "" },
            esc(&peer),
            if data { "data" } else { "event" },
            esc(&content),
            esc(why)
        );
    }
    html.push_str("</table>\n");
}

#[cfg(test)]
mod tests {
    use std::net::SocketAddr;

    use super::*;
    use crate::engine::{EchoCheck, Event, EventKind, Link};

    #[test]
    fn a_clients_report_plots_each_round_trip_and_escapes_what_it_shows() {
        let addr: SocketAddr = "127.0.0.1:10000".parse().unwrap_or_else(|_| unreachable!());
        let link = Link { conn: 1, local: addr, peer: addr };
        let start = jiff::Timestamp::UNIX_EPOCH;
        let records: Vec<Record> = (0..5i64)
            .map(|i| {
                let echo = Some(EchoCheck { rtt_us: 100 + i as u64 * 50, matches: true, bytes: 3 });
                let data = bytes::Bytes::from_static(b"<b>");
                let kind = EventKind::Received { link, data, truncated: false, echo };
                let at = start + jiff::SignedDuration::from_millis(i * 100);
                Record::from_event(&Event { at, session: 1, kind }, 1)
            })
            .collect();
        let html = render(&records, 0, Protocol::Tcp, &Tr::new(Language::English));
        assert_eq!(html.matches("<circle class=\"rtt\"").count(), 5);
        assert_eq!(html.matches("class=\"arrow data received\"").count(), 5);
        assert!(!html.contains("\"<b>\""), "payloads are escaped");
        assert!(html.contains("&quot;&lt;b&gt;&quot;"));
    }

    /// The `<text class="time">` labels of the plot's x axis (every other one, after the y's).
    fn x_ticks(html: &str) -> Vec<String> {
        let plot = html.split_once("<svg class=\"plot\"").map_or("", |(_, plot)| plot);
        plot.split("<text class=\"time\"")
            .skip(1)
            .filter_map(|rest| rest.split_once("text-anchor=\"middle\">")?.1.split('<').next())
            .map(str::to_string)
            .collect()
    }

    #[test]
    fn a_spanish_report_names_its_figures_in_spanish_and_ticks_mean_something() {
        let addr: SocketAddr = "127.0.0.1:10000".parse().unwrap_or_else(|_| unreachable!());
        let link = Link { conn: 1, local: addr, peer: addr };
        let start = jiff::Timestamp::UNIX_EPOCH;
        // Eight round trips in 4 ms: seconds would read 0,00 at every tick.
        let records: Vec<Record> = (0..8i64)
            .map(|i| {
                let echo = Some(EchoCheck { rtt_us: 300, matches: true, bytes: 3 });
                let kind = EventKind::Received {
                    link,
                    data: bytes::Bytes::from_static(b"abc"),
                    truncated: false,
                    echo,
                };
                let at = start + jiff::SignedDuration::from_micros(i * 500);
                Record::from_event(&Event { at, session: 1, kind }, 1)
            })
            .collect();
        let html = render(&records, 0, Protocol::Tcp, &Tr::new(Language::Spanish));
        for word in ["<th>mín.</th>", "<th>media</th>", "<th>máx.</th>", "<th>p99,9</th>"] {
            assert!(html.contains(word), "{word}");
        }
        assert!(!html.contains("<th>min</th>") && !html.contains("<th>mean</th>"));
        let ticks = x_ticks(&html);
        assert!(ticks.iter().any(|t| t == "8") && ticks.iter().any(|t| t == "1"), "{ticks:?}");
        let unique: std::collections::BTreeSet<&String> = ticks.iter().collect();
        assert_eq!(unique.len(), ticks.len(), "no tick says the same as another: {ticks:?}");
        // A run of seconds keeps seconds across.
        let long: Vec<Record> = (0..4i64)
            .map(|i| {
                let echo = Some(EchoCheck { rtt_us: 300, matches: true, bytes: 3 });
                let kind = EventKind::Received {
                    link,
                    data: bytes::Bytes::from_static(b"abc"),
                    truncated: false,
                    echo,
                };
                let at = start + jiff::SignedDuration::from_millis(i * 1000);
                Record::from_event(&Event { at, session: 1, kind }, 1)
            })
            .collect();
        let html = render(&long, 0, Protocol::Tcp, &Tr::new(Language::English));
        assert!(x_ticks(&html).iter().any(|t| t == "3.0"), "{:?}", x_ticks(&html));
    }
}
