"""The sweep of a range test, step by step: :class:`_SweepRecord` (each kept rate and loss,
the bias-corrected smoothed loss, the stop rule and the reason the sweep ended) and the source
of the batches (cycled as needed).

Used by lesson 06's :func:`course_lib.lr_finder.lr_range_test` and by lesson 10's
``frameworks.keras_range_test``, so both stop and smooth alike.
"""
from __future__ import annotations

import itertools
from typing import Iterable, Optional

import numpy as np

from .result import RangeTest


def _batch_source(batches, steps: int):
    """A function i -> batch, cycling through ``batches``."""
    from ..data import Batches

    if isinstance(batches, (str, bytes, dict)):
        raise ValueError(f"batches must be a sequence of batches, got {batches!r:.60}")
    if isinstance(batches, Batches):
        stream = batches.stream()
        taken = list(itertools.islice(stream, steps))
    elif (isinstance(batches, tuple) and len(batches) == 2
          and all(isinstance(b, np.ndarray) for b in batches)):
        raise ValueError("batches must be a sequence of batches; got one (x, y) pair: "
                         "pass [(x, y)] to use it at every step")
    elif hasattr(batches, "__len__") and hasattr(batches, "__getitem__"):
        taken = batches
    elif isinstance(batches, Iterable):
        taken = list(itertools.islice(iter(batches), steps))
    else:
        raise ValueError(f"batches must be a sequence (or an iterable) of batches, got "
                         f"{type(batches).__name__}")
    if len(taken) == 0:
        raise ValueError("batches must hold at least one batch, got none")
    n = len(taken)
    return lambda i: taken[i % n]


class _SweepRecord:
    """What a range test records as it sweeps: each kept rate and loss, the bias-corrected
    smoothed loss, and the stop rule (inf/nan, or the smoothed loss above ``diverge_factor``
    times its minimum). Shared by :func:`lr_range_test` and lesson 10's
    ``frameworks.keras_range_test``, so both stop and smooth alike."""

    def __init__(self, beta: float, diverge_factor: Optional[float], steps: int):
        self.beta, self.diverge_factor = beta, diverge_factor
        self.lrs, self.losses, self.smoothed = [], [], []
        self.avg, self.best = 0.0, np.inf
        self.stopped, self.reason, self.stop_lr = False, f"finished all {steps} steps", None

    def add(self, i: int, rate: float, value: float) -> Optional[str]:
        """Record step ``i`` (rate ``rate``, loss ``value`` before its update). Returns
        ``"not finite"`` (not kept) or ``"passed"`` (kept) when the sweep must stop, else None."""
        if not np.isfinite(value):
            self.stopped, self.stop_lr = True, float(rate)
            self.reason = f"the loss became {value} at step {i} (lr = {rate:.3g})"
            return "not finite"
        k = len(self.losses)
        self.avg = self.beta * self.avg + (1.0 - self.beta) * value
        sm = self.avg / (1.0 - self.beta ** (k + 1))
        self.lrs.append(float(rate))
        self.losses.append(value)
        self.smoothed.append(sm)
        self.best = min(self.best, sm)
        if self.diverge_factor is not None and self.best > 0 and sm > self.diverge_factor * self.best:
            self.stopped, self.stop_lr = True, float(rate)
            self.reason = (f"the smoothed loss passed {self.diverge_factor:g} x its minimum at "
                           f"step {i} (lr = {rate:.3g})")
            return "passed"
        return None

    def result(self, rates, mode: str, optimizer: str) -> "RangeTest":
        return RangeTest(lrs=np.array(self.lrs), losses=np.array(self.losses),
                         smoothed=np.array(self.smoothed), planned_lrs=rates,
                         stopped_early=self.stopped, reason=self.reason, smoothing=self.beta,
                         mode=mode, diverge_factor=self.diverge_factor, optimizer=optimizer,
                         stop_lr=self.stop_lr)
