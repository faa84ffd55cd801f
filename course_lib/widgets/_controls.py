"""Controls built from checked values, and small verdict helpers the explorers share.

An ipywidgets slider silently clamps a value outside its range (``gd_explorer(lr=100)``
would run at 1) and rejects a bad type with a traitlets ``TraitError`` about "value".
:func:`control` checks the value first and raises a ``ValueError`` that names the
explorer's argument (``"lr must be between 0.001 and 1, got 100"``), then builds the
widget. The checks are plain functions, tested in ``tests/test_widgets.py``.
"""
from __future__ import annotations

import math
import numbers

import ipywidgets as W
import numpy as np

__all__ = ["control", "check_number", "check_whole", "check_choice", "check_flag",
           "check_pair", "fmt"]


def fmt(x: float) -> str:
    """A short, plain rendering of a number for messages and status lines: ``0.001``,
    ``1.5``, ``1e12``; a huge or non-finite value is said in words, never printed with
    hundreds of digits."""
    x = float(x)
    if math.isnan(x):
        return "not a number"
    if math.isinf(x):
        return "infinite" if x > 0 else "minus infinite"
    text = f"{x:.4g}"
    if "e" in text:                       # 1e-09 -> 1e-9, 1e+12 -> 1e12
        mant, exp = text.split("e")
        text = f"{mant}e{int(exp)}"
    return text


def _is_number(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


def check_number(value, name: str, lo: float, hi: float) -> float:
    """``value`` as a float in ``[lo, hi]``, or ``ValueError`` naming ``name``."""
    if not _is_number(value):
        raise ValueError(f"{name} must be a number, got {value!r}")
    given, value = value, float(value)
    # rounding slack relative to each bound (a range 1 .. 1e12 must not admit -1)
    lo_slack, hi_slack = 1e-9 * max(abs(lo), 1e-300), 1e-9 * max(abs(hi), 1e-300)
    if not (math.isfinite(value) and lo - lo_slack <= value <= hi + hi_slack):
        raise ValueError(f"{name} must be between {fmt(lo)} and {fmt(hi)}, got {given!r}")
    return value


def check_whole(value, name: str, lo: int, hi: int) -> int:
    """``value`` as an int in ``[lo, hi]``, or ``ValueError`` naming ``name``."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be a whole number, got {value!r}")
    if not lo <= value <= hi:
        raise ValueError(f"{name} must be between {lo} and {hi}, got {value!r}")
    return int(value)


def check_choice(value, name: str, options):
    """``value`` if it is one of ``options`` (values of ``(label, value)`` pairs count)."""
    values = [o[1] if isinstance(o, tuple) and len(o) == 2 else o for o in options]
    try:
        # True == 1 in Python: a bool is one of the options only if the options are bools
        ok = value in values and (not isinstance(value, (bool, np.bool_))
                                  or any(isinstance(v, (bool, np.bool_)) for v in values))
    except Exception:  # e.g. an array compared with strings
        ok = False
    if not ok:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, values))}, got {value!r}")
    return value


def check_flag(value, name: str) -> bool:
    """``value`` as a bool (True/False only), or ``ValueError`` naming ``name``."""
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def check_pair(value, name: str, lo: float, hi: float) -> tuple:
    """``value`` as ``(low, high)`` with ``lo <= low <= high <= hi``."""
    try:
        a, b = value
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a pair (low, high), got {value!r}") from None
    a = check_number(a, f"{name}[0]", lo, hi)
    b = check_number(b, f"{name}[1]", lo, hi)
    if a > b:
        raise ValueError(f"{name} must be (low, high) with low <= high, got {value!r}")
    return a, b


def control(cls, name: str, value, **kwargs):
    """Build the widget ``cls(value=value, **kwargs)`` after checking ``value`` against the
    widget's range or options; a bad value raises ``ValueError`` naming ``name``.

    ``FloatLogSlider`` ranges are ``base ** min`` to ``base ** max`` (what the student
    types), ``SelectMultiple`` takes a tuple of options, the others a single value."""
    if cls is W.FloatLogSlider:
        base = kwargs.get("base", 10.0)
        value = check_number(value, name, base ** kwargs["min"], base ** kwargs["max"])
    elif cls is W.FloatSlider:
        value = check_number(value, name, kwargs["min"], kwargs["max"])
    elif cls is W.IntSlider:
        value = check_whole(value, name, kwargs["min"], kwargs["max"])
    elif cls is W.FloatRangeSlider:
        value = check_pair(value, name, kwargs["min"], kwargs["max"])
    elif cls is W.Checkbox:
        value = check_flag(value, name)
    elif cls is W.SelectMultiple:
        if isinstance(value, str):
            value = (value,)
        try:
            value = tuple(value)
        except TypeError:
            raise ValueError(f"{name} must be a sequence of names, got {value!r}") from None
        for v in value:
            check_choice(v, name, kwargs["options"])
    elif cls in (W.Dropdown, W.ToggleButtons, W.SelectionSlider):
        value = check_choice(value, name, kwargs["options"])
    else:  # pragma: no cover - a control type no explorer uses yet
        raise TypeError(f"control() does not know how to check a {cls.__name__}")
    return cls(value=value, **kwargs)


def first_outside(xs, xlim, ylim):
    """The index of the first point of the path ``xs`` (``(n, 2)``) outside the box
    ``xlim`` x ``ylim`` (or not finite), or ``None`` when the whole path is inside."""
    xs = np.asarray(xs, dtype=float).reshape(-1, 2)
    with np.errstate(invalid="ignore"):
        inside = ((xs[:, 0] >= xlim[0]) & (xs[:, 0] <= xlim[1]) &
                  (xs[:, 1] >= ylim[0]) & (xs[:, 1] <= ylim[1]))
    out = np.flatnonzero(~inside)
    return int(out[0]) if out.size else None
