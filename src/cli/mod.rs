//! The headless command line: the same engine as the GUI, transcript lines on stdout, in
//! English or Spanish (`--lang`).
//!
//! Every command builds a [`SessionSpec`] (from a preset, then its own arguments) and runs it:
//! `serve` until Ctrl-C or SIGTERM, ending with a summary; `send` exits 0 only when every
//! reply met its expectation; `run` runs a steps file and writes JUnit or JSON reports; `load`
//! measures an echo server; `preset` keeps specs under names. Exit codes: 0 success, 1
//! network failure or a failed expectation, 2 bad arguments.
//!
//! Here: the dispatch and what every command starts from. `args.rs` and `tls.rs` hold the
//! shared arguments, `output.rs` the checked output, kept files and signals; each command has
//! its file (`serve.rs` with `relay`, `send.rs`, `load.rs`, `steps.rs` for `run`, `code.rs`,
//! `stats.rs`, `presets.rs`).

mod args;
mod code;
mod load;
pub(crate) mod output;
mod presets;
mod send;
mod serve;
mod stats;
mod steps;
mod tls;

pub use args::*;
pub use load::{LoadArgs, ModeArg};
pub use send::{EchoSummary, SendArgs, summary};
pub use serve::{CutArg, RelayArgs, ServeArgs};
pub use tls::{SendTlsArgs, ServeTlsArgs};

use crate::i18n::Language;
use crate::spec::preset::Presets;
use crate::spec::{Role, SessionSpec};

use code::code_python;
use load::load;
use presets::preset_command;
use send::send;
use serve::serve;
use stats::stats_command;
use steps::run_steps;

/// Exit code: success.
pub const EXIT_OK: u8 = 0;
/// Exit code: a network failure, or an echo that did not come back identical.
pub const EXIT_FAILURE: u8 = 1;
/// Exit code: bad arguments.
pub const EXIT_USAGE: u8 = 2;

/// The spec a preset holds, or the defaults for a role and protocol, checked for the role.
fn base_spec(preset: Option<&str>, protocol: Option<ProtocolArg>, role: Role) -> anyhow::Result<SessionSpec> {
    let mut spec = match preset {
        Some(name) => {
            let spec = Presets::user()?.load(name)?;
            if spec.role != role {
                let (is, use_) = match spec.role {
                    Role::Server => ("a server", "serve"),
                    Role::Client => ("a client", "send"),
                };
                anyhow::bail!(
                    "--preset {name}: it is {is}; run it with `socket-tester {use_} --preset {name}`"
                );
            }
            spec
        }
        None => match protocol {
            Some(protocol) => SessionSpec::new(role, protocol.into()),
            None => anyhow::bail!("PROTOCOL: give tcp or udp, or --preset NAME"),
        },
    };
    if let Some(protocol) = protocol {
        spec.protocol = protocol.into();
    }
    Ok(spec)
}

/// Every error of a spec, one per line, as the command line says them.
fn check(spec: &SessionSpec) -> anyhow::Result<()> {
    let mut errors = spec.validate();
    errors.extend(spec.check_files());
    if errors.is_empty() {
        return Ok(());
    }
    let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
    anyhow::bail!("{}", lines.join("\nsocket-tester: "))
}

/// Runs a headless command and returns the process exit code. The app's startup flags
/// (`gui`) do not apply to a command: given with one, they are refused.
pub fn run(command: CliCommand, gui: &GuiArgs, lang: Option<LangArg>) -> u8 {
    if *gui != GuiArgs::default() {
        output::say!(
            "socket-tester: --protocol, --host, --port, --message, --start-server and --workspace start the \
             app; a command takes its own arguments (see socket-tester <COMMAND> --help)"
        );
        return EXIT_USAGE;
    }
    let language = lang.map_or(Language::English, Language::from);
    let result = match command {
        CliCommand::Serve(args) => {
            args.spec().and_then(|spec| serve(args.quiet, &args.show, &args.files, &spec, language))
        }
        CliCommand::Relay(args) => {
            args.spec().and_then(|spec| serve(args.quiet, &args.show, &args.files, &spec, language))
        }
        CliCommand::Send(args) => args.spec().and_then(|spec| send(&args, &spec, language)),
        CliCommand::Load(args) => load(&args),
        CliCommand::Preset(command) => preset_command(command),
        CliCommand::Run(args) => run_steps(&args, language),
        CliCommand::Stats(args) => stats_command(&args, language),
        CliCommand::Code(CodeCommand::Python(args)) => code_python(&args, language),
    };
    match result {
        Ok(code) if code == EXIT_OK && output::stderr_failed() => EXIT_FAILURE,
        Ok(code) => code,
        Err(err) => {
            output::say!("socket-tester: {err}");
            EXIT_USAGE
        }
    }
}
