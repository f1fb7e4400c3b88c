//! A session's sequence diagram: one vertical lane per endpoint (this session, then each peer
//! as it appears), time running downward, one arrow per data event labelled with its bytes
//! and time; connect, accept, half-close (FIN), close, reset and loss each with a shape of its
//! own. It follows the transcript live and works on a reopened `.jsonl`; only the rows in view
//! are drawn, and the rows it shows are found incrementally ([`RowScan`]), so a million events
//! stay within the frame budget.
//!
//! **Step through**: play, pause, step forward and back, and a speed; the current step is
//! highlighted here, selected in the transcript and explained in its "What happened" pane, all
//! together. **Calm pace**: following a live exchange, the current step moves on to each new
//! event at the chosen speed rather than jumping, so an audience can follow.

use std::net::SocketAddr;
use std::time::Duration;

use egui::{Color32, Pos2, Rect, RichText, Sense, Stroke, Ui};

use crate::engine::{ErrorKind, EventKind};
use crate::i18n::Tr;
use crate::t;
use crate::transcript::line::Direction;
use crate::transcript::search::RowScan;
use crate::transcript::store::{Entry, Transcript};

/// Lanes drawn at most; further peers share the last one.
const MAX_LANES: usize = 8;

/// A budget per frame for finding the rows the diagram shows.
const SCAN_BUDGET: Duration = Duration::from_millis(2);

/// The diagram's state, kept while its window is open.
#[derive(Debug, Clone)]
pub struct DiagramView {
    scan: RowScan,
    lanes: Vec<SocketAddr>,
    /// The current step (an index into the shown rows), when stepping.
    pub cursor: Option<usize>,
    /// Playing: the cursor moves on by itself.
    pub playing: bool,
    /// Steps per second while playing.
    pub speed: f32,
    /// Following a live exchange at a calm pace.
    pub calm: bool,
    /// When the cursor last moved, in the context's seconds.
    last_step: f64,
    /// The row to bring into view.
    scroll_to: Option<usize>,
}

impl Default for DiagramView {
    fn default() -> Self {
        DiagramView {
            scan: RowScan::default(),
            lanes: Vec::new(),
            cursor: None,
            playing: false,
            speed: 1.0,
            calm: false,
            last_step: 0.0,
            scroll_to: None,
        }
    }
}

/// What the diagram asks of its session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiagramAction {
    /// Select this transcript row (and bring it into view).
    Select(u64),
    /// Calm pace on or off: the session's client pauses between its own steps too.
    Calm(bool),
}

/// Whether the diagram draws a row.
fn drawn(entry: &Entry) -> bool {
    match entry.direction {
        Direction::Sent | Direction::Received => true,
        Direction::Event | Direction::Error => {
            matches!(
                entry.event.as_deref(),
                Some(
                    EventKind::Connected(_)
                        | EventKind::Accepted(_)
                        | EventKind::PeerClosed(_)
                        | EventKind::ConnectionClosed { .. }
                        | EventKind::Lost { .. }
                        | EventKind::Secured { .. }
                )
            ) || matches!(entry.event.as_deref(), Some(EventKind::Failed { error, .. }) if error.kind == ErrorKind::Reset)
        }
    }
}

/// How a row is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Data,
    Control,
    Reset,
    Lost,
}

impl DiagramView {
    /// The rows shown, by number.
    pub fn rows(&self) -> &[u64] {
        self.scan.kept()
    }

    /// The lane of a peer (this session is lane 0; peers beyond the last lane share it).
    fn lane_of(&self, peer: Option<SocketAddr>) -> usize {
        let Some(peer) = peer else { return 1 };
        self.lanes.iter().position(|p| *p == peer).map_or(MAX_LANES - 1, |i| i + 1)
    }

