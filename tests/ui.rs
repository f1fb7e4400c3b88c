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
use socket_tester::engine::{ErrorKind, EventKind, Protocol};
use socket_tester::i18n::Language;
use socket_tester::spec::{Field, MessageMode, SessionSpec};
use socket_tester::transcript::line::Direction;
use socket_tester::ui::session::Activity;
use socket_tester::ui::{SocketTesterApp, StartupOptions};

fn harness(options: StartupOptions) -> Harness<'static, SocketTesterApp> {
    wide_harness(options, 1400.0)
}

fn wide_harness(options: StartupOptions, width: f32) -> Harness<'static, SocketTesterApp> {
    sized_harness(options, egui::vec2(width, 900.0))
}

fn sized_harness(options: StartupOptions, size: egui::Vec2) -> Harness<'static, SocketTesterApp> {
    let options = StartupOptions { language: options.language.or(Some(Language::English)), ..options };
    Harness::builder()
        .with_size(size)
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
    let rtt = harness.state().tr().duration(counters.rtt_last_us.unwrap());
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
    // The pair opened side by side in one tab beside the client: its Send is the last one.
    let sends: Vec<_> = harness.get_all_by_label("Send").collect();
    sends.last().unwrap().click();
    step_until(&mut harness, "the UDP echo", |app| app.sessions()[3].transcript.counters().echoes_ok == 1);
    let server = &harness.state().sessions()[2].transcript;
    assert!(server.iter().any(|e| e.direction == Direction::Sent && e.peer.is_some_and(|p| p.is_ipv6())));
    // UDP has no connections, and the window does not pretend it has.
    harness.run_steps(2);
    // Only the TCP server of the first pair lists connected clients.
    assert_eq!(harness.query_all_by_label_contains("Connected clients").count(), 1);
    assert!(harness.query_by_label("Peers heard from (1)").is_some());
    assert!(harness.query_by_label("Last heard").is_some());
    assert!(harness.query_all_by_label_contains("First datagram from [::1]:").count() >= 1);
    assert!(harness.query_all_by_label_contains("Ready to send to [::1]:").count() >= 1);
    assert!(harness.query_all_by_label_contains("connected to").next().is_none());
    // A peer silent for a minute is forgotten.
    let later = jiff::Timestamp::now() + jiff::SignedDuration::from_secs(61);
    assert!(!harness.state_mut().sessions_mut()[2].forget_silent_peers(later));
    harness.run_steps(2);
    assert!(harness.query_by_label("Peers heard from (0)").is_some());
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
fn a_restart_keeps_the_sessions_numbers_and_does_not_tour_again() {
    let ctx = egui::Context::default();
    let mut first = SocketTesterApp::with_context(&ctx, None, StartupOptions::default());
    first.tour_on_first_launch(true);
    assert_eq!(first.tour_step(), Some(0), "a first launch tours");
    // Client 2 alone is left, beside a new server (3): the numbers stay as they were.
    let mut settings = first.settings();
    settings.workspace.sessions.remove(0);
    settings.workspace.numbers.remove(0);
    settings.workspace.layout = None;
    settings.workspace.sessions.push(SessionSpec::new(socket_tester::spec::Role::Server, Protocol::Tcp));
    settings.workspace.numbers.push(3);
    let mut again = SocketTesterApp::with_context(&ctx, Some(settings), StartupOptions::default());
    again.tour_on_first_launch(true);
    assert_eq!(again.tour_step(), None, "the tour was shown once; a restart does not show it again");
    let numbers: Vec<u64> = again.sessions().iter().map(|s| s.uid).collect();
    assert_eq!(numbers, [2, 3]);
    let tr = socket_tester::i18n::Tr::new(socket_tester::i18n::Language::English);
    assert_eq!(socket_tester::ui::session_view::session_title(&tr, &again.sessions()[0]), "Client 2 · TCP");
}

#[test]
fn the_splitter_gives_the_transcript_room_and_a_restart_keeps_it_and_the_fold() {
    let mut harness = sized_harness(StartupOptions::default(), egui::vec2(1280.0, 800.0));
    harness.run_steps(3);
    let before = harness.state().sessions()[1].view.rows_shown;
    // Drag the client's splitter 200 points up.
    let rect = harness.get_all_by_label("Resize the form").nth(1).expect("the client's splitter").rect();
    let from = rect.center();
    let to = from - egui::vec2(0.0, 200.0);
    harness.event(egui::Event::PointerMoved(from));
    harness.run_steps(1);
    harness.event(egui::Event::PointerButton {
        pos: from,
        button: egui::PointerButton::Primary,
        pressed: true,
        modifiers: egui::Modifiers::NONE,
    });
    harness.run_steps(1);
    for step in 1..=4 {
        harness.event(egui::Event::PointerMoved(from + (to - from) * (step as f32 / 4.0)));
        harness.run_steps(1);
    }
    harness.event(egui::Event::PointerButton {
        pos: to,
        button: egui::PointerButton::Primary,
        pressed: false,
        modifiers: egui::Modifiers::NONE,
    });
    harness.run_steps(3);
    let after = harness.state().sessions()[1].view.rows_shown;
    assert!(harness.state().sessions()[1].form_split.is_some());
    assert!(after >= before + 6, "about 200 points more of transcript: {before} rows, then {after}");
    // Fold the server's form; both choices come back after a restart.
    harness.get_all_by_label("▴ Fold").next().expect("the server's Fold").click();
    harness.run_steps(2);
    let settings = harness.state().settings();
    let ctx = egui::Context::default();
    let again = SocketTesterApp::with_context(&ctx, Some(settings), StartupOptions::default());
    assert_eq!(again.sessions()[0].form_folded, Some(true));
    assert_eq!(again.sessions()[1].form_split, harness.state().sessions()[1].form_split);
}

#[test]
fn one_session_at_1280x800_shows_15_rows_with_the_find_bar_and_details_open() {
    use bytes::Bytes;
    use socket_tester::engine::{Event, Link};
    let mut harness = sized_harness(StartupOptions::default(), egui::vec2(1280.0, 800.0));
    harness.run_steps(2);
    // The server goes: the client fills the window.
    harness.get_all_by_label("✖").next().expect("the server's close").click();
    harness.run_steps(2);
    assert_eq!(harness.state().sessions().len(), 1);
    let link = Link { conn: 1, local: "127.0.0.1:1".parse().unwrap(), peer: "127.0.0.1:2".parse().unwrap() };
    {
        let session = &mut harness.state_mut().sessions_mut()[0];
        for _ in 0..100 {
            let kind =
                EventKind::Received { link, data: Bytes::from_static(b"hola"), truncated: false, echo: None };
            session.transcript.push_event(&Event { at: jiff::Timestamp::now(), session: 1, kind }, 1);
        }
        let first = session.transcript.iter().next().map(|e| e.seq).unwrap();
        session.view.selection = Some((first, first));
        session.form_folded = Some(true);
    }
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::F);
    harness.run_steps(4);
    assert!(harness.state().sessions()[0].search.is_some(), "the find bar is open");
    let rows = harness.state().sessions()[0].view.rows_shown;
    assert!(rows >= 15, "{rows} transcript rows");
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
    // The banner names the whole path, and goes when dismissed.
    let banner = harness.state().notice().map(|(t, _)| t.clone()).unwrap_or_default();
    assert!(banner.ends_with(&format!("to {}", saved.display())), "{banner}");
    harness.get_by_label("OK").click();
    harness.run_steps(2);
    assert!(harness.state().notice().is_none());

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
fn a_panic_in_a_frame_is_said_in_plain_words_and_keeps_the_transcripts() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_tcp_port();
    let mut harness = harness(on_port(port));
    harness.state_mut().use_recovery_dir(Some(dir.path().to_path_buf()));
    harness.get_by_label("Send").click();
    step_until(&mut harness, "the failure line", |app| app.sessions()[1].transcript.counters().errors > 0);
    harness.state_mut().guarded(|_| panic!("index out of bounds"));
    harness.run_steps(2);
    let (notice, error) = harness.state().notice().cloned().unwrap();
    assert!(error);
    assert!(notice.starts_with("Socket Tester itself failed, a bug (index out of bounds)."), "{notice}");
    assert!(notice.contains(&dir.path().display().to_string()), "{notice}");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "the client's lines were kept");
    // The window goes on.
    assert!(harness.query_by_label("Send").is_some());
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

/// The client's message box (only a client has one).
fn type_message(harness: &mut Harness<'static, SocketTesterApp>, text: &str) {
    let field = harness.get_by_role_and_label(egui::accesskit::Role::MultilineTextInput, "Message");
    field.focus();
    harness.key_combination_modifiers(egui::Modifiers::COMMAND, &[egui::Key::A]);
    harness.get_by_role_and_label(egui::accesskit::Role::MultilineTextInput, "Message").type_text(text);
    harness.run_steps(3);
}

/// The nth button of a label (the server's transcript, the client's editor and the client's
/// transcript each have a "Text" and a "Hex").
fn click_nth(harness: &mut Harness<'static, SocketTesterApp>, label: &str, n: usize) {
    let buttons: Vec<_> = harness.get_all_by_label(label).collect();
    buttons[n].click();
    harness.run_steps(2);
}

#[test]
fn the_editor_previews_hex_and_escapes_and_names_a_bad_character() {
    let port = free_tcp_port();
    let mut harness = harness(on_port(port));
    harness.get_by_label("Start").click();
    step_until(&mut harness, "the server listens", |app| listening(app, 0));
    assert_eq!(harness.get_all_by_label("Hex").count(), 3);
    click_nth(&mut harness, "Hex", 1);
    type_message(&mut harness, "48 65 6G");
    let message = harness.state().sessions()[1].spec().message.clone();
    assert_eq!((message.mode, message.text.as_str()), (MessageMode::Hex, "48 65 6G"));
    assert!(harness.query_by_label("⚠ position 8: 'G' is not a hex digit").is_some());
    assert!(harness.get_by_label("Send").accesskit_node().is_disabled());
    assert!(harness.get_by_label("Connect").accesskit_node().is_disabled());
    type_message(&mut harness, "00 ff 0d 0a");
    assert!(harness.query_by_label("Sends 4 B: 00 FF 0D 0A").is_some());
    assert!(!harness.get_by_label("Send").accesskit_node().is_disabled());
    harness.get_by_label("Send").click();
    step_until(&mut harness, "the echo", |app| app.sessions()[1].transcript.counters().echoes_ok == 1);
    let received: Vec<u8> = harness.state().sessions()[0]
        .transcript
        .iter()
        .filter(|e| e.direction == Direction::Received)
        .flat_map(|e| e.data.to_vec())
        .collect();
    assert_eq!(received, [0x00, 0xFF, 0x0D, 0x0A], "the server got exactly the bytes the preview showed");

    // Back to text, the same bytes: escapes come on, since 00 and FF have no plain character.
    click_nth(&mut harness, "Text", 1);
    let message = harness.state().sessions()[1].spec().message.clone();
    assert_eq!((message.mode, message.escapes), (MessageMode::Text, true));
    assert_eq!(message.bytes(), Some(Ok(vec![0x00, 0xFF, 0x0D, 0x0A])), "{}", message.text);
    assert!(harness.query_by_label("Sends 4 B: 00 FF 0D 0A").is_some());
    assert!(
        harness.query_all_by_label_contains("Escapes are on now").count() >= 1,
        "the editor says why escapes came on"
    );
    type_message(&mut harness, "a\\x00\\u{e9}");
    assert!(harness.query_by_label("Sends 4 B: 61 00 C3 A9").is_some());
    type_message(&mut harness, "ok \\q");
    assert!(harness.query_by_label("⚠ position 4: unknown escape \\q").is_some());
    assert!(harness.get_by_label("Send").accesskit_node().is_disabled());
}

/// Whether the client (session 1) has connected.
fn connected(app: &SocketTesterApp) -> bool {
    app.sessions()[1].transcript.iter().any(|e| matches!(e.event.as_deref(), Some(EventKind::Connected(_))))
}

