"""Checkers for lesson 04: the training loop (minibatches, momentum, evaluate)."""
from __future__ import annotations

import numpy as np

from .. import models, optimizers, training
from . import (FAILED, PASSED, CheckResult, _not_attempted, brief, call_student, check_function,
               is_stub, never_raises, report, take)
from ._harness import WrongForm, describe_failure, is_unchanged_stub, none_message

__all__ = ["minibatch_iterator", "momentum_step", "evaluate"]


def _batches(out) -> list:
    """At most a bounded number of batches from whatever the student returned."""
    if isinstance(out, (str, bytes)) or not hasattr(out, "__iter__"):
        raise WrongForm(f"expected an iterable of (x_batch, y_batch) pairs, got {brief(out)}")
    return take(out, 200)


def _as_pair(batch):
    """``(x_batch, y_batch)`` as arrays, or a sentence saying why the batch is not such a pair."""
    if isinstance(batch, (str, bytes)) or not hasattr(batch, "__len__") or len(batch) != 2:
        return f"each batch should be a pair (x_batch, y_batch), got {brief(batch)}"
    try:
        bx, by = np.asarray(batch[0], dtype=float), np.asarray(batch[1], dtype=float)
    except (TypeError, ValueError):
        return f"each batch should hold arrays of numbers, got {brief(batch)}"
    if bx.ndim != 2 or by.ndim != 1:
        return (f"x_batch should have 2 axes (rows, features) and y_batch 1, got shapes "
                f"{bx.shape} and {by.shape}")
    return bx, by


