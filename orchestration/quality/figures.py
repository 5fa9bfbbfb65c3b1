"""A document's printed figures as the quality checks read them: from the landing tables or a parse.

Plain module (no Dagster import). Amounts leave DuckDB as text and become ``Decimal`` here,
so no float ever holds a figure. Each figure knows how precisely it was printed: a figure
printed ``1,616,095.40`` in 元 may be off by 0.005 元 from the true value, ``5370.00`` in 万元
by 50 元, ``5370`` in 万元 by 5,000 元 (its *half-unit*); a rate printed ``38.83%`` by 0.005
percentage points.

Columns are read by meaning (``column_meaning``): ``支出预算 / 基本支出``, ``一般公共预算支出/基本支出``
and a fused ``支出预算基本支出`` are all 基本支出, so the same column is found in every table
however its parent header was printed. The printed label stays in ``Figure.printed_column``.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, replace
from decimal import Decimal
from typing import Any

from orchestration.parsing.units import half_unit
from orchestration.warehouse import documents_in

__all__ = [
    "DocumentFigures",
    "Figure",
    "ProjectFigures",
    "TableMeta",
    "column_meaning",
    "figures_from_parse",
    "load_documents",
    "rows_of",
]

# Leaf column headers by meaning, longest first where one ends another (事业单位经营收入 / 收入).
COLUMN_MEANINGS = tuple(
    sorted(
        (
            "合计",
            "基本支出",
            "项目支出",
            "人员经费",
            "公用经费",
            "财政拨款收入",
            "事业收入",
            "事业单位经营收入",
            "其他收入",
            "单位资金",
            "教育收费收入",
            "动用历年结转结余",
            "其他资金",
            "上级补助收入",
            "附属单位上缴收入",
            "一般公共预算",
            "政府性基金预算",
            "国有资本经营预算",
            "上缴上级支出",
            "对附属单位补助支出",
            "事业单位经营支出",
            "预算数",
        ),
        key=len,
        reverse=True,
    )
)
_HEADER_SEPARATOR = re.compile(r"\s*[/／|｜]\s*")


def column_meaning(label: str | None) -> str:
    """The leaf header a column label means: the last header level, read by its known words."""
    text = re.sub(r"\s+", "", label or "")
    levels = _HEADER_SEPARATOR.split(text)
    leaf = levels[-1]
    if leaf in ("小计", "合计") and len(levels) > 1 and levels[-2] in COLUMN_MEANINGS:
        return levels[-2]  # 基本支出 / 小计: the subtotal of a column split further is that column
    for meaning in COLUMN_MEANINGS:
        if leaf == meaning:
            return meaning
    for meaning in COLUMN_MEANINGS:
        # 支出预算基本支出 / 一般公共预算支出合计: a parent header fused before the leaf
        if leaf.endswith(meaning) and meaning not in ("预算数",):
            return meaning
    return leaf


@dataclass(frozen=True)
class Figure:
    """One printed figure: a table cell, a narrative amount or a project's amount."""

    amount: Decimal
    printed: str
    unit: str | None
    page: int | None
    line: int | None
    table_no: int | None = None  # None outside the tables
    section: str | None = None
    code: str | None = None
    name: str = ""  # the row's name; a project's name
    column: str = ""  # the column's meaning (column_meaning); a project amount's role
    printed_column: str = ""  # the column label as printed

    @property
    def half_unit(self) -> Decimal:
        if self.printed == "持平":
            return Decimal(0)
        return half_unit(self.printed, self.unit)

    @property
    def label(self) -> str:
        """``table 3 · 208 社会保障和就业支出 · 合计 = 1,616,095.00 元``, ``narrative = 6616.52 万元``."""
        if self.table_no is not None:
            row = " ".join(p for p in (self.code, self.name) if p)
            parts = [f"table {self.table_no}", row, self.printed_column or self.column]
        elif self.column:
            parts = [f"project {self.name}", self.printed_column]
        else:
            parts = ["narrative"]
        value = f"{self.printed}%" if self.unit == "%" else f"{self.printed} {self.unit or ''}".rstrip()
        return " · ".join(p for p in parts if p) + f" = {value}"

    @property
    def identity(self) -> tuple:
        """What makes two figures the same printed figure (a narrative figure: its key and amount)."""
        if self.table_no is None and self.column:  # a project's amount: its project and role
            return ("project", self.name, self.column, self.printed_column, self.amount)
        if self.table_no is None:  # a narrative figure: what it says, wherever it is printed
            return ("narrative", self.amount, self.unit)
        return (self.table_no, self.section, self.code or self.name, self.column)

    def negated(self) -> Figure:
        return replace(self, amount=-self.amount)


@dataclass(frozen=True)
class TableMeta:
    table_no: int
    unit: str | None
    is_empty: bool
    pages: tuple[int, ...]


@dataclass
class ProjectFigures:
    """One project: its name, where it starts, and every amount it prints by role (``ProjectAmount``)."""

    name: str
    page: int | None
    line: int | None
    amounts: list[Figure] = field(default_factory=list)  # Figure.column holds the role

    def of(self, *roles: str) -> list[Figure]:
        return [f for f in self.amounts if f.column in roles]

    def first(self, role: str) -> Figure | None:
        return next(iter(self.of(role)), None)


