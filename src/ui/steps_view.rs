//! A client's steps in its form: a table to add, remove, move and edit steps in place (send
//! with its expectation, expect, wait, close, reconnect), Run and Stop, and each step's result
//! and time from the last run. It edits the spec's [`StepSpec`]s; `socket-tester run` takes
//! the same steps from a preset.

use egui::{RichText, Ui};

use crate::engine::expect::Expectation;
use crate::engine::script::StepOutcome;
use crate::i18n::Tr;
use crate::spec::StepSpec;
use crate::t;
use crate::transcript::export::steps_report::{StepResult, StepsReport};
use crate::vocabulary;

/// The width of a step's message and expectation fields.
const FIELD_WIDTH: f32 = 140.0;

/// What a step does, as the table's menu offers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Send,
    Expect,
    Wait,
    Close,
    Reconnect,
    Repeat,
}

fn kind_of(step: &StepSpec) -> Kind {
    if step.repeat.is_some() {
        Kind::Repeat
    } else if step.send.is_some() || step.send_hex.is_some() {
        Kind::Send
    } else if step.expect.is_some() {
        Kind::Expect
    } else if step.close {
        Kind::Close
    } else if step.reconnect {
        Kind::Reconnect
    } else {
        Kind::Wait
    }
}

fn kind_name(tr: &Tr, kind: Kind) -> String {
    match kind {
        Kind::Send => t!(tr, "step-send"),
        Kind::Expect => t!(tr, "step-expect"),
        Kind::Wait => t!(tr, "step-wait"),
        Kind::Close => t!(tr, "step-close"),
        Kind::Reconnect => t!(tr, "step-reconnect"),
        Kind::Repeat => t!(tr, "step-repeat"),
    }
}

/// A step of the given kind, keeping what still applies.
fn reshaped(step: &StepSpec, kind: Kind) -> StepSpec {
    let base = StepSpec { name: step.name.clone(), timeout_ms: step.timeout_ms, ..StepSpec::default() };
    match kind {
        Kind::Send => StepSpec {
            send: Some(step.send.clone().unwrap_or_default()),
            expect: step.expect.clone().or(Some(Expectation::Any)),
            ..base
        },
        Kind::Expect => StepSpec { expect: Some(step.expect.clone().unwrap_or(Expectation::Any)), ..base },
        Kind::Wait => StepSpec { wait_ms: Some(step.wait_ms.unwrap_or(500)), ..base },
        Kind::Close => StepSpec { close: true, ..base },
        Kind::Reconnect => StepSpec { reconnect: true, ..base },
        Kind::Repeat => step.clone(),
    }
}

/// The last run of a session's steps: each step's outcome and time, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StepResults {
    /// Each step that ended, in order.
    pub steps: Vec<StepResult>,
    /// The run's totals, once it ended.
    pub summary: Option<crate::engine::script::StepsSummary>,
}

impl StepResults {
    /// The result of step `number` (its label is the number, or `3 (login)` when named).
    fn get(&self, number: &str) -> Option<&StepResult> {
        self.steps.iter().find(|s| {
            s.label == number || s.label.strip_prefix(number).is_some_and(|rest| rest.starts_with(" ("))
        })
    }

    /// The run as a report (JUnit XML or JSON), once it ended.
    pub fn report(&self, name: &str) -> Option<StepsReport> {
        let summary = self.summary.clone()?;
        Some(StepsReport { name: name.to_string(), steps: self.steps.clone(), summary })
    }
}

/// What the user asked of the steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepsAction {
    /// Run them.
    Run,
    /// Stop the run.
    Stop,
    /// Export the last run's report.
    Export,
}

enum RowAction {
    Up(usize),
    Down(usize),
    Remove(usize),
}

/// The expectation lines as typed, one per step (a line that does not parse stays here).
pub type ExpectDrafts = Vec<String>;

/// The expectation line a step shows.
pub fn expect_draft(step: &StepSpec) -> String {
    step.expect.as_ref().map(ToString::to_string).unwrap_or_default()
}

