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
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from orchestration import settings
from orchestration.raw_folder import raw_entries
from orchestration.warehouse import WarehouseBusy, warehouse_lock

if TYPE_CHECKING:  # Dagster costs about 1 s to import: only a run that has work to do pays it
    import dagster as dg

    from orchestration.run_console import RunConsole

__all__ = ["RunOutcome", "run_main_job"]

HELD_BACK_LINES = 5  # held-back documents listed one by one in the summary (the rest: landing.held_back)
# The per-document gate's check (orchestration.quality.gate.GATE_CHECK on landing/held_back): when it
# fails, documents are held back and the run goes on; the summary lists them as held back.
GATE_CHECK_KEY = "landing/held_back:document_gate"
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
    # documents held back by the gate, one entry per document × check: (file, check, reason)
    held_back: list[tuple[str, str, str]] = field(default_factory=list)
    check_descriptions: dict[str, str] = field(default_factory=dict)  # failed check -> what it says
    error: str = ""  # why the run did not start (e.g. the warehouse is busy)
    report: Path | None = None  # the HTML quality report, when the run wrote one
    up_to_date: bool = False  # nothing changed since the last successful run: nothing was done
    # the publishers' findings per selected file: (file, findings, checks that found them)
    findings: list[tuple[str, int, str]] = field(default_factory=list)
    log: Path | None = None  # the run's full Dagster and dbt log (budget run)
    seconds: float | None = None

    def summary(self) -> str:
        """What the run did, in at most a screen: see ``orchestration.run_summary``."""
        from orchestration.run_summary import summary_lines

        return "\n".join(summary_lines(self))

    def held_back_lines(self) -> list[str]:
        """``held back: 2 documents (amount_matches_printed 1, unread_figures 1)`` and a line per document."""
        if not self.held_back:
            return ["  held back: none"]
        by_document: dict[str, list[tuple[str, str]]] = {}
        for file, check, reason in self.held_back:
            by_document.setdefault(file, []).append((check, reason))
        by_check: dict[str, int] = {}  # documents per check
        for checks in by_document.values():
            for check in {c for c, _ in checks}:
                by_check[check] = by_check.get(check, 0) + 1
        n = len(by_document)
        consequence = (
            "kept out of the marts, raw files untouched; a run after a parser fix, or budget run --retry "
            "SHA256, releases those that pass"
            if self.success
            else "the run stopped before the marts (they are those of the last successful run)"
        )
        lines = [
            f"  held back: {n} document{'' if n == 1 else 's'} ("
            + ", ".join(f"{check} {count}" for check, count in sorted(by_check.items()))
            + f"): {consequence}"
        ]
        for file, checks in list(by_document.items())[:HELD_BACK_LINES]:
            lines.append(f"    {file}: " + "; ".join(reason for _, reason in checks))
        if len(by_document) > HELD_BACK_LINES:
            lines.append(f"    … and {len(by_document) - HELD_BACK_LINES} more in landing.held_back")
        return lines


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
    console: RunConsole | None = None,
) -> RunOutcome:
    """Execute the main job in process; ``resources`` replace the environment's (tests use this).

    ``sha256s`` parses those documents again (a retry of single documents); ``lock_timeout``
    overrides ``BUDGET_LOCK_TIMEOUT`` (seconds to wait for another run holding the warehouse).
    When nothing the marts depend on changed since the last successful run (``input_fingerprint``),
    the run is skipped unless ``force`` (or ``sha256s``) asks for it. With a ``console`` (`budget run`)
    the run prints a line per stage and writes its full log to ``console.log_path``.
    """
    warehouse_file = resources["warehouse"].file if resources else settings.warehouse_path()
    raw_root = resources["raw_store"].root if resources else settings.raw_dir()
    try:
        with warehouse_lock(warehouse_file, timeout=lock_timeout, log=lambda m: print(m, file=sys.stderr)):
            fingerprint = input_fingerprint(raw_root)
            if not force and not sha256s and _last_fingerprint(warehouse_file) == fingerprint:
                counts, quarantined, held_back = _warehouse_counts(warehouse_file)
                return RunOutcome(
                    success=True,
                    run_id="-",
                    counts=counts,
                    quarantined=quarantined,
                    held_back=held_back,
                    up_to_date=True,
                    report=report if (report := warehouse_file.parent / REPORT_NAME).exists() else None,
                    findings=_findings(warehouse_file),
                )
            if console is None:
                return _execute(resources, instance, sha256s, warehouse_file, fingerprint)
            with console.capture():
                outcome = _execute(resources, instance, sha256s, warehouse_file, fingerprint, console)
            outcome.log = console.log_path
            return outcome
    except WarehouseBusy as busy:
        return RunOutcome(success=False, run_id="-", error=str(busy))


