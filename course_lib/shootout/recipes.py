"""The shoot-out's recipes: :class:`Recipe` (a rate and a momentum as functions of the
budget, and an optional optimizer) and how one is checked and built for a run.

Used by lesson 09 through :func:`course_lib.shootout.shootout`.
"""
from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import Callable

import numpy as np

from .. import training
from .._validate import function, number
from ..optimizers import Momentum, get_optimizer
from ..schedules import Schedule, as_schedule

__all__ = ["Recipe"]


# --- recipes --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Recipe:
    """A schedule for the shoot-out, as functions of the total number of steps.

    ``lr(total)`` returns the rate schedule (or a number); ``momentum`` is ``None`` (the
    optimizer's own), a number, or ``momentum(total)`` returning a momentum schedule;
    ``optimizer`` (optional) replaces the shoot-out's optimizer for this recipe. A plain
    function ``lambda total: ...`` given to :func:`shootout` is ``Recipe(lr=that function)``.
    """

    lr: Callable
    momentum: object = None
    optimizer: object = None

    def __post_init__(self):
        # a number is refused by shootout(), with the recipe's name in the message
        if not callable(self.lr):
            number(self.lr, "lr")
        if self.momentum is not None and not callable(self.momentum):
            number(self.momentum, "momentum")      # its range is checked by shootout()
        if self.optimizer is not None:
            try:
                get_optimizer(self.optimizer)
            except ValueError as exc:
                raise ValueError(f"optimizer: {exc}") from None

    def build(self, total: int):
        """``(lr_schedule, momentum_schedule_or_number_or_None)`` for a budget of ``total``."""
        lr = self.lr(total)
        momentum = self.momentum(total) if callable(self.momentum) else self.momentum
        return lr, momentum


def _recipe(value, name: str) -> Recipe:
    where = f"recipes[{name!r}]"
    if isinstance(value, Recipe):
        if not callable(value.lr):
            raise ValueError(f"{where}: lr must be a function of the total number of steps, "
                             f"got {value.lr!r}")
        return value
    if isinstance(value, Schedule) or not callable(value):
        raise ValueError(f"{where} must be a function of the total number of steps returning "
                         f"a schedule (e.g. lambda total: schedules.cosine(0.1, total)) or a "
                         f"Recipe, got {value!r}")
    return Recipe(lr=value)



def _build(name, recipe: Recipe, steps: int, planned: int, default_opt):
    """Build and check one recipe for the budget: (lr, momentum, optimizer, rates, momentums)."""
    where = f"recipes[{name!r}]"
    try:
        lr, momentum = recipe.build(steps)
    except ValueError as exc:
        raise ValueError(f"{where} failed for {steps} steps: {exc}") from None
    opt = default_opt if recipe.optimizer is None else get_optimizer(recipe.optimizer)
    if not (callable(lr) or (isinstance(lr, numbers.Real) and not isinstance(lr, bool))):
        raise ValueError(f"{where} must return a schedule or a number, got {lr!r}")
    try:
        rates = np.asarray(as_schedule(lr)(np.arange(planned)), dtype=float)
    except ValueError as exc:
        raise ValueError(f"{where}: {exc}") from None
    bad = ~np.isfinite(rates) | (rates < 0)
    if np.any(bad):
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(f"{where}: the schedule gave {float(rates[i])!r} at step {i}; rates "
                         f"must be finite and >= 0")
    if momentum is None:
        betas = np.full(steps, opt.beta) if isinstance(opt, Momentum) else np.full(steps, np.nan)
    else:
        try:
            betas = training._momentum_values(momentum, opt, planned)
        except ValueError as exc:
            raise ValueError(f"{where}: {exc}") from None
    return lr, momentum, opt, rates[:steps], np.asarray(betas[:steps], dtype=float)


