//! The transcript table (virtualized, so a million rows cost what forty do) and the hex pane.
//!
//! Columns: time and Δt, connection, direction, peer, bytes, content (text or hex), and the
//! round-trip time on echo lines. The view follows the newest row unless the user scrolled
//! up. Click selects a row, Shift+click a range; Ctrl+C or the Copy button copies it.

use std::collections::VecDeque;

use egui::{Color32, RichText, Ui};
use egui_extras::{Column, TableBuilder};
use jiff::tz::TimeZone;

use super::search_bar::{SearchAction, SearchBar, search_bar_ui};
use super::session::ViewState;
use crate::engine::Protocol;
use crate::i18n::Tr;
use crate::spec::Role;
use crate::t;
use crate::transcript::line::Direction;
use crate::transcript::messages::{Boundary, DEFAULT_GAP_MS, Joining, Messages};
use crate::transcript::render::{hex, hex_dump, hex_dump_marked};
use crate::transcript::search::{Filtered, RowFilter};
use crate::transcript::store::{Entry, PREVIEW_BYTES, Transcript};
use crate::vocabulary;

/// What an event row says, in the user's language, from the one vocabulary.
pub fn note_text(tr: &Tr, entry: &Entry, protocol: Protocol) -> String {
    entry.event.as_ref().and_then(|kind| tr.event(kind, protocol)).unwrap_or_default()
}

/// What a row's columns other than its content say, on one line: the full time, the gap, the
/// connection, the peer, the bytes and the round trip (the details pane's heading).
fn row_heading(tr: &Tr, tz: &TimeZone, entry: &Entry) -> String {
    let mut parts = vec![entry.at.to_zoned(tz.clone()).strftime("%Y-%m-%d %H:%M:%S%.6f").to_string()];
    parts.push(format!("+{}", tr.duration(entry.dt_us)));
    if entry.conn > 0 {
        parts.push(format!("#{}", entry.conn));
    }
    parts.push(entry.direction.arrow().to_string());
    if let Some(peer) = entry.peer {
        parts.push(peer.to_string());
    }
    if matches!(entry.direction, Direction::Sent | Direction::Received) {
        parts.push(format!("{} B", tr.number(entry.data.len() as f64, 0)));
    }
    if let Some(rtt) = entry.rtt_us() {
        parts.push(format!("RTT {}", tr.duration(rtt)));
    }
    parts.join("  ·  ")
}

/// One row as a line of text, for copying.
pub fn row_line(tr: &Tr, tz: &TimeZone, entry: &Entry, (show_hex, protocol): (bool, Protocol)) -> String {
    let time = entry.at.to_zoned(tz.clone()).strftime("%H:%M:%S%.3f").to_string();
    let conn = if entry.conn > 0 { format!("#{}", entry.conn) } else { String::new() };
    let peer = entry.peer.map(|p| p.to_string()).unwrap_or_default();
    let content = content(tr, entry, show_hex, protocol);
    let mut line = format!("{time}\t{conn}\t{}\t{peer}\t", entry.direction.arrow());
    if matches!(entry.direction, Direction::Sent | Direction::Received) {
        line.push_str(&format!("{} B\t{content}", tr.number(entry.data.len() as f64, 0)));
    } else {
        line.push_str(&format!("\t{content}"));
    }
    if let Some(rtt) = entry.rtt_us() {
        line.push_str(&format!("\tRTT {}", tr.duration(rtt)));
    }
    line
}

/// A row's text for its hover, with the definition of each short networking word it uses.
fn with_terms(tr: &Tr, text: String) -> String {
    let terms = vocabulary::terms_in(&text);
    if terms.is_empty() {
        return text;
    }
    let definitions: Vec<String> = terms.iter().map(|t| tr.render(t)).collect();
    format!("{text}\n\n{}", definitions.join("\n"))
}

fn content(tr: &Tr, entry: &Entry, show_hex: bool, protocol: Protocol) -> String {
    match entry.direction {
        Direction::Sent | Direction::Received if show_hex => {
            let cut = entry.data.len().min(crate::transcript::store::PREVIEW_BYTES / 3);
            let mut text = hex(&entry.data[..cut]);
            if cut < entry.data.len() {
                text.push_str(" …");
            }
            text
        }
        Direction::Sent | Direction::Received => {
            let mut text = format!("\"{}\"", entry.text());
            // Only what is wrong goes beside the bytes; the RTT column shows an echo that is right.
            if entry.truncated || entry.echo_differs() {
                let words = vocabulary::received(entry.truncated, entry.echo.as_ref());
                if let Some(words) = words {
                    text.push_str("  ");
                    text.push_str(&tr.render(&words));
                }
            }
            text
        }
        Direction::Event | Direction::Error => note_text(tr, entry, protocol),
    }
}

/// The most a frame spends filtering rows.
const FILTER_BUDGET: std::time::Duration = std::time::Duration::from_millis(2);

