"""The machinery of ``tests/test_fuzz_api.py``: find every public callable of course_lib,
call it with valid arguments, then with one argument perturbed at a time, and sort what
happens into named rejections, other exceptions, silent acceptance, RuntimeWarnings and
hangs. The valid arguments and the perturbations that are valid after all live in
``tests/fuzz_cases.py``.
"""
from __future__ import annotations

import contextlib
import dataclasses
import importlib
import inspect
import io
import math
import pkgutil
import re
import signal
import time
import warnings
from collections import Counter

import numpy as np

import course_lib

TIME_LIMIT = 30.0         # seconds per call; longer counts as a hang (generous: CI machines are loaded)


class Hang(Exception):
    pass


def public_callables(skip_packages=()):
    """``{"module.name": object}`` for every public callable defined in a public module of
    course_lib (``__all__`` when the module has one, else every name without ``_``)."""
    found = {}
    for info in pkgutil.walk_packages(course_lib.__path__, "course_lib."):
        parts = info.name.split(".")
        if any(p.startswith("_") for p in parts[1:]):
            continue
        if any(info.name == s or info.name.startswith(s + ".") for s in skip_packages):
            continue
        module = importlib.import_module(info.name)
        names = getattr(module, "__all__", None)
        if names is None:
            names = [n for n in vars(module) if not n.startswith("_")]
        for name in names:
            obj = getattr(module, name)
            if not callable(obj) or getattr(obj, "__module__", None) != module.__name__:
                continue
            if inspect.isclass(obj) and issubclass(obj, BaseException):
                continue
            found[f"{info.name}.{name}"] = obj
    return found


# --- perturbations -----------------------------------------------------------------------------

def _numeric_array(value):
    if isinstance(value, (str, bytes, dict)) or callable(value):
        return None
    try:
        arr = np.asarray(value)
    except Exception:
        return None
    if arr.dtype.kind in "fiu" and arr.ndim >= 1:
        return arr
    return None


def perturbations(value):
    """``[(kind, bad_value), ...]`` for a valid ``value``, chosen by its type."""
    nan, inf = float("nan"), float("inf")
    if isinstance(value, (bool, np.bool_)):
        return [("str", "no"), ("int", 2), ("none", None)]
    if isinstance(value, (int, np.integer)):
        return [("nan", nan), ("inf", inf), ("neg", -1), ("zero", 0), ("float", 1.5),
                ("str", "3"), ("none", None), ("bool", True)]
    if isinstance(value, (float, np.floating)):
        return [("nan", nan), ("inf", inf), ("neg", -1.0), ("zero", 0.0), ("str", "1.0"),
                ("none", None), ("bool", True)]
    if isinstance(value, str):
        return [("str", "nonsense"), ("int", 3), ("none", None)]
    if isinstance(value, dict):
        out = [("empty", {}), ("str", "x"), ("none", None)]
        if value:
            first = next(iter(value))
            out.append(("missing", {k: v for k, v in value.items() if k != first}))
            arr = _numeric_array(value[first])
            if arr is not None or isinstance(value[first], (int, float)):
                bad = dict(value)
                bad[first] = np.full(np.shape(value[first]), nan)
                out.append(("nan", bad))
        return out
    arr = _numeric_array(value)
    if arr is not None and arr.size:
        arr = arr.astype(float)
        with_nan, with_inf = arr.copy(), arr.copy()
        with_nan.flat[0], with_inf.flat[0] = nan, inf
        longer = np.concatenate([arr, arr[:1]], axis=0)
        return [("nan", with_nan), ("inf", with_inf), ("ndim", np.stack([arr] * 3, axis=-1)),
                ("len", longer), ("empty", arr[:0]), ("str", "x"), ("none", None)]
    if isinstance(value, (list, tuple)):
        return [("empty", type(value)()), ("str", "x"), ("none", None), ("int", 3)]
    if callable(value):
        return [("int", 3), ("none", None), ("str", "nonsense")]
    if value is None:
        return [("str", "x"), ("int", 3)]
    return [("none", None), ("str", "x"), ("int", 3)]


# --- one call ----------------------------------------------------------------------------------

def _alarm(signum, frame):
    raise Hang()


