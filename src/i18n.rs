//! The one translation layer: Fluent files in `assets/i18n`, loaded through i18n-embed.
//!
//! Each app owns its [`Tr`], so two windows (or two tests) can show different languages; the
//! command line has one too, so the headless build speaks Spanish as well. Fixed strings use
//! the [`t!`](crate::t) macro (ids checked at compile time); events render from
//! [`crate::vocabulary`] through [`Tr::render`].

use std::sync::LazyLock;

use fluent_bundle::{FluentArgs, FluentValue};

use i18n_embed::LanguageLoader;
use i18n_embed::fluent::{FluentLanguageLoader, fluent_language_loader};

use crate::engine::{Error, EventKind, Protocol};
use crate::vocabulary::{self, Arg, Message};
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

    /// The language's code: `en`, `es`.
    pub fn code(self) -> &'static str {
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

    /// A message of the vocabulary, in this language.
    pub fn render(&self, message: &Message) -> String {
        let mut args = FluentArgs::new();
        for (name, arg) in &message.args {
            let value: FluentValue<'_> = match arg {
                Arg::Text(text) => FluentValue::from(text.as_str()),
                Arg::Number(n) => FluentValue::from(*n),
                Arg::Message(inner) => FluentValue::from(self.render(inner)),
            };
            args.set(*name, value);
        }
        self.loader.get_args_fluent(message.id, Some(&args))
    }

    /// An engine error, in this language.
    pub fn error(&self, error: &Error) -> String {
        self.render(&vocabulary::error(error))
    }

    /// What an event of a TCP or UDP session says, in this language (`None` for plain data).
    pub fn event(&self, kind: &EventKind, protocol: Protocol) -> Option<String> {
        vocabulary::event(kind, protocol).map(|m| self.render(&m))
    }
}

static ENGLISH: LazyLock<Tr> = LazyLock::new(|| Tr::new(Language::English));

/// English, shared: for `Display` of engine errors (logs, `anyhow` chains, the load report).
pub fn english() -> &'static Tr {
    &ENGLISH
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
pub(crate) mod tests {
    use super::*;

    /// The message ids of one language's catalogue.
    pub(crate) fn ids(language: &str) -> Vec<String> {
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
