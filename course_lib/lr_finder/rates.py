"""The rates of a range-test sweep: :func:`sweep_rates` (exponential or linear, both ends
included) and the checks of ``min_lr``, ``max_lr`` and ``mode``.

Used by lesson 06 (and by lesson 10's Keras range test, which sweeps the same rates).
"""
from __future__ import annotations

import numpy as np

from .._validate import count, positive_number

#: the sweeps :func:`lr_range_test` knows
MODES = ("exp", "linear")


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
