//! The desktop app driven with egui_kittest, headless, against the real engine on loopback:
//! buttons are found by their labels, clicked, and the transcripts checked. Every wait is
//! bounded.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod common;

use std::io::Read;
use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::{WAIT, free_tcp_port, free_udp_port};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use socket_tester::engine::{ErrorKind, EventKind};
use socket_tester::i18n::Language;
use socket_tester::spec::{Field, SessionSpec};
use socket_tester::transcript::line::Direction;
use socket_tester::ui::session::Activity;
use socket_tester::ui::transcript_view::format_us;
use socket_tester::ui::{SocketTesterApp, StartupOptions};

fn harness(options: StartupOptions) -> Harness<'static, SocketTesterApp> {
    wide_harness(options, 1400.0)
}

fn wide_harness(options: StartupOptions, width: f32) -> Harness<'static, SocketTesterApp> {
    let options = StartupOptions { language: options.language.or(Some(Language::English)), ..options };
    Harness::builder()
        .with_size(egui::vec2(width, 900.0))
        .build_eframe(move |cc| SocketTesterApp::with_context(&cc.egui_ctx, None, options))
}

fn on_port(port: u16) -> StartupOptions {
    StartupOptions { host: Some("127.0.0.1".into()), port: Some(port), ..StartupOptions::default() }
}

/// Steps the app until `done` holds, at most `WAIT`.
fn step_until(
    harness: &mut Harness<'static, SocketTesterApp>,
    what: &str,
    done: impl Fn(&SocketTesterApp) -> bool,
) {
    let deadline = Instant::now() + WAIT;
    while !done(harness.state()) {
        assert!(Instant::now() < deadline, "timed out waiting for: {what}");
        harness.step();
        std::thread::sleep(Duration::from_millis(5));
    }
    harness.step();
}

fn listening(app: &SocketTesterApp, index: usize) -> bool {
    matches!(app.sessions()[index].activity, Activity::Listening(_))
}

#[test]
fn start_then_send_shows_the_echo_with_its_round_trip_time_on_both_sides() {
    let port = free_tcp_port();
    let mut harness = harness(on_port(port));
    harness.get_by_label("Start").click();
    step_until(&mut harness, "the server listens", |app| listening(app, 0));
    let listening_text = format!("Listening on 127.0.0.1:{port}");
    assert!(harness.query_all_by_value(&listening_text).count() >= 2, "status line and transcript row");
    harness.get_by_label("Send").click();
    step_until(&mut harness, "the echo", |app| app.sessions()[1].transcript.counters().echoes_ok == 1);

    let message = Language::English.default_message().as_bytes();
    let client = &harness.state().sessions()[1].transcript;
    let received: Vec<u8> =
        client.iter().filter(|e| e.direction == Direction::Received).flat_map(|e| e.data.to_vec()).collect();
    assert_eq!(received, message);
    let echo = client.iter().find_map(|e| e.echo).expect("an echo line");
    assert!(echo.matches);
    step_until(&mut harness, "the server's echo", |app| {
        app.sessions()[0].transcript.iter().any(|e| e.direction == Direction::Sent)
    });
    let server = &harness.state().sessions()[0].transcript;
    let echoed: Vec<u8> =
        server.iter().filter(|e| e.direction == Direction::Sent).flat_map(|e| e.data.to_vec()).collect();
    assert_eq!(echoed, message);
    // The status line shows the round-trip time in words.
    let counters = *harness.state().sessions()[1].transcript.counters();
    let rtt = format_us(counters.rtt_last_us.unwrap());
    assert!(harness.query_all_by_value(&format!("RTT last {rtt}, average {rtt}")).count() >= 1);

    // Ctrl+Enter sends again from the active (client) session.
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Enter);
    step_until(&mut harness, "a second echo", |app| app.sessions()[1].transcript.counters().echoes_ok == 2);
    // Clicking the server selects it; Esc then stops it.
    harness.get_by_label("Stop").click();
    step_until(&mut harness, "the server stops", |app| !app.sessions()[0].running());
    harness.get_by_label("Start").click();
    step_until(&mut harness, "the server listens again", |app| listening(app, 0));
    harness.key_press(egui::Key::Escape);
    step_until(&mut harness, "Esc stops the active server", |app| !app.sessions()[0].running());
}

