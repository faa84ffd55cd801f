"""The momentum of every update when ``fit`` is given ``momentum=`` (a number or a schedule
of the step, checked to lie in ``[0, 1)``, for the momentum optimizers).

Used by lessons 07 and 09 (cyclical momentum, as in 1cycle), through ``fit`` and
``course_lib.shootout``.
"""
from __future__ import annotations

import numbers

import numpy as np

from ..optimizers import Momentum
from ..schedules import as_schedule


def _momentum_values(momentum, opt, steps: int) -> np.ndarray:
    """The momentum of each of ``steps`` updates, checked: a number or a schedule, in [0, 1)."""
    if not isinstance(opt, Momentum):
        raise ValueError(f"momentum: a momentum schedule needs the 'momentum' or 'nesterov' "
                         f"optimizer, got {getattr(opt, 'name', opt)!r}")
    if callable(momentum):
        betas = np.asarray(as_schedule(momentum)(np.arange(steps)), dtype=float)
    elif isinstance(momentum, (bool, np.bool_)) or not isinstance(momentum, numbers.Real):
        raise ValueError(f"momentum must be a number in [0, 1) or a schedule of the step, "
                         f"got {momentum!r}")
    else:
        betas = np.full(steps, float(momentum))
    bad = ~np.isfinite(betas) | (betas < 0) | (betas >= 1)
    if np.any(bad):
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(f"momentum: got {float(betas[i])!r} at step {i}; the momentum must lie in [0, 1)")
    return betas
