"""The robust checker harness (issue 13): hostile answers, alternative styles, catalogued mistakes."""
import itertools

import numpy as np
import pytest

from course_lib.checks import _harness
from course_lib.checks import (lesson00, lesson01, lesson02, lesson03, lesson04, lesson05,
                               lesson06, lesson07, lesson08, lesson09)


@pytest.fixture(autouse=True)
def short_limit(monkeypatch):
    monkeypatch.setattr(_harness, "TIME_LIMIT", 0.5)


def line(capsys):
    return capsys.readouterr().out.strip()


FUNCTION_CHECKERS = [lesson00.gd_step, lesson01.gradient, lesson01.descent_loop, lesson01.time_decay,
                     lesson02.newton_step, lesson02.sigmoid, lesson02.value_and_grad,
                     lesson03.mse_surface, lesson03.mae_gradient, lesson03.descend_many,
                     lesson04.minibatch_iterator, lesson04.momentum_step, lesson04.evaluate,
                     lesson05.step_decay, lesson06.smooth, lesson06.steepest_rate,
                     lesson07.triangular, lesson08.sgdr_rate, lesson08.average_snapshots,
                     lesson09.mean_and_spread]


def _loop(*a):
    while True:
        pass


def _raises(*a):
    return 1 / 0


def _prints(*a):
    print(42)


def _forgot_return(*a):
    x = 1  # noqa: F841


def _endless(*a):
    return itertools.count()


def _huge(*a):
    return np.zeros(10_000_000)


def _string(*a):
    return "hello"


def _stub(*a):
    ...


HOSTILE = {"loop": (_loop, "did not return within"), "raises": (_raises, "ZeroDivisionError"),
           "prints": (_prints, "print"), "no_return": (_forgot_return, "forget `return`"),
           "endless": (_endless, ""), "huge": (_huge, ""), "string": (_string, ""),
           "not_callable": (3.5, "")}


@pytest.mark.parametrize("checker", FUNCTION_CHECKERS, ids=lambda c: f"{c.__module__[-8:]}.{c.__name__}")
@pytest.mark.parametrize("kind", list(HOSTILE))
def test_hostile_answers_fail_without_raising(checker, kind, capsys):
    answer, words = HOSTILE[kind]
    result = checker(answer)
    out = line(capsys)
    assert out.startswith("❌"), out
    assert not result
    assert out.count("\n") <= 2 and len(out) < 600, out
    assert words in out, out


@pytest.mark.parametrize("checker", FUNCTION_CHECKERS, ids=lambda c: f"{c.__module__[-8:]}.{c.__name__}")
def test_untouched_stub_is_not_attempted(checker, capsys):
    checker(_stub)
    assert "not attempted" in line(capsys)


@pytest.mark.parametrize("fn", [lambda: lesson05.reach_target(lambda t: 1 / 0),
                                lambda: lesson05.reach_target(lambda t: _loop()),
                                lambda: lesson05.reach_target(np.full(150, 0.1))])
def test_reach_target_hostile(fn, capsys):
    assert not fn()
    assert line(capsys).startswith("❌")


def test_helpers_reject_bad_values(capsys):
    with pytest.raises(ValueError, match="resolution"):
        lesson01.stable_lr_limit(0)
    assert not lesson08.fits_budget(60, 2, budget=float("inf"))
    assert "budget" in line(capsys)


def test_reference_answers_are_private():
    assert not hasattr(lesson02, "reference_newton_step")
    assert not hasattr(lesson03, "reference_descend_many")


# ---- alternative styles pass -------------------------------------------------------------

def momentum_inplace(p, g, v, lr, beta):
    v *= beta
    v += g
    p -= lr * v
    return p, v


def momentum_lists(p, g, v, lr, beta):
    nv = [beta * a + b for a, b in zip(v, g)]
    return [a - lr * b for a, b in zip(p, nv)], nv


