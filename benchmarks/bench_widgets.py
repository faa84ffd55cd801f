#!/usr/bin/env python3
"""In-process update time of the explorers: from a control change to a finished new picture
(PNG bytes ready to send), median over repeated changes. Prints numbers, asserts nothing.

Target: under 30 ms per update on the 2-core reference machine.
"""
from __future__ import annotations

import statistics
import time

import numpy as np


def measure(explorer, name: str, values) -> tuple:
    """Set ``name`` to each value in turn (each a real control change) and time the updates."""
    times = []
    for value in values:
        start = time.perf_counter()
        explorer.controls[name].value = value
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e3, max(times) * 1e3


def explorers():
    """(label, factory, control, values) for each explorer of lessons 00 and 01."""
    from course_lib.widgets import gd_explorer, parabola_explorer
    lrs = [float(x) for x in np.geomspace(0.002, 0.5, 25)]
    return [
        ("lesson 00 parabola_explorer (lr)", parabola_explorer, "lr",
         [round(x, 2) for x in np.linspace(0.05, 1.15, 25)]),
        ("lesson 01 gd_explorer (lr)", gd_explorer, "lr", lrs),
        ("lesson 01 gd_explorer (steps)", gd_explorer, "steps", list(range(20, 500, 20))),
        ("lesson 01 gd_explorer (start x1)", gd_explorer, "x1",
         [round(x, 2) for x in np.linspace(-1.9, 2.5, 25)]),
    ]


def main() -> None:
    print(f"{'explorer (control)':<40} {'build ms':>9} {'median ms':>10} {'max ms':>8}")
    for label, factory, control, values in explorers():
        start = time.perf_counter()
        ex = factory()
        build = (time.perf_counter() - start) * 1e3
        median, worst = measure(ex, control, values)
        print(f"{label:<40} {build:9.1f} {median:10.1f} {worst:8.1f}")


if __name__ == "__main__":
    main()
