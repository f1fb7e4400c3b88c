#!/usr/bin/env python3
"""Same-run load benchmarks: our `serve` against a reference epoll server, socat and ncat.

Every (round, server, measurement) starts a fresh server on a free loopback port, runs
`socket-tester load` against it, reads the load's JSON line, samples the server's resident
memory (the sum over its process tree) while it runs, and stops it. Servers alternate in ABBA
order across rounds; the report gives per-server medians and the median of the same-round
ratios ours/reference. Ping-pong runs pin the client and the server to one CPU with taskset.

Usage: benches/load.py --bin target/release/socket-tester --ref PATH [--rounds 4] [--seconds 3]
       [--out DIR] [--quick]
Only 127.0.0.1 is ever used.
"""

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HOST = "127.0.0.1"


def free_port(kind):
    s = socket.socket(socket.AF_INET, kind)
    s.bind((HOST, 0))
    port = s.getsockname()[1]
    s.close()
    return port


def tree_rss_kib(pid):
    """Resident memory of a process and all its descendants, in KiB."""
    total, stack, seen = 0, [pid], set()
    while stack:
        p = stack.pop()
        if p in seen:
            continue
        seen.add(p)
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    stack.extend(int(c) for c in f.read().split())
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            pass
    return total


class Server:
    """A server process on a fresh port, with a thread that samples its peak RSS."""

    def __init__(self, name, argv_for, proto, pin, tmp):
        self.name, self.proto = name, proto
        kind = socket.SOCK_DGRAM if proto == "udp" else socket.SOCK_STREAM
        self.port = free_port(kind)
        self.record = os.path.join(tmp, f"{name}-{self.port}.jsonl")
        argv = argv_for(proto, self.port, self.record)
        if pin is not None:
            argv = ["taskset", "-c", str(pin)] + argv
        self.proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                     stdin=subprocess.DEVNULL)
        self.peak_kib = 0
        self.done = threading.Event()
        self.wait_ready()
        self.sampler = threading.Thread(target=self.sample, daemon=True)
        self.sampler.start()

    def wait_ready(self):
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited: {self.proc.stderr.read().decode(errors='replace')}")
            if self.proto == "udp":
                # A UDP server is ready once its port is taken.
                probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                try:
                    probe.bind((HOST, self.port))
                except OSError:
                    return
                finally:
                    probe.close()
            else:
                try:
                    socket.create_connection((HOST, self.port), timeout=0.5).close()
                    return
                except OSError:
                    pass
            time.sleep(0.02)
        raise RuntimeError(f"{self.name} did not start listening on {self.port}")

    def sample(self):
        while not self.done.wait(0.05):
            self.peak_kib = max(self.peak_kib, tree_rss_kib(self.proc.pid))

    def stop(self):
        self.done.set()
        self.sampler.join()
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        subprocess.run(["pkill", "-P", str(self.proc.pid)], check=False)
        if os.path.exists(self.record):
            self.record_bytes = os.path.getsize(self.record)
            os.remove(self.record)
        else:
            self.record_bytes = 0


def servers(args):
    ours = args.bin
    ref = args.ref

    def socat(proto, port, _):
        if proto == "udp":
            return ["socat", "-b", "4096", f"UDP-LISTEN:{port},bind={HOST},reuseaddr,fork", "PIPE"]
        return ["socat", "-b", "4096", f"TCP-LISTEN:{port},bind={HOST},reuseaddr,fork,backlog=4096", "PIPE"]

    def ncat(proto, port, _):
        udp = ["-u"] if proto == "udp" else []
        return ["ncat", *udp, "-l", "-k", "--max-conns", "1000", HOST, str(port), "-e", "/bin/cat"]

    return {
        "ours": lambda p, port, _: [ours, "serve", p, "--bind", f"{HOST}:{port}", "--quiet"],
        "reference": lambda p, port, _: [ref, p, f"{HOST}:{port}"],
        "socat": socat,
        "ncat": ncat,
        "ours, lines to /dev/null": lambda p, port, _: [ours, "serve", p, "--bind", f"{HOST}:{port}"],
        "ours, --record": lambda p, port, rec: [ours, "serve", p, "--bind", f"{HOST}:{port}", "--quiet",
                                                "--record", rec],
    }


