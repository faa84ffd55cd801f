"""Composition and plotting: :func:`sequence`, :func:`warmup` and :func:`plot_schedule`.

Used by lessons 05 to 09 (warm-up before a decay, schedules drawn side by side).
"""
from __future__ import annotations

import numpy as np

from .._validate import count
from .base import Schedule
from .decays import as_schedule, linear

__all__ = ["sequence", "warmup", "plot_schedule"]


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


