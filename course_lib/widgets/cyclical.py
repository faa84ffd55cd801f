"""Lesson 07's explorer: a cyclical learning rate (mode, bounds, step size, gamma), the rate
curve it gives, gradient descent with it on a plateau that ends in a sharp valley, and
(precomputed, because retraining on every slider move would be too slow) the validation
accuracy of the digits network under each mode.

The test bed is :class:`PlateauProblem`, the function

    f(x1, x2) = 1 - exp(-x1**2 / 2) + c * log(cosh(k * x2))

a wide, almost flat plateau along ``x1`` (its gradient is tiny far from 0) that leads to a
minimum which is sharp along ``x2`` (curvature ``c * k**2``, so plain gradient descent is
stable there only for rates below ``2 / (c * k**2)``). A small fixed rate crawls across the
plateau; a large one crosses it quickly but can never settle in the sharp valley; a
cyclical rate does both, one phase after the other. It is a plain, tested computation.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Dict, Optional, Tuple

import ipywidgets as W
import numpy as np

from .. import schedules
from .._validate import count, path_fields, point, positive_number
from ._controls import control
from .base import Explorer
from .schedule import _nice_ceiling

__all__ = ["PlateauProblem", "PlateauRun", "CyclicalExplorer", "cyclical_explorer"]

#: the bottom of the loss panel (a loss that reaches 0 is drawn there and said in words)
LOSS_FLOOR = 1e-16


def _logcosh(z):
    """``log(cosh(z))`` without overflow: ``|z| + log1p(exp(-2|z|)) - log 2``."""
    a = np.abs(z)
    return a + np.log1p(np.exp(-2.0 * a)) - math.log(2.0)


@dataclass
class PlateauRun:
    """One run: ``xs`` (``(steps + 1, 2)``, the start included), ``losses`` at every point,
    ``rates`` of the updates."""

    xs: np.ndarray
    losses: np.ndarray
    rates: np.ndarray

    def __post_init__(self):
        path_fields(self.xs, self.losses, self.rates)

    def escape_step(self, radius: float = 0.5) -> Optional[int]:
        """The first step at which ``|x1| < radius`` (off the plateau), or ``None``."""
        hit = np.flatnonzero(np.abs(self.xs[:, 0]) < radius)
        return int(hit[0]) if hit.size else None


class PlateauProblem:
    """``f(x) = 1 - exp(-x1**2 / 2) + c * log(cosh(k * x2))`` from ``x0`` (see the module
    docstring). ``f`` and ``grad`` take a point of shape ``(2,)`` or ``(2, ...)``."""

    def __init__(self, c: float = 0.1, k: float = 10.0, x0=(3.5, 0.5)):
        self.c = positive_number(c, "c")
        self.k = positive_number(k, "k")
        self.x0 = tuple(float(v) for v in point(x0, "x0", dim=2))

    @property
    def sharp_limit(self) -> float:
        """``2 / (c k^2)``: the largest rate that is stable in the sharp valley."""
        return 2.0 / (self.c * self.k ** 2)

    def f(self, x):
        x = np.asarray(x, dtype=float)
        return 1.0 - np.exp(-x[0] ** 2 / 2.0) + self.c * _logcosh(self.k * x[1])

    def grad(self, x):
        x = np.asarray(x, dtype=float)
        return np.stack([x[0] * np.exp(-x[0] ** 2 / 2.0), self.c * self.k * np.tanh(self.k * x[1])])

    def run(self, lr, steps: int) -> PlateauRun:
        """Plain gradient descent with rate (or schedule) ``lr`` for ``steps`` updates (the
        gradient is bounded, so no run can diverge)."""
        steps = count(steps, "steps", minimum=0)
        rates = np.atleast_1d(schedules.as_schedule(lr)(np.arange(steps))) if steps else np.zeros(0)
        if np.any(~np.isfinite(rates) | (rates < 0)):
            raise ValueError("lr: the schedule gave a rate that is negative or not finite")
        x1, x2 = self.x0
        ck, k = self.c * self.k, self.k
        xs = np.empty((steps + 1, 2))
        xs[0] = self.x0
        exp, tanh = math.exp, math.tanh
        for i, eta in enumerate(rates.tolist()):
            x1, x2 = x1 - eta * x1 * exp(-0.5 * x1 * x1), x2 - eta * ck * tanh(k * x2)
            xs[i + 1, 0], xs[i + 1, 1] = x1, x2
        return PlateauRun(xs, np.asarray(self.f(xs.T), dtype=float), rates)

    def __repr__(self) -> str:
        return f"PlateauProblem(c={self.c}, k={self.k}, x0={self.x0})"


def _describe(sched, steps: int) -> str:
    cycle = sched.up + sched.down
    full, rest = divmod(steps, cycle)
    end = ("ends at the end of a cycle (rate back at base_lr) ✓" if rest == 0 else
           f"stops {rest} steps into cycle {full + 1} (of {cycle}), at rate {sched(steps - 1):.4g}")
    return f"{full} full cycle(s) of {cycle} steps in {steps}; the budget {end}"


class CyclicalExplorer(Explorer):
    """Controls: mode, base_lr, max_lr, step size, gamma (exp_range only) and the budget.

    Left: the rate of every update, with the sharp valley's stability limit as a dashed
    line. Middle: the loss of gradient descent with that schedule on :class:`PlateauProblem`
    (recomputed on every move, a few milliseconds), next to the best fixed rate there.
    Right (if ``digits_curves`` is given): precomputed validation accuracy of the digits
    network per epoch, one faint curve per schedule and the current mode's in bold.
    ``drawn()`` returns what is shown.
    """

    figsize = (11.0, 3.6)

    def __init__(self, mode="triangular", base_lr=0.01, max_lr=1.5, step_size=50, gamma=0.995,
                 steps=600, problem: PlateauProblem | None = None,
                 digits_curves: Optional[Dict[str, Tuple]] = None):
        self.problem = PlateauProblem() if problem is None else problem
        if not isinstance(self.problem, PlateauProblem):
            raise ValueError(f"problem must be a PlateauProblem, got {type(problem).__name__}")
        self.digits_curves = dict(digits_curves or {})
        if mode not in schedules.CYCLICAL_MODES:
            raise ValueError(f"mode must be one of {', '.join(schedules.CYCLICAL_MODES)}; got {mode!r}")
        for name in self.digits_curves:
            if name not in schedules.CYCLICAL_MODES and not name.startswith("fixed"):
                raise ValueError(f"digits_curves: keys must be a cyclical mode or start with "
                                 f"'fixed', got {name!r}")
        slider = dict(continuous_update=True, style={"description_width": "initial"})
        controls = {
            "mode": control(W.Dropdown, "mode", mode, options=schedules.CYCLICAL_MODES,
                            description="mode"),
            "base_lr": control(W.FloatLogSlider, "base_lr", base_lr, base=10, min=-3, max=1,
                               step=0.05, description="base_lr", readout_format=".4f", **slider),
            "max_lr": control(W.FloatLogSlider, "max_lr", max_lr, base=10, min=-3, max=1,
                              step=0.05, description="max_lr", readout_format=".4f", **slider),
            "step_size": control(W.IntSlider, "step_size", step_size, min=5, max=300, step=5,
                                 description="step size", **slider),
            "gamma": control(W.FloatSlider, "gamma", gamma, min=0.98, max=1.0, step=0.0005,
                             description="gamma (exp_range)", readout_format=".4f", **slider),
            "steps": control(W.IntSlider, "steps", steps, min=100, max=1000, step=50,
                             description="budget (steps)", **slider),
        }
        super().__init__(controls)

    def _build(self):
        n = 3 if self.digits_curves else 2
        axes = self.figure.subplots(1, n)
        self.ax_rate, self.ax_loss = axes[0], axes[1]
        self.ax_digits = axes[2] if n == 3 else None
        limit = self.problem.sharp_limit
        self.ax_rate.axhline(limit, color="tab:red", linestyle="--", linewidth=1.0,
                             label=f"valley's limit {limit:.3g}")
        (self.rate_line,) = self.ax_rate.plot([], [], color="tab:blue", label="rate")
        self.ax_rate.set_xlabel("step t")
        self.ax_rate.set_ylabel("learning rate")
        self.ax_rate.set_title("cyclical schedule")
        self.ax_rate.legend(loc="upper right", fontsize="small", framealpha=1)
        # the best fixed rate on the plateau problem: just below the valley's limit
        self.fixed_lr = float(f"{0.9 * limit:.2g}")
        ref = self.problem.run(self.fixed_lr, 1000)
        self.ax_loss.plot(np.arange(1001), np.maximum(ref.losses, LOSS_FLOOR), color="tab:gray",
                          linewidth=1.0, label=f"fixed {self.fixed_lr:g}")
        (self.loss_line,) = self.ax_loss.plot([], [], color="tab:green", label="cyclical")
        self.ax_loss.set_yscale("log")
        self.ax_loss.set_ylim(LOSS_FLOOR, 10.0)
        self.ax_loss.set_xlabel("step t")
        self.ax_loss.set_title("plateau, then a sharp valley")
        self.ax_loss.legend(loc="lower left", fontsize="small", framealpha=1)
        self.dynamic_artists = [self.rate_line, self.loss_line]
        self.dynamic_axes = [self.ax_rate, self.ax_loss]
        self.digits_line = None
        if self.ax_digits is not None:
            for name, (epochs, acc) in self.digits_curves.items():
                style = "--" if name.startswith("fixed") else "-"
                self.ax_digits.plot(epochs, acc, style, linewidth=1.0, alpha=0.45, label=name)
            (self.digits_line,) = self.ax_digits.plot([], [], color="black", linewidth=2.2)
            self.ax_digits.set_xlabel("epoch")
            self.ax_digits.set_ylabel("validation accuracy")
            self.ax_digits.set_title("digits (precomputed)")
            self.ax_digits.legend(loc="lower right", fontsize="x-small", framealpha=1)
            self.dynamic_artists.append(self.digits_line)

    def schedule(self) -> schedules.Schedule:
        """The cyclical schedule the controls describe now."""
        v = self.values()
        return schedules.cyclical(v["base_lr"], v["max_lr"], v["step_size"], mode=v["mode"],
                                  gamma=v["gamma"])

    def _redraw(self) -> str:
        v = self.values()
        self.controls["gamma"].layout.display = None if v["mode"] == "exp_range" else "none"
        steps = v["steps"]
        if self.digits_line is not None:
            curve = self.digits_curves.get(v["mode"])
            self.digits_line.set_data(*(curve if curve is not None else ([], [])))
        try:
            sched = self.schedule()
        except ValueError as exc:       # e.g. max_lr below base_lr
            self.rate_line.set_data([], [])
            self.loss_line.set_data([], [])
            self.run = None
            return f"<b style='color:#b00'>✗ {exc}</b>"
        t = np.arange(steps)
        rates = sched(t)
        self.rate_line.set_data(t, rates)
        self.ax_rate.set_xlim(0, _nice_ceiling(steps))
        self.ax_rate.set_ylim(0, _nice_ceiling(1.3 * max(float(rates.max()), self.problem.sharp_limit)))
        run = self.problem.run(sched, steps)
        self.run = run
        self.loss_line.set_data(np.arange(steps + 1), np.maximum(run.losses, LOSS_FLOOR))
        self.ax_loss.set_xlim(0, _nice_ceiling(steps))
        esc = run.escape_step()
        off = f"off the plateau at step {esc}" if esc is not None else "still on the plateau"
        final = run.losses[-1]
        shown = (f"final loss {final:.2e}" if final >= LOSS_FLOOR else
                 f"final loss below {LOSS_FLOOR:.0e}, under the bottom of the loss panel")
        return f"{sched!r}: {_describe(sched, steps)}. Plateau problem: {off}, {shown}"

    def drawn(self) -> dict:
        """What the figure shows now: the rate curve, the loss curve and the digits curve."""
        t, rates = self.rate_line.get_data()
        _, losses = self.loss_line.get_data()
        out = {"t": np.asarray(t), "rates": np.asarray(rates), "losses": np.asarray(losses),
               "status": self.status.value, "digits": None}
        if self.digits_line is not None and len(self.digits_line.get_xdata()):
            out["digits"] = tuple(np.asarray(a) for a in self.digits_line.get_data())
        return out


def cyclical_explorer(**kwargs) -> CyclicalExplorer:
    """Build lesson 07's explorer; keyword arguments set the initial control values
    (``mode``, ``base_lr``, ``max_lr``, ``step_size``, ``gamma``, ``steps``), a ``problem``
    (a :class:`PlateauProblem`) or ``digits_curves`` (``{name: (epochs, accuracies)}``,
    names being cyclical modes or starting with ``"fixed"``)."""
    return CyclicalExplorer(**kwargs)
