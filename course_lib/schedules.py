"""Learning-rate schedules: functions of the 0-based update index ``t``.

Used by lesson 01 (time-based decay) and every lesson from 05 on.

Each factory returns a :class:`Schedule`, a callable ``s(t)``: ``t`` is the index of the
update (an ``int`` or an integer numpy array) and the result is the rate that update uses,
a ``float`` for an ``int`` and an array of the same shape for an array. Being vectorised, a
whole schedule is evaluated, plotted or tested at once: ``s(np.arange(1000))``.
"""
from __future__ import annotations

import numbers

import numpy as np

from ._validate import positive_number

__all__ = ["Schedule", "as_schedule", "constant", "time_decay"]


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
        args = ", ".join(f"{k}={v!r}" for k, v in self.params.items())
        return f"{self.name}({args})"


class _Constant(Schedule):
    name = "constant"

    def __init__(self, lr):
        super().__init__(lr=lr)
        self.lr = lr

    def _rate(self, t):
        return np.full(t.shape, self.lr)


class _TimeDecay(Schedule):
    name = "time_decay"

    def __init__(self, lr0, decay):
        super().__init__(lr0=lr0, decay=decay)
        self.lr0, self.decay = lr0, decay

    def _rate(self, t):
        return self.lr0 / (1.0 + self.decay * t)


def constant(lr: float) -> Schedule:
    """The same rate ``lr`` at every step."""
    return _Constant(positive_number(lr, "lr"))


def time_decay(lr0: float, decay: float) -> Schedule:
    """Time-based decay ``lr_t = lr0 / (1 + decay * t)`` (lesson 01; Keras' InverseTimeDecay
    with ``decay_steps=1``). ``decay = 0`` gives a constant rate."""
    return _TimeDecay(positive_number(lr0, "lr0"), positive_number(decay, "decay", allow_zero=True))


def as_schedule(lr) -> Schedule:
    """Turn a number into :func:`constant`; pass a :class:`Schedule` or any callable through.

    This is how optimizers accept "a number or a schedule" for their ``lr`` argument.
    """
    if isinstance(lr, Schedule):
        return lr
    if callable(lr):
        return _Callable(lr)
    return constant(lr)


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
