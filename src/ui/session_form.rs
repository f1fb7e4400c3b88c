//! A session's form: it edits the session's [`SessionSpec`] directly. Numbers are typed as
//! text (so a half-typed port is not lost): each keeps its draft, which goes into the spec
//! once it parses. The problems shown under the fields are the drafts' and the spec's own
//! [`SessionSpec::validate`]; while any remains, the buttons that would use it are disabled.

use egui::{RichText, Ui};

use super::message_editor::{EditorAction, EditorContext, message_editor_ui};
use super::replies_view::replies_ui;
use super::steps_view::{ExpectDrafts, StepResults, StepsAction, expect_draft, steps_ui};
use crate::engine::Protocol;
use crate::engine::expect::{DEFAULT_IDLE_MS, Expectation, ReplyEnd};
use crate::i18n::Tr;
use crate::spec::{Field, MessageMode, MessageSpec, Problem, Role, SessionSpec, SpecError};
use crate::t;

/// The text typed in each number field, kept while it does not parse.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Drafts {
    port: String,
    chunk: String,
    timeout: String,
    backlog: String,
    count: String,
    interval: String,
    expect: String,
    reply_end: String,
    /// Socket options and a group's reply count (empty: not set).
    pub(super) recv_buffer: String,
    pub(super) send_buffer: String,
    pub(super) ttl: String,
    pub(super) keepalive_idle: String,
    pub(super) keepalive_interval: String,
    pub(super) replies: String,
    /// A relay's faults (empty: none).
    pub(super) latency: String,
    pub(super) bandwidth: String,
    pub(super) drop: String,
    pub(super) cut_after: String,
}

impl Drafts {
    fn of(spec: &SessionSpec) -> Drafts {
        Drafts {
            port: spec.port.to_string(),
            chunk: spec.chunk_bytes.map(|n| n.to_string()).unwrap_or_default(),
            timeout: spec.timeout_ms.to_string(),
            backlog: spec.backlog.to_string(),
            count: spec.plan.count.to_string(),
            interval: spec.plan.interval_ms.to_string(),
            expect: spec.expect.to_string(),
            reply_end: spec.reply_end.to_string(),
            recv_buffer: optional(spec.options.recv_buffer),
            send_buffer: optional(spec.options.send_buffer),
            ttl: optional(spec.options.ttl),
            keepalive_idle: optional(spec.options.keepalive_idle_s),
            keepalive_interval: optional(spec.options.keepalive_interval_s),
            replies: optional((spec.group.replies > 0).then_some(spec.group.replies)),
            latency: optional(nonzero(spec.relay.faults.latency_ms)),
            bandwidth: optional(nonzero(spec.relay.faults.bandwidth)),
            drop: optional(nonzero(u64::from(spec.relay.faults.drop_percent))),
            cut_after: optional(nonzero(spec.relay.faults.cut_after)),
        }
    }
}

fn nonzero(value: u64) -> Option<u64> {
    (value > 0).then_some(value)
}

fn optional(value: Option<u64>) -> String {
    value.map(|n| n.to_string()).unwrap_or_default()
}

/// A number as typed: `Ok(None)` for an empty field.
fn parse_number(text: &str) -> Result<Option<u64>, Problem> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    text.parse::<u64>().map(Some).map_err(|_| Problem::NotANumber)
}

/// The form of one session: its spec and the drafts of its number fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionForm {
    spec: SessionSpec,
    drafts: Drafts,
    /// The message file's path as typed.
    file: String,
    /// Each step's expectation as typed.
    step_drafts: ExpectDrafts,
    /// The fingerprint of a self-signed certificate the last handshake refused, offered to
    /// be pinned.
    pub offered_pin: Option<String>,
}

impl SessionForm {
    /// A form showing `spec`.
    pub fn new(spec: SessionSpec) -> SessionForm {
        let file = spec.message.file.as_ref().map(|p| p.display().to_string()).unwrap_or_default();
        let step_drafts = spec.steps.iter().map(expect_draft).collect();
        SessionForm { drafts: Drafts::of(&spec), spec, file, step_drafts, offered_pin: None }
    }

