"""Every widget of every lesson, in a real browser: the check that tests/test_browser_lab.py and
tests/test_browser_notebook.py run, and the fixtures they share (tests/conftest.py imports them).

For each notebook in lessons/ with a committed widget output, and for each front-end
(JupyterLab, and Jupyter Notebook 7), the test opens a temporary copy of the notebook in
headless Chromium on a fresh kernel, clears the outputs, runs all cells from the menu, waits
until the kernel is really idle, then checks that

* every explorer is displayed exactly once (as many widget pictures per cell as the committed
  notebook has, and no extra static figure),
* no "Error displaying widget" / "Loading widget..." text is left on the page,
* every explorer shows what the lesson's cells set: each cell's status lines are the
  committed run's (executed without a browser), and each picture's PNG bytes (SHA-256 of
  what the <img> shows) are the ones the kernel rendered for that status line (asked from
  the kernel as a second client). This catches the Run-All race: a slider view
  puts its value on its step grid when it is created and sends it back, and that write-back,
  processed after the next cells, used to undo a cell's ``explorer.set(...)``
  (course_lib/widgets/_sync.py),
* for every explorer picture, moving a slider of that explorer (keyboard on the handle; the
  mouse where the front-end swallows the key; for an explorer without sliders, a toggle
  button, check box or selection) produces a new picture.

Needs Debian's Chromium (`apt-get install chromium`) and Playwright for Python
(`pip install playwright`, in requirements.txt; no browser download). Without them the tests
skip, except in CI (environment variable CI set), where a skip would hide a broken setup, so
they fail instead. The two front-ends are two test files, so that pytest-xdist runs them on
two workers at once. One server and one browser per worker, one browser context per front-end
(its cache keeps the front-end's scripts). JupyterLab is loaded once, in one page, and opens
the notebooks one after the other, each closed when its test ends (as a student works
through the lessons; a failure makes the next test load JupyterLab anew); Notebook 7 shows
one notebook per page, so each of its tests loads a page. Each notebook's kernel is started
through the server's REST API while the notebook opens; screenshots of failures go to a
temporary folder whose path is printed.
"""
from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

import pytest

import browser_support as bs

