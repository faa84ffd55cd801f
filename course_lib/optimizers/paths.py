"""Running an optimizer on a function of one point: :func:`minimize` and its :class:`Path`.

Used by lessons 04 and 05 (paths drawn on Rosenbrock and other surfaces).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Optional

import numpy as np

from .. import _divergence
from .._validate import array, count, function, number, point
from .rules import get_optimizer

__all__ = ["Path", "minimize"]


# --- running an optimizer on a function of one point ---------------------------------------------

@dataclass
class Path:
    """The points an optimizer visited: ``xs`` of shape ``(steps_done + 1, d)``, the start
    included; ``losses`` (if a loss was given) one per point; ``diverged_at`` the step that
    produced inf/nan (``xs`` then ends at the last finite point)."""

    xs: np.ndarray
    lrs: np.ndarray
    losses: Optional[np.ndarray] = None
    diverged_at: Optional[int] = None
    message: str = field(default="")
    #: a finished run whose loss ended above a million times its start: the first step
    #: above that factor (``course_lib._divergence``); ``diverged_at`` is for stops only
    blew_up_at: Optional[int] = None

    def __post_init__(self):
        xs = array(self.xs, "xs", ndim=2)
        array(self.lrs, "lrs", ndim=1, min_len=0)
        if len(self.lrs) != len(xs) - 1:
            raise ValueError(f"xs and lrs do not match: xs holds {len(xs)} points, so lrs must "
                             f"hold one rate per step ({len(xs) - 1}), got {len(self.lrs)}")
        if self.losses is not None and len(array(self.losses, "losses", ndim=1, finite=False)) != len(xs):
            raise ValueError(f"losses must hold one value per point of xs ({len(xs)})")
        if self.diverged_at is not None:
            count(self.diverged_at, "diverged_at", minimum=0)
        if self.blew_up_at is not None:
            count(self.blew_up_at, "blew_up_at", minimum=0)
        if not isinstance(self.message, str):
            raise ValueError(f"message must be a string, got {self.message!r}")

    @property
    def x(self) -> np.ndarray:
        return self.xs[-1]

    @property
    def diverged(self) -> bool:
        """Stopped at inf/nan (``diverged_at``) or finished blown up (``blew_up_at``)."""
        return self.diverged_at is not None or self.blew_up_at is not None


def minimize(grad_fn: Callable, x0, optimizer="sgd", lr=0.01, steps: int = 100, *,
             loss_fn: Optional[Callable] = None) -> Path:
    """Run ``optimizer`` from ``x0`` for ``steps`` updates of ``grad_fn`` and keep the path.

    ``lr`` is a number or a schedule of the step. Stops (without warnings) at the first
    step whose point or gradient becomes inf/nan; the message names that step. With a
    ``loss_fn``, a run whose loss stays finite but ends above a million times its start
    (the course's rule, :mod:`course_lib._divergence`) runs to the end and is reported as
    diverged (``blew_up_at``: the first step above that factor; ``diverged_at`` stays None).
    """
    from ..schedules import as_schedule  # local: keeps this module light

    function(grad_fn, "grad_fn")
    function(loss_fn, "loss_fn", allow_none=True)
    x = point(x0, "x0")
    if x.size == 0:
        raise ValueError("x0 must hold at least one number")
    opt = get_optimizer(optimizer)
    steps = count(steps, "steps", minimum=0)
    if not callable(lr):
        number(lr, "lr", lo=0.0)
    rates = np.asarray(as_schedule(lr)(np.arange(steps)), dtype=float)
    if rates.size and (not np.all(np.isfinite(rates)) or np.any(rates < 0)):
        raise ValueError("lr: the schedule must give finite rates >= 0")
    state = opt.init(x)
    xs, losses = [x], None
    diverged_at, message = None, f"finished {steps} steps"
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        if loss_fn is not None:
            losses = [float(loss_fn(x))]
        for i in range(steps):
            g = np.asarray(grad_fn(x), dtype=float)
            new_x, state = opt.step(x, g, state, rates[i])
            if not (np.all(np.isfinite(g)) and np.all(np.isfinite(new_x))):
                diverged_at = i
                message = (f"diverged at step {i}: the point became inf/nan with learning rate "
                           f"{rates[i]:.4g}")
                break
            x = new_x
            xs.append(x)
            if losses is not None:
                losses.append(float(loss_fn(x)))
    n = len(xs) - 1
    path = Path(np.array(xs), rates[:n], None if losses is None else np.array(losses),
                diverged_at, message)
    if diverged_at is None and losses is not None:
        late = _divergence.ended_high(path.losses)
        if late is not None:
            path.blew_up_at, sentence = late
            path.message = f"{message}, but diverged: {sentence}; try a smaller learning rate"
    return path