    /// The session's spec, as far as the fields parse.
    pub fn spec(&self) -> &SessionSpec {
        &self.spec
    }

    /// Replaces the spec (a preset, a startup flag) and the drafts with it.
    pub fn set_spec(&mut self, spec: SessionSpec) {
        *self = SessionForm::new(spec);
    }

    /// Replaces the message (from the history).
    pub fn set_message(&mut self, message: MessageSpec) {
        let mut spec = self.spec.clone();
        spec.message = message;
        self.set_spec(spec);
    }

    /// Sets the message file (picked in a dialog).
    pub fn set_file(&mut self, path: std::path::PathBuf) {
        self.file = path.display().to_string();
        self.spec.message.file = Some(path);
    }

    /// Reads the drafts into the spec; returns the drafts' own problems.
    fn apply_drafts(&mut self) -> Vec<SpecError> {
        let mut errors = Vec::new();
        let d = self.drafts.clone();
        let mut number = |field: Field, text: &str, empty_ok: bool| -> Option<Option<u64>> {
            let problem = match parse_number(text) {
                Ok(None) if !empty_ok => Problem::Empty,
                Ok(n) => return Some(n),
                Err(problem) => problem,
            };
            errors.push(SpecError { field, value: text.trim().to_string(), problem });
            None
        };
        let port = number(Field::Port, &d.port, false).flatten();
        if let Some(chunk) = number(Field::ChunkBytes, &d.chunk, true) {
            self.spec.chunk_bytes = chunk;
        }
        if let Some(Some(n)) = number(Field::Timeout, &d.timeout, false) {
            self.spec.timeout_ms = n;
        }
        if let Some(Some(n)) = number(Field::Backlog, &d.backlog, false) {
            self.spec.backlog = n;
        }
        if let Some(Some(n)) = number(Field::Count, &d.count, false) {
            self.spec.plan.count = n;
        }
        if let Some(Some(n)) = number(Field::Interval, &d.interval, false) {
            self.spec.plan.interval_ms = n;
        }
        let options = &mut self.spec.options;
        for (field, text, slot) in [
            (Field::RecvBuffer, &d.recv_buffer, &mut options.recv_buffer),
            (Field::SendBuffer, &d.send_buffer, &mut options.send_buffer),
            (Field::Ttl, &d.ttl, &mut options.ttl),
            (Field::KeepaliveIdle, &d.keepalive_idle, &mut options.keepalive_idle_s),
            (Field::KeepaliveInterval, &d.keepalive_interval, &mut options.keepalive_interval_s),
        ] {
            if let Some(value) = number(field, text, true) {
                *slot = value;
            }
        }
        if let Some(value) = number(Field::Replies, &d.replies, true) {
            self.spec.group.replies = value.unwrap_or(0);
        }
        let faults = &mut self.spec.relay.faults;
        if let Some(value) = number(Field::Latency, &d.latency, true) {
            faults.latency_ms = value.unwrap_or(0);
        }
        if let Some(value) = number(Field::Bandwidth, &d.bandwidth, true) {
            faults.bandwidth = value.unwrap_or(0);
        }
        if let Some(value) = number(Field::CutAfter, &d.cut_after, true) {
            faults.cut_after = value.unwrap_or(0);
        }
        if let Some(value) = number(Field::Drop, &d.drop, true) {
            faults.drop_percent = u8::try_from(value.unwrap_or(0).min(255)).unwrap_or(u8::MAX);
        }
        if let Some(port) = port {
            match u16::try_from(port) {
                Ok(port) => self.spec.port = port,
                Err(_) => errors.push(SpecError {
                    field: Field::Port,
                    value: port.to_string(),
                    problem: Problem::Range { min: 0, max: u64::from(u16::MAX) },
                }),
            }
        }
        match Expectation::parse(&d.expect) {
            Ok(expect) => self.spec.expect = expect,
            Err(e) => errors.push(SpecError {
                field: Field::Expect,
                value: d.expect.clone(),
                problem: Problem::Invalid(e.0),
            }),
        }
        match ReplyEnd::parse(&d.reply_end) {
            Ok(end) => self.spec.reply_end = end,
            Err(e) => errors.push(SpecError {
                field: Field::ReplyEnd,
                value: d.reply_end.clone(),
                problem: Problem::Invalid(e.0),
            }),
        }
        let file = self.file.trim();
        self.spec.message.file = (!file.is_empty()).then(|| file.into());
        errors
    }

