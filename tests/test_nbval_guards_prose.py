"""Strict nbval really guards the numbers the prose relies on.

Lesson 01's prose talks about the run from (2, 2). If someone changes the start point,
the printed numbers move, and nbval must fail on exactly those cells. This runs nbval on
a modified copy of the lesson in a temporary folder, so the committed notebook is untouched.
"""
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "solutions" / "01_rosenbrock_gradient_descent.ipynb"


def _run_nbval(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval",
         "--nbval-current-env", f"--nbval-sanitize-with={ROOT / 'tests' / 'sanitize.cfg'}",
         "-o", "addopts=", "--rootdir", str(path.parent), str(path)],
        capture_output=True, text=True, cwd=path.parent, timeout=300)


def test_changing_the_start_point_fails_nbval(tmp_path):
    nb = nbformat.read(SOURCE, as_version=4)
    cells = [c for c in nb.cells if c.cell_type == "code" and "x_start = np.array([2.0, 2.0])" in c.source]
    assert len(cells) == 1, "lesson 01 should define the start point in one cell"
    cells[0].source = cells[0].source.replace("x_start = np.array([2.0, 2.0])",
                                              "x_start = np.array([2.0, 2.1])")
    copy = tmp_path / SOURCE.name
    nbformat.write(nb, copy)
    proc = _run_nbval(copy)
    report = proc.stdout + proc.stderr
    assert proc.returncode == 1, report
    # the cells that print the runs' final points and losses are among the failures
    for printed in ("loss at the start", "final point", "the two points"):
        assert printed in report, f"nbval did not flag the cell printing {printed!r}"


def test_unchanged_copy_passes(tmp_path):
    copy = tmp_path / SOURCE.name
    shutil.copy(SOURCE, copy)
    proc = _run_nbval(copy)
    assert proc.returncode == 0, proc.stdout[-3000:]
