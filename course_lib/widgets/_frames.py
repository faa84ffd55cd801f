"""Repainting an axes' tick marks without its tick labels (used by every explorer's base).

When everything that moves in an axes is clipped to the axes' rectangle, an x or y axis
(tick marks, tick labels, axis label) that a full draw paints *above* the moving artists
only changes pixels inside that rectangle through its tick marks and grid lines: its texts
lie outside. So instead of drawing the whole axis on every update (text layout is most of
the cost of a frame), :class:`Frame` paints the few tick lines that reach into the
rectangle and then puts back the pixels around the rectangle, copied once from a full
draw with the same view. The result is pixel for pixel that of a full draw (the explorers'
``tests/test_widget_truth.py`` checks it).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional

import numpy as np
from matplotlib.axis import Axis
from matplotlib.transforms import Bbox

#: pixels around the axes' rectangle that moving (clipped) artists may still touch
MARGIN = 2


def inner_box(ax) -> Bbox:
    """The axes' rectangle in whole pixels, with :data:`MARGIN` to spare."""
    x0, y0, x1, y1 = ax.bbox.extents
    return Bbox.from_extents(np.floor(x0) - MARGIN, np.floor(y0) - MARGIN,
                             np.ceil(x1) + MARGIN, np.ceil(y1) + MARGIN)


def _overlaps(extent: Bbox, box: Bbox) -> bool:
    return (extent.x0 < box.x1 and box.x0 < extent.x1 and extent.y0 < box.y1
            and box.y0 < extent.y1)


def tick_lines_inside(axis: Axis, box: Bbox, renderer) -> Optional[list]:
    """Which tick and grid lines of ``axis`` may paint inside ``box``, as (index of the tick
    among those ``Axis.draw`` paints, attribute) in its order; None when a text of the axis
    (a tick label, the axis label, the offset) may paint inside ``box`` too, so the axis
    must be drawn whole."""
    lines: list = []
    texts = [axis.label, axis.offsetText]
    for i, tick in enumerate(axis._update_ticks()):
        if not tick.get_visible():
            continue
        for name in ("gridline", "tick1line", "tick2line"):
            line = getattr(tick, name)
            if line.get_visible() and _overlaps(line.get_window_extent(renderer).padded(1), box):
                lines.append((i, name))
        texts += [tick.label1, tick.label2]
    for text in texts:
        if text.get_visible() and text.get_text() and _overlaps(
                text.get_window_extent(renderer).padded(1), box):
            return None
    return lines


def ring(outer: Bbox, inner: Bbox) -> List[Bbox]:
    """The parts of ``outer`` outside ``inner``, as up to four whole-pixel rectangles."""
    ox0, oy0, ox1, oy1 = (int(np.floor(outer.x0)), int(np.floor(outer.y0)),
                          int(np.ceil(outer.x1)), int(np.ceil(outer.y1)))
    ix0, iy0, ix1, iy1 = (int(max(inner.x0, ox0)), int(max(inner.y0, oy0)),
                          int(min(inner.x1, ox1)), int(min(inner.y1, oy1)))
    if ix0 >= ix1 or iy0 >= iy1:
        return [Bbox.from_extents(ox0, oy0, ox1, oy1)]
    parts = [(ox0, iy1, ox1, oy1), (ox0, oy0, ox1, iy0),  # above, below
             (ox0, iy0, ix0, iy1), (ix1, iy0, ox1, iy1)]  # left, right
    return [Bbox.from_extents(*p) for p in parts if p[0] < p[2] and p[1] < p[3]]


@dataclass
class Frame:
    """What one axes with clipped moving content needs to skip its axes' texts: the
    rectangle moving artists may touch, and per view which tick lines reach into it and
    the saved ring of pixels around it."""
    box: Bbox
    #: view key -> (axis id -> [(tick index, line name)] or None, saved ring regions)
    saved: Dict[tuple, tuple] = field(default_factory=dict)
    #: axis id -> the Tick objects its last draw (or positioning) used, and for which view
    ticks: Dict[int, list] = field(default_factory=dict)
    ticks_for: Optional[tuple] = None

    def lines(self, view: tuple, axis: Axis) -> Optional[list]:
        """The tick lines to paint instead of ``axis`` in this view (None: draw it whole)."""
        found = self.saved.get(view)
        spec = None if found is None else found[0].get(id(axis))
        ticks = self.ticks.get(id(axis))
        if spec is None or ticks is None:
            return None
        return [getattr(ticks[i], name) for i, name in spec]

    def position_ticks(self, view: tuple, axes_list: list) -> None:
        """Matplotlib positions an axis' Tick objects while drawing it (and a new scale
        makes new ones): unless they are those of this view, position them again."""
        if view not in self.saved:
            return
        for axis in axes_list:
            ticks = self.ticks.get(id(axis))
            current = {id(t) for t in (*axis.majorTicks, *axis.minorTicks)}
            if (self.ticks_for != view or ticks is None
                    or not all(id(t) in current for t in ticks)):
                self.ticks[id(axis)] = axis._update_ticks()
                spec = self.saved[view][0].get(id(axis))
                if spec and max(i for i, _ in spec) >= len(self.ticks[id(axis)]):
                    del self.saved[view]  # not the ticks it had: draw it whole again
                    return
        self.ticks_for = view

    def finish(self, canvas, view: tuple, statics: list, renderer,
               avoid: Callable[[], list]) -> None:
        """After the axes' artists are painted: put the ring back (saved view) or save it
        (new view, just painted whole). ``statics`` are the unchanged artists painted above
        the moving ones; ``avoid()`` gives the rectangles where anything else may paint."""
        found = self.saved.get(view)
        if found is not None:
            for region in found[1]:
                canvas.restore_region(region)
            return
        self.ticks_for = view  # the whole axis was just drawn: its ticks are this view's
        extents = [self.box]
        for artist in statics:
            try:
                extent = (artist.get_tightbbox(renderer) if isinstance(artist, Axis)
                          else artist.get_window_extent(renderer))
            except Exception:  # noqa: BLE001 - no extent known: keep drawing this axes whole
                return
            if extent is not None and np.all(np.isfinite(extent.extents)):
                extents.append(extent.padded(2))
        outer = Bbox.intersection(Bbox.union(extents), canvas.figure.bbox)
        if outer is None:
            return
        pieces = ring(outer, self.box)
        if any(_overlaps(piece, other) for other in avoid() for piece in pieces):
            return  # something else moves there: keep drawing this axes whole
        lines = {id(a): tick_lines_inside(a, self.box, renderer)
                 for a in statics if isinstance(a, Axis)}
        if len(self.saved) > 32:
            self.saved.clear()
        self.saved[view] = (lines, [canvas.copy_from_bbox(p) for p in pieces])
        self.ticks = {id(a): a._update_ticks() for a in statics if isinstance(a, Axis)}
        self.ticks_for = view
