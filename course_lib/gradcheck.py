"""Checking a gradient against finite differences.

Lesson 02 uses it to test gradients written by hand, by autograd and by the course's
own engine (:mod:`course_lib.autodiff`). A central difference

    (f(x + eps e_i) - f(x - eps e_i)) / (2 eps)

has a truncation error of order ``eps**2`` and a round-off error of order
``machine epsilon / eps``; ``eps`` around ``1e-6`` balances the two for smooth functions of
moderate size (lesson 02 plots the whole error-vs-step curve). A forward difference
``(f(x + h) - f(x)) / h`` is only first-order accurate, so its best step is near ``1e-8``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from ._validate import array, function, number, positive_number

__all__ = ["GradCheckResult", "check_gradient", "numerical_gradient",
           "finite_difference", "step_errors", "METHODS"]

METHODS = ("forward", "central")


def _point(x, name: str = "x") -> np.ndarray:
    try:
        arr = np.array(x, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number or an array of numbers, got {x!r}") from None
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must contain only finite numbers, got {arr}")
    if arr.size == 0:
        raise ValueError(f"{name} must hold at least one number, got an empty array")
    return arr


def _scalar(f: Callable, x: np.ndarray) -> float:
    value = np.asarray(f(x), dtype=float)
    if value.size != 1:
        raise ValueError(f"f must return a single number, it returned shape {value.shape} "
                         f"for x of shape {np.shape(x)}")
    return float(value.reshape(()))


def numerical_gradient(f: Callable, x, eps: float = 1e-6) -> np.ndarray:
    """The gradient of the scalar function ``f`` at ``x`` by central differences."""
    if not callable(f):
        raise ValueError(f"f must be a function, got {f!r}")
    x = _point(x)
    eps = positive_number(eps, "eps")
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[i] = eps
        g[i] = (_scalar(f, x + step) - _scalar(f, x - step)) / (2.0 * eps)
    return g


@dataclass(frozen=True)
class GradCheckResult:
    """How far a gradient is from central differences.

    ``relative_error`` is ``|analytic - numerical| / max(|analytic|, |numerical|)`` with
    Euclidean norms (0 when both are 0); ``ok`` is True when it is at most ``tolerance``.
    """

    analytic: np.ndarray
    numerical: np.ndarray
    absolute_error: float
    relative_error: float
    eps: float
    tolerance: float

    def __post_init__(self):
        a = array(self.analytic, "analytic", min_len=0, finite=False)
        n = array(self.numerical, "numerical", min_len=0, finite=False)
        if a.shape != n.shape:
            raise ValueError(f"analytic and numerical must have the same shape, got {a.shape} and {n.shape}")
        for name in ("absolute_error", "relative_error"):
            number(getattr(self, name), name, lo=0.0, allow_nan=True)
        positive_number(self.eps, "eps")
        positive_number(self.tolerance, "tolerance")

    @property
    def ok(self) -> bool:
        return bool(self.relative_error <= self.tolerance)

    def __bool__(self) -> bool:
        return self.ok

    @property
    def verdict(self) -> str:
        if self.ok:
            return (f"✅ relative error {self.relative_error:.1e}: the gradient agrees with "
                    f"central differences (eps = {self.eps:.0e})")
        return (f"❌ relative error {self.relative_error:.1e} (tolerance {self.tolerance:.0e}): "
                f"the gradient disagrees with central differences (eps = {self.eps:.0e})")

    def __str__(self) -> str:
        return self.verdict


def check_gradient(f: Callable, grad_f: Callable, x, eps: float = 1e-6,
                   tolerance: float = 1e-6) -> GradCheckResult:
    """Compare ``grad_f(x)`` with the central-difference gradient of ``f`` at ``x``."""
    function(f, "f")
    function(grad_f, "grad_f")
    tolerance = positive_number(tolerance, "tolerance")
    x = _point(x)
    numerical = numerical_gradient(f, x, eps)
    try:
        analytic = np.array(grad_f(x.copy()), dtype=float)
    except (TypeError, ValueError):
        raise ValueError("grad_f must return an array of numbers") from None
    if analytic.shape != x.shape:
        raise ValueError(f"grad_f returned shape {analytic.shape} for x of shape {x.shape}")
    diff = float(np.linalg.norm(analytic - numerical))
    scale = max(float(np.linalg.norm(analytic)), float(np.linalg.norm(numerical)))
    rel = 0.0 if scale == 0.0 else diff / scale
    return GradCheckResult(analytic, numerical, diff, rel, float(eps), tolerance)


def finite_difference(f: Callable, x: float, h, method: str = "central"):
    """The derivative of a function of one number by a forward or central difference.

    ``h`` may be an array of steps; the result then has its shape.
    """
    return _difference(f, x, h, method, "h")


def _difference(f, x, h, method, h_name):
    function(f, "f")
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    if isinstance(x, (bool, np.bool_)):
        raise ValueError(f"x must be a number or an array of numbers, got {x!r}")
    array(x, "x", min_len=0)                 # a number or an array of points, finite
    h = array(h, h_name, min_len=1, finite=False)
    if np.any(~np.isfinite(h)) or np.any(h <= 0):
        raise ValueError(f"{h_name} must be positive and finite, got {h}")
    if method == "forward":
        return (f(x + h) - f(x)) / h
    return (f(x + h) - f(x - h)) / (2.0 * h)


def step_errors(f: Callable, exact: float, x: float, steps, method: str = "central") -> np.ndarray:
    """``|finite difference with step h - exact|`` for every ``h`` in ``steps``."""
    exact = number(exact, "exact")
    return np.abs(_difference(f, x, steps, method, "steps") - exact)
