#!/usr/bin/env python3
"""Generate lessons/ from solutions/ (the source of truth), then execute both.

    python tools/generate_lessons.py                 # every notebook in solutions/
    python tools/generate_lessons.py 01              # only those whose name starts with 01
    python tools/generate_lessons.py --check         # exit 1 if any lesson is stale
    python tools/generate_lessons.py --force 01      # overwrite a hand-edited lesson
    python tools/generate_lessons.py --no-execute    # write sources only (quick drafts)

In a solution notebook, the code between ``### BEGIN SOLUTION`` and ``### END SOLUTION``
is the worked answer. In the lesson it becomes a stub that runs without error:

* inside a function: ``# YOUR CODE HERE`` and ``...``, so the function returns None and its
  checker says "not attempted yet" (plus ``name = None`` for a name the block binds that
  the function still reads after the block);
* elsewhere: ``# YOUR CODE HERE`` and ``name = None`` for every name the solution binds by
  its own statements (assignments, ``def``, ``class``, ``import``), and for every other name
  it binds (``for`` and ``with`` targets, ``:=``, names bound in loops and branches) that a
  later line of the notebook mentions, so later lines still run.

A markdown cell tagged ``solution`` (a worked explanation) is replaced by a short note; a
code cell tagged ``solution`` is the worked answer as a whole (stubbed like one block).

Strict rules (the generator refuses the notebook and names notebook, cell and line):

* a marker is exactly ``### BEGIN SOLUTION`` or ``### END SOLUTION``, alone on its line, as a
  comment of a code cell; anything else that looks like one (``###BEGIN SOLUTION``,
  ``### Begin Solution``, marker text in a string or after code, a marker line in a markdown
  or raw cell) is an error (prose may still *mention* the markers inside a sentence);
* markers come in pairs, BEGIN before END, not nested, at the same indentation;
* every code cell must parse, and so must its stub;
* an *exercise cell* is a code cell that calls a checker of ``course_lib.checks`` (a function
  decorated ``@never_raises`` in ``course_lib/checks/lessonNN.py``). It must hide its answer
  between markers, unless it is tagged ``checker-demo`` or its recorded output shows the
  checker's verdict and it is not ✅ (a deliberate demonstration of ❌, as in lesson 00);
  after executing the solution this is checked again on the fresh output;
* a final scan: no line between markers (nor of a ``solution`` cell), of 12 characters or
  more, appears in the lesson unless the solution notebook also shows it outside its
  solutions, and no exercise cell of the lesson prints ✅ when executed.

The generator records a hash of the lesson it wrote in the notebook's metadata. The state
of a lesson is decided once (:func:`lesson_state`) for both ``--check`` and generating:
``current``; ``stale`` (its solution changed); ``unrecorded`` (its content is what the
generator writes but the record is missing or wrong: regenerating restores it); ``missing``;
``hand-edited`` (the content no longer matches the record): the generator refuses to
overwrite it unless given ``--force``, and ``--check`` reports it.

Executing stores outputs (nbval compares against them) on a fresh kernel, top to bottom,
in the notebook's own folder; solutions are executed too, so both stay in step. Both
notebooks are written only after both executed and passed the scan (nothing is written
when either fails). A run over several notebooks reports every notebook's result and
continues past a bad one; the exit code is 1 when any failed.
"""
from __future__ import annotations

import argparse
import ast
import functools
import hashlib
import io
import json
import os
import re
import sys
import tokenize
from pathlib import Path
from typing import NamedTuple, Optional

import nbformat

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "solutions"
LESSONS = ROOT / "lessons"
CHECKS = ROOT / "course_lib" / "checks"
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
STUB_NOTE = "*Your explanation here.* (The worked answer is in `solutions/`.)"
SOLUTION_TAG = "solution"
DEMO_TAG = "checker-demo"
#: anything in code that looks like a marker (then it must be exactly one): a comment sign, then
#: BEGIN or END and SOLUTION in any case and spacing (an identifier such as end_solution is not)
_MARKER_LIKE = re.compile(r"(?i)#[\W_]*(begin|end)[\W_]*solution\b")
#: a line of prose that is a marker, give or take punctuation (prose may *mention* markers)
_MARKER_LINE = re.compile(r"(?i)^[\W_]*(begin|end)[\W_]*solution[\W_]*$")
#: a line of the solution this short (stripped) is too common to count as leaked
_MIN_SECRET = 12


