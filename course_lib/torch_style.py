"""PyTorch's optimizer / scheduler protocol in plain Python, to see which rate each update uses.

Used by lesson 10 (PyTorch is not a dependency of the course and is never imported). In
PyTorch a scheduler such as ``torch.optim.lr_scheduler.LambdaLR`` writes the rate into the
optimizer's ``param_groups``; ``optimizer.step()`` updates the weights with the rate found
there. The classes below keep exactly that protocol, without weights:

* :class:`RecordingOptimizer`: ``param_groups[0]["lr"]``, ``zero_grad()``, and ``step()``,
  which records the rate it would have used (``optimizer.used``);
* :class:`LambdaLR`: as PyTorch's, ``lr = base_lr * lr_lambda(last_epoch)``, where the
  constructor sets ``last_epoch = 0`` and each ``step()`` adds one;
* :func:`rates_used`: run a training loop written against these and return the rate of
  every update.

``tests/test_frameworks.py`` checks :class:`LambdaLR` with
:func:`course_lib.frameworks.to_torch_lambda` against PyTorch's stored traces.
"""
from __future__ import annotations

from typing import Callable, List

import numpy as np

from ._validate import count, positive_number

__all__ = ["RecordingOptimizer", "LambdaLR", "rates_used"]


class RecordingOptimizer:
    """An optimizer without weights: ``step()`` records ``param_groups[0]["lr"]``."""

    def __init__(self, lr: float):
        lr = positive_number(lr, "lr")
        self.param_groups: List[dict] = [{"lr": lr, "initial_lr": lr}]
        self.used: List[float] = []
        self.events: List[str] = []

    def zero_grad(self) -> None:
        self.events.append("zero_grad")

    def step(self) -> None:
        self.used.append(float(self.param_groups[0]["lr"]))
        self.events.append("optimizer.step")


class LambdaLR:
    """PyTorch's ``LambdaLR`` rule on a :class:`RecordingOptimizer`: after ``n`` calls of
    ``step()`` the optimizer's rate is ``base_lr * lr_lambda(n)`` (``base_lr``: the rate
    the optimizer was created with)."""

    def __init__(self, optimizer: RecordingOptimizer, lr_lambda: Callable[[int], float]):
        if not isinstance(optimizer, RecordingOptimizer):
            raise ValueError(f"optimizer must be a RecordingOptimizer, got {optimizer!r}")
        if not callable(lr_lambda):
            raise ValueError(f"lr_lambda must be a function of the step count, got {lr_lambda!r}")
        self.optimizer, self.lr_lambda = optimizer, lr_lambda
        self.base_lr = optimizer.param_groups[0]["initial_lr"]
        self.last_epoch = 0
        self._apply()

    def _apply(self) -> None:
        self.optimizer.param_groups[0]["lr"] = self.base_lr * float(self.lr_lambda(self.last_epoch))

    def step(self) -> None:
        self.last_epoch += 1
        self._apply()
        self.optimizer.events.append("scheduler.step")

    def get_last_lr(self) -> List[float]:
        return [self.optimizer.param_groups[0]["lr"]]


def rates_used(loop: Callable, lr_lambda: Callable[[int], float], base_lr: float,
               epochs: int, batches_per_epoch: int) -> np.ndarray:
    """Run ``loop(optimizer, scheduler, epochs, batches_per_epoch)`` with a fresh
    :class:`RecordingOptimizer` (rate ``base_lr``) and :class:`LambdaLR` (``lr_lambda``),
    and return the rate every ``optimizer.step()`` used, in order."""
    if not callable(loop):
        raise ValueError(f"loop must be a function (optimizer, scheduler, epochs, "
                         f"batches_per_epoch), got {loop!r}")
    epochs = count(epochs, "epochs")
    batches_per_epoch = count(batches_per_epoch, "batches_per_epoch")
    optimizer = RecordingOptimizer(positive_number(base_lr, "base_lr"))
    scheduler = LambdaLR(optimizer, lr_lambda)
    loop(optimizer, scheduler, epochs, batches_per_epoch)
    return np.array(optimizer.used)