/// Draws the steps; `running` while a run goes on.
pub fn steps_ui(
    ui: &mut Ui,
    tr: &Tr,
    steps: &mut Vec<StepSpec>,
    drafts: &mut ExpectDrafts,
    continue_on_failure: &mut bool,
    (results, running): (&StepResults, bool),
) -> Option<StepsAction> {
    drafts.resize(steps.len(), String::new());
    let mut action = None;
    let title = t!(tr, "steps-title", count = steps.len());
    let header = egui::CollapsingHeader::new(title).id_salt(ui.scope_id().with("steps"));
    header.default_open(!steps.is_empty()).show(ui, |ui| {
        let mut row_action = None;
        ui.add_enabled_ui(!running, |ui| {
            egui::Grid::new(ui.scope_id().with("steps-grid")).num_columns(6).spacing([6.0, 4.0]).show(
                ui,
                |ui| {
                    for (index, step) in steps.iter_mut().enumerate() {
                        let number = (index + 1).to_string();
                        let label = ui.label(&number);
                        let mut kind = kind_of(step);
                        egui::ComboBox::from_id_salt(ui.scope_id().with(("kind", index)))
                            .selected_text(kind_name(tr, kind))
                            .show_ui(ui, |ui| {
                                for k in [Kind::Send, Kind::Expect, Kind::Wait, Kind::Close, Kind::Reconnect]
                                {
                                    ui.selectable_value(&mut kind, k, kind_name(tr, k));
                                }
                            })
                            .response
                            .labelled_by(label.id);
                        if kind != kind_of(step) {
                            *step = reshaped(step, kind);
                            drafts[index] = expect_draft(step);
                        }
                        step_fields_ui(ui, tr, step, &mut drafts[index], &number);
                        result_ui(ui, tr, results.get(&number));
                        ui.horizontal(|ui| {
                            if ui
                                .add_enabled(index > 0, egui::Button::new("▲").small())
                                .on_hover_text(t!(tr, "steps-up"))
                                .clicked()
                            {
                                row_action = Some(RowAction::Up(index));
                            }
                            if ui
                                .add_enabled(index + 1 < drafts.len(), egui::Button::new("▼").small())
                                .on_hover_text(t!(tr, "steps-down"))
                                .clicked()
                            {
                                row_action = Some(RowAction::Down(index));
                            }
                            if ui.small_button("✖").on_hover_text(t!(tr, "steps-remove")).clicked() {
                                row_action = Some(RowAction::Remove(index));
                            }
                        });
                        ui.end_row();
                        // Under it, what the steps file also has: a name for the reports, and
                        // where the reply ends.
                        ui.label("");
                        ui.label("");
                        name_field_ui(ui, tr, step, &number);
                        if matches!(kind_of(step), Kind::Send | Kind::Expect) {
                            reply_end_field_ui(ui, tr, step, &number);
                        } else {
                            ui.label("");
                        }
                        ui.end_row();
                    }
                },
            );
        });
        match row_action {
            Some(RowAction::Up(i)) => {
                steps.swap(i, i - 1);
                drafts.swap(i, i - 1);
            }
            Some(RowAction::Down(i)) => {
                steps.swap(i, i + 1);
                drafts.swap(i, i + 1);
            }
            Some(RowAction::Remove(i)) => {
                steps.remove(i);
                drafts.remove(i);
            }
            None => {}
        }
        ui.horizontal_wrapped(|ui| {
            if ui
                .add_enabled(!running, egui::Button::new(t!(tr, "steps-add")))
                .on_hover_text(t!(tr, "steps-add-hint"))
                .clicked()
            {
                let step = reshaped(&StepSpec::default(), Kind::Send);
                drafts.push(expect_draft(&step));
                steps.push(step);
            }
            ui.add_enabled(!running, egui::Checkbox::new(continue_on_failure, t!(tr, "steps-continue")))
                .on_hover_text(t!(tr, "steps-continue-hint"));
            let valid = drafts.iter().all(|d| d.is_empty() || Expectation::parse(d).is_ok());
            if running {
                if ui.button(t!(tr, "steps-stop")).on_hover_text(t!(tr, "btn-stop-hint")).clicked() {
                    action = Some(StepsAction::Stop);
                }
            } else if ui
                .add_enabled(valid && !steps.is_empty(), egui::Button::new(t!(tr, "steps-run")))
                .on_hover_text(t!(tr, "steps-run-hint"))
                .clicked()
            {
                action = Some(StepsAction::Run);
            }
            if ui
                .add_enabled(results.summary.is_some(), egui::Button::new(t!(tr, "steps-export")))
                .on_hover_text(t!(tr, "steps-export-hint"))
                .clicked()
            {
                action = Some(StepsAction::Export);
            }
        });
        if let Some(summary) = &results.summary {
            let text = tr.render(&vocabulary::steps_ended(summary));
            let rich = RichText::new(text).strong();
            ui.label(if summary.failed > 0 { rich.color(ui.visuals().error_fg_color) } else { rich });
        }
    });
    action
}

/// The fields of one step, by its kind. `number` names the fields for screen readers.
fn step_fields_ui(ui: &mut Ui, tr: &Tr, step: &mut StepSpec, draft: &mut String, number: &str) {
    match kind_of(step) {
        Kind::Send => {
            let send = step.send.get_or_insert_with(String::new);
            let hint = t!(tr, "steps-message-hint");
            let edit = egui::TextEdit::singleline(send).hint_text(hint);
            let name = t!(tr, "steps-message-of", step = number);
            // A grid cell is as narrow as last frame's column; a fixed size keeps the field usable.
            let size = egui::vec2(FIELD_WIDTH, ui.spacing().interact_size.y);
            ui.add_sized(size, edit)
                .on_hover_text(t!(tr, "steps-send-hint"))
                .widget_info(|| egui::WidgetInfo::labeled(egui::Role::TextInput, true, name.clone()));
            expect_field_ui(ui, tr, step, draft, number);
        }
        Kind::Expect => {
            ui.label("");
            expect_field_ui(ui, tr, step, draft, number);
        }
        Kind::Wait => {
            let ms = step.wait_ms.get_or_insert(500);
            ui.add(egui::DragValue::new(ms).suffix(" ms").range(0..=3_600_000));
            ui.label("");
        }
        Kind::Repeat => {
            let times = step.repeat.unwrap_or(0);
            ui.label(t!(tr, "steps-repeat-block", times = times, count = step.steps.len()));
            ui.label("");
        }
        Kind::Close | Kind::Reconnect => {
            ui.label("");
            ui.label("");
        }
    }
}

