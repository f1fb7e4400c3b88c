//! Steps a client runs in order, as its spec (and a steps file) holds them: send, expect,
//! wait, close, reconnect, and a block repeated N times. A preset keeps them as `[[step]]`
//! tables; `socket-tester run FILE.toml` also takes the short form with a `[target]` table:
//!
//! ```toml
//! [target]
//! protocol = "tcp"
//! address = "127.0.0.1:7000"
//!
//! [[step]]
//! send = 'PING\r\n'      # escapes as with -e, and macros
//! expect = 'regex:^PONG'
//! timeout_ms = 1000
//! ```

use serde::{Deserialize, Serialize};

use super::message::{MessageError, hex_template, text_template};
use super::{Field, Problem, Role, SessionSpec, SpecError, TextEncoding};
use crate::engine::expect::{DEFAULT_IDLE_MS, Expectation, ReplyEnd};
use crate::engine::script::{Action, ScriptConfig, Step};
use crate::engine::template::Template;
use crate::engine::{DEFAULT_PORT, Endpoint, Payload, Protocol};

/// The most steps a run may unfold to (repeats included).
pub const MAX_STEPS: usize = 100_000;

/// One step, as typed. A step does one thing: `send` (or `send_hex`) with an optional
/// `expect`, `expect` alone, `wait_ms`, `close`, `reconnect`, or `repeat` its `step` block.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StepSpec {
    /// A name for reports.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Text to send: escapes (`\r\n`) and macros.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub send: Option<String>,
    /// Hex bytes to send, with macros.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub send_hex: Option<String>,
    /// What the reply must be.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expect: Option<Expectation>,
    /// Where the reply ends (default: the session's, or an idle gap for a reply that is not
    /// an echo).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reply_end: Option<ReplyEnd>,
    /// The step's limit (default: the session's timeout).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout_ms: Option<u64>,
    /// Pause this long.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wait_ms: Option<u64>,
    /// Close the connection.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub close: bool,
    /// Close and connect again.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub reconnect: bool,
    /// Run `step` this many times.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repeat: Option<u64>,
    /// The block to repeat.
    #[serde(rename = "step", skip_serializing_if = "Vec::is_empty")]
    pub steps: Vec<StepSpec>,
}

/// Where a steps file connects (its short form).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Target {
    protocol: Protocol,
    address: String,
}

/// The short form of a steps file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct StepsFile {
    target: Target,
    #[serde(default)]
    timeout_ms: Option<u64>,
    #[serde(default)]
    continue_on_failure: bool,
    #[serde(default)]
    step: Vec<StepSpec>,
}

/// Reads a steps file: a preset (with `version = 1`) or the short form with `[target]`.
pub fn read_steps_file(text: &str, path: &str) -> Result<SessionSpec, String> {
    let table: toml::Table =
        toml::from_str(text).map_err(|e| format!("{path}: {}", e.to_string().trim_end()))?;
    if table.contains_key("version") {
        return super::preset::read_versioned(text, path).map_err(|e| e.to_string());
    }
    let file = StepsFile::deserialize(table).map_err(|e| format!("{path}: {}", e.to_string().trim_end()))?;
    let endpoint = Endpoint::parse(&file.target.address, DEFAULT_PORT).map_err(|e| format!("{path}: {e}"))?;
    let mut spec = SessionSpec::new(Role::Client, file.target.protocol);
    spec.host = endpoint.host;
    spec.port = endpoint.port;
    if let Some(timeout) = file.timeout_ms {
        spec.timeout_ms = timeout;
    }
    spec.plan.continue_on_failure = file.continue_on_failure;
    spec.steps = file.step;
    Ok(spec)
}

/// What is wrong with one step.
fn step_error(label: &str, words: String) -> SpecError {
    SpecError { field: Field::Step, value: label.to_string(), problem: Problem::Invalid(words) }
}

fn message_words(err: &MessageError) -> String {
    err.to_string()
}

