"""Lesson 06's explorer: read a learning-rate range test live.

One sweep is run once, up front (by default the lesson's digits network, 1e-6 to 10,
350 steps, run until the loss is no longer finite). The controls only change how its raw
losses are *read*: the smoothing ``beta`` (with or without bias correction), the part of
the sweep shown (a crop, in decades of the rate) and the suggestion method. Every move
calls the tested, pure :meth:`course_lib.lr_finder.RangeTest.view` and
:meth:`~course_lib.lr_finder.RangeTest.suggest`, which take well under a millisecond, then
moves the artists of a figure built once.
"""
from __future__ import annotations

import math
from typing import Optional

import ipywidgets as W
import numpy as np

from .. import lr_finder
from .._validate import count
from ._controls import check_flag, check_number, check_pair, control, fmt
from .base import Explorer
from .schedule import _nice_ceiling

__all__ = ["LRFinderExplorer", "lr_finder_explorer", "default_sweep", "descent_fraction",
           "crop_warnings", "MIN_DESCENT"]

#: a crop whose raw loss falls by less than this fraction has no descent worth reading
MIN_DESCENT = 0.1


def descent_fraction(view: lr_finder.RangeTest, chunks: int = 3) -> float:
    """How much the loss falls within the points the suggestions look at: ``1 - low / top``,
    where the window's raw losses are cut into ``chunks`` consecutive groups, ``low`` is
    the lowest group median and ``top`` the highest median before it. Medians of raw
    losses, not the smoothed curve, so neither one noisy loss nor the smoothing's warm-up
    can fake a descent; a fall smaller than three times the noise of the medians (from the
    spread of successive losses) counts as 0, as does a loss that only rises or a view too
    short to judge."""
    if not isinstance(view, lr_finder.RangeTest):
        raise ValueError(f"view must be a RangeTest, got {view!r:.60}")
    chunks = count(chunks, "chunks")
    n = len(view)
    try:
        lo, hi = lr_finder._window(n, None, None)
    except ValueError:
        return 0.0
    raw = np.asarray(view.losses[lo:hi], dtype=float)
    groups = np.array_split(raw, min(chunks, len(raw)))
    medians = np.array([np.median(g) for g in groups])
    bottom = int(np.argmin(medians))
    top = float(np.max(medians[:bottom + 1]))
    if top <= 0 or len(raw) < 2:
        return 0.0
    sigma = 1.4826 * float(np.median(np.abs(np.diff(raw)))) / math.sqrt(2.0)
    m = min(len(g) for g in groups)
    if top - medians[bottom] <= 3 * 1.25 * sigma * math.sqrt(2.0 / m):
        return 0.0
    return float(1.0 - medians[bottom] / top)


def crop_warnings(view: lr_finder.RangeTest, suggestion: lr_finder.Suggestion) -> list:
    """What makes the suggestion on this view untrustworthy or undrawable, in words: no
    descent in the crop, the loss still falling at its right edge (the minimum lies beyond
    it), or the suggested rate outside the crop."""
    if not isinstance(view, lr_finder.RangeTest):
        raise ValueError(f"view must be a RangeTest, got {view!r:.60}")
    if not isinstance(suggestion, lr_finder.Suggestion):
        raise ValueError(f"suggestion must be a Suggestion (from RangeTest.suggest), got {suggestion!r:.60}")
    out = []
    drop = descent_fraction(view)
    if drop < MIN_DESCENT:
        out.append("no clear descent in this part of the sweep: the suggestion means little")
    else:
        lo, hi = lr_finder._window(len(view), None, None)
        bottom = lo + int(np.argmin(view.smoothed[lo:hi]))
        if bottom == hi - 1 and not view.stopped_early:
            out.append("the loss is still falling at the right edge: widen the range")
    if not view.lrs[0] * (1 - 1e-12) <= suggestion.lr <= view.lrs[-1] * (1 + 1e-12):
        side = "left of" if suggestion.lr < view.lrs[0] else "right of"
        out.append(f"the suggested rate lies {side} the rates shown: not marked")
    return out


