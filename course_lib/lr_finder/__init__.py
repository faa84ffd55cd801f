"""The learning-rate range test ("LR finder"): sweep the rate upwards, one minibatch per
step, record the loss, and read a good rate off the curve.

Used by lesson 06 (and lessons 07 to 09 for the bounds of cyclical rates). The test is
L. N. Smith's "LR range test" (*Cyclical Learning Rates for Training Neural Networks*,
WACV 2017, section 3.3, https://arxiv.org/abs/1506.01186), in the form fastai made
popular (S. Gugger, "How Do You Find A Good Learning Rate", 2018,
https://sgugger.github.io/how-do-you-find-a-good-learning-rate.html, and fastai's
``lr_find``): an exponential sweep with one minibatch per step, a bias-corrected moving
average of the loss, and an early stop once the loss explodes. Smith's original test is
different: a *linear* sweep over several epochs, reading the *accuracy* curve.

Public API (stable; lesson 07 and later rely on it)
----------------------------------------------------

``lr_range_test(loss_fn, params, batches, min_lr=1e-7, max_lr=10.0, steps=100, mode="exp",
smoothing=0.98, diverge_factor=4.0, optimizer="sgd", grad_fn=None)`` -> :class:`RangeTest`

    ``loss_fn(params, batch)`` is a scalar, autograd-differentiable objective
    (``course_lib.training.loss_fn("mlp", "cross_entropy")`` builds one); ``batches`` is a
    sequence of batches, cycled as needed (a ``course_lib.data.Batches`` or any iterable
    works too). Update ``i`` (0-based) uses the rate

    * ``mode="exp"``:    ``lr_i = min_lr * (max_lr / min_lr) ** (i / (steps - 1))``
      (the first update uses exactly ``min_lr``, each one multiplies it by the same factor);
    * ``mode="linear"``: ``lr_i = min_lr + (max_lr - min_lr) * i / (steps - 1)``.

    The loss recorded for ``lr_i`` is the minibatch loss just before update ``i`` (so it
    shows the effect of the rates up to ``lr_{i-1}``), smoothed by an exponential moving
    average with bias correction::

        avg_i = beta * avg_{i-1} + (1 - beta) * loss_i      (avg_{-1} = 0, beta = smoothing)
        smoothed_i = avg_i / (1 - beta ** (i + 1))

    The sweep stops early when the smoothed loss exceeds ``diverge_factor`` times its
    minimum so far (that point is kept) or the loss becomes inf/nan (that point is not
    kept: the curve holds finite points only). No RuntimeWarning escapes. The caller's
    ``params`` are never changed: the test works on a deep copy, also when ``loss_fn``
    raises half-way. Bad arguments raise ``ValueError`` naming the argument.

:class:`RangeTest` (the result)

    ``lrs``, ``losses``, ``smoothed`` (numpy arrays of the recorded, finite points);
    ``stopped_early`` and ``reason`` (why the sweep ended); ``planned_lrs`` (the whole
    sweep); ``suggestion(method="steepest", skip_start=None, skip_end=None,
    descent_only=True, fraction=2/3) -> float``; ``suggest(...)`` (the same as a
    :class:`Suggestion` with the index and loss, for plots);
    ``plot(ax=None, method="steepest", raw=True)``; ``clr_bounds()``;
    ``with_smoothing(beta)`` (the same raw losses smoothed again, no new training).

    Methods (``SUGGESTION_METHODS``):

    * ``"steepest"``: the rate where the smoothed loss falls fastest against
      ``log10(rate)`` (most negative slope, central differences), searched on the
      descent only: from where the curve has fallen by 10% of its drop (from its highest
      point before the minimum) to its lowest point, so that a wiggle of the flat start or
      of the explosion at the end cannot be picked;
    * ``"valley"``: after the "valley" idea of fastai's ``lr_find`` (its
      ``valley`` suggestion): find the longest descending run of the smoothed curve, as a
      longest decreasing subsequence (robust to small up-ticks), and take the point
      ``fraction`` of the way along it (in steps, i.e. in ``log10(rate)`` for an
      exponential sweep). The default ``fraction=2/3`` is what fastai's documentation
      describes; fastai's *code* (``fastai/callback/schedule.py``, ``valley``) takes the
      index ``max_start + int(L/3) + int(L/6)`` with ``max_start = max_end - L``, ``L``
      the number of points of the run: about **half** of ``L`` back from the run's end.
      That is the middle only of a run without gaps; a real curve's run skips up-ticks
      and spans more than ``L`` steps, so fastai's pick lies further along it (on lesson
      06's digits sweeps, within a few points of ``fraction=2/3``;
      :func:`fastai_valley_index` computes it). The default stays 2/3 so that the
      lessons built on it do not move; lesson 06 shows the difference;
    * ``"minimum"``: the rate at the lowest smoothed loss divided by 10 (fastai's
      ``minimum`` suggester, and the "one order of magnitude before the minimum" advice
      of Gugger's post).

    The first ``skip_start`` and last ``skip_end`` points are ignored by every method:
    at the start the average has seen few losses (the curve is noisy and its slope
    meaningless), at the end it is climbing out of control. Their defaults scale with the
    length of the curve: ``skip_start = max(1, n // 10)``, ``skip_end = max(1, n // 20)``
    (10 and 5 for a full 100-step sweep, as fastai uses).

``clr_bounds(result, skip_start=None, skip_end=None)`` -> :class:`Bounds`

    Bounds for cyclical rates (Smith 2017, section 3.3: the rate where the loss starts
    to fall is a good ``base_lr``, the rate where it stops falling or turns ragged a good
    ``max_lr``; his rule of thumb ``base_lr = max_lr / 3`` or ``/ 4``). The course's rule:

    * ``max_lr`` = the rate at the lowest point of the smoothed curve. Because the
      average lags the raw losses (see the caution below), that point usually lies a
      little *past* the rate where the raw loss was lowest: an upper bound, visited only
      briefly by a cycle, not the last rate at which the loss still falls;
    * ``start_lr`` = the first rate at which the smoothed loss has fallen by 10% of its
      drop (from its highest point before the minimum): where the loss "starts falling";
    * ``base_lr = max(start_lr, max_lr / 4)``: a quarter of the maximum (Smith's rule of
      thumb, keeping the cycle narrow), but never below the rate where the loss starts
      to fall.

``suggestion_spread(loss_fn, params, batches_for_seed, seeds=range(5),
methods=("steepest", "valley"), **kwargs)`` -> :class:`Spread`

    Runs the test once per seed (``batches_for_seed(seed)`` gives that seed's batches,
    e.g. another data order) and reports, per method, the suggestions, their median,
    the ratio ``max / min`` and the standard deviation of ``log10`` (how many decades the
    choice wobbles): ``spread.median("steepest")``, ``spread.ratio(...)``,
    ``spread.std_log10(...)``, ``spread.table()``.

Validation (``lr_range_test(..., val_batches=, val_every=, val_metric=)``), Smith's linear
multi-epoch form (:func:`linear_range_test`, read by :func:`accuracy_bounds`) and the cost
of a test (:func:`range_test_cost`) come from :mod:`.validation` and :mod:`.runner`.

Building blocks, tested on their own: :func:`sweep_rates`, :func:`smooth`,
:func:`divergence_index`, :func:`steepest_index`, :func:`valley_index`,
:func:`fastai_valley_index` (fastai's own valley rule, for comparison),
:func:`minimum_index`; ``RangeTest.view(smoothing, min_lr, max_lr)`` re-reads the
recorded raw losses (crop, re-smooth, re-cut) without training again.

A caution the lesson measures: the moving average trails the loss by about
``beta / (1 - beta)`` steps (49 for 0.98), i.e. ``result.lag_decades`` decades of the rate.
A sweep with few steps per decade draws the smoothed curve well to the right of the raw
losses; use enough steps (or less smoothing) that this lag is a fraction of a decade.

Layout: one concept per module, each importing only the ones above it
----------------------------------------------------------------------

* :mod:`.rates`: :func:`sweep_rates`, ``MODES``;
* :mod:`.smoothing`: :func:`smooth`, :func:`divergence_index` (the stop rule);
* :mod:`.suggestions`: the rules (:func:`steepest_index`, :func:`valley_index`,
  :func:`fastai_valley_index`, :func:`minimum_index`), ``SUGGESTION_METHODS``,
  :class:`Suggestion`;
* :mod:`.bounds`: :class:`Bounds`;
* :mod:`.result`: :class:`RangeTest` and :func:`clr_bounds`;
* :mod:`.sweep`: ``_SweepRecord`` (the sweep step by step, shared with lesson 10's Keras
  range test);
* :mod:`.validation`: the validation recorder, :func:`accuracy_bounds`,
  :func:`range_test_cost`;
* :mod:`.runner`: :func:`lr_range_test` and Smith's :func:`linear_range_test`;
* :mod:`.spread`: :func:`suggestion_spread` and :class:`Spread` (the test once per seed).

Every name lives on here (``course_lib.lr_finder.X``), with ``X.__module__`` saying so, as
when this was one module.
"""
from __future__ import annotations