# --------------------------------------------------------------------------- errors
class Problem(NamedTuple):
    """One thing wrong, where a person can find it (cells count from 0, lines from 1)."""

    notebook: str
    cell: Optional[int]
    line: Optional[int]
    message: str

    def __str__(self) -> str:
        where = self.notebook
        if self.cell is not None:
            where += f", cell {self.cell}"
        if self.line is not None:
            where += f", line {self.line}"
        return f"{where}: {self.message}"


class GeneratorError(Exception):
    """A refusal with a message for the author (never shown as a traceback)."""


class NotebookProblems(GeneratorError, ValueError):
    """The notebook breaks the rules above; ``problems`` lists every place."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class StaleError(GeneratorError):
    pass


class ExecutionFailed(GeneratorError):
    pass


# --------------------------------------------------------------------------- parsing
_IPYTHON_SYNTAX = re.compile(r"^\s*[%!]|[?]\s*$|=\s*[%!]", re.M)


@functools.lru_cache(maxsize=4096)
def _python_source(source: str) -> str:
    """The cell as Python, line for line (IPython ``%magic`` and ``!cmd`` lines neutralised)."""
    if not _IPYTHON_SYNTAX.search(source):
        return source
    lines = source.split("\n")
    if lines and lines[0].lstrip().startswith("%%"):
        return "\n".join("" for _ in lines)  # a cell magic: not Python at all
    try:
        out = _transformer().transform_cell(source)
        if out.rstrip("\n").count("\n") == source.rstrip("\n").count("\n"):
            return out
    except Exception:  # IPython missing or unhappy: fall back to a placeholder per magic line
        pass
    return "\n".join(line[: len(line) - len(line.lstrip())] + "pass"
                     if line.lstrip().startswith(("%", "!")) else line for line in lines)


@functools.lru_cache(maxsize=1)
def _transformer():
    from IPython.core.inputtransformer2 import TransformerManager
    return TransformerManager()


class Block(NamedTuple):
    begin: int   # line of ### BEGIN SOLUTION (1-based)
    end: int     # line of ### END SOLUTION
    indent: str


def _comment_lines(py: str) -> tuple[dict[int, tuple[int, str]], Problem | None]:
    """Comment tokens by line: {line: (column, text)}; or the tokenizer's complaint."""
    comments: dict[int, tuple[int, str]] = {}
    try:
        for tok in tokenize.generate_tokens(io.StringIO(py).readline):
            if tok.type == tokenize.COMMENT:
                comments[tok.start[0]] = (tok.start[1], tok.string)
    except tokenize.TokenError as exc:
        line = exc.args[1][0] if len(exc.args) > 1 else None
        return comments, Problem("", None, line, f"cannot be read as Python: {exc.args[0]}")
    except (SyntaxError, IndentationError) as exc:
        return comments, Problem("", None, exc.lineno, f"syntax error: {exc.msg}")
    return comments, None


