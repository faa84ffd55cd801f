"""The environment check of lesson 00: are the packages the lessons need installed?

Two groups, because two kinds of people run the course:

* ``REQUIRED``: what the lessons themselves import (the dependencies of ``course_lib`` in
  pyproject.toml, and the kernel that runs a notebook). A student who installed only
  ``course_lib`` into a working Jupyter has all of them; a missing one is a ❌.
* ``INSTRUCTOR``: the tools that verify the course (pytest, nbval, the front-ends the
  browser tests open). They are listed for information and never turn the summary red.

A third group, ``FRAMEWORKS`` (Keras and JAX), is what lesson 10 alone needs: they come
with requirements.txt but not with ``pip install -e .``, so they are reported (with the
Keras backend lesson 10 will use) without turning the summary red either.

The minimum versions mirror requirements.txt and pyproject.toml (a test keeps them equal);
they are the oldest versions the course's CI verifies (``tests/floors.txt``).
"""
from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from importlib import metadata
from typing import Dict, List

__all__ = ["PYTHON", "REQUIRED", "INSTRUCTOR", "FRAMEWORKS", "Package", "packages",
           "keras_backend", "versions_table", "summary"]

#: the oldest Python the course is verified on
PYTHON = "3.10"

#: package -> oldest version, for what the lessons import
REQUIRED: Dict[str, str] = {
    "numpy": "2.0",
    "autograd": "1.9",
    "matplotlib": "3.8.4",
    "ipywidgets": "8.1",
    "ipykernel": "6.25",
}

#: package -> oldest version, for verifying the course (instructors; not needed to learn)
INSTRUCTOR: Dict[str, str] = {
    "jupyterlab": "4.1",
    "nbval": "0.11",
    "pytest": "8.0",
}

#: package -> oldest version, for lesson 10 only (Keras 3 on the JAX backend)
FRAMEWORKS: Dict[str, str] = {
    "keras": "3.10",
    "jax": "0.6.2",
}


def _as_tuple(version: str) -> tuple:
    """'1.26.4' -> (1, 26, 4); '2.0.0rc1' -> (2, 0, 0); '1.23rc1' -> (1, 23) (release part only)."""
    parts = []
    for piece in version.split("."):
        match = re.match(r"\d+", piece)
        if not match:
            break
        parts.append(int(match.group()))
        if match.group() != piece:
            break
    return tuple(parts)


@dataclass(frozen=True)
class Package:
    name: str
    version: str  # "" when not installed
    minimum: str

    def __post_init__(self):
        for name in ("name", "version", "minimum"):
            if not isinstance(getattr(self, name), str):
                raise ValueError(f"{name} must be a string, got {getattr(self, name)!r}")

    @property
    def ok(self) -> bool:
        return bool(self.version) and _as_tuple(self.version) >= _as_tuple(self.minimum)


def _found(wanted: Dict[str, str]) -> List[Package]:
    found = []
    for name, minimum in wanted.items():
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            version = ""
        found.append(Package(name, version, minimum))
    return found


def packages(instructor: bool = False, frameworks: bool = False) -> List[Package]:
    """Every package the lessons need (or, with ``instructor=True``, the test tools; with
    ``frameworks=True``, lesson 10's Keras and JAX), with its installed version ("" if
    missing)."""
    if not isinstance(instructor, bool):
        raise TypeError(f"instructor must be True or False, got {instructor!r}")
    if not isinstance(frameworks, bool):
        raise TypeError(f"frameworks must be True or False, got {frameworks!r}")
    if instructor and frameworks:
        raise ValueError("instructor and frameworks: ask for one group at a time")
    return _found(INSTRUCTOR if instructor else FRAMEWORKS if frameworks else REQUIRED)


def keras_backend() -> str:
    """The Keras backend lesson 10 will run on, without importing Keras: ``KERAS_BACKEND``
    if set, else ``"jax"`` (what ``course_lib.frameworks`` sets)."""
    return os.environ.get("KERAS_BACKEND", "jax")


def _python_ok() -> bool:
    return sys.version_info[:2] >= _as_tuple(PYTHON)


def versions_table() -> str:
    """A small table of Python and package versions (differs between machines)."""
    python = sys.version.split()[0]
    rows = [f"{'python':<12} {python:<10} {'ok' if _python_ok() else f'needs >= {PYTHON}'}"]
    for p in packages():
        mark = "ok" if p.ok else f"needs >= {p.minimum}"
        rows.append(f"{p.name:<12} {p.version or 'MISSING':<10} {mark}")
    rows.append("for lesson 10 (Keras on the JAX backend; not needed for lessons 00-09):")
    for p in packages(frameworks=True):
        mark = "ok" if p.ok else f"lesson 10 needs >= {p.minimum}"
        rows.append(f"{p.name:<12} {p.version or 'not installed':<10} {mark}")
    backend = keras_backend()
    rows.append(f"{'backend':<12} {backend:<10} "
                f"{'ok' if backend == 'jax' else 'lesson 10 needs jax: unset KERAS_BACKEND'}")
    rows.append("for instructors (verifying the course; not needed for the lessons):")
    for p in packages(instructor=True):
        mark = "ok" if p.ok else f"optional, tests need >= {p.minimum}"
        rows.append(f"{p.name:<12} {p.version or 'not installed':<10} {mark}")
    return "\n".join(rows)


def summary() -> str:
    """One line that is the same on every correctly set-up machine."""
    bad = [f"{p.name} (need >= {p.minimum}, have {p.version or 'none'})"
           for p in packages() if not p.ok]
    if not _python_ok():
        bad.insert(0, f"python (need >= {PYTHON}, have {sys.version.split()[0]})")
    if not bad:
        lesson10 = all(p.ok for p in packages(frameworks=True)) and keras_backend() == "jax"
        return (f"✅ Python {PYTHON}+ and all {len(REQUIRED)} packages the lessons need are "
                f"installed at their minimum version or newer"
                + ("; Keras and JAX for lesson 10 too" if lesson10 else
                   "; lesson 10 also needs keras and jax (pip install -r requirements.txt) "
                   "and KERAS_BACKEND unset or jax"))
    return (f"❌ fix these before you go on: {', '.join(bad)}. "
            f"Run: pip install -r requirements.txt")
