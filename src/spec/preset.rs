//! Presets and workspaces on disk: a [`SessionSpec`] (or every open session's) as TOML with a
//! top-level `version = 1`. Unknown keys are refused by name, bad TOML by line and column, and
//! a newer version than this program knows is refused in a plain sentence.
//!
//! Presets live in the user's config directory, `socket-tester/presets/NAME.toml`
//! (`$SOCKET_TESTER_CONFIG_DIR/presets` when set, for portable installs and scripts).

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::SessionSpec;
use crate::vocabulary::Message;

/// The schema version this program writes and reads.
pub const VERSION: u64 = 1;

/// Every open session and how they are laid out: what a workspace file holds.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Workspace {
    /// The session that has the keyboard (Ctrl+Enter, Esc), by its place in `sessions`.
    pub active: usize,
    /// The sessions, in the order they were opened.
    pub sessions: Vec<SessionSpec>,
    /// How the sessions are arranged in the window (side by side, stacked, tabs); none: side
    /// by side, the rest as tabs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub layout: Option<Arrangement>,
    /// Each session's number ("Client 2"), by its place in `sessions`, so a restart keeps
    /// the names; none: numbered from 1.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub numbers: Vec<u64>,
    /// How each session's form was left (folded, the splitter), by its place in `sessions`;
    /// none: as a new session's.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub forms: Vec<FormLayout>,
}

/// How a session's form was left in the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FormLayout {
    /// Folded to its summary line, or open (none: folded while connected or running).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub folded: Option<bool>,
    /// The fields' share of the session's height, in thousandths (none: the default).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub split: Option<u16>,
}

/// How sessions are arranged: a tree whose leaves are sessions, by their place in the
/// workspace's `sessions`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Arrangement {
    /// One session.
    Session {
        /// Its place in the workspace's sessions.
        index: usize,
    },
    /// Tabs: one shows at a time.
    Tabs {
        /// The tabs, in order.
        children: Vec<Arrangement>,
        /// The one showing, by its place in `children`.
        #[serde(default)]
        active: usize,
    },
    /// Side by side, left to right; each child's share of the width in thousandths.
    Row {
        /// The children.
        children: Vec<Arrangement>,
        /// Their shares (empty: equal).
        #[serde(default)]
        shares: Vec<u32>,
    },
    /// Stacked, top to bottom; each child's share of the height in thousandths.
    Column {
        /// The children.
        children: Vec<Arrangement>,
        /// Their shares (empty: equal).
        #[serde(default)]
        shares: Vec<u32>,
    },
    /// A grid.
    Grid {
        /// The children, row by row.
        children: Vec<Arrangement>,
    },
}

/// Why a preset or workspace could not be read or written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PresetError {
    /// Not TOML; the parser's words hold the line and column.
    #[error("{path}: {detail}")]
    Syntax {
        /// The file.
        path: String,
        /// What the parser said, with the line and column.
        detail: String,
    },
    /// No `version` at the top.
    #[error("{path}: no `version = 1` at the top: is this a Socket Tester file?")]
    NoVersion {
        /// The file.
        path: String,
    },
    /// Written by a newer Socket Tester.
    #[error(
        "{path} was written by a newer Socket Tester (version {found}); this one reads version {VERSION}. Update Socket Tester to open it."
    )]
    Newer {
        /// The file.
        path: String,
        /// Its version.
        found: i64,
    },
    /// A key this version does not know, or a value of the wrong type.
    #[error("{path}: {detail}")]
    Content {
        /// The file.
        path: String,
        /// What serde said, naming the key.
        detail: String,
    },
    /// The file system said no.
    #[error("{path}: {detail}")]
    Io {
        /// The file.
        path: String,
        /// The operating system's words.
        detail: String,
    },
    /// No preset by that name.
    #[error("no preset named {name:?} (socket-tester preset list shows them)")]
    NotFound {
        /// The name.
        name: String,
    },
    /// A name that cannot be a file name.
    #[error("{name:?} cannot name a preset: use letters, digits, spaces, '-' or '_'")]
    BadName {
        /// The name.
        name: String,
    },
    /// No config directory on this system.
    #[error("this system has no config directory for presets; set SOCKET_TESTER_CONFIG_DIR")]
    NoDirectory,
}

impl PresetError {
    /// The error in the vocabulary, for the window's language.
    pub fn message(&self) -> Message {
        match self {
            PresetError::Syntax { path, detail } | PresetError::Content { path, detail } => {
                Message::new("preset-invalid").arg("path", path.as_str()).arg("detail", detail.as_str())
            }
            PresetError::NoVersion { path } => Message::new("preset-no-version").arg("path", path.as_str()),
            PresetError::Newer { path, found } => Message::new("preset-newer")
                .arg("path", path.as_str())
                .arg("found", found.to_string())
                .arg("known", VERSION),
            PresetError::Io { path, detail } => {
                Message::new("preset-io").arg("path", path.as_str()).arg("detail", detail.as_str())
            }
            PresetError::NotFound { name } => Message::new("preset-not-found").arg("name", name.as_str()),
            PresetError::BadName { name } => Message::new("preset-bad-name").arg("name", name.as_str()),
            PresetError::NoDirectory => Message::new("preset-no-directory"),
        }
    }
}

