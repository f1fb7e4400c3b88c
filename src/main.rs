//! The `socket-tester` binary: parse the arguments, then open the app or run a headless command.

use std::process::ExitCode;

use clap::Parser;
use socket_tester::cli::{self, Cli};

fn main() -> ExitCode {
    let args = Cli::parse();
    match args.command {
        Some(command) => ExitCode::from(cli::run(command)),
        None => match socket_tester::ui::run(args.gui.into_options()) {
            Ok(()) => ExitCode::SUCCESS,
            Err(err) => {
                eprintln!("{err}");
                ExitCode::from(cli::EXIT_FAILURE)
            }
        },
    }
}
