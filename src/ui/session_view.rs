//! One session's panel: its title with the Presets menu and ✖, the form (or the title of a
//! reopened transcript), the file buttons, a server's clients, the status line and the
//! transcript. It returns what the user asked for as [`AppAction`]s; the app applies them
//! after drawing.

use egui::{RichText, Ui};
use jiff::tz::TimeZone;

use super::action::AppAction;
use super::clients_view::{ClientAction, clients_ui};
use super::files::{self, FileAction, FileBar, Purpose, path_bar_ui};
use super::presets::{bar_ui, presets_menu_ui};
use super::session::Session;
use super::session_form::{folded_form_ui, form_ui};
use super::stats_view::{Figures, StatsAction, StatsView, stats_panel_ui};
use super::status_bar::session_status_ui;
use super::transcript_view::{TranscriptContext, transcript_ui};
use crate::engine::Protocol;
use crate::i18n::Tr;
use crate::spec::{MessageSpec, Role};
use crate::t;

/// What a session's panel needs from the app.
pub struct PanelContext<'a> {
    /// Translations.
    pub tr: &'a Tr,
    /// The local time zone.
    pub tz: &'a TimeZone,
    /// The session has the keyboard.
    pub active: bool,
    /// No file dialog exists here.
    pub no_dialog: bool,
    /// The presets' names.
    pub presets: &'a [String],
    /// Messages sent, newest first.
    pub history: &'a [MessageSpec],
}

/// From this width (in points) a session's files' buttons share the title's row.
const INLINE_FILES_WIDTH: f32 = 900.0;

/// A session's name, as its heading, its tab and the session list show it.
pub fn session_title(tr: &Tr, session: &Session) -> String {
    let role = match session.spec().role {
        Role::Server if session.spec().relay.enabled => t!(tr, "role-relay"),
        Role::Server => t!(tr, "role-server"),
        Role::Client => t!(tr, "role-client"),
    };
    // A reopened file's session is named after the file.
    if let Some(name) = session.opened_from.as_deref().and_then(|p| p.file_name()) {
        return format!("{} · {}", name.to_string_lossy(), session.protocol());
    }
    format!("{role} {} · {}", session.uid, session.protocol())
}

