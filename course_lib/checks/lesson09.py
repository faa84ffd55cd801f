"""Checkers for lesson 09: the schedule shoot-out."""
from __future__ import annotations

import numpy as np

from .. import data, models, schedules, shootout
from . import (never_raises, FAILED, NOT_ATTEMPTED, PASSED, CheckResult, brief, catalogue,
               check_function, is_stub, report)
from ._harness import call_student, describe_failure, is_unchanged_stub, none_message

__all__ = ["mean_and_spread", "own_schedule", "BUDGET", "SEEDS", "TARGET", "SIZES",
           "lesson_shootout"]

#: the lesson's shoot-out: network, budget (updates), seeds and target accuracy
SIZES = (64, 32, 10)
BUDGET = 450
SEEDS = (0, 1, 2)
TARGET = 0.95


def _reference_spread(values):
    s = shootout.spread(values)
    return np.array([s["mean"], s["std"], s["min"], s["max"]])


def _spread_mistakes():
    def arr(v):
        return np.asarray(v, dtype=float)

    def four(v, std):
        v = arr(v)
        return np.array([v.mean(), std, v.min(), v.max()])

    return catalogue(
        ("that is the population standard deviation (it divides by n); the spread of a few "
         "runs is the sample one, ddof=1",
         lambda v: four(v, arr(v).std())),
        ("that is the variance: the spread is its square root, the standard deviation",
         lambda v: four(v, arr(v).var(ddof=1))),
        ("that is the standard error of the mean (std / sqrt(n)), not the spread of the runs",
         lambda v: four(v, arr(v).std(ddof=1) / np.sqrt(arr(v).size))),
        ("that spread is max - min, the range; the table reports the standard deviation",
         lambda v: four(v, np.ptp(arr(v)))),
        ("min and max are swapped: the order is (mean, std, min, max)",
         lambda v: four(v, arr(v).std(ddof=1))[[0, 1, 3, 2]]),
        ("the order is (mean, std, min, max): yours has the std after min and max",
         lambda v: four(v, arr(v).std(ddof=1))[[0, 2, 3, 1]]),
        ("that is the median in the first place; the table's first number is the mean",
         lambda v: np.array([np.median(arr(v)), arr(v).std(ddof=1), arr(v).min(), arr(v).max()])))


@never_raises
def mean_and_spread(fn) -> CheckResult:
    """``fn(values) -> (mean, std, min, max)`` with the sample standard deviation."""
    cases = [(np.array([0.9611, 0.9667, 0.9583]),), (np.array([0.1, 0.3]),),
             (np.array([0.95, 0.95, 0.95, 0.95]),), ([0.5, 0.7, 0.6, 0.9, 0.8],)]

    def show(a):
        return np.array2string(np.asarray(a), precision=4, separator=", ")

    return check_function(fn, _reference_spread, cases, "mean_and_spread", rtol=1e-9,
                          atol=1e-12, show=show, diagnose=_spread_mistakes(),
                          label=lambda i: ("mean", "std", "min", "max")[i[0]] if i else "",
                          hint="return (mean, std, min, max) in that order; the spread of a "
                               "few runs is the sample standard deviation, np.std(values, "
                               "ddof=1)")


def lesson_shootout(recipes, seeds=SEEDS, steps=BUDGET, target=TARGET, eval_every=15):
    """The lesson's shoot-out for some recipes: digits split (seed 0), MLP ``SIZES``,
    SGD with momentum 0.9, batch 32, ``steps`` updates per run."""
    split = data.digits_split(seed=0)
    return shootout.shootout(recipes, lambda s: models.init_mlp(SIZES, seed=s), "mlp",
                             split.x_train, split.y_train, validation_data=split.val,
                             steps=steps, seeds=seeds, target=target, eval_every=eval_every)


