//! One session's state: its form, its workers, its transcript and its clients. No drawing.
//!
//! A session runs one server worker, or client workers (a persistent one, or one per Send).
//! Events from any of its workers come here; connection numbers are renumbered per session so
//! that successive one-shot clients read #1, #2, #3 rather than #1 each time.

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::path::PathBuf;

use crossbeam_channel::Sender;
use jiff::Timestamp;

use super::files::{FileBar, LiveRecording};
use super::presets::NameBar;
use super::session_form::{FormState, SessionForm};
use super::steps_view::StepResults;
use crate::engine::{
    self, CloseReason, Command, ConnId, Detail, Event, EventKind, Protocol, SessionId, Waker, WorkerHandle,
    WorkerSpec,
};
use crate::spec::{Role, SessionSpec};
use crate::transcript::export::steps_report::StepResult;
use crate::transcript::store::Transcript;

/// A client connected to a server session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientRow {
    /// The client's address.
    pub peer: SocketAddr,
    /// When it connected (TCP), or its first datagram arrived (UDP).
    pub since: Timestamp,
    /// When it was last heard from.
    pub last_heard: Timestamp,
    /// Bytes received from it.
    pub bytes_in: u64,
    /// Bytes echoed to it.
    pub bytes_out: u64,
}

impl ClientRow {
    fn new(peer: SocketAddr, at: Timestamp) -> ClientRow {
        ClientRow { peer, since: at, last_heard: at, bytes_in: 0, bytes_out: 0 }
    }
}

/// A UDP peer silent this long leaves the list of peers heard from: UDP has no connection
/// whose end would say it left.
pub const UDP_PEER_IDLE: std::time::Duration = std::time::Duration::from_secs(60);

/// What a session is doing, for its status line.
#[derive(Debug, Clone, PartialEq)]
pub enum Activity {
    /// Nothing running.
    Idle,
    /// A worker was started and has not reported yet.
    Starting,
    /// A server listens on these addresses.
    Listening(Vec<SocketAddr>),
    /// A TCP client is connected to this address.
    Connected(SocketAddr),
    /// A UDP client is ready to send to this address (UDP has no connection).
    Ready(SocketAddr),
    /// The last worker failed.
    Failed(Box<engine::Error>),
}

/// How the transcript is shown.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ViewState {
    /// Show hex instead of text.
    pub hex: bool,
    /// Selected rows (first and last, inclusive), by their number ([`Entry::seq`]), so that
    /// rows let go by the memory cap never shift the selection onto other events.
    ///
    /// [`Entry::seq`]: crate::transcript::store::Entry::seq
    pub selection: Option<(u64, u64)>,
    /// A row to bring into view on the next frame (a plot's point was clicked).
    pub scroll_to: Option<u64>,
    /// Payloads wrap over several lines.
    pub wrap: bool,
    /// The rows' heights while payloads wrap.
    pub wrap_heights: super::transcript_view::WrapHeights,
    /// A "What happened" column beside the content.
    pub explain_column: bool,
    /// The column's sentences, made once per row.
    pub explained: super::transcript_view::ExplainCache,
    /// How many characters the content column showed in the last frame.
    pub content_chars: usize,
    /// How many rows the table had room for in the last frame (its heading aside).
    pub rows_shown: usize,
    /// The Messages view: reads joined per connection and direction.
    pub joined: bool,
    /// The Messages view's rows, while it is shown.
    pub messages: Option<crate::transcript::messages::Messages>,
    /// The pause that ends a message, in milliseconds (`None`: the default, 100).
    pub gap_ms: Option<u64>,
}

