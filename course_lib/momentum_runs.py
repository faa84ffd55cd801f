"""Runs of heavy-ball momentum and what can be measured on them: distances to the minimum,
the steps to a tolerance, the error factor per step, divergence, and a bisection for the edge
between stable and unstable rates.

Used by lesson 01 (the steps at the best constant rate on Rosenbrock) and lesson 05 (the
momentum stability region measured, the square-root-of-kappa speed-up counted), through
:mod:`course_lib.conditioning`, which re-exports these names next to the formulas they check.
"""
from __future__ import annotations

from typing import Callable, Optional

import numpy as np

from ._validate import array, count, point, positive_number
from .optimizers import Path

__all__ = ["heavy_ball", "distances", "steps_to_tolerance", "measured_contraction",
           "diverges", "bisect_limit"]


def _beta(beta) -> float:
    """``beta`` as a float in [0, 1), or ``ValueError`` naming it."""
    beta = positive_number(beta, "beta", allow_zero=True)
    if not beta < 1:
        raise ValueError(f"beta must be in [0, 1), got {beta!r}")
    return beta


def heavy_ball(grad_fn: Callable, x0, lr, beta, steps: int) -> Path:
    """Heavy-ball momentum for ``steps`` updates: ``v <- beta v + grad(x)``, ``x <- x - lr v``
    (``v`` starts at 0; the same as ``x - lr grad + beta (x - x_prev)``, and the same update as
    ``course_lib.optimizers.Momentum``). Stops without warnings when the point becomes
    inf/nan; ``beta = 0`` is plain gradient descent."""
    if not callable(grad_fn):
        raise ValueError(f"grad_fn must be a function of the point, got {grad_fn!r}")
    x = point(x0, "x0")
    lr = positive_number(lr, "lr")
    beta = _beta(beta)
    steps = count(steps, "steps", minimum=0)
    xs = np.empty((steps + 1, x.size))
    xs[0] = x
    v = np.zeros_like(x)
    diverged_at, message = None, f"finished {steps} steps"
    n = steps
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        # inf/nan, once there, stay: look for them every 64 steps, not at every step
        for i in range(steps):
            v = beta * v + np.asarray(grad_fn(x), dtype=float)
            x = x - lr * v
            xs[i + 1] = x
            if i % 64 == 63 or i == steps - 1:
                bad = ~np.isfinite(xs[max(0, i - 63) + 1:i + 2]).all(axis=1)
                if bad.any():
                    diverged_at = max(0, i - 63) + int(np.argmax(bad))
                    n = diverged_at
                    message = (f"diverged at step {diverged_at}: the point became inf/nan "
                               f"with learning rate {lr:.4g} and momentum {beta:.4g}")
                    break
    return Path(xs[:n + 1].copy(), np.full(n, lr), None, diverged_at, message)


def distances(xs, minimum) -> np.ndarray:
    """``|x_t - minimum|`` for every row of ``xs`` (scaled first, so a huge point gives a
    huge distance, never an overflow warning)."""
    xs = array(xs, "xs", finite=False)
    if xs.ndim != 2:
        raise ValueError(f"xs must have shape (steps + 1, d), got shape {xs.shape}")
    m = point(minimum, "minimum", dim=xs.shape[1])
    with np.errstate(over="ignore", invalid="ignore"):
        diff = xs - m
        scale = np.max(np.abs(diff), axis=1)
        safe = np.where((scale > 0) & np.isfinite(scale), scale, 1.0)
        d = scale * np.sqrt(np.sum((diff / safe[:, None]) ** 2, axis=1))
    return np.where(np.isfinite(scale), d, np.inf)


def steps_to_tolerance(grad_fn: Callable, x0, lr, *, minimum, beta=0.0, tol: float = 1e-6,
                       max_steps: int = 100_000) -> Optional[int]:
    """The number of updates after which the distance to ``minimum`` stays at or below
    ``tol`` times the starting distance (for the rest of ``max_steps``), or ``None`` when a
    run of ``max_steps`` does not get there (or diverges)."""
    tol = positive_number(tol, "tol")
    if not tol < 1:
        raise ValueError(f"tol must be between 0 and 1 (a fraction of the start's distance), "
                         f"got {tol!r}")
    max_steps = count(max_steps, "max_steps")
    run = heavy_ball(grad_fn, x0, lr, beta, max_steps)
    if run.diverged:
        return None
    d = distances(run.xs, minimum)
    if d[0] == 0:
        return 0
    above = np.flatnonzero(d > tol * d[0])
    if above.size and above[-1] == len(d) - 1:
        return None
    return 0 if not above.size else int(above[-1] + 1)


def measured_contraction(dist, floor: float = 1e-200) -> float:
    """The error factor per step read off a run's distances: ``(M2 / M1) ** (1 / k)`` where
    ``M1``, ``M2`` are the largest distances over the last two quarters (``k`` steps each) of
    the part above ``floor`` times the start (below it the float numbers run out). A maximum
    over a window is used because with momentum the distance oscillates."""
    d = array(dist, "dist", finite=False)
    if d.ndim != 1 or d.size < 9 or not np.all(d >= 0):
        raise ValueError("dist must be a 1-D array of at least 9 distances >= 0")
    if not np.isfinite(d[0]):
        raise ValueError(f"dist must start with a finite distance, got {d[0]}")
    floor = positive_number(floor, "floor")
    finite = np.isfinite(d)
    if not finite.all():
        d = d[:int(np.argmin(finite))]
    if d[0] > 0:
        low = np.flatnonzero(d < floor * d[0])
        if low.size:
            d = d[:low[0]]
    k = d.size // 4
    if k < 2:
        raise ValueError("dist: too few distances above the floor to measure a factor")
    m1, m2 = float(d[-2 * k:-k].max()), float(d[-k:].max())
    if m1 == 0:
        return 0.0
    return (m2 / m1) ** (1.0 / k)


def diverges(grad_fn: Callable, x0, lr, *, minimum, beta=0.0, steps: int = 2000) -> bool:
    """True when ``steps`` updates (plain or heavy ball) blow up: the point becomes inf/nan,
    or the largest distance to ``minimum`` over the last tenth of the run exceeds that over
    the tenth before (still growing at the end; a window, since momentum oscillates)."""
    steps = count(steps, "steps", minimum=20)
    run = heavy_ball(grad_fn, x0, lr, beta, steps)
    if run.diverged:
        return True
    d = distances(run.xs, minimum)
    k = steps // 10
    return bool(d[-k:].max() > d[-2 * k:-k].max())


def bisect_limit(is_unstable: Callable[[float], bool], lo: float, hi: float,
                 resolution: float = 1e-6) -> tuple:
    """Bisection for the edge between a stable rate ``lo`` and an unstable one ``hi``:
    returns the final ``(lo, hi)`` with ``hi - lo <= resolution``."""
    if not callable(is_unstable):
        raise ValueError(f"is_unstable must be a function of the rate, got {is_unstable!r}")
    lo = positive_number(lo, "lo")
    hi = positive_number(hi, "hi")
    resolution = positive_number(resolution, "resolution")
    if not lo < hi:
        raise ValueError(f"lo must be below hi, got lo = {lo!r}, hi = {hi!r}")
    if is_unstable(lo):
        raise ValueError(f"lo must be a stable rate, but {lo!r} is unstable")
    if not is_unstable(hi):
        raise ValueError(f"hi must be an unstable rate, but {hi!r} is stable")
    while hi - lo > resolution:
        mid = 0.5 * (lo + hi)
        lo, hi = (lo, mid) if is_unstable(mid) else (mid, hi)
    return lo, hi

