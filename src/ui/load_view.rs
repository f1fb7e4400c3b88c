//! The Load window: the same load generator as `socket-tester load`, run from a form. The run
//! is a worker thread like any other: the window reads its [`Progress`] (counts and round trips
//! the load threads add ten times a second) and never waits on it. At the end it shows the
//! report and the same JSON line the command line prints, which can be saved.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender};
use egui::{RichText, Ui};

use crate::engine::load::{self, LoadConfig, Mode, Progress, Report};
use crate::engine::{self, Protocol};
use crate::i18n::Tr;
use crate::spec::Problem;
use crate::t;
use crate::vocabulary;

/// The form, as typed.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadForm {
    /// TCP or UDP.
    pub protocol: Protocol,
    /// HOST:PORT.
    pub target: String,
    /// Concurrent connections (TCP) or sockets (UDP).
    pub connections: String,
    /// Bytes per message.
    pub size: String,
    /// How messages are paced.
    pub mode: Mode,
    /// Seconds.
    pub seconds: String,
    /// Messages in all (empty: no count).
    pub count: String,
    /// Messages per second (empty: as fast as the echoes come).
    pub rate: String,
}

impl Default for LoadForm {
    fn default() -> LoadForm {
        LoadForm {
            protocol: Protocol::Tcp,
            target: format!("localhost:{}", engine::DEFAULT_PORT),
            connections: "4".into(),
            size: "64".into(),
            mode: Mode::PingPong,
            seconds: "5".into(),
            count: String::new(),
            rate: String::new(),
        }
    }
}

/// A field that does not hold a usable value: its name's message id and what is wrong.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldError {
    /// The field's label (a message id).
    pub field: &'static str,
    /// What is wrong.
    pub problem: Problem,
}

fn number(field: &'static str, text: &str, min: u64, max: u64) -> Result<u64, FieldError> {
    let text = text.trim().replace(['_', ','], "");
    let problem = |problem| FieldError { field, problem };
    if text.is_empty() {
        return Err(problem(Problem::Empty));
    }
    let value: u64 = text.parse().map_err(|_| problem(Problem::NotANumber))?;
    if !(min..=max).contains(&value) {
        return Err(problem(Problem::Range { min, max }));
    }
    Ok(value)
}

impl LoadForm {
    /// The run's settings (its target still to be resolved), or the first field that is wrong.
    pub fn config(&self) -> Result<LoadConfig, FieldError> {
        let connections = number("load-connections", &self.connections, 1, 100_000)? as usize;
        let (min_size, max_size) = match self.protocol {
            Protocol::Tcp => (1, 16 * 1024 * 1024),
            Protocol::Udp => (8, 65_507),
        };
        let size = number("load-size", &self.size, min_size, max_size)? as usize;
        let seconds = number("load-seconds", &self.seconds, 1, 24 * 3600)?;
        let count = match self.count.trim() {
            "" => None,
            text => Some(number("load-count", text, 1, u64::MAX)?),
        };
        let rate = match self.rate.trim() {
            "" => None,
            text => Some(number("load-rate", text, 1, 10_000_000)? as f64),
        };
        if self.mode == Mode::Connect && self.protocol == Protocol::Udp {
            return Err(FieldError {
                field: "load-mode",
                problem: Problem::Invalid("connect: TCP only".into()),
            });
        }
        let unresolved = SocketAddr::from(([127, 0, 0, 1], 0));
        let config = LoadConfig {
            connections,
            size,
            count,
            duration: Duration::from_secs(seconds),
            mode: self.mode,
            rate,
            threads: LoadConfig::default_threads().clamp(1, connections),
            ..LoadConfig::new(self.protocol, unresolved)
        };
        Ok(config)
    }
}

/// What a run's thread sends back at its end.
type Outcome = Result<Report, engine::Error>;

/// A run in progress.
pub struct LoadRun {
    stop: Arc<AtomicBool>,
    progress: Arc<Progress>,
    started: Instant,
    config: LoadConfig,
    done: Receiver<Outcome>,
    /// Bytes echoed and when, at the last rate sample, and the rate then.
    sample: (Instant, u64, f64),
}

