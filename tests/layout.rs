//! The window holds its shape: for every window size from 800×600 up, zoom from 0.75 to 2, one
//! to six sessions and messages of 0, 40 and 120,000 bytes, every session can be brought into
//! view, and then its primary button (Start or Stop, or Send) and its transcript's header lie
//! inside the window and inside the session's own rectangle, and no two sessions overlap.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod common;

use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use socket_tester::engine::Protocol;
use socket_tester::i18n::Language;
use socket_tester::spec::{MessageSpec, Role, SessionSpec};
use socket_tester::ui::{SocketTesterApp, StartupOptions};

const SIZES: [(f32, f32); 3] = [(800.0, 600.0), (1280.0, 720.0), (1920.0, 1080.0)];
const ZOOMS: [f32; 3] = [0.75, 1.0, 2.0];
const SESSIONS: [usize; 3] = [1, 2, 6];
const MESSAGES: [usize; 3] = [0, 40, 120_000];

fn within(inner: egui::Rect, outer: egui::Rect) -> bool {
    outer.expand(0.5).contains_rect(inner)
}

/// What is wrong with one case, in words (empty: nothing).
fn problems(size: (f32, f32), zoom: f32, sessions: usize, message: usize) -> Vec<String> {
    let options = StartupOptions { language: Some(Language::English), ..StartupOptions::default() };
    let mut harness = Harness::builder()
        .with_size(egui::vec2(size.0, size.1))
        .build_eframe(move |cc| SocketTesterApp::with_context(&cc.egui_ctx, None, options));
    harness.ctx.set_zoom_factor(zoom);
    {
        let app = harness.state_mut();
        if sessions == 1 {
            app.close_session(0);
        }
        while app.sessions().len() < sessions {
            let role = if app.sessions().len().is_multiple_of(2) { Role::Server } else { Role::Client };
            app.open_session(SessionSpec::new(role, Protocol::Tcp));
        }
        let text: String = "Este es el mensaje. Se repetirá. ".chars().cycle().take(message).collect();
        for session in app.sessions_mut() {
            if session.spec().role == Role::Client {
                session.form.set_message(MessageSpec { text: text.clone(), ..MessageSpec::default() });
            }
        }
    }
    harness.run_steps(3);
    let case = format!("{}×{} zoom {zoom} {sessions} sessions {message} B", size.0, size.1);
    let mut wrong = Vec::new();
    for index in 0..sessions {
        harness.state_mut().show_session(index);
        harness.run_steps(3);
        let window = harness.ctx.content_rect();
        let Some(rect) = harness.state().session_rect(index) else {
            wrong.push(format!("{case}: session {index} cannot be brought into view"));
            continue;
        };
        if !within(rect, window) {
            wrong.push(format!("{case}: session {index} at {rect:?} leaves the window {window:?}"));
        }
        // No two sessions on screen overlap.
        for other in 0..sessions {
            if other != index
                && let Some(r) = harness.state().session_rect(other)
                && r.intersect(rect).area() > 1.0
            {
                wrong.push(format!("{case}: sessions {index} and {other} overlap"));
            }
        }
        let role = harness.state().sessions()[index].spec().role;
        let primary: &[&str] = if role == Role::Server { &["Start", "Stop"] } else { &["Send"] };
        let inside = |label: &str| {
            harness.query_all_by_label(label).any(|node| {
                let r = node.rect();
                rect.contains(r.center()) && within(r, rect) && within(r, window)
            })
        };
        if !primary.iter().any(|label| inside(label)) {
            wrong.push(format!("{case}: session {index}'s {} is not inside it and the window", primary[0]));
        }
        if !inside("Content") {
            wrong
                .push(format!("{case}: session {index}'s transcript header is not inside it and the window"));
        }
    }
    wrong
}

#[test]
fn every_size_zoom_session_count_and_message_length_keeps_the_controls_in_reach() {
    let mut wrong = Vec::new();
    for size in SIZES {
        for zoom in ZOOMS {
            for sessions in SESSIONS {
                for message in MESSAGES {
                    wrong.extend(problems(size, zoom, sessions, message));
                }
            }
        }
    }
    // The ends of the zoom range, where the window has room for them.
    wrong.extend(problems((1920.0, 1080.0), 3.0, 2, 40));
    wrong.extend(problems((800.0, 600.0), 0.5, 6, 120_000));
    assert!(wrong.is_empty(), "{} problems:\n{}", wrong.len(), wrong.join("\n"));
}

