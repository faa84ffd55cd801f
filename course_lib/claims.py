"""Executable claims: a sentence of the prose, checked by the cell that computes it.

Every lesson uses this. When the markdown says something qualitative about a computed
result ("valley is the steadiest", "the ensemble does not win", "below the limit"), the
code cell before it states the same sentence as a claim::

    from course_lib.claims import claim
    claim("the time-based decay ends lower than lr = 0.1", loss_decay < loss_fixed)

It prints ``✓ the time-based decay ends lower than lr = 0.1`` while the sentence holds,
and ``✗ no longer true: ...`` the day it stops holding. The notebooks are committed with
their outputs and checked by strict nbval, so a claim that turns false fails the
instructor's test run, and a reader never meets a sentence the numbers contradict.

A false claim does not raise: a student who changes a number and re-runs the lesson
sees the ``✗`` line, and the rest of the notebook still runs.
"""
from __future__ import annotations

import numbers

import numpy as np

__all__ = ["claim", "Claim", "HOLDS", "BROKEN"]

#: the marks printed in front of a claim that holds / no longer holds
HOLDS, BROKEN = "✓", "✗ no longer true:"


def _as_bool(holds, name: str) -> bool:
    """``holds`` as a plain bool; a bool, a numpy bool or a 0-d boolean array only."""
    if isinstance(holds, (bool, np.bool_)):
        return bool(holds)
    if isinstance(holds, np.ndarray) and holds.shape == () and holds.dtype == bool:
        return bool(holds)
    if isinstance(holds, np.ndarray):
        raise TypeError(f"{name} must be one True/False value, got an array of shape "
                        f"{holds.shape}: combine it with .all() or .any() first")
    if isinstance(holds, numbers.Number):
        raise TypeError(f"{name} must be True or False, got the number {holds!r}: "
                        f"write the comparison, e.g. `value < limit`")
    raise TypeError(f"{name} must be True or False, got {type(holds).__name__} {holds!r}")


class Claim:
    """What :func:`claim` returns: truthy when the claim held. It shows nothing when it is
    the last line of a cell (the line was printed already), so no stray ``True`` appears."""

    __slots__ = ("statement", "holds")

    def __init__(self, statement: str, holds: bool):
        if not isinstance(statement, str) or not statement.strip():
            raise ValueError(f"statement must be a sentence (a non-empty string), got {statement!r}")
        self.statement, self.holds = statement, _as_bool(holds, "holds")

    def __bool__(self) -> bool:
        return self.holds

    def __eq__(self, other) -> bool:
        return bool(self) == bool(other) if isinstance(other, (bool, np.bool_, Claim)) else NotImplemented

    def __hash__(self) -> int:
        return hash((self.statement, self.holds))

    def __repr__(self) -> str:
        return f"Claim({self.statement!r}, holds={self.holds})"

    def _ipython_display_(self) -> None:
        return None


def claim(statement: str, holds) -> Claim:
    """Print ``✓ statement`` if ``holds`` is True, else ``✗ no longer true: statement``.

    ``statement`` is the sentence as the prose makes it (one line, no trailing newline);
    ``holds`` is the comparison that makes it true (a bool or numpy bool). Returns a
    :class:`Claim`, truthy when it held, so claims can be combined (``all(...)``).
    """
    if not isinstance(statement, str) or not statement.strip():
        raise ValueError(f"statement must be a non-empty sentence, got {statement!r}")
    if "\n" in statement:
        raise ValueError("statement must be one line (strict nbval compares it as printed)")
    ok = _as_bool(holds, "holds")
    print(f"{HOLDS if ok else BROKEN} {statement.strip()}")
    return Claim(statement.strip(), ok)
