"""Exercise checkers: call one with your answer, get ✅ or ❌ with a specific hint.

Used by every lesson's exercises. Each lesson has its own module of checkers built on the
generic ones here (``from course_lib.checks import lesson01 as check``).

A checker prints one line and returns a :class:`CheckResult`:

* ``✅`` when the answer is right,
* ``❌`` with what was expected and by how much the answer is off,
* ``⏳ not attempted yet`` when the answer is still the stub (``None`` or ``...``, or a
  function that returns ``None``). This never raises, so an unfinished lesson still runs
  from top to bottom.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable, Optional

import numpy as np

__all__ = [
    "CheckResult", "PASSED", "FAILED", "NOT_ATTEMPTED",
    "is_stub", "report", "brief", "check_number", "check_array", "check_function", "check_between",
]

PASSED, FAILED, NOT_ATTEMPTED = "passed", "failed", "not attempted"
_ICON = {PASSED: "✅", FAILED: "❌", NOT_ATTEMPTED: "⏳"}


@dataclass(frozen=True)
class CheckResult:
    """What a checker found. ``bool(result)`` is True only when the answer passed."""

    status: str
    message: str

    def __bool__(self) -> bool:
        return self.status == PASSED

    def __str__(self) -> str:
        return f"{_ICON[self.status]} {self.message}"

    def _ipython_display_(self) -> None:
        # The checker has printed the line already; showing the result again would repeat it.
        return None


def is_stub(answer) -> bool:
    """True for the values a lesson's stub leaves behind: ``None`` and ``...``."""
    return answer is None or answer is Ellipsis


def report(status: str, message: str) -> CheckResult:
    """Print a result line and return it."""
    result = CheckResult(status, message)
    print(result)
    return result


def _not_attempted(name: str) -> CheckResult:
    return report(NOT_ATTEMPTED, f"{name}: not attempted yet (replace the stub with your answer)")


def _fmt(x) -> str:
    return f"{x:.6g}"


def _number(answer, name: str):
    """The answer as a float, or the (printed) result for a stub or a non-number."""
    if is_stub(answer):
        return _not_attempted(name)
    try:
        return float(np.asarray(answer, dtype=float))
    except (TypeError, ValueError):
        return report(FAILED, f"{name} should be a number, got {answer!r}")


def check_number(answer, expected: float, name: str, *, rtol: float = 1e-6, atol: float = 0.0,
                 hint: str = "") -> CheckResult:
    """Compare a number with the expected value to ``atol + rtol * |expected|``."""
    value = _number(answer, name)
    if isinstance(value, CheckResult):
        return value
    tol = atol + rtol * abs(expected)
    off = value - expected
    if np.isfinite(value) and abs(off) <= tol:
        return report(PASSED, f"{name} = {_fmt(value)} (expected {_fmt(expected)})")
    rel = f" ({abs(off) / abs(expected):.1%} off)" if expected != 0 and np.isfinite(value) else ""
    extra = f" Hint: {hint}" if hint else ""
    return report(FAILED, f"{name} = {_fmt(value)}, expected {_fmt(expected)}: "
                          f"off by {_fmt(off)}{rel}.{extra}")


def check_between(answer, low: float, high: float, name: str, *, hint: str = "") -> CheckResult:
    """Pass when ``low <= answer <= high``."""
    value = _number(answer, name)
    if isinstance(value, CheckResult):
        return value
    if low <= value <= high:
        return report(PASSED, f"{name} = {_fmt(value)} lies in [{_fmt(low)}, {_fmt(high)}]")
    side = "too small" if value < low else "too large"
    extra = f" Hint: {hint}" if hint else ""
    return report(FAILED, f"{name} = {_fmt(value)} is {side}: expected a value in "
                          f"[{_fmt(low)}, {_fmt(high)}].{extra}")


def _compare_arrays(answer, expected, rtol, atol):
    """Return None when close, else a sentence saying how they differ."""
    a = np.asarray(answer, dtype=float)
    e = np.asarray(expected, dtype=float)
    if a.shape != e.shape:
        return f"has shape {a.shape}, expected shape {e.shape}"
    if not np.all(np.isfinite(a)):
        return "contains inf or nan"
    err = np.abs(a - e)
    bad = err > atol + rtol * np.abs(e)
    if not np.any(bad):
        return None
    idx = np.unravel_index(np.argmax(np.where(bad, err, -1.0)), e.shape) if e.ndim else ()
    where = f" at index {tuple(int(i) for i in idx)}" if e.ndim else ""
    return (f"is off by up to {_fmt(err.max())}{where}: got {_fmt(a[idx])}, "
            f"expected {_fmt(e[idx])}")


def check_array(answer, expected, name: str, *, rtol: float = 1e-6, atol: float = 1e-12,
                hint: str = "") -> CheckResult:
    """Compare an array (or a number) elementwise with the expected one."""
    if is_stub(answer):
        return _not_attempted(name)
    try:
        problem = _compare_arrays(answer, expected, rtol, atol)
    except (TypeError, ValueError):
        return report(FAILED, f"{name} should be an array of numbers, got {answer!r}")
    if problem is None:
        return report(PASSED, f"{name} matches the expected values")
    extra = f" Hint: {hint}" if hint else ""
    return report(FAILED, f"{name} {problem}.{extra}")


def check_function(fn: Callable, reference: Callable, inputs: Iterable, name: str, *,
                   rtol: float = 1e-6, atol: float = 1e-12, hint: str = "",
                   show: Optional[Callable] = None) -> CheckResult:
    """Call ``fn`` and ``reference`` on each input (a tuple of arguments) and compare.

    A function that returns ``None`` (the stub's body) counts as not attempted. Inputs are
    quoted in messages with ``show`` (default :func:`brief`: long arrays by their shape).
    """
    show = brief if show is None else show
    if is_stub(fn):
        return _not_attempted(name)
    if not callable(fn):
        return report(FAILED, f"{name} should be a function, got {fn!r}")
    inputs = list(inputs)
    extra = f" Hint: {hint}" if hint else ""
    for args in inputs:
        args = args if isinstance(args, tuple) else (args,)
        try:
            got = fn(*args)
        except Exception as exc:  # the student's code failed: say how, never re-raise
            return report(FAILED, f"{name}{_args(args, show)} raised {type(exc).__name__}: {exc}.{extra}")
        if got is None:
            return _not_attempted(name)
        want = reference(*args)
        try:
            problem = _compare_arrays(got, want, rtol, atol)
        except (TypeError, ValueError):
            problem = f"returned {got!r}, which is not numeric"
        if problem is not None:
            return report(FAILED, f"{name}{_args(args, show)} {problem}.{extra}")
    return report(PASSED, f"{name} agrees with the reference on {len(inputs)} test inputs")


def brief(value) -> str:
    """How a checker quotes an input: ``repr``, but an array longer than 6 by its shape."""
    if isinstance(value, np.ndarray) and value.size > 6:
        return f"<array of shape {value.shape}>"
    return repr(value)


def _args(args, show) -> str:
    return "(" + ", ".join(show(a) for a in args) + ")"
