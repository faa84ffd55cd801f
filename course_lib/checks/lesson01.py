"""Checkers for lesson 01: gradient descent on Rosenbrock (b = 1, start (2, 2))."""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from .. import functions, optim, schedules
from . import CheckResult, check_between, check_function

__all__ = ["gradient", "descent_loop", "largest_stable_lr", "stable_lr_limit", "time_decay"]

_POINTS = [(2.0, 2.0), (-1.0, 2.0), (0.5, -0.3), (1.0, 1.0), (-1.7, 0.4)]


def _grad(x1, x2):
    return functions.rosenbrock_grad(np.array([x1, x2]), b=1.0)


def gradient(fn) -> CheckResult:
    """``fn(x1, x2)`` returns the gradient ``(d/dx1, d/dx2)`` of ``(x2 - x1**2)**2 + (1 - x1)**2``."""
    return check_function(fn, _grad, _POINTS, "gradient", rtol=1e-9,
                          hint="use the chain rule on each square; d/dx1 of (x2 - x1**2)**2 "
                               "is 2 (x2 - x1**2) * (-2 x1)")


def _loop(x0, lr, steps):
    grad = lambda x: functions.rosenbrock_grad(x, b=1.0)  # noqa: E731
    return optim.gradient_descent(grad, x0, lr, steps, verbose=False).x


def descent_loop(fn) -> CheckResult:
    """``fn(x0, lr, steps)`` returns the final point of plain gradient descent."""
    cases = [((2.0, 2.0), 0.1, 100), ((-1.0, 1.5), 0.05, 30), ((0.0, 0.0), 0.15, 10)]
    return check_function(fn, _loop, cases, "descent_loop", rtol=1e-9,
                          hint="repeat x = x - lr * gradient(x) exactly `steps` times")


def _converges(lr: float, steps: int = 2000, tol: float = 1e-6) -> bool:
    res = optim.gradient_descent(lambda x: functions.rosenbrock_grad(x, b=1.0),
                                 (2.0, 2.0), lr, steps, verbose=False)
    return (not res.diverged) and bool(np.linalg.norm(res.x - 1.0) < tol)


@lru_cache(maxsize=None)
def stable_lr_limit(resolution: float = 1e-4) -> float:
    """Bisection for the largest rate whose 2000 steps from (2, 2) end within 1e-6 of (1, 1)."""
    lo, hi = 0.1, 0.3
    while hi - lo > resolution:
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if _converges(mid) else (lo, mid)
    return lo


def largest_stable_lr(answer) -> CheckResult:
    """The largest learning rate (to within 0.005) that still converges from (2, 2)."""
    limit = stable_lr_limit()
    return check_between(answer, limit - 0.005, limit + 0.0002, "largest stable learning rate",
                         hint="run 2000 steps and test whether you end within 1e-6 of (1, 1); "
                              "halve the interval between a rate that works and one that fails")


def _decay(lr0, decay, t):
    return schedules.time_decay(lr0, decay)(t)


def time_decay(fn) -> CheckResult:
    """``fn(lr0, decay, t)`` returns ``lr0 / (1 + decay * t)``."""
    cases = [(0.2, 0.01, 0), (0.2, 0.01, 50), (0.5, 0.1, 7), (1.0, 0.0, 9)]
    return check_function(fn, _decay, cases, "time_decay", rtol=1e-12,
                          hint="the rate at step t is lr0 / (1 + decay * t)")
