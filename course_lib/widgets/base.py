"""The common shell of every explorer: controls on top, one figure below, a status line."""
from __future__ import annotations

import io
import time
from typing import Dict, List

import ipywidgets as W
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
        self.figure = Figure(figsize=self.figsize, dpi=self.dpi, layout="constrained")
        self.canvas = FigureCanvasAgg(self.figure)
        self.image = W.Image(format="png", layout=W.Layout(width="auto", max_width="100%"))
        self.status = W.HTML()
        self.updates = 0
        self.last_update_seconds = float("nan")
        self._build()
        rows = [W.HBox(list(controls.values())[i:i + 3]) for i in range(0, len(controls), 3)]
        super().__init__(children=[*rows, self.status, self.image], **kwargs)
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
        """Draw everything that never changes once (layout included) and keep the pixels."""
        self.canvas.draw()  # lays the figure out with the first values
        self.figure.set_layout_engine("none")  # freeze the layout from now on
        for artist in self.dynamic_artists:
            artist.set_animated(True)
        for ax in self.dynamic_axes:
            ax.set_visible(False)
        self.canvas.draw()
        self._background = self.canvas.copy_from_bbox(self.figure.bbox)
        for ax in self.dynamic_axes:
            ax.set_visible(True)

    def _draw_axes(self, ax, renderer) -> None:
        """Draw a dynamic axes' frame, ticks and labels, reusing the pixels of an earlier
        draw with the same limits (moving a slider back and forth hits this cache)."""
        key = (id(ax), tuple(ax.get_xlim()), tuple(ax.get_ylim()), ax.get_title())
        region = self._axes_cache.get(key)
        if region is not None:
            self.canvas.restore_region(region)
            return
        ax.draw(renderer)  # its animated artists are skipped, drawn later on top
        box = Bbox.intersection(ax.get_tightbbox(renderer).padded(2), self.figure.bbox)
        if box is not None:
            if len(self._axes_cache) > 64:
                self._axes_cache.clear()
            self._axes_cache[key] = self.canvas.copy_from_bbox(box)

    def render(self) -> None:
        """Paint the cached background, then only what changes (matplotlib's blitting)."""
        if self._background is None:
            self._cache_background()
            self._axes_cache = {}
        renderer = self.canvas.get_renderer()
        self.canvas.restore_region(self._background)
        for ax in self.dynamic_axes:
            self._draw_axes(ax, renderer)
        for artist in self.dynamic_artists:
            self.figure.draw_artist(artist)

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