/// One session.
pub struct Session {
    /// Unique within the app.
    pub uid: u64,
    /// The form, which holds the session's spec.
    pub form: SessionForm,
    /// The recorded exchange.
    pub transcript: Transcript,
    /// What it is doing.
    pub activity: Activity,
    /// A server's connected clients, by connection number.
    pub clients: BTreeMap<u64, ClientRow>,
    /// How the transcript is shown.
    pub view: ViewState,
    /// The transcript's search bar (Ctrl+F), when open.
    pub search: Option<super::search_bar::SearchBar>,
    /// The statistics panel, when open.
    pub stats_view: Option<super::stats_view::StatsView>,
    /// The Code window (the Python equivalent of the session), when open: the path Save uses.
    pub code_view: Option<String>,
    /// The sequence diagram's window, when open.
    pub diagram: Option<super::diagram_view::DiagramView>,
    /// The rows shown, when a filter hides some.
    pub rows: Option<crate::transcript::search::Filtered>,
    /// A live recording to a file, if on.
    pub recording: Option<LiveRecording>,
    /// The save or record bar, when open.
    pub file_bar: Option<FileBar>,
    /// The preset bar (save as, rename, import, export), when open.
    pub preset_bar: Option<NameBar>,
    /// Set for a transcript reopened from a file: read-only, no workers.
    pub opened_from: Option<PathBuf>,
    /// The transcript's entry count when it was last saved.
    pub saved_at_entries: u64,
    /// The close button was pressed on a running or unsaved session: the window asks first.
    pub confirm_close: bool,
    /// The form folded to one summary line (`Some(true)`), shown whole (`Some(false)`), or as
    /// the session's state suggests (`None`: folded while it runs or is connected).
    pub form_folded: Option<bool>,
    /// The form's fields' share of the session's height, in thousandths, where the user
    /// dragged the splitter (`None`: the default).
    pub form_split: Option<u16>,
    /// Echoes that passed and failed in workers that have ended, as the engine counted them
    /// (a send with no reply is a failure too); and the totals when the transcript was
    /// last cleared.
    echoes_ended: (u64, u64),
    echoes_cleared: (u64, u64),
    workers: Vec<WorkerHandle>,
    sources: Vec<SessionId>,
    persistent: Option<SessionId>,
    sending: Option<Sending>,
    running_steps: Option<SessionId>,
    /// The last run of the steps.
    pub step_results: StepResults,
    conn_numbers: HashMap<(SessionId, ConnId), u64>,
    /// A server's connections still open under each number (a relay's pair has two).
    open_legs: HashMap<(SessionId, ConnId), u32>,
    next_conn: u64,
}

/// A send in progress: which worker, its counters when it began, and how many it is to send.
#[derive(Debug, Clone, Copy)]
struct Sending {
    worker: SessionId,
    started_before: u64,
    done_before: u64,
    total: Option<u64>,
}

impl Session {
    /// A new idle session.
    pub fn new(uid: u64, spec: SessionSpec, cap_bytes: usize) -> Session {
        let stream = spec.protocol == Protocol::Tcp;
        Session {
            uid,
            form: SessionForm::new(spec),
            transcript: Transcript::new(stream, cap_bytes),
            activity: Activity::Idle,
            clients: BTreeMap::new(),
            view: ViewState::default(),
            stats_view: None,
            code_view: None,
            diagram: None,
            search: None,
            rows: None,
            recording: None,
            file_bar: None,
            preset_bar: None,
            opened_from: None,
            saved_at_entries: 0,
            confirm_close: false,
            form_folded: None,
            form_split: None,
            echoes_ended: (0, 0),
            echoes_cleared: (0, 0),
            workers: Vec::new(),
            sources: Vec::new(),
            persistent: None,
            sending: None,
            running_steps: None,
            step_results: StepResults::default(),
            conn_numbers: HashMap::new(),
            open_legs: HashMap::new(),
            next_conn: 1,
        }
    }

    /// Whether events stamped with this id belong to this session.
    pub fn owns(&self, worker: SessionId) -> bool {
        self.sources.contains(&worker) || self.workers.iter().any(|w| w.session() == worker)
    }

    /// Takes events stamped `source` as this session's, from a producer that is not one of its
    /// workers (a replayed or synthetic feed).
    pub fn watch(&mut self, source: SessionId) {
        self.sources.push(source);
    }

    /// The session's spec.
    pub fn spec(&self) -> &SessionSpec {
        self.form.spec()
    }

    /// TCP or UDP.
    pub fn protocol(&self) -> Protocol {
        self.spec().protocol
    }