/// A step's name, for reports and the transcript (`3 (login)`).
fn name_field_ui(ui: &mut Ui, tr: &Tr, step: &mut StepSpec, number: &str) {
    let mut name = step.name.clone().unwrap_or_default();
    let label = t!(tr, "steps-name-of", step = number);
    let edit = egui::TextEdit::singleline(&mut name).hint_text(t!(tr, "steps-name-hint"));
    let size = egui::vec2(FIELD_WIDTH, ui.spacing().interact_size.y);
    let response = ui.add_sized(size, edit).on_hover_text(t!(tr, "steps-name-tip"));
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::TextInput, true, label.clone()));
    if response.changed() {
        step.name = (!name.trim().is_empty()).then(|| name.trim().to_string());
    }
}

/// Where a step's reply ends (`sent`, `close`, `idle:MS`, `delim:ESCAPED`, `bytes:N`); empty:
/// the session's. A line that does not parse stays as typed, outlined in red.
fn reply_end_field_ui(ui: &mut Ui, tr: &Tr, step: &mut StepSpec, number: &str) {
    let id = ui.scope_id().with(("reply-end", number));
    let mut draft = ui
        .data(|d| d.get_temp::<String>(id))
        .unwrap_or_else(|| step.reply_end.as_ref().map(ToString::to_string).unwrap_or_default());
    let label = t!(tr, "steps-reply-end-of", step = number);
    let edit = egui::TextEdit::singleline(&mut draft).hint_text(t!(tr, "steps-reply-end-hint"));
    let size = egui::vec2(FIELD_WIDTH, ui.spacing().interact_size.y);
    let response = ui.add_sized(size, edit).on_hover_text(t!(tr, "form-expect-hint"));
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::TextInput, true, label.clone()));
    match crate::engine::expect::ReplyEnd::parse(&draft) {
        _ if draft.trim().is_empty() => step.reply_end = None,
        Ok(end) => step.reply_end = Some(end),
        Err(err) => {
            ui.painter().rect_stroke(
                response.rect,
                2.0,
                egui::Stroke::new(1.5, ui.visuals().error_fg_color),
                egui::StrokeKind::Outside,
            );
            response.on_hover_text(RichText::new(format!("⚠ {}", err.0)).color(ui.visuals().error_fg_color));
        }
    }
    ui.data_mut(|d| d.insert_temp(id, draft));
}

fn expect_field_ui(ui: &mut Ui, tr: &Tr, step: &mut StepSpec, draft: &mut String, number: &str) {
    let name = t!(tr, "steps-expect-of", step = number);
    let edit = egui::TextEdit::singleline(draft).hint_text("regex:^PONG");
    let size = egui::vec2(FIELD_WIDTH, ui.spacing().interact_size.y);
    let response = ui.add_sized(size, edit).on_hover_text(t!(tr, "form-expect-hint"));
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::TextInput, true, name.clone()));
    match Expectation::parse(draft) {
        Ok(expect) => step.expect = Some(expect),
        Err(_) if draft.trim().is_empty() && step.send.is_some() => step.expect = None,
        Err(err) => {
            // The field turns red and says why on hover; the row stays one line.
            ui.painter().rect_stroke(
                response.rect,
                2.0,
                egui::Stroke::new(1.5, ui.visuals().error_fg_color),
                egui::StrokeKind::Outside,
            );
            response.on_hover_text(RichText::new(format!("⚠ {}", err.0)).color(ui.visuals().error_fg_color));
        }
    }
}

/// A step's result from the last run: ✔ or ✘ with its time, the reason on hover.
fn result_ui(ui: &mut Ui, tr: &Tr, result: Option<&StepResult>) {
    let Some(StepResult { outcome, elapsed_us, wait_us, .. }) = result else {
        ui.label("");
        return;
    };
    let time = tr.duration(*elapsed_us);
    let (text, color) = match outcome {
        StepOutcome::Passed => (format!("✔ {time}"), Some(egui::Color32::from_rgb(0x2e, 0x9e, 0x4f))),
        StepOutcome::Failed { .. } | StepOutcome::Error { .. } => {
            (format!("✘ {time}"), Some(ui.visuals().error_fg_color))
        }
        StepOutcome::Skipped => (t!(tr, "steps-skipped"), None),
    };
    let rich = RichText::new(text).strong();
    let response = ui.label(match color {
        Some(color) => rich.color(color),
        None => rich.weak(),
    });
    let reason = vocabulary::step("", outcome, *elapsed_us, *wait_us);
    response.on_hover_text(tr.render(&reason));
}
