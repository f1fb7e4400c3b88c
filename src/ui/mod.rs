//! The desktop app (eframe/egui): sessions side by side, forms, live transcripts.
//!
//! One file per panel: [`session_view`] (one session), [`session_form`] with its
//! [`message_editor`], [`transcript_view`], [`clients_view`], [`status_bar`], [`presets`],
//! [`files`]; [`session`] holds a session's state apart from drawing; panels return
//! [`action::AppAction`]s that [`app`], the `eframe::App`, applies after drawing. Every string the user sees comes from [`crate::i18n`].

pub mod action;
pub mod app;
pub mod clients_view;
pub mod diagram_view;
pub mod files;
pub mod load_view;
pub mod message_editor;
pub mod messages_view;
pub mod options_form;
pub mod presentation;
pub mod presets;
pub mod regions;
pub mod relay_form;
pub mod replies_view;
pub mod search_bar;
pub mod session;
pub mod session_form;
pub mod session_view;
pub mod settings;
pub mod stats_view;
pub mod status_bar;
pub mod steps_view;
pub mod theme;
pub mod tiles;
pub mod tls_form;
pub mod tour;
pub mod transcript_view;

pub use app::{SocketTesterApp, StartupOptions};

/// The window icon, from `assets/`.
const ICON_PNG: &[u8] = include_bytes!("../../assets/icons/socket-tester-64.png");

/// Whether a display server is reachable by name. Without one, winit fails with a raw error;
/// we say what to do instead.
fn display_available() -> bool {
    ["DISPLAY", "WAYLAND_DISPLAY"].iter().any(|var| std::env::var_os(var).is_some_and(|v| !v.is_empty()))
}

/// What to tell a user who has no display.
pub const NO_DISPLAY_HELP: &str = "Socket Tester cannot open its window: there is no graphical display \
(neither DISPLAY nor WAYLAND_DISPLAY is set).
Use the command line instead, which needs no display:
  socket-tester serve tcp                 # an echo server on localhost:10000
  socket-tester send tcp                  # send the message and check the echo
  socket-tester --help                    # every option
Or start a virtual display first, for example: xvfb-run socket-tester";

/// Ctrl-C, SIGTERM and a closed terminal (SIGHUP) close the window as its close button does,
/// so unsaved transcripts are kept for the next start instead of lost. A thread waits for
/// the signal and asks the window to close; the UI thread never blocks on it.
fn close_on_signals(ctx: &egui::Context) {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else { return };
    let ctx = ctx.clone();
    let spawned = std::thread::Builder::new().name("signals".into()).spawn(move || {
        if signals.forever().next().is_some() {
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            ctx.request_repaint();
        }
    });
    drop(spawned);
}

/// Opens the window and runs until it is closed.
pub fn run(options: StartupOptions) -> anyhow::Result<()> {
    if !display_available() {
        anyhow::bail!("{NO_DISPLAY_HELP}");
    }
    let first_frame_probe = std::env::var_os("SOCKET_TESTER_FIRST_FRAME_PROBE").is_some();
    let options = StartupOptions { first_frame_probe, ..options };
    let mut viewport = egui::ViewportBuilder::default()
        .with_title("Socket Tester")
        .with_app_id("socket-tester")
        .with_inner_size([1360.0, 860.0])
        .with_min_inner_size([640.0, 420.0]);
    if let Ok(icon) = eframe::icon_data::from_png_bytes(ICON_PNG) {
        viewport = viewport.with_icon(icon);
    }
    let native = eframe::NativeOptions { viewport, ..Default::default() };
    eframe::run_native(
        "Socket Tester",
        native,
        Box::new(move |cc| {
            close_on_signals(&cc.egui_ctx);
            Ok(Box::new(SocketTesterApp::new(cc, options)))
        }),
    )
    .map_err(|err| anyhow::anyhow!("could not open the window: {err}\n\n{NO_DISPLAY_HELP}"))
}
