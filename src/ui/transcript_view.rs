//! The transcript table (virtualized, so a million rows cost what forty do) and the hex pane.
//!
//! Columns: time and Δt, connection, direction, peer, bytes, content (text or hex), and the
//! round-trip time on echo lines. The view follows the newest row unless the user scrolled
//! up. Click selects a row, Shift+click a range; Ctrl+C or the Copy button copies it.

use egui::{Color32, RichText, Ui};
use egui_extras::{Column, TableBuilder};
use jiff::tz::TimeZone;

use super::i18n::Tr;
use super::session::ViewState;
use crate::engine::{CloseReason, Error, ErrorKind, Op};
use crate::t;
use crate::transcript::line::Direction;
use crate::transcript::render::{hex, hex_dump};
use crate::transcript::store::{Entry, Note, Transcript};

/// Formats a duration in microseconds for people: `850 µs`, `12.4 ms`, `3.20 s`.
pub fn format_us(us: u64) -> String {
    if us < 1_000 {
        format!("{us} µs")
    } else if us < 1_000_000 {
        format!("{:.2} ms", us as f64 / 1_000.0)
    } else {
        format!("{:.2} s", us as f64 / 1_000_000.0)
    }
}

/// An engine error in the user's language: the operation, the address, and the kind.
pub fn error_text(tr: &Tr, error: &Error) -> String {
    let target = error.target.clone();
    let op = match error.op {
        Op::Parse => t!(tr, "op-parse", target = target),
        Op::Resolve => t!(tr, "op-resolve", target = target),
        Op::Bind => t!(tr, "op-bind", target = target),
        Op::Connect => t!(tr, "op-connect", target = target),
        Op::Accept => t!(tr, "op-accept", target = target),
        Op::Send => t!(tr, "op-send", target = target),
        Op::Receive => t!(tr, "op-receive", target = target),
        Op::Spawn => t!(tr, "op-spawn", target = target),
    };
    let reason = match error.kind {
        ErrorKind::Refused => t!(tr, "kind-refused"),
        ErrorKind::TimedOut
            if error.reason.starts_with("no complete echo") || error.reason.starts_with("no reply") =>
        {
            t!(tr, "kind-no-echo")
        }
        ErrorKind::TimedOut => t!(tr, "kind-timed-out"),
        ErrorKind::HostNotFound => t!(tr, "kind-host-not-found"),
        ErrorKind::AddrInUse => t!(tr, "kind-addr-in-use"),
        ErrorKind::PermissionDenied => t!(tr, "kind-permission"),
        ErrorKind::Reset => t!(tr, "kind-reset"),
        ErrorKind::Unreachable => t!(tr, "kind-unreachable"),
        ErrorKind::InvalidInput | ErrorKind::Other => error.reason.clone(),
    };
    format!("{op}: {reason}")
}

/// What an event row says, in the user's language.
pub fn note_text(tr: &Tr, entry: &Entry, transcript: &Transcript) -> String {
    let peer = entry.peer.map(|p| p.to_string()).unwrap_or_default();
    match &entry.note {
        Note::None => String::new(),
        Note::Listening { all_interfaces: false } => t!(tr, "ev-listening", addr = peer),
        Note::Listening { all_interfaces: true } => t!(tr, "ev-listening-all", addr = peer),
        Note::Connected => {
            let local = transcript.link(entry.conn).map(|l| l.local.to_string()).unwrap_or_default();
            t!(tr, "ev-connected", peer = peer, local = local)
        }
        Note::Accepted => t!(tr, "ev-accepted", peer = peer),
        Note::PeerClosed => t!(tr, "ev-peer-closed", peer = peer),
        Note::ConnectionClosed { bytes_in, bytes_out } => {
            t!(
                tr,
                "ev-conn-closed",
                peer = peer,
                bytes_in = bytes_in.to_string(),
                bytes_out = bytes_out.to_string()
            )
        }
        Note::Error(error) => error_text(tr, error),
        Note::Notice(text) => text.to_string(),
        Note::Closed(reason) => match reason {
            CloseReason::Finished => t!(tr, "ev-closed-finished"),
            CloseReason::Stopped => t!(tr, "ev-closed-stopped"),
            CloseReason::PeerClosed => t!(tr, "ev-closed-peer"),
            CloseReason::Failed => t!(tr, "ev-closed-failed"),
        },
    }
}

