//! F6 and Shift+F6: the keyboard moves between the window's regions — the top bar, then each
//! session's form and its transcript — instead of tabbing through every widget on the way.
//! The app asks for a region; the region's first widget takes the focus when it is drawn.

use egui::{Context, Id, Response, Ui};

/// A region F6 moves to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Region {
    /// The top bar (its first button).
    TopBar,
    /// A session's form (its first field), by the session's number.
    Form(u64),
    /// A session's transcript (its toolbar).
    Transcript(u64),
}

/// Which part of a session a widget opens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    /// The top bar.
    TopBar,
    /// The form of the session being drawn.
    Form,
    /// The transcript of the session being drawn.
    Transcript,
}

fn request_id() -> Id {
    Id::unique("f6-region-request")
}

fn session_id() -> Id {
    Id::unique("f6-region-session")
}

/// Asks for a region: its first widget takes the focus the next time it is drawn.
pub fn request(ctx: &Context, region: Region) {
    ctx.data_mut(|d| d.insert_temp(request_id(), region));
}

/// The region asked for and not reached yet.
pub fn requested(ctx: &Context) -> Option<Region> {
    ctx.data(|d| d.get_temp::<Region>(request_id()))
}

/// Says which session the widgets drawn next belong to.
pub fn in_session(ctx: &Context, uid: u64) {
    ctx.data_mut(|d| d.insert_temp(session_id(), uid));
}

/// Marks a region's first widget: it takes the focus (and scrolls into view) when F6 asked
/// for its region.
pub fn anchor(ui: &Ui, response: &Response, part: Part) {
    let ctx = ui.ctx();
    let Some(wanted) = requested(ctx) else { return };
    let session = ctx.data(|d| d.get_temp::<u64>(session_id()));
    let here = match (part, session) {
        (Part::TopBar, _) => Region::TopBar,
        (Part::Form, Some(uid)) => Region::Form(uid),
        (Part::Transcript, Some(uid)) => Region::Transcript(uid),
        _ => return,
    };
    if wanted == here {
        response.request_focus();
        response.scroll_to_me(None);
        ctx.data_mut(|d| d.remove::<Region>(request_id()));
    }
}

/// The region after (or, `back`, before) `from` in `order`; the first one when `from` is not
/// in it.
pub fn next(order: &[Region], from: Option<Region>, back: bool) -> Option<Region> {
    let at = from.and_then(|r| order.iter().position(|o| *o == r));
    let n = order.len();
    if n == 0 {
        return None;
    }
    let index = match (at, back) {
        (None, false) => 0,
        (None, true) => n - 1,
        (Some(i), false) => (i + 1) % n,
        (Some(i), true) => (i + n - 1) % n,
    };
    order.get(index).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn f6_cycles_forward_and_back_and_starts_at_the_top() {
        let order = [Region::TopBar, Region::Form(1), Region::Transcript(1)];
        assert_eq!(next(&order, None, false), Some(Region::TopBar));
        assert_eq!(next(&order, Some(Region::TopBar), false), Some(Region::Form(1)));
        assert_eq!(next(&order, Some(Region::Transcript(1)), false), Some(Region::TopBar));
        assert_eq!(next(&order, Some(Region::TopBar), true), Some(Region::Transcript(1)));
        assert_eq!(next(&order, Some(Region::Form(9)), false), Some(Region::TopBar));
        assert_eq!(next(&[], None, false), None);
    }
}
