"""Decays: constant, time-based, step, exponential, cosine and linear schedules.

Used by lesson 01 (time-based decay) and lessons 05 on. :func:`as_schedule` turns a number
into :func:`constant` (how optimizers take "a number or a schedule").
"""
from __future__ import annotations

import numpy as np

from .._validate import count, positive_number
from .base import Schedule, _Callable, _factor, _floor_rate

__all__ = ["as_schedule", "constant", "time_decay", "step_decay", "exponential", "cosine",
           "linear"]


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



# --- decays ---------------------------------------------------------------------------------

class _StepDecay(Schedule):
    name = "step_decay"

    def __init__(self, lr0, factor, every):
        super().__init__(lr0=lr0, factor=factor, every=every)
        self.lr0, self.factor, self.every = lr0, factor, every

    def _rate(self, t):
        return self.lr0 * self.factor ** (t // self.every)


class _Exponential(Schedule):
    name = "exponential"

    def __init__(self, lr0, gamma):
        super().__init__(lr0=lr0, gamma=gamma)
        self.lr0, self.gamma = lr0, gamma

    def _rate(self, t):
        return self.lr0 * self.gamma ** t


class _Cosine(Schedule):
    name = "cosine"

    def __init__(self, max_lr, period, min_lr):
        super().__init__(max_lr=max_lr, period=period, min_lr=min_lr)
        self.max_lr, self.period, self.min_lr = max_lr, period, min_lr

    def _rate(self, t):
        tc = np.minimum(t, self.period)
        return self.min_lr + (self.max_lr - self.min_lr) * (1 + np.cos(np.pi * tc / self.period)) / 2


class _Linear(Schedule):
    name = "linear"

    def __init__(self, start_lr, end_lr, steps):
        super().__init__(start_lr=start_lr, end_lr=end_lr, steps=steps)
        self.start_lr, self.end_lr, self.steps = start_lr, end_lr, steps

    def _rate(self, t):
        frac = np.minimum(t, self.steps) / self.steps
        return self.start_lr + (self.end_lr - self.start_lr) * frac


def step_decay(lr0: float, factor: float, every: int) -> Schedule:
    """Step decay: ``lr_t = lr0 * factor ** (t // every)``, the rate drops by ``factor``
    every ``every`` updates (PyTorch's ``StepLR(step_size=every, gamma=factor)``).

    ``factor`` lies in (0, 1]; ``every`` is a whole number of updates. *Differs on
    purpose*: PyTorch accepts any ``gamma`` (even one that grows the rate); the course
    refuses a factor above 1, as this is a decay. PyTorch multiplies the rate step by step,
    the course evaluates the closed form; they agree to rounding.
    """
    return _StepDecay(positive_number(lr0, "lr0"), _factor(factor, "factor"),
                      count(every, "every"))


def exponential(lr0: float, gamma: float) -> Schedule:
    """Exponential decay: ``lr_t = lr0 * gamma ** t`` (PyTorch's ``ExponentialLR``), a step
    decay with ``every = 1``. ``gamma`` lies in (0, 1] (PyTorch accepts any; the course
    refuses growth). Closed form here, a running product in PyTorch: equal to rounding."""
    return _Exponential(positive_number(lr0, "lr0"), _factor(gamma, "gamma"))


def cosine(max_lr: float, period: int, min_lr: float = 0.0) -> Schedule:
    """Cosine annealing over one half-wave, then flat:

    ``lr_t = min_lr + (max_lr - min_lr) * (1 + cos(pi * t / period)) / 2`` for ``t <= period``,
    and ``lr_t = min_lr`` for ``t > period``.

    Equal to PyTorch's ``CosineAnnealingLR(T_max=period, eta_min=min_lr)`` for
    ``t <= period``. *Differs on purpose* after that: PyTorch's curve is periodic and climbs
    back to ``max_lr`` over the next ``period`` steps; ours holds ``min_lr`` (use
    :func:`sgdr` for restarts).
    """
    max_lr = positive_number(max_lr, "max_lr")
    return _Cosine(max_lr, count(period, "period"), _floor_rate(min_lr, max_lr))


def linear(start_lr: float, end_lr: float, steps: int) -> Schedule:
    """A straight line from ``start_lr`` (at ``t = 0``) to ``end_lr`` (at ``t = steps``),
    then flat at ``end_lr``: ``lr_t = start_lr + (end_lr - start_lr) * min(t, steps) / steps``.
    Used for warm-up (:func:`warmup`) and linear decay."""
    return _Linear(positive_number(start_lr, "start_lr", allow_zero=True),
                   positive_number(end_lr, "end_lr", allow_zero=True), count(steps, "steps"))