    /// Forgets the UDP peers silent for [`UDP_PEER_IDLE`] at `now`; true while some are
    /// listed, so the window looks again later.
    pub fn forget_silent_peers(&mut self, now: Timestamp) -> bool {
        if self.protocol() != Protocol::Udp {
            return false;
        }
        let idle = jiff::SignedDuration::try_from(UDP_PEER_IDLE).unwrap_or_default();
        self.clients.retain(|_, row| now.duration_since(row.last_heard) < idle);
        !self.clients.is_empty()
    }

    /// Whether a server worker is running.
    pub fn running(&self) -> bool {
        self.spec().role == Role::Server && !self.workers.is_empty()
    }

    /// A client's send in progress: messages started so far, out of how many (`None`: until
    /// stopped). `None` once every message has its answer.
    pub fn progress(&self) -> Option<(u64, Option<u64>)> {
        let sending = self.sending?;
        let stats = self.workers.iter().find(|w| w.session() == sending.worker)?.stats();
        let started = stats.exchanges.saturating_sub(sending.started_before);
        let done = stats.answered().saturating_sub(sending.done_before);
        match sending.total {
            Some(total) if done >= total => None,
            total => Some((started, total)),
        }
    }

    /// Whether the form shows as one summary line: as the user chose, else while the session
    /// runs or holds a connection open, or the window presents, so its transcript gets the room.
    pub fn form_is_folded(&self, presenting: bool) -> bool {
        let state = self.form_state();
        self.form_folded.unwrap_or(state.running || state.connected || presenting)
    }

    /// What the form should offer.
    pub fn form_state(&self) -> FormState {
        FormState {
            running: self.running(),
            connected: self.persistent.is_some(),
            progress: self.progress(),
            running_steps: self.running_steps.is_some(),
        }
    }

    fn spawn(&mut self, spec: WorkerSpec, events: &Sender<Event>, waker: &Waker) -> SessionId {
        let stream = self.protocol() == Protocol::Tcp;
        if self.transcript.is_stream() != stream {
            // The protocol changed: TCP text decodes across reads, UDP does not.
            let cap = self.transcript.cap_bytes();
            self.transcript = Transcript::new(stream, cap);
        }
        let handle = engine::spawn(spec, events.clone(), waker.clone());
        let id = handle.session();
        self.workers.push(handle);
        self.activity = Activity::Starting;
        id
    }

    /// Starts the server. Nothing starts for a form that does not validate.
    pub fn start(&mut self, events: &Sender<Event>, waker: &Waker) {
        if self.running() || !self.form.is_valid() {
            return;
        }
        if let Ok(worker) = self.spec().worker(Detail::Full) {
            self.clients.clear();
            self.spawn(worker, events, waker);
        }
    }

    /// Sends the message as the plan says: on the open connection, or as a new client. Nothing
    /// is sent, and no connection opened, for a form that does not validate.
    pub fn send(&mut self, events: &Sender<Event>, waker: &Waker) {
        if !self.form.is_valid() {
            return;
        }
        let spec = self.spec().clone();
        let total = if spec.plan.until_stopped { None } else { Some(spec.plan.count) };
        if let Some(id) = self.persistent
            && let Some(worker) = self.workers.iter().find(|w| w.session() == id)
            && let Some(Ok(payload)) = spec.message.payload()
        {
            let stats = worker.stats();
            worker.send(Command::Send { payload, count: total });
            self.sending = Some(Sending {
                worker: id,
                started_before: stats.exchanges,
                done_before: stats.answered(),
                total,
            });
            return;
        }
        let Ok(worker) = spec.worker(Detail::Full) else { return };
        let id = self.spawn(worker, events, waker);
        if spec.plan.persistent {
            self.persistent = Some(id);
        }
        self.sending = Some(Sending { worker: id, started_before: 0, done_before: 0, total });
    }

    /// Runs the steps, from the first. Nothing runs for steps that do not validate.
    pub fn run_steps(&mut self, events: &Sender<Event>, waker: &Waker) {
        if self.running_steps.is_some() || !self.form.is_valid() {
            return;
        }
        let Ok(script) = self.spec().script() else { return };
        self.step_results = StepResults::default();
        let id = self.spawn(WorkerSpec::Script(script), events, waker);
        self.running_steps = Some(id);
    }

