//! A server's replies in its form: the mode (echo, silent, close, a fixed reply), the framing,
//! and the rules, which can be added, removed, moved and edited in place. It edits the spec's
//! [`ReplySpec`] lines, the same the command line and rules files take.

use egui::{RichText, Ui};

use crate::i18n::Tr;
use crate::spec::{Field, ReplySpec, RuleSpec, SessionSpec, SpecError};
use crate::t;

/// The reply modes, as their lines start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Echo,
    Silent,
    Close,
    Fixed,
}

fn kind_of(mode: &str) -> (Kind, &str) {
    match mode.trim() {
        "silent" => (Kind::Silent, ""),
        "close" => (Kind::Close, ""),
        m => match m.strip_prefix("fixed:") {
            Some(text) => (Kind::Fixed, text),
            None => (Kind::Echo, ""),
        },
    }
}

fn kind_name(tr: &Tr, kind: Kind) -> String {
    match kind {
        Kind::Echo => t!(tr, "reply-echo"),
        Kind::Silent => t!(tr, "reply-silent"),
        Kind::Close => t!(tr, "reply-close"),
        Kind::Fixed => t!(tr, "reply-fixed"),
    }
}

/// What a row's buttons asked for.
enum RowAction {
    Up(usize),
    Down(usize),
    Remove(usize),
}

/// Draws the replies of a server; `errors` are the form's.
pub fn replies_ui(ui: &mut Ui, tr: &Tr, reply: &mut ReplySpec, errors: &[SpecError]) {
    let (kind, fixed) = kind_of(&reply.mode);
    let (mut kind, mut fixed) = (kind, fixed.to_string());
    let title = format!("{} · {}", t!(tr, "replies-title"), kind_name(tr, kind));
    let title = if reply.rules.is_empty() {
        title
    } else {
        t!(tr, "replies-title-rules", title = title, count = reply.rules.len())
    };
    egui::CollapsingHeader::new(title).id_salt(ui.scope_id().with("replies")).show(ui, |ui| {
        ui.horizontal_wrapped(|ui| {
            let label = ui.label(t!(tr, "replies-mode"));
            egui::ComboBox::from_id_salt(ui.scope_id().with("mode"))
                .selected_text(kind_name(tr, kind))
                .show_ui(ui, |ui| {
                    for k in [Kind::Echo, Kind::Silent, Kind::Close, Kind::Fixed] {
                        ui.selectable_value(&mut kind, k, kind_name(tr, k));
                    }
                })
                .response
                .labelled_by(label.id);
            if kind == Kind::Fixed {
                let edit = egui::TextEdit::singleline(&mut fixed).desired_width(200.0).hint_text("OK\\r\\n");
                ui.add(edit).labelled_by(label.id);
            }
            let label = ui.label(t!(tr, "replies-framing"));
            ui.add(egui::TextEdit::singleline(&mut reply.framing).desired_width(80.0).hint_text("read"))
                .labelled_by(label.id)
                .on_hover_text(t!(tr, "replies-framing-hint"));
            if reply.framing.trim() != "read" && !reply.framing.trim().is_empty() {
                max_frame_ui(ui, tr, reply);
            }
        });
        reply.mode = match kind {
            Kind::Echo => "echo".into(),
            Kind::Silent => "silent".into(),
            Kind::Close => "close".into(),
            Kind::Fixed => format!("fixed:{fixed}"),
        };
        for field in [Field::Reply, Field::Framing, Field::MaxFrame] {
            if let Some(error) = SessionSpec::error_for(errors, field) {
                let words = tr.render(&crate::vocabulary::problem(&error.problem));
                ui.label(RichText::new(format!("⚠ {words}")).color(ui.visuals().error_fg_color));
            }
        }
        rules_ui(ui, tr, &mut reply.rules, errors);
    });
}

