"""Plot helpers shared by the lessons: contours with a path, the gradient field, loss curves.

Used by lesson 01 onwards. Each helper draws on an ``ax`` you pass (or a new one) and
returns what it drew, so a lesson can add titles and legends of its own.
"""
from __future__ import annotations

from typing import Callable, Optional, Sequence

import numpy as np

from ._validate import array, flag, function, number, whole

__all__ = ["grid", "contour", "path", "gradient_field", "loss_curve", "log_levels"]


def _axes(ax):
    if ax is not None and not hasattr(ax, "plot"):
        raise ValueError(f"ax must be matplotlib axes (e.g. from plt.subplots()) or None, got {ax!r}")
    if ax is None:
        import matplotlib.pyplot as plt
        _, ax = plt.subplots(figsize=(5, 4))
    return ax


def _limits(value, name: str) -> tuple:
    """``(low, high)`` with finite ``low < high``."""
    if isinstance(value, (str, bytes)) or value is None or np.ndim(value) != 1 or len(value) != 2:
        raise ValueError(f"{name} must be a pair (low, high) of numbers, got {value!r}")
    lo, hi = number(value[0], f"{name}[0]"), number(value[1], f"{name}[1]")
    if not lo < hi:
        raise ValueError(f"{name} must be (low, high) with low < high, got {value!r}")
    return lo, hi


def _color(value, name: str = "color"):
    from matplotlib.colors import is_color_like
    if value is None or not is_color_like(value):
        raise ValueError(f"{name} must be a matplotlib colour such as 'tab:red', got {value!r}")
    return value


def _label(value, name: str = "label"):
    if value is not None and not isinstance(value, str):
        raise ValueError(f"{name} must be a string or None, got {value!r}")
    return value


def grid(xlim: Sequence[float], ylim: Sequence[float], n: int = 200):
    """A regular grid: returns ``X1, X2`` (each ``(n, n)``) and ``P = np.stack([X1, X2])``,
    the form the 2-D functions of :mod:`course_lib.functions` take."""
    xlim, ylim = _limits(xlim, "xlim"), _limits(ylim, "ylim")
    n = whole(n, "n", minimum=2)
    x1 = np.linspace(xlim[0], xlim[1], n)
    x2 = np.linspace(ylim[0], ylim[1], n)
    X1, X2 = np.meshgrid(x1, x2)
    return X1, X2, np.stack([X1, X2])


def log_levels(values: np.ndarray, n: int = 20, floor: float = 1e-3) -> np.ndarray:
    """``n`` contour levels spaced evenly in log scale between ``floor`` (or the smallest
    positive value, if larger) and the largest finite value; nan and inf entries are
    ignored, but ``values`` must hold at least one finite number."""
    values = array(values, "values", min_len=1, finite=False)
    n = whole(n, "n", minimum=2)
    floor = number(floor, "floor", lo=0.0, lo_open=True)
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        raise ValueError("values must hold at least one finite number (all are nan or inf)")
    top = float(finite.max())
    lo = max(floor, float(finite[finite > 0].min())) if np.any(finite > 0) else floor
    return np.geomspace(lo, max(top, lo * 10), n)


