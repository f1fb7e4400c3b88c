//! A server that relays: where to, and the faults it injects (latency, a bandwidth cap,
//! dropped UDP datagrams, a TCP connection cut after N bytes). Both legs go into the session's
//! transcript.

use egui::Ui;

use super::session_form::{Drafts, field_row, problem_text};
use crate::engine::Protocol;
use crate::i18n::Tr;
use crate::spec::{Field, SessionSpec, SpecError};
use crate::t;

/// Draws the relay's settings on a server's form.
pub(super) fn relay_ui(
    ui: &mut Ui,
    tr: &Tr,
    spec: &mut SessionSpec,
    drafts: &mut Drafts,
    errors: &[SpecError],
) {
    ui.checkbox(&mut spec.relay.enabled, t!(tr, "relay-enable")).on_hover_text(t!(tr, "relay-enable-hint"));
    if !spec.relay.enabled {
        return;
    }
    let tcp = spec.protocol == Protocol::Tcp;
    egui::Grid::new(ui.scope_id().with("relay")).num_columns(2).spacing([8.0, 4.0]).show(ui, |ui| {
        let error = |field| problem_text(tr, errors, field);
        field_row(
            ui,
            t!(tr, "relay-to"),
            &mut spec.relay.to,
            220.0,
            true,
            error(Field::RelayTo),
            "localhost:10000",
        );
        let none = t!(tr, "relay-no-fault");
        field_row(ui, t!(tr, "relay-latency"), &mut drafts.latency, 90.0, true, error(Field::Latency), &none);
        let bandwidth_error = error(Field::Bandwidth);
        field_row(ui, t!(tr, "relay-bandwidth"), &mut drafts.bandwidth, 90.0, true, bandwidth_error, &none);
        if tcp {
            let cut_error = error(Field::CutAfter);
            field_row(ui, t!(tr, "relay-cut-after"), &mut drafts.cut_after, 90.0, true, cut_error, &none);
        } else {
            field_row(ui, t!(tr, "relay-drop"), &mut drafts.drop, 90.0, true, error(Field::Drop), &none);
        }
    });
    if tcp {
        ui.checkbox(&mut spec.relay.faults.cut_with_reset, t!(tr, "relay-cut-reset"));
    }
}
