"""Lesson 09's explorer: overlay schedules of a finished shoot-out, with their spread.

Left: the learning rate of every update for the schedules picked. Right: their validation
accuracy (or loss) against the updates, zoomed on the second half of training, as the mean over the seeds with a band from the
worst to the best seed, or as one thin line per seed. The status line says whether the
final ranges of the schedules picked overlap: if they do, the table's difference between
them is within the spread of the seeds, and three seeds cannot tell them apart.

Nothing is trained here: the explorer only redraws a :class:`course_lib.shootout.Shootout`
(``shootout_explorer(result)``), so every change is immediate.
"""
from __future__ import annotations

import numbers

import ipywidgets as W
import numpy as np

from .._validate import array, text
from ..shootout import Shootout
from ._controls import control, fmt
from .base import Explorer

METRICS = ("accuracy", "loss")
VIEWS = ("mean and range", "every seed")
#: the loss panel's log axis never goes beyond these (a blown-up run's loss reaches 1e200)
LOSS_FLOOR, LOSS_CEILING = 1e-4, 1e6


def loss_limits(values):
    """``(bottom, top)`` of the log loss axis for the finite ``values`` shown: a margin
    around them, within ``LOSS_FLOOR .. LOSS_CEILING``, and always ``bottom < top`` (even
    when every value is above the ceiling, so the axis never turns upside down)."""
    vals = array(values, "values", min_len=0, finite=False)
    vals = vals[np.isfinite(vals)]
    lo = float(np.min(vals)) if vals.size else 0.01
    hi = float(np.max(vals)) if vals.size else 10.0
    top = min(max(hi * 2.0, lo * 3), LOSS_CEILING)
    bottom = min(max(lo * 0.7, LOSS_FLOOR), top / 10.0)
    return bottom, top


def number(x: float) -> str:
    """A final metric for the status line: four decimals, or a short form when huge."""
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, numbers.Real):
        raise ValueError(f"x must be a number, got {x!r}")
    return f"{x:.4f}" if abs(x) < 1e4 else fmt(x)


