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

import functools
from dataclasses import dataclass
from typing import Callable, Iterable, Optional

import numpy as np

from . import _harness
from ._harness import call_student, describe_failure, is_unchanged_stub, none_message, take

__all__ = [
    "CheckResult", "PASSED", "FAILED", "NOT_ATTEMPTED",
    "is_stub", "report", "brief", "check_number", "check_array", "check_function", "check_between",
    "call_student", "take", "never_raises", "fmt_pair", "catalogue",
]


def catalogue(*mistakes, rtol: float = 1e-9, atol: float = 1e-12) -> Callable:
    """A ``diagnose`` for :func:`check_function` from ``(hint, wrong_fn)`` pairs: the hint of
    the first typical wrong answer ``wrong_fn(*args)`` that the student's result matches."""
    def diagnose(got, args):
        for hint, wrong in mistakes:
            try:
                w = np.asarray(wrong(*_harness.copied(args)), dtype=float)
                g = np.asarray(got, dtype=float)
                if g.shape == w.shape and np.allclose(g, w, rtol=rtol, atol=atol, equal_nan=True):
                    return hint
            except Exception:
                continue
        return None
    return diagnose

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
    try:
        return f"{x:.6g}"
    except (TypeError, ValueError):
        return brief(x)


def fmt_pair(a: float, b: float) -> tuple:
    """``a`` and ``b`` printed with just enough digits (up to 17) to tell them apart."""
    for digits in (6, 9, 12, 17):
        sa, sb = f"{a:.{digits}g}", f"{b:.{digits}g}"
        if sa != sb or a == b:
            return sa, sb
    return sa, sb


def never_raises(checker: Callable) -> Callable:
    """Decorator for a checker: whatever happens inside, print ❌ and return instead of raising."""
    @functools.wraps(checker)
    def wrapper(*args, **kwargs):
        try:
            return checker(*args, **kwargs)
        except _harness.StudentTimeout:
            return report(FAILED, f"{checker.__name__}: your code did not return within "
                                  f"{_harness.TIME_LIMIT:g} s: an infinite loop?")
        except Exception as exc:  # a checker never raises, whatever the student writes
            return report(FAILED, f"{checker.__name__} could not use your answer: "
                                  f"{type(exc).__name__}: {str(exc)[:160]}")
    return wrapper


def _number(answer, name: str):
    """The answer as a float, or the (printed) result for a stub or a non-number."""
    if is_stub(answer):
        return _not_attempted(name)
    if isinstance(answer, (bool, np.bool_)):
        return report(FAILED, f"{name} should be a number, got {answer!r}")
    try:
        return float(np.asarray(answer, dtype=float))
    except (TypeError, ValueError, OverflowError):
        pass
    if callable(answer):
        return report(FAILED, f"{name} should be a number, not a function: call it, or "
                              f"give the value it computes")
    return report(FAILED, f"{name} should be one number, got {brief(answer)}")


def _named_mistake(value: float, mistakes, rtol: float):
    for wrong, hint in mistakes or ():
        if np.isfinite(value) and np.isclose(value, wrong, rtol=max(rtol, 1e-9), atol=1e-15):
            return hint
    return None


def check_number(answer, expected: float, name: str, *, rtol: float = 1e-6, atol: float = 0.0,
                 hint: str = "", mistakes=()) -> CheckResult:
    """Compare a number with the expected value to ``atol + rtol * |expected|``.

    ``mistakes`` lists ``(wrong_value, hint)`` pairs: an answer equal to a typical wrong value
    is told what it is (without the expected value)."""
    value = _number(answer, name)
    if isinstance(value, CheckResult):
        return value
    tol = atol + rtol * abs(expected)
    off = value - expected
    if np.isfinite(value) and abs(off) <= tol:
        return report(PASSED, f"{name} = {_fmt(value)} (expected {_fmt(expected)})")
    named = _named_mistake(value, mistakes, rtol)
    if named:
        extra = f" Hint: {hint}" if hint else ""
        return report(FAILED, f"{name} = {_fmt(value)}: {named}.{extra}")
    got, want = fmt_pair(value, expected)
    rel = ""
    if expected != 0 and np.isfinite(value) and abs(off) / abs(expected) >= 0.001:
        rel = f" ({abs(off) / abs(expected):.1%} off)"
    extra = f" Hint: {hint}" if hint else ""
    return report(FAILED, f"{name} = {got}, expected {want}: "
                          f"off by {_fmt(off)}{rel}.{extra}")


def check_between(answer, low: float, high: float, name: str, *, hint: str = "",
                  mistakes=()) -> CheckResult:
    """Pass when ``low <= answer <= high`` (``mistakes`` as in :func:`check_number`)."""
    value = _number(answer, name)
    if isinstance(value, CheckResult):
        return value
    named = _named_mistake(value, mistakes, 1e-3)
    if named and not (low <= value <= high):
        side = "too small" if value < low else "too large"
        return report(FAILED, f"{name} = {_fmt(value)} is {side}: {named}")
    if low <= value <= high:
        return report(PASSED, f"{name} = {_fmt(value)} lies in [{_fmt(low)}, {_fmt(high)}]")
    side = "too small" if value < low else "too large"
    extra = f" Hint: {hint}" if hint else ""
    return report(FAILED, f"{name} = {_fmt(value)} is {side}: expected a value in "
                          f"[{_fmt(low)}, {_fmt(high)}].{extra}")


