"""A document's printed figures as the quality checks read them, loaded from the landing tables.

Plain module (no Dagster import). Amounts leave DuckDB as text and become ``Decimal`` here,
so no float ever holds a figure. Each figure knows how precisely it was printed: a figure
printed ``1,616,095.40`` in 元 may be off by 0.005 元 from the true value, ``5370.00`` in 万元
by 50 元, ``5370`` in 万元 by 5,000 元 (its *half-unit*).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from orchestration.warehouse import documents_in

__all__ = ["UNIT_FACTORS", "DocumentFigures", "Figure", "TableMeta", "half_unit", "load_documents"]

UNIT_FACTORS = {"元": Decimal(1), "万元": Decimal(10000)}
_NOT_DIGITS = re.compile(r"[^\d.\-]")


def half_unit(printed: str | None, unit: str | None) -> Decimal:
    """Half of the last printed digit, in yuan: the most rounding can hide in this figure."""
    text = _NOT_DIGITS.sub("", printed or "")
    if not any(ch.isdigit() for ch in text):
        return Decimal(0)
    decimals = len(text.split(".", 1)[1]) if "." in text else 0
    return (Decimal(1).scaleb(-decimals) / 2) * UNIT_FACTORS.get(unit or "元", Decimal(1))


@dataclass(frozen=True)
class Figure:
    """One printed figure: a table cell or a narrative amount."""

    amount: Decimal
    printed: str
    unit: str | None
    page: int | None
    line: int | None
    table_no: int | None = None  # None for the narrative
    section: str | None = None
    code: str | None = None
    name: str = ""
    column: str = ""

    @property
    def half_unit(self) -> Decimal:
        return half_unit(self.printed, self.unit)

    @property
    def label(self) -> str:
        where = "narrative" if self.table_no is None else f"table {self.table_no}"
        row = " ".join(p for p in (self.code, self.name) if p)
        parts = [where, row, self.column]
        return " · ".join(p for p in parts if p) + f" = {self.printed} {self.unit or ''}".rstrip()


@dataclass(frozen=True)
class TableMeta:
    table_no: int
    unit: str | None
    is_empty: bool
    pages: tuple[int, ...]


@dataclass
class DocumentFigures:
    """Everything the identities need from one parsed document."""

    sha256: str
    source_file: str
    fiscal_year: int | None
    tables: dict[int, TableMeta] = field(default_factory=dict)
    cells: list[Figure] = field(default_factory=list)
    narrative: list[tuple[str, Figure]] = field(default_factory=list)  # (key, figure)

    def table(self, table_no: int) -> list[Figure]:
        return [c for c in self.cells if c.table_no == table_no]

    def is_empty(self, table_no: int) -> bool:
        """True when the table printed no figure, or only zeros (本表无数据 or a table of 0s)."""
        meta = self.tables.get(table_no)
        cells = self.table(table_no)
        return (meta is not None and meta.is_empty and not cells) or (
            bool(cells) and all(c.amount == 0 for c in cells)
        )


def load_documents(con: Any, sha256s: Iterable[str] | None = None) -> list[DocumentFigures]:
    """Parsed documents with their tables, cells and keyed narrative figures, in file order:
    every document, or only those named in ``sha256s`` (one batch of a bounded size)."""
    cond, params = documents_in("sha256", sha256s)
    where = f" and {cond}"
    docs: dict[str, DocumentFigures] = {}
    for sha, source_file, year in con.execute(
        f"select sha256, source_file, fiscal_year from landing.documents where true{where} order by source_file",
        params,
    ).fetchall():
        docs[sha] = DocumentFigures(sha256=sha, source_file=source_file, fiscal_year=year)
    for sha, table_no, unit, is_empty, pages in con.execute(
        f"select sha256, table_no, unit, coalesce(is_empty, false), pages from landing.tables where true{where}",
        params,
    ).fetchall():
        if sha in docs:
            page_list = tuple(int(p) for p in (pages or "").split(",") if p.strip().isdigit())
            docs[sha].tables[table_no] = TableMeta(table_no, unit, bool(is_empty), page_list)
    for sha, table_no, section, code, name, column, amount, printed, unit, page, line in con.execute(
        f"""
        select sha256, table_no, section, nullif(code, ''), coalesce(name, ''), coalesce(column_label, ''),
               cast(amount_yuan as varchar), printed, unit, page, line
        from landing.cells where amount_yuan is not null{where} order by sha256, seq
        """,
        params,
    ).fetchall():
        if sha in docs:
            docs[sha].cells.append(
                Figure(
                    Decimal(amount),
                    printed or amount,
                    unit,
                    page,
                    line,
                    table_no,
                    section,
                    code,
                    name,
                    column,
                )
            )
    for sha, key, amount, printed, unit, page, line in con.execute(
        f"""
        select sha256, key, cast(amount_yuan as varchar), printed, unit, page, line
        from landing.narrative where key is not null and amount_yuan is not null{where} order by sha256, seq
        """,
        params,
    ).fetchall():
        if sha in docs:
            docs[sha].narrative.append(
                (key, Figure(Decimal(amount), printed or amount, unit or "万元", page, line))
            )
    return list(docs.values())


def rows_of(cells: list[Figure]) -> dict[tuple[str | None, str], dict[str, Figure]]:
    """Cells of one table as (section, code or name) → column → figure."""
    grid: dict[tuple[str | None, str], dict[str, Figure]] = defaultdict(dict)
    for c in cells:
        grid[(c.section, c.code or c.name)][c.column] = c
    return grid
