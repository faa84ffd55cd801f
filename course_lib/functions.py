"""Two-dimensional test functions with their analytic gradients.

Used by lesson 01 (Rosenbrock by hand), lesson 02 (checking gradients), lesson 03
(several minima, saddles) and lesson 05 (a quadratic with chosen eigenvalues).

Every function takes ``x`` of shape ``(2,)`` or ``(2, ...)``: ``x[0]`` is x1 and ``x[1]``
is x2, so a whole grid is evaluated at once with ``f(np.stack([X1, X2]))``. They are
written with ``autograd.numpy``, so ``autograd.grad(f)`` works on them as well.
"""
from __future__ import annotations

from dataclasses import dataclass

import autograd.numpy as anp
import numpy as np

from ._validate import finite_number, number, pair_leading, point, positive_number

__all__ = [
    "rosenbrock", "rosenbrock_grad", "rosenbrock_hessian",
    "himmelblau", "himmelblau_grad", "HIMMELBLAU_MINIMA",
    "saddle", "saddle_grad",
    "Quadratic", "quadratic",
]


def _xy(x):
    pair_leading(x)
    if not hasattr(x, "shape"):
        x = np.asarray(x, dtype=float)
    return x[0], x[1]


def _ab(a, b) -> None:
    """``a`` and ``b`` must be finite numbers (traced values pass: lesson 02 differentiates)."""
    for value, name in ((a, "a"), (b, "b")):
        if not hasattr(value, "_value"):
            number(value, name)


# --- Rosenbrock ------------------------------------------------------------------------

def rosenbrock(x, a: float = 1.0, b: float = 100.0):
    """Rosenbrock's banana: ``(a - x1)**2 + b * (x2 - x1**2)**2``; minimum 0 at ``(a, a**2)``.

    Lesson 01 uses ``b = 1`` (the seed post's model), lesson 02 the classic ``b = 100``.
    """
    _ab(a, b)
    x1, x2 = _xy(x)
    return (a - x1) ** 2 + b * (x2 - x1 ** 2) ** 2


def rosenbrock_grad(x, a: float = 1.0, b: float = 100.0):
    """Analytic gradient of :func:`rosenbrock`, shape like ``x``.

    d/dx1 = -2 (a - x1) - 4 b x1 (x2 - x1**2);   d/dx2 = 2 b (x2 - x1**2).
    """
    _ab(a, b)
    x1, x2 = _xy(x)
    inner = x2 - x1 ** 2
    return anp.stack([-2.0 * (a - x1) - 4.0 * b * x1 * inner, 2.0 * b * inner])


def rosenbrock_hessian(x, a: float = 1.0, b: float = 100.0) -> np.ndarray:
    """Analytic Hessian of :func:`rosenbrock` at one point ``x`` of shape ``(2,)``."""
    _ab(a, b)
    x1, x2 = point(x, "x", dim=2)
    return np.array([[2.0 - 4.0 * b * (x2 - 3.0 * x1 ** 2), -4.0 * b * x1],
                     [-4.0 * b * x1, 2.0 * b]])


# --- Himmelblau: four minima -------------------------------------------------------------

#: The four minima of Himmelblau's function (all with value 0), to 6 decimals.
HIMMELBLAU_MINIMA = np.array([
    [3.0, 2.0],
    [-2.805118, 3.131312],
    [-3.779310, -3.283186],
    [3.584428, -1.848126],
])


def himmelblau(x):
    """Himmelblau's function ``(x1**2 + x2 - 11)**2 + (x1 + x2**2 - 7)**2``: four minima, value 0."""
    x1, x2 = _xy(x)
    return (x1 ** 2 + x2 - 11.0) ** 2 + (x1 + x2 ** 2 - 7.0) ** 2


def himmelblau_grad(x):
    """Analytic gradient of :func:`himmelblau`."""
    x1, x2 = _xy(x)
    u = x1 ** 2 + x2 - 11.0
    v = x1 + x2 ** 2 - 7.0
    return anp.stack([4.0 * x1 * u + 2.0 * v, 2.0 * u + 4.0 * x2 * v])


# --- a saddle ------------------------------------------------------------------------------

def saddle(x):
    """The saddle ``x1**2 - x2**2``: zero gradient at the origin, yet no minimum."""
    x1, x2 = _xy(x)
    return x1 ** 2 - x2 ** 2


def saddle_grad(x):
    """Analytic gradient of :func:`saddle`."""
    x1, x2 = _xy(x)
    return anp.stack([2.0 * x1, -2.0 * x2])


# --- a quadratic with chosen eigenvalues ----------------------------------------------------

@dataclass(frozen=True)
class Quadratic:
    """``f(x) = 0.5 (x - center)^T H (x - center)`` with ``H = R diag(eigenvalues) R^T``.

    ``R`` rotates by ``angle`` radians, so the valley need not follow the axes. Plain
    gradient descent on it is stable exactly when ``lr < 2 / lambda_max`` (lesson 05).
    """

    eigenvalues: tuple
    angle: float = 0.0
    center: tuple = (0.0, 0.0)

    def __post_init__(self):
        eigenvalues, center = self.eigenvalues, self.center
        if isinstance(eigenvalues, (str, bytes)) or not hasattr(eigenvalues, "__len__") \
                or len(eigenvalues) != 2:
            raise ValueError(f"eigenvalues must hold two numbers, got {eigenvalues!r}")
        eig = tuple(positive_number(e, "eigenvalues") for e in eigenvalues)
        ang = finite_number(self.angle, "angle")
        if isinstance(center, (str, bytes)) or not hasattr(center, "__len__") or len(center) != 2:
            raise ValueError(f"center must hold two numbers, got {center!r}")
        ctr = tuple(finite_number(c, "center") for c in center)
        object.__setattr__(self, "eigenvalues", eig)
        object.__setattr__(self, "angle", ang)
        object.__setattr__(self, "center", ctr)

    @property
    def hessian(self) -> np.ndarray:
        c, s = np.cos(self.angle), np.sin(self.angle)
        rot = np.array([[c, -s], [s, c]])
        return rot @ np.diag(self.eigenvalues) @ rot.T

    @property
    def lambda_max(self) -> float:
        return float(max(self.eigenvalues))

    @property
    def stability_limit(self) -> float:
        """The largest stable constant learning rate, ``2 / lambda_max``."""
        return 2.0 / self.lambda_max

    def __call__(self, x):
        x1, x2 = _xy(x)
        d1, d2 = x1 - self.center[0], x2 - self.center[1]
        h = self.hessian
        return 0.5 * (h[0, 0] * d1 * d1 + 2.0 * h[0, 1] * d1 * d2 + h[1, 1] * d2 * d2)

    def grad(self, x):
        x1, x2 = _xy(x)
        d1, d2 = x1 - self.center[0], x2 - self.center[1]
        h = self.hessian
        return anp.stack([h[0, 0] * d1 + h[0, 1] * d2, h[1, 0] * d1 + h[1, 1] * d2])


def quadratic(eigenvalues=(1.0, 10.0), angle: float = 0.0, center=(0.0, 0.0)) -> Quadratic:
    """A 2-D quadratic bowl with the given (positive) Hessian eigenvalues (checked by
    :class:`Quadratic` itself, so both ways of building one refuse the same input)."""
    return Quadratic(eigenvalues, angle, center)
