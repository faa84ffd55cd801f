"""The common shell of every explorer: controls on top, one figure below, a status line."""
from __future__ import annotations

import html
import io
import re
import time
from typing import Dict, List

import ipywidgets as W
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image as PILImage

from ._paint import Painter
from ._png import encode_rgba


#: tags that break the text where they stand (the others, <b>, <i>, <span>..., do not)
_BREAKING_TAGS = r"br|p|div|li|ul|ol|tr|td|th|table|h[1-6]|hr|pre|blockquote"


def html_to_text(markup: str) -> str:
    """The text a page shows for ``markup``, whitespace collapsed: block tags and <br>
    become a space, inline tags (``<b>overlap</b>:``) nothing, entities are decoded."""
    if not isinstance(markup, str):
        raise ValueError(f"markup must be a string of HTML, got {markup!r:.60}")
    text = re.sub(rf"</?(?:{_BREAKING_TAGS})\b[^>]*>", " ", markup, flags=re.I)
    text = re.sub(r"<[^>]+>", "", text)
    return " ".join(html.unescape(text).split())


class Explorer(Painter, W.VBox):
    """Base class. Subclasses create ``self.controls`` and the figure's artists in
    ``_build`` and move the artists in ``_redraw`` (never re-creating them).

    Attributes useful in tests: ``controls`` (name -> widget), ``image`` (the picture the
    browser shows), ``status`` (the one-line verdict, an HTML widget; ``status_text`` is
    its words, to print from code), ``updates`` (how many redraws ran) and
    ``last_update_seconds``.
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

    @property
    def status_text(self) -> str:
        """The status line as the student reads it: its words without the markup."""
        return html_to_text(self.status.value)

    def truth(self):
        """The pixels (RGBA, as a numpy array) of a full matplotlib draw of the figure in
        its current state, without any cache: what ``shown()`` must equal."""
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
        return np.array(PILImage.open(io.BytesIO(self.image.value)).convert("RGBA"))

    def png(self) -> bytes:
        """The current picture as PNG bytes (a fast encoder: this runs on every move)."""
        self.render()
        return encode_rgba(np.asarray(self.canvas.buffer_rgba()))

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.values().items())
        return f"{type(self).__name__}({args})"
