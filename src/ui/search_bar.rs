//! The transcript's search bar (Ctrl+F): text, regex or hex bytes, matched against each row's
//! bytes by [`crate::transcript::search`]; "12 of 3,456 matches", and next and previous
//! (Enter, Shift+Enter). It scans a little each frame, so a million rows never stall the
//! window, and it follows rows as they arrive.

use std::time::Duration;

use egui::{RichText, Ui};

use crate::i18n::Tr;
use crate::t;
use crate::transcript::search::{Search, SearchMode, compile, reach};
use crate::transcript::store::Transcript;

/// The most a frame spends searching.
const SEARCH_BUDGET: Duration = Duration::from_millis(2);

/// A session's search: the query as typed, and the search it makes.
#[derive(Debug, Default)]
pub struct SearchBar {
    /// Text, regex or hex.
    pub mode: SearchMode,
    /// The query as typed.
    pub text: String,
    /// Match case (text and regex).
    pub case_sensitive: bool,
    /// The compiled search, or why the query is not one; `None` for an empty query.
    search: Option<Result<Search, String>>,
    /// The query the search was compiled from.
    compiled_from: Option<(SearchMode, String, bool)>,
    /// The match shown, by its place among the matches.
    pub current: Option<usize>,
    /// Give the field the keyboard on the next frame.
    pub focus: bool,
}

/// What the bar asks of the transcript view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchAction {
    /// Select this row (by number) and scroll to it.
    Show(u64),
    /// Close the bar.
    Close,
}

impl SearchBar {
    /// A bar whose field takes the keyboard.
    pub fn opened() -> SearchBar {
        SearchBar { focus: true, ..SearchBar::default() }
    }

    /// The search, once the query compiles.
    pub fn search(&self) -> Option<&Search> {
        self.search.as_ref().and_then(|s| s.as_ref().ok())
    }

    /// Recompiles after the query changed, then scans for at most the frame's budget; true
    /// while rows remain to scan.
    fn update(&mut self, transcript: &Transcript) -> bool {
        let same = self.compiled_from.as_ref().is_some_and(|(mode, text, case)| {
            (*mode, text.as_str(), *case) == (self.mode, self.text.as_str(), self.case_sensitive)
        });
        if !same {
            self.search = (!self.text.is_empty()).then(|| {
                let reach = reach(self.mode, &self.text);
                compile(self.mode, &self.text, self.case_sensitive).map(|r| Search::with_reach(r, reach))
            });
            self.compiled_from = Some((self.mode, self.text.clone(), self.case_sensitive));
            self.current = None;
        }
        match &mut self.search {
            Some(Ok(search)) => !search.advance(transcript, SEARCH_BUDGET),
            _ => false,
        }
    }

    /// The next (or previous) match after the one shown, wrapping round.
    fn step(&mut self, forward: bool) -> Option<u64> {
        let matches = self.search()?.hits();
        if matches.is_empty() {
            return None;
        }
        let last = matches.len() - 1;
        let next = match (self.current, forward) {
            (None, true) => 0,
            (None, false) => last,
            (Some(i), true) => {
                if i >= last {
                    0
                } else {
                    i + 1
                }
            }
            (Some(i), false) => {
                if i == 0 || i > last {
                    last
                } else {
                    i - 1
                }
            }
        };
        let seq = matches.get(next).map(|hit| hit.start.0);
        self.current = Some(next);
        seq
    }
}

/// Draws the bar; returns what it asks for.
pub fn search_bar_ui(
    ui: &mut Ui,
    tr: &Tr,
    bar: &mut SearchBar,
    transcript: &Transcript,
) -> Option<SearchAction> {
    let scanning = bar.update(transcript);
    if scanning {
        ui.ctx().request_repaint();
    }
    let mut action = None;
    ui.horizontal_wrapped(|ui| {
        let label = ui.label(t!(tr, "search-label"));
        for (mode, name) in [
            (SearchMode::Text, t!(tr, "search-text")),
            (SearchMode::Regex, t!(tr, "search-regex")),
            (SearchMode::Hex, t!(tr, "search-hex")),
        ] {
            ui.selectable_value(&mut bar.mode, mode, name).on_hover_text(t!(tr, "search-mode-hint"));
        }
        let hint = match bar.mode {
            SearchMode::Text => "repeated",
            SearchMode::Regex => r"PING \d+",
            SearchMode::Hex => "72 65 ?? 65",
        };
        let field = ui
            .add(egui::TextEdit::singleline(&mut bar.text).desired_width(180.0).hint_text(hint))
            .labelled_by(label.id)
            .on_hover_text(t!(tr, "search-field-hint"));
        if std::mem::take(&mut bar.focus) {
            field.request_focus();
        }
        if bar.mode != SearchMode::Hex {
            ui.checkbox(&mut bar.case_sensitive, t!(tr, "search-case"))
                .on_hover_text(t!(tr, "search-case-hint"));
        }
        let entered = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        let backwards = ui.input(|i| i.modifiers.shift);
        let previous = ui.button("▲").on_hover_text(t!(tr, "search-previous")).clicked();
        let next = ui.button("▼").on_hover_text(t!(tr, "search-next")).clicked();
        if entered || previous || next {
            if let Some(seq) = bar.step(next || (entered && !backwards)) {
                action = Some(SearchAction::Show(seq));
            }
            if entered {
                bar.focus = true;
            }
        }
        match &bar.search {
            Some(Err(error)) => {
                ui.label(RichText::new(format!("⚠ {error}")).color(ui.visuals().error_fg_color));
            }
            Some(Ok(search)) => {
                let total = search.hits().len();
                let words = match (total, bar.current) {
                    (0, _) => t!(tr, "search-none"),
                    (_, Some(i)) if i < total => t!(
                        tr,
                        "search-count",
                        current = tr.number((i + 1) as f64, 0),
                        total = tr.number(total as f64, 0),
                        count = (total as u64)
                    ),
                    _ => t!(tr, "search-total", total = tr.number(total as f64, 0), count = (total as u64)),
                };
                let words = if scanning { format!("{words} {}", t!(tr, "search-scanning")) } else { words };
                ui.label(words);
            }
            None => {}
        }
        if ui.small_button("✖").on_hover_text(t!(tr, "search-close")).clicked() {
            action = Some(SearchAction::Close);
        }
    });
    action
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_and_previous_wrap_round() {
        let mut bar = SearchBar { text: "a".into(), ..SearchBar::default() };
        let mut t = Transcript::new(true, usize::MAX);
        let addr: std::net::SocketAddr = "127.0.0.1:1".parse().unwrap_or_else(|_| unreachable!());
        let link = crate::engine::Link { conn: 1, local: addr, peer: addr };
        for data in [&b"a"[..], b"b", b"a"] {
            let kind = crate::engine::EventKind::Sent { link, data: bytes::Bytes::copy_from_slice(data) };
            t.push_event(&crate::engine::Event { at: jiff::Timestamp::now(), session: 1, kind }, 1);
        }
        bar.update(&t);
        assert_eq!(bar.step(true), Some(1));
        assert_eq!(bar.step(true), Some(3));
        assert_eq!(bar.step(true), Some(1));
        assert_eq!(bar.step(false), Some(3));
    }
}
