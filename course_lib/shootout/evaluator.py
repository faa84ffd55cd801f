"""The shoot-out's runs and statistics: :class:`Run` (one schedule, one seed), the evaluation
callback that records validation accuracy and loss, and :func:`spread` (mean, standard
deviation, min, max over the seeds).

Used by lesson 09 through :func:`course_lib.shootout.shootout`.
"""
from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field
from typing import List, Optional

import numpy as np

from .. import training
from .. import _divergence
from .._validate import array, fields, number, text, whole

__all__ = ["spread", "Run"]


# --- statistics -------------------------------------------------------------------------------

def spread(values) -> dict:
    """Mean, standard deviation, min and max of some numbers, as a dict of floats.

    The standard deviation is the sample one (``ddof=1``, the usual estimate from a few
    runs); a single value has no spread, and its ``std`` is reported as 0. Non-finite values
    (nan: a diverged run, a target not reached) are left out; with none left, every entry
    is nan. ``n`` says how many values were used.
    """
    arr = array(values, "values", min_len=0, finite=False).ravel()
    arr = arr[np.isfinite(arr)]
    if arr.size == 0:
        return {"n": 0, "mean": math.nan, "std": math.nan, "min": math.nan, "max": math.nan}
    with np.errstate(over="ignore", invalid="ignore"):
        std = float(np.std(arr, ddof=1)) if arr.size > 1 else 0.0
    return {"n": int(arr.size), "mean": float(np.mean(arr)), "std": std,
            "min": float(np.min(arr)), "max": float(np.max(arr))}


# --- the runs -----------------------------------------------------------------------------------

@dataclass
class Run:
    """One schedule with one seed: the validation curve at ``eval_steps`` (nan after a
    divergence), the final values (nan if it diverged), when it reached the target (``None``
    if never) and the full :class:`training.History`."""

    name: str
    seed: int
    eval_steps: np.ndarray
    val_acc: np.ndarray
    val_loss: np.ndarray
    final_acc: float
    final_loss: float
    steps_to_target: Optional[int]
    diverged_at: Optional[int]
    history: training.History = field(repr=False)

    def __post_init__(self):
        n = len(array(self.eval_steps, "eval_steps", ndim=1))
        for name in ("val_acc", "val_loss"):
            if len(array(getattr(self, name), name, ndim=1, finite=False)) != n:
                raise ValueError(f"{name} must have one value per entry of eval_steps ({n})")
        fields(self, name=text, seed=lambda v, k: whole(v, k, minimum=0),
               final_acc=lambda v, k: number(v, k, lo=0.0, hi=1.0, allow_nan=True),
               final_loss=lambda v, k: number(v, k, lo=0.0, allow_nan=True),
               steps_to_target=lambda v, k: whole(v, k, minimum=0, allow_none=True),
               diverged_at=lambda v, k: whole(v, k, minimum=0, allow_none=True))
        if not isinstance(self.history, training.History):
            raise ValueError(f"history must be a training.History, got {self.history!r:.60}")

    @property
    def diverged(self) -> bool:
        return self.diverged_at is not None


class _Evaluator(training.Callback):
    """Measure the validation set before training and after every ``every`` updates (and
    after the last), and stop ``fit`` after ``steps`` updates."""

    def __init__(self, predict, lossf, x_val, y_val, steps: int, every: int):
        self.predict, self.lossf = predict, lossf
        self.x_val, self.y_val = x_val, y_val
        self.steps, self.every = steps, every
        self.when: List[int] = []
        self.acc: List[float] = []
        self.loss: List[float] = []

    def _measure(self, done: int, params) -> None:
        res = training.evaluate(params, self.predict, self.x_val, self.y_val, self.lossf)
        self.when.append(done)
        self.loss.append(res["loss"])
        self.acc.append(res.get("accuracy", math.nan))

    def on_train_begin(self, params, history):
        self._measure(0, params)

    def on_step_end(self, step, params, history):
        done = step + 1
        if done % self.every == 0 or done == self.steps:
            self._measure(done, params)
        if done >= self.steps:
            history.stop_training = True


def eval_schedule(steps: int, every: int) -> np.ndarray:
    """The update counts at which the shoot-out measures: 0, every, 2 every, ..., steps."""
    points = list(range(0, steps + 1, every))
    if points[-1] != steps:
        points.append(steps)
    return np.array(points)


def _ended_diverged(loss, acc, guess) -> bool:
    """The course's rule on a run's validation curve: the final loss is inf/nan, or it
    ended above a million times its start (:mod:`course_lib._divergence`) while the
    accuracy (classification) is no better than twice what guessing the most frequent
    class scores. A classifier whose loss exploded on a few confidently wrong answers but
    that still gets most answers right (lesson 09's runs at ten times a good rate) has
    not diverged."""
    if not _divergence.is_finite(loss[-1]):
        return True
    if not _divergence.diverged(loss[-1], loss[0], _divergence.FLAG_FACTOR):
        return False
    return guess is None or not (acc[-1] > 2.0 * guess)


def _make_run(name, seed, ev: _Evaluator, history, steps, every, target, guess=None) -> Run:
    eval_steps = eval_schedule(steps, every)
    acc = np.full(len(eval_steps), np.nan)
    loss = np.full(len(eval_steps), np.nan)
    index = {s: i for i, s in enumerate(eval_steps)}
    for when, a, l in zip(ev.when, ev.acc, ev.loss):
        acc[index[when]] = a
        loss[index[when]] = l
    diverged = history.diverged_at
    if diverged is None and _ended_diverged(loss, acc, guess):
        diverged = int(eval_steps[-1])
    final_acc = math.nan if diverged is not None else float(acc[-1])
    final_loss = math.nan if diverged is not None else float(loss[-1])
    reached = None
    if target is not None:
        hits = np.flatnonzero(acc >= target)          # nan compares False
        reached = int(eval_steps[hits[0]]) if hits.size else None
    return Run(name, seed, eval_steps, acc, loss, final_acc, final_loss, reached, diverged,
               history)