#[test]
fn typing_on_an_open_connection_sends_each_message_on_it_and_up_recalls_the_last() {
    // The peer accepts one connection only and echoes: a message sent on a new connection
    // would never be echoed, and what it received in all is reported when we disconnect.
    let peer = common::Recorder::start("tcp");
    let mut harness = harness(on_port(peer.port));
    harness.get_by_label("Connect").click();
    step_until(&mut harness, "the connection", connected);
    // Connected, the form folds to one line with the message in it.
    assert!(harness.state().form_folded(1));
    let one_line = egui::accesskit::Role::TextInput;
    for (n, text) in ["one", "two ñ", "three"].iter().enumerate() {
        let field = harness.get_by_role_and_label(one_line, "Message");
        assert!(!field.accesskit_node().is_disabled(), "the message box is editable while connected");
        field.focus();
        harness.key_combination_modifiers(egui::Modifiers::COMMAND, &[egui::Key::A]);
        harness.get_by_role_and_label(one_line, "Message").type_text(text);
        harness.run_steps(2);
        harness.key_press(egui::Key::Enter);
        step_until(&mut harness, "the echo", |app| {
            app.sessions()[1].transcript.counters().echoes_ok == n as u64 + 1
        });
        assert_eq!(
            harness.state().sessions()[1].spec().message.text,
            *text,
            "Enter sent, it did not add a line"
        );
    }
    // ↑ recalls the last message sent, then the one before it; ↓ comes back.
    let field = harness.get_by_role_and_label(one_line, "Message");
    field.focus();
    harness.run_steps(2);
    harness.key_combination_modifiers(egui::Modifiers::COMMAND, &[egui::Key::A]);
    harness.get_by_role_and_label(one_line, "Message").type_text("x");
    harness.run_steps(2);
    harness.key_press(egui::Key::ArrowUp);
    harness.run_steps(2);
    assert_eq!(harness.state().sessions()[1].spec().message.text, "three");
    harness.key_press(egui::Key::ArrowUp);
    harness.run_steps(2);
    assert_eq!(harness.state().sessions()[1].spec().message.text, "two ñ");
    harness.key_press(egui::Key::ArrowDown);
    harness.run_steps(2);
    assert_eq!(harness.state().sessions()[1].spec().message.text, "three");
    // The whole editor, unfolded, sends on the same connection too.
    harness.get_all_by_label("▾ Edit").last().unwrap().click();
    harness.run_steps(2);
    type_message(&mut harness, "four");
    harness.key_press(egui::Key::Enter);
    step_until(&mut harness, "the fourth echo", |app| app.sessions()[1].transcript.counters().echoes_ok == 4);
    harness.get_by_label("Disconnect").click();
    step_until(&mut harness, "the disconnection", |app| !app.sessions()[1].form_state().connected);
    let (len, _, hex) = peer.received();
    let expected = "onetwo ñthreefour".as_bytes();
    assert_eq!((len, hex), (expected.len(), expected.iter().map(|b| format!("{b:02x}")).collect::<String>()));
    let connects = harness.state().sessions()[1]
        .transcript
        .iter()
        .filter(|e| matches!(e.event.as_deref(), Some(EventKind::Connected(_))))
        .count();
    assert_eq!(connects, 1, "all four went over one connection");
}

#[test]
fn search_finds_a_header_that_16_byte_reads_split_and_marks_both_reads() {
    // Python's http.server serves a 1 MB file; the client reads 16 bytes at a time, so the
    // response is 65,000-odd rows and its header names fall across reads.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("big"), vec![b'x'; 1 << 20]).unwrap();
    let (_http, port) = common::http_server(dir.path());
    let mut harness = harness(on_port(port));
    {
        let client = &mut harness.state_mut().sessions_mut()[1];
        let mut spec = client.spec().clone();
        spec.message = socket_tester::spec::MessageSpec {
            text: "GET /big HTTP/1.0\\r\\n\\r\\n".into(),
            escapes: true,
            ..Default::default()
        };
        spec.expect = socket_tester::engine::expect::Expectation::Any;
        spec.reply_end = socket_tester::engine::expect::ReplyEnd::Close;
        assert_eq!(spec.chunk_bytes(), 16);
        client.form.set_spec(spec);
    }
    harness.run_steps(2);
    harness.state_mut().start_session(1);
    step_until(&mut harness, "the whole response", |app| {
        app.sessions()[1].transcript.counters().bytes_in > 1 << 20 && app.sessions()[1].progress().is_none()
    });
    let rows = harness.state().sessions()[1].transcript.len();
    assert!(rows > 65_000, "{rows} rows");
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::F);
    harness.run_steps(2);
    let field = harness.get_by_role_and_label(egui::accesskit::Role::TextInput, "Find");
    field.type_text("Content-Length");
    step_until(&mut harness, "the search", |app| {
        app.sessions()[1].search.as_ref().and_then(|bar| bar.search()).is_some_and(|s| !s.hits().is_empty())
    });
    // The bar scans a little each frame; it has looked at every row once it stops saying so.
    let still = |harness: &Harness<'static, SocketTesterApp>| {
        harness.query_all_by_label_contains("still searching").count()
            + harness.query_all_by_value("1 match (still searching…)").count()
            > 0
    };
    let deadline = Instant::now() + WAIT;
    harness.run_steps(2);
    while still(&harness) {
        assert!(Instant::now() < deadline, "the search did not finish");
        harness.step();
    }
    let client = &harness.state().sessions()[1];
    let search = client.search.as_ref().and_then(|bar| bar.search()).unwrap();
    assert_eq!(search.hits().len(), 1, "one header, one match");
    let hit = search.hits()[0];
    assert_ne!(hit.start.0, hit.end.0, "the match starts in one read and ends in the next");
    let marked: usize = [hit.start.0, hit.end.0]
        .iter()
        .map(|&seq| search.ranges(seq).iter().map(|r| r.len()).sum::<usize>())
        .sum();
    assert_eq!(marked, "Content-Length".len(), "its highlight covers its bytes in both reads");
    for seq in [hit.start.0, hit.end.0] {
        let index = client.transcript.index_of(seq).unwrap();
        assert_eq!(client.transcript.get(index).unwrap().direction, Direction::Received);
    }
    let said: Vec<String> = harness
        .query_all_by_label_contains("match")
        .filter_map(|node| node.accesskit_node().label().or_else(|| node.accesskit_node().value()))
        .collect();
    assert!(said.iter().any(|s| s == "1 match"), "the bar counts matches: {said:?}");
    // The Messages view joins the 65,000-odd reads: a request, and one response.
    harness.get_all_by_label("Messages").last().unwrap().click();
    let deadline = Instant::now() + WAIT;
    loop {
        harness.run_steps(2);
        let joined = harness.state().sessions()[1].view.messages.as_ref().map_or(0, |m| m.len());
        let done = harness.state().sessions()[1].view.messages.as_ref().is_some_and(|m| {
            (0..m.len()).filter_map(|i| m.get(i)).map(|m| m.reads.len()).sum::<usize>() + 10 > rows
        });
        if done {
            assert!(joined < 10, "{joined} messages");
            break;
        }
        assert!(Instant::now() < deadline, "the messages were not joined in time");
    }
    let messages = harness.state().sessions()[1].view.messages.clone().unwrap();
    let response = (0..messages.len()).filter_map(|i| messages.get(i)).max_by_key(|m| m.len).unwrap();
    assert!(
        response.len > 1 << 20 && response.reads.len() > 65_000,
        "{} B in {} reads",
        response.len,
        response.reads.len()
    );
    assert!(response.holds(hit.start.0) && response.holds(hit.end.0), "the match is inside the response");
    let size = format!(" in {} reads", harness.state().tr().number(response.reads.len() as f64, 0));
    assert!(harness.query_all_by_label_contains(&size).count() >= 1, "the row says how many reads: {size}");
    // In the Messages view the highlight is exactly the match's bytes, across the two reads.
    let client = &harness.state().sessions()[1];
    let search = client.search.as_ref().and_then(|bar| bar.search()).unwrap();
    let mut highlighted = String::new();
    let mut output = egui::Context::default().run_ui(Default::default(), |ui| {
        let job = socket_tester::ui::messages_view::message_job(
            ui,
            &client.transcript,
            response,
            (false, 1024),
            egui::Color32::WHITE,
            (Some(search), egui::Color32::RED),
        );
        highlighted = job
            .sections
            .iter()
            .filter(|s| s.format.background == egui::Color32::RED)
            .map(|s| job.text[s.byte_range.start.0..s.byte_range.end.0].to_string())
            .collect();
    });
    output.textures_delta.clear();
    assert_eq!(highlighted, "Content-Length", "the exact bytes, not the whole row");
}

#[test]
fn the_messages_view_joins_reads_and_shows_a_split_character_whole() {
    let port = free_tcp_port();
    let mut harness = harness(on_port(port));
    {
        let form = &mut harness.state_mut().sessions_mut()[1].form;
        let message = socket_tester::spec::MessageSpec {
            text: "0123456789abcdeñ and more".into(),
            ..Default::default()
        };
        form.set_message(message);
    }
    harness.get_by_label("Start").click();
    step_until(&mut harness, "the server listens", |app| listening(app, 0));
    harness.get_by_label("Send").click();
    step_until(&mut harness, "the echo", |app| app.sessions()[1].transcript.counters().echoes_ok == 1);
    // The client reads 16 bytes: "ñ" is split, the reads view shows its two halves. (The
    // server's echo turns the direction after every read, so its rows stay one per read.)
    assert!(harness.query_all_by_label_contains("\"0123456789abcde\\xC3\"").count() >= 1);
    harness.get_all_by_label("Messages").last().unwrap().click();
    harness.run_steps(4);
    let client = &harness.state().sessions()[1];
    assert!(client.view.joined);
    let messages = client.view.messages.as_ref().unwrap();
    let echo: Vec<_> =
        (0..messages.len()).filter_map(|i| messages.get(i)).filter(|m| m.reads.len() == 2).collect();
    assert_eq!(echo.len(), 1, "the echo is one message of two reads");
    assert!(
        harness.query_all_by_label_contains("\"0123456789abcdeñ│ and more\"").count() >= 1,
        "whole, the read marked"
    );
    assert!(harness.query_all_by_label("26 B in 2 reads").count() >= 1);
    // Back to the reads: one row per read again.
    harness.get_all_by_label("Reads").last().unwrap().click();
    harness.run_steps(3);
    assert!(harness.state().sessions()[1].view.messages.is_none());
}

#[test]
fn language_and_theme_are_chosen_from_the_more_menu_of_a_narrow_window() {
    let mut harness = sized_harness(StartupOptions::default(), egui::vec2(800.0, 600.0));
    harness.run_steps(2);
    harness.get_by_label("☰ More").click();
    harness.run_steps(2);
    harness.get_by_label_contains("Language:").click();
    harness.run_steps(2);
    harness.get_by_label("Español").click();
    harness.run_steps(3);
    assert_eq!(
        harness.state().tr().language(),
        Language::Spanish,
        "the menu's language list opened and chose"
    );
    harness.get_by_label("☰ Más").click();
    harness.run_steps(2);
    harness.get_by_label_contains("Tema:").click();
    harness.run_steps(2);
    harness.get_by_label("Oscuro").click();
    harness.run_steps(3);
    assert_eq!(harness.state().settings().theme, socket_tester::ui::theme::ThemeChoice::Dark);
}

#[test]
fn a_rules_match_and_reply_fields_take_the_width_of_their_tile() {
    let mut harness = sized_harness(StartupOptions::default(), egui::vec2(1024.0, 768.0));
    {
        let server = &mut harness.state_mut().sessions_mut()[0];
        let mut spec = server.spec().clone();
        spec.server.rules.push(socket_tester::spec::reply::RuleSpec {
            matches: "regex:^PING".into(),
            reply: "PONG\\r\\n".into(),
            delay_ms: 0,
            close: false,
        });
        server.form.set_spec(spec);
    }
    harness.run_steps(3);
    harness.get_by_label_contains("Replies").click();
    harness.run_steps(3);
    let fields: Vec<f32> = harness
        .get_all_by_role_and_label(egui::accesskit::Role::TextInput, "1")
        .map(|node| node.rect().width())
        .collect();
    assert_eq!(fields.len(), 2, "Match and Reply of rule 1");
    assert!(fields.iter().all(|&w| w >= 120.0), "{fields:?}");
}

#[test]
fn a_bad_message_opens_no_connection() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    let mut harness = harness(on_port(port));
    click_nth(&mut harness, "Hex", 1);
    type_message(&mut harness, "4");
    // Even asked for directly (Ctrl+Enter), nothing is sent and no connection opened.
    harness.key_combination_modifiers(egui::Modifiers::COMMAND, &[egui::Key::Enter]);
    harness.run_steps(5);
    std::thread::sleep(Duration::from_millis(200));
    assert!(listener.accept().is_err(), "no connection was opened");
    assert_eq!(harness.state().sessions()[1].transcript.len(), 0);
}