    /// Every problem of the form: a field's draft first, then the spec's own checks. Only
    /// fields the role uses are checked.
    pub fn errors(&self) -> Vec<SpecError> {
        let mut form = self.clone();
        let mut errors = form.apply_drafts();
        let used = |field: &Field| match self.spec.role {
            Role::Server => !matches!(
                field,
                Field::Timeout | Field::Count | Field::Interval | Field::Expect | Field::ReplyEnd
            ),
            Role::Client => !matches!(field, Field::Backlog | Field::Threads),
        };
        errors.retain(|e| used(&e.field) && !(e.field == Field::Count && self.spec.plan.until_stopped));
        for error in form.spec.validate() {
            if !errors.iter().any(|e| e.field == error.field) {
                errors.push(error);
            }
        }
        errors
    }

    /// Whether the session can run as the form stands.
    pub fn is_valid(&self) -> bool {
        self.errors().is_empty()
    }

    /// Whether the message parses (a server sends it to its clients).
    pub fn message_is_valid(&self) -> bool {
        !self.errors().iter().any(|e| matches!(e.field, Field::Message | Field::File))
            && self.spec.message.payload().is_some_and(|p| p.is_ok())
    }
}

/// What the user asked for with the form's buttons.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormAction {
    /// Start the server.
    Start,
    /// Stop the server, or the client's sending and its connection.
    Stop,
    /// Send the message (as the plan says).
    Send,
    /// Open a persistent connection.
    Connect,
    /// Close it.
    Disconnect,
    /// Clear the transcript.
    Clear,
    /// Open a dialog for the message file.
    BrowseFile,
    /// Use a message from the history.
    UseHistory(usize),
    /// Run, stop or export the steps.
    Steps(StepsAction),
    /// A server: send the message to every client.
    SendToAll,
    /// Fold the form to one summary line (`true`) or show it whole.
    Fold(bool),
}

/// What the form needs to know about its session to draw the right buttons.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FormState {
    /// A server worker is running.
    pub running: bool,
    /// A persistent client connection is open (or opening).
    pub connected: bool,
    /// A client is sending: messages sent so far, out of how many (`None`: until stopped).
    pub progress: Option<(u64, Option<u64>)>,
    /// A client runs its steps.
    pub running_steps: bool,
}

impl FormState {
    /// Whether Send can go now: on the open connection, or as a new client when none is
    /// sending (a one-shot run in progress offers Stop instead).
    pub fn can_send(self) -> bool {
        self.connected || (self.progress.is_none() && !self.running_steps)
    }

    /// Whether a repeat runs (its count and interval are then fixed until it ends).
    fn repeating(self) -> bool {
        self.progress.is_some()
    }
}

/// The problem of one field, in the window's language.
pub(super) fn problem_text(tr: &Tr, errors: &[SpecError], field: Field) -> Option<String> {
    SessionSpec::error_for(errors, field).map(|e| tr.render(&crate::vocabulary::problem(&e.problem)))
}

/// One grid row: a label, a one-line field labelled by it (with a grey hint while empty), and
/// the field's error under it.
pub(super) fn field_row(
    ui: &mut Ui,
    label: String,
    value: &mut String,
    width: f32,
    enabled: bool,
    error: Option<String>,
    hint: &str,
) {
    field_row_in(ui, label, value, (width, enabled), error, hint, None);
}

/// [`field_row`], whose field may open a region for F6.
fn field_row_in(
    ui: &mut Ui,
    label: String,
    value: &mut String,
    (width, enabled): (f32, bool),
    error: Option<String>,
    hint: &str,
    part: Option<super::regions::Part>,
) {
    let label = ui.label(label);
    ui.vertical(|ui| {
        let edit = egui::TextEdit::singleline(value).desired_width(width).hint_text(hint);
        let response = ui.add_enabled(enabled, edit).labelled_by(label.id);
        if let Some(part) = part {
            super::regions::anchor(ui, &response, part);
        }
        if let Some(text) = error {
            ui.label(RichText::new(format!("⚠ {text}")).color(ui.visuals().error_fg_color));
        }
    });
    ui.end_row();
}

