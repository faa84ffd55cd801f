#!/usr/bin/env python3
"""The explorers' PNG encoder (course_lib/widgets/_png.py) beside Pillow's. Prints numbers,
asserts nothing.

    python benchmarks/bench_png.py

For every explorer (built as ``bench_widgets.py`` builds it), the picture of its first
state is encoded 15 times by each encoder: Pillow at ``compress_level=1`` (what
``Explorer.png`` used before) and ``encode_rgba``. Prints the median time of each, their
ratio and the size of the files, and checks that both decode to the canvas's pixels.
"""
from __future__ import annotations

import io
import sys
from pathlib import Path

import numpy as np
from PIL import Image

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from _timing import median_ms  # noqa: E402
from bench_widgets import BUILDERS  # noqa: E402

from course_lib.widgets import explorer_factories  # noqa: E402
from course_lib.widgets._png import encode_rgba  # noqa: E402


def pillow_png(buffer, width: int, height: int) -> bytes:
    image = Image.frombuffer("RGBA", (width, height), buffer, "raw", "RGBA", 0, 1)
    out = io.BytesIO()
    image.save(out, format="png", compress_level=1)
    return out.getvalue()


def main() -> int:
    print(f"{'explorer':24s} {'Pillow ms':>9} {'ours ms':>8} {'ratio':>6} "
          f"{'Pillow KiB':>10} {'ours KiB':>9}")
    for name, factory in explorer_factories():
        args, kwargs = BUILDERS[name]() if name in BUILDERS else ((), {})
        explorer = factory(*args, **kwargs)
        explorer.render()
        width, height = explorer.canvas.get_width_height()
        buffer = explorer.canvas.buffer_rgba()
        pixels = np.asarray(buffer)
        theirs, ours = pillow_png(buffer, width, height), encode_rgba(pixels)
        for data in (theirs, ours):
            assert np.array_equal(np.asarray(Image.open(io.BytesIO(data)).convert("RGBA")), pixels)
        t_theirs, _ = median_ms(lambda: pillow_png(buffer, width, height), 15)
        t_ours, _ = median_ms(lambda: encode_rgba(pixels), 15)
        print(f"{name:24s} {t_theirs:9.1f} {t_ours:8.1f} {t_theirs / t_ours:6.1f} "
              f"{len(theirs) / 1024:10.0f} {len(ours) / 1024:9.0f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
