//! `stats FILE.jsonl`: a saved transcript's figures.

use crate::i18n::{Language, Tr};
use crate::vocabulary::{Arg, Message};

use super::EXIT_OK;
use super::args::StatsArgs;
use super::output::Out;

/// `socket-tester stats FILE.jsonl [--json]`: the same figures the app and `send` give, for a
/// saved transcript. A file that is not a transcript is refused with its line number.
pub(super) fn stats_command(args: &StatsArgs, language: Language) -> anyhow::Result<u8> {
    let records = crate::transcript::export::read_jsonl(&args.file)?;
    let stats = crate::stats::of_records(&records);
    let mut out = Out::new();
    if args.json {
        out.line(&serde_json::to_string(&stats)?);
        return Ok(out.code(EXIT_OK));
    }
    let tr = Tr::new(language);
    let time = |us: Option<u64>| us.map_or_else(|| "-".to_string(), |us| tr.duration(us));
    out.line(&tr.render(&Message::new("stats-round-trips").arg("count", stats.count)));
    if stats.count > 0 {
        out.line(
            &tr.render(
                &Message::new("stats-rtt")
                    .arg("min", time(stats.min_us))
                    .arg("mean", time(stats.mean_us))
                    .arg("p50", time(stats.p50_us))
                    .arg("p90", time(stats.p90_us))
                    .arg("p99", time(stats.p99_us))
                    .arg("p999", time(stats.p999_us))
                    .arg("max", time(stats.max_us)),
            ),
        );
        out.line(&tr.render(&Message::new("stats-jitter").arg("jitter", time(stats.jitter_us))));
    }
    out.line(
        &tr.render(
            &Message::new("stats-traffic")
                .arg("bytes_out", stats.bytes_out)
                .arg("messages_out", stats.messages_out)
                .arg("bytes_in", stats.bytes_in)
                .arg("messages_in", stats.messages_in)
                .arg("seconds", Arg::Decimal(stats.seconds, 3)),
        ),
    );
    out.line(
        &tr.render(
            &Message::new("stats-verdicts")
                .arg("passed", stats.passed)
                .arg("failed", stats.failed)
                .arg("lost", stats.lost),
        ),
    );
    Ok(out.code(EXIT_OK))
}
