"""Helpers shared by the browser tests (tests/browser_check.py) and
benchmarks/bench_browser.py: a throw-away Jupyter server, headless Chromium driven by
Playwright, and the few page operations the browser tests need (run all cells, wait for
the kernel, find the explorers, move a control).

Nothing here touches the repository: the server serves a temporary copy of the notebooks,
with its own config, runtime, data, settings and workspace folders, and no network checks.
"""
from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Dict, List, Optional, Tuple

# markup to the words a page shows: the explorers' own rule (used by browser_check too)
from course_lib.widgets.base import html_to_text

ROOT = Path(__file__).resolve().parent.parent
LESSONS = ROOT / "lessons"
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"

#: Debian's Chromium (``apt-get install chromium``); never a browser download
CHROMIUM = os.environ.get("COURSE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]

#: front-end name -> URL prefix of a notebook
FRONTENDS = {"lab": "/lab/tree/", "notebook": "/notebooks/"}

#: user settings written into the server's private settings folder
USER_SETTINGS = {
    # no "Would you like to get notified about official Jupyter news?" toast, no update check
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings":
        {"fetchNews": "false", "checkForUpdates": False},
    # every cell stays in the page (no virtual scrolling), so cells can be counted and read
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    # the copy is thrown away anyway; no saving while the test runs
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
}


# -- what to test ------------------------------------------------------------------------
def _widget_views(output) -> List[str]:
    data = output.get("data", {}) if isinstance(output, dict) else {}
    view = data.get(WIDGET_MIME)
    return [view["model_id"]] if isinstance(view, dict) and "model_id" in view else []


def widget_notebooks(folder: Path = LESSONS) -> List[Path]:
    """The notebooks of ``folder`` with a committed widget output (found at collection time,
    so a new lesson with a widget is covered without touching the tests)."""
    found = []
    for path in sorted(folder.glob("[0-9][0-9]_*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        if any(_widget_views(o) for c in nb.get("cells", []) if c.get("cell_type") == "code"
               for o in c.get("outputs", [])):
            found.append(path)
    return found


def expected_layout(path: Path) -> dict:
    """What the committed notebook shows, per cell index: widget images (``ImageModel``s
    under each displayed widget, from the saved widget state; one per view when the state
    was not saved), static PNG outputs, and the text of the widgets' HTML status lines as
    the kernel left them at the end of the run. Plus the number of non-empty code cells."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    state = nb.get("metadata", {}).get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})

    def images(model_id: str, seen=()) -> int:
        model = state.get(model_id)
        if model is None or model_id in seen:
            return 0
        if model.get("model_name") == "ImageModel":
            return 1
        children = model.get("state", {}).get("children", [])
        return sum(images(c.replace("IPY_MODEL_", ""), seen + (model_id,)) for c in children)

    def html_texts(model_id: str, seen=()) -> List[str]:
        model = state.get(model_id)
        if model is None or model_id in seen:
            return []
        if model.get("model_name") == "HTMLModel":
            return [html_to_text(model.get("state", {}).get("value", ""))]
        return [t for c in model.get("state", {}).get("children", [])
                for t in html_texts(c.replace("IPY_MODEL_", ""), seen + (model_id,))]

    widget_images, pngs, status = {}, {}, {}
    for i, cell in enumerate(nb.get("cells", [])):
        if cell.get("cell_type") != "code":
            continue
        views = [m for o in cell.get("outputs", []) for m in _widget_views(o)]
        n_img = sum((images(m) if state else 1) for m in views)
        if n_img:
            widget_images[i] = n_img
            pngs[i] = sum("image/png" in o.get("data", {}) for o in cell.get("outputs", []))
            status[i] = [t for m in views for t in html_texts(m)]
    code = sum(1 for c in nb.get("cells", []) if c.get("cell_type") == "code"
               and "".join(c.get("source", "")).strip())
    return {"cells": len(nb.get("cells", [])), "code_cells": code,
            "widget_images": widget_images, "pngs": pngs, "status": status}


# -- prerequisites -----------------------------------------------------------------------
def missing_browser() -> Optional[str]:
    """Why the browser tests cannot run here (None when they can)."""
    problems = []
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        problems.append(f"Chromium not found at {CHROMIUM}: install it with "
                        "`apt-get install chromium` (Debian/Ubuntu), or point COURSE_CHROMIUM "
                        "at a Chromium binary")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        problems.append("Playwright for Python is missing: `pip install playwright` (or "
                        "`pip install -r requirements.txt`); no browser download is needed")
    return "; ".join(problems) or None


def missing_frontend(frontend: str) -> Optional[str]:
    if frontend == "notebook":
        try:
            from importlib.metadata import version
            major = int(version("notebook").split(".")[0])
        except Exception:
            major = 0
        if major < 7:
            return "Jupyter Notebook 7 is missing: `pip install 'notebook>=7'`"
    return None


# -- the server --------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class JupyterServer:
    """A private JupyterLab server (which also serves Notebook 7 when it is installed) on
    127.0.0.1, a free port and a random token, serving ``self.root`` (a temporary folder).
    Stop it with :meth:`stop` (by PID: terminate, wait, kill)."""

    def __init__(self, workdir: Optional[Path] = None):
        self.dir = Path(workdir or tempfile.mkdtemp(prefix="course-browser-"))
        self.root = self.dir / "root"
        self.root.mkdir(parents=True, exist_ok=True)
        self.token = secrets.token_hex(16)
        self.port = 0
        self.proc: Optional[subprocess.Popen] = None
        self.log_path = self.dir / "server.log"

    # environment and command line
    def _env(self) -> dict:
        dirs = {name: self.dir / sub for name, sub in [
            ("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_RUNTIME_DIR", "runtime"),
            ("JUPYTER_DATA_DIR", "data"), ("JUPYTERLAB_SETTINGS_DIR", "settings"),
            ("JUPYTERLAB_WORKSPACES_DIR", "workspaces"), ("IPYTHONDIR", "ipython")]}
        for d in dirs.values():
            d.mkdir(parents=True, exist_ok=True)
        for rel, value in USER_SETTINGS.items():
            f = dirs["JUPYTERLAB_SETTINGS_DIR"] / rel
            f.parent.mkdir(parents=True, exist_ok=True)
            f.write_text(json.dumps(value), encoding="utf-8")
        env = dict(os.environ, **{k: str(v) for k, v in dirs.items()})
        env.pop("JUPYTER_TOKEN", None)
        env.pop("MPLBACKEND", None)
        return env

    def _cmd(self) -> List[str]:
        return [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root",
                "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}",
                "--ServerApp.port_retries=0", f"--IdentityProvider.token={self.token}",
                f"--ServerApp.root_dir={self.root}", "--ServerApp.terminals_enabled=False",
                "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
                "--LabApp.extension_manager=readonly",
                # window.jupyterapp, so that one JupyterLab page can open notebook after
                # notebook (open_in_lab) instead of loading the whole front-end for each
                "--LabApp.expose_app_in_browser=True"]

    def start(self, timeout: float = 60.0) -> "JupyterServer":
        env = self._env()
        for attempt in range(3):  # a free port can be taken between the check and the bind
            self.port = free_port()
            log = open(self.log_path, "w", encoding="utf-8")
            self.proc = subprocess.Popen(self._cmd(), env=env, cwd=str(self.dir), stdout=log,
                                         stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
            log.close()
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline and self.proc.poll() is None:
                try:
                    self.api("GET", "/api/status", timeout=2)
                    return self
                except (OSError, urllib.error.URLError):
                    time.sleep(0.2)
            if self.proc.poll() is None:
                self.stop()
                raise RuntimeError(f"Jupyter server did not answer in {timeout:.0f} s; "
                                   f"log: {self.log_path}\n{self.log_tail()}")
        raise RuntimeError(f"Jupyter server exited at start; log: {self.log_path}\n{self.log_tail()}")

    def stop(self, grace: float = 15.0) -> None:
        """Stop the server started here, by its PID: terminate, wait, kill if needed."""
        proc, self.proc = self.proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.terminate()
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)

    def log_tail(self, n: int = 3000) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")[-n:]
        except OSError:
            return ""

    # REST
    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def api(self, method: str, path: str, timeout: float = 10):
        req = urllib.request.Request(self.base + path, method=method,
                                     headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            body = resp.read()
        return json.loads(body) if body else None

    def add(self, notebook: Path, subdir: str) -> str:
        """Copy a notebook into the served folder; return its path relative to the root."""
        dest = self.root / subdir
        dest.mkdir(parents=True, exist_ok=True)
        shutil.copy2(notebook, dest / notebook.name)
        return f"{subdir}/{notebook.name}"

    def url(self, frontend: str, relpath: str) -> str:
        # `reset` starts JupyterLab from an empty workspace: no tab of an earlier test
        reset = "reset&" if frontend == "lab" else ""
        return f"{self.base}{FRONTENDS[frontend]}{relpath}?{reset}token={self.token}"

    def sessions(self, relpath: str) -> list:
        return [s for s in self.api("GET", "/api/sessions") if s.get("path") == relpath]

    def kernel_state(self, relpath: str) -> Optional[str]:
        """The server's view of the notebook's kernel: 'idle', 'busy', 'starting'... or None."""
        for s in self.sessions(relpath):
            kernel = s.get("kernel") or {}
            if kernel.get("id"):
                return self.api("GET", f"/api/kernels/{kernel['id']}").get("execution_state")
        return None

    def start_kernel(self, relpath: str) -> None:
        """Create the notebook's session (and so start its fresh kernel) through the REST
        API, so that the kernel starts while the page loads; the page attaches to it."""
        body = json.dumps({"path": relpath, "name": Path(relpath).name, "type": "notebook",
                           "kernel": {"name": "python3"}}).encode()
        req = urllib.request.Request(self.base + "/api/sessions", data=body, method="POST",
                                     headers={"Authorization": f"token {self.token}",
                                              "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=60) as resp:
            resp.read()

    def shutdown_sessions(self, relpath: str) -> None:
        """Shut the notebook's kernels down (best effort: never raises)."""
        try:
            sessions = self.sessions(relpath)
        except Exception:
            return
        for s in sessions:
            try:
                self.api("DELETE", f"/api/sessions/{s['id']}", timeout=30)
            except Exception:
                pass


# -- the browser -------------------------------------------------------------------------
def launch_browser(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def wait_until(predicate, timeout: float, what: str, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


#: the notebook on show (JupyterLab keeps the cells of other tabs in the page, hidden)
CURRENT = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook"

PROMPTS_JS = """() => Array.from(document.querySelectorAll(
        '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-CodeCell'))
    .map(c => { const p = c.querySelector('.jp-InputPrompt'); return p ? p.textContent.trim() : ''; })"""


def prompts(page) -> List[str]:
    """The input prompt of every code cell in the page: '[3]:', '[*]:', '[ ]:'."""
    return page.evaluate(PROMPTS_JS)


def kernel_idle(page, server: JupyterServer, relpath: str, frontend: str) -> bool:
    """Really idle: the server has a kernel for this notebook and reports it idle, no cell
    waits or runs (no '[*]'), and in JupyterLab the status bar says Idle too (the toolbar
    indicator says idle before the kernel even exists, so it is not used)."""
    if server.kernel_state(relpath) != "idle":
        return False
    if any("*" in p for p in prompts(page)):
        return False
    if frontend == "lab":
        bar = page.locator("#jp-main-statusbar")
        if bar.count() == 0 or "Idle" not in bar.inner_text():
            return False
    return True


def wait_idle(page, server, relpath, frontend, timeout=120.0, settle=0.3) -> None:
    """Wait until :func:`kernel_idle` holds twice in a row, ``settle`` seconds apart."""
    def twice():
        if not kernel_idle(page, server, relpath, frontend):
            return False
        time.sleep(settle)
        return kernel_idle(page, server, relpath, frontend)
    wait_until(twice, timeout, "the kernel to be idle", interval=0.2)


def open_notebook(page, server, relpath, frontend, timeout=90.0) -> None:
    """Start the notebook's kernel, load the front-end on it, wait until the kernel is idle."""
    server.start_kernel(relpath)
    page.goto(server.url(frontend, relpath))
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=timeout * 1000)
    wait_idle(page, server, relpath, frontend, timeout=timeout)


LAB_OPEN_JS = """async path => {
    const app = window.jupyterapp;
    const panel = await app.commands.execute('docmanager:open', {path, factory: 'Notebook'});
    await panel.context.ready;
    app.shell.activateById(panel.id);
    return panel.context.path; }"""

LAB_CURRENT_PATH_JS = """() => { const w = window.jupyterapp.shell.currentWidget;
    return w && w.context ? w.context.path : null; }"""

#: close every tab of the notebook at ``path`` without the "save your work?" dialog (the
#: served copy is thrown away); returns how many tabs were closed
LAB_CLOSE_JS = """path => { let closed = 0;
    for (const w of Array.from(window.jupyterapp.shell.widgets('main'))) {
        if (w.context && w.context.path === path) {
            w.context.model.dirty = false; w.dispose(); closed++; } }
    return closed; }"""


def open_lab(page, server: JupyterServer, timeout: float = 90.0) -> None:
    """Load JupyterLab, from an empty workspace, in ``page``; notebooks are then opened in it
    one after the other with :func:`open_in_lab`, as a student opens lesson after lesson."""
    page.goto(f"{server.base}/lab?reset&token={server.token}")
    page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell",
                           timeout=timeout * 1000)
    page.wait_for_selector("#jp-main-statusbar", timeout=timeout * 1000)


def open_in_lab(page, server: JupyterServer, relpath: str, timeout: float = 90.0) -> None:
    """Open the notebook in the JupyterLab already loaded in ``page`` (:func:`open_lab`) on a
    fresh kernel started through the REST API, and wait until the kernel is idle."""
    server.start_kernel(relpath)
    page.evaluate(LAB_OPEN_JS, relpath)
    wait_until(lambda: page.evaluate(LAB_CURRENT_PATH_JS) == relpath, timeout,
               f"{relpath} to be the notebook on show")
    page.wait_for_selector(f"{CURRENT} .jp-Cell", timeout=timeout * 1000)
    wait_idle(page, server, relpath, "lab", timeout=timeout)


def close_in_lab(page, relpath: str) -> int:
    """Close the notebook's tabs in JupyterLab, discarding its unsaved outputs."""
    return page.evaluate(LAB_CLOSE_JS, relpath)


def clear_all_outputs(page, timeout=30.0) -> None:
    """Edit > Clear Outputs of All Cells: the committed outputs and execution counts go, so
    what the page shows afterwards comes from this run only."""
    page.click('.lm-MenuBar-itemLabel:text-is("Edit")')
    page.click('.lm-Menu-itemLabel:text-is("Clear Outputs of All Cells")')
    wait_until(lambda: not any(p[1:2].isdigit() for p in prompts(page)), timeout,
               "the outputs to be cleared")


def run_all(page, server, relpath, frontend, n_code: int, timeout=180.0) -> float:
    """Clear all outputs, then Run > Run All Cells from the menu bar; wait until every
    non-empty code cell has an execution count and the kernel is idle. Returns the seconds
    from the click to idle."""
    clear_all_outputs(page)
    start = time.monotonic()
    page.click('.lm-MenuBar-itemLabel:text-is("Run")')
    page.click('.lm-Menu-itemLabel:text-is("Run All Cells")')

    def done():
        ps = prompts(page)
        numbered = sum(1 for p in ps if p[1:2].isdigit())
        return numbered >= n_code and not any("*" in p for p in ps)
    try:
        wait_until(done, timeout, "every code cell to run", interval=0.2)
    except TimeoutError as exc:
        ps = prompts(page)
        raise AssertionError(f"{exc}: prompts {ps}; outputs with errors:\n{error_outputs(page)}")
    wait_idle(page, server, relpath, frontend, timeout=timeout)
    return time.monotonic() - start


def error_outputs(page) -> str:
    texts = page.evaluate("""() => Array.from(document.querySelectorAll(
        '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'))
        .map(e => e.textContent)""")
    return "\n---\n".join(t[-1500:] for t in texts)[-6000:]


# -- what the kernel and the page hold -------------------------------------------------
#: run in the notebook's kernel (as a second client, no history): every live explorer's
#: status line and the SHA-256 of the PNG bytes its picture holds, as one JSON line
KERNEL_EXPLORERS_CODE = """\
def _course_explorers():
    import gc, hashlib, json
    from ipywidgets.widgets import widget as _w
    from course_lib.widgets.base import Explorer
    live = getattr(_w, "_instances", None)
    objs = list(live.values()) if isinstance(live, dict) else gc.get_objects()
    out = [{"model_id": e.model_id, "status": e.status.value,
            "png_sha256": hashlib.sha256(bytes(e.image.value)).hexdigest(),
            "values": {k: repr(v) for k, v in e.values().items()}}
           for e in objs if isinstance(e, Explorer) and e.comm is not None]
    print("COURSE-EXPLORERS " + json.dumps(out))
_course_explorers()
del _course_explorers
"""


def kernel_run(server: "JupyterServer", relpath: str, code: str,
               timeout: float = 60.0) -> Tuple[str, dict]:
    """Run ``code`` in the notebook's kernel through its own connection file (a second
    client: its output goes to this client only, the page is not touched). Returns the
    printed text (errors as ``ERROR`` + traceback) and the execute reply."""
    from jupyter_client import BlockingKernelClient

    kernel_ids = [s["kernel"]["id"] for s in server.sessions(relpath) if s.get("kernel")]
    if not kernel_ids:
        raise RuntimeError(f"no kernel for {relpath}")
    client = BlockingKernelClient(connection_file=str(server.dir / "runtime" /
                                                      f"kernel-{kernel_ids[0]}.json"))
    client.load_connection_file()
    client.start_channels()
    lines = []
    try:
        client.wait_for_ready(timeout=timeout)

        def hook(msg):
            if msg["msg_type"] == "stream":
                lines.append(msg["content"]["text"])
            elif msg["msg_type"] == "error":
                lines.append("ERROR " + "\n".join(msg["content"]["traceback"]))
        reply = client.execute_interactive(code, store_history=False, output_hook=hook,
                                           timeout=timeout)
    finally:
        client.stop_channels()
    return "".join(lines), reply


def kernel_explorers(server: "JupyterServer", relpath: str, timeout: float = 60.0) -> List[dict]:
    """Every explorer alive in the notebook's kernel: ``{"model_id", "status" (HTML),
    "png_sha256", "values"}``, asked as a second client (:func:`kernel_run`)."""
    text, reply = kernel_run(server, relpath, KERNEL_EXPLORERS_CODE, timeout)
    for line in text.splitlines():
        if line.startswith("COURSE-EXPLORERS "):
            return json.loads(line[len("COURSE-EXPLORERS "):])
    raise RuntimeError(f"the kernel did not list its explorers ({reply['content'].get('status')}): "
                       f"{text[-2000:]}")


PNG_SHA256_JS = """async img => {
    if (!img.src) return '';
    const bytes = await (await fetch(img.src)).arrayBuffer();
    const digest = await crypto.subtle.digest('SHA-256', bytes);
    return Array.from(new Uint8Array(digest)).map(b => b.toString(16).padStart(2, '0')).join(''); }"""


def shown_explorers(page) -> List[dict]:
    """Every explorer picture on the page, in page order: ``{"cell" (index), "png_sha256"
    (of the bytes its <img> shows), "status" (the text of its explorer's status lines)}``."""
    cells = page.locator(f"{CURRENT} .jp-Cell")
    found = []
    for index in range(cells.count()):
        imgs = cells.nth(index).locator(".widget-box img.widget-image")
        for img in (imgs.nth(i) for i in range(imgs.count())):
            box = explorer_box(img)
            found.append({"cell": index, "png_sha256": img.evaluate(PNG_SHA256_JS),
                          "status": [" ".join(t.split()) for t in
                                     box.locator(".widget-html-content").all_inner_texts()]})
    return found


def explorer_images(page) -> list:
    """Locators of every explorer picture: an ``img.widget-image`` inside a widget box."""
    imgs = page.locator(f"{CURRENT} .widget-box img.widget-image")
    return [imgs.nth(i) for i in range(imgs.count())]


CONTROL_CLASSES = ("widget-slider", "widget-toggle-buttons", "widget-dropdown", "widget-checkbox",
                   "widget-select", "widget-text", "widget-radio")


def explorer_box(img):
    """The explorer that owns this picture: the nearest enclosing widget box that holds
    controls (the picture may sit in an inner box of its own)."""
    has_control = " or ".join(f"contains(concat(' ', @class, ' '), ' {c} ')" for c in CONTROL_CLASSES)
    return img.locator("xpath=ancestor::div[contains(concat(' ', @class, ' '), ' widget-box ')]"
                       f"[.//*[{has_control}]][1]")


def src(img) -> str:
    return img.get_attribute("src") or ""


def slider_handles(box) -> list:
    """The visible slider handles of an explorer (ipywidgets 8 sliders are noUiSlider)."""
    handles = box.locator(".widget-slider .noUi-handle")
    return [h for h in (handles.nth(i) for i in range(handles.count())) if h.is_visible()]


def slider_name(handle) -> str:
    return handle.evaluate("""h => { const s = h.closest('.widget-slider');
        const l = s && s.querySelector('.widget-label'); return l ? l.textContent.trim() : '?'; }""")


def at_max(handle) -> bool:
    now, top = handle.get_attribute("aria-valuenow"), handle.get_attribute("aria-valuemax")
    try:
        return float(now) >= float(top)
    except (TypeError, ValueError):
        return False


def readout(handle) -> str:
    """The slider's readout text (the value the student sees)."""
    return handle.evaluate("""h => { const s = h.closest('.widget-slider');
        const r = s && s.querySelector('.widget-readout'); return r ? r.textContent.trim() : ''; }""")


WAIT_SRC_JS = """(el, [before, ms]) => new Promise((ok, fail) => {
    if (el.src !== before) return ok(true);
    const obs = new MutationObserver(() => { if (el.src !== before) {
        clearTimeout(t); obs.disconnect(); ok(true); } });
    const t = setTimeout(() => { obs.disconnect(); fail(new Error('no new picture')); }, ms);
    obs.observe(el, {attributes: true, attributeFilter: ['src']}); })"""


def wait_new_src(img, before: str, timeout: float) -> bool:
    """Wait (in the page, with a MutationObserver) until the picture's src differs."""
    try:
        img.evaluate(WAIT_SRC_JS, [before, int(timeout * 1000)])
        return True
    except Exception:
        return src(img) != before


def key_move(page, handle) -> bool:
    """Focus the handle and press ArrowRight (ArrowLeft at the maximum); True when the
    slider's readout moved (a front-end shortcut can swallow the key)."""
    before = readout(handle)
    handle.scroll_into_view_if_needed()
    handle.focus()
    page.keyboard.press("ArrowLeft" if at_max(handle) else "ArrowRight")
    try:  # the readout follows a key in a frame or two; a swallowed key never moves it
        wait_until(lambda: readout(handle) != before, 0.5, "the readout", interval=0.05)
        return True
    except TimeoutError:
        return False


def mouse_move(page, handle) -> bool:
    """Click the slider's track on the side with more room, a quarter of the track away from
    either end; True when the readout moved."""
    before = readout(handle)
    handle.scroll_into_view_if_needed()
    box = handle.bounding_box()
    track = handle.locator("xpath=ancestor::div[contains(@class,'noUi-target')][1]").bounding_box()
    if not box or not track:
        return False
    centre = box["x"] + box["width"] / 2
    right_half = centre > track["x"] + track["width"] / 2
    x = track["x"] + track["width"] * (0.2 if right_half else 0.8)
    page.mouse.click(x, box["y"] + box["height"] / 2)
    try:
        wait_until(lambda: readout(handle) != before, 1.0, "the readout", interval=0.05)
        return True
    except TimeoutError:
        return False


def other_controls(box) -> list:
    """(label, action) for the explorer's visible controls that are not sliders: toggle
    buttons (click one not selected), check boxes, drop-downs and multiple selections
    (choose something else)."""
    found = []
    buttons = box.locator(".widget-toggle-buttons button.widget-toggle-button:not(.mod-active)")
    for b in (buttons.nth(i) for i in range(buttons.count())):
        if b.is_visible():
            found.append((f"toggle '{b.inner_text().strip()}'", b.click))
    boxes = box.locator(".widget-checkbox input[type=checkbox]")
    for c in (boxes.nth(i) for i in range(boxes.count())):
        if c.is_visible():
            found.append(("check box", c.click))
    selects = box.locator(".widget-dropdown select, .widget-select select")
    for sel in (selects.nth(i) for i in range(selects.count())):
        if not sel.is_visible():
            continue
        values = sel.evaluate("s => Array.from(s.options).map(o => o.value)")
        chosen = sel.evaluate("s => Array.from(s.selectedOptions).map(o => o.value)")
        if sel.evaluate("s => s.multiple"):
            other = chosen[:-1] if len(chosen) > 1 else [v for v in values if v not in chosen][:1] + chosen
        else:
            other = [v for v in values if v not in chosen][:1]
        if other and set(other) != set(chosen):
            found.append((f"select {other}", lambda sel=sel, other=other: sel.select_option(other)))
    return found


def move_some_control(page, img, timeout: float = 20.0) -> dict:
    """Move the explorer's visible sliders one after the other until one changes the
    picture: with the keyboard first, with the mouse when the key was swallowed. An
    explorer without a slider that does it gets its other controls changed instead.
    Returns {'control': label or '', 'how': 'keyboard'|'mouse'|'click'|'', 'swallowed': [labels]}."""
    swallowed = []
    box = explorer_box(img)
    for handle in slider_handles(box):
        name = slider_name(handle)
        before = src(img)
        how = "keyboard" if key_move(page, handle) else ""
        if not how:
            swallowed.append(name)
            how = "mouse" if mouse_move(page, handle) else ""
        if how and wait_new_src(img, before, timeout):
            return {"control": name, "how": how, "swallowed": swallowed}
    for name, action in other_controls(box):
        before = src(img)
        action()
        if wait_new_src(img, before, timeout):
            return {"control": name, "how": "click", "swallowed": swallowed}
    return {"control": "", "how": "", "swallowed": swallowed}


def control_names(box) -> list:
    return box.evaluate("""b => Array.from(b.querySelectorAll(%s))
        .map(e => e.className.split(' ').filter(c => c.startsWith('widget-')).join('.') + ': '
                  + e.textContent.trim().slice(0, 30))""" % json.dumps(
        ", ".join("." + c for c in CONTROL_CLASSES)))


def page_problems(page) -> List[str]:
    """Widget error texts shown in the notebook ("Error displaying widget: ...", or
    "Loading widget..." left over from a model the page never got)."""
    text = page.locator(CURRENT).first.inner_text()
    return [t for t in ("Error displaying widget", "Loading widget") if t in text]


def screenshot(page, folder: Path, name: str) -> Optional[Path]:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path
    except Exception:
        return None
