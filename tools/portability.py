"""Run strict nbval over every notebook again as if on other machines.

The notebooks are executed and committed on one machine; an instructor verifies them on
another. This script re-runs strict nbval (the same options as the README test command)
with settings that change how numbers are computed or how figures are shown:

* ``no-avx512``: numpy's AVX-512 code paths switched off and OpenBLAS forced to its Haswell
  (AVX2) kernels, as on a laptop without AVX-512;
* ``prescott``: OpenBLAS forced to its oldest x86-64 (SSE3) kernels;
* ``agg``: ``MPLBACKEND=agg`` exported, as some Jupyter setups do.

Every variant must pass: a printed number keeps only the digits that survive these
changes, and a conclusion drawn in the prose must hold under all of them.

    python tools/portability.py                 # all variants, lessons/ and solutions/
    python tools/portability.py agg             # one variant
    python tools/portability.py --list          # what each variant sets

Exit status 0 when every variant passed. Used by .ci/run.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: variant name -> (environment it sets, what it stands for)
VARIANTS = {
    "no-avx512": ({"NPY_DISABLE_CPU_FEATURES": "X86_V4,AVX512_ICL,AVX512_SPR",
                   "OPENBLAS_CORETYPE": "Haswell"},
                  "numpy without AVX-512 code paths, OpenBLAS Haswell (AVX2) kernels"),
    "prescott": ({"OPENBLAS_CORETYPE": "Prescott"},
                 "OpenBLAS Prescott (SSE3) kernels"),
    "agg": ({"MPLBACKEND": "agg"},
            "MPLBACKEND=agg exported"),
}

#: notebooks not yet portable, with the reason; skipped by the variant runs (and by the
#: floors/newest runs of .ci/run) until fixed. Empty: every notebook verifies everywhere.
NOT_YET_PORTABLE: list[str] = []


def ignores() -> list[str]:
    """pytest --ignore options for NOT_YET_PORTABLE, in both folders."""
    return [f"--ignore={folder}/{name}" for name in NOT_YET_PORTABLE for folder in ("lessons", "solutions")]


_PROBE = ("import numpy as np\n"
          "try:\n"
          "    from numpy._core._multiarray_umath import __cpu_features__ as f\n"
          "except ImportError:\n"
          "    from numpy.core._multiarray_umath import __cpu_features__ as f\n"
          "print('AVX-512 in use' if f.get('AVX512F') and f.get('AVX512_SKX') else 'no AVX-512')\n")


def describe(env: dict) -> str:
    """What numpy reports about its CPU features under ``env`` (one short phrase)."""
    out = subprocess.run([sys.executable, "-c", _PROBE], env=env, capture_output=True,
                         text=True, cwd=ROOT)
    return out.stdout.strip() or f"probe failed: {out.stderr.strip()[-200:]}"


def run(name: str, paths: list[str], extra: list[str]) -> bool:
    settings, meaning = VARIANTS[name]
    env = {**os.environ, **settings}
    shown = " ".join(f"{k}={v}" for k, v in settings.items())
    print(f"== {name}: {meaning}\n   {shown}  (numpy: {describe(env)})", flush=True)
    start = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", *paths, *extra],
                            env=env, cwd=ROOT)
    ok = result.returncode == 0
    print(f"== {name}: {'passed' if ok else 'FAILED'} in {time.monotonic() - start:.0f} s",
          flush=True)
    return ok


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("variants", nargs="*", help=f"some of {', '.join(VARIANTS)} (default: all)")
    parser.add_argument("--paths", nargs="+", default=["lessons", "solutions"],
                        help="notebooks or folders to check (default: lessons solutions)")
    parser.add_argument("--list", action="store_true", help="list the variants and stop")
    parser.add_argument("--ignores", action="store_true",
                        help="print the pytest --ignore options for notebooks not yet portable")
    args, extra = parser.parse_known_args(argv)
    if args.ignores:
        print(" ".join(ignores()))
        return 0
    if args.list:
        for name, (settings, meaning) in VARIANTS.items():
            print(f"{name:>10}: {meaning}: " + " ".join(f"{k}={v}" for k, v in settings.items()))
        return 0
    unknown = [v for v in args.variants if v not in VARIANTS]
    if unknown:
        parser.error(f"unknown variant(s) {unknown}; choose from {list(VARIANTS)}")
    if NOT_YET_PORTABLE:
        print(f"not yet portable, skipped: {', '.join(NOT_YET_PORTABLE)}")
    results = {name: run(name, args.paths, [*ignores(), *extra]) for name in args.variants or VARIANTS}
    print("portability: " + ", ".join(f"{n} {'passed' if ok else 'FAILED'}"
                                       for n, ok in results.items()))
    return 0 if all(results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
