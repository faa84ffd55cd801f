"""Checkers for lesson 04: the training loop (minibatches, momentum, evaluate)."""
from __future__ import annotations

import numpy as np

from .. import models, optimizers, training
from . import FAILED, PASSED, CheckResult, _not_attempted, check_function, is_stub, report

__all__ = ["minibatch_iterator", "momentum_step", "evaluate"]


def minibatch_iterator(fn) -> CheckResult:
    """``fn(x, y, batch_size, rng)`` returns (or yields) one epoch of ``(x_batch, y_batch)``
    pairs in a random order, every sample exactly once, the last batch possibly smaller."""
    name = "minibatch_iterator"
    if is_stub(fn):
        return _not_attempted(name)
    hint = (" Hint: draw order = rng.permutation(len(x)) once, then slice it in steps of "
            "batch_size: order[start:start + batch_size]")
    for n, bs in ((10, 3), (12, 4), (7, 10), (50, 1)):
        x = np.arange(n, dtype=float)[:, None] * np.ones((1, 2))
        y = np.arange(n)
        try:
            out = fn(x, y, bs, np.random.default_rng(0))
            if out is None:
                return _not_attempted(name)
            batches = list(out)
        except Exception as exc:  # the student's code failed: say how, never re-raise
            return report(FAILED, f"{name}(x of {n} rows, batch_size={bs}) raised "
                                  f"{type(exc).__name__}: {exc}.{hint}")
        sizes = [len(b[1]) for b in batches]
        want = [bs] * (n // bs) + ([n % bs] if n % bs else [])
        if sizes != want:
            return report(FAILED, f"{name} with {n} samples and batch_size={bs} gave batch sizes "
                                  f"{sizes}, expected {want} (keep the last, smaller batch).{hint}")
        seen = np.concatenate([b[1] for b in batches])
        if sorted(seen.tolist()) != list(range(n)):
            return report(FAILED, f"{name}: every sample must appear exactly once per epoch; "
                                  f"with {n} samples got labels {seen.tolist()}.{hint}")
        if any(not np.array_equal(bx[:, 0], by) for bx, by in batches):
            return report(FAILED, f"{name}: x_batch and y_batch must come from the same rows.{hint}")
        if n >= 10 and np.array_equal(seen, np.arange(n)):
            return report(FAILED, f"{name}: the samples came in their original order; shuffle "
                                  f"them with the rng.{hint}")
    return report(PASSED, f"{name}: every sample once per epoch, shuffled, last batch kept")


def _momentum(p, g, v, lr, beta):
    opt = optimizers.Momentum(beta=beta)
    new_p, new_v = opt.step(p, g, v, lr)
    return np.stack([new_p, new_v])


def momentum_step(fn) -> CheckResult:
    """``fn(params, grads, velocity, lr, beta)`` returns ``(new_params, new_velocity)`` of the
    heavy-ball rule ``v <- beta v + g``, ``p <- p - lr v``."""
    rng = np.random.default_rng(4)
    cases = [tuple(rng.standard_normal(3) for _ in range(3)) + (0.1, 0.9),
             (np.array([1.0, -2.0]), np.array([0.5, 0.5]), np.zeros(2), 0.2, 0.0),
             (np.array([0.0]), np.array([1.0]), np.array([2.0]), 0.05, 0.5)]

    def wrapped(*args):
        out = fn(*args)
        return None if out is None else np.stack([np.asarray(o, dtype=float) for o in out])

    if is_stub(fn):
        return _not_attempted("momentum_step")
    return check_function(wrapped, _momentum, cases, "momentum_step", rtol=1e-12,
                          show=lambda a: f"array{np.shape(a)}" if np.ndim(a) else f"{a:g}",
                          hint="first the velocity v = beta * v + g, then p = p - lr * v; "
                               "return both")


def _evaluate(params, x, y):
    res = training.evaluate(params, "mlp", x, y, "cross_entropy")
    return np.array([res["loss"], res["accuracy"]])


def evaluate(fn) -> CheckResult:
    """``fn(params, x, y)`` returns ``(loss, accuracy)`` of the MLP: mean softmax
    cross-entropy and the fraction of correct predictions, with no update."""
    rng = np.random.default_rng(5)
    cases = []
    for seed, n in ((0, 20), (1, 7)):
        params = models.init_mlp((4, 5, 3), seed=seed)
        cases.append((params, rng.standard_normal((n, 4)), rng.integers(0, 3, n)))

    def wrapped(*args):
        out = fn(*args)
        return None if out is None else np.asarray([float(o) for o in out])

    if is_stub(fn):
        return _not_attempted("evaluate")
    return check_function(wrapped, _evaluate, cases, "evaluate", rtol=1e-9,
                          show=lambda a: "params" if isinstance(a, dict) else f"array{np.shape(a)}",
                          hint="logits = models.mlp(params, x); loss = "
                               "models.cross_entropy(logits, y); accuracy = mean(argmax == y)")
