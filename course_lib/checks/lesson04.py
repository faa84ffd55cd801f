"""Checkers for lesson 04: the training loop (minibatches, momentum, evaluate)."""
from __future__ import annotations

import numpy as np

from .. import adaptive, models, optimizers, training
from . import (FAILED, PASSED, CheckResult, _not_attempted, brief, call_student, catalogue,
               check_function, is_stub, never_raises, report, take)
from ._harness import WrongForm, describe_failure, is_unchanged_stub, none_message

__all__ = ["minibatch_iterator", "momentum_step", "evaluate", "adam_step"]


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
    cross-entropy and the fraction of correct predictions, with no update (lesson 04, exercise 4)."""
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


# --- exercise 3: one Adam update -------------------------------------------------------------

def _adam(p, g, m, v, t, lr, beta1, beta2, eps):
    return np.stack(adaptive.adam_step(p, g, m, v, t, lr, beta1, beta2, eps))


def _adam_cases() -> list:
    """Inputs (params, grads, m, v, t, lr, beta1, beta2, eps): a first step, a later step with
    moments from earlier steps, and one with tiny gradients (where eps's place matters)."""
    rng = np.random.default_rng(6)
    p, g = rng.standard_normal(4), rng.standard_normal(4)
    m, v = 0.3 * rng.standard_normal(4), 0.5 * rng.random(4) + 0.1
    tiny = np.array([1e-5, -3e-6, 2e-5])
    return [(p, g, np.zeros(4), np.zeros(4), 1, 0.01, 0.9, 0.999, 1e-8),
            (p, g, m, v, 5, 0.001, 0.9, 0.999, 1e-8),
            (np.array([0.5, -1.0, 2.0]), tiny, 0.5 * tiny, 0.5 * tiny ** 2, 3, 0.1, 0.8, 0.99, 1e-6)]


def _adam_triple(out):
    items = take(out, 4) if not isinstance(out, np.ndarray) else list(out)
    if len(items) != 3:
        raise WrongForm(f"return three things, (new_params, new_m, new_v); got {len(items)}")
    arrays = [np.asarray(o, dtype=float) for o in items]
    shapes = {a.shape for a in arrays}
    if len(shapes) != 1:
        raise WrongForm(f"new_params, new_m and new_v must each have the shape of params; got "
                        f"shapes {[a.shape for a in arrays]}")
    return np.stack(arrays)


def _adam_label(index) -> str:
    return f"{('new_params', 'new_m', 'new_v')[index[0]]}[{index[1]}]"


def _adam_variant(correct=True, t_shift=0, sqrt=True, eps_inside=False, return_hats=False):
    """A (possibly wrong) Adam update, for the catalogue of typical mistakes."""
    def update(p, g, m, v, t, lr, b1, b2, eps):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        tt = t + t_shift
        m_hat, v_hat = (m / (1 - b1 ** tt), v / (1 - b2 ** tt)) if correct else (m, v)
        root = np.sqrt(v_hat + eps) if eps_inside else (np.sqrt(v_hat) + eps if sqrt else v_hat + eps)
        new_p = p - lr * m_hat / root
        return np.stack([new_p, m_hat, v_hat] if return_hats else [new_p, m, v])
    return update


def _adam_swap(p, g, m, v, t, lr, b1, b2, eps):
    """beta1 and beta2 exchanged: the mean of the gradient forgets slowly, the square fast."""
    return _adam(p, g, m, v, t, lr, b2, b1, eps)


def _adam_sign(p, g, m, v, t, lr, b1, b2, eps):
    new_p, new_m, new_v = _adam(p, g, m, v, t, lr, b1, b2, eps)
    return np.stack([2 * p - new_p, new_m, new_v])


def _changed_inputs(fn, args) -> list:
    """Names of the arrays among params, grads, m, v that ``fn`` changed in place (on its own
    copies), when its result is right; ``[]`` when it is wrong, ``None`` when the call failed
    (other checks then speak)."""
    seen = []

    def probe(*copies):
        seen.append(copies)
        return fn(*copies)

    with np.errstate(all="ignore"):
        outcome = call_student(probe, *args, consume=_adam_triple)
        if not outcome.ok or outcome.value is None or not seen:
            return None                       # check_function will say what went wrong
        want = _adam(*args)
    got = outcome.value
    if got.shape != want.shape or not np.allclose(got, want, rtol=1e-9, atol=1e-15):
        return []
    names = ("params", "grads", "m", "v")
    return [n for n, before, after in zip(names, args[:4], seen[0][:4])
            if isinstance(after, np.ndarray) and not np.array_equal(before, after)]


@never_raises
def adam_step(fn) -> CheckResult:
    """``fn(params, grads, m, v, t, lr, beta1, beta2, eps)`` returns ``(new_params, new_m,
    new_v)`` of one Adam update with bias correction, ``t`` = 1 for the first update, without
    changing its inputs (lesson 04, exercise 3)."""
    name = "adam_step"
    diagnose = catalogue(
        ("no bias correction: divide m by (1 - beta1**t) and v by (1 - beta2**t) before the "
         "step (both start at 0, so early on they are too small)", _adam_variant(correct=False)),
        ("the bias correction counts t from 0: t is the number of this update, 1 for the first, "
         "so use beta1**t (beta1**(t - 1) divides by 0 at the first step)",
         _adam_variant(t_shift=-1)),
        ("the bias correction is one step ahead: use beta1**t and beta2**t, not t + 1 (t is "
         "already 1 at the first update)", _adam_variant(t_shift=1)),
        ("the square root is missing: divide by sqrt(v_hat) + eps, not v_hat + eps",
         _adam_variant(sqrt=False)),
        ("eps is inside the square root: use sqrt(v_hat) + eps (with tiny gradients, as in this "
         "test, sqrt(v_hat + eps) is far larger than sqrt(v_hat))", _adam_variant(eps_inside=True)),
        ("you returned the corrected m_hat and v_hat: return the raw running means m and v "
         "(the correction is applied afresh at every step)", _adam_variant(return_hats=True)),
        ("beta1 and beta2 are swapped: m uses beta1 (0.9), v uses beta2 (0.999)", _adam_swap),
        ("sign error: step against the gradient, params - lr * m_hat / (sqrt(v_hat) + eps)",
         _adam_sign),
    )
    cases = _adam_cases()
    if not is_stub(fn) and callable(fn):
        for args in cases:
            changed = _changed_inputs(fn, args)
            if changed is None:
                break
            if changed:
                return report(FAILED, f"{name} gives the right numbers but changed its input "
                                      f"{' and '.join(changed)} in place (e.g. m *= beta1 or "
                                      f"m[:] = ...): the caller's state must stay as it was. Hint: "
                                      f"build new arrays, new_m = beta1 * m + (1 - beta1) * grads")
    with np.errstate(all="ignore"):
        return check_function(
            fn, _adam, cases, name, rtol=1e-9, atol=1e-15,
            show=lambda a: f"array{np.shape(a)}" if np.ndim(a) else f"{a:g}",
            convert=_adam_triple, label=_adam_label, diagnose=diagnose,
            hint="m = beta1 * m + (1 - beta1) * g; v = beta2 * v + (1 - beta2) * g**2; "
                 "m_hat = m / (1 - beta1**t); v_hat = v / (1 - beta2**t); "
                 "params - lr * m_hat / (sqrt(v_hat) + eps)")
