//! Socket options under Advanced (buffers, TTL, keepalive, Nagle, a reset on close,
//! half-close, the local address picked from the machine's), and UDP broadcast and multicast:
//! the groups a server joins and how a client waits for a group's replies. The transcript says
//! what the system granted.

use egui::Ui;

use super::session_form::{Drafts, field_row, problem_text};
use crate::engine::Protocol;
use crate::engine::sockopt::local_addresses;
use crate::i18n::Tr;
use crate::spec::{Field, Role, SessionSpec, SpecError};
use crate::t;

/// The machine's addresses, read once (getifaddrs is quick, and the list rarely changes
/// while the window is open).
fn addresses() -> &'static [(String, std::net::IpAddr)] {
    static FOUND: std::sync::OnceLock<Vec<(String, std::net::IpAddr)>> = std::sync::OnceLock::new();
    FOUND.get_or_init(local_addresses)
}

/// Draws the options and the group settings.
pub(super) fn options_ui(
    ui: &mut Ui,
    tr: &Tr,
    spec: &mut SessionSpec,
    drafts: &mut Drafts,
    errors: &[SpecError],
) {
    let tcp = spec.protocol == Protocol::Tcp;
    let client = spec.role == Role::Client;
    ui.label(egui::RichText::new(t!(tr, "opt-title")).strong());
    egui::Grid::new(ui.scope_id().with("options")).num_columns(2).spacing([8.0, 4.0]).show(ui, |ui| {
        let hint = t!(tr, "opt-system-default");
        let error = |field| problem_text(tr, errors, field);
        field_row(
            ui,
            t!(tr, "opt-rcvbuf"),
            &mut drafts.recv_buffer,
            90.0,
            true,
            error(Field::RecvBuffer),
            &hint,
        );
        field_row(
            ui,
            t!(tr, "opt-sndbuf"),
            &mut drafts.send_buffer,
            90.0,
            true,
            error(Field::SendBuffer),
            &hint,
        );
        field_row(ui, t!(tr, "opt-ttl"), &mut drafts.ttl, 90.0, true, error(Field::Ttl), &hint);
        if tcp {
            let off = t!(tr, "opt-off");
            let idle = t!(tr, "opt-keepalive-idle");
            field_row(ui, idle, &mut drafts.keepalive_idle, 90.0, true, error(Field::KeepaliveIdle), &off);
            let interval = t!(tr, "opt-keepalive-interval");
            let error = error(Field::KeepaliveInterval);
            field_row(ui, interval, &mut drafts.keepalive_interval, 90.0, true, error, &hint);
        }
        if client {
            ui.label(t!(tr, "opt-local"));
            ui.vertical(|ui| {
                let any = t!(tr, "opt-local-any");
                let shown = if spec.options.local.trim().is_empty() {
                    any.clone()
                } else {
                    spec.options.local.clone()
                };
                egui::ComboBox::from_id_salt(ui.scope_id().with("local"))
                    .selected_text(shown)
                    .width(220.0)
                    .show_ui(ui, |ui| {
                        ui.selectable_value(&mut spec.options.local, String::new(), any);
                        for (name, ip) in addresses() {
                            let text = ip.to_string();
                            let label = format!("{text} ({name})");
                            ui.selectable_value(&mut spec.options.local, text, label);
                        }
                    })
                    .response
                    .on_hover_text(t!(tr, "opt-local-hint"));
                if let Some(text) = problem_text(tr, errors, Field::LocalAddr) {
                    ui.label(egui::RichText::new(format!("⚠ {text}")).color(ui.visuals().error_fg_color));
                }
            });
            ui.end_row();
        }
    });
    ui.horizontal_wrapped(|ui| {
        if tcp {
            ui.checkbox(&mut spec.options.nagle, t!(tr, "opt-nagle")).on_hover_text(t!(tr, "opt-nagle-hint"));
            ui.checkbox(&mut spec.options.linger_zero, t!(tr, "opt-linger-zero"))
                .on_hover_text(t!(tr, "opt-linger-zero-hint"));
            if client {
                ui.checkbox(&mut spec.options.half_close, t!(tr, "opt-half-close"))
                    .on_hover_text(t!(tr, "opt-half-close-hint"));
            }
        }
    });
    if !tcp {
        group_ui(ui, tr, spec, drafts, errors);
    }
}

/// UDP: broadcast, and multicast groups.
fn group_ui(ui: &mut Ui, tr: &Tr, spec: &mut SessionSpec, drafts: &mut Drafts, errors: &[SpecError]) {
    ui.label(egui::RichText::new(t!(tr, "group-title")).strong());
    egui::Grid::new(ui.scope_id().with("group")).num_columns(2).spacing([8.0, 4.0]).show(ui, |ui| match spec
        .role
    {
        Role::Server => {
            let error = problem_text(tr, errors, Field::Join);
            field_row(
                ui,
                t!(tr, "group-join"),
                &mut spec.group.join,
                220.0,
                true,
                error,
                "239.1.2.3, ff15::1",
            );
            let hint = t!(tr, "group-iface-hint");
            field_row(ui, t!(tr, "group-iface"), &mut spec.group.interface, 120.0, true, None, &hint);
        }
        Role::Client => {
            let hint = t!(tr, "group-replies-all");
            let error = problem_text(tr, errors, Field::Replies);
            field_row(ui, t!(tr, "group-replies"), &mut drafts.replies, 90.0, true, error, &hint);
        }
    });
    if spec.role == Role::Client {
        ui.horizontal_wrapped(|ui| {
            ui.checkbox(&mut spec.group.broadcast, t!(tr, "group-broadcast"))
                .on_hover_text(t!(tr, "group-broadcast-hint"));
            ui.checkbox(&mut spec.group.loopback, t!(tr, "group-loopback"))
                .on_hover_text(t!(tr, "group-loopback-hint"));
        });
    }
}
