#!/usr/bin/env python3
"""Generate lessons/ from solutions/ (the source of truth), then execute both.

    python tools/generate_lessons.py                 # every notebook in solutions/
    python tools/generate_lessons.py 01              # only those whose name starts with 01
    python tools/generate_lessons.py --check         # exit 1 if any lesson is stale
    python tools/generate_lessons.py --force 01      # overwrite a hand-edited lesson
    python tools/generate_lessons.py --no-execute    # write sources only (quick drafts)

In a solution notebook, the code between ``### BEGIN SOLUTION`` and ``### END SOLUTION``
is the worked answer. In the lesson it becomes a stub that runs without error:

* inside a function (an indented block): ``# YOUR CODE HERE`` and ``...``, so the function
  returns None and its checker says "not attempted yet";
* at the top level: ``# YOUR CODE HERE`` and ``name = None`` for every name the solution
  assigned, so later lines that mention the name still run.

A markdown cell tagged ``solution`` (a worked explanation) is replaced by a short note.

The generator records a hash of the lesson it wrote in the notebook's metadata. If the
lesson on disk no longer matches that hash, someone edited it by hand: the generator
refuses to overwrite it unless given ``--force``.

Executing stores outputs (nbval compares against them) on a fresh kernel, top to bottom,
in the notebook's own folder; solutions are executed too, so both stay in step.
"""
from __future__ import annotations

import argparse
import ast
import hashlib
import json
import re
import sys
import textwrap
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "solutions"
LESSONS = ROOT / "lessons"
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
STUB_NOTE = "*Your explanation here.* (The worked answer is in `solutions/`.)"
_BLOCK = re.compile(r"^([ \t]*)### BEGIN SOLUTION[^\n]*\n(.*?)^[ \t]*### END SOLUTION[^\n]*(\n|$)",
                    re.S | re.M)


class StaleError(Exception):
    pass


def _assigned_names(code: str) -> list[str]:
    """Names bound at the top level of a solution block, in order of first binding."""
    names: list[str] = []

    def add(target):
        if isinstance(target, ast.Name) and target.id not in names:
            names.append(target.id)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for t in target.elts:
                add(t)

    for node in ast.parse(code).body:
        if isinstance(node, ast.Assign):
            for t in node.targets:
                add(t)
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
            add(node.target)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name not in names:
            names.append(node.name)
        elif isinstance(node, (ast.For, ast.With)):
            for sub in ast.walk(node):
                if isinstance(sub, ast.Assign):
                    for t in sub.targets:
                        add(t)
    return names


def stub_code(source: str) -> str:
    """Replace every solution block of a code cell by its stub."""
    def replace(match: re.Match) -> str:
        indent, body, newline = match.group(1), match.group(2), match.group(3)
        lines = [f"{indent}# YOUR CODE HERE"]
        if indent:
            lines.append(f"{indent}...")
        else:
            lines += [f"{name} = None" for name in _assigned_names(textwrap.dedent(body))]
        return "\n".join(lines) + newline

    if BEGIN not in source:
        return source
    out = _BLOCK.sub(replace, source)
    if BEGIN in out or END in out:
        raise ValueError(f"unbalanced solution markers in cell:\n{source}")
    return out


def make_lesson(solution: nbformat.NotebookNode, source_name: str) -> nbformat.NotebookNode:
    """The lesson notebook (sources only, no outputs) for a solution notebook."""
    lesson = nbformat.v4.new_notebook(metadata=json.loads(json.dumps(solution.metadata)))
    lesson.nbformat_minor = 4
    lesson.metadata.pop("course", None)
    lesson.metadata.pop("widgets", None)
    for cell in solution.cells:
        tags = list(cell.metadata.get("tags", []))
        if cell.cell_type == "code":
            new = nbformat.v4.new_code_cell(stub_code(cell.source))
        elif cell.cell_type == "markdown":
            text = STUB_NOTE if "solution" in tags else cell.source
            new = nbformat.v4.new_markdown_cell(text)
        else:
            new = nbformat.v4.new_raw_cell(cell.source)
        new.pop("id", None)
        if tags:
            new.metadata["tags"] = tags
        lesson.cells.append(new)
    lesson.metadata["course"] = {"generated_from": f"solutions/{source_name}",
                                 "lesson_hash": content_hash(lesson)}
    return lesson


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


def stale_lessons(names=None) -> list[str]:
    """Names of solutions whose lesson is missing or differs from what would be generated."""
    stale = []
    for sol_path in _solutions(names):
        expected = make_lesson(nbformat.read(sol_path, as_version=4), sol_path.name)
        lesson_path = LESSONS / sol_path.name
        if not lesson_path.exists():
            stale.append(f"{sol_path.name}: lessons/{sol_path.name} is missing")
            continue
        actual = nbformat.read(lesson_path, as_version=4)
        if content_hash(actual) != content_hash(expected):
            stale.append(f"{sol_path.name}: lessons/{sol_path.name} differs from what "
                         f"solutions/{sol_path.name} generates")
    for lesson_path in sorted(LESSONS.glob("*.ipynb")):
        if not (SOLUTIONS / lesson_path.name).exists():
            stale.append(f"{lesson_path.name}: a lesson without a solution")
    return stale


def _solutions(names=None) -> list[Path]:
    paths = sorted(SOLUTIONS.glob("[0-9][0-9]_*.ipynb"))
    if names:
        paths = [p for p in paths if any(p.name.startswith(n) for n in names)]
    return paths


def generate(sol_path: Path, *, force: bool = False, run: bool = True) -> Path:
    lesson_path = LESSONS / sol_path.name
    solution = nbformat.read(sol_path, as_version=4)
    if lesson_path.exists() and not force:
        old = nbformat.read(lesson_path, as_version=4)
        recorded = old.metadata.get("course", {}).get("lesson_hash")
        if recorded != content_hash(old):
            raise StaleError(
                f"lessons/{sol_path.name} was edited by hand (its content no longer matches "
                f"the hash the generator recorded). Move your edits into solutions/ and run "
                f"again with --force to overwrite it.")
    lesson = make_lesson(solution, sol_path.name)
    if run:
        print(f"executing solutions/{sol_path.name} ...", flush=True)
        execute(solution, SOLUTIONS)
        nbformat.write(strip_ids(solution), sol_path)
        print(f"executing lessons/{sol_path.name} ...", flush=True)
        execute(lesson, LESSONS)
    LESSONS.mkdir(exist_ok=True)
    nbformat.write(strip_ids(lesson), lesson_path)
    return lesson_path


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="prefixes of solution notebooks (default: all)")
    parser.add_argument("--check", action="store_true", help="only report stale lessons")
    parser.add_argument("--force", action="store_true", help="overwrite hand-edited lessons")
    parser.add_argument("--no-execute", action="store_true", help="do not execute notebooks")
    args = parser.parse_args(argv)
    if args.check:
        stale = stale_lessons(args.names)
        for line in stale:
            print(f"stale: {line}")
        print("lessons are up to date" if not stale else
              "run `python tools/generate_lessons.py` to regenerate")
        return 1 if stale else 0
    paths = _solutions(args.names)
    if not paths:
        print("no matching notebooks in solutions/", file=sys.stderr)
        return 1
    failed = False
    for sol_path in paths:
        try:
            out = generate(sol_path, force=args.force, run=not args.no_execute)
            print(f"wrote {out.relative_to(ROOT)}")
        except StaleError as exc:
            print(f"refused: {exc}", file=sys.stderr)
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
