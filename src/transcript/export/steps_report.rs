//! A run of steps as a report for CI systems: JUnit XML (one test case per step, with the
//! failure message; steps not run are `skipped`) and JSON.

use serde::Serialize;

use crate::engine::script::{StepOutcome, StepsSummary};
use crate::i18n::english;
use crate::vocabulary;

/// One step's line in a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StepResult {
    /// Its number or name.
    pub label: String,
    /// How it ended.
    #[serde(flatten)]
    pub outcome: StepOutcome,
    /// How long it took, the reply to its last byte included, the wait for its end not.
    pub elapsed_us: u64,
    /// The wait, after the reply's last byte, for its end to be sure (an idle gap).
    pub wait_us: u64,
}

/// A whole run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StepsReport {
    /// What ran (the steps file).
    pub name: String,
    /// Each step, in order.
    pub steps: Vec<StepResult>,
    /// The totals.
    pub summary: StepsSummary,
}

impl StepsReport {
    /// JUnit XML, as CI systems read it.
    pub fn junit(&self) -> String {
        let seconds = |us: u64| format!("{:.6}", us as f64 / 1e6);
        let total: u64 = self.steps.iter().map(|s| s.elapsed_us).sum();
        let (tests, failures, skipped) = (self.steps.len(), self.summary.failed, self.summary.skipped);
        let name = super::escape_markup(&self.name);
        let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        xml.push_str(&format!(
            "<testsuites tests=\"{tests}\" failures=\"{failures}\" skipped=\"{skipped}\" time=\"{}\">\n",
            seconds(total)
        ));
        xml.push_str(&format!(
            "  <testsuite name=\"{name}\" tests=\"{tests}\" failures=\"{failures}\" skipped=\"{skipped}\" time=\"{}\">\n",
            seconds(total)
        ));
        for step in &self.steps {
            let open = format!(
                "    <testcase name=\"step {}\" classname=\"{name}\" time=\"{}\"",
                super::escape_markup(&step.label),
                seconds(step.elapsed_us)
            );
            let reason = match &step.outcome {
                StepOutcome::Failed { check } => Some(english().render(&vocabulary::check(check))),
                StepOutcome::Error { error } => Some(english().error(error)),
                StepOutcome::Passed | StepOutcome::Skipped => None,
            };
            match (&step.outcome, reason) {
                (_, Some(reason)) => xml.push_str(&format!(
                    "{open}>\n      <failure message=\"{}\"/>\n    </testcase>\n",
                    super::escape_markup(&reason)
                )),
                (StepOutcome::Skipped, None) => {
                    xml.push_str(&format!("{open}>\n      <skipped/>\n    </testcase>\n"))
                }
                (_, None) => xml.push_str(&format!("{open}/>\n")),
            }
        }
        xml.push_str("  </testsuite>\n</testsuites>\n");
        xml
    }

    /// JSON: the steps and the totals.
    pub fn json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|err| format!("{{\"error\":\"{err}\"}}"))
    }
}