/// The Rows menu: which kinds of rows show, or only failures; and, from the selected rows,
/// only their connection, their peer, or their time range.
fn filter_toggles_ui(ui: &mut Ui, tr: &Tr, tz: &TimeZone, rows: &mut Option<Filtered>, selected: &[&Entry]) {
    let mut filter = rows.as_ref().map(Filtered::filter).unwrap_or_default();
    ui.menu_button(t!(tr, "filter-menu"), |ui| {
        ui.checkbox(&mut filter.sent, t!(tr, "filter-sent"));
        ui.checkbox(&mut filter.received, t!(tr, "filter-received"));
        ui.checkbox(&mut filter.events, t!(tr, "filter-events"));
        ui.checkbox(&mut filter.errors, t!(tr, "filter-errors"));
        ui.separator();
        ui.checkbox(&mut filter.only_failures, t!(tr, "filter-failures"))
            .on_hover_text(t!(tr, "filter-failures-hint"));
        ui.separator();
        let (first, last) = (selected.first(), selected.last());
        let conn = first.map(|e| e.conn).filter(|&c| c > 0);
        let text = conn.map_or(t!(tr, "filter-conn-none"), |c| t!(tr, "filter-conn", conn = c));
        if ui
            .add_enabled(conn.is_some(), egui::Button::new(text))
            .on_hover_text(t!(tr, "filter-from-selection-hint"))
            .clicked()
        {
            filter.conn = conn;
            ui.close();
        }
        let peer = first.and_then(|e| e.peer);
        let text = peer.map_or(t!(tr, "filter-peer-none"), |p| t!(tr, "filter-peer", peer = p.to_string()));
        if ui
            .add_enabled(peer.is_some(), egui::Button::new(text))
            .on_hover_text(t!(tr, "filter-from-selection-hint"))
            .clicked()
        {
            filter.peer = peer;
            ui.close();
        }
        let time = |e: &&Entry| e.at.to_zoned(tz.clone()).strftime("%H:%M:%S%.3f").to_string();
        let from = first.map_or(t!(tr, "filter-from-none"), |e| t!(tr, "filter-from", time = time(e)));
        if ui
            .add_enabled(first.is_some(), egui::Button::new(from))
            .on_hover_text(t!(tr, "filter-from-selection-hint"))
            .clicked()
        {
            filter.from = first.map(|e| e.at);
            ui.close();
        }
        let until = last.map_or(t!(tr, "filter-until-none"), |e| t!(tr, "filter-until", time = time(e)));
        if ui
            .add_enabled(last.is_some(), egui::Button::new(until))
            .on_hover_text(t!(tr, "filter-from-selection-hint"))
            .clicked()
        {
            filter.until = last.map(|e| e.at);
            ui.close();
        }
    })
    .response
    .on_hover_text(t!(tr, "filter-menu-hint"));
    if rows.as_ref().map(Filtered::filter).unwrap_or_default() != filter {
        *rows = (!filter.is_everything()).then(|| Filtered::new(filter));
    }
}

/// Each part of the filter as a chip that removes it, "showing 12 of 3,456", and Show all.
fn filter_chips_ui(ui: &mut Ui, tr: &Tr, tz: &TimeZone, rows: &mut Option<Filtered>, total: usize) {
    let Some(filtered) = rows.as_ref() else { return };
    let filter = filtered.filter();
    let time = |at: jiff::Timestamp| at.to_zoned(tz.clone()).strftime("%H:%M:%S%.3f").to_string();
    let mut chips: Vec<(String, RowFilter)> = Vec::new();
    let hidden: Vec<String> = [
        (filter.sent, t!(tr, "filter-sent")),
        (filter.received, t!(tr, "filter-received")),
        (filter.events, t!(tr, "filter-events")),
        (filter.errors, t!(tr, "filter-errors")),
    ]
    .into_iter()
    .filter(|(shown, _)| !shown)
    .map(|(_, name)| name)
    .collect();
    if !hidden.is_empty() {
        let all_kinds = RowFilter { sent: true, received: true, events: true, errors: true, ..filter };
        chips.push((t!(tr, "chip-hidden", kinds = hidden.join(", ")), all_kinds));
    }
    if filter.only_failures {
        chips.push((t!(tr, "filter-failures"), RowFilter { only_failures: false, ..filter }));
    }
    if let Some(conn) = filter.conn {
        chips.push((t!(tr, "filter-conn", conn = conn), RowFilter { conn: None, ..filter }));
    }
    if let Some(peer) = filter.peer {
        chips.push((t!(tr, "filter-peer", peer = peer.to_string()), RowFilter { peer: None, ..filter }));
    }
    if let Some(from) = filter.from {
        chips.push((t!(tr, "filter-from", time = time(from)), RowFilter { from: None, ..filter }));
    }
    if let Some(until) = filter.until {
        chips.push((t!(tr, "filter-until", time = time(until)), RowFilter { until: None, ..filter }));
    }
    let shown = tr.number(filtered.rows().len() as f64, 0);
    let total = tr.number(total as f64, 0);
    let mut replace = None;
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new(t!(tr, "filter-showing", shown = shown, total = total)).strong());
        for (name, without) in chips {
            let chip = egui::Button::new(format!("{name}  ✖")).small().corner_radius(8.0);
            if ui.add(chip).on_hover_text(t!(tr, "chip-remove-hint")).clicked() {
                replace = Some(without);
            }
        }
        if ui.small_button(t!(tr, "filter-show-all")).on_hover_text(t!(tr, "filter-show-all-hint")).clicked()
        {
            replace = Some(RowFilter::default());
        }
    });
    if let Some(filter) = replace {
        *rows = (!filter.is_everything()).then(|| Filtered::new(filter));
    }
}

/// Where the columns' widths are kept between runs (the user's resizing), for every session.
fn widths_id() -> egui::Id {
    egui::Id::unique("transcript-column-widths")
}

/// Columns: time, Δt, connection, direction, peer, bytes, content, round trip.
const COLUMNS: usize = 8;