/// The splitter between the form's fields and what is below: dragged (or, focused, moved with
/// ↑ and ↓), it sets the fields' share of the session's height; a double click goes back to the
/// default.
fn splitter_ui(ui: &mut Ui, tr: &Tr, split: &mut Option<u16>, (shown, available): (f32, f32)) {
    let width = ui.available_width();
    let (rect, response) = ui.allocate_exact_size(egui::vec2(width, 8.0), egui::Sense::click_and_drag());
    let name = t!(tr, "form-splitter");
    let response = response
        .on_hover_cursor(egui::CursorIcon::ResizeVertical)
        .on_hover_text(t!(tr, "form-splitter-hint"));
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Splitter, true, name.clone()));
    let visuals = ui.style().interact(&response);
    let y = rect.center().y;
    ui.painter().line_segment([egui::pos2(rect.left(), y), egui::pos2(rect.right(), y)], visuals.bg_stroke);
    let grip = egui::vec2(16.0, 0.0);
    for dy in [-2.0, 2.0] {
        let c = rect.center() + egui::vec2(0.0, dy);
        ui.painter().line_segment([c - grip, c + grip], visuals.fg_stroke);
    }
    let available = available.max(1.0);
    let mut height = shown;
    if response.dragged() {
        height += response.drag_delta().y;
    }
    if response.has_focus() {
        let step = available * 0.05;
        if ui.input(|i| i.key_pressed(egui::Key::ArrowUp)) {
            height -= step;
        }
        if ui.input(|i| i.key_pressed(egui::Key::ArrowDown)) {
            height += step;
        }
    }
    if response.double_clicked() {
        *split = None;
    } else if (height - shown).abs() > 0.5 {
        *split = Some(((height / available) * 1000.0).clamp(20.0, 900.0) as u16);
    }
}

