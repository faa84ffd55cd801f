"""The schedule base: :class:`Schedule`, the step-index check and shared argument checks.

Used by every schedule of :mod:`course_lib.schedules` (lessons 01 and 05 on); it imports
nothing else of the package, so :mod:`.decays`, :mod:`.cyclic` and :mod:`.momentum` build on
it and never the other way round.
"""
from __future__ import annotations

import numbers

import numpy as np

from .._validate import positive_number

__all__ = ["Schedule"]


def _steps(t) -> np.ndarray:
    """Validate step indices: non-negative integers (int or integer array)."""
    if isinstance(t, bool):
        raise ValueError(f"t must be a non-negative integer step index, got {t!r}")
    if isinstance(t, numbers.Integral):
        arr = np.asarray(int(t), dtype=np.int64)
    else:
        arr = np.asarray(t)
        if arr.dtype == bool or not np.issubdtype(arr.dtype, np.integer):
            raise ValueError(
                f"t must be a non-negative integer step index (int or integer array), "
                f"got dtype {arr.dtype}")
        arr = arr.astype(np.int64)
    if np.any(arr < 0):
        raise ValueError(f"t must be non-negative, got a minimum of {int(arr.min())}")
    return arr


class Schedule:
    """A learning-rate schedule: call it with a step index or an array of them.

    Subclasses implement ``_rate(t)`` for an int64 array ``t`` and set ``name`` and ``params``
    (shown by ``repr`` so a printed schedule says what it is).
    """

    name = "schedule"

    def __init__(self, **params):
        self.params = params

    def _rate(self, t: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def __call__(self, t):
        steps = _steps(t)
        rates = np.asarray(self._rate(steps), dtype=float)
        rates = np.broadcast_to(rates, steps.shape)
        if steps.ndim == 0:
            return float(rates)
        return np.array(rates)

    def __repr__(self) -> str:
        # long floats at 6 significant digits: a slider-snapped 0.3019951720402013 reads
        # 0.301995, while 0.2 and 0.0 stay as they are
        args = ", ".join(f"{k}={v:.6g}" if isinstance(v, float) and len(repr(v)) > 10
                         else f"{k}={v!r}" for k, v in self.params.items())
        return f"{self.name}({args})"


class _Callable(Schedule):
    """Wraps a user's own function of the step so it is validated like the others."""

    name = "schedule"

    def __init__(self, fn):
        super().__init__(fn=getattr(fn, "__name__", fn))
        self.fn = fn

    def __call__(self, t):
        steps = _steps(t)
        if steps.ndim == 0:
            rate = self.fn(int(steps))
        else:
            rate = np.array([self.fn(int(s)) for s in steps.ravel()], dtype=float).reshape(steps.shape)
        return rate if steps.ndim else float(rate)


# --- argument checks shared with the cyclic schedules ------------------------------------------

def _factor(value, name: str) -> float:
    """A multiplicative decay factor in (0, 1]."""
    value = positive_number(value, name)
    if value > 1.0:
        raise ValueError(f"{name} must lie in (0, 1] (a factor > 1 would grow the rate), "
                         f"got {value!r}")
    return value


def _floor_rate(min_lr, max_lr: float, name: str = "min_lr") -> float:
    """A lower rate in [0, max_lr]."""
    min_lr = positive_number(min_lr, name, allow_zero=True)
    if min_lr > max_lr:
        raise ValueError(f"{name} must not exceed max_lr ({max_lr!r}), got {min_lr!r}")
    return min_lr


