"""Checkers for lesson 07: cyclical learning rates."""
from __future__ import annotations

import numbers

import numpy as np

from .. import schedules
from . import (never_raises, FAILED, NOT_ATTEMPTED, PASSED, CheckResult, catalogue, check_function,
               check_number, is_stub, report)

__all__ = ["triangular", "step_size", "halving_gamma", "STEPS_PER_EPOCH", "EPOCHS",
           "GAMMA_STEP_SIZE"]

#: exercise 2: the digits budget of the lesson (12 epochs of 45 steps)
STEPS_PER_EPOCH, EPOCHS = 45, 12
#: exercise 3: the step size whose cycles exp_range should halve
GAMMA_STEP_SIZE = 90


def _triangular(t, base_lr, max_lr, step_size):
    return schedules.cyclical(base_lr, max_lr, step_size)(np.asarray(t))


def _triangular_parts(t, base_lr, max_lr, step_size, *, one=1.0, use_abs=True):
    """Smith's formula with one of its parts changed (for the catalogue of mistakes)."""
    t = np.asarray(t, dtype=float)
    cycle = np.floor(one + t / (2 * step_size))
    x = t / step_size - 2 * cycle + 1
    x = np.abs(x) if use_abs else x
    return base_lr + (max_lr - base_lr) * np.maximum(0, 1 - x)


def _triangular_mistakes():
    return catalogue(
        ("that is a sawtooth (it climbs, then jumps back): the triangle comes down linearly, "
         "step_size updates up and step_size down",
         lambda t, b, m, s: b + (m - b) * (np.asarray(t) % s) / s),
        ("off by one in the cycle count: Smith's cycle starts at 1 (floor(1 + ...)), so with "
         "a cycle counted from 0 x never drops below 1 and the rate stays at base_lr",
         lambda t, b, m, s: _triangular_parts(t, b, m, s, one=0.0)),
        ("the absolute value is missing: without it x turns negative half way through each "
         "cycle and the rate climbs past max_lr",
         lambda t, b, m, s: _triangular_parts(t, b, m, s, use_abs=False)),
        ("your cycles are step_size updates long; a cycle is step_size up and step_size down, "
         "2 * step_size in all",
         lambda t, b, m, s: _triangular_parts(t, b, m, s / 2)),
        ("base_lr and max_lr are swapped: a cycle starts at base_lr and peaks at max_lr",
         lambda t, b, m, s: _triangular_parts(t, m, b, s)))


@never_raises
def triangular(fn) -> CheckResult:
    """``fn(t, base_lr, max_lr, step_size)``: Smith's triangular policy for an int or an array ``t``."""
    cases = [(0, 0.1, 1.0, 10), (5, 0.1, 1.0, 10), (10, 0.1, 1.0, 10), (15, 0.1, 1.0, 10),
             (20, 0.1, 1.0, 10), (37, 0.01, 0.5, 8), (np.arange(100), 0.001, 0.006, 20),
             (np.array([0, 3, 6, 9, 12]), 1.0, 4.0, 3)]

    return check_function(fn, _triangular, cases, "triangular", rtol=1e-10, atol=1e-14,
                          diagnose=_triangular_mistakes(),
                          hint="follow Smith's formula one quantity at a time (the cycle, then "
                               "x, then the rate) and test it at t = 0, step_size and "
                               "2 * step_size; use np.floor, np.abs and np.maximum so an "
                               "array t works")


@never_raises
def step_size(answer, steps_per_epoch: int = STEPS_PER_EPOCH, epochs: int = EPOCHS) -> CheckResult:
    """A step size of 2 to 10 epochs' worth of updates that makes the budget a whole number
    of cycles (so training stops with the rate back at ``base_lr``)."""
    name = "step_size"
    if is_stub(answer):
        return report(NOT_ATTEMPTED, f"{name}: not attempted yet (replace the stub with your answer)")
    if (isinstance(answer, (float, np.floating)) and np.isfinite(answer) and answer >= 1
            and float(answer).is_integer()):
        return report(FAILED, f"{name} = {answer!r} is a float: a step size counts whole "
                              f"updates, so make it an int (integer division // or int(...))")
    if isinstance(answer, bool) or not isinstance(answer, numbers.Integral) or answer < 1:
        return report(FAILED, f"{name} should be a whole number of updates, got {answer!r}")
    budget = steps_per_epoch * epochs
    lo, hi = 2 * steps_per_epoch, 10 * steps_per_epoch
    in_epochs = answer / steps_per_epoch
    if 2 <= answer <= 10 and answer < lo:
        return report(FAILED, f"{name} = {answer}: that looks like a number of epochs, but "
                              f"step_size counts updates ({steps_per_epoch} per epoch here)")
    if not lo <= answer <= hi:
        return report(FAILED, f"{name} = {answer} is {in_epochs:.3g} epochs' worth of updates; "
                              f"Smith suggests 2 to 10 epochs, i.e. {lo} to {hi} updates here")
    if budget % (2 * answer) and budget % answer == 0:
        return report(FAILED, f"{name} = {answer}: the budget of {budget} is a whole number of "
                              f"step sizes, but a cycle is two of them (up and down): "
                              f"{budget / (2 * answer):.3g} cycles, so training stops mid-cycle")
    if budget % (2 * answer):
        return report(FAILED, f"{name} = {answer}: a cycle is {2 * answer} updates and the budget "
                              f"of {budget} is {budget / (2 * answer):.3g} cycles, so training "
                              f"stops mid-cycle. Hint: 2 * step_size must divide {budget}")
    return report(PASSED, f"{name} = {answer} ({in_epochs:.3g} epochs): {budget // (2 * answer)} "
                          f"whole cycle(s) of {2 * answer} updates in the budget of {budget}")


@never_raises
def halving_gamma(answer) -> CheckResult:
    """The exp_range ``gamma`` (per iteration) that halves the amplitude after every cycle of
    ``2 * GAMMA_STEP_SIZE`` iterations (not rounded)."""
    n = 2 * GAMMA_STEP_SIZE
    expected = 0.5 ** (1.0 / n)
    mistakes = [(0.5 ** (1.0 / GAMMA_STEP_SIZE),
                 "that halves the amplitude every step_size iterations; a cycle is two of them "
                 "(up and down)"),
                (0.5, "gamma counts iterations, not cycles (exp_range multiplies by gamma at "
                      "every iteration)"),
                (1.0 - 0.5 / n, "gamma ** n is not 1 - n (1 - gamma): use a power (or a "
                                "logarithm), not a linear estimate"),
                (2.0 ** (1.0 / n), "that gamma is above 1, so the amplitude doubles every "
                                   "cycle instead of halving"),
                (0.5 / n, "that divides one half by the number of iterations; repeated "
                          "multiplication calls for a root (a fractional power), not a division")]
    mistakes += [(round(expected, digits), "that is rounded: compute it in Python and give "
                                           "the unrounded value")
                 for digits in range(2, 9) if round(expected, digits) != expected]
    return check_number(answer, expected, "gamma", rtol=1e-9, mistakes=mistakes,
                        hint="in exp_range the amplitude is multiplied by gamma at every "
                             "iteration; count the iterations in one cycle and ask what "
                             "factor, repeated that often, gives one half")
