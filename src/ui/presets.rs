//! Presets and workspaces from the app: save the form as a preset, list, load, rename,
//! delete, import and export them, and open or save the workspace. Every file operation runs
//! on a thread and reports back over a channel, waking the UI; what a file means is
//! [`crate::spec::preset`]'s.

use std::path::PathBuf;

use crossbeam_channel::Sender;
use egui::Ui;

use crate::engine::Waker;
use crate::i18n::Tr;
use crate::spec::SessionSpec;
use crate::spec::preset::{self, PresetError, Presets, Workspace};
use crate::t;
use crate::transcript::export::steps_report::StepsReport;

/// A finished background job.
#[derive(Debug)]
pub enum PresetJob {
    /// The presets' names.
    Listed(Result<Vec<String>, PresetError>),
    /// A preset or a preset file was read, for a session.
    Loaded {
        /// The session.
        uid: u64,
        /// Its name or path.
        name: String,
        /// The spec, or why not.
        result: Result<Box<SessionSpec>, PresetError>,
    },
    /// A preset, a preset file or a workspace was written, renamed or deleted.
    Done {
        /// What it was, in words of the vocabulary.
        what: Done,
        /// The name or path.
        name: String,
        /// Whether it worked.
        result: Result<(), PresetError>,
    },
    /// A workspace was read.
    Workspace {
        /// From where.
        path: PathBuf,
        /// The workspace, or why not.
        result: Result<Workspace, PresetError>,
    },
}

/// What a finished job did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Done {
    /// Saved a preset.
    Saved,
    /// Renamed a preset.
    Renamed,
    /// Deleted a preset.
    Deleted,
    /// Exported a preset to a file.
    Exported,
    /// Saved the workspace.
    WorkspaceSaved,
    /// Wrote a run's report.
    ReportSaved,
}

impl Done {
    /// The message id that says it worked.
    pub fn message_id(self) -> &'static str {
        match self {
            Done::Saved => "preset-saved",
            Done::Renamed => "preset-renamed",
            Done::Deleted => "preset-deleted",
            Done::Exported => "preset-exported",
            Done::WorkspaceSaved => "workspace-saved",
            Done::ReportSaved => "report-saved",
        }
    }

    /// Whether the list of presets changed.
    pub fn changes_list(self) -> bool {
        matches!(self, Done::Saved | Done::Renamed | Done::Deleted)
    }
}

/// Starts preset and workspace jobs, each on its own thread.
#[derive(Clone)]
pub struct PresetJobs {
    /// The folder of presets (`Err`: this system has none, which each job then reports).
    pub presets: Result<Presets, PresetError>,
    /// Finished jobs go here.
    pub jobs: Sender<PresetJob>,
    /// Wakes the UI when one is done.
    pub waker: Waker,
}

impl PresetJobs {
    fn run(&self, work: impl FnOnce(Result<Presets, PresetError>) -> PresetJob + Send + 'static) {
        let (presets, jobs, waker) = (self.presets.clone(), self.jobs.clone(), self.waker.clone());
        let _ = std::thread::Builder::new().name("presets".into()).spawn(move || {
            let _ = jobs.send(work(presets));
            waker();
        });
    }

    /// Lists the presets.
    pub fn list(&self) {
        self.run(|presets| PresetJob::Listed(presets.and_then(|p| p.list())));
    }

    /// Reads a preset (by name, or a file to import) for a session.
    pub fn load(&self, uid: u64, name: String) {
        self.run(move |presets| PresetJob::Loaded {
            uid,
            result: presets.and_then(|p| p.load(&name)).map(Box::new),
            name,
        });
    }

    /// Saves a spec as a preset.
    pub fn save(&self, name: String, spec: SessionSpec) {
        self.run(move |presets| {
            let result = presets.and_then(|p| p.save(&name, &spec)).map(drop);
            PresetJob::Done { what: Done::Saved, result, name }
        });
    }

    /// Writes a spec to a file of the user's choice.
    pub fn export(&self, path: PathBuf, spec: SessionSpec) {
        self.run(move |_| PresetJob::Done {
            what: Done::Exported,
            result: preset::write_file(&path, &spec),
            name: path.display().to_string(),
        });
    }

    /// Renames a preset.
    pub fn rename(&self, from: String, to: String) {
        self.run(move |presets| {
            let result = presets.and_then(|p| p.rename(&from, &to));
            PresetJob::Done { what: Done::Renamed, result, name: to }
        });
    }

    /// Deletes a preset.
    pub fn delete(&self, name: String) {
        self.run(move |presets| {
            let result = presets.and_then(|p| p.delete(&name));
            PresetJob::Done { what: Done::Deleted, result, name }
        });
    }

    /// Writes the workspace.
    pub fn save_workspace(&self, path: PathBuf, workspace: Workspace) {
        self.run(move |_| PresetJob::Done {
            what: Done::WorkspaceSaved,
            result: preset::write_file(&path, &workspace),
            name: path.display().to_string(),
        });
    }

    /// Writes a run's report: JUnit XML for a `.xml` path, JSON otherwise.
    pub fn export_report(&self, path: PathBuf, report: StepsReport) {
        self.run(move |_| {
            let junit = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("xml"));
            let body = if junit { report.junit() } else { report.json() };
            let result = std::fs::write(&path, body)
                .map_err(|e| PresetError::Io { path: path.display().to_string(), detail: e.to_string() });
            PresetJob::Done { what: Done::ReportSaved, result, name: path.display().to_string() }
        });
    }

    /// Reads a workspace.
    pub fn open_workspace(&self, path: PathBuf) {
        self.run(move |_| PresetJob::Workspace { result: preset::read_file(&path), path });
    }
}

