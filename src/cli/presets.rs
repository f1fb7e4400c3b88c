//! `preset`: specs kept under names (list, show, save, delete).

use clap::Parser;

use crate::spec::preset::{self, Presets};

use super::EXIT_OK;
use super::args::{Cli, CliCommand, PresetCommand};
use super::output::Out;

pub(super) fn preset_command(command: PresetCommand) -> anyhow::Result<u8> {
    let mut out = Out::new();
    match command {
        PresetCommand::List => {
            for name in Presets::user()?.list()? {
                out.line(&name);
            }
        }
        PresetCommand::Show { name } => {
            let spec = Presets::user()?.load(&name)?;
            out.line(preset::write_versioned(&spec).trim_end());
        }
        PresetCommand::Save { name, command } => {
            let argv = std::iter::once("socket-tester".to_string()).chain(command);
            let spec = match Cli::try_parse_from(argv)?.command {
                Some(CliCommand::Send(args)) => args.spec()?,
                Some(CliCommand::Serve(args)) => args.spec()?,
                _ => anyhow::bail!("after --, give `send ...` or `serve ...`"),
            };
            let path = Presets::user()?.save(&name, &spec)?;
            super::output::say!("saved preset {name} to {}", path.display());
        }
        PresetCommand::Delete { name } => Presets::user()?.delete(&name)?,
    }
    Ok(out.code(EXIT_OK))
}
