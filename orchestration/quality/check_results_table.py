"""``landing.check_results``: the outcome of every reported check, written for dbt to read.

Plain module (no Dagster import). This table belongs to the quality checks, not to the parse,
so it is created here (``create table if not exists``) rather than in ``warehouse.py``.
Results are kept per document and recomputed only for the documents that need it
(``stale_documents``): parsed since their results were written, or checked by other code than
today's (``CHECKS_VERSION``, a hash of the checks' source). A run that adds ten documents to a
thousand evaluates ten, and a batch of documents at a time, so memory does not grow with the
warehouse. Figures go in as Decimal strings and are cast by DuckDB: no float touches them.
``landing_to_check_results`` is the whole step (the ``landing/check_results`` asset calls it).
"""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa

from orchestration.parsing import narrative_subjects
from orchestration.quality import (
    cross_table_identities,
    figures,
    identities,
    narrative_identities,
    narrative_targets,
    project_identities,
    results,
    structure_findings,
    table_identities,
)
from orchestration.quality.results import CheckResult
from orchestration.warehouse import Connect, documents_in, warehouse_lock

__all__ = [
    "CHECKS_VERSION",
    "CHECK_BATCH_DOCUMENTS",
    "CHECK_RESULTS_DDL",
    "CheckResultsRun",
    "ensure_check_results",
    "landing_to_check_results",
    "prune_results",
    "stale_documents",
    "write_results",
]

# The code that computes a result: when it changes, every document is checked again.
ENGINE_MODULES = (
    figures,
    results,
    table_identities,
    cross_table_identities,
    narrative_targets,
    narrative_identities,
    project_identities,
    structure_findings,
    identities,
    narrative_subjects,
)
CHECKS_VERSION = hashlib.sha256(b"".join(Path(m.__file__).read_bytes() for m in ENGINE_MODULES)).hexdigest()[
    :16
]

# Documents evaluated (loaded, checked, written) at a time: bounds the memory of the step.
CHECK_BATCH_DOCUMENTS = 100

CHECK_RESULTS_DDL = """
create schema if not exists landing;
create table if not exists landing.check_results (
    sha256 varchar not null,
    seq integer not null,           -- order of the result within its document
    check_name varchar not null,
    outcome varchar not null,       -- pass | fail | not_applicable | insufficient_data
    table_no integer,
    subject varchar,                -- the row compared: a code, 合计, a narrative key
    column_label varchar,
    figure_a decimal(18, 2),        -- the printed figure under test
    figure_b decimal(18, 2),        -- what it should equal (a printed figure or a sum of them)
    difference decimal(18, 2),      -- figure_a - figure_b
    allowance decimal(18, 4),       -- rounding allowance: half a printed unit per figure involved
    terms integer,                  -- printed figures on the B side
    pages varchar,                  -- comma-separated PDF pages of the figures involved
    lines varchar,                  -- comma-separated lines (text extractions)
    message varchar not null,
    checked_at timestamp not null,
    checks_version varchar,         -- CHECKS_VERSION of the code that wrote the row
    unit varchar,                   -- of the figures: 元, or % for a rate
    table_no_b integer,             -- figure B when it is one printed cell: its table,
    subject_b varchar,              -- its row
    column_label_b varchar,         -- and its column as printed
    check_family varchar            -- within_table | across_tables | narrative | projects | structure
);
-- warehouses created before these columns
alter table landing.check_results add column if not exists checks_version varchar;
alter table landing.check_results add column if not exists unit varchar;
alter table landing.check_results add column if not exists table_no_b integer;
alter table landing.check_results add column if not exists subject_b varchar;
alter table landing.check_results add column if not exists column_label_b varchar;
alter table landing.check_results add column if not exists check_family varchar;
"""


def ensure_check_results(con: Any) -> None:
    con.execute(CHECK_RESULTS_DDL)


def stale_documents(con: Any) -> list[str]:
    """sha256s of the parsed documents whose results are missing, older than the document's
    parse, or written by other check code than this one — in file order."""
    ensure_check_results(con)
    return [
        sha
        for (sha,) in con.execute(
            """
            select d.sha256 from landing.documents d
            where not exists (
                select 1 from landing.check_results r
                where r.sha256 = d.sha256 and r.checks_version = ? and r.checked_at >= d.parsed_at
            )
            order by d.source_file, d.sha256
            """,
            [CHECKS_VERSION],
        ).fetchall()
    ]


def prune_results(con: Any) -> int:
    """Delete the results of documents no longer in ``landing.documents``; returns how many rows."""
    ensure_check_results(con)
    (removed,) = con.execute(
        "select count(*) from landing.check_results "
        "where sha256 not in (select sha256 from landing.documents)"
    ).fetchone()
    if removed:
        con.execute(
            "delete from landing.check_results where sha256 not in (select sha256 from landing.documents)"
        )
    return removed


