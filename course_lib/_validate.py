"""Argument checks shared by the modules of course_lib.

Every public function of the course reports bad input with a ``ValueError`` whose
message starts with the name of the offending argument, so a student sees at once
which argument to fix.
"""
from __future__ import annotations

import numbers

import numpy as np


def positive_number(value, name: str, *, allow_zero: bool = False) -> float:
    """Return ``value`` as a float, or raise ``ValueError`` naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a number, got {value!r}")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}")
    if value < 0 or (value == 0 and not allow_zero):
        bound = "non-negative" if allow_zero else "positive"
        raise ValueError(f"{name} must be {bound}, got {value!r}")
    return value


def finite_number(value, name: str) -> float:
    """Return ``value`` as a finite float, or raise ``ValueError`` naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a number, got {value!r}")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return value


def count(value, name: str, *, minimum: int = 1) -> int:
    """Return ``value`` as an int >= ``minimum``, or raise ``ValueError`` naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be a whole number, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value!r}")
    return int(value)


def point(value, name: str, *, dim: int | None = None) -> np.ndarray:
    """Return ``value`` as a finite 1-D float array (of length ``dim`` if given)."""
    try:
        arr = np.array(value, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a sequence of numbers, got {value!r}") from None
    if arr.ndim != 1 or (dim is not None and arr.shape[0] != dim):
        want = f"shape ({dim},)" if dim is not None else "a 1-D array"
        raise ValueError(f"{name} must have {want}, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must contain only finite numbers, got {arr}")
    return arr


def pair_leading(x, name: str = "x"):
    """Check that ``x`` has a leading axis of length 2, as the 2-D test functions need.

    ``x`` may be an autograd box, so only ``shape`` and ``len`` are used.
    """
    shape = getattr(x, "shape", None)
    if shape is None:
        try:
            n = len(x)
        except TypeError:
            raise ValueError(f"{name} must be a point (x1, x2), got {x!r}") from None
    else:
        if len(shape) == 0:
            raise ValueError(f"{name} must have shape (2,) or (2, ...), got a scalar")
        n = shape[0]
    if n != 2:
        raise ValueError(f"{name} must have shape (2,) or (2, ...), got leading length {n}")
