"""Checkers for lesson 06: the learning-rate range test."""
from __future__ import annotations

import copy

import numpy as np

from .. import lr_finder
from . import (FAILED, PASSED, CheckResult, _not_attempted, brief, catalogue, check_function,
               is_stub, never_raises, report)
from ._harness import call_student, describe_failure, is_unchanged_stub, none_message
from ._lesson06_loop import _loop_cases, _range_loop, _reference_loop, _sweep  # noqa: F401

__all__ = ["smooth", "steepest_rate", "cyclical_bounds", "exercise_curve", "range_test_loop"]


def _reference_smooth(losses, beta):
    return lr_finder.smooth(losses, beta)


def _uncorrected(losses, beta):
    avg, out = 0.0, []
    for loss in np.asarray(losses, dtype=float):
        avg = beta * avg + (1 - beta) * loss
        out.append(avg)
    return np.array(out)


def _corrected_by_i(losses, beta):
    """Off by one: divides by 1 - beta**(i + 2)."""
    n = len(losses)
    return _uncorrected(losses, beta) / (1 - beta ** np.arange(2, n + 2))


def _swapped_beta(losses, beta):
    return lr_finder.smooth(losses, 1.0 - beta) if 0 < beta < 1 else np.full(len(losses), np.nan)


@never_raises
def smooth(fn) -> CheckResult:
    """Lesson 06, exercise 1: ``fn(losses, beta)``: the bias-corrected exponential moving
    average of ``losses``."""
    rng = np.random.default_rng(6)
    cases = [(np.array([2.0, 2.0, 2.0]), 0.9),
             (np.array([1.0, 3.0, 2.0, 5.0]), 0.5),
             (2.3 + 0.2 * rng.standard_normal(40), 0.98),
             (np.linspace(3.0, 1.0, 25), 0.0)]

    diagnose = catalogue(
        ("this is the uncorrected average: divide by 1 - beta**(i+1)", _uncorrected),
        ("beta and 1 - beta are swapped: avg = beta * avg + (1 - beta) * loss", _swapped_beta),
        ("off by one in the correction: divide by 1 - beta**(i+1) with i counted from 0",
         _corrected_by_i))
    return check_function(fn, _reference_smooth, cases, "smooth_losses", rtol=1e-9, atol=1e-12,
                          diagnose=diagnose, label=lambda i: f"smoothed[{i[0]}]",
                          hint="avg = beta * avg + (1 - beta) * loss starting from avg = 0, and "
                               "divide by (1 - beta ** (i + 1)) with i counted from 0, so the "
                               "first smoothed value equals the first loss")


def _curve(kind: int):
    """Smooth test curves for the steepest-slope rule: a plateau, a fall, an explosion."""
    lrs = lr_finder.sweep_rates(1e-5, 10.0, 60 + 20 * kind)
    x = np.log10(lrs)
    centre = -2.0 + 0.5 * kind
    loss = 2.3 - 1.6 / (1.0 + np.exp(-(x - centre) * (2.0 + kind))) + 0.02 * np.exp(3.0 * (x - 0.3))
    return lrs, loss


def _reference_steepest(lrs, smoothed, skip_start, skip_end):
    i = lr_finder.steepest_index(lrs, smoothed, skip_start, skip_end, descent_only=False)
    return lrs[i]


def _steepest_abs(lrs, smoothed, s, e):
    slope = np.gradient(smoothed, np.log10(lrs))
    return lrs[s + int(np.argmax(np.abs(slope[s:len(lrs) - e])))]


def _steepest_no_offset(lrs, smoothed, s, e):
    slope = np.gradient(smoothed, np.log10(lrs))
    return lrs[int(np.argmin(slope[s:len(lrs) - e]))]


def _steepest_raw(lrs, smoothed, s, e):
    return lrs[int(np.argmin(np.gradient(smoothed, np.log10(lrs))))]


def _steepest_lowest(lrs, smoothed, s, e):
    return lrs[s + int(np.argmin(np.asarray(smoothed)[s:len(lrs) - e]))]


