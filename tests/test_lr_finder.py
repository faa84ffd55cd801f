"""course_lib.lr_finder: the learning-rate range test, its suggestions and bounds."""
import warnings

import autograd.numpy as anp
import numpy as np
import pytest

from course_lib import data, lr_finder, models, training
from course_lib.lr_finder import (RangeTest, clr_bounds, lr_range_test, smooth, suggestion_spread,
                                  sweep_rates)


# --- problems -------------------------------------------------------------------------------

def _least_squares(n=256, d=8, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, d)) * np.geomspace(0.2, 2.0, d)
    y = x @ rng.standard_normal(d) + 0.1 * rng.standard_normal(n)
    lam_max = float(np.linalg.eigvalsh(x.T @ x / n).max())
    return x, y, lam_max


def ls_loss(w, batch):
    xb, yb = batch
    return 0.5 * anp.mean((anp.dot(xb, w) - yb) ** 2)


@pytest.fixture(scope="module")
def digits():
    split = data.digits_split(val_fraction=0.2, seed=0)
    params = models.init_mlp((64, 32, 10), seed=0)
    batches = list(data.minibatches(split.x_train, split.y_train, 32, seed=0))
    return training.loss_fn("mlp", "cross_entropy"), params, batches, split


@pytest.fixture(scope="module")
def digits_run(digits):
    loss, params, batches, _ = digits
    return lr_range_test(loss, params, batches, min_lr=1e-5, max_lr=10.0, steps=200)


def _copy(tree):
    return {k: v.copy() for k, v in tree.items()}


# --- the sweep ------------------------------------------------------------------------------

def test_exponential_sweep_starts_at_min_lr_and_grows_by_a_constant_factor():
    rates = sweep_rates(1e-7, 10.0, 100, "exp")
    assert rates[0] == 1e-7 and rates[-1] == 10.0
    ratios = rates[1:] / rates[:-1]
    np.testing.assert_allclose(ratios, (10.0 / 1e-7) ** (1 / 99), rtol=1e-10)
    np.testing.assert_allclose(rates, 1e-7 * (1e8) ** (np.arange(100) / 99), rtol=1e-12)


def test_linear_sweep_grows_by_a_constant_step():
    rates = sweep_rates(0.01, 1.0, 12, "linear")
    assert rates[0] == 0.01 and rates[-1] == 1.0
    np.testing.assert_allclose(np.diff(rates), 0.09, rtol=1e-10)


@pytest.mark.parametrize("mode", ["exp", "linear"])
def test_the_run_uses_the_sweep_rates(mode):
    x, y, _ = _least_squares()
    res = lr_range_test(ls_loss, np.zeros(8), [(x, y)], min_lr=1e-4, max_lr=0.1, steps=30,
                        mode=mode, diverge_factor=None)
    assert len(res) == 30 and not res.stopped_early
    np.testing.assert_array_equal(res.lrs, sweep_rates(1e-4, 0.1, 30, mode))
    np.testing.assert_array_equal(res.planned_lrs, res.lrs)


def test_the_loss_is_recorded_before_each_update_with_sgd():
    x, y, _ = _least_squares()
    w = np.zeros(8)
    res = lr_range_test(ls_loss, w, [(x, y)], min_lr=1e-3, max_lr=0.1, steps=5,
                        diverge_factor=None)
    from autograd import value_and_grad
    vg = value_and_grad(ls_loss)
    expected = []
    for lr in res.lrs:
        value, g = vg(w, (x, y))
        expected.append(value)
        w = w - lr * g
    np.testing.assert_allclose(res.losses, expected, rtol=1e-12)


def test_batches_are_cycled():
    seen = []

    def loss(w, batch):
        seen.append(batch)
        return anp.sum(w ** 2) * batch

    lr_range_test(loss, np.ones(2), [1.0, 2.0, 3.0], min_lr=1e-4, max_lr=1e-3, steps=7)
    assert seen == [1.0, 2.0, 3.0, 1.0, 2.0, 3.0, 1.0]


def test_batches_may_be_an_iterator_or_a_batches_object(digits):
    loss, params, batches, split = digits
    from_list = lr_range_test(loss, params, batches[:10], steps=10)
    from_gen = lr_range_test(loss, params, iter(batches[:10]), steps=10)
    np.testing.assert_array_equal(from_list.losses, from_gen.losses)
    b = data.Batches(split.x_train, split.y_train, 32, seed=0)
    from_obj = lr_range_test(loss, params, b, steps=10)
    np.testing.assert_array_equal(from_obj.losses, from_list.losses)


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_optimizer_is_selectable(digits, optimizer):
    loss, params, batches, _ = digits
    res = lr_range_test(loss, params, batches, min_lr=1e-5, max_lr=1.0, steps=30,
                        optimizer=optimizer)
    assert res.optimizer == optimizer
    assert len(res) >= 3 and np.all(np.isfinite(res.losses))


