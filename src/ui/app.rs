//! The eframe app: sessions side by side, the top bar, shortcuts, persistence.
//!
//! `App::logic` drains worker events in bounded batches (so a flood never freezes a frame);
//! `App::ui` draws, and the panels return [`AppAction`]s, which are applied after drawing.
//! Nothing here touches a socket, resolves a name or reads a file: workers and job threads do.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender};
use egui::{RichText, Ui};
use jiff::tz::TimeZone;

use super::action::AppAction;
use super::files::{
    self, FileAction, FileBar, FileJob, LiveRecording, Purpose, RecordingFailure, path_bar_ui,
};
use super::load_view::LoadAction;
use super::message_editor::remember;
use super::presets::{BarAction, BarKind, MenuAction, NameBar, PresetJob, PresetJobs, bar_ui};
use super::session::{Activity, Session};
use super::session_form::FormAction;
use super::session_view::{PanelContext, session_title, session_ui};
use super::settings::SETTINGS_KEY;
pub use super::settings::Settings;
use super::steps_view::StepsAction;
use crate::engine::{self, Event, Protocol, Waker};
use crate::i18n::{Language, Tr};
use crate::spec::preset::FormLayout;
use crate::spec::preset::{Presets, Workspace};
use crate::spec::{MessageMode, MessageSpec, Role, SessionSpec};
use crate::t;
use crate::transcript::export::{EventName, Record};
use crate::ui::theme::ThemeChoice;
use crate::ui::tiles::{self, SessionTree};
use crate::vocabulary::Message;

/// Most events handled in one frame's logic; the rest wait for the next frame.
pub const MAX_EVENTS_PER_FRAME: usize = 50_000;
/// Every keyboard shortcut and the id of its words, as Help (F1) lists them.
pub const SHORTCUTS: [(&str, &str); 18] = [
    ("F1", "help-f1"),
    ("F5", "help-presentation"),
    ("F6 / Shift+F6", "help-regions"),
    ("Ctrl+F", "help-find"),
    ("Ctrl+Shift+S", "help-stats"),
    ("Ctrl+Shift+L", "help-load"),
    ("Ctrl+Shift+D", "help-diagram"),
    ("Ctrl+Shift+C", "help-code"),
    ("Enter / Shift+Enter", "help-find-next"),
    ("Ctrl+Tab", "help-next-session"),
    ("Tab / Shift+Tab", "help-tab"),
    ("Enter / Space", "help-activate"),
    ("Ctrl+Enter", "help-send"),
    ("Esc", "help-stop"),
    ("Ctrl+C", "help-copy"),
    ("Shift+click", "help-select-range"),
    ("Ctrl + / Ctrl −", "help-zoom"),
    ("Ctrl+0", "help-zoom-reset"),
];

/// Below this width (in points) the top bar keeps one row: its settings fold into a menu,
/// and the hint line goes.
const NARROW_WINDOW: f32 = 1100.0;

/// Most time spent draining events in one frame: drawing a full window takes about 2 ms
/// (2.7 ms at the 99th percentile under a 64 KiB stream), so with this the frame stays within
/// its 4 ms budget.
pub const MAX_DRAIN_TIME: Duration = Duration::from_millis(1);

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
    /// Force a theme (otherwise the saved choice, else the system's).
    pub theme: Option<ThemeChoice>,
    /// A workspace file to open at launch.
    pub workspace: Option<PathBuf>,
    /// Where presets are kept (default: the user's config directory).
    pub presets_dir: Option<PathBuf>,
    /// Transcripts (`.jsonl`) to open at launch, as from the desktop's "Open with".
    pub open: Vec<PathBuf>,
    /// Say "first frame" on stderr once the first frame is laid out (`scripts/startup.sh`
    /// times the launch with it).
    pub first_frame_probe: bool,
}

/// The desktop app.
pub struct SocketTesterApp {
    tr: Tr,
    tz: TimeZone,
    sessions: Vec<Session>,
    /// How the sessions are arranged (tiles: side by side, stacked, tabs).
    tree: SessionTree,
    events_tx: Sender<Event>,
    events_rx: Receiver<Event>,
    waker: Waker,
    next_uid: u64,
    active: usize,
    cap_mib: usize,
    zoom: f32,
    theme: ThemeChoice,
    start_server_pending: bool,
    /// A workspace asked for at launch has not arrived yet (`--start-server` waits for it).
    awaiting_workspace: bool,
    jobs_tx: Sender<FileJob>,
    jobs_rx: Receiver<FileJob>,
    /// Plots to save as PNG once drawn: the session and the path.
    plot_requests: Vec<(u64, PathBuf)>,
    preset_jobs: PresetJobs,
    presets_rx: Receiver<PresetJob>,
    preset_names: Vec<String>,
    history: Vec<MessageSpec>,
    recent: Vec<PathBuf>,
    /// The keyboard help (F1) is open.
    help_open: bool,
    /// Presentation mode (F5): large type, high contrast, Advanced hidden, "What happened" open.
    presenting: bool,
    /// Presenting: the session shown and where.
    presented: Option<(u64, egui::Rect)>,
    /// Presenting: how much larger everything is ([`super::presentation::scale_for`]).
    presentation_scale: f32,
    /// The first-launch tour's step, while it shows.
    tour: Option<usize>,
    /// Echoes the clients had when the tour started: a new one ends its second step.
    tour_echoes: u64,
    /// The tour was finished or skipped (kept in the settings).
    tour_done: bool,
    /// The region F6 moved to last.
    region: Option<super::regions::Region>,
    /// The Load window and its run.
    pub load: super::load_view::LoadPanel,
    /// Still to say "first frame" on stderr.
    first_frame_probe: bool,
    open_bar: Option<FileBar>,
    workspace_bar: Option<NameBar>,
    notice: Option<(String, bool)>,
    no_dialog: bool,
    recovery_dir: Option<PathBuf>,
    recovered: Vec<PathBuf>,
    /// When a panic last made the app keep the unsaved transcripts.
    panic_kept_at: Option<Instant>,
}

/// The message in `language` when the spec still holds another language's default.
fn follow_language(spec: &mut SessionSpec, from: Language, to: Language) {
    if spec.message.mode == MessageMode::Text && spec.message.text == from.default_message() {
        spec.message.text = to.default_message().into();
    }
}

impl SocketTesterApp {
    /// Builds the app for eframe: restores settings, applies startup flags, and offers the
    /// transcripts a previous run kept for recovery.
    pub fn new(cc: &eframe::CreationContext<'_>, options: StartupOptions) -> SocketTesterApp {
        let settings = cc.storage.and_then(|s| eframe::get_value::<Settings>(s, SETTINGS_KEY));
        // A first plain launch (no flags that shape the sessions, as a demo script gives) tours.
        let plain = options.protocol.is_none()
            && options.host.is_none()
            && options.port.is_none()
            && options.message.is_none()
            && !options.start_server
            && options.workspace.is_none()
            && options.open.is_empty();
        let mut app = SocketTesterApp::with_context(&cc.egui_ctx, settings, options);
        app.use_recovery_dir(files::recovery_dir());
        app.tour_on_first_launch(plain);
        app
    }

    /// Where unsaved transcripts go when the window closes (`None`: nowhere); lists what an
    /// earlier run left there.
    pub fn use_recovery_dir(&mut self, dir: Option<PathBuf>) {
        self.recovered = dir.as_deref().map(files::recovered).unwrap_or_default();
        self.recovery_dir = dir;
    }

    /// Transcripts an earlier run kept, not yet opened or deleted.
    pub fn recovered(&self) -> &[PathBuf] {
        &self.recovered
    }

