"""Lesson 03's surface explorer, driven from Python."""
import numpy as np
import pytest

from course_lib import data, surfaces
from course_lib.widgets.surface import SurfaceExplorer, surface_explorer


@pytest.fixture(scope="module")
def ex():
    return surface_explorer(n_grid=41)


def test_builds_and_draws(ex):
    d = ex.drawn()
    assert d["loss"] == "mse" and d["visible"] == ["mse"]
    assert d["path"].shape == (31, 2)
    assert ex.image.value[:4] == b"\x89PNG"
    np.testing.assert_allclose(d["path"][0], [-1.0, 2.0])


def test_loss_switch_shows_the_other_surface(ex):
    ex.set(loss="mae")
    d = ex.drawn()
    assert d["visible"] == ["mae"] and "MAE" in d["status"]
    x, y = data.linear_data()
    _, _, Z = surfaces.linear_surface(x, y, np.linspace(-2, 6, 41), np.linspace(-5, 3, 41), "mae")
    np.testing.assert_allclose(d["surface"], Z)
    ex.set(loss="mse")


def test_path_is_gradient_descent(ex):
    ex.set(kernel=0.0, bias=0.0, lr=0.1, steps=5)
    x, y = data.linear_data()
    p = np.array([0.0, 0.0])
    for _ in range(5):
        p = p - 0.1 * np.array(surfaces.linear_surface_grad(x, y, p[0], p[1], "mse"))
    np.testing.assert_allclose(ex.drawn()["path"][-1], p)
    np.testing.assert_allclose(ex.drawn()["end_line"], p[0] * ex._xline + p[1])


def test_large_rate_is_reported(ex):
    ex.set(lr=1.9, steps=60, kernel=-1.0, bias=2.0)
    assert "too large" in ex.status.value or "diverged" in ex.status.value
    ex.set(lr=0.1, steps=30)
    assert "✗" not in ex.status.value


def test_update_is_fast_and_counted(ex):
    before = ex.updates
    ex.set(steps=100)
    assert ex.updates == before + 1
    assert ex.last_update_seconds > 0  # timed; the benchmark measures the real time


def test_unknown_control(ex):
    with pytest.raises(ValueError, match="unknown control"):
        ex.set(momentum=0.9)


def test_custom_data():
    x, y = data.linear_data(n=30, kernel=1.0, bias=0.0, seed=5)
    e = SurfaceExplorer(x=x, y=y, n_grid=21, steps=3)
    assert e.drawn()["surface"].shape == (21, 21)


def test_a_diverging_fit_is_not_drawn_as_a_vertical_line():
    ex = surface_explorer(loss="mse", lr=0.7, steps=30)
    d = ex.drawn()
    assert d["end_line"] is None and not ex.line_end.get_visible()
    assert "leaves the left panel at step" in d["status"] and "no end line drawn" in d["status"]
    ex.set(lr=0.1)
    assert ex.drawn()["end_line"] is not None and "(" not in ex.status.value


def test_surface_constructor_checks():
    with pytest.raises(ValueError, match="^lr must be between"):
        surface_explorer(lr=5.0)
    with pytest.raises(ValueError, match="^loss must be one of"):
        surface_explorer(loss="huber")
