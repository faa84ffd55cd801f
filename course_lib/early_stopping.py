"""Early stopping: end training when the validation loss has stopped improving, and keep the
parameters of its best epoch.

Used by lesson 04. A callback for :func:`course_lib.training.fit` (it needs
``validation_data``), in the spirit of Keras' ``EarlyStopping(monitor="val_loss",
patience=..., restore_best_weights=True)``::

    stop = EarlyStopping(patience=3)
    history = training.fit(..., validation_data=(x_val, y_val), callbacks=[stop])
    stop.best_epoch, stop.best_loss, stop.best_params, stop.stopped_epoch

and :func:`best_epoch` finds the same epoch in a finished history.
"""
from __future__ import annotations

from typing import Optional, Sequence

import numpy as np

from ._validate import array, count, positive_number
from .optimizers import tree_map

__all__ = ["EarlyStopping", "best_epoch"]


def best_epoch(val_loss: Sequence[float], min_delta: float = 0.0) -> int:
    """The 1-based epoch of the lowest validation loss (the first of equal ones); an epoch
    counts as better only when it is more than ``min_delta`` below the best so far."""
    losses = array(val_loss, "val_loss", min_len=0, finite=False)
    if losses.ndim != 1 or losses.size == 0:
        raise ValueError(f"val_loss must be a non-empty list of numbers, got {val_loss!r}")
    min_delta = positive_number(min_delta, "min_delta", allow_zero=True)
    best, best_i = np.inf, 0
    for i, value in enumerate(losses):
        if value < best - min_delta:
            best, best_i = value, i
    return best_i + 1


class EarlyStopping:
    """Stop :func:`~course_lib.training.fit` after ``patience`` epochs without a validation
    loss more than ``min_delta`` below the best one so far.

    After the run: ``best_epoch`` (1-based) and ``best_loss``; ``best_params`` a copy of the
    parameters at the end of that epoch; ``stopped_epoch`` the epoch after which it stopped
    the run (``None`` if the run used all its epochs). With ``restore_best=True`` (default)
    ``history.params`` is set to ``best_params`` when training ends.
    """

    def __init__(self, patience: int = 3, min_delta: float = 0.0, restore_best: bool = True):
        self.patience = count(patience, "patience")
        self.min_delta = positive_number(min_delta, "min_delta", allow_zero=True)
        if not isinstance(restore_best, (bool, np.bool_)):
            raise ValueError(f"restore_best must be True or False, got {restore_best!r}")
        self.restore_best = bool(restore_best)
        self._reset()

    def _reset(self):
        self.best_epoch: Optional[int] = None
        self.best_loss = np.inf
        self.best_params = None
        self.stopped_epoch: Optional[int] = None
        self._waited = 0

    def on_train_begin(self, params, history):
        self._reset()

    def on_epoch_end(self, epoch, params, history):
        if not history.val_loss:
            raise ValueError("EarlyStopping watches the validation loss: give fit validation_data")
        loss = float(history.val_loss[-1])
        if loss < self.best_loss - self.min_delta:
            self.best_epoch, self.best_loss = epoch + 1, loss
            self.best_params = tree_map(np.copy, params)
            self._waited = 0
            return
        self._waited += 1
        if self._waited >= self.patience:
            self.stopped_epoch = epoch + 1
            history.stop_training = True

    def on_train_end(self, params, history):
        if self.restore_best and self.best_params is not None:
            history.params = self.best_params

    def __repr__(self) -> str:
        return (f"EarlyStopping(patience={self.patience}, min_delta={self.min_delta:g}; best epoch "
                f"{self.best_epoch}, stopped after epoch {self.stopped_epoch})")