@never_raises
def minibatch_iterator(fn) -> CheckResult:
    """``fn(x, y, batch_size, rng)`` returns (or yields) one epoch of ``(x_batch, y_batch)``
    pairs in a random order, every sample exactly once, the last batch possibly smaller."""
    name = "minibatch_iterator"
    if is_stub(fn):
        return _not_attempted(name)
    if not callable(fn):
        return report(FAILED, f"{name} should be a function, got {brief(fn)}")
    hint = (" Hint: draw order = rng.permutation(len(x)) once, then slice it in steps of "
            "batch_size: order[start:start + batch_size]")
    for n, bs in ((10, 3), (12, 4), (7, 10), (50, 1)):
        x = np.arange(n, dtype=float)[:, None] * np.ones((1, 2))
        y = np.arange(n)
        call = f"{name}(x of {n} rows, batch_size={bs})"
        outcome = call_student(fn, x, y, bs, np.random.default_rng(0), consume=_batches)
        if not outcome.ok:
            return report(FAILED, describe_failure(outcome, call))
        if outcome.value is None:
            if is_unchanged_stub(fn) and not outcome.printed:
                return _not_attempted(name)
            return report(FAILED, none_message(call, outcome) + " (or `yield` each batch)")
        raw = outcome.value
        if len(raw) > n:
            return report(FAILED, f"{call} gave more than {n} batches (an endless iterator?): "
                                  f"one epoch has ceil(n / batch_size) batches.{hint}")
        batches = []
        for b in raw:
            pair = _as_pair(b)
            if isinstance(pair, str):
                return report(FAILED, f"{call}: {pair}.{hint}")
            batches.append(pair)
        sizes = [len(b[1]) for b in batches]
        want = [bs] * (n // bs) + ([n % bs] if n % bs else [])
        if sizes != want:
            extra = ""
            if sizes == [bs] * (n // bs) and n % bs:
                extra = " (the last, smaller batch is missing: do not drop it)"
            return report(FAILED, f"{name} with {n} samples and batch_size={bs} gave batch sizes "
                                  f"{brief(sizes)}, expected {brief(want)}{extra}.{hint}")
        seen = np.concatenate([b[1] for b in batches]) if batches else np.array([])
        if sorted(seen.tolist()) != list(range(n)):
            return report(FAILED, f"{name}: every sample must appear exactly once per epoch; "
                                  f"with {n} samples got labels {brief(seen.tolist())} (sampling "
                                  f"with replacement? use a permutation).{hint}")
        if any(not np.array_equal(bx[:, 0], by) for bx, by in batches):
            return report(FAILED, f"{name}: x_batch and y_batch must come from the same rows "
                                  f"(shuffle both with one permutation, not each on its own).{hint}")
        if n >= 10 and np.array_equal(seen, np.arange(n)):
            return report(FAILED, f"{name}: the samples came in their original order; shuffle "
                                  f"them with the rng.{hint}")
    return report(PASSED, f"{name}: every sample once per epoch, shuffled, last batch kept")


def _momentum(p, g, v, lr, beta):
    opt = optimizers.Momentum(beta=beta)
    new_p, new_v = opt.step(p, g, v, lr)
    return np.stack([new_p, new_v])


def _pair_of_arrays(out):
    items = take(out, 3) if not isinstance(out, np.ndarray) else list(out)
    if len(items) != 2:
        raise WrongForm(f"return two things, (new_params, new_velocity); got {len(items)}")
    return np.stack([np.asarray(o, dtype=float) for o in items])


def _momentum_label(index) -> str:
    return f"{('new_params', 'new_velocity')[index[0]]}[{index[1]}]"


def _momentum_mistake(got, args) -> "str | None":
    p, g, v, lr, beta = args
    close = lambda a, b: np.shape(a) == np.shape(b) and np.allclose(a, b, rtol=1e-9, atol=1e-12)  # noqa: E731
    v_new = beta * v + g
    if close(got, np.stack([p + lr * v_new, v_new])):
        return "sign error: step against the velocity, p - lr * v"
    if close(got, np.stack([p - lr * v, v_new])) and not close(v, v_new):
        return "the params moved with the old velocity: update v first, then use the new v"
    if close(got, np.stack([p - lr * (v + g), v + g])) and beta != 1:
        return "the velocity forgot beta: v = beta * v + g, so old velocities fade"
    if close(got[1], beta * v + lr * g):
        return ("your velocity includes lr (v = beta * v + lr * g); this course's velocity is "
                "beta * v + g and the step is lr * v")
    if close(got, np.stack([v_new, p - lr * v_new])):
        return "the two results are swapped: return (new_params, new_velocity)"
    return None


@never_raises
def momentum_step(fn) -> CheckResult:
    """``fn(params, grads, velocity, lr, beta)`` returns ``(new_params, new_velocity)`` of the
    heavy-ball rule ``v <- beta v + g``, ``p <- p - lr v`` (lesson 04, exercise 2)."""
    rng = np.random.default_rng(4)
    cases = [tuple(rng.standard_normal(3) for _ in range(3)) + (0.1, 0.9),
             (np.array([1.0, -2.0]), np.array([0.5, 0.5]), np.zeros(2), 0.2, 0.0),
             (np.array([0.0]), np.array([1.0]), np.array([2.0]), 0.05, 0.5)]
    return check_function(fn, _momentum, cases, "momentum_step", rtol=1e-12,
                          show=lambda a: f"array{np.shape(a)}" if np.ndim(a) else f"{a:g}",
                          convert=_pair_of_arrays, label=_momentum_label,
                          diagnose=_momentum_mistake,
                          hint="first the velocity v = beta * v + g, then p = p - lr * v; "
                               "return both")


def _evaluate(params, x, y):
    res = training.evaluate(params, "mlp", x, y, "cross_entropy")
    return np.array([res["loss"], res["accuracy"]])


def _two_numbers(out):
    items = take(out, 3)
    if len(items) != 2:
        raise WrongForm(f"return two numbers, (loss, accuracy); got {len(items)} values")
    return np.asarray([float(o) for o in items])


def _evaluate_mistake(got, args) -> "str | None":
    params, x, y = args
    want = _evaluate(params, x, y)
    if np.isclose(got[1], 100 * want[1]) and want[1] > 0:
        return "the accuracy is a fraction between 0 and 1, not a percentage"
    if np.isclose(got[0], len(y) * want[0]):
        return "the loss is the sum over samples: take the mean"
    if np.isclose(got[0], want[1]) and np.isclose(got[1], want[0]):
        return "the two results are swapped: return (loss, accuracy)"
    return None


@never_raises
def evaluate(fn) -> CheckResult:
    """``fn(params, x, y)`` returns ``(loss, accuracy)`` of the MLP: mean softmax
    cross-entropy and the fraction of correct predictions, with no update (lesson 04, exercise 3)."""
    rng = np.random.default_rng(5)
    cases = []
    for seed, n in ((0, 20), (1, 7)):
        params = models.init_mlp((4, 5, 3), seed=seed)
        cases.append((params, rng.standard_normal((n, 4)), rng.integers(0, 3, n)))
    return check_function(fn, _evaluate, cases, "evaluate", rtol=1e-9,
                          show=lambda a: "params" if isinstance(a, dict) else f"array{np.shape(a)}",
                          convert=_two_numbers, label=lambda i: ("loss", "accuracy")[i[0]],
                          diagnose=_evaluate_mistake,
                          hint="logits = models.mlp(params, x); loss = "
                               "models.cross_entropy(logits, y); accuracy = mean(argmax == y)")
