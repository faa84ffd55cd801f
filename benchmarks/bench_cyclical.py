#!/usr/bin/env python3
"""Lessons 07 and 08: how long their notebooks take to execute on a fresh kernel, and the
median in-process update time of their explorers (cyclical, SGDR). Prints numbers, asserts
nothing.

    python benchmarks/bench_cyclical.py              # notebooks and explorers
    python benchmarks/bench_cyclical.py --widgets    # explorers only (a few seconds)

Budgets: each notebook under 20 s, each explorer update under 30 ms, on the 2-core
reference machine.
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_notebooks import BUDGET_S, ROOT, run  # noqa: E402

UPDATE_BUDGET_MS = 30.0
NOTEBOOKS = ["07_cyclical_learning_rates.ipynb", "08_warm_restarts_snapshot_ensembles.ipynb"]


def notebooks() -> None:
    print(f"{'notebook':<50} {'seconds':>8}  budget {BUDGET_S:.0f} s")
    for folder in ("solutions", "lessons"):
        for name in NOTEBOOKS:
            path = ROOT / folder / name
            if not path.exists():
                print(f"{folder + '/' + name:<50} {'missing':>8}")
                continue
            seconds = run(path)
            flag = "" if seconds < BUDGET_S else "  OVER BUDGET"
            print(f"{folder + '/' + name:<50} {seconds:8.2f}{flag}", flush=True)


def _measure(explorer, control, values):
    times = []
    for value in values:
        start = time.perf_counter()
        explorer.controls[control].value = value
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e3, max(times) * 1e3


def explorers() -> None:
    import numpy as np

    from course_lib.widgets.cyclical import cyclical_explorer
    from course_lib.widgets.sgdr import sgdr_explorer

    curves = {name: (np.arange(1, 13), np.linspace(0.8, 0.97, 12))
              for name in ("fixed base_lr", "triangular", "triangular2", "exp_range")}
    cases = [
        ("lesson 07 cyclical_explorer (step size)", lambda: cyclical_explorer(digits_curves=curves),
         "step_size", list(range(20, 270, 10))),
        ("lesson 07 cyclical_explorer (max_lr)", lambda: cyclical_explorer(digits_curves=curves),
         "max_lr", [float(x) for x in np.geomspace(0.3, 5.0, 25)]),
        ("lesson 07 cyclical_explorer (mode)", lambda: cyclical_explorer(digits_curves=curves),
         "mode", ["triangular2", "exp_range", "triangular"] * 8),
        ("lesson 08 sgdr_explorer (t0)", sgdr_explorer, "t0", list(range(60, 560, 20))),
        ("lesson 08 sgdr_explorer (t_mult)", sgdr_explorer, "t_mult", [1, 2, 3, 4] * 6),
        ("lesson 08 sgdr_explorer (peak_decay)", sgdr_explorer, "peak_decay",
         [round(x, 2) for x in np.linspace(0.3, 1.0, 15)]),
        ("lesson 08 sgdr_explorer (budget)", sgdr_explorer, "steps", list(range(300, 1500, 50))),
    ]
    print(f"{'explorer (control)':<42} {'build ms':>9} {'median ms':>10} {'max ms':>8}  "
          f"budget {UPDATE_BUDGET_MS:.0f} ms")
    for label, factory, control, values in cases:
        start = time.perf_counter()
        ex = factory()
        build = (time.perf_counter() - start) * 1e3
        median, worst = _measure(ex, control, values)
        flag = "" if median < UPDATE_BUDGET_MS else "  OVER BUDGET"
        print(f"{label:<42} {build:9.1f} {median:10.1f} {worst:8.1f}{flag}", flush=True)


if __name__ == "__main__":
    if "--widgets" not in sys.argv[1:]:
        notebooks()
    explorers()
