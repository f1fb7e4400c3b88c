//! The `socket-tester` binary: parse the arguments, then open the app or run a headless command.

use std::process::ExitCode;

use clap::Parser;
use socket_tester::cli::{self, Cli};

fn main() -> ExitCode {
    let args = Cli::parse();
    match args.command {
        Some(command) => ExitCode::from(cli::run(command, &args.gui, args.lang)),
        None => open_app(args.gui, args.lang),
    }
}

#[cfg(feature = "gui")]
fn open_app(gui: cli::GuiArgs, lang: Option<cli::LangArg>) -> ExitCode {
    match socket_tester::ui::run(startup_options(gui, lang)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("{err}");
            ExitCode::from(cli::EXIT_FAILURE)
        }
    }
}

/// The app's startup options from its arguments. Here, not in `cli`, so that the headless
/// command line never reaches into the window's modules.
#[cfg(feature = "gui")]
fn startup_options(gui: cli::GuiArgs, lang: Option<cli::LangArg>) -> socket_tester::ui::StartupOptions {
    use socket_tester::ui::theme::ThemeChoice;
    socket_tester::ui::StartupOptions {
        protocol: gui.protocol.map(Into::into),
        host: gui.host,
        port: gui.port,
        message: gui.message,
        start_server: gui.start_server,
        language: lang.map(Into::into),
        workspace: gui.workspace,
        presets_dir: None,
        theme: gui.theme.map(|theme| match theme {
            cli::ThemeArg::System => ThemeChoice::System,
            cli::ThemeArg::Light => ThemeChoice::Light,
            cli::ThemeArg::Dark => ThemeChoice::Dark,
        }),
        open: gui.open,
        first_frame_probe: false,
    }
}

#[cfg(not(feature = "gui"))]
fn open_app(_gui: cli::GuiArgs, _lang: Option<cli::LangArg>) -> ExitCode {
    eprintln!(
        "socket-tester: this build has no desktop app (it was built without the `gui` feature).\n\
         Use the command line: socket-tester serve tcp, socket-tester send tcp, socket-tester load tcp \
         (see --help)."
    );
    ExitCode::from(cli::EXIT_USAGE)
}