def contour(f: Callable, xlim=(-2.0, 2.5), ylim=(-1.0, 4.0), *, ax=None, n: int = 200,
            levels: int = 20, log: bool = True, filled: bool = True, minimum=None, cmap="viridis"):
    """Contours of ``f`` over a grid, log-spaced by default (losses span many decades).

    ``minimum`` (a point) is marked with a star. Returns ``(ax, contour_set)``.
    """
    function(f, "f")
    xlim, ylim = _limits(xlim, "xlim"), _limits(ylim, "ylim")
    n, levels = whole(n, "n", minimum=2), whole(levels, "levels", minimum=2)
    log, filled = flag(log, "log"), flag(filled, "filled")
    if minimum is not None:
        minimum = array(minimum, "minimum", ndim=1, length=2)
    if not isinstance(cmap, str) and not hasattr(cmap, "N"):
        raise ValueError(f"cmap must be a colormap name such as 'viridis', got {cmap!r}")
    ax = _axes(ax)
    X1, X2, P = grid(xlim, ylim, n)
    with np.errstate(all="ignore"):
        Z = np.asarray(f(P), dtype=float)
    if log:
        from matplotlib.colors import LogNorm
        lev = log_levels(Z, levels)
        draw = ax.contourf if filled else ax.contour
        cs = draw(X1, X2, np.clip(Z, lev[0], None), levels=lev, norm=LogNorm(), cmap=cmap)
    else:
        draw = ax.contourf if filled else ax.contour
        cs = draw(X1, X2, Z, levels=levels, cmap=cmap)
    if minimum is not None:
        ax.plot(*minimum, marker="*", color="white", markersize=14, markeredgecolor="black",
                linestyle="none", label="minimum")
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    return ax, cs


def path(ax, xs, *, label: Optional[str] = None, color: str = "tab:red", markersize: float = 3):
    """Draw an optimisation path ``xs`` (shape ``(k, 2)``): the line, its start and its end.

    Returns ``(line, start_marker, end_marker)`` so a widget can update them in place.
    """
    if not hasattr(ax, "plot"):
        raise ValueError(f"ax must be matplotlib axes (e.g. from plt.subplots()), got {ax!r}")
    xs = array(xs, "xs", ndim=2, finite=False)
    if xs.shape[1] != 2:
        raise ValueError(f"xs must have shape (k, 2), one point per row, got shape {xs.shape}")
    _label(label)
    _color(color)
    markersize = number(markersize, "markersize", lo=0.0)
    (line,) = ax.plot(xs[:, 0], xs[:, 1], "-o", color=color, markersize=markersize,
                      linewidth=1.2, label=label)
    (start,) = ax.plot(xs[:1, 0], xs[:1, 1], "s", color=color, markersize=8,
                       markeredgecolor="black")
    (end,) = ax.plot(xs[-1:, 0], xs[-1:, 1], "X", color=color, markersize=9,
                     markeredgecolor="black")
    return line, start, end


def gradient_field(grad_fn: Callable, xlim=(-2.0, 2.5), ylim=(-1.0, 4.0), *, ax=None,
                   n: int = 15, normalize: bool = True, color: str = "white"):
    """Arrows of the negative gradient (the direction gradient descent moves) on an
    ``n x n`` grid. With ``normalize`` every arrow has the same length and the colour-free
    plot shows direction only; magnitudes on Rosenbrock differ by orders of magnitude."""
    function(grad_fn, "grad_fn")
    xlim, ylim = _limits(xlim, "xlim"), _limits(ylim, "ylim")
    n = whole(n, "n", minimum=2)
    normalize = flag(normalize, "normalize")
    _color(color)
    ax = _axes(ax)
    X1, X2, P = grid(xlim, ylim, n)
    with np.errstate(all="ignore"):
        G = -np.asarray(grad_fn(P), dtype=float)
        U, V = G[0], G[1]
        if normalize:
            norm = np.hypot(U, V)
            norm[norm == 0] = 1.0
            U, V = U / norm, V / norm
    q = ax.quiver(X1, X2, U, V, color=color, angles="xy", pivot="mid", width=0.004)
    return ax, q


def loss_curve(losses, *, ax=None, log: bool = True, label: Optional[str] = None, **kw):
    """Loss against step (log scale by default). Returns ``(ax, line)``."""
    losses = array(losses, "losses", ndim=1, finite=False)
    log = flag(log, "log")
    _label(label)
    ax = _axes(ax)
    (line,) = ax.plot(np.arange(len(losses)), losses, label=label, **kw)
    if log:
        ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.set_ylabel("loss")
    return ax, line
