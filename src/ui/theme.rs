//! The window's look: a light and a dark theme in which every text colour reads on every
//! background it can sit on (WCAG AA: a contrast of at least 4.5:1), and the user's choice
//! among following the system, light and dark.

use egui::{Color32, Theme, ThemePreference, Visuals};
use serde::{Deserialize, Serialize};

/// Which theme the window uses.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ThemeChoice {
    /// The system's light or dark preference, followed as it changes.
    #[default]
    System,
    /// Always light.
    Light,
    /// Always dark.
    Dark,
}

impl ThemeChoice {
    /// Every choice, in the order the menu lists them.
    pub const ALL: [ThemeChoice; 3] = [ThemeChoice::System, ThemeChoice::Light, ThemeChoice::Dark];

    /// egui's preference for this choice.
    pub fn preference(self) -> ThemePreference {
        match self {
            ThemeChoice::System => ThemePreference::System,
            ThemeChoice::Light => ThemePreference::Light,
            ThemeChoice::Dark => ThemePreference::Dark,
        }
    }

    /// The id of its name in the vocabulary.
    pub fn label_id(self) -> &'static str {
        match self {
            ThemeChoice::System => "theme-system",
            ThemeChoice::Light => "theme-light",
            ThemeChoice::Dark => "theme-dark",
        }
    }
}

/// Installs both themes' visuals and the choice.
pub fn apply(ctx: &egui::Context, choice: ThemeChoice) {
    ctx.set_visuals_of(Theme::Dark, visuals(Theme::Dark));
    ctx.set_visuals_of(Theme::Light, visuals(Theme::Light));
    ctx.set_theme(choice.preference());
}

/// egui's visuals, with the colours that fell short of 4.5:1 replaced.
pub fn visuals(theme: Theme) -> Visuals {
    let rgb = Color32::from_rgb;
    match theme {
        Theme::Dark => {
            let mut v = Visuals::dark();
            v.error_fg_color = rgb(255, 128, 118);
            v.warn_fg_color = rgb(255, 184, 76);
            v.hyperlink_color = rgb(120, 186, 255);
            v.weak_text_color = Some(rgb(176, 176, 176));
            v.code_bg_color = Color32::from_gray(44);
            v.selection.bg_fill = rgb(0, 62, 92);
            v.widgets.noninteractive.fg_stroke.color = rgb(214, 214, 214);
            v.widgets.inactive.fg_stroke.color = rgb(224, 224, 224);
            // The focused control (egui draws it as "active") has an outline that shows.
            v.widgets.active.bg_stroke = egui::Stroke::new(2.0, rgb(120, 186, 255));
            v
        }
        Theme::Light => {
            let mut v = Visuals::light();
            v.error_fg_color = rgb(178, 0, 0);
            v.warn_fg_color = rgb(138, 74, 0);
            v.hyperlink_color = rgb(0, 84, 168);
            v.weak_text_color = Some(rgb(92, 92, 92));
            v.selection.bg_fill = rgb(188, 222, 255);
            v.widgets.noninteractive.fg_stroke.color = rgb(40, 40, 40);
            v.widgets.inactive.fg_stroke.color = rgb(30, 30, 30);
            v.widgets.active.bg_stroke = egui::Stroke::new(2.0, rgb(0, 84, 168));
            v
        }
    }
}

/// The high-contrast visuals of presentation mode, for a projector: pure white on black (or
/// black on white), every text colour at 7:1 or more (WCAG AAA), thicker outlines.
pub fn high_contrast(theme: Theme) -> Visuals {
    let rgb = Color32::from_rgb;
    let mut v = visuals(theme);
    let (text, weak, background) = match theme {
        Theme::Dark => (Color32::WHITE, rgb(214, 214, 214), Color32::BLACK),
        Theme::Light => (Color32::BLACK, rgb(48, 48, 48), Color32::WHITE),
    };
    v.panel_fill = background;
    v.window_fill = background;
    v.extreme_bg_color = background;
    v.faint_bg_color = if theme == Theme::Dark { Color32::from_gray(24) } else { Color32::from_gray(236) };
    v.code_bg_color = if theme == Theme::Dark { Color32::from_gray(28) } else { Color32::from_gray(232) };
    v.override_text_color = Some(text);
    v.weak_text_color = Some(weak);
    v.widgets.noninteractive.fg_stroke = egui::Stroke::new(1.5, text);
    v.widgets.inactive.fg_stroke = egui::Stroke::new(1.5, text);
    v.widgets.noninteractive.bg_stroke = egui::Stroke::new(1.5, weak);
    v.selection.stroke = egui::Stroke::new(2.0, text);
    if theme == Theme::Dark {
        v.error_fg_color = rgb(255, 150, 140);
        v.warn_fg_color = rgb(255, 200, 110);
        v.selection.bg_fill = rgb(0, 40, 70);
    } else {
        v.error_fg_color = rgb(136, 0, 0);
        v.warn_fg_color = rgb(110, 56, 0);
        v.selection.bg_fill = rgb(200, 228, 255);
    }
    v
}

