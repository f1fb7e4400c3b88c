//! The TLS part of a TCP session's form: on or off, then a server's certificate and key (or a
//! self-signed one), a client's trust (the system's roots, a pinned fingerprint, or any
//! certificate, in red), its CA file and SNI, and ALPN for both.

use egui::{RichText, Ui};

use crate::engine::Protocol;
use crate::i18n::Tr;
use crate::spec::{Field, Role, SessionSpec, SpecError, TlsSpec, Verify};
use crate::t;

/// Draws the TLS settings. `offered_pin` is the fingerprint of a self-signed certificate the
/// last handshake refused: one click pins it.
pub fn tls_ui(
    ui: &mut Ui,
    tr: &Tr,
    spec: &mut SessionSpec,
    errors: &[SpecError],
    offered_pin: &mut Option<String>,
) {
    if spec.protocol != Protocol::Tcp {
        return;
    }
    let role = spec.role;
    let tls = &mut spec.tls;
    ui.checkbox(&mut tls.enabled, t!(tr, "tls-enable")).on_hover_text(t!(tr, "tls-enable-hint"));
    if !tls.enabled {
        return;
    }
    let error = |field| super::session_form::problem_text(tr, errors, field);
    egui::Grid::new(ui.scope_id().with("tls")).num_columns(2).spacing([8.0, 4.0]).show(ui, |ui| {
        match role {
            Role::Server => {
                let hint = t!(tr, "tls-self-signed-hint");
                super::session_form::field_row(
                    ui,
                    t!(tr, "tls-cert-file"),
                    &mut tls.cert,
                    260.0,
                    true,
                    error(Field::TlsCert),
                    &hint,
                );
                super::session_form::field_row(
                    ui,
                    t!(tr, "tls-key"),
                    &mut tls.key,
                    260.0,
                    true,
                    error(Field::TlsKey),
                    &hint,
                );
                let label = ui.label(t!(tr, "tls-handshake-timeout"));
                let mut ms = tls.handshake_timeout().as_millis() as u64;
                let drag = egui::DragValue::new(&mut ms).range(1..=3_600_000).speed(100.0).suffix(" ms");
                if ui
                    .add(drag)
                    .labelled_by(label.id)
                    .on_hover_text(t!(tr, "tls-handshake-timeout-hint"))
                    .changed()
                {
                    tls.handshake_timeout_ms = ms;
                }
                ui.end_row();
            }
            Role::Client => {
                ui.label(t!(tr, "tls-trust"));
                ui.vertical(|ui| {
                    ui.radio_value(&mut tls.verify, Verify::System, t!(tr, "tls-verify-system"));
                    ui.radio_value(&mut tls.verify, Verify::Pin, t!(tr, "tls-verify-pin"));
                    let insecure =
                        RichText::new(t!(tr, "tls-verify-insecure")).color(ui.visuals().error_fg_color);
                    ui.radio_value(&mut tls.verify, Verify::Insecure, insecure);
                });
                ui.end_row();
                if tls.verify == Verify::Pin {
                    super::session_form::field_row(
                        ui,
                        "SHA-256".into(),
                        &mut tls.pin,
                        260.0,
                        true,
                        error(Field::TlsPin),
                        "AB:CD:…",
                    );
                }
                if tls.verify == Verify::System {
                    let hint = t!(tr, "tls-ca-hint");
                    super::session_form::field_row(
                        ui,
                        t!(tr, "tls-ca"),
                        &mut tls.ca,
                        260.0,
                        true,
                        None,
                        &hint,
                    );
                }
                let hint = t!(tr, "tls-sni-hint");
                super::session_form::field_row(
                    ui,
                    "SNI".into(),
                    &mut tls.sni,
                    260.0,
                    true,
                    error(Field::TlsSni),
                    &hint,
                );
            }
        }
        // ALPN, for both roles: the protocols offered (a client) or accepted (a server).
        let alpn_error = error(Field::TlsAlpn);
        super::session_form::field_row(
            ui,
            "ALPN".into(),
            &mut tls.alpn,
            260.0,
            true,
            alpn_error,
            "h2,http/1.1",
        );
    });
    if role == Role::Client {
        offer_pin(ui, tr, tls, offered_pin);
    }
}

/// After a refused self-signed certificate: "Trust this certificate", which pins it.
fn offer_pin(ui: &mut Ui, tr: &Tr, tls: &mut TlsSpec, offered_pin: &mut Option<String>) {
    let Some(fingerprint) = offered_pin.clone() else { return };
    if tls.verify == Verify::Pin && tls.pin == fingerprint {
        *offered_pin = None;
        return;
    }
    ui.horizontal_wrapped(|ui| {
        ui.label(
            RichText::new(t!(tr, "tls-offer-pin", fingerprint = fingerprint.as_str()))
                .color(ui.visuals().warn_fg_color),
        );
        if ui.button(t!(tr, "tls-offer-pin-button")).clicked() {
            tls.verify = Verify::Pin;
            tls.pin = fingerprint;
            *offered_pin = None;
        }
    });
}
