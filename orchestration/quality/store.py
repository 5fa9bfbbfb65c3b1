"""``landing.check_results``: the outcome of every reported check, written for dbt to read.

Plain module (no Dagster import). This table belongs to the quality checks, not to the parse,
so it is created here (``create table if not exists``) rather than in ``warehouse.py``. The
results are recomputed from the landing tables on every run and replace the previous ones.
Figures go in as Decimal strings and are cast by DuckDB: no float touches them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pyarrow as pa

from orchestration.quality.identities import CheckResult

__all__ = ["CHECK_RESULTS_DDL", "ensure_check_results", "write_results"]

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
    checked_at timestamp not null
);
"""


def ensure_check_results(con: Any) -> None:
    con.execute(CHECK_RESULTS_DDL)


def _text(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


def write_results(con: Any, results: list[CheckResult]) -> None:
    """Replace every stored result with ``results``, in one transaction."""
    ensure_check_results(con)
    now = datetime.now(UTC).replace(tzinfo=None)
    seq: dict[str, int] = {}
    rows: dict[str, list[Any]] = {
        k: []
        for k in (
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
        )
    }
    for r in results:
        seq[r.sha256] = seq.get(r.sha256, -1) + 1
        for key, value in (
            ("sha256", r.sha256),
            ("seq", seq[r.sha256]),
            ("check_name", r.check),
            ("outcome", r.outcome),
            ("table_no", r.table_no),
            ("subject", r.subject),
            ("column_label", r.column),
            ("figure_a", _text(r.figure_a)),
            ("figure_b", _text(r.figure_b)),
            ("difference", _text(r.difference)),
            ("allowance", _text(r.allowance)),
            ("terms", r.terms),
            ("pages", ",".join(map(str, r.pages)) or None),
            ("lines", ",".join(map(str, r.lines)) or None),
            ("message", r.message),
        ):
            rows[key].append(value)
    arrow = pa.table(  # noqa: F841 (read by duckdb)
        {
            k: pa.array(v, type=pa.int32() if k in ("seq", "table_no", "terms") else pa.string())
            for k, v in rows.items()
        }
    )
    con.execute("begin")
    try:
        con.execute("delete from landing.check_results")
        con.execute(
            """
            insert into landing.check_results
            select sha256, seq, check_name, outcome, table_no, subject, column_label,
                   cast(figure_a as decimal(18, 2)), cast(figure_b as decimal(18, 2)),
                   cast(difference as decimal(18, 2)), cast(allowance as decimal(18, 4)),
                   terms, pages, lines, message, ? as checked_at
            from arrow
            """,
            [now],
        )
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