def descend_inplace(starts, lr, steps):
    from course_lib import functions
    for _ in range(steps):
        starts -= lr * functions.himmelblau_grad(starts)
    return starts


def minibatch_generator(x, y, bs, rng):
    order = rng.permutation(len(x))
    for s in range(0, len(x), bs):
        idx = order[s:s + bs]
        yield x[idx], y[idx]


def minibatch_lists(x, y, bs, rng):
    order = rng.permutation(len(x))
    return [(x[order[s:s + bs]].tolist(), y[order[s:s + bs]].tolist()) for s in range(0, len(x), bs)]


def smooth_loop(losses, beta):
    avg, out = 0.0, []
    for i, loss in enumerate(losses):
        avg = beta * avg + (1 - beta) * loss
        out.append(avg / (1 - beta ** (i + 1)))
    return out


def newton_inplace(x):
    from course_lib import functions
    d = np.linalg.solve(functions.rosenbrock_hessian(x), functions.rosenbrock_grad(x))
    x -= d
    return x


def average_inplace(probs, m):
    probs[0] = probs[-m:].mean(axis=0)
    return probs[0]


def spread_tuple(values):
    v = list(values)
    return (sum(v) / len(v), float(np.std(v, ddof=1)), min(v), max(v))


@pytest.mark.parametrize("checker, fn", [
    (lesson04.momentum_step, momentum_inplace), (lesson04.momentum_step, momentum_lists),
    (lesson03.descend_many, descend_inplace), (lesson04.minibatch_iterator, minibatch_generator),
    (lesson04.minibatch_iterator, minibatch_lists), (lesson06.smooth, smooth_loop),
    (lesson02.newton_step, newton_inplace), (lesson08.average_snapshots, average_inplace),
    (lesson09.mean_and_spread, spread_tuple),
    (lesson00.gd_step, lambda x, lr: x - lr * 2 * x), (lesson06.smooth, lesson06._reference_smooth),
])
def test_alternative_styles_pass(checker, fn, capsys):
    assert checker(fn), line(capsys)


# ---- input-overwriting wrong answers fail -------------------------------------------------

def test_overwriting_inputs_does_not_fool(capsys):
    def momentum_zero(p, g, v, lr, beta):
        p[:] = 0; g[:] = 0; v[:] = 0  # noqa: E702
        return p, v
    assert not lesson04.momentum_step(momentum_zero)

    def smooth_zero(losses, beta):
        losses[:] = 0
        return losses
    assert not lesson06.smooth(smooth_zero)

    def avg_zero(probs, m):
        probs[:] = 0
        return probs[0]
    assert not lesson08.average_snapshots(avg_zero)

    def spread_zero(values):
        values[:] = 0
        return (0.0, 0.0, 0.0, 0.0)
    assert not lesson09.mean_and_spread(spread_zero)
    capsys.readouterr()


# ---- the misconception catalogue ----------------------------------------------------------

