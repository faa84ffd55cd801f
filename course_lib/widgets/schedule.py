"""Lesson 05's explorer: pick a learning-rate schedule, move its parameters, and watch the
rate curve and the loss curve of gradient descent that uses it.

The test bed is :class:`ScheduleProblem`: gradient descent on a quadratic with chosen
eigenvalues, with Gaussian noise added to every gradient (as minibatch gradients are noisy).
It is a plain, tested computation; the widget only draws what it returns.
"""
from __future__ import annotations

import math

import ipywidgets as W
import numpy as np

from .. import schedules
from ._controls import control, fmt
from .base import Explorer
from .schedule_model import (LOSS_CEILING, PARAMETERS, SCHEDULES, ScheduleProblem,  # re-exported
                             _nice_ceiling, loss_verdict, make_schedule)

__all__ = ["ScheduleProblem", "ScheduleExplorer", "schedule_explorer", "make_schedule",
           "SCHEDULES", "PARAMETERS", "loss_verdict", "LOSS_CEILING"]

_PERIOD_LABEL = {"step_decay": "every", "cosine": "period", "cyclical": "step size", "sgdr": "t0"}
_FACTOR_LABEL = {"step_decay": "factor", "sgdr": "peak decay"}
_ALWAYS = ("schedule", "lr", "steps", "noise")


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