/// Draws the form and returns the button the user pressed, if any.
pub fn form_ui(
    ui: &mut Ui,
    tr: &Tr,
    (form, split): (&mut SessionForm, &mut Option<u16>),
    state: FormState,
    history: &[MessageSpec],
    steps: &StepResults,
) -> Option<FormAction> {
    let errors = form.errors();
    let locked = state.running || state.connected || state.progress.is_some();
    let mut action = None;
    // The fields scroll within the upper half; the buttons below them and the transcript
    // under the form always stay in view.
    // A short tile (a small window, a projector's zoom) gives the fields less room, never the
    // buttons and the transcript below.
    let available = ui.available_height();
    let height = match *split {
        // Where the user dragged the splitter, as a share of the session's height; the
        // buttons and a few transcript rows always keep their room.
        Some(permille) => {
            (available * f32::from(permille) / 1000.0).clamp(24.0, (available - 160.0).max(24.0))
        }
        None if available > 420.0 => (available * 0.5).max(140.0),
        None => (available * 0.15).max(24.0),
    };
    // A solid scroll bar, always drawn when the fields overflow: a floating one shows only under
    // the pointer, and a short tile would hide Port and Message with no sign of them.
    let scroll_style = std::mem::replace(&mut ui.spacing_mut().scroll, egui::style::ScrollStyle::solid());
    let scrolled = egui::ScrollArea::vertical()
        .id_salt("form")
        .max_height(height)
        .min_scrolled_height(height.min(64.0))
        .show(ui, |ui| {
            ui.add_enabled_ui(!locked, |ui| {
                ui.horizontal(|ui| {
                    let spec = &mut form.spec;
                    ui.label(t!(tr, "form-role"));
                    ui.radio_value(&mut spec.role, Role::Server, t!(tr, "role-server"));
                    ui.radio_value(&mut spec.role, Role::Client, t!(tr, "role-client"));
                    ui.separator();
                    ui.label(t!(tr, "form-protocol"));
                    ui.radio_value(&mut spec.protocol, Protocol::Tcp, "TCP");
                    ui.radio_value(&mut spec.protocol, Protocol::Udp, "UDP");
                });
                egui::Grid::new(ui.scope_id().with("fields")).num_columns(2).spacing([8.0, 4.0]).show(
                    ui,
                    |ui| {
                        let host_enabled = !(form.spec.role == Role::Server && form.spec.all_interfaces);
                        let host_error = problem_text(tr, &errors, Field::Host);
                        field_row_in(
                            ui,
                            t!(tr, "form-host"),
                            &mut form.spec.host,
                            (220.0, host_enabled),
                            host_error,
                            "",
                            Some(super::regions::Part::Form),
                        );
                        let port_error = problem_text(tr, &errors, Field::Port);
                        field_row(ui, t!(tr, "form-port"), &mut form.drafts.port, 90.0, true, port_error, "");
                    },
                );
                super::tls_form::tls_ui(ui, tr, &mut form.spec, &errors, &mut form.offered_pin);
                if let Some(text) = problem_text(tr, &errors, Field::Tls) {
                    ui.label(RichText::new(format!("⚠ {text}")).color(ui.visuals().error_fg_color));
                }
            });
            if form.spec.role == Role::Client {
                // What a user types is never locked while it could still be sent: the
                // message is read at each Send, on the open connection or a new one.
                let context = EditorContext {
                    protocol: form.spec.protocol,
                    errors: &errors,
                    history,
                    enabled: true,
                    can_send: errors.is_empty() && state.can_send(),
                };
                let editor = message_editor_ui(ui, tr, &mut form.spec.message, &mut form.file, &context);
                match editor {
                    Some(EditorAction::BrowseFile) => action = Some(FormAction::BrowseFile),
                    Some(EditorAction::UseHistory(index)) => action = Some(FormAction::UseHistory(index)),
                    Some(EditorAction::Send) => action = Some(FormAction::Send),
                    None => {}
                }
                plan_ui(ui, tr, form, &errors, state);
                let (spec, drafts) = (&mut form.spec, &mut form.step_drafts);
                let steps_ran = steps_ui(
                    ui,
                    tr,
                    &mut spec.steps,
                    drafts,
                    &mut spec.plan.continue_on_failure,
                    (steps, state.running_steps),
                );
                if let Some(asked) = steps_ran {
                    action = Some(FormAction::Steps(asked));
                }
            }
            if form.spec.role == Role::Server {
                ui.add_enabled_ui(!locked, |ui| {
                    super::relay_form::relay_ui(ui, tr, &mut form.spec, &mut form.drafts, &errors)
                });
            }
            if form.spec.role == Role::Server && !form.spec.relay.enabled {
                ui.add_enabled_ui(!locked, |ui| replies_ui(ui, tr, &mut form.spec.server, &errors));
                let header = egui::CollapsingHeader::new(t!(tr, "server-send-title"))
                    .id_salt(ui.scope_id().with("server-send"));
                header.show(ui, |ui| {
                    let ready = state.running && form.message_is_valid();
                    let context = EditorContext {
                        protocol: form.spec.protocol,
                        errors: &errors,
                        history,
                        enabled: true,
                        can_send: ready,
                    };
                    match message_editor_ui(ui, tr, &mut form.spec.message, &mut form.file, &context) {
                        Some(EditorAction::BrowseFile) => action = Some(FormAction::BrowseFile),
                        Some(EditorAction::UseHistory(index)) => action = Some(FormAction::UseHistory(index)),
                        Some(EditorAction::Send) => action = Some(FormAction::SendToAll),
                        None => {}
                    }
                    if ui
                        .add_enabled(ready, egui::Button::new(t!(tr, "server-send-all")))
                        .on_hover_text(t!(tr, "server-send-hint"))
                        .clicked()
                    {
                        action = Some(FormAction::SendToAll);
                    }
                });
            }
            // Presenting hides what a class does not need.
            if !super::presentation::is_on(ui.ctx()) {
                ui.add_enabled_ui(!locked, |ui| advanced_ui(ui, tr, form, &errors));
            }
            if form.spec.role == Role::Server && form.spec.all_interfaces {
                ui.label(
                    RichText::new(t!(tr, "form-all-interfaces-warning")).color(ui.visuals().warn_fg_color),
                );
            }
        });
    ui.spacing_mut().scroll = scroll_style;
    splitter_ui(ui, tr, split, (scrolled.inner_rect.height(), available));
    let valid = errors.is_empty();
    ui.horizontal_wrapped(|ui| {
        if let Some(pressed) = buttons_ui(ui, tr, form.spec.role, state, valid) {
            action = Some(pressed);
        }
        if ui.button(t!(tr, "form-fold")).on_hover_text(t!(tr, "form-fold-hint")).clicked() {
            action = Some(FormAction::Fold(true));
        }
        if let Some((done, total)) = state.progress {
            let text = match total {
                Some(total) => t!(tr, "progress-of", done = done, total = total),
                None => t!(tr, "progress-forever", done = done),
            };
            ui.label(RichText::new(text).strong());
        }
    });
    // The drafts go into the spec once the frame's edits are in.
    form.apply_drafts();
    action
}

