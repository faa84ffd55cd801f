"""The schedule shoot-out: several schedules on the same model, data and budget, several seeds.

Used by lesson 09. The question a practitioner asks at the end of the course is "which
schedule should I use, and how do I know?". The honest way to answer it on your own
problem is a small, fair experiment:

* the **same model and data**, the **same budget** of updates for every schedule;
* each schedule given as a **recipe**: a function of the total number of steps that
  returns the schedule (``lambda total: schedules.one_cycle(0.5, total)``), so the same
  recipe fits any budget;
* **several seeds**: a seed fixes the initial weights and the order of the minibatches;
  every schedule sees the same seeds, so it gets the same starts and the same batches;
* the result reported with its **spread**, not only its mean.

:func:`shootout` runs it and returns a :class:`Shootout`. Per schedule the table gives the
final validation accuracy and loss (mean, standard deviation, min and max over the seeds)
and how many updates it took to reach a target accuracy (evaluated on the validation set
every ``eval_every`` updates; a run that never gets there is counted as "not reached", not
dropped silently). ``str(result)`` / :meth:`Shootout.table` is a fixed-precision text table
(same seeds, same text); :meth:`Shootout.rows` gives it as a list of dicts and
:meth:`Shootout.arrays` as numpy arrays (for plots). A run that diverges is stopped by
``training.fit``, counted in the ``diverged`` column and left out of the accuracy and loss
statistics (its numbers would be meaningless); it never crashes the shoot-out.

Each run is exactly ``training.fit(init(seed), model, x, y, lr=recipe(steps), seed=seed,
...)`` stopped after ``steps`` updates, so every number in the table can be reproduced by a
separate call of ``fit`` (the tests check it).

1cycle's cyclical momentum (Smith 2018) is :func:`one_cycle_momentum`: it runs opposite
to the rate, from ``max_momentum`` down to ``base_momentum`` while the rate warms up, and
back up while it anneals, as PyTorch's ``OneCycleLR(cycle_momentum=True)`` does. A
:class:`Recipe` pairs a rate recipe with a momentum recipe (and, if needed, its own
optimizer); ``training.fit(..., momentum=...)`` applies it.

Bad arguments raise ``ValueError`` naming the argument.

A package, every name importable from here: :mod:`.recipes` (:class:`Recipe`),
:mod:`.evaluator` (:class:`Run`, :func:`spread`, the evaluation callback), :mod:`.table`
(:class:`Shootout`) and :mod:`.runs` (:func:`shootout`); :func:`one_cycle_momentum` lives in
:mod:`course_lib.schedules.momentum`.
"""
from __future__ import annotations

from .. import _divergence, models, training
from .. import data as _data
from .. import schedules as _schedules
from ..optimizers import Momentum, get_optimizer
from ..schedules import Schedule, as_schedule
from ..schedules.cyclic import _OneCycle
from ..schedules.momentum import _OneCycleMomentum, _momentum, one_cycle_momentum
from .evaluator import Run, _Evaluator, _ended_diverged, _make_run, eval_schedule, spread
from .recipes import Recipe, _build, _recipe
from .runs import shootout
from .table import SORT_KEYS, Shootout

__all__ = ["one_cycle_momentum", "Recipe", "shootout", "Shootout", "Run", "spread",
           "SORT_KEYS"]
