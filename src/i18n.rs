//! The one translation layer: Fluent files in `assets/i18n`, loaded through i18n-embed.
//!
//! Each app owns its [`Tr`], so two windows (or two tests) can show different languages; the
//! command line has one too, so the headless build speaks Spanish as well. Fixed strings use
//! the [`t!`](crate::t) macro (ids checked at compile time); events render from
//! [`crate::vocabulary`] through [`Tr::render`].

use std::sync::LazyLock;

use fluent_bundle::types::{FluentNumber, FluentNumberOptions};
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

fn english_number(value: &FluentValue<'_>) -> Option<String> {
    match value {
        FluentValue::Number(n) => Some(number_text(Language::English, n.value, fraction_digits(n))),
        _ => None,
    }
}

fn spanish_number(value: &FluentValue<'_>) -> Option<String> {
    match value {
        FluentValue::Number(n) => Some(number_text(Language::Spanish, n.value, fraction_digits(n))),
        _ => None,
    }
}

fn fraction_digits(n: &FluentNumber) -> usize {
    n.options.minimum_fraction_digits.unwrap_or(0)
}

/// A number written the language's way: English groups thousands with commas and writes a
/// decimal point (`145,345,577`, `1.42`); Spanish groups with points, from five digits on,
/// and writes a decimal comma (`145.345.577`, `1000`, `1,42`).
pub fn number_text(language: Language, value: f64, fraction_digits: usize) -> String {
    let fixed = format!("{:.*}", fraction_digits, value.abs());
    let (whole, fraction) = fixed.split_once('.').unwrap_or((&fixed, ""));
    let (group, point, min_grouped) = match language {
        Language::English => (',', '.', 4),
        Language::Spanish => ('.', ',', 5),
    };
    let mut out = String::with_capacity(fixed.len() + whole.len() / 3 + 1);
    if value < 0.0 && fixed.bytes().any(|b| (b'1'..=b'9').contains(&b)) {
        out.push('-');
    }
    for (i, digit) in whole.chars().enumerate() {
        if whole.len() >= min_grouped && i > 0 && (whole.len() - i).is_multiple_of(3) {
            out.push(group);
        }
        out.push(digit);
    }
    if !fraction.is_empty() {
        out.push(point);
        out.push_str(fraction);
    }
    out
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
        // applies to the bundles just loaded, as does the language's way with numbers.
        self.loader.set_use_isolating(false);
        self.loader.with_bundles_mut(|bundle| {
            bundle.set_formatter(Some(match language {
                Language::English => |value, _| english_number(value),
                Language::Spanish => |value, _| spanish_number(value),
            }))
        });
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
                Arg::Decimal(value, digits) => FluentValue::Number(FluentNumber::new(
                    *value,
                    FluentNumberOptions {
                        minimum_fraction_digits: Some(*digits),
                        maximum_fraction_digits: Some(*digits),
                        ..FluentNumberOptions::default()
                    },
                )),
                Arg::Message(inner) => FluentValue::from(self.render(inner)),
            };
            args.set(*name, value);
        }
        self.loader.get_args_fluent(message.id, Some(&args))
    }

    /// A number in this language's way (see [`number_text`]).
    pub fn number(&self, value: f64, fraction_digits: usize) -> String {
        number_text(self.language, value, fraction_digits)
    }

    /// A byte count for people, in this language: exact below 10,000 (`9,999 B`), then scaled
    /// in SI units with one decimal (`145.3 MB`, `145,3 MB` in Spanish).
    pub fn bytes(&self, count: u64) -> String {
        const UNITS: [&str; 5] = ["kB", "MB", "GB", "TB", "PB"];
        if count < 10_000 {
            return format!("{} B", self.number(count as f64, 0));
        }
        let mut value = count as f64 / 1000.0;
        let mut unit = 0;
        while value >= 1000.0 && unit < UNITS.len() - 1 {
            value /= 1000.0;
            unit += 1;
        }
        format!("{} {}", self.number(value, 1), UNITS[unit])
    }

    /// A duration for people, in this language: `850 µs`, `12.40 ms` (`12,40 ms`), `3.20 s`.
    pub fn duration(&self, us: u64) -> String {
        self.render(&vocabulary::duration_text(us))
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

    #[test]
    fn byte_counts_are_grouped_then_scaled_in_each_language() {
        let (en, es) = (Tr::new(Language::English), Tr::new(Language::Spanish));
        assert_eq!(en.bytes(1_024), "1,024 B");
        assert_eq!(en.bytes(145_345_577), "145.3 MB");
        assert_eq!(es.bytes(145_345_577), "145,3 MB");
        assert_eq!(en.bytes(65_536), "65.5 kB");
        assert_eq!(en.bytes(3_000_000_000_000), "3.0 TB");
    }

    #[test]
    fn the_spanish_catalogue_keeps_the_glossarys_terms() {
        #[derive(serde::Deserialize)]
        struct Glossary {
            term: Vec<Term>,
        }
        #[derive(serde::Deserialize)]
        struct Term {
            es: String,
            avoid: Vec<String>,
            #[serde(default = "yes")]
            required: bool,
        }
        fn yes() -> bool {
            true
        }
        let text = Localizations::get("glossary-es.toml").map(|f| f.data.into_owned()).unwrap_or_default();
        let glossary: Glossary =
            toml::from_str(&String::from_utf8_lossy(&text)).expect("the glossary parses");
        let catalogue =
            Localizations::get("es/socket_tester.ftl").map(|f| f.data.into_owned()).unwrap_or_default();
        let catalogue = String::from_utf8_lossy(&catalogue).to_lowercase();
        assert!(glossary.term.len() >= 15);
        for term in &glossary.term {
            assert!(
                !term.required || catalogue.contains(&term.es.to_lowercase()),
                "«{}» is never used",
                term.es
            );
            for word in &term.avoid {
                assert!(
                    !catalogue.contains(&word.to_lowercase()),
                    "«{word}» is used instead of «{}»",
                    term.es
                );
            }
        }
    }

    #[test]
    fn no_message_is_defined_twice() {
        for language in ["en", "es"] {
            let ids = ids(language);
            let mut seen = std::collections::BTreeSet::new();
            for id in &ids {
                assert!(seen.insert(id), "{language}: {id} is defined twice (the second is never shown)");
            }
            assert!(ids.len() > 200, "{language}: {}", ids.len());
        }
    }

    #[test]
    fn numbers_follow_the_language() {
        use Language::{English, Spanish};
        assert_eq!(number_text(English, 145_345_577.0, 0), "145,345,577");
        assert_eq!(number_text(Spanish, 145_345_577.0, 0), "145.345.577");
        assert_eq!(number_text(English, 1000.0, 0), "1,000");
        assert_eq!(number_text(Spanish, 1000.0, 0), "1000", "Spanish groups from five digits");
        assert_eq!(number_text(Spanish, 12_345.0, 0), "12.345");
        assert_eq!(number_text(English, 1.4234, 2), "1.42");
        assert_eq!(number_text(Spanish, 1.4234, 2), "1,42");
        assert_eq!(number_text(Spanish, 1234.5, 3), "1234,500");
        assert_eq!(number_text(English, -0.0001, 2), "0.00");
        let (en, es) = (Tr::new(English), Tr::new(Spanish));
        let echo = crate::engine::EchoCheck { rtt_us: 1_420, matches: true, bytes: 145_345_577 };
        let message = vocabulary::received(false, Some(&echo)).unwrap();
        assert_eq!(en.render(&message), "rtt 1.420 ms, echo ok (145,345,577 B)");
        assert_eq!(es.render(&message), "rtt 1,420 ms, eco correcto (145.345.577 B)");
        assert_eq!(es.duration(1_420), "1,42 ms");
        // Counts take the language's plural.
        let saved = |n: u64| Message::new("file-saved").arg("count", n).arg("path", "/tmp/t.csv");
        assert_eq!(en.render(&saved(1)), "Saved 1 line to /tmp/t.csv");
        assert_eq!(es.render(&saved(1)), "Guardada 1 línea en /tmp/t.csv");
        assert_eq!(es.render(&saved(12_345)), "Guardadas 12.345 líneas en /tmp/t.csv");
        assert_eq!(en.duration(3_200_000), "3.20 s");
    }

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
