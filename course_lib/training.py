"""``fit`` and ``evaluate``: the training loop, written out so you can read every step.

Used by lesson 04 onwards. In the spirit of Keras' ``compile`` / ``fit`` / ``evaluate``, but
as one explicit loop::

    for epoch in range(epochs):
        for x_batch, y_batch in minibatches(x, y, batch_size):      # draw a batch
            loss, grads = value_and_grad(objective)(params, x_batch, y_batch)
                                     # forward pass + loss, and the gradient, in one call
            params, state = optimizer.step(params, grads, state, lr(step))   # update
            step += 1

``fit`` returns a :class:`History`: the final parameters, the rate and the minibatch loss of
every step, the training and validation loss (and accuracy) after every epoch, and, if the
run diverged, the step at which it did. The caller's parameters are never changed.

Divergence: ``fit`` always stops (and says so in one line) at the first step whose minibatch
loss or parameters become inf/nan. With ``diverge_factor=F`` it also stops when the loss
*explodes*: at the first step whose minibatch loss is more than ``F`` times the first
minibatch loss (the loss at the starting parameters), long before overflow (lesson 04
measures 2 steps against 98 with ``F = 1000``). The default is ``None`` (only inf/nan),
because some of the course's runs pass through enormous losses and still finish with most
answers right (lesson 09's runs at ten times a good rate reach minibatch losses above 1e17
times their start); a factor would count them as diverged.

Callbacks are objects with any of the methods ``on_train_begin(params, history)``,
``on_step_end(step, params, history)``, ``on_epoch_end(epoch, params, history)`` and
``on_train_end(params, history)``; setting ``history.stop_training = True`` in one of them
ends the run. :class:`Snapshots` keeps copies of the parameters (for snapshot ensembles).

A run that stays finite but *ends* with a minibatch loss above a million times its first
one (``course_lib._divergence``, the rule every tool of the course uses) is not stopped,
but it is reported as diverged: ``history.diverged`` is True, ``history.blew_up_at`` is the
first step above that factor (``diverged_at`` stays ``None``: nothing was stopped), the
message says so, and ``verbose >= 1`` prints it. Runs that pass through huge
losses and recover are not flagged. Losses of ordinary size print with four decimals,
huge ones in ``.4g`` form.
"""
from __future__ import annotations

import copy
import numbers
from dataclasses import dataclass, field
from typing import Callable, List, Optional, Sequence

import numpy as np
from autograd import value_and_grad

from . import data as _data
from . import backprop, models
from . import _divergence
from ._divergence import loss_text
from ._validate import count, flag, function, positive_number, seed_value, tree, whole
from .optimizers import Momentum, get_optimizer, tree_all_finite, tree_map
from .schedules import as_schedule

__all__ = ["History", "fit", "evaluate", "predict_fn", "loss_fn", "Callback", "Snapshots", "Trace",
           "linear_grad_fn"]


@dataclass
class History:
    """What happened during :func:`fit`.

    Per step (one entry per update): ``lrs`` (the rate used) and ``losses`` (the minibatch
    loss before the update); ``momentums`` (the momentum used) only when ``fit`` was given
    ``momentum=``, otherwise empty. Per epoch (one entry per finished epoch): ``train_loss``,
    ``val_loss`` and, for classification, ``train_acc`` and ``val_acc``, all measured on the
    whole set after the epoch. ``params`` are the final parameters (if the run diverged, the
    last finite ones, and ``diverged_at`` is the step whose loss exploded, see ``fit``'s
    ``diverge_factor``, or became inf/nan).
    """

    params: object = None
    lrs: List[float] = field(default_factory=list)
    losses: List[float] = field(default_factory=list)
    epochs: List[int] = field(default_factory=list)
    train_loss: List[float] = field(default_factory=list)
    train_acc: List[float] = field(default_factory=list)
    val_loss: List[float] = field(default_factory=list)
    val_acc: List[float] = field(default_factory=list)
    steps_per_epoch: int = 0
    diverged_at: Optional[int] = None
    message: str = ""
    stop_training: bool = False
    momentums: List[float] = field(default_factory=list)
    #: set when the run finished but its minibatch loss ended above a million times the
    #: first one (the first step above that factor); see the module docstring
    blew_up_at: Optional[int] = None

    def __post_init__(self):
        for name in ("lrs", "losses", "epochs", "train_loss", "train_acc", "val_loss",
                     "val_acc", "momentums"):
            if not isinstance(getattr(self, name), list):
                raise ValueError(f"{name} must be a list, got {getattr(self, name)!r:.60}")
        whole(self.steps_per_epoch, "steps_per_epoch", minimum=0)
        whole(self.diverged_at, "diverged_at", minimum=0, allow_none=True)
        whole(self.blew_up_at, "blew_up_at", minimum=0, allow_none=True)
        if not isinstance(self.message, str):
            raise ValueError(f"message must be a string, got {self.message!r}")
        flag(self.stop_training, "stop_training")

    @property
    def diverged(self) -> bool:
        """Stopped at inf/nan (or by ``diverge_factor``), or finished blown up (``blew_up_at``)."""
        return self.diverged_at is not None or self.blew_up_at is not None

    @property
    def steps(self) -> int:
        """The number of updates made."""
        return len(self.losses)

    def as_arrays(self) -> dict:
        """Every list of the history as a numpy array."""
        names = ["lrs", "losses", "epochs", "train_loss", "train_acc", "val_loss", "val_acc"]
        return {n: np.asarray(getattr(self, n), dtype=float) for n in names}

    def __repr__(self) -> str:
        last = ""
        if self.train_loss:
            last = f", train loss {loss_text(self.train_loss[-1])}"
            if self.val_acc:
                last += f", val accuracy {self.val_acc[-1]:.4f}"
        return f"History({len(self.epochs)} epochs, {self.steps} steps{last}; {self.message})"


