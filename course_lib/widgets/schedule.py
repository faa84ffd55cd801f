"""Lesson 05's explorer: pick a learning-rate schedule, move its parameters, and watch the
rate curve and the loss curve of gradient descent that uses it.

The test bed is :class:`ScheduleProblem`: gradient descent on a quadratic with chosen
eigenvalues, with Gaussian noise added to every gradient (as minibatch gradients are noisy).
It is a plain, tested computation; the widget only draws what it returns.
"""
from __future__ import annotations

import math
from typing import Iterable

import ipywidgets as W
import numpy as np

from .. import functions, optim, schedules
from .._validate import array, count, number, point, positive_number, text
from ._controls import control, fmt
from .base import Explorer

__all__ = ["ScheduleProblem", "ScheduleExplorer", "schedule_explorer", "make_schedule",
           "SCHEDULES", "PARAMETERS", "loss_verdict", "LOSS_CEILING"]

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
_PERIOD_LABEL = {"step_decay": "every", "cosine": "period", "cyclical": "step size", "sgdr": "t0"}
_FACTOR_LABEL = {"step_decay": "factor", "sgdr": "peak decay"}
_ALWAYS = ("schedule", "lr", "steps", "noise")


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


class ScheduleExplorer(Explorer):
    """A schedule from the dropdown, its parameters, the budget and the gradient noise.

    Left: the rate of every update, with the stability limit ``2 / lambda_max`` of the
    quadratic as a dashed line. Right: the loss of the run that uses it (seed 0).
    Controls a schedule does not use are hidden. ``drawn()`` returns what is shown.
    """

    figsize = (9.0, 3.4)

    def __init__(self, schedule="step_decay", lr=0.18, steps=200, noise=1.0, decay=0.05,
                 factor=0.5, period=40, gamma=0.97, min_frac=0.001, t_mult=1,
                 mode="triangular", problem: ScheduleProblem | None = None):
        self.problem = ScheduleProblem() if problem is None else problem
        if not isinstance(self.problem, ScheduleProblem):
            raise ValueError(f"problem must be a ScheduleProblem, got {type(problem).__name__}")
        if schedule not in PARAMETERS:
            raise ValueError(f"schedule must be one of {', '.join(SCHEDULES)}; got {schedule!r}")
        slider = dict(continuous_update=True, style={"description_width": "initial"})
        C = control
        controls = {
            "schedule": C(W.Dropdown, "schedule", schedule, options=SCHEDULES,
                          description="schedule"),
            "lr": C(W.FloatLogSlider, "lr", lr, base=10, min=-3, max=0, step=0.01,
                    description="lr0 / max_lr", readout_format=".4f", **slider),
            "steps": C(W.IntSlider, "steps", steps, min=10, max=500,
                       description="budget (steps)", **slider),
            "noise": C(W.FloatSlider, "noise", noise, min=0.0, max=3.0, step=0.1,
                       description="gradient noise", **slider),
            "decay": C(W.FloatLogSlider, "decay", decay, base=10, min=-3, max=0, step=0.01,
                       description="decay", readout_format=".3f", **slider),
            "factor": C(W.FloatSlider, "factor", factor, min=0.05, max=1.0, step=0.05,
                        description="factor", **slider),
            "period": C(W.IntSlider, "period", period, min=1, max=300, description="every",
                        **slider),
            "gamma": C(W.FloatSlider, "gamma", gamma, min=0.9, max=1.0, step=0.001,
                       description="gamma", readout_format=".3f", **slider),
            "min_frac": C(W.FloatLogSlider, "min_frac", min_frac, base=10, min=-3,
                          max=math.log10(0.5), step=0.05, description="min / max rate",
                          readout_format=".3f", **slider),
            "t_mult": C(W.IntSlider, "t_mult", t_mult, min=1, max=4, description="t_mult",
                        **slider),
            "mode": C(W.Dropdown, "mode", mode, options=schedules.CYCLICAL_MODES,
                      description="mode"),
        }
        super().__init__(controls)

    def _build(self):
        self.ax_rate, self.ax_loss = self.figure.subplots(1, 2)
        limit = self.problem.stability_limit
        label = rf"stability limit $2/\lambda_{{max}}$ = {limit:.3g}"
        self.limit_line = self.ax_rate.axhline(limit, color="tab:red", linestyle="--",
                                               linewidth=1.0, label=label)
        (self.rate_line,) = self.ax_rate.plot([], [], color="tab:blue", label="rate")
        self.ax_rate.set_xlabel("step t")
        self.ax_rate.set_ylabel("learning rate")
        self.ax_rate.set_title("the schedule")
        self.ax_rate.legend(loc="upper right", fontsize="small", framealpha=1)
        (self.loss_line,) = self.ax_loss.plot([], [], color="tab:green")
        self.ax_loss.set_yscale("log")
        self.ax_loss.set_xlabel("step t")
        self.ax_loss.set_title("loss of gradient descent (seed 0)")
        self.ax_loss.grid(True, which="major", alpha=0.3)
        self.dynamic_artists = [self.rate_line, self.loss_line]
        self.dynamic_axes = [self.ax_rate, self.ax_loss]

    def schedule(self) -> schedules.Schedule:
        """The schedule the controls describe now."""
        return make_schedule(**self.values())

    def _show_controls(self, name: str) -> None:
        used = set(_ALWAYS) | set(PARAMETERS[name])
        if name == "cyclical" and self.controls["mode"].value != "exp_range":
            used.discard("gamma")
        for key, widget in self.controls.items():
            widget.layout.display = None if key in used else "none"
        if name in _PERIOD_LABEL:
            self.controls["period"].description = _PERIOD_LABEL[name]
        if name in _FACTOR_LABEL:
            self.controls["factor"].description = _FACTOR_LABEL[name]

    def _redraw(self) -> str:
        v = self.values()
        self._show_controls(v["schedule"])
        steps = v["steps"]
        try:
            sched = self.schedule()
        except ValueError as exc:  # e.g. a phase of one_cycle shorter than a step
            self.rate_line.set_data([], [])
            self.loss_line.set_data([], [])
            self.result = None
            self.verdict = None
            return f"<b style='color:#b00'>✗ {exc}</b>"
        t = np.arange(steps)
        rates = sched(t)
        self.rate_line.set_data(t, rates)
        self.ax_rate.set_xlim(0, _nice_ceiling(steps))
        top = max(float(rates.max()), self.problem.stability_limit)
        self.ax_rate.set_ylim(0, _nice_ceiling(1.3 * top))   # room for the legend
        res = self.problem.run(sched, steps, seed=0, noise=v["noise"])
        self.result = res
        losses = np.maximum(res.losses, 1e-300)
        # a diverging run climbs towards 1e300: the part above LOSS_CEILING is not drawn
        # (the log axis stays drawable) and the status line says so
        shown = np.where(losses <= LOSS_CEILING, losses, np.nan)
        self.loss_line.set_data(np.arange(len(losses)), shown)
        self.ax_loss.set_xlim(0, _nice_ceiling(steps))
        # whole decades; few distinct limits let the axes' pixels be reused
        lo = 10.0 ** np.floor(np.log10(min(max(float(losses.min()), 1e-12), 1e29)))
        hi = 10.0 ** np.ceil(np.log10(min(max(float(losses.max()), 1e-11), LOSS_CEILING)))
        self.ax_loss.set_ylim(lo, hi if hi > lo else 10 * lo)
        notes = []
        if losses.min() < 1e-12:
            notes.append(f"the loss falls below {fmt(lo)}, the bottom of the loss panel")
        high = np.flatnonzero(losses > LOSS_CEILING)
        if high.size:
            notes.append(f"from step {high[0]} the loss is above {fmt(LOSS_CEILING)}, "
                         f"not drawn")
        note = f" ({'; '.join(notes)})" if notes else ""
        above = int(np.sum(rates > self.problem.stability_limit))
        warn = f"; {above} steps above the stability limit" if above else ""
        if res.diverged_at is not None:
            self.verdict = "diverged"
            return f"<b style='color:#b00'>✗ {sched!r}: {res.message}</b>{note}"
        if v["noise"] == 0:
            clean = res.losses
        else:
            clean = self.problem.run(sched, steps, seed=0, noise=0.0).losses
        self.verdict = loss_verdict(res.losses, clean)
        if self.verdict == "diverging":
            grew = "the loss grew" if v["noise"] == 0 else "without the noise the loss grows"
            return (f"<b style='color:#b00'>✗ {sched!r}: diverging, {grew} from "
                    f"{clean[0]:.3e} to {clean[-1]:.3e} in {steps} steps{warn}</b>{note}")
        if self.verdict == "stalled":
            level = float(np.median(res.losses[-max(1, len(res.losses) // 4):]))
            return (f"<b style='color:#b60'>✗ {sched!r}: not diverging, but the noise keeps the "
                    f"loss around {level:.3e} (start {res.losses[0]:.3e}){warn}</b>{note}")
        return (f"{sched!r}: rate {rates[0]:.4f} → {rates[-1]:.4f}{warn}; "
                f"loss {res.losses[0]:.3e} → {res.losses[-1]:.3e} after {steps} steps{note}")

    def drawn(self) -> dict:
        """What the figure shows now: the rate curve and the loss curve."""
        t, rates = self.rate_line.get_data()
        _, losses = self.loss_line.get_data()
        return {"t": np.asarray(t), "rates": np.asarray(rates), "losses": np.asarray(losses),
                "schedule": repr(self.schedule()) if len(t) else None,
                "status": self.status.value}


def schedule_explorer(**kwargs) -> ScheduleExplorer:
    """Build lesson 05's explorer; keyword arguments set the initial control values
    (``schedule``, ``lr``, ``steps``, ``noise``, ``decay``, ``factor``, ``period``, ``gamma``,
    ``min_frac``, ``t_mult``, ``mode``) or pass a ``problem`` (a :class:`ScheduleProblem`)."""
    return ScheduleExplorer(**kwargs)
