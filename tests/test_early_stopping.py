"""course_lib.early_stopping and fit's rule for a loss that explodes (lesson 04)."""
import warnings

import numpy as np
import pytest

from course_lib import data, models, training
from course_lib.early_stopping import EarlyStopping, best_epoch


@pytest.fixture(scope="module")
def split():
    return data.digits_split(val_fraction=0.2, seed=0)


def test_best_epoch_first_of_equal_and_min_delta():
    assert best_epoch([3.0, 2.0, 2.5, 1.0, 1.5]) == 4
    assert best_epoch([3.0, 2.0, 2.0]) == 2
    assert best_epoch([3.0, 2.0, 1.95], min_delta=0.1) == 2
    with pytest.raises(ValueError, match="val_loss"):
        best_epoch([])
    with pytest.raises(ValueError, match="min_delta"):
        best_epoch([1.0], min_delta=-1)


class FakeHistory:
    def __init__(self):
        self.val_loss, self.stop_training, self.params = [], False, None


def test_early_stopping_waits_patience_epochs_and_restores():
    stop = EarlyStopping(patience=2)
    h = FakeHistory()
    stop.on_train_begin({"w": np.zeros(1)}, h)
    for epoch, loss in enumerate([1.0, 0.5, 0.6, 0.4, 0.45, 0.41, 0.3]):
        h.val_loss.append(loss)
        stop.on_epoch_end(epoch, {"w": np.array([float(epoch)])}, h)
        if h.stop_training:
            break
    assert stop.best_epoch == 4 and stop.best_loss == 0.4 and stop.stopped_epoch == 6
    stop.on_train_end({"w": np.array([5.0])}, h)
    assert h.params["w"][0] == 3.0                      # the copy taken at epoch 4 (index 3)


def test_early_stopping_needs_validation_and_valid_arguments():
    with pytest.raises(ValueError, match="patience"):
        EarlyStopping(patience=0)
    with pytest.raises(ValueError, match="min_delta"):
        EarlyStopping(min_delta=-0.1)
    with pytest.raises(ValueError, match="validation_data"):
        EarlyStopping().on_epoch_end(0, {}, FakeHistory())


def test_early_stopping_in_fit_on_digits(split):
    net = models.init_mlp((64, 32, 10), seed=0)
    kw = dict(loss="cross_entropy", optimizer="momentum", lr=0.05, batch_size=32,
              validation_data=split.val, seed=0, verbose=0)
    full = training.fit(net, "mlp", split.x_train, split.y_train, epochs=14, **kw)
    stop = EarlyStopping(patience=3)
    h = training.fit(net, "mlp", split.x_train, split.y_train, epochs=14, callbacks=[stop], **kw)
    want = best_epoch(full.val_loss)
    assert stop.best_epoch == want and stop.best_loss == full.val_loss[want - 1]
    assert h.epochs[-1] == min(want + 3, 14)
    assert "stopped by a callback" in h.message or h.epochs[-1] == 14
    res = training.evaluate(h.params, "mlp", *split.val, "cross_entropy")
    assert res["loss"] == pytest.approx(stop.best_loss, rel=1e-12)


# ---- divergence caught when the loss explodes -------------------------------------------

def _digits_sgd(split, lr, **kw):
    net = models.init_mlp((64, 32, 10), seed=0)
    return training.fit(net, "mlp", split.x_train, split.y_train, loss="cross_entropy",
                        optimizer="sgd", lr=lr, epochs=3, batch_size=32, seed=0, **kw)


def test_a_spike_that_recovers_is_not_stopped_by_default():
    """A run whose loss jumps far above its start and comes back (lesson 09's large rates)."""
    x = np.linspace(-1, 1, 64)
    y = 3 * x
    rates = lambda t: np.where(np.asarray(t) == 3, 60.0, 0.05)      # one wild step   # noqa: E731
    kw = dict(lr=rates, epochs=40, batch_size=64, verbose=0)
    h = training.fit({"kernel": np.array(2.9), "bias": np.array(0.0)}, "linear", x, y, **kw)
    assert not h.diverged and max(h.losses) > 1000 * h.losses[0] and h.losses[-1] < h.losses[4]
    stopped = training.fit({"kernel": np.array(2.9), "bias": np.array(0.0)}, "linear", x, y,
                           diverge_factor=1000, **kw)
    assert stopped.diverged_at == 4


def test_explosion_is_caught_long_before_overflow(split, capsys):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        h = _digits_sgd(split, 50.0, diverge_factor=1000)
        late = _digits_sgd(split, 50.0, verbose=0)                 # default: inf/nan only
        late_none = _digits_sgd(split, 50.0, verbose=0, diverge_factor=None)
    out = capsys.readouterr().out
    assert h.diverged and late.diverged and h.diverged_at < 5 < late.diverged_at
    assert "more than 1000 times the first loss" in h.message
    assert out.count("\n") == 1 and f"diverged at step {h.diverged_at}" in out
    assert h.steps == h.diverged_at and h.losses[-1] <= 1000 * h.losses[0]
    assert "inf/nan" in late.message and late_none.diverged_at == late.diverged_at
    assert all(np.all(np.isfinite(v)) for v in h.params.values())


def test_factor_rule_in_words_and_arguments(split):
    h = _digits_sgd(split, 50.0, diverge_factor=10.0, verbose=0)
    first = h.losses[0]
    assert h.diverged and "more than 10 times" in h.message and f"{first:.3g}" in h.message
    assert all(v <= 10 * first for v in h.losses)
    for bad in (1.0, 0.5, -3, float("inf"), "big"):
        with pytest.raises(ValueError, match="diverge_factor"):
            _digits_sgd(split, 0.1, diverge_factor=bad)


def test_good_runs_are_not_stopped():
    x, y = data.linear_data(n=200, kernel=2.0, bias=-1.0, noise=0.5, seed=0)
    start = {"kernel": np.array(-1.0), "bias": np.array(2.0)}
    for bs in (1, 16, 200):
        h = training.fit(start, "linear", x, y, lr=0.05, epochs=5, batch_size=bs, seed=0,
                         diverge_factor=1000)
        assert not h.diverged
    # a start at the optimum has a tiny first loss: noise must not count as divergence
    k, b = np.polyfit(x, y, 1)
    h = training.fit({"kernel": np.array(k), "bias": np.array(b)}, "linear", x, y, lr=0.05,
                     epochs=2, batch_size=1, seed=0, diverge_factor=1000)
    assert not h.diverged and max(h.losses) > 10 * h.losses[0]     # noisy, yet far below 1000


def test_zero_first_loss_keeps_only_the_nan_rule():
    x = np.array([1.0, 2.0])
    h = training.fit({"kernel": np.array(2.0), "bias": np.array(0.0)}, "linear", x, 2 * x,
                     lr=0.01, epochs=3, batch_size=2, verbose=0, diverge_factor=10)
    assert h.losses[0] == 0 and not h.diverged
