"""The range test and snapshot ensembles for a Keras model (lesson 10).

Import these from :mod:`course_lib.frameworks` (both take Keras on JAX from
:mod:`course_lib.keras_setup`).

* :func:`keras_range_test`: the course's range test (the sweep, the smoothing and the stop
  rule of :func:`course_lib.lr_finder.lr_range_test`) on a compiled Keras model, one
  ``train_on_batch`` per step; the result is a :class:`course_lib.lr_finder.RangeTest`, so
  ``.plot()``, ``.suggestion()`` and ``lr_finder.clr_bounds()`` read it unchanged. The
  model's weights and its optimizer's state are put back afterwards, also when the sweep
  is interrupted by an exception.
* :class:`KerasCycleSnapshots`: a Keras callback that keeps the weights after the last
  update of every cycle of a course schedule (the steps of
  :func:`course_lib.ensembles.cycle_ends`).
* :func:`keras_snapshot_proba`: the snapshot ensemble's prediction, the average of the
  members' softmax probabilities.
"""
from __future__ import annotations

import numbers
from typing import Optional

import numpy as np

from . import lr_finder
from ._validate import array, count, flag, same_length
from .data import Batches
from .ensembles import _is_cycle_end
from .keras_setup import keras
from .models import softmax

__all__ = ["keras_range_test", "KerasCycleSnapshots", "keras_snapshot_proba"]


def _compiled(model, name: str = "model"):
    if not isinstance(model, keras.Model):
        raise ValueError(f"{name} must be a Keras model, got {type(model).__name__}")
    if getattr(model, "optimizer", None) is None or not getattr(model, "compiled", True):
        raise ValueError(f"{name} must be compiled (model.compile(optimizer, loss)) first")
    if not model.built:
        raise ValueError(f"{name} must be built: give it a keras.Input or call it on data once")
    return model


def _state(model) -> tuple:
    """Copies of every variable of the model and of its optimizer."""
    return ([np.array(v.value) for v in model.variables],
            [np.array(v.value) for v in model.optimizer.variables])


def _restore(model, state) -> None:
    weights, opt_values = state
    for v, value in zip(model.variables, weights):
        v.assign(value)
    for v, value in zip(model.optimizer.variables, opt_values):
        v.assign(value)


def _inputs(model, x, name: str) -> np.ndarray:
    """``x`` as a finite float32 array of samples with the model's input shape."""
    arr = array(x, name, min_ndim=2)
    want = tuple(model.inputs[0].shape[1:]) if getattr(model, "inputs", None) else None
    if want is not None and tuple(arr.shape[1:]) != want:
        raise ValueError(f"{name} must hold samples of shape {want} (the model's input), "
                         f"got shape {arr.shape}")
    return arr.astype("float32")


def keras_range_test(model, x, y, *, min_lr: float = 1e-7, max_lr: float = 10.0,
                     steps: int = 100, batch_size: int = 32, mode: str = "exp",
                     smoothing: float = 0.98, diverge_factor: Optional[float] = 4.0,
                     seed: int = 0) -> lr_finder.RangeTest:
    """Sweep the rate of ``model``'s optimizer from ``min_lr`` to ``max_lr`` in ``steps``
    updates, one minibatch of ``batch_size`` each, and record the loss.

    ``model`` is a built, compiled Keras model whose optimizer has a plain number as its
    learning rate (not a schedule). The minibatches come from
    ``data.Batches(x, y, batch_size, seed=seed, drop_last=True)``. As in
    :func:`course_lib.lr_finder.lr_range_test`: update ``i`` uses
    ``lr_finder.sweep_rates(min_lr, max_lr, steps, mode)[i]``, the loss recorded for it is
    that minibatch's loss before the update, smoothed by the bias-corrected moving average,
    and the sweep stops once the smoothed loss passes ``diverge_factor`` times its minimum
    (that point kept) or the loss is not finite (not kept).

    Afterwards (in a ``finally``, so also after an exception or an interrupt) every variable
    of the model and of its optimizer (its step counter, its rate, its momenta) holds again
    the value it had before.
    """
    model = _compiled(model)
    x, y = _inputs(model, x, "x"), array(y, "y")   # labels, or one-hot rows
    same_length(x, y, "x", "y")
    opt = model.optimizer
    if isinstance(opt._learning_rate, keras.optimizers.schedules.LearningRateSchedule):
        raise ValueError("model: its optimizer follows a schedule; compile it with a number "
                         "as learning_rate for the range test")
    rates = lr_finder.sweep_rates(min_lr, max_lr, steps, mode)
    beta = lr_finder._smoothing(smoothing)
    if diverge_factor is not None:
        if isinstance(diverge_factor, bool) or not isinstance(diverge_factor, numbers.Real) \
                or not diverge_factor > 1:
            raise ValueError(f"diverge_factor must be a number > 1 (or None), "
                             f"got {diverge_factor!r}")
        diverge_factor = float(diverge_factor)
    batch_size = count(batch_size, "batch_size")
    stream = Batches(x, y, batch_size, seed=seed, drop_last=True).stream()
    if not opt.built:
        opt.build(model.trainable_variables)
    saved = _state(model)
    record = lr_finder._SweepRecord(beta, diverge_factor, len(rates))
    try:
        for i, rate in enumerate(rates):
            xb, yb = next(stream)
            opt.learning_rate = float(rate)
            logs = model.train_on_batch(xb, yb, return_dict=True)
            if record.add(i, rate, float(logs["loss"])):
                break
    finally:
        _restore(model, saved)
    return record.result(rates, mode, f"keras {type(opt).__name__}")