/// A window of `size` at `zoom` in `language`, after its server and client (side by side)
/// have exchanged the tutorial's message, so that every column that can show has a value.
fn after_exchange(size: (f32, f32), zoom: f32, language: Language) -> Harness<'static, SocketTesterApp> {
    let port = common::free_tcp_port();
    let options = StartupOptions {
        language: Some(language),
        host: Some("127.0.0.1".into()),
        port: Some(port),
        ..StartupOptions::default()
    };
    let mut harness = Harness::builder()
        .with_size(egui::vec2(size.0, size.1))
        .build_eframe(move |cc| SocketTesterApp::with_context(&cc.egui_ctx, None, options));
    harness.ctx.set_zoom_factor(zoom);
    harness.run_steps(2);
    let deadline = std::time::Instant::now() + common::WAIT;
    let until = |harness: &mut Harness<'_, SocketTesterApp>, done: &dyn Fn(&SocketTesterApp) -> bool| {
        while !done(harness.state()) {
            assert!(std::time::Instant::now() < deadline, "the exchange did not happen in time");
            harness.step();
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
    };
    harness.state_mut().start_session(0);
    until(&mut harness, &|app| app.sessions()[0].running() && !app.sessions()[0].transcript.is_empty());
    harness.state_mut().start_session(1);
    until(&mut harness, &|app| app.sessions()[1].transcript.counters().echoes_ok == 1);
    harness.run_steps(4);
    harness
}

/// The characters each session's Content column shows after the exchange.
fn content_chars(size: (f32, f32), zoom: f32, language: Language) -> Vec<usize> {
    let harness = after_exchange(size, zoom, language);
    harness.state().sessions().iter().map(|s| s.view.content_chars).collect()
}

#[test]
fn presenting_fills_a_projector_with_one_session_and_clips_no_label() {
    let mut wrong = Vec::new();
    for size in [(1024.0, 768.0), (1280.0, 720.0)] {
        for language in [Language::English, Language::Spanish] {
            let mut harness = after_exchange(size, 1.0, language);
            let ctx = harness.ctx.clone();
            harness.state_mut().set_presenting(&ctx, true);
            harness.run_steps(4);
            let case = format!("F5 at {}×{} in {language:?}", size.0, size.1);
            let app = harness.state();
            let client = &app.sessions()[1];
            if !app.form_folded(1) {
                wrong.push(format!("{case}: the form is not folded"));
            }
            let (rows, chars) = (client.view.rows_shown, client.view.content_chars);
            if rows < 8 || chars < 30 {
                wrong.push(format!("{case}: {rows} rows of {chars} characters (at least 8 of 30)"));
            }
            let window = harness.ctx.content_rect();
            let Some(rect) = app.session_rect(1) else {
                wrong.push(format!("{case}: the client is not shown"));
                continue;
            };
            if rect.width() < window.width() * 0.9 {
                wrong.push(format!("{case}: the session is {} of {} wide", rect.width(), window.width()));
            }
            let what = if language == Language::English { "What happened" } else { "Qué pasó" };
            if harness.query_all_by_label(what).next().is_none() {
                wrong.push(format!("{case}: no \"{what}\" pane"));
            }
            // Every label and button of the session lies whole inside it and the window.
            let clipped: Vec<String> = harness
                .query_all_by(|node| {
                    use egui::accesskit::Role;
                    matches!(node.role(), Role::Label | Role::Button | Role::CheckBox | Role::RadioButton)
                })
                .filter(|node| rect.contains(node.rect().center()))
                .filter(|node| !within(node.rect(), rect) || !within(node.rect(), window))
                .map(|node| {
                    format!(
                        "{:?} {:?}",
                        node.accesskit_node().label().or(node.accesskit_node().value()),
                        node.rect()
                    )
                })
                .collect();
            if !clipped.is_empty() {
                wrong.push(format!("{case}: cut off: {clipped:?}"));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn beside_another_session_the_content_column_shows_at_least_30_characters() {
    let mut wrong = Vec::new();
    let mut seen = Vec::new();
    for size in [(800.0, 600.0), (1024.0, 768.0), (1280.0, 720.0), (1920.0, 1080.0)] {
        for zoom in [1.0, 2.0] {
            for language in [Language::English, Language::Spanish] {
                let chars = content_chars(size, zoom, language);
                seen.push(format!("{}×{} zoom {zoom} {language:?}: {chars:?}", size.0, size.1));
                let least = 30;
                if chars.iter().any(|&c| c < least) {
                    wrong.push(format!(
                        "{}×{} zoom {zoom} {language:?}: {chars:?} (at least {least})",
                        size.0, size.1
                    ));
                }
            }
        }
    }
    eprintln!("{}", seen.join("\n"));
    assert!(wrong.is_empty(), "content columns too narrow:\n{}", wrong.join("\n"));
}
