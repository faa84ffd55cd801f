"""Lesson 03's explorer: the one-layer model's MAE and MSE surfaces, and descent on them.

Left: the loss over (kernel, bias) as colours and contour lines, the gradient-descent path
from the start you choose and the steepest-descent arrow at the start. Right: the data with
the model's line at the start (dashed) and at the end of the path (solid).

Both surfaces are computed once, when the explorer is built (one broadcast each); a move
of a slider only reruns a short descent with the analytic gradient and moves the artists.
"""
from __future__ import annotations

import ipywidgets as W
import numpy as np

from .. import _divergence, data, optimizers, surfaces
from ._controls import check_whole, control, first_outside, fmt
from .base import Explorer

KLIM, BLIM = (-2.0, 6.0), (-5.0, 3.0)


class SurfaceExplorer(Explorer):
    """Controls: loss (MAE / MSE), start kernel and bias, learning rate, steps.

    ``drawn()`` returns the path's points, the line's end parameters and the surface shown.
    """

    figsize = (9.5, 3.8)

    def __init__(self, loss="mse", kernel=-1.0, bias=2.0, lr=0.1, steps=30, x=None, y=None,
                 n_grid=81):
        if (x is None) != (y is None):
            raise ValueError("x and y: give both (the data) or neither (the course's line data)")
        if x is None:
            x, y = data.linear_data()
        for value, name in ((x, "x"), (y, "y")):
            if isinstance(value, (str, bytes, dict, bool)) or np.ndim(value) != 1:
                raise ValueError(f"{name} must be a 1-D array of numbers, got {value!r:.60}")
        self.x, self.y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        if self.x.ndim != 1 or self.x.shape != self.y.shape or len(self.x) < 2:
            raise ValueError(f"x and y must be 1-D arrays of the same length (at least 2), "
                             f"got shapes {self.x.shape} and {self.y.shape}")
        if not (np.all(np.isfinite(self.x)) and np.all(np.isfinite(self.y))):
            raise ValueError("x and y must contain only finite numbers")
        self.n_grid = check_whole(n_grid, "n_grid", 5, 1001)
        slider = dict(continuous_update=True, style={"description_width": "initial"})
        controls = {
            "loss": control(W.ToggleButtons, "loss", loss, options=[("MSE", "mse"), ("MAE", "mae")],
                            description="loss", style={"button_width": "60px"}),
            "lr": control(W.FloatLogSlider, "lr", lr, base=10, min=-3, max=0.3, step=0.01,
                          description="learning rate", readout_format=".3f", **slider),
            "steps": control(W.IntSlider, "steps", steps, min=1, max=200, description="steps",
                             **slider),
            "kernel": control(W.FloatSlider, "kernel", kernel, min=KLIM[0], max=KLIM[1], step=0.1,
                              description="start kernel", **slider),
            "bias": control(W.FloatSlider, "bias", bias, min=BLIM[0], max=BLIM[1], step=0.1,
                            description="start bias", **slider),
        }
        super().__init__(controls)

    # -- the pure computations -------------------------------------------------------------
    def _loss_at(self, loss, p):
        k, b = np.asarray(p, dtype=float)[..., 0], np.asarray(p, dtype=float)[..., 1]
        err = k[..., None] * self.x + b[..., None] - self.y
        return np.mean(err ** 2 if loss == "mse" else np.abs(err), axis=-1)

    def run(self) -> optimizers.Path:
        """Gradient descent from the chosen start with the chosen loss (what the figure shows)."""
        v = self.values()

        def grad(p):
            return np.array(surfaces.linear_surface_grad(self.x, self.y, p[0], p[1], v["loss"]))

        return optimizers.minimize(grad, (v["kernel"], v["bias"]), "sgd", v["lr"], v["steps"],
                                   loss_fn=lambda p: float(self._loss_at(v["loss"], p)))

    # -- the figure ------------------------------------------------------------------------
    def _build(self):
        from matplotlib.colors import Normalize

        self.ax_s, self.ax_d = self.figure.subplots(1, 2, width_ratios=[1.15, 1])
        ks = np.linspace(*KLIM, self.n_grid)
        bs = np.linspace(*BLIM, self.n_grid)
        self.surface = {}
        self.images, self.contours = {}, {}
        for name in ("mse", "mae"):
            K, B, Z = surfaces.linear_surface(self.x, self.y, ks, bs, name)
            self.surface[name] = Z
            logz = np.log10(Z)
            im = self.ax_s.imshow(logz, origin="lower", extent=(*KLIM, *BLIM), aspect="auto",
                                  cmap="viridis", norm=Normalize(logz.min(), logz.max()))
            cs = self.ax_s.contour(K, B, logz, levels=12, colors="white", linewidths=0.6,
                                   linestyles="solid", alpha=0.7)
            self.images[name], self.contours[name] = im, cs
        k_opt, b_opt = surfaces.linear_optimum(self.x, self.y)
        self.ax_s.plot(k_opt, b_opt, "*", color="white", markersize=13, markeredgecolor="black")
        (self.path_line,) = self.ax_s.plot([], [], "-o", color="tab:red", markersize=2.5,
                                           linewidth=1.2)
        (self.start,) = self.ax_s.plot([], [], "s", color="tab:red", markeredgecolor="black")
        (self.end,) = self.ax_s.plot([], [], "X", color="tab:red", markersize=9,
                                     markeredgecolor="black")
        self.arrow = self.ax_s.quiver([0.0], [0.0], [0.0], [0.0], color="orange",
                                      angles="xy", scale_units="xy", scale=1, width=0.012)
        self.ax_s.set_xlim(*KLIM)
        self.ax_s.set_ylim(*BLIM)
        self.ax_s.set_xlabel("kernel")
        self.ax_s.set_ylabel("bias")
        self.ax_s.set_title("log10 loss over (kernel, bias)")

        self.ax_d.scatter(self.x, self.y, s=8, color="0.5")
        grid = np.linspace(self.x.min(), self.x.max(), 2)
        self._xline = grid
        (self.line_start,) = self.ax_d.plot(grid, grid, "--", color="tab:red", alpha=0.6,
                                            label="start")
        (self.line_end,) = self.ax_d.plot(grid, grid, "-", color="tab:red", label="end")
        pad = 0.5 * (self.y.max() - self.y.min())
        self.ax_d.set_ylim(self.y.min() - pad, self.y.max() + pad)
        self.ax_d.set_xlabel("input")
        self.ax_d.set_ylabel("output")
        self.ax_d.set_title("data and the model's line")
        self.ax_d.legend(loc="upper left", fontsize=8, framealpha=1)
        self.dynamic_artists = [self.images["mse"], self.images["mae"], self.contours["mse"],
                                self.contours["mae"], self.path_line, self.start, self.end,
                                self.arrow, self.line_start, self.line_end]
        self.dynamic_axes = []

    def _redraw(self) -> str:
        v = self.values()
        for name in ("mse", "mae"):
            self.images[name].set_visible(name == v["loss"])
            self.contours[name].set_visible(name == v["loss"])
        res = self.run()
        self.result = res
        xs = res.xs
        self.path_line.set_data(xs[:, 0], xs[:, 1])
        self.start.set_data(xs[:1, 0], xs[:1, 1])
        self.end.set_data(xs[-1:, 0], xs[-1:, 1])
        g = np.array(surfaces.linear_surface_grad(self.x, self.y, xs[0, 0], xs[0, 1], v["loss"]))
        arrow = -g / max(np.linalg.norm(g), 1e-12)      # unit length: the direction only
        self.arrow.set_offsets([[xs[0, 0], xs[0, 1]]])
        self.arrow.set_UVC([arrow[0]], [arrow[1]])
        self.line_start.set_ydata(xs[0, 0] * self._xline + xs[0, 1])
        self.line_end.set_ydata(xs[-1, 0] * self._xline + xs[-1, 1])
        # an end far off the surface's frame is a line of absurd slope: drawn, it would be
        # a vertical red stroke through the data; it is hidden and said in words instead
        out = first_outside(xs, KLIM, BLIM)
        self.line_end.set_visible(first_outside(xs[-1:], KLIM, BLIM) is None)
        note = ""
        if out is not None:
            note = f" (the path leaves the left panel at step {out}"
            if not self.line_end.get_visible():
                note += (f"; its end, kernel {fmt(xs[-1, 0])}, bias {fmt(xs[-1, 1])}, "
                         f"is off the frame: no end line drawn")
            note += ")"
        name = v["loss"].upper()
        if res.diverged_at is not None:
            return f"<b style='color:#b00'>✗ {name}: {res.message}</b>{note}"
        grew = _divergence.trace_verdict(res.losses, number=fmt)   # the course's rule
        if grew is not None:
            return f"<b style='color:#b00'>✗ {name}: {grew}</b>{note}"
        return (f"{name}: loss {res.losses[0]:.4f} at the start, {res.losses[-1]:.4f} after "
                f"{len(xs) - 1} steps; kernel = {xs[-1, 0]:.3f}, bias = {xs[-1, 1]:.3f}{note}")

    def drawn(self) -> dict:
        """What the figure shows now."""
        px, py = self.path_line.get_data()
        loss = self.values()["loss"]
        return {"path": np.column_stack([px, py]), "loss": loss,
                "surface": self.surface[loss],
                "visible": [n for n in ("mse", "mae") if self.images[n].get_visible()],
                "end_line": (np.asarray(self.line_end.get_ydata())
                             if self.line_end.get_visible() else None),
                "status": self.status.value}


def surface_explorer(**kwargs) -> SurfaceExplorer:
    """Build lesson 03's explorer (``loss``, ``kernel``, ``bias``, ``lr``, ``steps``; data ``x, y``)."""
    return SurfaceExplorer(**kwargs)
