//! The message editor: text (escapes optional) or hex or a file, a line ending, a text
//! encoding, a live preview of the exact bytes that will go out, and the history of sent
//! messages. What the message means is [`crate::spec::message`]'s; this only draws it.

use egui::{RichText, Ui};

use crate::engine::Protocol;
use crate::i18n::Tr;
use crate::spec::message::{SwitchProblem, Switched};
use crate::spec::{Field, LineEnding, MessageMode, MessageSpec, SessionSpec, SpecError, TextEncoding};
use crate::t;
use crate::transcript::render::hex;

/// Bytes shown in the preview; the count is always exact.
const PREVIEW_BYTES: usize = 48;
/// The most text the message box edits in place; a longer message is shown as a summary
/// with View, so that no keystroke lays out more than this (BENCHMARKS.md: typing).
pub const INLINE_LIMIT: usize = 64 * 1024;
/// The message box's height at first, in lines; it can be dragged taller or shorter.
const BOX_LINES: f32 = 3.0;
/// Messages kept in the history.
pub const HISTORY_LEN: usize = 50;

/// What the user asked for in the editor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditorAction {
    /// Open a dialog to choose the file.
    BrowseFile,
    /// Put this history entry back in the editor.
    UseHistory(usize),
    /// Send the message now (Enter in a one-line message, Ctrl+Enter in any).
    Send,
}

/// Adds a sent message to the front of the history, once, keeping at most [`HISTORY_LEN`].
pub fn remember(history: &mut Vec<MessageSpec>, message: &MessageSpec) {
    history.retain(|m| m != message);
    history.insert(0, message.clone());
    history.truncate(HISTORY_LEN);
}

/// How a history entry reads in its menu: its mode and the start of its text.
fn history_label(tr: &Tr, message: &MessageSpec) -> String {
    let body = match message.mode {
        MessageMode::File => message.file.as_ref().map(|p| p.display().to_string()).unwrap_or_default(),
        MessageMode::Text | MessageMode::Hex => message.text.replace('\n', "⏎"),
    };
    let short: String = body.chars().take(40).collect();
    let more = if body.chars().count() > 40 { "…" } else { "" };
    format!("{} · {short}{more}", mode_name(tr, message.mode))
}

fn mode_name(tr: &Tr, mode: MessageMode) -> String {
    match mode {
        MessageMode::Text => t!(tr, "editor-text"),
        MessageMode::Hex => t!(tr, "editor-hex"),
        MessageMode::File => t!(tr, "editor-file"),
    }
}

fn mode_hint(tr: &Tr, mode: MessageMode) -> String {
    match mode {
        MessageMode::Text => t!(tr, "editor-mode-text-hint"),
        MessageMode::Hex => t!(tr, "editor-mode-hex-hint"),
        MessageMode::File => t!(tr, "editor-mode-file-hint"),
    }
}

fn ending_name(tr: &Tr, ending: LineEnding) -> String {
    match ending {
        LineEnding::None => t!(tr, "editor-ending-none"),
        other => other.name().to_string(),
    }
}

/// What the editor needs from its session.
pub struct EditorContext<'a> {
    /// TCP or UDP (a file over UDP is one datagram).
    pub protocol: Protocol,
    /// The form's problems; the message's show in the preview.
    pub errors: &'a [SpecError],
    /// Messages sent before, newest first.
    pub history: &'a [MessageSpec],
    /// False while the message cannot change (a file being streamed, say).
    pub enabled: bool,
    /// Whether Enter may send the message now (the session can send, and it is valid).
    pub can_send: bool,
}

