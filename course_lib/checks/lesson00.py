"""Checkers for lesson 00 (welcome): a warm-up to show how exercises work."""
from __future__ import annotations

from . import check_function, check_number

__all__ = ["slope", "gd_step"]


def slope(answer) -> "CheckResult":
    """The slope of ``f(x) = x**2`` at ``x = 3``."""
    return check_number(answer, 6.0, "slope at x = 3", rtol=1e-9,
                        hint="the derivative of x**2 is 2 * x")


def _gd_step(x, lr):
    return x - lr * 2.0 * x


def gd_step(fn) -> "CheckResult":
    """``fn(x, lr)``: one gradient-descent step on ``f(x) = x**2``."""
    cases = [(3.0, 0.1), (-2.0, 0.25), (1.5, 1.2), (0.0, 0.5)]
    return check_function(fn, _gd_step, cases, "gd_step",
                          hint="the new x is x - lr * f'(x), and f'(x) = 2 * x")
