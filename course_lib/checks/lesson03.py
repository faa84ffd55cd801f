"""Checkers for lesson 03: loss surfaces of the one-layer model, random directions, basins."""
from __future__ import annotations

import numpy as np

from .. import data, functions, surfaces
from . import CheckResult, catalogue, check_between, check_function, never_raises

__all__ = ["mse_surface", "mae_gradient", "downhill_fraction", "expected_downhill_fraction",
           "descend_many"]


def _data(seed, n=30):
    return data.linear_data(n=n, seed=seed)


def _surface_case(seed):
    x, y = _data(seed)
    return (x, y, np.linspace(-1.0, 4.0, 7), np.linspace(-3.0, 1.0, 5))


def _mse_surface(x, y, kernels, biases):
    return surfaces.linear_surface(x, y, kernels, biases, "mse")[2]


@never_raises
def mse_surface(fn) -> CheckResult:
    """Lesson 03, exercise 1: ``fn(x, y, kernels, biases)`` returns the MSE grid of shape
    ``(len(biases), len(kernels))``."""
    cases = [_surface_case(s) for s in (1, 2)]
    diagnose = catalogue(
        ("wrong axis order: rows are biases, columns kernels (np.meshgrid(kernels, biases))",
         lambda x, y, k, b: _mse_surface(x, y, k, b).T),
        ("that is the MAE surface (absolute error); square the error instead",
         lambda x, y, k, b: surfaces.linear_surface(x, y, k, b, "mae")[2]),
        ("the sum over samples, not the mean", lambda x, y, k, b: len(x) * _mse_surface(x, y, k, b)),
        ("forgot the bias: the prediction is kernel * x + bias",
         lambda x, y, k, b: surfaces.linear_surface(x, y, k, np.zeros_like(b), "mse")[2]))
    return check_function(fn, _mse_surface, cases, "mse_surface", rtol=1e-9, diagnose=diagnose,
                          label=lambda i: f"loss[bias {i[0]}, kernel {i[1]}]",
                          show=lambda a: f"array{np.shape(a)}",
                          hint="build K, B = np.meshgrid(kernels, biases), predictions "
                               "K[..., None] * x + B[..., None] of shape (biases, kernels, n), "
                               "then average the squared error over the last axis")


def _mae_gradient(kernel, bias, x, y):
    return np.array(surfaces.linear_surface_grad(x, y, kernel, bias, "mae"))


@never_raises
def mae_gradient(fn) -> CheckResult:
    """Lesson 03, exercise 2: ``fn(kernel, bias, x, y)`` returns ``(dMAE/dkernel, dMAE/dbias)``."""
    x, y = _data(3)
    cases = [(2.5, -0.5, x, y), (0.0, 0.0, x, y), (-1.0, 2.0, x, y), (1.9, -1.1, x, y)]
    diagnose = catalogue(
        ("sign error: e = kernel * x + bias - y (prediction minus target)",
         lambda k, b, x, y: -_mae_gradient(k, b, x, y)),
        ("that is the MSE gradient (2 e); the derivative of |e| is sign(e)",
         lambda k, b, x, y: np.array(surfaces.linear_surface_grad(x, y, k, b, "mse"))),
        ("the two components are swapped: (d/dkernel, d/dbias)",
         lambda k, b, x, y: _mae_gradient(k, b, x, y)[::-1]))
    return check_function(fn, lambda *a: _mae_gradient(*a), cases, "mae_gradient", rtol=1e-9,
                          diagnose=diagnose, label=lambda i: ("dMAE/dkernel", "dMAE/dbias")[i[0]],
                          show=lambda a: f"array{np.shape(a)}" if np.ndim(a) else f"{a:g}",
                          hint="the derivative of |e| is sign(e): average sign(e) * x for the "
                               "kernel and sign(e) for the bias, with e = kernel * x + bias - y")


def expected_downhill_fraction(dim: int = 100, step: float = 0.1) -> float:
    """The exact probability that a random unit direction lowers the bowl (see
    :func:`course_lib.surfaces.downhill_probability`)."""
    return surfaces.downhill_probability(dim, step)


@never_raises
def downhill_fraction(answer, dim: int = 100, step: float = 0.1) -> CheckResult:
    """The measured fraction of random directions that lower the bowl's loss in ``dim`` dimensions."""
    p = expected_downhill_fraction(dim, step)
    return check_between(answer, p - 0.03, p + 0.03, f"fraction downhill in {dim} dimensions",
                         mistakes=[(0.5, "one half is the small-step limit: with a finite step "
                                         "the fraction is lower; measure it"),
                                   (100 * p, "a fraction is between 0 and 1, not a percentage")],
                         hint="draw 10000 directions with rng.standard_normal((10000, dim)), "
                              "divide each row by its norm, and count the rows u for which "
                              "loss(w + step * u) < loss(w)")


def _reference_descend_many(starts, lr, steps):
    """Gradient descent on Himmelblau from every column of ``starts`` (shape ``(2, N)``) at once."""
    p = np.array(starts, dtype=float)
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(steps):
            p = p - lr * functions.himmelblau_grad(p)
    return p


@never_raises
def descend_many(fn) -> CheckResult:
    """Lesson 03, exercise 4: ``fn(starts, lr, steps)`` returns the end points (shape ``(2, N)``)
    of plain gradient descent on Himmelblau from every start at once."""
    rng = np.random.default_rng(3)
    cases = [(rng.uniform(-5, 5, size=(2, 6)), 0.01, 50), (np.array([[0.0, 1.0], [0.0, -1.0]]), 0.005, 10)]
    diagnose = catalogue(
        ("off by one: that is steps - 1 updates", lambda s, lr, n: _reference_descend_many(s, lr, n - 1)),
        ("sign error: step downhill, p - lr * gradient", lambda s, lr, n: _reference_descend_many(s, -lr, n)),
        ("wrong axis: the starts are the columns of a (2, N) array; return that shape",
         lambda s, lr, n: _reference_descend_many(s, lr, n).T),
        ("you returned the starts: update p inside the loop", lambda s, lr, n: np.asarray(s, float)))
    return check_function(fn, _reference_descend_many, cases, "descend_many", rtol=1e-9,
                          diagnose=diagnose, label=lambda i: f"end point {i[1]}, x{i[0] + 1}",
                          show=lambda a: f"array{np.shape(a)}" if np.ndim(a) else f"{a:g}",
                          hint="functions.himmelblau_grad(p) takes the whole (2, N) array: "
                               "repeat p = p - lr * himmelblau_grad(p) `steps` times")
