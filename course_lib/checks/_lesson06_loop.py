"""Exercise 4 of lesson 06 (the range-test loop): the small problems its checker
(:func:`course_lib.checks.lesson06.range_test_loop`) runs, the reference, and the loop with
each typical mistake (used by the catalogue's tests)."""
from __future__ import annotations

import copy

import numpy as np

from .. import lr_finder


def _ls_problem():
    """A small least-squares problem in a dict of parameters, four noisy minibatches."""
    rng = np.random.default_rng(6)
    x = rng.standard_normal((64, 3)) * np.array([0.5, 1.0, 2.0])
    y = x @ np.array([1.0, -2.0, 0.5]) + 0.3 + 0.1 * rng.standard_normal(64)
    batches = [(x[i::4], y[i::4]) for i in range(4)]

    def loss_and_grad(params, batch):
        xb, yb = batch
        err = xb @ params["w"] + params["b"] - yb
        return float(np.mean(err ** 2)), {"w": 2 * xb.T @ err / len(yb),
                                          "b": np.array(2 * np.mean(err))}

    return loss_and_grad, {"w": np.zeros(3), "b": np.array(0.0)}, batches


def _log_problem():
    """``mean(c * w - log(w))``: the loss becomes nan once a step throws ``w`` below 0."""
    rng = np.random.default_rng(7)
    batches = [rng.uniform(0.5, 1.5, 3) for _ in range(3)]

    def loss_and_grad(params, c):
        w = params["w"]
        with np.errstate(invalid="ignore", divide="ignore"):
            return float(np.mean(c * w - np.log(w))), {"w": (c - 1.0 / w) / len(w)}

    return loss_and_grad, {"w": np.full(3, 3.0)}, batches


def _loop_cases():
    """(problem, min_lr, max_lr, steps, diverge_factor, what the reference does)."""
    return [(_ls_problem, 1e-4, 10.0, 40, 4.0), (_ls_problem, 1e-4, 0.1, 30, 4.0),
            (_log_problem, 1e-3, 100.0, 20, 4.0)]


def _reference_loop(loss_and_grad, params, batches, min_lr, max_lr, steps, factor):
    return lr_finder.lr_range_test(lambda p, b: loss_and_grad(p, b)[0], params, batches,
                                   min_lr, max_lr, steps, smoothing=0.0,
                                   diverge_factor=factor, grad_fn=loss_and_grad)


def _range_loop(loss_and_grad, params, batches, min_lr, max_lr, steps, diverge_factor=4.0, *,
                mistake=None):
    """The exercise's loop, right (``mistake=None``) or with one typical mistake (the
    catalogue's tests use these)."""
    p = {"alias": params, "inplace": dict(params)}.get(mistake, None)
    if p is None:
        p = copy.deepcopy(params)
    saved = copy.deepcopy(params)
    lrs, losses, best = [], [], np.inf
    for i in range(steps):
        frac = {"endpoint": i / steps, "first": (i + 1) / steps}.get(mistake, i / (steps - 1))
        if mistake == "linear":
            lr = min_lr + (max_lr - min_lr) * frac
        elif mistake == "logspace":
            lr = float(np.logspace(min_lr, max_lr, steps)[i])
        else:
            lr = min_lr * (max_lr / min_lr) ** frac
        loss, grads = loss_and_grad(p, batches[i % len(batches)])
        if mistake == "after":
            loss = loss_and_grad({k: p[k] - lr * grads[k] for k in p}, batches[i % len(batches)])[0]
        if not np.isfinite(loss) and mistake != "record_nan":
            break
        if mistake == "drop_last" and loss > diverge_factor * best:
            break
        lrs.append(lr)
        losses.append(loss)
        if not np.isfinite(loss):
            break
        best = min(best, loss)
        if mistake == "on_rise" and len(losses) > 1 and loss > losses[-2]:
            break
        bar = losses[0] if mistake == "first_loss" else best
        if mistake not in ("no_stop", "drop_last") and loss > diverge_factor * bar:
            break
        for k in p:
            if mistake == "inplace":
                p[k] -= lr * grads[k]
            else:
                p[k] = p[k] - lr * grads[k]
    if mistake == "lengths":
        lrs = list(min_lr * (max_lr / min_lr) ** (np.arange(steps) / (steps - 1)))
    model = p if mistake in ("no_restore", "inplace") else saved
    return np.array(lrs), np.array(losses), model


def _sweep(kind):
    def rates(min_lr, max_lr, steps, n):
        i = np.arange(n)
        with np.errstate(over="ignore"):
            if kind == "linear":
                return min_lr + (max_lr - min_lr) * i / (steps - 1)
            if kind == "endpoint":
                return min_lr * (max_lr / min_lr) ** (i / steps)
            if kind == "first":
                return min_lr * (max_lr / min_lr) ** ((i + 1) / steps)
            return np.logspace(min_lr, max_lr, steps)[:n]
    return rates
