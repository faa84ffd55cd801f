"""Snapshot ensembles: keep the weights at the end of each warm-restart cycle, average
what they predict.

Used by lesson 08 (and lesson 09's shoot-out). Huang et al. (2017), "Snapshot Ensembles:
Train 1, get M for free", train one network with cosine cycles that restart
(Loshchilov & Hutter 2017, SGDR; :func:`course_lib.schedules.sgdr`), save the parameters
at the end of every cycle, where the rate is lowest, and average the *predicted class
probabilities* of the last ``M`` snapshots. The ensemble costs no extra training; it pays
off only when the snapshots are different enough to make different mistakes, which
:func:`pairwise_disagreement` measures.

* :class:`CycleEndSnapshots`: a :func:`course_lib.training.fit` callback that keeps the
  parameters after the last update of every cycle of a schedule;
  :func:`cycle_ends` lists those steps, :func:`sgdr_length` is the length of ``n`` cycles.
* :func:`predict_proba`, :func:`snapshot_proba`: class probabilities of one model, or of
  every snapshot (an array ``(M, n, classes)``).
* :func:`average_proba`, :func:`ensemble_proba`, :func:`ensemble_accuracy`: the average of
  the last ``M`` members and how often its most likely class is right.
* :func:`disagreement_rate`, :func:`pairwise_disagreement`, :func:`mean_disagreement`:
  on what fraction of the samples two members predict different classes.

Snapshots may be given as a list of parameter dicts or as the callback itself (anything
with a ``.params`` list, such as :class:`course_lib.training.Snapshots`).
"""
from __future__ import annotations

from typing import Optional

import numpy as np

from ._validate import array, count, function, tree
from .models import softmax
from .optimizers import tree_map
from .schedules import as_schedule
from .training import Snapshots, predict_fn

__all__ = [
    "CycleEndSnapshots", "cycle_ends", "sgdr_length",
    "predict_proba", "snapshot_proba", "average_proba", "ensemble_proba", "ensemble_accuracy",
    "member_accuracies", "disagreement_rate", "pairwise_disagreement", "mean_disagreement",
]


# --- where the cycles end ------------------------------------------------------------------

def _is_cycle_end(schedule, t: np.ndarray) -> np.ndarray:
    """For each step ``t``: is it the last update of a cycle (the next one restarts)?"""
    cycles = getattr(schedule, "cycles", None)
    if callable(cycles):                       # SGDR: exact integer bookkeeping
        _, t_cur_next, _ = cycles(t + 1)
        return np.asarray(t_cur_next) == 0
    # any other schedule: a local minimum of the rate that the next step rises from
    s = as_schedule(schedule)
    now, after = s(t), s(t + 1)
    before = s(np.maximum(t - 1, 0))      # at t = 0, before == now: a start, not an end
    return (after > now) & (now < before)


def cycle_ends(schedule, steps: int) -> np.ndarray:
    """The 0-based steps ``< steps`` after which a cycle of ``schedule`` ends.

    For :func:`~course_lib.schedules.sgdr` these are the steps whose next step restarts
    (``t_cur`` back to 0), by exact integer arithmetic: ``sgdr(.., t0=100)`` gives
    ``[99, 199, ...]``. For any other schedule (e.g. :func:`~course_lib.schedules.cyclical`)
    a cycle ends where the rate reaches a local minimum and rises again.
    """
    function(schedule, "schedule")
    steps = count(steps, "steps", minimum=0)
    t = np.arange(steps, dtype=np.int64)
    if steps == 0:
        return t
    return t[_is_cycle_end(schedule, t)]


def sgdr_length(t0: int, t_mult: int, n_cycles: int) -> int:
    """The number of updates in the first ``n_cycles`` cycles of SGDR:
    ``t0 * (1 + t_mult + ... + t_mult**(n_cycles - 1))``.

    A budget of exactly this many steps ends on a cycle boundary, at the lowest rate.
    """
    t0, t_mult = count(t0, "t0"), count(t_mult, "t_mult")
    n_cycles = count(n_cycles, "n_cycles", minimum=0)
    return int(sum(t0 * t_mult ** k for k in range(n_cycles)))


