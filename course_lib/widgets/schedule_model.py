"""The schedule explorer's model, without widgets: :class:`ScheduleProblem` (noisy gradient
descent on a quadratic), :func:`loss_verdict` (falling, stalled or diverging, in words) and
:func:`make_schedule` (the schedule the controls describe).

Used by lesson 05 through :mod:`course_lib.widgets.schedule`, which re-exports every name.
"""
from __future__ import annotations

import math
from typing import Iterable

import numpy as np

from .. import functions, optim, schedules
from .._validate import array, count, number, point, positive_number, text

__all__ = ["ScheduleProblem", "make_schedule", "SCHEDULES", "PARAMETERS", "loss_verdict",
           "LOSS_CEILING"]

#: the loss panel's log axis stops here (a diverging run climbs towards 1e300)
LOSS_CEILING = 1e30

#: the schedules the dropdown offers, and the controls each one uses
PARAMETERS = {
    "constant": (),
    "time_decay": ("decay",),
    "step_decay": ("factor", "period"),
    "exponential": ("gamma",),
    "cosine": ("period", "min_frac"),
    "cyclical": ("period", "min_frac", "mode", "gamma"),
    "sgdr": ("period", "t_mult", "min_frac", "factor"),
    "one_cycle": (),
}
SCHEDULES = tuple(PARAMETERS)


class ScheduleProblem:
    """Gradient descent on ``functions.quadratic(eigenvalues, angle)`` from ``x0`` with
    noisy gradients ``grad(x) + noise * N(0, I)``; the noise comes from
    ``numpy.random.default_rng(seed)``, so every schedule run with the same seed sees the
    same noise. The loss recorded is the exact (noise-free) quadratic.
    """

    def __init__(self, eigenvalues=(1.0, 10.0), angle: float = math.pi / 6, x0=(3.0, 3.0),
                 noise: float = 1.0):
        self.quadratic = functions.quadratic(eigenvalues, angle)
        self.x0 = tuple(float(v) for v in point(x0, "x0", dim=2))
        self.noise = positive_number(noise, "noise", allow_zero=True)

    @property
    def stability_limit(self) -> float:
        """``2 / lambda_max``: the largest stable constant rate (without noise)."""
        return self.quadratic.stability_limit

    def run(self, lr, steps: int, *, seed: int = 0, noise: float | None = None) -> optim.GDResult:
        """One run of ``steps`` updates with rate (or schedule) ``lr``; divergence is
        reported in the result, never printed."""
        noise = self.noise if noise is None else positive_number(noise, "noise", allow_zero=True)
        seed = count(seed, "seed", minimum=0)
        clean, loss = self._fast_grad_and_loss()
        if noise == 0:
            grad = clean
        else:
            rng = np.random.default_rng(seed)

            def grad(x):
                return clean(x) + noise * rng.standard_normal(2)
        return optim.gradient_descent(grad, self.x0, lr, steps, loss_fn=loss, verbose=False)

    def _fast_grad_and_loss(self):
        """The quadratic's gradient and value with its Hessian computed once: the same
        arithmetic as ``Quadratic.grad`` and ``Quadratic.__call__`` (so the same bits), without
        rebuilding the rotated Hessian at every call (lesson 05 runs thousands of steps)."""
        q = self.quadratic
        h = q.hessian
        h00, h01, h10, h11 = h[0, 0], h[0, 1], h[1, 0], h[1, 1]
        c0, c1 = q.center

        def grad(x):
            d1, d2 = x[0] - c0, x[1] - c1
            return np.stack([h00 * d1 + h01 * d2, h10 * d1 + h11 * d2])

        def loss(x):
            d1, d2 = x[0] - c0, x[1] - c1
            return 0.5 * (h00 * d1 * d1 + 2.0 * h01 * d1 * d2 + h11 * d2 * d2)
        return grad, loss

    def mean_losses(self, lr, steps: int, seeds: Iterable[int] = range(20)) -> np.ndarray:
        """The loss curve averaged over ``seeds`` (``inf`` from where any run diverged)."""
        curves = []
        for seed in seeds:
            res = self.run(lr, steps, seed=seed)
            curve = np.full(steps + 1, np.inf)
            curve[:len(res.losses)] = res.losses
            curves.append(curve)
        if not curves:
            raise ValueError("seeds must hold at least one seed")
        return np.mean(curves, axis=0)

    def final_loss(self, lr, steps: int, seeds: Iterable[int] = range(20)) -> float:
        """The loss after ``steps`` updates, averaged over ``seeds`` (``inf`` if any diverged)."""
        return float(self.mean_losses(lr, steps, seeds)[-1])

    def __repr__(self) -> str:
        eig = tuple(self.quadratic.eigenvalues)
        return (f"ScheduleProblem(eigenvalues={eig}, angle={self.quadratic.angle:.4f}, "
                f"x0={self.x0}, noise={self.noise})")