def _text(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


# landing.check_results columns a result fills (checked_at and checks_version are the run's).
RESULT_COLUMNS = (
    "sha256",
    "seq",
    "check_name",
    "outcome",
    "table_no",
    "subject",
    "column_label",
    "figure_a",
    "figure_b",
    "difference",
    "allowance",
    "terms",
    "pages",
    "lines",
    "message",
    "unit",
    "table_no_b",
    "subject_b",
    "column_label_b",
    "check_family",
)
INTEGER_COLUMNS = ("seq", "table_no", "terms", "table_no_b")


def _row(r: CheckResult, seq: int) -> tuple:
    """A result as the values of ``RESULT_COLUMNS``; figures as Decimal strings."""
    return (
        r.sha256,
        seq,
        r.check,
        r.outcome,
        r.table_no,
        r.subject,
        r.column,
        _text(r.figure_a),
        _text(r.figure_b),
        _text(r.difference),
        _text(r.allowance),
        r.terms,
        ",".join(map(str, r.pages)) or None,
        ",".join(map(str, r.lines)) or None,
        r.message,
        r.unit,
        r.table_no_b,
        r.subject_b,
        r.column_b,
        r.family,
    )


def write_results(con: Any, sha256s: list[str], results: list[CheckResult]) -> None:
    """Replace the stored results of the documents ``sha256s`` with ``results`` (theirs), in one
    transaction."""
    ensure_check_results(con)
    now = datetime.now(UTC).replace(tzinfo=None)
    seq: dict[str, int] = {}
    rows = []
    for r in results:
        seq[r.sha256] = seq.get(r.sha256, -1) + 1
        rows.append(_row(r, seq[r.sha256]))
    arrow = pa.table(  # noqa: F841 (read by duckdb)
        {
            name: pa.array(
                [row[i] for row in rows], type=pa.int32() if name in INTEGER_COLUMNS else pa.string()
            )
            for i, name in enumerate(RESULT_COLUMNS)
        }
    )
    casts = {
        "figure_a": "cast(figure_a as decimal(18, 2))",
        "figure_b": "cast(figure_b as decimal(18, 2))",
        "difference": "cast(difference as decimal(18, 2))",
        "allowance": "cast(allowance as decimal(18, 4))",
    }
    con.execute("begin")
    try:
        where, params = documents_in("sha256", sha256s)
        con.execute(f"delete from landing.check_results where {where}", params)
        con.execute(
            f"""
            insert into landing.check_results ({", ".join(RESULT_COLUMNS)}, checked_at, checks_version)
            select {", ".join(casts.get(c, c) for c in RESULT_COLUMNS)}, ? as checked_at, ? as checks_version
            from arrow
            """,
            [now, CHECKS_VERSION],
        )
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise


@dataclass(frozen=True)
class CheckResultsRun:
    """What one check step did, and ``landing.check_results`` after it."""

    checked: int  # documents evaluated this run (new, changed, or checked by older code)
    this_run: Counter  # outcome → results written this run
    removed: int  # results of documents no longer parsed, deleted
    outcomes: Counter  # outcome → results in the table
    documents: int  # documents with results
    # the first fails, in file order: (file, check, table, row, column, figure A, B, difference, pages or lines)
    failed: list[tuple]
    seconds: float  # the whole step, waiting for the lock included


def landing_to_check_results(
    warehouse_file: Path, connect: Connect, log: Callable[[str], None] | None = None, listed_fails: int = 200
) -> CheckResultsRun:
    """Evaluate every identity on the documents parsed since their last check, ``CHECK_BATCH_DOCUMENTS``
    at a time, under the warehouse lock; drop the results of documents gone; count what the table holds
    and fetch its first ``listed_fails`` fails (figures as text)."""
    started = time.perf_counter()
    this_run: Counter = Counter()
    with warehouse_lock(warehouse_file, log=log), connect() as con:
        stale = stale_documents(con)
        for i in range(0, len(stale), CHECK_BATCH_DOCUMENTS):
            batch = stale[i : i + CHECK_BATCH_DOCUMENTS]
            results = identities.evaluate_all(figures.load_documents(con, batch))
            write_results(con, batch, results)
            this_run.update(r.outcome for r in results)
        pruned = prune_results(con)
        outcomes = Counter(
            dict(con.execute("select outcome, count(*) from landing.check_results group by 1").fetchall())
        )
        (documents,) = con.execute("select count(distinct sha256) from landing.check_results").fetchone()
        failed = con.execute(
            f"""
            select d.source_file, r.check_name, r.table_no, r.subject, r.column_label,
                   cast(r.figure_a as varchar), cast(r.figure_b as varchar), cast(r.difference as varchar),
                   coalesce(r.pages, r.lines)
            from landing.check_results r join landing.documents d using (sha256)
            where r.outcome = 'fail' order by d.source_file, r.seq limit {int(listed_fails)}
            """
        ).fetchall()
    return CheckResultsRun(
        checked=len(stale),
        this_run=this_run,
        removed=pruned,
        outcomes=outcomes,
        documents=documents,
        failed=failed,
        seconds=time.perf_counter() - started,
    )
