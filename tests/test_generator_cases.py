"""Every way the lesson generator used to leak a solution or crash (issue 16), one test each.

Synthetic notebooks in tmp_path, no kernel: the generator runs with ``run=False`` or with
its executor replaced by a stub that fills in outputs (or fails)."""
import ast
import importlib.util
import runpy
import shutil
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("generate_lessons_cases", ROOT / "tools" / "generate_lessons.py")
gen = importlib.util.module_from_spec(spec)
spec.loader.exec_module(gen)

IMPORT = "from course_lib.checks import lesson00 as check"
GOOD = "### BEGIN SOLUTION\nslope = 2 * 3\n### END SOLUTION\ncheck.slope(slope)"


def nb_of(*cells):
    """A notebook from ("code" | "md", source[, tags]) tuples; an import cell comes first."""
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_code_cell(IMPORT))
    for kind, source, *tags in cells:
        meta = {"tags": tags[0]} if tags else {}
        make = nbformat.v4.new_code_cell if kind == "code" else nbformat.v4.new_markdown_cell
        nb.cells.append(make(source, metadata=meta))
    return nb


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """solutions/ and lessons/ in tmp_path; returns a function writing a solution notebook."""
    monkeypatch.setattr(gen, "SOLUTIONS", tmp_path / "solutions")
    monkeypatch.setattr(gen, "LESSONS", tmp_path / "lessons")
    gen.SOLUTIONS.mkdir()

    def write(name, nb):
        path = gen.SOLUTIONS / name
        nbformat.write(nb, path)
        return path
    return write


def problems_of(nb, name="99_t.ipynb"):
    with pytest.raises(gen.NotebookProblems) as info:
        gen.make_lesson(nb, name)
    return info.value.problems


def only_problem(nb):
    found = problems_of(nb)
    assert len(found) == 1, found
    return found[0]


# ---------------------------------------------------------------- malformed markers
@pytest.mark.parametrize("source, line, words", [
    ("x = 1\n### END SOLUTION\ncheck.slope(x)", 2, "without a '### BEGIN SOLUTION'"),
    ("###BEGIN SOLUTION\nslope = 6\n### END SOLUTION\ncheck.slope(slope)", 1, "malformed"),
    ("### Begin Solution\nslope = 6\n### End Solution\ncheck.slope(slope)", 1, "malformed"),
    ("### BEGIN SOLUTION\nslope = 6\ncheck.slope(slope)", 1, "has no '### END SOLUTION'"),
    ("### BEGIN SOLUTION\n### BEGIN SOLUTION\nslope = 6\n### END SOLUTION", 2, "again before"),
    ("def f():\n    ### BEGIN SOLUTION\n    return 1\n### END SOLUTION", 4, "indented differently"),
    ("slope = 6  ### BEGIN SOLUTION\n### END SOLUTION", 1, "malformed"),
    ("### BEGIN SOLUTION  (my answer)\nslope = 6\n### END SOLUTION", 1, "malformed"),
])
def test_malformed_or_unbalanced_markers_are_reported_with_cell_and_line(source, line, words):
    problems = problems_of(nb_of(("code", source)))
    assert problems[0].notebook == "solutions/99_t.ipynb"
    assert problems[0].cell == 1 and problems[0].line == line, problems
    assert words in problems[0].message
    assert "solutions/99_t.ipynb, cell 1, line" in str(problems[0])


def test_names_that_merely_contain_the_words_are_not_markers():
    gen.make_lesson(nb_of(("code", "end_solution = begin_solution = 1\nprint(end_solution)")), "99_t.ipynb")
    p = only_problem(nb_of(("code", "x = 1\n# end-solution\n")))
    assert p.line == 2 and "malformed" in p.message


def test_stub_code_still_raises_value_error_for_unbalanced_markers():
    with pytest.raises(ValueError, match="unbalanced"):
        gen.stub_code("### BEGIN SOLUTION\nx = 1\n")


