"""The explorers' pictures as PNG bytes, written directly (every explorer, through
``Explorer.png``).

A picture is encoded on every move of a slider, so the encoder is on the path a student
feels. PNG allows a filter per row before compression; Pillow tries several and keeps the
best, which costs more time than it saves on these figures (large flat areas, thin lines).
Here every row uses filter 0 (none) and zlib at level 1. On the course's explorers that is
1.6 to 3.4 times faster than Pillow at ``compress_level=1``, for files of about the same size
(11 % smaller to 17 % larger; ``benchmarks/bench_png.py``). The format is plain PNG: 8-bit
RGBA, lossless, read by every browser and by Pillow (``Explorer.shown`` decodes it with
Pillow to check the pixels).
"""
from __future__ import annotations

import struct
import zlib

import numpy as np

__all__ = ["encode_rgba"]

_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


def encode_rgba(pixels, level: int = 1) -> bytes:
    """PNG bytes of ``pixels``, an ``(height, width, 4)`` array of ``uint8`` RGBA values
    (e.g. ``np.asarray(canvas.buffer_rgba())``), with zlib at ``level`` (0 to 9)."""
    pixels = np.asarray(pixels)
    if pixels.dtype != np.uint8 or pixels.ndim != 3 or pixels.shape[2] != 4:
        raise ValueError(f"pixels must be an array of shape (height, width, 4) of uint8, got "
                         f"shape {pixels.shape} of {pixels.dtype}")
    if isinstance(level, bool) or level not in range(10):
        raise ValueError(f"level must be a whole number from 0 to 9, got {level!r}")
    height, width = pixels.shape[:2]
    if height == 0 or width == 0:
        raise ValueError(f"pixels must hold at least one pixel, got shape {pixels.shape}")
    rows = np.zeros((height, 1 + 4 * width), dtype=np.uint8)   # first byte: filter 0
    rows[:, 1:] = pixels.reshape(height, 4 * width)
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)   # 8-bit RGBA
    return (_SIGNATURE + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", zlib.compress(rows.tobytes(), level)) + _chunk(b"IEND", b""))
