//! The first-launch tour: three short callouts that lead a new user to the first echo (Start
//! the server, Send from the client, read the transcript). Each points at its control; the
//! first two go on by themselves when their step is done. It can be skipped, is not shown
//! again, and Help replays it.

use egui::{Align2, Id, Rect, RichText, Stroke};

use crate::i18n::Tr;
use crate::t;

/// What a callout points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    /// A server's Start button.
    Start,
    /// A client's Send button.
    Send,
    /// A client's transcript.
    Transcript,
}

/// Steps of the tour.
pub const STEPS: usize = 3;

fn target_id(target: Target) -> Id {
    Id::unique(("tour-target", target))
}

/// Notes where a control the tour may point at was drawn this frame.
pub fn mark(ctx: &egui::Context, target: Target, rect: Rect) {
    ctx.data_mut(|d| d.insert_temp(target_id(target), rect));
}

/// What the user did with a callout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TourAction {
    /// Go to the next step (or end after the last).
    Next,
    /// End the tour now.
    Skip,
}

/// Draws the callout of `step` next to its control; returns what the user chose.
pub fn tour_ui(ctx: &egui::Context, tr: &Tr, step: usize) -> Option<TourAction> {
    let (target, title, text) = match step {
        0 => (Target::Start, t!(tr, "tour-start-title"), t!(tr, "tour-start")),
        1 => (Target::Send, t!(tr, "tour-send-title"), t!(tr, "tour-send")),
        _ => (Target::Transcript, t!(tr, "tour-read-title"), t!(tr, "tour-read")),
    };
    let rect: Option<Rect> = ctx.data(|d| d.get_temp(target_id(target)));
    let screen = ctx.content_rect();
    let accent = ctx.global_style().visuals.hyperlink_color;
    // Below its control (or, at the bottom of the window, above it), kept on screen.
    let (pos, pivot) = match rect {
        Some(r) if r.bottom() + 200.0 < screen.bottom() => {
            (r.left_bottom() + egui::vec2(0.0, 10.0), Align2::LEFT_TOP)
        }
        Some(r) => (r.left_top() - egui::vec2(0.0, 10.0), Align2::LEFT_BOTTOM),
        None => (screen.center(), Align2::CENTER_CENTER),
    };
    if let Some(r) = rect {
        ctx.layer_painter(egui::LayerId::new(egui::Order::Foreground, Id::unique("tour-highlight")))
            .rect_stroke(r.expand(4.0), 6.0, Stroke::new(3.0, accent), egui::StrokeKind::Outside);
    }
    let mut action = None;
    egui::Area::new(Id::unique("tour-callout"))
        .order(egui::Order::Foreground)
        .pivot(pivot)
        .fixed_pos(pos)
        .constrain(true)
        .show(ctx, |ui| {
            egui::Frame::popup(ui.style()).stroke(Stroke::new(2.0, accent)).show(ui, |ui| {
                ui.set_max_width(340.0);
                ui.label(
                    RichText::new(t!(tr, "tour-step", step = (step as u64 + 1), steps = (STEPS as u64)))
                        .weak(),
                );
                ui.label(RichText::new(title).strong().size(18.0));
                ui.label(text);
                ui.horizontal(|ui| {
                    let next = if step + 1 == STEPS { t!(tr, "tour-done") } else { t!(tr, "tour-next") };
                    if ui
                        .button(RichText::new(next).strong())
                        .on_hover_text(t!(tr, "tour-next-hint"))
                        .clicked()
                    {
                        action = Some(TourAction::Next);
                    }
                    if ui.button(t!(tr, "tour-skip")).on_hover_text(t!(tr, "tour-skip-hint")).clicked() {
                        action = Some(TourAction::Skip);
                    }
                });
            });
        });
    action
}