/// What the session is, in one line, in the window's words: "TCP client → localhost:10000",
/// "servidor TCP en localhost:10000".
pub fn summary(tr: &Tr, spec: &SessionSpec) -> String {
    let host = if spec.host.contains(':') { format!("[{}]", spec.host) } else { spec.host.clone() };
    let target = format!("{host}:{}", spec.port);
    let protocol = spec.protocol.to_string();
    match spec.role {
        Role::Server if spec.relay.enabled => {
            t!(tr, "form-summary-relay", protocol = protocol, target = target)
        }
        Role::Server => t!(tr, "form-summary-server", protocol = protocol, target = target),
        Role::Client => t!(tr, "form-summary-client", protocol = protocol, target = target),
    }
}

/// The form folded to one line: what the session is and Edit, its buttons, and (a client) the
/// message in one line, which Enter sends, so that a running session's transcript keeps the
/// room and typing on an open connection still works.
pub fn folded_form_ui(
    ui: &mut Ui,
    tr: &Tr,
    form: &mut SessionForm,
    state: FormState,
    history: &[MessageSpec],
) -> Option<FormAction> {
    let errors = form.errors();
    let mut action = None;
    ui.horizontal_wrapped(|ui| {
        let edit = ui.button(t!(tr, "form-edit")).on_hover_text(t!(tr, "form-edit-hint"));
        super::regions::anchor(ui, &edit, super::regions::Part::Form);
        if edit.clicked() {
            action = Some(FormAction::Fold(false));
        }
        ui.label(RichText::new(summary(tr, &form.spec)).strong());
        if let Some(pressed) = buttons_ui(ui, tr, form.spec.role, state, errors.is_empty()) {
            action = Some(pressed);
        }
    });
    let one_line = matches!(form.spec.message.mode, MessageMode::Text | MessageMode::Hex)
        && !form.spec.message.text.contains('\n')
        && form.spec.message.text.len() <= super::message_editor::INLINE_LIMIT;
    // A relay sends nothing of its own.
    if one_line && !form.spec.relay.enabled {
        let server = form.spec.role == Role::Server;
        let can_send = errors.is_empty() && if server { state.running } else { state.can_send() };
        ui.horizontal(|ui| {
            let label = ui.label(if server { t!(tr, "server-send-title") } else { t!(tr, "form-message") });
            let edit_id = ui.scope_id().with("one-line-message");
            let message = &form.spec.message;
            match super::message_editor::box_keys(ui, edit_id, message, history, can_send) {
                Some(EditorAction::Send) if server => action = Some(FormAction::SendToAll),
                Some(EditorAction::Send) => action = Some(FormAction::Send),
                Some(EditorAction::UseHistory(index)) => action = Some(FormAction::UseHistory(index)),
                Some(EditorAction::BrowseFile) | None => {}
            }
            let edit = egui::TextEdit::singleline(&mut form.spec.message.text)
                .id(edit_id)
                .desired_width(ui.available_width())
                .font(egui::TextStyle::Monospace);
            ui.add(edit).labelled_by(label.id).on_hover_text(t!(tr, "form-one-line-hint"));
        });
        if let Some(text) = problem_text(tr, &errors, Field::Message) {
            ui.label(RichText::new(format!("⚠ {text}")).color(ui.visuals().error_fg_color));
        }
    }
    form.apply_drafts();
    action
}

