"""Conventions every committed notebook keeps (DESIGN.md, "Notebook conventions")."""
import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "solutions").glob("*.ipynb")) + sorted((ROOT / "lessons").glob("*.ipynb"))
IDS = [f"{p.parent.name}/{p.name}" for p in NOTEBOOKS]


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 4
    names = {p.name for p in NOTEBOOKS}
    assert {"00_welcome.ipynb", "01_rosenbrock_gradient_descent.ipynb"} <= names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_name_is_two_digits_and_stem(path):
    assert re.fullmatch(r"\d\d_[a-z0-9_]+\.ipynb", path.name)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_executed_top_to_bottom_without_errors(path):
    nb = nbformat.read(path, as_version=4)
    counts = [c.execution_count for c in nb.cells if c.cell_type == "code"]
    assert counts == list(range(1, len(counts) + 1)), "execute it on a fresh kernel, top to bottom"
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            assert out.output_type != "error", f"committed with an error:\n{cell.source}"
            if out.output_type == "stream" and out.name == "stderr":
                assert "Warning" not in out.text, f"a warning in a committed output:\n{out.text}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_structure(path):
    nb = nbformat.read(path, as_version=4)
    first = nb.cells[0]
    assert first.cell_type == "markdown" and "What you will learn" in first.source
    assert nb.cells[1].cell_type == "markdown", "explain before the first code cell"
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert "## Summary" in text
    assert "Exercise" in text


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_figures_are_png_and_plot_cells_end_with_show(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for out in cell.get("outputs", []):
            assert "image/svg+xml" not in out.get("data", {}), "figures must be PNG"
        last = cell.source.rstrip().splitlines()[-1] if cell.source.strip() else ""
        assert not last.rstrip().endswith(";"), f"end plotting cells with plt.show():\n{cell.source}"
        if "plt." in cell.source and any("image/png" in o.get("data", {}) for o in cell.outputs):
            assert "plt.show()" in cell.source, f"end plotting cells with plt.show():\n{cell.source}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_no_machine_specific_output(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if "nbval-ignore-output" in cell.metadata.get("tags", []):
            continue
        for out in cell.get("outputs", []):
            text = out.get("text", "") + out.get("data", {}).get("text/plain", "")
            assert "/work/" not in text and "/home/" not in text, "absolute path in an output"


def test_solutions_have_exercises_and_lessons_hide_them():
    for sol in sorted((ROOT / "solutions").glob("*.ipynb")):
        nb = nbformat.read(sol, as_version=4)
        code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
        assert "### BEGIN SOLUTION" in code, f"{sol.name} has no exercise"
        lesson = nbformat.read(ROOT / "lessons" / sol.name, as_version=4)
        lcode = "\n".join(c.source for c in lesson.cells)
        assert "### BEGIN SOLUTION" not in lcode
        outputs = "\n".join(o.get("text", "") for c in lesson.cells if c.cell_type == "code"
                            for o in c.outputs)
        assert "not attempted yet" in outputs, f"lessons/{sol.name}: stubs should be reported as not attempted"
        assert "✅" in "\n".join(o.get("text", "") for c in nb.cells if c.cell_type == "code"
                                for o in c.outputs), f"solutions/{sol.name}: no checker passes"


# -- truth rules (DESIGN.md "Truth rules", the issue "Every statement true") --------------

def _text_outputs(cell) -> str:
    parts = []
    for out in cell.get("outputs", []):
        parts.append(out.get("text", ""))
        parts.append(out.get("data", {}).get("text/plain", ""))
    return "".join(parts)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_every_lesson_checks_its_claims_and_none_is_broken(path):
    nb = nbformat.read(path, as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "from course_lib.claims import claim" in code, "back the prose's claims with claim()"
    outputs = "\n".join(_text_outputs(c) for c in nb.cells if c.cell_type == "code")
    held = [line for line in outputs.splitlines() if line.startswith("✓ ")]
    assert held, "no claim printed ✓"
    assert "✗ no longer true" not in outputs, "a claim of the prose no longer holds"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_sources_are_named_and_listed(path):
    nb = nbformat.read(path, as_version=4)
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    # a source is named (author, title, link), never "the post" / "the toolbox" / "the seed"
    vague = re.findall(r"(?i)\bthe (?:blog )?(?:post|toolbox|seed)\b(?!-to-seed)|\ba blog post\b", text)
    assert not vague, f"name the source instead of {vague}"
    sources = [c.source for c in nb.cells if c.cell_type == "markdown"
               and c.source.lstrip().startswith("## Sources")]
    assert sources, "end with a '## Sources' cell"
    assert re.search(r"https?://", sources[-1]), "the Sources cell links its sources"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_plots_use_the_inline_backend_even_when_mplbackend_is_set(path):
    nb = nbformat.read(path, as_version=4)
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    first_plot = next((i for i, s in enumerate(code) if "plt." in s), None)
    if first_plot is None:
        return
    before = "\n".join(code[:first_plot + 1])
    assert "%matplotlib inline" in before, "start the setup cell with %matplotlib inline"
