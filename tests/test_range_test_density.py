"""Issue 15, point 4: the range tests of lessons 07 and 09 follow lesson 06's advice about the
lag of the smoothed loss (beta / (1 - beta) steps): enough steps per decade of the rate that
the lag stays under one decade. Lesson 06 itself shows fastai's sparse sweep on purpose, so it
is not checked here.

The test reads the ``lr_range_test(...)`` calls of the solution notebooks (their literal
``min_lr``, ``max_lr``, ``steps`` and ``smoothing``, with the library's defaults for the
missing ones) and computes the lag with ``course_lib.lr_finder`` itself.
"""
from __future__ import annotations

import ast
import inspect
from pathlib import Path

import nbformat
import numpy as np
import pytest

from course_lib import lr_finder

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ["solutions/07_cyclical_learning_rates.ipynb",
             "solutions/09_capstone_schedule_shootout.ipynb"]
DEFAULTS = {name: p.default for name, p in inspect.signature(lr_finder.lr_range_test).parameters.items()
            if p.default is not inspect.Parameter.empty}


def range_test_calls(path: str) -> list[dict]:
    """The keyword arguments (literal numbers only) of every lr_range_test call of a notebook."""
    nb = nbformat.read(ROOT / path, as_version=4)
    calls = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        source = "\n".join(line for line in cell.source.splitlines() if not line.startswith("%"))
        for node in ast.walk(ast.parse(source)):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "lr_range_test"):
                kw = {k.arg: k.value.value for k in node.keywords
                      if isinstance(k.value, ast.Constant) and isinstance(k.value.value, (int, float))}
                calls.append({**{k: DEFAULTS[k] for k in ("min_lr", "max_lr", "steps", "smoothing")},
                              **kw})
    return calls


def lag_decades(min_lr: float, max_lr: float, steps: int, smoothing: float) -> float:
    """The lag of the smoothed curve in decades of the rate, from the library's own formula."""
    lrs = lr_finder.sweep_rates(min_lr, max_lr, steps)
    per_decade = (len(lrs) - 1) / np.log10(lrs[-1] / lrs[0])
    return (smoothing / (1 - smoothing)) / per_decade


@pytest.mark.parametrize("path", NOTEBOOKS)
def test_range_tests_are_dense_enough_for_their_smoothing(path):
    calls = range_test_calls(path)
    assert calls, f"{path}: no lr_range_test call found"
    for kw in calls:
        lag = lag_decades(kw["min_lr"], kw["max_lr"], kw["steps"], kw["smoothing"])
        assert lag < 1.0, (f"{path}: lr_range_test({kw}) lags {lag:.2f} decades; lesson 06 "
                           f"advises enough steps per decade to keep it under one")


def test_fastais_settings_would_fail_the_density_check():
    # the check can fail: 100 steps over the five decades 1e-4..10 lag about 2.5 decades
    assert lag_decades(1e-4, 10.0, 100, 0.98) == pytest.approx(49 / (99 / 5))
    assert lag_decades(1e-4, 10.0, 100, 0.98) > 2


def test_the_parser_reads_literal_arguments_and_defaults(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("%matplotlib inline\nrt = lr_finder.lr_range_test(f, p, b, "
                                          "min_lr=1e-3, steps=300)")]
    nbformat.write(nb, tmp_path / "x.ipynb")
    global ROOT
    old, ROOT = ROOT, tmp_path
    try:
        (kw,) = range_test_calls("x.ipynb")
    finally:
        ROOT = old
    assert kw == {"min_lr": 1e-3, "max_lr": DEFAULTS["max_lr"], "steps": 300,
                  "smoothing": DEFAULTS["smoothing"]}