#[test]
fn repeat_shows_its_progress_and_stop_cancels_at_once() {
    let port = free_tcp_port();
    let mut harness = harness(on_port(port));
    harness.get_by_label("Start").click();
    step_until(&mut harness, "the server listens", |app| listening(app, 0));
    for (label, value) in [("Repeat (times)", "100"), ("Interval (ms)", "100")] {
        let field = harness.get_by_role_and_label(egui::accesskit::Role::TextInput, label);
        field.focus();
        harness.key_combination_modifiers(egui::Modifiers::COMMAND, &[egui::Key::A]);
        harness.get_by_role_and_label(egui::accesskit::Role::TextInput, label).type_text(value);
        harness.run_steps(2);
    }
    assert_eq!(harness.state().sessions()[1].spec().plan.count, 100);
    harness.get_by_label("Send").click();
    step_until(&mut harness, "three echoes", |app| app.sessions()[1].transcript.counters().echoes_ok >= 3);
    let progress = harness.state().sessions()[1].progress();
    assert!(
        progress.is_some_and(|(done, total)| (3..100).contains(&done) && total == Some(100)),
        "{progress:?}"
    );
    // The worker counts on while the frame is drawn: the form shows the count of its frame.
    let shown: Vec<String> = harness
        .query_all_by_label_contains(" of 100")
        .filter_map(|node| node.accesskit_node().label().or_else(|| node.accesskit_node().value()))
        .collect();
    let count = shown.iter().find_map(|s| s.strip_suffix(" of 100")?.parse::<u64>().ok());
    assert!(count.is_some_and(|c| (3..100).contains(&c)), "the form says how far it is: {shown:?}");
    // The server's Stop comes first; the client's second.
    click_nth(&mut harness, "Stop", 1);
    step_until(&mut harness, "the client stops", |app| app.sessions()[1].progress().is_none());
    let echoes = harness.state().sessions()[1].transcript.counters().echoes_ok;
    harness.run_steps(5);
    std::thread::sleep(Duration::from_millis(300));
    harness.run_steps(5);
    assert_eq!(
        harness.state().sessions()[1].transcript.counters().echoes_ok,
        echoes,
        "nothing more was sent"
    );
    assert!(echoes < 100);
}

#[test]
fn a_selection_names_the_same_event_after_older_rows_go() {
    use bytes::Bytes;
    use socket_tester::engine::{Event, Link};
    let mut harness = harness(StartupOptions::default());
    let link = Link { conn: 1, local: "127.0.0.1:1".parse().unwrap(), peer: "127.0.0.1:2".parse().unwrap() };
    let push = |harness: &mut Harness<'static, SocketTesterApp>, rows: std::ops::Range<usize>| {
        let transcript = &mut harness.state_mut().sessions_mut()[1].transcript;
        for i in rows {
            let data = Bytes::from(format!("row {i:04} {}", "x".repeat(1000)));
            let kind = EventKind::Received { link, data, truncated: false, echo: None };
            transcript.push_event(&Event { at: jiff::Timestamp::now(), session: 1, kind }, 1);
        }
    };
    let row = size_of::<socket_tester::transcript::store::Entry>() + 1010;
    harness.state_mut().sessions_mut()[1].transcript.set_cap_bytes(100 * row);
    push(&mut harness, 0..100);
    harness.run_steps(2);
    // Select row 50, as a click on it does.
    let seq = harness.state().sessions()[1].transcript.get(50).unwrap().seq;
    harness.state_mut().sessions_mut()[1].view.selection = Some((seq, seq));
    let selected = |app: &SocketTesterApp| {
        let session = &app.sessions()[1];
        let (a, _) = session.view.selection?;
        let index = session.transcript.index_of(a)?;
        Some(session.transcript.get(index)?.data[..8].to_vec())
    };
    assert_eq!(selected(harness.state()), Some(b"row 0050".to_vec()));
    // Thirty older rows go: the selection still names row 50.
    push(&mut harness, 100..130);
    harness.run_steps(2);
    assert_eq!(harness.state().sessions()[1].transcript.dropped(), 30);
    assert_eq!(selected(harness.state()), Some(b"row 0050".to_vec()));
    // A flood lets row 50 go too: the selection is cleared, never moved to another row.
    push(&mut harness, 130..400);
    harness.run_steps(2);
    assert_eq!(harness.state().sessions()[1].view.selection, None);
}

/// A storage that holds what eframe saved, as eframe saves it.
struct SavedStorage(std::collections::HashMap<String, String>);

impl eframe::Storage for SavedStorage {
    fn get_string(&self, key: &str) -> Option<String> {
        self.0.get(key).cloned()
    }
    fn set_string(&mut self, key: &str, value: String) {
        self.0.insert(key.into(), value);
    }
    fn remove_string(&mut self, key: &str) {
        self.0.remove(key);
    }
    fn flush(&mut self) {}
}

#[test]
fn settings_saved_by_the_first_release_keep_their_values() {
    use socket_tester::engine::Protocol;
    use socket_tester::spec::Role;
    use socket_tester::ui::app::Settings;
    use socket_tester::ui::settings::SETTINGS_KEY;
    // Written by release 0.1's own eframe::set_value (tests/fixtures/settings-0.1.ron).
    let saved = include_str!("fixtures/settings-0.1.ron");
    let storage = SavedStorage([(SETTINGS_KEY.to_string(), saved.to_string())].into());
    let settings: Settings = eframe::get_value(&storage, SETTINGS_KEY).expect("the old settings load");
    assert_eq!((settings.language, settings.zoom, settings.cap_mib), (Language::Spanish, 1.5, 64));
    let ctx = egui::Context::default();
    let app = SocketTesterApp::with_context(&ctx, Some(settings), StartupOptions::default());
    assert_eq!(app.tr().language(), Language::Spanish);
    let specs: Vec<_> = app.sessions().iter().map(|s| s.spec().clone()).collect();
    assert_eq!(specs.len(), 2);
    let (server, client) = (&specs[0], &specs[1]);
    assert_eq!(
        (server.role, server.protocol, server.port, server.all_interfaces),
        (Role::Server, Protocol::Udp, 10007, true)
    );
    assert_eq!(server.chunk_bytes(), 65535);
    assert_eq!((client.role, client.host.as_str(), client.port), (Role::Client, "::1", 10007));
    assert_eq!(client.message.text, "hola\\r\\n", "typed as text, as the first release sent it");
    assert_eq!(client.message.bytes(), Some(Ok(b"hola\\r\\n".to_vec())));
    assert_eq!((client.chunk_bytes(), client.timeout_ms, client.plan.persistent), (512, 750, true));
    // Saved again, the values stay, now as the last workspace.
    let mut storage = SavedStorage(Default::default());
    eframe::set_value(&mut storage, SETTINGS_KEY, &app.settings());
    let again: Settings = eframe::get_value(&storage, SETTINGS_KEY).unwrap();
    assert_eq!(again.workspace.sessions, specs);
    assert!(again.forms.is_empty());
    // A settings file from a later release, with fields this one does not know, loads too.
    let newer = "(language:English,zoom:1.0,cap_mib:8,colour_scheme:\"dark\")";
    let storage = SavedStorage([(SETTINGS_KEY.to_string(), newer.to_string())].into());
    let settings: Option<Settings> = eframe::get_value(&storage, SETTINGS_KEY);
    assert_eq!(settings.map(|s| s.cap_mib), Some(8));
}

#[test]
fn a_workspace_file_opens_at_launch_and_the_history_is_remembered() {
    use socket_tester::spec::preset::{Workspace, write_file};
    use socket_tester::spec::{Role, SessionSpec};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.toml");
    let mut client = SessionSpec::new(Role::Client, socket_tester::engine::Protocol::Udp);
    client.message.text = "from the workspace".into();
    use socket_tester::spec::preset::Arrangement;
    let one = |index| Arrangement::Session { index };
    let workspace = Workspace {
        active: 2,
        sessions: vec![
            SessionSpec::new(Role::Server, socket_tester::engine::Protocol::Udp),
            client.clone(),
            client,
        ],
        // The arrangement comes back exactly, shares included.
        layout: Some(Arrangement::Row {
            children: vec![one(0), one(1), one(2)],
            shares: vec![300, 350, 350],
        }),
        // Each session's number, as a restart keeps them.
        numbers: vec![4, 1, 2],
        forms: Vec::new(),
    };
    write_file(&path, &workspace).unwrap();
    let options = StartupOptions { workspace: Some(path), ..StartupOptions::default() };
    let mut harness = wide_harness(options, 2000.0);
    step_until(&mut harness, "the workspace", |app| app.sessions().len() == 3);
    assert_eq!(harness.state().workspace(), workspace);
    let mut message = harness.state().sessions()[1].spec().message.clone();
    message.text = "sent once".into();
    harness.state_mut().sessions_mut()[1].form.set_message(message.clone());
    let sends: Vec<_> = harness.get_all_by_label("Send").collect();
    sends[0].click();
    harness.run_steps(2);
    assert_eq!(harness.state().history().first(), Some(&message));
    let ctx = egui::Context::default();
    let again =
        SocketTesterApp::with_context(&ctx, Some(harness.state().settings()), StartupOptions::default());
    assert_eq!(again.history().first(), Some(&message));
}