# --- smoothing --------------------------------------------------------------------------------

def test_bias_correction_first_smoothed_value_equals_first_loss(digits_run):
    assert digits_run.smoothed[0] == pytest.approx(digits_run.losses[0], rel=1e-12)
    np.testing.assert_allclose(digits_run.smoothed, smooth(digits_run.losses, 0.98), rtol=1e-12)


def test_smooth_formula_and_limits():
    losses = np.array([1.0, 3.0, 2.0, 5.0])
    beta = 0.5
    avg, out = 0.0, []
    for i, loss in enumerate(losses):
        avg = beta * avg + (1 - beta) * loss
        out.append(avg / (1 - beta ** (i + 1)))
    np.testing.assert_allclose(smooth(losses, beta), out, rtol=1e-12)
    np.testing.assert_array_equal(smooth(losses, 0.0), losses)
    np.testing.assert_allclose(smooth(np.full(50, 2.5), 0.98), 2.5, rtol=1e-12)
    # without the correction the average starts near zero
    raw = smooth(np.full(5, 2.0), 0.98, bias_correction=False)
    assert raw[0] == pytest.approx(0.04)


# --- stopping ----------------------------------------------------------------------------------

def test_early_stop_on_divergence(digits_run):
    res = digits_run
    assert res.stopped_early and "4 x its minimum" in res.reason
    assert len(res) < 200
    assert res.smoothed[-1] > 4.0 * res.smoothed.min()
    assert np.all(res.smoothed[:-1] <= 4.0 * np.minimum.accumulate(res.smoothed)[:-1])
    assert res.stop_lr == res.lrs[-1]


def test_no_early_stop_when_disabled():
    x, y, _ = _least_squares()
    res = lr_range_test(ls_loss, np.zeros(8), [(x, y)], min_lr=1e-3, max_lr=1e3, steps=40,
                        diverge_factor=None)
    # it goes on until the loss is no longer finite (or to the end)
    assert (not res.stopped_early) or "became" in res.reason


def test_nan_run_gives_a_finite_curve_and_a_suggestion():
    x, y, _ = _least_squares()
    with warnings.catch_warnings():
        warnings.simplefilter("error")       # no RuntimeWarning may escape
        res = lr_range_test(ls_loss, np.zeros(8), [(x, y)], min_lr=1e-6, max_lr=1e6,
                            steps=120, diverge_factor=None)
    assert res.stopped_early and ("nan" in res.reason or "inf" in res.reason)
    assert len(res) < 120 and len(res) >= 3
    assert np.all(np.isfinite(res.losses)) and np.all(np.isfinite(res.smoothed))
    for method in lr_finder.SUGGESTION_METHODS:
        s = res.suggestion(method)
        assert np.isfinite(s) and res.lrs[0] <= s * (10 if method == "minimum" else 1)
    assert res.stop_lr > res.lrs[-1]


def test_loss_that_returns_nan_directly():
    def loss(w, batch):
        return anp.sum(w ** 2) + (anp.nan if batch >= 25 else 0.0)

    res = lr_range_test(loss, np.ones(3), list(range(40)), min_lr=1e-4, max_lr=1e-2, steps=40)
    assert len(res) == 25 and res.stopped_early and "nan" in res.reason
    assert np.isfinite(res.suggestion("steepest"))


# --- the caller's parameters ------------------------------------------------------------------

def test_params_unchanged_after_a_run(digits):
    loss, params, batches, _ = digits
    before = _copy(params)
    res = lr_range_test(loss, params, batches, steps=60)
    assert len(res) > 0
    for k in params:
        np.testing.assert_array_equal(params[k], before[k])


def test_params_unchanged_when_a_grad_fn_mutates_in_place():
    params = {"w": np.ones(3)}

    def grad_fn(p, batch):
        p["w"] += 5.0                     # a badly behaved function that edits its argument
        return float(np.sum(p["w"] ** 2)), {"w": 2 * p["w"]}

    res = lr_range_test(lambda p, b: 0.0, params, [0], steps=3, grad_fn=grad_fn)
    assert len(res) == 3
    np.testing.assert_array_equal(params["w"], np.ones(3))


