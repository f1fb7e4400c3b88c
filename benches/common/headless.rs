//! The app without a window, for benchmarks: a context, the app, and one frame of logic and
//! drawing (no tessellation or rasterising).

use std::hint::black_box;

use socket_tester::i18n::Language;
use socket_tester::ui::{SocketTesterApp, StartupOptions};

/// A fresh app in English, with its default server and client sessions.
pub fn new_app() -> (egui::Context, SocketTesterApp) {
    let ctx = egui::Context::default();
    let options = StartupOptions { language: Some(Language::English), ..StartupOptions::default() };
    let app = SocketTesterApp::with_context(&ctx, None, options);
    (ctx, app)
}

fn input() -> egui::RawInput {
    egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(1400.0, 900.0))),
        ..egui::RawInput::default()
    }
}

/// One frame: drain the workers' events, then lay out and draw a 1400×900 window.
pub fn frame(ctx: &egui::Context, app: &mut SocketTesterApp) {
    let mut output = ctx.run_ui(input(), |ui| {
        app.drain(ui.ctx());
        app.draw(ui);
    });
    // No renderer takes the font texture here; say so, as egui asks.
    output.textures_delta.clear();
    black_box(output);
}