/// Start/Stop, or Send/Stop, Connect/Disconnect; and Clear.
fn buttons_ui(ui: &mut Ui, tr: &Tr, role: Role, state: FormState, valid: bool) -> Option<FormAction> {
    let mut action = None;
    match role {
        Role::Server if state.running => {
            if ui.button(t!(tr, "btn-stop")).on_hover_text(t!(tr, "btn-stop-hint")).clicked() {
                action = Some(FormAction::Stop);
            }
        }
        Role::Server => {
            let start = ui
                .add_enabled(valid, egui::Button::new(t!(tr, "btn-start")))
                .on_hover_text(t!(tr, "btn-start-hint"));
            super::tour::mark(ui.ctx(), super::tour::Target::Start, start.rect);
            if start.clicked() {
                action = Some(FormAction::Start);
            }
        }
        Role::Client => {
            if state.progress.is_some() && !state.connected {
                if ui.button(t!(tr, "btn-stop")).on_hover_text(t!(tr, "btn-stop-hint")).clicked() {
                    action = Some(FormAction::Stop);
                }
            } else {
                let send = ui
                    .add_enabled(valid, egui::Button::new(t!(tr, "btn-send")))
                    .on_hover_text(t!(tr, "btn-send-hint"));
                super::tour::mark(ui.ctx(), super::tour::Target::Send, send.rect);
                if send.clicked() {
                    action = Some(FormAction::Send);
                }
            }
            if state.connected {
                if ui.button(t!(tr, "btn-disconnect")).on_hover_text(t!(tr, "btn-disconnect-hint")).clicked()
                {
                    action = Some(FormAction::Disconnect);
                }
            } else if state.progress.is_none()
                && ui
                    .add_enabled(valid, egui::Button::new(t!(tr, "btn-connect")))
                    .on_hover_text(t!(tr, "btn-connect-hint"))
                    .clicked()
            {
                action = Some(FormAction::Connect);
            }
        }
    }
    if ui.button(t!(tr, "btn-clear")).on_hover_text(t!(tr, "btn-clear-hint")).clicked() {
        action = Some(FormAction::Clear);
    }
    action
}

/// How many times, how often, until stopped, and over one connection. A running repeat fixes
/// its own count and interval; the expectation applies from the next connection, so it is
/// fixed while one is open.
fn plan_ui(ui: &mut Ui, tr: &Tr, form: &mut SessionForm, errors: &[SpecError], state: FormState) {
    let repeating = state.repeating() || state.running_steps;
    egui::Grid::new(ui.scope_id().with("plan")).num_columns(2).spacing([8.0, 4.0]).show(ui, |ui| {
        let forever = form.spec.plan.until_stopped;
        let count_error = problem_text(tr, errors, Field::Count);
        let count = !forever && !repeating;
        field_row(ui, t!(tr, "form-count"), &mut form.drafts.count, 90.0, count, count_error, "");
        let interval_error = problem_text(tr, errors, Field::Interval);
        let interval = &mut form.drafts.interval;
        field_row(ui, t!(tr, "form-interval"), interval, 90.0, !repeating, interval_error, "");
    });
    let open = state.connected || repeating;
    ui.add_enabled_ui(!open, |ui| expect_ui(ui, tr, form, errors))
        .response
        .on_disabled_hover_text(t!(tr, "form-expect-locked-hint"));
}

