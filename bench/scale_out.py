"""The main job under Dagster's multiprocess executor, on a persistent instance (DAGSTER_HOME).

The first step of the scale-out path in docs/scale-out.md: the same definitions, each step
in its own process, run and event storage in a real instance instead of an in-memory one.

    uv run python -m bench.scale_out RAW_DIR WAREHOUSE DAGSTER_HOME [--max-concurrent 2] [--spawn]
"""

from __future__ import annotations

import argparse
import json
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import dagster as dg

__all__ = ["PRELOAD_MODULES", "MultiprocessOutcome", "main_job", "run_multiprocess"]

# Steps running at once. Every step that writes opens the one DuckDB file, which takes one
# writing process at a time, so steps that write must not overlap (see docs/scale-out.md).
DEFAULT_MAX_CONCURRENT = 1
# Step processes fork from a server that imported these once (Dagster's forkserver start method),
# instead of each spawning a fresh interpreter that imports Dagster, dagster-dbt and the definitions
# again: on the embedded corpus 142 s against 268 s (docs/scale-out.md). Safe because importing them
# runs nothing (no connection, lock or thread is inherited; tests/test_architecture.py).
PRELOAD_MODULES = ["dagster", "dagster_dbt", "orchestration.definitions"]


def main_job() -> dg.JobDefinition:
    """The main job with the environment's resources; rebuilt by each step process (reconstructable)."""
    from orchestration.definitions import build_definitions

    return build_definitions().resolve_job_def("main")


@dataclass
class MultiprocessOutcome:
    success: bool
    run_id: str
    step_processes: int  # distinct process ids that ran a step
    failed_steps: list[str] = field(default_factory=list)


def run_multiprocess(
    raw_dir: Path,
    warehouse: Path,
    dagster_home: Path,
    max_concurrent: int = DEFAULT_MAX_CONCURRENT,
    preload: list[str] | None = PRELOAD_MODULES,
) -> MultiprocessOutcome:
    """Run the main job with the multiprocess executor on the instance at ``dagster_home``; step
    processes fork from a server with ``preload`` imported (``None``: spawn each one afresh)."""
    from orchestration.defs.project import ensure_dbt_manifest

    ensure_dbt_manifest()
    dagster_home.mkdir(parents=True, exist_ok=True)
    (dagster_home / "dagster.yaml").touch()
    # step processes read their resources from the environment, as a deployed code location does
    os.environ.update(
        BUDGET_RAW_DIR=str(raw_dir.resolve()),
        BUDGET_WAREHOUSE=str(warehouse.resolve()),
        DAGSTER_HOME=str(dagster_home.resolve()),
    )
    executor: dict = {"max_concurrent": max_concurrent}
    if preload is not None and forkserver_started():
        # steps forked from a server started earlier in this process (the parser's workers use one)
        # would inherit its environment and imports of then, not the BUDGET_* variables set above
        preload = None
    if preload is not None:
        executor["start_method"] = {"forkserver": {"preload_modules": preload}}
    with dg.DagsterInstance.get() as instance:
        result = dg.execute_job(
            dg.reconstructable(main_job),
            instance=instance,
            run_config={"execution": {"config": {"multiprocess": executor}}},
            raise_on_error=False,
        )
        events = result.all_events
        pids = {e.pid for e in events if e.step_key and e.pid}
        failed = [e.step_key for e in events if e.event_type_value == "STEP_FAILURE" and e.step_key]
        return MultiprocessOutcome(result.success and not failed, result.run_id, len(pids), failed)


def forkserver_started() -> bool:
    """Whether this process already started multiprocessing's forkserver (then its preload and its
    environment are fixed); when that cannot be told, assume it did."""
    from multiprocessing import forkserver

    return getattr(forkserver._forkserver, "_forkserver_pid", 0) is not None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("raw_dir", type=Path)
    parser.add_argument("warehouse", type=Path)
    parser.add_argument("dagster_home", type=Path)
    parser.add_argument("--max-concurrent", type=int, default=DEFAULT_MAX_CONCURRENT)
    parser.add_argument(
        "--spawn", action="store_true", help="start each step in a fresh interpreter (no forkserver preload)"
    )
    parser.add_argument("--json", action="store_true", help="print the outcome as one JSON line")
    args = parser.parse_args()
    preload = None if args.spawn else PRELOAD_MODULES
    started = time.monotonic()
    outcome = run_multiprocess(args.raw_dir, args.warehouse, args.dagster_home, args.max_concurrent, preload)
    if args.json:
        print(json.dumps({**asdict(outcome), "seconds": round(time.monotonic() - started, 1)}))
    else:
        print(outcome)
        print(f"{time.monotonic() - started:.1f} s")


if __name__ == "__main__":
    main()
