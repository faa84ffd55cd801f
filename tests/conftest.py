import matplotlib

# Plots in the unit tests render off-screen. (Not through the MPLBACKEND environment
# variable: nbval's kernels inherit the environment, and must keep the inline backend.)
matplotlib.use("Agg")

import sys
from pathlib import Path

# tests/browser_support.py is imported by the browser tests and the browser benchmark
sys.path.insert(0, str(Path(__file__).resolve().parent))

# The browser tests' session fixtures (one Jupyter server, one Chromium, one context per
# front-end, one JupyterLab page), shared by tests/test_browser_lab.py and tests/test_browser_notebook.py.
from browser_check import browser, contexts, jupyter_server, pages  # noqa: E402,F401


# --- running on every core -------------------------------------------------------------------
# pyproject.toml runs the suite with pytest-xdist (`-n auto --dist loadfile
# --no-loadscope-reorder`): each file (a test module, or one notebook, whose cells must run in
# order on one kernel) goes whole to one worker, in the order below. The longest files go first
# and the many short unit-test modules last, so the workers finish at about the same time:
# the browser tests (one file per front-end, so two workers share them; one Jupyter server
# and one Chromium per worker that runs them), then the notebooks, then the long unit-test
# files, then the rest. Serial runs
# (`-n 0`) use the same order.

#: unit-test files that take 15 s or more on one worker (benchmarks/bench_suite.py; the rest
#: take under 12 s each): they start before the short ones, so none is left running alone
#: at the end while the other worker idles
LONG_UNIT_FILES = ("test_widget_truth.py", "test_nbval_guards_prose.py", "test_fuzz_api.py",
                   "test_frameworks.py")


def _cost_rank(item) -> float:
    path = Path(str(item.fspath))
    if path.name.startswith("test_browser_"):
        return 0
    if path.suffix == ".ipynb":
        return 1
    if path.name in LONG_UNIT_FILES:
        return 2 + LONG_UNIT_FILES.index(path.name) / 10
    return 3


def pytest_collection_modifyitems(session, config, items):
    items.sort(key=_cost_rank)  # stable: the order within a rank is pytest's