/// The width each column needs for its widest real value (and its title), from the
/// transcript's [`Widest`](crate::transcript::store::Widest) values: no row is scanned.
fn column_fits(ui: &Ui, tr: &Tr, transcript: &Transcript, titles: &[String; COLUMNS]) -> [f32; COLUMNS] {
    let widest = transcript.widest();
    let body = egui::TextStyle::Body.resolve(ui.style());
    let mono = egui::TextStyle::Monospace.resolve(ui.style());
    let width = |text: &str, font: &egui::FontId| {
        ui.fonts_mut(|f| f.layout_no_wrap(text.to_string(), font.clone(), Color32::WHITE).size().x)
    };
    // The widest written form among the longest duration of each unit.
    let durations = |longest: [u64; 3], prefix: &str, suffix: &str| -> f32 {
        longest
            .iter()
            .filter(|&&us| us > 0)
            .map(|&us| width(&format!("{prefix}{}{suffix}", tr.duration(us)), &body))
            .fold(0.0, f32::max)
    };
    let padding = 2.0 * ui.spacing().item_spacing.x;
    let mut fits = [0.0; COLUMNS];
    fits[0] = width("00:00:00", &mono);
    fits[1] = durations(widest.dt_us, "+", "");
    fits[2] =
        if widest.conn > 0 { width(&format!("#{}", tr.number(widest.conn as f64, 0)), &body) } else { 0.0 };
    fits[3] = 18.0;
    fits[4] = widest.peer.map_or(0.0, |p| width(&p.to_string(), &body));
    fits[5] = width(&format!("{} B", tr.number(widest.bytes as f64, 0)), &body);
    fits[7] = durations(widest.rtt_us, "", " ✘");
    for (fit, title) in fits.iter_mut().zip(titles) {
        *fit = fit.max(width(title, &body)) + padding;
    }
    fits[6] = 80.0;
    fits
}

/// The characters the content column keeps at the least before other columns fold away.
const CONTENT_MIN_CHARS: f32 = 30.0;

/// Which columns show. Connection, peer and round trip show only when they would say
/// something (more than one connection or peer, an echo timed); then, while the content
/// column would have fewer than [`CONTENT_MIN_CHARS`] characters, columns fold away in this
/// order: peer, connection, Δt, time, round trip, bytes. A folded column's value stays in the
/// row's hover text and in the details pane.
fn shown_columns(
    ui: &Ui,
    transcript: &Transcript,
    (fits, saved): (&[f32; COLUMNS], &[f32]),
    mono_glyph: f32,
    explain_column: bool,
) -> [bool; COLUMNS] {
    let widest = transcript.widest();
    let mut shown = [true; COLUMNS];
    shown[2] = widest.conn > 1;
    shown[4] = widest.several_peers;
    shown[7] = widest.rtt_us.iter().any(|&us| us > 0);
    let spacing = ui.spacing().item_spacing.x;
    let width = |i: usize| match i {
        3 => fits[3],
        _ => saved.get(i).copied().unwrap_or(fits[i]).max(fits[i]),
    };
    // The scroll bar, and the explanation column's least width, come off the top.
    let room = ui.available_width()
        - ui.spacing().scroll.bar_width
        - 2.0 * spacing
        - if explain_column { 120.0 + spacing } else { 0.0 };
    let content = CONTENT_MIN_CHARS * mono_glyph + 2.0 * spacing;
    for fold in [4, 2, 1, 0, 7, 5] {
        let used: f32 = (0..COLUMNS).filter(|&i| i != 6 && shown[i]).map(|i| width(i) + spacing).sum();
        if room - used >= content {
            break;
        }
        shown[fold] = false;
    }
    shown
}

/// A wrapped row shows at most this many lines; the details pane shows the rest.
const MAX_WRAP_LINES: usize = 24;

/// The height of every shown row when payloads wrap, kept between frames: rows are added as
/// they arrive and dropped as the memory cap lets them go; the list is rebuilt only when the
/// filter, the width or the view changes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WrapHeights {
    key: Option<(usize, bool, Option<RowFilter>)>,
    seqs: VecDeque<u64>,
    heights: VecDeque<f32>,
}

impl WrapHeights {
    /// The heights of the rows shown (all of them, or the filter's), for `chars_per_line`
    /// characters of the text (or hex) view per line.
    pub fn heights(
        &mut self,
        transcript: &Transcript,
        rows: Option<&Filtered>,
        (chars_per_line, hex): (usize, bool),
        (row_height, line_height): (f32, f32),
    ) -> &VecDeque<f32> {
        let key = Some((chars_per_line, hex, rows.map(Filtered::filter)));
        if key != self.key {
            self.key = key;
            self.seqs.clear();
            self.heights.clear();
        }
        let seq_at = |i: usize| match rows {
            Some(f) => f.rows().get(i).copied(),
            None => transcript.get(i).map(|e| e.seq),
        };
        // Rows let go by the memory cap (or cleared) leave the front.
        let first = seq_at(0).unwrap_or(u64::MAX);
        while self.seqs.front().is_some_and(|&seq| seq < first) {
            self.seqs.pop_front();
            self.heights.pop_front();
        }
        if self.seqs.front().is_some_and(|&seq| seq != first) {
            self.seqs.clear();
            self.heights.clear();
        }
        let height = |entry: &Entry| {
            let chars = match entry.direction {
                Direction::Sent | Direction::Received if hex => entry.data.len().min(PREVIEW_BYTES / 3) * 3,
                Direction::Sent | Direction::Received => entry.data.len().min(PREVIEW_BYTES) + 2,
                Direction::Event | Direction::Error => 0,
            };
            let lines = chars.div_ceil(chars_per_line.max(1)).clamp(1, MAX_WRAP_LINES);
            row_height + (lines - 1) as f32 * line_height
        };
        let count = rows.map_or(transcript.len(), |f| f.rows().len());
        for i in self.seqs.len()..count {
            let Some(seq) = seq_at(i) else { break };
            let entry = transcript.index_of(seq).and_then(|i| transcript.get(i));
            self.seqs.push_back(seq);
            self.heights.push_back(entry.map_or(row_height, height));
        }
        &self.heights
    }
}

