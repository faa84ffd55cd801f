"""Validation during the range test, Smith's linear form and the cost of a test
(course_lib/lr_finder/validation.py and runner.py, through course_lib.lr_finder; lesson 06)."""
import copy
import warnings

import numpy as np
import pytest

from course_lib import lr_finder, models
from course_lib.lr_finder import validation as lr_validation
from course_lib.lr_finder import RangeTest


def _problem(seed=0, n=48, d=3):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, d))
    y = x @ np.array([1.0, -2.0, 0.5]) + 0.1 * rng.standard_normal(n)
    train = [(x[i::4], y[i::4]) for i in range(4)]
    xv = rng.standard_normal((20, d))
    val = [(xv[:7], xv[:7] @ np.array([1.0, -2.0, 0.5])), (xv[7:], xv[7:] @ np.array([1.0, -2.0, 0.5]))]

    def loss(p, batch):
        xb, yb = batch
        return ((xb @ p["w"] + p["b"] - yb) ** 2).mean()

    return loss, {"w": np.zeros(d), "b": np.array(0.0)}, train, val


def _neg_loss(p, batch):          # a "metric": any function (params, batch) -> number
    xb, yb = batch
    return -float(((xb @ p["w"] + p["b"] - yb) ** 2).mean())


def _manual_params(loss, params, train, rates):
    """The parameters before each update of a plain-SGD sweep (autograd gradient)."""
    from autograd import grad
    g = grad(loss)
    p, out = copy.deepcopy(params), []
    for i, lr in enumerate(rates):
        out.append(copy.deepcopy(p))
        gr = g(p, train[i % len(train)])
        p = {k: p[k] - lr * gr[k] for k in p}
    return out


def test_default_is_unchanged_and_validation_does_not_perturb_the_sweep():
    loss, p0, train, val = _problem()
    plain = lr_finder.lr_range_test(loss, p0, train, 1e-4, 10.0, 60)
    watched = lr_finder.lr_range_test(loss, p0, train, 1e-4, 10.0, 60, val_batches=val,
                                      val_every=3, val_metric=_neg_loss)
    assert plain.val_losses is None and plain.val_metric is None and plain.val_passes == 0
    for name in ("lrs", "losses", "smoothed", "planned_lrs"):
        assert np.array_equal(getattr(plain, name), getattr(watched, name)), name
    assert plain.reason == watched.reason and plain.stopped_early == watched.stopped_early


def test_validation_is_aligned_with_the_rates_and_evaluated_before_each_update():
    loss, p0, train, val = _problem()
    r = lr_finder.lr_range_test(loss, p0, train, 1e-4, 0.3, 25, val_batches=val, val_every=4,
                                val_metric=_neg_loss)
    assert len(r) == 25 and r.val_losses.shape == r.lrs.shape == r.val_metric.shape
    evaluated = np.flatnonzero(np.isfinite(r.val_losses))
    assert evaluated.tolist() == list(range(0, 25, 4))
    assert np.array_equal(np.isfinite(r.val_metric), np.isfinite(r.val_losses))
    before = _manual_params(loss, p0, train, r.lrs)
    sizes = np.array([7, 13])
    for i in evaluated:
        want = np.sum(sizes * [loss(before[i], b) for b in val]) / sizes.sum()
        assert r.val_losses[i] == pytest.approx(want, rel=1e-12)
        assert r.val_metric[i] == pytest.approx(-want, rel=1e-12)
    assert r.val_every == 4 and r.extra["val_evaluations"] == len(evaluated)
    assert r.val_passes == 2 * len(val) * len(evaluated)     # loss and metric


def test_no_metric_gives_nan_metric_and_counts_only_the_loss_passes():
    loss, p0, train, val = _problem()
    r = lr_finder.lr_range_test(loss, p0, train, 1e-4, 0.3, 10, val_batches=val)
    assert np.all(np.isfinite(r.val_losses)) and np.all(np.isnan(r.val_metric))
    assert r.val_passes == len(val) * 10
    cost = lr_finder.range_test_cost(r)
    assert (cost.train_passes, cost.val_evaluations, cost.val_forward_passes) == (10, 10, 20)
    assert cost.forward_passes == 30


def test_params_never_change_and_the_stop_point_is_evaluated():
    loss, p0, train, val = _problem()
    keep = copy.deepcopy(p0)
    r = lr_finder.lr_range_test(loss, p0, train, 1e-3, 100.0, 60, val_batches=val, val_every=1)
    assert r.stopped_early and "passed" in r.reason
    assert all(np.array_equal(p0[k], keep[k]) for k in p0)
    assert np.isfinite(r.val_losses[-1])        # the kept stop point was evaluated too


def test_a_diverging_validation_loss_gives_no_runtime_warning():
    loss, p0, train, val = _problem()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = lr_finder.lr_range_test(loss, p0, train, 1e-2, 1e8, 200, diverge_factor=None,
                                    val_batches=val, val_every=1, val_metric=_neg_loss)
    assert "became" in r.reason and len(r) < 200
    cost = lr_finder.range_test_cost(r)
    assert cost.train_passes == len(r) + 1       # the step whose loss was non-finite counts
    assert cost.val_evaluations == len(r)


@pytest.mark.parametrize("kwargs, word", [
    (dict(val_every=0), "val_every"), (dict(val_every=-2), "val_every"),
    (dict(val_every=1.5), "val_every"), (dict(val_every=True), "val_every"),
    (dict(val_every="2"), "val_every"), (dict(val_metric="accuracy"), "val_metric"),
    (dict(val_batches=[]), "val_batches"), (dict(val_batches=iter([1, 2])), "val_batches"),
    (dict(val_batches=(np.zeros((3, 3)), np.zeros(3))), "val_batches"),
    (dict(val_every=3, val_batches=None), "val_batches"),
    (dict(val_metric=_neg_loss, val_batches=None), "val_batches"),
])
def test_bad_validation_arguments_name_the_argument(kwargs, word):
    loss, p0, train, val = _problem()
    full = dict(val_batches=val)
    full.update(kwargs)
    with pytest.raises(ValueError, match=word):
        lr_finder.lr_range_test(loss, p0, train, 1e-4, 1.0, 10, **full)


