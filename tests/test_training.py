"""course_lib.training: fit / evaluate, histories, schedules, callbacks, divergence."""
import warnings

import numpy as np
import pytest

from course_lib import data, models, schedules, training


@pytest.fixture(scope="module")
def line():
    return data.linear_data(n=64, seed=0)


@pytest.fixture(scope="module")
def blobs():
    rng = np.random.default_rng(0)
    centers = np.array([[2.0, 0.0], [-2.0, 0.0], [0.0, 2.5]])
    y = rng.integers(0, 3, 300)
    x = centers[y] + 0.5 * rng.standard_normal((300, 2))
    return x, y


def _p0():
    return {"kernel": np.array(-1.0), "bias": np.array(2.0)}


def test_loss_goes_down_on_a_line(line):
    x, y = line
    p0 = _p0()
    h = training.fit(p0, "linear", x, y, loss="mse", lr=0.1, epochs=20, batch_size=8)
    assert h.train_loss[-1] < 0.5 * h.train_loss[0] and h.train_loss[-1] < 0.5
    assert abs(float(h.params["kernel"]) - 2.0) < 0.2
    assert float(p0["kernel"]) == -1.0            # the caller's params are unchanged
    assert h.steps == 20 * 8 and len(h.lrs) == len(h.losses) == h.steps
    assert h.steps_per_epoch == 8 and h.epochs == list(range(1, 21))
    assert "finished 20 epochs" in h.message


def test_mlp_learns_blobs_with_each_optimizer(blobs):
    x, y = blobs
    for opt, lr in [("sgd", 0.1), ("momentum", 0.05), ("nesterov", 0.05), ("adam", 0.01)]:
        h = training.fit(models.init_mlp((2, 8, 3), seed=0), "mlp", x, y, loss="cross_entropy",
                         optimizer=opt, lr=lr, epochs=5, batch_size=16, validation_data=(x, y))
        assert h.val_acc[-1] > 0.9, opt
        assert len(h.train_acc) == len(h.val_loss) == 5


def test_evaluate_matches_models(blobs):
    x, y = blobs
    p = models.init_mlp((2, 8, 3), seed=1)
    res = training.evaluate(p, "mlp", x, y, "cross_entropy")
    logits = models.mlp(p, x)
    assert res["loss"] == pytest.approx(models.cross_entropy(logits, y))
    assert res["accuracy"] == pytest.approx(models.accuracy(logits, y))
    chunked = training.evaluate(p, "mlp", x, y, "cross_entropy", batch_size=7)
    assert chunked["loss"] == pytest.approx(res["loss"])
    assert chunked["accuracy"] == pytest.approx(res["accuracy"])
    assert "accuracy" not in training.evaluate(_p0(), "linear", x[:, 0], y.astype(float), "mse")


def test_any_schedule(line):
    x, y = line
    sched = schedules.time_decay(0.1, 0.5)
    h = training.fit(_p0(), "linear", x, y, lr=sched, epochs=2, batch_size=16)
    np.testing.assert_allclose(h.lrs, sched(np.arange(8)))
    h2 = training.fit(_p0(), "linear", x, y, lr=lambda t: 0.05 if t < 3 else 0.01, epochs=1,
                      batch_size=16)
    np.testing.assert_allclose(h2.lrs, [0.05, 0.05, 0.05, 0.01])


def test_divergence_stops_with_the_step_and_no_warnings(line, capsys):
    x, y = line
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        h = training.fit(_p0(), "linear", x, y, lr=50.0, epochs=50, batch_size=16)
    assert h.diverged
    assert f"diverged at step {h.diverged_at}" in h.message
    assert h.steps == h.diverged_at
    assert np.isfinite(float(h.params["kernel"]))
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and f"step {h.diverged_at}" in out
    quiet = training.fit(_p0(), "linear", x, y, lr=50.0, epochs=50, batch_size=16, verbose=0)
    assert quiet.diverged_at == h.diverged_at and capsys.readouterr().out == ""