@never_raises
def steepest_rate(fn) -> CheckResult:
    """``fn(lrs, smoothed, skip_start, skip_end)``: the rate with the most negative
    ``np.gradient(smoothed, np.log10(lrs))`` among the points ``skip_start`` to
    ``len(lrs) - skip_end - 1``."""
    cases = []
    for kind, (s, e) in enumerate([(10, 5), (5, 5), (0, 1), (12, 3)]):
        lrs, loss = _curve(kind)
        cases.append((lrs, loss, s, e))
    # a curve whose steepest slope lies in the skipped start: skipping must matter
    lrs, loss = _curve(0)
    cases.append((lrs, loss, 30, 5))
    # skip_end = 0: a slice slope[s:-e] is empty then
    lrs, loss = _curve(1)
    cases.append((lrs, loss, 5, 0))
    # a curve whose steepest *rise* (the explosion) is larger than its steepest fall
    lrs = lr_finder.sweep_rates(1e-4, 10.0, 60)
    x = np.log10(lrs)
    cases.append((lrs, 2.3 - 0.3 / (1.0 + np.exp(-(x + 2.0) * 3.0)) + 0.5 * np.exp(4.0 * (x - 0.5)), 0, 1))
    diagnose = catalogue(
        ("argmax(|slope|) also finds the steepest rise (the explosion): take the most negative "
         "slope, np.argmin(slope)", _steepest_abs),
        ("add skip_start back: the index into the slice is not the index into lrs", _steepest_no_offset),
        ("the skipped ends were not skipped: look only at slope[skip_start:len(lrs) - skip_end]",
         _steepest_raw),
        ("that is the lowest loss, not the steepest descent: take the argmin of the slope",
         _steepest_lowest))

    return check_function(fn, _reference_steepest, cases, "steepest_rate", rtol=1e-12,
                          diagnose=diagnose,
                          error_hint=lambda exc, args: (
                              "with skip_end = 0 the slice slope[s:-e] is empty (-0 is 0): "
                              "slice up to len(lrs) - skip_end" if args[3] == 0 else None),
                          show=lambda a: brief(a) if np.ndim(a) else f"{a}",
                          hint="slope = np.gradient(smoothed, np.log10(lrs)); take the argmin "
                               "of slope[skip_start:len(lrs) - skip_end] and add skip_start "
                               "back before indexing lrs")


def exercise_curve():
    """Exercise 3's range test: a :class:`course_lib.lr_finder.RangeTest` with a seeded,
    made-up curve (a plateau near 2.3, a fall to about 0.5, then an explosion)."""
    lrs = lr_finder.sweep_rates(1e-5, 10.0, 150)
    x = np.log10(lrs)
    rng = np.random.default_rng(2017)
    clean = 2.3 - 1.8 / (1.0 + np.exp(-(x + 1.3) * 2.5)) + 0.05 * np.exp(4.0 * (x + 0.2))
    losses = clean * np.exp(0.08 * rng.standard_normal(len(x)))
    sm = lr_finder.smooth(losses, 0.9)
    cut = lr_finder.divergence_index(sm, 4.0)
    n = len(x) if cut is None else cut + 1
    return lr_finder.RangeTest(lrs=lrs[:n], losses=losses[:n], smoothed=sm[:n], planned_lrs=lrs,
                               stopped_early=cut is not None,
                               reason="made up for exercise 3", smoothing=0.9)