# name, protocol, load arguments, pinned, the figure compared
MEASUREMENTS = [
    ("TCP echo, 16 connections × 64 KiB writes", "tcp",
     ["-c", "16", "-s", "65536", "-m", "stream"], False, "echo_bytes_per_s"),
    ("TCP echo, 1 connection × 64 KiB writes", "tcp",
     ["-c", "1", "-s", "65536", "-m", "stream"], False, "echo_bytes_per_s"),
    ("Ping-pong round trip, 32 bytes, pinned", "tcp",
     ["-c", "1", "-s", "32", "-m", "ping-pong", "-t", "1"], True, "rtt_p50_us"),
    ("New connections per second, 8 at a time", "tcp",
     ["-c", "8", "-s", "32", "-m", "connect"], False, "connects_per_s"),
    ("UDP echo, 64-byte datagrams", "udp",
     ["-c", "4", "-s", "64", "-m", "stream", "--window", "32"], False, "echoes_per_s"),
]

PIN_CPU = 1


def run_load(args, proto, port, load_args, pinned, seconds):
    timeout = [] if "--timeout-ms" in load_args else ["--timeout-ms", "2000"]
    argv = [args.bin, "load", proto, f"{HOST}:{port}", "-d", str(seconds), *timeout, *load_args]
    if pinned:
        argv = ["taskset", "-c", str(PIN_CPU)] + argv
    out = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + 60)
    lines = [l for l in out.stdout.splitlines() if l.startswith("{")]
    if not lines:
        raise RuntimeError(f"load printed no JSON: {out.stdout}{out.stderr}")
    report = json.loads(lines[-1])
    rtt = report.get("rtt_us") or {}
    report["rtt_p50_us"] = rtt.get("p50")
    return report


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--ref", required=True)
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--seconds", type=float, default=3)
    ap.add_argument("--out", default="target/bench")
    ap.add_argument("--servers", default="ours,reference,socat,ncat,ours, lines to /dev/null,ours, --record")
    ap.add_argument("--only", default="", help="comma-separated measurement numbers (1-5)")
    ap.add_argument("--skip-10k", action="store_true")
    ap.add_argument("--only-10k", action="store_true")
    args = ap.parse_args()
    table = servers(args)
    names = [n for n in table if n in args.servers]
    chosen = [m for i, m in enumerate(MEASUREMENTS, 1) if not args.only or str(i) in args.only.split(",")]
    os.makedirs(args.out, exist_ok=True)
    if os.path.exists(os.path.join(args.out, "load-partial.jsonl")):
        os.remove(os.path.join(args.out, "load-partial.jsonl"))
    tmp = tempfile.mkdtemp(prefix="st-bench-")
    results = []  # dicts: round, server, measurement, figure, value, rss, report
    for r in range(0 if args.only_10k else args.rounds):
        order = names if r % 2 == 0 else list(reversed(names))
        for (title, proto, load_args, pinned, figure) in chosen:
            for name in order:
                if name.startswith("ncat") and proto == "udp":
                    continue  # ncat -u -k -e serves one peer per child, not 4 sockets: see BENCHMARKS.md
                server = Server(name, table[name], proto, PIN_CPU if pinned else None, tmp)
                try:
                    report = run_load(args, proto, server.port, load_args, pinned, args.seconds)
                finally:
                    server.stop()
                row = {"round": r, "server": name, "measurement": title, "figure": figure,
                       "value": report.get(figure), "rss_kib": server.peak_kib,
                       "record_bytes": server.record_bytes, "errors": report["errors"],
                       "mismatches": report["mismatches"], "lost": report["lost"], "report": report}
                results.append(row)
                with open(os.path.join(args.out, "load-partial.jsonl"), "a") as f:
                    f.write(json.dumps(row) + "\n")
                print(f"round {r + 1} | {title} | {name}: {figure}={row['value']} "
                      f"rss={server.peak_kib} KiB errors={report['errors']} mismatches={report['mismatches']}",
                      flush=True)
    tenk = [] if args.skip_10k else ten_thousand(args, table, tmp)
    shutil.rmtree(tmp, ignore_errors=True)
    with open(os.path.join(args.out, "load.json"), "w") as f:
        json.dump({"results": results, "ten_thousand": tenk}, f, indent=1)
    md = markdown(results, names, chosen, tenk)
    with open(os.path.join(args.out, "load.md"), "w") as f:
        f.write(md)
    print(md)