#[test]
fn a_preset_saved_in_the_app_runs_from_the_command_line_and_the_reverse() {
    use socket_tester::engine::Protocol;
    use socket_tester::spec::preset::Presets;
    use socket_tester::spec::{LineEnding, Role};
    let config = tempfile::tempdir().unwrap();
    let presets = Presets::at(config.path().join("presets"));
    let tcp = common::start(Protocol::Tcp, "127.0.0.1:0");
    let options = StartupOptions { presets_dir: Some(presets.dir().to_path_buf()), ..on_port(tcp.port()) };
    let mut harness = harness(options);
    // The app: a hex message with CRLF, twice, saved from the client's Presets menu.
    click_nth(&mut harness, "Hex", 1);
    type_message(&mut harness, "de ad be ef");
    {
        let form = &mut harness.state_mut().sessions_mut()[1].form;
        let mut spec = form.spec().clone();
        spec.message.line_ending = LineEnding::Crlf;
        spec.plan.count = 2;
        form.set_spec(spec);
    }
    harness.run_steps(2);
    click_nth(&mut harness, "Presets", 1);
    harness.get_by_label("Save as preset…").click();
    harness.run_steps(2);
    harness.get_by_role_and_label(egui::accesskit::Role::TextInput, "Preset name").focus();
    harness.run_steps(1);
    harness.get_by_role_and_label(egui::accesskit::Role::TextInput, "Preset name").type_text("app-made");
    harness.run_steps(2);
    harness.get_by_label("Save").click();
    step_until(&mut harness, "the preset is saved", |app| {
        app.notice().is_some_and(|(text, _)| text.contains("Saved preset “app-made”"))
    });
    let app_spec = harness.state().sessions()[1].spec().clone();
    assert_eq!(presets.load("app-made"), Ok(app_spec.clone()));
    // The command line runs it as it is, and sends the very bytes the app would.
    let out = common::bin()
        .env("SOCKET_TESTER_CONFIG_DIR", config.path())
        .args(["send", "--preset", "app-made", "--hex"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(app_spec.message.bytes(), Some(Ok(vec![0xDE, 0xAD, 0xBE, 0xEF, 0x0D, 0x0A])));
    assert_eq!(stdout.matches("→ 127.0.0.1").count(), 2, "{stdout}");
    assert_eq!(stdout.matches("6 B \"ޭ\\xBE\\xEF\\r\\n\" [DE AD BE EF 0D 0A]").count(), 4, "{stdout}");
    assert!(stdout.contains("2 of 2 echoes ok"), "{stdout}");

    // The reverse: the command line saves a preset; the app loads it from its menu and runs it.
    let udp = common::start(Protocol::Udp, "127.0.0.1:0");
    let target = format!("127.0.0.1:{}", udp.port());
    let saved = common::bin()
        .env("SOCKET_TESTER_CONFIG_DIR", config.path())
        .args([
            "preset",
            "save",
            "cli-made",
            "--",
            "send",
            "udp",
            &target,
            "--message-hex",
            "01 02",
            "--line-ending",
            "lf",
            "--count",
            "2",
        ])
        .output()
        .unwrap();
    assert_eq!(saved.status.code(), Some(0), "{}", String::from_utf8_lossy(&saved.stderr));
    click_nth(&mut harness, "Presets", 1);
    step_until(&mut harness, "the list has it", |app| app.preset_names().iter().any(|n| n == "cli-made"));
    harness.run_steps(2);
    harness.get_by_label("cli-made").click();
    step_until(&mut harness, "the preset is loaded", |app| {
        app.sessions()[1].spec().protocol == Protocol::Udp
    });
    let loaded = harness.state().sessions()[1].spec().clone();
    assert_eq!(Ok(loaded.clone()), presets.load("cli-made"));
    assert_eq!((loaded.role, loaded.plan.count), (Role::Client, 2));
    harness.run_steps(2);
    let sends: Vec<_> = harness.get_all_by_label("Send").collect();
    sends[0].click();
    step_until(&mut harness, "two echoes", |app| app.sessions()[1].transcript.counters().echoes_ok == 2);
    let events = udp.stop();
    assert_eq!(common::received(&events), [1, 2, b'\n', 1, 2, b'\n']);
    let _ = tcp.stop();
}

/// Replaces what a text field holds (found by its accessible name).
fn replace_text(harness: &mut Harness<'static, SocketTesterApp>, label: &str, text: &str) {
    harness.get_by_role_and_label(egui::accesskit::Role::TextInput, label).focus();
    harness.run_steps(1);
    harness.key_combination_modifiers(egui::Modifiers::COMMAND, &[egui::Key::A]);
    harness.get_by_role_and_label(egui::accesskit::Role::TextInput, label).type_text(text);
    harness.run_steps(2);
}

#[test]
fn three_steps_built_in_the_window_run_and_show_pass_and_fail() {
    let server = common::LineServer::start("tcp");
    // Tall enough that the form, which scrolls within half the window, shows every step.
    let mut harness = sized_harness(on_port(server.port), egui::vec2(1400.0, 2200.0));
    replace_text(&mut harness, "Reply ends at", "delim:\\n");
    harness.get_by_label("Steps (0)").click();
    harness.run_steps(2);
    for _ in 0..3 {
        harness.get_by_label("+ Step").click();
        harness.run_steps(2);
    }
    for (step, message, expect) in
        [(1, "PING\\n", "contains:PONG"), (2, "HELLO\\n", "text:PONG"), (3, "PING\\n", "text:PONG")]
    {
        replace_text(&mut harness, &format!("Step {step} message"), message);
        replace_text(&mut harness, &format!("Step {step} expectation"), expect);
    }
    // What a steps file has, the window has: a name, and where this step's reply ends.
    replace_text(&mut harness, "Name of step 1", "ping");
    replace_text(&mut harness, "Reply end of step 1", "idle:150");
    assert_eq!(harness.state().sessions()[1].spec().steps.len(), 3);
    harness.get_by_label("Run steps").click();
    step_until(&mut harness, "the run ends", |app| app.sessions()[1].step_results.summary.is_some());
    harness.run_steps(3);
    let results = &harness.state().sessions()[1].step_results;
    let outcomes: Vec<&str> = results
        .steps
        .iter()
        .map(|s| match s.outcome {
            socket_tester::engine::script::StepOutcome::Passed => "passed",
            socket_tester::engine::script::StepOutcome::Skipped => "skipped",
            _ => "failed",
        })
        .collect();
    assert_eq!(outcomes, ["passed", "failed", "skipped"]);
    let first = &results.steps[0];
    assert_eq!(first.label, "1 (ping)", "named as the command line names it");
    assert!(first.wait_us >= 140_000 && first.elapsed_us < 140_000, "the idle wait apart: {first:?}");
    assert!(
        harness.query_all_by_label("1 of 3 steps passed, 1 failed, 1 skipped: step 2 first").count() >= 1
    );
    assert!(harness.query_all_by_label_contains("✔ ").count() >= 1, "a step shows its pass");
    assert!(harness.query_all_by_label_contains("✘ ").count() >= 1, "a step shows its fail");
    let transcript: Vec<String> = harness.state().sessions()[1]
        .transcript
        .iter()
        .filter_map(|e| e.event.as_deref().and_then(|k| harness.state().tr().event(k, Protocol::Tcp)))
        .collect();
    assert!(
        transcript.iter().any(|l| l.starts_with("✘ Step 2 failed: ✘ expected \"PONG\", got \"ERR unknown\"")),
        "{transcript:?}"
    );
    assert!(
        transcript
            .iter()
            .any(|l| l.starts_with("✔ Step 1 (ping) passed") && l.contains("waiting for the reply's end")),
        "{transcript:?}"
    );
}

#[test]
fn a_server_sends_its_message_to_one_client_or_to_all() {
    let port = free_tcp_port();
    let mut harness = harness(on_port(port));
    harness.get_by_label("Start").click();
    step_until(&mut harness, "the server listens", |app| listening(app, 0));
    let mut clients: Vec<TcpStream> =
        (0..2).map(|_| TcpStream::connect(("127.0.0.1", port)).unwrap()).collect();
    step_until(&mut harness, "two clients", |app| app.sessions()[0].clients.len() == 2);
    {
        let form = &mut harness.state_mut().sessions_mut()[0].form;
        let mut message = form.spec().message.clone();
        message.text = "hello all\\n".into();
        message.escapes = true;
        form.set_message(message);
    }
    // A running server's form is folded to one line; Edit shows it whole.
    assert!(harness.state().form_folded(0));
    harness.get_all_by_label("▾ Edit").next().unwrap().click();
    harness.run_steps(2);
    harness.get_by_label("Send to clients").click();
    harness.run_steps(2);
    harness.get_by_label("Send to all clients").click();
    harness.run_steps(3);
    let read = |stream: &mut TcpStream, want: usize| {
        stream.set_read_timeout(Some(WAIT)).unwrap();
        let mut got = vec![0u8; want];
        stream.read_exact(&mut got).unwrap();
        got
    };
    for client in &mut clients {
        assert_eq!(read(client, 10), b"hello all\n");
    }
    // One row's Send: only that client gets it.
    let sends: Vec<_> = harness.get_all_by_label("Send").collect();
    assert_eq!(sends.len(), 3, "one per client row, and the client session's");
    sends[1].click();
    harness.run_steps(3);
    let second = harness.state().sessions()[0].clients.values().nth(1).unwrap().peer;
    let (target, other): (Vec<_>, Vec<_>) =
        clients.iter_mut().partition(|c| c.local_addr().unwrap() == second);
    let (target, other) = (target.into_iter().next().unwrap(), other.into_iter().next().unwrap());
    assert_eq!(read(target, 10), b"hello all\n");
    other.set_read_timeout(Some(Duration::from_millis(300))).unwrap();
    let mut buf = [0u8; 4];
    assert!(other.read(&mut buf).is_err(), "the other client got nothing");
}

#[test]
fn column_headings_and_buttons_explain_themselves_and_the_zoom_shows_its_level() {
    let mut harness = harness(StartupOptions::default());
    // Tooltips at once, without the pointer resting.
    harness.ctx.all_styles_mut(|style| style.interaction.tooltip_delay = 0.0);
    harness.run_steps(2);
    harness.get_all_by_label("Δt").next().unwrap().hover();
    harness.run_steps(3);
    assert!(harness.query_by_label("Time since the previous row").is_some(), "the Δt heading has a tooltip");
    harness.get_all_by_label("↔").next().unwrap().hover();
    harness.run_steps(3);
    assert!(harness.query_by_label("Direction: → sent, ← received, • event, ! error").is_some());
    harness.get_by_label("Connect").hover();
    harness.run_steps(3);
    assert!(harness.query_by_label_contains("Open the connection now and keep it open").is_some());
    // "Hex" is both a view of the transcript and a way to type the message: each says which.
    let (mut view, mut editor) = (false, false);
    for index in 0..harness.get_all_by_label("Hex").count() {
        harness.get_all_by_label("Hex").nth(index).unwrap().hover();
        harness.run_steps(3);
        view |= harness.query_by_label("Show payloads as hex bytes").is_some();
        editor |= harness.query_by_label_contains("Type the bytes as hex pairs").is_some();
    }
    assert!(view && editor, "view {view}, editor {editor}");

    assert!(harness.query_by_label("100%").is_some());
    harness.get_by_label("A+").click();
    harness.run_steps(2);
    assert!(harness.query_by_label("110%").is_some(), "the zoom level is shown");
    harness.get_by_label("110%").click();
    harness.run_steps(2);
    assert!(harness.query_by_label("100%").is_some(), "and resets on a click");
}

#[test]
fn a_new_client_targets_the_running_servers_address() {
    let mut harness = harness(StartupOptions::default());
    // The server listens on a port the system picks.
    let form = &mut harness.state_mut().sessions_mut()[0].form;
    let spec = SessionSpec { host: "127.0.0.1".into(), port: 0, ..form.spec().clone() };
    form.set_spec(spec);
    harness.run_steps(2);
    harness.get_by_label("Start").click();
    step_until(&mut harness, "the server listens", |app| listening(app, 0));
    let Activity::Listening(addrs) = &harness.state().sessions()[0].activity else { unreachable!() };
    let port = addrs[0].port();
    assert_ne!(port, 0);
    harness.get_by_label("+ Client").click();
    harness.run_steps(2);
    let spec = harness.state().sessions().last().unwrap().spec().clone();
    assert_eq!((spec.host.as_str(), spec.port), ("127.0.0.1", port));
}

#[test]
fn closing_a_running_or_unsaved_session_asks_first() {
    let mut harness = harness(on_port(free_tcp_port()));
    // An idle, empty session closes at once.
    harness.get_all_by_label("✖").nth(1).unwrap().click();
    harness.run_steps(2);
    assert_eq!(harness.state().sessions().len(), 1);
    harness.get_by_label("Start").click();
    step_until(&mut harness, "the server listens", |app| listening(app, 0));
    harness.get_by_label("✖").click();
    harness.run_steps(2);
    assert_eq!(harness.state().sessions().len(), 1, "a running session is not closed at once");
    assert!(harness.query_by_label_contains("This session is running: closing stops it.").is_some());
    assert!(harness.query_by_label_contains("not saved: closing loses").is_some());
    harness.get_by_label("Cancel").click();
    harness.run_steps(2);
    assert!(harness.query_by_label_contains("This session is running").is_none());
    assert!(listening(harness.state(), 0), "cancel leaves it running");
    harness.get_by_label("✖").click();
    harness.run_steps(2);
    harness.get_by_label("Close it").click();
    harness.run_steps(2);
    assert!(harness.state().sessions().is_empty());
}

#[test]
fn several_selected_rows_all_show_in_the_details() {
    use bytes::Bytes;
    use socket_tester::engine::{Event, Link};
    let mut harness = harness(StartupOptions::default());
    let link = Link { conn: 1, local: "127.0.0.1:1".parse().unwrap(), peer: "127.0.0.1:2".parse().unwrap() };
    let transcript = &mut harness.state_mut().sessions_mut()[1].transcript;
    for i in 0..5 {
        let kind = EventKind::Received {
            link,
            data: Bytes::from(format!("row {i:04}")),
            truncated: false,
            echo: None,
        };
        transcript.push_event(&Event { at: jiff::Timestamp::now(), session: 1, kind }, 1);
    }
    let seq = |i: usize, app: &SocketTesterApp| app.sessions()[1].transcript.get(i).unwrap().seq;
    let (a, b) = (seq(1, harness.state()), seq(3, harness.state()));
    harness.state_mut().sessions_mut()[1].view.selection = Some((a, b));
    harness.run_steps(2);
    // Each selected row shows in the table and again in the details; the others only once.
    for (row, times) in [("row 0001", 2), ("row 0002", 2), ("row 0003", 2), ("row 0004", 1)] {
        let shown = harness.query_all_by_label_contains(row).count();
        assert!(shown >= times && (times > 1 || shown == 1), "{row}: shown {shown} times");
    }
}

#[test]
fn a_udp_send_with_no_reply_counts_as_a_failed_echo_in_both_languages() {
    // A UDP socket that never answers.
    let silent = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    for (language, send, shown) in [
        (Language::English, "Send", "Echoes: 0 ok, 1 failed"),
        (Language::Spanish, "Enviar", "Ecos: 0 correctos, 1 fallido"),
    ] {
        let mut harness = harness(StartupOptions { language: Some(language), ..on_port(port) });
        let form = &mut harness.state_mut().sessions_mut()[1].form;
        let spec = SessionSpec { protocol: Protocol::Udp, timeout_ms: 200, ..form.spec().clone() };
        form.set_spec(spec);
        harness.run_steps(2);
        harness.get_by_label(send).click();
        step_until(&mut harness, "the timeout", |app| app.sessions()[1].echo_counts() == (0, 1));
        assert!(harness.query_by_label(shown).is_some(), "{shown}");
    }
}

/// Every button, text field, checkbox, combo box and slider in the accessibility tree, with
/// its name; fails the test for any that has none.
fn unnamed_controls(harness: &Harness<'static, SocketTesterApp>) -> Vec<String> {
    use egui::accesskit::Role;
    let controls = [Role::Button, Role::TextInput, Role::MultilineTextInput, Role::CheckBox, Role::ComboBox];
    let mut unnamed = Vec::new();
    for node in
        harness.query_all(egui_kittest::kittest::by().predicate(move |n| controls.contains(&n.role())))
    {
        let ak = node.accesskit_node();
        let name = ak.label().unwrap_or_default();
        if name.trim().is_empty() {
            unnamed.push(format!("{:?} (value {:?})", ak.role(), ak.value()));
        }
    }
    unnamed
}

#[test]
fn every_control_has_an_accessible_name_in_both_languages() {
    for language in [Language::English, Language::Spanish] {
        let mut harness = harness(StartupOptions { language: Some(language), ..StartupOptions::default() });
        harness.run_steps(2);
        // Open what folds away, so its controls are walked too: Help, Open's bar, Save's bar.
        harness.state_mut().sessions_mut()[1].file_bar = Some(socket_tester::ui::files::FileBar {
            purpose: socket_tester::ui::files::Purpose::Record(1),
            path: "x.jsonl".into(),
            pcap: false,
        });
        harness.key_press(egui::Key::F1);
        harness.run_steps(2);
        let unnamed = unnamed_controls(&harness);
        assert!(unnamed.is_empty(), "{language:?}: controls without a name: {unnamed:#?}");
    }
}

#[test]
fn f1_lists_every_shortcut_in_the_windows_language() {
    let mut harness =
        harness(StartupOptions { language: Some(Language::Spanish), ..StartupOptions::default() });
    harness.run_steps(2);
    assert!(harness.query_by_label("Atajos de teclado").is_none());
    harness.key_press(egui::Key::F1);
    harness.run_steps(2);
    assert!(harness.query_by_label("Atajos de teclado").is_some());
    for (keys, _) in socket_tester::ui::app::SHORTCUTS {
        assert!(harness.query_by_label(keys).is_some(), "{keys} is listed");
    }
    assert!(
        harness.query_by_label("Enviar el mensaje del cliente (en la sesión usada por última vez)").is_some()
    );
    harness.key_press(egui::Key::F1);
    harness.run_steps(2);
    assert!(harness.query_by_label("Atajos de teclado").is_none());
}

#[test]
fn tab_reaches_the_send_button_and_enter_presses_it() {
    let port = free_tcp_port();
    let mut harness = harness(on_port(port));
    harness.run_steps(2);
    // Tab through the window until Send has the keyboard focus (bounded).
    let mut reached = false;
    for _ in 0..200 {
        harness.key_press(egui::Key::Tab);
        harness.run_steps(1);
        if harness.get_by_label("Send").accesskit_node().is_focused() {
            reached = true;
            break;
        }
    }
    assert!(reached, "Tab reaches Send");
    harness.key_press(egui::Key::Enter);
    step_until(&mut harness, "the refused connection", |app| {
        app.sessions()[1].transcript.counters().errors > 0
    });
}

#[test]
fn f6_moves_between_the_top_bar_each_form_and_each_transcript_and_shift_f6_back() {
    let mut harness = harness(StartupOptions::default());
    harness.run_steps(2);
    let focused = |harness: &Harness<'_, SocketTesterApp>, label: &str, nth: usize| {
        harness.get_all_by_label(label).nth(nth).is_some_and(|n| n.accesskit_node().is_focused())
    };
    let press = |harness: &mut Harness<'_, SocketTesterApp>, modifiers| {
        harness.key_press_modifiers(modifiers, egui::Key::F6);
        harness.run_steps(3);
    };
    press(&mut harness, egui::Modifiers::NONE);
    assert!(focused(&harness, "+ Client", 0), "F6: the top bar's first button");
    press(&mut harness, egui::Modifiers::NONE);
    assert!(focused(&harness, "Host", 0), "F6: the server's form, at Host");
    press(&mut harness, egui::Modifiers::NONE);
    assert!(focused(&harness, "Text", 0), "F6: the server's transcript, at its toolbar");
    press(&mut harness, egui::Modifiers::NONE);
    assert!(focused(&harness, "Host", 1), "F6: the client's form, at Host");
    press(&mut harness, egui::Modifiers::SHIFT);
    assert!(focused(&harness, "Text", 0), "Shift+F6: back to the server's transcript");
    // Typing lands where F6 put the focus.
    press(&mut harness, egui::Modifiers::NONE);
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness.run_steps(1);
    harness.event(egui::Event::Text("127.0.0.1".into()));
    harness.run_steps(2);
    assert_eq!(harness.state().sessions()[1].spec().host, "127.0.0.1");
    harness.key_press(egui::Key::F1);
    harness.run_steps(2);
    assert!(harness.query_by_label("F6 / Shift+F6").is_some(), "Help lists it");
}