    /// Keeps every unsaved transcript in the recovery folder (the window is closing).
    pub fn keep_unsaved(&mut self) -> Vec<PathBuf> {
        let Some(dir) = self.recovery_dir.clone() else { return Vec::new() };
        let mut kept = Vec::new();
        for session in &mut self.sessions {
            if session.has_unsaved() {
                match files::save_recovery(&dir, session.uid, &session.transcript, session.protocol()) {
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

    /// Runs a part of a frame. A panic in it (a bug) does not take the window and its
    /// transcripts with it: it is said in plain words on the status line, and the unsaved
    /// transcripts are kept in the recovery folder (at most every 5 s, should it recur).
    pub fn guarded(&mut self, part: impl FnOnce(&mut Self)) {
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| part(self)));
        if let Err(payload) = result {
            let detail = engine::panic_text(payload.as_ref());
            if self.panic_kept_at.is_none_or(|at| at.elapsed() >= Duration::from_secs(5)) {
                self.keep_unsaved();
                self.panic_kept_at = Some(Instant::now());
            }
            let dir = self.recovery_dir.as_ref().map_or_else(|| "-".to_string(), |d| d.display().to_string());
            self.notice = Some((t!(self.tr, "app-internal-error", detail = detail, dir = dir), true));
        }
    }

    /// Builds the app on a context (tests and benchmarks use this directly).
    pub fn with_context(
        ctx: &egui::Context,
        settings: Option<Settings>,
        options: StartupOptions,
    ) -> SocketTesterApp {
        let language =
            options.language.or(settings.as_ref().map(|s| s.language)).unwrap_or_else(Language::from_system);
        let settings = settings.unwrap_or_default();
        let tr = Tr::new(language);
        let repaint = ctx.clone();
        let waker: Waker = std::sync::Arc::new(move || repaint.request_repaint());
        let (events_tx, events_rx) = crossbeam_channel::bounded(engine::EVENT_CHANNEL_CAPACITY);
        let zoom = settings.zoom.clamp(0.5, 3.0);
        let theme = options.theme.unwrap_or(settings.theme);
        crate::ui::theme::apply(ctx, theme);
        let cap_mib = settings.cap_mib.max(1);
        setup_style(ctx, zoom);
        let (jobs_tx, jobs_rx) = crossbeam_channel::unbounded();
        let (presets_tx, presets_rx) = crossbeam_channel::unbounded();
        let presets = options.presets_dir.clone().map(Presets::at).map_or_else(Presets::user, Ok);
        let mut app = SocketTesterApp {
            jobs_tx,
            jobs_rx,
            plot_requests: Vec::new(),
            preset_jobs: PresetJobs { presets, jobs: presets_tx, waker: waker.clone() },
            presets_rx,
            preset_names: Vec::new(),
            history: settings.history.clone(),
            recent: settings.recent.clone(),
            tour: None,
            tour_echoes: 0,
            tour_done: settings.tour_done,
            region: None,
            help_open: false,
            presenting: false,
            presented: None,
            presentation_scale: super::presentation::SCALE,
            load: super::load_view::LoadPanel::default(),
            first_frame_probe: options.first_frame_probe,
            open_bar: None,
            workspace_bar: None,
            notice: None,
            no_dialog: false,
            recovery_dir: None,
            recovered: Vec::new(),
            panic_kept_at: None,
            tr,
            tz: TimeZone::system(),
            sessions: Vec::new(),
            tree: SessionTree::empty(tiles::tree_id()),
            events_tx,
            events_rx,
            waker,
            next_uid: 1,
            active: 0,
            cap_mib,
            zoom,
            theme,
            start_server_pending: options.start_server,
            awaiting_workspace: options.workspace.is_some(),
        };
        let mut specs = settings.sessions();
        if specs.is_empty() {
            specs = vec![
                SessionSpec::tutorial(Role::Server, Protocol::Tcp),
                SessionSpec::tutorial(Role::Client, Protocol::Tcp),
            ];
        }
        let numbers = settings.workspace.numbers.clone();
        let forms = settings.workspace.forms.clone();
        for (place, mut spec) in specs.into_iter().enumerate() {
            follow_language(&mut spec, Language::Spanish, language);
            if let Some(protocol) = options.protocol {
                spec.protocol = protocol;
            }
            if let Some(host) = &options.host {
                spec.host.clone_from(host);
            }
            if let Some(port) = options.port {
                spec.port = port;
            }
            if let (Some(message), Role::Client) = (&options.message, spec.role) {
                spec.message = MessageSpec { text: message.clone(), ..MessageSpec::default() };
            }
            app.add_session_numbered(spec, numbers.get(place).copied());
            app.restore_form(forms.get(place).copied());
        }
        let uids: Vec<u64> = app.sessions.iter().map(|s| s.uid).collect();
        app.tree = match &settings.workspace.layout {
            Some(layout) => tiles::from_arrangement(layout, &uids),
            None => tiles::default_tree(&uids),
        };
        let active = if settings.workspace.sessions.is_empty() {
            app.sessions.iter().position(|s| s.spec().role == Role::Client).unwrap_or(0)
        } else {
            settings.workspace.active.min(app.sessions.len().saturating_sub(1))
        };
        app.show_session(active);
        if let Some(path) = options.workspace {
            app.preset_jobs.open_workspace(path);
        }
        for path in options.open {
            files::open(path, app.jobs_tx.clone(), app.waker.clone());
        }
        app.preset_jobs.list();
        app
    }

    fn add_session(&mut self, spec: SessionSpec) -> u64 {
        self.add_session_numbered(spec, None)
    }

    /// Gives the session added last the form it had (folded, its splitter).
    fn restore_form(&mut self, layout: Option<FormLayout>) {
        if let (Some(layout), Some(session)) = (layout, self.sessions.last_mut()) {
            session.form_folded = layout.folded;
            session.form_split = layout.split;
        }
    }

    /// Adds a session with the number it had (a restored workspace keeps "Client 2"), unless
    /// another session has it; the next new one is numbered after all of them.
    fn add_session_numbered(&mut self, spec: SessionSpec, number: Option<u64>) -> u64 {
        let free = |n: u64| n > 0 && !self.sessions.iter().any(|s| s.uid == n);
        let uid = match number {
            Some(n) if free(n) => n,
            _ => {
                while !free(self.next_uid) {
                    self.next_uid += 1;
                }
                self.next_uid
            }
        };
        self.next_uid = self.next_uid.max(uid + 1);
        self.sessions.push(Session::new(uid, spec, self.cap_mib << 20));
        uid
    }

    /// Opens a session as a tab beside the one in focus, and gives it the focus.
    pub fn open_session(&mut self, spec: SessionSpec) {
        let focused = self.sessions.get(self.active).map(|s| s.uid);
        let uid = self.add_session(spec);
        tiles::add_beside(&mut self.tree, focused, uid);
        self.active = self.sessions.len() - 1;
    }

    /// Opens sessions that belong together side by side, in one tab beside the one in focus.
    fn open_group(&mut self, specs: Vec<SessionSpec>) {
        let focused = self.sessions.get(self.active).map(|s| s.uid);
        let uids: Vec<u64> = specs.into_iter().map(|spec| self.add_session(spec)).collect();
        tiles::add_group_beside(&mut self.tree, focused, &uids);
        self.active = self.sessions.len() - 1;
    }

    /// Closes the session at `index` (stopping it), as its ✖ does once confirmed.
    pub fn close_session(&mut self, index: usize) {
        if index < self.sessions.len() {
            let mut session = self.sessions.remove(index);
            session.stop();
            tiles::remove(&mut self.tree, session.uid);
            self.active = self.active.min(self.sessions.len().saturating_sub(1));
        }
    }

    /// Gives the session at `index` the focus and brings it into view (its tab to the front).
    pub fn show_session(&mut self, index: usize) {
        if let Some(uid) = self.sessions.get(index).map(|s| s.uid) {
            self.active = index;
            tiles::show(&mut self.tree, uid);
        }
    }

    /// F6 (or Shift+F6): the focus moves to the next (or previous) region: the top bar, then
    /// each session's form and its transcript. A session behind a tab comes to the front.
    pub fn next_region(&mut self, ctx: &egui::Context, back: bool) {
        use super::regions::{self, Region};
        let mut order = vec![Region::TopBar];
        for session in &self.sessions {
            order.extend([Region::Form(session.uid), Region::Transcript(session.uid)]);
        }
        let Some(region) = regions::next(&order, self.region, back) else { return };
        self.region = Some(region);
        if let Region::Form(uid) | Region::Transcript(uid) = region
            && let Some(index) = self.sessions.iter().position(|s| s.uid == uid)
        {
            self.show_session(index);
        }
        regions::request(ctx, region);
    }

    /// The region F6 moved to last.
    pub fn region(&self) -> Option<super::regions::Region> {
        self.region
    }

    /// Where a session is drawn, if it is on screen (not behind another tab).
    pub fn session_rect(&self, index: usize) -> Option<egui::Rect> {
        let uid = self.sessions.get(index)?.uid;
        if self.presenting {
            return self.presented.filter(|(shown, _)| *shown == uid).map(|(_, rect)| rect);
        }
        if !tiles::is_shown(&self.tree, uid) {
            return None;
        }
        self.tree.tiles.rect(tiles::tile_of(&self.tree, uid)?)
    }

    /// Whether the form of the session at `index` is folded to one line.
    pub fn form_folded(&self, index: usize) -> bool {
        self.sessions.get(index).is_some_and(|s| s.form_is_folded(self.presenting))
    }

    /// How the sessions are arranged.
    pub fn arrangement(&self) -> Option<crate::spec::preset::Arrangement> {
        let uids: Vec<u64> = self.sessions.iter().map(|s| s.uid).collect();
        tiles::to_arrangement(&self.tree, &uids)
    }

    /// The sessions, left to right.
    pub fn sessions(&self) -> &[Session] {
        &self.sessions
    }

    /// The sessions, for tests and benchmarks that fill them.
    pub fn sessions_mut(&mut self) -> &mut Vec<Session> {
        &mut self.sessions
    }

    fn session_mut(&mut self, uid: u64) -> Option<&mut Session> {
        self.sessions.iter_mut().find(|s| s.uid == uid)
    }

    /// The translations in use.
    pub fn tr(&self) -> &Tr {
        &self.tr
    }

    /// A sender into the app's event channel (benchmarks feed synthetic floods through it).
    pub fn event_sender(&self) -> Sender<Event> {
        self.events_tx.clone()
    }

    /// The presets' names, as last listed.
    pub fn preset_names(&self) -> &[String] {
        &self.preset_names
    }

    /// Messages sent, newest first.
    pub fn history(&self) -> &[MessageSpec] {
        &self.history
    }

    /// Every open session's spec and which one is active.
    pub fn workspace(&self) -> Workspace {
        Workspace {
            active: self.active,
            sessions: self.sessions.iter().map(|s| s.spec().clone()).collect(),
            layout: self.arrangement(),
            numbers: self.sessions.iter().map(|s| s.uid).collect(),
            forms: {
                let forms: Vec<FormLayout> = self
                    .sessions
                    .iter()
                    .map(|s| FormLayout { folded: s.form_folded, split: s.form_split })
                    .collect();
                if forms.iter().all(|f| *f == FormLayout::default()) { Vec::new() } else { forms }
            },
        }
    }

    /// What to remember between runs.
    pub fn settings(&self) -> Settings {
        Settings {
            language: self.tr.language(),
            zoom: self.zoom,
            theme: self.theme,
            cap_mib: self.cap_mib,
            workspace: self.workspace(),
            history: self.history.clone(),
            recent: self.recent.clone(),
            tour_done: self.tour_done,
            forms: Vec::new(),
        }
    }

    /// Replaces every session with a workspace's (stopping the running ones).
    fn set_workspace(&mut self, workspace: Workspace) {
        self.stop_all();
        self.sessions.clear();
        // Every session is replaced: a workspace without numbers counts from 1 again.
        self.next_uid = 1;
        for (place, spec) in workspace.sessions.into_iter().enumerate() {
            self.add_session_numbered(spec, workspace.numbers.get(place).copied());
            self.restore_form(workspace.forms.get(place).copied());
        }
        let uids: Vec<u64> = self.sessions.iter().map(|s| s.uid).collect();
        self.tree = match &workspace.layout {
            Some(layout) => tiles::from_arrangement(layout, &uids),
            None => tiles::default_tree(&uids),
        };
        self.show_session(workspace.active.min(self.sessions.len().saturating_sub(1)));
    }

    /// The keyboard help: every shortcut, in the window's language.
    fn help_ui(&mut self, ctx: &egui::Context) {
        let mut open = self.help_open;
        egui::Window::new(t!(self.tr, "help-title"))
            .open(&mut open)
            .collapsible(false)
            .resizable(false)
            .show(ctx, |ui| {
                egui::Grid::new("shortcuts").num_columns(2).striped(true).show(ui, |ui| {
                    for (keys, id) in SHORTCUTS {
                        ui.label(RichText::new(keys).monospace().strong());
                        ui.label(self.tr.render(&Message::new(id)));
                        ui.end_row();
                    }
                });
                ui.separator();
                if ui
                    .button(t!(self.tr, "tour-replay"))
                    .on_hover_text(t!(self.tr, "tour-replay-hint"))
                    .clicked()
                {
                    self.start_tour();
                }
            });
        self.help_open = open;
    }

    /// Opens `.jsonl` transcripts dropped onto the window; says so for anything else. While
    /// files hover over the window, says what dropping does.
    fn take_dropped_files(&mut self, ui: &Ui) {
        let (dropped, hovering) = ui.ctx().input(|i| {
            let paths: Vec<PathBuf> = i
                .raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .filter(|p| !p.as_os_str().is_empty())
                .collect();
            (paths, !i.raw.hovered_files.is_empty())
        });
        for path in dropped {
            if path.extension().is_some_and(|x| x == "jsonl") {
                files::open(path, self.jobs_tx.clone(), self.waker.clone());
            } else {
                let path = path.display().to_string();
                self.notice = Some((t!(self.tr, "file-drop-not-jsonl", path = path), true));
            }
        }
        if hovering {
            let screen = ui.ctx().content_rect();
            let painter = ui
                .ctx()
                .layer_painter(egui::LayerId::new(egui::Order::Foreground, egui::Id::unique("drop-overlay")));
            painter.rect_filled(screen, 0.0, egui::Color32::from_black_alpha(180));
            painter.text(
                screen.center(),
                egui::Align2::CENTER_CENTER,
                t!(self.tr, "file-drop-here"),
                egui::FontId::proportional(28.0),
                egui::Color32::WHITE,
            );
        }
    }

    /// Starts (a server) or sends from (a client) the session at `index`, as its primary
    /// button does.
    pub fn start_session(&mut self, index: usize) {
        if let Some(session) = self.sessions.get(index) {
            let action =
                if session.spec().role == Role::Client { FormAction::Send } else { FormAction::Start };
            self.act_form(session.uid, action);
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
            // A clock read costs ~20 ns, an event ~1 µs (a 64 KiB read kept): every 16 events
            // keeps a batch of large reads in budget.
            if taken % 16 == 0 && started.elapsed() >= MAX_DRAIN_TIME {
                break;
            }
        }
        if !self.events_rx.is_empty() {
            ctx.request_repaint();
        }
        self.take_file_jobs();
        self.take_preset_jobs();
        self.load.poll();
        taken
    }

    /// Where a new client of `protocol` should send: the address a running server of this
    /// window listens on (loopback for one on every interface), else the last server's form.
    fn server_address(&self, protocol: Protocol) -> Option<(String, u16)> {
        let servers = || {
            self.sessions
                .iter()
                .rev()
                .filter(move |s| s.spec().role == Role::Server && s.protocol() == protocol)
        };
        let running = servers().find_map(|s| match &s.activity {
            Activity::Listening(addrs) => addrs.first().copied(),
            _ => None,
        });
        if let Some(addr) = running {
            let ip = match addr.ip() {
                std::net::IpAddr::V4(ip) if ip.is_unspecified() => std::net::Ipv4Addr::LOCALHOST.into(),
                std::net::IpAddr::V6(ip) if ip.is_unspecified() => std::net::Ipv6Addr::LOCALHOST.into(),
                ip => ip,
            };
            return Some((ip.to_string(), addr.port()));
        }
        servers().next().map(|s| (s.spec().host.clone(), s.spec().port))
    }

    /// The last notice (saved, opened, failed), for the status line and the tests.
    pub fn notice(&self) -> Option<&(String, bool)> {
        self.notice.as_ref()
    }

    fn take_file_jobs(&mut self) {
        while let Ok(job) = self.jobs_rx.try_recv() {
            match job {
                FileJob::Picked { purpose, path, unavailable } => {
                    self.no_dialog = unavailable;
                    let Some(path) = path else { continue };
                    self.picked(purpose, path);
                }
                FileJob::Saved { uid, path, result, entries } => {
                    if result.is_ok() {
                        files::remember_recent(&mut self.recent, &path);
                        if let Some(session) = self.session_mut(uid) {
                            session.saved_at_entries = session.saved_at_entries.max(entries);
                        }
                    }
                    // The whole path, so the file can be found again.
                    let path = std::path::absolute(&path).unwrap_or(path).display().to_string();
                    self.notice = Some(match result {
                        Ok(count) => (t!(self.tr, "file-saved", count = count, path = path), false),
                        Err(error) => (t!(self.tr, "file-save-failed", error = error), true),
                    });
                }
                FileJob::PlotSaved { path, result } => {
                    let path = std::path::absolute(&path).unwrap_or(path).display().to_string();
                    self.notice = Some(match result {
                        Ok(()) => (t!(self.tr, "plot-saved", path = path), false),
                        Err(error) => (t!(self.tr, "plot-save-failed", path = path, error = error), true),
                    });
                }
                FileJob::TextSaved { path, result } => {
                    let path = std::path::absolute(&path).unwrap_or(path).display().to_string();
                    self.notice = Some(match result {
                        Ok(()) => (t!(self.tr, "text-saved", path = path), false),
                        Err(error) => (t!(self.tr, "text-save-failed", path = path, error = error), true),
                    });
                }
                FileJob::Opened { path, result } => match result {
                    Ok(records) => {
                        files::remember_recent(&mut self.recent, &path);
                        self.add_opened(&path, &records);
                    }
                    Err(error) => self.notice = Some((t!(self.tr, "file-open-failed", error = error), true)),
                },
            }
        }
        for session in &mut self.sessions {
            let Some(recording) = &mut session.recording else { continue };
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

    /// A path chosen in a dialog goes where it was asked for.
    fn picked(&mut self, purpose: Purpose, path: PathBuf) {
        let text = path.display().to_string();
        match purpose {
            Purpose::Open => {
                if let Some(bar) = self.open_bar.as_mut() {
                    bar.path = text;
                }
            }
            Purpose::Save(uid) | Purpose::Record(uid) | Purpose::Plot(uid) => {
                if let Some(bar) = self.session_mut(uid).and_then(|s| s.file_bar.as_mut()) {
                    bar.path = text;
                }
            }
            Purpose::MessageFile(uid) => {
                if let Some(session) = self.session_mut(uid) {
                    session.form.set_file(path);
                }
            }
            Purpose::Toml(uid) => {
                let bar = match uid {
                    Some(uid) => self.session_mut(uid).and_then(|s| s.preset_bar.as_mut()),
                    None => self.workspace_bar.as_mut(),
                };
                if let Some(bar) = bar {
                    bar.text = text;
                }
            }
        }
    }

    fn take_preset_jobs(&mut self) {
        while let Ok(job) = self.presets_rx.try_recv() {
            match job {
                PresetJob::Listed(Ok(names)) => self.preset_names = names,
                PresetJob::Listed(Err(error)) => self.notice = Some((self.tr.render(&error.message()), true)),
                PresetJob::Loaded { uid, name, result: Ok(spec) } => {
                    if let Some(session) = self.session_mut(uid) {
                        session.form.set_spec(*spec);
                        session.preset_bar = None;
                    }
                    let words = Message::new("preset-loaded").arg("name", name);
                    self.notice = Some((self.tr.render(&words), false));
                }
                PresetJob::Loaded { result: Err(error), .. } => {
                    self.notice = Some((self.tr.render(&error.message()), true));
                }
                PresetJob::Workspace { result: Err(error), .. } => {
                    self.awaiting_workspace = false;
                    self.notice = Some((self.tr.render(&error.message()), true));
                }
                PresetJob::Done { what, name, result: Ok(()) } => {
                    if what.changes_list() {
                        self.preset_jobs.list();
                    }
                    let words = Message::new(what.message_id()).arg("name", name);
                    self.notice = Some((self.tr.render(&words), false));
                }
                PresetJob::Done { result: Err(error), .. } => {
                    self.notice = Some((self.tr.render(&error.message()), true));
                }
                PresetJob::Workspace { path, result: Ok(workspace) } => {
                    self.awaiting_workspace = false;
                    self.set_workspace(workspace);
                    let words = Message::new("workspace-opened").arg("name", path.display().to_string());
                    self.notice = Some((self.tr.render(&words), false));
                }
            }
        }
    }

    /// Adds a read-only session holding a reopened transcript.
    fn add_opened(&mut self, path: &std::path::Path, records: &[Record]) {
        let protocol = records.iter().find_map(|r| r.protocol).unwrap_or(Protocol::Tcp);
        let role =
            if records.iter().any(|r| r.event == EventName::Listening) { Role::Server } else { Role::Client };
        let mut spec = SessionSpec::new(role, protocol);
        if let Some(addr) = records.iter().find_map(|r| if role == Role::Server { r.local } else { r.peer }) {
            spec.host = addr.ip().to_string();
            spec.port = addr.port();
        }
        self.open_session(spec);
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

    /// Applies what a panel asked for.
    fn act(&mut self, action: AppAction) {
        match action {
            AppAction::Form { uid, action } => self.act_form(uid, action),
            AppAction::Drag { .. } => {}
            AppAction::SendToClient { uid, conn } => {
                if let Some(session) = self.session_mut(uid) {
                    session.send_to_clients(Some(conn));
                }
            }
            AppAction::DisconnectClient { uid, conn } => {
                if let Some(session) = self.session_mut(uid) {
                    session.disconnect_client(conn);
                }
            }
            AppAction::Close { uid } => {
                if let Some(index) = self.sessions.iter().position(|s| s.uid == uid) {
                    self.close_session(index);
                }
            }
            AppAction::File { uid, action } => self.act_file(uid, action),
            AppAction::Preset { uid, action } => self.act_preset(uid, action),
            AppAction::Bar { uid, action } => self.act_bar(uid, action),
        }
    }

    fn act_form(&mut self, uid: u64, action: FormAction) {
        let (events, waker) = (self.events_tx.clone(), self.waker.clone());
        let Some(index) = self.sessions.iter().position(|s| s.uid == uid) else { return };
        self.active = index;
        let session = &mut self.sessions[index];
        match action {
            FormAction::Start => session.start(&events, &waker),
            FormAction::Stop | FormAction::Disconnect => session.stop(),
            FormAction::Send => {
                if session.form.is_valid() {
                    remember(&mut self.history, &session.spec().message);
                }
                session.send(&events, &waker);
            }
            FormAction::Connect => session.connect(&events, &waker),
            FormAction::Clear => session.clear(),
            FormAction::BrowseFile => {
                files::browse(Purpose::MessageFile(uid), "", self.jobs_tx.clone(), waker)
            }
            FormAction::UseHistory(i) => {
                if let Some(message) = self.history.get(i).cloned() {
                    session.form.set_message(message);
                }
            }
            FormAction::SendToAll => session.send_to_clients(None),
            FormAction::Fold(fold) => session.form_folded = Some(fold),
            FormAction::Steps(StepsAction::Run) => session.run_steps(&events, &waker),
            FormAction::Steps(StepsAction::Stop) => session.stop(),
            FormAction::Steps(StepsAction::Export) => {
                let text = format!("socket-tester-steps-{uid}.xml");
                session.preset_bar = Some(NameBar { kind: BarKind::ExportReport, text });
            }
        }
    }

    fn act_file(&mut self, uid: Option<u64>, action: FileAction) {
        let (jobs, waker) = (self.jobs_tx.clone(), self.waker.clone());
        let session = uid.and_then(|uid| self.sessions.iter_mut().find(|s| s.uid == uid));
        match (action, session) {
            (FileAction::Browse(purpose, name), _) => files::browse(purpose, &name, jobs, waker),
            (FileAction::Open(path), _) => {
                self.open_bar = None;
                files::open(path, jobs, waker);
            }
            (FileAction::Cancel, None) => self.open_bar = None,
            (FileAction::Cancel, Some(session)) => session.file_bar = None,
            (FileAction::Save(path), Some(session)) => {
                session.file_bar = None;
                let language = self.tr.language();
                files::save(
                    session.uid,
                    path,
                    (&session.transcript, session.protocol()),
                    language,
                    jobs,
                    waker,
                );
            }
            (FileAction::StartRecording(path, pcap), Some(session)) => {
                match LiveRecording::start(&path, pcap, session.protocol()) {
                    Ok(recording) => {
                        files::remember_recent(&mut self.recent, &path);
                        session.recording = Some(recording);
                        session.file_bar = None;
                    }
                    Err(err) => {
                        self.notice = Some((t!(self.tr, "file-record-failed", error = err.to_string()), true))
                    }
                }
            }
            (FileAction::StopRecording, Some(session)) => session.recording = None,
            (FileAction::SavePlot(path), Some(session)) => {
                session.file_bar = None;
                self.plot_requests.push((session.uid, path));
            }
            (
                FileAction::Save(_)
                | FileAction::StartRecording(..)
                | FileAction::StopRecording
                | FileAction::SavePlot(_),
                None,
            ) => {}
        }
    }

    fn act_preset(&mut self, uid: u64, action: MenuAction) {
        let jobs = &self.preset_jobs;
        match action {
            MenuAction::Refresh => jobs.list(),
            MenuAction::Load(name) => jobs.load(uid, name),
            MenuAction::Delete(name) => jobs.delete(name),
            MenuAction::Open(kind) => {
                let text = match &kind {
                    BarKind::RenamePreset(from) => from.clone(),
                    BarKind::ExportPreset => format!("socket-tester-{uid}.toml"),
                    _ => String::new(),
                };
                if let Some(session) = self.session_mut(uid) {
                    session.preset_bar = Some(NameBar { kind, text });
                }
            }
        }
    }

    fn act_bar(&mut self, uid: Option<u64>, action: BarAction) {
        let jobs = self.preset_jobs.clone();
        let close = |app: &mut SocketTesterApp| match uid {
            Some(uid) => {
                if let Some(session) = app.session_mut(uid) {
                    session.preset_bar = None;
                }
            }
            None => app.workspace_bar = None,
        };
        match action {
            BarAction::Cancel => close(self),
            BarAction::Browse(_) => {
                files::browse(Purpose::Toml(uid), "", self.jobs_tx.clone(), self.waker.clone())
            }
            BarAction::Confirm(kind, text) => {
                let spec =
                    uid.and_then(|uid| self.sessions.iter().find(|s| s.uid == uid)).map(|s| s.spec().clone());
                match (kind, uid, spec) {
                    (BarKind::SavePreset, _, Some(spec)) => jobs.save(text, spec),
                    (BarKind::RenamePreset(from), ..) => jobs.rename(from, text),
                    // A preset file loads like a preset: its path holds '/' or ends in .toml.
                    (BarKind::ImportPreset, Some(uid), _) => jobs.load(uid, text),
                    (BarKind::ExportPreset, _, Some(spec)) => jobs.export(text.into(), spec),
                    (BarKind::OpenWorkspace, ..) => jobs.open_workspace(text.into()),
                    (BarKind::ExportReport, Some(uid), _) => {
                        // The report is named as the session is in the window ("Client 2 · TCP").
                        let tr = &self.tr;
                        let report =
                            self.sessions.iter().find(|s| s.uid == uid).and_then(|s| {
                                s.step_results.report(&super::session_view::session_title(tr, s))
                            });
                        if let Some(report) = report {
                            jobs.export_report(text.into(), report);
                        }
                    }
                    (BarKind::SaveWorkspace, ..) => jobs.save_workspace(text.into(), self.workspace()),
                    _ => {}
                }
                close(self);
            }
        }
    }

    /// Stops every worker (closing the window does this).
    pub fn stop_all(&mut self) {
        for session in &mut self.sessions {
            session.stop();
        }
        self.load.stop();
    }

    fn set_language(&mut self, language: Language) {
        let old = self.tr.language();
        if old == language {
            return;
        }
        self.tr.set_language(language);
        for session in &mut self.sessions {
            // The default message follows the language, unless the user wrote their own.
            let mut spec = session.spec().clone();
            follow_language(&mut spec, old, language);
            if spec != *session.spec() {
                session.form.set_spec(spec);
            }
        }
    }

    fn shortcuts(&mut self, ui: &mut Ui) {
        if ui.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::F1)) {
            self.help_open = !self.help_open;
        }
        // Shift+F6 first: a key without Shift matches Shift+F6 too.
        let back = ui.input_mut(|i| i.consume_key(egui::Modifiers::SHIFT, egui::Key::F6));
        let forward = ui.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::F6));
        if forward || back {
            self.next_region(ui.ctx(), back);
        }
        if ui.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::F5)) {
            self.set_presenting(ui.ctx(), !self.presenting);
        }
        if ui.input_mut(|i| i.consume_key(egui::Modifiers::COMMAND, egui::Key::F))
            && let Some(session) = self.sessions.get_mut(self.active)
        {
            match &mut session.search {
                Some(bar) => bar.focus = true,
                None => session.search = Some(super::search_bar::SearchBar::opened()),
            }
        }
        let shift_command = egui::Modifiers::COMMAND | egui::Modifiers::SHIFT;
        if ui.input_mut(|i| i.consume_key(shift_command, egui::Key::S))
            && let Some(session) = self.sessions.get_mut(self.active)
        {
            session.stats_view = match session.stats_view {
                Some(_) => None,
                None => Some(super::stats_view::StatsView::default()),
            };
        }
        if ui.input_mut(|i| i.consume_key(shift_command, egui::Key::L)) {
            self.toggle_load();
        }
        if ui.input_mut(|i| i.consume_key(shift_command, egui::Key::D))
            && let Some(session) = self.sessions.get_mut(self.active)
        {
            session.diagram = match session.diagram {
                Some(_) => None,
                None => Some(Default::default()),
            };
        }
        if ui.input_mut(|i| i.consume_key(shift_command, egui::Key::C))
            && let Some(session) = self.sessions.get_mut(self.active)
        {
            session.code_view = match session.code_view {
                Some(_) => None,
                None => Some(files::suggested_path(session.uid, "py")),
            };
        }
        if ui.input_mut(|i| i.consume_key(egui::Modifiers::CTRL, egui::Key::Tab)) && !self.sessions.is_empty()
        {
            self.show_session((self.active + 1) % self.sessions.len());
        }
        let send = ui.input_mut(|i| i.consume_key(egui::Modifiers::COMMAND, egui::Key::Enter));
        let stop = ui.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::Escape));
        let Some(session) = self.sessions.get(self.active) else { return };
        let uid = session.uid;
        if send
            && session.spec().role == Role::Client
            && session.form.is_valid()
            && session.progress().is_none()
        {
            self.act_form(uid, FormAction::Send);
        } else if stop {
            self.act_form(uid, FormAction::Stop);
        }
    }

    /// Presenting, a pane along the bottom of the window says what the session in use just did
    /// (its selected row, else its newest), in plain words, large enough for a room.
    fn what_happened_panel(&mut self, ui: &mut Ui) {
        let tr = &self.tr;
        let Some(session) = self.sessions.get_mut(self.active) else { return };
        let who = (session.spec().role, session.spec().chunk_bytes());
        let transcript = &session.transcript;
        let index = session
            .view
            .selection
            .and_then(|(seq, _)| transcript.index_of(seq))
            .or_else(|| transcript.len().checked_sub(1));
        let words = index.and_then(|i| session.view.explained.pane(tr, transcript, i, who));
        egui::Panel::bottom("what-happened").show(ui, |ui| {
            ui.add_space(4.0);
            ui.horizontal_wrapped(|ui| {
                ui.label(RichText::new(t!(self.tr, "what-happened")).strong())
                    .on_hover_text(t!(self.tr, "what-happened-hint"));
                let title = session_title(&self.tr, session);
                ui.label(RichText::new(format!("· {title}")).weak());
            });
            match words {
                Some(words) => {
                    ui.label(RichText::new(words).size(ui.text_style_height(&egui::TextStyle::Body) * 1.1))
                }
                None => ui.weak(t!(self.tr, "what-happened-none")),
            };
            ui.add_space(4.0);
        });
    }

    /// Starts the tour on a first plain launch. Once shown it is not shown again by itself (a
    /// restored workspace is not a first launch); Help replays it.
    pub fn tour_on_first_launch(&mut self, plain: bool) {
        if plain && !self.tour_done {
            self.start_tour();
            self.tour_done = true;
        }
    }

    /// Starts (or replays) the first-launch tour.
    pub fn start_tour(&mut self) {
        self.tour = Some(0);
        self.tour_echoes = self.client_echoes();
    }

    /// Echoes that came back to every client session so far.
    fn client_echoes(&self) -> u64 {
        self.sessions
            .iter()
            .filter(|s| s.spec().role == Role::Client)
            .map(|s| s.transcript.counters().echoes_ok)
            .sum()
    }

    /// The tour's step, while it shows.
    pub fn tour_step(&self) -> Option<usize> {
        self.tour
    }

    /// Whether the tour was finished or skipped (it is not shown again).
    pub fn tour_done(&self) -> bool {
        self.tour_done
    }

    /// The tour's callout; its first steps go on by themselves once done (a server listens,
    /// an echo came back).
    fn tour_step_ui(&mut self, ctx: &egui::Context) {
        let Some(mut step) = self.tour else { return };
        let listening = self.sessions.iter().any(|s| matches!(s.activity, Activity::Listening(_)));
        let echoed = self.client_echoes() > self.tour_echoes;
        if step == 0 && listening {
            step = 1;
        }
        if step == 1 && echoed {
            step = 2;
        }
        self.tour = Some(step);
        match super::tour::tour_ui(ctx, &self.tr, step) {
            Some(super::tour::TourAction::Next) if step + 1 < super::tour::STEPS => {
                self.tour = Some(step + 1)
            }
            Some(_) => {
                self.tour = None;
                self.tour_done = true;
            }
            None => {}
        }
    }

    /// How much presentation mode enlarges everything (1 when not presenting).
    fn presentation_factor(&self) -> f32 {
        if self.presenting { self.presentation_scale } else { 1.0 }
    }

    /// The window's height in points at zoom 1.
    fn height_at_zoom_1(ctx: &egui::Context) -> f32 {
        ctx.content_rect().height() * ctx.zoom_factor()
    }

    /// Whether presentation mode is on.
    pub fn presenting(&self) -> bool {
        self.presenting
    }

    /// Turns presentation mode on or off: large type (the zoom × up to 1.6, less on a short
    /// window; A− and A+ still adjust it), the high-contrast theme, Advanced hidden and "What happened" always open.
    pub fn set_presenting(&mut self, ctx: &egui::Context, on: bool) {
        self.presentation_scale = super::presentation::scale_for(Self::height_at_zoom_1(ctx), self.zoom);
        self.presenting = on;
        super::presentation::set(ctx, on);
        ctx.set_zoom_factor(self.zoom * self.presentation_factor());
    }

    /// The window's settings: workspaces, Help, language, theme, zoom and memory.
    fn settings_items(&mut self, ui: &mut Ui) {
        let language = self.tr.language();
        if ui
            .button(t!(self.tr, "workspace-open"))
            .on_hover_text(t!(self.tr, "workspace-open-hint"))
            .clicked()
        {
            self.workspace_bar = Some(NameBar { kind: BarKind::OpenWorkspace, text: String::new() });
        }
        if ui
            .button(t!(self.tr, "workspace-save"))
            .on_hover_text(t!(self.tr, "workspace-save-hint"))
            .clicked()
        {
            let text = String::from("socket-tester-workspace.toml");
            self.workspace_bar = Some(NameBar { kind: BarKind::SaveWorkspace, text });
        }
        ui.separator();
        if ui.button(t!(self.tr, "help-button")).on_hover_text(t!(self.tr, "help-button-hint")).clicked() {
            self.help_open = !self.help_open;
        }
        // Lists that open as menus of their own: a drop-down inside the ☰ More menu would close
        // it instead of opening.
        let mut chosen = language;
        let title = format!("{}: {} ▾", t!(self.tr, "language"), chosen.native_name());
        ui.menu_button(title, |ui| {
            for lang in Language::ALL {
                if ui.selectable_value(&mut chosen, lang, lang.native_name()).clicked() {
                    ui.close();
                }
            }
        });
        if chosen != language {
            self.set_language(chosen);
        }
        let mut theme = self.theme;
        let title =
            format!("{}: {} ▾", t!(self.tr, "theme"), self.tr.render(&Message::new(theme.label_id())));
        ui.menu_button(title, |ui| {
            for choice in ThemeChoice::ALL {
                let name = self.tr.render(&Message::new(choice.label_id()));
                if ui.selectable_value(&mut theme, choice, name).clicked() {
                    ui.close();
                }
            }
        })
        .response
        .on_hover_text(t!(self.tr, "theme-hint"));
        if theme != self.theme {
            self.theme = theme;
            ui.ctx().set_theme(theme.preference());
        }
        ui.separator();
        let presenting = self.presenting;
        if ui
            .selectable_label(presenting, t!(self.tr, "presentation"))
            .on_hover_text(t!(self.tr, "presentation-hint"))
            .clicked()
        {
            self.set_presenting(&ui.ctx().clone(), !presenting);
        }
        if ui.button("A−").on_hover_text(t!(self.tr, "zoom-out")).clicked() {
            self.zoom = (self.zoom - 0.1).max(0.5);
            ui.ctx().set_zoom_factor(self.zoom * self.presentation_factor());
        }
        let percent = (self.zoom * 100.0).round() as u64;
        let reset = ui.button(t!(self.tr, "zoom-reset", percent = percent));
        if reset.on_hover_text(t!(self.tr, "zoom-reset-hint", percent = percent)).clicked() {
            self.zoom = 1.0;
            ui.ctx().set_zoom_factor(self.zoom * self.presentation_factor());
        }
        if ui.button("A+").on_hover_text(t!(self.tr, "zoom-in")).clicked() {
            self.zoom = (self.zoom + 0.1).min(3.0);
            ui.ctx().set_zoom_factor(self.zoom * self.presentation_factor());
        }
        ui.separator();
        // The label and its value wrap together, never the label's words apart.
        ui.add(egui::Label::new(t!(self.tr, "memory-cap")).wrap_mode(egui::TextWrapMode::Extend))
            .on_hover_text(t!(self.tr, "memory-cap-hint"));
        let changed = ui
            .add(egui::DragValue::new(&mut self.cap_mib).range(1..=16_384).suffix(" MiB"))
            .on_hover_text(t!(self.tr, "memory-cap-hint"))
            .changed();
        if changed {
            for session in &mut self.sessions {
                session.transcript.set_cap_bytes(self.cap_mib << 20);
            }
        }
    }

    fn top_bar(&mut self, ui: &mut Ui) -> Vec<AppAction> {
        let mut actions = Vec::new();
        let narrow = ui.available_width() < NARROW_WINDOW;
        ui.horizontal_wrapped(|ui| {
            if !narrow {
                ui.heading(RichText::new("Socket Tester").strong());
                ui.separator();
            }
            let language = self.tr.language();
            let spec_for = |app: &SocketTesterApp, role, protocol| {
                let mut spec = SessionSpec::tutorial(role, protocol);
                follow_language(&mut spec, Language::Spanish, language);
                if role == Role::Client
                    && let Some((host, port)) = app.server_address(protocol)
                {
                    (spec.host, spec.port) = (host, port);
                }
                spec
            };
            let new_session = |app: &mut SocketTesterApp, role, protocol| {
                let spec = spec_for(app, role, protocol);
                app.open_session(spec);
            };
            let add_client =
                ui.button(t!(self.tr, "add-client")).on_hover_text(t!(self.tr, "add-client-hint"));
            super::regions::anchor(ui, &add_client, super::regions::Part::TopBar);
            if add_client.clicked() {
                new_session(self, Role::Client, Protocol::Tcp);
            }
            if ui.button(t!(self.tr, "add-server")).on_hover_text(t!(self.tr, "add-server-hint")).clicked() {
                new_session(self, Role::Server, Protocol::Tcp);
            }
            if ui.button(t!(self.tr, "add-relay")).on_hover_text(t!(self.tr, "add-relay-hint")).clicked() {
                let mut spec = spec_for(self, Role::Server, Protocol::Tcp);
                spec.port = 10_001;
                spec.relay.enabled = true;
                spec.relay.to = match self.server_address(Protocol::Tcp) {
                    Some((host, port)) => format!("{host}:{port}"),
                    None => format!("localhost:{}", crate::engine::DEFAULT_PORT),
                };
                self.open_session(spec);
            }
            let add_pair = |app: &mut SocketTesterApp| {
                let server = spec_for(app, Role::Server, Protocol::Udp);
                let client = spec_for(app, Role::Client, Protocol::Udp);
                app.open_group(vec![server, client]);
            };
            if !narrow
                && ui
                    .button(t!(self.tr, "add-udp-pair"))
                    .on_hover_text(t!(self.tr, "add-udp-pair-hint"))
                    .clicked()
            {
                add_pair(self);
            }
            let mut shown = None;
            ui.menu_button(t!(self.tr, "sessions-menu"), |ui| {
                for (index, session) in self.sessions.iter().enumerate() {
                    let title = session_title(&self.tr, session);
                    if ui.selectable_label(index == self.active, title).clicked() {
                        shown = Some(index);
                        ui.close();
                    }
                }
            })
            .response
            .on_hover_text(t!(self.tr, "sessions-menu-hint"));
            if let Some(index) = shown {
                self.show_session(index);
            }
            let open_bar = |app: &mut SocketTesterApp| {
                let path = format!("{}{}", files::default_dir().display(), std::path::MAIN_SEPARATOR);
                app.open_bar = Some(FileBar { purpose: Purpose::Open, path, pcap: false });
            };
            if !narrow
                && ui.button(t!(self.tr, "btn-open")).on_hover_text(t!(self.tr, "btn-open-hint")).clicked()
            {
                open_bar(self);
            }
            if !narrow
                && ui
                    .selectable_label(self.load.open, t!(self.tr, "load-open"))
                    .on_hover_text(t!(self.tr, "load-open-hint"))
                    .clicked()
            {
                self.toggle_load();
            }
            // A narrow window keeps one row: the rest folds into a menu.
            if narrow {
                ui.menu_button(t!(self.tr, "menu-more"), |ui| {
                    if ui.button(t!(self.tr, "add-udp-pair")).clicked() {
                        add_pair(self);
                        ui.close();
                    }
                    if ui.button(t!(self.tr, "btn-open")).clicked() {
                        open_bar(self);
                        ui.close();
                    }
                    if ui.button(t!(self.tr, "load-open")).clicked() {
                        self.toggle_load();
                        ui.close();
                    }
                    ui.separator();
                    self.settings_items(ui);
                })
                .response
                .on_hover_text(t!(self.tr, "menu-more-hint"));
            } else {
                ui.separator();
                self.settings_items(ui);
            }
        });
        if !narrow {
            ui.label(RichText::new(t!(self.tr, "intro")).weak());
        }
        if let Some(bar) = &mut self.open_bar
            && let Some(action) = path_bar_ui(ui, &self.tr, bar, self.no_dialog, &self.recent)
        {
            actions.push(AppAction::File { uid: None, action });
        }
        if let Some(bar) = &mut self.workspace_bar
            && let Some(action) = bar_ui(ui, &self.tr, bar)
        {
            actions.push(AppAction::Bar { uid: None, action });
        }
        self.recovery_ui(ui);
        if let Some((text, error)) = &self.notice {
            let rich = RichText::new(text.as_str());
            let dismissed = ui
                .horizontal_wrapped(|ui| {
                    ui.label(if *error { rich.color(ui.visuals().error_fg_color) } else { rich.strong() });
                    ui.small_button(t!(self.tr, "notice-dismiss")).clicked()
                })
                .inner;
            if dismissed {
                self.notice = None;
            }
        }
        actions
    }

    /// The offer to open or delete transcripts kept by an earlier run.
    fn recovery_ui(&mut self, ui: &mut Ui) {
        if self.recovered.is_empty() {
            return;
        }
        ui.horizontal_wrapped(|ui| {
            let count = self.recovered.len();
            ui.label(
                RichText::new(t!(self.tr, "recovery-offer", count = count)).color(ui.visuals().warn_fg_color),
            );
            if ui
                .button(t!(self.tr, "recovery-open"))
                .on_hover_text(t!(self.tr, "recovery-open-hint"))
                .clicked()
            {
                for path in std::mem::take(&mut self.recovered) {
                    files::open(path, self.jobs_tx.clone(), self.waker.clone());
                }
            }
            if ui
                .button(t!(self.tr, "recovery-delete"))
                .on_hover_text(t!(self.tr, "recovery-delete-hint"))
                .clicked()
            {
                for path in std::mem::take(&mut self.recovered) {
                    if let Err(err) = std::fs::remove_file(&path) {
                        let error = format!("{}: {err}", path.display());
                        self.notice = Some((t!(self.tr, "recovery-delete-failed", error = error), true));
                    }
                }
            }
        });
    }

    /// Opens or closes the Load window. Opened with an untouched form while a server of this
    /// window runs, it aims at that server.
    fn toggle_load(&mut self) {
        self.load.open = !self.load.open;
        let untouched = self.load.form == super::load_view::LoadForm::default();
        if self.load.open
            && untouched
            && let Some(own) = self.own_server_text(self.load.form.protocol)
            && self.sessions.iter().any(|s| matches!(s.activity, Activity::Listening(_)))
        {
            self.load.form.target = own;
        }
    }

    /// This window's server of `protocol` as a load target (`[::1]:P` for IPv6).
    fn own_server_text(&self, protocol: Protocol) -> Option<String> {
        self.server_address(protocol).map(|(host, port)| {
            let host = if host.contains(':') { format!("[{host}]") } else { host };
            format!("{host}:{port}")
        })
    }

    /// The Load window, and what it asks for.
    fn load_window(&mut self, ctx: &egui::Context) {
        let mut open = self.load.open;
        let own = self.own_server_text(self.load.form.protocol);
        let action = egui::Window::new(t!(self.tr, "load-title"))
            .open(&mut open)
            .default_width(560.0)
            .show(ctx, |ui| super::load_view::load_ui(ui, &self.tr, &mut self.load, own.as_deref()))
            .and_then(|r| r.inner)
            .flatten();
        self.load.open = open;
        match action {
            Some(LoadAction::Start) => {
                let waker = self.waker.clone();
                self.load.start(move || waker());
            }
            Some(LoadAction::UseOwnServer) => {
                if let Some(own) = own {
                    self.load.form.target = own;
                }
            }
            Some(LoadAction::SaveJson(path)) => {
                if let Some(json) = self.load.report_json() {
                    files::write_text(path, json + "\n", self.jobs_tx.clone(), self.waker.clone());
                }
            }
            None => {}
        }
    }

    /// Draws the whole window into `ui` (eframe's `App::ui` calls this).
    pub fn draw(&mut self, ui: &mut Ui) {
        // Keyboard zoom (Ctrl +/−) changes the context's factor; remember it (without the
        // presentation's enlargement, which only lasts while presenting).
        self.zoom = ui.ctx().zoom_factor() / self.presentation_factor();
        // A window resized while presenting keeps its eight rows.
        if self.presenting {
            let scale = super::presentation::scale_for(Self::height_at_zoom_1(ui.ctx()), self.zoom);
            if (scale - self.presentation_scale).abs() > 0.01 {
                self.presentation_scale = scale;
                ui.ctx().set_zoom_factor(self.zoom * scale);
            }
        }
        if self.start_server_pending && !self.awaiting_workspace {
            self.start_server_pending = false;
            // Every server of the workspace (a relay and the server behind it, say).
            let servers: Vec<u64> =
                self.sessions.iter().filter(|s| s.spec().role == Role::Server).map(|s| s.uid).collect();
            if !servers.is_empty() {
                for uid in servers {
                    self.act_form(uid, FormAction::Start);
                }
                self.active = self.sessions.iter().position(|s| s.spec().role == Role::Client).unwrap_or(0);
            }
        }
        // Plots asked for last frame: this frame draws them where the picture will be taken.
        let plot_requests = std::mem::take(&mut self.plot_requests);
        self.shortcuts(ui);
        self.take_dropped_files(ui);
        if self.help_open {
            self.help_ui(&ui.ctx().clone());
        }
        if self.load.open {
            self.load_window(&ui.ctx().clone());
        }
        let ctx = ui.ctx().clone();
        for session in self.sessions.iter_mut().filter(|s| s.stats_view.is_some()) {
            super::session_view::stats_window(&ctx, &self.tr, session);
        }
        for session in self.sessions.iter_mut().filter(|s| s.diagram.is_some()) {
            super::session_view::diagram_window(&ctx, &self.tr, session);
        }
        let mut saves = Vec::new();
        for session in self.sessions.iter_mut().filter(|s| s.code_view.is_some()) {
            saves.extend(super::session_view::code_window(&ctx, &self.tr, session));
        }
        for (path, code) in saves {
            files::write_text(path, code, self.jobs_tx.clone(), self.waker.clone());
        }
        let mut actions = Vec::new();
        egui::Panel::top("top").show(ui, |ui| actions.extend(self.top_bar(ui)));
        if self.presenting {
            self.what_happened_panel(ui);
        }
        let active_uid = self.sessions.get(self.active).map(|s| s.uid);
        let mut behavior = SessionTiles {
            sessions: &mut self.sessions,
            tr: &self.tr,
            tz: &self.tz,
            no_dialog: self.no_dialog,
            presets: &self.preset_names,
            history: &self.history,
            active: active_uid,
            actions: Vec::new(),
            clicked: None,
        };
        let tree = &mut self.tree;
        if self.presenting {
            // A projector holds one session well: the one in use fills the window (Ctrl+Tab or
            // the Sessions menu shows another).
            self.presented =
                egui::CentralPanel::default().show(ui, |ui| presenting_ui(ui, &mut behavior)).inner;
        } else {
            egui::CentralPanel::default().show(ui, |ui| tree.ui(&mut behavior, ui));
        }
        actions.extend(behavior.actions);
        let clicked = behavior.clicked.and_then(|uid| self.sessions.iter().position(|s| s.uid == uid));
        if let Some(index) = clicked {
            self.active = index;
        }
        for (uid, path) in plot_requests {
            let rect = self.session_mut(uid).and_then(|s| s.stats_view.as_ref()).and_then(|v| v.plot_rect);
            match rect {
                Some(rect) => {
                    files::save_plot(ui.ctx(), rect, path, self.jobs_tx.clone(), self.waker.clone())
                }
                None => {
                    let path = path.display().to_string();
                    let error = t!(self.tr, "plot-not-shown");
                    self.notice = Some((t!(self.tr, "plot-save-failed", path = path, error = error), true));
                }
            }
        }
        self.tour_step_ui(&ctx);
        for action in actions {
            self.act(action);
        }
        if !self.plot_requests.is_empty() {
            ui.ctx().request_repaint();
        }
    }
}

