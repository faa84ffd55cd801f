"""The course's schedules in Keras and PyTorch: adapters and the mapping between them.

Used by lesson 10. Import it only where it is needed (``from course_lib import
frameworks``): it imports Keras, which takes a second or two, and ``import course_lib``
stays instant.

Keras runs on the JAX backend (CPU), set in one place (:mod:`course_lib.keras_setup`):
before importing Keras it does ``os.environ.setdefault("KERAS_BACKEND", "jax")``, so nothing
has to be edited by hand. If Keras was already imported with another backend, importing this
module raises a ``RuntimeError`` that says how to fix it (restart the kernel, import this
module first).

* :func:`to_keras`: a course schedule as a ``keras.optimizers.schedules.LearningRateSchedule``
  (values equal to the course's at every step, to float32 rounding; saved with the model);
* :func:`keras_range_test` (in :mod:`course_lib.frameworks_keras`, re-exported here): the
  range test on a compiled Keras model, into a :class:`course_lib.lr_finder.RangeTest`;
  :class:`KerasCycleSnapshots` and :func:`keras_snapshot_proba`: snapshot ensembles;
* :func:`to_torch_lambda`: a function for ``torch.optim.lr_scheduler.LambdaLR`` (PyTorch
  is not a dependency of the course and is never imported here);
* :data:`MAPPING` and :func:`mapping_table`: which course schedule is which PyTorch and
  Keras schedule, and where they differ.
"""
from __future__ import annotations

import numpy as np

from . import schedules as S
from ._validate import positive_number
from .frameworks_keras import KerasCycleSnapshots, keras_range_test, keras_snapshot_proba
from .keras_setup import BACKEND, keras

__all__ = ["to_keras", "CourseSchedule", "to_torch_lambda", "TorchLambda", "MAPPING",
           "mapping_table", "keras_range_test", "KerasCycleSnapshots", "keras_snapshot_proba",
           "BACKEND"]

import jax  # noqa: E402  (after keras_setup chose the backend)
import jax.numpy as jnp  # noqa: E402


# --- course schedule <-> a description that can be saved ------------------------------------

_FACTORIES = ("constant", "time_decay", "step_decay", "exponential", "cosine", "linear",
              "cyclical", "sgdr", "one_cycle")


def _describe(schedule) -> dict:
    """A JSON-able description of a course schedule (nested for sequence and warm-up)."""
    name = getattr(schedule, "name", None)
    if name in _FACTORIES:
        return {"name": name, "params": dict(schedule.params)}
    if name == "warmup":
        p = schedule.params
        return {"name": "warmup", "params": {"schedule": _describe(p["schedule"]),
                                             "steps": p["steps"], "start_lr": p["start_lr"]}}
    if name == "sequence":
        return {"name": "sequence",
                "params": {"parts": [[_describe(s), n] for s, n in schedule.params["parts"]]}}
    raise ValueError(f"schedule {schedule!r} cannot be saved with a Keras model: only the "
                     f"course's own schedules can (write a LearningRateSchedule subclass with "
                     f"get_config for a function of your own)")


def _rebuild(spec: dict) -> S.Schedule:
    """The course schedule a :func:`_describe` description stands for."""
    if not isinstance(spec, dict) or "name" not in spec or "params" not in spec:
        raise ValueError(f"spec must be a dict with 'name' and 'params', got {spec!r}")
    name, params = spec["name"], dict(spec["params"])
    if name in _FACTORIES:
        return getattr(S, name)(**params)
    if name == "warmup":
        return S.warmup(_rebuild(params["schedule"]), params["steps"], params["start_lr"])
    if name == "sequence":
        return S.sequence([(_rebuild(s), n) for s, n in params["parts"]])
    raise ValueError(f"spec names an unknown schedule {name!r}")


# --- Keras ----------------------------------------------------------------------------------

@keras.saving.register_keras_serializable(package="course_lib")
class CourseSchedule(keras.optimizers.schedules.LearningRateSchedule):
    """A course schedule as a Keras ``LearningRateSchedule`` (build it with :func:`to_keras`).

    The optimizer calls it with its update counter ``optimizer.iterations`` (0 for the first
    update, as the course's ``t``); the rate is the course schedule's value, computed by the
    course's own numpy code (a ``jax.pure_callback``, so it also works inside the compiled
    training step) and rounded to float32. ``get_config`` describes the schedule, so a model
    saved with ``model.save`` reloads with the same schedule.
    """

    def __init__(self, spec: dict):
        self.spec = spec
        self.schedule = _rebuild(spec)

    def __call__(self, step):
        step = keras.ops.convert_to_tensor(step)

        def host(t):
            t = np.asarray(t)
            if not np.issubdtype(t.dtype, np.integer):
                if not np.all(t == np.round(t)):
                    raise ValueError(f"step must be a whole number, got {t!r}")
            return np.asarray(self.schedule(t.astype(np.int64)), dtype=np.float32)

        return jax.pure_callback(host, jax.ShapeDtypeStruct(step.shape, jnp.float32), step)

    def get_config(self) -> dict:
        return {"spec": self.spec}

    @classmethod
    def from_config(cls, config: dict) -> "CourseSchedule":
        return cls(config["spec"])

    def __repr__(self) -> str:
        return f"to_keras({self.schedule!r})"


