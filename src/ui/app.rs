//! The eframe app: sessions side by side, the top bar, shortcuts, persistence.
//!
//! `App::logic` drains worker events in bounded batches (so a flood never freezes a frame);
//! `App::ui` draws, and the panels return what the user asked for, which is acted on after
//! drawing. Nothing here touches a socket or resolves a name: the workers do.

use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender};
use egui::{RichText, Ui};
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

use super::clients_view::clients_ui;
use super::files::{
    self, FileAction, FileBar, FileJob, LiveRecording, Purpose, RecordingFailure, path_bar_ui,
};
use super::i18n::{Language, Tr};
use super::session::Session;
use super::session_form::{FormAction, FormValues, Role, form_ui};
use super::status_bar::session_status_ui;
use super::transcript_view::transcript_ui;
use crate::engine::{self, Event, Protocol, Waker};
use crate::t;
use crate::transcript::export::{EventName, Record};
use crate::transcript::store::DEFAULT_CAP_BYTES;

/// Most events handled in one frame's logic; the rest wait for the next frame.
pub const MAX_EVENTS_PER_FRAME: usize = 50_000;
/// Most time spent draining events in one frame.
pub const MAX_DRAIN_TIME: Duration = Duration::from_millis(3);
const SETTINGS_KEY: &str = "socket-tester-settings";

/// Startup flags that prefill the first sessions (for demos and scripts).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StartupOptions {
    /// Protocol of the first server and client.
    pub protocol: Option<Protocol>,
    /// Host of both.
    pub host: Option<String>,
    /// Port of both.
    pub port: Option<u16>,
    /// The client's message.
    pub message: Option<String>,
    /// Start the server at launch.
    pub start_server: bool,
    /// Force a language (otherwise the saved one, or the system's).
    pub language: Option<Language>,
}

/// What is remembered between runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    /// The language.
    pub language: Language,
    /// Zoom factor.
    pub zoom: f32,
    /// The sessions' forms.
    pub forms: Vec<FormValues>,
    /// Memory cap of one transcript, in MiB.
    pub cap_mib: usize,
}

/// The desktop app.
pub struct SocketTesterApp {
    tr: Tr,
    tz: TimeZone,
    sessions: Vec<Session>,
    events_tx: Sender<Event>,
    events_rx: Receiver<Event>,
    waker: Waker,
    next_uid: u64,
    active: usize,
    cap_mib: usize,
    zoom: f32,
    start_server_pending: bool,
    jobs_tx: Sender<FileJob>,
    jobs_rx: Receiver<FileJob>,
    open_bar: Option<FileBar>,
    notice: Option<(String, bool)>,
    no_dialog: bool,
    recovery_dir: Option<std::path::PathBuf>,
    recovered: Vec<std::path::PathBuf>,
}

impl SocketTesterApp {
    /// Builds the app for eframe: restores settings, applies startup flags, and offers the
    /// transcripts a previous run kept for recovery.
    pub fn new(cc: &eframe::CreationContext<'_>, options: StartupOptions) -> SocketTesterApp {
        let settings = cc.storage.and_then(|s| eframe::get_value::<Settings>(s, SETTINGS_KEY));
        let mut app = SocketTesterApp::with_context(&cc.egui_ctx, settings, options);
        app.use_recovery_dir(files::recovery_dir());
        app
    }

    /// Where unsaved transcripts go when the window closes (`None`: nowhere); lists what an
    /// earlier run left there.
    pub fn use_recovery_dir(&mut self, dir: Option<std::path::PathBuf>) {
        self.recovered = dir.as_deref().map(files::recovered).unwrap_or_default();
        self.recovery_dir = dir;
    }

    /// Transcripts an earlier run kept, not yet opened or deleted.
    pub fn recovered(&self) -> &[std::path::PathBuf] {
        &self.recovered
    }

    /// Keeps every unsaved transcript in the recovery folder (the window is closing).
    pub fn keep_unsaved(&mut self) -> Vec<std::path::PathBuf> {
        let Some(dir) = self.recovery_dir.clone() else { return Vec::new() };
        let mut kept = Vec::new();
        for session in &mut self.sessions {
            if session.has_unsaved() {
                match files::save_recovery(&dir, session.uid, &session.transcript, session.form.protocol) {
                    Ok(path) => {
                        session.saved_at_entries = session.transcript.counters().entries;
                        kept.push(path);
                    }
                    Err(err) => eprintln!("socket-tester: could not keep an unsaved transcript: {err}"),
                }
            }
        }
        kept
    }

