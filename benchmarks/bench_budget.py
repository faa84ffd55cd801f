#!/usr/bin/env python3
"""The course's whole performance budget in one run. Prints numbers, asserts nothing.

    python benchmarks/bench_budget.py                 # everything, tests = `python -m pytest`
    python benchmarks/bench_budget.py --readme        # tests = the README's whole test command
    python benchmarks/bench_budget.py --skip tests notebooks

Measures, in this order:

1. import time of ``course_lib`` and ``course_lib.widgets`` in a fresh interpreter
   (``python -X importtime``), and which heavy libraries each import pulls in;
2. in-process update time of every control of every explorer (bench_widgets.py);
3. execution time of every notebook in solutions/ and lessons/ on a fresh kernel
   (bench_notebooks.py);
4. the time of the test suite: ``python -m pytest`` in this environment, or with
   ``--readme`` the README's test command (venv, install, every test; slow).

and ends with a Markdown table of the figures against the budget (the one in
benchmarks/README.md).
"""
from __future__ import annotations

import argparse
import os
import platform
import re
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

#: libraries worth knowing about when they are imported
HEAVY = ("numpy", "autograd", "matplotlib", "ipywidgets", "PIL", "scipy", "IPython", "pandas",
         "torch", "sklearn")

BUDGET = {"import_course_lib_ms": 300.0, "import_widgets_ms": 1500.0, "widget_ms": 30.0,
          "notebook_s": 20.0}


def import_time(module: str) -> dict:
    """Cumulative import time of ``module`` (from ``-X importtime``), the wall time of the
    whole interpreter, and the heavy top-level libraries it loaded (with their times)."""
    env = dict(os.environ)
    env.pop("MPLBACKEND", None)
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-X", "importtime", "-c", f"import {module}"],
                          capture_output=True, text=True, cwd=str(ROOT), env=env)
    wall = time.perf_counter() - start
    if proc.returncode:
        raise RuntimeError(f"import {module} failed:\n{proc.stderr[-2000:]}")
    cumulative, heavy = {}, {}
    for line in proc.stderr.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)", line)
        if not m:
            continue
        name, cum = m.group(4), int(m.group(2))
        cumulative[name] = cum  # the last line of a module is its own total
        top = name.split(".")[0]
        if top in HEAVY and name == top:
            heavy[top] = cum / 1e3
    return {"module": module, "ms": cumulative.get(module, float("nan")) / 1e3,
            "wall_s": wall, "heavy": heavy}


def time_tests(readme: bool) -> dict:
    if readme:
        cmd = subprocess.run([sys.executable, str(ROOT / "tools" / "readme_command.py"), "test"],
                             capture_output=True, text=True, check=True).stdout.strip()
        argv, label = ["bash", "-c", cmd], "README test command"
    else:
        argv, label = [sys.executable, "-m", "pytest", "-q"], "python -m pytest -q"
    start = time.perf_counter()
    proc = subprocess.run(argv, cwd=str(ROOT), capture_output=True, text=True)
    seconds = time.perf_counter() - start
    lines = [l for l in proc.stdout.splitlines() if re.search(r"\d+ (passed|failed|error)", l)]
    return {"label": label, "seconds": seconds, "summary": lines[-1].strip("= ") if lines else "",
            "returncode": proc.returncode}


def machine() -> str:
    import matplotlib
    import numpy
    try:
        mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2 ** 30
        mem_text = f"{mem:.0f} GiB, "
    except (ValueError, OSError, AttributeError):
        mem_text = ""
    return (f"{os.cpu_count()} cores, {mem_text}{platform.system()} {platform.machine()}, "
            f"Python {platform.python_version()}, numpy {numpy.__version__}, "
            f"matplotlib {matplotlib.__version__}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--readme", action="store_true",
                    help="time the README's whole test command instead of `python -m pytest`")
    ap.add_argument("--skip", nargs="*", default=[], choices=["imports", "widgets", "notebooks", "tests"])
    args = ap.parse_args(argv)
    summary = []  # (what, figure, budget)
    print(f"{time.strftime('%Y-%m-%d')}, {machine()}\n")

    if "imports" not in args.skip:
        print("== import time (fresh interpreter, python -X importtime)")
        for module, key in (("course_lib", "import_course_lib_ms"),
                            ("course_lib.widgets", "import_widgets_ms")):
            r = import_time(module)
            heavy = ", ".join(f"{k} {v:.0f} ms" for k, v in sorted(r["heavy"].items(), key=lambda kv: -kv[1]))
            print(f"import {module:<20} {r['ms']:8.1f} ms  (interpreter wall {r['wall_s']:.2f} s); "
                  f"heavy libraries: {heavy or 'none'}")
            summary.append((f"`import {module}`", f"{r['ms']:.0f} ms"
                            + (f" (loads {', '.join(sorted(r['heavy']))})" if r["heavy"] else ""),
                            f"< {BUDGET[key]:.0f} ms"))
        print()

    if "widgets" not in args.skip:
        print("== explorers, in-process update time (bench_widgets.py)")
        import matplotlib
        matplotlib.use("Agg")
        import bench_widgets
        rows = bench_widgets.run()
        for r in rows:
            summary.append((f"{r['explorer']} (lesson {r['lesson']}), {r['control']}",
                            f"{r['median_ms']:.1f} ms median (max {r['max_ms']:.0f})",
                            f"< {BUDGET['widget_ms']:.0f} ms"))
        print()

    if "notebooks" not in args.skip:
        print("== notebooks, execution on a fresh kernel (bench_notebooks.py)")
        import bench_notebooks
        paths = [p for folder in ("solutions", "lessons") for p in sorted((ROOT / folder).glob("*.ipynb"))]
        total = 0.0
        for path in paths:
            seconds = bench_notebooks.run(path)
            total += seconds
            flag = "" if seconds < BUDGET["notebook_s"] else "  OVER BUDGET"
            print(f"{path.parent.name + '/' + path.name:<55} {seconds:8.2f} s{flag}", flush=True)
            summary.append((f"`{path.parent.name}/{path.name}`", f"{seconds:.1f} s",
                            f"< {BUDGET['notebook_s']:.0f} s"))
        print(f"{'total':<55} {total:8.2f} s\n")
        summary.append(("all notebooks, one after the other", f"{total:.0f} s", ""))

    if "tests" not in args.skip:
        print(f"== tests ({'README test command' if args.readme else 'python -m pytest -q'})", flush=True)
        r = time_tests(args.readme)
        print(f"{r['label']}: {r['seconds']:.1f} s, exit code {r['returncode']}; {r['summary']}\n")
        summary.append((r["label"], f"{r['seconds']:.0f} s ({r['summary'] or 'no summary'})", ""))

    print("== summary (Markdown)\n")
    print("| what | figure | budget |\n|---|---|---|")
    for what, figure, budget in summary:
        print(f"| {what} | {figure} | {budget} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