#[test]
fn the_theme_is_chosen_in_the_window_kept_in_the_settings_and_readable() {
    use socket_tester::ui::theme::{self, ThemeChoice};
    let mut harness =
        harness(StartupOptions { theme: Some(ThemeChoice::Light), ..StartupOptions::default() });
    harness.run_steps(2);
    assert_eq!(harness.state().settings().theme, ThemeChoice::Light, "--theme light is kept");
    // Both themes carry the readable colours (theme.rs tests their contrast).
    for t in [egui::Theme::Light, egui::Theme::Dark] {
        assert_eq!(harness.ctx.style_of(t).visuals.error_fg_color, theme::visuals(t).error_fg_color);
    }
    harness.get_by_label_contains("Theme:").click();
    harness.run_steps(2);
    harness.get_by_label("Dark").click();
    harness.run_steps(2);
    assert_eq!(harness.ctx.theme(), egui::Theme::Dark);
    assert_eq!(harness.state().settings().theme, ThemeChoice::Dark);
    harness.get_by_label_contains("Theme:").click();
    harness.run_steps(2);
    harness.get_by_label("Light").click();
    harness.run_steps(2);
    assert_eq!(harness.ctx.theme(), egui::Theme::Light);
}

/// A file dropped onto the window, as the windowing layer hands it over.
#[derive(Debug)]
struct Dropped(std::path::PathBuf);

impl egui::DroppedFile for Dropped {
    fn path(&self) -> &std::path::Path {
        &self.0
    }

    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

#[test]
fn a_jsonl_dropped_onto_the_window_opens_and_anything_else_is_said_plainly() {
    let dir = tempfile::tempdir().unwrap();
    let jsonl = dir.path().join("kept.jsonl");
    std::fs::write(
        &jsonl,
        concat!(
            r#"{"v":2,"time":"2026-11-30T06:00:00Z","session":1,"conn":0,"event":"listening","local":"127.0.0.1:10000","protocol":"Tcp"}"#,
            "\n"
        ),
    )
    .unwrap();
    let mut harness = harness(StartupOptions::default());
    harness.run_steps(2);
    harness.input_mut().dropped_files.push(std::sync::Arc::new(Dropped(jsonl.clone())));
    step_until(&mut harness, "the dropped transcript", |app| app.sessions().len() == 3);
    assert_eq!(harness.state().sessions()[2].opened_from.as_deref(), Some(jsonl.as_path()));
    let name = jsonl.file_name().unwrap().to_string_lossy().into_owned();
    harness.run_steps(2);
    assert!(
        harness.query_all_by_label_contains(&format!("{name} · ")).count() > 0,
        "the tab is named after the file"
    );
    assert_eq!(harness.state().settings().recent.first(), Some(&jsonl), "it is a recent file now");
    let text = dir.path().join("notes.txt");
    std::fs::write(&text, "x").unwrap();
    harness.input_mut().dropped_files.push(std::sync::Arc::new(Dropped(text.clone())));
    harness.run_steps(2);
    let (notice, error) = harness.state().notice().cloned().unwrap();
    assert!(error && notice.contains("Only .jsonl transcripts can be opened here"), "{notice}");
    assert_eq!(harness.state().sessions().len(), 3);
}

#[test]
fn ctrl_tab_and_the_sessions_menu_reach_every_session_behind_its_tabs() {
    let mut harness = harness(StartupOptions::default());
    harness.run_steps(2);
    for _ in 0..3 {
        harness.get_by_label("+ Client").click();
        harness.run_steps(2);
    }
    // Clients 3, 4, 5 open as tabs beside client 2: only the newest shows.
    assert!(harness.state().session_rect(4).is_some());
    assert!(harness.state().session_rect(2).is_none() && harness.state().session_rect(1).is_none());
    harness.key_combination_modifiers(egui::Modifiers::CTRL, &[egui::Key::Tab]);
    harness.run_steps(2);
    assert!(harness.state().session_rect(0).is_some(), "Ctrl+Tab wraps round to the first");
    harness.key_combination_modifiers(egui::Modifiers::CTRL, &[egui::Key::Tab]);
    harness.run_steps(2);
    assert!(harness.state().session_rect(1).is_some(), "and brings client 2's tab to the front");
    assert!(harness.state().session_rect(4).is_none());
    harness.get_by_label("Sessions").click();
    harness.run_steps(2);
    // Its tab bears the same name; the menu's entry is drawn last, on top.
    harness.get_all_by_label("Client 4 · TCP").last().unwrap().click();
    harness.run_steps(2);
    assert!(harness.state().session_rect(3).is_some(), "the menu shows the session chosen by name");
}

#[test]
fn dragging_a_session_by_its_title_onto_another_puts_them_in_one_tab_group() {
    use socket_tester::spec::preset::Arrangement;
    let mut harness = harness(StartupOptions::default());
    harness.run_steps(2);
    let one = |index| Arrangement::Session { index };
    assert!(
        matches!(harness.state().arrangement(), Some(Arrangement::Row { children, .. }) if children == vec![one(0), one(1)])
    );
    let from = harness.get_by_label("Server 1 · TCP").rect().center();
    let target = harness.state().session_rect(1).unwrap().center();
    let pointer = |harness: &mut Harness<'static, SocketTesterApp>, event: egui::Event| {
        harness.input_mut().events.push(event);
        harness.step();
    };
    pointer(&mut harness, egui::Event::PointerMoved(from));
    pointer(
        &mut harness,
        egui::Event::PointerButton {
            pos: from,
            button: egui::PointerButton::Primary,
            pressed: true,
            modifiers: egui::Modifiers::NONE,
        },
    );
    for step in 1..=20 {
        pointer(&mut harness, egui::Event::PointerMoved(from + (target - from) * (step as f32 / 20.0)));
    }
    pointer(
        &mut harness,
        egui::Event::PointerButton {
            pos: target,
            button: egui::PointerButton::Primary,
            pressed: false,
            modifiers: egui::Modifiers::NONE,
        },
    );
    harness.run_steps(3);
    let after = harness.state().arrangement();
    assert!(
        matches!(&after, Some(Arrangement::Tabs { children, .. }) if children.len() == 2),
        "dropped on the middle of the other session: one tab group, {after:?}"
    );
}

/// The connection of the rows the tests make by hand.
fn row_link() -> socket_tester::engine::Link {
    let addr: std::net::SocketAddr = "127.0.0.1:10000".parse().unwrap();
    socket_tester::engine::Link { conn: 1, local: addr, peer: addr }
}

/// Puts hand-made rows in the client's transcript, as its worker's events would.
fn push_client_rows(
    harness: &mut Harness<'static, SocketTesterApp>,
    kinds: impl IntoIterator<Item = EventKind>,
) {
    let client = &mut harness.state_mut().sessions_mut()[1];
    for kind in kinds {
        let event = socket_tester::engine::Event { at: jiff::Timestamp::now(), session: 1, kind };
        client.transcript.push_event(&event, 1);
    }
}