impl SessionSpec {
    /// The run of this session's steps, flat, or every step that does not parse.
    pub fn script(&self) -> Result<ScriptConfig, Vec<SpecError>> {
        let mut errors = self.validate();
        let mut steps = Vec::new();
        self.unfold(&self.steps, "", &mut steps, &mut errors);
        if steps.len() > MAX_STEPS {
            errors.push(step_error("", format!("the steps unfold to {} (at most {MAX_STEPS})", steps.len())));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(ScriptConfig {
            protocol: self.protocol,
            target: self.endpoint(),
            steps,
            continue_on_failure: self.plan.continue_on_failure,
            chunk_bytes: usize::try_from(self.chunk_bytes()).unwrap_or(usize::MAX),
            tls: self.tls_config(),
            options: self.options.clone(),
        })
    }

    fn unfold(&self, specs: &[StepSpec], prefix: &str, out: &mut Vec<Step>, errors: &mut Vec<SpecError>) {
        for (index, spec) in specs.iter().enumerate() {
            let number = format!("{prefix}{}", index + 1);
            let label = match &spec.name {
                Some(name) => format!("{number} ({name})"),
                None => number.clone(),
            };
            if let Some(times) = spec.repeat {
                if spec.steps.is_empty() {
                    errors.push(step_error(&label, "repeat needs a [[step.step]] block".into()));
                }
                for turn in 1..=times.min(MAX_STEPS as u64 + 1) {
                    self.unfold(&spec.steps, &format!("{number}.{turn}."), out, errors);
                    if out.len() > MAX_STEPS {
                        return;
                    }
                }
                continue;
            }
            match self.step(spec, label.clone()) {
                Ok(step) => out.push(step),
                Err(words) => errors.push(step_error(&label, words)),
            }
        }
    }

    fn step(&self, spec: &StepSpec, label: String) -> Result<Step, String> {
        let payload = match (&spec.send, &spec.send_hex) {
            (Some(_), Some(_)) => return Err("send or send_hex, not both".into()),
            (Some(text), None) => Some(text_template(text, true, true, TextEncoding::Utf8)),
            (None, Some(hex)) => Some(hex_template(hex)),
            (None, None) => None,
        };
        let payload = payload.transpose().map_err(|e| message_words(&e))?.map(payload_of);
        let actions =
            [payload.is_some() || spec.expect.is_some(), spec.wait_ms.is_some(), spec.close, spec.reconnect];
        let action = match (payload, &spec.expect) {
            _ if actions.iter().filter(|a| **a).count() != 1 => {
                return Err(
                    "a step does one thing: send (with expect), expect, wait_ms, close, reconnect or repeat"
                        .into(),
                );
            }
            (Some(payload), expect) => Action::Send { payload, expect: expect.clone() },
            (None, Some(expect)) => Action::Expect(expect.clone()),
            (None, None) if spec.close => Action::Close,
            (None, None) if spec.reconnect => Action::Reconnect,
            (None, None) => Action::Wait(spec.wait_ms.unwrap_or(0)),
        };
        let expect_is_echo = spec.expect.as_ref().is_none_or(Expectation::is_echo);
        let reply_end = spec.reply_end.clone().unwrap_or_else(|| match &self.reply_end {
            ReplyEnd::Sent if !expect_is_echo => ReplyEnd::Idle(DEFAULT_IDLE_MS),
            end => end.clone(),
        });
        Ok(Step { label, action, reply_end, timeout_ms: spec.timeout_ms.unwrap_or(self.timeout_ms) })
    }
}

fn payload_of(template: Template) -> Payload {
    if template.has_macros() {
        return Payload::Template(template);
    }
    let bytes: Vec<u8> = template
        .parts
        .into_iter()
        .flat_map(|p| match p {
            crate::engine::template::Part::Bytes(b) => b,
            crate::engine::template::Part::Macro(_) => Vec::new(),
        })
        .collect();
    Payload::Bytes(bytes.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHORT: &str = r#"
[target]
protocol = "tcp"
address = "127.0.0.1:7000"

[[step]]
send = 'PING\r\n'      # escapes as with -e
expect = 'regex:^PONG'
timeout_ms = 1000
"#;

    #[test]
    fn the_short_form_reads() {
        let spec = read_steps_file(SHORT, "steps.toml").unwrap();
        assert_eq!((spec.protocol, spec.host.as_str(), spec.port), (Protocol::Tcp, "127.0.0.1", 7000));
        let script = spec.script().unwrap();
        assert_eq!(script.steps.len(), 1);
        let step = &script.steps[0];
        assert_eq!(step.label, "1");
        assert_eq!(step.timeout_ms, 1000);
        assert_eq!(step.reply_end, ReplyEnd::Idle(200), "a reply that is not an echo ends at an idle gap");
        let Action::Send { payload: Payload::Bytes(bytes), expect: Some(expect) } = &step.action else {
            panic!("{:?}", step.action)
        };
        assert_eq!(&bytes[..], b"PING\r\n");
        assert_eq!(expect.to_string(), "regex:^PONG");
    }

    #[test]
    fn blocks_repeat_and_bad_steps_are_named() {
        let text = r#"
[target]
protocol = "udp"
address = "[::1]:9"

[[step]]
name = "login"
send = 'LOGIN'
expect = 'regex:^TOKEN (?P<t>\w+)'

[[step]]
repeat = 2
[[step.step]]
send = 'USE {t}'
expect = 'text:OK'
[[step.step]]
wait_ms = 10

[[step]]
close = true
"#;
        let spec = read_steps_file(text, "s.toml").unwrap();
        let labels: Vec<String> = spec.script().unwrap().steps.into_iter().map(|s| s.label).collect();
        assert_eq!(labels, ["1 (login)", "2.1.1", "2.1.2", "2.2.1", "2.2.2", "3"]);
        let bad =
            "[target]\nprotocol = \"tcp\"\naddress = \"127.0.0.1:1\"\n[[step]]\nsend = 'x'\nclose = true\n";
        let errors = read_steps_file(bad, "b.toml").unwrap().script().unwrap_err();
        assert_eq!(
            errors[0].to_string(),
            "step 1: a step does one thing: send (with expect), expect, wait_ms, close, reconnect or repeat"
        );
        assert!(
            read_steps_file("[target]\nprotocol = \"tcp\"\naddress = \"x:1\"\nstpe = 1\n", "c.toml")
                .unwrap_err()
                .contains("unknown field `stpe`")
        );
    }
}
