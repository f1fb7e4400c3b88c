//! A session's form: role, protocol, host, port, message, and the advanced settings.
//!
//! The values are kept as typed text (so a half-typed port is not lost) and parsed into an
//! engine spec before any command exists. A parse error shows under its field and disables
//! the buttons that would use it.

use bytes::Bytes;
use egui::{RichText, Ui};
use serde::{Deserialize, Serialize};

use super::i18n::{Language, Tr};
use crate::engine::endpoint::{parse_host, parse_port};
use crate::engine::{
    ClientConfig, DEFAULT_BACKLOG, DEFAULT_CLIENT_CHUNK, DEFAULT_SERVER_CHUNK, DEFAULT_TIMEOUT_MS,
    DEFAULT_UDP_BUFFER, Detail, Endpoint, MAX_UDP_BUFFER, Protocol, ServerConfig,
};
use crate::t;

/// Client or server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Role {
    /// An echo server.
    Server,
    /// A client that sends and checks the echo.
    Client,
}

/// What the user typed in one session's form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FormValues {
    /// Client or server.
    pub role: Role,
    /// TCP or UDP.
    pub protocol: Protocol,
    /// Host name or address.
    pub host: String,
    /// Port, as typed.
    pub port: String,
    /// The message (clients).
    pub message: String,
    /// Read size or UDP buffer, as typed.
    pub chunk: String,
    /// Timeout in milliseconds, as typed (clients).
    pub timeout_ms: String,
    /// Listen backlog, as typed (TCP servers).
    pub backlog: String,
    /// Listen on every interface (servers).
    pub all_interfaces: bool,
    /// Keep one connection (clients).
    pub persistent: bool,
}

impl FormValues {
    /// The seed's defaults for a role and protocol, with the message in `language`.
    pub fn new(role: Role, protocol: Protocol, language: Language) -> FormValues {
        FormValues {
            role,
            protocol,
            host: crate::engine::DEFAULT_HOST.into(),
            port: crate::engine::DEFAULT_PORT.to_string(),
            message: language.default_message().into(),
            chunk: default_chunk(role, protocol).to_string(),
            timeout_ms: DEFAULT_TIMEOUT_MS.to_string(),
            backlog: DEFAULT_BACKLOG.to_string(),
            all_interfaces: false,
            persistent: false,
        }
    }
}

fn default_chunk(role: Role, protocol: Protocol) -> usize {
    match (role, protocol) {
        (Role::Server, Protocol::Tcp) => DEFAULT_SERVER_CHUNK,
        (Role::Server, Protocol::Udp) => MAX_UDP_BUFFER,
        (Role::Client, Protocol::Tcp) => DEFAULT_CLIENT_CHUNK,
        (Role::Client, Protocol::Udp) => DEFAULT_UDP_BUFFER,
    }
}

/// Per-field errors, already translated.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct FieldErrors {
    /// Under the host.
    pub host: Option<String>,
    /// Under the port.
    pub port: Option<String>,
    /// Under the read size.
    pub chunk: Option<String>,
    /// Under the timeout.
    pub timeout: Option<String>,
    /// Under the backlog.
    pub backlog: Option<String>,
}

impl FieldErrors {
    /// Whether every field is valid.
    pub fn is_empty(&self) -> bool {
        *self == FieldErrors::default()
    }
}

fn number(text: &str, min: u64, max: u64, tr: &Tr) -> Result<u64, String> {
    match text.trim().parse::<u64>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        Ok(_) => Err(t!(tr, "err-range", min = min, max = max)),
        Err(_) => Err(t!(tr, "err-number")),
    }
}

