"""Lesson 06's range-test explorer, driven from Python (no browser)."""
import warnings

import numpy as np
import pytest

from course_lib import lr_finder
from course_lib.widgets.lr_finder import LRFinderExplorer, default_sweep, lr_finder_explorer


@pytest.fixture(scope="module")
def sweep():
    return default_sweep()


@pytest.fixture(scope="module")
def explorer(sweep):
    return lr_finder_explorer(sweep)


def _expected_view(ex):
    v = ex.values()
    lo, hi = v["lr_range"]
    return ex.result.view(smoothing=v["smoothing"], min_lr=10.0 ** lo, max_lr=10.0 ** hi,
                          bias_correction=v["bias_correction"], diverge_factor=4.0)


def test_default_sweep_is_the_lessons_network(sweep):
    assert len(sweep.planned_lrs) == 350
    assert sweep.planned_lrs[0] == 1e-6 and sweep.planned_lrs[-1] == 10.0
    assert sweep.diverge_factor is None and np.all(np.isfinite(sweep.losses))


def test_initial_picture(explorer):
    d = explorer.drawn()
    view = _expected_view(explorer)
    np.testing.assert_array_equal(d["lrs"], view.lrs)
    np.testing.assert_array_equal(d["raw"], view.losses)
    np.testing.assert_allclose(d["smoothed"], view.smoothed)
    s = view.suggest("steepest")
    assert d["suggestion"] == s.lr and d["marker"] == (view.lrs[s.index], s.loss)
    assert d["vline"] == s.lr
    assert d["xlim"] == pytest.approx((1e-6, 10.0))
    assert explorer.image.value[:4] == b"\x89PNG"
    assert "steepest: suggested lr" in d["status"]


@pytest.mark.parametrize("beta", [0.0, 0.5, 0.9, 0.95, 0.99])
def test_smoothing_slider_re_smooths_the_same_raw_losses(explorer, beta):
    explorer.set(smoothing=beta, lr_range=(-6.0, 1.0), method="steepest", bias_correction=True)
    d = explorer.drawn()
    view = _expected_view(explorer)
    np.testing.assert_allclose(d["smoothed"], lr_finder.smooth(d["raw"], beta))
    np.testing.assert_array_equal(d["raw"], explorer.result.losses[:len(d["raw"])])
    assert d["suggestion"] == view.suggestion("steepest")


@pytest.mark.parametrize("method", lr_finder.SUGGESTION_METHODS)
def test_method_moves_the_marker(explorer, method):
    explorer.set(smoothing=0.95, lr_range=(-6.0, 1.0), method=method)
    d = explorer.drawn()
    assert d["suggestion"] == pytest.approx(_expected_view(explorer).suggestion(method))
    assert method in d["status"]


def test_marker_moves_with_the_controls(explorer):
    explorer.set(smoothing=0.98, method="steepest", lr_range=(-6.0, 1.0))
    a = explorer.drawn()["suggestion"]
    explorer.set(method="valley")
    b = explorer.drawn()["suggestion"]
    assert a != b
    image = explorer.image.value
    explorer.set(smoothing=0.9)
    assert explorer.image.value != image


def test_range_crops_the_sweep(explorer):
    explorer.set(lr_range=(-3.0, 0.5), smoothing=0.9)
    d = explorer.drawn()
    assert d["lrs"][0] >= 1e-3 and d["lrs"][-1] <= 10 ** 0.5 + 1e-12
    assert d["xlim"] == pytest.approx((1e-3, 10 ** 0.5))
    assert d["smoothed"][0] == d["raw"][0]      # the average restarts, bias-corrected


def test_without_bias_correction_the_stop_rule_fires_at_once(explorer):
    explorer.set(lr_range=(-6.0, 1.0), smoothing=0.98, bias_correction=False)
    d = explorer.drawn()
    assert len(d["lrs"]) < 20 and "without bias correction" in d["status"]
    assert d["smoothed"][0] == pytest.approx(0.02 * d["raw"][0])
    explorer.set(bias_correction=True)
    assert len(explorer.drawn()["lrs"]) > 200