def _nice_ceiling(x: float) -> float:
    """The smallest of 1, 1.5, 2, 3, 4, 5, 6, 8 times a power of ten that is >= ``x``."""
    power = 10.0 ** np.floor(np.log10(x))
    for m in (1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0):
        if m * power >= x * (1 - 1e-12):
            return float(f"{m * power:.12g}")
    return float(10 * power)  # pragma: no cover - the loop always returns


def loss_verdict(losses, clean_losses) -> str:
    """What a noisy run did, from its losses and those of the same schedule without noise:

    * ``"diverging"``: the noise-free loss grows (``clean_losses[-1] > clean_losses[0]``;
      without noise the curve is deterministic, so comparing its ends is the right test):
      the rates themselves are unstable, the noise is not to blame;
    * ``"stalled"``: the noisy loss did not fall: the median of its last quarter (a level,
      not one noisy value) is at or above the first loss; the rates are stable but the
      noise keeps the point from the minimum;
    * ``"falling"`` otherwise.
    """
    losses = array(losses, "losses", ndim=1, min_len=0, finite=False)
    clean = array(clean_losses, "clean_losses", ndim=1, min_len=0, finite=False)
    if len(losses) != len(clean):
        raise ValueError(f"losses and clean_losses must have the same length, got {len(losses)} and {len(clean)}")
    if not (len(losses) and len(clean)):
        raise ValueError("losses and clean_losses must hold at least one value each")
    if not np.all(np.isfinite(clean)) or clean[-1] > clean[0]:
        return "diverging"
    tail = losses[-max(1, len(losses) // 4):]
    if not np.all(np.isfinite(tail)) or float(np.median(tail)) >= losses[0]:
        return "stalled"
    return "falling"


def make_schedule(schedule: str, lr: float, steps: int, decay: float = 0.05,
                  factor: float = 0.5, period: int = 40, gamma: float = 0.97,
                  min_frac: float = 0.001, t_mult: int = 1, mode: str = "triangular",
                  **_ignored) -> schedules.Schedule:
    """The schedule the explorer's controls describe (``min_frac`` is the lowest rate as a
    fraction of ``lr``; ``steps`` is the budget, used by ``one_cycle``)."""
    if not isinstance(schedule, str) or schedule not in PARAMETERS:
        raise ValueError(f"schedule must be one of {', '.join(SCHEDULES)}; got {schedule!r}")
    lr = positive_number(lr, "lr")
    steps = count(steps, "steps")
    decay = positive_number(decay, "decay", allow_zero=True)
    factor = number(factor, "factor", lo=0.0, hi=1.0, lo_open=True)
    period = count(period, "period")
    gamma = number(gamma, "gamma", lo=0.0, hi=1.0, lo_open=True)
    min_frac = number(min_frac, "min_frac", lo=0.0, hi=1.0, hi_open=True)
    t_mult = count(t_mult, "t_mult")
    mode = text(mode, "mode")
    S = schedules
    if schedule == "constant":
        return S.constant(lr)
    if schedule == "time_decay":
        return S.time_decay(lr, decay)
    if schedule == "step_decay":
        return S.step_decay(lr, factor, period)
    if schedule == "exponential":
        return S.exponential(lr, gamma)
    if schedule == "cosine":
        return S.cosine(lr, period, min_frac * lr)
    if schedule == "cyclical":
        return S.cyclical(min_frac * lr, lr, period, mode=mode, gamma=gamma)
    if schedule == "sgdr":
        return S.sgdr(lr, period, t_mult, min_frac * lr, factor)
    return S.one_cycle(lr, steps)
