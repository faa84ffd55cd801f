#!/usr/bin/env python3
"""In-process update time of the explorers: from a control change to a finished new picture
(PNG bytes ready to send), median over repeated changes. Prints numbers, asserts nothing.

    python benchmarks/bench_widgets.py                # every explorer, every visible control
    python benchmarks/bench_widgets.py gd schedule    # only factories whose name starts so

Every factory ``*_explorer`` of every module of ``course_lib.widgets`` is found
automatically and built with its defaults (``BUILDERS`` supplies the arguments of those
that need some); each visible control is then swept over its range (sliders), cycled
through its options (selections) or toggled (check boxes), 25 real changes each.

Target: under 30 ms per update on the 2-core reference machine.
"""
from __future__ import annotations

import re
import statistics
import sys
import time
from pathlib import Path
from typing import Callable, Dict, List

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
CHANGES = 25
TARGET_MS = 30.0


def measure(explorer, name: str, values) -> tuple:
    """Set ``name`` to each value in turn (each a real control change) and time the updates."""
    times = []
    for value in values:
        start = time.perf_counter()
        explorer.controls[name].value = value
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e3, max(times) * 1e3


# -- which explorers ---------------------------------------------------------------------
def _small_shootout():
    """A finished shoot-out small enough to build in a second (like the widget test's)."""
    from course_lib import data, models, schedules
    from course_lib.shootout import shootout
    s = data.digits_split(seed=0)
    recipes = {"constant": lambda total: 0.05,
               "cosine": lambda total: schedules.cosine(0.1, total),
               "step": lambda total: schedules.step_decay(0.1, 0.5, max(total // 3, 1))}
    result = shootout(recipes, lambda seed: models.init_mlp((64, 16, 10), seed=seed), "mlp",
                      s.x_train[:320], s.y_train[:320],
                      validation_data=(s.x_val[:200], s.y_val[:200]),
                      steps=40, seeds=(0, 1, 2), eval_every=5, target=0.8)
    return (result,), {"schedules": ("constant", "cosine")}


#: factory name -> function returning (args, kwargs) for factories that need arguments
BUILDERS: Dict[str, Callable[[], tuple]] = {"shootout_explorer": _small_shootout}


def discover() -> List[tuple]:
    """(factory name, factory) for every ``*_explorer`` of ``course_lib.widgets``."""
    from course_lib.widgets import explorer_factories
    return explorer_factories()


def lessons_using(factory: str) -> str:
    """The lessons whose notebooks call this factory, e.g. '01' or '05, 07'."""
    found = []
    for path in sorted((ROOT / "lessons").glob("[0-9][0-9]_*.ipynb")):
        if re.search(rf"\b{factory}\s*\(", path.read_text(encoding="utf-8")):
            found.append(path.name[:2])
    return ", ".join(found) or "-"


# -- how to move a control ---------------------------------------------------------------
def _triangle(grid: list, current, n: int) -> list:
    """n values walking up and down ``grid`` (no two neighbours equal, none equal to the
    current value at the start)."""
    grid = [g for i, g in enumerate(grid) if i == 0 or g != grid[i - 1]]
    if len(grid) < 2:
        return []
    walk = grid + grid[-2:0:-1]
    out, i = [], 0
    while len(out) < n:
        v = walk[i % len(walk)]
        if not out and v == current:
            i += 1
            continue
        if not out or v != out[-1]:
            out.append(v)
        i += 1
    return out


def _option_values(widget) -> list:
    return [o[1] if isinstance(o, tuple) else o for o in widget.options]


def control_values(widget, n: int = CHANGES) -> list:
    """``n`` values for a control, each different from the one before, or [] when the kind
    of control is not known here."""
    import ipywidgets as W
    if isinstance(widget, W.FloatLogSlider):
        exps = np.linspace(widget.min, widget.max, n)
        grid = sorted({float(widget.base ** (round(e / widget.step) * widget.step)) for e in exps})
        return _triangle(grid, widget.value, n)
    if isinstance(widget, (W.IntRangeSlider, W.FloatRangeSlider)):
        lo, hi = widget.min, widget.max
        lows = np.linspace(lo, lo + (hi - lo) / 2, n)
        step = widget.step or 1
        grid = [(type(lo)(round(v / step) * step), widget.value[1]) for v in lows]
        grid = [g for g in grid if g[0] < g[1]]
        return _triangle(grid, widget.value, n)
    if isinstance(widget, (W.IntSlider, W.FloatSlider)):
        step = widget.step or 1
        raw = np.linspace(widget.min, widget.max, n)
        if isinstance(widget, W.IntSlider):
            grid = sorted({int(round(v / step) * step) for v in raw})
        else:
            grid = sorted({round(float(round(v / step) * step), 10) for v in raw})
        return _triangle(grid, widget.value, n)
    if isinstance(widget, (W.SelectMultiple,)):
        values, current = _option_values(widget), tuple(widget.value)
        other = current[:-1] if len(current) > 1 else tuple(values[:2])
        return [other if i % 2 == 0 else current for i in range(n)] if other != current else []
    if isinstance(widget, (W.SelectionSlider, W.Dropdown, W.ToggleButtons, W.RadioButtons, W.Select)):
        return _triangle(_option_values(widget), widget.value, n)
    if isinstance(widget, (W.Checkbox, W.ToggleButton)):
        return [(not widget.value) if i % 2 == 0 else widget.value for i in range(n)]
    return []


def visible(widget) -> bool:
    return getattr(getattr(widget, "layout", None), "display", None) != "none"


def run(prefixes=(), verbose: bool = True) -> List[dict]:
    """Build every explorer and sweep every visible control; one row per control."""
    rows = []
    if verbose:
        print(f"{'explorer (control)':<44} {'lesson':>6} {'build ms':>9} {'median ms':>10} {'max ms':>8}")
    for name, factory in discover():
        if prefixes and not any(name.startswith(p) for p in prefixes):
            continue
        args, kwargs = BUILDERS[name]() if name in BUILDERS else ((), {})
        start = time.perf_counter()
        explorer = factory(*args, **kwargs)
        build = (time.perf_counter() - start) * 1e3
        lesson = lessons_using(name)
        for control, widget in list(explorer.controls.items()):
            if not visible(widget):
                continue
            values = control_values(widget)
            if not values:
                continue
            initial = widget.value
            median, worst = measure(explorer, control, values)
            widget.value = initial  # the next control starts from the explorer's defaults
            row = {"explorer": name, "control": control, "lesson": lesson, "build_ms": build,
                   "median_ms": median, "max_ms": worst}
            rows.append(row)
            if verbose:
                flag = "" if median < TARGET_MS else "  OVER BUDGET"
                print(f"{name + ' (' + control + ')':<44} {lesson:>6} {build:9.1f} "
                      f"{median:10.1f} {worst:8.1f}{flag}", flush=True)
    return rows


def main(argv) -> None:
    import matplotlib
    matplotlib.use("Agg")
    run(argv)


if __name__ == "__main__":
    main(sys.argv[1:])
