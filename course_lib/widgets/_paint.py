"""Painting an explorer's picture by its plan (the painting half of its rendering).

:class:`Painter` draws the figure once without its moving parts and keeps the pixels
(the background); each update then restores them and paints only what the plan
(:class:`._plan.Planner`) says moves, reusing saved pixels where they are provably the
same as a fresh draw: axes with an unchanged view, legends no moving line comes near,
the pixels of opaque legends that no underlay changes, and the tick labels around a
panel whose content is clipped to it. Used by every explorer
(``course_lib.widgets.base.Explorer``).
"""
from __future__ import annotations

import numpy as np
from matplotlib.axis import Axis
from matplotlib.transforms import Bbox

from ._frames import inner_box
from ._legends import is_opaque, keep_inside, paint
from ._plan import Planner


class Painter(Planner):
    """Background cache and blitting; subclasses provide ``figure`` and ``canvas``."""

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
            tail = self._on_top[id(ax)]
            frame = self._frames.get(id(ax))
            if frame is not None:
                view = self._view_key(ax)
                frame.position_ticks(view, [a for a in tail if isinstance(a, Axis)])
            painted = []  # the moving artists painted so far over this axes
            for artist in tail:
                if id(artist) in self._moving_ids:
                    self.figure.draw_artist(artist)
                    painted.append(artist)
                    continue
                lines = frame.lines(view, artist) if frame is not None else None
                if lines is not None:  # its tick marks only; the ring is put back below
                    for line in lines:
                        line.draw(renderer)
                else:
                    self._paint_static(artist, ax, painted, fresh)
            if frame is not None:
                statics = [a for a in tail if id(a) not in self._moving_ids]
                frame.finish(self.canvas, view, statics, renderer,
                             lambda: self._frame_avoid(ax, renderer))
        for artist in self._figure_on_top:
            self.figure.draw_artist(artist)
        self._mark_clean()

    def _frame_avoid(self, ax, renderer) -> list:
        """Rectangles where something other than ``ax`` may paint: every other axes with
        its decorations (asked only when a new view of ``ax`` is saved)."""
        boxes = []
        for other in self._axes_order:
            if other is not ax:
                boxes.append(inner_box(other))
                tight = other.get_tightbbox(renderer)
                if tight is not None:
                    boxes.append(tight.padded(2))
        return boxes

    def _paint_static(self, artist, ax, painted: list, fresh: set) -> None:
        """Paint an unchanged artist that lies above moving ones (a legend, say). Inside
        its axes and with no moving path near it, its pixels are those of the last time
        it was painted with that view: they are restored instead of painted again. An
        opaque legend that moving lines pass under is painted as its box plus the pixels
        of it that no underlay changes (``_legends.py``)."""
        box = self._static_boxes.get(id(artist))
        clear = box is not None and not any(self._near(m, box) for m in painted)
        key = (id(artist), self._view_key(ax) if id(ax) in fresh else None)
        if clear and key in self._static_cache:
            self.canvas.restore_region(self._static_cache[key])
            return
        if not clear and is_opaque(artist):  # lines pass under it: paint box + kept pixels
            renderer = self.canvas.get_renderer()
            if id(artist) not in self._opaque_cache:  # draws it whole, keeps its pixels
                self._opaque_cache[id(artist)] = keep_inside(self.canvas, artist, renderer)
            elif self._opaque_cache[id(artist)] is not None:
                paint(artist, renderer, self.canvas, self._opaque_cache[id(artist)])
            else:
                self.figure.draw_artist(artist)
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