    /// Builds the app on a context (tests and benchmarks use this directly).
    pub fn with_context(
        ctx: &egui::Context,
        settings: Option<Settings>,
        options: StartupOptions,
    ) -> SocketTesterApp {
        let language =
            options.language.or(settings.as_ref().map(|s| s.language)).unwrap_or_else(Language::from_system);
        let tr = Tr::new(language);
        let repaint = ctx.clone();
        let waker: Waker = std::sync::Arc::new(move || repaint.request_repaint());
        let (events_tx, events_rx) = crossbeam_channel::bounded(engine::EVENT_CHANNEL_CAPACITY);
        let zoom = settings.as_ref().map_or(1.0, |s| s.zoom.clamp(0.5, 3.0));
        let cap_mib = settings.as_ref().map_or(DEFAULT_CAP_BYTES >> 20, |s| s.cap_mib.max(1));
        setup_style(ctx, zoom);
        let (jobs_tx, jobs_rx) = crossbeam_channel::unbounded();
        let mut app = SocketTesterApp {
            jobs_tx,
            jobs_rx,
            open_bar: None,
            notice: None,
            no_dialog: false,
            recovery_dir: None,
            recovered: Vec::new(),
            tr,
            tz: TimeZone::system(),
            sessions: Vec::new(),
            events_tx,
            events_rx,
            waker,
            next_uid: 1,
            active: 1,
            cap_mib,
            zoom,
            start_server_pending: options.start_server,
        };
        let forms = settings.map(|s| s.forms).filter(|f| !f.is_empty()).unwrap_or_else(|| {
            vec![
                FormValues::new(Role::Server, Protocol::Tcp, language),
                FormValues::new(Role::Client, Protocol::Tcp, language),
            ]
        });
        for mut form in forms {
            if let Some(protocol) = options.protocol {
                form.protocol = protocol;
                form.chunk = FormValues::new(form.role, protocol, language).chunk;
            }
            if let Some(host) = &options.host {
                form.host.clone_from(host);
            }
            if let Some(port) = options.port {
                form.port = port.to_string();
            }
            if let (Some(message), Role::Client) = (&options.message, form.role) {
                form.message.clone_from(message);
            }
            app.add_session(form);
        }
        app.active = app.sessions.iter().position(|s| s.form.role == Role::Client).unwrap_or(0);
        app
    }

    fn add_session(&mut self, form: FormValues) {
        let uid = self.next_uid;
        self.next_uid += 1;
        self.sessions.push(Session::new(uid, form, self.cap_mib << 20));
    }

    /// The sessions, left to right.
    pub fn sessions(&self) -> &[Session] {
        &self.sessions
    }

    /// The sessions, for tests and benchmarks that fill them.
    pub fn sessions_mut(&mut self) -> &mut Vec<Session> {
        &mut self.sessions
    }

    /// The translations in use.
    pub fn tr(&self) -> &Tr {
        &self.tr
    }

    /// A sender into the app's event channel (benchmarks feed synthetic floods through it).
    pub fn event_sender(&self) -> Sender<Event> {
        self.events_tx.clone()
    }

    /// What to remember between runs.
    pub fn settings(&self) -> Settings {
        Settings {
            language: self.tr.language(),
            zoom: self.zoom,
            forms: self.sessions.iter().map(|s| s.form.clone()).collect(),
            cap_mib: self.cap_mib,
        }
    }

    /// Takes worker events, in a bounded batch. Returns how many it took.
    pub fn drain(&mut self, ctx: &egui::Context) -> usize {
        let started = Instant::now();
        let mut taken = 0;
        while taken < MAX_EVENTS_PER_FRAME {
            let Ok(event) = self.events_rx.try_recv() else { break };
            taken += 1;
            if let Some(session) = self.sessions.iter_mut().find(|s| s.owns(event.session)) {
                session.ingest(&event);
            }
            if taken % 1024 == 0 && started.elapsed() >= MAX_DRAIN_TIME {
                break;
            }
        }
        if !self.events_rx.is_empty() {
            ctx.request_repaint();
        }
        self.take_file_jobs();
        taken
    }

    /// The last file notice (saved, opened, failed), for the status line and the tests.
    pub fn notice(&self) -> Option<&(String, bool)> {
        self.notice.as_ref()
    }

