"""Lesson 00's first widget: gradient descent on ``f(x) = x**2`` with one slider."""
from __future__ import annotations

import ipywidgets as W
import numpy as np

from .. import optim
from .base import Explorer


def verdict(lr: float) -> str:
    """What plain gradient descent does on ``x**2`` (update factor ``1 - 2 lr``)."""
    factor = 1.0 - 2.0 * lr
    if abs(factor) < 1:
        return "converges" + (" smoothly" if factor >= 0 else ", overshooting from side to side")
    if abs(factor) == 1:
        return "bounces forever between two points" if factor < 0 else "does not move"
    return "diverges"


class ParabolaExplorer(Explorer):
    """One learning-rate slider; the steps drawn on the parabola and ``|x_t|`` per step."""

    figsize = (8.0, 3.0)

    def __init__(self, lr=0.1, x0=1.5, steps=12):
        slider = dict(continuous_update=True, style={"description_width": "initial"})
        self.x0 = float(x0)
        controls = {
            "lr": W.FloatSlider(value=lr, min=0.01, max=1.2, step=0.01,
                                description="learning rate", **slider),
            "steps": W.IntSlider(value=steps, min=1, max=40, description="steps", **slider),
        }
        super().__init__(controls)

    def _build(self):
        self.ax_f, self.ax_x = self.figure.subplots(1, 2)
        grid = np.linspace(-3, 3, 200)
        self.ax_f.plot(grid, grid ** 2, color="0.6")
        (self.points,) = self.ax_f.plot([], [], "-o", color="tab:red", markersize=4)
        self.ax_f.set_xlim(-3, 3)
        self.ax_f.set_ylim(-0.3, 9)
        self.ax_f.set_title("$f(x) = x^2$ and the steps")
        (self.dist,) = self.ax_x.plot([], [], "-o", color="tab:red", markersize=3)
        self.ax_x.set_yscale("log")
        self.ax_x.set_ylim(1e-9, 1e9)
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
        self.dist.set_data(np.arange(len(xs)), np.clip(np.abs(xs), 1e-9, 1e9))
        self.ax_x.set_xlim(0, v["steps"])
        return (f"learning rate {v['lr']:.2f}: each step multiplies x by 1 - 2 lr = "
                f"{1 - 2 * v['lr']:+.2f}, so gradient descent {verdict(v['lr'])}")

    def drawn(self) -> dict:
        x, _ = self.points.get_data()
        return {"xs": np.asarray(x), "status": self.status.value}


def parabola_explorer(**kwargs) -> ParabolaExplorer:
    """Build lesson 00's widget (``lr``, ``x0``, ``steps``)."""
    return ParabolaExplorer(**kwargs)
