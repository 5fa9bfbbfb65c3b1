"""Run the main Dagster job in this process and summarise what it did.

Used by `budget run` and the tests. The dbt manifest is refreshed first when a dbt file is
newer than it, so a run never works from a stale project.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dagster as dg

from orchestration import settings

DBT_DIR = settings.PROJECT_ROOT / "dbt_project"


def ensure_dbt_manifest() -> Path:
    """Run `dbt parse` (via dagster-dbt's preparer) if the manifest is missing or older than the project."""
    from dagster_dbt import DbtProject

    project = DbtProject(project_dir=DBT_DIR, profiles_dir=DBT_DIR)
    manifest = Path(project.manifest_path)
    sources = [DBT_DIR / "dbt_project.yml", *DBT_DIR.glob("models/**/*"), *DBT_DIR.glob("macros/**/*"),
               *DBT_DIR.glob("tests/**/*")]
    newest = max((p.stat().st_mtime for p in sources if p.is_file()), default=0)
    if not manifest.exists() or manifest.stat().st_mtime < newest:
        project.preparer.prepare(project)
    return manifest


@dataclass
class RunOutcome:
    success: bool
    run_id: str
    failed_steps: list[str] = field(default_factory=list)
    failed_checks: list[str] = field(default_factory=list)
    materialized: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        lines = [f"run {self.run_id}: {'success' if self.success else 'FAILED'}",
                 f"  assets materialized: {len(self.materialized)}"]
        lines += [f"  {k}: {v}" for k, v in self.counts.items()]
        lines += [f"  failed step: {s}" for s in self.failed_steps]
        lines += [f"  failed check: {c}" for c in self.failed_checks]
        return "\n".join(lines)


def run_main_job(
    resources: dict[str, Any] | None = None, instance: dg.DagsterInstance | None = None
) -> RunOutcome:
    """Execute the main job in process; ``resources`` replace the environment's (tests use this)."""
    ensure_dbt_manifest()
    from orchestration.definitions import build_definitions

    defs = build_definitions(resources)
    job = defs.resolve_job_def("main")
    with _instance(instance) as inst:
        result = job.execute_in_process(instance=inst, raise_on_error=False)
        materialized = sorted(
            e.asset_key.to_user_string() for e in result.get_asset_materialization_events() if e.asset_key
        )
        failed_checks = sorted(
            f"{ev.asset_key.to_user_string()}:{ev.check_name}"
            for ev in result.get_asset_check_evaluations()
            if not ev.passed
        )
        failed_steps = [e.step_key for e in result.all_events if e.event_type_value == "STEP_FAILURE" and e.step_key]
    return RunOutcome(
        success=result.success and not failed_steps,
        run_id=result.run_id,
        failed_steps=failed_steps,
        failed_checks=failed_checks,
        materialized=materialized,
        counts=_warehouse_counts(resources["warehouse"].file if resources else settings.warehouse_path()),
    )


def _instance(instance: dg.DagsterInstance | None):
    import contextlib
    import os

    if instance is not None:
        return contextlib.nullcontext(instance)
    if os.environ.get("DAGSTER_HOME"):
        return contextlib.nullcontext(dg.DagsterInstance.get())
    return dg.DagsterInstance.ephemeral()


def _warehouse_counts(path: Path) -> dict[str, int]:
    import duckdb

    if not path.exists():
        return {}
    counts: dict[str, int] = {}
    with duckdb.connect(str(path), read_only=True) as con:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_schema in ('landing', 'marts') order by 1, 2"
        ).fetchall()
        for schema, name in tables:
            counts[f"{schema}.{name}"] = con.execute(f'select count(*) from "{schema}"."{name}"').fetchone()[0]
    return counts
