"""The picture every explorer shows equals a full matplotlib draw of its own figure.

Explorers paint a cached background once and, on each update, only what moves (see
``Explorer._cache_background``). These tests drive every explorer of ``course_lib.widgets``
through its controls (each one's extremes, then seeded random changes) and compare, after
every change, the pixels shown (``shown()``) with a full draw of the figure as it is
(``truth()``), pixel for pixel. The last tests build small explorers that change what
they do not list, to show the rendering finds it anyway.
"""
from __future__ import annotations

import random

import ipywidgets as W
import numpy as np
import pytest

from course_lib.widgets import explorer_factories
from course_lib.widgets.base import Explorer


FACTORIES = explorer_factories()


@pytest.fixture(scope="module")
def small_shootout():
    from course_lib import data, models, schedules
    from course_lib.shootout import shootout
    s = data.digits_split(seed=0)
    recipes = {"constant": lambda total: 0.05,
               "cosine": lambda total: schedules.cosine(0.1, total),
               "too large": lambda total: 5.0}
    return shootout(recipes, lambda seed: models.init_mlp((64, 16, 10), seed=seed), "mlp",
                    s.x_train[:320], s.y_train[:320],
                    validation_data=(s.x_val[:200], s.y_val[:200]),
                    steps=40, seeds=(0, 1), eval_every=5, target=0.8)


def build(name, factory, request):
    if name == "shootout_explorer":
        return factory(request.getfixturevalue("small_shootout"))
    return factory()


def _options(widget) -> list:
    return [o[1] if isinstance(o, tuple) else o for o in widget.options]


def extremes(widget) -> list:
    """The values at the ends of a control's range (every option for a choice)."""
    if isinstance(widget, W.FloatLogSlider):
        return [widget.base ** widget.min, widget.base ** widget.max]
    if isinstance(widget, (W.IntRangeSlider, W.FloatRangeSlider)):
        return [(widget.min, widget.min + (widget.step or 1)), (widget.max - (widget.step or 1), widget.max),
                (widget.min, widget.max)]
    if isinstance(widget, (W.IntSlider, W.FloatSlider)):
        return [widget.min, widget.max]
    if isinstance(widget, W.SelectMultiple):
        options = _options(widget)
        return [tuple(options[:1]), tuple(options)]
    if isinstance(widget, (W.Checkbox, W.ToggleButton)):
        return [not widget.value, widget.value]
    if hasattr(widget, "options"):
        return _options(widget)
    return []