    /// Moves the current step to `index` and selects its row.
    fn go(&mut self, index: usize, now: f64) -> Option<DiagramAction> {
        let seq = *self.scan.kept().get(index)?;
        self.cursor = Some(index);
        self.last_step = now;
        self.scroll_to = Some(index);
        Some(DiagramAction::Select(seq))
    }
}

/// Draws the diagram with its step controls; returns what it asks of the session.
pub fn diagram_ui(
    ui: &mut Ui,
    tr: &Tr,
    transcript: &Transcript,
    view: &mut DiagramView,
    (this, other, selected): (&str, &str, Option<u64>),
) -> Vec<DiagramAction> {
    // Rows found as they come, and each new peer gets a lane.
    let DiagramView { scan, lanes, .. } = view;
    let caught_up = scan.advance(transcript, SCAN_BUDGET, |entry| {
        let shown = drawn(entry);
        if shown
            && let Some(peer) = entry.peer
            && !lanes.contains(&peer)
            && lanes.len() + 1 < MAX_LANES
        {
            lanes.push(peer);
        }
        shown
    });
    if !caught_up {
        ui.ctx().request_repaint();
    }
    let count = view.scan.kept().len();
    let now = ui.input(|i| i.time);
    let mut action = None;
    let mut calm_changed = None;
    // The controls.
    ui.horizontal_wrapped(|ui| {
        let step = view.cursor;
        if ui.button("|◀").on_hover_text(t!(tr, "diagram-first-hint")).clicked() && count > 0 {
            view.playing = false;
            action = view.go(0, now);
        }
        if ui.button("◀").on_hover_text(t!(tr, "diagram-back-hint")).clicked() {
            view.playing = false;
            action = view.go(step.map_or(0, |s| s.saturating_sub(1)), now);
        }
        let (label, hint) = if view.playing {
            (format!("■ {}", t!(tr, "diagram-pause")), t!(tr, "diagram-pause-hint"))
        } else {
            (format!("▶ {}", t!(tr, "diagram-play")), t!(tr, "diagram-play-hint"))
        };
        if ui.button(label).on_hover_text(hint).clicked() {
            view.playing = !view.playing;
            view.last_step = now;
            if view.playing && view.cursor.is_none_or(|c| c + 1 >= count) {
                action = view.go(0, now);
            }
        }
        if ui.button("▶|").on_hover_text(t!(tr, "diagram-forward-hint")).clicked() {
            view.playing = false;
            action = view.go(step.map_or(0, |s| (s + 1).min(count.saturating_sub(1))), now);
        }
        ui.add(
            egui::Slider::new(&mut view.speed, 0.25..=10.0).logarithmic(true).text(t!(tr, "diagram-speed")),
        )
        .on_hover_text(t!(tr, "diagram-speed-hint"));
        if ui
            .checkbox(&mut view.calm, t!(tr, "diagram-calm"))
            .on_hover_text(t!(tr, "diagram-calm-hint"))
            .changed()
        {
            calm_changed = Some(DiagramAction::Calm(view.calm));
        }
        let position = view.cursor.map_or_else(|| "–".to_string(), |c| tr.number((c + 1) as f64, 0));
        ui.label(t!(tr, "diagram-position", step = position, steps = tr.number(count as f64, 0)));
    });
    // Playing, or following live at a calm pace: one step per 1/speed seconds.
    let behind = view.cursor.map_or(count > 0, |c| c + 1 < count);
    if (view.playing || view.calm) && behind {
        let period = 1.0 / f64::from(view.speed.max(0.05));
        if now - view.last_step >= period {
            let next = view.cursor.map_or(0, |c| c + 1);
            action = view.go(next, now).or(action);
        }
        ui.ctx().request_repaint_after(Duration::from_secs_f64(period.min(1.0) / 2.0));
    } else if view.playing && !behind {
        view.playing = false;
    }
    // A row selected in the transcript is the current step too.
    if action.is_none()
        && let Some(seq) = selected
        && let Ok(index) = view.scan.kept().binary_search(&seq)
        && view.cursor != Some(index)
        && !view.playing
    {
        view.cursor = Some(index);
        view.scroll_to = Some(index);
    }
    ui.separator();
    let presenting = crate::ui::presentation::is_on(ui.ctx());
    let scale = if presenting { 1.6 } else { 1.0 };
    let row_height = ui.text_style_height(&egui::TextStyle::Body) * 2.2;
    // Lanes first (the names), from the rows in view as they are drawn.
    let header_height = ui.text_style_height(&egui::TextStyle::Body) + 8.0;
    let width = ui.available_width();
    let lanes_now = (view.lanes.len() + 1).max(2);
    let left = 96.0;
    let lane_x = |rect: Rect, lane: usize| {
        rect.left() + left + (width - left - 40.0) * (lane as f32 + 0.5) / lanes_now as f32
    };
    let (header, _) = ui.allocate_exact_size(egui::vec2(width, header_height), Sense::hover());
    let painter = ui.painter();
    let text_color = ui.visuals().strong_text_color();
    let lane_stroke = Stroke::new(1.0, ui.visuals().weak_text_color());
    let names: Vec<String> = std::iter::once(this.to_string())
        .chain(view.lanes.iter().map(|peer| format!("{other} {peer}")))
        .collect();
    for (i, name) in names.iter().enumerate().take(lanes_now) {
        painter.text(
            Pos2::new(lane_x(header, i), header.center().y),
            egui::Align2::CENTER_CENTER,
            name,
            egui::TextStyle::Body.resolve(ui.style()),
            text_color,
        );
    }
    // Following live, the newest arrow stays in view; stepping, the current one does (sticking
    // to the bottom would pull steps 1 and 2 off the top).
    let follow = view.cursor.is_none() && !view.playing;
    let mut scroll =
        egui::ScrollArea::vertical().id_salt("diagram").auto_shrink(false).stick_to_bottom(follow);
    if let Some(index) = view.scroll_to.take() {
        scroll = scroll.vertical_scroll_offset((index as f32 * row_height - 3.0 * row_height).max(0.0));
    }
    let cursor = view.cursor;
    let mut clicked = None;
    scroll.show_rows(ui, row_height, count, |ui, range| {
        for index in range {
            let Some(&seq) = view.scan.kept().get(index) else { continue };
            let Some(entry) = transcript.index_of(seq).and_then(|i| transcript.get(i)) else { continue };
            let (rect, response) = ui.allocate_exact_size(egui::vec2(width, row_height), Sense::click());
            let other = view.lane_of(entry.peer);
            let (from, to, shape, label) = describe(tr, entry, other);
            let (x1, x2) = (lane_x(rect, from), lane_x(rect, to));
            let y = rect.center().y + row_height * 0.15;
            let painter = ui.painter();
            // Lanes through the row.
            for lane in 0..lanes_now {
                let x = lane_x(rect, lane);
                painter.line_segment([Pos2::new(x, rect.top()), Pos2::new(x, rect.bottom())], lane_stroke);
            }
            let current = cursor == Some(index);
            let future = cursor.is_some_and(|c| index > c) && (view.playing || view.calm);
            if current {
                painter.rect_filled(rect, 4.0, ui.visuals().selection.bg_fill);
            }
            let base = match shape {
                Shape::Data if entry.direction == Direction::Sent => Color32::from_rgb(0x2a, 0x7a, 0xd8),
                Shape::Data => Color32::from_rgb(0x2e, 0x9e, 0x4f),
                Shape::Control => ui.visuals().weak_text_color(),
                Shape::Reset | Shape::Lost => ui.visuals().error_fg_color,
            };
            let color = if future { base.gamma_multiply(0.25) } else { base };
            let stroke = Stroke::new(2.0 * scale, color);
            let dir = if x2 >= x1 { 1.0 } else { -1.0 };
            let end = if shape == Shape::Lost { (x1 + x2) / 2.0 } else { x2 - dir * 3.0 };
            if shape == Shape::Control {
                painter.add(egui::Shape::dashed_line(
                    &[Pos2::new(x1, y), Pos2::new(end, y)],
                    stroke,
                    6.0,
                    4.0,
                ));
            } else {
                painter.line_segment([Pos2::new(x1, y), Pos2::new(end, y)], stroke);
            }
            let head = 8.0 * scale;
            if matches!(shape, Shape::Reset | Shape::Lost) {
                for (a, b) in [(-1.0, -1.0), (-1.0, 1.0)] {
                    painter.line_segment(
                        [
                            Pos2::new(end - head * 0.8, y + a * head * 0.8),
                            Pos2::new(end + head * 0.8, y - b * head * 0.8),
                        ],
                        Stroke::new(2.5 * scale, color),
                    );
                }
            } else {
                let tip = Pos2::new(end, y);
                let back = Pos2::new(end - dir * head * 1.4, y);
                painter.add(egui::Shape::convex_polygon(
                    vec![tip, back + egui::vec2(0.0, head * 0.6), back - egui::vec2(0.0, head * 0.6)],
                    color,
                    Stroke::NONE,
                ));
            }
            let font = egui::TextStyle::Small.resolve(ui.style());
            let label_color = if future { text_color.gamma_multiply(0.3) } else { text_color };
            painter.text(
                Pos2::new((x1 + x2) / 2.0, y - 4.0),
                egui::Align2::CENTER_BOTTOM,
                &label,
                egui::FontId::new(font.size * scale, font.family.clone()),
                label_color,
            );
            let time = entry.at.to_zoned(jiff::tz::TimeZone::system()).strftime("%H:%M:%S%.3f").to_string();
            painter.text(
                Pos2::new(rect.left() + 4.0, y),
                egui::Align2::LEFT_CENTER,
                time,
                egui::TextStyle::Small.resolve(ui.style()),
                ui.visuals().weak_text_color(),
            );
            let spoken = format!("{} {label}", entry.direction.arrow());
            response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &spoken));
            if response.clicked() {
                clicked = Some(index);
            }
        }
    });
    if let Some(index) = clicked {
        view.playing = false;
        action = view.go(index, now);
    }
    if count == 0 {
        ui.weak(RichText::new(t!(tr, "diagram-empty")));
    }
    action.into_iter().chain(calm_changed).collect()
}

