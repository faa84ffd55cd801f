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


@never_raises
def sgdr_rate(fn) -> CheckResult:
    """``fn(t_cur, t_i, max_lr, min_lr)``: the rate of step ``t_cur`` (0 .. t_i - 1) of a
    cycle of length ``t_i``, for an int or an array ``t_cur``."""
    cases = [(0, 100, 0.1, 0.0), (50, 100, 0.1, 0.0), (99, 100, 0.1, 0.0), (25, 100, 0.1, 0.01),
             (3, 10, 1.0, 0.5), (np.arange(40), 40, 0.2, 0.002), (np.array([0, 7, 14]), 15, 0.05, 0.0)]

    return check_function(fn, _sgdr_rate, cases, "sgdr_rate", rtol=1e-10, atol=1e-14,
                          hint="min_lr + (max_lr - min_lr) * (1 + cos(pi * t_cur / t_i)) / 2; "
                               "use np.cos so that an array t_cur works, and start at max_lr "
                               "when t_cur = 0")


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


@never_raises
def fits_budget(t0, t_mult, budget: int = BUDGET, min_cycles: int = MIN_CYCLES) -> CheckResult:
    """``t0`` and ``t_mult >= 2`` whose first few SGDR cycles (at least ``min_cycles``) add up
    to exactly ``budget`` steps, so the last snapshot is taken at the lowest rate."""
    name = "t0 and t_mult"
    if is_stub(t0) or is_stub(t_mult):
        return report(NOT_ATTEMPTED, f"{name}: not attempted yet (replace the stubs with your answer)")
    for value, what in ((t0, "t0"), (t_mult, "t_mult")):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
            return report(FAILED, f"{what} should be a whole number of steps (at least 1), got {value!r}")
    if not isinstance(budget, numbers.Integral) or budget < 1:
        raise ValueError(f"budget must be a whole number of steps (at least 1), got {budget!r}")
    if not isinstance(min_cycles, numbers.Integral) or min_cycles < 1:
        raise ValueError(f"min_cycles must be a whole number (at least 1), got {min_cycles!r}")
    if t_mult < 2:
        return report(FAILED, f"t_mult = {t_mult}: this exercise asks for cycles that grow "
                              f"(t_mult of 2 or more)")
    lengths, total = [], 0
    while total < budget:
        lengths.append(int(t0) * int(t_mult) ** len(lengths))
        total += lengths[-1]
    shown = " + ".join(str(n) for n in lengths)
    if total == budget and len(lengths) >= min_cycles:
        return report(PASSED, f"{len(lengths)} cycles of {shown} = {budget} steps: the budget "
                              f"ends on a cycle end, at the lowest rate")
    if total == budget:
        return report(FAILED, f"{shown} = {budget} is only {len(lengths)} cycle(s); ask for at "
                              f"least {min_cycles} (a smaller t0)")
    used = total - lengths[-1]
    return report(FAILED, f"the cycles {shown} overshoot: the budget of {budget} steps stops "
                          f"{budget - used} steps into a cycle of {lengths[-1]}. Hint: n cycles "
                          f"take t0 * (1 + t_mult + ... + t_mult**(n-1)) steps; for t_mult = 2 "
                          f"that is t0 * (2**n - 1): which n makes {budget} divisible?")
