"""What ``fit`` and the range test train: :func:`predict_fn` (a model by name or itself),
:func:`loss_fn` (the objective ``f(params, batch)`` with its fast gradient, for
``lr_finder.lr_range_test``) and :func:`linear_grad_fn` (the analytic gradient of the scalar
one-layer model, for the widgets of lessons 03 and 04).

Used by lesson 04 onwards, and by lesson 06's range tests (``training.loss_fn``).
"""
from __future__ import annotations

from typing import Callable

import numpy as np
from autograd import value_and_grad

from .. import backprop, models


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