#[test]
fn a_refused_connection_shows_its_error_in_the_transcript_and_the_status() {
    let port = free_tcp_port();
    let mut harness = harness(on_port(port));
    harness.get_by_label("Send").click();
    step_until(&mut harness, "the failure", |app| app.sessions()[1].transcript.counters().errors > 0);
    let client = &harness.state().sessions()[1].transcript;
    let error = client
        .iter()
        .find_map(|e| match e.event.as_deref() {
            Some(EventKind::Failed { error, .. }) => Some(error.kind),
            _ => None,
        })
        .unwrap();
    assert_eq!(error, ErrorKind::Refused);
    let shown = format!("connect to 127.0.0.1:{port}: connection refused (nothing listens there)");
    // In the status line and in the transcript row.
    assert!(harness.query_all_by_value(&shown).count() >= 2);
}

#[test]
fn an_invalid_port_is_flagged_and_disables_send() {
    let mut harness = harness(StartupOptions::default());
    let ports: Vec<_> = harness.get_all_by_role_and_label(egui::accesskit::Role::TextInput, "Port").collect();
    assert_eq!(ports.len(), 2, "server and client each have a port field");
    let client_port = &ports[1];
    client_port.focus();
    harness.key_combination_modifiers(egui::Modifiers::COMMAND, &[egui::Key::A]);
    client_port.type_text("70000");
    harness.run_steps(3);
    let errors = harness.state().sessions()[1].form.errors();
    assert_eq!(errors.first().map(|e| (e.field, e.value.as_str())), Some((Field::Port, "70000")));
    assert!(harness.query_by_label("⚠ enter a number from 0 to 65535").is_some());
    assert!(harness.get_by_label("Send").accesskit_node().is_disabled());
    assert!(harness.get_by_label("Connect").accesskit_node().is_disabled());
}

#[test]
fn disconnect_closes_one_of_several_clients() {
    let port = free_tcp_port();
    let mut harness = harness(on_port(port));
    harness.get_by_label("Start").click();
    step_until(&mut harness, "the server listens", |app| listening(app, 0));
    let mut streams: Vec<TcpStream> =
        (0..3).map(|_| TcpStream::connect(("127.0.0.1", port)).unwrap()).collect();
    step_until(&mut harness, "three clients", |app| app.sessions()[0].clients.len() == 3);
    let victim = *harness.state().sessions()[0].clients.keys().nth(1).unwrap();
    let victim_peer = harness.state().sessions()[0].clients[&victim].peer;
    let buttons: Vec<_> = harness.get_all_by_label("Disconnect").collect();
    assert_eq!(buttons.len(), 3);
    buttons[1].click();
    step_until(&mut harness, "two clients", |app| app.sessions()[0].clients.len() == 2);
    assert!(!harness.state().sessions()[0].clients.contains_key(&victim));
    let stream = streams.iter_mut().find(|s| s.local_addr().unwrap() == victim_peer).unwrap();
    stream.set_read_timeout(Some(WAIT)).unwrap();
    let mut buf = [0u8; 4];
    assert_eq!(stream.read(&mut buf).unwrap_or(0), 0, "the disconnected client sees the end");
}

#[test]
fn a_udp_pair_exchanges_a_datagram() {
    let port = free_udp_port();
    // Four sessions side by side need a wide window to all be on screen.
    let mut harness = wide_harness(StartupOptions::default(), 2000.0);
    harness.get_by_label("+ UDP pair").click();
    harness.run_steps(2);
    assert_eq!(harness.state().sessions().len(), 4);
    for index in [2, 3] {
        let form = &mut harness.state_mut().sessions_mut()[index].form;
        let spec = SessionSpec { host: "::1".into(), port, ..form.spec().clone() };
        form.set_spec(spec);
    }
    harness.run_steps(2);
    let starts: Vec<_> = harness.get_all_by_label("Start").collect();
    assert_eq!(starts.len(), 2);
    starts[1].click();

    step_until(&mut harness, "the UDP server listens", |app| listening(app, 2));
    let sends: Vec<_> = harness.get_all_by_label("Send").collect();
    sends[1].click();
    step_until(&mut harness, "the UDP echo", |app| app.sessions()[3].transcript.counters().echoes_ok == 1);
    let server = &harness.state().sessions()[2].transcript;
    assert!(server.iter().any(|e| e.direction == Direction::Sent && e.peer.is_some_and(|p| p.is_ipv6())));
}

