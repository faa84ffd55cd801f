"""The smoothing of a range test's losses and its stop rule: :func:`smooth` (the
bias-corrected exponential moving average), :func:`divergence_index` (where the smoothed loss
passes ``factor`` times its minimum) and the checks of ``smoothing`` and ``diverge_factor``.

Used by lesson 06 (its smoothing and lag exercises) and by the sweep of
:func:`course_lib.lr_finder.lr_range_test`.
"""
from __future__ import annotations

from typing import Optional

import numpy as np

from .._validate import array, flag, number, positive_number


def _smoothing(beta, name: str = "smoothing") -> float:
    beta = positive_number(beta, name, allow_zero=True)
    if not beta < 1.0:
        raise ValueError(f"{name} must lie in [0, 1), got {beta!r}")
    return beta


def _factor(factor, name: str = "diverge_factor"):
    """``None`` or a finite number above 1."""
    return number(factor, name, lo=1.0, lo_open=True, allow_none=True)


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
