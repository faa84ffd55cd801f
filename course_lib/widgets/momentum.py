"""Lesson 05's momentum explorer: heavy-ball momentum on the lesson's quadratic bowl.

Two sliders, the learning rate and the momentum ``beta`` (plus the number of steps). The
left panel shows the heavy-ball path and, for comparison, plain gradient descent at the same
rate on the contours of the bowl; the right panel their distances to the minimum per step.
The status line says whether ``(lr, beta)`` lies inside the stability region
``0 < lr * lambda < 2 (1 + beta)`` and compares the error factor per step that theory gives
(:mod:`course_lib.conditioning`) with the one measured on the run drawn.
"""
from __future__ import annotations

import math

import ipywidgets as W
import numpy as np

from .. import conditioning, functions, plots
from .._validate import array, number, point
from ._controls import control, first_outside, fmt
from .base import Explorer

__all__ = ["MomentumExplorer", "momentum_explorer", "region_verdict"]

XLIM, YLIM = (-4.0, 4.0), (-4.0, 4.0)
#: the distance panel's log axis is drawn between these
FLOOR, CEILING = 1e-16, 1e30


def region_verdict(lr: float, beta: float, eigenvalues) -> tuple:
    """``(inside, text)``: whether heavy ball with ``(lr, beta)`` is stable on a bowl with
    these curvatures (``0 < lr * lam < 2 (1 + beta)`` for every one) and the words for it."""
    lr = number(lr, "lr", lo=0.0)
    beta = number(beta, "beta", lo=0.0, hi=1.0, hi_open=True)
    eig = array(eigenvalues, "eigenvalues", ndim=1)
    if np.any(eig <= 0):
        raise ValueError(f"eigenvalues must be positive curvatures, got {eig}")
    lam_max = float(np.max(eig))
    edge = 2.0 * (1.0 + beta)
    product = lr * lam_max
    inside = product < edge
    sign = "<" if inside else ("=" if product == edge else ">")
    where = "inside" if inside else "outside"
    return inside, (f"lr·λ_max = {product:.3f} {sign} 2(1 + β) = {edge:.3f}: {where} the "
                    f"stability region")


