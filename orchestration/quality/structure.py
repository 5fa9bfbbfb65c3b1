"""Frames the blocking Great Expectations suites validate: signs that *our* parse lost or misread figures.

Plain module (no Dagster import). Each frame carries the raw columns plus derived boolean
columns (one per structural invariant) that a suite in ``expectations/gx/expectations/``
expects to be true. The invariants hold for every correctly parsed disclosure whatever the
publisher's arithmetic: a printed figure re-reads to the stored amount in its table's unit,
a child code has its parent printed above it, a parent has children, tables 2, 3 and 5 print
the same subjects, a row with figures prints its total, no two figures claim one cell. A
dropped row, a shifted column or a wrong unit breaks one of them.
"""

from __future__ import annotations

import re
from collections import defaultdict, namedtuple
from decimal import Decimal, InvalidOperation
from typing import Any

import pandas as pd

from orchestration.quality.figures import UNIT_FACTORS
from orchestration.warehouse import documents_in

__all__ = ["INDEX_COLUMNS", "STANDARD_TABLES", "cells_frame", "mart_references_frame", "tables_frame"]

STANDARD_TABLES = tuple(range(1, 10))
# Code lengths each table may print: functional 类/款/项, economic 类/款, none in table 9.
CODE_LENGTHS = {**{t: (3, 5, 7) for t in range(1, 8)}, 8: (3, 5), 9: ()}
# Tables printing functional subjects down to 项: every 类 and 款 has children there.
DETAIL_TABLES = (2, 3, 5, 6, 7)
# Tables whose subject rows must all appear in another table: 2 ↔ 3 (the same subjects, income and
# expense), and 5, 6, 7 ⊂ 3 (each fund's subjects are among all funds' subjects).
TWIN_TABLES = {2: 3, 3: 2, 5: 3, 6: 3, 7: 3}
# Every row of tables 1-8 that prints a figure prints its total (合计, or 预算数 in tables 1 and 4):
# a row without one had its figures shifted out of the total column.
TOTAL_COLUMN_TABLES = tuple(range(1, 9))
TOTAL_COLUMNS = {"合计", "预算数"}
# Two totals within this fraction of a factor 10,000 apart were read in different units.
SCALE_TOLERANCE = Decimal("0.01")
# Columns that name a failing row in check metadata.
INDEX_COLUMNS = {
    "landing_cells": ["source_file", "table_no", "code", "name", "column_label", "locator"],
    "landing_tables": ["source_file", "table_no"],
}
Row = namedtuple(
    "Row",
    "sha256 source_file seq table_no section code name column_label amount_yuan printed unit table_unit page line locator",
)
_SPACES = re.compile(r"[\s,，]")


def _reread(printed: str | None, unit: str | None) -> Decimal | None:
    """The printed string read again, in yuan (``5, 370. 00`` 万元 → 53700000)."""
    text = _SPACES.sub("", printed or "")
    if text in ("", "-", "—"):
        return Decimal(0) if text else None
    try:
        return Decimal(text) * UNIT_FACTORS[unit]
    except (InvalidOperation, KeyError):
        return None


def cells_frame(con: Any, sha256s: list[str] | None = None) -> pd.DataFrame:
    """One row per landing cell (of the documents ``sha256s``, or all) with its structural
    invariants as boolean columns. Every invariant reads one document only, so a suite can be
    validated a batch of documents at a time."""
    where, params = documents_in("c.sha256", sha256s)
    rows = con.execute(
        f"""
        select c.sha256, d.source_file, c.seq, c.table_no, c.section, nullif(c.code, '') as code, c.name,
               c.column_label, cast(c.amount_yuan as varchar) as amount_yuan, c.printed, c.unit, t.unit as table_unit,
               c.page, c.line,
               coalesce('p. ' || cast(c.page as varchar), 'line ' || cast(c.line as varchar)) as locator
        from landing.cells c
        left join landing.documents d using (sha256)
        left join landing.tables t on t.sha256 = c.sha256 and t.table_no = c.table_no
        where {where}
        order by c.sha256, c.seq
        """,
        params,
    ).fetchall()
    # first position of each code, per document × table × section
    first_seq: dict[tuple, int] = {}
    codes_by_table: dict[tuple[str, int], set[str]] = defaultdict(set)
    columns_by_row: dict[tuple, set[str]] = defaultdict(set)
    for sha, _, seq, t, section, code, name, column, *_ in rows:
        if code:
            first_seq.setdefault((sha, t, section, code), seq)
            codes_by_table[(sha, t)].add(code)
        columns_by_row[(sha, t, section, code, name)].add(column)
    amount_ok, code_ok, parent_ok, children_ok, twin_ok, unit_ok, total_ok = [], [], [], [], [], [], []
    for r in (Row(*row) for row in rows):
        reread = _reread(r.printed, r.unit)
        amount_ok.append(
            r.amount_yuan is not None and reread is not None and reread == Decimal(r.amount_yuan)
        )
        code = r.code
        code_ok.append(code is None or (code.isdigit() and len(code) in CODE_LENGTHS.get(r.table_no, ())))
        if code and len(code) > 3 and r.table_no in CODE_LENGTHS:
            parent_seq = first_seq.get((r.sha256, r.table_no, r.section, code[:-2]))
            parent_ok.append(parent_seq is not None and parent_seq < r.seq)
        else:
            parent_ok.append(True)
        siblings = codes_by_table[(r.sha256, r.table_no)]
        needs_children = code is not None and (
            (r.table_no in DETAIL_TABLES and len(code) in (3, 5)) or (r.table_no == 8 and len(code) == 3)
        )
        children_ok.append(
            not needs_children or any(len(c) == len(code) + 2 and c.startswith(code) for c in siblings)
        )
        twin = TWIN_TABLES.get(r.table_no)
        twin_ok.append(code is None or twin is None or code in codes_by_table[(r.sha256, twin)])
        unit_ok.append(r.unit == r.table_unit)
        total_ok.append(
            r.table_no not in TOTAL_COLUMN_TABLES
            or bool(columns_by_row[(r.sha256, r.table_no, r.section, code, r.name)] & TOTAL_COLUMNS)
        )
    frame = pd.DataFrame(rows, columns=list(Row._fields))
    frame["amount_matches_printed"] = amount_ok
    frame["code_well_formed"] = code_ok
    frame["parent_printed_above"] = parent_ok
    frame["parent_has_children"] = children_ok
    frame["subject_in_twin_table"] = twin_ok
    frame["unit_matches_table"] = unit_ok
    frame["row_total_printed"] = total_ok
    frame["section_key"] = frame.section.fillna("")
    frame["row_key"] = frame.code.fillna("") + "|" + frame.name.fillna("")
    return frame


