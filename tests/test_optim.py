"""Unit tests of course_lib.optim.gradient_descent: seed facts A, the result, divergence, errors."""
import warnings

import numpy as np
import pytest

from course_lib import functions as F
from course_lib import optim, schedules
from course_lib.optim import DivergenceError, gradient_descent

START = (2.0, 2.0)
MINIMUM = np.array([1.0, 1.0])


def grad_b1(x):
    return F.rosenbrock_grad(x, b=1.0)


def loss_b1(x):
    return F.rosenbrock(x, b=1.0)


def run(lr, steps=100, **kw):
    kw.setdefault("verbose", False)
    return gradient_descent(grad_b1, START, lr, steps, **kw)


# --- seed facts A --------------------------------------------------------------------------

def test_seed_lr_0_1_ends_near_minimum():
    res = run(0.1)
    assert not res.diverged
    assert res.xs.shape == (101, 2)
    assert np.linalg.norm(res.x - MINIMUM) < 0.03
    # and it really moved towards it
    assert np.linalg.norm(res.x - MINIMUM) < np.linalg.norm(np.array(START) - MINIMUM) / 10


def test_seed_lr_0_2_ends_in_a_two_cycle():
    res = run(0.2)
    assert not res.diverged
    xs = res.xs
    np.testing.assert_allclose(xs[98], xs[100], atol=1e-4)
    assert np.linalg.norm(xs[99] - xs[100]) > 0.1
    # never converges: the end is far from the minimum
    assert np.linalg.norm(res.x - MINIMUM) > 0.1


def test_seed_time_decay_beats_constant_0_1():
    decayed = run(schedules.time_decay(0.2, 0.01), loss_fn=loss_b1)
    plain = run(0.1, loss_fn=loss_b1)
    cycling = run(0.2, loss_fn=loss_b1)
    assert not decayed.diverged
    assert decayed.losses[-1] < plain.losses[-1]
    assert decayed.losses[-1] < cycling.losses[-1]
    assert np.linalg.norm(decayed.x - MINIMUM) < np.linalg.norm(plain.x - MINIMUM)


# --- the result -----------------------------------------------------------------------------

@pytest.mark.parametrize("steps", [0, 1, 7, 50])
def test_xs_shape_and_start(steps):
    res = run(0.05, steps=steps)
    assert res.xs.shape == (steps + 1, 2)
    np.testing.assert_array_equal(res.xs[0], START)
    assert res.steps_done == steps
    assert res.lrs.shape == (steps,)
    np.testing.assert_array_equal(res.x, res.xs[-1])
    assert res.message == f"finished {steps} steps"


def test_xs_follow_the_update_rule():
    res = run(0.07, steps=20)
    for i in range(20):
        np.testing.assert_allclose(res.xs[i + 1], res.xs[i] - 0.07 * grad_b1(res.xs[i]),
                                   rtol=0, atol=1e-15)


def test_works_in_other_dimensions():
    # a 3-D bowl: the minimum of sum((x - c)^2) is c
    c = np.array([1.0, -2.0, 0.5])
    res = gradient_descent(lambda x: 2.0 * (x - c), np.zeros(3), 0.1, 200, verbose=False)
    assert res.xs.shape == (201, 3)
    np.testing.assert_allclose(res.x, c, atol=1e-12)


def test_start_is_not_modified_and_x0_integers_accepted():
    x0 = np.array([2.0, 2.0])
    res = gradient_descent(grad_b1, x0, 0.1, 10, verbose=False)
    np.testing.assert_array_equal(x0, [2.0, 2.0])
    res_int = gradient_descent(grad_b1, [2, 2], 0.1, 10, verbose=False)
    assert res_int.xs.dtype == float
    np.testing.assert_array_equal(res_int.xs, res.xs)


def test_constant_lrs_recorded():
    res = run(0.1, steps=12)
    np.testing.assert_array_equal(res.lrs, np.full(12, 0.1))


