#!/usr/bin/env python3
"""Widget latency as a student feels it: in headless Chromium, from the key press on a
slider handle to the new picture in the page. Prints numbers, asserts nothing.

    python benchmarks/bench_browser.py                # every widget of every lesson, JupyterLab
    python benchmarks/bench_browser.py 01 05          # only lessons whose name starts with 01 or 05
    python benchmarks/bench_browser.py --presses 20 --frontend notebook
    python benchmarks/bench_browser.py 05 --kernel   # also time each update inside the kernel

For each lesson with a widget (see tests/browser_support.py), the script opens a temporary
copy in JupyterLab, runs all cells, and for every visible slider of every explorer presses
ArrowRight / ArrowLeft alternately (``--presses`` times; the mouse on the track where the
front-end swallows arrow keys, as Notebook 7 does). An explorer without sliders gets its
toggle buttons clicked instead. All timestamps are taken in the page with
``performance.now()``: the key press (a capture-phase keydown / pointerdown listener), the
new ``src`` of the picture (a MutationObserver) and the decoded picture (its load event).

With ``--kernel``, a timer is put around ``Explorer.update`` and ``Explorer.png`` in the
notebook's kernel (through a second client on the kernel's connection file) while the
presses run, and the row adds the kernel's medians: the whole ``update``, and of it
``png()``'s wall time and the CPU time of the kernel's thread (their difference is time the
kernel waited for a core).

Needs Debian's Chromium (``apt-get install chromium``) and Playwright for Python.
Target: every widget under 100 ms median, the fastest well under 50 ms.
"""
from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
import browser_support as bs  # noqa: E402

TARGET_MS = 100.0

INSTALL_JS = """img => {
    const st = {starts: [], srcs: [], loads: []};
    const start = () => st.starts.push(performance.now());
    document.addEventListener('keydown', start, true);
    document.addEventListener('pointerdown', start, true);
    const obs = new MutationObserver(() => st.srcs.push(performance.now()));
    obs.observe(img, {attributes: true, attributeFilter: ['src']});
    const load = () => st.loads.push(performance.now());
    img.addEventListener('load', load);
    window.__lat = st;
    window.__latStop = () => { document.removeEventListener('keydown', start, true);
        document.removeEventListener('pointerdown', start, true); obs.disconnect();
        img.removeEventListener('load', load); };
}"""


def explorer_name(notebook: Path, page, img) -> str:
    """The factory called in the cell that displays this picture, e.g. ``gd_explorer``."""
    index = img.evaluate("""el => Array.from(document.querySelectorAll('.jp-Notebook .jp-Cell'))
                            .indexOf(el.closest('.jp-Cell'))""")
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    source = "".join(cells[index]["source"]) if 0 <= index < len(cells) else ""
    found = re.findall(r"(\w+_explorer)\s*\(", source)
    return found[-1] if found else f"cell {index}"


def measure(page, img, act, presses: int, timeout: float = 5.0) -> dict:
    """Run ``act(i)`` ``presses`` times; each time wait for the new picture, then settle."""
    img.evaluate(INSTALL_JS)
    src_ms, load_ms, missing = [], [], 0
    try:
        for i in range(presses):
            n_src = page.evaluate("() => window.__lat.srcs.length")
            n_start = page.evaluate("() => window.__lat.starts.length")
            act(i)
            try:
                page.wait_for_function(f"() => window.__lat.srcs.length > {n_src}",
                                       timeout=timeout * 1000)
            except Exception:
                missing += 1
                continue
            try:
                page.wait_for_function(f"() => window.__lat.loads.length > {n_src}", timeout=2000)
            except Exception:
                pass
            st = page.evaluate("() => window.__lat")
            if len(st["starts"]) <= n_start:
                missing += 1
                continue
            t0 = st["starts"][n_start]
            src_ms.append(st["srcs"][n_src] - t0)
            loads = [t for t in st["loads"] if t >= st["srcs"][n_src]]
            if loads:
                load_ms.append(loads[0] - t0)
            time.sleep(0.15)  # let echoes and the kernel settle before the next press
    finally:
        page.evaluate("() => window.__latStop && window.__latStop()")
    return {"src": src_ms, "load": load_ms, "missing": missing}


def slider_actions(page, handle):
    """An action alternating right / left with the keyboard, or clicks on the track."""
    keys = ["ArrowLeft", "ArrowRight"] if bs.at_max(handle) else ["ArrowRight", "ArrowLeft"]
    if bs.key_move(page, handle):  # the keyboard works here; this first move is not timed
        keys = keys[::-1]  # go back first

        def act(i):
            handle.focus()
            page.keyboard.press(keys[i % 2])
        return act, "keyboard"
    track = handle.locator("xpath=ancestor::div[contains(@class,'noUi-target')][1]")

    def click(i):
        box = track.bounding_box()
        page.mouse.click(box["x"] + box["width"] * (0.3 if i % 2 else 0.7),
                         box["y"] + box["height"] / 2)
    return click, "mouse"


def toggle_actions(box):
    buttons = box.locator(".widget-toggle-buttons").first.locator("button.widget-toggle-button")

    def act(i):
        box.locator(".widget-toggle-buttons").first.locator(
            "button.widget-toggle-button:not(.mod-active)").first.click()
    return (act, "click") if buttons.count() > 1 else (None, "")


