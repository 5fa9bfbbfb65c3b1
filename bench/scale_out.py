"""The main job under Dagster's multiprocess executor, on a persistent instance (DAGSTER_HOME).

The first step of the scale-out path in docs/scale-out.md: the same definitions, each step
in its own process, run and event storage in a real instance instead of an in-memory one.

    uv run python -m bench.scale_out RAW_DIR WAREHOUSE DAGSTER_HOME [--max-concurrent 2]
"""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg

__all__ = ["MultiprocessOutcome", "main_job", "run_multiprocess"]

# Steps running at once. Every step that writes opens the one DuckDB file, which takes one
# writing process at a time, so steps that write must not overlap (see docs/scale-out.md).
DEFAULT_MAX_CONCURRENT = 1


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
    raw_dir: Path, warehouse: Path, dagster_home: Path, max_concurrent: int = DEFAULT_MAX_CONCURRENT
) -> MultiprocessOutcome:
    """Run the main job with the multiprocess executor on the instance at ``dagster_home``."""
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
    with dg.DagsterInstance.get() as instance:
        result = dg.execute_job(
            dg.reconstructable(main_job),
            instance=instance,
            run_config={"execution": {"config": {"multiprocess": {"max_concurrent": max_concurrent}}}},
            raise_on_error=False,
        )
        events = result.all_events
        pids = {e.pid for e in events if e.step_key and e.pid}
        failed = [e.step_key for e in events if e.event_type_value == "STEP_FAILURE" and e.step_key]
        return MultiprocessOutcome(result.success and not failed, result.run_id, len(pids), failed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("raw_dir", type=Path)
    parser.add_argument("warehouse", type=Path)
    parser.add_argument("dagster_home", type=Path)
    parser.add_argument("--max-concurrent", type=int, default=DEFAULT_MAX_CONCURRENT)
    args = parser.parse_args()
    print(run_multiprocess(args.raw_dir, args.warehouse, args.dagster_home, args.max_concurrent))


if __name__ == "__main__":
    main()