    /// Opens a persistent connection without sending.
    pub fn connect(&mut self, events: &Sender<Event>, waker: &Waker) {
        if self.persistent.is_some() || !self.form.is_valid() {
            return;
        }
        let spec = WorkerSpec::Client(self.spec().client_config(false));
        let id = self.spawn(spec, events, waker);
        self.persistent = Some(id);
    }

    /// Stops every worker of this session; each answers with its `Closed` event.
    pub fn stop(&mut self) {
        for worker in &self.workers {
            worker.stop();
        }
    }

    /// Sends the form's message to one client of a running server (by its number), or to all.
    pub fn send_to_clients(&mut self, conn: Option<u64>) {
        let Some(Ok(payload)) = self.spec().message.payload() else { return };
        match conn {
            None => {
                for worker in &self.workers {
                    worker.send(Command::SendToClients { conn: None, payload: payload.clone() });
                }
            }
            Some(number) => {
                let target = self
                    .conn_numbers
                    .iter()
                    .find(|(_, n)| **n == number)
                    .map(|((worker, id), _)| (*worker, *id));
                if let Some((worker, id)) = target
                    && let Some(handle) = self.workers.iter().find(|w| w.session() == worker)
                {
                    handle.send(Command::SendToClients { conn: Some(id), payload });
                }
            }
        }
    }

    /// Closes one client of a server.
    pub fn disconnect_client(&mut self, conn: u64) {
        let target =
            self.conn_numbers.iter().find(|(_, n)| **n == conn).map(|((worker, id), _)| (*worker, *id));
        if let Some((worker, id)) = target
            && let Some(handle) = self.workers.iter().find(|w| w.session() == worker)
        {
            handle.send(Command::Disconnect(Some(id)));
        }
    }

    /// Whether a worker of this session runs (a server, a persistent client, a send).
    pub fn busy(&self) -> bool {
        !self.workers.is_empty()
    }

    /// Whether closing would lose lines: some were never saved, and no recording holds them.
    pub fn has_unsaved(&self) -> bool {
        self.opened_from.is_none()
            && self.recording.is_none()
            && self.transcript.counters().entries > self.saved_at_entries
    }

    /// Clears the transcript (the workers go on).
    pub fn clear(&mut self) {
        self.transcript.clear();
        self.view.selection = None;
        self.echoes_cleared = self.echoes_total();
    }

    /// Every echo that passed and failed, as the engine counted them, since the start or the
    /// last Clear. A reopened transcript counts the verdicts its lines hold.
    pub fn echo_counts(&self) -> (u64, u64) {
        if self.opened_from.is_some() {
            let counters = self.transcript.counters();
            return (counters.echoes_ok, counters.echoes_bad);
        }
        let (ok, bad) = self.echoes_total();
        (ok.saturating_sub(self.echoes_cleared.0), bad.saturating_sub(self.echoes_cleared.1))
    }

    fn echoes_total(&self) -> (u64, u64) {
        self.workers
            .iter()
            .map(|w| w.stats())
            .fold(self.echoes_ended, |(ok, bad), stats| (ok + stats.echoes_ok, bad + stats.echoes_bad))
    }