/// Installs the high-contrast visuals (presentation mode) or the usual ones.
pub fn set_high_contrast(ctx: &egui::Context, on: bool) {
    for theme in [Theme::Dark, Theme::Light] {
        ctx.set_visuals_of(theme, if on { high_contrast(theme) } else { visuals(theme) });
    }
}

/// The background of a transcript row's bytes that a search matched.
pub fn search_match_bg(v: &Visuals) -> Color32 {
    if v.dark_mode { Color32::from_rgb(66, 48, 0) } else { Color32::from_rgb(255, 232, 140) }
}

/// The text colours the app draws with, by name.
pub fn text_colors(v: &Visuals) -> Vec<(&'static str, Color32)> {
    vec![
        ("text", v.text_color()),
        ("weak text", v.weak_text_color()),
        ("strong text", v.strong_text_color()),
        ("error", v.error_fg_color),
        ("warning", v.warn_fg_color),
        ("link", v.hyperlink_color),
    ]
}

/// The backgrounds text can sit on, by name: panels, windows, fields, code, striped and
/// selected rows.
pub fn backgrounds(v: &Visuals) -> Vec<(&'static str, Color32)> {
    vec![
        ("panel", v.panel_fill),
        ("window", v.window_fill),
        ("text field", v.text_edit_bg_color()),
        ("code", v.code_bg_color),
        ("striped row", over(v.faint_bg_color, v.panel_fill)),
        ("selected row", v.selection.bg_fill),
        ("search match", search_match_bg(v)),
    ]
}

/// A (premultiplied) colour drawn over an opaque one.
pub fn over(top: Color32, under: Color32) -> Color32 {
    let keep = 255 - u16::from(top.a());
    let mix = |t: u8, u: u8| (u16::from(t) + u16::from(u) * keep / 255).min(255) as u8;
    Color32::from_rgb(mix(top.r(), under.r()), mix(top.g(), under.g()), mix(top.b(), under.b()))
}

/// WCAG's contrast ratio of two opaque colours, from 1 to 21.
pub fn contrast(a: Color32, b: Color32) -> f32 {
    fn luminance(c: Color32) -> f32 {
        let channel = |v: u8| {
            let s = f32::from(v) / 255.0;
            if s <= 0.04045 { s / 12.92 } else { ((s + 0.055) / 1.055).powf(2.4) }
        };
        0.2126 * channel(c.r()) + 0.7152 * channel(c.g()) + 0.0722 * channel(c.b())
    }
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_text_colour_reads_on_every_background_in_both_themes() {
        let mut short = Vec::new();
        for theme in [Theme::Dark, Theme::Light] {
            let v = visuals(theme);
            for (text, fg) in text_colors(&v) {
                for (bg_name, bg) in backgrounds(&v) {
                    let ratio = contrast(over(fg, bg), bg);
                    if ratio < 4.5 {
                        short.push(format!("{theme:?}: {text} on {bg_name}: {ratio:.2}"));
                    }
                }
            }
        }
        assert!(short.is_empty(), "below WCAG AA (4.5:1):\n{}", short.join("\n"));
    }

    #[test]
    fn the_presentation_theme_reaches_aaa_for_every_text_colour() {
        let mut short = Vec::new();
        for theme in [Theme::Dark, Theme::Light] {
            let v = high_contrast(theme);
            for (text, fg) in text_colors(&v) {
                for (bg_name, bg) in backgrounds(&v) {
                    // Search matches and links keep AA; everything else reaches AAA (7:1).
                    let floor = if bg_name == "search match" || text == "link" { 4.5 } else { 7.0 };
                    let ratio = contrast(over(fg, bg), bg);
                    if ratio < floor {
                        short.push(format!("{theme:?}: {text} on {bg_name}: {ratio:.2} < {floor}"));
                    }
                }
            }
        }
        assert!(short.is_empty(), "presentation theme:\n{}", short.join("\n"));
    }

    #[test]
    fn the_focus_outline_shows_on_every_background() {
        for theme in [Theme::Dark, Theme::Light] {
            let v = visuals(theme);
            let outline = v.widgets.active.bg_stroke;
            assert!(outline.width >= 2.0);
            for (bg_name, bg) in backgrounds(&v) {
                // WCAG's 3:1 for the parts of a control that show its state.
                let ratio = contrast(outline.color, bg);
                assert!(ratio >= 3.0, "{theme:?}: focus outline on {bg_name}: {ratio:.2}");
            }
        }
    }

    #[test]
    fn the_contrast_formula_matches_wcag() {
        assert!((contrast(Color32::BLACK, Color32::WHITE) - 21.0).abs() < 0.01);
        // WCAG's own example: #777 on white is 4.48:1, just short.
        assert!((contrast(Color32::from_gray(0x77), Color32::WHITE) - 4.48).abs() < 0.01);
    }
}