def test_schedule_lrs_recorded_and_used():
    s = schedules.time_decay(0.2, 0.01)
    res = run(s, steps=30)
    np.testing.assert_allclose(res.lrs, s(np.arange(30)), rtol=1e-15)
    np.testing.assert_allclose(res.lrs, 0.2 / (1 + 0.01 * np.arange(30)), rtol=1e-15)
    # the rate of update i is the one used for xs[i] -> xs[i + 1]
    for i in (0, 10, 29):
        np.testing.assert_allclose(res.xs[i + 1], res.xs[i] - res.lrs[i] * grad_b1(res.xs[i]),
                                   atol=1e-15)


def test_plain_python_function_accepted_as_lr():
    def my_rate(t):
        return 0.2 / (1 + 0.01 * t)

    res_fn = run(my_rate, steps=40)
    res_schedule = run(schedules.time_decay(0.2, 0.01), steps=40)
    np.testing.assert_allclose(res_fn.lrs, res_schedule.lrs, rtol=1e-15)
    np.testing.assert_allclose(res_fn.xs, res_schedule.xs, rtol=1e-13)
    # a lambda using the step index too: t is 0-based
    seen = []
    gradient_descent(grad_b1, START, lambda t: seen.append(t) or 0.01, 5, verbose=False)
    assert seen == [0, 1, 2, 3, 4]


def test_no_losses_without_loss_fn():
    # regression: `losses = [] if loss_fn is None else [...]` once gave an array of None
    assert run(0.1, steps=10).losses is None
    assert run(0.1, steps=0).losses is None


def test_repr_without_loss_fn():
    # regression: repr once raised TypeError (formatting None) without a loss_fn
    text = repr(run(0.1, steps=5))
    assert text.startswith("GDResult(steps_done=5") and "final loss" not in text
    assert "finished 5 steps" in text
    assert repr(run(0.1, steps=0)).startswith("GDResult(steps_done=0")


def test_losses_recorded_with_loss_fn():
    res = run(0.1, steps=10, loss_fn=loss_b1)
    assert res.losses.shape == (11,)
    np.testing.assert_allclose(res.losses, [loss_b1(x) for x in res.xs], rtol=1e-15)
    assert res.losses[0] == pytest.approx(5.0)
    assert res.losses[-1] < res.losses[0]


def test_callback_called_once_per_step():
    calls = []

    def cb(x, i, g):
        calls.append((np.array(x, copy=True), i, np.array(g, copy=True)))

    res = run(0.1, steps=25, callback=cb)
    assert [c[1] for c in calls] == list(range(25))
    for x, i, g in calls:
        np.testing.assert_array_equal(x, res.xs[i])
        np.testing.assert_allclose(g, grad_b1(res.xs[i]), rtol=1e-15)


def test_callback_not_called_for_zero_steps():
    calls = []
    run(0.1, steps=0, callback=lambda x, i, g: calls.append(i))
    assert calls == []


def test_repr_mentions_steps_and_final_loss():
    text = repr(run(0.1, steps=5, loss_fn=loss_b1))
    assert text.startswith("GDResult(steps_done=5")
    assert "final loss" in text


# --- divergence -----------------------------------------------------------------------------

def test_divergence_stops_early_with_a_message(capsys):
    res = run(0.5, loss_fn=loss_b1)
    assert res.diverged
    assert isinstance(res.diverged_at, int)
    assert 0 <= res.diverged_at < 100
    assert res.steps_done == res.diverged_at < 100
    assert res.xs.shape == (res.diverged_at + 1, 2)
    assert np.all(np.isfinite(res.xs))
    assert np.all(np.isfinite(res.losses))
    assert len(res.lrs) == res.diverged_at
    assert f"diverged at step {res.diverged_at}" in res.message
    assert capsys.readouterr().out == ""  # verbose=False prints nothing


def test_divergence_without_loss_fn():
    res = run(0.5)
    assert res.diverged and isinstance(res.diverged_at, int)
    assert res.message.startswith(f"diverged at step {res.diverged_at}")
    assert np.all(np.isfinite(res.xs))


def test_divergence_printed_once_when_verbose(capsys):
    res = gradient_descent(grad_b1, START, 0.5, 100, loss_fn=loss_b1, verbose=True)
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    assert f"diverged at step {res.diverged_at}" in out
    assert out.count("diverged") == 1