    fn take_file_jobs(&mut self) {
        while let Ok(job) = self.jobs_rx.try_recv() {
            match job {
                FileJob::Picked { purpose, path, unavailable } => {
                    self.no_dialog = unavailable;
                    let Some(path) = path else { continue };
                    let text = path.display().to_string();
                    let bar = match purpose {
                        Purpose::Open => self.open_bar.as_mut(),
                        Purpose::Save(uid) | Purpose::Record(uid) => {
                            self.sessions.iter_mut().find(|s| s.uid == uid).and_then(|s| s.file_bar.as_mut())
                        }
                    };
                    if let Some(bar) = bar {
                        bar.path = text;
                    }
                }
                FileJob::Saved { uid, path, result, entries } => {
                    if result.is_ok()
                        && let Some(session) = self.sessions.iter_mut().find(|s| s.uid == uid)
                    {
                        session.saved_at_entries = session.saved_at_entries.max(entries);
                    }
                    let path = path.display().to_string();
                    self.notice = Some(match result {
                        Ok(count) => (t!(self.tr, "file-saved", count = count, path = path), false),
                        Err(error) => (t!(self.tr, "file-save-failed", error = error), true),
                    });
                }
                FileJob::Opened { path, result } => match result {
                    Ok(records) => self.add_opened(&path, &records),
                    Err(error) => self.notice = Some((t!(self.tr, "file-open-failed", error = error), true)),
                },
            }
        }
        for session in &mut self.sessions {
            let Some(recording) = &session.recording else { continue };
            let Some(failure) = recording.failure() else { continue };
            let text = match failure {
                RecordingFailure::Write(error) => t!(self.tr, "file-record-failed", error = error),
                RecordingFailure::Behind => {
                    let path = recording.path.display().to_string();
                    let events = files::RECORDING_QUEUE.to_string();
                    t!(self.tr, "file-record-behind", path = path, events = events)
                }
            };
            session.recording = None;
            self.notice = Some((text, true));
        }
    }

    /// Adds a read-only session holding a reopened transcript.
    fn add_opened(&mut self, path: &std::path::Path, records: &[Record]) {
        let protocol = records.iter().find_map(|r| r.protocol).unwrap_or(Protocol::Tcp);
        let role =
            if records.iter().any(|r| r.event == EventName::Listening) { Role::Server } else { Role::Client };
        let mut form = FormValues::new(role, protocol, self.tr.language());
        if let Some(addr) = records.iter().find_map(|r| if role == Role::Server { r.local } else { r.peer }) {
            form.host = addr.ip().to_string();
            form.port = addr.port().to_string();
        }
        self.add_session(form);
        let source = engine::next_session_id();
        if let Some(session) = self.sessions.last_mut() {
            session.opened_from = Some(path.to_path_buf());
            session.watch(source);
            for record in records {
                if let Some(mut event) = record.to_event() {
                    event.session = source;
                    session.transcript.push_event(&event, record.conn);
                }
            }
            let count = session.transcript.len();
            let path = path.display().to_string();
            self.notice = Some((t!(self.tr, "file-opened", path = path, count = count), false));
        }
    }

    fn act_file(&mut self, index: Option<usize>, action: FileAction) {
        let (jobs, waker) = (self.jobs_tx.clone(), self.waker.clone());
        match (action, index.and_then(|i| self.sessions.get_mut(i))) {
            (FileAction::Browse(purpose, name), _) => files::browse(purpose, &name, jobs, waker),
            (FileAction::Open(path), _) => {
                self.open_bar = None;
                files::open(path, jobs, waker);
            }
            (FileAction::Save(path), Some(session)) => {
                session.file_bar = None;
                files::save(session.uid, path, &session.transcript, session.form.protocol, jobs, waker);
            }
            (FileAction::StartRecording(path, pcap), Some(session)) => {
                match LiveRecording::start(&path, pcap, session.form.protocol) {
                    Ok(recording) => {
                        session.recording = Some(recording);
                        session.file_bar = None;
                    }
                    Err(err) => {
                        self.notice = Some((t!(self.tr, "file-record-failed", error = err.to_string()), true))
                    }
                }
            }
            (FileAction::StopRecording, Some(session)) => session.recording = None,
            _ => {}
        }
    }

    /// Stops every worker (closing the window does this).
    pub fn stop_all(&mut self) {
        for session in &mut self.sessions {
            session.stop();
        }
    }

    fn set_language(&mut self, language: Language) {
        let old = self.tr.language();
        if old == language {
            return;
        }
        self.tr.set_language(language);
        for session in &mut self.sessions {
            // The default message follows the language, unless the user wrote their own.
            if session.form.message == old.default_message() {
                session.form.message = language.default_message().into();
            }
        }
    }

