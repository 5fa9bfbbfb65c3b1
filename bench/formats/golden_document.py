"""A disclosure's nine tables rebuilt from a table golden (``tests/golden/tables/*.json``).

A golden lists every printed cell (table, section, code, name, column, amount, printed) in row
order; its document golden (``tests/golden/documents``) gives the department, year and kind. The
rows, columns and figures here are what the format writers lay out again in other file formats.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from orchestration.parsing.units import UNIT_FACTORS

__all__ = ["Document", "Figure", "Row", "Table", "load_document"]

# Columns in the order the template prints them; others keep their order of appearance, after these.
COLUMN_ORDER = [
    "预算数", "合计", "基本支出", "人员经费", "公用经费", "项目支出", "财政拨款收入", "一般公共预算",
    "政府性基金预算", "国有资本经营预算", "事业收入", "事业单位经营收入", "其他收入", "因公出国(境)费",
    "公务接待费", "小计", "购置费", "运行费",
]  # fmt: skip


@dataclass(frozen=True)
class Figure:
    value: Decimal  # in the table's unit, exact
    printed: str  # as the PDF printed it
    amount_yuan: Decimal


@dataclass
class Row:
    section: str | None
    code: str | None
    name: str
    figures: dict[str, Figure] = field(default_factory=dict)  # column -> figure


@dataclass
class Table:
    table_no: int
    title: str
    unit: str
    note: str | None
    columns: dict[str | None, list[str]]  # section (None outside tables 1/4) -> leaf columns
    rows: list[Row] = field(default_factory=list)

    def section_rows(self, section: str | None) -> list[Row]:
        return [r for r in self.rows if r.section == section]


@dataclass
class Document:
    doc_id: str
    department: str
    fiscal_year: int
    kind: str  # department | unit
    tables: list[Table]
    cells: list[dict]  # the golden cells, for comparison

    @property
    def budget_word(self) -> str:
        return "单位预算" if self.kind == "unit" else "部门预算"


def _ordered(columns: list[str]) -> list[str]:
    known = [c for c in COLUMN_ORDER if c in columns]
    return known + [c for c in columns if c not in known]


def load_document(golden_dir: Path, name: str) -> Document:
    """``name`` is a golden's stem, e.g. ``pdf__qingpu_liantang_2024``."""
    tables_golden = json.loads((golden_dir / "tables" / f"{name}.json").read_text(encoding="utf-8"))
    meta = json.loads((golden_dir / "documents" / f"{name}.json").read_text(encoding="utf-8"))["document"]
    tables = []
    for info in tables_golden["tables"]:
        number = info["table_no"]
        unit = info["unit"] or "元"
        rows: dict[tuple, Row] = {}
        columns: dict[str | None, list[str]] = {}
        for cell in (c for c in tables_golden["cells"] if c["table_no"] == number):
            key = (cell["section"], cell["code"], cell["name"])
            row = rows.setdefault(key, Row(cell["section"], cell["code"], cell["name"]))
            amount = Decimal(cell["amount_yuan"])
            value = (amount / UNIT_FACTORS[cell["unit"]]).normalize()
            row.figures[cell["column"]] = Figure(value, cell["printed"], amount)
            section_columns = columns.setdefault(cell["section"], [])
            if cell["column"] not in section_columns:
                section_columns.append(cell["column"])
        tables.append(
            Table(
                table_no=number,
                title=info["title"],
                unit=unit,
                note=info["note"],
                columns={s: _ordered(c) for s, c in columns.items()},
                rows=list(rows.values()),
            )
        )
    return Document(
        doc_id=name,
        department=meta["department"],
        fiscal_year=meta["fiscal_year"],
        kind=meta["kind"],
        tables=tables,
        cells=tables_golden["cells"],
    )