def ten_thousand(args, table, tmp):
    """10,000 concurrent connections held and served, server and client in two processes."""
    rows = []
    for name in ["ours", "reference"]:
        server = Server(name, table[name], "tcp", None, tmp)
        try:
            report = run_load(args, "tcp", server.port,
                              ["-c", "10000", "-s", "32", "-m", "ping-pong", "--timeout-ms", "10000"],
                              False, 10)
        finally:
            server.stop()
        rows.append({"server": name, "rss_kib": server.peak_kib, "report": report})
        print(f"10k | {name}: connects={report['connects']} served={report['served']} "
              f"errors={report['errors']} rss={server.peak_kib} KiB", flush=True)
    return rows


def fmt(figure, v):
    if v is None:
        return "–"
    if figure == "echo_bytes_per_s":
        return f"{v / 1e6:,.0f} MB/s"
    if figure == "rtt_p50_us":
        return f"{v:.1f} µs"
    return f"{v:,.0f}/s"


def markdown(results, names, chosen, tenk):
    out = []
    if not results:
        return markdown_10k(tenk)
    out.append("| Measurement | " + " | ".join(names) + " | ours / reference (target) |")
    out.append("|---|" + "---|" * len(names) + "---|")
    for (title, proto, _, _, figure) in chosen:
        cells = []
        for name in names:
            vals = [x["value"] for x in results if x["server"] == name and x["measurement"] == title
                    and x["value"] is not None]
            bad = sum(x["errors"] for x in results if x["server"] == name and x["measurement"] == title)
            cell = fmt(figure, statistics.median(vals)) if vals else "–"
            if bad:
                cell += f" ({bad} errors)"
            cells.append(cell)
        ratios = []
        for r in sorted({x["round"] for x in results}):
            o = [x["value"] for x in results if x["round"] == r and x["server"] == "ours" and x["measurement"] == title]
            f = [x["value"] for x in results if x["round"] == r and x["server"] == "reference" and x["measurement"] == title]
            if o and f and o[0] and f[0]:
                ratios.append(o[0] / f[0])
        target = "≤ 1.3×" if figure == "rtt_p50_us" else "≥ 0.8×"
        ratio = f"{statistics.median(ratios):.2f}× ({target})" if ratios else "–"
        out.append(f"| {title} | " + " | ".join(cells) + f" | {ratio} |")
    out.append("")
    out.append("Peak resident memory of the server (median over rounds, whole process tree):")
    out.append("")
    out.append("| Measurement | " + " | ".join(names) + " |")
    out.append("|---|" + "---|" * len(names))
    for (title, _, _, _, _) in chosen:
        cells = []
        for name in names:
            vals = [x["rss_kib"] for x in results if x["server"] == name and x["measurement"] == title]
            cells.append(f"{statistics.median(vals) / 1024:.1f} MiB" if vals else "–")
        out.append(f"| {title} | " + " | ".join(cells) + " |")
    return "\n".join(out) + "\n" + markdown_10k(tenk)


def markdown_10k(tenk):
    out = []
    if tenk:
        out.append("")
        out.append("| 10,000 connections, 32-byte ping-pong, 10 s | connected | served | errors | echoes/s | p50 | p99 | server RSS |")
        out.append("|---|---|---|---|---|---|---|---|")
        for row in tenk:
            r = row["report"]
            rtt = r.get("rtt_us") or {}
            out.append(f"| {row['server']} | {r['connects']:,} | {r['served']:,} | {r['errors']} | "
                       f"{r['echoes_per_s']:,.0f} | {rtt.get('p50', 0) / 1000:.2f} ms | "
                       f"{rtt.get('p99', 0) / 1000:.2f} ms | {row['rss_kib'] / 1024:.1f} MiB |")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    sys.exit(main())
