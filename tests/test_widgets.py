"""Widget tests without a browser: drive each explorer from Python and read back what it draws."""
import io

import numpy as np
import pytest
from PIL import Image

from course_lib import functions as F
from course_lib import optim, schedules
from course_lib.widgets import (Explorer, GDExplorer, ParabolaExplorer, gd_explorer,
                                parabola_explorer)

PNG_MAGIC = b"\x89PNG"


def grad_b1(x):
    return F.rosenbrock_grad(x, b=1.0)


def expected_gd(lr, steps=100, x0=(2.0, 2.0), decay=False):
    rate = schedules.time_decay(lr, 0.01) if decay else lr
    return optim.gradient_descent(grad_b1, x0, rate, steps,
                                  loss_fn=lambda x: F.rosenbrock(x, b=1.0), verbose=False)


def decode(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))


GD_DEFAULTS = dict(lr=0.1, steps=100, decay=False, x1=2.0, x2=2.0)


@pytest.fixture(scope="module")
def shared_gd():
    """One explorer shared by the tests (building one takes ~0.5 s)."""
    return gd_explorer()


@pytest.fixture
def gd(shared_gd):
    """The shared explorer, back at its default settings."""
    return shared_gd.set(**GD_DEFAULTS)


@pytest.fixture
def fresh_gd():
    """A new explorer, for tests that need its history from the start."""
    return gd_explorer()


@pytest.fixture(scope="module")
def shared_parabola():
    return parabola_explorer()


@pytest.fixture
def parabola(shared_parabola):
    return shared_parabola.set(lr=0.1, steps=12)


def png(ex) -> bytes:
    """The explorer's picture as bytes (ipywidgets keeps Image.value as a memoryview)."""
    return bytes(ex.image.value)


# --- gd_explorer: what is drawn ---------------------------------------------------------------

def test_gd_initial_drawing_is_seed_run(gd):
    want = expected_gd(0.1)
    d = gd.drawn()
    np.testing.assert_allclose(d["path"], want.xs, rtol=1e-12)
    np.testing.assert_allclose(d["losses"], want.losses, rtol=1e-12)


def test_gd_set_changes_the_drawing(gd):
    before = gd.drawn()["path"].copy()
    gd.set(lr=0.2)
    after = gd.drawn()["path"]
    assert gd.controls["lr"].value == pytest.approx(0.2)
    assert not np.allclose(before, after)
    np.testing.assert_allclose(after, expected_gd(0.2).xs, rtol=1e-12)


def test_gd_setting_a_control_value_directly_redraws(gd):
    before = gd.drawn()["path"].copy()
    gd.controls["lr"].value = 0.2  # as the slider would
    after = gd.drawn()["path"]
    assert not np.allclose(before, after)
    np.testing.assert_allclose(after, expected_gd(0.2).xs, rtol=1e-12)
    assert "distance to the minimum" in gd.status.value


@pytest.mark.parametrize("settings", [
    dict(lr=0.05, steps=37),
    dict(lr=0.15, steps=200, x1=-1.5, x2=3.0),
    dict(lr=0.01, steps=1, x1=0.0, x2=0.0),
])
def test_gd_drawing_equals_gradient_descent(gd, settings):
    gd.set(**settings)
    v = gd.values()
    want = expected_gd(v["lr"], v["steps"], (v["x1"], v["x2"]))
    d = gd.drawn()
    assert d["path"].shape == (v["steps"] + 1, 2)
    np.testing.assert_allclose(d["path"], want.xs, rtol=1e-12)
    np.testing.assert_allclose(d["losses"], np.maximum(want.losses, 1e-16), rtol=1e-12)
    np.testing.assert_allclose(d["path"][0], (v["x1"], v["x2"]))
    # the start and end markers sit at the path's ends
    np.testing.assert_allclose(np.column_stack(gd.start.get_data()), want.xs[:1])
    np.testing.assert_allclose(np.column_stack(gd.end.get_data()), want.xs[-1:])


def test_gd_decay_checkbox_uses_time_decay(gd):
    gd.set(lr=0.2)
    constant_path = gd.drawn()["path"].copy()
    gd.set(decay=True)
    decayed = gd.drawn()["path"]
    assert not np.allclose(constant_path, decayed)
    np.testing.assert_allclose(decayed, expected_gd(0.2, decay=True).xs, rtol=1e-12)
    np.testing.assert_allclose(gd.result.lrs, schedules.time_decay(0.2, 0.01)(np.arange(100)))
    gd.controls["decay"].value = False
    np.testing.assert_allclose(gd.drawn()["path"], constant_path, rtol=0, atol=0)
    assert "time-based decay" in gd.controls["decay"].description


