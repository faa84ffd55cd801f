"""The :class:`RangeTest` record (what a range test recorded, and how to read it: suggestions,
bounds, re-smoothing, cropping, the plot) and :func:`clr_bounds`, the course's rule for the
bounds of cyclical rates read off it.

Used by lesson 06 (and lessons 07 to 10, which read its suggestions and bounds).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Dict, Optional

import numpy as np

from .._validate import array, fields, flag, number, positive_number, text, whole
from .bounds import Bounds
from .rates import MODES
from .smoothing import _factor, _smoothing, divergence_index, smooth
from .suggestions import (Suggestion, _curve, _descent, _fraction, _method, _window,
                          minimum_index, steepest_index, valley_index)

_SAME = object()


@dataclass
class RangeTest:
    """What :func:`lr_range_test` recorded (finite points only) and how to read it."""

    lrs: np.ndarray
    losses: np.ndarray
    smoothed: np.ndarray
    planned_lrs: np.ndarray
    stopped_early: bool
    reason: str
    smoothing: float = 0.98
    mode: str = "exp"
    diverge_factor: Optional[float] = 4.0
    optimizer: str = "sgd"
    stop_lr: Optional[float] = None
    extra: Dict = field(default_factory=dict)
    #: validation loss / metric at each recorded point (``nan`` where not evaluated), or None
    val_losses: Optional[np.ndarray] = None
    val_metric: Optional[np.ndarray] = None
    val_every: Optional[int] = None
    #: forward passes spent on validation batches
    val_passes: int = 0

    def __post_init__(self):
        curve = dict(ndim=1, min_len=0, finite=False)
        n = len(array(self.lrs, "lrs", **curve))
        for name in ("losses", "smoothed", "val_losses", "val_metric"):
            value = getattr(self, name)
            if value is None and name.startswith("val_"):
                continue
            finite = name in ("losses", "smoothed")        # the test keeps finite points only
            if len(array(value, name, ndim=1, min_len=0, finite=finite)) != n:
                raise ValueError(f"{name} must have one entry per rate of lrs ({n}), got {len(value)}")
        if np.any(np.asarray(self.lrs) <= 0) or not np.all(np.isfinite(self.lrs)):
            raise ValueError("lrs must hold positive finite rates")
        array(self.planned_lrs, "planned_lrs", ndim=1)
        fields(self, stopped_early=flag, reason=text, smoothing=_smoothing,
               mode=lambda v, n: text(v, n, MODES), diverge_factor=_factor, optimizer=text,
               stop_lr=lambda v, n: number(v, n, lo=0.0, lo_open=True, allow_none=True),
               val_every=lambda v, n: whole(v, n, minimum=1, allow_none=True),
               val_passes=lambda v, n: whole(v, n, minimum=0))
        if not isinstance(self.extra, dict):
            raise ValueError(f"extra must be a dict, got {self.extra!r}")

    def __len__(self) -> int:
        return len(self.lrs)

    @property
    def lag_steps(self) -> float:
        """How many steps the moving average trails a steadily changing loss by:
        ``beta / (1 - beta)`` once it has warmed up (0 without smoothing)."""
        return self.smoothing / (1.0 - self.smoothing)

    @property
    def steps_per_decade(self) -> float:
        """Steps per tenfold increase of the rate (exponential sweeps; ``nan`` for linear)."""
        if self.mode != "exp":
            return float("nan")
        lr = self.planned_lrs
        return (len(lr) - 1) / float(np.log10(lr[-1] / lr[0]))

    @property
    def lag_decades(self) -> float:
        """The lag of the average in decades of the rate (``lag_steps / steps_per_decade``):
        the smoothed curve is drawn about this far to the right of the losses it averages."""
        return self.lag_steps / self.steps_per_decade

    def suggest(self, method: str = "steepest", skip_start=None, skip_end=None,
                descent_only: bool = True, fraction: float = 2 / 3) -> Suggestion:
        """The suggested rate with where it was read (see the module docstring;
        ``descent_only=False`` gives the plain steepest-slope rule; ``fraction`` is how far
        along the longest descent ``"valley"`` reads, in ``[0, 1]``: the default 2/3 is
        what fastai's documentation describes; fastai's code counts the run's points, not
        its steps, see :func:`fastai_valley_index`). ``fraction`` is validated for every
        method but only ``"valley"`` uses it."""
        method = _method(method)
        fraction = _fraction(fraction)
        if method == "steepest":
            i = steepest_index(self.lrs, self.smoothed, skip_start, skip_end, descent_only)
            lr = self.lrs[i]
        elif method == "valley":
            i = valley_index(self.lrs, self.smoothed, skip_start, skip_end, fraction)
            lr = self.lrs[i]
        else:
            i = minimum_index(self.lrs, self.smoothed, skip_start, skip_end)
            lr = self.lrs[i] / 10.0
        return Suggestion(float(lr), int(i), float(self.smoothed[i]), method)

    def suggestion(self, method: str = "steepest", skip_start=None, skip_end=None,
                   descent_only: bool = True, fraction: float = 2 / 3) -> float:
        """The suggested rate (a float). ``method``: ``"steepest"``, ``"valley"`` or
        ``"minimum"``; the first ``skip_start`` and last ``skip_end`` points are ignored;
        ``fraction`` (``"valley"`` only, default 2/3): see :meth:`suggest`."""
        return self.suggest(method, skip_start, skip_end, descent_only, fraction).lr

    def clr_bounds(self, skip_start=None, skip_end=None) -> Bounds:
        """Bounds for cyclical rates (see :func:`clr_bounds`)."""
        return clr_bounds(self, skip_start, skip_end)

    def with_smoothing(self, smoothing: float) -> "RangeTest":
        """The same raw losses smoothed with another ``smoothing`` (no new training; the
        sweep still ends where the original run stopped)."""
        beta = _smoothing(smoothing)
        return replace(self, smoothed=smooth(self.losses, beta), smoothing=beta)

    def view(self, smoothing: Optional[float] = None, min_lr: Optional[float] = None,
             max_lr: Optional[float] = None, bias_correction: bool = True,
             diverge_factor=_SAME) -> "RangeTest":
        """The recorded raw losses seen differently, without training again: only the
        points with ``min_lr <= lr <= max_lr``, smoothed from the first of them with
        ``smoothing`` (default: the run's), and cut where that smoothed curve passes
        ``diverge_factor`` (default: the run's) times its minimum. (A crop is close to a sweep over the
        narrower range: at rates below ``min_lr`` the model hardly moved.) The explorer
        of lesson 06 calls this on every slider move."""
        beta = self.smoothing if smoothing is None else _smoothing(smoothing)
        lo = self.lrs[0] if (min_lr is None or not len(self)) else positive_number(min_lr, "min_lr")
        hi = self.lrs[-1] if (max_lr is None or not len(self)) else positive_number(max_lr, "max_lr")
        if not lo < hi:
            raise ValueError(f"min_lr must be smaller than max_lr, got {lo!r} >= {hi!r}")
        keep = (self.lrs >= lo * (1 - 1e-12)) & (self.lrs <= hi * (1 + 1e-12))
        lrs, losses = self.lrs[keep], self.losses[keep]
        val = {k: getattr(self, k)[keep] for k in ("val_losses", "val_metric")
               if getattr(self, k) is not None}
        smoothed = smooth(losses, beta, bias_correction)
        stopped, reason, stop_lr = self.stopped_early, self.reason, self.stop_lr
        if len(lrs) and lrs[-1] < self.lrs[-1]:
            stopped, reason, stop_lr = False, f"cropped at lr = {hi:.3g}", None
        factor = self.diverge_factor if diverge_factor is _SAME else diverge_factor
        cut = divergence_index(smoothed, factor)
        if cut is not None and cut < len(lrs) - 1:
            lrs, losses, smoothed = lrs[:cut + 1], losses[:cut + 1], smoothed[:cut + 1]
            val = {k: v[:cut + 1] for k, v in val.items()}
            stopped, stop_lr = True, float(lrs[-1])
            reason = (f"the smoothed loss passed {factor:g} x its minimum at "
                      f"lr = {lrs[-1]:.3g}")
        plk = (self.planned_lrs >= lo * (1 - 1e-12)) & (self.planned_lrs <= hi * (1 + 1e-12))
        return replace(self, lrs=lrs, losses=losses, smoothed=smoothed, smoothing=beta,
                       planned_lrs=self.planned_lrs[plk], stopped_early=stopped,
                       reason=reason, stop_lr=stop_lr, **val)

    def plot(self, ax=None, method: Optional[str] = "steepest", raw: bool = True,
             skip_start=None, skip_end=None, label: Optional[str] = None):
        """Draw the smoothed loss (and the raw one, faintly) against the rate on a log
        axis, with the suggestion of ``method`` marked (``None``: no marker). Returns ``ax``."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(6, 3.5))
        if raw:
            ax.plot(self.lrs, self.losses, color="0.7", linewidth=0.8, label="raw loss")
        ax.plot(self.lrs, self.smoothed, color="tab:blue",
                label=label or f"smoothed (beta = {self.smoothing:g})")
        if method is not None and len(self) >= 3:
            s = self.suggest(method, skip_start, skip_end)
            mark_lr = self.lrs[s.index]
            ax.plot([mark_lr], [s.loss], "o", color="tab:red",
                    label=f"{method}: lr = {s.lr:.3g}")
        ax.set_xscale("log")
        ax.set_xlabel("learning rate (log scale)")
        ax.set_ylabel("loss")
        ax.legend(fontsize="small")
        return ax

    def __repr__(self) -> str:
        return (f"RangeTest({len(self)} of {len(self.planned_lrs)} steps, {self.mode} sweep "
                f"{self.planned_lrs[0]:.3g} -> {self.planned_lrs[-1]:.3g}; {self.reason})")


def clr_bounds(result: RangeTest, skip_start=None, skip_end=None) -> Bounds:
    """``(base_lr, max_lr)`` for a cyclical schedule, read off a range test.

    The rule (after Smith 2017, section 3.3, who reads an accuracy curve; here the loss
    curve is read): ``max_lr`` is the rate at the lowest point of the smoothed loss (which,
    the average lagging, lies a little past the lowest raw loss); ``start_lr`` the first rate
    at which the smoothed loss has fallen by 10% of its drop from the highest point before
    that minimum; ``base_lr = max(start_lr, max_lr / 4)``.
    """
    if not isinstance(result, RangeTest):
        raise ValueError(f"result must be a RangeTest (from lr_range_test), got {result!r:.60}")
    lrs, sm = _curve(result.lrs, result.smoothed)
    lo, hi = _window(len(lrs), skip_start, skip_end)
    i_start, i_min = _descent(sm, lo, hi)
    max_lr = float(lrs[i_min])
    start_lr = float(lrs[i_start])
    return Bounds(base_lr=max(start_lr, max_lr / 4.0), max_lr=max_lr, start_lr=start_lr)