def test_too_few_points_reported_not_raised(explorer):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        explorer.set(lr_range=(0.5, 1.0), smoothing=0.0, bias_correction=True)
    d = explorer.drawn()
    assert d["suggestion"] is None or np.isfinite(d["suggestion"])
    if d["suggestion"] is None:
        assert "✗" in d["status"] and d["vline"] is None and d["marker"] is None


def test_figure_is_built_once_and_artists_move_in_place(explorer):
    fig, lines = explorer.figure, list(explorer.ax.lines)
    before = explorer.updates
    for beta in (0.5, 0.8, 0.98):
        explorer.set(smoothing=beta)
    explorer.controls["method"].value = "minimum"      # a control change redraws by itself
    assert explorer.updates == before + 4
    assert explorer.figure is fig and len(fig.axes) == 1 and list(explorer.ax.lines) == lines
    for artist in (explorer.raw_line, explorer.smooth_line, explorer.marker, explorer.vline):
        assert artist in explorer.dynamic_artists
    assert explorer.dynamic_axes == [explorer.ax]


def test_limits_are_rounded_so_pixels_are_reused(explorer):
    limits = set()
    for beta in np.arange(0.80, 0.99, 0.01):
        explorer.set(smoothing=float(round(beta, 2)), lr_range=(-6.0, 1.0))
        limits.add(explorer.drawn()["ylim"])
    assert len(limits) <= 3


def test_update_is_timed(explorer):
    # speed is measured in benchmarks/ (bench_widgets.py), never asserted: machines are noisy
    explorer.set(smoothing=0.9, lr_range=(-6.0, 1.0), method="steepest")
    before = explorer.updates
    for beta in [0.91, 0.92, 0.93, 0.92, 0.91, 0.9]:
        explorer.set(smoothing=beta)
    assert explorer.updates == before + 6
    assert explorer.last_update_seconds > 0


def test_bad_arguments(sweep):
    with pytest.raises(ValueError, match="method"):
        LRFinderExplorer(sweep, method="fastest")
    short = sweep.view(max_lr=float(sweep.lrs[1]), diverge_factor=None)
    with pytest.raises(ValueError, match="result"):
        LRFinderExplorer(short)
    ex = lr_finder_explorer(sweep, smoothing=0.9, method="valley", lr_range=(-4.0, 0.0))
    assert ex.values()["method"] == "valley" and ex.values()["lr_range"] == (-4.0, 0.0)
    with pytest.raises(ValueError, match="unknown control"):
        ex.set(beta=0.9)


def test_minimum_marker_sits_at_the_suggestion_not_the_curve_minimum(explorer):
    explorer.set(smoothing=0.98, lr_range=(-6.0, 1.0), method="minimum", bias_correction=True)
    d = explorer.drawn()
    view = _expected_view(explorer)
    s = view.suggest("minimum")
    assert d["marker"][0] == pytest.approx(s.lr) and d["vline"] == pytest.approx(s.lr)
    assert d["marker"][0] != pytest.approx(view.lrs[s.index])    # not the minimum itself


def test_crops_without_descent_or_with_the_suggestion_outside_are_said(explorer):
    from course_lib.widgets.lr_finder import descent_fraction
    explorer.set(smoothing=0.98, lr_range=(-6.0, -4.0), method="steepest")
    assert "no clear descent" in explorer.status.value
    assert descent_fraction(explorer.view) == 0.0
    explorer.set(method="minimum")
    d = explorer.drawn()
    assert d["marker"] is None and d["vline"] is None
    assert "left of the rates shown: not marked" in d["status"]
    explorer.set(lr_range=(-3.0, -1.0), method="steepest")
    assert "still falling at the right edge" in explorer.status.value
    explorer.set(lr_range=(-6.0, 1.0))
    assert "✗" not in explorer.status.value and descent_fraction(explorer.view) > 0.5


def test_lr_finder_constructor_checks(sweep):
    with pytest.raises(ValueError, match="^smoothing must be between 0 and 0.99"):
        lr_finder_explorer(sweep, smoothing=1.5)
    with pytest.raises(ValueError, match=r"^lr_range\[1\] must be between"):
        lr_finder_explorer(sweep, lr_range=(-6.0, 5.0))