/// A row keeps at least this many characters, so that every sentence stays whole.
const MIN_ROW_CHARS: usize = 240;

/// `text` cut after `chars` characters (with an ellipsis), or whole if it is that short.
fn clip_chars(mut text: String, chars: usize) -> String {
    if let Some((at, _)) = text.char_indices().nth(chars) {
        text.truncate(at);
        text.push('…');
    }
    text
}

/// Rows the details pane shows at most; Copy takes the whole selection.
const DETAIL_ROWS: usize = 200;

/// The explanation of one transcript row as a step of its session.
pub fn step_of(entry: &Entry) -> crate::explain::Step<'_> {
    use crate::explain::Step;
    match (&entry.event, entry.direction) {
        (Some(kind), _) => Step::Event { conn: entry.conn, kind },
        (None, Direction::Sent) => Step::Sent { conn: entry.conn, data: &entry.data },
        (None, _) => Step::Received { conn: entry.conn, data: &entry.data, echo: entry.echo },
    }
}

/// Rows before the selected one that "What happened" reads for its context.
const EXPLAIN_LOOKBACK: usize = 2000;

/// Rows before each row that the "What happened" column reads (less than the pane, so that a
/// screenful of new rows costs well under a millisecond).
const COLUMN_LOOKBACK: usize = 64;

/// The "What happened" sentences, made once per row and language: the column's (short
/// context) and the pane's (the row shown there, with its long context), so that no frame
/// explains a row again.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ExplainCache {
    language: Option<crate::i18n::Language>,
    rows: std::collections::HashMap<u64, String>,
    pane: Option<(u64, Option<String>)>,
}

impl ExplainCache {
    /// Rows kept at most; beyond, the cache starts again.
    const MAX: usize = 20_000;

    /// Starts again when the language changed or the cache grew too large.
    fn check(&mut self, tr: &Tr) {
        if self.language != Some(tr.language()) || self.rows.len() > ExplainCache::MAX {
            self.language = Some(tr.language());
            self.rows.clear();
            self.pane = None;
        }
    }

    /// The pane's sentence for the row at `index` ([`what_happened`]), made once.
    pub fn pane(
        &mut self,
        tr: &Tr,
        transcript: &Transcript,
        index: usize,
        who: (Role, u64),
    ) -> Option<String> {
        self.check(tr);
        let seq = transcript.get(index)?.seq;
        match &self.pane {
            Some((cached, words)) if *cached == seq => words.clone(),
            _ => {
                let words = what_happened(tr, transcript, index, who);
                self.pane = Some((seq, words.clone()));
                words
            }
        }
    }

    fn get(&mut self, tr: &Tr, transcript: &Transcript, index: usize, who: (Role, u64)) -> String {
        self.check(tr);
        let Some(seq) = transcript.get(index).map(|e| e.seq) else { return String::new() };
        self.rows
            .entry(seq)
            .or_insert_with(|| explain_row(tr, transcript, index, who, COLUMN_LOOKBACK).unwrap_or_default())
            .clone()
    }
}

/// The selected row in plain words (what the session did, and which socket call): the rows of
/// its connection just before it give the context (an echo in several reads, a reset after
/// accents).
pub fn what_happened(tr: &Tr, transcript: &Transcript, index: usize, who: (Role, u64)) -> Option<String> {
    explain_row(tr, transcript, index, who, EXPLAIN_LOOKBACK)
}

/// A row in plain words, reading up to `lookback` rows before it for context.
fn explain_row(
    tr: &Tr,
    transcript: &Transcript,
    index: usize,
    (role, chunk): (Role, u64),
    lookback: usize,
) -> Option<String> {
    let entry = transcript.get(index)?;
    let mut explainer = crate::explain::Explainer::new(transcript.protocol(), role, chunk);
    let mut words = None;
    for i in index.saturating_sub(lookback)..=index {
        let Some(row) = transcript.get(i) else { continue };
        if row.conn == entry.conn || i == index {
            words = Some(explainer.explain(step_of(row)));
        }
    }
    words.map(|w| tr.render(&w))
}

/// What the transcript view needs to know of its window and session.
#[derive(Clone, Copy)]
pub struct TranscriptContext<'a> {
    /// Translations.
    pub tr: &'a Tr,
    /// The local time zone.
    pub tz: &'a TimeZone,
    /// The session's role and read size, for explaining rows in plain words.
    pub who: (Role, u64),
    /// Where the session's messages end (its framing), for the Messages view.
    pub boundary: &'a Boundary,
}