@pytest.mark.parametrize("source", [
    'print("### BEGIN SOLUTION")\nprint("### END SOLUTION")',
    'text = """\n### BEGIN SOLUTION\nsecret = 1\n### END SOLUTION\n"""',
])
def test_marker_text_inside_a_string_literal_is_not_a_marker(source):
    problems = problems_of(nb_of(("code", source)))
    assert {p.line for p in problems} == ({1, 2} if source.startswith("print") else {2, 4})
    assert all(p.cell == 1 for p in problems)
    assert all("malformed" in p.message or "string literal" in p.message for p in problems)


def test_markers_in_markdown_are_an_error():
    problems = problems_of(nb_of(("md", "Intro\n\n### BEGIN SOLUTION\nthe answer is 6\n### END SOLUTION")))
    assert [(p.cell, p.line) for p in problems] == [(1, 3), (1, 5)]
    assert all("markdown cell" in p.message for p in problems)


def test_prose_may_mention_the_markers_inline():
    nb = nb_of(("md", "Solution code sits between `### BEGIN SOLUTION` and `### END SOLUTION`."))
    gen.make_lesson(nb, "99_t.ipynb")
    p = only_problem(nb_of(("md", "Intro\n\n**BEGIN SOLUTION:**\nthe answer is 6")))
    assert (p.cell, p.line) == (1, 3)


def test_markers_in_a_cell_magic_are_an_error():
    problems = problems_of(nb_of(("code", "%%time\n### BEGIN SOLUTION\nx = 1\n### END SOLUTION")))
    assert [(p.cell, p.line) for p in problems] == [(1, 2), (1, 4)]
    assert all("cell magic" in p.message for p in problems)


def test_syntax_error_is_a_message_not_a_traceback():
    p = only_problem(nb_of(("code", "### BEGIN SOLUTION\nslope = (2 *\n### END SOLUTION\ncheck.slope(slope)")))
    assert p.cell == 1 and p.line is not None and "syntax error" in p.message


def test_every_problem_of_a_notebook_is_listed():
    problems = problems_of(nb_of(("code", "###BEGIN SOLUTION\nx = 1"), ("md", "fine"),
                                 ("code", "### END SOLUTION")))
    assert [(p.cell, p.line) for p in problems] == [(1, 1), (3, 1)]


# ---------------------------------------------------------------- exercise cells
def test_solution_cell_without_markers_is_refused():
    p = only_problem(nb_of(("code", "slope = 2 * 3\ncheck.slope(slope)")))
    assert (p.cell, p.line) == (1, 2)
    assert "exercise cell without solution markers" in p.message and "check.slope" in p.message


def test_solution_cell_whose_recorded_checker_output_accepts_it_is_refused():
    nb = nb_of(("code", "check.slope(6)"))
    nb.cells[1].outputs = [nbformat.v4.new_output("stream", name="stdout", text="✅ slope at x = 3 = 6\n")]
    assert "accepting" in only_problem(nb).message


def test_checker_demo_on_a_wrong_answer_or_tagged_is_accepted():
    nb = nb_of(("code", "check.slope(9)"), ("code", "check.slope(6)", ["checker-demo"]), ("code", GOOD))
    nb.cells[1].outputs = [nbformat.v4.new_output("stream", name="stdout", text="❌ that is f(3)\n")]
    lesson = gen.make_lesson(nb, "99_t.ipynb")
    assert lesson.cells[1].source == "check.slope(9)"          # shown as it is: nothing to hide
    assert lesson.cells[3].source == "# YOUR CODE HERE\nslope = None\ncheck.slope(slope)"


def test_helpers_of_the_checker_module_are_not_exercises():
    # lesson01's stable_lr_limit is not a checker (no @never_raises): the cell is no exercise
    nb = nb_of(("code", "from course_lib.checks import lesson01 as c1\nfound = c1.stable_lr_limit(1e-3)"))
    gen.make_lesson(nb, "99_t.ipynb")


