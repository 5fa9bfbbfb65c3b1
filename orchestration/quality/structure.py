"""Frames the blocking Great Expectations suites validate: signs that *our* parse lost or misread figures.

Plain module (no Dagster import). Each frame carries the raw columns plus derived boolean
columns (one per invariant) that a suite in ``expectations/gx/expectations/`` expects to be
true. Every invariant holds for a correct parse of *any* disclosure, whatever its publisher
printed: a printed figure re-reads to the stored amount in its table's unit, each cell's unit
is its table's, codes are well-formed, the required tables are there with a known unit and to
scale. What a publisher may print differently (a 款 without 项, a missing parent, tables 2 and 3
listing different subjects, a row without its total, a table left out) is no sign of a bad
parse: ``structure_findings`` reports it instead. Every frame row names its document
(``sha256``), so the per-document gate (``gate``) can hold back exactly the documents that fail.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pandas as pd

from orchestration.parsing.numbers import is_dash, parse_amount
from orchestration.parsing.tables import REQUIRED_TABLES
from orchestration.parsing.units import UNIT_FACTORS
from orchestration.warehouse import documents_in

__all__ = [
    "FRAME_BUILDERS",
    "INDEX_COLUMNS",
    "STANDARD_TABLES",
    "cells_frame",
    "documents_frame",
    "mart_references_frame",
    "reread",
    "tables_frame",
]

STANDARD_TABLES = tuple(range(1, 10))
# Code lengths each table may print: functional 类/款/项, economic 类/款, none in table 9.
CODE_LENGTHS = {**{t: (3, 5, 7) for t in range(1, 8)}, 8: (3, 5), 9: ()}
# Tables whose grand total equals table 3's 合计 (支出总计 of table 1; table 2's income by the same
# subjects) or table 5's 基本支出 (table 8): a factor of 10,000 between them is a unit read wrong.
EQUAL_TO_TABLE3 = (1, 2)
EQUAL_TO_TABLE5_BASIC = (8,)
# Tables whose total is a part of table 3's (fiscal funds, general budget, government funds, state
# capital): a part may be much smaller than the whole, never 10,000 times larger.
PART_OF_TABLE3 = (4, 5, 6, 7)
# Two totals within this fraction of a factor 10,000 apart were read in different units.
SCALE_TOLERANCE = Decimal("0.01")
SCALE_FACTOR = UNIT_FACTORS["万元"]
# Columns that name a failing row in check metadata and in the gate's reasons: the document first.
INDEX_COLUMNS = {
    "landing_cells": [
        "sha256",
        "source_file",
        "table_no",
        "code",
        "name",
        "column_label",
        "page",
        "line",
        "printed",
        "unit",
        "amount_yuan",
    ],
    "landing_tables": ["sha256", "source_file", "table_no"],
    "landing_documents": ["sha256", "source_file"],
}
DOCUMENTS_QUERY = """
    select sha256, source_file, format, reader, department, fiscal_year, level, kind from landing.documents
