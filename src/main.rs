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
    match socket_tester::ui::run(gui.into_options(lang)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("{err}");
            ExitCode::from(cli::EXIT_FAILURE)
        }
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
