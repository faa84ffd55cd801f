"""Loss surfaces: the loss over a grid of parameters, and slices of a network's loss.

Used by lesson 03 (and the flat-vs-sharp discussion of lessons 07 and 08).

* :func:`linear_surface` evaluates the one-layer model's MAE or MSE over a whole
  (kernel, bias) grid at once, by broadcasting (no Python loop over the grid), and
  :func:`linear_surface_grad` gives the gradient field for a quiver plot.
* :func:`random_direction` draws a direction in parameter space, normalised filter by filter
  (or layer by layer) as in Li, Xu, Taylor, Studer and Goldstein, "Visualizing the Loss
  Landscape of Neural Nets" (NeurIPS 2018): each neuron's incoming weights in the direction
  get the same norm as in the trained network, so slices of different networks (or of the
  same network at different scales) can be compared.
* :func:`loss_line` and :func:`loss_plane` evaluate ``loss(params + a d1 + b d2)`` along one
  or two directions; with ``vectorized=True`` the whole grid is one call of the loss on
  parameters stacked along a new first axis (the models in :mod:`course_lib.models`
  broadcast), otherwise a plain loop (for any loss function).
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from . import models
from ._validate import array, count, flag, function, positive_number, same_length, text, tree, whole
from .data import rng_from
from .optimizers import tree_leaves, tree_map

__all__ = [
    "linear_surface", "linear_surface_grad", "linear_optimum",
    "random_direction", "direction_norms", "loss_line", "loss_plane",
    "random_unit_directions", "downhill_fraction", "downhill_probability",
]


def _grid_axes(kernels, biases, names=("kernels", "biases")):
    k = array(kernels, names[0], ndim=1)
    b = array(biases, names[1], ndim=1)
    return np.meshgrid(k, b)


def _xy(x, y):
    """The data: 1-D finite arrays of the same length."""
    x, y = array(x, "x", ndim=1), array(y, "y", ndim=1)
    same_length(x, y, "x", "y")
    return x, y


def _same_structure(direction, params, name: str) -> None:
    tree(direction, name)
    if isinstance(params, dict) and (not isinstance(direction, dict) or direction.keys() != params.keys()):
        raise ValueError(f"{name} must have the keys of params {list(params)}")
    if isinstance(params, (list, tuple)) and (not isinstance(direction, (list, tuple))
                                              or len(direction) != len(params)):
        raise ValueError(f"{name} must have one entry per entry of params")


def linear_surface(x, y, kernels, biases, loss: str = "mse"):
    """The loss of ``kernel * x + bias`` for every kernel and bias of a grid.

    Returns ``K, B, Z`` (each of shape ``(len(biases), len(kernels))``, ``plt.contour(K, B, Z)``
    order). Computed in one broadcast: the predictions have shape ``(biases, kernels, n)``.
    """
    lossf = models.get_loss(loss)
    K, B = _grid_axes(kernels, biases)
    x, y = _xy(x, y)
    pred = K[..., None] * x + B[..., None]          # (biases, kernels, n)
    return K, B, np.asarray(lossf(pred, y))


def linear_surface_grad(x, y, K, B, loss: str = "mse"):
    """The gradient ``(dL/dkernel, dL/dbias)`` of the MAE or MSE at every point of ``K, B``.

    MSE: ``2 mean(e x), 2 mean(e)`` with the error ``e = kernel x + bias - y``; MAE:
    ``mean(sign(e) x), mean(sign(e))`` (the sign jumps where a data point's error is zero:
    those are the creases of the MAE surface). ``K`` and ``B`` may be numbers or arrays.
    """
    if loss not in ("mse", "mae"):
        raise ValueError(f"loss must be 'mse' or 'mae', got {loss!r}")
    x, y = _xy(x, y)
    K, B = array(K, "K", min_len=1), array(B, "B", min_len=1)
    try:
        np.broadcast_shapes(K.shape, B.shape)
    except ValueError:
        raise ValueError(f"K and B must have shapes that broadcast, got {K.shape} and {B.shape}") from None
    err = K[..., None] * x + B[..., None] - y
    d = 2.0 * err if loss == "mse" else np.sign(err)
    return np.mean(d * x, axis=-1), np.mean(d, axis=-1)


def linear_optimum(x, y):
    """The least-squares ``(kernel, bias)``: the bottom of the MSE bowl, in closed form."""
    x, y = _xy(x, y)
    if len(x) < 2 or np.ptp(x) == 0:
        raise ValueError("x must hold at least two different values for a line to be fitted")
    A = np.column_stack([x, np.ones_like(x)])
    k, b = np.linalg.lstsq(A, y, rcond=None)[0]
    return float(k), float(b)


# --- directions and slices for networks ---------------------------------------------------------

def random_direction(params, seed=0, normalization: str = "filter", ignore_bias: bool = True):
    """A random direction with the same structure as ``params``, normalised as in Li et al. 2018.

    Every entry starts as ``N(0, 1)``. ``normalization="filter"``: for a weight matrix of
    shape ``(fan_in, fan_out)`` each column (the weights into one neuron, the dense layer's
    "filter") is rescaled to the norm of the same column of ``params``; ``"layer"``: each
    array as a whole is rescaled to the norm of that array; ``None``: left as drawn.
    With ``ignore_bias`` the direction is 0 on 1-D arrays (biases), as the paper does.
    """
    if normalization not in ("filter", "layer", None):
        raise ValueError(f"normalization must be 'filter', 'layer' or None, got {normalization!r}")
    tree(params, "params", finite=True)
    ignore_bias = flag(ignore_bias, "ignore_bias")
    rng = rng_from(seed)

    def one(p):
        p = np.asarray(p, dtype=float)
        d = rng.standard_normal(p.shape)
        if p.ndim == 1 and ignore_bias:
            return np.zeros_like(p)
        if normalization == "filter" and p.ndim >= 2:
            dn = np.linalg.norm(d, axis=-2, keepdims=True)
            pn = np.linalg.norm(p, axis=-2, keepdims=True)
            return d * pn / np.where(dn > 0, dn, 1.0)
        if normalization is not None:
            dn = np.linalg.norm(d)
            return d * np.linalg.norm(p) / (dn if dn > 0 else 1.0)
        return d

    return tree_map(one, params)


def direction_norms(direction, params, axis: int = -2):
    """Per filter ratio ``|d_filter| / |params_filter|`` for the weight matrices (all 1 after
    filter normalisation): a quick check of :func:`random_direction`."""
    tree(params, "params")
    _same_structure(direction, params, "direction")
    axis = whole(axis, "axis")
    out = {}
    for k, d in (direction.items() if isinstance(direction, dict) else enumerate(direction)):
        if np.ndim(d) >= 2:
            out[k] = np.linalg.norm(d, axis=axis) / np.linalg.norm(params[k], axis=axis)
    return out


def _stack(params, dirs, coeffs):
    """Parameters ``params + sum_j coeffs[j][g] * dirs[j]`` stacked along a new first axis."""
    def one(p, *ds):
        p = np.asarray(p, dtype=float)
        out = np.broadcast_to(p, (len(coeffs[0]),) + p.shape).copy()
        for c, d in zip(coeffs, ds):
            out += np.asarray(c).reshape((-1,) + (1,) * p.ndim) * d
        return out
    return tree_map(one, params, *dirs)


def _index(stacked, g):
    return tree_map(lambda a: a[g], stacked)


def _evaluate(loss_fn: Callable, params, dirs, coeffs, vectorized: bool, chunk):
    function(loss_fn, "loss_fn")
    tree(params, "params", finite=True)
    for i, d in enumerate(dirs):
        _same_structure(d, params, "direction" if len(dirs) == 1 else f"d{i + 1}")
        tree(d, "direction" if len(dirs) == 1 else f"d{i + 1}", finite=True)
    vectorized = flag(vectorized, "vectorized")
    coeffs = [np.asarray(c, dtype=float).ravel() for c in coeffs]
    n = len(coeffs[0])
    if chunk is None:
        # about 256 kB of stacked parameters per call: large enough to save Python
        # overhead, small enough for the intermediate arrays to stay in cache
        size = sum(np.size(leaf) for leaf in tree_leaves(params))
        chunk = max(1, min(n, 2 ** 15 // max(size, 1)))
    else:
        chunk = count(chunk, "chunk")
    if vectorized:
        out = np.empty(n)
        for start in range(0, n, chunk):
            part = [c[start:start + chunk] for c in coeffs]
            vals = np.asarray(loss_fn(_stack(params, dirs, part)), dtype=float)
            if vals.shape != (len(part[0]),):
                raise ValueError(f"loss_fn returned shape {vals.shape} for {len(part[0])} stacked "
                                 f"parameter sets; use vectorized=False for a loss that does not "
                                 f"broadcast over a leading axis")
            out[start:start + chunk] = vals
        return out
    stacked = _stack(params, dirs, coeffs)
    return np.array([float(loss_fn(_index(stacked, g))) for g in range(n)])


def loss_line(loss_fn: Callable, params, direction, alphas, *, vectorized: bool = True,
              chunk=None):
    """``loss_fn(params + alpha * direction)`` for every ``alpha`` (a 1-D slice)."""
    alphas = array(alphas, "alphas", ndim=1)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        return _evaluate(loss_fn, params, [direction], [alphas], vectorized, chunk)


def loss_plane(loss_fn: Callable, params, d1, d2, alphas, betas, *, vectorized: bool = True,
               chunk=None):
    """``loss_fn(params + a * d1 + b * d2)`` over the grid of ``alphas`` x ``betas`` (a 2-D slice).

    Returns ``A, Bt, Z`` of shape ``(len(betas), len(alphas))`` (``plt.contour(A, Bt, Z)``).
    ``vectorized`` stacks ``chunk`` grid points per call of ``loss_fn`` (by default as many as
    fit in about 256 kB of parameters: thousands for the one-layer model, about a dozen for
    the 64-32-10 network, where the gain over a plain loop is modest).
    """
    A, Bt = _grid_axes(alphas, betas, ("alphas", "betas"))
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        Z = _evaluate(loss_fn, params, [d1, d2], [A.ravel(), Bt.ravel()], vectorized, chunk)
    return A, Bt, Z.reshape(A.shape)


# --- random directions versus the gradient ---------------------------------------------------------

def random_unit_directions(n: int, dim: int, seed=0) -> np.ndarray:
    """``n`` directions drawn uniformly on the unit sphere in ``dim`` dimensions, shape ``(n, dim)``."""
    n, dim = count(n, "n"), count(dim, "dim")
    u = rng_from(seed).standard_normal((n, dim))
    return u / np.linalg.norm(u, axis=1, keepdims=True)


def downhill_fraction(loss_fn: Callable, w, step: float, n_dirs: int = 10000, seed=0) -> float:
    """The fraction of ``n_dirs`` random unit directions ``u`` with ``loss_fn(w + step u) < loss_fn(w)``.

    ``loss_fn`` takes a batch of points of shape ``(n_dirs, dim)`` and returns ``(n_dirs,)``
    (one broadcast, no loop); it must also accept the single point ``w`` of shape ``(dim,)``.
    """
    function(loss_fn, "loss_fn")
    w = array(w, "w", ndim=1)
    step = positive_number(step, "step")
    n_dirs = count(n_dirs, "n_dirs")
    u = random_unit_directions(n_dirs, w.size, seed)
    return float(np.mean(loss_fn(w + step * u) < loss_fn(w)))


def downhill_probability(dim: int, step: float) -> float:
    """The exact chance that a random unit direction lowers the bowl ``|w|^2`` from a point at
    distance 1 by a step of length ``step``.

    The step lowers the loss when ``cos(angle to -w) > step / 2``. In ``dim`` dimensions the
    angle ``theta`` between a random direction and a fixed one has density proportional to
    ``sin(theta)**(dim - 2)``, which piles up at 90 degrees as ``dim`` grows; the chance is the
    share of that density beyond ``arccos(-step / 2)``, integrated numerically.
    """
    dim = count(dim, "dim", minimum=2)
    step = positive_number(step, "step")
    if step >= 2:
        return 0.0
    theta = np.linspace(0.0, np.pi, 200001)
    dens = np.sin(theta) ** (dim - 2)
    inside = theta >= np.arccos(-step / 2.0)
    return float(np.sum(dens[inside]) / np.sum(dens))