def find_blocks(source: str, cell_type: str = "code") -> tuple[list[Block], list[Problem]]:
    """The solution blocks of a cell, and every malformed or misplaced marker.

    Problems carry the line; the caller fills in notebook and cell."""
    lines = source.split("\n")
    problems: list[Problem] = []
    pattern = _MARKER_LIKE if cell_type == "code" else _MARKER_LINE
    suspects = [(n, line) for n, line in enumerate(lines, 1) if pattern.search(line)]
    if not suspects:
        return [], []
    if cell_type != "code":
        return [], [Problem("", None, n, f"solution marker in a {cell_type} cell ({line.strip()!r}): "
                            f"markers belong in code cells; tag a worked explanation "
                            f"'{SOLUTION_TAG}' instead") for n, line in suspects]
    if lines[0].lstrip().startswith("%%"):
        return [], [Problem("", None, n, f"solution marker in a cell magic ({lines[0].split()[0]}) cell: "
                            "markers need a Python cell") for n, _ in suspects]
    py = _python_source(source)
    comments, trouble = _comment_lines(py)
    if trouble is not None:
        return [], [trouble]
    markers = []
    for n, line in suspects:
        text, indent = line.strip(), line[: len(line) - len(line.lstrip())]
        if text not in (BEGIN, END):
            problems.append(Problem("", None, n, f"malformed solution marker {text!r}: write exactly "
                                    f"'{BEGIN}' or '{END}', alone on its line"))
        elif comments.get(n, (None, ""))[0] != len(indent) or comments[n][1].strip() != text:
            problems.append(Problem("", None, n, f"marker text {text!r} inside a string literal "
                                    f"(or not a comment of its own): not a marker"))
        else:
            markers.append((n, text, indent))
    blocks: list[Block] = []
    open_at: tuple[int, str] | None = None
    for n, text, indent in markers:
        if text == BEGIN:
            if open_at is not None:
                problems.append(Problem("", None, n, f"unbalanced markers: {BEGIN!r} again before "
                                        f"the {BEGIN!r} of line {open_at[0]} was closed"))
            open_at = (n, indent)
        elif open_at is None:
            problems.append(Problem("", None, n, f"unbalanced markers: {END!r} without a {BEGIN!r} before it"))
        elif indent != open_at[1]:
            problems.append(Problem("", None, n, f"{END!r} is indented differently from the {BEGIN!r} "
                                    f"of line {open_at[0]}"))
            open_at = None
        else:
            blocks.append(Block(open_at[0], n, indent))
            open_at = None
    if open_at is not None:
        problems.append(Problem("", None, open_at[0], f"unbalanced markers: {BEGIN!r} has no {END!r} after it"))
    for b in blocks:
        for n in range(b.begin + 1, b.end):
            line = lines[n - 1]
            if line.strip() and not line.startswith(b.indent):
                problems.append(Problem("", None, n, "a line of the solution is indented less than its "
                                        f"{BEGIN!r} (line {b.begin})"))
    return blocks, problems


# --------------------------------------------------------------------------- names
class _Binder(ast.NodeVisitor):
    """Names a piece of code binds in its own scope, in order; ``own`` marks the names bound by
    its simple statements (assignments, def, class, import) at its own level."""

    def __init__(self):
        self.names: list[str] = []
        self.own: set[str] = set()
        self._depth = 0

    def add(self, name: str, own: bool = False) -> None:
        if name not in self.names:
            self.names.append(name)
        if own:
            self.own.add(name)

    def run(self, body: list[ast.stmt]) -> "_Binder":
        for stmt in body:
            self._statement(stmt)
        return self

    def _statement(self, stmt: ast.stmt) -> None:
        simple = (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Import, ast.ImportFrom,
                  ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
        if isinstance(stmt, simple) and self._depth == 0:
            before = set(self.names)
            self.visit(stmt)
            self.own.update(n for n in self.names if n not in before)
            if isinstance(stmt, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
                for target in getattr(stmt, "targets", [getattr(stmt, "target", None)]):
                    for node in ast.walk(target):
                        if isinstance(node, ast.Name):
                            self.own.add(node.id)
        else:
            self._depth += 1
            self.visit(stmt)
            self._depth -= 1

    def visit_Name(self, node):
        if isinstance(node.ctx, ast.Store):
            self.add(node.id)

    def visit_NamedExpr(self, node):
        self.add(node.target.id)
        self.visit(node.value)

    def _defines(self, node):
        for dec in node.decorator_list:
            self.visit(dec)
        if not isinstance(node, ast.ClassDef):
            for default in node.args.defaults + [d for d in node.args.kw_defaults if d]:
                self.visit(default)
        self.add(node.name)  # the body is another scope

    visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = _defines

    def visit_Lambda(self, node):
        for default in node.args.defaults:
            self.visit(default)

    def _comprehension(self, node):  # its targets are its own; only := escapes
        for sub in ast.walk(node):
            if isinstance(sub, ast.NamedExpr):
                self.add(sub.target.id)

    visit_ListComp = visit_SetComp = visit_DictComp = visit_GeneratorExp = _comprehension

    def visit_Import(self, node):
        for alias in node.names:
            self.add(alias.asname or alias.name.split(".")[0])

    def visit_ImportFrom(self, node):
        for alias in node.names:
            if alias.name != "*":
                self.add(alias.asname or alias.name)

    def visit_ExceptHandler(self, node):  # ``except E as e`` unbinds e at its end
        if node.type is not None:
            self.visit(node.type)
        for stmt in node.body:
            self.visit(stmt)

    def visit_MatchAs(self, node):
        if node.name:
            self.add(node.name)
        self.generic_visit(node)

    def visit_MatchStar(self, node):
        if node.name:
            self.add(node.name)

    def visit_MatchMapping(self, node):
        if node.rest:
            self.add(node.rest)
        self.generic_visit(node)


def bound_names(code: str) -> list[str]:
    """Every name a solution block binds in the scope it sits in, in order of first binding."""
    return _Binder().run(ast.parse(code).body).names


def _loaded_names(tree: ast.AST, after_line: int = 0) -> set[str]:
    if after_line == 0 and isinstance(tree, ast.Module):
        return _all_loaded(tree)
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)
            and isinstance(n.ctx, ast.Load) and n.lineno > after_line}