def test_params_unchanged_when_loss_fn_raises_halfway(digits):
    loss, params, batches, _ = digits
    before = _copy(params)
    calls = {"n": 0}

    def flaky(p, batch):
        calls["n"] += 1
        if calls["n"] == 20:
            raise RuntimeError("out of memory (pretend)")
        return loss(p, batch)

    with pytest.raises(RuntimeError, match="pretend"):
        lr_range_test(flaky, params, batches, steps=50)
    assert calls["n"] == 20
    for k in params:
        np.testing.assert_array_equal(params[k], before[k])


# --- suggestions -------------------------------------------------------------------------------

def test_least_squares_suggestion_below_the_stability_limit():
    x, y, lam_max = _least_squares()
    limit = 2.0 / lam_max
    for steps, beta in [(100, 0.98), (200, 0.9), (150, 0.95)]:
        res = lr_range_test(ls_loss, np.zeros(8), [(x, y)], min_lr=1e-6, max_lr=10.0,
                            steps=steps, smoothing=beta)
        for method in lr_finder.SUGGESTION_METHODS:
            assert res.suggestion(method) < limit, (steps, beta, method)
        # and the curve explodes only above the limit
        assert res.lrs[-1] > limit


def test_steepest_is_the_most_negative_slope_on_the_descent():
    lrs = sweep_rates(1e-5, 10.0, 100)
    x = np.log10(lrs)
    curve = 2.3 - 1.6 / (1 + np.exp(-(x + 2) * 3)) + 0.02 * np.exp(3 * (x - 0.3))
    i = lr_finder.steepest_index(lrs, curve)
    slope = np.gradient(curve, x)
    assert i == int(np.argmin(slope[10:95])) + 10
    assert lrs[i] == pytest.approx(10 ** -2, rel=0.2)


def test_steepest_ignores_a_wiggle_of_the_flat_start():
    lrs = sweep_rates(1e-5, 10.0, 100)
    x = np.log10(lrs)
    curve = 2.3 - 1.6 / (1 + np.exp(-(x + 1) * 3)) + 0.02 * np.exp(3 * (x - 0.3))
    curve[12] -= 0.3                      # a dip in the plateau, steeper than the real fall
    plain = lr_finder.steepest_index(lrs, curve, descent_only=False)
    ours = lr_finder.steepest_index(lrs, curve)
    assert plain in (11, 12)
    assert lrs[ours] == pytest.approx(0.1, rel=0.3)


def test_skip_start_and_skip_end_are_respected():
    lrs = sweep_rates(1e-3, 1.0, 50)
    curve = np.linspace(3.0, 1.0, 50) ** 2        # falls fastest at the start
    assert lr_finder.steepest_index(lrs, curve, 0, 0, descent_only=False) == 0
    assert lr_finder.steepest_index(lrs, curve, 7, 3, descent_only=False) == 7
    assert lr_finder.minimum_index(lrs, curve, 0, 5) == 44


def test_valley_lies_two_thirds_along_the_longest_descent():
    lrs = sweep_rates(1e-4, 1.0, 61)
    curve = np.concatenate([np.full(10, 3.0) + 0.01 * (np.arange(10) % 2),
                            np.linspace(2.9, 1.0, 31), np.linspace(1.1, 5.0, 20)])
    i = lr_finder.valley_index(lrs, curve, 0, 0)
    run = lr_finder._longest_decreasing(curve)
    assert run[-1] == 40
    assert i == run[0] + round(2 / 3 * (40 - run[0]))
    assert lr_finder._longest_decreasing(np.array([3.0, 1.0, 2.0, 0.5])).tolist() in ([0, 1, 3], [0, 2, 3])


def _fastai_valley_index(losses):
    """fastai's ``valley`` (fastai/callback/schedule.py), rewritten: the index it returns."""
    n = len(losses)
    max_start, max_end = 0, 0
    lds = [1] * n
    for i in range(1, n):
        for j in range(0, i):
            if losses[i] < losses[j] and lds[i] < lds[j] + 1:
                lds[i] = lds[j] + 1
            if lds[max_end] < lds[i]:
                max_end = i
                max_start = max_end - lds[max_end]
    sections = (max_end - max_start) / 3
    return max_start + int(sections) + int(sections / 2)


def _valley_curve():
    lrs = sweep_rates(1e-4, 1.0, 61)
    curve = np.concatenate([np.full(10, 3.0) + 0.01 * (np.arange(10) % 2),
                            np.linspace(2.9, 1.0, 31), np.linspace(1.1, 5.0, 20)])
    return lrs, curve