/// The lanes, shape and label of a row: `other` is its peer's lane (this session is lane 0).
fn describe(tr: &Tr, entry: &Entry, other: usize) -> (usize, usize, Shape, String) {
    let data = |entry: &Entry| {
        let text = entry.text();
        let short = match text.char_indices().nth(22) {
            Some((at, _)) => format!("{}…", &text[..at]),
            None => text,
        };
        format!("\"{short}\" ({} B)", tr.number(entry.data.len() as f64, 0))
    };
    match (entry.direction, entry.event.as_deref()) {
        (Direction::Sent, _) => (0, other, Shape::Data, data(entry)),
        (Direction::Received, _) => (other, 0, Shape::Data, data(entry)),
        (_, Some(EventKind::Connected(_))) => (0, other, Shape::Control, "connect".into()),
        (_, Some(EventKind::Accepted(_))) => (other, 0, Shape::Control, "accept".into()),
        (_, Some(EventKind::PeerClosed(_))) => (other, 0, Shape::Control, "FIN".into()),
        (_, Some(EventKind::ConnectionClosed { .. })) => (0, other, Shape::Control, "close".into()),
        (_, Some(EventKind::Lost { .. })) => (0, other, Shape::Lost, t!(tr, "report-lost")),
        (_, Some(EventKind::Secured { tls, .. })) => {
            (0, other, Shape::Control, format!("TLS ({})", tls.version))
        }
        _ => (other, 0, Shape::Reset, "RST".into()),
    }
}