class KerasCycleSnapshots(keras.callbacks.Callback):
    """Keep the model's weights after the last update of every cycle of ``schedule``.

    ``schedule`` is the course schedule the optimizer follows (through
    :func:`~course_lib.frameworks.to_keras`). The update counter starts at the optimizer's
    ``iterations`` when training begins (so a second ``fit`` goes on counting) and grows by
    one per batch (``steps_per_execution=1``, Keras' default). ``snapshots.weights`` is the
    list of weight lists (``model.get_weights()``), ``snapshots.steps`` the steps they were
    taken after.
    """

    def __init__(self, schedule):
        super().__init__()
        if not callable(schedule):
            raise ValueError(f"schedule must be a schedule (a function of the step), "
                             f"got {schedule!r}")
        self.schedule = schedule
        self.weights: list = []
        self.steps: list = []
        self._next = 0

    def on_train_begin(self, logs=None):
        self._next = int(np.asarray(self.model.optimizer.iterations.value))

    def on_train_batch_end(self, batch, logs=None):
        t = self._next
        self._next += 1
        if bool(_is_cycle_end(self.schedule, np.array([t], dtype=np.int64))[0]):
            self.weights.append([np.array(w) for w in self.model.get_weights()])
            self.steps.append(t)

    def __len__(self) -> int:
        return len(self.weights)

    def __repr__(self) -> str:
        return f"KerasCycleSnapshots({self.schedule!r}: {len(self)} snapshots at steps {self.steps})"


def keras_snapshot_proba(model, snapshots, x, *, last: Optional[int] = None,
                         logits: bool = True) -> np.ndarray:
    """The snapshot ensemble's class probabilities for ``x``: the mean over the last
    ``last`` members (default: all) of each member's softmax probabilities.

    ``snapshots`` is a :class:`KerasCycleSnapshots` or a list of weight lists for ``model``;
    ``logits=True`` when the model outputs logits (softmax is applied), ``False`` when it
    already outputs probabilities. The model's own weights are put back afterwards.
    """
    if not isinstance(model, keras.Model):
        raise ValueError(f"model must be a Keras model, got {type(model).__name__}")
    logits = flag(logits, "logits")
    x = _inputs(model, x, "x")
    members = getattr(snapshots, "weights", snapshots)
    n_weights = len(model.get_weights())
    if not isinstance(members, (list, tuple)) or not all(
            isinstance(m, (list, tuple)) and len(m) == n_weights for m in members):
        raise ValueError(f"snapshots must be a KerasCycleSnapshots or a list of weight lists "
                         f"(model.get_weights(), {n_weights} arrays each), got {snapshots!r:.60}")
    members = list(members)
    if not members:
        raise ValueError("snapshots must hold at least one set of weights (no cycle has "
                         "ended yet?)")
    n = len(members) if last is None else count(last, "last")
    if n > len(members):
        raise ValueError(f"last must be at most the {len(members)} snapshots, got {last!r}")
    own = model.get_weights()
    probs = []
    try:
        for weights in members[-n:]:
            model.set_weights(weights)
            out = np.asarray(model.predict(x, verbose=0), dtype=float)
            probs.append(softmax(out) if logits else out)
    finally:
        model.set_weights(own)
    return np.mean(probs, axis=0)