/// One row as a line of text, for copying.
pub fn row_line(tr: &Tr, tz: &TimeZone, entry: &Entry, transcript: &Transcript, show_hex: bool) -> String {
    let time = entry.at.to_zoned(tz.clone()).strftime("%H:%M:%S%.3f").to_string();
    let conn = if entry.conn > 0 { format!("#{}", entry.conn) } else { String::new() };
    let peer = entry.peer.map(|p| p.to_string()).unwrap_or_default();
    let content = content(tr, entry, transcript, show_hex);
    let mut line = format!("{time}\t{conn}\t{}\t{peer}\t", entry.direction.arrow());
    if matches!(entry.direction, Direction::Sent | Direction::Received) {
        line.push_str(&format!("{} B\t{content}", entry.data.len()));
    } else {
        line.push_str(&format!("\t{content}"));
    }
    if let Some(rtt) = entry.rtt_us {
        line.push_str(&format!("\tRTT {}", format_us(rtt)));
    }
    line
}

fn content(tr: &Tr, entry: &Entry, transcript: &Transcript, show_hex: bool) -> String {
    match entry.direction {
        Direction::Sent | Direction::Received if show_hex => {
            let cut = entry.data.len().min(crate::transcript::store::PREVIEW_BYTES / 3);
            let mut text = hex(&entry.data[..cut]);
            if cut < entry.data.len() {
                text.push_str(" …");
            }
            text
        }
        Direction::Sent | Direction::Received => {
            let mut text = format!("\"{}\"", entry.text());
            if entry.truncated {
                text.push_str(&format!(" ({})", t!(tr, "row-truncated")));
            }
            if entry.echo_ok == Some(false) {
                text.push_str(&format!(" ({})", t!(tr, "row-mismatch")));
            }
            text
        }
        _ => note_text(tr, entry, transcript),
    }
}