def test_code_cell_tagged_solution_is_stubbed_as_a_whole():
    nb = nb_of(("code", "import math\nanswer = math.pi", ["solution"]), ("code", "print(answer, math)"))
    lesson = gen.make_lesson(nb, "99_t.ipynb")
    assert lesson.cells[1].source == "# YOUR CODE HERE\nmath = None\nanswer = None"
    assert "math.pi" not in "".join(c.source for c in lesson.cells)


# ---------------------------------------------------------------- stubs bind every name
def run_cells(nb):
    ns = {}
    for cell in nb.cells[1:]:
        if cell.cell_type == "code":
            exec(cell.source, ns)
    return ns


@pytest.mark.parametrize("block, later", [
    ("for i in range(3):\n    total = i", "print(i, total)"),
    ("import math as m\nfrom os import path", "print(m, path)"),
    ("with open(__file__) as handle:\n    first = handle.readline()", "print(handle, first)"),
    ("if (n := 10) > 5:\n    big = True", "print(n, big)"),
    ("while True:\n    middle = 1\n    break", "print(middle)"),
    ("try:\n    value = int('x')\nexcept ValueError as err:\n    value = -1", "print(value)"),
    ("def helper():\n    return 1\nclass Box:\n    pass", "print(helper, Box)"),
    ("a, (b, *c) = 1, (2, 3, 4)\nd: int = 5\nd += 1", "print(a, b, c, d)"),
    ("squares = [k * k for k in range(3)]\nlast = [(j := k) for k in range(2)]", "print(squares, last, j)"),
])
def test_stub_binds_every_name_later_lines_use(block, later):
    nb = nb_of(("code", f"### BEGIN SOLUTION\n{block}\n### END SOLUTION\n{later}"), ("code", later))
    lesson = gen.make_lesson(nb, "99_t.ipynb")
    run_cells(lesson)  # no NameError, in the cell itself nor in a later cell
    names = {n.id for n in ast.walk(ast.parse(later)) if isinstance(n, ast.Name)} - {"print"}
    assert set(gen.bound_names(block)) >= names
    assert "k =" not in lesson.cells[1].source  # a comprehension's variable is its own


def test_loop_names_nobody_reads_stay_out_of_the_stub():
    out = gen.stub_code("### BEGIN SOLUTION\nfor i in range(3):\n    d = i\n### END SOLUTION\nprint(d)")
    assert out == "# YOUR CODE HERE\nd = None\nprint(d)"


def test_later_cells_decide_which_loop_names_are_stubbed():
    src = "### BEGIN SOLUTION\nfor i in range(2):\n    d = i\n### END SOLUTION"
    assert gen.stub_code(src, later=["print(i)"]) == "# YOUR CODE HERE\ni = None"
    assert gen.stub_code(src) == "# YOUR CODE HERE"


def test_block_inside_a_function_keeps_names_the_function_reads_afterwards():
    src = ("def f(x):\n    ### BEGIN SOLUTION\n    y = 2 * x\n    z = 1\n    ### END SOLUTION\n"
           "    return y\n\nresult = f(3)")
    out = gen.stub_code(src)
    assert out == "def f(x):\n    # YOUR CODE HERE\n    ...\n    y = None\n    return y\n\nresult = f(3)"
    ns = {}
    exec(out, ns)
    assert ns["result"] is None


def test_block_in_a_top_level_loop_still_runs():
    out = gen.stub_code("for k in range(2):\n    ### BEGIN SOLUTION\n    pass\n    ### END SOLUTION\nprint(k)")
    assert out == "for k in range(2):\n    # YOUR CODE HERE\n    ...\nprint(k)"
    exec(out, {})


def test_magics_do_not_confuse_the_parser():
    out = gen.stub_code("%matplotlib inline\n### BEGIN SOLUTION\nx = 1\n### END SOLUTION\nprint(x)")
    assert out == "%matplotlib inline\n# YOUR CODE HERE\nx = None\nprint(x)"