def test_gd_divergence_shown_in_status(gd):
    gd.set(lr=0.5)
    want = expected_gd(0.5)
    assert want.diverged
    assert f"diverged at step {want.diverged_at}" in gd.status.value
    assert gd.drawn()["status"] == gd.status.value
    # the path drawn is the finite part
    np.testing.assert_allclose(gd.drawn()["path"], want.xs)
    assert np.all(np.isfinite(gd.drawn()["path"]))
    # back to a good rate: the message goes away
    gd.set(lr=0.1)
    assert "diverged" not in gd.status.value


def test_gd_divergence_prints_nothing(gd, capsys):
    gd.set(lr=0.9)
    assert capsys.readouterr().out == ""


# --- the figure is built once -------------------------------------------------------------------

def _artist_counts(ex):
    return [(len(ax.lines), len(ax.collections), len(ax.texts), len(ax.patches),
             len(ax.get_children())) for ax in ex.figure.axes]


def test_gd_updates_artists_in_place(gd):
    ex = gd
    figure, axes = ex.figure, list(ex.figure.axes)
    lines = (ex.line, ex.start, ex.end, ex.loss_line)
    counts = _artist_counts(ex)
    for lr in np.geomspace(0.002, 0.9, 12):
        ex.set(lr=float(lr))
    ex.controls["steps"].value = 250
    ex.controls["decay"].value = True
    ex.set(x1=-1.0, x2=3.0)
    assert ex.figure is figure
    assert list(ex.figure.axes) == axes
    assert (ex.line, ex.start, ex.end, ex.loss_line) == lines
    assert ex.line in ex.ax_path.lines and ex.loss_line in ex.ax_loss.lines
    assert _artist_counts(ex) == counts
    assert len(ex.figure.axes) == 2


def test_parabola_updates_artists_in_place(parabola):
    figure, points, dist = parabola.figure, parabola.points, parabola.dist
    counts = _artist_counts(parabola)
    for lr in np.linspace(0.01, 1.2, 15):
        parabola.set(lr=float(lr))
    parabola.controls["steps"].value = 40
    assert parabola.figure is figure
    assert (parabola.points, parabola.dist) == (points, dist)
    assert _artist_counts(parabola) == counts


# --- the picture --------------------------------------------------------------------------------

def test_gd_image_is_png_and_changes(gd):
    ex = gd
    first = png(ex)
    assert first.startswith(PNG_MAGIC)
    assert ex.image.format == "png"
    assert decode(first).shape[:2] == (int(ex.figsize[1] * ex.dpi), int(ex.figsize[0] * ex.dpi))
    ex.set(lr=0.2)
    second = png(ex)
    assert second.startswith(PNG_MAGIC)
    assert second != first
    ex.controls["steps"].value = 20
    assert png(ex) != second
    # back to the first settings: exactly the first picture (no left-over paint)
    ex.set(lr=0.1, steps=100)
    assert png(ex) == first


def test_gd_image_equals_a_full_redraw(fresh_gd):
    """The fast (blitted) picture shows the same pixels as drawing the whole figure."""
    ex = fresh_gd
    ex.set(lr=0.2, steps=60, x1=-1.0)
    fast = decode(png(ex))
    for artist in ex.dynamic_artists:
        artist.set_animated(False)
    ex.canvas.draw()
    full = np.asarray(ex.canvas.buffer_rgba())
    assert fast.shape == full.shape
    assert np.mean(np.any(fast != full, axis=2)) < 1e-3


def test_parabola_image_is_png_and_changes(parabola):
    first = png(parabola)
    assert first.startswith(PNG_MAGIC)
    parabola.set(lr=0.7)
    assert png(parabola).startswith(PNG_MAGIC)
    assert png(parabola) != first
    parabola.set(lr=0.1)
    assert png(parabola) == first


# --- update counting and set() ------------------------------------------------------------------

def test_updates_count_redraws(fresh_gd):
    ex = fresh_gd
    assert ex.updates == 1  # the first drawing
    ex.set(lr=0.05)
    assert ex.updates == 2
    ex.set(lr=0.2, steps=30, decay=True, x1=0.0, x2=0.0)  # several controls, one redraw
    assert ex.updates == 3
    ex.controls["lr"].value = 0.3
    assert ex.updates == 4
    ex.controls["lr"].value = 0.3  # no change, no redraw
    assert ex.updates == 4
    assert ex.last_update_seconds >= 0.0


def test_set_returns_the_explorer(parabola):
    assert parabola.set(lr=0.3) is parabola