/// The Load window's state.
#[derive(Default)]
pub struct LoadPanel {
    /// The window is shown.
    pub open: bool,
    /// The form.
    pub form: LoadForm,
    /// The running load, if any.
    pub run: Option<LoadRun>,
    /// The last run's report, or why it could not run.
    pub outcome: Option<Outcome>,
    /// A field that stopped Start.
    pub field_error: Option<FieldError>,
    /// Where Save writes the JSON report.
    pub json_path: String,
}

impl LoadPanel {
    /// Starts a run from the form, on a thread; `wake` repaints the window when it ends.
    pub fn start(&mut self, wake: impl Fn() + Send + 'static) {
        let mut config = match self.form.config() {
            Ok(config) => config,
            Err(error) => {
                self.field_error = Some(error);
                return;
            }
        };
        self.field_error = None;
        self.outcome = None;
        let progress = Progress::new();
        config.progress = Some(Arc::clone(&progress));
        let stop = Arc::new(AtomicBool::new(false));
        let (tx, done): (Sender<Outcome>, _) = crossbeam_channel::bounded(1);
        let (text, thread_stop, thread_config) =
            (self.form.target.clone(), Arc::clone(&stop), config.clone());
        let spawned = std::thread::Builder::new().name("load-run".into()).spawn(move || {
            let probe = Duration::from_millis(500);
            let outcome = load::target(thread_config.protocol, &text, false, probe).map(|target| {
                let config = LoadConfig { target, ..thread_config };
                load::run(&config, thread_stop)
            });
            let _ = tx.send(outcome);
            wake();
        });
        match spawned {
            Ok(_) => {
                let now = Instant::now();
                self.run =
                    Some(LoadRun { stop, progress, started: now, config, done, sample: (now, 0, 0.0) });
            }
            Err(err) => {
                let error = engine::Error::io(engine::Op::Spawn, "load", &err);
                self.outcome = Some(Err(error));
            }
        }
    }

    /// Asks a running load to stop: no new messages, and the echoes in flight get one timeout.
    pub fn stop(&self) {
        if let Some(run) = &self.run {
            run.stop.store(true, Ordering::Relaxed);
        }
    }

    /// Takes the run's end, if it came. True when the run ended now.
    pub fn poll(&mut self) -> bool {
        let Some(run) = &self.run else { return false };
        match run.done.try_recv() {
            Ok(outcome) => {
                self.outcome = Some(outcome);
                self.run = None;
                true
            }
            Err(crossbeam_channel::TryRecvError::Empty) => false,
            Err(crossbeam_channel::TryRecvError::Disconnected) => {
                self.run = None;
                true
            }
        }
    }

    /// The last run's JSON line, as `socket-tester load` prints it.
    pub fn report_json(&self) -> Option<String> {
        match &self.outcome {
            Some(Ok(report)) => Some(report.json()),
            _ => None,
        }
    }
}

/// What the Load window asks the app for.
#[derive(Debug, Clone, PartialEq)]
pub enum LoadAction {
    /// Start a run.
    Start,
    /// Fill the target with this window's own server of the form's protocol.
    UseOwnServer,
    /// Save the JSON report to this path.
    SaveJson(PathBuf),
}

