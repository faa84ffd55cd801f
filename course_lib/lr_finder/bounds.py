"""The :class:`Bounds` record: ``base_lr`` and ``max_lr`` for a cyclical schedule read off a
range test (``start_lr`` and the rule in words), unpacking as ``base_lr, max_lr = bounds``.
The rule itself is :func:`course_lib.lr_finder.clr_bounds`.

Used by lesson 06 and, for the bounds of cyclical rates, lessons 07 to 09.
"""
from __future__ import annotations

from dataclasses import dataclass

from .._validate import fields, positive_number, text


@dataclass(frozen=True)
class Bounds:
    """Bounds for a cyclical schedule read off a range test (see :func:`clr_bounds`)."""

    base_lr: float
    max_lr: float
    start_lr: float
    rule: str = ("max_lr: lowest point of the smoothed loss; base_lr: max(max_lr / 4, "
                 "the rate where the loss has fallen by 10% of its drop)")

    def __post_init__(self):
        fields(self, base_lr=positive_number, max_lr=positive_number,
               start_lr=positive_number, rule=text)
        if self.base_lr > self.max_lr:
            raise ValueError(f"base_lr must not exceed max_lr, got base_lr={self.base_lr!r} > "
                             f"max_lr={self.max_lr!r}")

    def __iter__(self):
        return iter((self.base_lr, self.max_lr))