def random_value(widget, rng: random.Random):
    if isinstance(widget, W.FloatLogSlider):
        steps = round((widget.max - widget.min) / widget.step)
        return widget.base ** (widget.min + widget.step * rng.randint(0, steps))
    if isinstance(widget, (W.IntRangeSlider, W.FloatRangeSlider)):
        step = widget.step or 1
        n = round((widget.max - widget.min) / step)
        lo, hi = sorted(rng.sample(range(n + 1), 2))
        kind = int if isinstance(widget, W.IntRangeSlider) else float
        return kind(widget.min + lo * step), kind(widget.min + hi * step)
    if isinstance(widget, W.IntSlider):
        step = widget.step or 1
        return widget.min + step * rng.randint(0, (widget.max - widget.min) // step)
    if isinstance(widget, W.FloatSlider):
        n = round((widget.max - widget.min) / widget.step)
        return round(widget.min + widget.step * rng.randint(0, n), 12)
    if isinstance(widget, W.SelectMultiple):
        options = _options(widget)
        return tuple(rng.sample(options, rng.randint(1, len(options))))
    if isinstance(widget, (W.Checkbox, W.ToggleButton)):
        return rng.random() < 0.5
    if hasattr(widget, "options"):
        return rng.choice(_options(widget))
    return None


def assert_true_picture(ex, what: str) -> None:
    shown, truth = ex.shown(), ex.truth()
    assert shown.shape == truth.shape, what
    wrong = int(np.any(shown != truth, axis=-1).sum())
    assert wrong == 0, f"{what}: {wrong} pixels differ from a full draw of the figure"


def visible_controls(ex) -> dict:
    return {n: w for n, w in ex.controls.items()
            if not isinstance(w, (W.Button, W.HTML, W.Label)) and extremes(w)}


@pytest.mark.parametrize("name,factory", FACTORIES, ids=[n for n, _ in FACTORIES])
def test_picture_equals_a_full_draw_at_every_extreme(name, factory, request):
    ex = build(name, factory, request)
    assert_true_picture(ex, f"{name} as built")
    for control, widget in visible_controls(ex).items():
        start = widget.value
        for value in extremes(widget):
            widget.value = value
            assert_true_picture(ex, f"{name}: {control} = {value!r}")
        widget.value = start
        assert_true_picture(ex, f"{name}: {control} back to {start!r}")


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("name,factory", FACTORIES, ids=[n for n, _ in FACTORIES])
def test_picture_equals_a_full_draw_after_random_changes(name, factory, seed, request):
    ex = build(name, factory, request)
    rng = random.Random(seed)
    controls = visible_controls(ex)
    history = []
    for _ in range(8):
        changes = {}
        for control in rng.sample(sorted(controls), rng.randint(1, min(3, len(controls)))):
            changes[control] = random_value(controls[control], rng)
        history.append(changes)
        ex.set(**changes)
        assert_true_picture(ex, f"{name} after {history}")


# -- the rendering finds what a subclass forgets to list ---------------------------------
class Forgetful(Explorer):
    """Lists one moving line, and changes two more things it does not list: a second line
    drawn above the listed one, and the limits and title of another axes."""

    figsize = (6.0, 2.4)

    def __init__(self):
        super().__init__({"k": W.IntSlider(value=1, min=1, max=5)})

    def _build(self):
        self.ax, self.other = self.figure.subplots(1, 2)
        x = np.linspace(0, 1, 50)
        self.listed, = self.ax.plot(x, x, color="tab:blue", linewidth=4)
        self.above, = self.ax.plot(x, 1 - x, color="tab:red", linewidth=4, zorder=3)
        self.unlisted, = self.other.plot(x, x)
        self.ax.legend(["listed", "above"], loc="upper center")
        self.dynamic_artists = [self.listed]
        self.dynamic_axes = []

    def _redraw(self):
        k = self.controls["k"].value
        x = np.linspace(0, 1, 50)
        self.listed.set_ydata(x ** k)
        self.above.set_ydata((1 - x) ** k)       # not listed
        self.unlisted.set_ydata(k * x)           # not listed
        self.other.set_ylim(0, k)                # limits of an axes not listed
        self.other.set_title(f"k = {k}")
        return f"k = {k}"


def test_changes_a_subclass_does_not_list_are_drawn():
    ex = Forgetful()
    assert_true_picture(ex, "as built")
    for k in (2, 5, 3, 1, 4):
        ex.set(k=k)
        assert_true_picture(ex, f"k = {k}")


def test_a_listed_artist_under_a_static_one_keeps_the_z_order():
    ex = Forgetful()
    ex.dynamic_artists = [ex.listed]
    ex.above.set_zorder(5)   # a static line above the moving one, and the legend above both
    ex._background = None
    ex.update()
    for k in (3, 1):
        ex.set(k=k)
        assert_true_picture(ex, f"k = {k}")


def test_added_and_removed_artists_are_drawn():
    ex = Forgetful()
    extra = ex.ax.axhline(0.5, color="black")
    ex.update()
    assert_true_picture(ex, "a line added after the first picture")
    extra.remove()
    ex.update()
    assert_true_picture(ex, "the line removed again")


# -- the two shortcuts of the rendering stay exact ------------------------------------------
class Crossing(Explorer):
    """A moving line that sweeps under a legend and under the grid and tick marks of its
    axes, whose y scale switches between linear and log."""

    figsize = (6.0, 2.4)

    def __init__(self, **legend):
        self._legend = legend
        super().__init__({"k": W.IntSlider(value=1, min=1, max=6),
                          "log": W.Checkbox(value=False)})

    def _build(self):
        self.ax, self.other = self.figure.subplots(1, 2)
        x = np.linspace(0.01, 1, 80)
        self.line, = self.ax.plot(x, x, color="tab:blue", linewidth=3, label="moving")
        self.other.plot(x, x, color="tab:green", label="still")
        self.ax.tick_params(direction="inout", length=8)  # tick marks reach inside
        self.ax.grid(True)
        self.ax.set_axisbelow(False)  # grid and ticks painted above the moving line
        self.ax.legend(loc="upper left", **self._legend)
        self.dynamic_artists = [self.line]

    def _redraw(self):
        k, log = self.controls["k"].value, self.controls["log"].value
        x = np.linspace(0.01, 1, 80)
        self.line.set_ydata(np.clip(x ** (1 / k) * 1.2, 1e-3, None))
        self.ax.set_yscale("log" if log else "linear")
        self.ax.set_ylim(1e-2 if log else 0.0, 1.3 if k % 2 else 1.1)
        return f"k = {k}"


@pytest.mark.parametrize("legend", [dict(framealpha=1), dict(framealpha=1, fontsize=6),
                                    dict(framealpha=0.8)], ids=["opaque", "small-font", "see-through"])
def test_lines_under_a_legend_and_tick_marks_are_painted_exactly(legend):
    ex = Crossing(**legend)
    kept, framed = [], []
    for k, log in [(2, False), (3, False), (2, False), (4, True), (5, True), (4, True),
                   (2, False), (6, True), (1, False), (3, False), (6, True), (3, False)]:
        ex.set(k=k, log=log)
        assert_true_picture(ex, f"legend {legend}, k = {k}, log = {log}")
        kept += list(ex._opaque_cache.values())
        framed += [view for frame in ex._frames.values() for view in frame.saved]
    if legend["framealpha"] == 1:  # its handles may reach into the border (small font)
        assert kept and all(inside is not None for inside in kept), \
            "an opaque legend's inside should be kept, not drawn again"
    else:
        assert not kept, "a see-through legend must be drawn whole every time"
    assert framed, "the axes' tick labels should not be redrawn on every update"


def test_the_ring_around_a_panel_covers_exactly_what_lies_outside_it():
    from matplotlib.transforms import Bbox
    from course_lib.widgets._frames import ring
    outer, inner = Bbox.from_extents(10, 20, 110, 90), Bbox.from_extents(30.0, 25.0, 100.0, 95.0)
    covered = np.zeros((100, 130), int)
    for piece in ring(outer, inner):
        covered[int(piece.y0):int(piece.y1), int(piece.x0):int(piece.x1)] += 1
    expected = np.zeros_like(covered)
    expected[20:90, 10:110] = 1
    expected[25:90, 30:100] = 0
    assert np.array_equal(covered, expected)