# ---------------------------------------------------------------- the final leak scan
def test_scan_finds_a_solution_line_in_the_lesson(repo, monkeypatch):
    sol = repo("99_t.ipynb", nb_of(("code", "### BEGIN SOLUTION\nslope = 2 * 3  # the derivative\n"
                                            "### END SOLUTION\ncheck.slope(slope)")))
    monkeypatch.setattr(gen, "stub_code", lambda source, *a, **k: source)  # a generator that leaks
    with pytest.raises(gen.NotebookProblems, match=r"lessons/99_t.ipynb, cell 1, line 2: leaks"):
        gen.generate(sol, run=False)
    assert not (gen.LESSONS / "99_t.ipynb").exists()


def test_scan_ignores_lines_the_solution_also_gives_outside_its_blocks():
    nb = nb_of(("code", "value = compute_it(1, 2)"),
               ("code", "### BEGIN SOLUTION\nvalue = compute_it(1, 2)\n### END SOLUTION"))
    lesson = gen.make_lesson(nb, "99_t.ipynb")
    assert gen.leaks(nb, lesson, "99_t.ipynb") == []


def test_scan_finds_an_exercise_the_lesson_stub_passes(repo, monkeypatch):
    # the answer sits after the markers: only the executed lesson can tell
    sol = repo("99_t.ipynb", nb_of(("code", "### BEGIN SOLUTION\n### END SOLUTION\nslope = 6\ncheck.slope(slope)")))

    def fake_execute(nb, folder):
        nb.cells[1].outputs = [nbformat.v4.new_output("stream", name="stdout", text="✅ right\n")]
        return nb
    monkeypatch.setattr(gen, "execute", fake_execute)
    before = sol.read_bytes()
    with pytest.raises(gen.NotebookProblems, match="checker prints ✅ in the lesson"):
        gen.generate(sol)
    assert sol.read_bytes() == before and not (gen.LESSONS / "99_t.ipynb").exists()


def test_no_solution_text_in_the_committed_lessons():
    """The final scan on the real repository (sources and committed outputs, no kernel)."""
    solutions = sorted((ROOT / "solutions").glob("[0-9][0-9]_*.ipynb"))
    assert len(solutions) >= 10
    found, secrets = [], 0
    for path in solutions:
        solution = nbformat.read(path, as_version=4)
        lesson = nbformat.read(ROOT / "lessons" / path.name, as_version=4)
        secrets += len(gen._secret_lines(solution))
        found += gen.leaks(solution, lesson, path.name)
        lesson_text = "\n".join(c.source for c in lesson.cells)
        assert gen.BEGIN not in lesson_text and gen.END not in lesson_text, path.name
    assert found == [], "\n".join(map(str, found))
    assert secrets > 50  # the scan has something to look for


def test_every_committed_solution_passes_the_strict_rules():
    for path in sorted((ROOT / "solutions").glob("[0-9][0-9]_*.ipynb")):
        assert gen.validate(nbformat.read(path, as_version=4), path.name) == []


# ---------------------------------------------------------------- atomic writes
def test_nothing_is_written_when_the_lesson_fails_to_execute(repo, monkeypatch):
    sol = repo("99_t.ipynb", nb_of(("code", GOOD)))
    gen.generate(sol, run=False)
    lesson = gen.LESSONS / "99_t.ipynb"
    nb = nbformat.read(sol, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("print(slope)"))
    nbformat.write(nb, sol)
    before = sol.read_bytes(), lesson.read_bytes()

    def fake_execute(nb, folder):
        if folder == gen.LESSONS:
            trace = ["\x1b[0;31mTypeError\x1b[0m  Traceback", "Cell \x1b[0;32mIn[3], line 1\x1b[0m"]
            nb.cells[2].outputs = [nbformat.v4.new_output("error", ename="TypeError",
                                                          evalue="bad operand", traceback=trace)]
            raise RuntimeError("CellExecutionError")
        nb.cells[1].outputs = [nbformat.v4.new_output("stream", name="stdout", text="✅ right\n")]
        return nb
    monkeypatch.setattr(gen, "execute", fake_execute)
    with pytest.raises(gen.ExecutionFailed, match=r"lessons/99_t.ipynb, cell 2, line 1: execution failed: "
                                                  r"TypeError: bad operand"):
        gen.generate(sol)
    assert (sol.read_bytes(), lesson.read_bytes()) == before
    assert not list(gen.LESSONS.glob(".*.tmp")) and not list(gen.SOLUTIONS.glob(".*.tmp"))