/// Draws the transcript table, the hex pane, and the copy controls.
pub fn transcript_ui(ui: &mut Ui, tr: &Tr, tz: &TimeZone, transcript: &Transcript, view: &mut ViewState) {
    ui.horizontal(|ui| {
        ui.label(t!(tr, "view-show"));
        ui.selectable_value(&mut view.hex, false, t!(tr, "view-text"));
        ui.selectable_value(&mut view.hex, true, t!(tr, "view-hex"));
        let copy = ui.add_enabled(view.selection.is_some(), egui::Button::new(t!(tr, "btn-copy")));
        let shortcut = ui.input_mut(|i| i.consume_key(egui::Modifiers::COMMAND, egui::Key::C));
        if (copy.clicked() || (shortcut && view.selection.is_some()))
            && let Some((a, b)) = view.selection
        {
            let lines: Vec<String> = (a..=b)
                .filter_map(|i| transcript.get(i))
                .map(|e| row_line(tr, tz, e, transcript, view.hex))
                .collect();
            ui.ctx().copy_text(lines.join("\n"));
        }
        if transcript.dropped() > 0 {
            let mb = transcript.cap_bytes() / (1024 * 1024);
            ui.label(
                RichText::new(t!(tr, "view-dropped", count = transcript.dropped(), cap = mb))
                    .color(ui.visuals().warn_fg_color),
            );
        }
    });
    let selected = view.selection.and_then(|(a, _)| transcript.get(a));
    let hex_height = match selected {
        Some(entry) if !entry.data.is_empty() => 130.0,
        Some(_) => 56.0,
        None => 0.0,
    };
    let table_height = (ui.available_height() - hex_height).max(80.0);
    let row_height = ui.text_style_height(&egui::TextStyle::Body) + 4.0;
    let error_color = ui.visuals().error_fg_color;
    let mut clicked: Option<(usize, bool)> = None;
    ui.allocate_ui(egui::vec2(ui.available_width(), table_height), |ui| {
        ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Truncate);
        // A click selects the row (for the details pane and Copy), not the text under it.
        ui.style_mut().interaction.selectable_labels = false;
        TableBuilder::new(ui)
            .id_salt("transcript")
            .striped(true)
            .resizable(true)
            .stick_to_bottom(true)
            .sense(egui::Sense::click())
            .max_scroll_height(table_height)
            .column(Column::initial(102.0).at_least(60.0).clip(true))
            .column(Column::initial(60.0).at_least(40.0).clip(true))
            .column(Column::initial(44.0).at_least(24.0).clip(true))
            .column(Column::exact(14.0))
            .column(Column::initial(120.0).at_least(60.0).clip(true))
            .column(Column::initial(44.0).at_least(36.0).clip(true))
            .column(Column::remainder().at_least(80.0).clip(true))
            .column(Column::initial(70.0).at_least(50.0).clip(true))
            .header(row_height, |mut header| {
                for title in [
                    t!(tr, "col-time"),
                    t!(tr, "col-dt"),
                    t!(tr, "col-conn"),
                    String::new(),
                    t!(tr, "col-peer"),
                    t!(tr, "col-bytes"),
                    t!(tr, "col-content"),
                    t!(tr, "col-rtt"),
                ] {
                    header.col(|ui| {
                        ui.strong(title);
                    });
                }
            })
            .body(|body| {
                body.rows(row_height, transcript.len(), |mut row| {
                    let index = row.index();
                    let Some(entry) = transcript.get(index) else { return };
                    row.set_selected(view.selection.is_some_and(|(a, b)| (a..=b).contains(&index)));
                    let color = match entry.direction {
                        Direction::Error => Some(error_color),
                        Direction::Sent => Some(Color32::from_rgb(0x2a, 0x7a, 0xd8)),
                        Direction::Received => Some(Color32::from_rgb(0x2e, 0x9e, 0x4f)),
                        Direction::Event => None,
                    };
                    let time = entry.at.to_zoned(tz.clone()).strftime("%H:%M:%S%.3f").to_string();
                    row.col(|ui| {
                        ui.monospace(time);
                    });
                    row.col(|ui| {
                        if index > 0 {
                            ui.weak(format!("+{}", format_us(entry.dt_us)));
                        }
                    });
                    row.col(|ui| {
                        if entry.conn > 0 {
                            ui.label(format!("#{}", entry.conn));
                        }
                    });
                    row.col(|ui| {
                        let arrow = RichText::new(entry.direction.arrow()).strong();
                        ui.label(match color {
                            Some(c) => arrow.color(c),
                            None => arrow,
                        });
                    });
                    row.col(|ui| {
                        if let Some(peer) = entry.peer {
                            ui.label(peer.to_string());
                        }
                    });
                    row.col(|ui| {
                        if matches!(entry.direction, Direction::Sent | Direction::Received) {
                            ui.label(format!("{} B", entry.data.len()));
                        }
                    });
                    row.col(|ui| {
                        let text = content(tr, entry, transcript, view.hex);
                        let mut rich = RichText::new(text);
                        if matches!(entry.direction, Direction::Sent | Direction::Received) {
                            rich = rich.monospace();
                        }
                        if entry.direction == Direction::Error || entry.echo_ok == Some(false) {
                            rich = rich.color(error_color);
                        }
                        let label = ui.add(egui::Label::new(rich).truncate());
                        if label.hovered() {
                            label.on_hover_text(content(tr, entry, transcript, view.hex));
                        }
                    });
                    row.col(|ui| {
                        if let Some(rtt) = entry.rtt_us {
                            let ok = entry.echo_ok != Some(false);
                            let mark = if ok { "✔" } else { "✘" };
                            ui.label(format!("{} {mark}", format_us(rtt)));
                        }
                    });
                    if row.response().clicked() {
                        let shift = row.response().ctx.input(|i| i.modifiers.shift);
                        clicked = Some((index, shift));
                    }
                });
            });
    });
    if let Some((index, shift)) = clicked {
        view.selection = match (shift, view.selection) {
            (true, Some((a, _))) => Some((a.min(index), a.max(index))),
            _ => Some((index, index)),
        };
    }
    // The details of the selected row: its whole text, wrapped, and every byte in a hex dump.
    if let Some(entry) = view.selection.and_then(|(a, _)| transcript.get(a)) {
        ui.separator();
        egui::ScrollArea::vertical().id_salt("details").max_height(hex_height - 8.0).show(ui, |ui| {
            let text = content(tr, entry, transcript, false);
            let mut rich = RichText::new(text);
            if entry.direction == Direction::Error {
                rich = rich.color(error_color);
            }
            ui.add(egui::Label::new(rich).wrap());
            if !entry.data.is_empty() {
                let dump = RichText::new(hex_dump(&entry.data)).monospace();
                ui.add(egui::Label::new(dump).wrap_mode(egui::TextWrapMode::Extend));
            }
        });
    }
}
