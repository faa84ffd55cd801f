"""Backpropagation written out by hand for the course's multilayer perceptron.

``training.fit`` trains the digits network of lessons 04 and 06-09 thousands of times.
Autograd records every operation of every step on a tape and then walks it backwards;
for a network this small that bookkeeping costs far more than the arithmetic. This module
does the same calculation directly: the forward pass keeps what the backward pass needs,
and each layer's backward rule sits beside its forward rule. ``tests/test_backprop.py``
checks the loss and every gradient against autograd on random networks.

The rules, for one layer ``z = h @ W + b`` followed by ``h' = act(z)``, with ``g`` the
gradient of the loss with respect to the layer's output:

* ``dL/dW = h.T @ g``, ``dL/db = g.sum(axis=0)``, ``dL/dh = g @ W.T``;
* relu: ``dL/dz = dL/dh' * [z > 0]`` (autograd gives a tie ``z == 0`` half the gradient,
  and so does this module, so the two agree there too); tanh: ``dL/dz = dL/dh' * (1 - h'**2)``;
* softmax cross-entropy over ``n`` samples: ``dL/dlogits = (softmax(logits) - onehot) / n``.

Used through :func:`value_and_grad_for` by ``training.fit`` and ``training.loss_fn`` (and
so by ``lr_finder.lr_range_test``): whenever the model is the course's MLP and the loss is
cross-entropy, the hand-written pass replaces autograd. Anything else (another model,
another loss, a student's function) still goes through autograd.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

__all__ = ["mlp_cross_entropy", "value_and_grad_for"]


def _relu_backward(g, z, h):
    return g * np.where(z > 0, 1.0, np.where(z == 0, 0.5, 0.0))


def _tanh_backward(g, z, h):
    return g * (1.0 - h * h)


_ACTIVATIONS = {"relu": (lambda z: np.maximum(z, 0.0), _relu_backward),
                "tanh": (np.tanh, _tanh_backward)}


def _onehot(labels, n_classes: int) -> np.ndarray:
    from .models import _labels
    return _labels(labels, n_classes)


def mlp_cross_entropy(params: dict, x, y, activation: str = "relu"):
    """``(loss, grads)`` of ``models.cross_entropy(models.mlp(params, x, activation), y)``.

    ``params`` holds ``W1, b1, W2, b2, ...`` (from ``models.init_mlp``), ``x`` has shape
    ``(n, sizes[0])`` and ``y`` integer labels of shape ``(n,)`` or one-hot rows. The grads
    are a dict with the same keys and shapes as ``params`` (as ``autograd.grad`` returns).
    """
    from .models import _n_layers, _numeric
    if activation not in _ACTIVATIONS:
        raise ValueError(f"activation must be one of {sorted(_ACTIVATIONS)}, got {activation!r}")
    act, act_backward = _ACTIVATIONS[activation]
    n_layers = _n_layers(params)
    x = np.asarray(_numeric(x, "x", 2), dtype=float)       # types and axes only: cheap
    if x.ndim != 2 or x.shape[1] != np.shape(params["W1"])[0] or len(x) == 0:
        raise ValueError(f"x must have shape (n, {np.shape(params['W1'])[0]}) for these params, "
                         f"got {x.shape}")
    # forward: keep each layer's input h and pre-activation z for the backward pass
    hs, zs = [x], []
    for k in range(1, n_layers + 1):
        z = hs[-1] @ params[f"W{k}"] + params[f"b{k}"]
        zs.append(z)
        hs.append(act(z) if k < n_layers else z)
    logits = hs[-1]
    try:
        onehot = _onehot(y, logits.shape[-1])
    except ValueError as exc:
        raise ValueError(f"y: {exc}") from None
    if len(onehot) != len(x):
        raise ValueError(f"y must have one label per row of x, got {len(onehot)} for {len(x)} rows")
    shifted = logits - logits.max(axis=-1, keepdims=True)
    log_sum = np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    log_probs = shifted - log_sum
    n = logits.shape[0]
    loss = -np.mean(np.sum(onehot * log_probs, axis=-1))
    # backward: the gradient of the loss with respect to each layer's output, last to first
    g = (np.exp(log_probs) * onehot.sum(axis=-1, keepdims=True) - onehot) / n
    grads = {}
    for k in range(n_layers, 0, -1):
        grads[f"W{k}"] = hs[k - 1].T @ g
        grads[f"b{k}"] = g.sum(axis=0)
        if k > 1:
            g = act_backward(g @ params[f"W{k}"].T, zs[k - 2], hs[k - 1])
    return loss, {name: grads[name] for name in params}


def value_and_grad_for(predict: Callable, lossf: Callable, fallback: Callable) -> Callable:
    """The ``grad_fn(params, x, y) -> (loss, grads)`` to train ``predict`` under ``lossf``:
    the hand-written pass where there is one, else ``fallback`` (autograd's).

    There is one for the course's MLP (``models.mlp``, relu) under ``models.cross_entropy``,
    for a single network (2-d weights; a stack of networks goes to ``fallback``).
    """
    from . import models
    from ._validate import function
    function(predict, "predict"), function(lossf, "lossf")    # fallback is handed back as it is
    if not (predict is models.mlp and lossf is models.cross_entropy):
        return fallback

    def grad_fn(params, x, y):
        if isinstance(params, dict) and np.ndim(params.get("W1")) == 2:
            return mlp_cross_entropy(params, x, y)
        return fallback(params, x, y)

    return grad_fn
