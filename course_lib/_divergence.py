"""The course's one rule for calling a run *diverged*, and how large numbers are printed.

Used by ``optim.gradient_descent``, ``optimizers.minimize``, ``training.fit``,
``shootout.shootout`` and the explorers' status lines, so every tool says the same thing.

The rule (:func:`diverged`): a run has diverged when its loss (or its parameters) became
inf/nan, or, with a ``factor``, when the loss rose above ``factor`` times its start. A
stopping rule with a factor is opt-in in ``fit`` (lesson 09's bold runs pass through
losses above 1e17 times their start and still end well), so by default ``fit`` only
*flags* such a run: :func:`blew_up` names the worst loss in the History's message
("the loss rose to 1.2e+17, above 1e+06 times its start ..."), without stopping it or
changing what it computes.
"""
from __future__ import annotations

import math
from typing import Optional, Sequence

import numpy as np

#: the multiple of the starting loss above which a finished run is flagged as blown up
FLAG_FACTOR = 1e6


def fmt(x) -> str:
    """A number in at most four significant digits (``.4g``): never a wall of digits;
    inf and nan said in words."""
    try:
        x = float(x)
    except (TypeError, ValueError):
        return str(x)
    if math.isnan(x):
        return "nan (not a number)"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return f"{x:.4g}"


def is_finite(value) -> bool:
    """True when ``value`` (a number or an array) holds no inf or nan."""
    with np.errstate(all="ignore"):
        return bool(np.all(np.isfinite(value)))


def diverged(loss: float, start: Optional[float], factor: Optional[float] = None) -> bool:
    """The course's divergence rule for one loss: inf/nan, or (with ``factor``) more than
    ``factor`` times the starting loss ``start`` (when that is above 0)."""
    if not is_finite(loss):
        return True
    return (factor is not None and start is not None and start > 0
            and float(loss) > factor * start)


def blew_up(losses: Sequence[float], factor: float = FLAG_FACTOR) -> Optional[str]:
    """A sentence when finite ``losses`` rose above ``factor`` times the first one
    (``None`` otherwise): the flag a finished run carries in its message."""
    with np.errstate(all="ignore"):
        values = np.asarray(losses, dtype=float)
        if values.size < 2 or not np.isfinite(values[0]) or values[0] <= 0:
            return None
        worst = int(np.nanargmax(values)) if np.any(np.isfinite(values)) else 0
        if not values[worst] > factor * values[0]:
            return None
    return (f"the loss rose to {fmt(values[worst])} at step {worst}, more than {factor:g} times "
            f"its start {fmt(values[0])}: the rate is too high for this run to be trusted")


def ended_high(losses: Sequence[float], factor: float = FLAG_FACTOR):
    """``(step, sentence)`` when finite ``losses`` *end* above ``factor`` times the first
    one (the run blew up and did not come back), else ``None``. ``step`` is the first
    entry above that factor. Runs that pass through huge losses and recover (lesson 09's
    bold rates) are not flagged."""
    with np.errstate(all="ignore"):
        values = np.asarray(losses, dtype=float)
        if values.size < 2 or not np.all(np.isfinite(values)) or not values[0] > 0:
            return None
        limit = factor * values[0]
        if not values[-1] > limit:
            return None
        first = int(np.flatnonzero(values > limit)[0])
    return first, (f"the loss ended at {fmt(values[-1])}, more than {factor:g} times its "
                   f"start {fmt(values[0])} (first above that factor at step {first})")


def loss_text(x) -> str:
    """A loss for a summary line: ``.4f`` as before for ordinary values (below 1e4), and
    ``.4g`` for huge ones, so a blown-up run never prints a wall of digits."""
    try:
        x = float(x)
    except (TypeError, ValueError):
        return str(x)
    if math.isfinite(x) and abs(x) < 1e4:
        return f"{x:.4f}"
    return fmt(x)