def test_no_output_when_not_diverging(capsys):
    gradient_descent(grad_b1, START, 0.1, 100, loss_fn=loss_b1, verbose=True)
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("lr", [0.3, 0.5, 1.0])
@pytest.mark.parametrize("with_loss", [False, True])
def test_divergence_emits_no_runtime_warning(lr, with_loss):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = run(lr, loss_fn=loss_b1 if with_loss else None)
    assert res.diverged
    assert [w for w in caught if issubclass(w.category, RuntimeWarning)] == []
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        run(lr, loss_fn=loss_b1 if with_loss else None)  # would raise on any warning


def test_divergence_raise_mode():
    with pytest.raises(DivergenceError, match=r"diverged at step \d+"):
        run(0.5, on_divergence="raise")
    # a DivergenceError is a FloatingPointError, so generic handlers catch it
    assert issubclass(DivergenceError, FloatingPointError)


def test_raise_mode_does_not_raise_when_converging():
    res = run(0.1, on_divergence="raise")
    assert not res.diverged and res.diverged_at is None


def test_gradient_becoming_nan_is_divergence(capsys):
    def grad(x):
        return np.array([np.nan, 0.0]) if x[0] < 1.5 else np.array([1.0, 0.0])

    res = gradient_descent(grad, START, 0.3, 10, verbose=True)
    assert res.diverged_at == 2  # steps 0 and 1 move 2.0 -> 1.7 -> 1.4; step 2 sees nan
    assert res.xs.shape == (3, 2)
    assert "diverged at step 2" in capsys.readouterr().out


# --- bad input ------------------------------------------------------------------------------

@pytest.mark.parametrize("lr", [-0.1, 0.0, float("nan"), float("inf"), "0.1", None, True])
def test_bad_lr(lr):
    with pytest.raises(ValueError, match=r"^lr\b"):
        gradient_descent(grad_b1, START, lr, 10)


@pytest.mark.parametrize("x0", [np.zeros((2, 2)), [[2.0, 2.0]], [2.0, np.nan], [np.inf, 1.0],
                                3.0, ["a", "b"], []])
def test_bad_x0(x0):
    with pytest.raises(ValueError, match=r"^x0\b"):
        gradient_descent(grad_b1, x0, 0.1, 10)


@pytest.mark.parametrize("steps", [-1, 2.5, 10.0, "10", None, True])
def test_bad_steps(steps):
    with pytest.raises(ValueError, match=r"^steps\b"):
        gradient_descent(grad_b1, START, 0.1, steps)


@pytest.mark.parametrize("grad_fn", [None, 3.0, "rosenbrock_grad", np.zeros(2)])
def test_grad_fn_not_callable(grad_fn):
    with pytest.raises(ValueError, match=r"^grad_fn\b"):
        gradient_descent(grad_fn, START, 0.1, 10)


@pytest.mark.parametrize("bad_grad", [lambda x: np.zeros(3), lambda x: 1.0,
                                      lambda x: np.zeros((2, 1))])
def test_grad_fn_wrong_shape(bad_grad):
    with pytest.raises(ValueError, match=r"^grad_fn\b"):
        gradient_descent(bad_grad, START, 0.1, 10)


def test_schedule_giving_negative_rate():
    def bad(t):
        return 0.1 - 0.05 * t  # negative from step 3 on

    with pytest.raises(ValueError, match=r"^lr\b.*step 3"):
        gradient_descent(grad_b1, START, bad, 10)


def test_schedule_giving_nan_rate():
    with pytest.raises(ValueError, match=r"^lr\b"):
        gradient_descent(grad_b1, START, lambda t: float("nan"), 10)


@pytest.mark.parametrize("kw,name", [(dict(loss_fn=3), "loss_fn"),
                                      (dict(on_divergence="ignore"), "on_divergence")])
def test_other_bad_keywords(kw, name):
    with pytest.raises(ValueError, match=rf"^{name}\b"):
        gradient_descent(grad_b1, START, 0.1, 10, **kw)


def test_public_names():
    assert set(optim.__all__) >= {"gradient_descent", "GDResult", "DivergenceError"}
