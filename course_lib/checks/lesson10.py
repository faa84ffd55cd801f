"""Checkers for lesson 10: the course's schedules in Keras and PyTorch."""
from __future__ import annotations

import numpy as np

from .. import schedules, torch_style
from . import FAILED, NOT_ATTEMPTED, PASSED, CheckResult, brief, is_stub, never_raises, report
from ._harness import call_student, describe_failure, is_unchanged_stub

__all__ = ["keras_step_decay", "training_loop", "STEP_DECAY_CASES", "LOOP_CASE"]

#: (lr0, factor, every) the Keras step decay is tried with, and the steps it is read at
STEP_DECAY_CASES = ((0.1, 0.5, 10), (0.3, 0.9, 7))
_STEPS = (0, 1, 6, 7, 9, 10, 11, 19, 20, 21, 25, 69, 70, 99, 100, 305)
#: the loop exercise: a 1cycle over 3 epochs of 8 minibatches, LambdaLR with this base rate
LOOP_CASE = {"epochs": 3, "batches_per_epoch": 8, "base_lr": 0.1}


def _step_mistakes(lr0, factor, every):
    t = np.array(_STEPS, dtype=float)
    return (
        ("the rate drops one update too early: update t = 0 is the first, so the first drop "
         "comes at t = every (use step // every, not (step + 1) // every)",
         lr0 * factor ** ((t + 1) // every)),
        ("the rate decays smoothly: a step decay stays flat for `every` updates, so round the "
         "number of drops down (floor division step // every)", lr0 * factor ** (t / every)),
        ("the rate drops at every update: the number of drops is step // every",
         lr0 * factor ** t),
        ("the first drop comes one update late: drops = step // every, counted from t = 0",
         lr0 * factor ** (np.maximum(t - 1, 0) // every)),
    )


def _values(obj, steps):
    import keras

    return np.array([float(obj(keras.ops.convert_to_tensor(t, dtype="int32"))) for t in steps])


@never_raises
def keras_step_decay(cls) -> CheckResult:
    """``cls(lr0, factor, every)``: a ``keras.optimizers.schedules.LearningRateSchedule``
    with ``lr0 * factor ** (step // every)``, usable inside a compiled training step and
    saved by ``get_config``."""
    name = "StepDecay"
    if is_stub(cls):
        return report(NOT_ATTEMPTED, f"{name}: not attempted yet (replace the stub with your answer)")
    import keras

    base = keras.optimizers.schedules.LearningRateSchedule
    if not (isinstance(cls, type) and issubclass(cls, base)):
        return report(FAILED, f"{name} should be a class derived from "
                              f"keras.optimizers.schedules.LearningRateSchedule, got {brief(cls)}")
    for lr0, factor, every in STEP_DECAY_CASES:
        call = f"{name}({lr0}, {factor}, {every})"
        made = call_student(cls, lr0, factor, every)
        if not made.ok:
            return report(FAILED, describe_failure(made, call))
        obj = made.value
        got = call_student(_values, obj, _STEPS)
        if not got.ok:
            return report(FAILED, describe_failure(got, f"{call}(step)"))
        expected = schedules.step_decay(lr0, factor, every)(np.array(_STEPS))
        if not np.allclose(got.value, expected, rtol=1e-5, atol=1e-9):
            for hint, wrong in _step_mistakes(lr0, factor, every):
                if np.allclose(got.value, wrong, rtol=1e-5, atol=1e-9):
                    return report(FAILED, f"{call}: {hint}")
            bad = int(np.argmax(~np.isclose(got.value, expected, rtol=1e-5, atol=1e-9)))
            return report(FAILED, f"{call} at step {_STEPS[bad]} gives {got.value[bad]:.6g}, "
                                  f"expected {expected[bad]:.6g} = lr0 * factor ** (step // every)")
        # inside the optimizer the step is a traced tensor: Python int() or math fail there
        import jax

        traced = call_student(lambda: float(jax.jit(lambda s: obj(s))(np.int32(25))))
        if not traced.ok:
            return report(FAILED, f"{call} fails when the optimizer calls it inside its "
                                  f"compiled training step ({type(traced.error).__name__}): "
                                  f"compute with keras.ops (floor_divide, power, cast), not "
                                  f"with int(), math or numpy on the step")
        config = call_student(lambda: obj.get_config())
        if not config.ok or not isinstance(config.value, dict):
            return report(FAILED, f"{call}.get_config() should return a dict of the "
                                  f"constructor's arguments (lr0, factor, every), so that a "
                                  f"saved model reloads its schedule"
                                  + ("" if config.ok else f"; it raised "
                                     f"{type(config.error).__name__}"))
        again = call_student(lambda: _values(cls.from_config(config.value), _STEPS))
        if not again.ok or not np.allclose(again.value, got.value, rtol=1e-6):
            return report(FAILED, f"{call}: {name}.from_config(get_config()) does not rebuild "
                                  f"the same schedule: get_config should return "
                                  f"{{'lr0': ..., 'factor': ..., 'every': ...}}")
    return report(PASSED, f"{name}: equal to schedules.step_decay at {len(_STEPS)} steps for "
                          f"{len(STEP_DECAY_CASES)} parameter sets, works in a compiled step, "
                          f"and get_config rebuilds it")


@never_raises
def training_loop(fn) -> CheckResult:
    """``fn(optimizer, scheduler, epochs, batches_per_epoch)``: a PyTorch-style loop in which
    update ``t`` uses ``schedule(t)`` (the scheduler stepped once per minibatch, after the
    optimizer)."""
    name = "train"
    if is_stub(fn):
        return report(NOT_ATTEMPTED, f"{name}: not attempted yet (replace the stub with your answer)")
    if not callable(fn):
        return report(FAILED, f"{name} should be a function (optimizer, scheduler, epochs, "
                              f"batches_per_epoch), got {brief(fn)}")
    epochs, per_epoch, base_lr = (LOOP_CASE[k] for k in ("epochs", "batches_per_epoch", "base_lr"))
    total = epochs * per_epoch
    schedule = schedules.one_cycle(base_lr, total)
    lam = lambda t: schedule(int(t)) / base_lr  # noqa: E731
    optimizer = torch_style.RecordingOptimizer(base_lr)
    scheduler = torch_style.LambdaLR(optimizer, lam)
    # called through a lambda: the harness would hand the function copies, and the rates
    # are recorded on this optimizer
    outcome = call_student(lambda: fn(optimizer, scheduler, epochs, per_epoch))
    if not outcome.ok:
        return report(FAILED, describe_failure(outcome, f"{name}(optimizer, scheduler, "
                                                        f"{epochs}, {per_epoch})"))
    used = np.array(optimizer.used)
    if len(used) == 0 and is_unchanged_stub(fn) and not outcome.printed:
        return report(NOT_ATTEMPTED, f"{name}: not attempted yet (finish the function)")
    if len(used) != total:
        return report(FAILED, f"{name} made {len(used)} updates (optimizer.step() calls); "
                              f"{epochs} epochs of {per_epoch} minibatches are {total}")
    want = schedule(np.arange(total))
    if np.allclose(used, want, rtol=1e-12):
        return report(PASSED, f"{name}: every one of the {total} updates used the rate the "
                              f"schedule gives for it")
    if np.allclose(used, schedule(np.arange(total) // per_epoch), rtol=1e-12):
        return report(FAILED, f"{name} steps the scheduler once per epoch: the rate changes "
                              f"only every {per_epoch} updates and reaches step "
                              f"{epochs - 1} of a {total}-step schedule. A schedule counted "
                              f"in updates needs scheduler.step() after every optimizer.step()")
    if np.allclose(used, schedule(np.arange(1, total + 1)), rtol=1e-12):
        return report(FAILED, f"{name} calls scheduler.step() before optimizer.step(): every "
                              f"update uses the next rate and schedule(0) is never used. "
                              f"Step the optimizer first, then the scheduler")
    if np.allclose(used, want[0], rtol=1e-12):
        return report(FAILED, f"{name} never steps the scheduler: every update used the first "
                              f"rate {want[0]:.3g}")
    bad = int(np.argmax(~np.isclose(used, want, rtol=1e-12)))
    return report(FAILED, f"{name}: update {bad} used the rate {used[bad]:.4g}, the schedule "
                          f"gives {want[bad]:.4g} for it. One optimizer.step(), then one "
                          f"scheduler.step(), per minibatch")
