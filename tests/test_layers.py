"""Imports run one way: foundation (`core`) <- features <- commands, through public faces, no cycles.

Read from the source with `ast` (every import, also those inside functions), so the rule holds
for lazy imports too. A newcomer who adds `from placewatch.cli import …` to a feature package,
or a second file that imports back the one importing it, gets a failing test naming both.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers import REPO

FOUNDATION = {"core"}
FEATURES = {"config", "crawlers", "nlp", "indexer", "alerts", "dashboard", "reports"}
COMMANDS = {"placewatch", "scheduler"}
OURS = FOUNDATION | FEATURES | COMMANDS


@dataclass(frozen=True)
class Import:
    source: str  # importing module, dotted
    target: str  # imported module, dotted (a package's __init__ is the package name)
    line: int
    type_only: bool  # inside `if TYPE_CHECKING:`


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _source_files() -> Iterator[Path]:
    for top in sorted(OURS):
        single = REPO / f"{top}.py"
        if single.exists():
            yield single
            continue
        for path in sorted((REPO / top).rglob("*.py")):
            if "demo_site" in path.parts and path.parent.name != "demo_site":
                continue  # the demo site's static files are data, not code
            yield path


MODULES = {_module_name(p): p for p in _source_files()}


def _resolve(name: str) -> str:
    """The longest prefix of a dotted name that is one of our modules."""
    parts = name.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in MODULES:
            return candidate
        parts.pop()
    return name


def _type_checking_lines(tree: ast.AST) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                lines.update(range(child.lineno, (child.end_lineno or child.lineno) + 1))
    return lines


def _imports(module: str, path: Path) -> Iterator[Import]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    type_only = _type_checking_lines(tree)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            names = [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        for name in names:
            if name.split(".")[0] not in OURS:
                continue
            target = _resolve(name)
            if target != module:
                yield Import(module, target, node.lineno, node.lineno in type_only)


ALL_IMPORTS = [imp for module, path in MODULES.items() for imp in _imports(module, path)]


def _layer(module: str) -> str:
    top = module.split(".")[0]
    if top in FOUNDATION:
        return "foundation"
    return "features" if top in FEATURES else "commands"


def _where(imp: Import) -> str:
    return f"{MODULES[imp.source].relative_to(REPO)}:{imp.line} imports {imp.target}"


def test_the_foundation_imports_nothing_of_ours_above_it() -> None:
    wrong = [_where(i) for i in ALL_IMPORTS if _layer(i.source) == "foundation" and _layer(i.target) != "foundation"]
    assert not wrong, "\n".join(wrong)


def test_features_never_import_the_commands() -> None:
    wrong = [_where(i) for i in ALL_IMPORTS if _layer(i.source) == "features" and _layer(i.target) == "commands"]
    assert not wrong, "\n".join(wrong)


def test_a_feature_uses_another_feature_through_its_public_face() -> None:
    """`from indexer import Store`, never `from indexer.sqlite.store import …`, across packages."""
    wrong = []
    for imp in ALL_IMPORTS:
        src_top, dst_top = imp.source.split(".")[0], imp.target.split(".")[0]
        if src_top == dst_top or _layer(imp.source) == "commands" or _layer(imp.target) == "foundation":
            continue
        if imp.target != dst_top:
            wrong.append(_where(imp))
    assert not wrong, "\n".join(wrong)


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(edges.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_no_two_modules_import_each_other() -> None:
    """No import cycle, direct or through others (imports only for type checking excepted)."""
    edges: dict[str, set[str]] = {}
    for imp in ALL_IMPORTS:
        if not imp.type_only:
            edges.setdefault(imp.source, set()).add(imp.target)
    cycles = _cycles(edges)
    assert not cycles, "import cycles:\n" + "\n".join(" <-> ".join(c) for c in cycles)


@pytest.mark.parametrize("rule", ["foundation", "features"])
def test_the_rules_see_a_wrong_import(rule: str) -> None:
    """The checker itself catches what it is meant to (so the tests above can fail)."""
    source = "core.models" if rule == "foundation" else "alerts.email"
    imp = Import(source, "placewatch.cli", 1, False)
    assert _layer(imp.source) == rule and _layer(imp.target) == "commands"
    assert _cycles({"a": {"b"}, "b": {"a"}}) == [["a", "b"]]