    /// Takes one event of one of this session's workers.
    pub fn ingest(&mut self, event: &Event) {
        let conn = match event.kind.link() {
            Some(link) => {
                let key = (event.session, link.conn);
                match self.conn_numbers.get(&key) {
                    Some(n) => *n,
                    None => {
                        let n = self.next_conn;
                        self.next_conn += 1;
                        self.conn_numbers.insert(key, n);
                        n
                    }
                }
            }
            None => 0,
        };
        match &event.kind {
            EventKind::Listening { local, .. } => match &mut self.activity {
                Activity::Listening(addrs) => addrs.push(*local),
                other => *other = Activity::Listening(vec![*local]),
            },
            // A relay's own connection to its target: it stays listening, and the pair keeps
            // its number until both legs close.
            EventKind::Connected(link) if self.spec().role == Role::Server => {
                *self.open_legs.entry((event.session, link.conn)).or_insert(0) += 1;
            }
            EventKind::Connected(link) if self.protocol() == Protocol::Udp => {
                self.activity = Activity::Ready(link.peer)
            }
            EventKind::Connected(link) => self.activity = Activity::Connected(link.peer),
            EventKind::Accepted(link) => {
                *self.open_legs.entry((event.session, link.conn)).or_insert(0) += 1;
                self.clients.insert(conn, ClientRow::new(link.peer, event.at));
            }
            EventKind::Received { link, data, .. } => {
                // A UDP peer forgotten after a silence is heard from again.
                let udp_server = self.protocol() == Protocol::Udp && self.spec().role == Role::Server;
                let row = match self.clients.get_mut(&conn) {
                    Some(row) => Some(row),
                    None if udp_server => {
                        Some(self.clients.entry(conn).or_insert(ClientRow::new(link.peer, event.at)))
                    }
                    None => None,
                };
                if let Some(row) = row {
                    row.bytes_in += data.len() as u64;
                    row.last_heard = event.at;
                }
            }
            EventKind::Sent { data, .. } => {
                if let Some(row) = self.clients.get_mut(&conn) {
                    row.bytes_out += data.len() as u64;
                }
            }
            EventKind::ConnectionClosed { .. } => {
                if self.protocol() == Protocol::Tcp {
                    self.clients.remove(&conn);
                }
                let key = (event.session, conn_id(event));
                match self.open_legs.get_mut(&key) {
                    Some(open) if *open > 1 => *open -= 1,
                    _ => {
                        self.open_legs.remove(&key);
                        self.conn_numbers.remove(&key);
                    }
                }
            }
            EventKind::Failed { link: None, error } => {
                self.activity = Activity::Failed(Box::new(error.clone()))
            }
            EventKind::Failed { error, .. }
                if let crate::engine::Reason::TlsSelfSigned { fingerprint }
                | crate::engine::Reason::TlsCaAsServer { fingerprint } = &error.reason =>
            {
                self.form.offered_pin = Some(fingerprint.clone());
            }
            EventKind::Closed { reason } => {
                // The worker's last event: its counts are final.
                for worker in self.workers.iter().filter(|w| w.session() == event.session) {
                    let stats = worker.stats();
                    self.echoes_ended.0 += stats.echoes_ok;
                    self.echoes_ended.1 += stats.echoes_bad;
                }
                self.workers.retain(|w| w.session() != event.session);
                if self.persistent == Some(event.session) {
                    self.persistent = None;
                }
                if self.sending.is_some_and(|s| s.worker == event.session) {
                    self.sending = None;
                }
                if self.running_steps == Some(event.session) {
                    self.running_steps = None;
                }
                if self.workers.is_empty() {
                    if self.spec().role == Role::Server {
                        self.clients.clear();
                    }
                    if *reason != CloseReason::Failed || !matches!(self.activity, Activity::Failed(_)) {
                        self.activity = Activity::Idle;
                    }
                }
            }
            // Checked replies, lost datagrams, a connection's own failure, its half-close and notices change no state here.
            EventKind::Checked { .. }
            | EventKind::Lost { .. }
            | EventKind::Failed { link: Some(_), .. }
            | EventKind::PeerClosed(_)
            | EventKind::Secured { .. }
            | EventKind::Notice(_) => {}
            EventKind::Step { label, outcome, elapsed_us, wait_us } => {
                let result = StepResult {
                    label: label.clone(),
                    outcome: outcome.clone(),
                    elapsed_us: *elapsed_us,
                    wait_us: *wait_us,
                };
                self.step_results.steps.push(result);
            }
            EventKind::StepsEnded(summary) => self.step_results.summary = Some(summary.clone()),
        }
        if let Some(recording) = &self.recording {
            recording.push(event, conn);
        }
        self.transcript.push_event(event, conn);
    }
}

fn conn_id(event: &Event) -> ConnId {
    event.kind.link().map_or(0, |l| l.conn)
}
