"""The common shell of every explorer: controls on top, one figure below, a status line."""
from __future__ import annotations

import io
import time
from typing import Dict, List

import ipywidgets as W
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.transforms import Bbox
from PIL import Image as PILImage


class Explorer(W.VBox):
    """Base class. Subclasses create ``self.controls`` and the figure's artists in
    ``_build`` and move the artists in ``_redraw`` (never re-creating them).

    Attributes useful in tests: ``controls`` (name -> widget), ``image`` (the picture the
    browser shows), ``status`` (the one-line verdict), ``updates`` (how many redraws ran)
    and ``last_update_seconds``.
    """

    #: width, height in inches and resolution of the picture
    figsize = (9.0, 3.6)
    dpi = 80

    #: artists that move on every update (set by subclasses in ``_build``); drawn over a
    #: cached background instead of redrawing the whole figure
    dynamic_artists: List = []
    #: axes whose limits or ticks change on updates: redrawn over the background (the
    #: artists inside them that move belong in ``dynamic_artists`` too)
    dynamic_axes: List = []

    def __init__(self, controls: Dict[str, W.Widget], **kwargs):
        self.controls = controls
        self._background = None
        self._grown_artists, self._grown_axes = [], []
        self.figure = Figure(figsize=self.figsize, dpi=self.dpi, layout="constrained")
        self.canvas = FigureCanvasAgg(self.figure)
        self.image = W.Image(format="png", layout=W.Layout(width="auto", max_width="100%"))
        self.status = W.HTML()
        self.updates = 0
        self.last_update_seconds = float("nan")
        self._build()
        rows = [W.HBox(list(controls.values())[i:i + 3]) for i in range(0, len(controls), 3)]
        super().__init__(children=[*rows, self.status, self.image], **kwargs)
        # the browser's snapped slider values must not undo later cells (Run All race)
        from ._sync import guard_sliders
        self._snap_guards = guard_sliders(controls)
        for widget in controls.values():
            widget.observe(self._on_change, names="value")
        self.update()

    # -- what subclasses fill in -------------------------------------------------------
    def _build(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def _redraw(self) -> str:  # pragma: no cover - abstract
        """Move the artists to the current control values; return the status text."""
        raise NotImplementedError

    # -- the machinery -----------------------------------------------------------------
    def values(self) -> dict:
        """The current value of every control."""
        return {name: w.value for name, w in self.controls.items()}

    def set(self, **values) -> "Explorer":
        """Set several controls at once and redraw once (as a test or a lesson cell would)."""
        unknown = set(values) - set(self.controls)
        if unknown:
            raise ValueError(f"unknown control(s) {sorted(unknown)}; "
                             f"this explorer has {sorted(self.controls)}")
        self._batch = True
        try:
            for name, value in values.items():
                self.controls[name].value = value
        finally:
            self._batch = False
        self.update()
        return self

    _batch = False

    def _on_change(self, change) -> None:
        if not self._batch:
            self.update()

    def update(self) -> None:
        """Recompute, move the artists, render the picture, and time the whole round."""
        start = time.perf_counter()
        text = self._redraw()
        self.status.value = text
        self.image.value = self.png()
        self.updates += 1
        self.last_update_seconds = time.perf_counter() - start

    def _cache_background(self) -> None:
        """Plan what must be painted on every update, then draw everything else once and
        keep its pixels.

        What moves is derived, not only listed: ``dynamic_artists`` and ``dynamic_axes``
        are where the plan starts, and every artist a redraw has changed since the last
        picture (matplotlib marks it *stale*), every artist added since, and every axes
        whose limits, scales or labels changed join them. Within an axes, everything a full
        draw paints after the first moving artist (matplotlib sorts by zorder) is painted
        again on top, in the same order, and an axes drawn after one with moving content
        and overlapping it is redrawn whole. So the picture equals a full draw of the
        figure (``truth()``) whatever a subclass forgets to list.
        """
        if self._background is None:
            self.canvas.draw()  # lays the figure out with the first values
            self.figure.set_layout_engine("none")  # freeze the layout from now on
        for artist in self.figure.findobj():
            if artist.get_animated():
                artist.set_animated(False)
        self._plan()
        for artist in self._moving:
            artist.set_animated(True)
        for ax in self._fresh_axes:
            ax.set_visible(False)
        self.canvas.draw()
        self._background = self.canvas.copy_from_bbox(self.figure.bbox)
        for ax in self._fresh_axes:
            ax.set_visible(True)
        self._axes_cache = {}
        self._mark_clean()

    @staticmethod
    def _view_key(ax) -> tuple:
        """What an axes' frame, ticks and labels depend on."""
        return (tuple(ax.get_xlim()), tuple(ax.get_ylim()), ax.get_xscale(), ax.get_yscale(),
                ax.get_title(), ax.get_title("left"), ax.get_title("right"),
                ax.get_xlabel(), ax.get_ylabel(), ax.axison, ax.get_visible())

    @staticmethod
    def _paint_order(ax) -> list:
        """An axes' children in the order ``Axes.draw`` paints them (its patch first)."""
        children = [a for a in ax.get_children() if a is not ax.patch]
        return sorted(children, key=lambda a: a.get_zorder())

    def _plan(self) -> None:
        """Decide, for the current figure, what is painted fresh on every update."""
        from matplotlib.axis import Axis
        axes = sorted(self.figure.axes, key=lambda a: a.get_zorder())
        moving_ids = {id(a) for a in [*self.dynamic_artists, *self._grown_artists]}
        fresh = {id(a) for a in [*self.dynamic_axes, *self._grown_axes]}
        on_top: Dict[int, list] = {}
        hot: list = []  # axes with something painted fresh, in paint order
        for ax in axes:
            if any(ax.bbox.overlaps(h.bbox) for h in hot):
                fresh.add(id(ax))  # drawn after moving content that it covers
            order = self._paint_order(ax)
            first = next((i for i, a in enumerate(order) if id(a) in moving_ids), None)
            tail = order[first:] if first is not None else []
            if tail and all(self._clipped_to(a, ax) for a in tail if id(a) in moving_ids):
                # what moves stays inside the axes: a later artist that paints nothing
                # there (tick labels, titles outside) can stay in the background
                tail = [a for a in tail if id(a) in moving_ids or self._paints_inside(a, ax.bbox)]
            on_top[id(ax)] = tail
            if on_top[id(ax)] or id(ax) in fresh:
                hot.append(ax)
        figure_level = sorted((a for a in self.figure.get_children()
                               if a not in axes and a is not self.figure.patch),
                              key=lambda a: a.get_zorder())
        first = next((i for i, a in enumerate(figure_level) if id(a) in moving_ids), None)
        self._axes_order = axes
        self._fresh_axes = [ax for ax in axes if id(ax) in fresh]
        self._on_top = on_top
        self._figure_on_top = figure_level[first:] if first is not None else []
        self._moving = [a for ax in axes for a in on_top[id(ax)]] + self._figure_on_top
        self._moving_ids = moving_ids
        self._static_cache = {}
        renderer = self.canvas.get_renderer()
        self._static_boxes = {}
        for ax in axes:  # unchanged artists above moving ones, inside their own axes
            if any(other is not ax and other.bbox.overlaps(ax.bbox) for other in axes):
                continue  # what lies under them may come from another axes
            inner = ax.bbox.padded(-3)
            for artist in on_top[id(ax)]:
                if id(artist) in moving_ids:
                    continue
                try:
                    extent = artist.get_window_extent(renderer).padded(2)
                except Exception:  # noqa: BLE001 - no extent: always painted
                    continue
                if (inner.x0 <= extent.x0 and extent.x1 <= inner.x1 and inner.y0 <= extent.y0
                        and extent.y1 <= inner.y1):
                    self._static_boxes[id(artist)] = Bbox.from_extents(
                        np.floor(extent.x0), np.floor(extent.y0), np.ceil(extent.x1), np.ceil(extent.y1))
        skip = {id(a) for a in self._moving}
        # every other artist is watched: one that turns stale (or appears) joins the plan.
        # Ticks are left to the axes' view key: matplotlib rebuilds them while drawing.
        watched, seen = [], set()

        def walk(artist):
            for child in artist.get_children():
                if id(child) in seen or isinstance(child, Axis):
                    continue
                seen.add(id(child))
                if id(child) in skip:
                    for sub in child.findobj():
                        seen.add(id(sub))
                    continue
                watched.append(child)
                walk(child)

        walk(self.figure)
        self._watched = [a for a in watched if a not in axes]
        self._keys = {id(ax): self._view_key(ax) for ax in axes}
        self._children = self._direct_children()

    def _direct_children(self) -> dict:
        """id -> artist for the figure's and every axes' direct children."""
        found = {id(c): c for c in self.figure.get_children()}
        for ax in self.figure.axes:
            found.update((id(c), c) for c in ax.get_children())
        return found

    @staticmethod
    def _clipped_to(artist, ax) -> bool:
        """Whether ``artist`` can only paint inside the rectangle of ``ax``."""
        box = artist.get_clip_box()
        return (artist.get_clip_on() and artist.get_clip_path() is None and box is not None
                and np.allclose(box.extents, ax.bbox.extents))

    def _paints_inside(self, artist, box) -> bool:
        """Whether drawing ``artist`` alone touches any pixel of ``box`` (display units)."""
        renderer = self.canvas.get_renderer()
        saved = self.canvas.copy_from_bbox(self.figure.bbox)
        renderer.clear()
        artist.draw(renderer)
        alpha = np.asarray(self.canvas.buffer_rgba())[:, :, 3]
        height = alpha.shape[0]
        x0, y0, x1, y1 = box.extents
        cols = slice(max(int(np.floor(x0)) - 1, 0), int(np.ceil(x1)) + 1)
        rows = slice(max(height - int(np.ceil(y1)) - 1, 0), height - int(np.floor(y0)) + 1)
        inside = bool(alpha[rows, cols].any())
        self.canvas.restore_region(saved)
        return inside

    def _grow_plan(self) -> bool:
        """Add to the plan whatever changed since the last picture; True if anything did."""
        from matplotlib.axis import Axis
        grown = False
        for ax in self._axes_order:
            if id(ax) not in {id(a) for a in self._fresh_axes} and self._view_key(ax) != self._keys[id(ax)]:
                self._grown_axes.append(ax)
                grown = True
        for artist in self._watched:
            if artist.stale:
                self._grown_artists.append(artist)
                grown = True
        children = self._direct_children()
        if children.keys() != self._children.keys():  # artists added or removed
            for key in children.keys() - self._children.keys():
                child = children[key]
                if not isinstance(child, Axis) and child not in self.figure.axes:
                    self._grown_artists.append(child)
            grown = True
        return grown

    def _mark_clean(self) -> None:
        for artist in self._watched:
            artist.stale = False

    def _draw_axes(self, ax, renderer) -> None:
        """Draw a fresh axes' frame, ticks, labels and unchanged content, reusing the
        pixels of an earlier draw with the same view (moving a slider back and forth hits
        this cache; the plan clears it whenever the content changes)."""
        key = (id(ax), self._view_key(ax))
        region = self._axes_cache.get(key)
        if region is not None:
            self.canvas.restore_region(region)
            return
        ax.draw(renderer)  # its animated artists are skipped, painted later on top
        box = Bbox.intersection(ax.get_tightbbox(renderer).padded(2), self.figure.bbox)
        if box is not None:
            if len(self._axes_cache) > 64:
                self._axes_cache.clear()
            self._axes_cache[key] = self.canvas.copy_from_bbox(box)

    def render(self) -> None:
        """Paint the cached background, then what the plan says moves (blitting)."""
        if self._background is None or self._grow_plan():
            self._cache_background()
        renderer = self.canvas.get_renderer()
        self.canvas.restore_region(self._background)
        fresh = {id(ax) for ax in self._fresh_axes}
        for ax in self._axes_order:
            if id(ax) in fresh:
                self._draw_axes(ax, renderer)
            painted = []  # the moving artists painted so far over this axes
            for artist in self._on_top[id(ax)]:
                if id(artist) in self._moving_ids:
                    self.figure.draw_artist(artist)
                    painted.append(artist)
                else:
                    self._paint_static(artist, ax, painted, fresh)
        for artist in self._figure_on_top:
            self.figure.draw_artist(artist)
        self._mark_clean()

    def _paint_static(self, artist, ax, painted: list, fresh: set) -> None:
        """Paint an unchanged artist that lies above moving ones (a legend, say). Inside
        its axes and with no moving path near it, its pixels are those of the last time
        it was painted with that view: they are restored instead of painted again."""
        box = self._static_boxes.get(id(artist))
        clear = box is not None and not any(self._near(m, box) for m in painted)
        key = (id(artist), self._view_key(ax) if id(ax) in fresh else None)
        if clear and key in self._static_cache:
            self.canvas.restore_region(self._static_cache[key])
            return
        self.figure.draw_artist(artist)
        if clear:
            self._static_cache[key] = self.canvas.copy_from_bbox(box)

    def _near(self, artist, box) -> bool:
        """Whether a moving artist may paint a pixel of ``box`` (when unsure: True)."""
        from matplotlib.lines import Line2D
        if not artist.get_visible():
            return False
        if not isinstance(artist, Line2D) or artist.get_drawstyle() != "default":
            return True
        if not np.all(np.isfinite(artist.get_xydata())):
            return True
        px = self.figure.dpi / 72.0
        pad = 2.0 + artist.get_linewidth() * px
        if artist.get_marker() not in (None, "None", "none", "", " "):
            pad += artist.get_markersize() * px
        path = artist.get_transform().transform_path(artist.get_path())
        return bool(path.intersects_bbox(box.padded(pad), filled=False))

    def truth(self):
        """The pixels (RGBA, as a numpy array) of a full matplotlib draw of the figure in
        its current state, without any cache: what ``shown()`` must equal."""
        import numpy as np
        animated = [a for a in self.figure.findobj() if a.get_animated()]
        for artist in animated:
            artist.set_animated(False)
        try:
            self.canvas.draw()
            pixels = np.array(self.canvas.buffer_rgba())
        finally:
            for artist in animated:
                artist.set_animated(True)
        self._mark_clean()
        return pixels

    def shown(self):
        """The pixels (RGBA, as a numpy array) of the picture the browser is showing."""
        import numpy as np
        return np.array(PILImage.open(io.BytesIO(self.image.value)).convert("RGBA"))

    def png(self) -> bytes:
        """The current picture as PNG bytes (fast compression: this runs on every move)."""
        self.render()
        width, height = self.canvas.get_width_height()
        img = PILImage.frombuffer("RGBA", (width, height), self.canvas.buffer_rgba(),
                                  "raw", "RGBA", 0, 1)
        buf = io.BytesIO()
        img.save(buf, format="png", compress_level=1)
        return buf.getvalue()

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.values().items())
        return f"{type(self).__name__}({args})"