def test_callbacks_are_called(line):
    x, y = line
    calls = []

    class Spy(training.Callback):
        def on_train_begin(self, params, history):
            calls.append("begin")

        def on_step_end(self, step, params, history):
            calls.append(("step", step))

        def on_epoch_end(self, epoch, params, history):
            calls.append(("epoch", epoch, len(history.train_loss)))

        def on_train_end(self, params, history):
            calls.append("end")

    snaps = training.Snapshots(every_epochs=1, at_steps=[2])
    trace = training.Trace()
    h = training.fit(_p0(), "linear", x, y, lr=0.1, epochs=2, batch_size=32,
                     callbacks=[Spy(), snaps, trace])
    assert calls == ["begin", ("step", 0), ("step", 1), ("epoch", 0, 1), ("step", 2), ("step", 3),
                     ("epoch", 1, 2), "end"]
    assert snaps.when == [("epoch", 0), ("step", 2), ("epoch", 1)]
    assert float(snaps.params[-1]["kernel"]) == float(h.params["kernel"])
    assert trace.array("kernel", "bias").shape == (5, 2)
    np.testing.assert_allclose(trace.array("kernel", "bias")[0], [-1.0, 2.0])


def test_callback_can_stop_training(line):
    x, y = line

    class Stop(training.Callback):
        def on_step_end(self, step, params, history):
            if step == 4:
                history.stop_training = True

    h = training.fit(_p0(), "linear", x, y, lr=0.1, epochs=10, batch_size=8, callbacks=[Stop()])
    assert h.steps == 5 and "stopped by a callback" in h.message


def test_analytic_grad_fn_matches_autograd(line):
    x, y = line
    for loss in ("mse", "mae"):
        a = training.fit(_p0(), "linear", x, y, loss=loss, lr=0.05, epochs=3, batch_size=8)
        b = training.fit(_p0(), "linear", x, y, loss=loss, lr=0.05, epochs=3, batch_size=8,
                         grad_fn=training.linear_grad_fn(loss))
        np.testing.assert_allclose(a.losses, b.losses, rtol=1e-10)


def test_seeded_runs_repeat(line):
    x, y = line
    a = training.fit(_p0(), "linear", x, y, lr=0.05, epochs=2, batch_size=4, seed=3)
    b = training.fit(_p0(), "linear", x, y, lr=0.05, epochs=2, batch_size=4, seed=3)
    assert a.losses == b.losses


def test_full_batch_is_gradient_descent(line):
    x, y = line
    h = training.fit(_p0(), "linear", x, y, lr=0.1, epochs=3, batch_size=1000)
    p = _p0()
    for _ in range(3):
        e = p["kernel"] * x + p["bias"] - y
        p = {"kernel": p["kernel"] - 0.1 * np.mean(2 * e * x), "bias": p["bias"] - 0.1 * np.mean(2 * e)}
    assert float(h.params["kernel"]) == pytest.approx(float(p["kernel"]))


def test_loss_fn_for_the_range_test(line):
    x, y = line
    f = training.loss_fn("linear", "mse")
    assert f(_p0(), (x, y)) == pytest.approx(np.mean((-x + 2 - y) ** 2))


@pytest.mark.parametrize("kwargs, name", [
    ({"epochs": -1}, "epochs"), ({"batch_size": 0}, "batch_size"), ({"lr": -0.1}, "lr"),
    ({"optimizer": "lbfgs"}, "optimizer"), ({"loss": "hinge"}, "loss"),
    ({"lr": lambda t: float("nan")}, "lr"), ({"callbacks": [object()]}, "callbacks"),
    ({"validation_data": (1, 2, 3)}, "validation_data")])
def test_bad_input(line, kwargs, name):
    x, y = line
    with pytest.raises(ValueError, match=name):
        training.fit(_p0(), "linear", x, y, **kwargs)


def test_bad_model_and_lengths(line):
    x, y = line
    with pytest.raises(ValueError, match="model"):
        training.fit(_p0(), "cnn", x, y)
    with pytest.raises(ValueError, match="y"):
        training.fit(_p0(), "linear", x, y[:-1])
    with pytest.raises(ValueError, match="y"):
        training.evaluate(_p0(), "linear", x, y[:-1])