#[test]
fn spanish_translates_the_window_and_the_default_message() {
    let mut harness =
        harness(StartupOptions { language: Some(Language::Spanish), ..StartupOptions::default() });
    harness.run_steps(2);
    assert!(harness.query_by_label("Iniciar").is_some());
    assert!(harness.query_by_label("Enviar").is_some());
    assert_eq!(harness.state().sessions()[1].spec().message.text, "Este es el mensaje. Se repetirá.");
    assert!(harness.query_by_label("Send").is_none(), "no English left on the buttons");
}

#[test]
fn form_values_survive_a_restart() {
    let mut harness = harness(StartupOptions::default());
    let client = &mut harness.state_mut().sessions_mut()[1].form;
    let mut spec = client.spec().clone();
    spec.message.text = "hola".into();
    client.set_spec(spec);
    let server = &mut harness.state_mut().sessions_mut()[0].form;
    server.set_spec(SessionSpec { port: 12345, ..server.spec().clone() });
    harness.run_steps(1);
    let settings = harness.state().settings();
    let ctx = egui::Context::default();
    let again = SocketTesterApp::with_context(&ctx, Some(settings), StartupOptions::default());
    assert_eq!(again.sessions()[1].spec().message.text, "hola");
    assert_eq!(again.sessions()[0].spec().port, 12345);
    assert_eq!(again.sessions().len(), 2);
}

#[test]
fn a_capped_transcript_says_what_it_did_not_keep() {
    use bytes::Bytes;
    use socket_tester::engine::{Event, EventKind, Link};
    let mut harness = harness(StartupOptions::default());
    let link = Link { conn: 1, local: "127.0.0.1:1".parse().unwrap(), peer: "127.0.0.1:2".parse().unwrap() };
    {
        let transcript = &mut harness.state_mut().sessions_mut()[1].transcript;
        transcript.set_cap_bytes(1 << 20);
        let data = Bytes::from(vec![b'x'; 4096]);
        for _ in 0..1000 {
            let kind = EventKind::Received { link, data: data.clone(), truncated: false, echo: None };
            transcript.push_event(&Event { at: jiff::Timestamp::now(), session: 1, kind }, 1);
        }
        assert!(transcript.dropped() > 0);
        assert_eq!(transcript.counters().bytes_in, 4_096_000, "the counters stay exact");
    }
    harness.run_steps(2);
    let dropped = harness.state().sessions()[1].transcript.dropped();
    let text = format!("{dropped} older lines not kept (memory cap 1 MiB); the counters are exact.");
    assert!(harness.query_all_by_value(&text).count() >= 1);
}

fn type_into(harness: &Harness<'static, SocketTesterApp>, index: usize, label: &str, text: &str) {
    let fields: Vec<_> = harness.get_all_by_role_and_label(egui::accesskit::Role::TextInput, label).collect();
    fields[index].focus();
    harness.key_combination_modifiers(egui::Modifiers::COMMAND, &[egui::Key::A]);
    fields[index].type_text(text);
}

#[test]
fn save_record_and_reopen_through_the_window() {
    use socket_tester::transcript::export::{EventName, read_jsonl};
    let dir = tempfile::tempdir().unwrap();
    let port = free_tcp_port();
    let mut harness = harness(on_port(port));
    harness.get_by_label("Start").click();
    step_until(&mut harness, "the server listens", |app| listening(app, 0));

    // Record the client session live, then send.
    let live = dir.path().join("live.jsonl");
    harness.get_all_by_label("Record…").nth(1).unwrap().click();
    harness.run_steps(2);
    type_into(&harness, 0, "File", &live.display().to_string());
    harness.run_steps(2);
    harness.get_by_label("Start recording").click();
    step_until(&mut harness, "recording", |app| app.sessions()[1].recording.is_some());
    harness.get_by_label("Send").click();
    step_until(&mut harness, "the echo", |app| app.sessions()[1].transcript.counters().echoes_ok == 1);
    let deadline = Instant::now() + WAIT;
    while !read_jsonl(&live).unwrap_or_default().iter().any(|r| r.event == EventName::Closed) {
        assert!(Instant::now() < deadline, "the live recording holds the whole exchange");
        std::thread::sleep(Duration::from_millis(10));
    }

    // Save the server's transcript as CSV through the path field.
    let saved = dir.path().join("server.csv");
    harness.get_all_by_label("Save…").next().unwrap().click();
    harness.run_steps(2);
    type_into(&harness, 0, "File", &saved.display().to_string());
    harness.run_steps(2);
    harness.get_by_label("Save").click();
    step_until(&mut harness, "the save", |app| app.notice().is_some_and(|(t, _)| t.starts_with("Saved")));
    let csv = std::fs::read_to_string(&saved).unwrap();
    assert!(csv.starts_with("time,session,conn,event") && csv.contains(",sent,"), "{csv}");

    // Reopen the recording: a read-only session with the same lines.
    harness.get_by_label("Open…").click();
    harness.run_steps(2);
    type_into(&harness, 0, "File", &live.display().to_string());
    harness.run_steps(2);
    harness.get_by_label("Open").click();
    step_until(&mut harness, "the reopened session", |app| app.sessions().len() == 3);
    let app = harness.state();
    let reopened = &app.sessions()[2];
    assert!(reopened.opened_from.is_some());
    let original: Vec<Vec<u8>> = app.sessions()[1].transcript.iter().map(|e| e.data.to_vec()).collect();
    let again: Vec<Vec<u8>> = reopened.transcript.iter().map(|e| e.data.to_vec()).collect();
    assert_eq!(again, original, "the round trip is exact");
}

