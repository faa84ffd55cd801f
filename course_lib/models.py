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

from ._validate import array, count, positive_number, text, tree
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


def _numeric(value, name: str, min_ndim: int = 0):
    """``value`` (an array, a traced array or a number) checked for type and axes only:
    nan and inf pass, so a diverging run can still be evaluated and reported."""
    if hasattr(value, "_value") and hasattr(value, "shape"):      # autograd's traced value
        arr = value
    else:
        if isinstance(value, (str, bytes, dict, bool)) or value is None:
            raise ValueError(f"{name} must be an array of numbers, got {value!r:.60}")
        arr = np.asarray(value)
        if arr.dtype.kind not in "biuf":
            raise ValueError(f"{name} must be an array of numbers, got {value!r:.60}")
        if arr.dtype.kind in "biu":
            arr = arr.astype(float)
    if anp.ndim(arr) < min_ndim:
        raise ValueError(f"{name} must have at least {min_ndim} axes, got shape {anp.shape(arr)}")
    return arr


def _is_dict(value) -> bool:
    """A dict, or autograd's traced dict."""
    return isinstance(value, dict) or isinstance(getattr(value, "_value", None), dict)


def _params(params, keys, name: str = "params"):
    if not _is_dict(params):
        raise ValueError(f"{name} must be a dict of arrays (e.g. from init_linear), got {params!r:.60}")
    missing = [k for k in keys if k not in params]
    if missing:
        raise ValueError(f"{name} is missing {', '.join(map(repr, missing))}; got keys {list(params)}")
    return params


def linear(params: dict, x):
    """``kernel * x + bias`` for a scalar kernel (``x`` of shape ``(n,)``), else ``x @ kernel + bias``.

    A scalar model also accepts kernels and biases of shape ``(G,)`` (a grid of models):
    the result then has shape ``(G, n)``.
    """
    _params(params, ("kernel", "bias"))
    x = _numeric(x, "x", 1)
    kernel, bias = params["kernel"], params["bias"]
    if anp.ndim(kernel) >= 2 and anp.shape(x)[-1] != anp.shape(kernel)[-2]:
        raise ValueError(f"x must have {anp.shape(kernel)[-2]} features per row for this kernel, "
                         f"got shape {anp.shape(x)}")
    if anp.ndim(kernel) == 0 and anp.ndim(x) != 1:
        raise ValueError(f"x must have shape (n,) for a scalar kernel (one input per sample), "
                         f"got shape {anp.shape(x)}")
    if anp.ndim(kernel) <= 1 and anp.ndim(x) == 1:
        return kernel[..., None] * x + bias[..., None] if anp.ndim(kernel) else kernel * x + bias
    return anp.matmul(x, kernel) + bias[..., None, :]


# --- a small multilayer perceptron ----------------------------------------------------------

def init_mlp(sizes: Sequence[int] = (64, 32, 10), seed=0) -> dict:
    """He-initialised weights ``W1, b1, W2, b2, ...`` for layer sizes like ``(64, 32, 10)``.

    ``W_k`` has shape ``(sizes[k-1], sizes[k])`` and entries ``N(0, 2 / fan_in)`` (He et al.
    2015, suited to relu); the biases start at zero.
    """
    if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__iter__"):
        raise ValueError(f"sizes must be a list of layer sizes such as (64, 32, 10), got {sizes!r}")
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
    if not _is_dict(params):
        raise ValueError(f"params must be a dict W1, b1, ... (from init_mlp), got {params!r:.60}")
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
    text(activation, "activation", sorted(_ACTIVATIONS))
    act = _ACTIVATIONS[activation]
    n = _n_layers(params)
    h = _numeric(x, "x", 2)
    fan_in = anp.shape(params["W1"])[-2]
    if anp.shape(h)[-1] != fan_in:
        raise ValueError(f"x must have {fan_in} features per row for these params, got shape {anp.shape(h)}")
    if anp.shape(h)[-2] == 0:
        raise ValueError("x must hold at least one sample, got none")
    for k in range(1, n + 1):
        h = anp.matmul(h, params[f"W{k}"]) + params[f"b{k}"][..., None, :]
        if k < n:
            h = act(h)
    return h


def count_params(params) -> int:
    """The number of numbers in a dict (or list) of parameter arrays."""
    tree(params, "params")
    values = params.values() if isinstance(params, dict) else params
    return int(sum(np.size(v) for v in values))


# --- losses and accuracy --------------------------------------------------------------------

def _pred_y(pred, y):
    """``pred`` and ``y`` checked: numbers, with as many samples on the last axis."""
    pred, y = _numeric(pred, "pred", 1), _numeric(y, "y", 1)
    if anp.shape(pred)[-1] != anp.shape(y)[-1] or anp.shape(y)[-1] == 0 \
            or anp.ndim(y) > anp.ndim(pred):
        raise ValueError(f"pred and y must hold the same samples (last axis), got shapes "
                         f"{anp.shape(pred)} and {anp.shape(y)}")
    return pred, y


