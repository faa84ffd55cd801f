"""Gradient descent whose whole path is kept, so lessons can plot and print it.

Used by lesson 01 (Rosenbrock by hand) and lesson 05 (schedules). The shape follows
autograd's ``misc/optimizers``: a plain function with a ``callback(x, i, g)`` hook.

Divergence is reported in words: when the point, its gradient or its loss becomes
inf or nan, the run stops, the result says at which step, and (with ``verbose=True``)
one line is printed instead of a wall of ``RuntimeWarning``s. A run whose loss stays
finite but *ends* above ``course_lib._divergence.FLAG_FACTOR`` (a million) times its start
has diverged too (the course's one rule, :mod:`course_lib._divergence`): it is not stopped
(its numbers are what they are), but ``blew_up_at`` is the first step above that factor,
``diverged`` is True and the message says so.
"""
from __future__ import annotations

from typing import Callable, Optional

import numpy as np

from . import _divergence
from ._validate import count, flag, function, point
from .optimizers import SGD, Adam, Momentum, Optimizer, Path, get_optimizer, minimize, tree_map
from .schedules import as_schedule

__all__ = ["GDResult", "gradient_descent", "DivergenceError",
           # the update rules of lesson 04 live in course_lib.optimizers; re-exported here
           "SGD", "Momentum", "Adam", "Optimizer", "get_optimizer", "minimize", "tree_map"]


class DivergenceError(FloatingPointError):
    """Raised by ``gradient_descent(..., on_divergence="raise")``."""


class GDResult(Path):
    """The path of a gradient-descent run.

    ``xs`` has shape ``(steps_done + 1, d)``: the start and every point after it. ``lrs[i]``
    is the rate update ``i`` used. ``losses`` (if a ``loss_fn`` was given) has one value per
    row of ``xs``. If the run diverged, ``diverged_at`` is the 0-based index of the update
    that produced inf/nan, and ``xs`` ends at the last finite point. (The same record as
    :class:`course_lib.optimizers.Path`, with a count of the steps and a readable repr.)
    """

    @property
    def steps_done(self) -> int:
        return len(self.xs) - 1

    def __repr__(self) -> str:
        loss = "" if self.losses is None else f", final loss={self.losses[-1]:.6g}"
        return (f"GDResult(steps_done={self.steps_done}, x={np.array2string(self.x, precision=6)}"
                f"{loss}, {self.message})")


def _flag_blow_up(result: Path) -> None:
    """Mark a finished run whose finite loss ended above the course's factor as diverged."""
    late = _divergence.ended_high(result.losses)
    if late is not None:
        result.blew_up_at, sentence = late
        result.message = f"{result.message}, but diverged: {sentence}; try a smaller learning rate"


def gradient_descent(
    grad_fn: Callable,
    x0,
    lr,
    steps: int,
    *,
    loss_fn: Optional[Callable] = None,
    callback: Optional[Callable] = None,
    on_divergence: str = "stop",
    verbose: bool = True,
) -> GDResult:
    """Plain gradient descent ``x <- x - lr_t * grad_fn(x)`` for ``steps`` updates.

    Parameters
    ----------
    grad_fn : function of a point returning its gradient (same shape as the point).
    x0 : the starting point, a sequence of finite numbers.
    lr : a positive number, or a schedule ``s(t)`` giving the rate of update ``t``.
    steps : the number of updates (0 returns just the start).
    loss_fn : optional function of a point; if given, the loss along the path is recorded.
    callback : optional ``callback(x, i, g)`` called before update ``i`` with its gradient.
    on_divergence : ``"stop"`` (return the path so far) or ``"raise"`` (:class:`DivergenceError`).
    verbose : print one line when the run diverges (``"stop"`` mode).

    Divergence: the run stops at the first update whose point, gradient or loss is inf/nan
    (``xs`` ends at the last finite point). A run whose loss stays finite but ends above a
    million times its start runs to the end and is reported as diverged too
    (``blew_up_at``: the first step above that factor; ``diverged_at`` stays None).
    """
    function(grad_fn, "grad_fn")
    function(callback, "callback", allow_none=True)
    verbose = flag(verbose, "verbose")
    x = point(x0, "x0")
    if x.size == 0:
        raise ValueError("x0 must hold at least one number")
    if not callable(lr):
        # numbers go through the same check as constant() so the message names lr
        from .schedules import constant
        schedule = constant(lr)
    else:
        schedule = as_schedule(lr)
    steps = count(steps, "steps", minimum=0)
    if loss_fn is not None and not callable(loss_fn):
        raise ValueError(f"loss_fn must be a function of the point, got {loss_fn!r}")
    if on_divergence not in ("stop", "raise"):
        raise ValueError(f"on_divergence must be 'stop' or 'raise', got {on_divergence!r}")

    xs = [x.copy()]
    lrs = []
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        losses = None if loss_fn is None else [float(loss_fn(x))]
    diverged_at, message = None, f"finished {steps} steps"
    # the whole schedule at once (schedules are vectorised), checked before the first step
    rates = np.atleast_1d(schedule(np.arange(steps))) if steps else np.zeros(0)
    bad = ~np.isfinite(rates) | (rates < 0)
    if np.any(bad):
        i = int(np.argmax(bad))
        raise ValueError(f"lr: the schedule gave {rates[i]!r} at step {i}; rates must be finite and >= 0")
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for i in range(steps):
            rate = float(rates[i])
            g = np.asarray(grad_fn(x), dtype=float)
            if g.shape != x.shape:
                raise ValueError(f"grad_fn returned shape {g.shape} for a point of shape {x.shape}")
            if callback is not None:
                callback(x, i, g)
            new_x = x - rate * g
            new_loss = None if loss_fn is None else float(loss_fn(new_x))
            bad_loss = new_loss is not None and not np.isfinite(new_loss)
            if not (np.all(np.isfinite(g)) and np.all(np.isfinite(new_x))) or bad_loss:
                diverged_at = i
                what = "the loss" if bad_loss and np.all(np.isfinite(new_x)) else "the point"
                message = (f"diverged at step {i}: {what} became inf/nan with learning rate "
                           f"{rate:.4g}; try a smaller learning rate")
                break
            x = new_x
            xs.append(x.copy())
            lrs.append(rate)
            if losses is not None:
                losses.append(new_loss)

    result = GDResult(np.array(xs), np.array(lrs, dtype=float),
                      None if losses is None else np.array(losses), diverged_at, message)
    if not result.diverged and losses is not None:
        _flag_blow_up(result)
    if result.diverged:
        if on_divergence == "raise":
            raise DivergenceError(message)
        if verbose:
            print(f"gradient descent stopped: {message}")
    return result