/// The longest frame the rules wait for, and what happens past it (`--max-frame`,
/// `--over-max-frame`).
fn max_frame_ui(ui: &mut Ui, tr: &Tr, reply: &mut ReplySpec) {
    let label = ui.label(t!(tr, "replies-max-frame"));
    ui.add(egui::DragValue::new(&mut reply.max_frame).range(0..=u64::from(u32::MAX)).speed(1024.0))
        .labelled_by(label.id)
        .on_hover_text(t!(tr, "replies-max-frame-hint"));
    let close = reply.over_max_frame.trim() == "close";
    let name = |close: bool| if close { t!(tr, "replies-over-close") } else { t!(tr, "replies-over-reply") };
    let mut chosen = close;
    egui::ComboBox::from_id_salt(ui.scope_id().with("over-max-frame"))
        .selected_text(name(close))
        .show_ui(ui, |ui| {
            ui.selectable_value(&mut chosen, false, name(false));
            ui.selectable_value(&mut chosen, true, name(true));
        })
        .response
        .labelled_by(label.id);
    if chosen != close {
        reply.over_max_frame = if chosen { "close" } else { "reply" }.into();
    }
}

fn rules_ui(ui: &mut Ui, tr: &Tr, rules: &mut Vec<RuleSpec>, errors: &[SpecError]) {
    let mut action = None;
    let count = rules.len();
    // Match and Reply share what the number, delay, close and buttons leave of the tile.
    let fixed = 24.0 + 80.0 + 28.0 + 90.0 + 5.0 * 6.0;
    let field = ((ui.available_width() - fixed) / 2.0).max(120.0);
    egui::Grid::new(ui.scope_id().with("rules")).num_columns(6).spacing([6.0, 4.0]).show(ui, |ui| {
        if count > 0 {
            let titles = [
                "#".to_string(),
                t!(tr, "rules-match"),
                t!(tr, "rules-reply"),
                t!(tr, "rules-delay"),
                t!(tr, "rules-close"),
            ];
            for title in titles {
                ui.strong(title);
            }
            ui.end_row();
        }
        for (index, rule) in rules.iter_mut().enumerate() {
            let number = ui.label(format!("{}", index + 1));
            // Sized outright: a grid's cell offers only last frame's column width, which a
            // text field would shrink to.
            let height = ui.spacing().interact_size.y;
            let edit = egui::TextEdit::singleline(&mut rule.matches).hint_text("regex:^PING");
            ui.add_sized([field, height], edit).labelled_by(number.id);
            let edit = egui::TextEdit::singleline(&mut rule.reply).hint_text("PONG\\r\\n");
            ui.add_sized([field, height], edit).labelled_by(number.id);
            ui.add(egui::DragValue::new(&mut rule.delay_ms).suffix(" ms").range(0..=60_000));
            ui.checkbox(&mut rule.close, "");
            ui.horizontal(|ui| {
                if ui
                    .add_enabled(index > 0, egui::Button::new("▲").small())
                    .on_hover_text(t!(tr, "rules-up"))
                    .clicked()
                {
                    action = Some(RowAction::Up(index));
                }
                if ui
                    .add_enabled(index + 1 < count, egui::Button::new("▼").small())
                    .on_hover_text(t!(tr, "rules-down"))
                    .clicked()
                {
                    action = Some(RowAction::Down(index));
                }
                if ui.small_button("✖").on_hover_text(t!(tr, "rules-remove")).clicked() {
                    action = Some(RowAction::Remove(index));
                }
            });
            ui.end_row();
        }
    });
    if let Some(error) = SessionSpec::error_for(errors, Field::Rule) {
        let words = tr.render(&crate::vocabulary::problem(&error.problem));
        let text = t!(tr, "rules-error", rule = error.value.clone(), words = words);
        ui.label(RichText::new(format!("⚠ {text}")).color(ui.visuals().error_fg_color));
    }
    match action {
        Some(RowAction::Up(i)) => rules.swap(i, i - 1),
        Some(RowAction::Down(i)) => rules.swap(i, i + 1),
        Some(RowAction::Remove(i)) => {
            rules.remove(i);
        }
        None => {}
    }
    if ui.button(t!(tr, "rules-add")).on_hover_text(t!(tr, "rules-hint")).clicked() {
        rules.push(RuleSpec { matches: "regex:".into(), reply: String::new(), delay_ms: 0, close: false });
    }
}