@pytest.mark.parametrize("bad", [dict(learning_rate=0.1), dict(lr=0.2, nope=1)])
def test_set_unknown_control(gd, bad):
    ex = gd
    before_values, before_updates = ex.values(), ex.updates
    with pytest.raises(ValueError, match="unknown control") as info:
        ex.set(**bad)
    assert "lr" in str(info.value)  # lists the controls it has
    assert ex.values() == before_values  # nothing was half-applied
    assert ex.updates == before_updates


def test_values_and_controls(fresh_gd):
    assert set(fresh_gd.controls) == {"lr", "steps", "decay", "x1", "x2"}
    assert fresh_gd.values() == GD_DEFAULTS
    assert "diverged" not in fresh_gd.status.value
    assert "after 100 steps" in fresh_gd.status.value


# --- repr ---------------------------------------------------------------------------------------

def test_repr_short_and_deterministic(fresh_gd, gd):
    text = repr(fresh_gd)
    assert text == "GDExplorer(lr=0.1, steps=100, decay=False, x1=2.0, x2=2.0)"
    assert repr(gd) == text  # another explorer with the same settings
    assert len(text) < 120
    assert " at 0x" not in text
    fresh_gd.set(lr=0.2, decay=True)
    assert repr(fresh_gd).startswith("GDExplorer(lr=0.2, ")
    assert "decay=True" in repr(fresh_gd)


def test_parabola_repr(parabola):
    assert repr(parabola) == "ParabolaExplorer(lr=0.1, steps=12)"


# --- initial values and classes -----------------------------------------------------------------

def test_gd_explorer_keyword_arguments():
    ex = gd_explorer(lr=0.2, x0=(-1.0, 1.5), steps=30, decay=True)
    assert isinstance(ex, GDExplorer) and isinstance(ex, Explorer)
    assert ex.values() == {"lr": 0.2, "steps": 30, "decay": True, "x1": -1.0, "x2": 1.5}
    np.testing.assert_allclose(ex.drawn()["path"],
                               expected_gd(0.2, 30, (-1.0, 1.5), decay=True).xs, rtol=1e-12)


def test_gd_explorer_other_b():
    ex = gd_explorer(b=100.0, lr=0.001, steps=20)
    want = optim.gradient_descent(lambda x: F.rosenbrock_grad(x, b=100.0), (2.0, 2.0), 0.001, 20,
                                  verbose=False)
    np.testing.assert_allclose(ex.drawn()["path"], want.xs, rtol=1e-12)


def test_widget_tree_contains_controls_status_and_image(gd):
    def walk(w):
        yield w
        for child in getattr(w, "children", ()):
            yield from walk(child)

    widgets = list(walk(gd))
    for control in gd.controls.values():
        assert control in widgets
    assert gd.status in widgets and gd.image in widgets


# --- parabola_explorer --------------------------------------------------------------------------

@pytest.mark.parametrize("lr,steps", [(0.1, 12), (0.3, 5), (0.9, 20), (1.1, 40)])
def test_parabola_drawing_equals_gradient_descent(parabola, lr, steps):
    parabola.set(lr=lr, steps=steps)
    want = optim.gradient_descent(lambda x: 2.0 * x, [1.5], lr, steps, verbose=False)
    xs = parabola.drawn()["xs"]
    np.testing.assert_allclose(xs, want.xs[:, 0], rtol=1e-12)
    np.testing.assert_allclose(xs, 1.5 * (1 - 2 * lr) ** np.arange(steps + 1), rtol=1e-9)
    # the points sit on the parabola
    px, py = parabola.points.get_data()
    np.testing.assert_allclose(py, np.asarray(px) ** 2)


@pytest.mark.parametrize("lr,verdict", [
    (0.2, "converges smoothly"),
    (0.5, "converges smoothly"),
    (0.75, "overshooting"),
    (1.0, "bounces forever"),
    (1.1, "diverges"),
])
def test_parabola_status_verdict(parabola, lr, verdict):
    parabola.set(lr=lr)
    assert verdict in parabola.status.value
    assert f"{lr:.2f}" in parabola.status.value
    assert parabola.drawn()["status"] == parabola.status.value


def test_parabola_explorer_keyword_arguments():
    ex = parabola_explorer(lr=0.4, x0=-2.0, steps=6)
    assert isinstance(ex, ParabolaExplorer)
    np.testing.assert_allclose(ex.drawn()["xs"], -2.0 * 0.2 ** np.arange(7), rtol=1e-12)
    assert ex.values() == {"lr": 0.4, "steps": 6}