    fn act(&mut self, index: usize, action: FormAction) {
        let (events, waker) = (self.events_tx.clone(), self.waker.clone());
        let Some(session) = self.sessions.get_mut(index) else { return };
        self.active = index;
        match action {
            FormAction::Start => session.start(&events, &waker),
            FormAction::Stop | FormAction::Disconnect => session.stop(),
            FormAction::Send => session.send(&events, &waker),
            FormAction::Connect => session.connect(&events, &waker),
            FormAction::Clear => session.clear(),
        }
    }

    fn shortcuts(&mut self, ui: &mut Ui) {
        let send = ui.input_mut(|i| i.consume_key(egui::Modifiers::COMMAND, egui::Key::Enter));
        let stop = ui.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::Escape));
        let tr = &self.tr;
        let Some(session) = self.sessions.get(self.active) else { return };
        let valid = session.form.validate(tr).is_empty();
        if send && session.form.role == Role::Client && valid {
            self.act(self.active, FormAction::Send);
        } else if stop {
            self.act(self.active, FormAction::Stop);
        }
    }

    fn top_bar(&mut self, ui: &mut Ui) {
        ui.horizontal_wrapped(|ui| {
            ui.heading(RichText::new("Socket Tester").strong());
            ui.separator();
            let language = self.tr.language();
            if ui.button(t!(self.tr, "add-client")).clicked() {
                self.add_session(FormValues::new(Role::Client, Protocol::Tcp, language));
            }
            if ui.button(t!(self.tr, "add-server")).clicked() {
                self.add_session(FormValues::new(Role::Server, Protocol::Tcp, language));
            }
            if ui.button(t!(self.tr, "add-udp-pair")).clicked() {
                self.add_session(FormValues::new(Role::Server, Protocol::Udp, language));
                self.add_session(FormValues::new(Role::Client, Protocol::Udp, language));
            }
            if ui.button(t!(self.tr, "btn-open")).clicked() {
                self.open_bar = Some(FileBar { purpose: Purpose::Open, path: String::new(), pcap: false });
            }
            ui.separator();
            let mut chosen = language;
            egui::ComboBox::from_label(t!(self.tr, "language")).selected_text(chosen.native_name()).show_ui(
                ui,
                |ui| {
                    for lang in Language::ALL {
                        ui.selectable_value(&mut chosen, lang, lang.native_name());
                    }
                },
            );
            if chosen != language {
                self.set_language(chosen);
            }
            ui.separator();
            if ui.button("A−").on_hover_text(t!(self.tr, "zoom-out")).clicked() {
                self.zoom = (self.zoom - 0.1).max(0.5);
                ui.ctx().set_zoom_factor(self.zoom);
            }
            if ui.button("A+").on_hover_text(t!(self.tr, "zoom-in")).clicked() {
                self.zoom = (self.zoom + 0.1).min(3.0);
                ui.ctx().set_zoom_factor(self.zoom);
            }
            ui.separator();
            ui.label(t!(self.tr, "memory-cap"));
            let changed =
                ui.add(egui::DragValue::new(&mut self.cap_mib).range(1..=16_384).suffix(" MiB")).changed();
            if changed {
                for session in &mut self.sessions {
                    session.transcript.set_cap_bytes(self.cap_mib << 20);
                }
            }
        });
        ui.label(RichText::new(t!(self.tr, "intro")).weak());
        let mut close = false;
        let mut action = None;
        if let Some(bar) = &mut self.open_bar {
            action = path_bar_ui(ui, &self.tr, bar, self.no_dialog, &mut close);
        }
        if close {
            self.open_bar = None;
        }
        if let Some(action) = action {
            self.act_file(None, action);
        }
        if !self.recovered.is_empty() {
            ui.horizontal_wrapped(|ui| {
                let count = self.recovered.len();
                ui.label(
                    RichText::new(t!(self.tr, "recovery-offer", count = count))
                        .color(ui.visuals().warn_fg_color),
                );
                if ui.button(t!(self.tr, "recovery-open")).clicked() {
                    for path in std::mem::take(&mut self.recovered) {
                        files::open(path, self.jobs_tx.clone(), self.waker.clone());
                    }
                }
                if ui.button(t!(self.tr, "recovery-delete")).clicked() {
                    for path in std::mem::take(&mut self.recovered) {
                        if let Err(err) = std::fs::remove_file(&path) {
                            let error = format!("{}: {err}", path.display());
                            self.notice = Some((t!(self.tr, "recovery-delete-failed", error = error), true));
                        }
                    }
                }
            });
        }
        if let Some((text, error)) = &self.notice {
            let rich = RichText::new(text.as_str());
            ui.label(if *error { rich.color(ui.visuals().error_fg_color) } else { rich.strong() });
        }
    }

    /// Draws the whole window into `ui` (eframe's `App::ui` calls this).
    pub fn draw(&mut self, ui: &mut Ui) {
        // Keyboard zoom (Ctrl +/−) changes the context's factor; remember it.
        self.zoom = ui.ctx().zoom_factor();
        if self.start_server_pending {
            self.start_server_pending = false;
            if let Some(index) = self.sessions.iter().position(|s| s.form.role == Role::Server) {
                if self.sessions[index].form.validate(&self.tr).is_empty() {
                    self.act(index, FormAction::Start);
                }
                self.active = self.sessions.iter().position(|s| s.form.role == Role::Client).unwrap_or(index);
            }
        }
        self.shortcuts(ui);
        egui::Panel::top("top").show(ui, |ui| self.top_bar(ui));
        let mut actions: Vec<(usize, FormAction)> = Vec::new();
        let mut disconnects: Vec<(usize, u64)> = Vec::new();
        let mut close: Option<usize> = None;
        let mut file_actions: Vec<(usize, FileAction)> = Vec::new();
        let no_dialog = self.no_dialog;
        egui::CentralPanel::default().show(ui, |ui| {
            let count = self.sessions.len().max(1) as f32;
            let spacing = ui.spacing().item_spacing.x;
            let width = ((ui.available_width() - spacing * (count - 1.0)) / count).max(560.0);
            let height = ui.available_height();
            egui::ScrollArea::horizontal().id_salt("sessions").show(ui, |ui| {
                ui.horizontal_top(|ui| {
                    for (index, session) in self.sessions.iter_mut().enumerate() {
                        let active = index == self.active;
                        // An exact rect per session: what a session draws can never push
                        // its neighbours (remembered table widths, long lines).
                        let (rect, response) =
                            ui.allocate_exact_size(egui::vec2(width, height), egui::Sense::hover());
                        let mut child = ui.new_child(
                            egui::UiBuilder::new()
                                .max_rect(rect)
                                .layout(egui::Layout::top_down(egui::Align::Min)),
                        );
                        child.set_clip_rect(rect.intersect(ui.clip_rect()));
                        session_ui(
                            &mut child,
                            &self.tr,
                            &self.tz,
                            session,
                            index,
                            active,
                            &mut actions,
                            &mut disconnects,
                            &mut close,
                            (no_dialog, &mut file_actions),
                        );
                        if response.contains_pointer() && ui.input(|i| i.pointer.any_pressed()) {
                            self.active = index;
                        }
                    }
                });
            });
        });
        for (index, action) in actions {
            self.act(index, action);
        }
        for (index, action) in file_actions {
            self.act_file(Some(index), action);
        }
        for (index, conn) in disconnects {
            if let Some(session) = self.sessions.get_mut(index) {
                session.disconnect_client(conn);
            }
        }
        if let Some(index) = close {
            let mut session = self.sessions.remove(index);
            session.stop();
            self.active = self.active.min(self.sessions.len().saturating_sub(1));
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn session_ui(
    ui: &mut Ui,
    tr: &Tr,
    tz: &TimeZone,
    session: &mut Session,
    index: usize,
    active: bool,
    actions: &mut Vec<(usize, FormAction)>,
    disconnects: &mut Vec<(usize, u64)>,
    close: &mut Option<usize>,
    (no_dialog, file_actions): (bool, &mut Vec<(usize, FileAction)>),
) {
    let stroke =
        if active { ui.visuals().selection.stroke } else { ui.visuals().widgets.noninteractive.bg_stroke };
    egui::Frame::group(ui.style()).stroke(stroke).show(ui, |ui| {
        ui.set_min_size(ui.available_size());
        ui.push_id(session.uid, |ui| {
            ui.horizontal(|ui| {
                let role = match session.form.role {
                    Role::Server => t!(tr, "role-server"),
                    Role::Client => t!(tr, "role-client"),
                };
                ui.heading(
                    RichText::new(format!("{role} {} · {}", session.uid, session.form.protocol)).strong(),
                );
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    if ui.small_button("✖").on_hover_text(t!(tr, "close-session")).clicked() {
                        *close = Some(index);
                    }
                });
            });
            if let Some(path) = &session.opened_from {
                ui.label(RichText::new(t!(tr, "opened-title", path = path.display().to_string())).strong());
            } else {
                let state = session.form_state();
                if let Some(action) = form_ui(ui, tr, &mut session.form, state) {
                    actions.push((index, action));
                }
            }
            if let Some(action) = files_row_ui(ui, tr, session, no_dialog) {
                file_actions.push((index, action));
            }
            if session.form.role == Role::Server
                && let Some(conn) =
                    clients_ui(ui, tr, tz, &session.clients, session.form.protocol == Protocol::Udp)
            {
                disconnects.push((index, conn));
            }
            egui::Panel::bottom(ui.scope_id().with("status"))
                .show(ui, |ui| session_status_ui(ui, tr, session));
            ui.separator();
            transcript_ui(ui, tr, tz, &session.transcript, &mut session.view);
        });
    });
}