_LOADED: dict[int, tuple[ast.Module, set[str]]] = {}


def _all_loaded(tree: ast.Module) -> set[str]:
    key = id(tree)
    if key not in _LOADED or _LOADED[key][0] is not tree:
        _LOADED[key] = (tree, {n.id for n in ast.walk(tree)
                               if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)})
    return _LOADED[key][1]


def _enclosing_function(tree: ast.Module, block: Block):
    found = None
    for node in ast.walk(tree):
        if (isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
                and node.lineno < block.begin and (node.end_lineno or 0) > block.begin):
            if found is None or node.lineno > found.lineno:
                found = node
    return found


def _dedent(lines: list[str], indent: str) -> str:
    return "\n".join(line[len(indent):] if line.startswith(indent) else line.lstrip() for line in lines)


# --------------------------------------------------------------------------- stubs
def stub_code(source: str, later: tuple[str, ...] | list[str] = (), *, whole: bool = False,
              mentioned_later: set[str] | None = None) -> str:
    """Replace every solution block of a code cell by its stub.

    ``later``: the sources of the notebook's later code cells (a name that only a loop or
    branch of the block binds is stubbed when they, or the rest of this cell, mention it).
    ``whole``: the cell is tagged ``solution``: all of it is the answer.
    Raises :class:`NotebookProblems` (a ValueError) naming the line of every problem."""
    if whole:
        if _MARKER_LIKE.search(source):
            raise NotebookProblems([Problem("", None, None, f"a cell tagged '{SOLUTION_TAG}' must not "
                                            "contain solution markers as well")])
        source = f"{BEGIN}\n{source}\n{END}"
    blocks, problems = find_blocks(source)
    if problems:
        raise NotebookProblems(problems)
    if not blocks:
        return source
    lines = source.split("\n")
    py_lines = _python_source(source).split("\n")
    try:
        tree = _tree(source) or ast.parse("\n".join(py_lines))
    except SyntaxError as exc:
        raise NotebookProblems([Problem("", None, exc.lineno, f"syntax error: {exc.msg}")]) from None
    mentioned_later = set(mentioned_later or ())
    for code in later:
        try:
            mentioned_later |= _loaded_names(ast.parse(_python_source(code)))
        except SyntaxError:
            pass  # reported where that cell is checked
    out: list[str] = []
    position = 0
    for b in blocks:
        out += lines[position: b.begin - 1]
        try:
            body = ast.parse(_dedent(py_lines[b.begin: b.end - 1], b.indent)).body
        except SyntaxError as exc:
            line = b.begin + (exc.lineno or 1)
            raise NotebookProblems([Problem("", None, line, f"the solution between lines {b.begin} and "
                                            f"{b.end} is not a whole piece of code ({exc.msg})")]) from None
        binder = _Binder().run(body)
        function = _enclosing_function(tree, b)
        stub = [f"{b.indent}# YOUR CODE HERE"]
        if function is not None:  # locals: only those the function reads after the block
            used = _loaded_names(function, after_line=b.end)
            stub.append(f"{b.indent}...")
            stub += [f"{b.indent}{name} = None" for name in binder.names if name in used]
        else:
            used = _loaded_names(tree, after_line=b.end) | mentioned_later
            names = [n for n in binder.names if n in binder.own or n in used]
            stub += [f"{b.indent}{name} = None" for name in names]
            if b.indent and not names:
                stub.append(f"{b.indent}...")
        out += stub
        position = b.end
    out += lines[position:]
    result = "\n".join(out)
    try:
        ast.parse(_python_source(result))
    except SyntaxError as exc:
        raise NotebookProblems([Problem("", None, exc.lineno, f"the lesson's stub of this cell does not "
                                        f"parse ({exc.msg}): check where the markers sit")]) from None
    return result


# --------------------------------------------------------------------------- exercises
def _checker_functions(module: str) -> set[str] | None:
    """Functions of ``course_lib.checks.<module>`` that are checkers (None: module unknown)."""
    return _checkers_in(CHECKS / f"{module}.py")