@never_raises
def own_schedule(recipe, min_accuracy: float = TARGET) -> CheckResult:
    """A recipe ``total -> schedule`` of your own, run in the lesson's shoot-out (3 seeds,
    450 updates): it passes when no run diverges and the mean final validation accuracy
    reaches ``min_accuracy``. Prints its row of the table."""
    name = "your schedule"
    if is_stub(recipe):
        return report(NOT_ATTEMPTED, f"{name}: not attempted yet (replace the stub with your answer)")
    if not callable(recipe):
        return report(FAILED, f"{name} should be a function of the total number of steps "
                              f"(def my_schedule(total): return ...), got {recipe!r}")
    if isinstance(recipe, schedules.Schedule):
        return report(FAILED, f"{name} is a schedule (a function of the step t), not a recipe: "
                              f"wrap it, def my_schedule(total): return <a schedule fitted to "
                              f"total steps>")
    outcome = call_student(recipe, BUDGET)
    if not outcome.ok:
        return report(FAILED, describe_failure(outcome, f"{name}({BUDGET})"))
    built = outcome.value
    if built is None:
        if is_unchanged_stub(recipe) and not outcome.printed:
            return report(NOT_ATTEMPTED, f"{name}: not attempted yet (it returns None: finish "
                                         f"the function)")
        return report(FAILED, none_message(f"{name}({BUDGET})", outcome))
    if isinstance(built, (list, tuple, np.ndarray)) and np.size(built) > 1:
        return report(FAILED, f"{name}({BUDGET}) returned {brief(built)}, a list of rates: "
                              f"return a schedule (a function of the step t, e.g. "
                              f"schedules.cosine(0.05, total)) or one number")
    if isinstance(built, shootout.Recipe) or not (callable(built) or isinstance(built, (int, float))):
        return report(FAILED, f"{name}({BUDGET}) should return a schedule (e.g. "
                              f"schedules.cosine(0.05, total)), got {built!r}")
    probe = call_student(lambda: np.asarray(schedules.as_schedule(built)(np.arange(BUDGET)),
                                            dtype=float))
    if probe.error is not None and isinstance(probe.error, ValueError):
        return report(FAILED, f"{name} could not be used as a learning rate: "
                              f"{str(probe.error)[:160]}")
    if not probe.ok:
        return report(FAILED, describe_failure(probe, f"{name}({BUDGET})(t)"))
    rates = probe.value
    if rates.shape == (BUDGET,) and np.any(rates < 0):
        first = int(np.argmax(rates < 0))
        return report(FAILED, f"{name} gives a negative rate ({rates[first]:.3g}) at step "
                              f"{first}: a decay that runs past its end? A rate must stay "
                              f"at or above 0 for all {BUDGET} updates")
    try:
        result = lesson_shootout({"yours": recipe})
    except ValueError as exc:
        return report(FAILED, f"{name} could not be used as a learning rate: {exc}")
    row = result.row("yours")
    n = row["runs"]
    if row["diverged"]:
        return report(FAILED, f"{name} diverged in {row['diverged']} of {n} runs. Hint: the "
                              f"peak rate is too large; stay near the range test's suggestion")
    stats = (f"final validation accuracy {row['acc_mean']:.4f} ± {row['acc_std']:.4f} "
             f"[{row['acc_min']:.4f}, {row['acc_max']:.4f}] over {n} seeds, "
             f"{row['reached']}/{n} reached {TARGET:g}")
    if row["acc_mean"] >= min_accuracy:
        return report(PASSED, f"{name}: {stats}")
    peak = float(np.max(probe.value)) if np.size(probe.value) else None
    if peak is not None and peak < 1e-3:
        hint = (f"the peak rate {peak:.2g} is too small to get anywhere in 450 updates; "
                f"peak near the range test's suggestion")
    elif row["loss_mean"] > np.log(10):
        hint = ("the final loss is worse than guessing (log 10 = 2.30): the rate is too large "
                "for this network; peak near the range test's suggestion")
    else:
        hint = ("start (or peak) near the range test's suggestion and end with a small rate; "
                "a rate that is too small never gets there in 450 updates")
    return report(FAILED, f"{name}: {stats}; the mean should reach {min_accuracy:g}. Hint: {hint}")
