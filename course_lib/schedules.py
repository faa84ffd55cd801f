"""Learning-rate schedules: functions of the 0-based update index ``t``.

Used by lesson 01 (time-based decay) and every lesson from 05 on.

Each factory returns a :class:`Schedule`, a callable ``s(t)``: ``t`` is the index of the
update (an ``int`` or an integer numpy array) and the result is the rate that update uses,
a ``float`` for an ``int`` and an array of the same shape for an array. Being vectorised, a
whole schedule is evaluated, plotted or tested at once: ``s(np.arange(1000))``.

Decays (this module): :func:`constant`, :func:`time_decay`, :func:`step_decay`,
:func:`exponential`, :func:`cosine`, :func:`linear`. Cyclic schedules (defined in
:mod:`course_lib.schedules_cyclic`, importable from here): :func:`cyclical`, :func:`sgdr`,
:func:`one_cycle`. Building blocks: :func:`sequence` and :func:`warmup` chain schedules,
:func:`plot_schedule` draws one.

Where PyTorch's ``torch.optim.lr_scheduler`` has the same schedule, the values agree with
it step for step (``tests/test_schedules.py`` checks them against stored reference values):
``s(t)`` is the rate PyTorch's optimizer holds after ``t`` calls of ``scheduler.step()``
(its ``last_epoch = t``), i.e. the rate used by update ``t``. The docstrings name the few
places where the course differs on purpose.
"""
from __future__ import annotations

import numbers

import numpy as np

from ._validate import count, positive_number

__all__ = [
    "Schedule", "as_schedule", "constant", "time_decay", "step_decay", "exponential", "cosine",
    "linear", "sequence", "warmup", "plot_schedule", "cyclical", "sgdr", "one_cycle",
    "CYCLICAL_MODES",
]


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


# --- argument checks shared with schedules_cyclic ------------------------------------------

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


# --- composition ------------------------------------------------------------------------------

class _Sequence(Schedule):
    name = "sequence"

    def __init__(self, parts):
        super().__init__(parts=[(s, n) for s, n in parts])
        self.parts = parts
        self.starts = np.cumsum([0] + [n for _, n in parts[:-1]])

    def _rate(self, t):
        out = np.empty(t.shape, dtype=float)
        ends = list(self.starts[1:]) + [None]
        for (schedule, _), start, end in zip(self.parts, self.starts, ends):
            mask = t >= start if end is None else (t >= start) & (t < end)
            if np.any(mask):
                out[mask] = schedule(t[mask] - start)
        return out


def sequence(parts) -> Schedule:
    """Run schedules one after another: ``parts`` is a list of ``(schedule, n_steps)``.

    Each schedule sees ``t`` counted from its own start (so a cosine placed after 100
    warm-up steps starts at its own ``t = 0``). The last part runs for ever: give it
    ``None`` as its length. Schedules may be any callable of the step, or a number.

    ``sequence([(linear(0.0, 0.1, 50), 50), (cosine(0.1, 450), None)])``
    """
    if isinstance(parts, (str, bytes)) or not hasattr(parts, "__iter__"):
        raise ValueError(f"parts must be a list of (schedule, n_steps) pairs, got {parts!r}")
    parts = list(parts)
    if not parts:
        raise ValueError("parts must hold at least one (schedule, n_steps) pair")
    checked = []
    for i, part in enumerate(parts):
        if not (isinstance(part, (tuple, list)) and len(part) == 2):
            raise ValueError(f"parts[{i}] must be a (schedule, n_steps) pair, got {part!r}")
        schedule, n = part
        last = i == len(parts) - 1
        if last and n is not None:
            raise ValueError(f"parts[{i}]: the last part runs for ever, give None as its "
                             f"length, got {n!r}")
        if not last:
            n = count(n, f"parts[{i}] n_steps")
        checked.append((as_schedule(schedule), n))
    return _Sequence(checked)


def warmup(schedule, steps: int, start_lr: float = 0.0) -> Schedule:
    """Linear warm-up from ``start_lr`` to ``schedule(0)`` over ``steps`` updates, then
    ``schedule`` with its own ``t`` starting at 0 (so ``warmup(s, 100)(100) == s(0)``)."""
    try:
        schedule = as_schedule(schedule)
    except ValueError as exc:
        raise ValueError(f"schedule must be a schedule or a number: {exc}") from None
    steps = count(steps, "steps")
    ramp = linear(start_lr, schedule(0), steps)
    return _Warmup(ramp, schedule, steps)


class _Warmup(_Sequence):
    name = "warmup"

    def __init__(self, ramp, schedule, steps):
        super().__init__([(ramp, steps), (schedule, None)])
        self.params = dict(schedule=schedule, steps=steps, start_lr=ramp.start_lr)


# --- plotting ---------------------------------------------------------------------------------

def plot_schedule(s, steps: int, ax=None, label=None, **kw):
    """Plot the rates ``s(0), ..., s(steps - 1)`` against the step; returns ``(ax, line)``."""
    try:
        schedule = as_schedule(s)
    except ValueError as exc:
        raise ValueError(f"s must be a schedule or a number: {exc}") from None
    steps = count(steps, "steps")
    if label is not None and not isinstance(label, str):
        raise ValueError(f"label must be a string or None, got {label!r}")
    if ax is not None and not hasattr(ax, "plot"):
        raise ValueError(f"ax must be matplotlib axes or None, got {ax!r}")
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(5, 3))
    t = np.arange(steps)
    (line,) = ax.plot(t, schedule(t), label=label, **kw)
    ax.set_xlabel("step t")
    ax.set_ylabel("learning rate")
    return ax, line


# The cyclic schedules live in their own module (and need Schedule from this one).
from .schedules_cyclic import CYCLICAL_MODES, cyclical, one_cycle, sgdr  # noqa: E402
