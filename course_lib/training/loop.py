"""The training loop: :func:`fit` (check the arguments, then epochs of minibatch updates,
the stop at divergence, callbacks, and the measurements after each epoch into a
:class:`~course_lib.training.History`).

Used by lesson 04 onwards.
"""
from __future__ import annotations

import copy
from typing import Callable, Optional, Sequence

import numpy as np
from autograd import value_and_grad

from .. import data as _data
from .. import backprop, models
from .. import _divergence
from .._validate import count, flag, function, positive_number, seed_value, tree, whole
from ..optimizers import get_optimizer, tree_all_finite
from ..schedules import as_schedule
from .evaluation import _samples, evaluate
from .history import History, _epoch_line
from .momentum import _momentum_values
from .objectives import _is_classification, predict_fn


def fit(params, model, x, y, *, loss="mse", optimizer="sgd", lr=0.01, epochs: int = 1,
        batch_size: int = 32, validation_data=None, seed=0, shuffle: bool = True,
        drop_last: bool = False, callbacks: Sequence = (), grad_fn: Optional[Callable] = None,
        eval_train: bool = True, verbose: int = 1, momentum=None,
        diverge_factor: Optional[float] = None) -> History:
    """Train ``model`` from ``params`` on ``(x, y)`` and return a :class:`History`.

    Parameters
    ----------
    params : the starting parameters (a dict / list of arrays); never modified (copied on
        entry, so a ``grad_fn`` or callback that edits them in place cannot reach the caller's).
    model : ``"linear"``, ``"mlp"`` or a function ``model(params, x) -> predictions``.
    loss : ``"mae"``, ``"mse"``, ``"cross_entropy"`` or a function ``loss(pred, y) -> number``.
    optimizer : ``"sgd"``, ``"momentum"``, ``"nesterov"``, ``"adam"`` or an optimizer object.
    lr : a number, a ``course_lib.schedules`` schedule, or any function of the 0-based step.
    epochs, batch_size : passes over the data and samples per update (``batch_size >= len(x)``
        is full-batch gradient descent, 1 is "stochastic" in the strict sense).
    validation_data : ``(x_val, y_val)``, evaluated after every epoch.
    seed, shuffle, drop_last : how minibatches are drawn (see :func:`course_lib.data.minibatches`).
    callbacks : objects with ``on_step_end`` / ``on_epoch_end`` / ... (see :class:`Callback`).
    grad_fn : optional ``grad_fn(params, x_batch, y_batch) -> (loss, grads)`` replacing
        autograd (e.g. an analytic gradient, for speed).
    eval_train : measure the training loss / accuracy on the whole set after each epoch
        (otherwise the epoch's mean minibatch loss is recorded, as Keras does).
    verbose : 0 silent, 1 one line if the run diverges, 2 also one line per epoch.
    momentum : ``None`` (default: the optimizer's own ``beta``), or a number or a schedule
        of the 0-based step giving the momentum ``beta`` of every update, in ``[0, 1)``, for
        the ``"momentum"`` / ``"nesterov"`` optimizers (e.g. 1cycle's cyclical momentum,
        ``course_lib.shootout.one_cycle_momentum``). Recorded in ``history.momentums``.
    diverge_factor : ``None`` (default): the run stops as diverged only when the loss or the
        parameters become inf/nan. A number ``F > 1``: it also stops at the first step whose
        minibatch loss is more than ``F`` times the first minibatch loss (when that is above
        0), e.g. ``F = 1000`` (lesson 04); the message gives the loss, the factor and the rate.
    """
    predict, lossf = predict_fn(model), models.get_loss(loss)
    tree(params, "params")
    x, y = _samples(x, y)
    opt = get_optimizer(optimizer)
    if not callable(lr):
        from ..schedules import constant
        constant(lr)                              # a number: the same check, naming lr
    schedule = as_schedule(lr)
    epochs = count(epochs, "epochs", minimum=0)
    batch_size = count(batch_size, "batch_size")
    seed_value(seed)
    shuffle, drop_last = flag(shuffle, "shuffle"), flag(drop_last, "drop_last")
    eval_train = flag(eval_train, "eval_train")
    verbose = whole(verbose, "verbose", minimum=0)
    function(grad_fn, "grad_fn", allow_none=True)
    if validation_data is not None:
        if isinstance(validation_data, (str, bytes)) or not hasattr(validation_data, "__len__") \
                or len(validation_data) != 2:
            raise ValueError("validation_data must be a pair (x_val, y_val)")
        try:
            x_val, y_val = _samples(*validation_data)
        except ValueError as exc:
            raise ValueError(f"validation_data: {exc}") from None
    if isinstance(callbacks, (str, bytes)) or not hasattr(callbacks, "__iter__"):
        raise ValueError(f"callbacks must be a list of callback objects, got {callbacks!r}")
    callbacks = list(callbacks)
    params = copy.deepcopy(params)   # the caller's params stay untouched, whatever grad_fn
    for cb in callbacks:
        if not any(hasattr(cb, h) for h in ("on_step_end", "on_epoch_end", "on_train_begin",
                                            "on_train_end")):
            raise ValueError(f"callbacks: {cb!r} has none of on_step_end / on_epoch_end / "
                             f"on_train_begin / on_train_end")
    if grad_fn is None:
        def objective(p, xb, yb):
            return lossf(predict(p, xb), yb)      # forward pass, then the loss
        # loss and gradient in one call: autograd, or for the course's MLP under cross-entropy
        # the same numbers from backpropagation written by hand (course_lib.backprop)
        grad_fn = backprop.value_and_grad_for(predict, lossf, value_and_grad(objective))
    rng = _data.rng_from(seed)
    classify = _is_classification(lossf)

    def call(hook, *args):
        for cb in callbacks:
            method = getattr(cb, hook, None)
            if method is not None:
                method(*args)

    history = History(params=params)
    n_batches = len(x) // batch_size if drop_last else -(-len(x) // batch_size)
    history.steps_per_epoch = n_batches
    if n_batches == 0:
        raise ValueError(f"batch_size={batch_size} with drop_last=True leaves no batch of "
                         f"the {len(x)} samples")
    rates = np.asarray(schedule(np.arange(epochs * n_batches)), dtype=float)
    if rates.size and (not np.all(np.isfinite(rates)) or np.any(rates < 0)):
        bad = int(np.flatnonzero(~np.isfinite(rates) | (rates < 0))[0])
        raise ValueError(f"lr: the schedule gave {rates[bad]!r} at step {bad}; "
                         f"rates must be finite and >= 0")
    betas = None if momentum is None else _momentum_values(momentum, opt, epochs * n_batches)
    if diverge_factor is not None:
        diverge_factor = positive_number(diverge_factor, "diverge_factor")
        if diverge_factor <= 1:
            raise ValueError(f"diverge_factor must be above 1 (or None), got {diverge_factor!r}")
    first_loss = None
    state = opt.init(params)
    step = 0
    call("on_train_begin", params, history)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        for epoch in range(epochs):
            batch_losses = []
            for xb, yb in _data.minibatches(x, y, batch_size, seed=rng, shuffle=shuffle,
                                            drop_last=drop_last):
                rate = rates[step]
                value, grads = grad_fn(params, xb, yb)
                value = float(value)
                if betas is None:
                    new_params, state = opt.step(params, grads, state, rate)
                else:
                    new_params, state = opt.step(params, grads, state, rate, beta=betas[step])
                if first_loss is None:
                    first_loss = value
                exploded = (diverge_factor is not None and np.isfinite(value) and first_loss > 0
                            and value > diverge_factor * first_loss)
                if exploded:
                    history.diverged_at = step
                    history.message = (f"diverged at step {step} (epoch {epoch + 1}): the loss "
                                       f"{value:.3g} is more than {diverge_factor:g} times the "
                                       f"first loss {first_loss:.3g}, with learning rate "
                                       f"{rate:.4g}; try a smaller learning rate")
                    break
                if not np.isfinite(value) or not tree_all_finite(new_params):
                    what = "the loss" if not np.isfinite(value) else "the parameters"
                    history.diverged_at = step
                    history.message = (f"diverged at step {step} (epoch {epoch + 1}): {what} "
                                       f"became inf/nan with learning rate {rate:.4g}; "
                                       f"try a smaller learning rate")
                    break
                params = new_params
                history.lrs.append(float(rate))
                if betas is not None:
                    history.momentums.append(float(betas[step]))
                history.losses.append(value)
                batch_losses.append((value, len(xb)))
                call("on_step_end", step, params, history)
                step += 1
                if history.stop_training:
                    break
            if history.diverged_at is not None:
                break
            # end of the epoch: measure on the whole training and validation sets
            history.epochs.append(epoch + 1)
            if eval_train:
                res = evaluate(params, predict, x, y, lossf)
            else:
                vals, sizes = np.array(batch_losses).T if batch_losses else ([np.nan], [1])
                res = {"loss": float(np.average(vals, weights=sizes))}
            history.train_loss.append(res["loss"])
            if classify and "accuracy" in res:
                history.train_acc.append(res["accuracy"])
            if validation_data is not None:
                res = evaluate(params, predict, x_val, y_val, lossf)
                history.val_loss.append(res["loss"])
                if classify:
                    history.val_acc.append(res["accuracy"])
            if verbose >= 2:
                print(_epoch_line(history, epochs))
            call("on_epoch_end", epoch, params, history)
            if history.stop_training:
                break
    history.params = params
    if not history.diverged:
        stopped = " (stopped by a callback)" if history.stop_training else ""
        history.message = f"finished {len(history.epochs)} epochs, {step} steps{stopped}"
        late = _divergence.ended_high(history.losses)
        if late is not None:
            history.blew_up_at, sentence = late
            history.message += f", but diverged: {sentence}; try a smaller learning rate"
            if verbose >= 1:
                print(f"training diverged: {history.message}")
    elif verbose >= 1:
        print(f"training stopped: {history.message}")
    call("on_train_end", params, history)
    return history
