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
"""
from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Mapping, Optional, Sequence

import numpy as np

from . import data as _data
from . import models
from . import schedules as _schedules
from . import training
from . import _divergence
from ._validate import array, count, fields, function, number, positive_number, text, tree, whole
from .optimizers import Momentum, get_optimizer
from .schedules import Schedule, as_schedule
from .schedules.cyclic import _OneCycle
from .schedules.momentum import _OneCycleMomentum, _momentum, one_cycle_momentum  # re-exported

__all__ = ["one_cycle_momentum", "Recipe", "shootout", "Shootout", "Run", "spread",
           "SORT_KEYS"]

#: what :meth:`Shootout.rows` and :meth:`Shootout.table` can sort by
SORT_KEYS = ("accuracy", "loss", "steps")


# --- recipes --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Recipe:
    """A schedule for the shoot-out, as functions of the total number of steps.

    ``lr(total)`` returns the rate schedule (or a number); ``momentum`` is ``None`` (the
    optimizer's own), a number, or ``momentum(total)`` returning a momentum schedule;
    ``optimizer`` (optional) replaces the shoot-out's optimizer for this recipe. A plain
    function ``lambda total: ...`` given to :func:`shootout` is ``Recipe(lr=that function)``.
    """

    lr: Callable
    momentum: object = None
    optimizer: object = None

    def __post_init__(self):
        # a number is refused by shootout(), with the recipe's name in the message
        if not callable(self.lr):
            number(self.lr, "lr")
        if self.momentum is not None and not callable(self.momentum):
            number(self.momentum, "momentum")      # its range is checked by shootout()
        if self.optimizer is not None:
            try:
                get_optimizer(self.optimizer)
            except ValueError as exc:
                raise ValueError(f"optimizer: {exc}") from None

    def build(self, total: int):
        """``(lr_schedule, momentum_schedule_or_number_or_None)`` for a budget of ``total``."""
        lr = self.lr(total)
        momentum = self.momentum(total) if callable(self.momentum) else self.momentum
        return lr, momentum


def _recipe(value, name: str) -> Recipe:
    where = f"recipes[{name!r}]"
    if isinstance(value, Recipe):
        if not callable(value.lr):
            raise ValueError(f"{where}: lr must be a function of the total number of steps, "
                             f"got {value.lr!r}")
        return value
    if isinstance(value, Schedule) or not callable(value):
        raise ValueError(f"{where} must be a function of the total number of steps returning "
                         f"a schedule (e.g. lambda total: schedules.cosine(0.1, total)) or a "
                         f"Recipe, got {value!r}")
    return Recipe(lr=value)


# --- statistics -------------------------------------------------------------------------------

def spread(values) -> dict:
    """Mean, standard deviation, min and max of some numbers, as a dict of floats.

    The standard deviation is the sample one (``ddof=1``, the usual estimate from a few
    runs); a single value has no spread, and its ``std`` is reported as 0. Non-finite values
    (nan: a diverged run, a target not reached) are left out; with none left, every entry
    is nan. ``n`` says how many values were used.
    """
    arr = array(values, "values", min_len=0, finite=False).ravel()
    arr = arr[np.isfinite(arr)]
    if arr.size == 0:
        return {"n": 0, "mean": math.nan, "std": math.nan, "min": math.nan, "max": math.nan}
    with np.errstate(over="ignore", invalid="ignore"):
        std = float(np.std(arr, ddof=1)) if arr.size > 1 else 0.0
    return {"n": int(arr.size), "mean": float(np.mean(arr)), "std": std,
            "min": float(np.min(arr)), "max": float(np.max(arr))}


# --- the runs -----------------------------------------------------------------------------------

@dataclass
class Run:
    """One schedule with one seed: the validation curve at ``eval_steps`` (nan after a
    divergence), the final values (nan if it diverged), when it reached the target (``None``
    if never) and the full :class:`training.History`."""

    name: str
    seed: int
    eval_steps: np.ndarray
    val_acc: np.ndarray
    val_loss: np.ndarray
    final_acc: float
    final_loss: float
    steps_to_target: Optional[int]
    diverged_at: Optional[int]
    history: training.History = field(repr=False)

    def __post_init__(self):
        n = len(array(self.eval_steps, "eval_steps", ndim=1))
        for name in ("val_acc", "val_loss"):
            if len(array(getattr(self, name), name, ndim=1, finite=False)) != n:
                raise ValueError(f"{name} must have one value per entry of eval_steps ({n})")
        fields(self, name=text, seed=lambda v, k: whole(v, k, minimum=0),
               final_acc=lambda v, k: number(v, k, lo=0.0, hi=1.0, allow_nan=True),
               final_loss=lambda v, k: number(v, k, lo=0.0, allow_nan=True),
               steps_to_target=lambda v, k: whole(v, k, minimum=0, allow_none=True),
               diverged_at=lambda v, k: whole(v, k, minimum=0, allow_none=True))
        if not isinstance(self.history, training.History):
            raise ValueError(f"history must be a training.History, got {self.history!r:.60}")

    @property
    def diverged(self) -> bool:
        return self.diverged_at is not None


class _Evaluator(training.Callback):
    """Measure the validation set before training and after every ``every`` updates (and
    after the last), and stop ``fit`` after ``steps`` updates."""

    def __init__(self, predict, lossf, x_val, y_val, steps: int, every: int):
        self.predict, self.lossf = predict, lossf
        self.x_val, self.y_val = x_val, y_val
        self.steps, self.every = steps, every
        self.when: List[int] = []
        self.acc: List[float] = []
        self.loss: List[float] = []

    def _measure(self, done: int, params) -> None:
        res = training.evaluate(params, self.predict, self.x_val, self.y_val, self.lossf)
        self.when.append(done)
        self.loss.append(res["loss"])
        self.acc.append(res.get("accuracy", math.nan))

    def on_train_begin(self, params, history):
        self._measure(0, params)

    def on_step_end(self, step, params, history):
        done = step + 1
        if done % self.every == 0 or done == self.steps:
            self._measure(done, params)
        if done >= self.steps:
            history.stop_training = True


def eval_schedule(steps: int, every: int) -> np.ndarray:
    """The update counts at which the shoot-out measures: 0, every, 2 every, ..., steps."""
    points = list(range(0, steps + 1, every))
    if points[-1] != steps:
        points.append(steps)
    return np.array(points)


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


def _build(name, recipe: Recipe, steps: int, planned: int, default_opt):
    """Build and check one recipe for the budget: (lr, momentum, optimizer, rates, momentums)."""
    where = f"recipes[{name!r}]"
    try:
        lr, momentum = recipe.build(steps)
    except ValueError as exc:
        raise ValueError(f"{where} failed for {steps} steps: {exc}") from None
    opt = default_opt if recipe.optimizer is None else get_optimizer(recipe.optimizer)
    if not (callable(lr) or (isinstance(lr, numbers.Real) and not isinstance(lr, bool))):
        raise ValueError(f"{where} must return a schedule or a number, got {lr!r}")
    try:
        rates = np.asarray(as_schedule(lr)(np.arange(planned)), dtype=float)
    except ValueError as exc:
        raise ValueError(f"{where}: {exc}") from None
    bad = ~np.isfinite(rates) | (rates < 0)
    if np.any(bad):
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(f"{where}: the schedule gave {float(rates[i])!r} at step {i}; rates "
                         f"must be finite and >= 0")
    if momentum is None:
        betas = np.full(steps, opt.beta) if isinstance(opt, Momentum) else np.full(steps, np.nan)
    else:
        try:
            betas = training._momentum_values(momentum, opt, planned)
        except ValueError as exc:
            raise ValueError(f"{where}: {exc}") from None
    return lr, momentum, opt, rates[:steps], np.asarray(betas[:steps], dtype=float)


def _ended_diverged(loss, acc, guess) -> bool:
    """The course's rule on a run's validation curve: the final loss is inf/nan, or it
    ended above a million times its start (:mod:`course_lib._divergence`) while the
    accuracy (classification) is no better than twice what guessing the most frequent
    class scores. A classifier whose loss exploded on a few confidently wrong answers but
    that still gets most answers right (lesson 09's runs at ten times a good rate) has
    not diverged."""
    if not _divergence.is_finite(loss[-1]):
        return True
    if not _divergence.diverged(loss[-1], loss[0], _divergence.FLAG_FACTOR):
        return False
    return guess is None or not (acc[-1] > 2.0 * guess)


def _make_run(name, seed, ev: _Evaluator, history, steps, every, target, guess=None) -> Run:
    eval_steps = eval_schedule(steps, every)
    acc = np.full(len(eval_steps), np.nan)
    loss = np.full(len(eval_steps), np.nan)
    index = {s: i for i, s in enumerate(eval_steps)}
    for when, a, l in zip(ev.when, ev.acc, ev.loss):
        acc[index[when]] = a
        loss[index[when]] = l
    diverged = history.diverged_at
    if diverged is None and _ended_diverged(loss, acc, guess):
        diverged = int(eval_steps[-1])
    final_acc = math.nan if diverged is not None else float(acc[-1])
    final_loss = math.nan if diverged is not None else float(loss[-1])
    reached = None
    if target is not None:
        hits = np.flatnonzero(acc >= target)          # nan compares False
        reached = int(eval_steps[hits[0]]) if hits.size else None
    return Run(name, seed, eval_steps, acc, loss, final_acc, final_loss, reached, diverged,
               history)


# --- the result ---------------------------------------------------------------------------------

@dataclass
class Shootout:
    """The result of :func:`shootout`: every run, and the table built from them.

    ``runs[name]`` is the list of :class:`Run` (one per seed, in the order of ``seeds``);
    ``rates[name]`` and ``momentums[name]`` the rate and momentum of each of the ``steps``
    updates (nan momentum: the optimizer has none).
    """

    names: List[str]
    seeds: List[int]
    steps: int
    target: Optional[float]
    eval_every: int
    batch_size: int
    rates: Dict[str, np.ndarray]
    momentums: Dict[str, np.ndarray]
    runs: Dict[str, List[Run]]

    def __post_init__(self):
        if isinstance(self.names, str) or not isinstance(self.names, (list, tuple)) \
                or not self.names or not all(isinstance(n, str) for n in self.names):
            raise ValueError(f"names must be a non-empty list of schedule names, got {self.names!r:.60}")
        if isinstance(self.seeds, str) or not isinstance(self.seeds, (list, tuple)) or not self.seeds:
            raise ValueError(f"seeds must be a non-empty list of seeds, got {self.seeds!r:.60}")
        for s in self.seeds:
            whole(s, "seeds", minimum=0)
        fields(self, steps=count, eval_every=count, batch_size=count,
               target=lambda v, k: number(v, k, lo=0.0, hi=1.0, lo_open=True, allow_none=True))
        for name in ("rates", "momentums", "runs"):
            value = getattr(self, name)
            if not isinstance(value, dict) or any(n not in value for n in self.names):
                raise ValueError(f"{name} must be a dict with an entry for every name of {self.names}")
        for n in self.names:
            if len(array(self.rates[n], "rates", ndim=1)) != self.steps:
                raise ValueError(f"rates[{n!r}] must hold one rate per step ({self.steps})")
            array(self.momentums[n], "momentums", ndim=1, finite=False)
            runs = self.runs[n]
            if not isinstance(runs, list) or not runs or not all(isinstance(r, Run) for r in runs):
                raise ValueError(f"runs[{n!r}] must be a non-empty list of Run")

    @property
    def eval_steps(self) -> np.ndarray:
        return eval_schedule(self.steps, self.eval_every)

    def row(self, name: str) -> dict:
        """The table's numbers for one schedule (see :meth:`rows`)."""
        if name not in self.runs:
            raise ValueError(f"name must be one of {self.names}, got {name!r}")
        runs = self.runs[name]
        acc = spread([r.final_acc for r in runs])
        loss = spread([r.final_loss for r in runs])
        row = {"name": name, "runs": len(runs), "diverged": sum(r.diverged for r in runs)}
        for key in ("mean", "std", "min", "max"):
            row[f"acc_{key}"] = acc[key]
        for key in ("mean", "std", "min", "max"):
            row[f"loss_{key}"] = loss[key]
        if self.target is not None:
            reached = spread([math.nan if r.steps_to_target is None else r.steps_to_target
                              for r in runs])
            row["reached"] = reached["n"]
            for key in ("mean", "min", "max"):
                row[f"steps_{key}"] = reached[key]
        return row

    def rows(self, sort_by: Optional[str] = None) -> List[dict]:
        """One dict per schedule: ``name``, ``runs``, ``diverged`` (how many runs diverged);
        ``acc_mean``, ``acc_std``, ``acc_min``, ``acc_max`` and the same for ``loss_`` (the
        final validation accuracy and loss over the runs that did not diverge; nan if none);
        with a target, ``reached`` (how many runs got there) and ``steps_mean``,
        ``steps_min``, ``steps_max`` (updates to get there, over those runs; nan if none).

        ``sort_by``: ``None`` (the order of the recipes), ``"accuracy"`` (best mean first),
        ``"loss"`` (lowest mean first) or ``"steps"`` (most runs reaching the target first,
        then fewest steps). Ties keep the recipes' order.
        """
        rows = [self.row(n) for n in self.names]
        if sort_by is None:
            return rows
        if sort_by not in SORT_KEYS:
            raise ValueError(f"sort_by must be None or one of {SORT_KEYS}, got {sort_by!r}")
        if sort_by == "steps" and self.target is None:
            raise ValueError("sort_by: 'steps' needs a target (the shoot-out had none)")

        def nan_last(v, sign=1.0):
            return (1, 0.0) if not np.isfinite(v) else (0, sign * v)

        if sort_by == "accuracy":
            key = lambda r: nan_last(r["acc_mean"], -1.0)  # noqa: E731
        elif sort_by == "loss":
            key = lambda r: nan_last(r["loss_mean"])  # noqa: E731
        else:
            key = lambda r: (-r["reached"], nan_last(r["steps_mean"]))  # noqa: E731
        return sorted(rows, key=key)

    def arrays(self) -> dict:
        """The shoot-out as numpy arrays, for plots (S schedules, R seeds, E evaluations):
        ``names`` (list), ``seeds`` (R,), ``eval_steps`` (E,), ``val_acc`` and ``val_loss``
        (S, R, E), ``final_acc``, ``final_loss``, ``steps_to_target`` and ``diverged_at``
        (S, R; nan where there is none), ``rates`` and ``momentums`` (S, steps)."""
        def grid(fn):
            return np.array([[fn(r) for r in self.runs[n]] for n in self.names], dtype=float)

        return {
            "names": list(self.names),
            "seeds": np.array(self.seeds),
            "eval_steps": self.eval_steps,
            "val_acc": np.array([[r.val_acc for r in self.runs[n]] for n in self.names]),
            "val_loss": np.array([[r.val_loss for r in self.runs[n]] for n in self.names]),
            "final_acc": grid(lambda r: r.final_acc),
            "final_loss": grid(lambda r: r.final_loss),
            "steps_to_target": grid(lambda r: math.nan if r.steps_to_target is None
                                    else r.steps_to_target),
            "diverged_at": grid(lambda r: math.nan if r.diverged_at is None else r.diverged_at),
            "rates": np.array([self.rates[n] for n in self.names]),
            "momentums": np.array([self.momentums[n] for n in self.names]),
        }

    def table(self, precision: int = 4, sort_by: Optional[str] = None) -> str:
        """The results as fixed-precision text: one line per schedule (see :meth:`rows`).

        Accuracy and loss are shown as ``mean ± std [min, max]`` over the runs that did not
        diverge (numbers of 10^4 and more in scientific notation) (``diverged`` when none finished); steps to the target as ``mean [min, max]``
        over the runs that reached it with ``k/N`` reached, or ``not reached``; the last
        column counts the runs that diverged.
        """
        precision = count(precision, "precision", minimum=0)
        rows = self.rows(sort_by)
        n_runs = len(self.seeds)
        p = precision

        def num(v):
            return f"{v:.{p}f}" if abs(v) < 1e4 else f"{v:.{max(p - 1, 0)}e}"

        def stats(r, key):
            if not np.isfinite(r[f"{key}_mean"]):
                return "diverged"
            return (f"{num(r[f'{key}_mean'])} ± {num(r[f'{key}_std'])} "
                    f"[{num(r[f'{key}_min'])}, {num(r[f'{key}_max'])}]")

        def steps_text(r):
            if r["reached"] == 0:
                return "not reached"
            return (f"{r['steps_mean']:.0f} [{r['steps_min']:.0f}, {r['steps_max']:.0f}] "
                    f"{r['reached']}/{n_runs}")

        header = ["schedule", "final validation accuracy", "final validation loss"]
        cells = [[r["name"], stats(r, "acc"), stats(r, "loss")] for r in rows]
        if self.target is not None:
            header.append(f"steps to {self.target:g}, reached")
            for c, r in zip(cells, rows):
                c.append(steps_text(r))
        header.append("diverged")
        for c, r in zip(cells, rows):
            c.append(f"{r['diverged']}/{n_runs}")
        widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(header)]

        def line(parts):
            return " | ".join(f"{x:<{w}}" for x, w in zip(parts, widths)).rstrip()

        head = line(header)
        lines = [
            f"{len(self.names)} schedules x {n_runs} seeds ({', '.join(map(str, self.seeds))}), "
            f"{self.steps} updates each (batch {self.batch_size}), validation measured every "
            f"{self.eval_every} updates",
            "accuracy and loss: mean ± std [min, max] over the seeds (sample std); "
            + ("steps: mean [min, max] over the seeds that reached the target"
               if self.target is not None else "no target"),
            head,
            "-" * len(head),
        ]
        lines += [line(c) for c in cells]
        if any(r["diverged"] for r in rows):
            lines.append("diverged runs (loss inf/nan, or ending above a million times its "
                         "start) are left out of the statistics")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.table()

    def __repr__(self) -> str:
        return (f"Shootout({len(self.names)} schedules x {len(self.seeds)} seeds, "
                f"{self.steps} steps each)")
