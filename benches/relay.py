#!/usr/bin/env python3
"""Same-run relay benchmark: `socket-tester load` straight to `serve --quiet`, and through
`relay --quiet` in front of the same kind of server, alternating in ABBA order across rounds.
Reports per-path medians and the median of the same-round ratios relay/direct, for a stream of
64 KiB messages on 8 connections (throughput) and a 1 KiB ping-pong on 4 (round trips).

Usage: benches/relay.py --bin target/release/socket-tester [--rounds 4] [--seconds 3]
Only 127.0.0.1 is ever used.
"""

import argparse
import json
import socket
import statistics
import subprocess
import time

HOST = "127.0.0.1"


def free_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind((HOST, 0))
    port = s.getsockname()[1]
    s.close()
    return port


def start(cmd):
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = proc.stdout.readline()
    if "listening on" not in line:
        raise SystemExit(f"{cmd}: {line}")
    return proc


def stop(proc):
    proc.send_signal(2)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


def load(binary, port, args, seconds):
    out = subprocess.run(
        [binary, "load", "tcp", f"{HOST}:{port}", *args, "--duration", str(seconds)],
        capture_output=True, text=True, check=False,
    )
    report = json.loads(out.stdout.strip().splitlines()[-1])
    if not report.get("ok"):
        raise SystemExit(f"load failed: {out.stdout}")
    return report


MEASURES = {
    "stream 8 x 64 KiB": (["-c", "8", "-s", "65536", "-m", "stream"], lambda r: r["echo_bytes_per_s"] / 1e6, "MB/s"),
    "ping-pong 4 x 1 KiB": (["-c", "4", "-s", "1024", "-m", "ping-pong"], lambda r: r["rtt_us"]["p50"], "µs p50"),
}


def run_path(binary, path, measure, seconds):
    server_port = free_port()
    server = start([binary, "serve", "tcp", "--bind", f"{HOST}:{server_port}", "--quiet"])
    relay = None
    try:
        target = server_port
        if path == "relay":
            target = free_port()
            relay = start([binary, "relay", "tcp", "--listen", f"{HOST}:{target}", "--to", f"{HOST}:{server_port}", "--quiet"])
        args, pick, _ = MEASURES[measure]
        return pick(load(binary, target, args, seconds))
    finally:
        if relay:
            stop(relay)
        stop(server)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=3)
    args = parser.parse_args()
    for measure, (_, _, unit) in MEASURES.items():
        values = {"direct": [], "relay": []}
        ratios = []
        for rnd in range(args.rounds):
            order = ["direct", "relay"] if rnd % 2 == 0 else ["relay", "direct"]
            got = {}
            for path in order:
                got[path] = run_path(args.bin, path, measure, args.seconds)
                values[path].append(got[path])
                time.sleep(0.2)
            ratios.append(got["relay"] / got["direct"])
        d, r = statistics.median(values["direct"]), statistics.median(values["relay"])
        print(f"{measure}: direct {d:.1f} {unit}, through the relay {r:.1f} {unit}, "
              f"ratio relay/direct {statistics.median(ratios):.2f} (rounds {[round(x, 2) for x in ratios]})")


if __name__ == "__main__":
    main()
