"""The learning-rate range test ("LR finder"): sweep the rate upwards, one minibatch per
step, record the loss, and read a good rate off the curve.

Used by lesson 06 (and lessons 07 to 09 for the bounds of cyclical rates). The test is
L. N. Smith's "LR range test" (*Cyclical Learning Rates for Training Neural Networks*,
WACV 2017, section 3.3, https://arxiv.org/abs/1506.01186), in the form fastai made
popular (S. Gugger, "How Do You Find A Good Learning Rate", 2018,
https://sgugger.github.io/how-do-you-find-a-good-learning-rate.html, and fastai's
``lr_find``): an exponential sweep with one minibatch per step, a bias-corrected moving
average of the loss, and an early stop once the loss explodes. Smith's original test is
different: a *linear* sweep over several epochs, reading the *accuracy* curve.

Public API (stable; lesson 07 and later rely on it)
----------------------------------------------------

``lr_range_test(loss_fn, params, batches, min_lr=1e-7, max_lr=10.0, steps=100, mode="exp",
smoothing=0.98, diverge_factor=4.0, optimizer="sgd", grad_fn=None)`` -> :class:`RangeTest`

    ``loss_fn(params, batch)`` is a scalar, autograd-differentiable objective
    (``course_lib.training.loss_fn("mlp", "cross_entropy")`` builds one); ``batches`` is a
    sequence of batches, cycled as needed (a ``course_lib.data.Batches`` or any iterable
    works too). Update ``i`` (0-based) uses the rate

    * ``mode="exp"``:    ``lr_i = min_lr * (max_lr / min_lr) ** (i / (steps - 1))``
      (the first update uses exactly ``min_lr``, each one multiplies it by the same factor);
    * ``mode="linear"``: ``lr_i = min_lr + (max_lr - min_lr) * i / (steps - 1)``.

    The loss recorded for ``lr_i`` is the minibatch loss just before update ``i`` (so it
    shows the effect of the rates up to ``lr_{i-1}``), smoothed by an exponential moving
    average with bias correction::

        avg_i = beta * avg_{i-1} + (1 - beta) * loss_i      (avg_{-1} = 0, beta = smoothing)
        smoothed_i = avg_i / (1 - beta ** (i + 1))

    The sweep stops early when the smoothed loss exceeds ``diverge_factor`` times its
    minimum so far (that point is kept) or the loss becomes inf/nan (that point is not
    kept: the curve holds finite points only). No RuntimeWarning escapes. The caller's
    ``params`` are never changed: the test works on a deep copy, also when ``loss_fn``
    raises half-way. Bad arguments raise ``ValueError`` naming the argument.

:class:`RangeTest` (the result)

    ``lrs``, ``losses``, ``smoothed`` (numpy arrays of the recorded, finite points);
    ``stopped_early`` and ``reason`` (why the sweep ended); ``planned_lrs`` (the whole
    sweep); ``suggestion(method="steepest", skip_start=None, skip_end=None,
    descent_only=True, fraction=2/3) -> float``; ``suggest(...)`` (the same as a
    :class:`Suggestion` with the index and loss, for plots);
    ``plot(ax=None, method="steepest", raw=True)``; ``clr_bounds()``;
    ``with_smoothing(beta)`` (the same raw losses smoothed again, no new training).

    Methods (``SUGGESTION_METHODS``):

    * ``"steepest"``: the rate where the smoothed loss falls fastest against
      ``log10(rate)`` (most negative slope, central differences), searched on the
      descent only: from where the curve has fallen by 10% of its drop (from its highest
      point before the minimum) to its lowest point, so that a wiggle of the flat start or
      of the explosion at the end cannot be picked;
    * ``"valley"``: after the "valley" idea of fastai's ``lr_find`` (its
      ``valley`` suggestion): find the longest descending run of the smoothed curve, as a
      longest decreasing subsequence (robust to small up-ticks), and take the point
      ``fraction`` of the way along it (in steps, i.e. in ``log10(rate)`` for an
      exponential sweep). The default ``fraction=2/3`` is what fastai's documentation
      describes; fastai's *code* (``fastai/callback/schedule.py``, ``valley``) takes the
      index ``max_start + int(L/3) + int(L/6)`` with ``max_start = max_end - L``, ``L``
      the number of points of the run: about **half** of ``L`` back from the run's end.
      That is the middle only of a run without gaps; a real curve's run skips up-ticks
      and spans more than ``L`` steps, so fastai's pick lies further along it (on lesson
      06's digits sweeps, within a few points of ``fraction=2/3``;
      :func:`fastai_valley_index` computes it). The default stays 2/3 so that the
      lessons built on it do not move; lesson 06 shows the difference;
    * ``"minimum"``: the rate at the lowest smoothed loss divided by 10 (fastai's
      ``minimum`` suggester, and the "one order of magnitude before the minimum" advice
      of Gugger's post).

    The first ``skip_start`` and last ``skip_end`` points are ignored by every method:
    at the start the average has seen few losses (the curve is noisy and its slope
    meaningless), at the end it is climbing out of control. Their defaults scale with the
    length of the curve: ``skip_start = max(1, n // 10)``, ``skip_end = max(1, n // 20)``
    (10 and 5 for a full 100-step sweep, as fastai uses).

``clr_bounds(result, skip_start=None, skip_end=None)`` -> :class:`Bounds`

    Bounds for cyclical rates (Smith 2017, section 3.3: the rate where the loss starts
    to fall is a good ``base_lr``, the rate where it stops falling or turns ragged a good
    ``max_lr``; his rule of thumb ``base_lr = max_lr / 3`` or ``/ 4``). The course's rule:

    * ``max_lr`` = the rate at the lowest point of the smoothed curve. Because the
      average lags the raw losses (see the caution below), that point usually lies a
      little *past* the rate where the raw loss was lowest: an upper bound, visited only
      briefly by a cycle, not the last rate at which the loss still falls;
    * ``start_lr`` = the first rate at which the smoothed loss has fallen by 10% of its
      drop (from its highest point before the minimum): where the loss "starts falling";
    * ``base_lr = max(start_lr, max_lr / 4)``: a quarter of the maximum (Smith's rule of
      thumb, keeping the cycle narrow), but never below the rate where the loss starts
      to fall.

``suggestion_spread(loss_fn, params, batches_for_seed, seeds=range(5),
methods=("steepest", "valley"), **kwargs)`` -> :class:`Spread`

    Runs the test once per seed (``batches_for_seed(seed)`` gives that seed's batches,
    e.g. another data order) and reports, per method, the suggestions, their median,
    the ratio ``max / min`` and the standard deviation of ``log10`` (how many decades the
    choice wobbles): ``spread.median("steepest")``, ``spread.ratio(...)``,
    ``spread.std_log10(...)``, ``spread.table()``.

Validation (``lr_range_test(..., val_batches=, val_every=, val_metric=)``), Smith's linear
multi-epoch form (:func:`linear_range_test`, read by :func:`accuracy_bounds`) and the cost
of a test (:func:`range_test_cost`) live in :mod:`course_lib.lr_validation`.

Building blocks, tested on their own: :func:`sweep_rates`, :func:`smooth`,
:func:`divergence_index`, :func:`steepest_index`, :func:`valley_index`,
:func:`fastai_valley_index` (fastai's own valley rule, for comparison),
:func:`minimum_index`; ``RangeTest.view(smoothing, min_lr, max_lr)`` re-reads the
recorded raw losses (crop, re-smooth, re-cut) without training again.

A caution the lesson measures: the moving average trails the loss by about
``beta / (1 - beta)`` steps (49 for 0.98), i.e. ``result.lag_decades`` decades of the rate.
A sweep with few steps per decade draws the smoothed curve well to the right of the raw
losses; use enough steps (or less smoothing) that this lag is a fraction of a decade.
"""
from __future__ import annotations

