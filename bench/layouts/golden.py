"""A table golden (tests/golden/tables/*.json) read back as the rows and columns a publisher printed.

A golden holds every cell of one document (table_no, section, code, name, column, amount_yuan,
printed, page, unit) in the order the parser met them, which is the order of the page: the rows
of each table (and of each side of tables 1 and 4) come back in their printed order, and the
columns in the order their first figure appears. Blank cells are not in a golden: a row × column
with no cell is a blank on the page.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

__all__ = ["GoldenDocument", "GoldenRow", "GoldenTable", "load_golden", "load_goldens"]

# Years printed in a title ("2024年部门财务收支预算总表", "2024 年…").
_YEAR_RE = re.compile(r"(20\d\d)\s*年")
DEFAULT_YEAR = 2025


@dataclass
class GoldenRow:
    section: str | None  # "income" | "expense" for tables 1 and 4
    code: str | None
    name: str
    values: dict[str, Decimal] = field(default_factory=dict)  # column label -> yuan

    @property
    def is_total(self) -> bool:
        return self.code is None and self.name in ("合计", "总计", "收入总计", "支出总计")


@dataclass
class GoldenTable:
    table_no: int
    title: str
    unit: str | None
    rows: list[GoldenRow] = field(default_factory=list)
    columns: dict[str | None, list[str]] = field(default_factory=dict)  # section -> labels in order
    note: str | None = None

    def section_rows(self, section: str | None) -> list[GoldenRow]:
        return [r for r in self.rows if r.section == section]


@dataclass
class GoldenDocument:
    doc_id: str
    source: str  # the golden file's name
    year: int
    kind: str  # "department" | "unit", from the titles
    tables: dict[int, GoldenTable] = field(default_factory=dict)

    def amounts(self) -> list[Decimal]:
        return [v for t in self.tables.values() for r in t.rows for v in r.values.values()]


def load_golden(path: Path) -> GoldenDocument:
    """The document a golden file describes (tables 1..9 as far as the golden lists them)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    titles = {t["table_no"]: t for t in data["tables"]}
    first_title = next(iter(titles.values()))["title"] if titles else ""
    year = _YEAR_RE.search(first_title)
    doc = GoldenDocument(
        doc_id=data["doc_id"],
        source=Path(path).name,
        year=int(year.group(1)) if year else DEFAULT_YEAR,
        kind="unit" if "单位" in first_title else "department",
    )
    for no, info in sorted(titles.items()):
        doc.tables[no] = GoldenTable(
            table_no=no, title=info["title"], unit=info["unit"], note=info.get("note")
        )
    rows: dict[tuple, GoldenRow] = {}
    for cell in data["cells"]:
        table = doc.tables.setdefault(
            cell["table_no"], GoldenTable(table_no=cell["table_no"], title="", unit=cell["unit"])
        )
        key = (cell["table_no"], cell["section"], cell["code"], cell["name"])
        row = rows.get(key)
        if row is None:
            row = rows[key] = GoldenRow(section=cell["section"], code=cell["code"], name=cell["name"])
            table.rows.append(row)
        labels = table.columns.setdefault(cell["section"], [])
        if cell["column"] not in labels:
            labels.append(cell["column"])
        row.values[cell["column"]] = Decimal(cell["amount_yuan"])
    return doc


def load_goldens(folder: Path) -> list[GoldenDocument]:
    """One document per doc_id (a text golden and a PDF golden of the same disclosure hold the same
    cells: the PDF one is kept), in name order."""
    seen: dict[str, GoldenDocument] = {}
    for path in sorted(Path(folder).glob("*.json"), key=lambda p: (not p.name.startswith("text__"), p.name)):
        doc = load_golden(path)
        seen[doc.doc_id] = doc  # a later (pdf/real) golden replaces the text one
    return [seen[k] for k in sorted(seen)]