NOTEBOOKS = bs.widget_notebooks()


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def unavailable(reason: str):
    """Skip with ``reason`` on a workstation; fail in CI, where a skip would hide a broken setup."""
    if in_ci():
        pytest.fail(f"browser tests cannot run in CI: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def jupyter_server():
    reason = bs.missing_browser()
    if reason:
        unavailable(reason)
    server = bs.JupyterServer()
    try:
        server.start()
        yield server
    finally:
        server.stop()  # by PID: terminate, wait, kill
        shutil.rmtree(server.dir, ignore_errors=True)


@pytest.fixture(scope="session")
def browser(jupyter_server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = bs.launch_browser(p)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture(scope="session")
def contexts(browser):
    """One browser context per front-end for the whole session: its HTTP cache keeps the
    front-end's scripts, so each notebook's page loads without fetching them again."""
    made = {}

    def get(frontend: str):
        if frontend not in made:
            made[frontend] = browser.new_context(viewport={"width": 1400, "height": 1000})
        return made[frontend]
    try:
        yield get
    finally:
        for context in made.values():
            context.close()


class Tab:
    """A page to check one notebook in, and the script errors it reported meanwhile."""

    def __init__(self, page, shared: bool):
        self.page, self.shared, self.errors = page, shared, []
        page.on("pageerror", lambda e: self.errors.append(str(e)))


@pytest.fixture(scope="session")
def pages(contexts, jupyter_server):
    """``pages(frontend) -> Tab``. JupyterLab: one page for the whole session, loaded once
    from an empty workspace, in which each test opens its notebook and closes it again
    (as a student opens lesson after lesson; after a failure the next test gets a newly
    loaded JupyterLab). Notebook 7 shows one notebook per page: a new page per test."""
    shared = {}

    def get(frontend: str) -> Tab:
        if frontend != "lab":
            return Tab(contexts(frontend).new_page(), shared=False)
        tab = shared.get(frontend)
        if tab is None or tab.page.is_closed():
            tab = shared[frontend] = Tab(contexts(frontend).new_page(), shared=True)
            bs.open_lab(tab.page, jupyter_server)
        tab.errors.clear()
        return tab
    try:
        yield get
    finally:
        for tab in shared.values():
            if not tab.page.is_closed():
                tab.page.close()


_shots = []


def shots_dir() -> Path:
    """A temporary folder for the screenshots of failures (made at the first failure)."""
    if not _shots:
        _shots.append(Path(tempfile.mkdtemp(prefix="course-browser-screenshots-")))
    return _shots[0]


def explorer_disagreements(page, server, rel, expected) -> list:
    """What, after Run All, differs between the lesson's cells, the kernel and the page:

    * per cell, the status lines the page shows against the committed run's (what the cells
      set, executed without a browser: nothing can have written values back there);
    * per explorer picture, the SHA-256 of the PNG bytes the page's <img> shows, with its
      status line, against the kernel's explorers (the picture must be the one the kernel
      rendered for that very status).
    """
    problems = []
    cells = page.locator(f"{bs.CURRENT} .jp-Cell")
    for index, want in expected["status"].items():
        shown = [" ".join(t.split()) for t in
                 cells.nth(index).locator(".widget-html-content").all_inner_texts()]
        if want and sorted(shown) != sorted(want):
            problems.append(f"cell {index}: the page's status line is {shown}, the cells set {want}")
    kernel = bs.kernel_explorers(server, rel)
    for number, shown in enumerate(bs.shown_explorers(page)):
        ok = any(k["png_sha256"] == shown["png_sha256"] and bs.html_to_text(k["status"])
                 in shown["status"] for k in kernel)
        if not ok:
            problems.append(
                f"cell {shown['cell']}, picture {number}: the page shows PNG sha256 "
                f"{shown['png_sha256'][:16] or '(none)'} with status {shown['status']}; the "
                "kernel's explorers have " + "; ".join(
                    f"{k['png_sha256'][:16]} '{bs.html_to_text(k['status'])[:70]}' {k['values']}"
                    for k in kernel))
    return problems


IDS = [p.stem for p in NOTEBOOKS]


def check_widgets(notebook: Path, frontend: str, jupyter_server, pages) -> None:
    """Run ``notebook`` in ``frontend`` and check its widgets (see the module docstring)."""
    reason = bs.missing_frontend(frontend)
    if reason:
        unavailable(reason)
    expected = bs.expected_layout(notebook)
    rel = jupyter_server.add(notebook, frontend)
    tab = pages(frontend)
    page = tab.page
    started = time.monotonic()
    failed = False
    try:
        if tab.shared:
            bs.open_in_lab(page, jupyter_server, rel)
        else:
            bs.open_notebook(page, jupyter_server, rel, frontend)
        run_seconds = bs.run_all(page, jupyter_server, rel, frontend, expected["code_cells"])

        # -- every widget displayed exactly once, nothing left loading or broken --------
        cells = page.locator(f"{bs.CURRENT} .jp-Cell")
        assert cells.count() == expected["cells"], (
            f"the page shows {cells.count()} cells, the notebook has {expected['cells']}")
        for index in range(expected["cells"]):
            cell = cells.nth(index)
            shown = cell.locator("img.widget-image").count()
            want = expected["widget_images"].get(index, 0)
            assert shown == want, (f"cell {index}: {shown} widget picture(s) in the page, "
                                   f"the committed notebook has {want}")
            if index in expected["widget_images"]:
                pngs = cell.locator(".jp-RenderedImage").count()
                assert pngs == expected["pngs"][index], (
                    f"cell {index}: {pngs} static figure(s) next to the widget "
                    f"(committed: {expected['pngs'][index]}): the figure is displayed twice")
        # -- every explorer shows what the lesson's cells set -----------------------------
        if explorer_disagreements(page, jupyter_server, rel, expected):
            # give the page a moment to apply the last updates it got, then fail
            try:
                bs.wait_until(lambda: not explorer_disagreements(page, jupyter_server, rel,
                                                                 expected), 15,
                              "the explorers to agree with the kernel", interval=0.5)
            except TimeoutError:
                stale = explorer_disagreements(page, jupyter_server, rel, expected)
                raise AssertionError(
                    f"{notebook.name} [{frontend}]: after Run All an explorer does not show what "
                    "the lesson's cells set (the committed run's status line) and the kernel "
                    "holds:\n  " + "\n  ".join(stale)) from None
        images = bs.explorer_images(page)
        assert len(images) == sum(expected["widget_images"].values())
        assert not bs.page_problems(page), f"after Run All: {bs.page_problems(page)}"

        # -- every picture follows its own explorer's controls --------------------------
        moved = []
        for number, img in enumerate(images):
            bs.wait_until(lambda: bs.src(img).startswith(("blob:", "data:")), 30,
                          f"widget picture {number} to be drawn")
            result = bs.move_some_control(page, img)
            assert result["control"], (
                f"widget picture {number}: no control of its explorer changed it "
                f"(controls: {bs.control_names(bs.explorer_box(img))}; "
                f"arrow keys swallowed on: {result['swallowed']})")
            moved.append(f"{result['control']} ({result['how']})")
            if result["swallowed"]:
                print(f"{frontend}: the arrow keys did not move {result['swallowed']} "
                      "(a front-end shortcut took them); moved with the mouse instead")
        assert not bs.page_problems(page), f"after moving the sliders: {bs.page_problems(page)}"
        print(f"{notebook.name} [{frontend}]: run all {run_seconds:.1f} s, "
              f"total {time.monotonic() - started:.1f} s, moved {moved}")
    except BaseException:
        failed = True
        shot = bs.screenshot(page, shots_dir(), f"{notebook.stem}-{frontend}")
        print(f"screenshot of the failure: {shot}")
        if tab.errors:
            print("errors in the page:", *tab.errors[:5], sep="\n  ")
        print("server log (end):\n" + jupyter_server.log_tail(2000))
        raise
    finally:
        try:
            if tab.shared and not failed:
                bs.close_in_lab(page, rel)
            else:   # a page of its own, or a shared one in an unknown state: the next test
                page.close()            # gets a newly loaded front-end
        finally:
            jupyter_server.shutdown_sessions(rel)
