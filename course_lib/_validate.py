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
    if arr.size == 0:
        raise ValueError(f"{name} must hold at least one coordinate, got an empty array")
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


# --- the shared layer: one small check per kind of argument ----------------------------------
#
# Each check takes ``(value, name)`` (plus options), returns the value in the form the
# library uses, and raises ``ValueError`` whose
# message starts with ``name`` and says what was expected. :func:`checked` applies them to
# a function's arguments, :func:`fields` to a record's fields.

def _is_real(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


def number(value, name: str, *, lo: float | None = None, hi: float | None = None,
           lo_open: bool = False, hi_open: bool = False, allow_none: bool = False,
           allow_nan: bool = False):
    """``value`` as a finite float in the range ``lo .. hi`` (ends closed unless ``*_open``);
    ``None`` passes when ``allow_none``; nan passes when ``allow_nan`` (a result record's
    "diverged" value)."""
    if value is None and allow_none:
        return None
    if not _is_real(value):
        raise ValueError(f"{name} must be a number, got {value!r}")
    value = float(value)
    if allow_nan and value != value:
        return value
    if not np.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    if lo is not None and (value < lo or (lo_open and value == lo)):
        raise ValueError(f"{name} must be {'above' if lo_open else 'at least'} {lo:g}, got {value!r}")
    if hi is not None and (value > hi or (hi_open and value == hi)):
        raise ValueError(f"{name} must be {'below' if hi_open else 'at most'} {hi:g}, got {value!r}")
    return value


def whole(value, name: str, *, minimum: int | None = None, allow_none: bool = False):
    """``value`` as an int (at least ``minimum``); ``None`` passes when ``allow_none``."""
    if value is None and allow_none:
        return None
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be a whole number, got {value!r}")
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value!r}")
    return int(value)


def flag(value, name: str) -> bool:
    """``value`` as a bool: only ``True`` / ``False`` (numpy's too), never ``"no"`` or 1."""
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def text(value, name: str, choices=None, *, allow_none: bool = False):
    """``value`` as a str (one of ``choices`` if given)."""
    if value is None and allow_none:
        return None
    if not isinstance(value, str):
        raise ValueError(f"{name} must be a string, got {value!r}")
    if choices is not None and value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, choices))}, got {value!r}")
    return value


def function(value, name: str, *, allow_none: bool = False):
    """``value`` if it is callable (``None`` too when ``allow_none``)."""
    if value is None and allow_none:
        return None
    if not callable(value):
        raise ValueError(f"{name} must be a function, got {value!r:.60}")
    return value


def array(value, name: str, *, ndim: int | None = None, min_ndim: int | None = None,
          length: int | None = None, min_len: int = 1, finite: bool = True,
          allow_none: bool = False) -> np.ndarray | None:
    """``value`` as a float numpy array: numbers only, ``ndim`` axes (or at least
    ``min_ndim``), a first axis of ``length`` (or at least ``min_len``) entries, and only
    finite entries when ``finite``. Autograd's traced arrays pass through unchanged (only
    their shape is checked), so the check works inside differentiated code."""
    if value is None and allow_none:
        return None
    if isinstance(value, (str, bytes, dict)) or value is None or isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be an array of numbers, got {value!r:.60}")
    traced = hasattr(value, "_value") and hasattr(value, "shape")
    if traced:
        arr = value
    else:
        try:
            arr = np.asarray(value, dtype=float)
        except (TypeError, ValueError):
            raise ValueError(f"{name} must be an array of numbers, got {value!r:.60}") from None
    shape = np.shape(arr)
    if ndim is not None and len(shape) != ndim:
        raise ValueError(f"{name} must have {ndim} {'axis' if ndim == 1 else 'axes'}, got shape {shape}")
    if min_ndim is not None and len(shape) < min_ndim:
        raise ValueError(f"{name} must have at least {min_ndim} axes, got shape {shape}")
    if shape:
        if length is not None and shape[0] != length:
            raise ValueError(f"{name} must have {length} entries along its first axis, got shape {shape}")
        if shape[0] < min_len:
            raise ValueError(f"{name} must hold at least {min_len} "
                             f"{'entry' if min_len == 1 else 'entries'}, got shape {shape}")
    if finite and not traced and not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must hold finite numbers only (no nan or inf)")
    return arr


