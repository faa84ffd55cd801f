"""The environment check of lesson 00: are the packages the course needs installed?"""
from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from importlib import metadata
from typing import List

__all__ = ["REQUIRED", "Package", "packages", "versions_table", "summary"]

#: package -> the oldest version the course is tested against (mirrors requirements.txt)
REQUIRED = {
    "numpy": "1.24",
    "autograd": "1.6",
    "matplotlib": "3.7",
    "ipywidgets": "8.1",
    "ipykernel": "6.25",
    "jupyterlab": "4.1",
    "nbval": "0.11",
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

    @property
    def ok(self) -> bool:
        return bool(self.version) and _as_tuple(self.version) >= _as_tuple(self.minimum)


def packages() -> List[Package]:
    """Every required package with its installed version ("" if missing)."""
    found = []
    for name, minimum in REQUIRED.items():
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            version = ""
        found.append(Package(name, version, minimum))
    return found


def versions_table() -> str:
    """A small table of Python and package versions (differs between machines)."""
    rows = [f"{'python':<12} {sys.version.split()[0]}"]
    for p in packages():
        mark = "ok" if p.ok else f"needs >= {p.minimum}"
        rows.append(f"{p.name:<12} {p.version or 'MISSING':<10} {mark}")
    return "\n".join(rows)


def summary() -> str:
    """One line that is the same on every correctly set-up machine."""
    bad = [p for p in packages() if not p.ok]
    if not bad:
        return f"✅ all {len(REQUIRED)} required packages are installed at their minimum version or newer"
    names = ", ".join(f"{p.name} (need >= {p.minimum}, have {p.version or 'none'})" for p in bad)
    return f"❌ fix these before you go on: {names}. Run: pip install -r requirements.txt"