@never_raises
def cyclical_bounds(base_lr, max_lr) -> CheckResult:
    """Exercise 3: ``max_lr`` at the lowest smoothed loss (between the skipped ends) and
    ``base_lr = max_lr / 4`` for :func:`exercise_curve`."""
    name = "cyclical bounds"
    if is_stub(base_lr) or is_stub(max_lr):
        return _not_attempted(name)
    try:
        base, top = float(base_lr), float(max_lr)
    except (TypeError, ValueError):
        return report(FAILED, f"{name}: base_lr and max_lr should be numbers, got "
                              f"{brief(base_lr)} and {brief(max_lr)}")
    want = lr_finder.clr_bounds(exercise_curve())
    if np.isclose(base, want.max_lr, rtol=1e-9) and np.isclose(top, want.base_lr, rtol=1e-9):
        return report(FAILED, f"{name}: base_lr and max_lr are swapped: base_lr is the smaller")
    curve = exercise_curve()
    if np.isclose(top, curve.lrs[int(np.argmin(curve.losses))], rtol=1e-9) and not np.isclose(
            top, want.max_lr, rtol=1e-9):
        return report(FAILED, f"{name}: max_lr = {top:.4g} is at the lowest raw loss; use the "
                              f"smoothed curve (result.smoothed), the raw one is noisy")
    problems = []
    if not np.isclose(top, want.max_lr, rtol=1e-9):
        where = "after" if top > want.max_lr else "before"
        problems.append(f"max_lr = {top:.4g} lies {where} the lowest point of the smoothed "
                        f"curve (look between the skipped ends, at result.smoothed)")
    elif not np.isclose(base, want.base_lr, rtol=1e-9):
        problems.append(f"base_lr = {base:.4g}, expected a quarter of max_lr, "
                        f"{want.base_lr:.4g}")
    if problems:
        return report(FAILED, f"{name}: " + "; ".join(problems))
    return report(PASSED, f"{name}: base_lr = {base:.4g}, max_lr = {top:.4g} "
                          f"(ratio {top / base:.1f})")


# --- exercise 4: the range-test loop, written by the student ----------------------------------

def _same_params(a, b) -> bool:
    try:
        return set(a) == set(b) and all(
            np.shape(a[k]) == np.shape(b[k]) and np.array_equal(np.asarray(a[k]), np.asarray(b[k]))
            for k in a)
    except Exception:
        return False


def _loop_result(value):
    """``(lrs, losses, model)`` as two float arrays and the model, or a sentence."""
    if not isinstance(value, (tuple, list)) or len(value) != 3:
        return "should return three things, (lrs, losses, model), got " + brief(value)
    lrs, losses, model = value
    try:
        lrs, losses = np.asarray(lrs, dtype=float), np.asarray(losses, dtype=float)
    except (TypeError, ValueError):
        return "lrs and losses should be lists or arrays of numbers"
    if lrs.ndim != 1 or losses.ndim != 1:
        return f"lrs and losses should be 1-D, got shapes {lrs.shape} and {losses.shape}"
    if len(lrs) != len(losses):
        return (f"returns lists of different lengths: {len(lrs)} rates and {len(losses)} "
                f"losses; append the rate and the loss of a step together (and only for the "
                f"steps you recorded)")
    if not isinstance(model, dict):
        return f"should return the model (a dict of parameters) third, got {brief(model)}"
    return lrs, losses, model


