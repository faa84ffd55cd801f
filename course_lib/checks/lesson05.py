"""Checkers for lesson 05: learning rates, the stability limit and decay schedules."""
from __future__ import annotations

import numpy as np

from .. import schedules
from . import (FAILED, NOT_ATTEMPTED, PASSED, CheckResult, brief, call_student, catalogue,
               check_function, check_number, is_stub, never_raises, report)
from ._harness import describe_failure

__all__ = ["stability_limit", "momentum_setting", "step_decay", "reach_target", "EXERCISE_HESSIAN",
           "TARGET_LOSS", "TARGET_STEPS"]

#: the Hessian of exercise 1
EXERCISE_HESSIAN = np.array([[6.0, 2.0], [2.0, 3.0]])
#: exercise 4: the mean loss (over 20 seeds) to reach, and the budget
TARGET_LOSS, TARGET_STEPS = 0.01, 150


@never_raises
def stability_limit(answer) -> CheckResult:
    """Lesson 05, exercise 1: the largest stable constant rate for ``EXERCISE_HESSIAN``:
    ``2 / lambda_max``."""
    lam = np.linalg.eigvalsh(EXERCISE_HESSIAN)
    lo, hi = float(lam.min()), float(lam.max())
    expected = 2.0 / hi
    diag = np.diag(EXERCISE_HESSIAN)
    mistakes = [(1.0 / hi, "that is 1/λ_max, the rate that makes the steepest direction "
                           "converge in one step; the stability limit is twice as large"),
                (2.0 / lo, "that is 2/λ_min: above 2/λ_max the steepest direction already "
                           "diverges; the largest eigenvalue sets the limit"),
                (2.0 / (lo + hi), "that is 2/(λ_min + λ_max), the best constant rate for speed, "
                                  "not the largest stable one")]
    mistakes += [(2.0 / float(d), "you divided by a diagonal entry of the Hessian; use its "
                                  "eigenvalues (np.linalg.eigvalsh)") for d in diag]
    return check_number(answer, expected, "stability limit", rtol=1e-6, mistakes=mistakes,
                        hint="find the eigenvalues of the Hessian (np.linalg.eigvalsh) and "
                             "divide 2 by the largest one, not by a diagonal entry")


def _polyak(lam_min: float, lam_max: float) -> tuple:
    root = np.sqrt(lam_max / lam_min)
    return 4.0 / (np.sqrt(lam_max) + np.sqrt(lam_min)) ** 2, ((root - 1) / (root + 1)) ** 2


@never_raises
def momentum_setting(lr, beta) -> CheckResult:
    """Lesson 05, exercise 2: Polyak's heavy-ball rate and momentum for ``EXERCISE_HESSIAN``:
    ``4 / (sqrt(lam_max) + sqrt(lam_min))**2`` and ``((sqrt(kappa) - 1) / (sqrt(kappa) + 1))**2``."""
    if is_stub(lr) or is_stub(beta):
        return report(NOT_ATTEMPTED, "lr_hb and beta_hb: not attempted yet (replace the stub "
                                     "with your answer)")
    lam = np.linalg.eigvalsh(EXERCISE_HESSIAN)
    lo, hi = float(lam.min()), float(lam.max())
    want_lr, want_beta = _polyak(lo, hi)
    d_lo, d_hi = sorted(float(d) for d in np.diag(EXERCISE_HESSIAN))
    diag_lr, diag_beta = _polyak(d_lo, d_hi)
    root = np.sqrt(hi / lo)
    kappa = hi / lo
    diagonal = "you used the diagonal entries of the Hessian; use its eigenvalues (np.linalg.eigvalsh)"
    first = check_number(lr, want_lr, "lr_hb", rtol=1e-6, mistakes=[
        (2.0 / (lo + hi), "that is 2/(λ_min + λ_max), the best rate of plain gradient descent; "
                          "heavy ball's is 4/(√λ_max + √λ_min)²"),
        (4.0 / (lo + hi), "the square roots are missing: 4/(√λ_max + √λ_min)², not 4/(λ_max + λ_min)"),
        (diag_lr, diagonal)])
    if not first:
        return first
    return check_number(beta, want_beta, "beta_hb", rtol=1e-6, mistakes=[
        ((root - 1) / (root + 1), "the square is missing: that is √β, the factor per step; "
                                  "β = ((√κ - 1)/(√κ + 1))²"),
        (((kappa - 1) / (kappa + 1)) ** 2, "that uses κ; the formula has √κ: ((√κ - 1)/(√κ + 1))²"),
        (diag_beta, diagonal)])


def _step_decay(t, lr0, factor, every):
    return schedules.step_decay(lr0, factor, every)(t)


@never_raises
def step_decay(fn) -> CheckResult:
    """Lesson 05, exercise 3: ``fn(t, lr0, factor, every)``: ``lr0 * factor ** (t // every)``
    for an int or an array ``t``."""
    cases = [(0, 0.1, 0.5, 10), (9, 0.1, 0.5, 10), (10, 0.1, 0.5, 10), (25, 0.3, 0.1, 7),
             (np.arange(60), 0.2, 0.5, 20), (np.array([0, 1, 2, 3]), 1.0, 0.9, 1)]

    diagnose = catalogue(
        ("off by one: the first drop comes after `every` updates, at t = every, not t = every - 1",
         lambda t, lr0, f, e: lr0 * f ** ((np.asarray(t) + 1) // e)),
        ("t / every is a fraction: use integer division t // every (a staircase, not a smooth curve)",
         lambda t, lr0, f, e: lr0 * f ** (np.asarray(t) / e)),
        ("that multiplies by factor * (t // every); the factor is applied as a power",
         lambda t, lr0, f, e: lr0 * f * (np.asarray(t) // e)))
    return check_function(fn, _step_decay, cases, "step_decay", rtol=1e-12, diagnose=diagnose,
                          label=lambda i: f"rate at t = {i[0]} of the array",
                          hint="the number of drops so far is t // every (integer division); "
                               "use ** so that an array t works too")


@never_raises
def reach_target(schedule, problem=None) -> CheckResult:
    """A schedule (or rate) whose run on the lesson's noisy quadratic ends, after
    ``TARGET_STEPS`` updates, at a mean loss (20 seeds) below ``TARGET_LOSS``."""
    name = "your schedule"
    if is_stub(schedule):
        return report(NOT_ATTEMPTED, f"{name}: not attempted yet (replace the stub with your answer)")
    from ..widgets.schedule import ScheduleProblem

    problem = ScheduleProblem() if problem is None else problem
    if isinstance(schedule, (list, tuple, np.ndarray)) and np.size(schedule) > 1:
        return report(FAILED, f"{name} is {brief(schedule)}: give a function of t (def s(t): "
                              f"return ...) or a number, not an array of rates")
    outcome = call_student(problem.final_loss, schedule, TARGET_STEPS)
    if outcome.timed_out or (outcome.error is not None
                             and not isinstance(outcome.error, (ValueError, TypeError))):
        return report(FAILED, describe_failure(outcome, f"{name}(t)"))
    if outcome.error is not None:
        return report(FAILED, f"{name} could not be used as a learning rate: "
                              f"{str(outcome.error)[:160]}")
    loss = outcome.value
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