def test_nothing_is_written_when_the_solution_fails_to_execute(repo, monkeypatch):
    sol = repo("99_t.ipynb", nb_of(("code", GOOD)))
    before = sol.read_bytes()

    def fake_execute(nb, folder):
        nb.cells[0].outputs = [nbformat.v4.new_output("error", ename="ModuleNotFoundError",
                                                      evalue="No module named 'course_lib'", traceback=[])]
        raise RuntimeError("CellExecutionError")
    monkeypatch.setattr(gen, "execute", fake_execute)
    with pytest.raises(gen.ExecutionFailed, match=r"solutions/99_t.ipynb, cell 0: execution failed: "
                                                  r"ModuleNotFoundError"):
        gen.generate(sol)
    assert sol.read_bytes() == before and not (gen.LESSONS / "99_t.ipynb").exists()


def test_a_demo_that_turns_into_a_right_answer_on_execution_is_refused(repo, monkeypatch):
    nb = nb_of(("code", "check.slope(6)"), ("code", GOOD))
    nb.cells[1].outputs = [nbformat.v4.new_output("stream", name="stdout", text="❌ stale output\n")]
    sol = repo("99_t.ipynb", nb)
    before = sol.read_bytes()

    def fake_execute(nb, folder):
        nb.cells[1].outputs = [nbformat.v4.new_output("stream", name="stdout", text="✅ right\n")]
        return nb
    monkeypatch.setattr(gen, "execute", fake_execute)
    with pytest.raises(gen.NotebookProblems, match="cell 1, line 1: exercise cell without solution markers"):
        gen.generate(sol)
    assert sol.read_bytes() == before and not (gen.LESSONS / "99_t.ipynb").exists()


def test_both_notebooks_are_written_after_both_executed(repo, monkeypatch):
    sol = repo("99_t.ipynb", nb_of(("code", GOOD)))
    ran = []

    def fake_execute(nb, folder):
        ran.append(folder)
        text = "✅ right\n" if folder == gen.SOLUTIONS else "⏳ not attempted yet\n"
        nb.cells[1].outputs = [nbformat.v4.new_output("stream", name="stdout", text=text)]
        return nb
    monkeypatch.setattr(gen, "execute", fake_execute)
    gen.generate(sol)
    assert ran == [gen.SOLUTIONS, gen.LESSONS]
    assert "✅" in sol.read_text() and "⏳" in (gen.LESSONS / "99_t.ipynb").read_text()


# ---------------------------------------------------------------- regenerate-all
def test_a_bad_notebook_does_not_stop_the_others(repo, capsys):
    for n in range(1, 6):
        source = "###BEGIN SOLUTION\nslope = 6" if n == 3 else GOOD
        repo(f"0{n}_t.ipynb", nb_of(("code", source)))
    rc = gen.main(["--no-execute"])
    out, err = capsys.readouterr()
    assert rc == 1
    assert sorted(p.name for p in gen.LESSONS.glob("*.ipynb")) == [f"0{n}_t.ipynb" for n in (1, 2, 4, 5)]
    assert out.count("ok: wrote") == 4 and "4 of 5 notebooks generated; failed: 03_t.ipynb" in out
    assert "failed: 03_t.ipynb, nothing written" in err and "solutions/03_t.ipynb, cell 1, line 1" in err


