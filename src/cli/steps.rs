//! `run`: a steps file against its target, with JUnit or JSON reports.

use crossbeam_channel::select;

use crate::engine::{self, EventKind, WorkerSpec};
use crate::i18n::{Language, Tr};

use super::args::RunArgs;
use super::output::{Out, signals};
use super::send::print_client_event;
use super::{EXIT_FAILURE, EXIT_OK};

pub(super) fn run_steps(args: &RunArgs, language: Language) -> anyhow::Result<u8> {
    use crate::engine::script::StepOutcome;
    use crate::transcript::export::steps_report::{StepResult, StepsReport};
    let path = args.file.display().to_string();
    let text = std::fs::read_to_string(&args.file).map_err(|e| anyhow::anyhow!("{path}: {e}"))?;
    let mut spec = crate::spec::steps::read_steps_file(&text, &path).map_err(anyhow::Error::msg)?;
    args.tls.apply(&mut spec.tls);
    if args.continue_on_failure {
        spec.plan.continue_on_failure = true;
    }
    let script = spec.script().map_err(|errors| {
        anyhow::anyhow!(
            "{}",
            errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("\nsocket-tester: ")
        )
    })?;

    let tr = Tr::new(language);
    let signals = signals()?;
    let (tx, events) = crossbeam_channel::bounded(engine::CLI_CHANNEL_CAPACITY);
    let handle = engine::spawn(WorkerSpec::Script(script), tx, engine::no_waker());
    let mut out = Out::new();
    let mut lines = args.show.formatter(language, &spec);
    let mut steps = Vec::new();
    let mut summary = None;
    let mut failed_to_start = false;
    loop {
        select! {
            recv(events) -> event => {
                let Ok(event) = event else { break };
                match &event.kind {
                    EventKind::Step { label, outcome, elapsed_us, wait_us } => {
                        let (elapsed_us, wait_us) = (*elapsed_us, *wait_us);
                        steps.push(StepResult { label: label.clone(), outcome: outcome.clone(), elapsed_us, wait_us });
                    }
                    EventKind::StepsEnded(ended) => summary = Some(ended.clone()),
                    EventKind::Failed { link: None, .. } => failed_to_start = true,
                    _ => {}
                }
                print_client_event(&mut out, &mut lines, &event);
                if matches!(event.kind, EventKind::Closed { .. }) { break; }
            }
            recv(signals) -> _ => handle.stop(),
        }
    }
    let Some(summary) = summary else {
        return Ok(EXIT_FAILURE);
    };
    out.line(&tr.render(&crate::vocabulary::steps_ended(&summary)));
    let report = StepsReport { name: path, steps, summary };
    for (target, body) in [(&args.junit, report.junit()), (&args.json, report.json())] {
        if let Some(file) = target {
            std::fs::write(file, body).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
        }
    }
    // A run cut short (Ctrl-C) skipped steps without a failure: it did not pass either.
    let passed = report.summary.failed == 0
        && report.summary.skipped == 0
        && !failed_to_start
        && report.steps.iter().all(|s| matches!(s.outcome, StepOutcome::Passed));
    Ok(out.code(if passed { EXIT_OK } else { EXIT_FAILURE }))
}