@functools.lru_cache(maxsize=64)
def _checkers_in(path: Path) -> set[str] | None:
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (OSError, SyntaxError):
        return None
    found = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            decorators = {getattr(d, "id", getattr(d, "attr", "")) for d in node.decorator_list}
            returns = ast.unparse(node.returns) if node.returns is not None else ""
            if "never_raises" in decorators or "CheckResult" in returns:
                found.add(node.name)
    return found


class _Checkers:
    """How a notebook calls its checkers: module aliases and directly imported functions."""

    def __init__(self, nb):
        self.modules: dict[str, set[str] | None] = {}
        self.functions: set[str] = set()
        for cell in nb.cells:
            tree = _tree(cell.source) if cell.cell_type == "code" else None
            if tree is None or "course_lib.checks" not in cell.source:
                continue
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom) and node.module == "course_lib.checks":
                    for alias in node.names:
                        if alias.name.startswith("lesson"):
                            self.modules[alias.asname or alias.name] = _checker_functions(alias.name)
                elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("course_lib.checks."):
                    module = node.module.rsplit(".", 1)[1]
                    known = _checker_functions(module)
                    for alias in node.names:
                        if known is None or alias.name in known:
                            self.functions.add(alias.asname or alias.name)
                elif isinstance(node, ast.Import):
                    for alias in node.names:
                        if alias.name.startswith("course_lib.checks.lesson") and alias.asname:
                            self.modules[alias.asname] = _checker_functions(alias.name.rsplit(".", 1)[1])

    def calls(self, tree: ast.AST, source: str | None = None) -> list[tuple[int, str]]:
        """(line, name) of every checker call in a cell (``source``: skip cells not naming one)."""
        out = []
        if source is not None and not any(name in source for name in [*self.modules, *self.functions]):
            return out
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            f = node.func
            if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) and f.value.id in self.modules:
                known = self.modules[f.value.id]
                if (known is None and (node.args or node.keywords)) or (known and f.attr in known):
                    out.append((node.lineno, f"{f.value.id}.{f.attr}"))
            elif isinstance(f, ast.Name) and f.id in self.functions:
                out.append((node.lineno, f.id))
        return out


def _verdicts(cell) -> set[str]:
    """The checker verdicts (✅ ❌ ⏳) a code cell's recorded outputs start a line with."""
    found = set()
    for output in cell.get("outputs", []):
        text = output.get("text", "")
        if not text and "data" in output:
            text = output["data"].get("text/plain", "")
        text = "".join(text) if isinstance(text, list) else text
        for line in text.splitlines():
            if line[:1] in ("✅", "❌", "⏳"):
                found.add(line[:1])
    return found


@functools.lru_cache(maxsize=4096)
def _tree(source: str) -> ast.Module | None:
    """The parsed cell (shared, never modified), or None when it does not parse."""
    try:
        return ast.parse(_python_source(source))
    except SyntaxError:
        return None


def _trees(nb) -> list[ast.AST | None]:
    return [_tree(cell.source) if cell.cell_type == "code" else None for cell in nb.cells]


def _tags(cell) -> list[str]:
    return list(cell.metadata.get("tags", []))


def validate(solution, where: str) -> list[Problem]:
    """Every rule of the module docstring that a solution notebook breaks."""
    problems: list[Problem] = []
    trees = _trees(solution)
    checkers = _Checkers(solution)
    for i, cell in enumerate(solution.cells):
        at = lambda p, i=i: Problem(where, i, p.line, p.message)  # noqa: E731
        tags = _tags(cell)
        if cell.cell_type != "code":
            problems += [at(p) for p in find_blocks(cell.source, cell.cell_type)[1]]
            continue
        if trees[i] is None:
            try:
                ast.parse(_python_source(cell.source))
            except SyntaxError as exc:
                problems.append(Problem(where, i, exc.lineno, f"syntax error: {exc.msg}"))
                continue
        blocks, found = find_blocks(cell.source)
        problems += [at(p) for p in found]
        if found:
            continue
        hidden = bool(blocks) or SOLUTION_TAG in tags
        calls = checkers.calls(trees[i], cell.source)
        if calls and not hidden and DEMO_TAG not in tags:
            verdicts = _verdicts(cell)
            if not verdicts or "✅" in verdicts:
                line, name = calls[0]
                seen = ("its recorded output shows the checker accepting it" if verdicts
                        else "it has no recorded checker output")
                problems.append(Problem(where, i, line, f"exercise cell without solution markers: it calls "
                                        f"the checker {name}() and {seen}, so the lesson would show the "
                                        f"answer. Put the answer between '{BEGIN}' and '{END}', or tag "
                                        f"the cell '{DEMO_TAG}' if it shows the checker on purpose"))
    return problems


