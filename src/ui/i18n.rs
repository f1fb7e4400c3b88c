//! The one translation layer: Fluent files in `assets/i18n`, loaded through i18n-embed.
//!
//! Each app owns its [`Tr`], so two windows (or two tests) can show different languages.
//! Message ids are checked at compile time by the [`t!`](crate::t) macro.

use i18n_embed::LanguageLoader;
use i18n_embed::fluent::{FluentLanguageLoader, fluent_language_loader};
use rust_embed::RustEmbed;
use serde::{Deserialize, Serialize};

#[derive(RustEmbed)]
#[folder = "assets/i18n/"]
struct Localizations;

/// The languages the app speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Language {
    /// English.
    #[default]
    English,
    /// Spanish, the seed tutorial's language.
    Spanish,
}

impl Language {
    /// Every language, in menu order.
    pub const ALL: [Language; 2] = [Language::English, Language::Spanish];

    /// The language's own name, for the switch.
    pub fn native_name(self) -> &'static str {
        match self {
            Language::English => "English",
            Language::Spanish => "Español",
        }
    }

    fn code(self) -> &'static str {
        match self {
            Language::English => "en",
            Language::Spanish => "es",
        }
    }

    /// The system's language when it is one we have, else English.
    pub fn from_system() -> Language {
        let requested = i18n_embed::DesktopLanguageRequester::requested_languages();
        for lang in requested {
            match lang.language.as_str() {
                "es" => return Language::Spanish,
                "en" => return Language::English,
                _ => {}
            }
        }
        Language::English
    }

    /// The default message in this language.
    pub fn default_message(self) -> &'static str {
        match self {
            Language::English => "This is the message. It will be repeated.",
            Language::Spanish => crate::engine::DEFAULT_MESSAGE,
        }
    }
}

/// Translations for one app.
pub struct Tr {
    loader: FluentLanguageLoader,
    language: Language,
}

impl Tr {
    /// Loads a language.
    pub fn new(language: Language) -> Tr {
        let loader: FluentLanguageLoader = fluent_language_loader!();
        let mut tr = Tr { loader, language };
        tr.set_language(language);
        tr
    }

    /// Switches language.
    pub fn set_language(&mut self, language: Language) {
        let Ok(id) = language.code().parse() else { return };
        // The files are embedded and checked at build time; if loading still fails, the
        // fallback (English) keeps every message available.
        let _ = self.loader.load_languages(&Localizations, &[id]);
        // Unicode isolation marks around arguments would show as boxes in egui; the setting
        // applies to the bundles just loaded.
        self.loader.set_use_isolating(false);
        self.language = language;
    }

    /// The language in use.
    pub fn language(&self) -> Language {
        self.language
    }

    /// The loader, for the [`t!`](crate::t) macro.
    pub fn loader(&self) -> &FluentLanguageLoader {
        &self.loader
    }
}

/// Translates a message id, with optional `name = value` arguments.
#[macro_export]
macro_rules! t {
    ($tr:expr, $id:literal) => {
        i18n_embed_fl::fl!($tr.loader(), $id)
    };
    ($tr:expr, $id:literal, $($key:ident = $value:expr),+ $(,)?) => {
        i18n_embed_fl::fl!($tr.loader(), $id, $($key = $value),+)
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(language: &str) -> Vec<String> {
        let path = format!("{language}/socket_tester.ftl");
        let file = Localizations::get(&path).map(|f| f.data.into_owned()).unwrap_or_default();
        let text = String::from_utf8(file).unwrap_or_default();
        let mut ids: Vec<String> = text
            .lines()
            .filter(|l| l.chars().next().is_some_and(|c| c.is_ascii_lowercase()))
            .filter_map(|l| l.split_once(" =").map(|(id, _)| id.trim().to_string()))
            .collect();
        ids.sort();
        ids
    }

    #[test]
    fn spanish_is_as_complete_as_english() {
        let english = ids("en");
        assert!(english.len() > 80, "{}", english.len());
        assert_eq!(ids("es"), english);
    }

    #[test]
    fn arguments_render_without_isolation_marks() {
        let tr = Tr::new(Language::Spanish);
        assert_eq!(crate::t!(tr, "status-listening", addrs = "127.0.0.1:1"), "Escuchando en 127.0.0.1:1");
        let tr = Tr::new(Language::English);
        assert_eq!(crate::t!(tr, "status-errors", count = 1), "1 error");
        assert_eq!(crate::t!(tr, "status-errors", count = 3), "3 errors");
    }
}
