"""Callbacks of ``fit``: the :class:`Callback` base class (hooks that do nothing),
:class:`Snapshots` (copies of the parameters at chosen epochs or steps, for the snapshot
ensembles) and :class:`Trace` (the path of the parameters, one point per update).

Used by lesson 04 (the callbacks), lesson 03 (:class:`Trace`: a run's path on a loss surface)
and lesson 08 (snapshot ensembles).
"""
from __future__ import annotations

from typing import Optional, Sequence

import numpy as np

from .._validate import count
from ..optimizers import tree_map


class Callback:
    """Base class for callbacks: override the hooks you need (all do nothing here)."""

    def on_train_begin(self, params, history):
        pass

    def on_step_end(self, step, params, history):
        pass

    def on_epoch_end(self, epoch, params, history):
        pass

    def on_train_end(self, params, history):
        pass


class Snapshots(Callback):
    """Keep a copy of the parameters at the end of chosen epochs or steps.

    ``Snapshots(every_epochs=1)`` keeps one per epoch; ``Snapshots(at_steps=[99, 199])``
    keeps the parameters just after updates 99 and 199 (0-based), e.g. at the end of each
    warm-restart cycle. ``snapshots.params`` is the list, ``snapshots.when`` says when.
    """

    def __init__(self, every_epochs: Optional[int] = None, at_steps: Optional[Sequence[int]] = None):
        if every_epochs is None and at_steps is None:
            raise ValueError("every_epochs or at_steps: give at least one of them")
        self.every = None if every_epochs is None else count(every_epochs, "every_epochs")
        self.at_steps = set() if at_steps is None else {count(s, "at_steps", minimum=0) for s in at_steps}
        self.params: list = []
        self.when: list = []

    def on_step_end(self, step, params, history):
        if step in self.at_steps:
            self.params.append(tree_map(np.copy, params))
            self.when.append(("step", step))

    def on_epoch_end(self, epoch, params, history):
        if self.every is not None and (epoch + 1) % self.every == 0:
            self.params.append(tree_map(np.copy, params))
            self.when.append(("epoch", epoch))


class Trace(Callback):
    """Record the parameters before the first update and after every update (a path
    through parameter space, ``len(trace.params) == steps + 1``)."""

    def __init__(self):
        self.params: list = []

    def on_train_begin(self, params, history):
        self.params = [tree_map(np.copy, params)]

    def on_step_end(self, step, params, history):
        self.params.append(tree_map(np.copy, params))

    def array(self, *keys) -> np.ndarray:
        """The path of the named (scalar) parameters, shape ``(steps + 1, len(keys))``."""
        return np.array([[float(p[k]) for k in keys] for p in self.params])
