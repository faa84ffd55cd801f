"""Learning-rate schedules: functions of the 0-based update index ``t``.

Used by lesson 01 (time-based decay) and every lesson from 05 on.

Each factory returns a :class:`Schedule`, a callable ``s(t)``: ``t`` is the index of the
update (an ``int`` or an integer numpy array) and the result is the rate that update uses,
a ``float`` for an ``int`` and an array of the same shape for an array. Being vectorised, a
whole schedule is evaluated, plotted or tested at once: ``s(np.arange(1000))``.

A package, all names importable from here: :mod:`.base` (:class:`Schedule` and the
argument checks), :mod:`.decays` (:func:`constant`, :func:`time_decay`, :func:`step_decay`,
:func:`exponential`, :func:`cosine`, :func:`linear`, :func:`as_schedule`), :mod:`.cyclic`
(:func:`cyclical`, :func:`sgdr`, :func:`one_cycle`), :mod:`.compose` (:func:`sequence` and
:func:`warmup` chain schedules, :func:`plot_schedule` draws one) and :mod:`.momentum`
(1cycle's :func:`one_cycle_momentum`). Each imports only :mod:`.base` and the modules
before it, never this package.

Where PyTorch's ``torch.optim.lr_scheduler`` has the same schedule, the values agree with
it step for step (``tests/test_schedules.py`` checks them against stored reference values):
``s(t)`` is the rate PyTorch's optimizer holds after ``t`` calls of ``scheduler.step()``
(its ``last_epoch = t``), i.e. the rate used by update ``t``. The docstrings name the few
places where the course differs on purpose.
"""
from __future__ import annotations

from .base import Schedule, _Callable, _factor, _floor_rate, _steps
from .compose import _Sequence, _Warmup, plot_schedule, sequence, warmup
from .cyclic import (CYCLICAL_MODES, _Cyclical, _OneCycle, _SGDR, _one_cycle_phases, cyclical,
                     one_cycle, sgdr)
from .decays import (_Constant, _Cosine, _Exponential, _Linear, _StepDecay, _TimeDecay,
                     as_schedule, constant, cosine, exponential, linear, step_decay, time_decay)
from .momentum import _OneCycleMomentum, one_cycle_momentum

__all__ = [
    "Schedule", "as_schedule", "constant", "time_decay", "step_decay", "exponential", "cosine",
    "linear", "sequence", "warmup", "plot_schedule", "cyclical", "sgdr", "one_cycle",
    "CYCLICAL_MODES",
]
