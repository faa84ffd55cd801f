"""Checkers for lesson 00 (welcome): a warm-up to show how exercises work."""
from __future__ import annotations

from . import CheckResult, catalogue, check_function, check_number, never_raises

__all__ = ["slope", "gd_step"]


@never_raises
def slope(answer) -> CheckResult:
    """Lesson 00, exercise 1: the slope of ``f(x) = x**2`` at ``x = 3``."""
    return check_number(answer, 6.0, "slope at x = 3", rtol=1e-9,
                        hint="the derivative of x**2 is 2 * x",
                        mistakes=[(9.0, "that is the value f(3), not the slope f'(3)"),
                                  (3.0, "that is x itself: the slope of x**2 is 2 * x"),
                                  (-6.0, "sign error: the slope of x**2 at a positive x is positive")])


def _gd_step(x, lr):
    return x - lr * 2.0 * x


@never_raises
def gd_step(fn) -> CheckResult:
    """Lesson 00, exercise 2: ``fn(x, lr)``: one gradient-descent step on ``f(x) = x**2``."""
    cases = [(3.0, 0.1), (-2.0, 0.25), (1.5, 1.2), (0.0, 0.5)]
    diagnose = catalogue(
        ("sign error: step against the slope, x - lr * f'(x)", lambda x, lr: x + lr * 2.0 * x),
        ("the slope of x**2 is 2 * x, not x", lambda x, lr: x - lr * x),
        ("return the new x, not the step lr * f'(x)", lambda x, lr: lr * 2.0 * x))
    return check_function(fn, _gd_step, cases, "gd_step", diagnose=diagnose,
                          hint="the new x is x - lr * f'(x), and f'(x) = 2 * x")