impl FormValues {
    /// Checks every field. The port must be 1–65535 for a client; a server may ask for 0.
    pub fn validate(&self, tr: &Tr) -> FieldErrors {
        let mut errors = FieldErrors::default();
        let host =
            if self.role == Role::Server && self.all_interfaces { "0.0.0.0" } else { self.host.as_str() };
        if let Err(err) = parse_host(host) {
            errors.host = Some(if host.trim().is_empty() {
                t!(tr, "err-host-empty")
            } else {
                t!(tr, "err-host-invalid")
            });
            let _ = err;
        }
        match parse_port(&self.port) {
            Ok(0) if self.role == Role::Client => errors.port = Some(t!(tr, "err-port-client-zero")),
            Ok(_) => {}
            Err(_) if self.port.trim().is_empty() => errors.port = Some(t!(tr, "err-port-empty")),
            Err(_) => errors.port = Some(t!(tr, "err-port-range")),
        }
        let max_chunk = if self.protocol == Protocol::Udp { MAX_UDP_BUFFER as u64 } else { 16 * 1024 * 1024 };
        errors.chunk = number(&self.chunk, 1, max_chunk, tr).err();
        if self.role == Role::Client {
            errors.timeout = number(&self.timeout_ms, 1, 3_600_000, tr).err();
        }
        if self.role == Role::Server && self.protocol == Protocol::Tcp {
            errors.backlog = number(&self.backlog, 1, 65_535, tr).err();
        }
        errors
    }

    fn endpoint(&self) -> Endpoint {
        let host =
            if self.role == Role::Server && self.all_interfaces { "0.0.0.0" } else { self.host.trim() };
        let host = host.trim_start_matches('[').trim_end_matches(']').to_string();
        Endpoint { host, port: self.port.trim().parse().unwrap_or(0) }
    }

    fn chunk_bytes(&self) -> usize {
        self.chunk.trim().parse().unwrap_or(default_chunk(self.role, self.protocol))
    }

    /// The server this form describes (call after [`FormValues::validate`] passed).
    pub fn server_config(&self) -> ServerConfig {
        ServerConfig {
            protocol: self.protocol,
            bind: self.endpoint(),
            chunk_bytes: self.chunk_bytes(),
            backlog: self.backlog.trim().parse().unwrap_or(DEFAULT_BACKLOG),
            threads: 0,
            detail: Detail::Full,
        }
    }

    /// The client this form describes, sending `messages` (call after validation passed).
    pub fn client_config(&self, messages: Vec<Bytes>, persistent: bool) -> ClientConfig {
        ClientConfig {
            protocol: self.protocol,
            target: self.endpoint(),
            messages,
            chunk_bytes: self.chunk_bytes(),
            timeout_ms: self.timeout_ms.trim().parse().unwrap_or(DEFAULT_TIMEOUT_MS),
            interval_ms: 0,
            persistent,
        }
    }
}

/// What the user asked for with the form's buttons.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormAction {
    /// Start the server.
    Start,
    /// Stop the server, or close the client's connection.
    Stop,
    /// Send the message.
    Send,
    /// Open a persistent connection.
    Connect,
    /// Close it.
    Disconnect,
    /// Clear the transcript.
    Clear,
}

/// What the form needs to know about its session to draw the right buttons.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FormState {
    /// A server worker is running.
    pub running: bool,
    /// A persistent client connection is open (or opening).
    pub connected: bool,
}

/// One grid row: a label, a one-line field labelled by it, and the field's error under it.
fn field_row(
    ui: &mut Ui,
    label: String,
    value: &mut String,
    width: f32,
    enabled: bool,
    error: &Option<String>,
) {
    let label = ui.label(label);
    ui.vertical(|ui| {
        ui.add_enabled(enabled, egui::TextEdit::singleline(value).desired_width(width)).labelled_by(label.id);
        if let Some(text) = error {
            ui.label(RichText::new(format!("⚠ {text}")).color(ui.visuals().error_fg_color));
        }
    });
    ui.end_row();
}

