"""Conditioning and momentum on a quadratic bowl, as numbers that can be measured.

Used by lesson 01 (how badly conditioned Rosenbrock's valley is at its minimum) and
lesson 05 (the crawl of plain gradient descent, heavy-ball momentum and its speed-up).

Near a minimum a loss is a bowl with Hessian ``H``. Along an eigenvector with curvature
``lam`` plain gradient descent multiplies the error by ``1 - lr * lam`` per step; heavy-ball
momentum (Polyak 1964) ``x <- x - lr * grad + beta * (x - x_prev)`` acts on the pair
(error now, error one step ago) with the 2 x 2 matrix ``[[1 + beta - lr lam, -beta], [1, 0]]``
(:func:`heavy_ball_matrix`). The formulas here are the textbook ones (Goh, "Why Momentum
Really Works", Distill 2017); the run and measurement helpers (from
:mod:`course_lib.momentum_runs`, re-exported here) let a lesson check them.
"""
from __future__ import annotations

import math

import numpy as np

from ._validate import positive_number
from .momentum_runs import (_beta, bisect_limit, diverges, distances, heavy_ball,
                            measured_contraction, steps_to_tolerance)

__all__ = [
    "hessian_eigenvalues", "condition_number", "gd_factors", "gd_contraction",
    "best_constant_rate", "best_gd_contraction",
    "heavy_ball_matrix", "heavy_ball_radius", "heavy_ball_contraction", "heavy_ball_limit",
    "optimal_heavy_ball", "optimal_heavy_ball_contraction",
    "heavy_ball", "distances", "steps_to_tolerance", "measured_contraction",
    "diverges", "bisect_limit",
]


# --- checks ---------------------------------------------------------------------------------

def _eigen_pair(lam_min, lam_max) -> tuple:
    lo = positive_number(lam_min, "lam_min")
    hi = positive_number(lam_max, "lam_max")
    if lo > hi:
        raise ValueError(f"lam_min must not exceed lam_max, got {lam_min!r} > {lam_max!r}")
    return lo, hi


def _eigenvalues(eigenvalues) -> np.ndarray:
    lam = np.atleast_1d(np.asarray(eigenvalues, dtype=float)) if not isinstance(
        eigenvalues, str) else None
    if lam is None or lam.ndim != 1 or lam.size == 0 or not np.all(np.isfinite(lam)):
        raise ValueError(f"eigenvalues must be a non-empty sequence of finite numbers, "
                         f"got {eigenvalues!r}")
    if np.any(lam <= 0):
        raise ValueError(f"eigenvalues must be positive (a bowl), got {eigenvalues!r}")
    return lam


# --- the Hessian ------------------------------------------------------------------------------

def hessian_eigenvalues(H) -> np.ndarray:
    """The eigenvalues of a symmetric matrix ``H``, smallest first."""
    try:
        h = np.asarray(H, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"H must be a square matrix of numbers, got {H!r}") from None
    if h.ndim != 2 or h.shape[0] != h.shape[1] or h.shape[0] == 0:
        raise ValueError(f"H must be a square matrix, got shape {h.shape}")
    if not np.all(np.isfinite(h)):
        raise ValueError("H must contain only finite numbers")
    if not np.allclose(h, h.T, rtol=1e-10, atol=1e-12):
        raise ValueError("H must be symmetric (a Hessian is)")
    return np.linalg.eigvalsh(h)


def condition_number(H) -> float:
    """``kappa = lambda_max / lambda_min`` of a positive definite ``H`` (the bowl's elongation)."""
    lam = hessian_eigenvalues(H)
    if lam[0] <= 0:
        raise ValueError(f"H must be positive definite (a bowl), its smallest eigenvalue is "
                         f"{lam[0]:.4g}")
    return float(lam[-1] / lam[0])


# --- plain gradient descent -------------------------------------------------------------------

