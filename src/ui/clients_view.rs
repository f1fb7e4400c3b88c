//! A server session's connected clients (TCP) or peers heard from (UDP): peer, since when,
//! last heard, bytes in and out, Send, and Disconnect (TCP).

use std::collections::BTreeMap;

use egui::Ui;
use jiff::tz::TimeZone;

use super::session::ClientRow;
use crate::i18n::Tr;
use crate::t;

/// What the user asked for on a client's row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientAction {
    /// Close its connection.
    Disconnect(u64),
    /// Send it the server's message.
    Send(u64),
}

/// Draws the list; returns what the user asked of one client. `can_send` when the server's
/// message is valid.
pub fn clients_ui(
    ui: &mut Ui,
    tr: &Tr,
    tz: &TimeZone,
    clients: &BTreeMap<u64, ClientRow>,
    (udp, can_send): (bool, bool),
) -> Option<ClientAction> {
    let mut disconnect = None;
    let title = if udp {
        t!(tr, "peers-title", count = clients.len())
    } else {
        t!(tr, "clients-title", count = clients.len())
    };
    egui::CollapsingHeader::new(title)
        .id_salt(ui.scope_id().with("clients"))
        .default_open(ui.available_height() > 420.0)
        .show(ui, |ui| {
            if clients.is_empty() {
                ui.weak(if udp {
                    t!(tr, "peers-none", seconds = super::session::UDP_PEER_IDLE.as_secs())
                } else {
                    t!(tr, "clients-none")
                });
                return;
            }
            egui::ScrollArea::vertical().id_salt("clients-scroll").max_height(120.0).show(ui, |ui| {
                egui::Grid::new(ui.scope_id().with("clients-grid"))
                    .striped(true)
                    .num_columns(if udp { 6 } else { 5 })
                    .show(ui, |ui| {
                        ui.strong(t!(tr, "col-conn"));
                        ui.strong(t!(tr, "col-peer"));
                        ui.strong(t!(tr, "clients-since"));
                        if udp {
                            ui.strong(t!(tr, "peers-last"));
                        }
                        ui.strong(t!(tr, "clients-in-out"));
                        ui.label("");
                        ui.end_row();
                        for (conn, row) in clients {
                            ui.label(format!("#{conn}"));
                            ui.label(row.peer.to_string());
                            ui.label(row.since.to_zoned(tz.clone()).strftime("%H:%M:%S").to_string());
                            if udp {
                                ui.label(
                                    row.last_heard.to_zoned(tz.clone()).strftime("%H:%M:%S").to_string(),
                                );
                            }
                            ui.label(format!(
                                "{} B / {} B",
                                tr.number(row.bytes_in as f64, 0),
                                tr.number(row.bytes_out as f64, 0)
                            ));
                            ui.horizontal(|ui| {
                                let send =
                                    ui.add_enabled(can_send, egui::Button::new(t!(tr, "btn-send")).small());
                                if send.on_hover_text(t!(tr, "clients-send-hint")).clicked() {
                                    disconnect = Some(ClientAction::Send(*conn));
                                }
                                if !udp
                                    && ui
                                        .small_button(t!(tr, "btn-disconnect"))
                                        .on_hover_text(t!(tr, "clients-disconnect-hint"))
                                        .clicked()
                                {
                                    disconnect = Some(ClientAction::Disconnect(*conn));
                                }
                            });
                            ui.end_row();
                        }
                    });
            });
        });
    disconnect
}