/// The Save and Record buttons of a session, the live-recording line, and the file bar.
fn files_row_ui(ui: &mut Ui, tr: &Tr, session: &mut Session, no_dialog: bool) -> Option<FileAction> {
    let mut action = None;
    ui.horizontal(|ui| {
        if ui.button(t!(tr, "btn-save-as")).clicked() {
            let path = files::suggested_name(session.uid, "jsonl");
            session.file_bar = Some(FileBar { purpose: Purpose::Save(session.uid), path, pcap: false });
        }
        match &session.recording {
            Some(recording) => {
                let path = recording.path.display().to_string();
                ui.label(
                    RichText::new(t!(tr, "file-recording", path = path)).color(ui.visuals().warn_fg_color),
                );
                if ui.button(t!(tr, "btn-stop-recording")).clicked() {
                    action = Some(FileAction::StopRecording);
                }
            }
            None if session.opened_from.is_none() && ui.button(t!(tr, "btn-record")).clicked() => {
                let path = files::suggested_name(session.uid, "jsonl");
                session.file_bar = Some(FileBar { purpose: Purpose::Record(session.uid), path, pcap: false });
            }
            None => {}
        }
    });
    let mut close = false;
    if let Some(bar) = &mut session.file_bar
        && let Some(picked) = path_bar_ui(ui, tr, bar, no_dialog, &mut close)
    {
        action = Some(picked);
    }
    if close {
        session.file_bar = None;
    }
    action
}