/// Draws the Load window's content; returns what the user asked the app for.
pub fn load_ui(ui: &mut Ui, tr: &Tr, panel: &mut LoadPanel, own_server: Option<&str>) -> Option<LoadAction> {
    let mut action = None;
    let running = panel.run.is_some();
    ui.add_enabled_ui(!running, |ui| {
        egui::Grid::new("load-form").num_columns(2).show(ui, |ui| {
            let form = &mut panel.form;
            ui.label(t!(tr, "form-protocol"));
            ui.horizontal(|ui| {
                ui.selectable_value(&mut form.protocol, Protocol::Tcp, "TCP");
                ui.selectable_value(&mut form.protocol, Protocol::Udp, "UDP");
            });
            ui.end_row();
            let label = ui.label(t!(tr, "load-target"));
            ui.horizontal(|ui| {
                ui.add(egui::TextEdit::singleline(&mut form.target).desired_width(200.0))
                    .labelled_by(label.id)
                    .on_hover_text(t!(tr, "load-target-hint"));
                let button = egui::Button::new(t!(tr, "load-own-server"));
                if ui
                    .add_enabled(own_server.is_some(), button)
                    .on_hover_text(t!(tr, "load-own-server-hint"))
                    .on_disabled_hover_text(t!(tr, "load-own-server-none"))
                    .clicked()
                {
                    action = Some(LoadAction::UseOwnServer);
                }
            });
            ui.end_row();
            for (id, hint, value) in [
                ("load-connections", "load-connections-hint", &mut form.connections),
                ("load-size", "load-size-hint", &mut form.size),
                ("load-seconds", "load-seconds-hint", &mut form.seconds),
                ("load-count", "load-count-hint", &mut form.count),
                ("load-rate", "load-rate-hint", &mut form.rate),
            ] {
                let label = ui.label(tr.render(&vocabulary::Message::new(id)));
                ui.add(egui::TextEdit::singleline(value).desired_width(120.0))
                    .labelled_by(label.id)
                    .on_hover_text(tr.render(&vocabulary::Message::new(hint)));
                ui.end_row();
            }
            ui.label(t!(tr, "load-mode"));
            ui.horizontal(|ui| {
                ui.selectable_value(&mut form.mode, Mode::PingPong, t!(tr, "load-mode-ping-pong"))
                    .on_hover_text(t!(tr, "load-mode-ping-pong-hint"));
                ui.selectable_value(&mut form.mode, Mode::Stream, t!(tr, "load-mode-stream"))
                    .on_hover_text(t!(tr, "load-mode-stream-hint"));
                if form.protocol == Protocol::Tcp {
                    ui.selectable_value(&mut form.mode, Mode::Connect, t!(tr, "load-mode-connect"))
                        .on_hover_text(t!(tr, "load-mode-connect-hint"));
                } else if form.mode == Mode::Connect {
                    form.mode = Mode::PingPong;
                }
            });
            ui.end_row();
        });
    });
    if let Some(error) = &panel.field_error {
        let field = tr.render(&vocabulary::Message::new(error.field));
        let problem = tr.render(&vocabulary::problem(&error.problem));
        ui.label(RichText::new(format!("{field}: {problem}")).color(ui.visuals().error_fg_color));
    }
    ui.horizontal(|ui| {
        if running {
            if ui.button(t!(tr, "btn-stop")).on_hover_text(t!(tr, "load-stop-hint")).clicked() {
                panel.stop();
            }
        } else if ui.button(t!(tr, "load-start")).on_hover_text(t!(tr, "load-start-hint")).clicked() {
            action = Some(LoadAction::Start);
        }
        ui.weak(t!(tr, "load-loopback-only"));
    });
    ui.separator();
    if let Some(run) = &mut panel.run {
        running_ui(ui, tr, run);
        ui.ctx().request_repaint_after(load::PUBLISH_EVERY);
    } else if let Some(outcome) = &panel.outcome {
        match outcome {
            Ok(report) => {
                if let Some(save) = report_ui(ui, tr, report, &mut panel.json_path) {
                    action = Some(save);
                }
            }
            Err(error) => {
                ui.label(RichText::new(tr.error(error)).color(ui.visuals().error_fg_color));
            }
        }
    }
    action
}