# --------------------------------------------------------------------------- lessons
def make_lesson(solution: nbformat.NotebookNode, source_name: str) -> nbformat.NotebookNode:
    """The lesson notebook (sources only, no outputs) for a solution notebook.

    Raises :class:`NotebookProblems` when the solution breaks a rule (nothing is half made)."""
    where = f"solutions/{source_name}"
    problems = validate(solution, where)
    lesson = nbformat.v4.new_notebook(metadata=json.loads(json.dumps(solution.metadata)))
    lesson.nbformat_minor = 4
    lesson.metadata.pop("course", None)
    lesson.metadata.pop("widgets", None)
    trees = _trees(solution)
    after: list[set[str]] = [set() for _ in solution.cells]  # names mentioned by later cells
    for i in range(len(solution.cells) - 2, -1, -1):
        tree = trees[i + 1]
        after[i] = after[i + 1] | (_loaded_names(tree) if tree is not None else set())
    reported = {p.cell for p in problems}
    for i, cell in enumerate(solution.cells):
        tags = _tags(cell)
        if cell.cell_type == "code":
            text = ""
            if i not in reported:
                try:
                    text = stub_code(cell.source, whole=SOLUTION_TAG in tags, mentioned_later=after[i])
                except NotebookProblems as exc:
                    problems += [Problem(where, i, p.line, p.message) for p in exc.problems]
            new = nbformat.v4.new_code_cell(text)
        elif cell.cell_type == "markdown":
            new = nbformat.v4.new_markdown_cell(STUB_NOTE if SOLUTION_TAG in tags else cell.source)
        else:
            new = nbformat.v4.new_raw_cell(cell.source)
        new.pop("id", None)
        if tags:
            new.metadata["tags"] = tags
        lesson.cells.append(new)
    if problems:
        raise NotebookProblems(problems)
    lesson.metadata["course"] = {"generated_from": f"solutions/{source_name}",
                                 "lesson_hash": content_hash(lesson)}
    return lesson


def _secret_lines(solution) -> list[tuple[int, int, str]]:
    """(cell, line, stripped text) of every line of a worked answer worth protecting."""
    secrets, given = [], set()
    for i, cell in enumerate(solution.cells):
        lines = cell.source.split("\n")
        inside: set[int] = set()
        if cell.cell_type == "code" and SOLUTION_TAG in _tags(cell):
            inside = set(range(1, len(lines) + 1))
        elif cell.cell_type == "code":
            try:
                blocks, _ = find_blocks(cell.source)
            except Exception:
                blocks = []
            for b in blocks:
                inside.update(range(b.begin + 1, b.end))
        elif SOLUTION_TAG in _tags(cell):
            inside = set(range(1, len(lines) + 1))
        for n, line in enumerate(lines, 1):
            text = line.strip()
            if n in inside:
                if len(text) >= _MIN_SECRET:
                    secrets.append((i, n, text))
            else:
                given.add(text)
    return [s for s in secrets if s[2] not in given]


def leaks(solution, lesson, name: str) -> list[Problem]:
    """The final scan: solution text in the lesson, or an exercise the lesson's stub passes."""
    problems = []
    where = {}
    for j, cell in enumerate(lesson.cells):
        for n, line in enumerate(cell.source.split("\n"), 1):
            where.setdefault(line.strip(), (j, n))
    for i, n, text in _secret_lines(solution):
        if text in where:
            j, m = where[text]
            problems.append(Problem(f"lessons/{name}", j, m, f"leaks the solution: {text!r} is line {n} of "
                                    f"the worked answer in solutions/{name}, cell {i}"))
    trees = _trees(lesson)
    checkers = _Checkers(lesson)
    for j, cell in enumerate(lesson.cells):
        if trees[j] is not None and DEMO_TAG not in _tags(cell) and checkers.calls(trees[j], cell.source) \
                and "✅" in _verdicts(cell):
            problems.append(Problem(f"lessons/{name}", j, None, "leaks the solution: its checker prints ✅ "
                                    "in the lesson, so the answer is still there"))
    return problems


