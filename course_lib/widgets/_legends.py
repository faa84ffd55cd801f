"""Repainting an opaque legend over moving lines cheaply (used by every explorer's base).

A legend whose box is opaque hides whatever lies under its inside: those pixels are the
same on every update, only the box's rim (antialiased border, rounded corners) blends with
the lines passing under it. So after one full draw the inside is kept, and later updates
paint only the box (one patch) and put the inside back, instead of laying out and drawing
every text and handle again. Whether the rim really is the box alone is checked once, on
the pixels, when the inside is kept; if a text or handle reaches the rim, the legend is
drawn whole every time.
"""
from __future__ import annotations

from typing import Optional

import numpy as np
from matplotlib.legend import Legend
from matplotlib.transforms import Bbox


def is_opaque(legend) -> bool:
    """Whether ``legend`` is drawn on an opaque box (framealpha 1, no shadow) at a fixed
    place (not ``loc="best"``)."""
    if not isinstance(legend, Legend) or not legend.get_frame_on() or legend.shadow:
        return False
    if legend._loc in (0, "best"):  # placed by the data under it: moves with the lines
        return False
    patch = legend.legendPatch
    alpha = patch.get_alpha()
    return patch.get_facecolor()[3] == 1.0 and (alpha is None or alpha == 1.0)


def _pixels(canvas, box: Bbox) -> np.ndarray:
    buf = np.asarray(canvas.buffer_rgba())
    height = buf.shape[0]
    return buf[height - int(box.y1):height - int(box.y0), int(box.x0):int(box.x1)].copy()


def keep_inside(canvas, legend, renderer) -> Optional[object]:
    """Draw ``legend`` whole and return the saved pixels of its inside, or None when its
    rim is not the box alone (then it must be drawn whole on every update)."""
    figure = canvas.figure
    extent = legend.get_window_extent(renderer)  # where its box goes (laid out, not drawn)
    outer = Bbox.intersection(Bbox.from_extents(
        np.floor(extent.x0) - 4, np.floor(extent.y0) - 4,
        np.ceil(extent.x1) + 4, np.ceil(extent.y1) + 4), figure.bbox)
    if outer is None:
        legend.draw(renderer)
        return None
    under = canvas.copy_from_bbox(outer)
    legend.draw(renderer)
    patch = legend.legendPatch
    if not np.allclose(patch.get_window_extent(renderer).extents, extent.extents, atol=1.0):
        return None  # the box is not where the layout said: keep drawing it whole
    scale = figure.dpi / 72.0
    style = patch.get_boxstyle()
    half = patch.get_linewidth() * scale / 2 + 1  # the border's half width, antialiased
    radius = patch.get_mutation_scale() * scale * (
        float(getattr(style, "rounding_size", None) or 0.0) + float(getattr(style, "pad", 0.0) or 0.0))
    # the inside: the box less its border and its (rounded) corners, as two rectangles
    e = [int(np.ceil(extent.x0 + half)), int(np.ceil(extent.y0 + half)),
         int(np.floor(extent.x1 - half)), int(np.floor(extent.y1 - half))]
    c = [int(np.ceil(extent.x0 + half + radius)), int(np.ceil(extent.y0 + half + radius)),
         int(np.floor(extent.x1 - half - radius)), int(np.floor(extent.y1 - half - radius))]
    parts = [Bbox.from_extents(e[0], c[1], e[2], c[3]), Bbox.from_extents(c[0], e[1], c[2], e[3])]
    if any(b.width <= 0 or b.height <= 0 for b in parts):
        return None
    whole = _pixels(canvas, outer)
    drawn = canvas.copy_from_bbox(outer)
    inside = [canvas.copy_from_bbox(b) for b in parts]
    canvas.restore_region(under)  # the box alone over the same pixels: same rim?
    patch.draw(renderer)
    box_only = _pixels(canvas, outer)
    canvas.restore_region(drawn)
    rim = np.ones(whole.shape[:2], bool)
    for b in parts:
        left, top = int(b.x0 - outer.x0), int(outer.y1 - b.y1)
        rim[top:top + int(b.height), left:left + int(b.width)] = False
    return inside if np.array_equal(whole[rim], box_only[rim]) else None


def paint(legend, renderer, canvas, inside: list) -> None:
    """Paint an opaque legend as its box and its kept inside."""
    legend.legendPatch.draw(renderer)
    for region in inside:
        canvas.restore_region(region)
