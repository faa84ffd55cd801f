"""Validation during the learning-rate range test, and Smith's original form of the test.

Used by lesson 06 (section "Smith's test: linear, several epochs, accuracy"). The
functions here are called by :func:`course_lib.lr_finder.lr_range_test` when it gets
``val_batches=``; lesson 06 reaches them as ``course_lib.lr_finder.X``.

Two forms of the range test
---------------------------

* L. N. Smith, *Cyclical Learning Rates for Training Neural Networks* (WACV 2017,
  section 3.3): train for **several epochs** while the rate grows **linearly** from a low
  to a high value and plot the **accuracy** (on held-out data) against the rate; the rate
  where the accuracy starts to rise and the one where it stops rising (slows, turns
  ragged or falls) are the bounds of a cyclical schedule.
  :func:`course_lib.lr_finder.linear_range_test` (in :mod:`.runner`) runs it and
  :func:`accuracy_bounds` reads it.
* The fastai form (S. Gugger's 2018 post, fastai's ``lr_find``): an **exponential** sweep,
  one minibatch per step, about 100 steps, reading the smoothed **training loss**; fastai
  skips validation during the test. That is :func:`course_lib.lr_finder.lr_range_test`'s
  default.

What the validation costs
-------------------------

With ``val_batches`` (``m`` batches) and ``val_every=k``, the test evaluates the
validation set at steps ``0, k, 2k, ...`` (on the parameters just before that step's
update, like the recorded training loss): ``ceil(n / k)`` evaluations for ``n``
recorded points, each ``m`` forward passes (the loss; a metric adds ``m`` more),
no gradient. The training sweep itself costs one forward and backward pass per step.
``RangeTest.val_passes`` counts the forward passes spent on validation;
:func:`range_test_cost` sums everything up.
"""
from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import Callable, Optional, Sequence

import numpy as np

from .._validate import fields, function, number, positive_number, tree, whole
from .result import RangeTest

__all__ = ["ValidationRecorder", "validation_recorder", "evaluate_batches", "accuracy_metric",
           "accuracy_bounds", "AccuracyBounds", "range_test_cost", "Cost"]


def _batch_size(batch) -> Optional[int]:
    """The number of samples of an ``(x, y)`` batch (``None`` if it has no length)."""
    try:
        return len(batch[0])
    except (TypeError, IndexError, KeyError):
        return None


def _check_batches(batches, name: str) -> None:
    if isinstance(batches, (str, bytes, dict)) or not (
            hasattr(batches, "__len__") and hasattr(batches, "__getitem__")):
        raise ValueError(f"{name} must be a sequence (list) of batches, got {batches!r:.60}")
    if len(batches) == 0:
        raise ValueError(f"{name} must hold at least one batch, got none")


def _range_test(result):
    if not isinstance(result, RangeTest):
        raise ValueError(f"result must be a RangeTest (from lr_range_test), got {result!r:.60}")
    return result


def evaluate_batches(fn: Callable, params, batches: Sequence) -> float:
    """The mean of ``fn(params, batch)`` over ``batches``, weighted by the number of
    samples of each ``(x, y)`` batch (equal weights when a batch has no length).
    One forward pass per batch; nothing is trained. Non-finite values are returned as
    they are (``inf``/``nan``), without a RuntimeWarning."""
    function(fn, "fn")                  # params go to fn as they are: whatever fn takes
    _check_batches(batches, "batches")
    sizes = [_batch_size(b) for b in batches]
    weights = np.ones(len(batches)) if None in sizes else np.asarray(sizes, dtype=float)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        values = np.array([float(fn(params, b)) for b in batches])
        return float(np.sum(weights * values) / np.sum(weights))


def accuracy_metric(model="mlp") -> Callable:
    """``metric(params, (x, y))``: the fraction of ``x`` whose largest output is the label
    ``y`` (for ``val_metric=``; ``model`` as in ``course_lib.training.predict_fn``)."""
    from .. import models, training

    predict = training.predict_fn(model)

    def accuracy(params, batch):
        x, y = batch
        with np.errstate(over="ignore", invalid="ignore"):
            return models.accuracy(predict(params, x), y)

    return accuracy


class ValidationRecorder:
    """Evaluates the validation set every ``val_every`` steps during a range test.

    ``record(i, params)`` is called once per *recorded* point ``i`` (0-based) with the
    parameters just before update ``i``; ``arrays()`` returns ``(val_losses, val_metric)``
    aligned with the recorded rates, ``nan`` where no evaluation took place (and
    ``val_metric`` all ``nan`` without a metric)."""

    def __init__(self, loss_fn: Callable, val_batches: Sequence, val_every: int,
                 val_metric: Optional[Callable]):
        function(loss_fn, "loss_fn")
        _check_batches(val_batches, "val_batches")
        whole(val_every, "val_every", minimum=1)
        function(val_metric, "val_metric", allow_none=True)
        self.loss_fn, self.batches = loss_fn, val_batches
        self.every, self.metric = val_every, val_metric
        self.losses: list = []
        self.metrics: list = []
        self.passes = 0
        self.evaluations = 0

    def record(self, i: int, params) -> None:
        if i % self.every:
            self.losses.append(np.nan)
            self.metrics.append(np.nan)
            return
        self.losses.append(evaluate_batches(self.loss_fn, params, self.batches))
        self.passes += len(self.batches)
        self.evaluations += 1
        if self.metric is None:
            self.metrics.append(np.nan)
        else:
            self.metrics.append(evaluate_batches(self.metric, params, self.batches))
            self.passes += len(self.batches)

    def arrays(self):
        return np.array(self.losses, dtype=float), np.array(self.metrics, dtype=float)


