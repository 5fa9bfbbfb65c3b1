"""The landing schema: tables the Python side writes and dbt reads as sources; the writers' lock.

Plain module (no Dagster import). All writes use parameters or Arrow tables, never SQL
built from document text. Amounts arrive as Decimal strings and are cast to
DECIMAL(18,2) by DuckDB, so no float ever touches a figure.

DuckDB allows one writing process per file. ``warehouse_lock`` serialises whole runs with a
lock file beside the warehouse (``<warehouse>.lock``): a second run waits for the first
(``BUDGET_LOCK_TIMEOUT`` seconds, default one hour), then fails with a message naming the
holder. The lock is re-entrant within a thread, so a run holding it can call code that takes
it again (the assets take it too, for runs launched by a Dagster daemon).
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
from filelock import FileLock, Timeout

__all__ = [
    "DOCUMENT_TABLES",
    "DOCUMENT_TABLE_DESCRIPTIONS",
    "GATE_TABLES",
    "LANDING_DDL",
    "LOCK_TIMEOUT_ENV",
    "MARTS_SCHEMA",
    "PARSER_VERSION",
    "Connect",
    "WarehouseBusy",
    "documents_in",
    "ensure_landing",
    "lock_timeout",
    "mart_tables",
    "replace_rows",
    "warehouse_lock",
]

# Bump when the parser's output changes, so stored parses are redone.
PARSER_VERSION = "0.4.0"

LANDING_DDL = """
create schema if not exists landing;
create table if not exists landing.raw_files (
    sha256 varchar not null,
    path varchar not null,          -- relative to the raw folder
    size_bytes bigint not null,
    format varchar not null,        -- pdf | text | xlsx | xls | docx | doc | html | other
    modified_at timestamp,
    seen_at timestamp not null,
    primary key (sha256, path)
);
create table if not exists landing.documents (
    sha256 varchar primary key,
    source_file varchar not null,
    format varchar not null,
    pages integer,
    department varchar,
    district varchar,
    town varchar,
    level varchar,
    kind varchar,
    fiscal_year integer,
    parser_version varchar not null,
    parsed_at timestamp not null,
    parent_department varchar,      -- 预算主管部门 of a unit budget (单位预算), when printed
    reader varchar                  -- what the figures were read from (see landing.cells.source)
);
-- warehouses created before the parser read a unit's 预算主管部门 (parser 0.2.0)
alter table landing.documents add column if not exists parent_department varchar;
create table if not exists landing.tables (
    sha256 varchar not null,
    table_no integer not null,
    title varchar,
    unit varchar,
    unit_inferred boolean,
    unit_evidence varchar,
    is_empty boolean,
    pages varchar                   -- comma-separated page numbers
);
create table if not exists landing.cells (
    sha256 varchar not null,
    seq integer not null,           -- order of the cell in the document
    table_no integer not null,
    section varchar,
    code varchar,
    name varchar,
    column_label varchar,
    amount_yuan decimal(18, 2),
    printed varchar,
    unit varchar,
    page integer,
    line integer,
    source varchar,                 -- what the figure was read from: text_layer | text_extraction |
                                    -- spreadsheet | word | html | ocr
    confidence double               -- 1 for a figure read exactly; OCR's recognition score for a scan
);
create table if not exists landing.narrative (
    sha256 varchar not null,
    seq integer not null,
    key varchar,
    text varchar,
    amount_yuan decimal(18, 2),
    printed varchar,
    unit varchar,
    page integer,
    line integer,
    scope varchar                   -- the funds a subject's figure counts (narrative.py)
);
create table if not exists landing.projects (
    sha256 varchar not null,
    project_seq integer not null,
    name varchar,
    amount_yuan decimal(18, 2),
    total_amount_yuan decimal(18, 2),
    implementing_unit varchar,
    period varchar,
    page integer,
    line integer,
    amounts varchar                 -- JSON list of the project's ProjectAmount (funding, sub-projects)
);
create table if not exists landing.indicators (
    sha256 varchar not null,
    project_seq integer not null,
    seq integer not null,
    level1 varchar,
    level2 varchar,
    level3 varchar,
    target varchar,
    page integer,
    line integer
);
create table if not exists landing.quarantine (
    sha256 varchar not null,
    source_file varchar not null,
    reason varchar not null,
    message varchar not null,
    parser_version varchar not null,
    seen_at timestamp not null
);
create table if not exists landing.parse_problems (
    sha256 varchar not null,
    seq integer not null,           -- order of the problem in the document
    check_name varchar not null,    -- unread_figures | unknown_row | ocr_unverified | ...
    message varchar not null,
    table_no integer,
    page integer,
    line integer,
    printed varchar                 -- the text as printed
);
create table if not exists landing.held_back (
    sha256 varchar not null,
    source_file varchar not null,
    check_name varchar not null,    -- the blocking check the document fails (a suite's or a parse problem's)
    suite varchar not null,         -- landing_cells | landing_tables | landing_documents | parse_problems
    failing_rows integer not null,  -- cells, tables or problems that fail it
    tables varchar,                 -- comma-separated table numbers involved
    pages varchar,                  -- comma-separated PDF pages
    lines varchar,                  -- comma-separated lines (text extractions)
    printed varchar,                -- a few of the printed strings involved, ' | '-separated
    message varchar not null,       -- one line: what fails, where, as printed
    parser_version varchar,
    held_at timestamp not null
);
-- Columns added after the first release: a warehouse built before gets them here.
alter table landing.documents add column if not exists reader varchar;
alter table landing.cells add column if not exists source varchar;
alter table landing.cells add column if not exists confidence double;
alter table landing.narrative add column if not exists scope varchar;
alter table landing.projects add column if not exists amounts varchar;
"""

# Tables holding one document's parse, keyed by sha256, and what each holds.
DOCUMENT_TABLE_DESCRIPTIONS = {
    "documents": "One row per parsed file: department, district, town, level, kind, fiscal year, pages.",
    "tables": "The standard tables found in each document, with title, unit (printed or inferred) and pages.",
    "cells": "Every printed figure of the nine tables, traced to its page (or line of a text extraction).",
    "narrative": "Figures of the narrative (编制说明, 三公, 政府采购, 绩效目标), converted from 万元 to yuan.",
    "projects": "Projects (项目经费情况说明 / 绩效目标表) with their amounts.",
    "indicators": "Performance indicators of each project (一级/二级/三级, target value).",
    "parse_problems": "What a document prints that the parser could not read (unread figures, unknown rows): "
    "a document with problems is held back.",
    "quarantine": "Files that could not be parsed, with a one-line reason; the raw file stays in place.",
}
DOCUMENT_TABLES = tuple(DOCUMENT_TABLE_DESCRIPTIONS)
# Tables the per-document gate writes (orchestration.quality.gate), keyed by sha256 too.
GATE_TABLES = ("held_back",)


def ensure_landing(con: Any) -> None:
    con.execute(LANDING_DDL)


def documents_in(column: str, sha256s: Iterable[str] | None) -> tuple[str, list[Any]]:
    """A ``where`` condition keeping the rows whose ``column`` is one of the documents
    ``sha256s`` (every row when None), and its one positional parameter."""
    if sha256s is None:
        return "true", []
    return f"{column} in (select unnest(?::varchar[]))", [sorted(set(sha256s))]


MARTS_SCHEMA = "marts"


def mart_tables(con: Any) -> list[str]:
    """Names of the tables dbt built in the marts schema, sorted (from DuckDB's catalogue)."""
    return [
        name
        for (name,) in con.execute(
            "select table_name from information_schema.tables where table_schema = ? order by 1",
            [MARTS_SCHEMA],
        ).fetchall()
    ]


def replace_rows(con: Any, table: str, sha256s: Iterable[str], rows: list[dict[str, Any]]) -> None:
    """Delete the given documents' rows from ``landing.<table>`` and insert ``rows``.

    Columns are matched by name; values go in as an Arrow table of strings/ints and
    DuckDB casts them to the declared column types.
    """
    if table not in DOCUMENT_TABLES + GATE_TABLES:
        raise ValueError(f"not a landing document table: {table}")
    shas = list(sha256s)
    if shas:
        where, params = documents_in("sha256", shas)
        con.execute(f"delete from landing.{table} where {where}", params)
    if not rows:
        return
    columns = [(name, ctype) for name, ctype, *_ in con.execute(f"describe landing.{table}").fetchall()]
    arrow = pa.table({c: [_plain(r.get(c)) for r in rows] for c, _ in columns})  # noqa: F841 (read by duckdb)
    select = ", ".join(f'cast(arrow."{c}" as {ctype}) as "{c}"' for c, ctype in columns)
    con.execute(f"insert into landing.{table} select {select} from arrow")


def _plain(value: Any) -> Any:
    """Arrow-friendly scalar: Decimals and dates as strings, lists as comma text."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, (list, tuple)):
        return ",".join(str(v) for v in value)
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


# --- the writers' lock -------------------------------------------------------------------------

LOCK_TIMEOUT_ENV = "BUDGET_LOCK_TIMEOUT"
DEFAULT_LOCK_TIMEOUT_SECONDS = 3600.0  # a full run on hundreds of documents fits well inside
LOCK_LOG_EVERY_SECONDS = 30.0  # while waiting, say so this often
LOCK_SUFFIX = ".lock"
OWNER_SUFFIX = ".lock.owner"  # who holds the lock: pid, since when, command (for the message)

_held: dict[tuple[str, int], int] = {}  # (lock path, thread) -> depth, for the locks this process holds
_held_guard = threading.Lock()


# Opens a connection to the warehouse for a ``with`` block: ``Warehouse.connect`` in the wiring.
Connect = Callable[[], contextlib.AbstractContextManager[Any]]


class WarehouseBusy(RuntimeError):
    """Another process is writing the warehouse and did not finish within the timeout."""


def lock_timeout() -> float:
    """Seconds a run waits for the warehouse lock (``BUDGET_LOCK_TIMEOUT``; 0 fails at once)."""
    value = os.environ.get(LOCK_TIMEOUT_ENV, "")
    return float(value) if value.strip() else DEFAULT_LOCK_TIMEOUT_SECONDS


def _holder(owner_file: Path) -> str:
    try:
        owner = json.loads(owner_file.read_text(encoding="utf-8"))
        return f"pid {owner['pid']} since {owner['since']} ({owner['command']})"
    except (OSError, ValueError, KeyError):
        return "another process"


@contextlib.contextmanager
def warehouse_lock(
    warehouse: str | Path, timeout: float | None = None, log: Callable[[str], None] | None = None
) -> Iterator[None]:
    """Hold the writers' lock of ``warehouse`` (waits up to ``timeout`` s, then ``WarehouseBusy``)."""
    path = Path(warehouse).resolve()
    lock_path = str(path) + LOCK_SUFFIX
    owner_file = Path(str(path) + OWNER_SUFFIX)
    key = (lock_path, threading.get_ident())
    with _held_guard:
        nested = key in _held  # this thread already holds it: nested use is free
        if nested:
            _held[key] += 1
    if nested:
        try:
            yield
        finally:
            with _held_guard:
                _held[key] -= 1
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(lock_path)
    timeout = lock_timeout() if timeout is None else timeout
    deadline = time.monotonic() + timeout
    wait = 0.0  # first a try without waiting, so that a waiting run says so at once
    while True:
        try:
            lock.acquire(timeout=max(0.0, min(wait, deadline - time.monotonic())))
            break
        except Timeout:
            wait = LOCK_LOG_EVERY_SECONDS
            holder = _holder(owner_file)
            if time.monotonic() >= deadline:
                raise WarehouseBusy(
                    f"warehouse {path} is being written by {holder}; gave up after {timeout:.0f} s. "
                    f"Let that run finish (or stop it), or wait longer with {LOCK_TIMEOUT_ENV}=SECONDS."
                ) from None
            if log:
                log(f"waiting for the warehouse lock {lock_path}, held by {holder}")
    try:
        owner = {
            "pid": os.getpid(),
            "since": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "command": " ".join(os.path.basename(a) if i == 0 else a for i, a in enumerate(sys.argv))[:200],
        }
        owner_file.write_text(json.dumps(owner), encoding="utf-8")
        with _held_guard:
            _held[key] = 1
        yield
    finally:
        with _held_guard:
            _held.pop(key, None)
        with contextlib.suppress(OSError):
            owner_file.unlink()
        lock.release()
