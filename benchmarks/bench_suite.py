#!/usr/bin/env python3
"""How long the test suite takes, whole and by part. Prints numbers, asserts nothing.

    python benchmarks/bench_suite.py                  # the parts and the whole suite here
    python benchmarks/bench_suite.py --fresh-clone    # also the README command on a fresh clone
    python benchmarks/bench_suite.py --skip parts     # only the whole suite

Runs, from the repository root and with this environment's Python:

1. each part on its own, on every core as the README command runs it (pytest-xdist):
   unit tests (``tests/`` without the browser tests), strict nbval (``lessons/``,
   ``solutions/``) and the browser tests (``tests/test_browser_*.py``);
2. the whole suite, ``python -m pytest --durations=10`` (the slowest ten tests);
3. with ``--fresh-clone``: ``git clone`` of this checkout into a temporary folder and the
   README's test command there (a new ``.venv``, ``pip install -r requirements.txt``, every
   test), timed from the clone to the last test.

and ends with a Markdown table: per run the wall time, the CPU time the machine spent
meanwhile (busy core-seconds from ``/proc/stat``: every process, Chromium's and the kernels'
included, so the machine must be otherwise quiet), and pytest's own count and time. The
busy time is the run's work: on ``n`` cores it cannot finish in less than busy / ``n``.
"""
from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PARTS = {
    "unit tests": ["tests", "--ignore-glob=tests/test_browser_*.py"],
    "strict nbval, 22 notebooks": ["lessons", "solutions"],
    "browser tests": ["tests/test_browser_lab.py", "tests/test_browser_notebook.py"],
}
SUMMARY = re.compile(r"^=*\s*(\d+ (passed|failed).*?) in ([\d.]+)s", re.M)


def busy_seconds() -> float:
    """Core-seconds this machine has spent not idle since it started (Linux ``/proc/stat``:
    user, nice, system, irq, softirq, steal), or nan where there is no such file."""
    try:
        fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    except OSError:
        return float("nan")
    user, nice, system, idle, iowait, irq, softirq, steal = (int(x) for x in fields[:8])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def run(cmd, cwd=ROOT, shell=False) -> tuple:
    """``(wall seconds, busy core-seconds, pytest's summary line, output)`` of one command."""
    busy = busy_seconds()
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, shell=shell, capture_output=True, text=True,
                          env={**os.environ, "PYTHONWARNINGS": "ignore"})
    wall = time.perf_counter() - start
    busy = busy_seconds() - busy
    out = proc.stdout + proc.stderr
    found = SUMMARY.findall(out)
    summary = f"{found[-1][0]} in {found[-1][2]}s" if found else f"rc {proc.returncode}"
    return wall, busy, summary, out


def slowest(out: str, n: int = 10) -> list:
    """The ``n`` slowest tests from pytest's ``--durations`` block."""
    rows = re.findall(r"^([\d.]+)s (call|setup|teardown)\s+(\S+)", out, re.M)
    return sorted(((float(s), what, name) for s, what, name in rows), reverse=True)[:n]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--fresh-clone", action="store_true")
    ap.add_argument("--skip", nargs="*", default=[], choices=["parts", "whole"])
    args = ap.parse_args()
    rows = []
    if "parts" not in args.skip:
        for name, paths in PARTS.items():
            wall, busy, summary, _ = run([sys.executable, "-m", "pytest", "-q", *paths])
            rows.append((name, wall, busy, summary, "python -m pytest -q " + " ".join(paths)))
            print(f"{name}: {wall:.0f} s wall, {busy:.0f} core-s busy ({summary})", flush=True)
    top = []
    if "whole" not in args.skip:
        wall, busy, summary, out = run([sys.executable, "-m", "pytest", "-q", "--durations=10"])
        rows.append(("whole suite", wall, busy, summary, "python -m pytest -q --durations=10"))
        print(f"whole suite: {wall:.0f} s wall, {busy:.0f} core-s busy ({summary})", flush=True)
        top = slowest(out)
    if args.fresh_clone:
        with tempfile.TemporaryDirectory() as tmp:
            clone = Path(tmp) / "course"
            readme_cmd = subprocess.run([sys.executable, "tools/readme_command.py", "test"],
                                        cwd=ROOT, capture_output=True, text=True,
                                        check=True).stdout.strip()
            start, busy = time.perf_counter(), busy_seconds()
            subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
            _, _, summary, _ = run(readme_cmd, cwd=clone, shell=True)
            wall, busy = time.perf_counter() - start, busy_seconds() - busy
            rows.append(("README test command, fresh clone", wall, busy, summary,
                         f"git clone . /tmp/x && cd /tmp/x && {readme_cmd}"))
            print(f"fresh clone: {wall:.0f} s wall, {busy:.0f} core-s busy ({summary})",
                  flush=True)
    load = os.getloadavg() if hasattr(os, "getloadavg") else (float("nan"),) * 3
    print(f"\n{os.cpu_count()} cores, load average now {load[0]:.1f} / {load[1]:.1f} / "
          f"{load[2]:.1f} (1 / 5 / 15 min)\n")
    cores = os.cpu_count() or 1
    print(f"| run | wall | CPU busy | shortest possible on {cores} cores | pytest says | command |\n"
          "|---|---|---|---|---|---|")
    for name, wall, busy, summary, cmd in rows:
        print(f"| {name} | {wall:.0f} s | {busy:.0f} core-s | {busy / cores:.0f} s | "
              f"`{summary}` | `{cmd}` |")
    if top:
        print("\nSlowest ten tests of the whole suite:\n\n| test | phase | time |\n|---|---|---|")
        for seconds, what, name in top:
            print(f"| `{name}` | {what} | {seconds:.1f} s |")


if __name__ == "__main__":
    main()
