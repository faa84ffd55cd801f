"""How stable is the range test's suggestion? Run it once per seed (data order) and
measure the spread of each method's suggestion.

Used by lesson 06 ("How stable is the suggestion?"), as ``lr_finder.suggestion_spread``
and ``lr_finder.Spread`` (the package's docstring describes them).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Dict, Iterable, Sequence

import numpy as np

from .._validate import array, seed_value
from .runner import lr_range_test
from .suggestions import _method

__all__ = ["Spread", "suggestion_spread"]


@dataclass
class Spread:
    """Suggestions of several range tests (one per seed) and how much they vary."""

    seeds: list
    suggestions: Dict[str, np.ndarray]
    results: list

    def __post_init__(self):
        if isinstance(self.seeds, (str, bytes)) or not isinstance(self.seeds, (list, tuple)) \
                or not self.seeds:
            raise ValueError(f"seeds must be a non-empty list of seeds, got {self.seeds!r:.60}")
        for s in self.seeds:
            seed_value(s, "seeds")
        n = len(self.seeds)
        if not isinstance(self.suggestions, dict) or not self.suggestions:
            raise ValueError(f"suggestions must be a dict {{method: rates}}, got {self.suggestions!r:.60}")
        for m, rates in self.suggestions.items():
            if len(array(rates, "suggestions", ndim=1)) != n:
                raise ValueError(f"suggestions[{m!r}] must hold one rate per seed ({n})")
        if not isinstance(self.results, (list, tuple)) or len(self.results) != n:
            raise ValueError(f"results must be a list of one range test per seed ({n})")

    def _get(self, method):
        if method not in self.suggestions:
            raise ValueError(f"method must be one of {sorted(self.suggestions)}, got {method!r}")
        return self.suggestions[method]

    def median(self, method: str = "steepest") -> float:
        """The median suggestion (the geometric middle for an odd number of seeds)."""
        return float(np.median(self._get(method)))

    def ratio(self, method: str = "steepest") -> float:
        """Largest over smallest suggestion (1 = the same on every seed)."""
        s = self._get(method)
        return float(s.max() / s.min())

    def std_log10(self, method: str = "steepest") -> float:
        """Standard deviation of ``log10`` of the suggestions (in decades)."""
        return float(np.std(np.log10(self._get(method))))

    def table(self) -> str:
        """One line per method: median, min, max, max/min and std of log10."""
        lines = [f"{'method':>9} | {'median':>9} | {'min':>9} | {'max':>9} | max/min | "
                 f"std log10"]
        for m, s in self.suggestions.items():
            lines.append(f"{m:>9} | {self.median(m):9.3g} | {s.min():9.3g} | {s.max():9.3g} | "
                         f"{self.ratio(m):7.2f} | {self.std_log10(m):9.3f}")
        return "\n".join(lines)


def suggestion_spread(loss_fn: Callable, params, batches_for_seed: Callable,
                      seeds: Iterable[int] = range(5),
                      methods: Sequence[str] = ("steepest", "valley"), *,
                      skip_start=None, skip_end=None, **kwargs) -> Spread:
    """Run :func:`lr_range_test` once per seed and collect each method's suggestion.

    ``batches_for_seed(seed)`` returns the batches of that seed (e.g. the data in another
    order: ``lambda s: list(data.minibatches(x, y, 32, seed=s))``). ``kwargs`` go to
    :func:`lr_range_test`. The starting ``params`` are the same for every seed.
    """
    if not callable(batches_for_seed):
        raise ValueError(f"batches_for_seed must be a function seed -> batches, "
                         f"got {batches_for_seed!r}")
    if isinstance(seeds, (str, bytes)) or not hasattr(seeds, "__iter__"):
        raise ValueError(f"seeds must be a list of seeds, got {seeds!r}")
    seeds = list(seeds)
    if not seeds:
        raise ValueError("seeds must hold at least one seed")
    for s in seeds:
        seed_value(s, "seeds")
    if isinstance(methods, str):
        methods = (methods,)
    if not hasattr(methods, "__iter__"):
        raise ValueError(f"methods must be a list of method names, got {methods!r}")
    try:
        methods = [_method(m) for m in methods]
    except ValueError as exc:
        raise ValueError(f"methods: {exc}") from None
    if not methods:
        raise ValueError("methods must name at least one method")
    results = [lr_range_test(loss_fn, params, batches_for_seed(s), **kwargs) for s in seeds]
    sugg = {m: np.array([r.suggestion(m, skip_start, skip_end) for r in results])
            for m in methods}
    return Spread(seeds=seeds, suggestions=sugg, results=results)
