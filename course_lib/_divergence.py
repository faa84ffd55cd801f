"""The course's one rule for calling a run *diverged*, and how large numbers are printed.

Used by ``optim.gradient_descent``, ``optimizers.minimize``, ``training.fit``,
``shootout.shootout`` and, through their results, the explorers' status lines, so every
tool says the same thing.

The rule: a run has diverged when its loss (or its parameters) became inf/nan — that
stops it at once — or when it *finished* with a finite loss above :data:`FLAG_FACTOR`
(a million) times its start (:func:`ended_high`). The second case is flagged, not stopped:
what the run computed is kept, the result says in words that it diverged and counts as
diverged (``Path.blew_up_at`` / ``History.blew_up_at`` name the first step above the
factor). A run that passes through huge losses and comes back is not flagged (lesson 09's
bold rates reach 1e17 times their start and recover). ``fit(diverge_factor=F)`` is the
opt-in rule that *stops* at the first loss above ``F`` times the first one.

For a classifier the shoot-out adds one condition: a run whose loss ended blown up but
whose accuracy is still more than twice what guessing scores has not diverged (its loss
is dominated by a few confidently wrong answers; lesson 09's runs at ten times a good
rate keep more than 90% right).

The explorers show one short deterministic run each, so they judge it by the same rule with
a smaller multiple: :func:`trace_verdict` says a trace *diverged* when it became inf/nan
or ended above :data:`EXPLORER_FACTOR` (ten) times its start, in one sentence the status
line shows (lessons 01, 03 and 04's explorers).

Numbers: :func:`fmt` prints at most four significant digits (``.4g``), :func:`loss_text`
keeps the usual four decimals for ordinary losses and switches to ``.4g`` above 1e4, so a
blown-up run never prints a wall of digits.
"""
from __future__ import annotations

import math
from typing import Callable, Optional, Sequence

import numpy as np

#: the multiple of the starting loss above which a finished run is flagged as blown up
FLAG_FACTOR = 1e6
#: the multiple of its start above which an explorer's (short, deterministic) run is shown
#: as diverged: growth by ten on a picture the student is looking at is not noise
EXPLORER_FACTOR = 10.0


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


def trace_verdict(losses, factor: float = EXPLORER_FACTOR, steps: str = "steps",
                  number: Callable[[float], str] = fmt) -> Optional[str]:
    """How a finished loss trace diverged, in one sentence, or ``None`` when it did not.

    The rule of :func:`diverged` applied to a whole trace: a value that is inf/nan, or a
    last value above ``factor`` times the first (when that is above 0). ``steps`` names the
    unit of the trace's index in the sentence ("steps", "updates"); ``number`` prints the
    losses (the explorers pass their own short form, ``1e12`` rather than ``1e+12``)."""
    with np.errstate(all="ignore"):
        values = np.asarray(losses, dtype=float).ravel()
        if values.size == 0:
            return None
        bad = np.flatnonzero(~np.isfinite(values))
        if bad.size:
            return (f"the loss became {number(values[bad[0]])} at {steps.rstrip('s')} "
                    f"{bad[0]}: the learning rate is too large")
        if values.size < 2 or not values[0] > 0 or not values[-1] > factor * values[0]:
            return None
    return (f"the loss grew from {number(values[0])} to {number(values[-1])} in {values.size - 1} "
            f"{steps}, more than {factor:g} times its start: the learning rate is too large")