/// DejaVu, bundled so that the transcript's arrows and marks (→ ← • ⚠ ✔ ✘ Δ µ) draw on any
/// machine, not only where a system font has them.
const FALLBACK_SANS: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
const FALLBACK_MONO: &[u8] = include_bytes!("../../assets/fonts/DejaVuSansMono.ttf");

/// Larger, calmer text than egui's defaults: the app is also for projectors.
fn setup_style(ctx: &egui::Context, zoom: f32) {
    use egui::epaint::text::{FontInsert, FontPriority, InsertFontFamily};
    for (name, data, family) in [
        ("dejavu-sans", FALLBACK_SANS, egui::FontFamily::Proportional),
        ("dejavu-mono", FALLBACK_MONO, egui::FontFamily::Monospace),
    ] {
        ctx.add_font(FontInsert {
            name: name.into(),
            data: egui::FontData::from_static(data),
            families: vec![InsertFontFamily { family, priority: FontPriority::Lowest }],
        });
    }
    ctx.set_zoom_factor(zoom);
    ctx.all_styles_mut(|style| {
        use egui::{FontId, TextStyle};
        style.text_styles.insert(TextStyle::Body, FontId::proportional(15.0));
        style.text_styles.insert(TextStyle::Button, FontId::proportional(15.0));
        style.text_styles.insert(TextStyle::Monospace, FontId::monospace(14.0));
        style.text_styles.insert(TextStyle::Heading, FontId::proportional(19.0));
        style.text_styles.insert(TextStyle::Small, FontId::proportional(12.0));
        style.spacing.item_spacing = egui::vec2(8.0, 6.0);
        style.spacing.button_padding = egui::vec2(8.0, 4.0);
    });
}

impl eframe::App for SocketTesterApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        self.drain(ctx);
    }

    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        self.draw(ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, SETTINGS_KEY, &self.settings());
    }

    fn on_exit(&mut self) {
        self.stop_all();
        self.keep_unsaved();
    }
}
