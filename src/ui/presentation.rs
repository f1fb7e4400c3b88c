//! Presentation mode (F5), for a projector and a class: everything 1.6 times larger, the
//! high-contrast theme, the Advanced sections hidden and the "What happened" pane open on the
//! newest row when none is selected. Any part of the window asks [`is_on`].

/// How much larger everything is while presenting.
pub const SCALE: f32 = 1.6;

fn id() -> egui::Id {
    egui::Id::unique("presentation-mode")
}

/// Whether the window is presenting.
pub fn is_on(ctx: &egui::Context) -> bool {
    ctx.data(|d| d.get_temp(id())).unwrap_or(false)
}

/// Turns presentation mode's look on or off (the app scales the zoom).
pub fn set(ctx: &egui::Context, on: bool) {
    ctx.data_mut(|d| d.insert_temp(id(), on));
    super::theme::set_high_contrast(ctx, on);
}
