#!/usr/bin/env bash
# Reruns every benchmark in BENCHMARKS.md: the criterion benches, then the same-run load
# benchmarks of our server against the reference epoll server, socat and ncat.
# Usage: scripts/bench.sh [--load-only] [extra arguments for benches/load.py]
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
for tool in socat:socat ncat:ncat taskset:util-linux python3:python3; do
    command -v "${tool%%:*}" >/dev/null || need+=("${tool#*:}")
done
if [ ${#need[@]} -gt 0 ]; then
    sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq && $sudo_cmd apt-get install -y -qq "${need[@]}"
fi

load_only=0
if [ "${1:-}" = "--load-only" ]; then load_only=1; shift; fi

cargo build --release --bin socket-tester
ref=$(cargo bench --bench ref_echo --no-run --message-format=json 2>/dev/null | python3 -c '
import json, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "ref_echo" and m.get("executable"):
        print(m["executable"])')
if [ "$load_only" -eq 0 ]; then
    cargo bench --bench ui_frame
    cargo bench --bench export
fi
python3 benches/load.py --bin target/release/socket-tester --ref "$ref" "$@"
