"""The authoring pipeline: solutions/ -> lessons/ (tools/generate_lessons.py)."""
import importlib.util
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("generate_lessons", ROOT / "tools" / "generate_lessons.py")
gen = importlib.util.module_from_spec(spec)
spec.loader.exec_module(gen)


def test_function_body_becomes_ellipsis():
    src = "def f(x):\n    ### BEGIN SOLUTION\n    y = 2 * x\n    return y\n    ### END SOLUTION\n\ncheck(f)"
    out = gen.stub_code(src)
    assert out == "def f(x):\n    # YOUR CODE HERE\n    ...\n\ncheck(f)"
    ns = {}
    exec(out.replace("check(f)", "result = f(3)"), ns)
    assert ns["result"] is None  # the checker will say "not attempted yet"


def test_top_level_block_leaves_names_as_none():
    src = "### BEGIN SOLUTION\na = 1\nb, c = 2, 3\nfor i in range(3):\n    d = i\n### END SOLUTION\nprint(a, b, c, d)"
    out = gen.stub_code(src)
    assert "# YOUR CODE HERE\na = None\nb = None\nc = None\nd = None\nprint(a, b, c, d)" == out
    exec(out, {})  # runs without error


def test_unbalanced_markers_are_an_error():
    with pytest.raises(ValueError, match="unbalanced"):
        gen.stub_code("### BEGIN SOLUTION\nx = 1\n")


def _solution_nb():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# t\n\nWhat you will learn"),
                nbformat.v4.new_code_cell("### BEGIN SOLUTION\nx = 42\n### END SOLUTION\nprint(x)"),
                nbformat.v4.new_markdown_cell("because", metadata={"tags": ["solution"]})]
    return nb


def test_make_lesson_hides_every_solution():
    lesson = gen.make_lesson(_solution_nb(), "99_t.ipynb")
    text = "\n".join(c.source for c in lesson.cells)
    assert "42" not in text and "because" not in text
    assert "BEGIN SOLUTION" not in text
    assert lesson.metadata["course"]["lesson_hash"] == gen.content_hash(lesson)


def test_hand_edited_lesson_is_not_overwritten(tmp_path, monkeypatch):
    monkeypatch.setattr(gen, "SOLUTIONS", tmp_path / "solutions")
    monkeypatch.setattr(gen, "LESSONS", tmp_path / "lessons")
    gen.SOLUTIONS.mkdir()
    sol = gen.SOLUTIONS / "99_t.ipynb"
    nbformat.write(_solution_nb(), sol)
    path = gen.generate(sol, run=False)
    gen.generate(sol, run=False)  # untouched lesson: regenerating is fine
    edited = nbformat.read(path, as_version=4)
    edited.cells[1].source = "x = 'my own work'\nprint(x)"
    nbformat.write(edited, path)
    with pytest.raises(gen.StaleError, match="edited by hand"):
        gen.generate(sol, run=False)
    assert "my own work" in path.read_text()
    gen.generate(sol, run=False, force=True)
    assert "my own work" not in path.read_text()


def test_stale_lesson_is_detected(tmp_path, monkeypatch):
    monkeypatch.setattr(gen, "SOLUTIONS", tmp_path / "solutions")
    monkeypatch.setattr(gen, "LESSONS", tmp_path / "lessons")
    gen.SOLUTIONS.mkdir()
    sol = gen.SOLUTIONS / "99_t.ipynb"
    nbformat.write(_solution_nb(), sol)
    assert gen.stale_lessons() == ["99_t.ipynb: lessons/99_t.ipynb is missing"]
    gen.generate(sol, run=False)
    assert gen.stale_lessons() == []
    nb = nbformat.read(sol, as_version=4)
    nb.cells[0].source += "\nmore prose"
    nbformat.write(nb, sol)
    assert len(gen.stale_lessons()) == 1


def test_committed_lessons_are_up_to_date():
    stale = gen.stale_lessons()
    assert stale == [], "run `python tools/generate_lessons.py`:\n" + "\n".join(stale)


def test_check_mode_exit_code():
    proc = subprocess.run([sys.executable, str(ROOT / "tools" / "generate_lessons.py"), "--check"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "up to date" in proc.stdout
