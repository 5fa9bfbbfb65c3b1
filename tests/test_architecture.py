"""The house rules a newcomer relies on, checked on the real source tree.

- Imports follow the contracts in ``pyproject.toml`` (``[tool.importlinter]``), which
  ``lint-imports`` checks: dependencies point one way, tests → bench → orchestration (the product
  never imports ``bench`` or ``tests``; ``bench`` never imports ``tests``); only the Dagster wiring
  (``orchestration/defs/``, ``definitions.py``, the CLI and the in-process runner ``pipeline.py``)
  imports Dagster, and no plain library imports the wiring; no cycle between the children of a
  package. Imports inside functions count: they are dependencies too.
- No module takes part in an import cycle, a package's ``__init__`` with its own modules included
  (which the contract on siblings does not see): grimp's graph, the one ``lint-imports`` builds.
- Every plain library is imported here in a fresh interpreter that must end with no ``dagster``
  module loaded (what really loads, beyond what the source says).
- Rooms stay small: no module over 500 lines, no function over 80 lines under ``orchestration/``.
"""

from __future__ import annotations

import ast
import functools
import json
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import grimp
import pytest
from importlinter import api

ROOT = Path(__file__).resolve().parents[1]
MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 80
# Files of the per-document gate's room, being rewritten on their own branch (issue 17 leaves them be).
SIZE_EXEMPT: dict[str, str] = {}


@functools.cache
def contracts() -> dict:
    return api.read_configuration(str(ROOT / "pyproject.toml"))


@functools.cache
def import_graph() -> grimp.ImportGraph:
    """The project's modules and the imports between them (outside packages left out)."""
    return grimp.build_graph(*contracts()["session_options"]["root_packages"], cache_dir=None)


def dagster_wiring() -> list[str]:
    """The modules that may import Dagster: the ones the contract protects from plain libraries."""
    (wiring,) = [c for c in contracts()["contracts_options"] if c.get("id") == "wiring-on-top"]
    return wiring["protected_modules"]


def test_the_import_contracts_are_kept():
    done = subprocess.run(
        [Path(sysconfig.get_path("scripts")) / "lint-imports", "--no-cache", "--no-logo"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
        env={**os.environ, "COLUMNS": "200"},
    )
    if done.returncode:
        pytest.fail(f"lint-imports: a contract is broken\n{done.stdout}{done.stderr}", pytrace=False)


def cycles(graph: grimp.ImportGraph) -> list[str]:
    """Import cycles as ``a -> b -> … -> a``: for each import, the shortest way back, once per cycle."""
    found: dict[frozenset[str], str] = {}
    for importer in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            if back := graph.find_shortest_chain(importer=imported, imported=importer):
                found.setdefault(frozenset(back), " -> ".join((importer, *back)))
    return list(found.values())


def test_no_module_takes_part_in_an_import_cycle():
    found = cycles(import_graph())
    assert not found, "import cycles:\n" + "\n".join(found)


def test_the_cycle_query_sees_a_package_in_a_cycle_with_its_own_module():
    graph = grimp.ImportGraph()
    for importer, imported in [("p", "p.a"), ("p.a", "p.b"), ("p.b", "p"), ("q", "p")]:
        graph.add_import(importer=importer, imported=imported)
    assert cycles(graph) == ["p -> p.a -> p.b -> p"]


def plain_modules() -> list[str]:
    wiring = dagster_wiring()
    return sorted(
        name
        for name in import_graph().find_descendants("orchestration")
        if not any(name == w or name.startswith(w + ".") for w in wiring)
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
    parse), edits no PATH, leaves Arrow's allocator alone and starts no thread (so the scale-out
    runner may preload it in a forkserver, bench/scale_out.py)."""
    program = (
        "import os, sys, json, threading\n"
        "before = dict(os.environ)\n"
        "import pyarrow as pa\n"
        "pool = pa.default_memory_pool().backend_name\n"
        "import orchestration.definitions\n"
        "changed = sorted(k for k in set(before) | set(os.environ) if before.get(k) != os.environ.get(k))\n"
        "print(json.dumps({'environment_changed': changed,\n"
        "                  'pool_switched': pa.default_memory_pool().backend_name != pool,\n"
        "                  'built': type(orchestration.definitions.defs).__name__ == 'Definitions',\n"
        "                  'threads': threading.active_count()}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program], cwd=ROOT, capture_output=True, text=True, check=True, timeout=300
    )
    assert json.loads(done.stdout.splitlines()[-1]) == {
        "environment_changed": [],
        "pool_switched": False,
        "built": False,
        "threads": 1,
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