def test_unreadable_notebook_is_a_message(repo, capsys):
    (gen.SOLUTIONS / "01_t.ipynb").write_text("{not json")
    repo("02_t.ipynb", nb_of(("code", GOOD)))
    assert gen.main(["--no-execute"]) == 1
    out, err = capsys.readouterr()
    assert "cannot be read as a notebook" in err and "1 of 2 notebooks generated" in out
    assert gen.main(["--check"]) == 1
    assert "01_t.ipynb: solutions/01_t.ipynb: cannot be read" in capsys.readouterr().out


def test_force_overwrites_an_unreadable_lesson(repo):
    sol = repo("99_t.ipynb", nb_of(("code", GOOD)))
    gen.LESSONS.mkdir()
    (gen.LESSONS / "99_t.ipynb").write_text("{not json")
    with pytest.raises(gen.NotebookProblems, match="lessons/99_t.ipynb: cannot be read"):
        gen.generate(sol, run=False)
    gen.generate(sol, run=False, force=True)
    assert gen.stale_lessons() == []


def test_cli_prints_messages_never_a_traceback(tmp_path, monkeypatch, capsys):
    """The real script run as __main__ in a copy of the layout: exit 1, the places, no exception
    escapes (in-process with runpy: a subprocess would spend seconds importing nbformat)."""
    (tmp_path / "tools").mkdir()
    shutil.copy(ROOT / "tools" / "generate_lessons.py", tmp_path / "tools")
    (tmp_path / "solutions").mkdir()
    bad = {"01_a.ipynb": "### END SOLUTION", "02_b.ipynb": "### BEGIN SOLUTION\nx = (",
           "03_c.ipynb": 'print("### BEGIN SOLUTION")', "04_d.ipynb": GOOD}
    for name, source in bad.items():
        nbformat.write(nb_of(("code", source)), tmp_path / "solutions" / name)
    monkeypatch.setattr(sys, "argv", ["generate_lessons.py", "--no-execute"])
    with pytest.raises(SystemExit) as info:
        runpy.run_path(str(tmp_path / "tools" / "generate_lessons.py"), run_name="__main__")
    out, err = capsys.readouterr()
    text = out + err
    assert info.value.code == 1 and "Traceback" not in text, text
    for name in ("01_a", "02_b", "03_c"):
        assert f"solutions/{name}.ipynb, cell 1, line" in text, text
    assert "1 of 4 notebooks generated" in text
    assert [p.name for p in (tmp_path / "lessons").glob("*.ipynb")] == ["04_d.ipynb"]


def test_check_lists_every_broken_notebook(repo, capsys):
    for name, source in {"01_a.ipynb": "### END SOLUTION", "02_b.ipynb": "### BEGIN SOLUTION\nx = (",
                         "03_c.ipynb": 'print("### BEGIN SOLUTION")', "04_d.ipynb": GOOD}.items():
        repo(name, nb_of(("code", source)))
    gen.generate(gen.SOLUTIONS / "04_d.ipynb", run=False)
    assert gen.main(["--check"]) == 1
    out = capsys.readouterr().out
    for name in ("01_a", "02_b", "03_c"):
        assert f"stale: {name}.ipynb: solutions/{name}.ipynb, cell 1, line" in out, out
    assert "04_d" not in out


# ---------------------------------------------------------------- --check and generate agree
def test_lesson_that_lost_its_metadata(repo):
    sol = repo("99_t.ipynb", nb_of(("code", GOOD)))
    path = gen.generate(sol, run=False)
    nb = nbformat.read(path, as_version=4)
    del nb.metadata["course"]
    nbformat.write(nb, path)
    assert gen.lesson_state(sol)[0] == "unrecorded"
    assert len(gen.stale_lessons()) == 1 and "lost its generator record" in gen.stale_lessons()[0]
    gen.generate(sol, run=False)  # no --force needed: the content is exactly the generated one
    assert gen.stale_lessons() == [] and gen.lesson_state(sol)[0] == "current"


