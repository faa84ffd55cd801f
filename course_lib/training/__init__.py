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

Layout: one concept per module, each importing only the ones above it
----------------------------------------------------------------------

* :mod:`.history`: :class:`History`;
* :mod:`.callbacks`: :class:`Callback`, :class:`Snapshots`, :class:`Trace`;
* :mod:`.objectives`: :func:`predict_fn`, :func:`loss_fn`, :func:`linear_grad_fn`;
* :mod:`.evaluation`: :func:`evaluate`;
* :mod:`.momentum`: the per-step momentum of ``fit(..., momentum=)``;
* :mod:`.loop`: :func:`fit`.

Every name lives on here (``course_lib.training.X``), with ``X.__module__`` saying so, as
when this was one module.
"""
from __future__ import annotations

from .callbacks import Callback, Snapshots, Trace
from .evaluation import _samples, evaluate
from .history import History, _epoch_line
from .loop import fit
from .momentum import _momentum_values
from .objectives import _is_classification, linear_grad_fn, loss_fn, predict_fn

__all__ = ["History", "fit", "evaluate", "predict_fn", "loss_fn", "Callback", "Snapshots", "Trace",
           "linear_grad_fn"]

# the public names say they live here, as before the split (the fuzz tests, pickles and
# help() find them under course_lib.training)
for _name in __all__:
    _obj = globals()[_name]
    if getattr(_obj, "__module__", "").startswith(__name__ + "."):
        _obj.__module__ = __name__
del _name, _obj
