"""Models and losses, written with ``autograd.numpy`` so ``autograd.grad`` differentiates them.

Parameters are plain dicts of numpy arrays (``{"kernel": ..., "bias": ...}`` or
``{"W1": ..., "b1": ..., "W2": ..., "b2": ...}``): autograd takes the gradient of a loss with
respect to the whole dict at once and returns a dict of the same shape.

* :func:`init_linear` / :func:`linear`: the one-layer model ``kernel * input + bias``
  (lessons 03 and 04).
* :func:`init_mlp` / :func:`mlp`: a small multilayer perceptron, e.g. 64-32-10 for the digits.
* :func:`mae`, :func:`mse`, :func:`cross_entropy` (softmax cross-entropy computed through
  log-sum-exp, so logits of 1000 are fine) and :func:`accuracy`.

Everything broadcasts over leading axes: parameters stacked along a first axis of length
``G`` give ``G`` predictions and ``G`` losses in one call. :mod:`course_lib.surfaces` uses
this to evaluate a whole grid of parameters without a Python loop.
"""
from __future__ import annotations

from typing import Sequence

import autograd.numpy as anp
import numpy as np

from ._validate import count, positive_number
from .data import rng_from

__all__ = [
    "init_linear", "linear", "init_mlp", "mlp", "mlp_sizes",
    "mae", "mse", "log_softmax", "softmax", "cross_entropy", "accuracy",
    "LOSSES", "get_loss", "count_params",
]


# --- the one-layer linear model -------------------------------------------------------------

def init_linear(n_in: int = 1, n_out: int = 1, seed=0, scale: float = 1.0) -> dict:
    """Random parameters for :func:`linear`.

    With ``n_in = n_out = 1`` (the default) the kernel and the bias are single numbers
    (0-d arrays), as in ``output = kernel * input + bias``; otherwise the kernel has shape
    ``(n_in, n_out)`` and the bias ``(n_out,)``. Values are ``scale * N(0, 1)``.
    """
    n_in, n_out = count(n_in, "n_in"), count(n_out, "n_out")
    scale = positive_number(scale, "scale")
    rng = rng_from(seed)
    if n_in == 1 and n_out == 1:
        k, b = scale * rng.standard_normal(2)
        return {"kernel": np.array(k), "bias": np.array(b)}
    return {"kernel": scale * rng.standard_normal((n_in, n_out)),
            "bias": scale * rng.standard_normal(n_out)}


def linear(params: dict, x):
    """``kernel * x + bias`` for a scalar kernel (``x`` of shape ``(n,)``), else ``x @ kernel + bias``.

    A scalar model also accepts kernels and biases of shape ``(G,)`` (a grid of models):
    the result then has shape ``(G, n)``.
    """
    kernel, bias = params["kernel"], params["bias"]
    if anp.ndim(kernel) <= 1 and anp.ndim(x) == 1:
        return kernel[..., None] * x + bias[..., None] if anp.ndim(kernel) else kernel * x + bias
    return anp.matmul(x, kernel) + bias[..., None, :]


# --- a small multilayer perceptron ----------------------------------------------------------

def init_mlp(sizes: Sequence[int] = (64, 32, 10), seed=0) -> dict:
    """He-initialised weights ``W1, b1, W2, b2, ...`` for layer sizes like ``(64, 32, 10)``.

    ``W_k`` has shape ``(sizes[k-1], sizes[k])`` and entries ``N(0, 2 / fan_in)`` (He et al.
    2015, suited to relu); the biases start at zero.
    """
    sizes = [count(s, "sizes") for s in sizes]
    if len(sizes) < 2:
        raise ValueError(f"sizes must list at least an input and an output size, got {sizes!r}")
    rng = rng_from(seed)
    params = {}
    for k, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        params[f"W{k}"] = rng.standard_normal((fan_in, fan_out)) * np.sqrt(2.0 / fan_in)
        params[f"b{k}"] = np.zeros(fan_out)
    return params


def mlp_sizes(params: dict) -> list:
    """The layer sizes of an MLP's parameters, e.g. ``[64, 32, 10]``."""
    n = _n_layers(params)
    return [params["W1"].shape[-2]] + [params[f"W{k}"].shape[-1] for k in range(1, n + 1)]