/// Draws the transcript table, the hex pane, and the copy controls.
pub fn transcript_ui(
    ui: &mut Ui,
    context: TranscriptContext<'_>,
    transcript: &Transcript,
    view: &mut ViewState,
    search: &mut Option<SearchBar>,
    rows: &mut Option<Filtered>,
) {
    let TranscriptContext { tr, tz, who, boundary } = context;
    let protocol = transcript.protocol();
    // The Messages view: reads joined, kept up to date a little each frame.
    let joining = Joining {
        gap_ms: view.gap_ms.unwrap_or(DEFAULT_GAP_MS),
        boundary: boundary.clone(),
        filter: rows.as_ref().map(Filtered::filter),
    };
    if view.joined {
        let messages = view.messages.get_or_insert_with(|| Messages::new(joining.clone()));
        if *messages.joining() != joining {
            *messages = Messages::new(joining);
        }
        if !messages.advance(transcript, FILTER_BUDGET) {
            ui.ctx().request_repaint();
        }
    } else {
        view.messages = None;
    }
    let mut scroll_to_seq = view.scroll_to.take();
    if let Some(bar) = search {
        match search_bar_ui(ui, tr, bar, transcript) {
            Some(SearchAction::Show(seq)) => {
                view.selection = Some((seq, seq));
                scroll_to_seq = Some(seq);
            }
            Some(SearchAction::Close) => *search = None,
            None => {}
        }
    }
    if let Some(filtered) = rows
        && !filtered.advance(transcript, FILTER_BUDGET)
    {
        ui.ctx().request_repaint();
    }
    // A selection names rows by number; a row let go by the memory cap is no longer selected.
    if view.selection.is_some_and(|(a, _)| transcript.index_of(a).is_none()) {
        view.selection = None;
    }
    // Every selected row, in order (at most DETAIL_ROWS of them, in bounded time).
    let selected: Vec<&Entry> = match view.selection {
        Some((a, b)) => match (transcript.index_of(a), transcript.index_of(b)) {
            (Some(first), last) => {
                let last = last.unwrap_or(first);
                (first..=last).take(DETAIL_ROWS).filter_map(|i| transcript.get(i)).collect()
            }
            (None, _) => Vec::new(),
        },
        None => Vec::new(),
    };
    // The first and the last selected row, for the Rows menu's "only these" entries.
    let ends: Vec<&Entry> = match view.selection {
        Some((a, b)) => [a, b]
            .iter()
            .filter_map(|&seq| transcript.index_of(seq))
            .filter_map(|i| transcript.get(i))
            .collect(),
        None => Vec::new(),
    };
    let found = search.as_ref().and_then(SearchBar::search);
    let match_bg = crate::ui::theme::search_match_bg(ui.visuals());
    // A narrow session scrolls its toolbar sideways rather than cut it.
    egui::ScrollArea::horizontal().id_salt("transcript-toolbar").show(ui, |ui| {
        ui.horizontal(|ui| {
            ui.label(t!(tr, "view-show"));
            let text = ui
                .selectable_value(&mut view.hex, false, t!(tr, "view-text"))
                .on_hover_text(t!(tr, "view-text-hint"));
            super::regions::anchor(ui, &text, super::regions::Part::Transcript);
            ui.selectable_value(&mut view.hex, true, t!(tr, "view-hex"))
                .on_hover_text(t!(tr, "view-hex-hint"));
            ui.separator();
            ui.selectable_value(&mut view.joined, false, t!(tr, "view-reads"))
                .on_hover_text(t!(tr, "view-reads-hint"));
            ui.selectable_value(&mut view.joined, true, t!(tr, "view-messages"))
                .on_hover_text(t!(tr, "view-messages-hint"));
            if view.joined {
                let mut gap = view.gap_ms.unwrap_or(DEFAULT_GAP_MS);
                let drag = egui::DragValue::new(&mut gap).range(0..=60_000).suffix(" ms");
                if ui.add(drag).on_hover_text(t!(tr, "view-gap-hint")).changed() {
                    view.gap_ms = Some(gap);
                }
            } else {
                ui.checkbox(&mut view.wrap, t!(tr, "view-wrap")).on_hover_text(t!(tr, "view-wrap-hint"));
            }
            ui.checkbox(&mut view.explain_column, t!(tr, "view-explain"))
                .on_hover_text(t!(tr, "view-explain-hint"));
            let copy = ui
                .add_enabled(view.selection.is_some(), egui::Button::new(t!(tr, "btn-copy")))
                .on_hover_text(t!(tr, "btn-copy-hint"));
            filter_toggles_ui(ui, tr, tz, rows, &ends);
            let shortcut = ui.input_mut(|i| i.consume_key(egui::Modifiers::COMMAND, egui::Key::C));
            if (copy.clicked() || (shortcut && view.selection.is_some()))
                && let Some((a, b)) = view.selection
            {
                let lines: Vec<String> = transcript
                    .iter()
                    .filter(|e| (a..=b).contains(&e.seq))
                    .map(|e| row_line(tr, tz, e, (view.hex, protocol)))
                    .collect();
                ui.ctx().copy_text(lines.join("\n"));
            }
            if transcript.dropped() > 0 {
                let mb = transcript.cap_bytes() / (1024 * 1024);
                ui.label(
                    RichText::new(t!(tr, "view-dropped", count = transcript.dropped(), cap = mb))
                        .color(ui.visuals().warn_fg_color),
                );
            }
        })
    });
    filter_chips_ui(ui, tr, tz, rows, transcript.len());
    let more = view.selection.map_or(0, |(a, b)| (b - a + 1) as usize).saturating_sub(selected.len());
    // The selected row in plain words, when one row is selected.
    // Presenting, the window's own "What happened" pane says it, large; here it would repeat.
    let presenting = crate::ui::presentation::is_on(ui.ctx());
    let explained = match (selected.as_slice(), view.selection) {
        ([_], Some((seq, _))) if !presenting => {
            transcript.index_of(seq).and_then(|i| view.explained.pane(tr, transcript, i, who))
        }
        _ => None,
    };
    let hex_height: f32 = match selected.as_slice() {
        [] => 0.0,
        // An event's sentence (a TLS handshake's runs to three lines): as tall as it wraps.
        [entry] if entry.data.is_empty() => {
            let text = content(tr, entry, false, protocol);
            let font = egui::TextStyle::Body.resolve(ui.style());
            let width = (ui.available_width() - 24.0).max(100.0);
            let height = ui.fonts_mut(|f| f.layout(text, font, Color32::WHITE, width).size().y);
            (height + 24.0).clamp(56.0, 200.0)
        }
        // Bytes: as tall as their hex dump (16 a line), within bounds.
        [entry] => {
            let lines = entry.data.len().div_ceil(16).max(1) as f32;
            let line = ui.text_style_height(&egui::TextStyle::Monospace) + 2.0;
            (lines * line + 48.0).clamp(64.0, 200.0)
        }
        _ => 200.0,
    } + match &explained {
        // What happened: as tall as its words wrap, up to four lines.
        Some(words) => {
            let font = egui::TextStyle::Body.resolve(ui.style());
            let width = (ui.available_width() - 24.0).max(100.0);
            let height = ui.fonts_mut(|f| f.layout(words.clone(), font, Color32::WHITE, width).size().y);
            (height + 30.0).clamp(40.0, 100.0)
        }
        None => 0.0,
    };
    let row_height = ui.text_style_height(&egui::TextStyle::Body) + 4.0;
    // Table (its heading row included) and details share what is left, so neither runs under
    // the status line: the details take at most 35 % of it.
    let available = ui.available_height();
    // The table keeps its heading and three rows; the details take what is left, if enough.
    let spare = available - 4.0 * row_height - 4.0 * ui.spacing().item_spacing.y;
    let hex_height = hex_height.min(available * 0.35).min(spare.max(0.0));
    let hex_height = if hex_height < 2.0 * row_height { 0.0 } else { hex_height };
    let spacing = ui.spacing().item_spacing.y;
    let table_height = (available - hex_height - row_height - 3.0 * spacing).max(3.0 * row_height);
    view.rows_shown = ((table_height - row_height) / row_height).floor().max(0.0) as usize;
    // The narrowest glyph a row may hold, for clipping what cannot show anyway.
    let narrowest = ui
        .fonts_mut(|f| {
            let body = f.glyph_width(&egui::TextStyle::Body.resolve(ui.style()), '.');
            body.min(f.glyph_width(&egui::TextStyle::Monospace.resolve(ui.style()), '.'))
        })
        .max(1.0);
    let error_color = ui.visuals().error_fg_color;
    let mut clicked: Option<(u64, bool)> = None;
    let titles = [
        t!(tr, "col-time"),
        t!(tr, "col-dt"),
        t!(tr, "col-conn"),
        t!(tr, "col-dir"),
        t!(tr, "col-peer"),
        t!(tr, "col-bytes"),
        t!(tr, "col-content"),
        t!(tr, "col-rtt"),
    ];
    let hints = [
        t!(tr, "col-time-hint"),
        t!(tr, "col-dt-hint"),
        t!(tr, "col-conn-hint"),
        t!(tr, "col-dir-hint"),
        t!(tr, "col-peer-hint"),
        t!(tr, "col-bytes-hint"),
        t!(tr, "col-content-hint"),
        t!(tr, "col-rtt-hint"),
    ];
    let fits = column_fits(ui, tr, transcript, &titles);
    let mono_glyph =
        ui.fonts_mut(|f| f.glyph_width(&egui::TextStyle::Monospace.resolve(ui.style()), '0')).max(1.0);
    let saved: Vec<f32> = ui.data_mut(|d| d.get_persisted(widths_id())).unwrap_or_default();
    let shown = shown_columns(ui, transcript, (&fits, &saved), mono_glyph, view.explain_column);
    let folded = shown.iter().any(|s| !s);
    let ui_line_height = ui.text_style_height(&egui::TextStyle::Monospace);
    // The content column's width last frame (wrapping needs it before the table is laid out).
    let content_width_id = ui.scope_id().with("content-width");
    let content_width: f32 = ui.data(|d| d.get_temp(content_width_id)).unwrap_or(400.0);
    let mut widths = [0.0f32; COLUMNS];
    // The Messages view draws one row per message; it does not wrap (the details show all).
    let joined = view.messages.as_ref().filter(|_| view.joined);
    let wrap = view.wrap && joined.is_none();
    let table_area = ui.allocate_ui(egui::vec2(ui.available_width(), table_height), |ui| {
        ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Truncate);
        // A click selects the row (for the details pane and Copy), not the text under it.
        ui.style_mut().interaction.selectable_labels = false;
        let mut table = TableBuilder::new(ui);
        // The row to bring into view, by its place among the rows shown.
        let scroll_to = scroll_to_seq.and_then(|seq| match (joined, rows.as_ref()) {
            (Some(messages), _) => messages.index_of(seq),
            (None, Some(filtered)) => filtered.rows().binary_search(&seq).ok(),
            (None, None) => transcript.index_of(seq),
        });
        if let Some(index) = scroll_to {
            table = table.scroll_to_row(index, Some(egui::Align::Center));
        }
        for i in (0..COLUMNS).filter(|&i| shown[i]) {
            table = table.column(match i {
                3 => Column::exact(fits[3]),
                6 => Column::remainder().at_least(fits[6]).clip(true),
                _ => Column::initial(saved.get(i).copied().unwrap_or(fits[i]).max(fits[i]))
                    .at_least(fits[i])
                    .clip(true),
            });
        }
        // Content and "What happened" share what the fixed columns leave.
        let explain_column = view.explain_column;
        if explain_column {
            table = table.column(Column::remainder().at_least(120.0).clip(true));
        }
        // Each set of columns keeps its own widths.
        let set: u8 = shown.iter().enumerate().map(|(i, s)| u8::from(*s) << i).sum();
        table
            .id_salt(("transcript", set))
            .striped(true)
            .resizable(true)
            .stick_to_bottom(true)
            .sense(egui::Sense::click())
            .min_scrolled_height(0.0)
            .max_scroll_height(table_height)
            .header(row_height, |mut header| {
                for (i, (title, hint)) in titles.iter().zip(hints).enumerate() {
                    if !shown[i] {
                        continue;
                    }
                    let mut cell = 0.0;
                    let (rect, _) = header.col(|ui| {
                        // The cell's width (the rect returned is the title's own for the
                        // content column, which takes the rest).
                        cell = ui.available_width();
                        ui.strong(title).on_hover_text(hint);
                    });
                    widths[i] = rect.width().max(cell);
                }
                if explain_column {
                    header.col(|ui| {
                        ui.strong(t!(tr, "what-happened")).on_hover_text(t!(tr, "what-happened-hint"));
                    });
                }
            })
            .body(|body| {
                let count = match (joined, rows.as_ref()) {
                    (Some(messages), _) => messages.len(),
                    (None, Some(filtered)) => filtered.rows().len(),
                    (None, None) => transcript.len(),
                };
                let draw = |mut row: egui_extras::TableRow<'_, '_>| {
                    let message = joined.and_then(|m| m.get(row.index()));
                    let index = match (message, rows.as_ref()) {
                        (Some(message), _) => transcript.index_of(message.first()),
                        (None, Some(filtered)) => {
                            filtered.rows().get(row.index()).and_then(|&seq| transcript.index_of(seq))
                        }
                        (None, None) if joined.is_some() => None,
                        (None, None) => Some(row.index()),
                    };
                    let Some(index) = index else { return };
                    let Some(entry) = transcript.get(index) else { return };
                    row.set_selected(view.selection.is_some_and(|(a, b)| (a..=b).contains(&entry.seq)));
                    let color = match entry.direction {
                        Direction::Error => Some(error_color),
                        Direction::Sent => Some(Color32::from_rgb(0x2a, 0x7a, 0xd8)),
                        Direction::Received => Some(Color32::from_rgb(0x2e, 0x9e, 0x4f)),
                        Direction::Event => None,
                    };
                    if shown[0] {
                        let zoned = entry.at.to_zoned(tz.clone());
                        row.col(|ui| {
                            // The full time is written only when the pointer asks for it.
                            ui.monospace(zoned.strftime("%H:%M:%S").to_string()).on_hover_ui(|ui| {
                                ui.label(zoned.strftime("%Y-%m-%d %H:%M:%S%.6f").to_string());
                            });
                        });
                    }
                    if shown[1] {
                        row.col(|ui| {
                            if index > 0 {
                                ui.weak(format!("+{}", tr.duration(entry.dt_us)));
                            }
                        });
                    }
                    if shown[2] {
                        row.col(|ui| {
                            if entry.conn > 0 {
                                ui.label(format!("#{}", entry.conn));
                            }
                        });
                    }
                    row.col(|ui| {
                        let arrow = RichText::new(entry.direction.arrow()).strong();
                        ui.label(match color {
                            Some(c) => arrow.color(c),
                            None => arrow,
                        });
                    });
                    if shown[4] {
                        row.col(|ui| {
                            if let Some(peer) = entry.peer {
                                ui.label(peer.to_string());
                            }
                        });
                    }
                    if shown[5] {
                        row.col(|ui| match message {
                            Some(message) if message.len > 0 => {
                                ui.label(super::messages_view::size_label(tr, message));
                            }
                            _ if matches!(entry.direction, Direction::Sent | Direction::Received) => {
                                ui.label(format!("{} B", tr.number(entry.data.len() as f64, 0)));
                            }
                            _ => {}
                        });
                    }
                    row.col(|ui| {
                        // Only what the column can show is laid out: a long payload's full
                        // preview would cost shaping thousands of glyphs per row per frame.
                        // Sentences (events, errors) stay whole for screen readers.
                        let line = (ui.available_width() / narrowest).ceil() as usize + 1;
                        if let Some(message) = message.filter(|m| m.len > 0) {
                            let color = color.unwrap_or(ui.visuals().text_color());
                            let limit = (line * 4).max(MIN_ROW_CHARS);
                            // A search's matches stand out on exactly their bytes.
                            let job = super::messages_view::message_job(
                                ui,
                                transcript,
                                message,
                                (view.hex, limit),
                                color,
                                (found, match_bg),
                            );
                            ui.add(egui::Label::new(job).truncate());
                            return;
                        }
                        let shown = if wrap { line * MAX_WRAP_LINES } else { line };
                        let text =
                            clip_chars(content(tr, entry, view.hex, protocol), shown.max(MIN_ROW_CHARS));
                        let mut rich = RichText::new(text);
                        if found.is_some_and(|s| s.is_match(entry.seq)) {
                            rich = rich.background_color(match_bg);
                        }
                        if matches!(entry.direction, Direction::Sent | Direction::Received) {
                            rich = rich.monospace();
                        }
                        if entry.direction == Direction::Error || entry.echo_differs() {
                            rich = rich.color(error_color);
                        }
                        let label = if wrap {
                            ui.add(egui::Label::new(rich).wrap())
                        } else {
                            ui.add(egui::Label::new(rich).truncate())
                        };
                        // A folded column's value is in the row's whole line, on hover; RTT,
                        // RST, FIN and SYN are said in plain words beneath.
                        if label.hovered() && folded {
                            label
                                .on_hover_text(with_terms(tr, row_line(tr, tz, entry, (view.hex, protocol))));
                        } else if label.hovered()
                            && (!wrap || matches!(entry.direction, Direction::Event | Direction::Error))
                        {
                            label.on_hover_text(with_terms(tr, content(tr, entry, view.hex, protocol)));
                        }
                    });
                    // A message's round trip is its last read's.
                    let last = message
                        .and_then(|m| m.reads.last())
                        .and_then(|&seq| transcript.index_of(seq))
                        .and_then(|i| transcript.get(i))
                        .unwrap_or(entry);
                    if shown[7] {
                        row.col(|ui| {
                            let entry = last;
                            if let Some(rtt) = entry.rtt_us() {
                                let ok = !entry.echo_differs();
                                let mark = if ok { "✔" } else { "✘" };
                                ui.label(format!("{} {mark}", tr.duration(rtt)));
                            }
                        });
                    }
                    if explain_column {
                        let words = view.explained.get(tr, transcript, index, who);
                        row.col(|ui| {
                            let label =
                                ui.add(egui::Label::new(RichText::new(words.as_str()).weak()).truncate());
                            if label.hovered() {
                                label.on_hover_text(with_terms(tr, words));
                            }
                        });
                    }
                    if row.response().clicked() {
                        let shift = row.response().ctx.input(|i| i.modifiers.shift);
                        clicked = Some((entry.seq, shift));
                    }
                };
                if wrap {
                    let chars_per_line = (content_width / mono_glyph).floor().max(8.0) as usize;
                    let line = ui_line_height;
                    let heights = view.wrap_heights.heights(
                        transcript,
                        rows.as_ref(),
                        (chars_per_line, view.hex),
                        (row_height, line),
                    );
                    body.heterogeneous_rows(heights.iter().copied(), draw);
                } else {
                    body.rows(row_height, count, draw);
                }
            });
    });
    if who.0 == Role::Client {
        crate::ui::tour::mark(ui.ctx(), crate::ui::tour::Target::Transcript, table_area.response.rect);
    }
    if widths[6] > 0.0 {
        ui.data_mut(|d| d.insert_temp(content_width_id, widths[6]));
        view.content_chars = (widths[6] / mono_glyph).floor() as usize;
    }
    // The widths the user left (content takes what remains), for the next session and run;
    // a folded column keeps the width it had.
    let mut keep: Vec<f32> = (0..COLUMNS)
        .map(|i| if shown[i] { widths[i] } else { saved.get(i).copied().unwrap_or(0.0) })
        .collect();
    keep[6] = 0.0;
    let drawn = widths.iter().enumerate().all(|(i, w)| i == 6 || !shown[i] || *w > 0.0);
    if drawn && keep != saved {
        ui.data_mut(|d| d.insert_persisted(widths_id(), keep));
    }
    if let Some((seq, shift)) = clicked {
        view.selection = match (shift, view.selection) {
            (true, Some((a, _))) => Some((a.min(seq), a.max(seq))),
            _ => Some((seq, seq)),
        };
    }
    // The details of the selected rows: each one's whole text, wrapped, and every byte in a hex
    // dump; several rows each under their own line.
    if (!selected.is_empty() || explained.is_some()) && hex_height > 0.0 {
        ui.separator();
        egui::ScrollArea::vertical().id_salt("details").max_height(hex_height - 8.0).show(ui, |ui| {
            if let Some(words) = &explained {
                egui::Frame::group(ui.style()).show(ui, |ui| {
                    ui.label(RichText::new(t!(tr, "what-happened")).strong())
                        .on_hover_text(t!(tr, "what-happened-hint"));
                    let pane = ui.add(egui::Label::new(words.as_str()).wrap());
                    if pane.hovered() && !vocabulary::terms_in(words).is_empty() {
                        pane.on_hover_text(with_terms(tr, words.clone()));
                    }
                });
            }
            // The Messages view's selected message: all its reads as one.
            let message = view
                .messages
                .as_ref()
                .filter(|_| view.joined)
                .zip(view.selection)
                .and_then(|(m, (first, _))| {
                    m.index_of(first).and_then(|i| m.get(i)).filter(|m| m.first() == first)
                })
                .filter(|m| m.len > 0);
            if let Some(message) = message {
                super::messages_view::message_details_ui(ui, tr, transcript, message, (found, match_bg));
                return;
            }
            let several = selected.len() > 1;
            for entry in &selected {
                // The row's whole line: what folded columns hold is here too.
                if several {
                    let line = RichText::new(row_line(tr, tz, entry, (false, protocol))).monospace().weak();
                    ui.add(egui::Label::new(line).wrap());
                } else if folded {
                    ui.add(egui::Label::new(RichText::new(row_heading(tr, tz, entry)).weak()).wrap());
                }
                let text = content(tr, entry, false, protocol);
                let mut rich = RichText::new(text);
                if entry.direction == Direction::Error {
                    rich = rich.color(error_color);
                }
                ui.add(egui::Label::new(rich).wrap());
                if !entry.data.is_empty() {
                    // A search's matches stand out in the dump, in hex and in ASCII alike.
                    let ranges = found.map(|s| s.ranges(entry.seq)).unwrap_or_default();
                    if ranges.is_empty() {
                        let dump = RichText::new(hex_dump(&entry.data)).monospace();
                        ui.add(egui::Label::new(dump).wrap_mode(egui::TextWrapMode::Extend));
                    } else {
                        let mut job = egui::text::LayoutJob::default();
                        let font = egui::TextStyle::Monospace.resolve(ui.style());
                        let color = ui.visuals().text_color();
                        for (text, marked) in hex_dump_marked(&entry.data, &ranges) {
                            let mut format = egui::TextFormat::simple(font.clone(), color);
                            if marked {
                                format.background = match_bg;
                            }
                            job.append(&text, 0.0, format);
                        }
                        ui.add(egui::Label::new(job).wrap_mode(egui::TextWrapMode::Extend));
                    }
                }
                if several {
                    ui.separator();
                }
            }
            if more > 0 {
                ui.weak(t!(tr, "detail-more", count = (more as u64)));
            }
        });
    }
}
