"""Unit tests of course_lib.environment: version comparison and the lesson-00 summary."""
import re
import sys
from pathlib import Path
from importlib import metadata

import pytest

from course_lib import environment as env
from course_lib.environment import FRAMEWORKS, INSTRUCTOR, PYTHON, REQUIRED, Package

ROOT = Path(__file__).resolve().parent.parent
MISSING = "no-such-package-for-course-lib-tests"


@pytest.mark.parametrize("version,minimum", [
    ("1.26.4", "1.24"),
    ("1.24", "1.24"),
    ("1.24.0", "1.24"),
    ("2.0.0rc1", "1.24"),
    ("2.0.0", "1.24"),
    ("1.100.0", "1.24"),     # numeric, not string, comparison
    ("10.0", "9.2"),
    ("3.11.2", "3.7"),
    ("8.1.9", "8.1"),
    ("1.6", "1.6"),
    ("2.4.6", "1.24"),
    ("1.26.4+local", "1.24"),
])
def test_new_enough(version, minimum):
    assert Package("pkg", version, minimum).ok


@pytest.mark.parametrize("version,minimum", [
    ("1.23.5", "1.24"),
    ("1.9.0", "1.24"),       # 9 < 24 numerically although "9" > "2" as text
    ("0.99", "1.0"),
    ("3.6.3", "3.7"),
    ("8.0.7", "8.1"),
    ("1.5", "1.6"),
])
def test_too_old(version, minimum):
    assert not Package("pkg", version, minimum).ok


@pytest.mark.parametrize("version,minimum", [("1.23rc1", "1.24"), ("1.5rc7", "1.6")])
def test_pre_release_of_an_older_version_is_too_old(version, minimum):
    # regression: '23rc1' was once read as 231, so 1.23rc1 passed a minimum of 1.24
    assert not Package("pkg", version, minimum).ok


def test_missing_package_is_not_ok():
    assert not Package(MISSING, "", "1.0").ok
    assert not Package(MISSING, "", "0").ok


def test_packages_lists_every_required_package_with_its_version():
    found = env.packages()
    assert [p.name for p in found] == list(REQUIRED)
    for p in found:
        assert p.minimum == REQUIRED[p.name]
        assert p.version == metadata.version(p.name)
        assert p.ok, p


def test_required_covers_the_runtime_dependencies():
    assert {"numpy", "autograd", "matplotlib", "ipywidgets"} <= set(REQUIRED)


def test_summary_ok_in_this_environment():
    text = env.summary()
    assert text.startswith("✅")
    assert f"all {len(REQUIRED)} packages the lessons need" in text
    assert "\n" not in text


def test_missing_package_reported(monkeypatch):
    monkeypatch.setitem(REQUIRED, MISSING, "1.0")
    found = {p.name: p for p in env.packages()}
    assert found[MISSING].version == ""
    assert not found[MISSING].ok
    assert found["numpy"].ok
    text = env.summary()
    assert text.startswith("❌")
    assert MISSING in text and "need >= 1.0" in text and "have none" in text
    assert "numpy" not in text  # only the bad ones are named
    assert "pip install -r requirements.txt" in text
    table = env.versions_table()
    assert MISSING in table and "MISSING" in table and "needs >= 1.0" in table


def test_too_old_package_reported(monkeypatch):
    monkeypatch.setitem(REQUIRED, "numpy", "999.0")
    text = env.summary()
    assert text.startswith("❌")
    assert f"numpy (need >= 999.0, have {metadata.version('numpy')})" in text


def test_versions_table():
    table = env.versions_table()
    lines = table.splitlines()
    assert lines[0].split() == ["python", sys.version.split()[0], "ok"]
    assert len(lines) == 1 + len(REQUIRED) + 1 + len(FRAMEWORKS) + 1 + 1 + len(INSTRUCTOR)
    for line, name in zip(lines[1:], REQUIRED):
        name_col, version_col, mark = line.split(maxsplit=2)
        assert name_col == name
        assert version_col == metadata.version(name)
        assert mark == "ok"


def test_instructor_tools_never_turn_the_summary_red(monkeypatch):
    monkeypatch.setitem(INSTRUCTOR, MISSING, "1.0")
    assert env.summary().startswith("✅")
    table = env.versions_table()
    assert f"{MISSING}" in table and "not installed" in table and "optional" in table


def test_test_tools_are_not_demanded_from_students():
    # a student who installed course_lib alone has its dependencies and a kernel, not nbval
    assert not {"nbval", "pytest", "jupyterlab", "notebook", "playwright"} & set(REQUIRED)


def test_old_python_is_reported(monkeypatch):
    monkeypatch.setattr(env, "PYTHON", "99.0")
    text = env.summary()
    assert text.startswith("❌") and "python (need >= 99.0" in text


def _declared(path, names):
    """name -> minimum version declared as `name>=X` in a requirements/pyproject file."""
    text = (ROOT / path).read_text()
    found = {}
    for name in names:
        match = re.search(rf'(?m)^\s*"?{re.escape(name)}>=([0-9.]+)', text)
        if match:
            found[name] = match.group(1)
    return found


def test_minimums_mirror_requirements_and_pyproject():
    both = {**REQUIRED, **INSTRUCTOR, **FRAMEWORKS}
    assert _declared("requirements.txt", both) == both
    runtime = _declared("pyproject.toml", REQUIRED)
    assert runtime == {k: v for k, v in REQUIRED.items() if k in runtime}
    assert {"numpy", "autograd", "matplotlib", "ipywidgets"} <= set(runtime)
    assert f'requires-python = ">={PYTHON}"' in (ROOT / "pyproject.toml").read_text()


def test_frameworks_are_reported_with_the_backend_but_never_turn_the_summary_red(monkeypatch):
    found = env.packages(frameworks=True)
    assert [p.name for p in found] == list(FRAMEWORKS) == ["keras", "jax"]
    assert all(p.ok for p in found)                    # requirements.txt installs them
    monkeypatch.delenv("KERAS_BACKEND", raising=False)
    assert env.keras_backend() == "jax"
    lines = env.versions_table().splitlines()
    start = lines.index("for lesson 10 (Keras on the JAX backend; not needed for lessons 00-09):")
    assert [l.split()[0] for l in lines[start + 1:start + 4]] == ["keras", "jax", "backend"]
    assert lines[start + 3].split() == ["backend", "jax", "ok"]
    assert env.summary().endswith("; Keras and JAX for lesson 10 too")
    monkeypatch.setenv("KERAS_BACKEND", "torch")
    assert "lesson 10 needs jax" in env.versions_table()
    text = env.summary()
    assert text.startswith("✅") and "lesson 10 also needs" in text
    monkeypatch.delenv("KERAS_BACKEND")
    monkeypatch.setitem(FRAMEWORKS, MISSING, "1.0")
    assert env.summary().startswith("✅") and "lesson 10 also needs keras and jax" in env.summary()
    assert "not installed" in env.versions_table()


def test_frameworks_stay_out_of_pyproject_and_out_of_import_course_lib():
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert "keras" not in pyproject and "jax" not in pyproject
    with pytest.raises(ValueError, match="instructor and frameworks"):
        env.packages(instructor=True, frameworks=True)
    with pytest.raises(TypeError, match="frameworks"):
        env.packages(frameworks="yes")