def to_keras(schedule) -> CourseSchedule:
    """``schedule`` (a course schedule, e.g. ``schedules.one_cycle(0.1, 600)``) as a Keras
    ``LearningRateSchedule``: ``keras.optimizers.SGD(learning_rate=to_keras(s))``.

    Update ``t`` (the optimizer's ``iterations`` before it) uses ``s(t)`` in float32.
    Only the course's schedules (and their ``sequence`` / ``warmup`` compositions) are
    accepted, as only they can be saved with the model.
    """
    if not isinstance(schedule, S.Schedule):
        raise ValueError(f"schedule must be one of the course's schedules (course_lib.schedules), "
                         f"got {schedule!r}")
    return CourseSchedule(_describe(schedule))


# --- PyTorch (never imported) ---------------------------------------------------------------

class TorchLambda:
    """``lambda(epoch) = schedule(epoch) / base_lr``: what ``LambdaLR`` multiplies the
    optimizer's initial rate ``base_lr`` by. Built by :func:`to_torch_lambda`."""

    def __init__(self, schedule: S.Schedule, base_lr: float):
        if not callable(schedule):
            raise ValueError(f"schedule must be a course schedule (a function of the step), "
                             f"got {schedule!r:.60}")
        self.schedule, self.base_lr = schedule, positive_number(base_lr, "base_lr")

    def __call__(self, epoch: int) -> float:
        return self.schedule(int(epoch)) / self.base_lr

    def __repr__(self) -> str:
        return f"to_torch_lambda({self.schedule!r}, base_lr={self.base_lr!r})"


def to_torch_lambda(schedule, base_lr: float) -> TorchLambda:
    """A function for ``torch.optim.lr_scheduler.LambdaLR(optimizer, lr_lambda=...)``.

    ``LambdaLR`` sets the rate to ``base_lr * lr_lambda(last_epoch)``, where ``base_lr`` is
    the ``lr`` the optimizer was created with and ``last_epoch`` counts the calls of
    ``scheduler.step()``. Create the optimizer with ``lr=base_lr`` and call
    ``scheduler.step()`` once after every ``optimizer.step()``: then update ``t`` uses
    ``schedule(t)``, the course's convention.
    """
    schedule = S.as_schedule(schedule) if callable(schedule) else None
    if schedule is None:
        raise ValueError("schedule must be a schedule (a function of the step)")
    return TorchLambda(schedule, positive_number(base_lr, "base_lr"))


# --- the mapping table ----------------------------------------------------------------------

#: course name -> (torch.optim.lr_scheduler, keras.optimizers.schedules, the difference)
MAPPING = {
    "constant": ("(no scheduler)", "(a number)", "-"),
    "time_decay": ("LambdaLR", "InverseTimeDecay(decay_steps=1)", "-"),
    "step_decay": ("StepLR", "ExponentialDecay(staircase=True)",
                   "the course refuses a factor > 1"),
    "exponential": ("ExponentialLR", "ExponentialDecay(decay_steps=1)",
                    "the course refuses gamma > 1"),
    "cosine": ("CosineAnnealingLR", "CosineDecay",
               "after its period torch climbs back up, the course (and Keras) stay at min_lr"),
    "linear": ("LinearLR", "PolynomialDecay(power=1)", "-"),
    "cyclical": ("CyclicLR", "(none)", "-"),
    "sgdr": ("CosineAnnealingWarmRestarts", "CosineDecayRestarts",
             "torch has no peak_decay; in Keras peak_decay is m_mul and min_lr is "
             "alpha * max_lr"),
    "one_cycle": ("OneCycleLR", "(none)",
                  "past total_steps torch raises an error, the course holds the final rate; "
                  "torch also cycles the momentum unless cycle_momentum=False"),
}


def mapping_table() -> str:
    """The :data:`MAPPING` as a printable table."""
    rows = [("course_lib", "torch.optim.lr_scheduler", "keras.optimizers.schedules",
             "difference")]
    rows += [(name, *entry) for name, entry in MAPPING.items()]
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r[:3], widths)) + "  " + r[3]
                     for r in rows)