def _compare_arrays(answer, expected, rtol, atol, label: Optional[Callable] = None):
    """Return None when close, else a sentence saying how they differ.

    ``label(index)`` names an element by meaning (e.g. ``"new_velocity[1]"``); the default
    says ``"element (0, 1)"``.
    """
    e = np.asarray(expected, dtype=float)
    if isinstance(answer, np.ndarray) and answer.size > 100 * max(e.size, 1):
        return f"has {answer.size} values, expected {e.size}"
    a = np.asarray(answer, dtype=float)
    if a.shape != e.shape:
        return f"has shape {a.shape}, expected shape {e.shape}"
    if not np.all(np.isfinite(a)) and np.all(np.isfinite(e)):
        return "contains inf or nan"
    err = np.abs(a - e)
    err = np.where(np.isnan(err), np.inf, err)
    bad = err > atol + rtol * np.abs(e)
    if not np.any(bad):
        return None
    idx = np.unravel_index(np.argmax(np.where(bad, err, -1.0)), e.shape) if e.ndim else ()
    got, want = fmt_pair(float(a[idx]), float(e[idx]))
    if not e.ndim:
        return f"is off by up to {_fmt(float(err))}: got {got}, expected {want}"
    index = tuple(int(i) for i in idx)
    where = label(index) if label is not None else (
        f"index {index}")
    return f"is off by up to {_fmt(float(err[idx]))} at {where}: got {got}, expected {want}"


def check_array(answer, expected, name: str, *, rtol: float = 1e-6, atol: float = 1e-12,
                hint: str = "") -> CheckResult:
    """Compare an array (or a number) elementwise with the expected one."""
    if is_stub(answer):
        return _not_attempted(name)
    try:
        problem = _compare_arrays(answer, expected, rtol, atol)
    except (TypeError, ValueError):
        return report(FAILED, f"{name} should be an array of numbers, got {brief(answer)}")
    if problem is None:
        return report(PASSED, f"{name} matches the expected values")
    extra = f" Hint: {hint}" if hint else ""
    return report(FAILED, f"{name} {problem}.{extra}")


def check_function(fn: Callable, reference: Callable, inputs: Iterable, name: str, *,
                   rtol: float = 1e-6, atol: float = 1e-12, hint: str = "",
                   show: Optional[Callable] = None, label: Optional[Callable] = None,
                   convert: Optional[Callable] = None,
                   diagnose: Optional[Callable] = None,
                   error_hint: Optional[Callable] = None) -> CheckResult:
    """Call ``fn`` and ``reference`` on each input (a tuple of arguments) and compare.

    Each call gets its own deep copies of the inputs; the student's call runs under
    :data:`course_lib.checks._harness.TIME_LIMIT`. The untouched stub counts as not attempted;
    written code returning ``None`` is ❌ "did you forget `return`?". ``convert(value)`` turns
    the student's result into the reference's form (it runs under the time limit, so it may
    consume an iterator); ``diagnose(got, args)`` returns the hint naming a catalogued mistake
    or ``None``; ``label(index)`` names an output element. Inputs are quoted with ``show``
    (default :func:`brief`). Never raises.
    """
    show = brief if show is None else show
    if is_stub(fn):
        return _not_attempted(name)
    if not callable(fn):
        return report(FAILED, f"{name} should be a function (def {name}(...): ... return ...), "
                              f"got {brief(fn)}")
    inputs = list(inputs)
    extra = f" Hint: {hint}" if hint else ""
    for args in inputs:
        args = args if isinstance(args, tuple) else (args,)
        call = f"{name}{_args(args, show)}"
        outcome = call_student(fn, *args, consume=convert)
        if not outcome.ok:
            special = None
            if error_hint is not None and outcome.error is not None:
                try:
                    special = error_hint(outcome.error, args)
                except Exception:
                    special = None
            if special:
                return report(FAILED, f"{call} raised {type(outcome.error).__name__}. Hint: {special}")
            return report(FAILED, describe_failure(outcome, call))
        got = outcome.value
        if got is None:
            if is_unchanged_stub(fn) and not outcome.printed:
                return _not_attempted(name)
            return report(FAILED, none_message(call, outcome))
        try:
            want = reference(*_harness.copied(args))
            problem = _compare_arrays(got, want, rtol, atol, label)
        except (TypeError, ValueError, OverflowError):
            problem = f"returned {brief(got)}, which is not numeric like the expected result"
        if problem is not None:
            named = None
            if diagnose is not None:
                try:
                    named = diagnose(got, _harness.copied(args))
                except Exception:
                    named = None
            tip = f" Hint: {named}" if named else extra
            return report(FAILED, f"{call} {problem}.{tip}")
    return report(PASSED, f"{name} agrees with the reference on {len(inputs)} test inputs")


def brief(value) -> str:
    """How a checker quotes a value: ``repr``, but an array longer than 6 by its shape and
    anything else cut to 60 characters (so a message stays a line or two)."""
    if isinstance(value, np.ndarray) and value.size > 6:
        return f"<array of shape {value.shape}>"
    if isinstance(value, (list, tuple)) and len(value) > 6:
        return f"<{type(value).__name__} of {len(value)} items>"
    try:
        text = repr(value)
    except Exception:
        text = f"<{type(value).__name__}>"
    return text if len(text) <= 60 else text[:57] + "..."


def _args(args, show) -> str:
    return "(" + ", ".join(show(a) for a in args) + ")"
