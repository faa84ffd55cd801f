"""The course's one divergence rule (course_lib/_divergence.py) and where it is used: fit,
minimize, gradient_descent and the shoot-out say in words that a run diverged, print huge
numbers in short form, and never change the caller's parameters."""
import warnings

import numpy as np
import pytest

from course_lib import _divergence, data, functions, models, optim, optimizers, schedules, shootout, training


def test_rule_non_finite_or_above_the_factor():
    assert _divergence.diverged(float("nan"), 1.0)
    assert _divergence.diverged(float("inf"), 1.0)
    assert not _divergence.diverged(1e9, 1.0)                 # no factor: only inf/nan
    assert _divergence.diverged(1e9, 1.0, factor=1e6)
    assert not _divergence.diverged(1e5, 1.0, factor=1e6)


def test_ended_high_flags_runs_that_do_not_come_back():
    assert _divergence.ended_high([1.0, 2.0, 1e7]) is not None
    step, sentence = _divergence.ended_high([1.0, 1e7, 1e8])
    assert step == 1 and "1e+08" in sentence
    # through huge losses and back (lesson 09's bold rates): not flagged
    assert _divergence.ended_high([1.0, 1e17, 0.5]) is None
    assert _divergence.ended_high([1.0, float("inf")]) is None   # inf is the stopping rule's


def test_numbers_are_short():
    assert _divergence.fmt(1.2345678e115) == "1.235e+115"
    assert _divergence.loss_text(0.123456) == "0.1235"
    assert _divergence.loss_text(1.2345678e115) == "1.235e+115"


def _linear_data():
    x, y = data.linear_data(64, seed=0)
    return x, y


def test_fit_flags_a_finite_blow_up_in_words(capsys):
    x, y = _linear_data()
    p = models.init_linear(seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        h = training.fit(p, "linear", x, y, lr=10.0, epochs=3, batch_size=16, verbose=2)
    out = capsys.readouterr().out
    assert h.diverged and h.blew_up_at is not None and h.diverged_at is None
    assert "diverged" in h.message and "more than 1e+06 times its start" in h.message
    assert "training diverged" in out
    assert max(len(word) for word in out.split()) < 20, out        # no wall of digits
    assert "e+" in repr(h)


def test_fit_on_a_good_rate_is_unchanged():
    x, y = _linear_data()
    h = training.fit(models.init_linear(seed=0), "linear", x, y, lr=0.05, epochs=3, verbose=0)
    assert not h.diverged and h.message == f"finished 3 epochs, {h.steps} steps"


def test_fit_never_changes_the_callers_params_even_with_an_in_place_grad_fn():
    x, y = _linear_data()
    p = models.init_linear(seed=0)
    before = {k: v.copy() for k, v in p.items()}
    analytic = training.linear_grad_fn("mse")

    def meddling(params, xb, yb):
        params["kernel"] += 1.0          # a student's bug: edits the parameters in place
        return analytic(params, xb, yb)

    class Meddler(training.Callback):
        def on_train_begin(self, params, history):
            params["bias"] += 1.0

    training.fit(p, "linear", x, y, lr=0.01, epochs=1, grad_fn=meddling, callbacks=[Meddler()],
                 verbose=0)
    for k in p:
        np.testing.assert_array_equal(p[k], before[k])


def test_minimize_flags_adam_with_a_huge_rate():
    q = functions.rosenbrock
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        path = optimizers.minimize(functions.rosenbrock_grad, [2.0, 2.0], "adam", 1e6, 300,
                                   loss_fn=q)
    assert path.diverged and path.blew_up_at is not None and path.diverged_at is None
    assert "but diverged" in path.message
    assert np.all(np.isfinite(path.xs)) and len(path.xs) == 301      # not stopped


def test_gradient_descent_first_loss_inside_errstate():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = optim.gradient_descent(lambda x: np.zeros(2), [1e200, 1e200], 0.1, 2,
                                     loss_fn=lambda x: float(np.sum(x * x)), verbose=False)
    assert res.diverged and "inf/nan" in res.message


def test_shootout_counts_a_finite_blow_up_as_diverged():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((40, 4))
    y = np.arange(40) % 3
    res = shootout.shootout({"ok": lambda t: schedules.constant(0.1),
                             "wild": lambda t: schedules.constant(1e4)},
                            lambda s: models.init_mlp((4, 5, 3), seed=s), "mlp", x, y,
                            validation_data=(x, y), steps=20, seeds=(0, 1), batch_size=10,
                            optimizer="sgd")
    wild = res.row("wild")
    assert wild["diverged"] == 2 and np.isnan(wild["acc_mean"])
    assert res.row("ok")["diverged"] == 0
    table = res.table()
    assert "2/2" in table and "left out of the statistics" in table
    assert "± inf" not in table and "nan ±" not in table


def test_evaluate_says_in_words_when_the_loss_is_not_finite():
    import warnings
    from course_lib import data, models, training
    x, y = data.linear_data(n=20)
    fine = training.evaluate(models.init_linear(seed=0), "linear", x, y)
    assert "note" not in fine and np.isfinite(fine["loss"])
    blown = {"kernel": np.array(1e200), "bias": np.array(0.0)}
    with warnings.catch_warnings():
        warnings.simplefilter("error")          # no RuntimeWarning either
        out = training.evaluate(blown, "linear", x, y)
    assert out["loss"] == np.inf and "diverged" in out["note"]
