"""Run the main Dagster job in this process and summarise what it did.

Used by `budget run` and the tests. The dbt manifest is refreshed first when a dbt file is
newer than it, so a run never works from a stale project. The whole run holds the
warehouse lock (``orchestration.warehouse.warehouse_lock``): a second run started meanwhile
waits for it (``BUDGET_LOCK_TIMEOUT``), then reports that the warehouse is busy.
"""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dagster as dg

from orchestration import settings
from orchestration.warehouse import WarehouseBusy, warehouse_lock

__all__ = ["RunOutcome", "ensure_dbt_manifest", "run_main_job"]

QUARANTINE_LINES = 50  # files listed one by one in the summary
WARNING_LINES = 10  # warning checks named in the summary

DBT_DIR = settings.PROJECT_ROOT / "dbt_project"


def ensure_dbt_manifest() -> Path:
    """Run `dbt parse` (via dagster-dbt's preparer) if the manifest is missing or older than the project."""
    from dagster_dbt import DbtProject

    project = DbtProject(project_dir=DBT_DIR, profiles_dir=DBT_DIR)
    manifest = Path(project.manifest_path)
    sources = [
        DBT_DIR / "dbt_project.yml",
        *DBT_DIR.glob("models/**/*"),
        *DBT_DIR.glob("macros/**/*"),
        *DBT_DIR.glob("tests/**/*"),
    ]
    newest = max((p.stat().st_mtime for p in sources if p.is_file()), default=0)
    if not manifest.exists() or manifest.stat().st_mtime < newest:
        # the preparer calls plain `dbt`: find the one beside this Python when the venv is not activated
        venv_bin = Path(sys.executable).parent
        if shutil.which("dbt") is None and (venv_bin / "dbt").exists():
            os.environ["PATH"] = str(venv_bin) + os.pathsep + os.environ.get("PATH", "")
        project.preparer.prepare(project)
    return manifest


@dataclass
class RunOutcome:
    success: bool
    run_id: str
    failed_steps: list[str] = field(default_factory=list)
    failed_checks: list[str] = field(default_factory=list)  # severity ERROR: our parse or the marts
    warned_checks: list[str] = field(default_factory=list)  # severity WARN: the publisher's own figures
    materialized: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    quarantined: list[tuple[str, str, str]] = field(default_factory=list)  # (file, reason, message)
    error: str = ""  # why the run did not start (e.g. the warehouse is busy)
    report: Path | None = None  # the HTML quality report, when the run wrote one

    def summary(self) -> str:
        if self.error:
            return f"run not started: {self.error}"
        lines = [
            f"run {self.run_id}: {'success' if self.success else 'FAILED'}",
            f"  assets materialized: {len(self.materialized)}",
        ]
        lines += [f"  {k}: {v}" for k, v in self.counts.items()]
        lines += [f"  failed step: {s}" for s in self.failed_steps]
        lines += [f"  failed check: {c}" for c in self.failed_checks]
        if self.warned_checks:
            lines.append(
                f"  warnings (the publishers' own figures disagree; kept as printed): {len(self.warned_checks)} "
                "check(s) — " + ", ".join(self.warned_checks[:WARNING_LINES])
                + (" …" if len(self.warned_checks) > WARNING_LINES else "")
            )
        if self.report is not None:
            lines.append(f"  quality report: {self.report}")
        if self.quarantined:
            reasons: dict[str, int] = {}
            for _, reason, _ in self.quarantined:
                reasons[reason] = reasons.get(reason, 0) + 1
            lines.append(
                f"  quarantined: {len(self.quarantined)} file(s) ("
                + ", ".join(f"{reason} {n}" for reason, n in sorted(reasons.items()))
                + ")"
            )
            lines += [
                f"    {f}: {reason}: {message}" for f, reason, message in self.quarantined[:QUARANTINE_LINES]
            ]
            if len(self.quarantined) > QUARANTINE_LINES:
                lines.append(
                    f"    … and {len(self.quarantined) - QUARANTINE_LINES} more in landing.quarantine"
                )
        else:
            lines.append("  quarantined: none")
        return "\n".join(lines)


