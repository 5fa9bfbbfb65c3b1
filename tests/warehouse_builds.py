"""Real main-job runs for the tests: one run on a raw folder, and a warehouse built at most once per
test session (under pytest-xdist the first worker builds it under a file lock in the session's shared
temporary folder; the others wait for it and reuse it).

Kept apart from ``conftest.py`` (paths and fixtures) and ``marts_conftest.py`` (the corpora the mart
tests build) so that both can use it without importing each other.
"""

from __future__ import annotations

import io
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from filelock import FileLock

from orchestration.run_console import LOG_NAME, RunConsole

__all__ = ["RUN_OUTPUT", "build_once", "run_pipeline"]

BUILD_DONE = "built.ok"  # written last: its presence means the warehouse is complete
RUN_OUTPUT = "budget_run.out"  # what the run printed, as `budget run` prints it
BUILD_FAILED = "built.failed"  # the run failed: the other workers report it instead of running it again
# a worker waits this long for another one building the warehouse (the run itself takes ~2–3 min)
BUILD_WAIT_SECONDS = 900


def run_pipeline(raw_dir: Path, warehouse: Path, force: bool = False, console=None):
    """Run the real main job (parse, dbt, checks) on ``raw_dir`` into ``warehouse``."""
    from orchestration.defs.resources import RawStore, Warehouse
    from orchestration.pipeline import run_main_job

    return run_main_job(
        resources={
            "raw_store": RawStore(path=str(raw_dir)),
            "warehouse": Warehouse(path=str(warehouse)),
        },
        force=force,
        console=console,
    )


def build_once(
    tmp_path_factory: pytest.TempPathFactory, worker_id: str, name: str, fill: Callable[[Path, Path], None]
) -> Path:
    """The warehouse the main job builds from the raw folder ``fill(raw, warehouse)`` writes, built at most
    once per test session under ``<session tmp>/<name>``, whichever module or xdist worker asks first."""
    shared = tmp_path_factory.getbasetemp()
    if worker_id != "master":  # under xdist every worker has its own basetemp below a shared one
        shared = shared.parent
    root = shared / name
    warehouse = root / "warehouse" / "budget.duckdb"
    with FileLock(str(root) + ".lock", timeout=BUILD_WAIT_SECONDS):
        if (root / BUILD_FAILED).exists():
            pytest.fail(f"the {name} main job failed:\n" + (root / BUILD_FAILED).read_text(encoding="utf-8"))
        if not (root / BUILD_DONE).exists():
            shutil.rmtree(root, ignore_errors=True)
            raw = root / "raw"
            raw.mkdir(parents=True)
            fill(raw, warehouse)
            printed = io.StringIO()  # the main job as `budget run` runs it: stage lines, log file
            outcome = run_pipeline(
                raw, warehouse, console=RunConsole(warehouse.parent / LOG_NAME, out=printed)
            )
            (root / RUN_OUTPUT).write_text(printed.getvalue() + outcome.summary() + "\n", encoding="utf-8")
            marker = root / (BUILD_DONE if outcome.success else BUILD_FAILED)
            marker.write_text(outcome.summary(), encoding="utf-8")
            assert outcome.success, outcome.summary()
    return warehouse