def content_hash(nb: nbformat.NotebookNode) -> str:
    """Hash of what a person writes in a notebook: cell types, sources and tags."""
    parts = [[c.cell_type, c.source, sorted(c.metadata.get("tags", []))] for c in nb.cells]
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode()).hexdigest()[:16]


def strip_ids(nb):
    """Write format 4.4 without cell ids, so regenerating gives the same file (no random ids)."""
    nb.nbformat, nb.nbformat_minor = 4, 4
    for cell in nb.cells:
        cell.pop("id", None)
    return nb


def execute(nb: nbformat.NotebookNode, folder: Path) -> nbformat.NotebookNode:
    """Run a notebook top to bottom on a fresh kernel in ``folder``, keeping outputs."""
    from nbclient import NotebookClient
    client = NotebookClient(nb, timeout=600, kernel_name="python3", record_timing=False,
                            resources={"metadata": {"path": str(folder)}})
    client.execute()
    return nb


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _execute_or_explain(nb, folder: Path, label: str) -> None:
    try:
        execute(nb, folder)
    except Exception as exc:  # CellExecutionError, timeouts, a dead kernel
        failing = next((i for i, c in enumerate(nb.cells) if c.cell_type == "code"
                        and any(o.get("output_type") == "error" for o in c.get("outputs", []))), None)
        error = next((o for o in nb.cells[failing].outputs if o.get("output_type") == "error"), {}) \
            if failing is not None else {}
        trace = _ANSI.sub("", "\n".join(error.get("traceback", [])))
        at_line = re.search(r"Cell In\[\d*\], line (\d+)", trace)
        name = getattr(exc, "ename", None) or error.get("ename") or type(exc).__name__
        value = getattr(exc, "evalue", None) or error.get("evalue")
        if value is None:
            value = str(exc).strip().splitlines()[-1] if str(exc).strip() else ""
        line = int(at_line.group(1)) if at_line else None
        raise ExecutionFailed(str(Problem(label, failing, line, f"execution failed: {name}: {value}"))
                              + " (nothing was written)") from None


def _read(path: Path, label: str):
    try:
        return nbformat.read(path, as_version=4)
    except Exception as exc:
        raise NotebookProblems([Problem(label, None, None, f"cannot be read as a notebook: {exc}")]) from None


def lesson_state(sol_path: Path, solution=None, expected=None) -> tuple[str, str]:
    """(state, sentence) of the lesson of one solution, the one verdict used by both modes."""
    name = sol_path.name
    solution = solution if solution is not None else _read(sol_path, f"solutions/{name}")
    expected = expected if expected is not None else make_lesson(solution, name)
    lesson_path = LESSONS / name
    if not lesson_path.exists():
        return "missing", f"lessons/{name} is missing"
    actual = _read(lesson_path, f"lessons/{name}")
    record = actual.metadata.get("course", {}) or {}
    actual_hash = content_hash(actual)
    recorded = (record.get("lesson_hash") == actual_hash
                and record.get("generated_from") == f"solutions/{name}")
    same = actual_hash == content_hash(expected)
    if recorded and same:
        return "current", f"lessons/{name} is up to date"
    if recorded:
        return "stale", f"lessons/{name} differs from what solutions/{name} generates"
    if same:
        return "unrecorded", (f"lessons/{name} has lost its generator record (metadata 'course'); "
                              f"regenerating restores it")
    return "hand-edited", (f"lessons/{name} was edited by hand (its content no longer matches the "
                           f"hash the generator recorded). Move your edits into solutions/ and run "
                           f"again with --force to overwrite it.")


def stale_lessons(names=None) -> list[str]:
    """Everything ``--check`` reports: lessons not current, broken solutions, leaks."""
    stale = []
    for sol_path in _solutions(names):
        name = sol_path.name
        try:
            solution = _read(sol_path, f"solutions/{name}")
            expected = make_lesson(solution, name)
            state, sentence = lesson_state(sol_path, solution, expected)
            if state != "current":
                stale.append(f"{name}: {sentence}")
            else:
                lesson = _read(LESSONS / name, f"lessons/{name}")
                stale += [f"{name}: {p}" for p in leaks(solution, lesson, name)]
        except GeneratorError as exc:
            stale += [f"{name}: {line}" for line in str(exc).splitlines()]
    for lesson_path in sorted(LESSONS.glob("*.ipynb")):
        if not (SOLUTIONS / lesson_path.name).exists():
            stale.append(f"{lesson_path.name}: a lesson without a solution")
    return stale