def curve_stats(curves):
    """Mean, min and max over the seeds (axis 0) of curves holding nan after a divergence;
    nan where no seed has a value, without warnings."""
    curves = array(curves, "curves", ndim=2, finite=False)
    if curves.shape[1] == 0:
        raise ValueError("curves must hold at least one evaluation per seed")
    ok = np.isfinite(curves)
    n = ok.sum(axis=0)
    filled = np.where(ok, curves, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(n > 0, filled.sum(axis=0) / np.maximum(n, 1), np.nan)
    lo = np.where(n > 0, np.where(ok, curves, np.inf).min(axis=0), np.nan)
    hi = np.where(n > 0, np.where(ok, curves, -np.inf).max(axis=0), np.nan)
    return mean, lo, hi


def final_ranges(result: Shootout, names, metric: str = "accuracy") -> dict:
    """``{name: (min, mean, max)}`` of the final validation metric over the seeds (the runs
    that did not diverge; nan if none finished)."""
    if not isinstance(result, Shootout):
        raise ValueError(f"result must be a Shootout (from shootout()), got {result!r:.60}")
    text(metric, "metric", METRICS)
    if isinstance(names, (str, bytes)) or not hasattr(names, "__iter__"):
        raise ValueError(f"names must be a list of schedule names, got {names!r}")
    names = list(names)
    if not names:
        raise ValueError("names must hold at least one schedule name")
    for name in names:
        if name not in result.runs:
            raise ValueError(f"names: {name!r} is not one of {result.names}")
    key = "acc" if metric == "accuracy" else "loss"
    out = {}
    for name in names:
        row = result.row(name)
        out[name] = (row[f"{key}_min"], row[f"{key}_mean"], row[f"{key}_max"])
    return out


def ranges_overlap(ranges) -> bool:
    """True when the ``(min, mean, max)`` ranges all share a point: no schedule's worst seed
    beats another schedule's best one. Ranges with nan (diverged) never overlap."""
    if isinstance(ranges, (str, bytes, dict)) or not hasattr(ranges, "__iter__"):
        raise ValueError(f"ranges must be a list of (min, mean, max) triples, got {ranges!r}")
    ranges = list(ranges)
    if not ranges or any(np.shape(r) != (3,) for r in ranges):
        raise ValueError(f"ranges must be a non-empty list of (min, mean, max) triples, got {ranges!r}")
    array(ranges, "ranges", finite=False)
    if any(not np.all(np.isfinite(r)) for r in ranges):
        return False
    return max(r[0] for r in ranges) <= min(r[2] for r in ranges)


class ShootoutExplorer(Explorer):
    """Controls: ``schedules`` (the names to overlay), ``metric`` (``"accuracy"`` or
    ``"loss"``) and ``view`` (``"mean and range"`` or ``"every seed"``). ``drawn()`` returns
    what the figure shows."""

    figsize = (11.0, 3.8)

    def __init__(self, result: Shootout, schedules=None, metric: str = "accuracy",
                 view: str = VIEWS[0]):
        if not isinstance(result, Shootout):
            raise ValueError(f"result must be a Shootout (from course_lib.shootout.shootout), "
                             f"got {type(result).__name__}")
        self.result = result
        self.arrays = result.arrays()
        names = list(result.names)
        if schedules is None:
            schedules = names[:3]
        if isinstance(schedules, str):
            schedules = (schedules,)
        try:
            schedules = tuple(schedules)
        except TypeError:
            raise ValueError(f"schedules must be names from the shoot-out {names}, "
                             f"got {schedules!r}") from None
        unknown = [s for s in schedules if s not in names]
        if unknown:
            raise ValueError(f"schedules must be names from the shoot-out {names}, "
                             f"got {unknown}")
        if metric not in METRICS:
            raise ValueError(f"metric must be one of {METRICS}, got {metric!r}")
        if view not in VIEWS:
            raise ValueError(f"view must be one of {VIEWS}, got {view!r}")
        controls = {
            "schedules": control(W.SelectMultiple, "schedules", tuple(schedules), options=names,
                                 rows=min(len(names), 6), description="schedules"),
            "metric": control(W.ToggleButtons, "metric", metric, options=METRICS,
                              description="show"),
            "view": control(W.ToggleButtons, "view", view, options=VIEWS, description="seeds"),
        }
        super().__init__(controls)

    def _build(self):
        a = self.arrays
        self.ax_r, self.ax_v = self.figure.subplots(1, 2)
        # room between the panels for the log axis' wider tick labels, so that they stay
        # clear of the left panel and the right panel's axes can be kept as pixels
        self.figure.get_layout_engine().set(wspace=0.06)
        steps = np.arange(self.result.steps)
        x = a["eval_steps"]
        colors = [f"C{i % 10}" for i in range(len(a["names"]))]
        self.rate_lines, self.mean_lines, self.bands, self.seed_lines = {}, {}, {}, {}
        for i, name in enumerate(a["names"]):
            c = colors[i]
            (self.rate_lines[name],) = self.ax_r.plot(steps, a["rates"][i], color=c, label=name,
                                                      visible=False)
            for metric, key in (("accuracy", "val_acc"), ("loss", "val_loss")):
                curves = a[key][i]
                mean, lo, hi = curve_stats(curves)
                (line,) = self.ax_v.plot(x, mean, color=c, label=name, visible=False)
                band = self.ax_v.fill_between(x, lo, hi, color=c, alpha=0.2, linewidth=0,
                                              visible=False)
                seeds = [self.ax_v.plot(x, curve, color=c, linewidth=0.8, visible=False)[0]
                         for curve in curves]
                self.mean_lines[name, metric] = line
                self.bands[name, metric] = band
                self.seed_lines[name, metric] = seeds
        from matplotlib.ticker import StrMethodFormatter

        self.ax_r.yaxis.set_major_formatter(StrMethodFormatter("{x:.3g}"))
        self.ax_r.set_xlabel("update")
        self.ax_r.set_ylabel("learning rate")
        self.ax_r.set_title("rate schedules")
        self.ax_v.set_xlabel("update")
        self.ax_v.set_title("validation, over the seeds")
        self.ax_v.set_xlim(0, self.result.steps)
        self.ax_r.set_xlim(0, self.result.steps)
        # one static colour key for every schedule (a legend inside a redrawn axes would
        # be cached with stale entries)
        from matplotlib.lines import Line2D

        keys = [Line2D([], [], color=colors[i], label=name) for i, name in enumerate(a["names"])]
        self.figure.legend(handles=keys, loc="outside right upper", fontsize=7, frameon=False)
        # drawn in this order over the background: bands under the lines, as in a full draw
        self.dynamic_artists = [*self.bands.values(),
                                *(ln for lines in self.seed_lines.values() for ln in lines),
                                *self.rate_lines.values(), *self.mean_lines.values()]
        self.dynamic_axes = [self.ax_r, self.ax_v]

    def _redraw(self) -> str:
        v = self.values()
        picked, metric, view = list(v["schedules"]), v["metric"], v["view"]
        for name, line in self.rate_lines.items():
            line.set_visible(name in picked)
        for (name, m), line in self.mean_lines.items():
            show = name in picked and m == metric
            line.set_visible(show and view == VIEWS[0])
            self.bands[name, m].set_visible(show and view == VIEWS[0])
            for ln in self.seed_lines[name, m]:
                ln.set_visible(show and view == VIEWS[1])
        key = "val_acc" if metric == "accuracy" else "val_loss"
        idx = [self.arrays["names"].index(n) for n in picked]
        if idx:
            rates = self.arrays["rates"][idx]
            self.ax_r.set_ylim(0, float(np.max(rates)) * 1.08)
            half = len(self.arrays["eval_steps"]) // 2      # zoom on the second half of
            vals = self.arrays[key][idx][..., half:]         # training, where they differ
            vals = vals[np.isfinite(vals)]
        else:
            vals = np.array([])
        if metric == "accuracy":
            lo = float(np.min(vals)) if vals.size else 0.0
            self.ax_v.set_yscale("linear")
            self.ax_v.set_ylim(max(0.0, lo - 0.04), 1.0)
            self.ax_v.set_ylabel("validation accuracy")
        else:
            self.ax_v.set_yscale("log")
            bottom, top = loss_limits(vals)
            self.ax_v.set_ylim(bottom, top)
            self.ax_v.set_ylabel("validation loss (log)")
        text = self.verdict(picked, metric)
        if metric == "loss" and idx:
            shown = self.arrays[key][idx][..., len(self.arrays["eval_steps"]) // 2:]
            off = [n for n, c in zip(picked, shown) if np.any(c[np.isfinite(c)] > top)]
            if off:
                text += (f" ({', '.join(off)}: the loss goes above {fmt(top)}, off the top "
                         f"of the right panel)")
        return text

    def verdict(self, picked, metric: str) -> str:
        """The status line: the final values and whether the ranges overlap."""
        if not picked:
            return "pick one or more schedules to overlay"
        ranges = final_ranges(self.result, picked, metric)
        n = len(self.result.seeds)
        parts = []
        for name, (lo, mean, hi) in ranges.items():
            if not np.isfinite(mean):
                parts.append(f"{name}: diverged")
            else:
                parts.append(f"{name}: {number(mean)} [{number(lo)}, {number(hi)}]")
        text = f"final validation {metric} over {n} seeds, mean [min, max]: " + "; ".join(parts)
        if len(picked) < 2:
            return text
        if ranges_overlap(ranges.values()):
            return (text + ". <b>The ranges overlap</b>: the differences are within the spread "
                           "of the seeds, not evidence that one schedule is better.")
        return (text + ". <b>The ranges do not all overlap</b>: a difference larger than the "
                       "seed-to-seed spread (still only on this problem and these seeds).")

    def drawn(self) -> dict:
        """What the figure shows: the schedules, their rate curves, the mean validation
        curves, the bands ``(lo, hi)`` (or the seed curves) and the status line."""
        v = self.values()
        picked, metric = list(v["schedules"]), v["metric"]
        out = {"schedules": picked, "metric": metric, "view": v["view"],
               "steps": np.asarray(self.mean_lines[self.arrays["names"][0], metric].get_xdata()),
               "rates": {}, "curves": {}, "bands": {}, "seeds": {},
               "overlap": (ranges_overlap(final_ranges(self.result, picked, metric).values())
                           if len(picked) > 1 else None),
               "status": self.status.value}
        key = "val_acc" if metric == "accuracy" else "val_loss"
        for name in picked:
            i = self.arrays["names"].index(name)
            if self.rate_lines[name].get_visible():
                out["rates"][name] = np.asarray(self.rate_lines[name].get_ydata())
            line = self.mean_lines[name, metric]
            if line.get_visible():
                out["curves"][name] = np.asarray(line.get_ydata())
                _, lo, hi = curve_stats(self.arrays[key][i])
                out["bands"][name] = (lo, hi)
            seeds = [ln for ln in self.seed_lines[name, metric] if ln.get_visible()]
            if seeds:
                out["seeds"][name] = np.array([ln.get_ydata() for ln in seeds])
        return out


def shootout_explorer(result: Shootout, **kwargs) -> ShootoutExplorer:
    """Build lesson 09's explorer over a finished shoot-out (``schedules``, ``metric``,
    ``view``)."""
    return ShootoutExplorer(result, **kwargs)
