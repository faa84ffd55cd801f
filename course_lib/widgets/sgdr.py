"""Lesson 08's explorer: SGDR's parameters (t0, t_mult, min_lr, peak_decay), the schedule
they give with every cycle end marked, and where noisy gradient descent on Himmelblau's
function is at each cycle end.

The test bed is :class:`RestartProblem`: gradient descent on Himmelblau's four-minimum
function with Gaussian noise added to every gradient (as minibatch gradients are noisy).
While the rate is high the noise throws the point around, from one basin to another; as
the rate anneals it settles into one minimum; a restart throws it out again. It is a plain,
tested computation; the widget only draws what it returns.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import ipywidgets as W
import numpy as np

from .. import ensembles, functions, schedules
from .._validate import count, path_fields, point, positive_number, text, whole
from ._controls import control, first_outside
from .base import Explorer
from .schedule import _nice_ceiling

__all__ = ["RestartProblem", "RestartRun", "SGDRExplorer", "sgdr_explorer", "MINIMA_NAMES"]

#: names of Himmelblau's four minima (in the order of ``functions.HIMMELBLAU_MINIMA``)
MINIMA_NAMES = ("A", "B", "C", "D")
LIM = (-5.5, 5.5)


@dataclass
class RestartRun:
    """One noisy run: ``xs`` (``(steps_done + 1, 2)``, the start included), ``losses`` (the
    noise-free function at each point), ``rates`` (of the updates made) and, if the point
    flew off to inf/nan, ``diverged_at`` with a ``message``."""

    xs: np.ndarray
    losses: np.ndarray
    rates: np.ndarray
    diverged_at: int | None = None
    message: str = ""

    def __post_init__(self):
        path_fields(self.xs, self.losses, self.rates)
        whole(self.diverged_at, "diverged_at", minimum=0, allow_none=True)
        text(self.message, "message")

    @property
    def diverged(self) -> bool:
        return self.diverged_at is not None


class RestartProblem:
    """Gradient descent on Himmelblau's function from ``x0`` with noisy gradients
    ``grad(x) + noise * N(0, I)``, the noise drawn from ``numpy.random.default_rng(seed)``
    (two numbers per step, in order). :meth:`run` gives exactly the path that
    ``optim.gradient_descent`` gives with the same noisy gradient, in a fast scalar loop.
    """

    minima = functions.HIMMELBLAU_MINIMA

    def __init__(self, x0=(0.0, 0.0), noise: float = 50.0):
        self.x0 = tuple(float(v) for v in point(x0, "x0", dim=2))
        self.noise = positive_number(noise, "noise", allow_zero=True)

    def draws(self, steps: int, seed: int = 0) -> np.ndarray:
        """The noise added to the gradients of updates ``0 .. steps - 1``: ``(steps, 2)``."""
        steps = count(steps, "steps", minimum=0)
        seed = count(seed, "seed", minimum=0)
        return self.noise * np.random.default_rng(seed).standard_normal((steps, 2))

    def noisy_grad(self, seed: int = 0):
        """The noisy gradient as a function of the point (for ``optim.gradient_descent``)."""
        rng = np.random.default_rng(count(seed, "seed", minimum=0))
        noise = self.noise

        def grad(x):
            return functions.himmelblau_grad(x) + noise * rng.standard_normal(2)
        return grad

    def run(self, lr, steps: int, seed: int = 0) -> RestartRun:
        """``steps`` noisy updates with rate (or schedule) ``lr``; a run that overflows
        stops at its last finite point and says so (no warning is printed)."""
        steps = count(steps, "steps", minimum=0)
        rates = np.atleast_1d(schedules.as_schedule(lr)(np.arange(steps))) if steps else np.zeros(0)
        if np.any(~np.isfinite(rates) | (rates < 0)):
            raise ValueError("lr: the schedule gave a rate that is negative or not finite")
        noise = self.draws(steps, seed)
        x1, x2 = self.x0
        xs = np.empty((steps + 1, 2))
        xs[0] = self.x0
        done, diverged_at, message = steps, None, f"finished {steps} steps"
        rate_list, n1, n2 = rates.tolist(), noise[:, 0].tolist(), noise[:, 1].tolist()
        for i in range(steps):
            u = x1 * x1 + x2 - 11.0
            v = x1 + x2 * x2 - 7.0
            eta = rate_list[i]
            y1 = x1 - eta * (4.0 * x1 * u + 2.0 * v + n1[i])
            y2 = x2 - eta * (2.0 * u + 4.0 * x2 * v + n2[i])
            if not (math.isfinite(y1) and math.isfinite(y2)) or abs(y1) > 1e150 or abs(y2) > 1e150:
                done, diverged_at = i, i
                message = (f"diverged at step {i}: the point flew off with learning rate "
                           f"{eta:.4g}; try a smaller peak rate or less noise")
                break
            x1, x2 = y1, y2
            xs[i + 1, 0], xs[i + 1, 1] = x1, x2
        xs = xs[:done + 1]
        with np.errstate(over="ignore", invalid="ignore"):  # far-flung points: inf, said in words
            losses = np.asarray(functions.himmelblau(xs.T), dtype=float)
        return RestartRun(xs, losses, rates[:done], diverged_at, message)

    def nearest(self, xs) -> np.ndarray:
        """The index (0..3) of the minimum nearest to each point of ``xs`` (``(k, 2)``)."""
        xs = np.atleast_2d(np.asarray(xs, dtype=float))
        d = np.linalg.norm(xs[:, None, :] - self.minima[None, :, :], axis=-1)
        return d.argmin(axis=1)

    def landings(self, schedule, steps: int, seed: int = 0) -> np.ndarray:
        """The minimum (0..3) the point sits nearest to after the last update of every cycle
        of ``schedule`` within ``steps`` (fewer if the run diverged)."""
        run = self.run(schedule, steps, seed)
        ends = ensembles.cycle_ends(schedule, run.xs.shape[0] - 1)
        return self.nearest(run.xs[ends + 1]) if ends.size else np.zeros(0, dtype=int)

    def __repr__(self) -> str:
        return f"RestartProblem(x0={self.x0}, noise={self.noise})"


class SGDRExplorer(Explorer):
    """Controls: the peak rate, t0, t_mult, min_lr, peak_decay, the budget and the noise
    seed. Left: the SGDR rate of every update with each cycle's last step marked (the
    snapshot points). Right: the noisy run on Himmelblau's contours, with the point at
    every cycle end. ``drawn()`` returns what is shown."""

    figsize = (9.5, 3.8)

    def __init__(self, max_lr=0.015, t0=150, t_mult=1, min_lr=0.0, peak_decay=1.0, steps=900,
                 seed=0, problem: RestartProblem | None = None):
        self.problem = RestartProblem() if problem is None else problem
        if not isinstance(self.problem, RestartProblem):
            raise ValueError(f"problem must be a RestartProblem, got {type(problem).__name__}")
        slider = dict(continuous_update=True, style={"description_width": "initial"})
        C = control
        controls = {
            "max_lr": C(W.FloatSlider, "max_lr", max_lr, min=0.001, max=0.03, step=0.001,
                        description="max_lr (peak)", readout_format=".3f", **slider),
            "t0": C(W.IntSlider, "t0", t0, min=10, max=600, step=10,
                    description="t0 (first cycle)", **slider),
            "t_mult": C(W.IntSlider, "t_mult", t_mult, min=1, max=4, description="t_mult",
                        **slider),
            "min_lr": C(W.FloatSlider, "min_lr", min_lr, min=0.0, max=0.01, step=0.0005,
                        description="min_lr", readout_format=".4f", **slider),
            "peak_decay": C(W.FloatSlider, "peak_decay", peak_decay, min=0.1, max=1.0,
                            step=0.05, description="peak_decay", **slider),
            "steps": C(W.IntSlider, "steps", steps, min=100, max=1500, step=50,
                       description="budget (steps)", **slider),
            "seed": C(W.IntSlider, "seed", seed, min=0, max=19, description="noise seed",
                      **slider),
        }
        super().__init__(controls)

    def _build(self):
        self.ax_rate, self.ax_path = self.figure.subplots(1, 2, width_ratios=[1.25, 1])
        (self.rate_line,) = self.ax_rate.plot([], [], color="tab:blue", linewidth=1.2,
                                              label="rate")
        (self.end_marks,) = self.ax_rate.plot([], [], "v", color="tab:red", markersize=7,
                                              label="cycle end (snapshot)")
        self.ax_rate.set_xlabel("step t")
        self.ax_rate.set_ylabel("learning rate")
        self.ax_rate.set_title("SGDR schedule")
        self.ax_rate.legend(loc="upper right", fontsize="small", framealpha=1)
        # Himmelblau's contours: drawn once, never change
        g = np.linspace(*LIM, 121)
        X1, X2 = np.meshgrid(g, g)
        Z = functions.himmelblau(np.stack([X1, X2]))
        self.ax_path.contourf(X1, X2, np.log10(Z + 0.1), levels=20, cmap="viridis")
        for name, (m1, m2) in zip(MINIMA_NAMES, self.problem.minima):
            self.ax_path.plot(m1, m2, "*", color="white", markeredgecolor="black", markersize=11)
            self.ax_path.annotate(name, (m1, m2), xytext=(6, 4), textcoords="offset points",
                                  color="white", fontweight="bold")
        self.ax_path.plot(*self.problem.x0, "o", color="white", markeredgecolor="black",
                          markersize=6)
        (self.path_line,) = self.ax_path.plot([], [], color="white", linewidth=0.5, alpha=0.6)
        (self.path_ends,) = self.ax_path.plot([], [], "o", color="tab:red",
                                              markeredgecolor="white", markersize=7)
        self.ax_path.set_xlim(*LIM)
        self.ax_path.set_ylim(*LIM)
        self.ax_path.set_aspect("equal")
        self.ax_path.set_xlabel("$x_1$")
        self.ax_path.set_ylabel("$x_2$")
        self.ax_path.set_title("noisy descent on Himmelblau")
        self.dynamic_artists = [self.rate_line, self.end_marks, self.path_line, self.path_ends]
        self.dynamic_axes = [self.ax_rate]
        self.run = None
        self.ends = np.zeros(0, dtype=int)

    def schedule(self) -> schedules.Schedule:
        """The SGDR schedule the controls describe now."""
        v = self.values()
        return schedules.sgdr(v["max_lr"], v["t0"], v["t_mult"], v["min_lr"], v["peak_decay"])

    def _clear(self):
        for line in (self.rate_line, self.end_marks, self.path_line, self.path_ends):
            line.set_data([], [])
        self.run, self.ends = None, np.zeros(0, dtype=int)

    def _redraw(self) -> str:
        v = self.values()
        steps = v["steps"]
        try:
            sched = self.schedule()
        except ValueError as exc:              # e.g. min_lr above max_lr
            self._clear()
            return f"<b style='color:#b00'>✗ {exc}</b>"
        t = np.arange(steps)
        rates = sched(t)
        ends = ensembles.cycle_ends(sched, steps)
        self.rate_line.set_data(t, rates)
        self.ax_rate.set_xlim(0, _nice_ceiling(steps))
        self.ax_rate.set_ylim(0, _nice_ceiling(1.35 * float(rates.max())))   # legend room
        run = self.problem.run(sched, steps, seed=v["seed"])
        self.run = run
        self.path_line.set_data(run.xs[:, 0], run.xs[:, 1])
        # only the cycle ends the run reached are snapshots: after a divergence the later
        # ones are never taken, so they are not marked (the legend says "snapshot")
        reached = ends[ends < run.xs.shape[0] - 1]
        self.ends = reached
        self.end_marks.set_data(reached, rates[reached])
        pts = run.xs[reached + 1]
        self.path_ends.set_data(pts[:, 0], pts[:, 1])
        landed = " ".join(MINIMA_NAMES[i] for i in self.problem.nearest(pts)) if len(pts) else "none"
        out = first_outside(run.xs, LIM, LIM)
        off = f" (the path leaves the right panel at step {out})" if out is not None else ""
        if run.diverged:
            if not reached.size:
                taken = (f"before the first cycle end (step {int(ends[0])}): no snapshot"
                         if ends.size else "no snapshot")
            else:
                taken = (f"{reached.size} of the {ends.size} cycle ends reached, only their "
                         f"snapshots are marked")
            return (f"<b style='color:#b00'>✗ {sched!r}: {run.message}; {taken}</b>{off}")
        if ends.size and ends[-1] == steps - 1:
            fit = "the budget ends exactly on a cycle end ✓"
        else:
            start = 0 if not ends.size else int(ends[-1]) + 1
            k, _, t_i = sched.cycles(np.array([steps - 1]))
            fit = (f"the budget stops {steps - start} steps into cycle {int(k[0]) + 1} "
                   f"(of {int(t_i[0])}), at rate {rates[-1]:.4f}: its snapshot is never taken")
        head = f"{sched!r}: {ends.size} cycle ends in {steps} steps; {fit}"
        return f"{head}. Minima at the cycle ends: {landed}{off}"

    def drawn(self) -> dict:
        """What the figure shows now: the rates, the cycle ends and the noisy path."""
        t, rates = self.rate_line.get_data()
        e, e_rates = self.end_marks.get_data()
        p1, p2 = self.path_line.get_data()
        q1, q2 = self.path_ends.get_data()
        return {"t": np.asarray(t), "rates": np.asarray(rates), "ends": np.asarray(e, dtype=int),
                "end_rates": np.asarray(e_rates), "path": np.column_stack([p1, p2]),
                "end_points": np.column_stack([q1, q2]),
                "landings": self.problem.nearest(np.column_stack([q1, q2])) if len(q1) else
                np.zeros(0, dtype=int),
                "status": self.status.value}


def sgdr_explorer(**kwargs) -> SGDRExplorer:
    """Build lesson 08's explorer; keyword arguments set the initial control values
    (``max_lr``, ``t0``, ``t_mult``, ``min_lr``, ``peak_decay``, ``steps``, ``seed``) or pass
    a ``problem`` (a :class:`RestartProblem`)."""
    return SGDRExplorer(**kwargs)