class Callback:
    """Base class for callbacks: override the hooks you need (all do nothing here)."""

    def on_train_begin(self, params, history):
        pass

    def on_step_end(self, step, params, history):
        pass

    def on_epoch_end(self, epoch, params, history):
        pass

    def on_train_end(self, params, history):
        pass


class Snapshots(Callback):
    """Keep a copy of the parameters at the end of chosen epochs or steps.

    ``Snapshots(every_epochs=1)`` keeps one per epoch; ``Snapshots(at_steps=[99, 199])``
    keeps the parameters just after updates 99 and 199 (0-based), e.g. at the end of each
    warm-restart cycle. ``snapshots.params`` is the list, ``snapshots.when`` says when.
    """

    def __init__(self, every_epochs: Optional[int] = None, at_steps: Optional[Sequence[int]] = None):
        if every_epochs is None and at_steps is None:
            raise ValueError("every_epochs or at_steps: give at least one of them")
        self.every = None if every_epochs is None else count(every_epochs, "every_epochs")
        self.at_steps = set() if at_steps is None else {count(s, "at_steps", minimum=0) for s in at_steps}
        self.params: list = []
        self.when: list = []

    def on_step_end(self, step, params, history):
        if step in self.at_steps:
            self.params.append(tree_map(np.copy, params))
            self.when.append(("step", step))

    def on_epoch_end(self, epoch, params, history):
        if self.every is not None and (epoch + 1) % self.every == 0:
            self.params.append(tree_map(np.copy, params))
            self.when.append(("epoch", epoch))


class Trace(Callback):
    """Record the parameters before the first update and after every update (a path
    through parameter space, ``len(trace.params) == steps + 1``)."""

    def __init__(self):
        self.params: list = []

    def on_train_begin(self, params, history):
        self.params = [tree_map(np.copy, params)]

    def on_step_end(self, step, params, history):
        self.params.append(tree_map(np.copy, params))

    def array(self, *keys) -> np.ndarray:
        """The path of the named (scalar) parameters, shape ``(steps + 1, len(keys))``."""
        return np.array([[float(p[k]) for k in keys] for p in self.params])


def predict_fn(model) -> Callable:
    """A prediction function ``f(params, x)`` from a model name (``"linear"``, ``"mlp"``) or itself."""
    if callable(model):
        return model
    named = {"linear": models.linear, "mlp": models.mlp}
    if model in named:
        return named[model]
    raise ValueError(f"model must be 'linear', 'mlp' or a function (params, x) -> predictions, "
                     f"got {model!r}")


def loss_fn(model, loss) -> Callable:
    """The objective ``f(params, batch) = loss(model(params, x), y)`` with ``batch = (x, y)``:
    the form ``lr_finder.lr_range_test`` and ``autograd.grad`` take. Its attribute
    ``value_and_grad(params, batch) -> (loss, grads)`` gives the gradient too (the range test
    uses it)."""
    predict, lossf = predict_fn(model), models.get_loss(loss)

    def objective(params, batch):
        x, y = batch
        return lossf(predict(params, x), y)

    # the loss and its gradient in one call, for lr_finder.lr_range_test: autograd's, or
    # hand-written backpropagation for the course's MLP under cross-entropy (same numbers)
    by_pair = backprop.value_and_grad_for(predict, lossf, value_and_grad(
        lambda params, x, y: objective(params, (x, y))))
    objective.value_and_grad = lambda params, batch: by_pair(params, *batch)
    return objective