def mae(pred, y):
    """Mean absolute error ``mean(|pred - y|)`` over the last axis (the samples)."""
    pred, y = _pred_y(pred, y)
    return anp.mean(anp.abs(pred - y), axis=-1)


def mse(pred, y):
    """Mean squared error ``mean((pred - y)**2)`` over the last axis (the samples)."""
    pred, y = _pred_y(pred, y)
    return anp.mean((pred - y) ** 2, axis=-1)


def log_softmax(logits):
    """``log(softmax(logits))`` along the last axis, via log-sum-exp: subtracting the
    largest logit first means ``exp`` never overflows, whatever the logits. Non-finite
    logits (a diverged model) give nan, without a RuntimeWarning."""
    logits = _numeric(logits, "logits", 1)
    if anp.shape(logits)[-1] == 0:
        raise ValueError("logits must hold at least one class, got an empty last axis")
    if not hasattr(logits, "_value") and not np.all(np.isfinite(logits)):
        with np.errstate(invalid="ignore", over="ignore"):
            return _log_softmax(logits)
    return _log_softmax(logits)


def _log_softmax(logits):
    top = anp.max(logits, axis=-1, keepdims=True)
    shifted = logits - top
    return shifted - anp.log(anp.sum(anp.exp(shifted), axis=-1, keepdims=True))


def softmax(logits):
    """Class probabilities along the last axis (rows sum to 1)."""
    return anp.exp(log_softmax(logits))


def _labels(labels, n_classes):
    if isinstance(labels, (str, bytes, dict, bool)) or labels is None:
        raise ValueError(f"labels must be ints of shape (n,) or one-hot rows, got {labels!r:.60}")
    labels = np.asarray(labels)
    if labels.ndim == 0 or labels.dtype.kind not in "biuf":
        raise ValueError(f"labels must be ints of shape (n,) or one-hot rows, got {labels!r:.60}")
    if labels.ndim > 2:
        raise ValueError(f"labels must be ints of shape (n,) or one-hot of shape (n, {n_classes}), "
                         f"got shape {labels.shape}")
    if labels.ndim == 1 and np.issubdtype(labels.dtype, np.integer):
        if labels.size and (labels.min() < 0 or labels.max() >= n_classes):
            raise ValueError(f"labels must lie in 0..{n_classes - 1}, got {labels.min()}..{labels.max()}")
        return np.eye(n_classes)[labels]
    if labels.shape[-1:] != (n_classes,):
        raise ValueError(f"labels must be ints of shape (n,) or one-hot of shape (n, {n_classes}), "
                         f"got shape {labels.shape}")
    rows = labels.astype(float)
    with np.errstate(invalid="ignore"):
        probabilities = (np.all(np.isfinite(rows)) and np.all(rows >= 0)
                         and np.allclose(rows.sum(axis=-1), 1.0, atol=1e-6))
    if not probabilities:
        first = rows.reshape(-1, n_classes)[0]
        raise ValueError("labels given as rows must be one-hot or probabilities (each row "
                         f"non-negative and summing to 1), got rows like {first}")
    return rows


def cross_entropy(logits, labels):
    """Softmax cross-entropy ``mean(-log softmax(logits)[label])`` over the samples.

    ``logits`` has shape ``(..., n, classes)``; ``labels`` are ints of shape ``(n,)`` (or
    one-hot / probabilities of shape ``(n, classes)``). The result has shape ``(...)``.
    """
    logits = _numeric(logits, "logits", 2)
    onehot = _labels(labels, anp.shape(logits)[-1])
    if len(onehot) != anp.shape(logits)[-2]:
        raise ValueError(f"labels must have one entry per row of logits, got {len(onehot)} "
                         f"for {anp.shape(logits)[-2]} rows")
    return -anp.mean(anp.sum(onehot * log_softmax(logits), axis=-1), axis=-1)


def accuracy(logits, labels) -> float:
    """The fraction of samples whose largest logit is the true class (ints, or one-hot)."""
    logits = np.asarray(_numeric(logits, "logits", 2))
    if logits.shape[-1] == 0 or logits.shape[-2] == 0:
        raise ValueError(f"logits must have at least one row and one class, got shape {logits.shape}")
    labels = _labels(labels, logits.shape[-1]).argmax(axis=-1)
    if labels.shape[-1] != logits.shape[-2]:
        raise ValueError(f"labels must have one entry per row of logits, got {labels.shape[-1]} "
                         f"for {logits.shape[-2]} rows")
    right = np.argmax(logits, axis=-1) == labels
    right &= np.all(np.isfinite(logits), axis=-1)     # a diverged row is never right
    return float(np.mean(right))


#: The losses by name, for ``training.fit(..., loss="mse")``.
LOSSES = {"mae": mae, "mse": mse, "cross_entropy": cross_entropy}


def get_loss(loss):
    """A loss function from its name (``"mae"``, ``"mse"``, ``"cross_entropy"``) or itself."""
    if callable(loss):
        return loss
    if isinstance(loss, str) and loss in LOSSES:
        return LOSSES[loss]
    raise ValueError(f"loss must be one of {sorted(LOSSES)} or a function (pred, y) -> number, "
                     f"got {loss!r}")