/// Progress, live rates, and the round trips so far.
fn running_ui(ui: &mut Ui, tr: &Tr, run: &mut LoadRun) {
    let p = &run.progress;
    let elapsed = run.started.elapsed();
    let echoes = p.echoes.load(Ordering::Relaxed);
    let bytes = p.bytes_echoed.load(Ordering::Relaxed);
    let by_time = elapsed.as_secs_f64() / run.config.duration.as_secs_f64().max(0.001);
    let by_count = run.config.count.map_or(0.0, |n| echoes as f64 / n.max(1) as f64);
    let fraction = by_time.max(by_count).min(1.0) as f32;
    ui.add(egui::ProgressBar::new(fraction).show_percentage());
    let (at, before, _) = run.sample;
    let since = at.elapsed();
    if since >= Duration::from_millis(500) {
        let rate = bytes.saturating_sub(before) as f64 / since.as_secs_f64();
        run.sample = (Instant::now(), bytes, rate);
    }
    let mean_echoes = echoes as f64 / elapsed.as_secs_f64().max(0.001);
    ui.label(t!(
        tr,
        "load-live",
        rate = tr.bytes(run.sample.2.round() as u64),
        echoes = tr.number(echoes as f64, 0),
        per_second = tr.number(mean_echoes, 0),
        errors = tr.number(p.errors.load(Ordering::Relaxed) as f64, 0),
        lost = tr.number(p.lost.load(Ordering::Relaxed) as f64, 0)
    ));
    let rtts = p.round_trips();
    if let Some(s) = rtts.summary() {
        ui.label(t!(
            tr,
            "load-live-rtt",
            p50 = tr.duration(s.p50_us),
            p99 = tr.duration(s.p99_us),
            max = tr.duration(s.max_us)
        ));
    }
    if rtts.count() > 0 {
        super::stats_view::histogram_plot(ui, tr, &rtts, ("load-histogram", 30, Some(160.0)));
    }
}

/// The finished run: its figures, its JSON line, and Save.
fn report_ui(ui: &mut Ui, tr: &Tr, report: &Report, json_path: &mut String) -> Option<LoadAction> {
    let mut action = None;
    let verdict = if report.ok { t!(tr, "load-ok") } else { t!(tr, "load-failed") };
    let color = if report.ok { ui.visuals().text_color() } else { ui.visuals().error_fg_color };
    ui.label(RichText::new(verdict).strong().color(color));
    egui::Grid::new("load-report").num_columns(2).striped(true).show(ui, |ui| {
        let mut row = |name: String, value: String| {
            ui.label(name);
            ui.label(RichText::new(value).monospace());
            ui.end_row();
        };
        row(t!(tr, "load-r-elapsed"), format!("{} s", tr.number(report.elapsed_s, 2)));
        row(t!(tr, "load-r-echoes"), tr.number(report.messages_echoed as f64, 0));
        row(t!(tr, "load-r-echoes-per-s"), tr.number(report.echoes_per_s, 0));
        row(t!(tr, "load-r-bytes-per-s"), format!("{}/s", tr.bytes(report.echo_bytes_per_s.round() as u64)));
        if let Some(rtt) = report.rtt_us {
            let us = |v: f64| tr.duration(v.round() as u64);
            row("p50 · p90 · p99".into(), format!("{} · {} · {}", us(rtt.p50), us(rtt.p90), us(rtt.p99)));
            row("p99.9 · max".into(), format!("{} · {}", us(rtt.p999), us(rtt.max)));
        }
        row(t!(tr, "load-r-lost"), tr.number(report.lost as f64, 0));
        row(t!(tr, "load-r-errors"), tr.number(report.errors as f64, 0));
    });
    for (message, count) in &report.error_messages {
        ui.label(RichText::new(format!("{count} × {message}")).color(ui.visuals().error_fg_color));
    }
    ui.collapsing(t!(tr, "load-json"), |ui| {
        let mut json = report.json();
        ui.add(
            egui::TextEdit::multiline(&mut json).code_editor().desired_rows(3).desired_width(f32::INFINITY),
        );
    });
    ui.horizontal(|ui| {
        let button = (t!(tr, "load-save-json"), t!(tr, "load-save-json-hint"));
        if let Some(path) = super::files::save_path_ui(ui, tr, json_path, button) {
            action = Some(LoadAction::SaveJson(path));
        }
        if ui.button(t!(tr, "btn-copy")).on_hover_text(t!(tr, "load-copy-json-hint")).clicked() {
            ui.ctx().copy_text(report.json());
        }
    });
    action
}
