"""The shoot-out itself: :func:`shootout` runs every recipe with every seed on the same
model, data and budget and returns a :class:`~course_lib.shootout.Shootout`.

Used by lesson 09.
"""
from __future__ import annotations

import numbers
from typing import Dict, List, Mapping, Optional, Sequence

import numpy as np

from .. import data as _data
from .. import models
from .. import training
from .._validate import count, function, number, positive_number, tree
from ..optimizers import get_optimizer
from .evaluator import Run, _Evaluator, _make_run
from .recipes import Recipe, _build, _recipe
from .table import Shootout

__all__ = ["shootout"]


# --- the shoot-out ------------------------------------------------------------------------------

def shootout(recipes: Mapping[str, object], init, model, x, y, *, validation_data,
             steps: int, seeds: Sequence[int] = (0, 1, 2), loss="cross_entropy",
             optimizer="momentum", batch_size: int = 32, target: Optional[float] = None,
             eval_every: Optional[int] = None) -> "Shootout":
    """Train ``model`` once per recipe and seed, for ``steps`` updates each, and compare.

    Parameters
    ----------
    recipes : ``{name: recipe}``, in the order the table lists them. A recipe is a function
        ``total -> schedule`` (or a number) or a :class:`Recipe` (with a momentum recipe).
    init : ``init(seed) -> params`` (e.g. ``lambda s: models.init_mlp((64, 32, 10), seed=s)``),
        or fixed parameters used for every seed (then the seed only changes the batches).
    model, x, y, loss, batch_size : as for :func:`training.fit`.
    validation_data : ``(x_val, y_val)``, measured every ``eval_every`` updates.
    steps : the budget: updates per run, the same for every recipe (epochs follow from
        ``batch_size``; the last one may be partial).
    seeds : one run per seed and recipe; the seed fixes ``init`` and the batch order.
    optimizer : as for :func:`training.fit` (a :class:`Recipe` may override it).
    target : the validation accuracy to reach (classification), in (0, 1]; ``None``: no
        "steps to target" column.
    eval_every : measure the validation set every this many updates (default: once per
        epoch, ``ceil(len(x) / batch_size)``); also before the first and after the last.
    """
    if not callable(init):
        if not isinstance(init, (dict, list, tuple)):
            raise ValueError("init must be a function of the seed returning params (e.g. "
                             "lambda s: models.init_mlp((64, 32, 10), seed=s)) or the params "
                             f"themselves, got {init!r:.60}")
        tree(init, "init")
    try:
        x, y = _data._check_xy(x, y)
    except ValueError as exc:
        raise ValueError(f"{exc} (x and y)") from None
    if y is None:
        raise ValueError("y must hold the labels, got None")
    if not isinstance(recipes, Mapping) or not recipes:
        raise ValueError(f"recipes must be a non-empty dict {{name: function of the total "
                         f"steps}}, got {recipes!r}")
    checked = {}
    for name, value in recipes.items():
        if not isinstance(name, str) or not name:
            raise ValueError(f"recipes: names must be non-empty strings, got {name!r}")
        checked[name] = _recipe(value, name)
    steps = count(steps, "steps")
    if isinstance(seeds, (str, bytes)) or not hasattr(seeds, "__iter__"):
        raise ValueError(f"seeds must be a list of non-negative ints, got {seeds!r}")
    seeds = list(seeds)
    if not seeds:
        raise ValueError("seeds must hold at least one seed")
    for s in seeds:
        if isinstance(s, bool) or not isinstance(s, numbers.Integral) or s < 0:
            raise ValueError(f"seeds must be non-negative ints, got {s!r}")
    seeds = [int(s) for s in seeds]
    if len(set(seeds)) != len(seeds):
        raise ValueError(f"seeds must be different from each other, got {seeds!r}")
    batch_size = count(batch_size, "batch_size")
    x, y = np.asarray(x), np.asarray(y)
    if len(x) != len(y) or len(x) == 0:
        raise ValueError(f"y must have one entry per row of x: got {len(y)} for {len(x)} rows")
    if isinstance(validation_data, (str, bytes)) or not hasattr(validation_data, "__len__") \
            or len(validation_data) != 2:
        raise ValueError("validation_data must be a pair (x_val, y_val)")
    try:
        x_val, y_val = _data._check_xy(*validation_data)
    except ValueError as exc:
        raise ValueError(f"validation_data: {exc}") from None
    if len(x_val) != len(y_val) or len(x_val) == 0:
        raise ValueError(f"validation_data: y_val must have one entry per row of x_val, got "
                         f"{len(y_val)} for {len(x_val)} rows")
    predict, lossf = training.predict_fn(model), models.get_loss(loss)
    classify = lossf is models.cross_entropy
    if target is not None:
        if not classify:
            raise ValueError("target: a target accuracy needs a classification loss "
                             "('cross_entropy')")
        target = positive_number(target, "target")
        if target > 1:
            raise ValueError(f"target must be an accuracy in (0, 1], got {target!r}")
    guess = None
    if classify:        # what always answering the most frequent validation class scores
        labels = y_val.argmax(axis=-1) if y_val.ndim == 2 else y_val
        guess = float(np.max(np.unique(labels, return_counts=True)[1]) / len(labels))
    per_epoch = -(-len(x) // batch_size)
    every = per_epoch if eval_every is None else count(eval_every, "eval_every")
    epochs = -(-steps // per_epoch)
    default_opt = get_optimizer(optimizer)
    if not callable(init):
        fixed = init
        init = lambda seed: fixed  # noqa: E731  (fit never changes the caller's params)

    built = {}
    for name, recipe in checked.items():
        built[name] = _build(name, recipe, steps, epochs * per_epoch, default_opt)

    runs: Dict[str, List[Run]] = {}
    for name in checked:
        lr, momentum, opt, _, _ = built[name]
        runs[name] = []
        for seed in seeds:
            evaluator = _Evaluator(predict, lossf, x_val, y_val, steps, every)
            history = training.fit(init(seed), predict, x, y, loss=lossf, optimizer=opt, lr=lr,
                                   epochs=epochs, batch_size=batch_size, seed=seed,
                                   eval_train=False, verbose=0, callbacks=[evaluator],
                                   momentum=momentum)
            runs[name].append(_make_run(name, seed, evaluator, history, steps, every, target,
                                        guess))
    return Shootout(names=list(checked), seeds=seeds, steps=steps, target=target,
                    eval_every=every, batch_size=batch_size,
                    rates={n: b[3] for n, b in built.items()},
                    momentums={n: b[4] for n, b in built.items()}, runs=runs)


