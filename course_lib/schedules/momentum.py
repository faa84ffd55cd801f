"""1cycle's cyclical momentum: :func:`one_cycle_momentum`, the mirror image of the rate.

Used by lesson 09 (the shoot-out's 1cycle recipe). It runs opposite to the rate, from
``max_momentum`` down to ``base_momentum`` while the rate warms up, and back up while it
anneals, as PyTorch's ``OneCycleLR(cycle_momentum=True)`` does. Also importable from
:mod:`course_lib.shootout`.
"""
from __future__ import annotations

from .._validate import positive_number
from .base import Schedule
from .cyclic import _OneCycle, one_cycle

__all__ = ["one_cycle_momentum"]


class _OneCycleMomentum(_OneCycle):
    """1cycle's momentum: the same phases and annealing as :func:`schedules.one_cycle`
    (inherited), run between ``max_momentum`` and ``base_momentum`` the other way round."""

    name = "one_cycle_momentum"

    def __init__(self, total_steps, base_momentum, max_momentum, pct_start, anneal, three_phase,
                 phases):
        Schedule.__init__(self, total_steps=total_steps, base_momentum=base_momentum,
                          max_momentum=max_momentum, pct_start=pct_start, anneal=anneal,
                          three_phase=three_phase)
        self.total_steps, self.anneal = total_steps, anneal
        self.max_momentum = max_momentum
        self.min_lr = max_momentum  # what _OneCycle holds after total_steps: here the top momentum
        lo, hi = base_momentum, max_momentum
        values = [(hi, lo), (lo, hi), (hi, hi)] if three_phase else [(hi, lo), (lo, hi)]
        self.phases = [(end, start, stop) for (end, _, _), (start, stop) in zip(phases, values)]


def one_cycle_momentum(total_steps: int, base_momentum: float = 0.85,
                       max_momentum: float = 0.95, pct_start: float = 0.3,
                       anneal: str = "cos", three_phase: bool = False) -> Schedule:
    """1cycle's cyclical momentum, the mirror image of :func:`schedules.one_cycle`'s rate.

    While the rate warms up (the first ``pct_start`` of ``total_steps``), the momentum
    anneals from ``max_momentum`` down to ``base_momentum``; while the rate anneals down,
    the momentum climbs back to ``max_momentum`` (with ``three_phase``: down, up, then held
    at ``max_momentum`` during the last phase). Same phase boundaries and the same cosine
    (or linear) annealing as the rate, so ``one_cycle_momentum(T)(t)`` is what PyTorch's
    ``OneCycleLR(total_steps=T, cycle_momentum=True)`` sets as SGD's momentum for update
    ``t``. Like the course's ``one_cycle``, it holds its final value after ``total_steps``
    (PyTorch raises an error). Smith (2018) motivates it: a large rate with a large
    momentum is unstable, so the momentum is lowered while the rate is high.

    Use it with ``training.fit(..., optimizer="momentum", lr=one_cycle(max_lr, T),
    momentum=one_cycle_momentum(T))``.
    """
    base_momentum = _momentum(base_momentum, "base_momentum")
    max_momentum = _momentum(max_momentum, "max_momentum")
    if base_momentum > max_momentum:
        raise ValueError(f"base_momentum must not exceed max_momentum ({max_momentum!r}), "
                         f"got {base_momentum!r}")
    # one_cycle checks total_steps, pct_start, anneal and three_phase and gives the phases
    rate = one_cycle(1.0, total_steps, pct_start=pct_start, anneal=anneal,
                     three_phase=three_phase)
    return _OneCycleMomentum(rate.total_steps, base_momentum, max_momentum, float(pct_start),
                             anneal, bool(three_phase), rate.phases)


def _momentum(value, name: str) -> float:
    value = positive_number(value, name, allow_zero=True)
    if not value < 1:
        raise ValueError(f"{name} must lie in [0, 1), got {value!r}")
    return value