/// Draws one session; returns what the user asked for.
pub fn session_ui(ui: &mut Ui, session: &mut Session, context: &PanelContext<'_>) -> Vec<AppAction> {
    let tr = context.tr;
    let uid = session.uid;
    // F6's regions in this session: its form, then its transcript.
    super::regions::in_session(ui.ctx(), uid);
    let mut actions = Vec::new();
    let stroke = if context.active {
        ui.visuals().selection.stroke
    } else {
        ui.visuals().widgets.noninteractive.bg_stroke
    };
    egui::Frame::group(ui.style()).stroke(stroke).show(ui, |ui| {
        ui.set_min_size(ui.available_size());
        ui.push_id(uid, |ui| {
            // Presenting, the session fills the window and "What happened" names it.
            let presenting = super::presentation::is_on(ui.ctx());
            // A wide session puts its files' buttons on the title's row.
            let inline_files = !presenting && ui.available_width() >= INLINE_FILES_WIDTH;
            if !presenting {
                ui.horizontal(|ui| {
                    // The title is the handle that drags the session into a split or a tab group.
                    let title =
                        egui::Label::new(RichText::new(session_title(tr, session)).heading().strong())
                            .sense(egui::Sense::CLICK | egui::Sense::DRAG);
                    let title = ui.add(title).on_hover_text(t!(tr, "session-drag-hint"));
                    if title.drag_started() {
                        actions.push(AppAction::Drag { uid });
                    }
                    if inline_files {
                        ui.separator();
                        if let Some(action) = files_buttons_ui(ui, tr, session) {
                            actions.push(AppAction::File { uid: Some(uid), action });
                        }
                    }
                    ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                        if ui.small_button("✖").on_hover_text(t!(tr, "close-session")).clicked() {
                            if session.busy() || session.has_unsaved() {
                                session.confirm_close = true;
                            } else {
                                actions.push(AppAction::Close { uid });
                            }
                        }
                        if session.opened_from.is_none()
                            && let Some(action) = presets_menu_ui(ui, tr, context.presets)
                        {
                            actions.push(AppAction::Preset { uid, action });
                        }
                    });
                });
            }
            if session.confirm_close {
                ui.horizontal_wrapped(|ui| {
                    let mut words = Vec::new();
                    if session.busy() {
                        words.push(t!(tr, "close-confirm-running"));
                    }
                    if session.has_unsaved() {
                        let count = session.transcript.counters().entries - session.saved_at_entries;
                        words.push(t!(tr, "close-confirm-unsaved", count = count));
                    }
                    ui.label(RichText::new(words.join(" ")).color(ui.visuals().warn_fg_color));
                    if ui.button(t!(tr, "btn-close-anyway")).on_hover_text(t!(tr, "close-session")).clicked()
                    {
                        actions.push(AppAction::Close { uid });
                    }
                    if ui.button(t!(tr, "btn-cancel")).on_hover_text(t!(tr, "btn-cancel-hint")).clicked() {
                        session.confirm_close = false;
                    }
                });
            }
            if let Some(bar) = &mut session.preset_bar
                && let Some(action) = bar_ui(ui, tr, bar)
            {
                actions.push(AppAction::Bar { uid: Some(uid), action });
            }
            if let Some(path) = &session.opened_from {
                ui.label(RichText::new(t!(tr, "opened-title", path = path.display().to_string())).strong());
            } else {
                let state = session.form_state();
                let results = &session.step_results;
                let folded = session.form_is_folded(super::presentation::is_on(ui.ctx()));
                let asked = if folded {
                    folded_form_ui(ui, tr, &mut session.form, state, context.history)
                } else {
                    form_ui(
                        ui,
                        tr,
                        (&mut session.form, &mut session.form_split),
                        state,
                        context.history,
                        results,
                    )
                };
                if let Some(action) = asked {
                    actions.push(AppAction::Form { uid, action });
                }
            }
            // Presenting, the files row (Save, Record, Diagram, Code, Statistics) gives its room to
            // the transcript; its windows open from the keyboard (Ctrl+Shift+D, C, S).
            if !presenting
                && let Some(action) = files_row_ui(ui, tr, session, (context.no_dialog, inline_files))
            {
                actions.push(AppAction::File { uid: Some(uid), action });
            }
            if session.spec().role == Role::Server {
                let can_send = session.running() && session.form.message_is_valid();
                let udp = session.protocol() == Protocol::Udp;
                if session.forget_silent_peers(jiff::Timestamp::now()) {
                    ui.ctx().request_repaint_after(std::time::Duration::from_secs(1));
                }
                match clients_ui(ui, tr, context.tz, &session.clients, (udp, can_send)) {
                    Some(ClientAction::Disconnect(conn)) => {
                        actions.push(AppAction::DisconnectClient { uid, conn })
                    }
                    Some(ClientAction::Send(conn)) => actions.push(AppAction::SendToClient { uid, conn }),
                    None => {}
                }
            }
            egui::Panel::bottom(ui.scope_id().with("status"))
                .show(ui, |ui| session_status_ui(ui, tr, session));
            ui.separator();
            let who = (session.spec().role, session.spec().chunk_bytes());
            let boundary = super::messages_view::boundary(session.spec());
            let context = TranscriptContext { tr, tz: context.tz, who, boundary: &boundary };
            transcript_ui(
                ui,
                context,
                &session.transcript,
                &mut session.view,
                &mut session.search,
                &mut session.rows,
            );
        });
    });
    actions
}

