"""Checkers for lesson 08: warm restarts (SGDR) and snapshot ensembles."""
from __future__ import annotations

import numbers

import numpy as np

from .. import ensembles
from . import (FAILED, NOT_ATTEMPTED, PASSED, CheckResult, catalogue, check_function, is_stub,
               never_raises, report)

__all__ = ["sgdr_rate", "average_snapshots", "fits_budget", "BUDGET", "MIN_CYCLES"]

#: exercise 3: the budget (20 epochs of 45 steps) and the fewest cycles that count
BUDGET, MIN_CYCLES = 900, 3


def _sgdr_rate(t_cur, t_i, max_lr, min_lr):
    t_cur = np.asarray(t_cur, dtype=float)
    return min_lr + (max_lr - min_lr) * (1.0 + np.cos(np.pi * t_cur / t_i)) / 2.0


def _sgdr_mistakes():
    pi = np.pi

    def cos(t, t_i):
        return np.cos(pi * np.asarray(t, dtype=float) / t_i)

    return catalogue(
        ("cos(pi * t_cur / t_i) alone runs from 1 down to -1, so the rate falls below min_lr: "
         "shift and scale it so that it runs from 1 down to 0",
         lambda t, T, mx, mn: mn + (mx - mn) * cos(t, T)),
        ("the floor is missing: your rate anneals to 0, not to min_lr (the cosine part spans "
         "max_lr - min_lr, on top of min_lr)",
         lambda t, T, mx, mn: mx * (1 + cos(t, T)) / 2),
        ("the cosine part spans max_lr - min_lr, not max_lr: your rate starts at "
         "max_lr + min_lr",
         lambda t, T, mx, mn: mn + mx * (1 + cos(t, T)) / 2),
        ("off by one: you divide by t_i - 1; the phase is t_cur / t_i (the cycle's last step, "
         "t_i - 1, is just above min_lr, the next cycle starts again at max_lr)",
         lambda t, T, mx, mn: mn + (mx - mn) * (1 + cos(t, T - 1)) / 2),
        ("your rate rises during the cycle: an SGDR cycle starts at max_lr (t_cur = 0) and "
         "falls towards min_lr",
         lambda t, T, mx, mn: mn + (mx - mn) * (1 - cos(t, T)) / 2),
        ("np.cos takes radians: cos(180 * t_cur / t_i) is in degrees; use np.pi",
         lambda t, T, mx, mn: mn + (mx - mn) * (1 + np.cos(180.0 * np.asarray(t, float) / T)) / 2))


@never_raises
def sgdr_rate(fn) -> CheckResult:
    """``fn(t_cur, t_i, max_lr, min_lr)``: the rate of step ``t_cur`` (0 .. t_i - 1) of a
    cycle of length ``t_i``, for an int or an array ``t_cur``."""
    cases = [(0, 100, 0.1, 0.0), (50, 100, 0.1, 0.0), (99, 100, 0.1, 0.0), (25, 100, 0.1, 0.01),
             (3, 10, 1.0, 0.5), (np.arange(40), 40, 0.2, 0.002), (np.array([0, 7, 14]), 15, 0.05, 0.0)]

    return check_function(fn, _sgdr_rate, cases, "sgdr_rate", rtol=1e-10, atol=1e-14,
                          diagnose=_sgdr_mistakes(),
                          hint="follow the formula of the lesson: check that your rate is "
                               "max_lr at t_cur = 0, half way between the bounds at t_cur = "
                               "t_i / 2 and close to min_lr at the end; use np.cos so that an "
                               "array t_cur works")


def _test_probs():
    rng = np.random.default_rng(8)
    probs = rng.dirichlet(np.full(4, 0.7), size=(5, 12))      # (members, samples, classes)
    return probs


