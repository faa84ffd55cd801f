"""Checkers for lesson 02 (automatic differentiation).

``from course_lib.checks import lesson02 as check``; every checker prints one line
(✅, ❌ with a hint, or ⏳ not attempted yet) and never raises.
"""
from __future__ import annotations

import autograd.numpy as anp
import numpy as np
from autograd import value_and_grad as ag_value_and_grad

from .. import functions
from ..autodiff import Tensor
from . import (FAILED, PASSED, CheckResult, _not_attempted, check_array, check_function,
               check_number, is_stub, report)

__all__ = ["himmelblau_value_and_grad", "sigmoid", "value_and_grad", "newton_step",
           "reference_newton_step"]

_HIMMELBLAU_AT = np.array([1.0, 1.0])


def himmelblau_value_and_grad(value, gradient) -> CheckResult:
    """Exercise 1: Himmelblau's value and gradient at (1, 1), from one autograd call."""
    if is_stub(value) or is_stub(gradient):
        return _not_attempted("value and gradient of Himmelblau at (1, 1)")
    want_value, want_grad = ag_value_and_grad(functions.himmelblau)(_HIMMELBLAU_AT)
    first = check_number(value, float(want_value), "Himmelblau's value at (1, 1)", rtol=1e-9,
                         hint="value_and_grad(f)(x) returns the pair (value, gradient)")
    if not first:
        return first
    return check_array(gradient, want_grad, "Himmelblau's gradient at (1, 1)", rtol=1e-9,
                       hint="the second element of the pair value_and_grad returns")


def _sigmoid_reference(x):
    return 1.0 / (1.0 + anp.exp(-x))


def sigmoid(fn) -> CheckResult:
    """Exercise 2: ``fn(t)`` is the logistic sigmoid of a Tensor, with its backward rule."""
    name = "sigmoid"
    if is_stub(fn):
        return _not_attempted(name)
    if not callable(fn):
        return report(FAILED, f"{name} should be a function of a Tensor, got {fn!r}")
    xs = [np.array(0.0), np.array([-3.0, -0.5, 0.0, 0.7, 4.0]),
          np.random.default_rng(2).normal(size=(3, 4))]
    for x in xs:
        t = Tensor(x)
        try:
            out = fn(t)
        except Exception as exc:  # the student's code failed: say how, never re-raise
            return report(FAILED, f"{name}(Tensor of shape {x.shape}) raised "
                                  f"{type(exc).__name__}: {exc}")
        if out is None:
            return _not_attempted(name)
        if not isinstance(out, Tensor):
            return report(FAILED, f"{name} should return a Tensor (so that backward() can go "
                                  f"through it), got {type(out).__name__}")
        want = _sigmoid_reference(x)
        if out.data.shape != want.shape or not np.allclose(out.data, want, rtol=1e-10, atol=1e-12):
            return report(FAILED, f"{name}: the forward value is wrong for x = "
                                  f"{np.array2string(x, precision=2, separator=', ')}; hint: 1 / (1 + exp(-x))")
        seed = np.random.default_rng(3).normal(size=x.shape)
        try:
            out.backward(seed)
        except Exception as exc:
            return report(FAILED, f"{name}: backward() raised {type(exc).__name__}: {exc}")
        want_grad = seed * want * (1.0 - want)
        if not np.allclose(t.grad, want_grad, rtol=1e-9, atol=1e-12):
            return report(FAILED, f"{name}: the gradient is wrong for x = "
                                  f"{np.array2string(x, precision=2, separator=', ')}; hint: the derivative "
                                  f"is s (1 - s), where s = sigmoid(x), times the incoming g")
    return report(PASSED, f"{name}: value and gradient agree with autograd on {len(xs)} inputs")


def _custom_loss_engine(w: Tensor) -> Tensor:
    x = np.array([-1.0, 0.5, 2.0])
    y = np.array([0.0, 1.0, 1.0])
    z = w[0] * x + w[1]
    return ((1.0 + (-z).exp()).log() + (1.0 - y) * z).mean()


def _custom_loss_autograd(w):
    x = np.array([-1.0, 0.5, 2.0])
    y = np.array([0.0, 1.0, 1.0])
    z = w[0] * x + w[1]
    return anp.mean(anp.log(1.0 + anp.exp(-z)) + (1.0 - y) * z)


def value_and_grad(fn) -> CheckResult:
    """Exercise 3: ``fn(f, x)`` returns ``(f(x) as a float, gradient as an array)`` using the
    course engine, for ``f`` written with Tensor operations."""
    name = "value_and_grad"
    if is_stub(fn):
        return _not_attempted(name)
    if not callable(fn):
        return report(FAILED, f"{name} should be a function, got {fn!r}")
    points = [np.array([0.5, -0.3]), np.array([-1.0, 2.0]), np.array([0.0, 0.0])]
    for w in points:
        try:
            got = fn(_custom_loss_engine, w.copy())
        except Exception as exc:
            return report(FAILED, f"{name} raised {type(exc).__name__}: {exc}")
        if got is None:
            return _not_attempted(name)
        if not isinstance(got, tuple) or len(got) != 2:
            return report(FAILED, f"{name} should return a pair (value, gradient), got {got!r}")
        want_v, want_g = ag_value_and_grad(_custom_loss_autograd)(w)
        try:
            value = float(np.asarray(got[0].data if isinstance(got[0], Tensor) else got[0]))
            gradient = np.asarray(got[1], dtype=float)
        except (TypeError, ValueError):
            return report(FAILED, f"{name}: the value should be a number and the gradient an "
                                  f"array, got {got!r}")
        if not np.isclose(value, want_v, rtol=1e-10):
            return report(FAILED, f"{name}: value {value:.6g} at w = {w}, expected {want_v:.6g}")
        if gradient.shape != w.shape or not np.allclose(gradient, want_g, rtol=1e-9, atol=1e-12):
            return report(FAILED, f"{name}: gradient {np.array2string(gradient, precision=4)} at "
                                  f"w = {w}, expected {np.array2string(want_g, precision=4)}. "
                                  f"Hint: wrap x in a Tensor, call backward() on the output, "
                                  f"read .grad of the Tensor you made")
    return report(PASSED, f"{name} agrees with autograd's value_and_grad on {len(points)} points "
                          f"of a custom loss")


def reference_newton_step(x, b: float = 100.0) -> np.ndarray:
    """One Newton step on Rosenbrock: ``x - H(x)^-1 g(x)`` (the course's version)."""
    x = np.asarray(x, dtype=float)
    g = functions.rosenbrock_grad(x, b=b)
    h = functions.rosenbrock_hessian(x, b=b)
    return x - np.linalg.solve(h, g)


def newton_step(fn) -> CheckResult:
    """Exercise 4: ``fn(x)`` returns the point after one Newton step on Rosenbrock (b = 100)."""
    cases = [np.array([-1.0, 2.0]), np.array([0.0, 0.0]), np.array([1.5, 1.5]),
             np.array([0.9, 0.8])]
    return check_function(fn, reference_newton_step, cases, "newton_step", rtol=1e-8, atol=1e-10,
                          show=lambda a: np.array2string(np.asarray(a), precision=2,
                                                         separator=", "),
                          hint="solve H d = g with np.linalg.solve and return x - d")
