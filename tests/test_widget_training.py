"""Lesson 04's training explorer, driven from Python."""
import numpy as np
import pytest

from course_lib import data, training
from course_lib.widgets.training import training_explorer


@pytest.fixture(scope="module")
def ex():
    return training_explorer()


def test_builds_and_draws(ex):
    d = ex.drawn()
    steps = 3 * int(np.ceil(200 / 16))
    assert d["path"].shape == (steps + 1, 2)
    assert d["losses"].shape == (steps + 1,)
    np.testing.assert_allclose(d["path"][0], [-1.0, 2.0])
    assert d["epochs"][-1] == pytest.approx(3.0)
    assert ex.image.value[:4] == b"\x89PNG"


def test_batch_size_sets_the_number_of_updates(ex):
    ex.set(batch_size=200, epochs=2)
    assert len(ex.drawn()["path"]) == 3
    assert "1 update per epoch" in ex.status.value
    ex.set(batch_size=1, epochs=1)
    assert len(ex.drawn()["path"]) == 201


def test_path_matches_fit(ex):
    ex.set(batch_size=8, lr=0.05, epochs=2, optimizer="momentum")
    x, y = data.linear_data()
    trace = training.Trace()
    training.fit({"kernel": np.array(-1.0), "bias": np.array(2.0)}, "linear", x, y,
                 optimizer="momentum", lr=0.05, epochs=2, batch_size=8, callbacks=[trace])
    np.testing.assert_allclose(ex.drawn()["path"], trace.array("kernel", "bias"), rtol=1e-10)


def test_too_large_rate_is_reported(ex):
    ex.set(batch_size=4, lr=1.0, epochs=3, optimizer="sgd")
    assert "✗" in ex.status.value
    ex.set(lr=0.05)
    assert "✗" not in ex.status.value


def test_cached_runs(ex):
    ex.set(batch_size=2, lr=0.02, epochs=2)
    first = ex.run()
    ex.set(batch_size=4)
    ex.set(batch_size=2)
    assert ex.run() is first


def test_status_reports_the_loss_not_the_clip_value():
    ex = training_explorer(batch_size=1, lr=0.5, epochs=5)
    status = ex.status.value
    assert "1e+12" not in status and "grew from" in status
    hist, path = ex.run()
    assert f"{ex.full_loss(path)[-1]:.4g}".replace("e+", "e") in status
    assert "above 1e12, not drawn" in status
    assert np.nanmax(ex.drawn()["losses"]) <= 1e12


def test_training_constructor_checks():
    with pytest.raises(ValueError, match="^batch_size must be one of"):
        training_explorer(batch_size=3)
    with pytest.raises(ValueError, match="^lr must be between 0.001 and 1, got 2"):
        training_explorer(lr=2)
