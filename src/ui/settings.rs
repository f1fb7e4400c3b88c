//! What the app remembers between runs: the language, the zoom, the memory cap, the last
//! workspace (every session's spec) and the history of sent messages.
//!
//! Every field has a default, so a settings file written by an older or newer release loads
//! with the values it has. The first release kept each session as a form of typed strings
//! (`forms`); those are read once and become the last workspace.

use serde::{Deserialize, Serialize};

use crate::engine::{
    DEFAULT_BACKLOG, DEFAULT_HOST, DEFAULT_MESSAGE, DEFAULT_PORT, DEFAULT_TIMEOUT_MS, Protocol,
};
use crate::i18n::Language;
use crate::spec::preset::Workspace;
use crate::spec::{MessageSpec, Role, SessionSpec};
use crate::transcript::store::DEFAULT_CAP_BYTES;

/// The key of the settings in eframe's storage.
pub const SETTINGS_KEY: &str = "socket-tester-settings";

/// What is remembered between runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// The language.
    pub language: Language,
    /// Zoom factor.
    pub zoom: f32,
    /// System, light or dark.
    pub theme: crate::ui::theme::ThemeChoice,
    /// Memory cap of one transcript, in MiB.
    pub cap_mib: usize,
    /// The last workspace: every session's spec, and which one was active.
    pub workspace: Workspace,
    /// Messages sent, newest first.
    pub history: Vec<MessageSpec>,
    /// Transcripts saved, recorded or opened, newest first.
    pub recent: Vec<std::path::PathBuf>,
    /// The first-launch tour was finished or skipped.
    pub tour_done: bool,
    /// The first release's forms, read once into the workspace and never written again.
    #[serde(skip_serializing)]
    pub forms: Vec<LegacyForm>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            language: Language::default(),
            zoom: 1.0,
            theme: crate::ui::theme::ThemeChoice::System,
            cap_mib: DEFAULT_CAP_BYTES >> 20,
            workspace: Workspace::default(),
            history: Vec::new(),
            recent: Vec::new(),
            tour_done: false,
            forms: Vec::new(),
        }
    }
}

impl Settings {
    /// The sessions to open: the last workspace's, or the first release's forms.
    pub fn sessions(&self) -> Vec<SessionSpec> {
        if self.workspace.sessions.is_empty() {
            self.forms.iter().map(LegacyForm::to_spec).collect()
        } else {
            self.workspace.sessions.clone()
        }
    }
}

/// A session's form as the first release saved it: every value as typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LegacyForm {
    /// Client or server.
    pub role: Role,
    /// TCP or UDP.
    pub protocol: Protocol,
    /// Host.
    pub host: String,
    /// Port, as typed.
    pub port: String,
    /// The message text (UTF-8, no escapes).
    pub message: String,
    /// Read size or buffer, as typed.
    pub chunk: String,
    /// Timeout, as typed.
    pub timeout_ms: String,
    /// Backlog, as typed.
    pub backlog: String,
    /// Listen on every interface.
    pub all_interfaces: bool,
    /// One connection for every message.
    pub persistent: bool,
}

impl Default for LegacyForm {
    fn default() -> Self {
        LegacyForm {
            role: Role::Client,
            protocol: Protocol::Tcp,
            host: DEFAULT_HOST.into(),
            port: DEFAULT_PORT.to_string(),
            message: DEFAULT_MESSAGE.into(),
            chunk: String::new(),
            timeout_ms: DEFAULT_TIMEOUT_MS.to_string(),
            backlog: DEFAULT_BACKLOG.to_string(),
            all_interfaces: false,
            persistent: false,
        }
    }
}

impl LegacyForm {
    /// The spec this form meant. A value that never parsed keeps the spec's default, as the
    /// first release did when it ran the form.
    pub fn to_spec(&self) -> SessionSpec {
        let mut spec = SessionSpec::new(self.role, self.protocol);
        spec.host.clone_from(&self.host);
        let number = |text: &str| text.trim().parse::<u64>().ok();
        if let Some(port) = number(&self.port).and_then(|p| u16::try_from(p).ok()) {
            spec.port = port;
        }
        spec.message.text.clone_from(&self.message);
        // The default read size is not written down: it follows the role and protocol.
        spec.chunk_bytes =
            number(&self.chunk).filter(|&n| n != SessionSpec::default_chunk_bytes(self.role, self.protocol));
        if let Some(timeout) = number(&self.timeout_ms) {
            spec.timeout_ms = timeout;
        }
        if let Some(backlog) = number(&self.backlog) {
            spec.backlog = backlog;
        }
        spec.all_interfaces = self.all_interfaces;
        spec.plan.persistent = self.persistent;
        spec
    }
}