def test_hand_edited_lesson_is_reported_by_check_and_refused_by_generate(repo):
    sol = repo("99_t.ipynb", nb_of(("code", GOOD)))
    path = gen.generate(sol, run=False)
    for drop_record in (False, True):
        nb = nbformat.read(path, as_version=4)
        nb.cells[1].source = "slope = 'my own work'\ncheck.slope(slope)"
        if drop_record:
            del nb.metadata["course"]
        nbformat.write(nb, path)
        assert gen.lesson_state(sol)[0] == "hand-edited"
        assert "edited by hand" in gen.stale_lessons()[0]
        with pytest.raises(gen.StaleError, match="edited by hand"):
            gen.generate(sol, run=False)
        assert "my own work" in path.read_text()
    gen.generate(sol, run=False, force=True)
    assert gen.stale_lessons() == []


@pytest.mark.parametrize("change", ["solution", "record", "nothing"])
def test_check_and_generate_agree(repo, change):
    """Whatever --check says, generate (without --force) acts on it, and then --check is clean."""
    sol = repo("99_t.ipynb", nb_of(("code", GOOD)))
    path = gen.generate(sol, run=False)
    if change == "solution":
        nb = nbformat.read(sol, as_version=4)
        nb.cells.append(nbformat.v4.new_markdown_cell("more"))
        nbformat.write(nb, sol)
    elif change == "record":
        nb = nbformat.read(path, as_version=4)
        nb.metadata["course"]["lesson_hash"] = "0" * 16
        nbformat.write(nb, path)
    stale = gen.stale_lessons()
    assert (stale == []) == (change == "nothing")
    gen.generate(sol, run=False)
    assert gen.stale_lessons() == []


def test_check_reports_a_malformed_solution(repo):
    repo("99_t.ipynb", nb_of(("code", "### Begin Solution\nslope = 6\n### End Solution\ncheck.slope(slope)")))
    stale = gen.stale_lessons()
    assert stale and all(s.startswith("99_t.ipynb: solutions/99_t.ipynb, cell 1, line") for s in stale)


ISSUE_CASES = {  # the cases of issue 16 that the old generator copied into lessons/ with rc 0
    "end without begin": ("code", "slope = 6\n### END SOLUTION\ncheck.slope(slope)"),
    "no markers": ("code", "slope = 2 * 3\ncheck.slope(slope)"),
    "no space": ("code", "###BEGIN SOLUTION\nslope = 6\n###END SOLUTION\ncheck.slope(slope)"),
    "title case": ("code", "### Begin Solution\nslope = 6\n### End Solution\ncheck.slope(slope)"),
    "markdown": ("md", "### BEGIN SOLUTION\nThe slope is 6.\n### END SOLUTION"),
    "raw": ("raw", "### BEGIN SOLUTION\nThe slope is 6.\n### END SOLUTION"),
}


@pytest.mark.parametrize("case", sorted(ISSUE_CASES))
def test_issue_case_is_refused_and_check_no_longer_says_up_to_date(repo, case, capsys):
    kind, source = ISSUE_CASES[case]
    nb = nb_of(("code", GOOD))
    if kind == "raw":
        nb.cells.append(nbformat.v4.new_raw_cell(source))
    else:
        nb.cells += nb_of((kind, source)).cells[1:]
    sol = repo("99_t.ipynb", nb)
    # the lesson the old generator wrote: the cell copied as it is, with a valid record
    old = gen.make_lesson(nb_of(("code", GOOD)), "99_t.ipynb")
    old.cells.append(nb.cells[-1].copy())
    old.metadata["course"]["lesson_hash"] = gen.content_hash(old)
    gen.LESSONS.mkdir()
    nbformat.write(old, gen.LESSONS / "99_t.ipynb")
    before = (gen.LESSONS / "99_t.ipynb").read_bytes()
    assert gen.main(["--no-execute"]) == 1
    assert gen.main(["--check"]) == 1
    out, err = capsys.readouterr()
    assert "solutions/99_t.ipynb, cell 2, line" in err and "up to date" not in out
    assert (gen.LESSONS / "99_t.ipynb").read_bytes() == before
