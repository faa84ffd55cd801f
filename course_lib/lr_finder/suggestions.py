"""The rules that read a rate off a range-test curve: :func:`steepest_index`,
:func:`valley_index`, :func:`fastai_valley_index` (fastai's own valley rule, for comparison),
:func:`minimum_index`, the window they look at (``skip_start`` / ``skip_end``), the descent of
the curve, and the :class:`Suggestion` record they produce.

Used by lesson 06 (which compares the rules) and, through ``RangeTest.suggestion``, by
lessons 07 to 09.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validate import array, count, fields, flag, number, positive_number, text, whole

#: the methods of :meth:`RangeTest.suggestion`
SUGGESTION_METHODS = ("steepest", "valley", "minimum")


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
        _method(self.method)

    def __float__(self) -> float:
        return float(self.lr)