def tree(value, name: str, *, keys=None, finite: bool = False):
    """``value`` if it is parameters: an array, or a non-empty dict / list / tuple of
    arrays of numbers (nested too), with the given ``keys`` for a dict."""
    if isinstance(value, (str, bytes, bool, np.bool_)) or value is None:
        raise ValueError(f"{name} must be parameters (a dict or list of arrays), got {value!r:.60}")
    if isinstance(value, dict):
        if not value:
            raise ValueError(f"{name} must hold at least one parameter, got an empty dict")
        if keys is not None:
            missing = [k for k in keys if k not in value]
            if missing:
                raise ValueError(f"{name} is missing the key(s) {', '.join(map(repr, missing))}")
        for k, v in value.items():
            tree(v, f"{name}[{k!r}]", finite=finite)
    elif isinstance(value, (list, tuple)):
        if not value:
            raise ValueError(f"{name} must hold at least one parameter, got an empty {type(value).__name__}")
        for i, v in enumerate(value):
            tree(v, f"{name}[{i}]", finite=finite)
    else:
        array(value, name, min_len=0, finite=finite)
    return value


def seed_value(value, name: str = "seed"):
    """``value`` if it can seed a generator: ``None``, a whole number >= 0 or a Generator."""
    if value is None or isinstance(value, np.random.Generator):
        return value
    return whole(value, name, minimum=0)


def checked(**specs):
    """Decorator: run ``specs[name](value, name)`` on each named argument before the call.

    ``@checked(lr=positive_number, steps=count)``; a spec may be ``functools.partial`` of
    a check with options. Missing or unknown arguments give Python's own TypeError, which
    names the argument too.
    """
    import functools
    import inspect

    def deco(fn):
        sig = inspect.signature(fn)

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            bound = sig.bind(*args, **kwargs)
            for name, spec in specs.items():
                if name in bound.arguments:
                    spec(bound.arguments[name], name)
            return fn(*args, **kwargs)

        wrapper.__signature__ = sig
        return wrapper

    return deco


def fields(record, **specs) -> None:
    """Check the fields of a dataclass ``record`` (call it from ``__post_init__``)."""
    for name, spec in specs.items():
        spec(getattr(record, name), name)


def same_length(a, b, name_a: str, name_b: str) -> None:
    """``ValueError`` naming both when ``len(a) != len(b)``."""
    if len(a) != len(b):
        raise ValueError(f"{name_a} and {name_b} must have the same length, got {len(a)} and {len(b)}")


def path_fields(xs, losses, rates) -> None:
    """The fields of a run record: points ``xs`` ``(k, d)``, ``losses`` one per point and
    ``rates`` one per update (``k - 1``); inf/nan values pass (a diverged run)."""
    xs = array(xs, "xs", ndim=2, finite=False)
    if len(array(losses, "losses", ndim=1, min_len=0, finite=False)) != len(xs):
        raise ValueError(f"losses must hold one value per point of xs ({len(xs)}), got {len(losses)}")
    if len(array(rates, "rates", ndim=1, min_len=0, finite=False)) != len(xs) - 1:
        raise ValueError(f"rates must hold one rate per update ({len(xs) - 1}), got {len(rates)}")


def unbroadcast_args(g, shape) -> np.ndarray:
    """The checks of ``autodiff.unbroadcast``: ``shape`` a tuple of sizes, ``g`` an array
    of numbers whose trailing axes can be summed back to ``shape``."""
    if not isinstance(shape, tuple) or not all(
            isinstance(n, (int, np.integer)) and not isinstance(n, bool) and n >= 0 for n in shape):
        raise ValueError(f"shape must be a tuple of sizes such as (2, 3), got {shape!r}")
    if isinstance(g, (str, bytes)) or g is None:
        raise ValueError(f"g must be an array of numbers, got {g!r}")
    g = np.asarray(g, dtype=float)
    tail = g.shape[g.ndim - len(shape):] if len(shape) else ()
    if g.ndim < len(shape) or any(s != 1 and gs != s for s, gs in zip(shape, tail)):
        raise ValueError(f"g of shape {g.shape} cannot be summed back to shape {shape}")
    return g