/// A session's statistics window (floating, resizable, one per session), and what its clicks
/// ask for: a clicked point selects its row in the session's transcript.
pub fn stats_window(ctx: &egui::Context, tr: &Tr, session: &mut Session) {
    let verdicts = echo_verdicts(session);
    let title = format!("{} · {}", t!(tr, "stats-menu"), session_title(tr, session));
    let (uid, live, counters) = (session.uid, session.transcript.live(), session.transcript.counters());
    let Some(view) = session.stats_view.as_mut() else { return };
    let mut open = true;
    let figures = Figures { live, counters, verdicts };
    let action = egui::Window::new(title)
        .id(egui::Id::unique(("stats-window", uid)))
        .open(&mut open)
        .default_size([900.0, 500.0])
        .min_size([420.0, 220.0])
        .resizable(true)
        .show(ctx, |ui| stats_panel_ui(ui, tr, &figures, view))
        .and_then(|r| r.inner)
        .flatten();
    if !open {
        session.stats_view = None;
    }
    match action {
        Some(StatsAction::Select(seq)) => {
            session.view.selection = Some((seq, seq));
            session.view.scroll_to = Some(seq);
        }
        Some(StatsAction::SavePng) => {
            let path = files::suggested_path(session.uid, "png");
            session.file_bar = Some(FileBar { purpose: Purpose::Plot(session.uid), path, pcap: false });
        }
        None => {}
    }
}

/// The client's pause between its own steps while the diagram's Calm pace is on.
pub const CALM_PACE_MS: u64 = 1000;

/// A session's sequence diagram window, with its step controls; a clicked arrow or the
/// current step selects its transcript row.
pub fn diagram_window(ctx: &egui::Context, tr: &Tr, session: &mut Session) {
    let title = format!("{} · {}", t!(tr, "diagram-menu"), session_title(tr, session));
    let (this, other) = match session.spec().role {
        Role::Server => (t!(tr, "report-lane-server"), t!(tr, "report-lane-client")),
        Role::Client => (t!(tr, "report-lane-client"), t!(tr, "report-lane-server")),
    };
    // A third of the window's width is left for the session behind it (its transcript and
    // "What happened" step along), whatever the zoom.
    let screen = ctx.content_rect();
    let size = egui::vec2((screen.width() * 0.6).max(420.0), (screen.height() * 0.62).max(240.0));
    let position = egui::pos2(screen.right() - size.x - 12.0, screen.top() + 56.0);
    let uid = session.uid;
    let selected = session.view.selection.map(|(a, _)| a);
    let Some(view) = session.diagram.as_mut() else { return };
    let mut open = true;
    let transcript = &session.transcript;
    let actions = egui::Window::new(title)
        .id(egui::Id::unique(("diagram-window", uid)))
        .open(&mut open)
        .default_size(size)
        .default_pos(position)
        .min_size([420.0, 240.0])
        .resizable(true)
        .show(ctx, |ui| super::diagram_view::diagram_ui(ui, tr, transcript, view, (&this, &other, selected)))
        .and_then(|r| r.inner)
        .unwrap_or_default();
    if !open {
        session.diagram = None;
    }
    for action in actions {
        match action {
            super::diagram_view::DiagramAction::Select(seq) => {
                session.view.selection = Some((seq, seq));
                session.view.scroll_to = Some(seq);
            }
            // The client's own steps slow down too: a second between connecting, sending and
            // closing (the next Send or Start takes it).
            super::diagram_view::DiagramAction::Calm(on) => {
                let mut spec = session.spec().clone();
                spec.plan.pace_ms = if on { CALM_PACE_MS } else { 0 };
                session.form.set_spec(spec);
            }
        }
    }
}

/// A session's Code window: the Python program that does what the session does, generated
/// from its spec in the window's language, with Copy and Save. Returns a path to save it to.
pub fn code_window(
    ctx: &egui::Context,
    tr: &Tr,
    session: &mut Session,
) -> Option<(std::path::PathBuf, String)> {
    let title = format!("{} · {}", t!(tr, "code-menu"), session_title(tr, session));
    let code = crate::codegen::python(session.spec(), tr);
    let uid = session.uid;
    let path = session.code_view.as_mut()?;
    let mut open = true;
    let mut save = None;
    egui::Window::new(title)
        .id(egui::Id::unique(("code-window", uid)))
        .open(&mut open)
        .default_size([760.0, 560.0])
        .resizable(true)
        .show(ctx, |ui| match &code {
            Ok(code) => {
                ui.horizontal_wrapped(|ui| {
                    if ui.button(t!(tr, "btn-copy")).on_hover_text(t!(tr, "code-copy-hint")).clicked() {
                        ui.ctx().copy_text(code.clone());
                    }
                    let button = (t!(tr, "btn-save"), t!(tr, "code-save-hint"));
                    if let Some(path) = files::save_path_ui(ui, tr, path, button) {
                        save = Some((path, code.clone()));
                    }
                });
                ui.weak(t!(tr, "code-run-hint"));
                egui::ScrollArea::both().auto_shrink(false).show(ui, |ui| {
                    ui.add(
                        egui::Label::new(RichText::new(code).monospace())
                            .wrap_mode(egui::TextWrapMode::Extend),
                    );
                });
            }
            Err(why) => {
                ui.label(RichText::new(why).color(ui.visuals().warn_fg_color));
            }
        });
    if !open {
        session.code_view = None;
    }
    save
}

