"""README gives exactly two commands for a fresh machine, and CI runs the test one."""
import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("readme_command", ROOT / "tools" / "readme_command.py")
rc = importlib.util.module_from_spec(spec)
spec.loader.exec_module(rc)


def test_two_commands():
    cmds = rc.commands((ROOT / "README.md").read_text(encoding="utf-8"))
    assert set(cmds) == {"course", "test"}
    assert "requirements.txt" in cmds["course"] and "lessons/00_welcome.ipynb" in cmds["course"]
    # the file browser must show the whole course (solutions/ too), not only lessons/
    assert "jupyter lab --ServerApp.root_dir=. " in cmds["course"]
    assert "requirements.txt" in cmds["test"] and "pytest" in cmds["test"]
    assert "--nbval-lax" not in cmds["test"]


def test_ci_runs_the_readme_command():
    ci = (ROOT / ".ci" / "run").read_text()
    assert "tools/readme_command.py test" in ci


def test_readme_links_every_notebook():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for folder in ("lessons", "solutions"):
        for nb in (ROOT / folder).glob("*.ipynb"):
            assert f"({folder}/{nb.name})" in readme, f"README does not link {folder}/{nb.name}"


def test_requirements_are_ranges():
    lines = [l.strip() for l in (ROOT / "requirements.txt").read_text().splitlines()
             if l.strip() and not l.startswith("#")]
    assert "-e ." in lines
    assert not any("==" in l for l in lines)


def _release(version: str) -> tuple:
    parts = tuple(int(p) for p in version.split("."))
    return parts + (0,) * (3 - len(parts))


def test_floors_file_pins_exactly_the_declared_minimums():
    """tests/floors.txt (the oldest set .ci/run verifies) == the `>=` floors of requirements.txt."""
    import re
    declared = dict(re.findall(r"(?m)^([A-Za-z0-9_.-]+)>=([0-9.]+)", (ROOT / "requirements.txt").read_text()))
    pinned = dict(re.findall(r"(?m)^([A-Za-z0-9_.-]+)==([0-9.]+)\s*$", (ROOT / "tests" / "floors.txt").read_text()))
    assert set(declared) <= set(pinned), "every floor in requirements.txt is pinned in tests/floors.txt"
    for name, version in declared.items():
        assert _release(pinned[name]) == _release(version), name


def test_ci_checks_portability_floors_and_newest():
    ci = (ROOT / ".ci" / "run").read_text()
    assert "tools/portability.py" in ci
    assert "-c tests/floors.txt" in ci and "find_python 3.10" in ci and "find_python 3.13" in ci
