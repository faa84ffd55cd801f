"""course_lib stays small and one-way: no module over MAX_LINES lines, no import circle, and
README's "How course_lib is organised" names exactly the top-level modules and packages."""
import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIB = ROOT / "course_lib"
MAX_LINES = 310



def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def is_package(path: Path) -> bool:
    return path.name == "__init__.py"


MODULES = {module_name(p): p for p in sorted(LIB.rglob("*.py"))}


def imports_of(name: str) -> set:
    """The course_lib modules ``name`` imports (anywhere in its body), as module names."""
    path = MODULES[name]
    package = name if is_package(path) else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                base = ".".join(base + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            for alias in node.names:   # `from . import x` imports module x if there is one
                sub = f"{base}.{alias.name}"
                found.add(sub if sub in MODULES else base)
    targets = set()
    for target in found:
        if target not in MODULES:
            continue
        targets.add(target)
        # importing a.b.c first runs a.b's __init__, unless the importer lives inside a.b
        parts = target.split(".")
        for i in range(2, len(parts)):
            parent = ".".join(parts[:i])
            if not (name == parent or name.startswith(parent + ".")):
                targets.add(parent)
    return targets - {name}


GRAPH = {name: imports_of(name) for name in MODULES}


def test_no_module_is_long():
    long = {}
    for name, path in MODULES.items():
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_LINES:
            long[name] = lines
    assert not long, f"split these modules (over {MAX_LINES} lines): {long}"


def find_cycle(graph) -> list:
    """One import circle of ``graph`` (a list of modules, first == last), or ``[]``."""
    state, stack = {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = "done"
        return []

    for name in sorted(graph):
        if name not in state:
            found = visit(name)
            if found:
                return found
    return []


def test_no_import_cycle():
    # A submodule may import its own package's __init__ (checks/lessonNN use the generic
    # checkers of checks/__init__) as long as that __init__ does not import it back: the
    # edge is in the graph, so a circle through it is found like any other.
    cycle = find_cycle(GRAPH)
    assert not cycle, "import circle: " + " -> ".join(cycle)


def test_the_cycle_finder_finds_circles():
    assert find_cycle({"p": {"p.a"}, "p.a": {"p"}}) == ["p", "p.a", "p"]
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"p": {"p.a", "p.b"}, "p.a": {"p.b"}, "p.b": set()}) == []


def test_the_finder_sees_relative_imports():
    assert "course_lib.schedules.base" in GRAPH["course_lib.schedules.cyclic"]
    assert "course_lib.schedules" in GRAPH["course_lib.shootout.recipes"]
    assert "course_lib.data" in GRAPH["course_lib.shootout.runs"]   # `from .. import data`
    assert "course_lib" not in GRAPH["course_lib.shootout.runs"]
    assert "course_lib.checks" in GRAPH["course_lib.checks.lesson01"]   # `from . import name`
    assert "course_lib.lr_finder.runner" in GRAPH["course_lib.lr_finder.spread"]
    assert "course_lib.models" in GRAPH["course_lib.lr_finder.validation"]   # inside a function


def readme_section() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = re.search(r"^## How course_lib is organised\n(.*?)(?=^## )", readme, re.S | re.M)
    assert section, 'README has no "## How course_lib is organised" section'
    return section.group(1)


def test_layers_import_only_themselves_and_the_layers_before():
    layers = [line for line in readme_section().splitlines() if line.startswith("- **")]
    layers = layers[-1:] + layers[:-1]   # the shared helpers, listed last, come first
    rank = {name.rstrip("/"): i for i, line in enumerate(layers)
            for name in re.findall(r"`([A-Za-z_][A-Za-z0-9_]*/?)`", line)}
    wrong = []
    for name, targets in GRAPH.items():
        for target in targets:
            a, b = name.split(".")[1:2], target.split(".")[1:2]
            if a and b and a != b and rank[b[0]] > rank[a[0]]:
                wrong.append(f"{name} -> {target}")
    assert not wrong, f"imports from a later layer of README's list: {wrong}"


def test_readme_lists_every_top_level_module_and_package():
    listed = set(re.findall(r"`([A-Za-z_][A-Za-z0-9_]*/?)`", readme_section()))
    tree = {p.stem for p in LIB.glob("*.py") if p.name != "__init__.py"}
    tree |= {p.name + "/" for p in LIB.iterdir() if (p / "__init__.py").exists()}
    assert listed == tree, (f"README lists but course_lib lacks: {sorted(listed - tree)}; "
                            f"course_lib has but README does not list: {sorted(tree - listed)}")