@dataclass
class DocumentFigures:
    """Everything the identities need from one parsed document."""

    sha256: str
    source_file: str
    fiscal_year: int | None
    kind: str | None = None  # department | unit
    tables: dict[int, TableMeta] = field(default_factory=dict)
    cells: list[Figure] = field(default_factory=list)
    narrative: list[tuple[str, Figure, str | None]] = field(default_factory=list)  # (key, figure, scope)
    projects: list[ProjectFigures] = field(default_factory=list)
    _by_table: dict[int, list[Figure]] | None = field(default=None, repr=False)

    def table(self, table_no: int) -> list[Figure]:
        if self._by_table is None:
            self._by_table = defaultdict(list)
            for c in self.cells:
                self._by_table[c.table_no].append(c)
        return self._by_table.get(table_no, [])

    def is_empty(self, table_no: int) -> bool:
        """True when the table prints no figure (本表无数据, or not printed at all) or only zeros."""
        return all(c.amount == 0 for c in self.table(table_no))


def _cell(
    amount: Any, printed: str | None, unit, page, line, table_no, section, code, name, column
) -> Figure:
    return Figure(
        Decimal(str(amount)),
        printed or str(amount),
        unit,
        page,
        line,
        table_no,
        section,
        code or None,
        name or "",
        column_meaning(column),
        column or "",
    )


def _project(name: str, page, line, amounts: list[dict[str, Any]]) -> ProjectFigures:
    return ProjectFigures(
        name=name or "",
        page=page,
        line=line,
        amounts=[
            Figure(
                Decimal(str(a["amount_yuan"])),
                a["printed"],
                a["unit"],
                a.get("page"),
                a.get("line"),
                name=name or "",
                column=a["role"],
                printed_column=a["label"],
            )
            for a in amounts
        ],
    )


def figures_from_parse(parsed: Any, sha256: str = "", source_file: str = "") -> DocumentFigures:
    """The figures of a ``ParsedDocument`` (no warehouse): what ``load_documents`` reads back."""
    meta = parsed.document
    doc = DocumentFigures(
        sha256=sha256 or meta.sha256,
        source_file=source_file or meta.source_file,
        fiscal_year=meta.fiscal_year,
        kind=meta.kind,
    )
    for t in parsed.tables:
        doc.tables[t.table_no] = TableMeta(t.table_no, t.unit, t.empty, tuple(t.pages))
    for c in parsed.cells:
        doc.cells.append(
            _cell(
                c.amount_yuan,
                c.printed,
                c.unit,
                c.page,
                c.line,
                c.table_no,
                c.section,
                c.code,
                c.name,
                c.column,
            )
        )
    for n in parsed.narrative:
        if n.key is not None:
            figure = Figure(n.amount_yuan, n.printed or str(n.amount_yuan), n.unit, n.page, n.line)
            doc.narrative.append((n.key, figure, n.scope))
    for p in parsed.projects:
        doc.projects.append(_project(p.name, p.page, p.line, [asdict(a) for a in p.amounts]))
    return doc


def load_documents(con: Any, sha256s: Iterable[str] | None = None) -> list[DocumentFigures]:
    """Parsed documents with their tables, cells, keyed narrative figures and projects, in file
    order: every document, or only those named in ``sha256s`` (one batch of a bounded size)."""
    cond, params = documents_in("sha256", sha256s)
    where = f" and {cond}"
    docs: dict[str, DocumentFigures] = {}
    for sha, source_file, year, kind in con.execute(
        f"select sha256, source_file, fiscal_year, kind from landing.documents where true{where} order by source_file",
        params,
    ).fetchall():
        docs[sha] = DocumentFigures(sha256=sha, source_file=source_file, fiscal_year=year, kind=kind)
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
                _cell(amount, printed, unit, page, line, table_no, section, code, name, column)
            )
    for sha, key, amount, printed, unit, page, line, scope in con.execute(
        f"""
        select sha256, key, cast(amount_yuan as varchar), printed, unit, page, line, scope
        from landing.narrative where key is not null and amount_yuan is not null{where} order by sha256, seq
        """,
        params,
    ).fetchall():
        if sha in docs:
            figure = Figure(Decimal(amount), printed or amount, unit or "万元", page, line)
            docs[sha].narrative.append((key, figure, scope))
    for sha, name, page, line, amounts in con.execute(
        f"select sha256, name, page, line, amounts from landing.projects where true{where} order by sha256, project_seq",
        params,
    ).fetchall():
        if sha in docs:
            docs[sha].projects.append(_project(name, page, line, json.loads(amounts or "[]")))
    return list(docs.values())


def rows_of(cells: list[Figure]) -> dict[tuple[str | None, str], dict[str, Figure]]:
    """Cells of one table as (section, code or name) → column meaning → figure."""
    grid: dict[tuple[str | None, str], dict[str, Figure]] = defaultdict(dict)
    for c in cells:
        grid[(c.section, c.code or c.name)].setdefault(c.column, c)
    return grid