def default_sweep(steps: int = 350, min_lr: float = 1e-6, max_lr: float = 10.0,
                  seed: int = 0) -> lr_finder.RangeTest:
    """The range test the explorer shows by default: lesson 04's 64-32-10 MLP on the
    digits (``digits_split(seed=0)``, ``init_mlp(seed=0)``), batches of 32 in the order of
    ``seed``, plain SGD, no early stop (the curve runs until the loss is no longer finite)."""
    from .. import data, models, training

    split = data.digits_split(val_fraction=0.2, seed=0)
    params = models.init_mlp((64, 32, 10), seed=0)
    batches = list(data.minibatches(split.x_train, split.y_train, 32, seed=seed))
    return lr_finder.lr_range_test(training.loss_fn("mlp", "cross_entropy"), params, batches,
                                   min_lr=min_lr, max_lr=max_lr, steps=steps,
                                   diverge_factor=None)


class LRFinderExplorer(Explorer):
    """Smoothing, bias correction, the visible range of the sweep and the suggestion method.

    The figure: the raw losses (grey), the smoothed curve (blue), the suggested rate (a red
    dot on the curve and a dashed vertical line). ``drawn()`` returns what is shown.
    """

    figsize = (8.0, 3.6)

    def __init__(self, result: Optional[lr_finder.RangeTest] = None, smoothing: float = 0.98,
                 lr_range=None, method: str = "steepest", bias_correction: bool = True,
                 diverge_factor: Optional[float] = 4.0):
        self.result = default_sweep() if result is None else result
        if not isinstance(self.result, lr_finder.RangeTest):
            raise ValueError(f"result must be a RangeTest (from lr_finder.lr_range_test), "
                             f"got {type(self.result).__name__}")
        if len(self.result) < 3:
            raise ValueError(f"result must hold at least 3 points, got {len(self.result)}")
        if method not in lr_finder.SUGGESTION_METHODS:
            raise ValueError(f"method must be one of {lr_finder.SUGGESTION_METHODS}, "
                             f"got {method!r}")
        if diverge_factor is not None:
            diverge_factor = check_number(diverge_factor, "diverge_factor", 1.0, 1e12)
            if diverge_factor <= 1.0:
                raise ValueError(f"diverge_factor must be above 1 (or None), got {diverge_factor!r}")
        self.diverge_factor = diverge_factor
        # the crop slider works in half decades of the rate, within the recorded sweep
        lo = math.floor(2 * math.log10(self.result.planned_lrs[0]) + 1e-9) / 2
        hi = math.ceil(2 * math.log10(self.result.planned_lrs[-1]) - 1e-9) / 2
        if lr_range is None:
            lr_range = (lo, hi)
        slider = dict(continuous_update=True, style={"description_width": "initial"})
        controls = {
            "smoothing": control(W.FloatSlider, "smoothing", smoothing, min=0.0, max=0.99,
                                 step=0.01, description="smoothing beta", **slider),
            "lr_range": control(W.FloatRangeSlider, "lr_range", lr_range, min=lo, max=hi,
                                step=0.5, description="log10 rate range",
                                readout_format=".1f", **slider),
            "method": control(W.Dropdown, "method", method,
                              options=lr_finder.SUGGESTION_METHODS, description="suggestion"),
            "bias_correction": control(W.Checkbox, "bias_correction", bias_correction,
                                       description="bias correction", indent=False),
        }
        self.view = None
        self.suggestion = None
        super().__init__(controls)

    def _build(self):
        ax = self.ax = self.figure.subplots()
        (self.raw_line,) = ax.plot([], [], color="0.72", linewidth=0.8, label="raw loss")
        (self.smooth_line,) = ax.plot([], [], color="tab:blue", linewidth=1.6,
                                      label="smoothed loss")
        (self.marker,) = ax.plot([], [], "o", color="tab:red", markersize=7,
                                 label="suggestion")
        self.vline = ax.axvline(1.0, color="tab:red", linestyle="--", linewidth=1.0)
        ax.set_xscale("log")
        ax.set_xlabel("learning rate (log scale)")
        ax.set_ylabel("minibatch loss")
        ax.grid(True, which="major", alpha=0.3)
        ax.legend(loc="upper left", fontsize="small", framealpha=1)
        self.dynamic_artists = [self.raw_line, self.smooth_line, self.marker, self.vline]
        self.dynamic_axes = [ax]

    def _redraw(self) -> str:
        v = self.values()
        lo, hi = v["lr_range"]
        if hi <= lo:
            hi = lo + 0.5
        view = self.result.view(smoothing=v["smoothing"], min_lr=10.0 ** lo, max_lr=10.0 ** hi,
                                bias_correction=v["bias_correction"],
                                diverge_factor=self.diverge_factor)
        self.view = view
        self.raw_line.set_data(view.lrs, view.losses)
        self.smooth_line.set_data(view.lrs, view.smoothed)
        self.ax.set_xlim(10.0 ** lo, 10.0 ** hi)
        self.ax.set_ylim(*self._ylim(view))
        try:
            s = view.suggest(v["method"])
        except ValueError as exc:
            self.suggestion = None
            self.warnings = [str(exc)]
            self.marker.set_data([], [])
            self.vline.set_visible(False)
            return f"<b style='color:#b00'>✗ {len(view)} points: {exc}</b>"
        self.suggestion = s
        # the marker sits at the suggested rate ("minimum" suggests a tenth of the rate at
        # the lowest point, not that point); a rate outside the crop is not drawn
        self.warnings = crop_warnings(view, s)
        inside = view.lrs[0] * (1 - 1e-12) <= s.lr <= view.lrs[-1] * (1 + 1e-12)
        if inside:
            y = float(np.interp(np.log10(s.lr), np.log10(view.lrs), view.smoothed))
            self.marker.set_data([s.lr], [y])
            self.vline.set_xdata([s.lr, s.lr])
        else:
            self.marker.set_data([], [])
        self.vline.set_visible(inside)
        lag = view.lag_decades if view.mode == "exp" else float("nan")
        bc = "" if v["bias_correction"] else " <b>without bias correction</b>;"
        text = (f"{v['method']}: suggested lr = {s.lr:.3g};{bc} {len(view)} points shown "
                f"({view.reason}); the average lags by about {view.lag_steps:.0f} steps "
                f"= {lag:.2f} decades")
        if self.warnings:
            text += f". <b style='color:#b60'>✗ {'; '.join(self.warnings)}</b>"
        return text

    @staticmethod
    def _ylim(view):
        """Rounded limits (few distinct values, so the axes' pixels are reused): from 0 to
        a nice ceiling above the smoothed curve and the typical raw loss."""
        if not len(view):
            return 0.0, 1.0
        sm = view.smoothed
        top = max(float(np.max(sm)), float(np.median(view.losses)) * 1.3)
        top = min(top, 3.0 * float(np.median(view.losses)) + 1e-12)
        top = max(top, float(np.max(sm)) * 1.05)
        bottom = min(0.0, float(np.min(sm)))
        return (-_nice_ceiling(-bottom) if bottom < 0 else 0.0), _nice_ceiling(max(top, 1e-12))

    def drawn(self) -> dict:
        """What the figure shows now."""
        x, raw = self.raw_line.get_data()
        _, sm = self.smooth_line.get_data()
        mx, my = self.marker.get_data()
        return {"lrs": np.asarray(x), "raw": np.asarray(raw), "smoothed": np.asarray(sm),
                "marker": (float(mx[0]), float(my[0])) if len(mx) else None,
                "suggestion": None if self.suggestion is None else self.suggestion.lr,
                "vline": float(np.asarray(self.vline.get_xdata())[0])
                if self.vline.get_visible() else None,
                "xlim": tuple(self.ax.get_xlim()), "ylim": tuple(self.ax.get_ylim()),
                "status": self.status.value}


def lr_finder_explorer(result: Optional[lr_finder.RangeTest] = None, **kwargs) -> LRFinderExplorer:
    """Build lesson 06's explorer over ``result`` (default: :func:`default_sweep`);
    keyword arguments set the initial controls: ``smoothing``, ``lr_range`` (a pair of
    log10 rates), ``method``, ``bias_correction``; and ``diverge_factor`` (the cut)."""
    return LRFinderExplorer(result, **kwargs)
