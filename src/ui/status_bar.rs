//! A session's status line: its state in words, its counters, and its round-trip times.

use egui::{RichText, Ui};

use super::session::{Activity, Session};
use crate::i18n::Tr;
use crate::t;

/// The state in words: "Listening on 127.0.0.1:10000", "Connected to …", an error.
pub fn activity_text(tr: &Tr, activity: &Activity) -> String {
    match activity {
        Activity::Idle => t!(tr, "status-idle"),
        Activity::Starting => t!(tr, "status-starting"),
        Activity::Listening(addrs) => {
            let list = addrs.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ");
            t!(tr, "status-listening", addrs = list)
        }
        Activity::Connected(peer) => t!(tr, "status-connected", peer = peer.to_string()),
        Activity::Ready(peer) => t!(tr, "status-udp-ready", peer = peer.to_string()),
        Activity::Failed(error) => tr.error(error),
    }
}

/// Draws the status line of one session.
pub fn session_status_ui(ui: &mut Ui, tr: &Tr, session: &Session) {
    let counters = session.transcript.counters();
    ui.horizontal_wrapped(|ui| {
        let text = RichText::new(activity_text(tr, &session.activity)).strong();
        ui.label(if matches!(session.activity, Activity::Failed(_)) {
            text.color(ui.visuals().error_fg_color)
        } else {
            text
        });
        ui.separator();
        let (sent, received) = (tr.bytes(counters.bytes_out), tr.bytes(counters.bytes_in));
        let exact = t!(
            tr,
            "status-bytes-exact",
            sent = tr.number(counters.bytes_out as f64, 0),
            received = tr.number(counters.bytes_in as f64, 0)
        );
        ui.label(t!(tr, "status-bytes", sent = sent, received = received)).on_hover_text(exact);
        if counters.errors > 0 {
            ui.label(
                RichText::new(t!(tr, "status-errors", count = counters.errors))
                    .color(ui.visuals().error_fg_color),
            );
        }
        if let Some(last) = counters.rtt_last_us {
            ui.separator();
            let avg = counters.rtt_avg_us().map(|us| tr.duration(us)).unwrap_or_default();
            ui.label(t!(tr, "status-rtt", last = tr.duration(last), avg = avg));
        }
        let (ok, bad) = session.echo_counts();
        if ok + bad > 0 {
            let rich = RichText::new(t!(tr, "status-echoes", ok = ok, bad = bad));
            ui.label(if bad > 0 { rich.color(ui.visuals().error_fg_color) } else { rich });
        }
        if counters.checks_ok + counters.checks_bad > 0 {
            ui.separator();
            let text = t!(tr, "status-checks", ok = counters.checks_ok, bad = counters.checks_bad);
            let rich = RichText::new(text);
            ui.label(if counters.checks_bad > 0 { rich.color(ui.visuals().error_fg_color) } else { rich });
        }
    });
}