def gd_factors(lr, eigenvalues) -> np.ndarray:
    """``1 - lr * lam`` for every curvature: what one plain step does to the error there."""
    lr = positive_number(lr, "lr")
    return 1.0 - lr * _eigenvalues(eigenvalues)


def gd_contraction(lr, eigenvalues) -> float:
    """``max |1 - lr * lam|``: the factor by which the slowest direction shrinks per step
    (above 1: divergence)."""
    return float(np.max(np.abs(gd_factors(lr, eigenvalues))))


def best_constant_rate(lam_min, lam_max) -> float:
    """``2 / (lam_min + lam_max)``: the constant rate whose slowest factor is smallest."""
    lo, hi = _eigen_pair(lam_min, lam_max)
    return 2.0 / (lo + hi)


def best_gd_contraction(kappa) -> float:
    """``(kappa - 1) / (kappa + 1)``: the error factor per step at the best constant rate."""
    kappa = positive_number(kappa, "kappa")
    if kappa < 1:
        raise ValueError(f"kappa must be at least 1 (lambda_max / lambda_min), got {kappa!r}")
    return (kappa - 1.0) / (kappa + 1.0)


# --- heavy-ball momentum ---------------------------------------------------------------------

def heavy_ball_matrix(lr, lam, beta) -> np.ndarray:
    """The 2 x 2 matrix taking ``(e_t, e_{t-1})`` to ``(e_{t+1}, e_t)`` along a direction of
    curvature ``lam``: ``[[1 + beta - lr lam, -beta], [1, 0]]``."""
    lr = positive_number(lr, "lr")
    lam = positive_number(lam, "lam")
    beta = _beta(beta)
    return np.array([[1.0 + beta - lr * lam, -beta], [1.0, 0.0]])


def heavy_ball_radius(lr, lam, beta) -> float:
    """The spectral radius of :func:`heavy_ball_matrix`: the error factor per step in the
    long run along that direction (below 1 exactly when ``0 < lr lam < 2 (1 + beta)``)."""
    return float(np.max(np.abs(np.linalg.eigvals(heavy_ball_matrix(lr, lam, beta)))))


def heavy_ball_contraction(lr, eigenvalues, beta) -> float:
    """The largest :func:`heavy_ball_radius` over the curvatures: the pace of the slowest
    direction (``beta = 0`` gives :func:`gd_contraction`)."""
    return max(heavy_ball_radius(lr, lam, beta) for lam in _eigenvalues(eigenvalues))


def heavy_ball_limit(lam, beta) -> float:
    """``2 (1 + beta) / lam``: the largest stable rate with momentum ``beta`` along curvature
    ``lam`` (``2 / lam`` without momentum)."""
    return 2.0 * (1.0 + _beta(beta)) / positive_number(lam, "lam")


def optimal_heavy_ball(lam_min, lam_max) -> tuple:
    """Polyak's best ``(lr, beta)``: ``4 / (sqrt(lam_max) + sqrt(lam_min))**2`` and
    ``((sqrt(kappa) - 1) / (sqrt(kappa) + 1))**2``."""
    lo, hi = _eigen_pair(lam_min, lam_max)
    lr = 4.0 / (math.sqrt(hi) + math.sqrt(lo)) ** 2
    root = math.sqrt(hi / lo)
    return lr, ((root - 1.0) / (root + 1.0)) ** 2


def optimal_heavy_ball_contraction(kappa) -> float:
    """``(sqrt(kappa) - 1) / (sqrt(kappa) + 1)``: the error factor per step at
    :func:`optimal_heavy_ball` (plain descent's factor with ``kappa`` replaced by its root)."""
    kappa = positive_number(kappa, "kappa")
    if kappa < 1:
        raise ValueError(f"kappa must be at least 1 (lambda_max / lambda_min), got {kappa!r}")
    root = math.sqrt(kappa)
    return (root - 1.0) / (root + 1.0)
