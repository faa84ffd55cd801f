"""Deciding what an explorer repaints on each update (the planning half of its rendering).

:class:`Planner` looks at the figure and works out which artists must be painted fresh
over the cached background: those a subclass lists as moving, every artist matplotlib has
marked changed (*stale*) or that was added since the last picture, whatever a full draw
paints above a moving artist, and axes whose view changed. :class:`._paint.Painter` then
paints by this plan. Used by every explorer (``course_lib.widgets.base.Explorer``).
"""
from __future__ import annotations

from typing import Dict

import numpy as np
from matplotlib.axis import Axis
from matplotlib.transforms import Bbox

from ._frames import Frame, inner_box


class Planner:
    """The plan: ``_moving`` (painted on every update), ``_fresh_axes`` (drawn whole),
    ``_on_top`` (per axes, what is painted above its first moving artist, in order),
    ``_watched`` (everything else, checked for changes) and the caches the painter keeps."""

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
        axes = sorted(self.figure.axes, key=lambda a: a.get_zorder())
        moving_ids = {id(a) for a in [*self.dynamic_artists, *self._grown_artists]}
        fresh = {id(a) for a in [*self.dynamic_axes, *self._grown_axes]}
        on_top: Dict[int, list] = {}
        frames: Dict[int, Frame] = {}  # axes whose axis texts need not be repainted
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
            if tail and all(self._clipped_to(a, ax) for a in tail if id(a) in moving_ids) \
                    and any(isinstance(a, Axis) and id(a) not in moving_ids for a in tail):
                frames[id(ax)] = Frame(inner_box(ax))
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
        self._opaque_cache = {}  # id of an opaque legend -> its kept inside (or None)
        overlapping = {id(ax) for ax in axes
                       if any(o is not ax and o.bbox.overlaps(ax.bbox) for o in axes)}
        self._frames = {} if self._figure_on_top else {
            key: frame for key, frame in frames.items() if key not in overlapping}
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

