"""The house's import rules, read from the source with Python's own parser:
no module imports one that (directly or not) imports it back, and the lower
layers never import the higher ones.  Imports under `if TYPE_CHECKING:` are
annotations, not imports, and are left out."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "linter" / "protolint"

# (importer prefix, imported prefix): the arrow that must not exist
UPWARD = [
    ("protolint.report", "protolint.runner"),
    ("protolint.report", "protolint.cli"),
    ("protolint.cycle", "protolint.report"),
    ("protolint.engine", "protolint.runner"),
    ("protolint.engine", "protolint.report"),
    ("protolint.results", "protolint.engine"),
    ("protolint.results", "protolint.runner"),
    ("protolint.checks", "protolint.engine"),
    ("protolint.checks", "protolint.packs"),
    ("protolint.document", "protolint.parsing"),
    ("protolint.parsing", "protolint.engine"),
]


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def runtime_imports() -> dict[str, set[str]]:
    modules = {module_name(path): path for path in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        typing_only = {id(node) for branch in ast.walk(tree)
                       if isinstance(branch, ast.If) and "TYPE_CHECKING" in ast.unparse(branch.test)
                       for node in ast.walk(branch)}
        for node in ast.walk(tree):
            if id(node) in typing_only:
                continue
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
            elif isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                continue
            graph[name].update(t for t in targets if t in modules and t != name)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_module_imports_itself_back():
    assert cycles(runtime_imports()) == []


@pytest.mark.parametrize("importer, imported", UPWARD)
def test_no_lower_module_imports_a_higher_one(importer, imported):
    graph = runtime_imports()
    arrows = sorted((name, target) for name, targets in graph.items() if name.startswith(importer)
                    for target in targets if target.startswith(imported))
    assert arrows == []


def test_the_graph_reader_sees_a_circle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]
