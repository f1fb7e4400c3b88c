#!/usr/bin/env bash
# Fuzzes every parser of user input with cargo-fuzz on the stable toolchain (no sanitizer):
#   endpoint  host:port and address forms (Endpoint::parse, parse_host, parse_port)
#   message   CLI message bytes (-e escapes, escape/unescape) and the whole argument parser
#   jsonl     reopening a saved .jsonl transcript, then saving it in every format
# Usage: scripts/fuzz.sh [SECONDS_PER_TARGET (default 600)] [TARGET...]
# The seed corpus in fuzz/corpus/ is copied to target/fuzz-corpus/, which the runs grow; a
# crash is saved under fuzz/artifacts/ and makes this script fail.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(endpoint message jsonl)
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
(cd fuzz && cargo fuzz build --sanitizer none -O)
status=0
for t in "${targets[@]}"; do
    work="target/fuzz-corpus/$t"
    mkdir -p "$work"
    cp -n fuzz/corpus/"$t"/* "$work"/ 2>/dev/null || true
    log="target/fuzz-corpus/$t.log"
    echo "fuzzing $t for $seconds s (log: $log)"
    if (cd fuzz && cargo fuzz run --sanitizer none -O "$t" "../$work" -- -max_total_time="$seconds" -print_final_stats=1) >"$log" 2>&1; then
        grep -E "^Done|stat::number_of_executed_units|cov:" "$log" | tail -2
    else
        echo "$t: CRASH — see $log and fuzz/artifacts/$t/"
        status=1
    fi
done
exit $status