def _table_totals(con: Any, sha256s: list[str] | None) -> dict[tuple[str, int], Decimal]:
    """The grand total each table prints (支出总计 of tables 1 and 4, the 合计 row × 合计 column of the others)."""
    where, params = documents_in("sha256", sha256s)
    rows = con.execute(
        f"""
        select sha256, table_no, cast(amount_yuan as varchar) from landing.cells
        where code is null and {where} and (
            (table_no in (1, 4) and section = 'expense' and name = '支出总计' and column_label in ('预算数', '合计'))
            or (table_no in (2, 3, 5, 6, 7, 8) and name in ('合计', '总计') and column_label = '合计'))
        """,
        params,
    ).fetchall()
    return {(sha, t): Decimal(a) for sha, t, a in rows if a is not None}


def _same_scale(total: Decimal | None, reference: Decimal | None) -> bool:
    """False when two totals that should be of one size differ by the 万元 factor (a unit read wrong)."""
    if not total or not reference:
        return True
    ratio = abs(total / reference)
    return not any(
        abs(ratio - factor) <= factor * SCALE_TOLERANCE for factor in (Decimal(10000), Decimal("0.0001"))
    )


def tables_frame(con: Any, sha256s: list[str] | None = None) -> pd.DataFrame:
    """One row per parsed document (of ``sha256s``, or all) × standard table (1–9): is it there,
    is its unit known, is it to scale?"""
    where, params = documents_in("d.sha256", sha256s)
    rows = con.execute(
        f"""
        select d.sha256, d.source_file, n.table_no, t.table_no is not null as present, t.unit,
               coalesce(t.is_empty, false) as is_empty,
               (select count(*) from landing.tables t2 where t2.sha256 = d.sha256 and t2.table_no = n.table_no) as copies
        from landing.documents d
        cross join (select unnest(range(1, 10)) as table_no) n
        left join landing.tables t on t.sha256 = d.sha256 and t.table_no = n.table_no
        where {where}
        order by d.source_file, n.table_no
        """,
        params,
    ).fetchall()
    frame = pd.DataFrame(
        rows, columns=["sha256", "source_file", "table_no", "present", "unit", "is_empty", "copies"]
    )
    frame["present"] = frame.present.astype(bool)
    # an empty table (本表无数据) may have no unit; a table with figures must have one
    frame["unit_known"] = [
        bool(p) and (bool(e) or u in UNIT_FACTORS)
        for p, e, u in zip(frame.present, frame.is_empty, frame.unit)
    ]
    # every table's grand total is of the size of table 3's (table 8's of table 5's basic spending,
    # which it equals): a factor of 10,000 means 元 read as 万元 or the reverse
    totals = _table_totals(con, sha256s)
    where, params = documents_in("sha256", sha256s)
    basic = {
        (sha, 5): Decimal(a)
        for sha, a in con.execute(
            "select sha256, cast(amount_yuan as varchar) from landing.cells where table_no = 5 and code is null "
            f"and name in ('合计', '总计') and column_label = '基本支出' and {where}",
            params,
        ).fetchall()
    }
    frame["same_scale_as_table3"] = [
        _same_scale(totals.get((sha, t)), basic.get((sha, 5)) if t == 8 else totals.get((sha, 3)))
        for sha, t in zip(frame.sha256, frame.table_no)
    ]
    return frame


def mart_references_frame(con: Any) -> pd.DataFrame:
    """One row per mart × document it references, for every mart with a ``document_sha256`` column.

    Schema-agnostic on purpose: a mart added later is covered without a new suite. Table names
    come from DuckDB's catalogue, never from document text.
    """
    marts = [
        name
        for (name,) in con.execute(
            "select distinct table_name from information_schema.columns where table_schema = 'marts' "
            "and column_name = 'document_sha256' and table_name <> 'dim_document' order by 1"
        ).fetchall()
    ]
    columns = ["mart", "document_sha256", "rows", "source_file", "document_known"]
    if not marts:
        return pd.DataFrame([], columns=columns)
    union = " union all ".join(
        "select {literal} as mart, document_sha256 from marts.{ident} where document_sha256 is not null".format(
            literal="'" + name.replace("'", "''") + "'", ident='"' + name.replace('"', '""') + '"'
        )
        for name in marts
    )
    rows = con.execute(
        f"""
        select m.mart, m.document_sha256, count(*) as rows, coalesce(any_value(d.source_file), m.document_sha256),
               bool_or(d.document_sha256 is not null) as document_known
        from ({union}) m left join marts.dim_document d using (document_sha256)
        group by m.mart, m.document_sha256 order by 1, 2
        """
    ).fetchall()
    return pd.DataFrame(rows, columns=columns)