class CycleEndSnapshots(Snapshots):
    """A :func:`~course_lib.training.fit` callback: keep a copy of the parameters after the
    last update of every cycle of ``schedule`` (the one passed to ``fit`` as ``lr``).

    ``snapshots.params`` is the list of copies, ``snapshots.when`` holds ``("step", t)``
    for each, and ``snapshots.losses`` the minibatch loss of that last update. The total
    number of steps need not be known in advance: every step is asked whether the next one
    restarts. A budget that stops mid-cycle keeps no snapshot of the unfinished cycle.
    """

    def __init__(self, schedule):
        if not callable(schedule):
            raise ValueError(f"schedule must be a schedule (a function of the step), got {schedule!r}")
        self.schedule = schedule
        self.every = None
        self.at_steps = set()
        self.params: list = []
        self.when: list = []
        self.losses: list = []

    def on_train_begin(self, params, history):
        self.params, self.when, self.losses = [], [], []

    def on_step_end(self, step, params, history):
        if bool(_is_cycle_end(self.schedule, np.array([step], dtype=np.int64))[0]):
            self.params.append(tree_map(np.copy, params))
            self.when.append(("step", int(step)))
            self.losses.append(float(history.losses[-1]) if history.losses else float("nan"))

    @property
    def steps(self) -> list:
        """The steps after which the snapshots were taken."""
        return [t for _, t in self.when]

    def __len__(self) -> int:
        return len(self.params)

    def __repr__(self) -> str:
        return f"CycleEndSnapshots({self.schedule!r}: {len(self.params)} snapshots at steps {self.steps})"


# --- predictions of the members --------------------------------------------------------------

def _members(snapshots) -> list:
    members = getattr(snapshots, "params", snapshots)
    if isinstance(members, dict):
        raise ValueError("snapshots must be a list of parameter dicts (or a Snapshots callback), "
                         "got a single parameter dict; wrap it in a list")
    if isinstance(members, (str, bytes)) or not hasattr(members, "__iter__"):
        raise ValueError(f"snapshots must be a list of parameter dicts (or a Snapshots "
                         f"callback), got {snapshots!r:.60}")
    members = list(members)
    for i, member in enumerate(members):
        tree(member, f"snapshots[{i}]")
    if not members:
        raise ValueError("snapshots must hold at least one set of parameters (no cycle has "
                         "ended yet?)")
    return members


def _last(n: int, last: Optional[int]) -> int:
    if last is None:
        return n
    last = count(last, "last")
    if last > n:
        raise ValueError(f"last must be at most the number of snapshots ({n}), got {last}")
    return last


def predict_proba(params, x, model="mlp") -> np.ndarray:
    """Class probabilities ``softmax(model(params, x))``, shape ``(n, classes)``."""
    tree(params, "params", finite=True)
    x = array(x, "x", ndim=2)
    return np.asarray(softmax(predict_fn(model)(params, x)))


def snapshot_proba(snapshots, x, model="mlp") -> np.ndarray:
    """The probabilities of every snapshot, stacked: shape ``(M, n, classes)``, oldest first."""
    return np.stack([predict_proba(p, x, model) for p in _members(snapshots)])


def average_proba(probs, last: Optional[int] = None) -> np.ndarray:
    """The mean of the last ``last`` members' probabilities (all of them by default).

    ``probs`` has shape ``(M, n, classes)`` (as from :func:`snapshot_proba`); the result
    ``(n, classes)`` is again a probability distribution per sample.
    """
    probs = array(probs, "probs")
    if np.any(probs < 0) or np.any(probs > 1):
        raise ValueError("probs must hold probabilities (between 0 and 1)")
    if probs.ndim != 3:
        raise ValueError(f"probs must have shape (members, samples, classes), got {probs.shape}")
    if probs.shape[0] == 0:
        raise ValueError("probs must hold at least one member")
    m = _last(probs.shape[0], last)
    return probs[-m:].mean(axis=0)