/// Draws the editor of `message`; `file` is the file's path as typed.
pub fn message_editor_ui(
    ui: &mut Ui,
    tr: &Tr,
    message: &mut MessageSpec,
    file: &mut String,
    context: &EditorContext<'_>,
) -> Option<EditorAction> {
    let EditorContext { protocol, errors, history, enabled, can_send } = *context;
    let mut action = None;
    let mut label_id = None;
    // What the last switch between text and hex said, kept with the text it left.
    let note_id = ui.scope_id().with("switch-note");
    ui.horizontal_wrapped(|ui| {
        let label = ui.label(t!(tr, "form-message"));
        label_id = Some(label.id);
        for mode in MessageMode::ALL {
            let chosen = ui
                .add_enabled(enabled, egui::Button::selectable(message.mode == mode, mode_name(tr, mode)))
                .on_hover_text(mode_hint(tr, mode));
            if chosen.clicked() && message.mode != mode {
                let note = switch_note(tr, message.switch_mode(mode), message);
                ui.data_mut(|d| d.insert_temp(note_id, note.map(|n| (n, message.text.clone()))));
            }
        }
        ui.separator();
        ui.add_enabled_ui(!history.is_empty(), |ui| {
            ui.menu_button(t!(tr, "editor-history"), |ui| {
                for (index, past) in history.iter().enumerate() {
                    if ui.button(history_label(tr, past)).clicked() {
                        action = Some(EditorAction::UseHistory(index));
                        ui.close();
                    }
                }
            })
            .response
            .on_hover_text(t!(tr, "editor-history-hint"));
        });
    });
    match message.mode {
        MessageMode::Text | MessageMode::Hex if message.text.len() > INLINE_LIMIT => {
            large_message_ui(ui, tr, message, enabled);
        }
        MessageMode::Text | MessageMode::Hex => {
            let hint = if message.mode == MessageMode::Hex { "48 65 6C 6C 6F" } else { "" };
            let hover = if message.mode == MessageMode::Hex {
                format!("{}\n{}", t!(tr, "editor-hex-hint"), t!(tr, "editor-macros-hint"))
            } else {
                format!("{}\n{}", t!(tr, "form-message-hint"), t!(tr, "editor-macros-hint"))
            };
            // A bounded box (a few lines, its lower edge drags) that scrolls on its own: a long
            // message never pushes the buttons and the transcript away.
            let line = ui.text_style_height(&egui::TextStyle::Monospace);
            let width = ui.available_width();
            egui::Resize::default()
                .id_salt(ui.scope_id().with("message-box"))
                .default_size(egui::vec2(width, BOX_LINES * line + 12.0))
                .min_size(egui::vec2(width, line + 12.0))
                .max_size(egui::vec2(width, 20.0 * line))
                .resizable([false, true])
                .show(ui, |ui| {
                    egui::ScrollArea::vertical().id_salt("message-scroll").auto_shrink(false).show(
                        ui,
                        |ui| {
                            let edit_id = ui.scope_id().with("message-text");
                            if let Some(asked) = box_keys(ui, edit_id, message, history, can_send) {
                                action = Some(asked);
                            }
                            let edit = egui::TextEdit::multiline(&mut message.text)
                                .id(edit_id)
                                .desired_rows(BOX_LINES as usize)
                                .desired_width(ui.available_width())
                                .hint_text(hint)
                                .font(egui::TextStyle::Monospace);
                            let response = ui.add_enabled(enabled, edit).on_hover_text(hover);
                            if let Some(id) = label_id {
                                response.labelled_by(id);
                            }
                        },
                    );
                });
        }
        MessageMode::File => {
            ui.horizontal(|ui| {
                let label = ui.label(t!(tr, "file-path"));
                let edit = egui::TextEdit::singleline(file).desired_width(260.0);
                ui.add_enabled(enabled, edit).labelled_by(label.id);
                if ui
                    .add_enabled(enabled, egui::Button::new(t!(tr, "btn-browse")))
                    .on_hover_text(t!(tr, "btn-browse-hint"))
                    .clicked()
                {
                    action = Some(EditorAction::BrowseFile);
                }
            });
        }
    }
    ui.add_enabled_ui(enabled, |ui| {
        ui.horizontal_wrapped(|ui| {
            if message.mode == MessageMode::Text {
                ui.checkbox(&mut message.escapes, t!(tr, "editor-escapes"))
                    .on_hover_text(t!(tr, "editor-escapes-hint"));
                let label = ui.label(t!(tr, "editor-encoding"));
                egui::ComboBox::from_id_salt(ui.scope_id().with("encoding"))
                    .selected_text(message.encoding.name())
                    .show_ui(ui, |ui| {
                        for encoding in TextEncoding::ALL {
                            ui.selectable_value(&mut message.encoding, encoding, encoding.name());
                        }
                    })
                    .response
                    .labelled_by(label.id);
            }
            if message.mode != MessageMode::File {
                let label = ui.label(t!(tr, "editor-line-ending"));
                egui::ComboBox::from_id_salt(ui.scope_id().with("ending"))
                    .selected_text(ending_name(tr, message.line_ending))
                    .show_ui(ui, |ui| {
                        for ending in LineEnding::ALL {
                            ui.selectable_value(&mut message.line_ending, ending, ending_name(tr, ending));
                        }
                    })
                    .response
                    .labelled_by(label.id);
            }
        });
    });
    // What the last switch between text and hex did, while the message is as it left it.
    let note: Option<(String, String)> = ui.data(|d| d.get_temp(note_id)).flatten();
    if let Some((note, text)) = note {
        if text == message.text {
            ui.label(RichText::new(note).color(ui.visuals().warn_fg_color));
        } else {
            ui.data_mut(|d| d.remove_temp::<Option<(String, String)>>(note_id));
        }
    }
    preview_ui(ui, tr, message, protocol, errors);
    action
}

/// What a switch between text and hex needs to say: nothing when the bytes were simply
/// rewritten, else why escapes came on or why the message stayed as it was.
fn switch_note(tr: &Tr, switched: Result<Switched, SwitchProblem>, message: &MessageSpec) -> Option<String> {
    match switched {
        Ok(Switched::Exact) => None,
        Ok(Switched::EscapesOn) => Some(t!(tr, "editor-switch-escapes", encoding = message.encoding.name())),
        Err(SwitchProblem::Invalid(error)) => Some(t!(
            tr,
            "editor-switch-invalid",
            problem = tr.render(&crate::vocabulary::message_error(&error))
        )),
        Err(SwitchProblem::TextMacroInUtf16) => Some(t!(tr, "editor-switch-utf16")),
    }
}

