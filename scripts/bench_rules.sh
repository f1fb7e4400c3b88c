#!/usr/bin/env bash
# Same-run comparison for BENCHMARKS.md: plain echo against a server with four regex rules
# (none matches; the echo fallback answers each 64-byte frame), both loaded by `load` with
# 64-byte ping-pong messages over 8 connections. Runs alternate, three of each.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin="$PWD/target/release/socket-tester"
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
run() {
  local name=$1; shift
  local p; p=$(port)
  "$bin" serve tcp --bind "127.0.0.1:$p" --quiet --threads 1 "$@" >/dev/null &
  local server=$!
  sleep 0.5
  local line
  line=$("$bin" load tcp "127.0.0.1:$p" -c 8 -s 64 -m ping-pong -d 5 -t 1 | tail -1)
  kill -INT "$server"; wait "$server" 2>/dev/null || true
  python3 - "$name" "$line" <<'PY'
import json, sys
r = json.loads(sys.argv[2])
print(f"{sys.argv[1]:6} {r['echoes_per_s']:>10.0f} messages/s  rtt p50 {r['rtt_us']['p50']:.1f} µs  ok={r['ok']}")
PY
}
rules=(--framing bytes:64 --rule '^GET (\S+)=>$1' --rule '(?i)^post\s=>x' --rule '\d{4}-\d{2}-\d{2}=>y' --rule '^PING$=>PONG')
for _ in 1 2 3; do
  run echo
  run rules "${rules[@]}"
done