def run_main_job(
    resources: dict[str, Any] | None = None,
    instance: dg.DagsterInstance | None = None,
    sha256s: list[str] | None = None,
    lock_timeout: float | None = None,
) -> RunOutcome:
    """Execute the main job in process; ``resources`` replace the environment's (tests use this).

    ``sha256s`` parses those documents again (a retry of single documents); ``lock_timeout``
    overrides ``BUDGET_LOCK_TIMEOUT`` (seconds to wait for another run holding the warehouse).
    """
    ensure_dbt_manifest()
    from orchestration.definitions import build_definitions

    defs = build_definitions(resources)
    job = defs.resolve_job_def("main")
    warehouse_file = resources["warehouse"].file if resources else settings.warehouse_path()
    run_config = {"ops": {"parsed_documents": {"config": {"sha256s": list(sha256s)}}}} if sha256s else None
    try:
        with warehouse_lock(warehouse_file, timeout=lock_timeout, log=lambda m: print(m, file=sys.stderr)):
            with _instance(instance) as inst:
                result = job.execute_in_process(instance=inst, raise_on_error=False, run_config=run_config)
                materialized, failed_checks, warned_checks, failed_steps = _events(result)
            counts, quarantined = _warehouse_counts(warehouse_file)
    except WarehouseBusy as busy:
        return RunOutcome(success=False, run_id="-", error=str(busy))
    return RunOutcome(
        success=result.success and not failed_steps,
        run_id=result.run_id,
        failed_steps=failed_steps,
        failed_checks=failed_checks,
        warned_checks=warned_checks,
        materialized=materialized,
        counts=counts,
        quarantined=quarantined,
        report=report if (report := warehouse_file.parent / "quality_report.html").exists() else None,
    )


def _events(result: Any) -> tuple[list[str], list[str], list[str], list[str]]:
    """(assets materialized, checks failed, checks warned, steps failed) of an in-process run."""
    materialized = sorted(
        e.asset_key.to_user_string() for e in result.get_asset_materialization_events() if e.asset_key
    )
    not_passed = [ev for ev in result.get_asset_check_evaluations() if not ev.passed]
    failed_checks = sorted(
        f"{ev.asset_key.to_user_string()}:{ev.check_name}"
        for ev in not_passed
        if ev.severity != dg.AssetCheckSeverity.WARN
    )
    warned_checks = sorted(
        f"{ev.asset_key.to_user_string()}:{ev.check_name}"
        for ev in not_passed
        if ev.severity == dg.AssetCheckSeverity.WARN
    )
    failed_steps = [
        e.step_key for e in result.all_events if e.event_type_value == "STEP_FAILURE" and e.step_key
    ]
    return materialized, failed_checks, warned_checks, failed_steps


def _instance(instance: dg.DagsterInstance | None):
    import contextlib

    if instance is not None:
        return contextlib.nullcontext(instance)
    if os.environ.get("DAGSTER_HOME"):
        return contextlib.nullcontext(dg.DagsterInstance.get())
    return dg.DagsterInstance.ephemeral()


def _warehouse_counts(path: Path) -> tuple[dict[str, int], list[tuple[str, str, str]]]:
    """Row counts of the landing and marts tables, and the quarantine (file, reason, message)."""
    import duckdb

    if not path.exists():
        return {}, []
    counts: dict[str, int] = {}
    quarantined: list[tuple[str, str, str]] = []
    with duckdb.connect(str(path), read_only=True) as con:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_schema in ('landing', 'marts') order by 1, 2"
        ).fetchall()
        for schema, name in tables:
            counts[f"{schema}.{name}"] = con.execute(f'select count(*) from "{schema}"."{name}"').fetchone()[
                0
            ]
        if ("landing", "quarantine") in tables:
            quarantined = con.execute(
                "select source_file, reason, message from landing.quarantine order by source_file"
            ).fetchall()
    return counts, quarantined
