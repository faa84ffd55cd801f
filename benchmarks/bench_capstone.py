#!/usr/bin/env python3
"""How long lesson 09 (the schedule shoot-out) takes (prints numbers, asserts nothing).

    python benchmarks/bench_capstone.py             # shoot-out timings and both notebooks
    python benchmarks/bench_capstone.py --no-notebooks

Prints:

* one training run of the lesson (450 updates of the 64-32-10 network, SGD with momentum,
  validation measured every 15 updates): median and max over 5 runs, and the time per
  update;
* the lesson's whole shoot-out (10 schedules x 3 seeds x 450 updates), once;
* the execution time of ``solutions/09_*.ipynb`` and ``lessons/09_*.ipynb`` on a fresh
  kernel (``run()`` from ``bench_notebooks.py``); the lesson's budget is 30 s each on the
  2-core reference machine.

Run from the repository root: ``.venv/bin/python benchmarks/bench_capstone.py``.
"""
from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("MPLBACKEND", "Agg")

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_notebooks import ROOT, run  # noqa: E402

from course_lib import schedules, shootout  # noqa: E402
from course_lib.checks import lesson09  # noqa: E402

BUDGET_S = 30.0


def lesson_recipes(r: float = 0.0423, p: float = 0.0546) -> dict:
    """The lesson's ten contestants (rates as the lesson's range test gives them)."""
    return {
        "constant": lambda T: schedules.constant(r),
        "time-based": lambda T: schedules.time_decay(r, 99.0 / T),
        "step": lambda T: schedules.step_decay(r, 0.1, T // 3),
        "exponential": lambda T: schedules.exponential(r, 0.01 ** (1.0 / T)),
        "cosine": lambda T: schedules.cosine(r, T),
        "triangular": lambda T: schedules.cyclical(p / 4, p, T // 4),
        "triangular2": lambda T: schedules.cyclical(p / 4, p, T // 4, mode="triangular2"),
        "SGDR": lambda T: schedules.sgdr(p, T // 3),
        "warmup + cosine": lambda T: schedules.warmup(schedules.cosine(p, T - T // 10), T // 10),
        "1cycle": shootout.Recipe(lr=lambda T: schedules.one_cycle(p, T),
                                  momentum=shootout.one_cycle_momentum),
    }


def one_run() -> None:
    times = []
    for _ in range(5):
        start = time.perf_counter()
        lesson09.lesson_shootout({"cosine": lambda T: schedules.cosine(0.05, T)}, seeds=(0,))
        times.append(time.perf_counter() - start)
    med = statistics.median(times)
    print(f"one run ({lesson09.BUDGET} updates, validation every 15): median {med:.3f} s, "
          f"max {max(times):.3f} s, {med / lesson09.BUDGET * 1e6:.0f} us per update")


def whole_shootout() -> None:
    recipes = lesson_recipes()
    start = time.perf_counter()
    lesson09.lesson_shootout(recipes)
    seconds = time.perf_counter() - start
    runs = len(recipes) * len(lesson09.SEEDS)
    print(f"the lesson's shoot-out ({len(recipes)} schedules x {len(lesson09.SEEDS)} seeds x "
          f"{lesson09.BUDGET} updates = {runs} runs): {seconds:.2f} s")


def notebooks() -> None:
    print(f"{'notebook':<50} {'seconds':>8}  budget {BUDGET_S:.0f} s")
    for folder in ("solutions", "lessons"):
        for path in sorted((ROOT / folder).glob("09_*.ipynb")):
            seconds = run(path)
            flag = "" if seconds < BUDGET_S else "  OVER BUDGET"
            print(f"{folder + '/' + path.name:<50} {seconds:8.2f}{flag}", flush=True)


if __name__ == "__main__":
    one_run()
    whole_shootout()
    if "--no-notebooks" not in sys.argv[1:]:
        notebooks()
