"""The house rules a newcomer relies on, checked on the real source tree.

- Dependencies point one way: tests → bench → orchestration. The product never imports
  ``bench`` or ``tests``; ``bench`` never imports ``tests``; no module takes part in an
  import cycle (imports inside functions count: they are dependencies too).
- Only the Dagster wiring (``orchestration/defs/``, ``definitions.py``, the CLI and the
  in-process runner ``pipeline.py``) imports Dagster: every other module is a plain library,
  imported here in a fresh interpreter that must end with no ``dagster`` module loaded.
- Rooms stay small: no module over 500 lines, no function over 80 lines under ``orchestration/``.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("orchestration", "bench", "tests")
# May import Dagster: the definitions, the CLI and the in-process runner.
DAGSTER_WIRING = (
    "orchestration.defs",
    "orchestration.definitions",
    "orchestration.cli",
    "orchestration.pipeline",
)
MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 80
# Files of the per-document gate's room, being rewritten on their own branch (issue 17 leaves them be).
SIZE_EXEMPT: dict[str, str] = {}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules() -> dict[str, Path]:
    return {
        module_name(path): path
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if "out" not in path.relative_to(ROOT / package).parts[:1]
    }


def imported_modules(name: str, path: Path, known: set[str]) -> set[str]:
    """The project modules ``name`` imports anywhere in its body (``from x import y`` counts
    ``x.y`` when that is a module, else ``x``)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names
            ]
        else:
            continue
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def import_graph() -> dict[str, set[str]]:
    modules = project_modules()
    known = set(modules)
    return {name: imported_modules(name, path, known) for name, path in modules.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
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

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def edges_into(graph: dict[str, set[str]], source: str, target: str) -> list[str]:
    return sorted(
        f"{name} imports {dep}"
        for name, deps in graph.items()
        if name.split(".")[0] == source
        for dep in deps
        if dep.split(".")[0] == target
    )


def test_the_product_never_imports_bench_or_tests():
    graph = import_graph()
    assert edges_into(graph, "orchestration", "bench") == []
    assert edges_into(graph, "orchestration", "tests") == []


def test_bench_never_imports_tests():
    assert edges_into(import_graph(), "bench", "tests") == []


def test_no_import_cycles():
    assert cycles(import_graph()) == []


def test_the_cycle_finder_sees_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def plain_modules() -> list[str]:
    return sorted(
        name
        for name in project_modules()
        if name.startswith("orchestration.")
        and not any(name == wiring or name.startswith(wiring + ".") for wiring in DAGSTER_WIRING)
    )


def test_plain_libraries_load_no_dagster():
    """Import every plain module in a fresh interpreter: no ``dagster`` module may be loaded, and
    importing changes neither PATH nor the environment (nothing runs at import time)."""
    program = (
        "import importlib, json, os, sys\n"
        "before = dict(os.environ)\n"
        f"for name in {plain_modules()!r}:\n"
        "    importlib.import_module(name)\n"
        "loaded = sorted(m for m in sys.modules if m == 'dagster' or m.startswith(('dagster.', 'dagster_')))\n"
        "changed = sorted(k for k in set(before) | set(os.environ) if before.get(k) != os.environ.get(k))\n"
        "print(json.dumps({'dagster': loaded, 'environment_changed': changed}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program], cwd=ROOT, capture_output=True, text=True, check=True, timeout=300
    )
    assert json.loads(done.stdout.splitlines()[-1]) == {"dagster": [], "environment_changed": []}


def test_importing_the_code_location_runs_nothing():
    """``orchestration.definitions`` loads lazily: importing it builds no Definitions (so no dbt
    parse), edits no PATH and leaves Arrow's allocator alone."""
    program = (
        "import os, sys, json\n"
        "before = dict(os.environ)\n"
        "import pyarrow as pa\n"
        "pool = pa.default_memory_pool().backend_name\n"
        "import orchestration.definitions\n"
        "changed = sorted(k for k in set(before) | set(os.environ) if before.get(k) != os.environ.get(k))\n"
        "print(json.dumps({'environment_changed': changed,\n"
        "                  'pool_switched': pa.default_memory_pool().backend_name != pool,\n"
        "                  'built': type(orchestration.definitions.defs).__name__ == 'Definitions'}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program], cwd=ROOT, capture_output=True, text=True, check=True, timeout=300
    )
    assert json.loads(done.stdout.splitlines()[-1]) == {
        "environment_changed": [],
        "pool_switched": False,
        "built": False,
    }


def oversized() -> list[str]:
    found = []
    for path in sorted((ROOT / "orchestration").rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if rel in SIZE_EXEMPT:
            continue
        source = path.read_text(encoding="utf-8")
        if (lines := source.count("\n")) > MAX_MODULE_LINES:
            found.append(f"{rel}: {lines} lines")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    found.append(f"{rel}:{node.lineno} {node.name}: {length} lines")
    return found


def test_no_oversized_module_or_function():
    assert oversized() == []


def test_one_yml_per_dbt_model():
    """jaffle-shop's layout: ``<model>.sql`` beside ``<model>.yml``, which documents that model only."""
    import yaml

    models = ROOT / "dbt_project" / "models"
    misplaced = []
    for sql in sorted(models.rglob("*.sql")):
        yml = sql.with_suffix(".yml")
        documented = (
            [m["name"] for m in (yaml.safe_load(yml.read_text(encoding="utf-8")) or {}).get("models", [])]
            if yml.exists()
            else []
        )
        if documented != [sql.stem]:
            misplaced.append(f"{sql.relative_to(models)}: {yml.name} documents {documented}")
    for yml in sorted(models.rglob("*.yml")):
        if not yml.with_suffix(".sql").exists() and (
            yaml.safe_load(yml.read_text(encoding="utf-8")) or {}
        ).get("models"):
            misplaced.append(f"{yml.relative_to(models)} documents models but is no model's yml")
    assert misplaced == []