def test_valley_fraction_moves_along_the_longest_descent():
    lrs, curve = _valley_curve()
    run = lr_finder._longest_decreasing(curve)
    first, last = int(run[0]), int(run[-1])
    assert lr_finder.valley_index(lrs, curve, 0, 0, fraction=0.0) == first
    assert lr_finder.valley_index(lrs, curve, 0, 0, fraction=1.0) == last
    half = lr_finder.valley_index(lrs, curve, 0, 0, fraction=0.5)
    two_thirds = lr_finder.valley_index(lrs, curve, 0, 0)
    assert half == first + round(0.5 * (last - first))
    assert first < half < two_thirds < last


def test_fastai_code_lands_about_half_way_along_a_valley_without_gaps():
    lrs, curve = _valley_curve()
    fastai = _fastai_valley_index(curve)
    assert lr_finder.fastai_valley_index(lrs, curve, 0, 0) == fastai
    half = lr_finder.valley_index(lrs, curve, 0, 0, fraction=0.5)
    two_thirds = lr_finder.valley_index(lrs, curve, 0, 0, fraction=2 / 3)
    assert abs(fastai - half) <= 1
    assert abs(fastai - two_thirds) > 3


def test_fastai_valley_counts_points_back_from_the_end_when_the_run_has_gaps():
    lrs = sweep_rates(1e-4, 1.0, 61)
    curve = np.concatenate([np.full(10, 3.0), np.linspace(2.9, 1.0, 31), np.linspace(1.1, 5.0, 20)])
    curve[11:40:2] += 0.5                     # an up-tick at every other point of the descent
    run = lr_finder._longest_decreasing(curve)
    first, last = int(run[0]), int(run[-1])
    assert len(run) < last - first + 1       # the run skips the up-ticks
    fastai = lr_finder.fastai_valley_index(lrs, curve, 0, 0)
    assert fastai == _fastai_valley_index(curve)
    assert fastai > lr_finder.valley_index(lrs, curve, 0, 0, fraction=0.5)


def test_fastai_valley_index_on_a_real_curve_matches_a_transcription_of_fastai(digits_run):
    res = digits_run
    lo, hi = lr_finder._window(len(res), None, None)
    expected = lo + _fastai_valley_index(list(res.smoothed[lo:hi]))
    assert lr_finder.fastai_valley_index(res.lrs, res.smoothed) == expected


def test_suggest_and_suggestion_pass_the_valley_fraction(digits_run):
    res = digits_run
    for frac in (0.0, 0.5, 2 / 3, 1.0):
        i = lr_finder.valley_index(res.lrs, res.smoothed, fraction=frac)
        s = res.suggest("valley", fraction=frac)
        assert s.index == i and s.lr == res.lrs[i]
        assert res.suggestion("valley", fraction=frac) == s.lr
    # the default stays two thirds (lessons 07 and 09 rely on it)
    assert res.suggestion("valley") == res.suggestion("valley", fraction=2 / 3)
    assert res.suggestion("valley", fraction=0.5) <= res.suggestion("valley")
    # the other methods ignore it
    for m in ("steepest", "minimum"):
        assert res.suggestion(m, fraction=0.5) == res.suggestion(m)


@pytest.mark.parametrize("bad", [-0.1, 1.5, float("nan"), "half", None, True])
def test_bad_valley_fraction_raises_value_error_naming_it(digits_run, bad):
    for method in ("valley", "steepest"):
        with pytest.raises(ValueError, match="fraction"):
            digits_run.suggestion(method, fraction=bad)
    with pytest.raises(ValueError, match="fraction"):
        digits_run.suggest("valley", fraction=bad)
    with pytest.raises(ValueError, match="fraction"):
        lr_finder.valley_index(digits_run.lrs, digits_run.smoothed, fraction=bad)


def test_suggestions_on_digits_are_sensible(digits_run):
    res = digits_run
    steep, valley, minimum = (res.suggestion(m) for m in ("steepest", "valley", "minimum"))
    for s in (steep, valley, minimum):
        assert 1e-3 < s < 1.0
    low = res.lrs[np.argmin(res.smoothed)]
    assert steep <= low and valley <= low


def test_suggestion_object_and_float(digits_run):
    s = digits_run.suggest("valley")
    assert float(s) == s.lr == digits_run.suggestion("valley")
    assert digits_run.smoothed[s.index] == s.loss and s.method == "valley"


def test_clr_bounds(digits_run):
    b = clr_bounds(digits_run)
    assert b == digits_run.clr_bounds()
    assert b.base_lr < b.max_lr
    assert b.base_lr == pytest.approx(max(b.start_lr, b.max_lr / 4))
    assert b.max_lr == digits_run.lrs[lr_finder.minimum_index(digits_run.lrs, digits_run.smoothed)]
    base, top = b
    assert (base, top) == (b.base_lr, b.max_lr)


