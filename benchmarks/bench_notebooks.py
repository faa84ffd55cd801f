#!/usr/bin/env python3
"""How long each notebook takes to execute on a fresh kernel (prints numbers, asserts nothing).

    python benchmarks/bench_notebooks.py            # every notebook in solutions/ and lessons/
    python benchmarks/bench_notebooks.py 01 05      # only those whose name starts with 01 or 05

The course's budget: each notebook under 20 s on the 2-core reference machine.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
BUDGET_S = 20.0


def run(path: Path) -> float:
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    client.execute()
    return time.perf_counter() - start


def main(prefixes) -> None:
    paths = [p for folder in ("solutions", "lessons") for p in sorted((ROOT / folder).glob("*.ipynb"))
             if not prefixes or any(p.name.startswith(x) for x in prefixes)]
    print(f"{'notebook':<50} {'seconds':>8}  budget {BUDGET_S:.0f} s")
    total = 0.0
    for path in paths:
        seconds = run(path)
        total += seconds
        flag = "" if seconds < BUDGET_S else "  OVER BUDGET"
        print(f"{path.parent.name + '/' + path.name:<50} {seconds:8.2f}{flag}", flush=True)
    print(f"{'total':<50} {total:8.2f}")


if __name__ == "__main__":
    main(sys.argv[1:])
