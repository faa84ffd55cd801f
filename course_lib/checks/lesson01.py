"""Checkers for lesson 01: gradient descent on Rosenbrock (b = 1, start (2, 2))."""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from .. import functions, optim, schedules
from . import CheckResult, catalogue, check_between, check_function, never_raises

__all__ = ["gradient", "descent_loop", "largest_stable_lr", "stable_lr_limit", "time_decay"]

_POINTS = [(2.0, 2.0), (-1.0, 2.0), (0.5, -0.3), (1.0, 1.0), (-1.7, 0.4)]


def _grad(x1, x2):
    return functions.rosenbrock_grad(np.array([x1, x2]), b=1.0)


def _grad_no_chain(x1, x2):
    return np.array([2 * (x2 - x1 ** 2) - 2 * (1 - x1), 2 * (x2 - x1 ** 2)])


@never_raises
def gradient(fn) -> CheckResult:
    """Lesson 01, exercise 1: ``fn(x1, x2)`` returns the gradient ``(d/dx1, d/dx2)`` of
    ``(x2 - x1**2)**2 + (1 - x1)**2``."""
    diagnose = catalogue(
        ("sign error: this is minus the gradient (the descent direction)", lambda a, b: -_grad(a, b)),
        ("the inner derivatives are missing: d/dx1 of x2 - x1**2 is -2 x1, of 1 - x1 is -1",
         _grad_no_chain),
        ("the two components are swapped: (d/dx1, d/dx2)", lambda a, b: _grad(a, b)[::-1]),
        ("this is the b = 100 Rosenbrock; the lesson's model has b = 1",
         lambda a, b: functions.rosenbrock_grad(np.array([a, b]))))
    return check_function(fn, _grad, _POINTS, "gradient", rtol=1e-9, diagnose=diagnose,
                          label=lambda i: ("d/dx1", "d/dx2")[i[0]],
                          hint="use the chain rule on each square; d/dx1 of (x2 - x1**2)**2 "
                               "is 2 (x2 - x1**2) * (-2 x1)")


def _loop(x0, lr, steps):
    grad = lambda x: functions.rosenbrock_grad(x, b=1.0)  # noqa: E731
    return optim.gradient_descent(grad, x0, lr, steps, verbose=False).x


def _uphill(x0, lr, steps):
    x = np.array(x0, dtype=float)
    with np.errstate(all="ignore"):
        for _ in range(steps):
            x = x + lr * functions.rosenbrock_grad(x, b=1.0)
    return x


@never_raises
def descent_loop(fn) -> CheckResult:
    """Lesson 01, exercise 2: ``fn(x0, lr, steps)`` returns the final point of plain gradient descent."""
    cases = [((2.0, 2.0), 0.1, 100), ((-1.0, 1.5), 0.05, 30), ((0.0, 0.0), 0.15, 10)]
    diagnose = catalogue(
        ("off by one: that is steps - 1 updates; do exactly `steps`", lambda x0, lr, n: _loop(x0, lr, n - 1)),
        ("off by one: that is steps + 1 updates; do exactly `steps`", lambda x0, lr, n: _loop(x0, lr, n + 1)),
        ("sign error: step downhill, x - lr * gradient", _uphill),
        ("you returned the start: update x inside the loop (x = x - ...), not a copy",
         lambda x0, lr, n: np.asarray(x0, dtype=float)))
    return check_function(fn, _loop, cases, "descent_loop", rtol=1e-9, diagnose=diagnose,
                          label=lambda i: f"x{i[0] + 1}",
                          hint="repeat x = x - lr * gradient(x) exactly `steps` times")


def _converges(lr: float, steps: int = 2000, tol: float = 1e-6) -> bool:
    res = optim.gradient_descent(lambda x: functions.rosenbrock_grad(x, b=1.0),
                                 (2.0, 2.0), lr, steps, verbose=False)
    return (not res.diverged) and bool(np.linalg.norm(res.x - 1.0) < tol)


@lru_cache(maxsize=None)
def stable_lr_limit(resolution: float = 1e-4) -> float:
    """Bisection for the largest rate whose 2000 steps from (2, 2) end within 1e-6 of (1, 1).

    Used by lesson 01's notebook. ``resolution`` must be a positive finite number (a
    ``ValueError`` naming it otherwise; 0 would bisect forever)."""
    if not isinstance(resolution, (int, float)) or not np.isfinite(resolution) or resolution <= 0:
        raise ValueError(f"resolution must be a positive finite number, got {resolution!r}")
    lo, hi = 0.1, 0.3
    while hi - lo > resolution:
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if _converges(mid) else (lo, mid)
    return lo


@never_raises
def largest_stable_lr(answer) -> CheckResult:
    """Lesson 01, exercise 4: the largest learning rate (to within 0.005) that still converges from (2, 2)."""
    limit = stable_lr_limit()
    return check_between(answer, limit - 0.005, limit + 0.0002, "largest stable learning rate",
                         mistakes=[(0.2, "0.2 is the rate the lesson shows failing (a 2-cycle): "
                                         "the limit lies below it"),
                                   (0.1, "0.1 converges, but it is not the largest: larger rates "
                                         "still work")],
                         hint="run 2000 steps and test whether you end within 1e-6 of (1, 1); "
                              "halve the interval between a rate that works and one that fails")


def _decay(lr0, decay, t):
    return schedules.time_decay(lr0, decay)(t)


@never_raises
def time_decay(fn) -> CheckResult:
    """Lesson 01, exercise 3: ``fn(lr0, decay, t)`` returns ``lr0 / (1 + decay * t)``."""
    cases = [(0.2, 0.01, 0), (0.2, 0.01, 50), (0.5, 0.1, 7), (1.0, 0.0, 9)]
    diagnose = catalogue(
        ("off by one: the first update (t = 0) uses lr0 itself", lambda lr0, d, t: lr0 / (1 + d * (t + 1))),
        ("that is lr0 * (1 - decay * t), a linear decay; time-based decay divides",
         lambda lr0, d, t: lr0 * (1 - d * t)),
        ("the brackets: lr0 / (1 + decay * t), not lr0 / 1 + decay * t",
         lambda lr0, d, t: lr0 / 1 + d * t))
    return check_function(fn, _decay, cases, "time_decay", rtol=1e-12, diagnose=diagnose,
                          hint="the rate at step t is lr0 / (1 + decay * t)")
