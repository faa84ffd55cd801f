"""Lesson 04's explorer: batch size and learning rate for the one-layer model.

Left: the path of ``training.fit`` through (kernel, bias) on the contours of the full-data
MSE, so the noise of small batches is visible as a wobbly path. Right: the full-data loss
after every update against epochs (the same amount of data seen), so a large batch's few
steps and a small batch's many noisy steps can be compared on the same budget.

Runs use the analytic gradient (``training.linear_grad_fn``) and are cached, so moving back
to a setting already seen is immediate.
"""
from __future__ import annotations

import ipywidgets as W
import numpy as np

from .. import _divergence, data, plots, surfaces, training
from ._controls import check_number, check_whole, control, first_outside, fmt
from .base import Explorer

KLIM, BLIM = (-2.0, 5.0), (-4.0, 3.0)
BATCH_SIZES = (1, 2, 4, 8, 16, 32, 64, 128, 200)
#: the loss panel's log axis: losses above this are not drawn (said in the status line)
LOSS_CEILING = 1e12


class TrainingExplorer(Explorer):
    """Controls: batch size, learning rate, epochs, optimizer. ``drawn()`` returns the path
    and the loss curve shown."""

    figsize = (9.5, 3.8)

    def __init__(self, batch_size=16, lr=0.05, epochs=3, optimizer="sgd", x=None, y=None,
                 start=(-1.0, 2.0), seed=0):
        if (x is None) != (y is None):
            raise ValueError("x and y: give both (the data) or neither (the course's line data)")
        if x is None:
            x, y = data.linear_data()
        for value, name in ((x, "x"), (y, "y")):
            if isinstance(value, (str, bytes, dict, bool)) or np.ndim(value) != 1:
                raise ValueError(f"{name} must be a 1-D array of numbers, got {value!r:.60}")
        self.x, self.y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        if self.x.ndim != 1 or self.x.shape != self.y.shape or len(self.x) < 1:
            raise ValueError(f"x and y must be 1-D arrays of the same length, got shapes "
                             f"{self.x.shape} and {self.y.shape}")
        try:
            k0, b0 = start
        except (TypeError, ValueError):
            raise ValueError(f"start must be a pair (kernel, bias), got {start!r}") from None
        self.start = (check_number(k0, "start[0]", *KLIM), check_number(b0, "start[1]", *BLIM))
        self.seed = check_whole(seed, "seed", 0, 2 ** 32 - 1)
        self._cache = {}
        sizes = sorted(set(BATCH_SIZES) | {len(self.x)})
        sizes = [s for s in sizes if s <= len(self.x)]
        slider = dict(continuous_update=True, style={"description_width": "initial"})
        controls = {
            "batch_size": control(W.SelectionSlider, "batch_size", batch_size, options=sizes,
                                  description="batch size", **slider),
            "lr": control(W.FloatLogSlider, "lr", lr, base=10, min=-3, max=0, step=0.02,
                          description="learning rate", readout_format=".3f", **slider),
            "epochs": control(W.IntSlider, "epochs", epochs, min=1, max=5, description="epochs",
                              **slider),
            "optimizer": control(W.Dropdown, "optimizer", optimizer,
                                 options=["sgd", "momentum", "adam"], description="optimizer"),
        }
        super().__init__(controls)

    def run(self, **values):
        """Train with the current (or the given) control values: ``(history, path)``,
        where ``path`` has one (kernel, bias) row per update plus the start."""
        v = {**self.values(), **values}
        key = (v["batch_size"], round(float(v["lr"]), 12), v["epochs"], v["optimizer"])
        if key not in self._cache:
            trace = training.Trace()
            p0 = {"kernel": np.array(self.start[0]), "bias": np.array(self.start[1])}
            hist = training.fit(p0, "linear", self.x, self.y, loss="mse",
                                optimizer=v["optimizer"], lr=v["lr"], epochs=v["epochs"],
                                batch_size=v["batch_size"], seed=self.seed,
                                grad_fn=training.linear_grad_fn("mse"), callbacks=[trace],
                                eval_train=False, verbose=0)
            self._cache[key] = (hist, trace.array("kernel", "bias"))
            if len(self._cache) > 256:
                self._cache.pop(next(iter(self._cache)))
        return self._cache[key]

    def full_loss(self, path) -> np.ndarray:
        """The MSE on all the data at every point of a path, in one broadcast."""
        err = path[:, :1] * self.x + path[:, 1:] - self.y
        return np.mean(err ** 2, axis=1)

    def _build(self):
        self.ax_p, self.ax_l = self.figure.subplots(1, 2, width_ratios=[1.1, 1])
        ks = np.linspace(*KLIM, 81)
        bs = np.linspace(*BLIM, 81)
        K, B, Z = surfaces.linear_surface(self.x, self.y, ks, bs, "mse")
        self.ax_p.contourf(K, B, np.log10(Z), levels=20, cmap="viridis")
        self.ax_p.contour(K, B, np.log10(Z), levels=10, colors="white", linewidths=0.5,
                          linestyles="solid", alpha=0.6)
        self.optimum = surfaces.linear_optimum(self.x, self.y)
        self.ax_p.plot(*self.optimum, "*", color="white", markersize=13, markeredgecolor="black")
        self.line, self.start_marker, self.end = plots.path(self.ax_p, np.array([self.start]),
                                                            markersize=1.5)
        self.line.set_linewidth(0.8)
        self.ax_p.set_xlim(*KLIM)
        self.ax_p.set_ylim(*BLIM)
        self.ax_p.set_xlabel("kernel")
        self.ax_p.set_ylabel("bias")
        self.ax_p.set_title("path on the MSE contours")
        self.best = float(self.full_loss(np.array([self.optimum]))[0])
        self.ax_l.axhline(self.best, color="0.5", linestyle="--", linewidth=0.8,
                          label="least squares")
        (self.loss_line,) = self.ax_l.plot([], [], color="tab:red", linewidth=1.0,
                                           label="after each update")
        self.ax_l.set_yscale("log")
        self.ax_l.set_xlabel("epochs (passes over the data)")
        self.ax_l.set_ylabel("MSE on all the data")
        self.ax_l.set_title("loss during training")
        self.ax_l.legend(loc="upper right", fontsize=8, framealpha=1)
        self.dynamic_artists = [self.line, self.start_marker, self.end]
        self.dynamic_axes = [self.ax_l]

    def _redraw(self) -> str:
        v = self.values()
        hist, path = self.run()
        self.history, self.path = hist, path
        self.line.set_data(path[:, 0], path[:, 1])
        self.end.set_data(path[-1:, 0], path[-1:, 1])
        with np.errstate(over="ignore", invalid="ignore"):
            losses = self.full_loss(path)
            # losses off the log axis are not drawn (a clipped value would be read as the
            # loss); the status line says where the curve left the panel
            shown = np.where(losses <= LOSS_CEILING, np.maximum(losses, 1e-6), np.nan)
        per_epoch = max(hist.steps_per_epoch, 1)
        self.loss_line.set_data(np.arange(len(path)) / per_epoch, shown)
        self.ax_l.set_xlim(0, v["epochs"])
        top = float(np.nanmax(shown)) if np.any(np.isfinite(shown)) else self.best * 2
        self.ax_l.set_ylim(self.best * 0.8, max(top, self.best * 2) * 1.5)
        updates = len(path) - 1
        notes = []
        out = first_outside(path, KLIM, BLIM)
        if out is not None:
            notes.append(f"the path leaves the left panel at epoch {out / per_epoch:.2f}")
        with np.errstate(invalid="ignore"):
            high = np.flatnonzero(~(losses <= LOSS_CEILING))
        if high.size:
            notes.append(f"from epoch {high[0] / per_epoch:.2f} the loss is above "
                         f"{fmt(LOSS_CEILING)}, not drawn")
        note = f" ({'; '.join(notes)})" if notes else ""
        if hist.diverged_at is not None:
            return f"<b style='color:#b00'>✗ {hist.message}</b>{note}"
        grew = _divergence.trace_verdict(losses, steps="updates", number=fmt)
        if grew is not None:
            return (f"<b style='color:#b00'>✗ {grew} for batch size {v['batch_size']}</b>"
                    f"{note}")
        per = "update" if hist.steps_per_epoch == 1 else "updates"
        return (f"batch size {v['batch_size']}: {hist.steps_per_epoch} {per} per epoch, "
                f"{updates} in all; final MSE {losses[-1]:.4f} (least squares: {self.best:.4f})"
                f"{note}")

    def drawn(self) -> dict:
        """What the figure shows now: the path and the loss curve."""
        px, py = self.line.get_data()
        lx, ly = self.loss_line.get_data()
        return {"path": np.column_stack([px, py]), "epochs": np.asarray(lx),
                "losses": np.asarray(ly), "status": self.status.value}


def training_explorer(**kwargs) -> TrainingExplorer:
    """Build lesson 04's explorer (``batch_size``, ``lr``, ``epochs``, ``optimizer``; data ``x, y``)."""
    return TrainingExplorer(**kwargs)