/// What the reply must be and where it ends; over one connection or not.
fn expect_ui(ui: &mut Ui, tr: &Tr, form: &mut SessionForm, errors: &[SpecError]) {
    egui::Grid::new(ui.scope_id().with("expect"))
        .num_columns(2)
        .spacing([8.0, 4.0])
        .show(ui, |ui| {
            let was_echo = form.drafts.expect.trim() == "echo";
            let error = problem_text(tr, errors, Field::Expect);
            field_row(ui, t!(tr, "form-expect"), &mut form.drafts.expect, 260.0, true, error, "echo");
            // A reply other than an echo has no length to wait for: end it at an idle gap.
            if was_echo && form.drafts.expect.trim() != "echo" && form.drafts.reply_end.trim() == "sent" {
                form.drafts.reply_end = ReplyEnd::Idle(DEFAULT_IDLE_MS).to_string();
            }
            let error = problem_text(tr, errors, Field::ReplyEnd);
            field_row(ui, t!(tr, "form-reply-end"), &mut form.drafts.reply_end, 260.0, true, error, "sent");
        })
        .response
        .on_hover_text(t!(tr, "form-expect-hint"));
    ui.horizontal_wrapped(|ui| {
        ui.checkbox(&mut form.spec.plan.until_stopped, t!(tr, "form-until-stopped"))
            .on_hover_text(t!(tr, "form-until-stopped-hint"));
        ui.checkbox(&mut form.spec.plan.persistent, t!(tr, "form-persistent"))
            .on_hover_text(t!(tr, "form-persistent-hint"));
    });
}

/// Read size or buffer, timeout, backlog, all interfaces.
fn advanced_ui(ui: &mut Ui, tr: &Tr, form: &mut SessionForm, errors: &[SpecError]) {
    egui::CollapsingHeader::new(t!(tr, "form-advanced")).id_salt(ui.scope_id().with("advanced")).show(
        ui,
        |ui| {
            egui::Grid::new(ui.scope_id().with("adv")).num_columns(2).spacing([8.0, 4.0]).show(ui, |ui| {
                let spec = &form.spec;
                let chunk_label =
                    if spec.protocol == Protocol::Udp { t!(tr, "form-buffer") } else { t!(tr, "form-chunk") };
                let default = SessionSpec::default_chunk_bytes(spec.role, spec.protocol).to_string();
                let chunk_error = problem_text(tr, errors, Field::ChunkBytes);
                field_row(ui, chunk_label, &mut form.drafts.chunk, 90.0, true, chunk_error, &default);
                if spec.role == Role::Client {
                    let error = problem_text(tr, errors, Field::Timeout);
                    field_row(ui, t!(tr, "form-timeout"), &mut form.drafts.timeout, 90.0, true, error, "");
                }
                if spec.role == Role::Server && spec.protocol == Protocol::Tcp {
                    let error = problem_text(tr, errors, Field::Backlog);
                    field_row(ui, t!(tr, "form-backlog"), &mut form.drafts.backlog, 90.0, true, error, "");
                }
            });
            if form.spec.role == Role::Server {
                ui.checkbox(&mut form.spec.all_interfaces, t!(tr, "form-all-interfaces"))
                    .on_hover_text(t!(tr, "form-all-interfaces-hint"));
            }
            super::options_form::options_ui(ui, tr, &mut form.spec, &mut form.drafts, errors);
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_half_typed_number_is_kept_and_named() {
        let mut form = SessionForm::new(SessionSpec::new(Role::Client, Protocol::Tcp));
        form.drafts.port = "70000".into();
        form.drafts.count = "x".into();
        let errors = form.errors();
        let port = SessionSpec::error_for(&errors, Field::Port).map(|e| e.problem.clone());
        assert_eq!(port, Some(Problem::Range { min: 0, max: 65535 }));
        let count = SessionSpec::error_for(&errors, Field::Count).map(|e| e.problem.clone());
        assert_eq!(count, Some(Problem::NotANumber));
        assert_eq!(form.spec().port, 10000, "the spec keeps its last good value");
        form.drafts.port = "9".into();
        form.drafts.count = "3".into();
        assert!(form.is_valid());
        form.apply_drafts();
        assert_eq!((form.spec().port, form.spec().plan.count), (9, 3));
    }

    #[test]
    fn an_empty_read_size_takes_the_default() {
        let mut form = SessionForm::new(SessionSpec::new(Role::Server, Protocol::Udp));
        assert_eq!(form.drafts.chunk, "");
        form.apply_drafts();
        assert_eq!(form.spec().chunk_bytes(), 65535);
        form.drafts.chunk = "70000".into();
        assert_eq!(form.errors().first().map(|e| e.field), Some(Field::ChunkBytes));
    }
}