import copy
import itertools
from dataclasses import dataclass, field, replace
from typing import Callable, Dict, Iterable, Optional, Sequence

import numpy as np
from autograd import value_and_grad

from ._validate import array, count, fields, flag, number, positive_number, text, tree, whole
from .lr_validation import (AccuracyBounds, Cost, accuracy_bounds, accuracy_metric,
                            linear_range_test, range_test_cost, validation_recorder)
from .optimizers import get_optimizer

__all__ = [
    "lr_range_test", "RangeTest", "Suggestion", "Bounds", "clr_bounds",
    "suggestion_spread", "Spread", "sweep_rates", "smooth", "steepest_index",
    "valley_index", "fastai_valley_index", "minimum_index", "divergence_index", "MODES",
    "SUGGESTION_METHODS", "linear_range_test", "accuracy_bounds", "AccuracyBounds",
    "accuracy_metric", "range_test_cost", "Cost",
]

_SAME = object()

#: the sweeps :func:`lr_range_test` knows
MODES = ("exp", "linear")
#: the methods of :meth:`RangeTest.suggestion`
SUGGESTION_METHODS = ("steepest", "valley", "minimum")


# --- the pure building blocks ----------------------------------------------------------------

def _rate_range(min_lr, max_lr):
    min_lr = positive_number(min_lr, "min_lr")
    max_lr = positive_number(max_lr, "max_lr")
    if not min_lr < max_lr:
        raise ValueError(f"min_lr must be smaller than max_lr, got min_lr={min_lr!r} >= "
                         f"max_lr={max_lr!r}")
    return min_lr, max_lr