def _n_layers(params) -> int:
    n = 0
    while f"W{n + 1}" in params:
        n += 1
    if n == 0:
        raise ValueError(f"params must hold W1, b1, ... (from init_mlp), got keys {list(params)}")
    return n


_ACTIVATIONS = {"relu": lambda z: anp.maximum(z, 0.0), "tanh": anp.tanh}


def mlp(params: dict, x, activation: str = "relu"):
    """The network's logits: ``relu(x @ W1 + b1) @ W2 + b2`` and so on, no activation on the last layer.

    ``x`` has shape ``(n, sizes[0])``; the logits ``(n, sizes[-1])``. Parameters stacked on a
    leading axis (``W1`` of shape ``(G, 64, 32)``, ``b1`` of ``(G, 32)``) give ``(G, n, 10)``.
    """
    if activation not in _ACTIVATIONS:
        raise ValueError(f"activation must be one of {sorted(_ACTIVATIONS)}, got {activation!r}")
    act = _ACTIVATIONS[activation]
    n = _n_layers(params)
    h = x
    for k in range(1, n + 1):
        h = anp.matmul(h, params[f"W{k}"]) + params[f"b{k}"][..., None, :]
        if k < n:
            h = act(h)
    return h


def count_params(params) -> int:
    """The number of numbers in a dict (or list) of parameter arrays."""
    values = params.values() if isinstance(params, dict) else params
    return int(sum(np.size(v) for v in values))


# --- losses and accuracy --------------------------------------------------------------------

def mae(pred, y):
    """Mean absolute error ``mean(|pred - y|)`` over the last axis (the samples)."""
    return anp.mean(anp.abs(pred - y), axis=-1)


def mse(pred, y):
    """Mean squared error ``mean((pred - y)**2)`` over the last axis (the samples)."""
    return anp.mean((pred - y) ** 2, axis=-1)


def log_softmax(logits):
    """``log(softmax(logits))`` along the last axis, via log-sum-exp: subtracting the
    largest logit first means ``exp`` never overflows, whatever the logits."""
    top = anp.max(logits, axis=-1, keepdims=True)
    shifted = logits - top
    return shifted - anp.log(anp.sum(anp.exp(shifted), axis=-1, keepdims=True))


def softmax(logits):
    """Class probabilities along the last axis (rows sum to 1)."""
    return anp.exp(log_softmax(logits))


def _labels(labels, n_classes):
    labels = np.asarray(labels)
    if labels.ndim == 1 and np.issubdtype(labels.dtype, np.integer):
        if labels.size and (labels.min() < 0 or labels.max() >= n_classes):
            raise ValueError(f"labels must lie in 0..{n_classes - 1}, got {labels.min()}..{labels.max()}")
        return np.eye(n_classes)[labels]
    if labels.shape[-1:] != (n_classes,):
        raise ValueError(f"labels must be ints of shape (n,) or one-hot of shape (n, {n_classes}), "
                         f"got shape {labels.shape}")
    return labels.astype(float)


def cross_entropy(logits, labels):
    """Softmax cross-entropy ``mean(-log softmax(logits)[label])`` over the samples.

    ``logits`` has shape ``(..., n, classes)``; ``labels`` are ints of shape ``(n,)`` (or
    one-hot / probabilities of shape ``(n, classes)``). The result has shape ``(...)``.
    """
    onehot = _labels(labels, logits.shape[-1])
    return -anp.mean(anp.sum(onehot * log_softmax(logits), axis=-1), axis=-1)


def accuracy(logits, labels) -> float:
    """The fraction of samples whose largest logit is the true class (ints, or one-hot)."""
    logits = np.asarray(logits)
    labels = np.asarray(labels)
    if labels.ndim == logits.ndim:
        labels = labels.argmax(axis=-1)
    return float(np.mean(np.argmax(logits, axis=-1) == labels))


#: The losses by name, for ``training.fit(..., loss="mse")``.
LOSSES = {"mae": mae, "mse": mse, "cross_entropy": cross_entropy}


def get_loss(loss):
    """A loss function from its name (``"mae"``, ``"mse"``, ``"cross_entropy"``) or itself."""
    if callable(loss):
        return loss
    if loss in LOSSES:
        return LOSSES[loss]
    raise ValueError(f"loss must be one of {sorted(LOSSES)} or a function (pred, y) -> number, "
                     f"got {loss!r}")