/// What a bar is asking for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BarKind {
    /// A name to save the session's form under.
    SavePreset,
    /// A new name for this preset.
    RenamePreset(String),
    /// A preset file to load into the session.
    ImportPreset,
    /// A file to write the session's preset to.
    ExportPreset,
    /// A workspace file to open.
    OpenWorkspace,
    /// A workspace file to save to.
    SaveWorkspace,
    /// A file for a run's report: `.xml` for JUnit, `.json` otherwise.
    ExportReport,
}

impl BarKind {
    /// Whether the field holds a path (with Browse) rather than a name.
    pub fn is_path(&self) -> bool {
        !matches!(self, BarKind::SavePreset | BarKind::RenamePreset(_))
    }
}

/// A one-line bar that asks for a name or a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameBar {
    /// What for.
    pub kind: BarKind,
    /// What is typed.
    pub text: String,
}

/// What the user did in a bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BarAction {
    /// Confirmed what is typed.
    Confirm(BarKind, String),
    /// Asked for a file dialog.
    Browse(BarKind),
    /// Closed the bar.
    Cancel,
}

/// Draws a name or path bar; returns what the user did.
pub fn bar_ui(ui: &mut Ui, tr: &Tr, bar: &mut NameBar) -> Option<BarAction> {
    let mut action = None;
    ui.horizontal_wrapped(|ui| {
        let (label, confirm) = match &bar.kind {
            BarKind::SavePreset => (t!(tr, "preset-name"), t!(tr, "btn-save")),
            BarKind::RenamePreset(from) => {
                (t!(tr, "preset-rename-to", name = from.as_str()), t!(tr, "btn-rename"))
            }
            BarKind::ImportPreset => (t!(tr, "file-path"), t!(tr, "btn-import")),
            BarKind::ExportPreset => (t!(tr, "file-path"), t!(tr, "btn-export")),
            BarKind::OpenWorkspace => (t!(tr, "file-path"), t!(tr, "btn-open-file")),
            BarKind::SaveWorkspace | BarKind::ExportReport => (t!(tr, "file-path"), t!(tr, "btn-save")),
        };
        let label = ui.label(label);
        let field =
            ui.add(egui::TextEdit::singleline(&mut bar.text).desired_width(240.0)).labelled_by(label.id);
        if bar.kind.is_path()
            && ui.button(t!(tr, "btn-browse")).on_hover_text(t!(tr, "btn-browse-hint")).clicked()
        {
            action = Some(BarAction::Browse(bar.kind.clone()));
        }
        let ready = !bar.text.trim().is_empty();
        let enter = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        if (ui
            .add_enabled(ready, egui::Button::new(confirm))
            .on_hover_text(t!(tr, "btn-confirm-hint"))
            .clicked()
            || (enter && ready))
            && action.is_none()
        {
            action = Some(BarAction::Confirm(bar.kind.clone(), bar.text.trim().to_string()));
        }
        if ui.button(t!(tr, "btn-cancel")).on_hover_text(t!(tr, "btn-cancel-hint")).clicked() {
            action = Some(BarAction::Cancel);
        }
    });
    action
}

/// What the user picked in a session's Presets menu.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MenuAction {
    /// Load this preset into the session.
    Load(String),
    /// Open a bar of this kind.
    Open(BarKind),
    /// Delete this preset.
    Delete(String),
    /// The menu opened: refresh the list.
    Refresh,
}

/// The Presets menu of a session.
pub fn presets_menu_ui(ui: &mut Ui, tr: &Tr, names: &[String]) -> Option<MenuAction> {
    let mut action = None;
    let menu = ui.menu_button(t!(tr, "presets"), |ui| {
        if ui.button(t!(tr, "preset-save-as")).on_hover_text(t!(tr, "preset-save-as-hint")).clicked() {
            action = Some(MenuAction::Open(BarKind::SavePreset));
            ui.close();
        }
        if ui.button(t!(tr, "preset-import")).on_hover_text(t!(tr, "preset-import-hint")).clicked() {
            action = Some(MenuAction::Open(BarKind::ImportPreset));
            ui.close();
        }
        if ui.button(t!(tr, "preset-export")).on_hover_text(t!(tr, "preset-export-hint")).clicked() {
            action = Some(MenuAction::Open(BarKind::ExportPreset));
            ui.close();
        }
        ui.separator();
        if names.is_empty() {
            ui.weak(t!(tr, "preset-none"));
        }
        for name in names {
            ui.horizontal(|ui| {
                if ui.button(name).on_hover_text(t!(tr, "preset-load-hint")).clicked() {
                    action = Some(MenuAction::Load(name.clone()));
                    ui.close();
                }
                if ui
                    .small_button(t!(tr, "preset-rename"))
                    .on_hover_text(t!(tr, "preset-rename-hint"))
                    .clicked()
                {
                    action = Some(MenuAction::Open(BarKind::RenamePreset(name.clone())));
                    ui.close();
                }
                if ui
                    .small_button(t!(tr, "preset-delete"))
                    .on_hover_text(t!(tr, "preset-delete-hint"))
                    .clicked()
                {
                    action = Some(MenuAction::Delete(name.clone()));
                    ui.close();
                }
            });
        }
    });
    let menu_response = menu.response.clone().on_hover_text(t!(tr, "presets-hint"));
    if menu_response.clicked() && action.is_none() {
        action = Some(MenuAction::Refresh);
    }
    action
}