"""


def reread(printed: str | None, unit: str | None) -> Decimal | None:
    """The printed string read again, in yuan, by the parser's own number reader
    (``parsing.numbers.parse_amount``: misplaced separators, spaces, full-width forms, brackets and
    minus signs): ``5, 370. 00`` 万元 → 53700000.00, ``(12.00)`` 元 → -12.00, a dash → 0. None when the
    string is no figure or the unit is unknown."""
    if unit not in UNIT_FACTORS:
        return None
    if is_dash(printed):
        return Decimal(0)
    value = parse_amount(printed)
    return None if value is None else value * UNIT_FACTORS[unit]


def cells_frame(con: Any, sha256s: list[str] | None = None) -> pd.DataFrame:
    """One row per landing cell (of the documents ``sha256s``, or all) with its invariants as
    boolean columns. Every invariant reads one row, so the suite can be validated a batch of
    documents at a time."""
    where, params = documents_in("c.sha256", sha256s)
    frame = con.execute(
        f"""
        select c.sha256, d.source_file, c.seq, c.table_no, c.section, nullif(c.code, '') as code, c.name,
               c.column_label, cast(c.amount_yuan as varchar) as amount_yuan, c.printed, c.unit,
               t.unit as table_unit, c.page, c.line,
               coalesce('p. ' || cast(c.page as varchar), 'line ' || cast(c.line as varchar)) as locator
        from landing.cells c
        left join landing.documents d using (sha256)
        left join landing.tables t on t.sha256 = c.sha256 and t.table_no = c.table_no
        where {where}
        order by c.sha256, c.seq
        """,
        params,
    ).df()
    for column in ("page", "line"):  # nullable integers: Python ints and None, as GE names rows with them
        frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
    frame["amount_matches_printed"] = [
        amount is not None and (again := reread(printed, unit)) is not None and again == Decimal(amount)
        for amount, printed, unit in zip(frame.amount_yuan, frame.printed, frame.unit)
    ]
    frame["code_well_formed"] = [
        code is None or (code.isdigit() and len(code) in CODE_LENGTHS.get(table_no, ()))
        for code, table_no in zip(_nullable(frame.code), frame.table_no)
    ]
    frame["unit_matches_table"] = [
        cell_unit == table_unit for cell_unit, table_unit in zip(frame.unit, frame.table_unit)
    ]
    frame["section_key"] = frame.section.fillna("")
    frame["row_key"] = frame.code.fillna("") + "|" + frame.name.fillna("")
    return frame


def _nullable(column: pd.Series) -> list[Any]:
    """A column's values with pandas' missing markers (NaN, None, NA) as None."""
    return [None if pd.isna(v) else v for v in column]


def _table_totals(con: Any, sha256s: list[str] | None) -> dict[tuple[str, int, str], Decimal]:
    """(document, table, column) → the grand total printed: 支出总计 of tables 1 and 4, the 合计 row
    of the others (its 合计 column, and for table 5 also its 基本支出 column)."""
    where, params = documents_in("sha256", sha256s)
    rows = con.execute(
        f"""
        select sha256, table_no, column_label, cast(amount_yuan as varchar) from landing.cells
        where code is null and {where} and (
            (table_no in (1, 4) and section = 'expense' and name = '支出总计' and column_label in ('预算数', '合计'))
            or (table_no in (2, 3, 5, 6, 7, 8) and name in ('合计', '总计') and column_label = '合计')
            or (table_no = 5 and name in ('合计', '总计') and column_label = '基本支出'))
        """,
        params,
    ).fetchall()
    return {
        (sha, t, "基本支出" if column == "基本支出" else "合计"): Decimal(a)
        for sha, t, column, a in rows
        if a is not None
    }


def _ratio(total: Decimal | None, reference: Decimal | None) -> Decimal | None:
    return abs(total / reference) if total and reference else None


def _near(ratio: Decimal | None, factor: Decimal) -> bool:
    return ratio is not None and abs(ratio - factor) <= factor * SCALE_TOLERANCE


def _to_scale(totals: dict, sha: str, table_no: int) -> bool:
    """False when a table's grand total is 10,000 times (or a 10,000th of) the total it must equal,
    or 10,000 times the whole it is a part of: 元 read as 万元, or the reverse."""
    own = totals.get((sha, table_no, "合计"))
    if table_no in EQUAL_TO_TABLE3 or table_no in EQUAL_TO_TABLE5_BASIC:
        reference = totals.get((sha, 3, "合计") if table_no in EQUAL_TO_TABLE3 else (sha, 5, "基本支出"))
        ratio = _ratio(own, reference)
        return not (_near(ratio, SCALE_FACTOR) or _near(ratio, 1 / SCALE_FACTOR))
    if table_no in PART_OF_TABLE3:
        return not _near(_ratio(own, totals.get((sha, 3, "合计"))), SCALE_FACTOR)
    return True


def tables_frame(con: Any, sha256s: list[str] | None = None) -> pd.DataFrame:
    """One row per parsed document (of ``sha256s``, or all) × standard table (1–9): is a required
    one there, is its unit known, is it to scale, is it recorded once?"""
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
    # the parser quarantines a document without them: one in the landing tables lost one on the way
    frame["required_table_present"] = [
        p or t not in REQUIRED_TABLES for p, t in zip(frame.present, frame.table_no)
    ]
    # a table with figures has a known unit (an empty one, 本表无数据, may have none; an absent one has none)
    frame["unit_known"] = [
        not p or bool(e) or u in UNIT_FACTORS for p, e, u in zip(frame.present, frame.is_empty, frame.unit)
    ]
    totals = _table_totals(con, sha256s)
    frame["same_scale_as_table3"] = [
        _to_scale(totals, sha, t) for sha, t in zip(frame.sha256, frame.table_no)
    ]
    return frame


def documents_frame(con: Any, sha256s: list[str] | None = None) -> pd.DataFrame:
    """One row per parsed document (of ``sha256s``, or all) with the metadata the parser read."""
    where, params = documents_in("sha256", sha256s)
    return con.execute(f"{DOCUMENTS_QUERY} where {where}", params).df()


# landing suite -> the builder of its frame for a batch of documents
FRAME_BUILDERS = {
    "landing_cells": cells_frame,
    "landing_tables": tables_frame,
    "landing_documents": documents_frame,
}


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
