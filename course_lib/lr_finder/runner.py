"""The range test itself: :func:`lr_range_test` (check the arguments, sweep the rate one
minibatch per step on a copy of the parameters, optionally watch held-out batches, return a
:class:`~course_lib.lr_finder.RangeTest`).

Used by lesson 06, and lessons 07 to 09 for the bounds of cyclical rates.
"""
from __future__ import annotations

import copy
from typing import Callable, Optional, Sequence

import numpy as np
from autograd import value_and_grad

from .._validate import count, tree
from .validation import validation_recorder
from ..optimizers import get_optimizer
from .rates import _mode, _rate_range, sweep_rates
from .result import RangeTest
from .smoothing import _factor, _smoothing
from .sweep import _SweepRecord, _batch_source


def lr_range_test(loss_fn: Callable, params, batches, min_lr: float = 1e-7,
                  max_lr: float = 10.0, steps: int = 100, mode: str = "exp",
                  smoothing: float = 0.98, diverge_factor: Optional[float] = 4.0,
                  optimizer="sgd", grad_fn: Optional[Callable] = None, *,
                  val_batches: Optional[Sequence] = None, val_every: int = 1,
                  val_metric: Optional[Callable] = None) -> RangeTest:
    """Run the learning-rate range test and return a :class:`RangeTest`.

    Parameters
    ----------
    loss_fn : ``loss_fn(params, batch) -> scalar``, differentiable by autograd.
    params : the starting parameters (dict / list / array); never modified.
    batches : a sequence of batches ``loss_fn`` accepts, cycled as needed (or an
        iterable, of which the first ``steps`` batches are used, or a ``data.Batches``).
    min_lr, max_lr : the first and the last rate of the sweep (``0 < min_lr < max_lr``).
    steps : the number of updates (at least 2), one minibatch each.
    mode : ``"exp"`` (a constant factor per step) or ``"linear"`` (a constant increment).
    smoothing : ``beta`` of the bias-corrected moving average, in ``[0, 1)`` (0: none).
    diverge_factor : stop once the smoothed loss exceeds this times its minimum
        (> 1; ``None`` never stops for that reason). Non-finite losses always stop it.
    optimizer : ``"sgd"`` (default), ``"momentum"``, ``"nesterov"``, ``"adam"`` or an
        object from ``course_lib.optimizers``; a fresh state is used.
    grad_fn : optional ``grad_fn(params, batch) -> (loss, grads)`` replacing autograd.
    val_batches : optional sequence of held-out batches: at every ``val_every``-th recorded
        point (0, k, 2k, ...) the mean ``loss_fn`` over them (weighted by batch size) and
        ``val_metric(params, batch)`` (e.g. ``accuracy_metric()``) are evaluated on the
        parameters just before that step's update, into ``result.val_losses`` and
        ``result.val_metric`` (aligned with ``result.lrs``, ``nan`` elsewhere). Cost:
        ``len(val_batches)`` forward passes per evaluation (twice that with a metric),
        counted in ``result.val_passes`` (see ``validation.range_test_cost``). Without
        ``val_batches`` nothing changes.
    """
    if not callable(loss_fn):
        raise ValueError(f"loss_fn must be a function (params, batch) -> loss, got {loss_fn!r}")
    min_lr, max_lr = _rate_range(min_lr, max_lr)
    steps = count(steps, "steps", minimum=2)
    mode = _mode(mode)
    beta = _smoothing(smoothing)
    diverge_factor = _factor(diverge_factor)
    tree(params, "params")
    opt = get_optimizer(optimizer)
    if grad_fn is not None and not callable(grad_fn):
        raise ValueError(f"grad_fn must be a function (params, batch) -> (loss, grads), "
                         f"got {grad_fn!r}")
    recorder = validation_recorder(loss_fn, val_batches, val_every, val_metric)
    batch_at = _batch_source(batches, steps)
    rates = sweep_rates(min_lr, max_lr, steps, mode)
    if grad_fn is None:  # training.loss_fn's objectives carry a fast exact one
        grad_fn = getattr(loss_fn, "value_and_grad", None) or value_and_grad(loss_fn)
    vg = grad_fn

    p = copy.deepcopy(params)             # the caller's params are never touched
    state = opt.init(p)
    record = _SweepRecord(beta, diverge_factor, steps)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        for i, rate in enumerate(rates):
            value, grads = vg(p, batch_at(i))
            stop = record.add(i, rate, float(value))
            if stop == "not finite":
                break
            if recorder is not None:
                recorder.record(len(record.losses) - 1, p)
            if stop:
                break
            p, state = opt.step(p, grads, state, rate)
    result = record.result(rates, mode, getattr(opt, "name", type(opt).__name__))
    if recorder is not None:
        result.val_losses, result.val_metric = recorder.arrays()
        result.val_every, result.val_passes = recorder.every, recorder.passes
        result.extra["val_evaluations"] = recorder.evaluations
    return result


def linear_range_test(loss_fn: Callable, params, batches: Sequence, val_batches: Sequence,
                      val_metric: Optional[Callable] = None, min_lr: float = 1e-3,
                      max_lr: float = 1.0, epochs: int = 4, evals_per_epoch: int = 5,
                      **kwargs):
    """Smith's range test: a **linear** sweep from ``min_lr`` to ``max_lr`` over ``epochs``
    full passes through ``batches`` (one update per batch), with the validation loss (and
    ``val_metric``, e.g. :func:`accuracy_metric`) evaluated about ``evals_per_epoch`` times
    per epoch (every ``len(batches) // evals_per_epoch`` steps). No early stop by default
    (``diverge_factor=None``: Smith reads the whole curve; a non-finite loss still ends it).
    ``kwargs`` go to ``lr_range_test``. Returns its :class:`~course_lib.lr_finder.RangeTest`."""
    epochs = count(epochs, "epochs")
    evals_per_epoch = count(evals_per_epoch, "evals_per_epoch")
    if not hasattr(batches, "__len__") or len(batches) == 0:
        raise ValueError("batches must be a non-empty sequence of batches (one epoch)")
    per_epoch = len(batches)
    if evals_per_epoch > per_epoch:
        raise ValueError(f"evals_per_epoch must be at most the {per_epoch} batches of an epoch, "
                         f"got {evals_per_epoch}")
    kwargs.setdefault("diverge_factor", None)
    return lr_range_test(loss_fn, params, batches, min_lr=min_lr, max_lr=max_lr,
                         steps=epochs * per_epoch, mode="linear", val_batches=val_batches,
                         val_every=per_epoch // evals_per_epoch, val_metric=val_metric, **kwargs)