def call(fn, kwargs, positional=()):
    """``(outcome, exception, runtime_warnings, seconds)`` of ``fn(*positional, **kwargs)``;
    outcome is "ok", "raised" or "hang"."""
    import matplotlib.pyplot as plt
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, TIME_LIMIT)
    start = time.perf_counter()
    exc, outcome = None, "ok"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                fn(*positional, **kwargs)
        except Hang:
            outcome = "hang"
        except Exception as e:          # noqa: BLE001 - sorting exceptions is the point
            outcome, exc = "raised", e
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old)
    plt.close("all")
    runtime = [w for w in caught if issubclass(w.category, RuntimeWarning)]
    return outcome, exc, runtime, time.perf_counter() - start


def names_argument(exc, name: str) -> bool:
    return (isinstance(exc, (ValueError, TypeError))
            and re.search(rf"(?<![A-Za-z0-9_]){re.escape(name)}(?![A-Za-z0-9_])", str(exc)) is not None)


def defaults(fn) -> dict:
    """The keyword arguments that have defaults in ``fn``'s signature."""
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return {}
    return {n: p.default for n, p in sig.parameters.items()
            if p.default is not inspect.Parameter.empty
            and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}


@dataclasses.dataclass
class Record:
    target: str
    param: str
    kind: str
    outcome: str            # named / other / silent / hang
    detail: str
    warnings: int


def fuzz(cases, skip_packages=()):
    """Run every case; return ``(records, baseline_failures, missing, warning_calls)``."""
    found = public_callables(skip_packages)
    records, baseline_failures, warning_calls = [], [], []
    if hasattr(cases, "prepare"):
        cases.prepare()            # shared fixtures, built once outside the timed calls
    missing = sorted(n for n in found if n not in cases.CASES and n not in cases.SKIP)
    targets = [(n, found[n]) for n in sorted(found) if n in cases.CASES]
    targets += [(n, None) for n in sorted(cases.EXTRA)]
    for name, obj in targets:
        case = cases.CASES[name] if obj is not None else cases.EXTRA[name]
        fn = case.get("fn", obj)
        if "make" in case:
            fn = case["make"]()

        def valid_args(fn=fn, case=case):
            kwargs = defaults(fn)
            kwargs.update(case["args"]() if "args" in case else {})
            return kwargs
        kwargs = valid_args()
        dflt = defaults(fn)
        ok = case.get("ok", {})
        outcome, exc, warns, _ = call(fn, kwargs)
        if warns:
            warning_calls.append((name, "baseline", str(warns[0].message)))
        if outcome != "ok":
            baseline_failures.append((name, outcome, repr(exc)))
            continue
        for param in case.get("perturb", list(kwargs)):
            valid_kinds = ok.get(param, ())
            if valid_kinds == "*":
                continue
            for kind, bad in perturbations(kwargs[param]) + case.get("more", {}).get(param, []):
                if kind in valid_kinds or (kind == "none" and param in dflt
                                           and dflt[param] is None):
                    continue
                if "make" in case:
                    fn = case["make"]()
                bad_kwargs = valid_args()
                bad_kwargs[param] = bad
                outcome, exc, warns, _ = call(fn, bad_kwargs)
                if warns:
                    warning_calls.append((name, f"{param}={kind}", str(warns[0].message)))
                if outcome == "hang":
                    verdict, detail = "hang", ""
                elif outcome == "ok":
                    verdict, detail = "silent", ""
                elif names_argument(exc, case.get("names", {}).get(param, param)):
                    verdict, detail = "named", ""
                else:
                    verdict, detail = "other", f"{type(exc).__name__}: {str(exc)[:120]}"
                records.append(Record(name, param, kind, verdict, detail, len(warns)))
    return records, baseline_failures, missing, warning_calls


def summary(records, warning_calls, by_module: bool = True) -> str:
    counts = Counter(r.outcome for r in records)
    total = len(records)
    lines = [f"{total} invalid calls: {counts['named']} named rejections "
             f"({100 * counts['named'] / max(total, 1):.1f} %), {counts['other']} other exceptions, "
             f"{counts['silent']} silently accepted, {counts['hang']} hangs; "
             f"{len(warning_calls)} calls with RuntimeWarnings"]
    if by_module:
        per = {}
        for r in records:
            mod = r.target.rsplit(".", 1)[0]
            per.setdefault(mod, Counter())[r.outcome] += 1
        for mod, c in sorted(per.items()):
            n = sum(c.values())
            lines.append(f"  {mod:34s} {c['named']:4d}/{n:<4d} named, {c['other']:3d} other, "
                         f"{c['silent']:3d} silent, {c['hang']} hang")
    return "\n".join(lines)
