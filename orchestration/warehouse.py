"""The landing schema: tables the Python side writes and dbt reads as sources.

Plain module (no Dagster import). All writes use parameters or Arrow tables, never SQL
built from document text. Amounts arrive as Decimal strings and are cast to
DECIMAL(18,2) by DuckDB, so no float ever touches a figure.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Iterable

import pyarrow as pa

__all__ = ["LANDING_DDL", "ensure_landing", "replace_rows", "PARSER_VERSION"]

# Bump when the parser's output changes, so stored parses are redone.
PARSER_VERSION = "0.1.0"

LANDING_DDL = """
create schema if not exists landing;
create table if not exists landing.raw_files (
    sha256 varchar not null,
    path varchar not null,          -- relative to the raw folder
    size_bytes bigint not null,
    format varchar not null,        -- pdf | text | other
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
    parsed_at timestamp not null
);
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
    line integer
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
    line integer
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
    line integer
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
"""

# Tables holding one document's parse, keyed by sha256.
DOCUMENT_TABLES = ("documents", "tables", "cells", "narrative", "projects", "indicators", "quarantine")


def ensure_landing(con: Any) -> None:
    con.execute(LANDING_DDL)


def replace_rows(con: Any, table: str, sha256s: Iterable[str], rows: list[dict[str, Any]]) -> None:
    """Delete the given documents' rows from ``landing.<table>`` and insert ``rows``.

    Columns are matched by name; values go in as an Arrow table of strings/ints and
    DuckDB casts them to the declared column types.
    """
    if table not in DOCUMENT_TABLES:
        raise ValueError(f"not a landing document table: {table}")
    shas = sorted(set(sha256s))
    if shas:
        con.execute(f"delete from landing.{table} where sha256 in (select unnest(?))", [shas])
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