/// Keys the focused message box takes before it draws: Enter sends a one-line message
/// (Shift+Enter starts a new line), ↑ and ↓ walk the history of sent messages while the
/// message is one line.
pub(super) fn box_keys(
    ui: &mut Ui,
    edit_id: egui::Id,
    message: &MessageSpec,
    history: &[MessageSpec],
    can_send: bool,
) -> Option<EditorAction> {
    if !ui.memory(|m| m.has_focus(edit_id)) || message.text.contains('\n') {
        return None;
    }
    let position_id = edit_id.with("history-position");
    let position: Option<usize> = ui.data(|d| d.get_temp(position_id)).flatten();
    if can_send && ui.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::Enter)) {
        ui.data_mut(|d| d.insert_temp::<Option<usize>>(position_id, None));
        return Some(EditorAction::Send);
    }
    let older = ui.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::ArrowUp));
    let newer = ui.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::ArrowDown));
    let next = match (older, newer, position) {
        (true, _, None) if !history.is_empty() => Some(0),
        (true, _, Some(p)) if p + 1 < history.len() => Some(p + 1),
        (false, true, Some(p)) if p > 0 => Some(p - 1),
        _ => None,
    };
    let index = next?;
    ui.data_mut(|d| d.insert_temp::<Option<usize>>(position_id, Some(index)));
    Some(EditorAction::UseHistory(index))
}

/// A message too long to edit in place: its size and kind, View (a read-only window), and
/// Clear. What is sent is the whole message.
fn large_message_ui(ui: &mut Ui, tr: &Tr, message: &mut MessageSpec, enabled: bool) {
    let viewing_id = ui.scope_id().with("viewing-large-message");
    let mut viewing = ui.data(|d| d.get_temp::<bool>(viewing_id)).unwrap_or(false);
    ui.horizontal_wrapped(|ui| {
        let kind = match message.mode {
            MessageMode::Hex => t!(tr, "editor-large-hex"),
            _ => message.encoding.name().to_string(),
        };
        let size = tr.number(message.text.len() as f64, 0);
        ui.label(RichText::new(t!(tr, "editor-large", size = size, kind = kind)).strong());
        if ui.button(t!(tr, "editor-large-view")).on_hover_text(t!(tr, "editor-large-view-hint")).clicked() {
            viewing = true;
        }
        if ui
            .add_enabled(enabled, egui::Button::new(t!(tr, "editor-large-file")))
            .on_hover_text(t!(tr, "editor-large-file-hint"))
            .clicked()
        {
            message.mode = MessageMode::File;
            viewing = false;
        }
        if ui
            .add_enabled(enabled, egui::Button::new(t!(tr, "editor-large-clear")))
            .on_hover_text(t!(tr, "editor-large-clear-hint"))
            .clicked()
        {
            message.text.clear();
            viewing = false;
        }
    });
    ui.weak(t!(tr, "editor-large-hint"));
    if viewing {
        egui::Window::new(t!(tr, "editor-large-title"))
            .id(viewing_id.with("window"))
            .open(&mut viewing)
            .default_size(egui::vec2(640.0, 420.0))
            .show(ui.ctx(), |ui| {
                egui::ScrollArea::both().auto_shrink(false).show(ui, |ui| {
                    ui.add(egui::Label::new(RichText::new(message.text.as_str()).monospace()).extend());
                });
            });
    }
    ui.data_mut(|d| d.insert_temp(viewing_id, viewing));
}

/// The exact bytes that will go out (count and hex), or what is wrong, where.
fn preview_ui(ui: &mut Ui, tr: &Tr, message: &MessageSpec, protocol: Protocol, errors: &[SpecError]) {
    let problem =
        SessionSpec::error_for(errors, Field::Message).or(SessionSpec::error_for(errors, Field::File));
    if let Some(error) = problem {
        let text = tr.render(&crate::vocabulary::problem(&error.problem));
        ui.label(RichText::new(format!("⚠ {text}")).color(ui.visuals().error_fg_color));
        return;
    }
    let text = match message.bytes() {
        Some(Ok(bytes)) => {
            let shown = &bytes[..bytes.len().min(PREVIEW_BYTES)];
            let more = if bytes.len() > PREVIEW_BYTES { " …" } else { "" };
            let text = t!(tr, "editor-preview", count = bytes.len(), hex = format!("{}{more}", hex(shown)));
            if message.has_macros() { format!("{text}  {}", t!(tr, "editor-preview-macros")) } else { text }
        }
        Some(Err(_)) => return,
        None if protocol == Protocol::Udp => t!(tr, "editor-preview-file-udp"),
        None => t!(tr, "editor-preview-file"),
    };
    ui.label(RichText::new(text).monospace().weak());
}
