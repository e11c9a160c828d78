"""The package is laid out by stage; data flows one way. An import may reach only its own
stage or an earlier one, and no two modules import each other, directly or round a circle.
Imports are read from the source with ast, function-level imports included."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "govcheck"

# Earliest first. A top-level module (errors.py) is a stage of its own.
STAGES = ["__init__", "errors", "model", "integrations", "load", "rules", "changes", "views",
          "outputs", "app", "cli", "__main__"]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The package's own modules that NAME imports (`from X import y` where X.y is a module
    counts as importing X.y, and X itself only when it also takes a name defined in X)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            submodules = {f"{base}.{alias.name}" for alias in node.names} & known
            found.update(submodules)
            if len(submodules) < len(node.names):   # a name defined in the module itself
                found.add(base)
    return {module for module in found if module in known and module != name}


def import_graph() -> dict[str, set[str]]:
    found = modules()
    return {name: imports_of(name, path, set(found)) for name, path in found.items()}


def stage_of(module: str) -> int:
    parts = module.split(".")
    return STAGES.index(parts[1] if len(parts) > 1 else "__init__")


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_every_module_belongs_to_a_stage() -> None:
    strays = [name for name in modules() if name.split(".")[1:2]
              and name.split(".")[1] not in STAGES]
    assert strays == []


def test_no_import_reaches_a_later_stage() -> None:
    upward = sorted(f"{name} -> {target}" for name, targets in import_graph().items()
                    for target in targets
                    if stage_of(target) > stage_of(name) and not name.endswith("__main__"))
    assert upward == []


def test_no_import_cycles() -> None:
    graph = import_graph()
    # A package's __init__ importing its own submodules is how a package works, not a cycle
    # between stages; everything else counts.
    assert cycles(graph) == []


@pytest.mark.parametrize(("importer", "imported"), [
    ("govcheck.cli", "govcheck.cli.check"),
    ("govcheck.cli.check", "govcheck.app.check"),
    ("govcheck.rules.policy", "govcheck.rules.checks"),
    ("govcheck.load.cache", "govcheck.errors"),
])
def test_the_graph_sees_real_imports(importer: str, imported: str) -> None:
    """The checks above are only as good as the graph: it must see imports made inside
    functions, relative imports and `from package import module`."""
    assert imported in import_graph()[importer]


def test_cycle_finder_finds_a_circle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