#[test]
fn ctrl_f_finds_text_regex_and_hex_in_the_rows_bytes_and_enter_steps_through_them() {
    let mut harness = harness(StartupOptions::default());
    harness.run_steps(2);
    let link = row_link();
    push_client_rows(
        &mut harness,
        [&b"This is the message."[..], b"It will be REPEATED", b"\x00\xffrepeat\xc3", b"nothing"]
            .map(|data| EventKind::Sent { link, data: bytes::Bytes::copy_from_slice(data) }),
    );
    harness.key_combination_modifiers(egui::Modifiers::COMMAND, &[egui::Key::F]);
    harness.run_steps(2);
    let field = harness.get_by_role_and_label(egui::accesskit::Role::TextInput, "Find");
    field.type_text("repeat");
    harness.run_steps(3);
    assert!(harness.query_by_label("2 matches").is_some(), "text, any case: two rows");
    harness.key_press(egui::Key::Enter);
    harness.run_steps(2);
    assert!(harness.query_by_label("1 of 2 matches").is_some());
    assert_eq!(harness.state().sessions()[1].view.selection, Some((2, 2)), "the first match is selected");
    harness.key_press(egui::Key::Enter);
    harness.run_steps(2);
    assert_eq!(harness.state().sessions()[1].view.selection, Some((3, 3)));
    // The search bar's own mode buttons: on the Find field's row.
    let mode = |harness: &Harness<'static, SocketTesterApp>, label: &str| {
        let y = harness.get_by_role_and_label(egui::accesskit::Role::TextInput, "Find").rect().center().y;
        let node = harness.get_all_by_label(label).find(|n| (n.rect().center().y - y).abs() < 6.0);
        node.unwrap_or_else(|| panic!("{label} beside Find")).click();
    };
    // Hex agrees with text on the bytes: "repeat" in lower case is only in the third row.
    mode(&harness, "Hex");
    harness.run_steps(1);
    let field = harness.get_by_role_and_label(egui::accesskit::Role::TextInput, "Find");
    field.focus();
    harness.key_combination_modifiers(egui::Modifiers::COMMAND, &[egui::Key::A]);
    harness.get_by_role_and_label(egui::accesskit::Role::TextInput, "Find").type_text("72 65 70 65 61 74");
    harness.run_steps(3);
    assert!(harness.query_by_label("1 match").is_some());
    // A regex that does not compile says why.
    mode(&harness, "Regex");
    harness.run_steps(1);
    let field = harness.get_by_role_and_label(egui::accesskit::Role::TextInput, "Find");
    field.focus();
    harness.key_combination_modifiers(egui::Modifiers::COMMAND, &[egui::Key::A]);
    harness.get_by_role_and_label(egui::accesskit::Role::TextInput, "Find").type_text("mes+age\\.$");
    harness.run_steps(3);
    assert!(harness.query_by_label("1 match").is_some());
    harness.key_combination_modifiers(egui::Modifiers::COMMAND, &[egui::Key::A]);
    harness.get_by_role_and_label(egui::accesskit::Role::TextInput, "Find").type_text("(");
    harness.run_steps(3);
    assert!(harness.query_all_by_label_contains("⚠ regex parse error").count() >= 1);
}

#[test]
fn the_rows_menu_hides_kinds_of_rows_and_shows_only_failures() {
    use socket_tester::engine::EchoCheck;
    let mut harness = harness(StartupOptions::default());
    harness.run_steps(2);
    let link = row_link();
    let echo = |matches| Some(EchoCheck { rtt_us: 40, matches, bytes: 8 });
    let received = |data: &'static [u8], matches| EventKind::Received {
        link,
        data: bytes::Bytes::from_static(data),
        truncated: false,
        echo: echo(matches),
    };
    push_client_rows(
        &mut harness,
        [
            EventKind::Connected(link),
            EventKind::Sent { link, data: bytes::Bytes::from_static(b"ping-out") },
            received(b"pong-bad", false),
            received(b"ping-out", true),
        ],
    );
    harness.run_steps(2);
    assert!(harness.query_by_label_contains("\"pong-bad\"").is_some());
    // The client's Rows menu: the second one (the server's comes first).
    harness.get_all_by_label("Rows").nth(1).unwrap().click();
    harness.run_steps(2);
    harness.get_by_label("Sent").click();
    harness.run_steps(3);
    assert!(harness.query_by_label("showing 3 of 4").is_some(), "sent rows hidden");
    if harness.query_by_label("Only failures").is_none() {
        harness.get_all_by_label("Rows").nth(1).unwrap().click();
        harness.run_steps(2);
    }
    harness.get_by_label("Only failures").click();
    harness.run_steps(3);
    assert!(harness.query_by_label("showing 1 of 4").is_some(), "only the echo that differs");
    assert!(harness.query_by_label_contains("\"pong-bad\"").is_some());
    assert!(harness.query_by_label_contains("\"ping-out\"").is_none());
    harness.key_press(egui::Key::Escape);
    harness.run_steps(2);
    harness.get_by_label("Show all").click();
    harness.run_steps(2);
    assert_eq!(harness.query_all_by_label_contains("\"ping-out\"").count(), 2, "sent and echoed again");
    assert!(harness.query_by_label_contains("showing").is_none());
}

#[test]
fn the_statistics_panel_gives_the_figures_of_known_round_trips_and_a_click_on_a_point_selects_its_row() {
    use socket_tester::engine::{EchoCheck, Event};
    let mut harness = harness(StartupOptions::default());
    harness.run_steps(2);
    let start = jiff::Timestamp::now();
    {
        let client = &mut harness.state_mut().sessions_mut()[1];
        let link = row_link();
        for (i, rtt_us) in [100, 300, 200, 400, 1000].into_iter().enumerate() {
            let echo = Some(EchoCheck { rtt_us, matches: true, bytes: 4 });
            let data = bytes::Bytes::from_static(b"ping");
            let kind = EventKind::Received { link, data, truncated: false, echo };
            let at = start + jiff::SignedDuration::from_millis(100 * i as i64);
            client.ingest(&Event { at, session: 1, kind });
        }
    }
    harness.get_all_by_label("Statistics").nth(1).unwrap().click();
    // A window's first frame only measures it.
    harness.run_steps(6);
    assert!(harness.query_by_label("Round trips").is_some());
    // min 100 µs, mean 400 µs, p50 300 µs, p90 to max 1 ms (4 of them: p90, p99, p99.9 and
    // max, by nearest rank of 5), jitter (200+100+200+600)/4 = 275 µs.
    for (value, times) in [("100 µs", 1), ("400 µs", 1), ("300 µs", 1), ("1.00 ms", 4), ("275 µs", 1)] {
        assert_eq!(harness.query_all_by_label(value).count(), times, "{value} in the statistics");
    }
    assert!(harness.query_by_label("Lost").is_some());
    // The fourth round trip (400 µs, 0.3 s in) is the fourth row: a click on its point selects it.
    let transform = harness.state().sessions()[1].stats_view.as_ref().and_then(|v| v.transform).unwrap();
    let at = transform.position_from_point(&egui_plot::PlotPoint::new(0.3, 0.4));
    harness.event(egui::Event::PointerMoved(at));
    harness.run_steps(1);
    for pressed in [true, false] {
        let modifiers = egui::Modifiers::NONE;
        harness.event(egui::Event::PointerButton {
            pos: at,
            button: egui::PointerButton::Primary,
            pressed,
            modifiers,
        });
        harness.run_steps(1);
    }
    harness.run_steps(2);
    assert_eq!(harness.state().sessions()[1].view.selection, Some((4, 4)), "the clicked point's row");
    // The histogram and the throughput draw from the same figures.
    harness.get_by_label("Histogram").click();
    harness.run_steps(3);
    assert!(harness.query_by_label("Round trips").is_some());
    harness.get_by_label("Throughput").click();
    harness.run_steps(3);
    assert!(harness.query_by_label_contains("Nothing to plot").is_none());
}

#[test]
fn the_load_window_runs_the_load_generator_against_this_windows_server_and_saves_its_json() {
    let port = free_tcp_port();
    let mut harness = harness(on_port(port));
    // The load's bytes are a pseudo-random pattern: the server's transcript shows characters
    // from every script, which the app draws as boxes where its fonts have no glyph.
    harness.ctx.set_missing_glyph_policy(egui::MissingGlyphPolicy::Tofu);
    harness.get_by_label("Start").click();
    step_until(&mut harness, "the server listens", |app| listening(app, 0));
    harness.get_by_label("Load test").click();
    harness.run_steps(4);
    // A bad value is named, in words, and nothing starts.
    harness.state_mut().load.form.connections = "0".into();
    harness.get_by_label("Start load").click();
    harness.run_steps(2);
    assert!(harness.query_by_label_contains("Connections: enter a number from 1 to 100000").is_some());
    assert!(harness.state().load.run.is_none());
    harness.state_mut().load.form.connections = "2".into();
    harness.state_mut().load.form.count = "300".into();
    harness.get_by_label("This window's server").click();
    harness.run_steps(1);
    assert_eq!(harness.state().load.form.target, format!("127.0.0.1:{port}"));
    harness.get_by_label("Start load").click();
    harness.run_steps(1);
    assert!(harness.state().load.run.is_some(), "running");
    step_until(&mut harness, "the load run ends", |app| app.load.run.is_none());
    harness.run_steps(2);
    let Some(Ok(report)) = &harness.state().load.outcome else { panic!("a report") };
    assert!(report.ok, "{}", report.summary());
    assert_eq!(report.messages_echoed, 300);
    assert!(harness.query_by_label("Every echo came back right.").is_some());
    // The same JSON line as the command line, saved where the field says.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("load.json");
    harness.state_mut().load.json_path = path.display().to_string();
    harness.get_by_label("Save JSON").click();
    step_until(&mut harness, "the report is written", |_| path.exists());
    let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(json["messages_echoed"], 300);
    assert_eq!(json["target"], format!("127.0.0.1:{port}"));
}

#[test]
fn the_rows_menu_keeps_one_connection_peer_or_time_range_as_removable_chips() {
    use socket_tester::engine::{Event, Link};
    let mut harness = harness(StartupOptions::default());
    harness.run_steps(2);
    let one = row_link();
    let other_peer: std::net::SocketAddr = "[::1]:40002".parse().unwrap();
    let two = Link { conn: 2, peer: other_peer, ..one };
    let start = jiff::Timestamp::now();
    {
        let client = &mut harness.state_mut().sessions_mut()[1];
        let rows: [(u64, Link, &'static [u8]); 5] = [
            (1, one, b"one-a"),
            (2, two, b"two-a"),
            (1, one, b"one-b"),
            (2, two, b"two-b"),
            (1, one, b"one-c"),
        ];
        for (i, (conn, link, data)) in rows.into_iter().enumerate() {
            let at = start + jiff::SignedDuration::from_millis(10 * i as i64);
            let kind = EventKind::Sent { link, data: bytes::Bytes::from_static(data) };
            client.transcript.push_event(&Event { at, session: 1, kind }, conn);
        }
    }
    harness.run_steps(2);
    let rows_menu = |harness: &mut Harness<'static, SocketTesterApp>| {
        harness.get_all_by_label("Rows").nth(1).unwrap().click();
        harness.run_steps(2);
    };
    // With no row selected, the entries say what they need.
    rows_menu(&mut harness);
    assert!(harness.query_by_label("Only one connection (select a row first)").is_some());
    rows_menu(&mut harness);
    assert!(harness.query_by_label("Only one connection (select a row first)").is_none(), "closed");
    // Select "two-a" (connection 2, peer [::1]:40002): only its connection.
    harness.state_mut().sessions_mut()[1].view.selection = Some((2, 2));
    harness.run_steps(2);
    rows_menu(&mut harness);
    harness.get_by_label("Connection #2").click();
    harness.run_steps(3);
    assert!(harness.query_by_label("showing 2 of 5").is_some());
    assert!(harness.query_by_label_contains("\"one-a\"").is_none());
    // Its chip removes it.
    harness.get_by_label("Connection #2  ✖").click();
    harness.run_steps(3);
    assert!(harness.query_by_label_contains("showing").is_none());
    // The same row's peer, then from its time on: the two parts combine.
    rows_menu(&mut harness);
    harness.get_by_label("Peer [::1]:40002").click();
    harness.run_steps(3);
    assert!(harness.query_by_label("showing 2 of 5").is_some());
    harness.state_mut().sessions_mut()[1].view.selection = Some((4, 4));
    harness.run_steps(2);
    rows_menu(&mut harness);
    harness.get_by_label_contains("From ").click();
    harness.run_steps(3);
    assert!(harness.query_by_label("showing 1 of 5").is_some(), "peer and time together");
    assert_eq!(harness.query_all_by_label_contains("  ✖").count(), 2, "two chips");
    harness.get_by_label("Show all").click();
    harness.run_steps(3);
    assert!(harness.query_by_label_contains("showing").is_none());
}