def _mode(mode) -> str:
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(map(repr, MODES))}, got {mode!r}")
    return mode


def _smoothing(beta, name: str = "smoothing") -> float:
    beta = positive_number(beta, name, allow_zero=True)
    if not beta < 1.0:
        raise ValueError(f"{name} must lie in [0, 1), got {beta!r}")
    return beta


def _factor(factor, name: str = "diverge_factor"):
    """``None`` or a finite number above 1."""
    return number(factor, name, lo=1.0, lo_open=True, allow_none=True)


def sweep_rates(min_lr: float = 1e-7, max_lr: float = 10.0, steps: int = 100,
                mode: str = "exp") -> np.ndarray:
    """The ``steps`` rates of a sweep from ``min_lr`` to ``max_lr`` (both included).

    ``"exp"``: ``min_lr * (max_lr / min_lr) ** (i / (steps - 1))``, a constant factor per
    step; ``"linear"``: ``min_lr + (max_lr - min_lr) * i / (steps - 1)``.
    """
    min_lr, max_lr = _rate_range(min_lr, max_lr)
    steps = count(steps, "steps", minimum=2)
    mode = _mode(mode)
    frac = np.arange(steps) / (steps - 1)
    if mode == "exp":
        rates = min_lr * (max_lr / min_lr) ** frac
    else:
        rates = min_lr + (max_lr - min_lr) * frac
    rates[0], rates[-1] = min_lr, max_lr   # exactly, whatever the rounding
    return rates


def smooth(losses, beta: float = 0.98, bias_correction: bool = True) -> np.ndarray:
    """The bias-corrected exponential moving average of ``losses``.

    ``avg_i = beta * avg_{i-1} + (1 - beta) * loss_i`` from ``avg_{-1} = 0``, divided by
    ``1 - beta ** (i + 1)``: without that correction the average starts near 0 (it has
    "seen" only zeros before the first loss) and takes about ``1 / (1 - beta)`` steps to
    catch up. With it, the first smoothed value equals the first loss. ``beta = 0``
    returns the losses themselves. ``bias_correction=False`` returns the raw average
    (to see why the correction is needed).
    """
    beta = _smoothing(beta, "beta")
    losses = array(losses, "losses", ndim=1, min_len=0, finite=False)
    bias_correction = flag(bias_correction, "bias_correction")
    out = np.empty_like(losses)
    avg = 0.0
    for i, loss in enumerate(losses):
        avg = beta * avg + (1.0 - beta) * loss
        out[i] = avg / (1.0 - beta ** (i + 1)) if bias_correction else avg
    return out


def divergence_index(smoothed, factor: Optional[float] = 4.0) -> Optional[int]:
    """The first index where ``smoothed`` exceeds ``factor`` times its minimum so far
    (while that minimum is positive), or ``None``: the range test's stopping rule."""
    factor = _factor(factor, "factor")
    smoothed = array(smoothed, "smoothed", ndim=1, min_len=0, finite=False)
    if factor is None:
        return None
    best = np.minimum.accumulate(smoothed)
    over = np.flatnonzero((best > 0) & (smoothed > factor * best))
    return int(over[0]) if len(over) else None


