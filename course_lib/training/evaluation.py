"""Measuring a model without updating it: :func:`evaluate` (the loss, and the accuracy for
cross-entropy, on a whole set, optionally in chunks) and the check of the samples ``(x, y)``
that ``fit`` shares.

Used by lesson 04 onwards.
"""
from __future__ import annotations

from typing import Optional

import numpy as np

from .. import data as _data
from .. import models
from .._validate import count
from .objectives import _is_classification, predict_fn


def _samples(x, y):
    """``x`` and ``y`` as arrays with one label per row, and at least one row."""
    if y is None:
        raise ValueError("y must hold the labels or targets, got None")
    x, y = _data._check_xy(x, y)
    if not np.all(np.isfinite(x)):
        raise ValueError("x must hold finite numbers only (no nan or inf)")
    if not np.all(np.isfinite(y)):
        raise ValueError("y must hold finite numbers only (no nan or inf)")
    return x, y


def evaluate(params, model, x, y, loss="mse", *, batch_size: Optional[int] = None) -> dict:
    """The loss on ``(x, y)`` (and the accuracy, for cross-entropy), with no update.

    Returns ``{"loss": ..., "accuracy": ...}`` (accuracy only for classification), and a
    ``"note"`` in words when the loss is inf or nan (a diverged model). With ``batch_size``
    the set is evaluated in chunks and the results weighted by chunk size.
    """
    predict, lossf = predict_fn(model), models.get_loss(loss)
    x, y = _samples(x, y)
    size = len(x) if batch_size is None else count(batch_size, "batch_size")
    total_loss, correct = 0.0, 0.0
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for start in range(0, len(x), size):
            xb, yb = x[start:start + size], y[start:start + size]
            out = predict(params, xb)
            total_loss += float(lossf(out, yb)) * len(xb)
            if _is_classification(lossf):
                correct += models.accuracy(out, yb) * len(xb)
    result = {"loss": total_loss / len(x)}
    if _is_classification(lossf):
        result["accuracy"] = correct / len(x)
    if not np.isfinite(result["loss"]):
        result["note"] = (f"the loss is {result['loss']}: the parameters are not finite or the "
                          "outputs overflowed (a diverged model), so this is no measurement")
    return result