def bench_notebook(server, browser, notebook: Path, frontend: str, presses: int,
                   kernel: bool = False) -> list:
    rel = server.add(notebook, frontend)
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    rows = []
    try:
        bs.open_notebook(page, server, rel, frontend)
        bs.run_all(page, server, rel, frontend, bs.expected_layout(notebook)["code_cells"])
        for img in bs.explorer_images(page):
            bs.wait_until(lambda: bs.src(img).startswith(("blob:", "data:")), 30, "the picture")
            name = explorer_name(notebook, page, img)
            box = bs.explorer_box(img)
            handles = bs.slider_handles(box)
            controls = [(bs.slider_name(h), *slider_actions(page, h)) for h in handles]
            if not handles:
                act, how = toggle_actions(box)
                if act:
                    controls = [("toggle buttons", act, how)]
            for label, act, how in controls:
                time.sleep(0.3)
                if kernel:
                    bs.kernel_run(server, rel, KERNEL_TIMER_CODE)
                res = measure(page, img, act, presses)
                rows.append({"lesson": notebook.name[:2], "explorer": name, "control": label,
                             "how": how, **res,
                             "kernel": kernel_medians(server, rel) if kernel else []})
                print_row(rows[-1])
    finally:
        context.close()
        server.shutdown_sessions(rel)
    return rows


#: run in the kernel (``--kernel``): time Explorer.update and Explorer.png, keep the numbers
KERNEL_TIMER_CODE = """\
import time as _t
from course_lib.widgets.base import Explorer as _E
if not hasattr(_E, "_bench_log"):
    _E._bench_log, _E._bench_png, _update, _png = [], [], _E.update, _E.png
    def _timed_png(self):
        c, t = _t.thread_time(), _t.perf_counter(); out = _png(self)
        _E._bench_png.append(((_t.perf_counter() - t) * 1e3, (_t.thread_time() - c) * 1e3))
        return out
    def _timed_update(self):
        t = _t.perf_counter(); _update(self)
        _E._bench_log.append([(_t.perf_counter() - t) * 1e3, *_E._bench_png[-1]])
    _E.png, _E.update = _timed_png, _timed_update
_E._bench_log.clear()
"""
KERNEL_READ_CODE = ("import json; from course_lib.widgets.base import Explorer as _E; "
                    "print('BENCH-KERNEL ' + json.dumps(_E._bench_log)); _E._bench_log.clear()")


def kernel_medians(server, relpath: str) -> list:
    """The kernel's medians since the timer was (re)set: update, png() wall, png() CPU."""
    text, _ = bs.kernel_run(server, relpath, KERNEL_READ_CODE)
    rows = [json.loads(line.split(" ", 1)[1]) for line in text.splitlines()
            if line.startswith("BENCH-KERNEL ")]
    log = rows[-1] if rows else []
    return [statistics.median(r[i] for r in log) for i in range(3)] if log else []


def fmt(values) -> str:
    return f"{statistics.median(values):7.1f}" if values else "      -"


def print_header() -> None:
    print(f"{'lesson':<6} {'explorer':<26} {'control':<22} {'input':<8} "
          f"{'median ms':>9} {'min ms':>7} {'max ms':>7} {'decoded':>8} {'n':>3}", flush=True)


def print_row(r: dict) -> None:
    src = r["src"]
    flag = "" if src and statistics.median(src) < TARGET_MS else "  SLOW" if src else "  NO PICTURE"
    print(f"{r['lesson']:<6} {r['explorer']:<26} {r['control'][:22]:<22} {r['how']:<8} "
          f"{fmt(src):>9} {min(src) if src else float('nan'):7.1f} "
          f"{max(src) if src else float('nan'):7.1f} {fmt(r['load']):>8} {len(src):3d}{flag}"
          + ("   kernel: update {:.1f}, of which png() {:.1f} wall / {:.1f} CPU".format(*r["kernel"])
             if r.get("kernel") else ""), flush=True)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("prefixes", nargs="*", help="only lessons whose file name starts with these")
    ap.add_argument("--presses", type=int, default=10)
    ap.add_argument("--frontend", choices=list(bs.FRONTENDS), default="lab")
    ap.add_argument("--kernel", action="store_true",
                    help="also time update and png() inside the kernel (ms, medians)")
    args = ap.parse_args(argv)
    reason = bs.missing_browser() or bs.missing_frontend(args.frontend)
    if reason:
        print(f"cannot measure: {reason}", file=sys.stderr)
        return 1
    from playwright.sync_api import sync_playwright

    notebooks = [p for p in bs.widget_notebooks()
                 if not args.prefixes or any(p.name.startswith(x) for x in args.prefixes)]
    server = bs.JupyterServer().start()
    rows = []
    try:
        with sync_playwright() as p:
            browser = bs.launch_browser(p)
            try:
                print(f"front-end: {args.frontend}; {args.presses} presses per control; "
                      "median = key press -> new picture src (in the page); "
                      "decoded = key press -> picture loaded")
                print_header()
                for nb in notebooks:
                    rows += bench_notebook(server, browser, nb, args.frontend, args.presses,
                                           args.kernel)
            finally:
                browser.close()
    finally:
        server.stop()
        shutil.rmtree(server.dir, ignore_errors=True)
    measured = [r for r in rows if r["src"]]
    if measured:
        fastest = min(measured, key=lambda r: statistics.median(r["src"]))
        slow = [r for r in measured if statistics.median(r["src"]) >= TARGET_MS]
        print(f"\nfastest: {fastest['explorer']} ({fastest['control']}) "
              f"{statistics.median(fastest['src']):.1f} ms median")
        print(f"over {TARGET_MS:.0f} ms median: " + (", ".join(
            f"{r['explorer']} ({r['control']}) {statistics.median(r['src']):.0f} ms" for r in slow)
            or "none"))
    silent = [r for r in rows if not r["src"]]
    if silent:
        print("no new picture (the control does not change this figure in the current mode): "
              + ", ".join(f"{r['explorer']} ({r['control']})" for r in silent))
    return 0


if __name__ == "__main__":
    sys.exit(main())
