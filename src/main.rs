//! The `socket-tester` binary: parse the arguments, then run the app or a headless command.

use std::process::ExitCode;

use clap::Parser;
use socket_tester::cli::{self, Cli};

fn main() -> ExitCode {
    let args = Cli::parse();
    match args.command {
        Some(command) => ExitCode::from(cli::run(command)),
        None => {
            // The desktop app comes with the GUI; until then, say what works headless.
            use clap::CommandFactory;
            let _ = Cli::command().print_help();
            ExitCode::from(cli::EXIT_USAGE)
        }
    }
}
