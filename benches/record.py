#!/usr/bin/env python3
"""Same-run cost of keeping every byte: `serve` recording against `serve --quiet`.

For each round, measurement and variant it starts a fresh `socket-tester serve` on a free
127.0.0.1 port, runs `socket-tester load` against it, and stops it; variants alternate in
ABBA order. Recorded files are named pipes drained by `wc -c` (so the recorder's own cost is
measured, not the disk's), except in the disk variant, which writes real files: its write
rate (bytes written over the time from the server's start to its exit, which ends with the
files' fsync) is compared with `dd conv=fsync`'s sequential write rate in the same run.

Usage: benches/record.py --bin target/release/socket-tester [--rounds 3] [--seconds 3]
Only 127.0.0.1 is ever used.
"""

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from load import HOST, Server, run_load  # noqa: E402

# name, protocol, load arguments
MEASUREMENTS = [
    ("TCP 16 × 64 KiB stream", "tcp", ["-c", "16", "-s", "65536", "-m", "stream"]),
    ("TCP 16 × 16 KiB stream", "tcp", ["-c", "16", "-s", "16384", "-m", "stream"]),
    ("TCP 16 × 1 KiB stream", "tcp", ["-c", "16", "-s", "1024", "-m", "stream"]),
    ("UDP 64-byte datagrams", "udp", ["-c", "4", "-s", "64", "-m", "stream", "--window", "32"]),
]

# name -> (serve flags, files: list of (flag, extension), stdout to /dev/null)
VARIANTS = {
    "quiet": (["--quiet"], []),
    "--record → pipe": (["--quiet"], [("--record", "jsonl")]),
    "--record-pcap → pipe": (["--quiet"], [("--record-pcap", "pcap")]),
    "both → pipes": (["--quiet"], [("--record", "jsonl"), ("--record-pcap", "pcap")]),
    "lines → /dev/null": ([], []),
    "both → disk": (["--quiet"], [("--record", "jsonl"), ("--record-pcap", "pcap")]),
}


class Pipes:
    """Named pipes, each drained by `wc -c`, or plain files for the disk variant."""

    def __init__(self, tmp, files, disk):
        self.paths, self.readers, self.disk = [], [], disk
        for flag, ext in files:
            path = os.path.join(tmp, f"rec-{len(os.listdir(tmp))}.{ext}")
            if not disk:
                os.mkfifo(path)
                self.readers.append(subprocess.Popen(["sh", "-c", f"wc -c < '{path}'"],
                                                     stdout=subprocess.PIPE, text=True))
            self.paths.append((flag, path))

    def args(self):
        return [a for flag, path in self.paths for a in (flag, path)]

    def close(self):
        total = 0
        for reader in self.readers:
            out, _ = reader.communicate(timeout=60)
            total += int(out.strip() or 0)
        for _, path in self.paths:
            if self.disk and os.path.exists(path):
                total += os.path.getsize(path)
            if os.path.exists(path):
                os.remove(path)
        return total


def dd_rate(tmp, size):
    """The disk's sequential write rate in bytes/s for `size` bytes (as many as the recorder
    wrote: a disk's rate falls once its caches fill), through dd with a final fsync."""
    path = os.path.join(tmp, "dd.bin")
    count = max(64, size >> 20)
    out = subprocess.run(["dd", "if=/dev/zero", f"of={path}", "bs=1M", f"count={count}", "conv=fsync"],
                         capture_output=True, text=True)
    os.remove(path)
    m = re.search(r"(\d+) bytes .* copied, ([\d.]+) s", out.stderr)
    return int(m.group(1)) / float(m.group(2)) if m else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seconds", type=float, default=3)
    ap.add_argument("--out", default="target/bench")
    ap.add_argument("--only", default="", help="comma-separated measurement numbers (1-4)")
    ap.add_argument("--variants", default=",".join(VARIANTS))
    args = ap.parse_args()
    names = [n for n in VARIANTS if n in args.variants.split(",")]
    chosen = [m for i, m in enumerate(MEASUREMENTS, 1) if not args.only or str(i) in args.only.split(",")]
    tmp = tempfile.mkdtemp(prefix="st-record-", dir=os.path.abspath(args.out) if os.path.isdir(args.out) else None)
    os.makedirs(args.out, exist_ok=True)
    rows = []
    for r in range(args.rounds):
        order = names if r % 2 == 0 else list(reversed(names))
        for title, proto, load_args in chosen:
            for name in order:
                flags, files = VARIANTS[name]
                disk = name.endswith("disk")
                pipes = Pipes(tmp, files, disk)
                argv = lambda p, port, _: [args.bin, "serve", p, "--bind", f"{HOST}:{port}", *flags, *pipes.args()]
                server = Server(name, argv, proto, None, tmp)
                started = time.monotonic()
                try:
                    report = run_load(args, proto, server.port, load_args, False, args.seconds)
                finally:
                    server.stop()  # serve finishes its files: the rest of the queue, then fsync
                    elapsed = time.monotonic() - started
                    written = pipes.close()
                figure = "echo_bytes_per_s" if proto == "tcp" else "echoes_per_s"
                row = {"round": r, "variant": name, "measurement": title, "value": report.get(figure),
                       "echo_bytes_per_s": report.get("echo_bytes_per_s"), "written": written,
                       "seconds": elapsed, "errors": report["errors"], "mismatches": report["mismatches"]}
                if disk:
                    row["dd"] = dd_rate(tmp, written)
                rows.append(row)
                print(f"round {r + 1} | {title} | {name}: {figure}={row['value']} written={written:,} "
                      f"errors={report['errors']} dd={row.get('dd')}", flush=True)
    shutil.rmtree(tmp, ignore_errors=True)
    with open(os.path.join(args.out, "record.json"), "w") as f:
        json.dump(rows, f, indent=1)
    md = markdown(rows, names, chosen)
    with open(os.path.join(args.out, "record.md"), "w") as f:
        f.write(md)
    print(md)


def markdown(rows, names, chosen):
    out = ["| Measurement | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    for title, proto, _ in chosen:
        cells = []
        for name in names:
            these = [x for x in rows if x["variant"] == name and x["measurement"] == title and x["value"]]
            if not these:
                cells.append("–")
                continue
            value = statistics.median(x["value"] for x in these)
            cell = f"{value / 1e6:,.0f} MB/s" if proto == "tcp" else f"{value:,.0f}/s"
            if name != "quiet":
                ratios = []
                for x in these:
                    q = [y["value"] for y in rows if y["round"] == x["round"] and y["variant"] == "quiet"
                         and y["measurement"] == title and y["value"]]
                    if q:
                        ratios.append(x["value"] / q[0])
                if ratios:
                    cell += f" ({statistics.median(ratios):.2f}×)"
            if name.endswith("disk"):
                disk = [x["written"] / x["seconds"] / x["dd"] for x in these if x.get("dd")]
                if disk:
                    cell += f"; file {statistics.median(x['written'] / x['seconds'] for x in these) / 1e6:,.0f} MB/s" \
                            f" = {statistics.median(disk):.2f}× dd"
            bad = sum(x["errors"] for x in these)
            if bad:
                cell += f" ({bad} errors)"
            cells.append(cell)
        out.append(f"| {title} | " + " | ".join(cells) + " |")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    sys.exit(main())
