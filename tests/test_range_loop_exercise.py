"""Lesson 06, exercise 4: the student writes the range-test loop; the checker
(course_lib.checks.lesson06.range_test_loop) compares it with lr_finder.lr_range_test and
names the typical mistakes (its catalogue entries are in tests/test_checks_catalogue.py)."""
import copy
import functools

import numpy as np
import pytest

from course_lib import lr_finder
from course_lib.checks import _harness
from course_lib.checks import lesson06


@pytest.fixture(autouse=True)
def short_limit(monkeypatch):
    monkeypatch.setattr(_harness, "TIME_LIMIT", 2.0)


def run(fn, capsys):
    result = lesson06.range_test_loop(fn)
    return result, capsys.readouterr().out.strip()


def wrong(mistake):
    return functools.partial(lesson06._range_loop, mistake=mistake)


def test_the_reference_cases_cover_stop_no_stop_and_nan():
    reasons = []
    for problem, lo, hi, steps, factor in lesson06._loop_cases():
        vg, p, b = problem()
        reasons.append(lesson06._reference_loop(vg, p, b, lo, hi, steps, factor).reason)
    assert any("passed" in r for r in reasons)
    assert any("finished" in r for r in reasons)
    assert any("became nan" in r for r in reasons)


def test_the_right_answer_agrees_with_lr_range_test():
    for problem, lo, hi, steps, factor in lesson06._loop_cases():
        vg, p, b = problem()
        lrs, losses, model = lesson06._range_loop(vg, p, b, lo, hi, steps, factor)
        ref = lr_finder.lr_range_test(lambda q, x: vg(q, x)[0], p, b, lo, hi, steps,
                                      smoothing=0.0, diverge_factor=factor, grad_fn=vg)
        assert np.allclose(lrs, ref.lrs, rtol=1e-12) and np.allclose(losses, ref.losses, rtol=1e-9)


def geomspace_while(loss_and_grad, params, batches, min_lr, max_lr, steps, diverge_factor=4.0):
    rates = np.geomspace(min_lr, max_lr, steps)
    p = copy.deepcopy(params)
    lrs, losses, i = [], [], 0
    while i < steps:
        loss, g = loss_and_grad(p, batches[i % len(batches)])
        if not np.isfinite(loss):
            break
        lrs.append(rates[i])
        losses.append(loss)
        if loss > diverge_factor * min(losses):
            break
        for k in p:
            p[k] -= rates[i] * g[k]          # in place, but on a deep copy
        i += 1
    return lrs, losses, params              # the caller's dict, untouched


def torch_style(loss_and_grad, params, batches, min_lr, max_lr, steps, diverge_factor=4.0):
    """Trains the caller's arrays in place and puts them back at the end (load_state_dict)."""
    state = {k: v.copy() for k, v in params.items()}
    lrs, losses, best = [], [], float("inf")
    try:
        for i in range(steps):
            lr = min_lr * (max_lr / min_lr) ** (i / (steps - 1))
            loss, g = loss_and_grad(params, batches[i % len(batches)])
            if not np.isfinite(loss):
                break
            lrs.append(lr)
            losses.append(loss)
            best = min(best, loss)
            if loss > diverge_factor * best:
                break
            for k in params:
                params[k] -= lr * g[k]
    finally:
        for k in params:
            params[k][...] = state[k]
    return np.array(lrs), np.array(losses), params


@pytest.mark.parametrize("fn", [lesson06._range_loop, geomspace_while, torch_style])
def test_valid_styles_pass(fn, capsys):
    result, line = run(fn, capsys)
    assert result and line.startswith("✅"), line


@pytest.mark.parametrize("mistake, words", [
    ("no_restore", "forgot to restore"),
    ("alias", "changed the caller's params"),
    ("inplace", "changed the caller's arrays in place"),
    ("linear", "that is a linear sweep"),
    ("endpoint", "the last rate must be max_lr"),
    ("first", "the first rate must be min_lr"),
    ("logspace", "np.logspace takes exponents"),
    ("no_stop", "no early stop"),
    ("on_rise", "stops too early"),
    ("drop_last", "the point that passes the factor is recorded"),
    ("first_loss", "stops too late"),
    ("record_nan", "recorded a non-finite loss"),
    ("lengths", "different lengths"),
    ("after", "before update i"),
])
def test_each_mistake_is_named(mistake, words, capsys):
    result, line = run(wrong(mistake), capsys)
    assert not result and line.startswith("❌") and words in line, line


def test_the_stub_is_not_attempted(capsys):
    def my_range_test(loss_and_grad, params, batches, min_lr, max_lr, steps, diverge_factor=4.0):
        ...
    result, line = run(my_range_test, capsys)
    assert result.status == "not attempted" and "not attempted yet" in line


def _forever(*args):
    while True:
        pass


def _prints(loss_and_grad, params, batches, min_lr, max_lr, steps, diverge_factor=4.0):
    print([1, 2], [3, 4])


@pytest.mark.parametrize("fn, words", [
    (None, "not attempted yet"), (3.0, "should be a function"),
    (lambda *a: 1 / 0, "ZeroDivisionError"), (_forever, "did not return within"),
    (_prints, "use `return` instead of `print`"),
    (lambda *a: ([0.1], [1.0]), "should return three things"),
    (lambda *a: ("rates", "losses", {}), "lists or arrays of numbers"),
    (lambda *a: ([[0.1]], [[1.0]], {}), "should be 1-D"),
    (lambda v, p, *a: ([1e-4], [1.0], [p]), "should return the model (a dict"),
])
def test_hostile_answers_never_raise(fn, words, capsys):
    result, line = run(fn, capsys)
    assert not result and words in line, line


def test_the_checker_leaves_its_problems_alone(capsys):
    """An answer that scribbles over the batches cannot fool the comparison: each case is
    built afresh, and the reference runs on the untouched start."""
    def scribble(loss_and_grad, params, batches, *rest):
        out = lesson06._range_loop(loss_and_grad, params, batches, *rest)
        for b in batches:
            if isinstance(b, tuple):
                b[0][...] = 0.0
            else:
                b[...] = 1.0
        return out
    result, line = run(scribble, capsys)
    assert result, line