def linear_grad_fn(loss: str = "mse") -> Callable:
    """The analytic ``grad_fn(params, x, y) -> (loss, grads)`` of the scalar one-layer model
    under MSE or MAE (the same numbers as autograd, about ten times faster; widgets use it)."""
    if loss not in ("mse", "mae"):
        raise ValueError(f"loss must be 'mse' or 'mae', got {loss!r}")

    def grad_fn(params, x, y):
        err = params["kernel"] * x + params["bias"] - y
        if loss == "mse":
            value, d = np.mean(err * err), 2.0 * err
        else:
            value, d = np.mean(np.abs(err)), np.sign(err)
        return value, {"kernel": np.mean(d * x), "bias": np.mean(d)}

    return grad_fn


def _is_classification(loss) -> bool:
    return loss is models.cross_entropy


def _samples(x, y):
    """``x`` and ``y`` as arrays with one label per row, and at least one row."""
    if y is None:
        raise ValueError("y must hold the labels or targets, got None")
    x, y = _data._check_xy(x, y)
    if not np.all(np.isfinite(x)):
        raise ValueError("x must hold finite numbers only (no nan or inf)")
    if not np.all(np.isfinite(y)):
        raise ValueError("y must hold finite numbers only (no nan or inf)")
    return x, y


def evaluate(params, model, x, y, loss="mse", *, batch_size: Optional[int] = None) -> dict:
    """The loss on ``(x, y)`` (and the accuracy, for cross-entropy), with no update.

    Returns ``{"loss": ..., "accuracy": ...}`` (accuracy only for classification), and a
    ``"note"`` in words when the loss is inf or nan (a diverged model). With ``batch_size``
    the set is evaluated in chunks and the results weighted by chunk size.
    """
    predict, lossf = predict_fn(model), models.get_loss(loss)
    x, y = _samples(x, y)
    size = len(x) if batch_size is None else count(batch_size, "batch_size")
    total_loss, correct = 0.0, 0.0
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for start in range(0, len(x), size):
            xb, yb = x[start:start + size], y[start:start + size]
            out = predict(params, xb)
            total_loss += float(lossf(out, yb)) * len(xb)
            if _is_classification(lossf):
                correct += models.accuracy(out, yb) * len(xb)
    result = {"loss": total_loss / len(x)}
    if _is_classification(lossf):
        result["accuracy"] = correct / len(x)
    if not np.isfinite(result["loss"]):
        result["note"] = (f"the loss is {result['loss']}: the parameters are not finite or the "
                          "outputs overflowed (a diverged model), so this is no measurement")
    return result


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
        from .schedules import constant
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


def _momentum_values(momentum, opt, steps: int) -> np.ndarray:
    """The momentum of each of ``steps`` updates, checked: a number or a schedule, in [0, 1)."""
    if not isinstance(opt, Momentum):
        raise ValueError(f"momentum: a momentum schedule needs the 'momentum' or 'nesterov' "
                         f"optimizer, got {getattr(opt, 'name', opt)!r}")
    if callable(momentum):
        betas = np.asarray(as_schedule(momentum)(np.arange(steps)), dtype=float)
    elif isinstance(momentum, (bool, np.bool_)) or not isinstance(momentum, numbers.Real):
        raise ValueError(f"momentum must be a number in [0, 1) or a schedule of the step, "
                         f"got {momentum!r}")
    else:
        betas = np.full(steps, float(momentum))
    bad = ~np.isfinite(betas) | (betas < 0) | (betas >= 1)
    if np.any(bad):
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(f"momentum: got {float(betas[i])!r} at step {i}; the momentum must lie in [0, 1)")
    return betas


def _epoch_line(h: History, epochs: int) -> str:
    line = f"epoch {h.epochs[-1]:>3}/{epochs}: train loss {loss_text(h.train_loss[-1])}"
    if h.train_acc:
        line += f", accuracy {h.train_acc[-1]:.4f}"
    if h.val_loss:
        line += f" | validation loss {loss_text(h.val_loss[-1])}"
    if h.val_acc:
        line += f", accuracy {h.val_acc[-1]:.4f}"
    return line