fn io_error(path: &Path, err: &std::io::Error) -> PresetError {
    PresetError::Io { path: path.display().to_string(), detail: err.to_string() }
}

/// Reads a versioned TOML document: the version is checked first, then every other key.
pub fn read_versioned<T: DeserializeOwned>(text: &str, path: &str) -> Result<T, PresetError> {
    let mut table: toml::Table = toml::from_str(text).map_err(|e| PresetError::Syntax {
        path: path.to_string(),
        detail: e.to_string().trim_end().to_string(),
    })?;
    match table.remove("version") {
        None => return Err(PresetError::NoVersion { path: path.to_string() }),
        Some(toml::Value::Integer(v)) if v == VERSION as i64 => {}
        Some(toml::Value::Integer(v)) if v > VERSION as i64 => {
            return Err(PresetError::Newer { path: path.to_string(), found: v });
        }
        Some(other) => {
            let detail = format!("version {other} is not one this program knows (it reads {VERSION})");
            return Err(PresetError::Content { path: path.to_string(), detail });
        }
    }
    T::deserialize(table).map_err(|e| PresetError::Content {
        path: path.to_string(),
        detail: e.to_string().trim_end().to_string(),
    })
}

/// Writes a versioned TOML document, `version` first.
pub fn write_versioned<T: Serialize>(value: &T) -> String {
    match toml::to_string(value) {
        Ok(body) => format!("version = {VERSION}\n{body}"),
        // Invariant: these types hold only strings, numbers, booleans and tables, which TOML
        // always represents.
        Err(err) => unreachable!("TOML cannot hold a spec: {err}"),
    }
}

/// Reads a file that holds a versioned document.
pub fn read_file<T: DeserializeOwned>(path: &Path) -> Result<T, PresetError> {
    let text = std::fs::read_to_string(path).map_err(|e| io_error(path, &e))?;
    read_versioned(&text, &path.display().to_string())
}

/// Writes a versioned document to a file, through a temporary file and a rename.
pub fn write_file<T: Serialize>(path: &Path, value: &T) -> Result<(), PresetError> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| io_error(dir, &e))?;
    }
    let tmp = path.with_extension("toml.tmp");
    std::fs::write(&tmp, write_versioned(value)).map_err(|e| io_error(path, &e))?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        io_error(path, &e)
    })
}

/// Whether `text` names a file rather than a preset: it holds `/` or ends in `.toml`.
pub fn is_path(text: &str) -> bool {
    text.contains('/') || text.ends_with(".toml")
}

fn check_name(name: &str) -> Result<(), PresetError> {
    let ok = !name.trim().is_empty()
        && !name.starts_with('.')
        && !is_path(name)
        && name.chars().all(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_' | '.'));
    if ok { Ok(()) } else { Err(PresetError::BadName { name: name.to_string() }) }
}

/// The folder of presets: one `NAME.toml` each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Presets {
    dir: PathBuf,
}

impl Presets {
    /// The presets in `dir`.
    pub fn at(dir: impl Into<PathBuf>) -> Presets {
        Presets { dir: dir.into() }
    }

    /// The user's presets: `$SOCKET_TESTER_CONFIG_DIR/presets` when set, else
    /// `socket-tester/presets` in the system's config directory.
    pub fn user() -> Result<Presets, PresetError> {
        if let Some(dir) = std::env::var_os("SOCKET_TESTER_CONFIG_DIR").filter(|d| !d.is_empty()) {
            return Ok(Presets::at(PathBuf::from(dir).join("presets")));
        }
        directories::ProjectDirs::from("", "", "socket-tester")
            .map(|dirs| Presets::at(dirs.config_dir().join("presets")))
            .ok_or(PresetError::NoDirectory)
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The file of a preset name, or the path itself.
    pub fn locate(&self, name_or_path: &str) -> Result<PathBuf, PresetError> {
        if is_path(name_or_path) {
            return Ok(PathBuf::from(name_or_path));
        }
        check_name(name_or_path)?;
        Ok(self.dir.join(format!("{name_or_path}.toml")))
    }

    /// Reads a preset by name or path.
    pub fn load(&self, name_or_path: &str) -> Result<SessionSpec, PresetError> {
        let path = self.locate(name_or_path)?;
        if !is_path(name_or_path) && !path.exists() {
            return Err(PresetError::NotFound { name: name_or_path.to_string() });
        }
        read_file(&path)
    }

    /// Saves a preset under a name; returns its file.
    pub fn save(&self, name: &str, spec: &SessionSpec) -> Result<PathBuf, PresetError> {
        check_name(name)?;
        let path = self.dir.join(format!("{name}.toml"));
        write_file(&path, spec)?;
        Ok(path)
    }

    /// Deletes a preset.
    pub fn delete(&self, name: &str) -> Result<(), PresetError> {
        let path = self.locate(name)?;
        match std::fs::remove_file(&path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                Err(PresetError::NotFound { name: name.to_string() })
            }
            Err(e) => Err(io_error(&path, &e)),
        }
    }