def _window(n: int, skip_start, skip_end):
    """The index range ``[lo, hi)`` the suggestions look at."""
    if n < 3:
        raise ValueError(f"the curve has {n} point(s); a suggestion needs at least 3 "
                         f"(the sweep stopped at once: lower min_lr)")
    s = max(1, n // 10) if skip_start is None else count(skip_start, "skip_start", minimum=0)
    e = max(1, n // 20) if skip_end is None else count(skip_end, "skip_end", minimum=0)
    if skip_start is None and skip_end is None:
        while n - s - e < 3 and (s or e):      # a short curve: skip less
            s, e = max(0, s - 1), max(0, e - 1)
    if n - s - e < 3:
        raise ValueError(f"skip_start={s} and skip_end={e} leave {n - s - e} of the {n} "
                         f"points; at least 3 are needed")
    return s, n - e


def steepest_index(lrs, smoothed, skip_start=None, skip_end=None,
                   descent_only: bool = True) -> int:
    """Index of the most negative slope of ``smoothed`` against ``log10(lrs)``, ignoring
    the first ``skip_start`` and last ``skip_end`` points (defaults: see the module).

    With ``descent_only`` (the default) only the descent of the curve is searched (see
    the module docstring); ``descent_only=False`` is the plain rule, which a wiggle of the
    flat start can fool.
    """
    lrs, smoothed = _curve(lrs, smoothed)
    descent_only = flag(descent_only, "descent_only")
    lo, hi = _window(len(lrs), skip_start, skip_end)
    if not descent_only:
        slope = np.gradient(smoothed, np.log10(lrs))
        return lo + int(np.argmin(slope[lo:hi]))
    start, bottom = _descent(smoothed, lo, hi)
    slope = np.gradient(smoothed, np.log10(lrs))
    return start + int(np.argmin(slope[start:bottom + 1]))


def _descent(smoothed: np.ndarray, lo: int, hi: int, fall: float = 0.1):
    """``(start, bottom)``: the descent of the smoothed curve between ``lo`` and ``hi``.

    ``bottom`` is the lowest point; ``top`` the highest point before it; ``start`` the first
    point after ``top`` where the curve has fallen by ``fall`` (10%) of the drop from
    ``top`` to ``bottom``. Wiggles of the flat start and of the climb at the end lie
    outside ``[start, bottom]``.
    """
    bottom = lo + int(np.argmin(smoothed[lo:hi]))
    top = lo + int(np.argmax(smoothed[lo:bottom + 1]))
    drop = smoothed[top] - smoothed[bottom]
    if drop <= 0:
        return bottom, bottom
    fallen = np.flatnonzero(smoothed[top:bottom + 1] <= smoothed[top] - fall * drop)
    return top + int(fallen[0]), bottom


def _longest_decreasing(values: np.ndarray) -> np.ndarray:
    """Indices of a longest strictly decreasing subsequence (patience sorting, O(n log n))."""
    n = len(values)
    tails: list = []          # tails[k]: index ending the best run of length k + 1
    prev = np.full(n, -1)
    neg = -values             # decreasing in values = increasing in -values
    for i in range(n):
        lo, hi = 0, len(tails)
        while lo < hi:        # first run whose tail is >= neg[i]
            mid = (lo + hi) // 2
            if neg[tails[mid]] < neg[i]:
                lo = mid + 1
            else:
                hi = mid
        if lo > 0:
            prev[i] = tails[lo - 1]
        if lo == len(tails):
            tails.append(i)
        else:
            tails[lo] = i
    out, i = [], tails[-1] if tails else -1
    while i >= 0:
        out.append(i)
        i = prev[i]
    return np.array(out[::-1], dtype=int)


def _fraction(fraction) -> float:
    frac = positive_number(fraction, "fraction", allow_zero=True)
    if frac > 1:
        raise ValueError(f"fraction must lie in [0, 1], got {fraction!r}")
    return frac


def valley_index(lrs, smoothed, skip_start=None, skip_end=None, fraction: float = 2 / 3) -> int:
    """The "valley" point: ``fraction`` (default two thirds) of the way along the longest
    descending run of ``smoothed`` (a longest decreasing subsequence of the points
    between the skipped ends), counted in steps from the run's first to its last point.

    Two thirds is what fastai's documentation describes; fastai's code
    (``max_start + int(L/3) + int(L/6)``, see :func:`fastai_valley_index`) lands about
    half of the run's ``L`` points back from its end: the middle (``fraction=0.5``) of a
    run without gaps, further along a run that skips up-ticks.
    ``fraction`` must lie in ``[0, 1]`` (``ValueError`` naming it otherwise)."""
    frac = _fraction(fraction)
    lrs, smoothed = _curve(lrs, smoothed)
    lo, hi = _window(len(lrs), skip_start, skip_end)
    run = _longest_decreasing(smoothed[lo:hi]) + lo
    start, end = int(run[0]), int(run[-1])
    return start + int(round(frac * (end - start)))


def fastai_valley_index(lrs, smoothed, skip_start=None, skip_end=None) -> int:
    """The index fastai's ``valley`` suggester picks, as its code computes it (for
    comparison with :func:`valley_index`; ``fastai/callback/schedule.py``).

    ``L`` is the length of the longest strictly decreasing subsequence of the window,
    ``max_end`` the first point where a subsequence of that length ends, ``max_start =
    max_end - L``, and the pick is ``max_start + int(L/3) + int(L/6)``: about half of
    ``L`` back from ``max_end``. For a run without gaps that is its middle; when the run
    skips points (up-ticks), it lies further along the run's span. (For a run of 1 or
    2 points that starts at the window's first point fastai's index is -1, which Python
    reads as the last point; here the pick is kept in the window.)"""
    lrs, smoothed = _curve(lrs, smoothed)
    lo, hi = _window(len(lrs), skip_start, skip_end)
    v = smoothed[lo:hi]
    lds = np.ones(len(v), dtype=int)      # longest decreasing run ending at each point
    for i in range(1, len(v)):
        before = lds[:i][v[:i] > v[i]]
        if len(before):
            lds[i] = before.max() + 1
    end = int(np.argmax(lds))             # the first point reaching the longest run
    length = int(lds[end])
    idx = end - length + int(length / 3) + int(length / 3 / 2)
    return lo + min(max(idx, 0), len(v) - 1)


def minimum_index(lrs, smoothed, skip_start=None, skip_end=None) -> int:
    """Index of the lowest smoothed loss between the skipped ends."""
    lrs, smoothed = _curve(lrs, smoothed)
    lo, hi = _window(len(lrs), skip_start, skip_end)
    return lo + int(np.argmin(smoothed[lo:hi]))


def _curve(lrs, smoothed):
    lrs = array(lrs, "lrs", min_len=0, finite=False)
    smoothed = array(smoothed, "smoothed", min_len=0, finite=False)
    if lrs.ndim != 1 or lrs.shape != smoothed.shape:
        raise ValueError(f"lrs and smoothed must be 1-D arrays of the same length, got shapes "
                         f"{lrs.shape} and {smoothed.shape}")
    if not (np.all(np.isfinite(lrs)) and np.all(lrs > 0) and np.all(np.isfinite(smoothed))):
        raise ValueError("lrs must be positive and finite and smoothed finite")
    if np.any(np.diff(lrs) <= 0):
        raise ValueError("lrs must increase from point to point")
    return lrs, smoothed


def _method(method) -> str:
    if method not in SUGGESTION_METHODS:
        raise ValueError(f"method must be one of {', '.join(map(repr, SUGGESTION_METHODS))}, "
                         f"got {method!r}")
    return method


# --- the result ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Suggestion:
    """A suggested rate: ``lr``, the ``index`` of the point it was read at, its smoothed
    ``loss`` there and the ``method``. ``float(s)`` is the rate."""

    lr: float
    index: int
    loss: float
    method: str

    def __post_init__(self):
        fields(self, lr=positive_number, index=lambda v, n: whole(v, n, minimum=0),
               loss=number, method=text)

    def __float__(self) -> float:
        return float(self.lr)


@dataclass(frozen=True)
class Bounds:
    """Bounds for a cyclical schedule read off a range test (see :func:`clr_bounds`)."""

    base_lr: float
    max_lr: float
    start_lr: float
    rule: str = ("max_lr: lowest point of the smoothed loss; base_lr: max(max_lr / 4, "
                 "the rate where the loss has fallen by 10% of its drop)")

    def __post_init__(self):
        fields(self, base_lr=positive_number, max_lr=positive_number,
               start_lr=positive_number, rule=text)
        if self.base_lr > self.max_lr:
            raise ValueError(f"base_lr must not exceed max_lr, got base_lr={self.base_lr!r} > "
                             f"max_lr={self.max_lr!r}")

    def __iter__(self):
        return iter((self.base_lr, self.max_lr))


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


# --- the test ----------------------------------------------------------------------------------

def _batch_source(batches, steps: int):
    """A function i -> batch, cycling through ``batches``."""
    from .data import Batches

    if isinstance(batches, (str, bytes, dict)):
        raise ValueError(f"batches must be a sequence of batches, got {batches!r:.60}")
    if isinstance(batches, Batches):
        stream = batches.stream()
        taken = list(itertools.islice(stream, steps))
    elif (isinstance(batches, tuple) and len(batches) == 2
          and all(isinstance(b, np.ndarray) for b in batches)):
        raise ValueError("batches must be a sequence of batches; got one (x, y) pair: "
                         "pass [(x, y)] to use it at every step")
    elif hasattr(batches, "__len__") and hasattr(batches, "__getitem__"):
        taken = batches
    elif isinstance(batches, Iterable):
        taken = list(itertools.islice(iter(batches), steps))
    else:
        raise ValueError(f"batches must be a sequence (or an iterable) of batches, got "
                         f"{type(batches).__name__}")
    if len(taken) == 0:
        raise ValueError("batches must hold at least one batch, got none")
    n = len(taken)
    return lambda i: taken[i % n]


class _SweepRecord:
    """What a range test records as it sweeps: each kept rate and loss, the bias-corrected
    smoothed loss, and the stop rule (inf/nan, or the smoothed loss above ``diverge_factor``
    times its minimum). Shared by :func:`lr_range_test` and lesson 10's
    ``frameworks.keras_range_test``, so both stop and smooth alike."""

    def __init__(self, beta: float, diverge_factor: Optional[float], steps: int):
        self.beta, self.diverge_factor = beta, diverge_factor
        self.lrs, self.losses, self.smoothed = [], [], []
        self.avg, self.best = 0.0, np.inf
        self.stopped, self.reason, self.stop_lr = False, f"finished all {steps} steps", None

    def add(self, i: int, rate: float, value: float) -> Optional[str]:
        """Record step ``i`` (rate ``rate``, loss ``value`` before its update). Returns
        ``"not finite"`` (not kept) or ``"passed"`` (kept) when the sweep must stop, else None."""
        if not np.isfinite(value):
            self.stopped, self.stop_lr = True, float(rate)
            self.reason = f"the loss became {value} at step {i} (lr = {rate:.3g})"
            return "not finite"
        k = len(self.losses)
        self.avg = self.beta * self.avg + (1.0 - self.beta) * value
        sm = self.avg / (1.0 - self.beta ** (k + 1))
        self.lrs.append(float(rate))
        self.losses.append(value)
        self.smoothed.append(sm)
        self.best = min(self.best, sm)
        if self.diverge_factor is not None and self.best > 0 and sm > self.diverge_factor * self.best:
            self.stopped, self.stop_lr = True, float(rate)
            self.reason = (f"the smoothed loss passed {self.diverge_factor:g} x its minimum at "
                           f"step {i} (lr = {rate:.3g})")
            return "passed"
        return None

    def result(self, rates, mode: str, optimizer: str) -> "RangeTest":
        return RangeTest(lrs=np.array(self.lrs), losses=np.array(self.losses),
                         smoothed=np.array(self.smoothed), planned_lrs=rates,
                         stopped_early=self.stopped, reason=self.reason, smoothing=self.beta,
                         mode=mode, diverge_factor=self.diverge_factor, optimizer=optimizer,
                         stop_lr=self.stop_lr)


def lr_range_test(loss_fn: Callable, params, batches, min_lr: float = 1e-7,
                  max_lr: float = 10.0, steps: int = 100, mode: str = "exp",
                  smoothing: float = 0.98, diverge_factor: Optional[float] = 4.0,
                  optimizer="sgd", grad_fn: Optional[Callable] = None, *,
                  val_batches: Optional[Sequence] = None, val_every: int = 1,
                  val_metric: Optional[Callable] = None) -> RangeTest:
    """Run the learning-rate range test and return a :class:`RangeTest`.

    Parameters
    ----------
    loss_fn : ``loss_fn(params, batch) -> scalar``, differentiable by autograd.
    params : the starting parameters (dict / list / array); never modified.
    batches : a sequence of batches ``loss_fn`` accepts, cycled as needed (or an
        iterable, of which the first ``steps`` batches are used, or a ``data.Batches``).
    min_lr, max_lr : the first and the last rate of the sweep (``0 < min_lr < max_lr``).
    steps : the number of updates (at least 2), one minibatch each.
    mode : ``"exp"`` (a constant factor per step) or ``"linear"`` (a constant increment).
    smoothing : ``beta`` of the bias-corrected moving average, in ``[0, 1)`` (0: none).
    diverge_factor : stop once the smoothed loss exceeds this times its minimum
        (> 1; ``None`` never stops for that reason). Non-finite losses always stop it.
    optimizer : ``"sgd"`` (default), ``"momentum"``, ``"nesterov"``, ``"adam"`` or an
        object from ``course_lib.optimizers``; a fresh state is used.
    grad_fn : optional ``grad_fn(params, batch) -> (loss, grads)`` replacing autograd.
    val_batches : optional sequence of held-out batches: at every ``val_every``-th recorded
        point (0, k, 2k, ...) the mean ``loss_fn`` over them (weighted by batch size) and
        ``val_metric(params, batch)`` (e.g. ``accuracy_metric()``) are evaluated on the
        parameters just before that step's update, into ``result.val_losses`` and
        ``result.val_metric`` (aligned with ``result.lrs``, ``nan`` elsewhere). Cost:
        ``len(val_batches)`` forward passes per evaluation (twice that with a metric),
        counted in ``result.val_passes`` (see ``lr_validation.range_test_cost``). Without
        ``val_batches`` nothing changes.
    """
    if not callable(loss_fn):
        raise ValueError(f"loss_fn must be a function (params, batch) -> loss, got {loss_fn!r}")
    min_lr, max_lr = _rate_range(min_lr, max_lr)
    steps = count(steps, "steps", minimum=2)
    mode = _mode(mode)
    beta = _smoothing(smoothing)
    diverge_factor = _factor(diverge_factor)
    tree(params, "params")
    opt = get_optimizer(optimizer)
    if grad_fn is not None and not callable(grad_fn):
        raise ValueError(f"grad_fn must be a function (params, batch) -> (loss, grads), "
                         f"got {grad_fn!r}")
    recorder = validation_recorder(loss_fn, val_batches, val_every, val_metric)
    batch_at = _batch_source(batches, steps)
    rates = sweep_rates(min_lr, max_lr, steps, mode)
    if grad_fn is None:  # training.loss_fn's objectives carry a fast exact one
        grad_fn = getattr(loss_fn, "value_and_grad", None) or value_and_grad(loss_fn)
    vg = grad_fn

    p = copy.deepcopy(params)             # the caller's params are never touched
    state = opt.init(p)
    record = _SweepRecord(beta, diverge_factor, steps)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        for i, rate in enumerate(rates):
            value, grads = vg(p, batch_at(i))
            stop = record.add(i, rate, float(value))
            if stop == "not finite":
                break
            if recorder is not None:
                recorder.record(len(record.losses) - 1, p)
            if stop:
                break
            p, state = opt.step(p, grads, state, rate)
    result = record.result(rates, mode, getattr(opt, "name", type(opt).__name__))
    if recorder is not None:
        result.val_losses, result.val_metric = recorder.arrays()
        result.val_every, result.val_passes = recorder.every, recorder.passes
        result.extra["val_evaluations"] = recorder.evaluations
    return result


# the spread of the suggestions over seeds lives in its own module (kept importable from here)
from .lr_spread import Spread, suggestion_spread  # noqa: E402