#[test]
fn columns_fit_their_widest_real_values() {
    use socket_tester::engine::{Event, Link};
    // Wide enough that no column folds away for the content's sake.
    let mut harness = wide_harness(StartupOptions::default(), 2000.0);
    harness.run_steps(2);
    let peer: std::net::SocketAddr = "[::1]:10000".parse().unwrap();
    let link = Link { conn: 12, peer, ..row_link() };
    let start = jiff::Timestamp::now();
    {
        let client = &mut harness.state_mut().sessions_mut()[1];
        let big = bytes::Bytes::from(vec![b'x'; 65_536]);
        // A second peer, so that the Peer column shows (one peer's would fold away).
        let other = Link { conn: 3, peer: "127.0.0.1:5".parse().unwrap(), ..row_link() };
        let rows = [
            (0, EventKind::Connected(other)),
            (0, EventKind::Sent { link, data: big }),
            (1290, EventKind::Connected(link)),
        ];
        for (dt_us, kind) in rows {
            let at = start + jiff::SignedDuration::from_micros(dt_us);
            client.transcript.push_event(&Event { at, session: 1, kind }, 12);
        }
    }
    harness.run_steps(4);
    let body = egui::TextStyle::Body.resolve(&harness.ctx.global_style());
    for text in ["65,536 B", "+1.29 ms", "[::1]:10000", "#12"] {
        let needed = harness
            .ctx
            .fonts_mut(|f| f.layout_no_wrap(text.to_string(), body.clone(), egui::Color32::WHITE).size().x);
        let nodes: Vec<_> = harness.query_all_by_label(text).collect();
        assert!(!nodes.is_empty(), "{text} is shown");
        for node in nodes {
            let shown = node.accesskit_node().bounding_box().map_or(0.0, |b| b.width() as f32);
            assert!(shown + 0.5 >= needed, "{text}: {shown} px shown of {needed} px");
        }
    }
}

#[test]
fn wrap_shows_a_long_payload_over_several_lines_and_rows_keep_their_order() {
    let mut harness = harness(StartupOptions::default());
    harness.run_steps(2);
    let link = row_link();
    let long: String = "Este es el mensaje. Se repetirá. ".repeat(8);
    let long: &'static str = Box::leak(long.into_boxed_str());
    push_client_rows(
        &mut harness,
        [
            EventKind::Sent { link, data: bytes::Bytes::from_static(long.as_bytes()) },
            EventKind::Sent { link, data: bytes::Bytes::from_static(b"short") },
        ],
    );
    harness.run_steps(2);
    let height = |harness: &Harness<'static, SocketTesterApp>, text: &str| {
        let node = harness.get_by_label_contains(text);
        node.accesskit_node().bounding_box().map_or(0.0, |b| b.height())
    };
    let line = height(&harness, "\"short\"");
    assert!(height(&harness, "Se repetirá. Este") < line * 1.5, "one line while not wrapping");
    harness.get_all_by_label("Wrap").nth(1).unwrap().click();
    harness.run_steps(4);
    let wrapped = height(&harness, "Se repetirá. Este");
    assert!(wrapped > line * 2.5, "several lines: {wrapped} against {line}");
    // The next row sits below the whole wrapped one.
    let top = |harness: &Harness<'static, SocketTesterApp>, text: &str| {
        harness.get_by_label_contains(text).accesskit_node().bounding_box().map_or(0.0, |b| b.y0)
    };
    assert!(top(&harness, "\"short\"") >= top(&harness, "Se repetirá. Este") + wrapped - 1.0);
}

#[test]
fn the_code_window_shows_the_sessions_python_follows_the_form_and_saves_it() {
    let port = free_tcp_port();
    let mut harness = harness(on_port(port));
    harness.get_all_by_label("Code").nth(1).unwrap().click();
    harness.run_steps(6);
    assert!(harness.query_by_label_contains("def tcp_client():").is_some());
    assert!(harness.query_by_label_contains(&format!("PORT = {port}")).is_some());
    // The program follows the form.
    harness.state_mut().sessions_mut()[1].form.set_message(socket_tester::spec::MessageSpec {
        text: "hola".into(),
        ..socket_tester::spec::MessageSpec::default()
    });
    harness.run_steps(2);
    assert!(harness.query_by_label_contains("MESSAGE = 'hola'.encode(\"utf-8\")").is_some());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("client.py");
    harness.state_mut().sessions_mut()[1].code_view = Some(path.display().to_string());
    harness.run_steps(1);
    harness.get_by_label("Save").click();
    step_until(&mut harness, "the program is written", |_| path.exists());
    let code = std::fs::read_to_string(&path).unwrap();
    assert!(code.contains("sock.sendall(MESSAGE)") && code.contains("'hola'"), "{code}");
}

#[test]
fn what_happened_says_a_selected_reset_in_plain_words_in_both_languages() {
    use socket_tester::engine::{Error, Event};
    for (language, words) in [
        (Language::English, "This is a known flaw of the tutorial's client"),
        (Language::Spanish, "Es un fallo conocido del cliente del tutorial"),
    ] {
        let mut harness = harness(StartupOptions { language: Some(language), ..StartupOptions::default() });
        harness.run_steps(2);
        let link = row_link();
        {
            let server = &mut harness.state_mut().sessions_mut()[0];
            let message = bytes::Bytes::from_static("Este es el mensaje. Se repetirá.".as_bytes());
            let reset = Error::new(
                ErrorKind::Reset,
                socket_tester::engine::Op::Receive,
                link.peer,
                socket_tester::engine::error::Reason::Plain,
            );
            for kind in [
                EventKind::Accepted(link),
                EventKind::Received { link, data: message.clone(), truncated: false, echo: None },
                EventKind::Sent { link, data: message },
                EventKind::Failed { link: Some(link), error: reset },
            ] {
                server.transcript.push_event(&Event { at: jiff::Timestamp::now(), session: 1, kind }, 1);
            }
            server.view.selection = Some((4, 4));
        }
        harness.run_steps(3);
        assert!(harness.query_by_label_contains(words).is_some(), "{language:?}");
        assert!(harness.query_all_by_label_contains("(RST)").count() >= 1, "the explanation names the reset");
    }
}

#[test]
fn f5_presents_larger_in_high_contrast_without_advanced_and_explains_the_newest_row() {
    let mut harness = harness(StartupOptions::default());
    harness.run_steps(2);
    let zoom = harness.ctx.zoom_factor();
    assert!(harness.query_all_by_label("Advanced").count() >= 1);
    let link = row_link();
    push_client_rows(&mut harness, [EventKind::Connected(link)]);
    harness.key_press(egui::Key::F5);
    harness.run_steps(3);
    assert!(harness.state().presenting());
    assert!((harness.ctx.zoom_factor() - zoom * 1.6).abs() < 0.01, "{}", harness.ctx.zoom_factor());
    assert_eq!(harness.query_all_by_label("Advanced").count(), 0, "Advanced hidden");
    assert!(harness.query_by_label("What happened").is_some(), "the newest row explained");
    assert!(harness.query_by_label_contains("(connect)").is_some());
    let text = harness.ctx.global_style().visuals.text_color();
    assert!(text == egui::Color32::WHITE || text == egui::Color32::BLACK, "high contrast: {text:?}");
    harness.key_press(egui::Key::F5);
    harness.run_steps(3);
    assert!(!harness.state().presenting());
    assert!((harness.ctx.zoom_factor() - zoom).abs() < 0.01);
    assert!(harness.query_all_by_label("Advanced").count() >= 1);
    assert!(harness.query_by_label("What happened").is_none());
}

#[test]
fn the_tour_leads_to_the_first_echo_can_be_skipped_and_replays_from_help() {
    let port = free_tcp_port();
    let mut harness = harness(on_port(port));
    harness.state_mut().start_tour();
    harness.run_steps(3);
    assert!(harness.query_by_label("Start the server").is_some());
    assert!(harness.query_by_label("Step 1 of 3").is_some());
    harness.get_by_label("Start").click();
    step_until(&mut harness, "the tour's second step", |app| app.tour_step() == Some(1));
    harness.run_steps(2);
    assert!(harness.query_by_label("Send from the client").is_some());
    harness.get_by_label("Send").click();
    step_until(&mut harness, "the tour's last step", |app| app.tour_step() == Some(2));
    harness.run_steps(2);
    assert!(harness.query_by_label("Read the transcript").is_some());
    harness.get_by_label("Done").click();
    harness.run_steps(2);
    assert_eq!(harness.state().tour_step(), None);
    assert!(harness.state().tour_done(), "not shown again");
    assert!(harness.query_by_label("Read the transcript").is_none());
    // Help replays it; Skip ends it at once.
    harness.key_press(egui::Key::F1);
    harness.run_steps(4);
    harness.get_by_label("Replay the tour").click();
    harness.run_steps(3);
    assert_eq!(harness.state().tour_step(), Some(1), "the server still listens, so step 1 at once");
    harness.get_by_label("Skip the tour").click();
    harness.run_steps(2);
    assert_eq!(harness.state().tour_step(), None);
}

#[test]
fn the_diagram_draws_each_step_and_steps_through_with_the_transcript_selection() {
    let mut harness = harness(StartupOptions::default());
    harness.run_steps(2);
    let link = row_link();
    let message: &'static [u8] = "Este es el mensaje. Se repetirá.".as_bytes();
    let piece = |range: std::ops::Range<usize>| EventKind::Received {
        link,
        data: bytes::Bytes::from_static(&message[range]),
        truncated: false,
        echo: None,
    };
    push_client_rows(
        &mut harness,
        [
            EventKind::Connected(link),
            EventKind::Sent { link, data: bytes::Bytes::from_static(message) },
            piece(0..16),
            piece(16..32),
            piece(32..33),
            EventKind::ConnectionClosed { link, bytes_in: 33, bytes_out: 33 },
        ],
    );
    harness.get_all_by_label("Diagram").nth(1).unwrap().click();
    harness.run_steps(6);
    // Every step is drawn, each with its words for screen readers and tests.
    assert!(harness.query_by_label("• connect").is_some());
    assert!(harness.query_by_label_contains("→ \"Este es el mensaje").is_some());
    assert_eq!(harness.query_all_by_label_contains("← \"").count(), 3, "three reads, three arrows");
    assert!(harness.query_by_label("• close").is_some());
    assert!(harness.query_by_label("Step – of 6").is_some());
    // Step forward twice: the second step (the send) is selected in the transcript too.
    harness.get_by_label("▶|").click();
    harness.run_steps(2);
    harness.get_by_label("▶|").click();
    harness.run_steps(3);
    assert_eq!(harness.state().sessions()[1].view.selection, Some((2, 2)));
    assert!(harness.query_by_label("Step 2 of 6").is_some());
    // ...and explained in "What happened".
    assert!(harness.query_by_label_contains("sendall").is_some());
    harness.get_by_label("◀").click();
    harness.run_steps(2);
    assert_eq!(harness.state().sessions()[1].view.selection, Some((1, 1)));
    // A click on an arrow selects its row.
    harness.get_by_label("• close").click();
    harness.run_steps(2);
    assert_eq!(harness.state().sessions()[1].view.selection, Some((6, 6)));
    // Play from the end starts again at the first step; Pause stops.
    harness.get_by_label("▶ Play").click();
    harness.run_steps(2);
    let diagram = |h: &Harness<'static, SocketTesterApp>| h.state().sessions()[1].diagram.clone().unwrap();
    assert!(diagram(&harness).playing);
    assert_eq!(diagram(&harness).cursor, Some(0));
    harness.get_by_label("■ Pause").click();
    harness.run_steps(2);
    assert!(!diagram(&harness).playing);
    // Calm pace slows the client's own steps too: a second between connect, send and close.
    harness.get_by_label("Calm pace").click();
    harness.run_steps(2);
    assert_eq!(harness.state().sessions()[1].spec().plan.pace_ms, 1000);
    assert!(diagram(&harness).calm);
}

#[test]
fn stepping_the_diagram_keeps_the_current_step_in_view() {
    let mut harness = harness(StartupOptions::default());
    harness.run_steps(2);
    let link = row_link();
    // Far more arrows than the window holds: following live, it shows the newest.
    let sends = (0..80).map(|_| EventKind::Sent { link, data: bytes::Bytes::from_static(b"ping") });
    let rows: Vec<EventKind> = std::iter::once(EventKind::Connected(link))
        .chain(sends)
        .chain(std::iter::once(EventKind::ConnectionClosed { link, bytes_in: 0, bytes_out: 320 }))
        .collect();
    push_client_rows(&mut harness, rows);
    harness.get_all_by_label("Diagram").nth(1).unwrap().click();
    harness.run_steps(6);
    assert!(harness.query_by_label("• close").is_some(), "the newest arrow is in view");
    assert!(harness.query_by_label("• connect").is_none(), "the first is far above");
    // Step 1 is the first arrow: it comes into view, and stays there.
    harness.get_by_label("▶|").click();
    harness.run_steps(6);
    assert!(harness.query_by_label("Step 1 of 82").is_some());
    assert!(harness.query_by_label("• connect").is_some(), "the current step is in view");
    harness.get_by_label("▶|").click();
    harness.run_steps(6);
    assert!(harness.query_by_label("• connect").is_some(), "step 2 keeps its neighbour in view");
}

