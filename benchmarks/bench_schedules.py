#!/usr/bin/env python3
"""Speed of lesson 05's schedule explorer and of evaluating the schedules themselves.

Prints (asserts nothing, timings are noisy):

* the explorer's median update time over about 20 control changes per control
  (a control change → new PNG ready), target under 30 ms;
* how long one call ``s(np.arange(1_000_000))`` takes for each schedule (best of 5).

Run from the repository root: ``.venv/bin/python benchmarks/bench_schedules.py``.
"""
from __future__ import annotations

import os
import statistics
import time

os.environ.setdefault("MPLBACKEND", "Agg")

import numpy as np  # noqa: E402

from course_lib import schedules as S  # noqa: E402


def explorer_updates() -> None:
    from course_lib.widgets.schedule import SCHEDULES, schedule_explorer

    start = time.perf_counter()
    ex = schedule_explorer()
    build = (time.perf_counter() - start) * 1e3
    print(f"schedule explorer: built in {build:.1f} ms")
    moves = [
        ("lr", "step_decay", [float(x) for x in np.geomspace(0.01, 0.5, 20)]),
        ("factor", "step_decay", [round(x, 2) for x in np.linspace(0.1, 1.0, 19)]),
        ("period", "cosine", list(range(10, 210, 10))),
        ("gamma", "exponential", [round(x, 3) for x in np.linspace(0.95, 0.999, 20)]),
        ("steps", "time_decay", list(range(50, 500, 22))),
        ("noise", "sgdr", [round(x, 1) for x in np.linspace(0.0, 2.0, 20)]),
    ]
    print(f"{'control (schedule)':<28} {'changes':>7} {'median ms':>10} {'max ms':>8}")
    every = []
    for control, schedule, values in moves:
        ex.set(schedule=schedule, lr=0.18, steps=200, noise=1.0)  # the lesson's defaults
        times = []
        for value in values:
            t0 = time.perf_counter()
            ex.controls[control].value = value
            times.append(time.perf_counter() - t0)
        every += times
        print(f"{control + ' (' + schedule + ')':<28} {len(times):7d} "
              f"{statistics.median(times) * 1e3:10.1f} {max(times) * 1e3:8.1f}")
    times = []
    for name in list(SCHEDULES) * 3:
        t0 = time.perf_counter()
        ex.controls["schedule"].value = name
        times.append(time.perf_counter() - t0)
    every += times
    print(f"{'schedule dropdown':<28} {len(times):7d} {statistics.median(times) * 1e3:10.1f} "
          f"{max(times) * 1e3:8.1f}")
    print(f"{'all changes':<28} {len(every):7d} {statistics.median(every) * 1e3:10.1f} "
          f"{max(every) * 1e3:8.1f}")


def million_steps() -> None:
    t = np.arange(1_000_000)
    cases = {
        "constant(0.1)": S.constant(0.1),
        "time_decay(0.1, 0.01)": S.time_decay(0.1, 0.01),
        "step_decay(0.1, 0.5, 1000)": S.step_decay(0.1, 0.5, 1000),
        "exponential(0.1, 0.99999)": S.exponential(0.1, 0.99999),
        "cosine(0.1, 1_000_000)": S.cosine(0.1, 1_000_000),
        "cyclical triangular": S.cyclical(0.001, 0.1, 2000),
        "cyclical triangular2": S.cyclical(0.001, 0.1, 2000, mode="triangular2"),
        "cyclical exp_range": S.cyclical(0.001, 0.1, 2000, mode="exp_range", gamma=0.99999),
        "sgdr(t_mult=1)": S.sgdr(0.1, 5000),
        "sgdr(t_mult=2, decay 0.8)": S.sgdr(0.1, 100, 2, 0.001, 0.8),
        "one_cycle(cos)": S.one_cycle(0.1, 1_000_000),
        "one_cycle(linear, 3 phases)": S.one_cycle(0.1, 1_000_000, anneal="linear", three_phase=True),
        "warmup(cosine)": S.warmup(S.cosine(0.1, 990_000), 10_000),
    }
    print(f"\n{'schedule, 1 000 000 steps':<30} {'ms (best of 5)':>14}")
    for name, s in cases.items():
        best = float("inf")
        for _ in range(5):
            t0 = time.perf_counter()
            s(t)
            best = min(best, time.perf_counter() - t0)
        print(f"{name:<30} {best * 1e3:14.1f}")


if __name__ == "__main__":
    explorer_updates()
    million_steps()
