"""Checkers for lesson 05: learning rates, the stability limit and decay schedules."""
from __future__ import annotations

import numpy as np

from .. import schedules
from . import (FAILED, NOT_ATTEMPTED, PASSED, CheckResult, check_function, check_number, is_stub,
               report)

__all__ = ["stability_limit", "step_decay", "reach_target", "EXERCISE_HESSIAN",
           "TARGET_LOSS", "TARGET_STEPS"]

#: the Hessian of exercise 1
EXERCISE_HESSIAN = np.array([[6.0, 2.0], [2.0, 3.0]])
#: exercise 3: the mean loss (over 20 seeds) to reach, and the budget
TARGET_LOSS, TARGET_STEPS = 0.01, 150


def stability_limit(answer) -> CheckResult:
    """The largest stable constant rate for ``EXERCISE_HESSIAN``: ``2 / lambda_max``."""
    expected = 2.0 / float(np.linalg.eigvalsh(EXERCISE_HESSIAN).max())
    return check_number(answer, expected, "stability limit", rtol=1e-6,
                        hint="find the eigenvalues of the Hessian (np.linalg.eigvalsh) and "
                             "divide 2 by the largest one, not by a diagonal entry")


def _step_decay(t, lr0, factor, every):
    return schedules.step_decay(lr0, factor, every)(t)


def step_decay(fn) -> CheckResult:
    """``fn(t, lr0, factor, every)``: ``lr0 * factor ** (t // every)`` for an int or an array ``t``."""
    cases = [(0, 0.1, 0.5, 10), (9, 0.1, 0.5, 10), (10, 0.1, 0.5, 10), (25, 0.3, 0.1, 7),
             (np.arange(60), 0.2, 0.5, 20), (np.array([0, 1, 2, 3]), 1.0, 0.9, 1)]

    return check_function(fn, _step_decay, cases, "step_decay", rtol=1e-12,
                          hint="the number of drops so far is t // every (integer division); "
                               "use ** so that an array t works too")


def reach_target(schedule, problem=None) -> CheckResult:
    """A schedule (or rate) whose run on the lesson's noisy quadratic ends, after
    ``TARGET_STEPS`` updates, at a mean loss (20 seeds) below ``TARGET_LOSS``."""
    name = "your schedule"
    if is_stub(schedule):
        return report(NOT_ATTEMPTED, f"{name}: not attempted yet (replace the stub with your answer)")
    from ..widgets.schedule import ScheduleProblem

    problem = ScheduleProblem() if problem is None else problem
    try:
        loss = problem.final_loss(schedule, TARGET_STEPS)
    except (ValueError, TypeError) as exc:
        return report(FAILED, f"{name} could not be used as a learning rate: {exc}")
    if loss < TARGET_LOSS:
        return report(PASSED, f"{name} reaches a mean loss of {loss:.2e} < {TARGET_LOSS:g} "
                              f"in {TARGET_STEPS} steps")
    start = float(problem.quadratic(np.array(problem.x0)))
    if not np.isfinite(loss) or loss > start:
        hint = (f"it diverges: start below (or only briefly above) the stability limit "
                f"2/λ_max = {problem.stability_limit:.3g}")
    else:
        hint = ("start near the stability limit to make fast progress, then decay: the noise "
                "floor is set by the rate at the end")
    return report(FAILED, f"{name} ends at a mean loss of {loss:.2e}, above the target "
                          f"{TARGET_LOSS:g} after {TARGET_STEPS} steps. Hint: {hint}")
