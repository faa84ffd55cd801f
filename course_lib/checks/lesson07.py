"""Checkers for lesson 07: cyclical learning rates."""
from __future__ import annotations

import numbers

import numpy as np

from .. import schedules
from . import (never_raises, FAILED, NOT_ATTEMPTED, PASSED, CheckResult, check_function, check_number, is_stub,
               report)

__all__ = ["triangular", "step_size", "halving_gamma", "STEPS_PER_EPOCH", "EPOCHS",
           "GAMMA_STEP_SIZE"]

#: exercise 2: the digits budget of the lesson (12 epochs of 45 steps)
STEPS_PER_EPOCH, EPOCHS = 45, 12
#: exercise 3: the step size whose cycles exp_range should halve
GAMMA_STEP_SIZE = 90


def _triangular(t, base_lr, max_lr, step_size):
    return schedules.cyclical(base_lr, max_lr, step_size)(np.asarray(t))


@never_raises
def triangular(fn) -> CheckResult:
    """``fn(t, base_lr, max_lr, step_size)``: Smith's triangular policy for an int or an array ``t``."""
    cases = [(0, 0.1, 1.0, 10), (5, 0.1, 1.0, 10), (10, 0.1, 1.0, 10), (15, 0.1, 1.0, 10),
             (20, 0.1, 1.0, 10), (37, 0.01, 0.5, 8), (np.arange(100), 0.001, 0.006, 20),
             (np.array([0, 3, 6, 9, 12]), 1.0, 4.0, 3)]

    return check_function(fn, _triangular, cases, "triangular", rtol=1e-10, atol=1e-14,
                          hint="cycle = floor(1 + t / (2 step_size)), x = |t / step_size - 2 cycle "
                               "+ 1|, rate = base_lr + (max_lr - base_lr) * max(0, 1 - x); use "
                               "np.floor, np.abs and np.maximum so an array t works")


@never_raises
def step_size(answer, steps_per_epoch: int = STEPS_PER_EPOCH, epochs: int = EPOCHS) -> CheckResult:
    """A step size of 2 to 10 epochs' worth of updates that makes the budget a whole number
    of cycles (so training stops with the rate back at ``base_lr``)."""
    name = "step_size"
    if is_stub(answer):
        return report(NOT_ATTEMPTED, f"{name}: not attempted yet (replace the stub with your answer)")
    if isinstance(answer, bool) or not isinstance(answer, numbers.Integral) or answer < 1:
        return report(FAILED, f"{name} should be a whole number of updates, got {answer!r}")
    budget = steps_per_epoch * epochs
    lo, hi = 2 * steps_per_epoch, 10 * steps_per_epoch
    in_epochs = answer / steps_per_epoch
    if not lo <= answer <= hi:
        return report(FAILED, f"{name} = {answer} is {in_epochs:.3g} epochs' worth of updates; "
                              f"Smith suggests 2 to 10 epochs, i.e. {lo} to {hi} updates here")
    if budget % (2 * answer):
        return report(FAILED, f"{name} = {answer}: a cycle is {2 * answer} updates and the budget "
                              f"of {budget} is {budget / (2 * answer):.3g} cycles, so training "
                              f"stops mid-cycle. Hint: 2 * step_size must divide {budget}")
    return report(PASSED, f"{name} = {answer} ({in_epochs:.3g} epochs): {budget // (2 * answer)} "
                          f"whole cycle(s) of {2 * answer} updates in the budget of {budget}")


@never_raises
def halving_gamma(answer) -> CheckResult:
    """The exp_range ``gamma`` (per iteration) that halves the amplitude every cycle of
    ``2 * GAMMA_STEP_SIZE`` iterations: ``0.5 ** (1 / (2 * GAMMA_STEP_SIZE))``."""
    expected = 0.5 ** (1.0 / (2 * GAMMA_STEP_SIZE))
    n = 2 * GAMMA_STEP_SIZE
    return check_number(answer, expected, "gamma", rtol=1e-9,
                        mistakes=[(0.5 ** (1.0 / GAMMA_STEP_SIZE),
                                   "that halves the amplitude every step_size iterations; a "
                                   "cycle is two of them (up and down)"),
                                  (0.5, "gamma counts iterations, not cycles (exp_range "
                                        "multiplies by gamma at every iteration)"),
                                  (1.0 - 0.5 / n, "gamma ** n is not 1 - n (1 - gamma): "
                                                  "use a power (or a logarithm), not a "
                                                  "linear estimate")],
                        hint="in exp_range the amplitude is multiplied by gamma at every "
                             "iteration; count the iterations in one cycle and ask what "
                             "factor, repeated that often, gives one half")