def test_view_and_with_smoothing_keep_the_validation_aligned():
    loss, p0, train, val = _problem()
    r = lr_finder.lr_range_test(loss, p0, train, 1e-4, 10.0, 60, val_batches=val, val_every=2,
                                diverge_factor=None)
    v = r.view(min_lr=1e-3, max_lr=1.0)
    keep = (r.lrs >= 1e-3 * (1 - 1e-12)) & (r.lrs <= 1.0 * (1 + 1e-12))
    assert np.array_equal(v.val_losses, r.val_losses[keep], equal_nan=True)
    assert len(v.val_losses) == len(v.lrs)
    cut = r.view(diverge_factor=1.5)
    assert len(cut.val_losses) == len(cut.lrs) < len(r)
    s = r.with_smoothing(0.5)
    assert np.array_equal(s.val_losses, r.val_losses, equal_nan=True)


def test_evaluate_batches_weights_by_batch_size():
    batches = [(np.zeros(1), 1.0), (np.zeros(3), 5.0)]
    assert lr_validation.evaluate_batches(lambda p, b: b[1], None, batches) == pytest.approx(4.0)
    assert lr_validation.evaluate_batches(lambda p, b: b, None, [1.0, 5.0]) == pytest.approx(3.0)


def test_accuracy_metric_counts_the_right_labels():
    params = models.init_mlp((4, 3), seed=0)
    x = np.random.default_rng(0).standard_normal((10, 4))
    labels = np.argmax(models.mlp(params, x), axis=1)
    labels[:3] = (labels[:3] + 1) % 3
    assert lr_finder.accuracy_metric("mlp")(params, (x, labels)) == pytest.approx(0.7)


def test_linear_range_test_is_smiths_form():
    loss, p0, train, val = _problem()
    r = lr_finder.linear_range_test(loss, p0, train, val, _neg_loss, min_lr=1e-3, max_lr=0.5,
                                    epochs=3, evals_per_epoch=2)
    assert r.mode == "linear" and len(r.planned_lrs) == 12 and r.val_every == 2
    assert r.diverge_factor is None
    assert np.allclose(np.diff(r.planned_lrs), (0.5 - 1e-3) / 11)
    same = lr_finder.lr_range_test(loss, p0, train, 1e-3, 0.5, 12, mode="linear",
                                   diverge_factor=None, val_batches=val, val_every=2,
                                   val_metric=_neg_loss)
    assert np.array_equal(r.val_metric, same.val_metric, equal_nan=True)


@pytest.mark.parametrize("kwargs, word", [(dict(epochs=0), "epochs"),
                                          (dict(evals_per_epoch=0), "evals_per_epoch"),
                                          (dict(evals_per_epoch=5), "evals_per_epoch")])
def test_linear_range_test_checks_its_arguments(kwargs, word):
    loss, p0, train, val = _problem()
    with pytest.raises(ValueError, match=word):
        lr_finder.linear_range_test(loss, p0, train, val, **kwargs)


def _made_up(metric):
    n = len(metric)
    lrs = np.linspace(0.1, 1.0, n)
    return RangeTest(lrs=lrs, losses=np.ones(n), smoothed=np.ones(n), planned_lrs=lrs,
                     stopped_early=False, reason="made up", val_metric=np.asarray(metric, float),
                     val_losses=np.ones(n))


def test_accuracy_bounds_reads_the_rise_and_the_peak():
    nan = np.nan
    r = _made_up([0.1, nan, 0.12, nan, 0.3, nan, 0.9, nan, 0.95, nan, 0.5])
    b = lr_finder.accuracy_bounds(r)
    assert b.max_lr == pytest.approx(r.lrs[8]) and b.peak_metric == pytest.approx(0.95)
    assert b.base_lr == pytest.approx(r.lrs[4])    # first with >= 0.1 + 0.1 * 0.85
    assert b.start_metric == pytest.approx(0.1)
    base, top = b
    assert base < top


def test_accuracy_bounds_errors():
    loss, p0, train, val = _problem()
    plain = lr_finder.lr_range_test(loss, p0, train, 1e-4, 1.0, 10)
    with pytest.raises(ValueError, match="val_metric"):
        lr_finder.accuracy_bounds(plain)
    no_metric = lr_finder.lr_range_test(loss, p0, train, 1e-4, 1.0, 10, val_batches=val)
    with pytest.raises(ValueError, match="no validation metric"):
        lr_finder.accuracy_bounds(no_metric)
    with pytest.raises(ValueError, match="at least 3"):
        lr_finder.accuracy_bounds(_made_up([0.1, np.nan, 0.5, np.nan]))
    with pytest.raises(ValueError, match="rise"):
        lr_finder.accuracy_bounds(_made_up([0.1, 0.2, 0.5]), rise=1.5)


def test_public_names_import_from_lr_finder():
    assert lr_finder.linear_range_test is lr_finder.runner.linear_range_test
    for name in ("linear_range_test", "accuracy_bounds", "AccuracyBounds", "accuracy_metric",
                 "range_test_cost", "Cost", "ValidationRecorder", "evaluate_batches"):
        home = lr_finder.runner if name == "linear_range_test" else lr_validation
        assert name in lr_finder.__all__ and getattr(lr_finder, name) is getattr(home, name)
        assert getattr(lr_finder, name).__module__ == "course_lib.lr_finder"
