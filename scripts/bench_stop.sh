#!/usr/bin/env bash
# How fast Socket Tester stops when it must: (1) `send` against a peer that never stops
# sending, from the deadline (--timeout-ms 1000) to the exit, at 16-byte, 1 KiB and 64 KiB
# reads; (2) `serve` recording under load (4 connections streaming 4 KiB, with --record,
# --record-pcap and --save), from the signal to the exit, for SIGINT, SIGTERM and SIGHUP, with
# plain `serve --quiet` (no files) as the same-run peer. Prints one line per run and the median.
# Usage: scripts/bench_stop.sh [BINARY] (default target/release/socket-tester). Loopback only.
set -euo pipefail
bin="${1:-$(cd "$(dirname "$0")/.." && pwd)/target/release/socket-tester}"
runs="${RUNS:-5}"
work="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
now() { date +%s.%N; }
median() { sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.0f ms\n", m*1000}'; }

# (1) A peer that sends zeros forever once it has read something.
python3 -u -c '
import socket, threading
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0)); s.listen(8)
print(s.getsockname()[1], flush=True)
zeros = bytes(65536)
def flood(c):
    try:
        c.recv(4096)
        while True:
            c.sendall(zeros)
    except OSError:
        pass
while True:
    c, _ = s.accept(); threading.Thread(target=flood, args=(c,), daemon=True).start()
' > "$work/flood.port" &
pids+=($!)
for _ in $(seq 50); do [ -s "$work/flood.port" ] && break; sleep 0.1; done
port="$(head -1 "$work/flood.port")"
for chunk in 16 1024 65536; do
  for _ in $(seq "$runs"); do
    t0=$(now)
    "$bin" send tcp "127.0.0.1:$port" hi --timeout-ms 1000 --chunk "$chunk" >/dev/null 2>&1 || true
    t1=$(now)
    echo "$t1 - $t0 - 1" | bc
  done > "$work/deadline.$chunk"
  printf 'send --chunk %-6s deadline to exit: median %s\n' "$chunk" "$(median < "$work/deadline.$chunk")"
done

# (2) A signal to a server under load.
stop_time() { # $1 signal, $2... serve arguments
  local sig="$1"; shift
  rm -f "$work"/s.* "$work"/r.*
  "$bin" serve tcp --bind 127.0.0.1:0 --quiet "$@" > "$work/serve.out" 2>/dev/null &
  local sp=$!
  for _ in $(seq 50); do grep -q 127.0.0.1 "$work/serve.out" 2>/dev/null && break; sleep 0.1; done
  local p; p="$(grep -o '127.0.0.1:[0-9]*' "$work/serve.out" | head -1 | cut -d: -f2)"
  "$bin" load tcp "127.0.0.1:$p" -c 4 -s 4096 -d 5 >/dev/null 2>&1 &
  local lp=$!
  sleep 2
  local t0; t0=$(now)
  kill "-$sig" "$sp"
  wait "$sp" || true
  local t1; t1=$(now)
  wait "$lp" || true
  echo "$t1 - $t0" | bc
}
for sig in INT TERM HUP; do
  for _ in $(seq "$runs"); do
    stop_time "$sig" --record "$work/r.jsonl" --record-pcap "$work/r.pcap" --save "$work/s.jsonl"
  done > "$work/files.$sig"
  for _ in $(seq "$runs"); do stop_time "$sig"; done > "$work/plain.$sig"
  printf 'serve SIG%-4s signal to exit: with 3 files %s, without files %s\n' "$sig" \
    "$(median < "$work/files.$sig")" "$(median < "$work/plain.$sig")"
done