class MomentumExplorer(Explorer):
    """Learning rate (log slider), momentum ``beta`` and the number of steps, on
    ``functions.quadratic(eigenvalues, angle)`` started at ``x0``. ``drawn()`` returns what
    is shown."""

    figsize = (9.0, 3.6)

    def __init__(self, lr=0.1, beta=0.5, steps=100, eigenvalues=(1.0, 10.0),
                 angle: float = math.pi / 6, x0=(3.0, 3.0)):
        self.bowl = functions.quadratic(eigenvalues, angle)
        self.hessian = self.bowl.hessian
        self.eigenvalues = np.sort(np.asarray(self.bowl.eigenvalues, dtype=float))
        self.x0 = point(x0, "x0", dim=2)
        if first_outside(self.x0[None, :], XLIM, YLIM) is not None:
            raise ValueError(f"x0 must lie in the drawn square {XLIM} x {YLIM}, got {x0!r}")
        slider = dict(continuous_update=True, style={"description_width": "initial"})
        controls = {
            "lr": control(W.FloatLogSlider, "lr", lr, base=10, min=-3, max=0, step=0.01,
                          description="learning rate", readout_format=".4f", **slider),
            "beta": control(W.FloatSlider, "beta", beta, min=0.0, max=0.99, step=0.01,
                            description="momentum β", **slider),
            "steps": control(W.IntSlider, "steps", steps, min=10, max=300,
                             description="steps", **slider),
        }
        super().__init__(controls)

    def _grad(self, x):
        return self.hessian @ x

    def _build(self):
        self.ax_path, self.ax_dist = self.figure.subplots(1, 2, width_ratios=[1.0, 1.1])
        plots.contour(self.bowl, XLIM, YLIM, ax=self.ax_path, n=100, minimum=(0.0, 0.0))
        self.gd_line, self.gd_start, self.gd_end = plots.path(
            self.ax_path, self.x0[None, :], color="0.75", label="plain GD, same rate")
        self.line, self.start, self.end = plots.path(
            self.ax_path, self.x0[None, :], color="tab:red", label="heavy ball")
        self.ax_path.legend(loc="lower left", fontsize="small", framealpha=1)
        self.ax_path.set_title("paths on the bowl")
        (self.gd_dist,) = self.ax_dist.plot([], [], color="0.6", label="plain GD, same rate")
        (self.dist,) = self.ax_dist.plot([], [], color="tab:red", label="heavy ball")
        self.ax_dist.set_yscale("log")
        self.ax_dist.set_xlabel("step")
        self.ax_dist.set_title("distance to the minimum")
        self.ax_dist.grid(True, which="major", alpha=0.3)
        self.ax_dist.legend(loc="upper right", fontsize="small", framealpha=1)
        self.dynamic_artists = [self.gd_line, self.gd_start, self.gd_end, self.line,
                                self.start, self.end, self.gd_dist, self.dist]
        self.dynamic_axes = [self.ax_dist]

    def run(self) -> tuple:
        """The heavy-ball run and the plain run the figure shows (pure computations)."""
        v = self.values()
        hb = conditioning.heavy_ball(self._grad, self.x0, v["lr"], v["beta"], v["steps"])
        gd = conditioning.heavy_ball(self._grad, self.x0, v["lr"], 0.0, v["steps"])
        return hb, gd

    def _redraw(self) -> str:
        v = self.values()
        hb, gd = self.run()
        self.result, self.gd_result = hb, gd
        for (line, start, end), res in (((self.line, self.start, self.end), hb),
                                        ((self.gd_line, self.gd_start, self.gd_end), gd)):
            line.set_data(res.xs[:, 0], res.xs[:, 1])
            start.set_data(res.xs[:1, 0], res.xs[:1, 1])
            end.set_data(res.xs[-1:, 0], res.xs[-1:, 1])
        d_hb = conditioning.distances(hb.xs, (0.0, 0.0))
        d_gd = conditioning.distances(gd.xs, (0.0, 0.0))
        self.distances = d_hb
        for artist, d in ((self.dist, d_hb), (self.gd_dist, d_gd)):
            with np.errstate(invalid="ignore"):
                shown = np.where((d >= FLOOR) & (d <= CEILING), d, np.nan)
            artist.set_data(np.arange(len(d)), shown)
        self.ax_dist.set_xlim(0, v["steps"])
        both = np.concatenate([d_hb, d_gd])
        with np.errstate(invalid="ignore"):
            inside_axis = both[(both >= FLOOR) & (both <= CEILING)]
        lo = np.log10(inside_axis.min()) if inside_axis.size else -16.0
        hi = np.log10(inside_axis.max()) if inside_axis.size else 1.0
        # whole groups of four decades, so that the axis (and its pixels) repeat
        self.ax_dist.set_ylim(10.0 ** max(-16, 4 * np.floor(lo / 4 - 0.01)),
                              10.0 ** min(30, 4 * np.ceil(hi / 4 + 0.01)))
        inside, region = region_verdict(v["lr"], v["beta"], self.eigenvalues)
        theory = conditioning.heavy_ball_contraction(v["lr"], self.eigenvalues, v["beta"])
        plain = conditioning.gd_contraction(v["lr"], self.eigenvalues)
        try:
            measured = f"{conditioning.measured_contraction(d_hb):.3f}"
        except ValueError:
            measured = "not measurable (too few steps above the float floor)"
        factors = (f"error factor per step: theory {theory:.3f}, measured {measured} "
                   f"(plain GD at this rate: theory {plain:.3f})")
        text = (f"lr = {v['lr']:.4f}, β = {v['beta']:.2f}: {region}; {factors}; "
                f"distance after {len(hb.xs) - 1} steps {fmt(d_hb[-1])}")
        notes = self.notes(hb, gd, d_hb, d_gd)
        if not inside:
            return f"<b style='color:#b00'>✗ {text}</b>{notes}"
        return text + notes

    @staticmethod
    def notes(hb, gd, d_hb, d_gd) -> str:
        """What the panels cannot show, in words (``""`` when they show it all)."""
        notes = []
        for name, res, d in (("heavy ball", hb, d_hb), ("plain GD", gd, d_gd)):
            if res.diverged_at is not None:
                notes.append(f"{name} became inf/nan at step {res.diverged_at} and is drawn "
                             f"up to there")
            out = first_outside(res.xs, XLIM, YLIM)
            if out is not None:
                notes.append(f"{name}'s path leaves the left panel at step {out}")
            with np.errstate(invalid="ignore"):
                low = np.flatnonzero(d < FLOOR)
                high = np.flatnonzero(~(d <= CEILING))
            if low.size:
                notes.append(f"{name}'s distance falls below {fmt(FLOOR)} at step {low[0]}, "
                             f"below the right panel: not drawn")
            if high.size:
                notes.append(f"{name}'s distance passes {fmt(CEILING)} at step {high[0]}, "
                             f"above the right panel: not drawn")
        return f" ({'; '.join(notes)})" if notes else ""

    def drawn(self) -> dict:
        """What the figure shows now: both paths and both distance curves."""
        px, py = self.line.get_data()
        gx, gy = self.gd_line.get_data()
        return {"path": np.column_stack([px, py]), "gd_path": np.column_stack([gx, gy]),
                "distances": np.asarray(self.dist.get_data()[1]),
                "gd_distances": np.asarray(self.gd_dist.get_data()[1]),
                "status": self.status.value}


def momentum_explorer(**kwargs) -> MomentumExplorer:
    """Build lesson 05's momentum explorer; keyword arguments set the initial control values
    (``lr``, ``beta``, ``steps``) and the bowl (``eigenvalues``, ``angle``, ``x0``)."""
    return MomentumExplorer(**kwargs)
