"""Run the main Dagster job in this process and summarise what it did.

Used by `budget run` and the tests. The dbt manifest is refreshed first when a dbt file is
newer than it, so a run never works from a stale project. The whole run holds the
warehouse lock (``orchestration.warehouse.warehouse_lock``): a second run started meanwhile
waits for it (``BUDGET_LOCK_TIMEOUT``), then reports that the warehouse is busy.
"""

from __future__ import annotations

import hashlib
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from orchestration import settings
from orchestration.raw_folder import raw_entries
from orchestration.warehouse import WarehouseBusy, warehouse_lock

if TYPE_CHECKING:  # Dagster costs about 1 s to import: only a run that has work to do pays it
    import dagster as dg

__all__ = ["RunOutcome", "run_main_job"]

QUARANTINE_LINES = 50  # files listed one by one in the summary
REPORT_NAME = "quality_report.html"  # written beside the warehouse by the quality_report asset
# Code, models and suites the marts depend on (besides the raw folder and PARSER_VERSION).
FINGERPRINT_CODE = (
    ("orchestration", "**/*.py"),
    ("dbt_project", "dbt_project.yml"),
    ("dbt_project/models", "**/*"),
    ("dbt_project/macros", "**/*"),
    ("dbt_project/tests", "**/*"),
    ("expectations/gx/expectations", "*.json"),
)
WARNING_LINES = 10  # warning checks named in the summary


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
    up_to_date: bool = False  # nothing changed since the last successful run: nothing was done

    def summary(self) -> str:
        if self.error:
            return f"run not started: {self.error}"
        if self.up_to_date:
            return (
                "up to date: the raw folder, parser and models are unchanged since the last successful run; "
                "nothing to do (budget run --force rebuilds anyway)"
                + (f"\n  quality report: {self.report}" if self.report else "")
                + f"\n  quarantined: {len(self.quarantined)} file(s)"
            )
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
                "check(s) — "
                + ", ".join(self.warned_checks[:WARNING_LINES])
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


def input_fingerprint(raw_root: Path) -> str:
    """What a run's result depends on: the raw folder (where, which files, their size and mtime), the
    parser version and the code, dbt models and suites that build the marts. Equal fingerprints
    give equal marts, so a run with the fingerprint of the last successful run has nothing to do.
    """
    from orchestration.warehouse import PARSER_VERSION

    digest = hashlib.sha256(f"{raw_root.resolve()}\0{PARSER_VERSION}\0".encode())
    for entry in raw_entries(raw_root):
        digest.update(f"raw\0{entry.relative}\0{entry.size_bytes}\0{entry.modified_ns}\0".encode())
    for folder, pattern in FINGERPRINT_CODE:
        for path in sorted((settings.PROJECT_ROOT / folder).glob(pattern)):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(f"code\0{path.relative_to(settings.PROJECT_ROOT).as_posix()}\0".encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def _last_fingerprint(warehouse_file: Path) -> str | None:
    import duckdb

    if not warehouse_file.exists():
        return None
    try:
        with duckdb.connect(str(warehouse_file), read_only=True) as con:
            row = con.execute(
                "select fingerprint from landing.run_state order by finished_at desc limit 1"
            ).fetchone()
    except duckdb.Error:  # no run_state yet (a warehouse from before, or a failed first run)
        return None
    return row[0] if row else None


def _record_fingerprint(warehouse_file: Path, fingerprint: str, run_id: str) -> None:
    import duckdb

    with duckdb.connect(str(warehouse_file)) as con:
        con.execute(
            "create table if not exists landing.run_state "
            "(fingerprint varchar not null, run_id varchar not null, finished_at timestamp not null)"
        )
        con.execute("delete from landing.run_state")
        con.execute("insert into landing.run_state values (?, ?, now()::timestamp)", [fingerprint, run_id])


def run_main_job(
    resources: dict[str, Any] | None = None,
    instance: dg.DagsterInstance | None = None,
    sha256s: list[str] | None = None,
    lock_timeout: float | None = None,
    force: bool = False,
) -> RunOutcome:
    """Execute the main job in process; ``resources`` replace the environment's (tests use this).

    ``sha256s`` parses those documents again (a retry of single documents); ``lock_timeout``
    overrides ``BUDGET_LOCK_TIMEOUT`` (seconds to wait for another run holding the warehouse).
    When nothing the marts depend on changed since the last successful run (``input_fingerprint``),
    the run is skipped unless ``force`` (or ``sha256s``) asks for it.
    """
    warehouse_file = resources["warehouse"].file if resources else settings.warehouse_path()
    raw_root = resources["raw_store"].root if resources else settings.raw_dir()
    try:
        with warehouse_lock(warehouse_file, timeout=lock_timeout, log=lambda m: print(m, file=sys.stderr)):
            fingerprint = input_fingerprint(raw_root)
            if not force and not sha256s and _last_fingerprint(warehouse_file) == fingerprint:
                counts, quarantined = _warehouse_counts(warehouse_file)
                return RunOutcome(
                    success=True,
                    run_id="-",
                    counts=counts,
                    quarantined=quarantined,
                    up_to_date=True,
                    report=report if (report := warehouse_file.parent / REPORT_NAME).exists() else None,
                )
            return _execute(resources, instance, sha256s, warehouse_file, fingerprint)
    except WarehouseBusy as busy:
        return RunOutcome(success=False, run_id="-", error=str(busy))


def _execute(
    resources: dict[str, Any] | None,
    instance: dg.DagsterInstance | None,
    sha256s: list[str] | None,
    warehouse_file: Path,
    fingerprint: str,
) -> RunOutcome:
    """The main job itself (the caller holds the warehouse lock)."""
    from orchestration.definitions import build_definitions
    from orchestration.defs.project import ensure_dbt_manifest

    ensure_dbt_manifest()

    defs = build_definitions(resources)
    job = defs.resolve_job_def("main")
    run_config = {"ops": {"parsed_documents": {"config": {"sha256s": list(sha256s)}}}} if sha256s else None
    with _instance(instance) as inst:
        result = job.execute_in_process(instance=inst, raise_on_error=False, run_config=run_config)
        materialized, failed_checks, warned_checks, failed_steps = _events(result)
    success = result.success and not failed_steps
    if success:
        _record_fingerprint(warehouse_file, fingerprint, result.run_id)
    counts, quarantined = _warehouse_counts(warehouse_file)
    return RunOutcome(
        success=success,
        run_id=result.run_id,
        failed_steps=failed_steps,
        failed_checks=failed_checks,
        warned_checks=warned_checks,
        materialized=materialized,
        counts=counts,
        quarantined=quarantined,
        report=report if (report := warehouse_file.parent / REPORT_NAME).exists() else None,
    )


def _events(result: Any) -> tuple[list[str], list[str], list[str], list[str]]:
    """(assets materialized, checks failed, checks warned, steps failed) of an in-process run."""
    import dagster as dg

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

    import dagster as dg

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