def test_with_smoothing_and_view_reuse_the_raw_losses(digits_run):
    res = digits_run
    again = res.with_smoothing(0.9)
    np.testing.assert_array_equal(again.losses, res.losses)
    np.testing.assert_allclose(again.smoothed, smooth(res.losses, 0.9))
    crop = res.view(min_lr=1e-3, max_lr=1.0, diverge_factor=None)
    assert crop.lrs[0] >= 1e-3 and crop.lrs[-1] <= 1.0
    assert crop.smoothed[0] == crop.losses[0]
    assert crop.planned_lrs[0] >= 1e-3
    uncorrected = res.view(bias_correction=False)
    assert len(uncorrected) < 20 and uncorrected.stopped_early   # the rule fires at once


def test_plot_marks_the_suggestion(digits_run):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ax = digits_run.plot(method="valley")
    assert ax.get_xscale() == "log"
    marker = ax.lines[-1]
    s = digits_run.suggest("valley")
    assert marker.get_xdata()[0] == digits_run.lrs[s.index]
    plt.close(ax.figure)


def test_lag_properties(digits_run):
    assert digits_run.lag_steps == pytest.approx(49.0)
    per_decade = 199 / 6
    assert digits_run.steps_per_decade == pytest.approx(per_decade)
    assert digits_run.lag_decades == pytest.approx(49.0 / per_decade)


# --- spread across seeds -----------------------------------------------------------------------

def test_suggestion_spread(digits):
    loss, params, _, split = digits

    def batches_for(seed):
        return list(data.minibatches(split.x_train, split.y_train, 32, seed=seed))

    sp = suggestion_spread(loss, params, batches_for, seeds=range(3),
                           methods=("steepest", "valley"), min_lr=1e-5, steps=150)
    assert set(sp.suggestions) == {"steepest", "valley"} and len(sp.results) == 3
    for m in ("steepest", "valley"):
        s = sp.suggestions[m]
        assert sp.median(m) == pytest.approx(np.median(s))
        assert sp.ratio(m) == pytest.approx(s.max() / s.min()) and sp.ratio(m) >= 1
        assert sp.std_log10(m) == pytest.approx(np.std(np.log10(s)))
    assert "max/min" in sp.table()
    with pytest.raises(ValueError, match="method"):
        sp.median("nope")


# --- validation ---------------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs, name", [
    (dict(min_lr=1.0, max_lr=1.0), "min_lr"),
    (dict(min_lr=2.0, max_lr=1.0), "min_lr"),
    (dict(min_lr=0.0), "min_lr"),
    (dict(max_lr=float("inf")), "max_lr"),
    (dict(steps=1), "steps"),
    (dict(steps=10.5), "steps"),
    (dict(smoothing=1.0), "smoothing"),
    (dict(smoothing=-0.1), "smoothing"),
    (dict(mode="cosine"), "mode"),
    (dict(diverge_factor=1.0), "diverge_factor"),
    (dict(optimizer="lbfgs"), "optimizer"),
    (dict(batches=[]), "batches"),
    (dict(batches=(np.zeros((3, 2)), np.zeros(3))), "batches"),
    (dict(batches=5), "batches"),
    (dict(loss_fn=3), "loss_fn"),
])
def test_bad_arguments_raise_value_error_naming_them(kwargs, name):
    args = dict(loss_fn=lambda w, b: anp.sum(w ** 2), params=np.ones(2), batches=[0])
    args.update(kwargs)
    with pytest.raises(ValueError, match=name):
        lr_range_test(**args)


def test_bad_suggestion_arguments(digits_run):
    with pytest.raises(ValueError, match="method"):
        digits_run.suggestion("fastest")
    with pytest.raises(ValueError, match="skip_start"):
        digits_run.suggestion("steepest", skip_start=len(digits_run), skip_end=0)
    short = RangeTest(lrs=np.array([1e-3, 1e-2]), losses=np.ones(2), smoothed=np.ones(2),
                      planned_lrs=np.array([1e-3, 1e-2]), stopped_early=True, reason="")
    with pytest.raises(ValueError, match="at least 3"):
        short.suggestion()
    with pytest.raises(ValueError, match="smoothing"):
        digits_run.with_smoothing(1.5)
    with pytest.raises(ValueError, match="seeds"):
        suggestion_spread(lambda w, b: 0.0, np.ones(1), lambda s: [0], seeds=[])
    with pytest.raises(ValueError, match="batches_for_seed"):
        suggestion_spread(lambda w, b: 0.0, np.ones(1), [0])