@never_raises
def average_snapshots(fn) -> CheckResult:
    """``fn(probs, m)``: the mean of the last ``m`` members of ``probs`` (shape
    ``(members, samples, classes)``), shape ``(samples, classes)``."""
    probs = _test_probs()
    cases = [(probs, 5), (probs, 3), (probs, 1), (probs[:2], 2)]

    def reference(p, m):
        return ensembles.average_proba(p, last=m)

    diagnose = catalogue(
        ("those are the first m members; the snapshots are oldest first, so take the last m",
         lambda p, m: p[:m].mean(axis=0)),
        ("that averages every member, not only the last m", lambda p, m: p.mean(axis=0)),
        ("off by one: that is the last m + 1 members", lambda p, m: p[-(m + 1):].mean(axis=0)))
    result = check_function(fn, reference, cases, "average_snapshots", rtol=1e-12,
                            diagnose=diagnose, label=lambda i: f"averaged[sample {i[0]}, class {i[1]}]",
                            hint="the members are along axis 0, oldest first: take probs[-m:] "
                                 "and average over axis 0 (not over the samples or classes)")
    return result


def _cycles(t0: int, t_mult: int, budget: int):
    """The cycle lengths that start within ``budget`` and their total."""
    lengths, total = [], 0
    while total < budget:
        lengths.append(int(t0) * int(t_mult) ** len(lengths))
        total += lengths[-1]
    return lengths, total


def _fits(t0, t_mult, budget, min_cycles) -> bool:
    if t0 < 1 or t_mult < 2:
        return False
    lengths, total = _cycles(t0, t_mult, budget)
    return total == budget and len(lengths) >= min_cycles


@never_raises
def fits_budget(t0, t_mult, budget: int = BUDGET, min_cycles: int = MIN_CYCLES) -> CheckResult:
    """``t0`` and ``t_mult >= 2`` whose first few SGDR cycles (at least ``min_cycles``) add up
    to exactly ``budget`` steps, so the last snapshot is taken at the lowest rate."""
    name = "t0 and t_mult"
    if is_stub(t0) or is_stub(t_mult):
        return report(NOT_ATTEMPTED, f"{name}: not attempted yet (replace the stubs with your answer)")
    for value, what in ((t0, "t0"), (t_mult, "t_mult")):
        if (isinstance(value, (float, np.floating)) and np.isfinite(value) and value >= 1
                and float(value).is_integer()):
            return report(FAILED, f"{what} = {value!r} is a float: it counts whole steps, so "
                                  f"make it an int (integer division // or int(...))")
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
            return report(FAILED, f"{what} should be a whole number of steps (at least 1), got {value!r}")
    if not isinstance(budget, numbers.Integral) or budget < 1:
        raise ValueError(f"budget must be a whole number of steps (at least 1), got {budget!r}")
    if not isinstance(min_cycles, numbers.Integral) or min_cycles < 1:
        raise ValueError(f"min_cycles must be a whole number (at least 1), got {min_cycles!r}")
    if t_mult < 2:
        return report(FAILED, f"t_mult = {t_mult}: this exercise asks for cycles that grow "
                              f"(t_mult of 2 or more)")
    lengths, total = _cycles(t0, t_mult, budget)
    shown = " + ".join(str(n) for n in lengths)
    if total == budget and len(lengths) >= min_cycles:
        return report(PASSED, f"{len(lengths)} cycles of {shown} = {budget} steps: the budget "
                              f"ends on a cycle end, at the lowest rate")
    if total == budget:
        return report(FAILED, f"{shown} = {budget} is only {len(lengths)} cycle(s); ask for at "
                              f"least {min_cycles} (a smaller t0)")
    used = total - lengths[-1]
    if _fits(t_mult, t0, budget, min_cycles):
        return report(FAILED, f"the cycles {shown} overshoot: t0 and t_mult are swapped (t0 is "
                              f"the length of the first cycle in steps, t_mult the factor from "
                              f"one cycle to the next)")
    if budget % t0 == 0 and min_cycles <= budget // t0 <= 2 * min_cycles:
        return report(FAILED, f"the cycles {shown} overshoot: {budget // t0} cycles of {t0} "
                              f"would fit, but the cycles grow (each is t_mult times the one "
                              f"before), so they do not all have length t0")
    return report(FAILED, f"the cycles {shown} overshoot: the budget of {budget} steps stops "
                          f"{budget - used} steps into a cycle of {lengths[-1]}. Hint: n cycles "
                          f"take t0 * (1 + t_mult + ... + t_mult**(n-1)) steps: for which n is "
                          f"{budget} a multiple of that sum?")