def ensemble_proba(snapshots, x, last: Optional[int] = None, model="mlp") -> np.ndarray:
    """The snapshot ensemble's probabilities: the average over the last ``last`` snapshots."""
    members = _members(snapshots)
    m = _last(len(members), last)
    return average_proba(snapshot_proba(members[-m:], x, model))


def _labels(y, n) -> np.ndarray:
    y = array(y, "y")
    if np.any(y != np.round(y)) or np.any(y < 0):
        raise ValueError("y must hold class labels 0, 1, 2, ... (or one-hot rows)")
    if y.ndim == 2:
        if not (np.all((y == 0) | (y == 1)) and np.all(y.sum(axis=-1) == 1)):
            raise ValueError("y given as rows must be one-hot (a single 1 per row)")
        y = y.argmax(axis=-1)
    if y.shape != (n,):
        raise ValueError(f"y must hold one label per sample of x ({n}), got shape {y.shape}")
    return y


def ensemble_accuracy(snapshots, x, y, last: Optional[int] = None, model="mlp") -> float:
    """The fraction of samples whose most likely class under the ensemble of the last
    ``last`` snapshots is the true one."""
    probs = ensemble_proba(snapshots, x, last, model)
    return float(np.mean(probs.argmax(axis=-1) == _labels(y, len(probs))))


def member_accuracies(snapshots, x, y, model="mlp") -> np.ndarray:
    """The accuracy of every snapshot on its own, oldest first."""
    probs = snapshot_proba(snapshots, x, model)
    labels = _labels(y, probs.shape[1])
    return np.mean(probs.argmax(axis=-1) == labels, axis=-1)


# --- how different the members are -----------------------------------------------------------

def _classes(pred, name: str) -> np.ndarray:
    pred = array(pred, name)
    if pred.ndim > 2:
        raise ValueError(f"{name} must be labels (n,) or scores (n, classes), got shape {pred.shape}")
    return pred.argmax(axis=-1) if pred.ndim >= 2 else pred


def disagreement_rate(pred_a, pred_b) -> float:
    """The fraction of samples on which two models predict different classes.

    Each argument is either predicted labels ``(n,)`` or scores (probabilities or logits)
    ``(n, classes)``, whose largest entry is the predicted class.
    """
    a, b = _classes(pred_a, "pred_a"), _classes(pred_b, "pred_b")
    if a.shape != b.shape or a.ndim != 1:
        raise ValueError(f"pred_a and pred_b must describe the same samples, got shapes "
                         f"{np.shape(pred_a)} and {np.shape(pred_b)}")
    if a.size == 0:
        raise ValueError("pred_a must hold at least one sample")
    return float(np.mean(a != b))


def pairwise_disagreement(snapshots, x, model="mlp") -> np.ndarray:
    """The ``(M, M)`` matrix of :func:`disagreement_rate` between every pair of snapshots
    on ``x`` (zero on the diagonal, symmetric)."""
    labels = snapshot_proba(snapshots, x, model).argmax(axis=-1)       # (M, n)
    return np.mean(labels[:, None, :] != labels[None, :, :], axis=-1)


def mean_disagreement(matrix) -> float:
    """The mean of a disagreement matrix over distinct pairs (the off-diagonal entries)."""
    matrix = array(matrix, "matrix")
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
        raise ValueError(f"matrix must be square, got shape {matrix.shape}")
    m = matrix.shape[0]
    if m < 2:
        raise ValueError("matrix must compare at least two members")
    return float(matrix[~np.eye(m, dtype=bool)].mean())
