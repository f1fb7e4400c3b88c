//! A client that runs steps in order: send a message, expect a reply, wait, close, reconnect.
//! Each step ends with a [`crate::engine::EventKind::Step`] saying whether it passed, and the run with
//! [`crate::engine::EventKind::StepsEnded`]. By default the run stops at the first failure; the steps after
//! it are reported skipped. One mio loop watches the socket and the command channel, so `Stop`
//! is honoured at once, between steps or in the middle of one.
//!
//! Here: what a run is (its steps, outcomes and summary); `runner.rs` runs it.

use super::expect::{Expectation, ReplyCheck, ReplyEnd};
use super::{Endpoint, Error, Payload, Protocol};

mod runner;

pub(crate) use runner::run;

/// What one step does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Send a message, then (if given) wait for a reply and judge it.
    Send {
        /// The message.
        payload: Payload,
        /// What the reply must be; `None` sends without waiting.
        expect: Option<Expectation>,
    },
    /// Wait for a reply (a banner, say) and judge it.
    Expect(Expectation),
    /// Pause.
    Wait(u64),
    /// Close the connection.
    Close,
    /// Close (if open) and connect again.
    Reconnect,
}

/// One step of a run, flat (a repeated block is written out once per turn).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// How the step is numbered and named in reports ("3", "5.2", or its name).
    pub label: String,
    /// What it does.
    pub action: Action,
    /// Where its reply ends.
    pub reply_end: ReplyEnd,
    /// Its limit for connecting and for its reply.
    pub timeout_ms: u64,
}

/// A run of steps against one target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptConfig {
    /// TCP or UDP.
    pub protocol: Protocol,
    /// Where to connect.
    pub target: Endpoint,
    /// The steps, in order.
    pub steps: Vec<Step>,
    /// Go on after a failed step (otherwise the rest are skipped).
    pub continue_on_failure: bool,
    /// Bytes per read.
    pub chunk_bytes: usize,
    /// TLS (TCP only).
    pub tls: Option<super::tls::TlsSpec>,
    /// Socket options, and the local address to send from.
    pub options: super::sockopt::SocketOptions,
}

/// How a step ended.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum StepOutcome {
    /// It did what it should.
    Passed,
    /// Its reply was not the one expected.
    Failed {
        /// The verdict.
        check: ReplyCheck,
    },
    /// A network failure stopped it.
    Error {
        /// What failed.
        error: Error,
    },
    /// An earlier step failed, so it did not run.
    Skipped,
}

impl StepOutcome {
    /// Whether it passed.
    pub fn passed(&self) -> bool {
        matches!(self, StepOutcome::Passed)
    }
}

/// What a run's end says.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StepsSummary {
    /// Steps that passed.
    pub passed: u64,
    /// Steps that failed.
    pub failed: u64,
    /// Steps not run.
    pub skipped: u64,
    /// The first failed step's label.
    pub first_failure: Option<String>,
}
