"""The one timing helper the benchmark scripts share."""
from __future__ import annotations

import statistics
import time
from typing import Callable, Tuple


def median_ms(fn: Callable[[], object], repeat: int) -> Tuple[float, float]:
    """Call ``fn`` ``repeat`` times; return the median and the maximum in milliseconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times), max(times)