from ..optimizers import get_optimizer  # noqa: F401
from .bounds import Bounds
from .rates import MODES, _mode, _rate_range, sweep_rates
from .result import _SAME, RangeTest, clr_bounds
from .runner import linear_range_test, lr_range_test
from .smoothing import _factor, _smoothing, divergence_index, smooth
from .spread import Spread, suggestion_spread
from .suggestions import (SUGGESTION_METHODS, Suggestion, _curve, _descent, _fraction,
                          _longest_decreasing, _method, _window, fastai_valley_index,
                          minimum_index, steepest_index, valley_index)
from .sweep import _SweepRecord, _batch_source
from .validation import (AccuracyBounds, Cost, ValidationRecorder, accuracy_bounds,
                         accuracy_metric, evaluate_batches, range_test_cost,
                         validation_recorder)

__all__ = [
    "lr_range_test", "RangeTest", "Suggestion", "Bounds", "clr_bounds",
    "suggestion_spread", "Spread", "sweep_rates", "smooth", "steepest_index",
    "valley_index", "fastai_valley_index", "minimum_index", "divergence_index", "MODES",
    "SUGGESTION_METHODS", "linear_range_test", "accuracy_bounds", "AccuracyBounds",
    "accuracy_metric", "range_test_cost", "Cost", "ValidationRecorder", "validation_recorder",
    "evaluate_batches",
]

# the public names say they live here, as before the split (the fuzz tests, pickles and
# help() find them under course_lib.lr_finder)
for _name in __all__:
    _obj = globals()[_name]
    if getattr(_obj, "__module__", "").startswith(__name__ + "."):
        _obj.__module__ = __name__
del _name, _obj