    /// Renames a preset.
    pub fn rename(&self, from: &str, to: &str) -> Result<(), PresetError> {
        check_name(to)?;
        let (old, new) = (self.locate(from)?, self.locate(to)?);
        if !old.exists() {
            return Err(PresetError::NotFound { name: from.to_string() });
        }
        std::fs::rename(&old, &new).map_err(|e| io_error(&new, &e))
    }

    /// The presets' names, sorted.
    pub fn list(&self) -> Result<Vec<String>, PresetError> {
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(io_error(&self.dir, &e)),
        };
        let mut names: Vec<String> = entries
            .filter_map(Result::ok)
            .filter_map(|e| e.file_name().to_str().and_then(|n| n.strip_suffix(".toml")).map(str::to_string))
            .collect();
        names.sort();
        Ok(names)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Protocol;
    use crate::spec::{LineEnding, MessageMode, Role, TextEncoding};

    #[test]
    fn a_spec_round_trips_through_toml_with_its_version_first() {
        let mut spec = SessionSpec::new(Role::Client, Protocol::Udp);
        spec.message.mode = MessageMode::Hex;
        spec.message.text = "48 65".into();
        spec.message.line_ending = LineEnding::Crlf;
        spec.message.encoding = TextEncoding::Utf16Be;
        spec.plan.count = 7;
        spec.chunk_bytes = Some(512);
        let text = write_versioned(&spec);
        assert!(text.starts_with("version = 1\n"), "{text}");
        assert!(text.contains("protocol = \"udp\"") && text.contains("line_ending = \"crlf\""), "{text}");
        assert_eq!(read_versioned::<SessionSpec>(&text, "p.toml"), Ok(spec));
    }

    #[test]
    fn bad_files_are_refused_in_plain_words() {
        let unknown =
            read_versioned::<SessionSpec>("version = 1\nprotocol = \"tcp\"\ncolour = 3\n", "p.toml");
        assert!(
            unknown.as_ref().is_err_and(|e| e.to_string().contains("unknown field `colour`")),
            "{unknown:?}"
        );
        let syntax =
            read_versioned::<SessionSpec>("version = 1\nport = \n", "p.toml").unwrap_err().to_string();
        assert!(syntax.contains("line 2") && syntax.contains("column"), "{syntax}");
        let newer = read_versioned::<SessionSpec>("version = 2\n", "p.toml").unwrap_err().to_string();
        assert!(newer.contains("newer Socket Tester (version 2)"), "{newer}");
        let none = read_versioned::<SessionSpec>("port = 1\n", "p.toml").unwrap_err();
        assert_eq!(none, PresetError::NoVersion { path: "p.toml".into() });
        let nested = read_versioned::<SessionSpec>("version = 1\n[plan]\ncuont = 2\n", "p.toml")
            .unwrap_err()
            .to_string();
        assert!(nested.contains("unknown field `cuont`"), "{nested}");
    }

    #[test]
    fn a_folder_of_presets() {
        let dir = tempfile::tempdir().unwrap();
        let presets = Presets::at(dir.path().join("presets"));
        assert_eq!(presets.list(), Ok(vec![]));
        let spec = SessionSpec::new(Role::Server, Protocol::Udp);
        presets.save("b", &spec).unwrap();
        presets.save("a one", &spec).unwrap();
        assert_eq!(presets.list().unwrap(), ["a one", "b"]);
        presets.rename("b", "c").unwrap();
        assert_eq!(presets.load("c"), Ok(spec.clone()));
        assert_eq!(presets.load("b"), Err(PresetError::NotFound { name: "b".into() }));
        presets.delete("c").unwrap();
        assert_eq!(presets.delete("c"), Err(PresetError::NotFound { name: "c".into() }));
        let path = presets.dir().join("a one.toml").display().to_string();
        assert_eq!(presets.load(&path), Ok(spec), "a path loads the file itself");
    }

    #[test]
    fn names_and_paths() {
        assert!(is_path("./x") && is_path("a.toml") && !is_path("modbus poll"));
        assert!(check_name("modbus poll-1").is_ok());
        assert!(check_name("").is_err() && check_name(".hidden").is_err() && check_name("a\\b").is_err());
    }
}
