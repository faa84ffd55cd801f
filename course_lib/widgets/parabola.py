"""Lesson 00's first widget: gradient descent on ``f(x) = x**2`` with one slider."""
from __future__ import annotations

import ipywidgets as W
import numpy as np

from .._validate import array, number
from .. import optim
from ._controls import check_number, control, fmt
from .base import Explorer

#: the right panel's log axis: |x| below FLOOR or above CEILING is off the frame
FLOOR, CEILING = 1e-9, 1e9
#: the left panel shows -XLIM <= x <= XLIM
XLIM = 3.0


def verdict(lr: float) -> str:
    """What plain gradient descent does on ``x**2`` (update factor ``1 - 2 lr``)."""
    lr = number(lr, "lr", lo=0.0)
    factor = 1.0 - 2.0 * lr
    if abs(factor) < 1:
        if factor == 0:
            return "converges smoothly: one step lands exactly on the minimum"
        return "converges" + (" smoothly" if factor > 0 else ", overshooting from side to side")
    if abs(factor) == 1:
        return "bounces forever between two points" if factor < 0 else "does not move"
    return "diverges"


class ParabolaExplorer(Explorer):
    """One learning-rate slider; the steps drawn on the parabola and ``|x_t|`` per step."""

    figsize = (8.0, 3.0)

    def __init__(self, lr=0.1, x0=1.5, steps=12):
        slider = dict(continuous_update=True, style={"description_width": "initial"})
        self.x0 = check_number(x0, "x0", -XLIM, XLIM)
        if self.x0 == 0:
            raise ValueError("x0 must not be 0 (the minimum itself: there is nothing to watch)")
        controls = {
            "lr": control(W.FloatSlider, "lr", lr, min=0.01, max=1.2, step=0.01,
                          description="learning rate", **slider),
            "steps": control(W.IntSlider, "steps", steps, min=1, max=40, description="steps",
                             **slider),
        }
        super().__init__(controls)

    def _build(self):
        self.ax_f, self.ax_x = self.figure.subplots(1, 2)
        grid = np.linspace(-XLIM, XLIM, 200)
        self.ax_f.plot(grid, grid ** 2, color="0.6")
        (self.points,) = self.ax_f.plot([], [], "-o", color="tab:red", markersize=4)
        self.ax_f.set_xlim(-XLIM, XLIM)
        self.ax_f.set_ylim(-0.3, XLIM ** 2)
        self.ax_f.set_title("$f(x) = x^2$ and the steps")
        (self.dist,) = self.ax_x.plot([], [], "-o", color="tab:red", markersize=3)
        self.ax_x.set_yscale("log")
        self.ax_x.set_ylim(FLOOR, CEILING)
        self.ax_x.axhline(self.x0, color="0.6", linewidth=0.8, linestyle="--")
        self.ax_x.set_xlabel("step")
        self.ax_x.set_title("$|x_t|$ (log scale)")
        self.dynamic_artists = [self.points, self.dist]
        self.dynamic_axes = [self.ax_x]

    def _redraw(self) -> str:
        v = self.values()
        res = optim.gradient_descent(lambda x: 2.0 * x, [self.x0], v["lr"], v["steps"],
                                     verbose=False)
        xs = res.xs[:, 0]
        self.points.set_data(xs, xs ** 2)
        dist = np.abs(xs)
        # points off the log axis are not drawn (a floor drawn as a flat line would look
        # like the bouncing rate); the status line says where the curve left the frame
        shown = np.where((dist >= FLOOR) & (dist <= CEILING), dist, np.nan)
        self.dist.set_data(np.arange(len(xs)), shown)
        self.ax_x.set_xlim(0, v["steps"])
        text = (f"learning rate {v['lr']:.2f}: each step multiplies x by 1 - 2 lr = "
                f"{1 - 2 * v['lr']:+.2f}, so gradient descent {verdict(v['lr'])}")
        return text + off_frame(dist)

    def drawn(self) -> dict:
        x, _ = self.points.get_data()
        _, d = self.dist.get_data()
        return {"xs": np.asarray(x), "distances": np.asarray(d), "status": self.status.value}


def off_frame(dist, xlim: float = XLIM) -> str:
    """Words for the points of ``|x_t|`` the panels cannot show (``""`` if none): off the
    left panel (``|x| > xlim``), below :data:`FLOOR` or above :data:`CEILING` of the right."""
    dist = array(dist, "dist", ndim=1, min_len=0, finite=False)
    xlim = number(xlim, "xlim", lo=0.0, lo_open=True)
    notes = []
    wide = np.flatnonzero(dist > xlim)
    if wide.size:
        notes.append(f"the steps leave the left panel at step {wide[0]}")
    low = np.flatnonzero(dist < FLOOR)
    high = np.flatnonzero(dist > CEILING)
    if low.size:
        what = "is exactly 0" if dist[low[0]] == 0 else f"falls below {fmt(FLOOR)}"
        notes.append(f"|x| {what} from step {low[0]}, below the right panel: not drawn")
    if high.size:
        notes.append(f"|x| passes {fmt(CEILING)} at step {high[0]}, above the right panel: "
                     f"not drawn")
    return f" ({'; '.join(notes)})" if notes else ""


def parabola_explorer(**kwargs) -> ParabolaExplorer:
    """Build lesson 00's widget (``lr``, ``x0``, ``steps``)."""
    return ParabolaExplorer(**kwargs)