def validation_recorder(loss_fn: Callable, val_batches, val_every, val_metric
                        ) -> Optional[ValidationRecorder]:
    """Check the validation arguments of ``lr_range_test`` (``ValueError`` naming the
    argument) and return a :class:`ValidationRecorder`, or ``None`` without
    ``val_batches`` (then ``val_every`` must be 1 and ``val_metric`` ``None``)."""
    function(loss_fn, "loss_fn")
    if isinstance(val_every, bool) or not isinstance(val_every, numbers.Integral) \
            or val_every < 1:
        raise ValueError(f"val_every must be a whole number >= 1 (evaluate every k-th step), "
                         f"got {val_every!r}")
    if val_metric is not None and not callable(val_metric):
        raise ValueError(f"val_metric must be a function (params, batch) -> number, "
                         f"got {val_metric!r}")
    if val_batches is None:
        if val_metric is not None or val_every != 1:
            raise ValueError("val_batches must be given when val_every or val_metric is "
                             "(there is nothing to evaluate them on)")
        return None
    if (isinstance(val_batches, tuple) and len(val_batches) == 2
            and all(isinstance(b, np.ndarray) for b in val_batches)):
        raise ValueError("val_batches must be a sequence of batches; got one (x, y) pair: "
                         "pass [(x, y)] to evaluate on it")
    if isinstance(val_batches, (str, bytes, dict)) or not (
            hasattr(val_batches, "__len__") and hasattr(val_batches, "__getitem__")):
        raise ValueError(f"val_batches must be a sequence (list) of batches, "
                         f"got {type(val_batches).__name__}")
    if len(val_batches) == 0:
        raise ValueError("val_batches must hold at least one batch, got none")
    return ValidationRecorder(loss_fn, list(val_batches), int(val_every), val_metric)


# --- reading Smith's form of the test (run by runner.linear_range_test) ------------------

@dataclass(frozen=True)
class AccuracyBounds:
    """Bounds read off a validation-accuracy curve (see :func:`accuracy_bounds`)."""

    base_lr: float
    max_lr: float
    start_metric: float
    peak_metric: float

    def __post_init__(self):
        fields(self, base_lr=positive_number, max_lr=positive_number, start_metric=number,
               peak_metric=number)
        if self.base_lr > self.max_lr:
            raise ValueError(f"base_lr must not exceed max_lr, got {self.base_lr!r} > {self.max_lr!r}")

    def __iter__(self):
        return iter((self.base_lr, self.max_lr))


def accuracy_bounds(result, rise: float = 0.1) -> AccuracyBounds:
    """Smith's reading of the accuracy curve of a range test with ``val_metric``.

    ``max_lr``: the rate of the highest validation metric (where the accuracy stops
    rising); ``base_lr``: the first evaluated rate where the metric has risen by ``rise``
    (10%) of its rise from the first evaluation to that peak (where it "starts to
    increase"). ``ValueError`` when the result has no metric or fewer than 3 evaluations."""
    _range_test(result)
    number(rise, "rise", lo=0.0, hi=1.0, lo_open=True)
    metric = getattr(result, "val_metric", None)
    if metric is None or not np.any(np.isfinite(metric)):
        raise ValueError("result has no validation metric: run the test with val_batches= "
                         "and val_metric=")
    rise = float(rise)
    if not 0 < rise < 1:
        raise ValueError(f"rise must lie in (0, 1), got {rise!r}")
    done = np.flatnonzero(np.isfinite(metric))
    if len(done) < 3:
        raise ValueError(f"the curve has {len(done)} evaluated point(s); at least 3 are needed "
                         f"(lower val_every)")
    lrs, m = np.asarray(result.lrs)[done], np.asarray(metric)[done]
    peak = int(np.argmax(m))
    target = m[0] + rise * (m[peak] - m[0])
    start = int(np.flatnonzero(m[:peak + 1] >= target)[0])
    return AccuracyBounds(base_lr=float(lrs[start]), max_lr=float(lrs[peak]),
                          start_metric=float(m[0]), peak_metric=float(m[peak]))


@dataclass(frozen=True)
class Cost:
    """What a range test cost: ``train_passes`` (forward and backward passes of a training
    batch: one per recorded point, plus the step whose loss came out non-finite),
    ``val_evaluations`` (of the whole validation set) and ``val_forward_passes`` (validation
    batches evaluated, no gradient)."""

    train_passes: int
    val_evaluations: int
    val_forward_passes: int

    def __post_init__(self):
        whole(self.train_passes, "train_passes", minimum=1)
        whole(self.val_evaluations, "val_evaluations", minimum=0)
        whole(self.val_forward_passes, "val_forward_passes", minimum=0)

    @property
    def forward_passes(self) -> int:
        """All forward passes: one per training pass plus the validation ones."""
        return self.train_passes + self.val_forward_passes


def range_test_cost(result) -> Cost:
    """The :class:`Cost` of a finished range test (a ``RangeTest``; a ``view`` of one
    reports the cost of the run it was cut from)."""
    _range_test(result)
    lost = 1 if (result.stopped_early and "became" in result.reason) else 0
    extra = getattr(result, "extra", None) or {}
    return Cost(train_passes=int(extra.get("train_passes", len(result) + lost)),
                val_evaluations=int(extra.get("val_evaluations", 0)),
                val_forward_passes=int(getattr(result, "val_passes", 0)))
