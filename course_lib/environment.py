"""The environment check of lesson 00: are the packages the lessons need installed?

Two groups, because two kinds of people run the course:

* ``REQUIRED``: what the lessons themselves import (the dependencies of ``course_lib`` in
  pyproject.toml, and the kernel that runs a notebook). A student who installed only
  ``course_lib`` into a working Jupyter has all of them; a missing one is a ❌.
* ``INSTRUCTOR``: the tools that verify the course (pytest, nbval, the front-ends the
  browser tests open). They are listed for information and never turn the summary red.

The minimum versions mirror requirements.txt and pyproject.toml (a test keeps them equal);
they are the oldest versions the course's CI verifies (``tests/floors.txt``).
"""
from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from importlib import metadata
from typing import Dict, List

__all__ = ["PYTHON", "REQUIRED", "INSTRUCTOR", "Package", "packages", "versions_table", "summary"]

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


def packages(instructor: bool = False) -> List[Package]:
    """Every package the lessons need (or, with ``instructor=True``, the test tools),
    with its installed version ("" if missing)."""
    if not isinstance(instructor, bool):
        raise TypeError(f"instructor must be True or False, got {instructor!r}")
    return _found(INSTRUCTOR if instructor else REQUIRED)


def _python_ok() -> bool:
    return sys.version_info[:2] >= _as_tuple(PYTHON)


def versions_table() -> str:
    """A small table of Python and package versions (differs between machines)."""
    python = sys.version.split()[0]
    rows = [f"{'python':<12} {python:<10} {'ok' if _python_ok() else f'needs >= {PYTHON}'}"]
    for p in packages():
        mark = "ok" if p.ok else f"needs >= {p.minimum}"
        rows.append(f"{p.name:<12} {p.version or 'MISSING':<10} {mark}")
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
        return (f"✅ Python {PYTHON}+ and all {len(REQUIRED)} packages the lessons need are "
                f"installed at their minimum version or newer")
    return (f"❌ fix these before you go on: {', '.join(bad)}. "
            f"Run: pip install -r requirements.txt")