@never_raises
def range_test_loop(fn) -> CheckResult:
    """Exercise 4: ``fn(loss_and_grad, params, batches, min_lr, max_lr, steps,
    diverge_factor)`` -> ``(lrs, losses, model)``: the range test's loop (exponential sweep,
    plain SGD, raw loss recorded before each update, stop after recording a loss above
    ``diverge_factor`` times the lowest so far or before recording a non-finite one), the
    caller's ``params`` untouched and ``model`` the parameters as they were before the
    test. Compared with ``lr_finder.lr_range_test(..., smoothing=0)``."""
    name = "range_test_loop"
    if is_stub(fn):
        return _not_attempted(name)
    if not callable(fn):
        return report(FAILED, f"{name} should be a function, got {brief(fn)}")
    sweeps = catalogue(
        ("that is a linear sweep: the rate must grow by the same factor at every step, "
         "min_lr * (max_lr / min_lr) ** (i / (steps - 1))", _sweep("linear")),
        ("off by one at the end: the last rate must be max_lr, so divide i by steps - 1, "
         "not by steps", _sweep("endpoint")),
        ("off by one at the start: the first rate must be min_lr (i = 0 gives exponent 0)",
         _sweep("first")),
        ("np.logspace takes exponents, not rates: np.logspace(np.log10(min_lr), "
         "np.log10(max_lr), steps), or np.geomspace(min_lr, max_lr, steps)", _sweep("logspace")))
    for problem, lo, hi, steps, factor in _loop_cases():
        loss_and_grad, start, batches = problem()
        call = f"{name}(..., min_lr={lo:g}, max_lr={hi:g}, steps={steps})"
        mine = {k: v.copy() for k, v in start.items()}      # the caller's dict ...
        arrays = dict(mine)                                 # ... and its arrays
        theirs = copy.deepcopy(batches)      # the reference keeps its own batches
        outcome = call_student(lambda: fn(loss_and_grad, mine, theirs, lo, hi, steps, factor))
        if not outcome.ok:
            return report(FAILED, describe_failure(outcome, call))
        if outcome.value is None:
            if is_unchanged_stub(fn) and not outcome.printed:
                return _not_attempted(name)
            return report(FAILED, none_message(call, outcome))
        got = _loop_result(outcome.value)
        if isinstance(got, str):
            return report(FAILED, f"{call} {got}")
        lrs, losses, model = got
        if not all(np.array_equal(arrays[k], start[k]) for k in start):
            return report(FAILED, f"{call} changed the caller's arrays in place (p[k] -= ... on "
                                  f"a shallow copy such as dict(params) or params.copy(), which "
                                  f"shares the arrays): copy with copy.deepcopy(params), or "
                                  f"write p[k] = p[k] - lr * g[k]")
        if set(mine) != set(start) or any(mine[k] is not arrays[k] for k in start):
            return report(FAILED, f"{call} changed the caller's params (p = params does not copy: "
                                  f"both names are the same dict): train on "
                                  f"copy.deepcopy(params) and leave params alone")
        if not _same_params(model, start):
            return report(FAILED, f"{call}: forgot to restore: the model returned is the trained "
                                  f"one (the weights of the last, exploding steps); return the "
                                  f"parameters saved before the sweep")
        want = _reference_loop(loss_and_grad, start, batches, lo, hi, steps, factor)
        n, m = len(lrs), len(want)
        k = min(n, m)
        planned = want.planned_lrs
        common = min(n, len(planned))
        wrong = np.flatnonzero(~np.isclose(lrs[:common], planned[:common], rtol=1e-9, atol=0))
        if len(wrong) or n > len(planned):
            msg = sweeps(lrs, (lo, hi, steps, n))
            if msg is None and len(wrong):
                j = int(wrong[0])
                msg = (f"the rate of step {j} is {lrs[j]:.6g}, expected {planned[j]:.6g} "
                       f"= min_lr * (max_lr / min_lr) ** (i / (steps - 1))")
            elif msg is None:
                msg = f"{n} rates recorded for a sweep of {steps} steps"
            return report(FAILED, f"{call}: {msg}")
        if not np.all(np.isfinite(losses)):
            return report(FAILED, f"{call} recorded a non-finite loss ({losses[~np.isfinite(losses)][0]}): "
                                  f"check np.isfinite(loss) before recording, and stop there")
        off = np.flatnonzero(~np.isclose(losses[:k], want.losses[:k], rtol=1e-6, atol=1e-12))
        if len(off):
            j = int(off[0])
            return report(FAILED, f"{call}: the loss of step {j} is {losses[j]:.6g}, expected "
                                  f"{want.losses[j]:.6g}: record the loss of batches[i % "
                                  f"len(batches)] before update i, then step p - lr * grad")
        if n < m:
            extra = (" (the point that passes the factor is recorded, then the loop stops)"
                     if n == m - 1 and "passed" in want.reason else
                     ": stop only once the loss exceeds diverge_factor times the lowest loss "
                     "so far (not when it merely rises)")
            return report(FAILED, f"{call} stops too early: after {n} steps, the reference "
                                  f"records {m}{extra}")
        if n > m:
            if n == steps and want.stopped_early:
                return report(FAILED, f"{call}: no early stop: all {steps} steps ran, the "
                                      f"reference stops after {m} ({want.reason}): break once "
                                      f"the loss exceeds diverge_factor times the lowest so far")
            return report(FAILED, f"{call} stops too late: after {n} steps, the reference after "
                                  f"{m}: compare with the lowest loss so far, and stop right "
                                  f"after recording the first loss above diverge_factor times it")
    return report(PASSED, f"{name}: sweep, record, stop and restore agree with lr_range_test "
                          f"on {len(_loop_cases())} problems")
