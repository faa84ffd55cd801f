"""The robust harness under every exercise checker (lessons 00-09).

Student code is called through :func:`call_student`, which

* deep-copies every argument (the reference gets its own copies, so an answer that updates
  its inputs in place neither fails nor fools the comparison);
* runs under a time limit of :data:`TIME_LIMIT` seconds: ``signal.setitimer`` + ``SIGALRM``
  when called from the main thread of a POSIX system (Jupyter runs cells there); elsewhere
  (Windows, a worker thread) there is no limit, documented fallback;
* catches every exception, including those raised inside callables the student passed;
* records what was printed, so "printed instead of returning" can be told apart.
"""
from __future__ import annotations

import contextlib
import copy
import dis
import io
import itertools
import signal
import threading
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Optional

#: seconds student code may run per call (tests lower it to keep the battery fast)
TIME_LIMIT: float = 5.0
#: most items ever taken from an iterator a student returns
MAX_ITEMS: int = 10_000


class StudentTimeout(BaseException):
    """Raised inside student code when it overruns :data:`TIME_LIMIT` (a BaseException, so
    a student's ``except Exception`` cannot swallow it)."""


class WrongForm(Exception):
    """Raised by a checker's ``consume`` step when the result has the wrong form (not the
    student's exception: the message says what to return)."""


@dataclass
class Outcome:
    """The result of one call to student code."""

    value: Any = None
    error: Optional[BaseException] = None
    timed_out: bool = False
    printed: str = ""

    @property
    def ok(self) -> bool:
        return self.error is None and not self.timed_out


def _can_alarm() -> bool:
    return (hasattr(signal, "setitimer") and hasattr(signal, "SIGALRM")
            and threading.current_thread() is threading.main_thread())


@contextlib.contextmanager
def time_limit(seconds: Optional[float] = None):
    """Raise :class:`StudentTimeout` in the block after ``seconds`` (no limit off POSIX main thread)."""
    seconds = TIME_LIMIT if seconds is None else seconds
    if not _can_alarm() or seconds <= 0:
        yield
        return

    def _alarm(signum, frame):
        raise StudentTimeout()

    previous = signal.signal(signal.SIGALRM, _alarm)
    old_delay, old_interval = signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if old_delay:  # an outer timer was running: give it back its remaining time
            signal.setitimer(signal.ITIMER_REAL, old_delay, old_interval)


def copied(args: tuple) -> tuple:
    """Independent deep copies of the arguments (objects that cannot be copied are passed as is)."""
    out = []
    for a in args:
        try:
            out.append(copy.deepcopy(a))
        except Exception:
            out.append(a)
    return tuple(out)


def call_student(fn: Callable, *args, consume: Optional[Callable[[Any], Any]] = None) -> Outcome:
    """Call ``fn(*copies of args)`` under the time limit; ``consume(result)`` (e.g. turning an
    iterator into a bounded list) runs under the same limit. Never raises."""
    buffer = io.StringIO()
    outcome = Outcome()
    try:
        with time_limit():
            with contextlib.redirect_stdout(buffer):
                value = fn(*copied(args))
                if consume is not None and value is not None:
                    value = consume(value)
        outcome.value = value
    except StudentTimeout:
        outcome.timed_out = True
    except RecursionError as exc:
        outcome.error = exc
    except Exception as exc:  # the student's code failed: say how, never re-raise
        outcome.error = exc
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # SystemExit and friends from student code
        outcome.error = exc
    outcome.printed = buffer.getvalue()
    return outcome


def take(iterable: Iterable, limit: Optional[int] = None) -> list:
    """At most ``limit`` (default :data:`MAX_ITEMS`) + 1 items of ``iterable`` as a list."""
    limit = MAX_ITEMS if limit is None else limit
    return list(itertools.islice(iter(iterable), limit + 1))


_TRIVIAL = {"RESUME", "NOP", "CACHE", "PRECALL"}


def is_unchanged_stub(fn: Any) -> bool:
    """True for a function whose body is only ``...``/``pass`` (and a docstring): the lesson's stub."""
    code = getattr(fn, "__code__", None)
    if code is None:
        return False
    try:
        ops = [i for i in dis.get_instructions(code) if i.opname not in _TRIVIAL]
    except Exception:
        return False
    if len(ops) == 1 and ops[0].opname == "RETURN_CONST":
        return ops[0].argval is None
    if len(ops) == 2 and ops[0].opname == "LOAD_CONST" and ops[1].opname == "RETURN_VALUE":
        return ops[0].argval is None
    return False


def describe_failure(outcome: Outcome, call: str) -> str:
    """The sentence for a timed-out or raising call (without the leading icon)."""
    if outcome.timed_out:
        return (f"{call} did not return within {TIME_LIMIT:g} s: an infinite loop? "
                f"(check that every loop ends, e.g. a `while` whose condition changes)")
    exc = outcome.error
    if isinstance(exc, WrongForm):
        return f"{call}: {exc}"
    text = str(exc)
    if len(text) > 160:
        text = text[:157] + "..."
    hint = _ERROR_HINTS.get(type(exc).__name__, "read the message and test your function on "
                                                   "a small input in its own cell")
    return f"{call} raised {type(exc).__name__}: {text}. Hint: {hint}"


_ERROR_HINTS = {
    "NameError": "a name is misspelt or defined in a cell you have not run",
    "ZeroDivisionError": "something divides by zero: check a denominator at t = 0 or with decay = 0",
    "TypeError": "check the number and kind of the arguments and what you return",
    "IndexError": "an index runs past the end: check the ranges of your loops and slices",
    "ValueError": "check the shapes of the arrays you combine",
    "RecursionError": "a function calls itself without end",
    "AttributeError": "check the type of the object (an array? a tuple?)",
}


def none_message(name: str, outcome: Outcome) -> str:
    """The sentence for written code that returned ``None``."""
    if outcome.printed.strip():
        return (f"{name} printed its result but returned None: use `return` instead of "
                f"`print` so the checker (and your later code) gets the value")
    return f"{name} returned None: did you forget `return`?"