#[test]
fn the_explain_column_puts_each_row_in_plain_words() {
    let mut harness =
        harness(StartupOptions { language: Some(Language::Spanish), ..StartupOptions::default() });
    harness.run_steps(2);
    let link = row_link();
    push_client_rows(
        &mut harness,
        [EventKind::Connected(link), EventKind::Sent { link, data: bytes::Bytes::from_static(b"hola") }],
    );
    harness.get_all_by_label("Explicar").nth(1).unwrap().click();
    harness.run_steps(3);
    assert!(harness.query_by_label("Qué pasó").is_some(), "the column's heading");
    assert!(harness.query_by_label_contains("El cliente se conectó al servidor").is_some());
    assert!(harness.query_by_label_contains("El cliente envió 4 bytes al servidor").is_some());
}

#[test]
fn shortcuts_open_the_statistics_diagram_code_and_load_windows() {
    let mut harness = harness(StartupOptions::default());
    harness.run_steps(2);
    let shift_command = egui::Modifiers::COMMAND | egui::Modifiers::SHIFT;
    let active = harness.state().sessions().len() - 1;
    harness.state_mut().show_session(active);
    harness.run_steps(2);
    for key in [egui::Key::S, egui::Key::D, egui::Key::C, egui::Key::L] {
        harness.key_press_modifiers(shift_command, key);
        harness.run_steps(2);
    }
    let app = harness.state();
    let session = app.sessions().iter().find(|s| s.stats_view.is_some()).expect("a statistics window");
    assert!(session.diagram.is_some() && session.code_view.is_some(), "diagram and code of the same session");
    assert!(app.load.open);
    // Help lists them.
    harness.key_press(egui::Key::F1);
    harness.run_steps(4);
    for keys in ["Ctrl+Shift+S", "Ctrl+Shift+D", "Ctrl+Shift+C", "Ctrl+Shift+L", "F5"] {
        assert!(harness.query_by_label(keys).is_some(), "{keys} in Help");
    }
}

#[test]
fn a_self_signed_tls_server_is_refused_then_trusted_with_one_click() {
    let port = free_tcp_port();
    let mut harness = harness(on_port(port));
    // TLS on for the server (first) and the client (second).
    click_nth(&mut harness, "TLS (encrypted)", 0);
    click_nth(&mut harness, "TLS (encrypted)", 1);
    harness.run_steps(4);
    assert!(harness.state().sessions().iter().all(|s| s.spec().tls.enabled));
    harness.get_by_label("Start").click();
    step_until(&mut harness, "the server listens", |app| listening(app, 0));
    let listening_row =
        harness.state().sessions()[0].transcript.iter().find_map(|e| match e.event.as_deref() {
            Some(EventKind::Listening { tls: Some(tls), .. }) => tls.cert.clone(),
            _ => None,
        });
    let fingerprint = listening_row.expect("the listening row shows the certificate").sha256;

    harness.get_by_label("Send").click();
    step_until(&mut harness, "the refusal", |app| app.sessions()[1].transcript.counters().errors > 0);
    let offer = format!("The server's certificate is self-signed: SHA-256 {fingerprint}");
    harness.run_steps(4);
    assert!(harness.query_by_label_contains(&offer).is_some(), "the window offers to pin {fingerprint}");
    harness.get_by_label("Trust this certificate").click();
    harness.run_steps(4);
    assert_eq!(harness.state().sessions()[1].spec().tls.pin, fingerprint);
    harness.get_by_label("Send").click();
    step_until(&mut harness, "the echo over TLS", |app| {
        app.sessions()[1].transcript.counters().echoes_ok == 1
    });
    let secured = harness.state().sessions()[1].transcript.iter().find_map(|e| match e.event.as_deref() {
        Some(EventKind::Secured { tls, .. }) => Some(tls.clone()),
        _ => None,
    });
    let secured = secured.expect("a handshake row");
    assert_eq!(secured.verify, Some(socket_tester::spec::Verify::Pin));
    assert_eq!(secured.cert.map(|c| c.sha256), Some(fingerprint));
}

#[test]
fn a_self_signed_ca_certificate_is_refused_with_its_fingerprint_then_trusted_with_one_click() {
    // A CA certificate serving as the server's own, as `openssl req -x509` makes (CA:TRUE).
    let dir = tempfile::tempdir().unwrap();
    let key = rcgen::KeyPair::generate().unwrap();
    let mut params = rcgen::CertificateParams::new(vec!["localhost".to_string()]).unwrap();
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    params.distinguished_name.push(rcgen::DnType::CommonName, "localhost");
    let cert = params.self_signed(&key).unwrap();
    let (cert_path, key_path) = (dir.path().join("ca.pem"), dir.path().join("ca.key"));
    std::fs::write(&cert_path, cert.pem()).unwrap();
    std::fs::write(&key_path, key.serialize_pem()).unwrap();
    let fingerprint: String = ring::digest::digest(&ring::digest::SHA256, cert.der())
        .as_ref()
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":");

    let port = free_tcp_port();
    let mut harness = harness(on_port(port));
    let server = &mut harness.state_mut().sessions_mut()[0].form;
    let mut spec = server.spec().clone();
    spec.tls.enabled = true;
    spec.tls.cert = cert_path.display().to_string();
    spec.tls.key = key_path.display().to_string();
    server.set_spec(spec);
    let client = &mut harness.state_mut().sessions_mut()[1].form;
    let mut spec = client.spec().clone();
    spec.tls.enabled = true;
    spec.tls.ca = cert_path.display().to_string();
    client.set_spec(spec);
    harness.run_steps(2);
    harness.get_by_label("Start").click();
    step_until(&mut harness, "the server listens", |app| listening(app, 0));
    harness.get_by_label("Send").click();
    step_until(&mut harness, "the refusal", |app| app.sessions()[1].transcript.counters().errors > 0);
    harness.run_steps(4);
    let errors: Vec<String> = harness.state().sessions()[1]
        .transcript
        .iter()
        .filter_map(|e| match e.event.as_deref() {
            Some(EventKind::Failed { error, .. }) => Some(format!("{:?}", error.reason)),
            _ => None,
        })
        .collect();
    assert!(errors.iter().any(|e| e.contains("TlsCaAsServer") && e.contains(&fingerprint)), "{errors:?}");
    let offer = format!("The server's certificate is self-signed: SHA-256 {fingerprint}");
    assert!(harness.query_by_label_contains(&offer).is_some(), "the window offers to pin {fingerprint}");
    harness.get_by_label("Trust this certificate").click();
    harness.run_steps(4);
    assert_eq!(harness.state().sessions()[1].spec().tls.pin, fingerprint);
    harness.get_by_label("Send").click();
    step_until(&mut harness, "the echo over TLS", |app| {
        app.sessions()[1].transcript.counters().echoes_ok == 1
    });
}

#[test]
fn socket_options_set_under_advanced_are_applied_and_their_grant_shown() {
    let port = free_tcp_port();
    // Tall enough for the client's form to show its Advanced section whole.
    let mut harness = sized_harness(on_port(port), egui::vec2(1400.0, 2400.0));
    click_nth(&mut harness, "Advanced", 1);
    harness.run_steps(3);
    replace_text(&mut harness, "Receive buffer (bytes)", "65536");
    replace_text(&mut harness, "TTL (hops)", "300");
    harness.run_steps(2);
    assert!(
        harness.query_by_label_contains("enter a number from 1 to 255").is_some(),
        "a TTL out of range is named under its field"
    );
    assert!(!harness.state().sessions()[1].form.is_valid());
    replace_text(&mut harness, "TTL (hops)", "9");
    harness.get_by_label("Close with a reset").click();
    harness.run_steps(3);
    let options = harness.state().sessions()[1].spec().options.clone();
    assert_eq!((options.recv_buffer, options.ttl, options.linger_zero), (Some(65_536), Some(9), true));
    harness.get_by_label("Start").click();
    step_until(&mut harness, "the server listens", |app| listening(app, 0));
    harness.get_by_label("Send").click();
    step_until(&mut harness, "the echo", |app| app.sessions()[1].transcript.counters().echoes_ok == 1);
    let granted = harness.state().sessions()[1].transcript.iter().find_map(|e| match e.event.as_deref() {
        Some(EventKind::Notice(socket_tester::engine::Notice::OptionsSet { options, .. })) => {
            Some(options.clone())
        }
        _ => None,
    });
    let granted = granted.expect("the options line");
    let rcv = granted.iter().find(|o| o.name == "SO_RCVBUF").expect("SO_RCVBUF");
    assert_eq!((rcv.asked.as_str(), rcv.granted.as_str()), ("65536", "131072"));
    assert!(granted.iter().any(|o| o.name == "SO_LINGER" && o.granted == "0 s"));
    assert!(harness.query_by_label_contains("SO_RCVBUF 65536 (the system granted 131072)").is_some());
}

#[test]
fn a_relay_added_in_the_window_forwards_and_shows_both_legs() {
    let port = free_tcp_port();
    let relay_port = free_tcp_port();
    let mut harness = wide_harness(on_port(port), 2000.0);
    harness.get_by_label("Start").click();
    step_until(&mut harness, "the server listens", |app| listening(app, 0));
    harness.get_by_label("+ Relay").click();
    harness.run_steps(3);
    assert_eq!(harness.state().sessions().len(), 3);
    let relay = harness.state().sessions()[2].spec().clone();
    assert!(relay.relay.enabled);
    assert_eq!(relay.relay.to, format!("127.0.0.1:{port}"), "the relay points at the running server");
    let form = &mut harness.state_mut().sessions_mut()[2].form;
    form.set_spec(SessionSpec { host: "127.0.0.1".into(), port: relay_port, ..relay });
    // The client sends to the relay.
    let client = &mut harness.state_mut().sessions_mut()[1].form;
    let spec = SessionSpec { port: relay_port, ..client.spec().clone() };
    client.set_spec(spec);
    harness.run_steps(3);
    assert!(harness.query_by_label("Relay to").is_some(), "the relay's form");
    let starts: Vec<_> = harness.get_all_by_label("Start").collect();
    assert_eq!(starts.len(), 1, "the server runs; the relay's Start is left");
    starts[0].click();
    step_until(&mut harness, "the relay listens", |app| listening(app, 2));
    harness.get_by_label("Send").click();
    step_until(&mut harness, "the echo through the relay", |app| {
        app.sessions()[1].transcript.counters().echoes_ok == 1
    });
    step_until(&mut harness, "the relay's four data rows", |app| {
        app.sessions()[2]
            .transcript
            .iter()
            .filter(|e| matches!(e.direction, Direction::Sent | Direction::Received))
            .count()
            >= 4
    });
    let relay = &harness.state().sessions()[2].transcript;
    let peers: Vec<String> = relay
        .iter()
        .filter(|e| matches!(e.direction, Direction::Sent | Direction::Received))
        .filter_map(|e| e.peer.map(|p| p.to_string()))
        .collect();
    assert!(peers.iter().any(|p| p == &format!("127.0.0.1:{port}")), "the server's leg: {peers:?}");
    assert!(peers.iter().any(|p| p != &format!("127.0.0.1:{port}")), "the client's leg: {peers:?}");
}

#[test]
fn a_udp_servers_groups_are_checked_in_the_form_and_joined_at_start() {
    let port = free_udp_port();
    let options = StartupOptions { protocol: Some(Protocol::Udp), ..on_port(port) };
    let mut harness = sized_harness(options, egui::vec2(1400.0, 2400.0));
    click_nth(&mut harness, "Advanced", 0);
    harness.run_steps(3);
    replace_text(&mut harness, "Join groups", "10.1.2.3");
    harness.run_steps(2);
    assert!(
        harness.query_by_label_contains("not a multicast group").is_some(),
        "the problem under its field"
    );
    assert!(!harness.state().sessions()[0].form.is_valid());
    replace_text(&mut harness, "Join groups", "239.255.1.2");
    replace_text(&mut harness, "On interface", "lo");
    harness.run_steps(2);
    assert!(harness.state().sessions()[0].form.is_valid());
    harness.get_by_label("Start").click();
    step_until(&mut harness, "the server joins", |app| {
        app.sessions()[0].transcript.iter().any(|e| {
            matches!(
                e.event.as_deref(),
                Some(EventKind::Notice(socket_tester::engine::Notice::Joined { .. }))
            )
        })
    });
    assert!(harness.query_by_label_contains("Joined the multicast group 239.255.1.2 on lo").is_some());
}