/// Draws the sessions as the tiles' panes and names their tabs.
struct SessionTiles<'a> {
    sessions: &'a mut [Session],
    tr: &'a Tr,
    tz: &'a TimeZone,
    no_dialog: bool,
    presets: &'a [String],
    history: &'a [MessageSpec],
    /// The session with the keyboard.
    active: Option<u64>,
    actions: Vec<AppAction>,
    /// A session the pointer pressed on this frame.
    clicked: Option<u64>,
}

/// Presenting: the session in use alone, filling the window; returns which and where.
fn presenting_ui(ui: &mut Ui, behavior: &mut SessionTiles<'_>) -> Option<(u64, egui::Rect)> {
    let mut uid = behavior.active?;
    let rect = ui.available_rect_before_wrap();
    let _ = egui_tiles::Behavior::pane_ui(behavior, ui, egui_tiles::TileId::from_u64(0), &mut uid);
    Some((uid, rect))
}

/// Below this width a session scrolls sideways inside its tile rather than squeeze its form
/// and transcript out of reach.
const MIN_SESSION_WIDTH: f32 = 380.0;

impl egui_tiles::Behavior<u64> for SessionTiles<'_> {
    fn pane_ui(&mut self, ui: &mut Ui, _tile: egui_tiles::TileId, uid: &mut u64) -> egui_tiles::UiResponse {
        let Some(session) = self.sessions.iter_mut().find(|s| s.uid == *uid) else {
            return egui_tiles::UiResponse::None;
        };
        let context = PanelContext {
            tr: self.tr,
            tz: self.tz,
            active: self.active == Some(*uid),
            no_dialog: self.no_dialog,
            presets: self.presets,
            history: self.history,
        };
        let rect = ui.max_rect();
        if ui.rect_contains_pointer(rect) && ui.input(|i| i.pointer.any_pressed()) {
            self.clicked = Some(*uid);
        }
        let available = ui.available_size();
        let mut actions = if available.x >= MIN_SESSION_WIDTH {
            session_ui(ui, session, &context)
        } else {
            // Too narrow: the session keeps its least width and scrolls sideways, never
            // clipped; its height follows the tile (the fields scroll within it).
            egui::ScrollArea::horizontal()
                .id_salt(("session-scroll", *uid))
                .auto_shrink(false)
                .show(ui, |ui| {
                    let size = egui::vec2(MIN_SESSION_WIDTH, available.y);
                    let (rect, _) = ui.allocate_exact_size(size, egui::Sense::hover());
                    let mut child = ui.new_child(
                        egui::UiBuilder::new()
                            .max_rect(rect)
                            .layout(egui::Layout::top_down(egui::Align::Min)),
                    );
                    session_ui(&mut child, session, &context)
                })
                .inner
        };
        let dragged = actions.iter().any(|a| matches!(a, AppAction::Drag { .. }));
        actions.retain(|a| !matches!(a, AppAction::Drag { .. }));
        self.actions.extend(actions);
        if dragged { egui_tiles::UiResponse::DragStarted } else { egui_tiles::UiResponse::None }
    }

    fn tab_title_for_tile(
        &mut self,
        tiles: &egui_tiles::Tiles<u64>,
        tile: egui_tiles::TileId,
    ) -> egui::WidgetText {
        // A group's tab names its sessions: "Server 3 · UDP + Client 4 · UDP".
        fn names(tiles: &egui_tiles::Tiles<u64>, tile: egui_tiles::TileId, out: &mut Vec<u64>) {
            match tiles.get(tile) {
                Some(egui_tiles::Tile::Pane(uid)) => out.push(*uid),
                Some(egui_tiles::Tile::Container(c)) => {
                    c.children().for_each(|child| names(tiles, *child, out))
                }
                None => {}
            }
        }
        let mut uids = Vec::new();
        names(tiles, tile, &mut uids);
        let titles: Vec<String> = uids
            .iter()
            .filter_map(|uid| self.sessions.iter().find(|s| s.uid == *uid))
            .map(|s| session_title(self.tr, s))
            .collect();
        titles.join(" + ").into()
    }

    fn tab_title_for_pane(&mut self, uid: &u64) -> egui::WidgetText {
        self.sessions
            .iter()
            .find(|s| s.uid == *uid)
            .map(|s| session_title(self.tr, s))
            .unwrap_or_default()
            .into()
    }

    fn simplification_options(&self) -> egui_tiles::SimplificationOptions {
        egui_tiles::SimplificationOptions { all_panes_must_have_tabs: false, ..Default::default() }
    }

    fn gap_width(&self, _style: &egui::Style) -> f32 {
        6.0
    }
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
        self.guarded(|app| {
            app.drain(ctx);
        });
    }

    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        self.guarded(|app| app.draw(ui));
        if std::mem::take(&mut self.first_frame_probe) {
            eprintln!("socket-tester: first frame");
        }
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, SETTINGS_KEY, &self.settings());
    }

    fn on_exit(&mut self) {
        self.stop_all();
        // A recorded session holds its lines in its file: keep the others first.
        self.keep_unsaved();
        // Live recordings write what is still queued before the process ends.
        for session in &mut self.sessions {
            if let Some(recording) = session.recording.take()
                && let Err(err) = recording.finish()
            {
                eprintln!("socket-tester: recording: {err}");
            }
        }
    }
}
