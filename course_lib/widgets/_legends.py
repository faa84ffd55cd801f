"""Repainting an opaque legend over moving lines cheaply (used by every explorer's base).

A legend whose box is opaque hides whatever lies under its inside: those pixels are the
same on every update; only the pixels the box covers partly (its antialiased border and
rounded corners, and anything of the legend drawn there) blend with the lines passing
under it. So after one full draw the pixels that do not depend on what lies under the
legend are kept, and later updates paint only the box (one patch) and put the kept pixels
back, instead of laying out and drawing every text and handle again.

Which pixels are kept is measured, not assumed: the legend is drawn once over black and
once over white, and a pixel is kept when both draws give the same value (agg blends in
steps of 1/255, so any partial coverage shows as a difference). Every other pixel must be
what the box alone paints there; if a text or handle reaches such a pixel, the legend is
drawn whole on every update instead.
"""
from __future__ import annotations

from typing import NamedTuple, Optional

import numpy as np
from matplotlib.legend import Legend
from matplotlib.transforms import Bbox


class Kept(NamedTuple):
    """The pixels of a legend that no underlay changes: where (rows, columns of the
    canvas buffer, a mask) and their values."""

    rows: slice
    cols: slice
    mask: np.ndarray
    values: np.ndarray


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


def _window(canvas, box: Bbox) -> tuple:
    height = canvas.get_width_height()[1]
    return (slice(height - int(box.y1), height - int(box.y0)), slice(int(box.x0), int(box.x1)))


def keep_inside(canvas, legend, renderer) -> Optional[Kept]:
    """Draw ``legend`` whole and return its pixels that no underlay changes, or None when
    the box alone does not reproduce the others (then it must be drawn whole each time)."""
    extent = legend.get_window_extent(renderer)  # where its box goes (laid out, not drawn)
    outer = Bbox.intersection(Bbox.from_extents(
        np.floor(extent.x0) - 4, np.floor(extent.y0) - 4,
        np.ceil(extent.x1) + 4, np.ceil(extent.y1) + 4), canvas.figure.bbox)
    if outer is None:
        legend.draw(renderer)
        return None
    rows, cols = _window(canvas, outer)
    buf = np.asarray(canvas.buffer_rgba())
    under = buf[rows, cols].copy()
    draws = []
    for fill in (0, 255):  # over black, then over white
        buf[rows, cols] = fill
        buf[rows, cols, 3] = 255
        legend.draw(renderer)
        draws.append(buf[rows, cols].copy())
    buf[rows, cols] = under
    patch = legend.legendPatch
    patch.draw(renderer)
    box_only = buf[rows, cols].copy()
    buf[rows, cols] = under
    legend.draw(renderer)
    whole = buf[rows, cols].copy()
    if not np.allclose(patch.get_window_extent(renderer).extents, extent.extents, atol=1.0):
        return None  # the box is not where the layout said: keep drawing it whole
    mask = np.all(draws[0] == draws[1], axis=-1)
    if not (np.array_equal(whole[mask], draws[0][mask])
            and np.array_equal(whole[~mask], box_only[~mask])):
        return None
    return Kept(rows, cols, mask, whole)


def paint(legend, renderer, canvas, kept: Kept) -> None:
    """Paint an opaque legend as its box and its kept pixels."""
    legend.legendPatch.draw(renderer)
    region = np.asarray(canvas.buffer_rgba())[kept.rows, kept.cols]
    region[kept.mask] = kept.values[kept.mask]
