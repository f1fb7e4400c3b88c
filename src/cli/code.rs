//! `code python`: the Python program that does what a session does.

use crate::engine::Protocol;
use crate::i18n::{Language, Tr};
use crate::spec::preset::Presets;
use crate::spec::{MessageMode, Role, SessionSpec};

use super::EXIT_OK;
use super::args::{CodeArgs, RoleArg};
use super::output::Out;

/// `socket-tester code python`: the Python program equivalent to a session, from the same
/// [`SessionSpec`] the app and `send`/`serve` use.
pub(super) fn code_python(args: &CodeArgs, language: Language) -> anyhow::Result<u8> {
    let mut spec = match &args.preset {
        Some(name) => Presets::user()?.load(name)?,
        None => {
            let role = match args.role.unwrap_or(RoleArg::Client) {
                RoleArg::Client => Role::Client,
                RoleArg::Server => Role::Server,
            };
            let mut spec = SessionSpec::new(role, args.protocol.map_or(Protocol::Tcp, Protocol::from));
            spec.message.text = language.default_message().into();
            spec
        }
    };
    if let Some(role) = args.role {
        spec.role = match role {
            RoleArg::Client => Role::Client,
            RoleArg::Server => Role::Server,
        };
    }
    if let Some(protocol) = args.protocol {
        spec.protocol = protocol.into();
    }
    if let Some(host) = &args.host {
        spec.host = crate::engine::endpoint::parse_host(host)?;
    }
    if let Some(port) = args.port {
        spec.port = port;
    }
    if let Some(message) = &args.message {
        spec.message.text = message.clone();
        spec.message.mode = MessageMode::Text;
    }
    if args.chunk.is_some() {
        spec.chunk_bytes = args.chunk;
    }
    let problems = spec.validate();
    if let Some(problem) = problems.first() {
        let tr = Tr::new(language);
        anyhow::bail!(
            "{}: {}",
            problem.field.flag(),
            tr.render(&crate::vocabulary::problem(&problem.problem))
        );
    }
    let tr = Tr::new(language);
    let code = crate::codegen::python(&spec, &tr).map_err(anyhow::Error::msg)?;
    let mut out = Out::new();
    match &args.output {
        Some(path) => {
            std::fs::write(path, &code).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
            out.line(&format!("wrote {}", path.display()));
        }
        None => out.line(code.trim_end()),
    }
    Ok(out.code(EXIT_OK))
}
