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
    assert np.array_equal(ex.shown(), ex.truth())


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


# -- the browser's slider write-backs (issue 14, the Run-All race) --------------------------
def browser_writes(widget, value):
    """What the widget's comm handler gets when the browser's slider sends ``value``."""
    widget._handle_msg({"content": {"data": {"method": "update", "state": {"value": value},
                                             "buffer_paths": []}}, "buffers": []})


@pytest.fixture
def sent(monkeypatch):
    """The messages the explorer's sliders send to the browser: (slider name, message)."""
    def record(explorer):
        log = []
        for name, w in explorer.controls.items():
            monkeypatch.setattr(w, "_send", lambda msg, buffers=None, name=name:
                                log.append((name, msg)))
        return log
    return record


def echoes(log, name):
    return [m["state"]["value"] for n, m in log if n == name and m["method"] == "echo_update"]


def test_a_stale_snap_write_back_does_not_undo_a_later_set(sent):
    """Run All: the view of `parabola_explorer(lr=0.1)` is created after the next cell ran
    `set(lr=0.95)`; the browser's slider writes back 0.1 put on its grid
    (0.09999999999999999, as the browser computes it). The kernel keeps 0.95, and the
    echo the browser waits for carries 0.95, so the page shows it too."""
    e = parabola_explorer(lr=0.1)
    e.set(lr=0.95)
    status, png, updates = e.status.value, e.image.value, e.updates
    log = sent(e)
    browser_writes(e.controls["lr"], 0.09999999999999999)
    assert e.values()["lr"] == 0.95
    assert (e.status.value, e.image.value, e.updates) == (status, png, updates)
    assert echoes(log, "lr") == [0.95]
    assert e._snap_guards[0].snaps_ignored == 1


def test_a_snap_of_the_current_value_keeps_the_kernel_value(sent):
    """Displayed and idle: the browser snaps 0.1 to 0.09999999999999999 and writes it back.
    Nothing is redrawn, the kernel keeps 0.1 (its repr and status do not change), and the
    echo keeps the browser at its own grid point (no ping-pong)."""
    e = parabola_explorer(lr=0.1)
    updates = e.updates
    log = sent(e)
    browser_writes(e.controls["lr"], 0.09999999999999999)
    assert e.values()["lr"] == 0.1 and e.updates == updates
    assert echoes(log, "lr") == [0.09999999999999999]


def test_a_snap_on_a_log_slider_keeps_the_kernel_value(sent):
    """gd_explorer(lr=0.3): the log slider (exponent step 0.01) shows 10 ** -0.52."""
    e = gd_explorer(lr=0.3)
    e.set(lr=0.05)
    sent(e)
    browser_writes(e.controls["lr"], 10 ** -0.52)  # the write-back of the first value
    assert e.values()["lr"] == 0.05
    browser_writes(e.controls["lr"], 10 ** -1.3)  # 0.0501...: the write-back of 0.05
    assert e.values()["lr"] == 0.05


def test_a_students_move_is_applied(sent):
    """A move lands on another grid point: applied and redrawn, echoed by ipywidgets."""
    e = parabola_explorer(lr=0.1)
    e.set(lr=0.95)
    updates = e.updates
    log = sent(e)
    browser_writes(e.controls["lr"], 0.5)
    assert e.values()["lr"] == 0.5 and e.updates == updates + 1
    assert echoes(log, "lr") == [0.5]
    # once the browser has written, earlier kernel values no longer count: moving back to
    # the first value's grid point is a move too
    browser_writes(e.controls["lr"], 0.09999999999999999)
    assert e.values()["lr"] == 0.09999999999999999


def test_an_integer_slider_value_equal_to_an_earlier_one_is_a_move(sent):
    """A browser never writes back a value already on its grid, so the exact earlier value
    (steps = 12 after set(steps=30)) is a student's move, not a snap."""
    e = parabola_explorer(lr=0.1, steps=12)
    e.set(steps=30)
    sent(e)
    browser_writes(e.controls["steps"], 12)
    assert e.values()["steps"] == 12


# --- honest extremes (issue 14) -------------------------------------------------------------------

from course_lib.widgets import _controls  # noqa: E402


def test_constructors_reject_out_of_range_values_naming_the_argument():
    with pytest.raises(ValueError, match=r"^lr must be between 0\.001 and 1, got 100$"):
        gd_explorer(lr=100)
    with pytest.raises(ValueError, match=r"^lr must be a number, got 'a'"):
        gd_explorer(lr="a")
    with pytest.raises(ValueError, match=r"^x0\[0\] must be between"):
        gd_explorer(x0=(5.0, 1.0))
    with pytest.raises(ValueError, match=r"^decay must be True or False"):
        gd_explorer(decay=1)
    with pytest.raises(ValueError, match=r"^lr must be between 0\.01 and 1\.2"):
        parabola_explorer(lr=2.0)
    with pytest.raises(ValueError, match=r"^steps must be a whole number"):
        parabola_explorer(steps=2.5)
    with pytest.raises(ValueError, match=r"^x0 must not be 0"):
        parabola_explorer(x0=0.0)


def test_control_checks():
    assert _controls.check_number(0.5, "a", 0, 1) == 0.5
    with pytest.raises(ValueError, match="^a must be a number"):
        _controls.check_number(True, "a", 0, 1)
    with pytest.raises(ValueError, match="^a must be between"):
        _controls.check_number(float("nan"), "a", 0, 1)
    with pytest.raises(ValueError, match=r"^r\[1\] must be between"):
        _controls.check_pair((0, 9), "r", 0, 1)
    with pytest.raises(ValueError, match="^m must be one of 'x', 'y'"):
        _controls.check_choice("z", "m", [("X", "x"), ("Y", "y")])
    assert _controls.fmt(1e-9) == "1e-9" and _controls.fmt(float("inf")) == "infinite"
    assert _controls.first_outside([[0, 0], [5, 0]], (-1, 1), (-1, 1)) == 1
    assert _controls.first_outside([[0, 0]], (-1, 1), (-1, 1)) is None


def test_parabola_floor_is_not_drawn_as_a_flat_line(parabola):
    parabola.set(lr=0.5, steps=12)        # one step lands on 0 exactly
    d = parabola.drawn()
    assert np.all(np.isnan(d["distances"][1:])) and d["distances"][0] == 1.5
    assert "exactly 0 from step 1" in d["status"] and "not drawn" in d["status"]
    parabola.set(lr=0.45, steps=40)
    assert "below 1e-9" in parabola.status.value
    parabola.set(lr=1.2, steps=40)
    assert "leave the left panel at step 3" in parabola.status.value
    parabola.set(lr=1.0, steps=40)        # the really flat line: bounces, all drawn
    assert np.all(np.isfinite(parabola.drawn()["distances"]))
    assert "(" not in parabola.status.value


def test_gd_explosion_is_shown_over_the_steps_made_and_said(gd):
    gd.set(lr=1.0)
    d = gd.drawn()
    assert "✗" in d["status"] and "the path leaves the left panel at step 1" in d["status"]
    assert "above 1e30" in d["status"] and "shows the 4 steps made" in d["status"]
    assert gd.ax_loss.get_xlim()[1] <= 10          # not a spike at the left of 0..100
    assert np.all(np.isnan(d["losses"][3:])) and np.nanmax(d["losses"]) <= 1e30
