"""Parameter trees: a single array or a (nested) dict / list / tuple of arrays.

Used by lesson 04 onwards through the optimizers and ``training.fit``: :func:`tree_map`
applies a function to every array, and the argument checks every update rule shares.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from .._validate import array, function, number, tree

__all__ = ["tree_map", "tree_leaves", "tree_all_finite"]


# --- applying a function to every array of a (nested) container -------------------------------

def tree_map(fn: Callable, tree, *rest):
    """``fn`` applied leaf by leaf to one or more containers of the same structure."""
    if not callable(fn):
        raise ValueError(f"fn must be a function, got {fn!r:.60}")
    if isinstance(tree, dict):
        return {k: tree_map(fn, tree[k], *(r[k] for r in rest)) for k in tree}
    if isinstance(tree, (list, tuple)):
        out = [tree_map(fn, t, *(r[i] for r in rest)) for i, t in enumerate(tree)]
        return type(tree)(out) if isinstance(tree, tuple) else out
    return fn(tree, *rest)


def tree_leaves(tree) -> list:
    """Every array of a (nested) container, in order."""
    if isinstance(tree, dict):
        return [leaf for k in tree for leaf in tree_leaves(tree[k])]
    if isinstance(tree, (list, tuple)):
        return [leaf for t in tree for leaf in tree_leaves(t)]
    return [tree]


def tree_all_finite(tree) -> bool:
    """True when no array of the container holds inf or nan."""
    if isinstance(tree, (str, bytes)) or tree is None:
        raise ValueError(f"tree must be an array or a dict / list of arrays, got {tree!r:.60}")
    return all(np.all(np.isfinite(leaf)) for leaf in tree_leaves(tree))


def _step_args(params, grads, lr, state_ok=True):
    """The checks every ``step`` makes: cheap (it runs once per update), types and
    structure only; nan/inf values pass, so the caller can detect divergence itself."""
    if isinstance(params, (str, bytes, bool)) or params is None:
        raise ValueError(f"params must be an array or a dict / list of arrays, got {params!r:.60}")
    if isinstance(grads, (str, bytes, bool)) or grads is None:
        raise ValueError(f"grads must be an array or a dict / list of arrays, got {grads!r:.60}")
    if isinstance(params, dict):
        if not isinstance(grads, dict) or grads.keys() != params.keys():
            raise ValueError("grads must have the same keys as params")
    elif isinstance(params, (list, tuple)):
        if not isinstance(grads, (list, tuple)) or len(grads) != len(params):
            raise ValueError("grads must have one entry per entry of params")
    else:
        p = np.asarray(params)
        g = np.asarray(grads)
        if p.dtype.kind not in "biuf" or not p.size:
            raise ValueError(f"params must hold numbers, got {params!r:.60}")
        if g.dtype.kind not in "biuf" or g.shape != p.shape:
            raise ValueError(f"grads must be numbers of the shape of params {p.shape}, got {grads!r:.60}")
    if isinstance(lr, (bool, np.bool_)) or not isinstance(lr, (int, float, np.integer, np.floating)) \
            or not (0 <= lr < np.inf):
        raise ValueError(f"lr must be a finite number >= 0, got {lr!r}")


def _check_state(state, params, name: str = "state"):
    ok = (isinstance(state, dict) == isinstance(params, dict)
          and isinstance(state, (list, tuple)) == isinstance(params, (list, tuple)))
    if ok and isinstance(params, dict):
        ok = state.keys() == params.keys()
    elif ok and not isinstance(params, (list, tuple)):
        ok = np.shape(state) == np.shape(params) and state is not None \
            and np.asarray(state).dtype.kind in "biuf"
    if not ok:
        raise ValueError(f"{name} must come from this optimizer's init(params), got {state!r:.60}")


def _checking(step):
    """``step`` preceded by ``self.check_step(...)``; ``inspect.getsource`` still shows
    the rule itself (``functools.wraps`` keeps it reachable)."""
    import functools

    @functools.wraps(step)
    def checked(self, params, grads, state, lr, *args, **kwargs):
        self.check_step(params, grads, state, lr, *args, **kwargs)
        return step(self, params, grads, state, lr, *args, **kwargs)

    return checked


def _zeros_like(tree):
    return tree_map(lambda p: np.zeros_like(np.asarray(p, dtype=float)), tree)