#[test]
fn without_a_file_dialog_the_app_says_so_and_keeps_the_path_field() {
    let mut harness = harness(StartupOptions::default());
    harness.get_all_by_label("Save…").next().unwrap().click();
    harness.run_steps(2);
    harness.get_by_label("Browse…").click();
    let deadline = Instant::now() + WAIT;
    let text = "No file dialog is available on this system: type the path in the field.";
    while harness.query_all_by_value(text).count() == 0 {
        assert!(Instant::now() < deadline, "no word about the missing dialog");
        harness.step();
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(harness.get_all_by_role_and_label(egui::accesskit::Role::TextInput, "File").count(), 1);
}

#[test]
fn an_unsaved_transcript_is_kept_at_close_and_offered_at_the_next_start() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_tcp_port();
    let mut harness = harness(on_port(port));
    harness.state_mut().use_recovery_dir(Some(dir.path().to_path_buf()));
    harness.get_by_label("Send").click();
    step_until(&mut harness, "the failure line", |app| app.sessions()[1].transcript.counters().errors > 0);
    // The window closes: the client's lines were never saved, so they are kept.
    let kept = harness.state_mut().keep_unsaved();
    assert_eq!(kept.len(), 1, "only the session with lines");

    let mut next = self::harness(StartupOptions::default());
    next.state_mut().use_recovery_dir(Some(dir.path().to_path_buf()));
    next.run_steps(2);
    assert_eq!(next.state().recovered(), kept.as_slice());
    next.get_by_label("Open").click();
    step_until(&mut next, "the recovered session", |app| app.sessions().len() == 3);
    assert_eq!(next.state().sessions()[2].transcript.counters().errors, 1);
}

#[test]
fn a_full_disk_stops_the_recording_and_keeps_the_transcript() {
    let dir = tempfile::tempdir().unwrap();
    let full = dir.path().join("full.jsonl");
    // /dev/full accepts the open and refuses every write: "no space left on device".
    std::os::unix::fs::symlink("/dev/full", &full).unwrap();
    let port = free_tcp_port();
    let mut harness = harness(on_port(port));
    harness.get_by_label("Start").click();
    step_until(&mut harness, "the server listens", |app| listening(app, 0));
    harness.get_all_by_label("Record…").nth(1).unwrap().click();
    harness.run_steps(2);
    type_into(&harness, 0, "File", &full.display().to_string());
    harness.run_steps(2);
    harness.get_by_label("Start recording").click();
    step_until(&mut harness, "recording", |app| app.sessions()[1].recording.is_some());
    harness.get_by_label("Send").click();
    step_until(&mut harness, "the recording stops", |app| app.sessions()[1].recording.is_none());
    let (notice, is_error) = harness.state().notice().unwrap();
    assert!(
        *is_error && notice.starts_with("Recording stopped:") && notice.contains("the disk is full"),
        "{notice}"
    );
    // The transcript in memory is whole, and the session goes on.
    step_until(&mut harness, "the echo", |app| app.sessions()[1].transcript.counters().echoes_ok == 1);
    harness.get_by_label("Send").click();
    step_until(&mut harness, "a second echo", |app| app.sessions()[1].transcript.counters().echoes_ok == 2);
}