/// Draws the form and returns the button the user pressed, if any.
pub fn form_ui(ui: &mut Ui, tr: &Tr, values: &mut FormValues, state: FormState) -> Option<FormAction> {
    let errors = values.validate(tr);
    let locked = state.running || state.connected;
    let mut action = None;
    ui.add_enabled_ui(!locked, |ui| {
        ui.horizontal(|ui| {
            let (role, protocol) = (values.role, values.protocol);
            ui.label(t!(tr, "form-role"));
            ui.radio_value(&mut values.role, Role::Server, t!(tr, "role-server"));
            ui.radio_value(&mut values.role, Role::Client, t!(tr, "role-client"));
            ui.separator();
            ui.label(t!(tr, "form-protocol"));
            ui.radio_value(&mut values.protocol, Protocol::Tcp, "TCP");
            ui.radio_value(&mut values.protocol, Protocol::Udp, "UDP");
            // The read size follows role and protocol, unless the user chose one.
            if (values.role, values.protocol) != (role, protocol)
                && values.chunk.trim() == default_chunk(role, protocol).to_string()
            {
                values.chunk = default_chunk(values.role, values.protocol).to_string();
            }
        });
        egui::Grid::new(ui.scope_id().with("fields")).num_columns(2).spacing([8.0, 4.0]).show(ui, |ui| {
            let host_enabled = !(values.role == Role::Server && values.all_interfaces);
            field_row(ui, t!(tr, "form-host"), &mut values.host, 220.0, host_enabled, &errors.host);
            field_row(ui, t!(tr, "form-port"), &mut values.port, 90.0, true, &errors.port);
        });
    });
    if values.role == Role::Client {
        let label = ui.label(t!(tr, "form-message"));
        ui.add(
            egui::TextEdit::multiline(&mut values.message)
                .desired_rows(2)
                .desired_width(ui.available_width())
                .font(egui::TextStyle::Monospace),
        )
        .labelled_by(label.id)
        .on_hover_text(t!(tr, "form-message-hint"));
    }
    ui.add_enabled_ui(!locked, |ui| {
        egui::CollapsingHeader::new(t!(tr, "form-advanced")).id_salt(ui.scope_id().with("advanced")).show(
            ui,
            |ui| {
                egui::Grid::new(ui.scope_id().with("adv")).num_columns(2).spacing([8.0, 4.0]).show(
                    ui,
                    |ui| {
                        let chunk_label = if values.protocol == Protocol::Udp {
                            t!(tr, "form-buffer")
                        } else {
                            t!(tr, "form-chunk")
                        };
                        field_row(ui, chunk_label, &mut values.chunk, 90.0, true, &errors.chunk);
                        if values.role == Role::Client {
                            let label = t!(tr, "form-timeout");
                            field_row(ui, label, &mut values.timeout_ms, 90.0, true, &errors.timeout);
                        }
                        if values.role == Role::Server && values.protocol == Protocol::Tcp {
                            let label = t!(tr, "form-backlog");
                            field_row(ui, label, &mut values.backlog, 90.0, true, &errors.backlog);
                        }
                    },
                );
                if values.role == Role::Server {
                    ui.checkbox(&mut values.all_interfaces, t!(tr, "form-all-interfaces"));
                } else {
                    ui.checkbox(&mut values.persistent, t!(tr, "form-persistent"))
                        .on_hover_text(t!(tr, "form-persistent-hint"));
                }
            },
        );
    });
    if values.role == Role::Server && values.all_interfaces {
        ui.label(RichText::new(t!(tr, "form-all-interfaces-warning")).color(ui.visuals().warn_fg_color));
    }
    let valid = errors.is_empty();
    ui.horizontal(|ui| {
        match values.role {
            Role::Server if state.running => {
                if ui.button(t!(tr, "btn-stop")).on_hover_text(t!(tr, "hint-esc")).clicked() {
                    action = Some(FormAction::Stop);
                }
            }
            Role::Server => {
                if ui.add_enabled(valid, egui::Button::new(t!(tr, "btn-start"))).clicked() {
                    action = Some(FormAction::Start);
                }
            }
            Role::Client => {
                let send = ui.add_enabled(valid, egui::Button::new(t!(tr, "btn-send")));
                if send.on_hover_text(t!(tr, "hint-ctrl-enter")).clicked() {
                    action = Some(FormAction::Send);
                }
                if state.connected {
                    if ui.button(t!(tr, "btn-disconnect")).clicked() {
                        action = Some(FormAction::Disconnect);
                    }
                } else if ui.add_enabled(valid, egui::Button::new(t!(tr, "btn-connect"))).clicked() {
                    action = Some(FormAction::Connect);
                }
            }
        }
        if ui.button(t!(tr, "btn-clear")).clicked() {
            action = Some(FormAction::Clear);
        }
    });
    action
}
