//! Typing into the message box: the CPU one keystroke costs (the frame that takes the key,
//! lays out the box and redraws the window) with 1 KiB, 16 KiB and 64 KiB already in it, 64 KiB
//! being the most the box holds (a longer message is shown as a summary). Run with
//! `cargo bench --bench typing`; BENCHMARKS.md records the numbers (target: 16 ms).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::time::Duration;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use socket_tester::i18n::Language;
use socket_tester::spec::MessageSpec;
use socket_tester::ui::{SocketTesterApp, StartupOptions};

/// This thread's CPU time so far.
fn cpu_now() -> Duration {
    let t = rustix::time::clock_gettime(rustix::time::ClockId::ThreadCPUTime);
    Duration::new(t.tv_sec as u64, t.tv_nsec as u32)
}

fn keystroke_cost(bytes: usize, keys: usize) -> Vec<Duration> {
    let options = StartupOptions { language: Some(Language::English), ..StartupOptions::default() };
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .build_eframe(move |cc| SocketTesterApp::with_context(&cc.egui_ctx, None, options));
    let mut text = String::with_capacity(bytes);
    for c in "Este es el mensaje. Se repetirá.\n".chars().cycle() {
        if text.len() + c.len_utf8() > bytes - 1 {
            break; // room for the keystroke: the box holds at most `bytes`
        }
        text.push(c);
    }
    let before = text.len();
    let message = MessageSpec { text, ..MessageSpec::default() };
    harness.state_mut().sessions_mut()[1].form.set_message(message);
    harness.run_steps(2);
    harness.get_by_role_and_label(egui::accesskit::Role::MultilineTextInput, "Message").focus();
    harness.run_steps(2);
    let mut costs = Vec::with_capacity(keys);
    for _ in 0..keys {
        harness.event(egui::Event::Text("x".into()));
        let started = cpu_now();
        harness.step();
        costs.push(cpu_now() - started);
    }
    let typed = harness.state().sessions()[1].spec().message.text.len() - before;
    assert_eq!(typed, keys, "every keystroke reached the box");
    costs.sort();
    costs
}

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        return; // built by `cargo test`, run only by `cargo bench`
    }
    println!("| Text in the box | keystrokes | p50 | p90 | max | target |");
    println!("|---|---|---|---|---|---|");
    for kib in [1, 16, 64] {
        // Below the limit by the keystrokes typed, so the box stays a box throughout.
        let costs = keystroke_cost(kib * 1024 - 64, 60);
        let at = |p: f64| costs[((costs.len() - 1) as f64 * p) as usize];
        println!(
            "| {kib} KiB | {} | {:.2} ms | {:.2} ms | {:.2} ms | ≤ 16 ms |",
            costs.len(),
            at(0.5).as_secs_f64() * 1e3,
            at(0.9).as_secs_f64() * 1e3,
            costs.last().unwrap().as_secs_f64() * 1e3
        );
    }
}