def _solutions(names=None) -> list[Path]:
    paths = sorted(SOLUTIONS.glob("[0-9][0-9]_*.ipynb"))
    if names:
        paths = [p for p in paths if any(p.name.startswith(n) for n in names)]
    return paths


def _write_both(pairs: list[tuple[nbformat.NotebookNode, Path]]) -> None:
    """Write every notebook to a temporary file first, then move them all into place."""
    temps = []
    try:
        for nb, path in pairs:
            path.parent.mkdir(parents=True, exist_ok=True)
            temp = path.with_name(f".{path.name}.tmp")
            nbformat.write(strip_ids(nb), temp)
            temps.append((temp, path))
        for temp, path in temps:
            os.replace(temp, path)
    finally:
        for temp, _ in temps:
            if temp.exists():
                temp.unlink()


def generate(sol_path: Path, *, force: bool = False, run: bool = True) -> Path:
    """Write the lesson of one solution (and, when run, both executed), or raise GeneratorError."""
    name = sol_path.name
    lesson_path = LESSONS / name
    solution = _read(sol_path, f"solutions/{name}")
    lesson = make_lesson(solution, name)
    if not force:
        state, sentence = lesson_state(sol_path, solution, lesson)
        if state == "hand-edited":
            raise StaleError(sentence)
    problems = leaks(solution, lesson, name)
    if problems:
        raise NotebookProblems(problems)
    pairs = [(lesson, lesson_path)]
    if run:
        print(f"executing solutions/{name} ...", flush=True)
        _execute_or_explain(solution, sol_path.parent, f"solutions/{name}")
        problems = validate(solution, f"solutions/{name}")  # the fresh verdicts of demos
        print(f"executing lessons/{name} ...", flush=True)
        LESSONS.mkdir(parents=True, exist_ok=True)  # the kernel's working directory
        _execute_or_explain(lesson, LESSONS, f"lessons/{name}")
        problems += leaks(solution, lesson, name)
        if problems:
            raise NotebookProblems(problems)
        pairs.insert(0, (solution, sol_path))
    _write_both(pairs)
    return lesson_path


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="prefixes of solution notebooks (default: all)")
    parser.add_argument("--check", action="store_true", help="only report stale lessons")
    parser.add_argument("--force", action="store_true", help="overwrite hand-edited lessons")
    parser.add_argument("--no-execute", action="store_true", help="do not execute notebooks")
    args = parser.parse_args(argv)
    unmatched = [n for n in args.names if not _solutions([n])]
    for n in unmatched:
        print(f"error: no notebook in solutions/ starts with {n!r}", file=sys.stderr)
    if args.check:
        stale = stale_lessons(args.names)
        for line in stale:
            print(f"stale: {line}")
        print("lessons are up to date" if not stale else
              "run `python tools/generate_lessons.py` to regenerate")
        return 1 if stale or unmatched else 0
    paths = _solutions(args.names)
    if not paths:
        print("no matching notebooks in solutions/", file=sys.stderr)
        return 1
    failed = []
    for sol_path in paths:
        try:
            out = generate(sol_path, force=args.force, run=not args.no_execute)
            print(f"ok: wrote {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}"
                  + ("" if args.no_execute else f" and solutions/{sol_path.name}"), flush=True)
        except StaleError as exc:
            print(f"refused: {sol_path.name}: {exc}", file=sys.stderr, flush=True)
            failed.append(sol_path.name)
        except GeneratorError as exc:
            print(f"failed: {sol_path.name}, nothing written:", file=sys.stderr)
            for line in str(exc).splitlines():
                print(f"  {line}", file=sys.stderr, flush=True)
            failed.append(sol_path.name)
        except Exception as exc:  # unforeseen: still a message, and the run goes on
            print(f"failed: {sol_path.name}: {type(exc).__name__}: {exc}", file=sys.stderr, flush=True)
            failed.append(sol_path.name)
    done = len(paths) - len(failed)
    print(f"{done} of {len(paths)} notebooks generated" +
          (f"; failed: {', '.join(failed)}" if failed else ""), flush=True)
    return 1 if failed or unmatched else 0


if __name__ == "__main__":
    sys.exit(main())
