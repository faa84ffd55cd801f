"""Lesson 01's explorer: gradient descent on Rosenbrock, path and loss side by side."""
from __future__ import annotations

import ipywidgets as W
import numpy as np

from .. import _divergence, functions, optim, plots, schedules
from ._controls import check_number, control, first_outside, fmt
from .base import Explorer

XLIM, YLIM = (-2.0, 2.6), (-1.0, 4.0)
#: the loss panel's log axis is drawn between these (a diverging run reaches 1e300)
LOSS_FLOOR, LOSS_CEILING = 1e-16, 1e30


class GDExplorer(Explorer):
    """Learning rate (log slider), start point, number of steps and time-based decay on/off.

    The left panel shows the path on the log-scaled contours of Rosenbrock with ``b``
    (1 in lesson 01), the right panel the loss per step. ``drawn()`` returns what is shown.
    """

    def __init__(self, lr=0.1, x0=(2.0, 2.0), steps=100, decay=False, decay_rate=0.01, b=1.0):
        self.b = check_number(b, "b", 0.0, 1e4)
        self.decay_rate = check_number(decay_rate, "decay_rate", 0.0, 10.0)
        try:
            x1, x2 = x0
        except (TypeError, ValueError):
            raise ValueError(f"x0 must be a pair (x1, x2), got {x0!r}") from None
        slider = dict(continuous_update=True, style={"description_width": "initial"})
        controls = {
            "lr": control(W.FloatLogSlider, "lr", lr, base=10, min=-3, max=0, step=0.01,
                          description="learning rate", readout_format=".4f", **slider),
            "steps": control(W.IntSlider, "steps", steps, min=1, max=500, description="steps",
                             **slider),
            "decay": control(W.Checkbox, "decay", decay,
                             description=f"time-based decay: lr / (1 + {self.decay_rate:g} t)",
                             indent=False, layout=W.Layout(width="auto")),
            "x1": control(W.FloatSlider, "x0[0]", x1, min=XLIM[0], max=XLIM[1], step=0.05,
                          description="start x1", **slider),
            "x2": control(W.FloatSlider, "x0[1]", x2, min=YLIM[0], max=YLIM[1], step=0.05,
                          description="start x2", **slider),
        }
        super().__init__(controls)

    def _loss(self, x):
        return functions.rosenbrock(x, b=self.b)

    def _grad(self, x):
        return functions.rosenbrock_grad(x, b=self.b)

    def _build(self):
        self.ax_path, self.ax_loss = self.figure.subplots(1, 2, width_ratios=[1.1, 1])
        plots.contour(self._loss, XLIM, YLIM, ax=self.ax_path, n=120, minimum=(1.0, 1.0))
        self.line, self.start, self.end = plots.path(self.ax_path, np.zeros((1, 2)))
        self.ax_path.set_title("path on the contours of the loss")
        _, self.loss_line = plots.loss_curve([1.0], ax=self.ax_loss, color="tab:red")
        self.ax_loss.set_title("loss per step")
        self.ax_loss.grid(True, which="major", alpha=0.3)
        self.dynamic_artists = [self.line, self.start, self.end, self.loss_line]
        self.dynamic_axes = [self.ax_loss]

    def run(self) -> optim.GDResult:
        """The run the figure shows, from the current control values (a pure computation)."""
        v = self.values()
        lr = schedules.time_decay(v["lr"], self.decay_rate) if v["decay"] else v["lr"]
        return optim.gradient_descent(self._grad, (v["x1"], v["x2"]), lr, v["steps"],
                                      loss_fn=self._loss, verbose=False)

    def _redraw(self) -> str:
        res = self.run()
        self.result = res
        xs = res.xs
        self.line.set_data(xs[:, 0], xs[:, 1])
        self.start.set_data(xs[:1, 0], xs[:1, 1])
        self.end.set_data(xs[-1:, 0], xs[-1:, 1])
        steps = np.arange(len(res.losses))
        # keep the log axis drawable (a diverging run's loss can reach 1e300): losses off
        # the axis are not drawn (a clipped value would look like a plateau), the status
        # line says where they went
        raw = np.asarray(res.losses, dtype=float)
        with np.errstate(invalid="ignore"):
            losses = np.where((raw >= LOSS_FLOOR) & (raw <= LOSS_CEILING), raw, np.nan)
        self.loss_line.set_data(steps, losses)
        # limits on a coarse grid (whole decades, round step counts) so the axes' ticks
        # repeat and the explorer can reuse their pixels; a diverged run is shown over the
        # steps it made, so its explosion is a curve, not a one-pixel spike at the start
        shown_steps = res.steps_done + 1 if res.diverged_at is not None else self.values()["steps"]
        self.ax_loss.set_xlim(0, _nice_ceiling(shown_steps))
        lo, hi = np.log10(np.nanmin(losses)), np.log10(np.nanmax(losses))
        self.ax_loss.set_ylim(10.0 ** (4 * np.floor(lo / 4 - 0.01)), 10.0 ** (4 * np.ceil(hi / 4 + 0.01)))
        notes = self.notes(res)
        if res.diverged_at is not None:
            return f"<b style='color:#b00'>✗ {res.message}</b>{notes}"
        grew = _divergence.trace_verdict(res.losses, number=fmt)
        if grew is not None:
            return f"<b style='color:#b00'>✗ {grew}</b>{notes}"
        dist = float(np.linalg.norm(res.x - np.array([1.0, 1.0])))
        return (f"after {res.steps_done} steps: x = ({res.x[0]:.4f}, {res.x[1]:.4f}), "
                f"loss = {res.losses[-1]:.3e}, distance to the minimum (1, 1) = {dist:.3e}"
                f"{notes}")

    @staticmethod
    def notes(res) -> str:
        """What the panels cannot show of ``res``, in words (``""`` when they show it all)."""
        notes = []
        out = first_outside(res.xs, XLIM, YLIM)
        if out is not None:
            notes.append(f"the path leaves the left panel at step {out}")
        raw = np.asarray(res.losses, dtype=float)
        with np.errstate(invalid="ignore"):
            high = np.flatnonzero(~(raw <= LOSS_CEILING))
            low = np.flatnonzero(raw < LOSS_FLOOR)
        if high.size:
            notes.append(f"from step {high[0]} the loss is above {fmt(LOSS_CEILING)}, "
                         f"not drawn: above the right panel")
        if low.size:
            notes.append(f"from step {low[0]} the loss is below {fmt(LOSS_FLOOR)}, "
                         f"not drawn: below the right panel")
        if res.diverged_at is not None:
            notes.append(f"the right panel shows the {res.steps_done} steps made")
        return f" ({'; '.join(notes)})" if notes else ""

    def drawn(self) -> dict:
        """What the figure shows now: the path's points and the loss curve."""
        px, py = self.line.get_data()
        _, ly = self.loss_line.get_data()
        return {"path": np.column_stack([px, py]), "losses": np.asarray(ly),
                "status": self.status.value}


def _nice_ceiling(n: int) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50, ... that is >= n."""
    for scale in (1, 10, 100, 1000, 10000):
        for base in (1, 2, 5):
            if base * scale >= n:
                return base * scale
    return int(n)


def gd_explorer(**kwargs) -> GDExplorer:
    """Build lesson 01's explorer; keyword arguments set the initial control values
    (``lr``, ``x0``, ``steps``, ``decay``) and the function (``b``, ``decay_rate``)."""
    return GDExplorer(**kwargs)