def _execute(
    resources: dict[str, Any] | None,
    instance: dg.DagsterInstance | None,
    sha256s: list[str] | None,
    warehouse_file: Path,
    fingerprint: str,
    console: RunConsole | None = None,
) -> RunOutcome:
    """The main job itself (the caller holds the warehouse lock)."""
    started = time.monotonic()
    import dagster as dg

    from orchestration.definitions import build_definitions
    from orchestration.defs.project import ensure_dbt_manifest

    ensure_dbt_manifest()

    defs = build_definitions(resources)
    job = defs.resolve_job_def("main")
    run_config: dict[str, Any] = {}
    if sha256s:
        run_config["ops"] = {"parsed_documents": {"config": {"sha256s": list(sha256s)}}}
    if console is not None:  # the run's log goes to the console's handler, not Dagster's coloured stderr
        job = job.with_logger_defs({"budget": dg.LoggerDefinition(lambda _: console.python_logger())})
        run_config["loggers"] = {"budget": {}}
    with _instance(instance) as inst:
        result = job.execute_in_process(instance=inst, raise_on_error=False, run_config=run_config or None)
        materialized, failed_checks, warned_checks, failed_steps = _events(result)
        descriptions = _check_descriptions(result, failed_checks)
    success = result.success and not failed_steps
    if success:
        _record_fingerprint(warehouse_file, fingerprint, result.run_id)
    counts, quarantined, held_back = _warehouse_counts(warehouse_file)
    return RunOutcome(
        success=success,
        run_id=result.run_id,
        failed_steps=failed_steps,
        failed_checks=failed_checks,
        warned_checks=warned_checks,
        materialized=materialized,
        counts=counts,
        quarantined=quarantined,
        held_back=held_back,
        check_descriptions=descriptions,
        report=report if (report := warehouse_file.parent / REPORT_NAME).exists() else None,
        findings=_findings(warehouse_file),
        seconds=time.monotonic() - started,
    )


def _check_key(evaluation: Any) -> str:
    return f"{evaluation.asset_key.to_user_string()}:{evaluation.check_name}"


def _findings(path: Path) -> list[tuple[str, int, str]]:
    """The publishers' findings per file selected for its disclosure, most first: (file, count, checks)."""
    import duckdb

    if not path.exists():
        return []
    try:
        with duckdb.connect(str(path), read_only=True) as con:
            return con.execute(
                """
                select source_file, sum(n)::integer as findings,
                    string_agg(check_name || ' ' || n, ', ' order by n desc, check_name) as checks
                from (
                    select source_file, check_name, count(*) as n
                    from marts.fact_check_result
                    where outcome = 'fail' and is_selected
                    group by source_file, check_name
                ) as per_check
                group by source_file
                order by sum(n) desc, source_file
                """
            ).fetchall()
    except duckdb.Error:  # no marts yet (a first run that failed before dbt)
        return []


def _events(result: Any) -> tuple[list[str], list[str], list[str], list[str]]:
    """(assets materialized, checks failed, checks warned, steps failed) of an in-process run. The
    gate's check is not among the failed ones: the documents it holds back are listed as such."""
    import dagster as dg

    materialized = sorted(
        e.asset_key.to_user_string() for e in result.get_asset_materialization_events() if e.asset_key
    )
    not_passed = [ev for ev in result.get_asset_check_evaluations() if not ev.passed]
    failed_checks = sorted(
        _check_key(ev)
        for ev in not_passed
        if ev.severity != dg.AssetCheckSeverity.WARN and _check_key(ev) != GATE_CHECK_KEY
    )
    warned_checks = sorted(_check_key(ev) for ev in not_passed if ev.severity == dg.AssetCheckSeverity.WARN)
    failed_steps = [
        e.step_key for e in result.all_events if e.event_type_value == "STEP_FAILURE" and e.step_key
    ]
    return materialized, failed_checks, warned_checks, failed_steps


def _check_descriptions(result: Any, checks: list[str]) -> dict[str, str]:
    """What each failed check says (e.g. the systemic failure's reason), by check key."""
    wanted = set(checks)
    return {
        _check_key(ev): ev.description
        for ev in result.get_asset_check_evaluations()
        if _check_key(ev) in wanted and ev.description
    }


def _instance(instance: dg.DagsterInstance | None):
    import contextlib

    import dagster as dg

    if instance is not None:
        return contextlib.nullcontext(instance)
    if os.environ.get("DAGSTER_HOME"):
        return contextlib.nullcontext(dg.DagsterInstance.get())
    return dg.DagsterInstance.ephemeral()


def _warehouse_counts(
    path: Path,
) -> tuple[dict[str, int], list[tuple[str, str, str]], list[tuple[str, str, str]]]:
    """Row counts of the landing and marts tables, the quarantine (file, reason, message) and the
    documents held back by the gate (file, check, reason)."""
    import duckdb

    if not path.exists():
        return {}, [], []
    counts: dict[str, int] = {}
    quarantined: list[tuple[str, str, str]] = []
    held_back: list[tuple[str, str, str]] = []
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
        if ("landing", "held_back") in tables:
            held_back = con.execute(
                "select source_file, check_name, message from landing.held_back order by source_file, check_name"
            ).fetchall()
    return counts, quarantined, held_back
