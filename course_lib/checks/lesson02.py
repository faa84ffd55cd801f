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
from . import (FAILED, PASSED, CheckResult, _not_attempted, brief, call_student, catalogue,
               check_array, check_function, check_number, is_stub, never_raises, report)
from ._harness import describe_failure, is_unchanged_stub, none_message

__all__ = ["himmelblau_value_and_grad", "sigmoid", "value_and_grad", "newton_step"]

_HIMMELBLAU_AT = np.array([1.0, 1.0])


@never_raises
def himmelblau_value_and_grad(value, gradient) -> CheckResult:
    """Exercise 1: Himmelblau's value and gradient at (1, 1), from one autograd call."""
    if is_stub(value) or is_stub(gradient):
        return _not_attempted("value and gradient of Himmelblau at (1, 1)")
    want_value, want_grad = ag_value_and_grad(functions.himmelblau)(_HIMMELBLAU_AT)
    first = check_number(value, float(want_value), "Himmelblau's value at (1, 1)", rtol=1e-9,
                         hint="value_and_grad(f)(x) returns the pair (value, gradient)",
                         mistakes=[(float(want_grad[0]), "that is the gradient's first "
                                    "component, not the value"),
                                   (float(want_grad[1]), "that is the gradient's second "
                                    "component, not the value")])
    if not first:
        return first
    try:
        if np.allclose(np.asarray(gradient, dtype=float), -want_grad, rtol=1e-9):
            return report(FAILED, "Himmelblau's gradient at (1, 1) has the wrong sign: that is "
                                  "the descent direction, not the gradient")
    except (TypeError, ValueError):
        pass
    return check_array(gradient, want_grad, "Himmelblau's gradient at (1, 1)", rtol=1e-9,
                       hint="the second element of the pair value_and_grad returns")


def _sigmoid_reference(x):
    return 1.0 / (1.0 + anp.exp(-x))


@never_raises
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
        outcome = call_student(lambda: fn(t))
        call = f"{name}(Tensor of shape {x.shape})"
        if not outcome.ok:
            return report(FAILED, describe_failure(outcome, call))
        out = outcome.value
        if out is None:
            if is_unchanged_stub(fn) and not outcome.printed:
                return _not_attempted(name)
            return report(FAILED, none_message(call, outcome))
        if not isinstance(out, Tensor):
            return report(FAILED, f"{name} should return a Tensor (so that backward() can go "
                                  f"through it), got {type(out).__name__}")
        want = _sigmoid_reference(x)
        if out.data.shape != want.shape or not np.allclose(out.data, want, rtol=1e-10, atol=1e-12):
            return report(FAILED, f"{name}: the forward value is wrong for x = "
                                  f"{np.array2string(x, precision=2, separator=', ')}; hint: 1 / (1 + exp(-x))")
        seed = np.random.default_rng(3).normal(size=x.shape)
        back = call_student(lambda: out.backward(seed))
        if not back.ok:
            return report(FAILED, describe_failure(back, f"{name}: backward()"))
        want_grad = seed * want * (1.0 - want)
        if t.grad is not None and np.allclose(t.grad, seed * want, rtol=1e-9, atol=1e-12):
            return report(FAILED, f"{name}: the gradient is s * g, the derivative of exp, not "
                                  f"of the sigmoid; hint: the derivative is s (1 - s)")
        if t.grad is not None and np.allclose(t.grad, -seed * want * (1.0 - want), rtol=1e-9, atol=1e-12):
            return report(FAILED, f"{name}: the gradient has the wrong sign; hint: the "
                                  f"derivative s (1 - s) is positive")
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


@never_raises
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
        outcome = call_student(fn, _custom_loss_engine, w)
        call = f"{name}(f, w = {w})"
        if not outcome.ok:
            return report(FAILED, describe_failure(outcome, call))
        got = outcome.value
        if got is None:
            if is_unchanged_stub(fn) and not outcome.printed:
                return _not_attempted(name)
            return report(FAILED, none_message(call, outcome))
        if isinstance(got, list):
            got = tuple(got)
        if not isinstance(got, tuple) or len(got) != 2:
            return report(FAILED, f"{name} should return a pair (value, gradient), got {brief(got)}")
        want_v, want_g = ag_value_and_grad(_custom_loss_autograd)(w)
        try:
            value = float(np.asarray(got[0].data if isinstance(got[0], Tensor) else got[0]))
            gradient = np.asarray(got[1], dtype=float)
        except (TypeError, ValueError):
            return report(FAILED, f"{name}: the value should be a number and the gradient an "
                                  f"array, got {brief(got)}")
        if gradient.shape == w.shape and np.allclose(gradient, 0.0) and not np.allclose(want_g, 0.0):
            return report(FAILED, f"{name}: the gradient is all zeros at w = {w}: read .grad "
                                  f"after calling backward() on the output (not before)")
        if not np.isclose(value, want_v, rtol=1e-10):
            return report(FAILED, f"{name}: value {value:.6g} at w = {w}, expected {want_v:.6g}")
        if gradient.shape != w.shape or not np.allclose(gradient, want_g, rtol=1e-9, atol=1e-12):
            return report(FAILED, f"{name}: gradient {np.array2string(gradient, precision=4)} at "
                                  f"w = {w}, expected {np.array2string(want_g, precision=4)}. "
                                  f"Hint: wrap x in a Tensor, call backward() on the output, "
                                  f"read .grad of the Tensor you made")
    return report(PASSED, f"{name} agrees with autograd's value_and_grad on {len(points)} points "
                          f"of a custom loss")


def _reference_newton_step(x, b: float = 100.0) -> np.ndarray:
    """One Newton step on Rosenbrock: ``x - H(x)^-1 g(x)`` (the course's version)."""
    x = np.asarray(x, dtype=float)
    g = functions.rosenbrock_grad(x, b=b)
    h = functions.rosenbrock_hessian(x, b=b)
    return x - np.linalg.solve(h, g)


def _newton_mistakes():
    def g(x):
        return functions.rosenbrock_grad(np.asarray(x, dtype=float))

    def h(x):
        return functions.rosenbrock_hessian(np.asarray(x, dtype=float))

    return catalogue(
        ("sign error: Newton's step is x - H^-1 g, not x + H^-1 g",
         lambda x: np.asarray(x, float) + np.linalg.solve(h(x), g(x))),
        ("that is a gradient step x - g; Newton divides by the Hessian (np.linalg.solve(H, g))",
         lambda x: np.asarray(x, float) - g(x)),
        ("return the new point x - d, not the step d", lambda x: np.linalg.solve(h(x), g(x))),
        ("H^-1 g is a matrix solve, not an elementwise division g / H",
         lambda x: np.asarray(x, float) - g(x) / np.diag(h(x))), rtol=1e-7, atol=1e-9)


@never_raises
def newton_step(fn) -> CheckResult:
    """Exercise 4: ``fn(x)`` returns the point after one Newton step on Rosenbrock (b = 100)."""
    cases = [np.array([-1.0, 2.0]), np.array([0.0, 0.0]), np.array([1.5, 1.5]),
             np.array([0.9, 0.8])]
    return check_function(fn, _reference_newton_step, cases, "newton_step", rtol=1e-8, atol=1e-10,
                          diagnose=_newton_mistakes(), label=lambda i: f"new x[{i[0]}]",
                          show=lambda a: np.array2string(np.asarray(a), precision=2,
                                                         separator=", "),
                          hint="solve H d = g with np.linalg.solve and return x - d")