/// Echoes and expectations that passed and failed.
fn echo_verdicts(session: &Session) -> (u64, u64) {
    let (ok, bad) = session.echo_counts();
    let counters = session.transcript.counters();
    (ok + counters.checks_ok, bad + counters.checks_bad)
}

/// The Save and Record buttons of a session, the live-recording line, and the file bar.
fn files_row_ui(
    ui: &mut Ui,
    tr: &Tr,
    session: &mut Session,
    (no_dialog, inline): (bool, bool),
) -> Option<FileAction> {
    let mut action = None;
    if !inline {
        ui.horizontal(|ui| action = files_buttons_ui(ui, tr, session));
    }
    if let Some(bar) = &mut session.file_bar
        && let Some(picked) = path_bar_ui(ui, tr, bar, no_dialog, &[])
    {
        action = Some(picked);
    }
    action
}

/// Save…, Record…, Diagram, Code and Statistics: on the title's row when the session is
/// wide, so the transcript keeps that row; on their own under the form otherwise.
fn files_buttons_ui(ui: &mut Ui, tr: &Tr, session: &mut Session) -> Option<FileAction> {
    let mut action = None;
    {
        if ui.button(t!(tr, "btn-save-as")).on_hover_text(t!(tr, "btn-save-as-hint")).clicked() {
            let path = files::suggested_path(session.uid, "jsonl");
            session.file_bar = Some(FileBar { purpose: Purpose::Save(session.uid), path, pcap: false });
        }
        match &session.recording {
            Some(recording) => {
                let path = recording.path.display().to_string();
                ui.label(
                    RichText::new(t!(tr, "file-recording", path = path)).color(ui.visuals().warn_fg_color),
                );
                if ui
                    .button(t!(tr, "btn-stop-recording"))
                    .on_hover_text(t!(tr, "btn-stop-recording-hint"))
                    .clicked()
                {
                    action = Some(FileAction::StopRecording);
                }
            }
            None if session.opened_from.is_none()
                && ui.button(t!(tr, "btn-record")).on_hover_text(t!(tr, "btn-record-hint")).clicked() =>
            {
                let path = files::suggested_path(session.uid, "jsonl");
                session.file_bar = Some(FileBar { purpose: Purpose::Record(session.uid), path, pcap: false });
            }
            None => {}
        }
        let diagram_open = session.diagram.is_some();
        if ui
            .selectable_label(diagram_open, t!(tr, "diagram-menu"))
            .on_hover_text(t!(tr, "diagram-menu-hint"))
            .clicked()
        {
            session.diagram = if diagram_open { None } else { Some(Default::default()) };
        }
        let code_open = session.code_view.is_some();
        if ui
            .selectable_label(code_open, t!(tr, "code-menu"))
            .on_hover_text(t!(tr, "code-menu-hint"))
            .clicked()
        {
            session.code_view = if code_open { None } else { Some(files::suggested_path(session.uid, "py")) };
        }
        let open = session.stats_view.is_some();
        if ui.selectable_label(open, t!(tr, "stats-menu")).on_hover_text(t!(tr, "stats-menu-hint")).clicked()
        {
            session.stats_view = if open { None } else { Some(StatsView::default()) };
        }
    }
    action
}
