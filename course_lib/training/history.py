"""The :class:`History` of a training run (per step: the rate, the minibatch loss and the
momentum; per epoch: the training and validation loss and accuracy; the final parameters and
whether and where the run diverged) and the one-line summary of an epoch that ``fit`` prints.

Used by lesson 04 onwards (every ``training.fit`` returns one).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import List, Optional

import numpy as np

from .._divergence import loss_text
from .._validate import flag, whole


@dataclass
class History:
    """What happened during :func:`fit`.

    Per step (one entry per update): ``lrs`` (the rate used) and ``losses`` (the minibatch
    loss before the update); ``momentums`` (the momentum used) only when ``fit`` was given
    ``momentum=``, otherwise empty. Per epoch (one entry per finished epoch): ``train_loss``,
    ``val_loss`` and, for classification, ``train_acc`` and ``val_acc``, all measured on the
    whole set after the epoch. ``params`` are the final parameters (if the run diverged, the
    last finite ones, and ``diverged_at`` is the step whose loss exploded, see ``fit``'s
    ``diverge_factor``, or became inf/nan).
    """

    params: object = None
    lrs: List[float] = field(default_factory=list)
    losses: List[float] = field(default_factory=list)
    epochs: List[int] = field(default_factory=list)
    train_loss: List[float] = field(default_factory=list)
    train_acc: List[float] = field(default_factory=list)
    val_loss: List[float] = field(default_factory=list)
    val_acc: List[float] = field(default_factory=list)
    steps_per_epoch: int = 0
    diverged_at: Optional[int] = None
    message: str = ""
    stop_training: bool = False
    momentums: List[float] = field(default_factory=list)
    #: set when the run finished but its minibatch loss ended above a million times the
    #: first one (the first step above that factor); see the module docstring
    blew_up_at: Optional[int] = None

    def __post_init__(self):
        for name in ("lrs", "losses", "epochs", "train_loss", "train_acc", "val_loss",
                     "val_acc", "momentums"):
            if not isinstance(getattr(self, name), list):
                raise ValueError(f"{name} must be a list, got {getattr(self, name)!r:.60}")
        whole(self.steps_per_epoch, "steps_per_epoch", minimum=0)
        whole(self.diverged_at, "diverged_at", minimum=0, allow_none=True)
        whole(self.blew_up_at, "blew_up_at", minimum=0, allow_none=True)
        if not isinstance(self.message, str):
            raise ValueError(f"message must be a string, got {self.message!r}")
        flag(self.stop_training, "stop_training")

    @property
    def diverged(self) -> bool:
        """Stopped at inf/nan (or by ``diverge_factor``), or finished blown up (``blew_up_at``)."""
        return self.diverged_at is not None or self.blew_up_at is not None

    @property
    def steps(self) -> int:
        """The number of updates made."""
        return len(self.losses)

    def as_arrays(self) -> dict:
        """Every list of the history as a numpy array."""
        names = ["lrs", "losses", "epochs", "train_loss", "train_acc", "val_loss", "val_acc"]
        return {n: np.asarray(getattr(self, n), dtype=float) for n in names}

    def __repr__(self) -> str:
        last = ""
        if self.train_loss:
            last = f", train loss {loss_text(self.train_loss[-1])}"
            if self.val_acc:
                last += f", val accuracy {self.val_acc[-1]:.4f}"
        return f"History({len(self.epochs)} epochs, {self.steps} steps{last}; {self.message})"


def _epoch_line(h: History, epochs: int) -> str:
    line = f"epoch {h.epochs[-1]:>3}/{epochs}: train loss {loss_text(h.train_loss[-1])}"
    if h.train_acc:
        line += f", accuracy {h.train_acc[-1]:.4f}"
    if h.val_loss:
        line += f" | validation loss {loss_text(h.val_loss[-1])}"
    if h.val_acc:
        line += f", accuracy {h.val_acc[-1]:.4f}"
    return line