G = lambda a, b: lesson01._grad(a, b)  # noqa: E731
CATALOGUE = [
    (lambda: lesson00.slope(9.0), "the value f(3)"),
    (lambda: lesson00.slope(-6.0), "sign error"),
    (lambda: lesson00.gd_step(lambda x, lr: x + lr * 2 * x), "sign error"),
    (lambda: lesson00.gd_step(lambda x, lr: x - lr * x), "not x"),
    (lambda: lesson01.gradient(lambda a, b: -G(a, b)), "sign error"),
    (lambda: lesson01.gradient(lambda a, b: G(a, b)[::-1]), "swapped"),
    (lambda: lesson01.descent_loop(lambda x0, lr, n: lesson01._loop(x0, lr, n - 1)), "steps - 1"),
    (lambda: lesson01.descent_loop(lesson01._uphill), "sign error"),
    (lambda: lesson01.largest_stable_lr(0.2), "2-cycle"),
    (lambda: lesson01.time_decay(lambda l, d, t: l / (1 + d * (t + 1))), "off by one"),
    (lambda: lesson01.time_decay(lambda l, d, t: l * (1 - d * t)), "linear decay"),
    (lambda: lesson02.newton_step(lambda x: x + np.linalg.solve(
        lesson02.functions.rosenbrock_hessian(x), lesson02.functions.rosenbrock_grad(x))), "sign error"),
    (lambda: lesson02.newton_step(lambda x: x - lesson02.functions.rosenbrock_grad(x)), "gradient step"),
    (lambda: lesson03.mse_surface(lambda x, y, k, b: lesson03._mse_surface(x, y, k, b).T), "axis"),
    (lambda: lesson03.mse_surface(lambda x, y, k, b: lesson03.surfaces.linear_surface(
        x, y, k, np.zeros_like(b), "mse")[2]), "forgot the bias"),
    (lambda: lesson03.mae_gradient(lambda k, b, x, y: -lesson03._mae_gradient(k, b, x, y)), "sign error"),
    (lambda: lesson03.mae_gradient(lambda k, b, x, y: np.array(
        lesson03.surfaces.linear_surface_grad(x, y, k, b, "mse"))), "MSE gradient"),
    (lambda: lesson03.descend_many(lambda s, lr, n: lesson03._reference_descend_many(s, lr, n - 1)), "off by one"),
    (lambda: lesson03.descend_many(lambda s, lr, n: lesson03._reference_descend_many(s, lr, n).T), "wrong axis"),
    (lambda: lesson04.momentum_step(lambda p, g, v, lr, b: (p + lr * (b * v + g), b * v + g)), "sign error"),
    (lambda: lesson04.momentum_step(lambda p, g, v, lr, b: (p - lr * v, b * v + g)), "old velocity"),
    (lambda: lesson04.evaluate(lambda p, x, y: (lesson04._evaluate(p, x, y) * [1, 100])), "percentage"),
    (lambda: lesson04.evaluate(lambda p, x, y: lesson04._evaluate(p, x, y)[::-1]), "swapped"),
    (lambda: lesson05.stability_limit(1 / 7.0), "1/λ_max"),
    (lambda: lesson05.stability_limit(1.0), "2/λ_min"),
    (lambda: lesson05.stability_limit(2 / 9.0), "2/(λ_min + λ_max)"),
    (lambda: lesson05.stability_limit(2 / 6.0), "diagonal entry"),
    (lambda: lesson05.step_decay(lambda t, l, f, e: l * f ** (np.asarray(t) / e)), "integer division"),
    (lambda: lesson05.step_decay(lambda t, l, f, e: l * f ** ((np.asarray(t) + 1) // e)), "off by one"),
    (lambda: lesson06.smooth(lesson06._uncorrected), "uncorrected average"),
    (lambda: lesson06.smooth(lesson06._swapped_beta), "swapped"),
    (lambda: lesson06.steepest_rate(lesson06._steepest_abs), "argmax(|slope|)"),
    (lambda: lesson06.steepest_rate(lesson06._steepest_no_offset), "add skip_start back"),
    (lambda: lesson06.steepest_rate(lambda l, s_, a, b: l[a + int(np.argmin(
        np.gradient(s_, np.log10(l))[a:-b]))]), "skip_end = 0"),
    (lambda: lesson07.halving_gamma(0.5 ** (1 / 90)), "two of them"),
    (lambda: lesson07.halving_gamma(0.5), "counts iterations"),
    (lambda: lesson08.average_snapshots(lambda p, m: p[:m].mean(axis=0)), "first m"),
    (lambda: lesson08.average_snapshots(lambda p, m: p.mean(axis=0)), "every member"),
]


@pytest.mark.parametrize("case", range(len(CATALOGUE)))
def test_catalogued_mistake_is_named(case, capsys):
    call, words = CATALOGUE[case]
    result = call()
    out = line(capsys)
    assert not result and out.startswith("❌") and words in out, out
    assert "(0.0% off)" not in out
