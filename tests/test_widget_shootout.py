"""Lesson 09's shoot-out explorer, driven from Python (no browser)."""
import numpy as np
import pytest

from course_lib import data, models, schedules
from course_lib.shootout import shootout
from course_lib.widgets.base import Explorer
from course_lib.widgets.shootout import (ShootoutExplorer, curve_stats, final_ranges,
                                         ranges_overlap, shootout_explorer)


@pytest.fixture(scope="module")
def result():
    s = data.digits_split(seed=0)
    recipes = {"constant": lambda total: 0.05, "cosine": lambda total: schedules.cosine(0.1, total),
               "too large": lambda total: 1e200}
    return shootout(recipes, lambda seed: models.init_mlp((64, 16, 10), seed=seed), "mlp",
                    s.x_train[:320], s.y_train[:320], validation_data=(s.x_val[:200], s.y_val[:200]),
                    steps=20, seeds=(0, 1, 2), eval_every=5, target=0.8)


@pytest.fixture(scope="module")
def explorer(result):
    return shootout_explorer(result, schedules=("constant", "cosine"))


def test_initial_state(explorer, result):
    assert isinstance(explorer, Explorer)
    d = explorer.drawn()
    assert d["schedules"] == ["constant", "cosine"] and d["metric"] == "accuracy"
    np.testing.assert_array_equal(d["steps"], [0, 5, 10, 15, 20])
    np.testing.assert_allclose(d["rates"]["cosine"], schedules.cosine(0.1, 20)(np.arange(20)))
    a = result.arrays()
    np.testing.assert_allclose(d["curves"]["constant"], a["val_acc"][0].mean(axis=0))
    lo, hi = d["bands"]["cosine"]
    np.testing.assert_allclose(lo, a["val_acc"][1].min(axis=0))
    np.testing.assert_allclose(hi, a["val_acc"][1].max(axis=0))
    assert d["seeds"] == {}
    assert "final validation accuracy over 3 seeds" in d["status"]
    assert explorer.image.value[:4] == b"\x89PNG"


def test_status_says_whether_ranges_overlap(explorer, result):
    explorer.set(schedules=("constant", "cosine"), metric="accuracy")
    ranges = final_ranges(result, ["constant", "cosine"])
    overlap = ranges_overlap(ranges.values())
    d = explorer.drawn()
    assert d["overlap"] is overlap
    assert ("The ranges overlap" in d["status"]) is overlap
    for name, (lo, mean, hi) in ranges.items():
        assert f"{name}: {mean:.4f} [{lo:.4f}, {hi:.4f}]" in d["status"]
    explorer.set(schedules=("constant", "too large"))
    d = explorer.drawn()
    assert d["overlap"] is False and "too large: diverged" in d["status"]
    explorer.set(schedules=("cosine",))
    assert explorer.drawn()["overlap"] is None
    explorer.set(schedules=())
    assert "pick one or more" in explorer.status.value


def test_every_seed_and_loss_views(explorer, result):
    explorer.set(schedules=("cosine", "too large"), metric="loss", view="every seed")
    d = explorer.drawn()
    a = result.arrays()
    assert d["curves"] == {} and set(d["seeds"]) == {"cosine", "too large"}
    np.testing.assert_allclose(d["seeds"]["cosine"], a["val_loss"][1])
    assert np.isnan(d["seeds"]["too large"][:, -1]).all()       # nothing after divergence
    assert explorer.ax_v.get_yscale() == "log"
    explorer.set(metric="accuracy", view="mean and range")
    assert explorer.ax_v.get_yscale() == "linear"


def test_updates_are_in_place_and_quick(explorer):
    artists = dict(explorer.mean_lines)
    before = explorer.updates
    for names in [("constant",), ("constant", "cosine"), ("cosine", "too large")]:
        explorer.controls["schedules"].value = names      # as a click would
    assert explorer.updates == before + 3
    assert explorer.mean_lines == artists
    assert explorer.last_update_seconds > 0   # timed; the benchmark measures the speed


def test_pure_helpers():
    assert ranges_overlap([(0.90, 0.92, 0.95), (0.94, 0.95, 0.96)])
    assert not ranges_overlap([(0.90, 0.91, 0.92), (0.93, 0.95, 0.96)])
    assert not ranges_overlap([(0.90, 0.91, 0.92), (np.nan, np.nan, np.nan)])
    mean, lo, hi = curve_stats([[1.0, 2.0, np.nan], [3.0, np.nan, np.nan]])
    np.testing.assert_allclose(mean[:2], [2.0, 2.0])
    np.testing.assert_allclose(lo[:2], [1.0, 2.0])
    np.testing.assert_allclose(hi[:2], [3.0, 2.0])
    assert np.isnan(mean[2]) and np.isnan(lo[2]) and np.isnan(hi[2])


def test_bad_arguments(result):
    with pytest.raises(ValueError, match="^result must be a Shootout"):
        ShootoutExplorer({"a": 1})
    with pytest.raises(ValueError, match="^schedules must be names"):
        shootout_explorer(result, schedules=("sgdr",))
    with pytest.raises(ValueError, match="^metric"):
        shootout_explorer(result, metric="f1")
    with pytest.raises(ValueError, match="^view"):
        shootout_explorer(result, view="median")
    with pytest.raises(ValueError, match="unknown control"):
        shootout_explorer(result).set(lr=0.1)


def test_image_equals_a_full_redraw(result):
    """The fast (blitted) picture shows the same pixels as drawing the whole figure."""
    ex = shootout_explorer(result)
    ex.set(schedules=("cosine", "too large"), metric="loss", view="every seed")
    ex.set(schedules=("constant", "cosine"), metric="accuracy", view="mean and range")
    assert np.array_equal(ex.shown(), ex.truth())


def test_huge_losses_keep_the_axis_upright_and_the_status_short():
    from course_lib.widgets.shootout import loss_limits, number
    bottom, top = loss_limits([1e200, 3e230])
    assert bottom < top <= 1e6
    assert loss_limits([])[0] < loss_limits([])[1]
    assert number(1.5146e197) == "1.515e197" and number(0.75) == "0.7500"


def test_bad_schedules_type(result):
    with pytest.raises(ValueError, match="^schedules must be names"):
        shootout_explorer(result, schedules=5)
