//! Presentation mode (F5), for a projector and a class: everything up to 1.6 times larger
//! (less on a short screen, so that one session still shows eight rows), the high-contrast
//! theme, one session filling the window with its form folded, the Advanced sections hidden and
//! the "What happened" pane open on the newest row when none is selected. Any part of the
//! window asks [`is_on`].

/// How much larger everything is while presenting, at most.
pub const SCALE: f32 = 1.6;

/// How much larger everything is while presenting, at the least.
const MIN_SCALE: f32 = 1.2;

/// The height (in points) one presented session needs: the top bar, its folded form and
/// message, the transcript's toolbar, heading and eight rows, its status line and the "What
/// happened" pane.
const NEEDED_HEIGHT: f32 = 560.0;

/// The enlargement for a window `height` points tall at zoom 1, with the user's own `zoom`:
/// [`SCALE`], or less when that would leave the window shorter than [`NEEDED_HEIGHT`].
pub fn scale_for(height: f32, zoom: f32) -> f32 {
    (height / (NEEDED_HEIGHT * zoom.max(0.1))).clamp(MIN_SCALE, SCALE)
}

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
