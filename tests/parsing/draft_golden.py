"""Draft the ``tables`` and ``cells`` of a table golden from a PDF's ruled grids (see ``grid_draft``).

``python -m tests.parsing.draft_golden FILE --pages 7-19 [--show]`` prints the draft as JSON
(``--show``: each page's rows first, to check against the rendered page). Tables beyond the
nine (e.g. 财政拨款支出预算表) are drafted under ``extra_tables``. Anything the draft cannot place
(a figure outside every cell, a word in a figure column, a row with figures and no name) is
listed under ``warnings``: each one is looked at on the page.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pdfplumber

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.parsing.grid_draft import (
    CODE_LEVEL,
    NUMBER_RE,
    ORDINAL_RE,
    SNAP,
    TOTAL_NAMES,
    UNIT_RE,
    Box,
    clean_label,
    norm,
    page_boxes,
    page_rules,
    table_number,
    to_decimal,
)

FRAME_TEXT = ("编制单位", "单位预算")
UNIT_FACTOR = {"元": Decimal(1), "万元": Decimal(10000)}
FUNCTIONAL_TABLES = (2, 3, 5, 6, 7)


@dataclass
class Column:
    left: float
    right: float
    label: str | None
    section: str | None = None

    def same_band(self, box: Box) -> bool:
        return abs(box.left - self.left) <= 2 * SNAP and abs(box.right - self.right) <= 2 * SNAP

    @property
    def kind(self) -> str:
        label = self.label or ""
        if label in CODE_LEVEL:
            return "code"
        if "名称" in label or "科目" in label or label in ("项目", "序号"):
            return "label"
        return "value"


@dataclass
class Table:
    key: str  # "1".."9", or the title of a table beyond the nine
    table_no: int | None
    title: str
    pages: list[int] = field(default_factory=list)
    unit: str | None = None
    note: str | None = None
    columns: list[Column] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)  # per body row: page, codes, labels, values
    warnings: list[str] = field(default_factory=list)


def _is_frame_text(text: str) -> bool:
    return bool(table_number(text)) or any(w in text for w in FRAME_TEXT) or bool(UNIT_RE.search(text))


def _starts_body(text: str) -> bool:
    return bool(NUMBER_RE.match(text)) or bool(ORDINAL_RE.match(text))


def _columns(table: Table, rules, header: list[Box], y: float) -> list[Column]:
    xs = rules.columns_at(y)
    columns = []
    for left, right in itertools.pairwise(xs):
        column = Column(left, right, None)
        leaves = [b for b in header if column.same_band(b)]
        if leaves:
            column.label = norm(max(leaves, key=lambda b: b.bottom).text)
        covering = [b for b in header if b.left <= left + SNAP and b.right >= right - SNAP]
        if covering:
            top = norm(min(covering, key=lambda b: b.top).text)
            column.section = "income" if "收入" in top else "expense" if "支出" in top else None
        columns.append(column)
    if not header and table.columns:  # a continuation page without a repeated header
        previous = {(round(c.left), round(c.right)): c for c in table.columns}
        for column in columns:
            match = previous.get((round(column.left), round(column.right)))
            if match is None:
                table.warnings.append(
                    f"columns at {column.left:.0f}-{column.right:.0f} not on the page before"
                )
            else:
                column.label, column.section = match.label, match.section
    return columns


def _read_part(table: Table, page_no: int, rules, boxes: list[Box]) -> None:
    """Header, columns and body rows of one table's share of a page."""
    starters = [b for b in boxes if _starts_body(norm(b.text))]
    if not starters:
        return
    body_top = min(b.top for b in starters)
    header = [b for b in boxes if b.bottom <= body_top + SNAP]
    columns = _columns(table, rules, header, body_top + 3)
    if header or not table.columns:
        table.columns = columns
    body = [b for b in boxes if b.top >= body_top - SNAP]
    for top in sorted({round(b.top) for b in body}):
        row_boxes = [b for b in body if round(b.top) == top]
        table.rows.append(_read_row(table, page_no, columns, row_boxes))


def _read_row(table: Table, page_no: int, columns: list[Column], row_boxes: list[Box]) -> dict:
    row: dict = {"page": page_no, "codes": {}, "labels": {}, "values": []}
    for box in sorted(row_boxes, key=lambda b: b.left):
        text = box.text.strip()
        covered = [c for c in columns if c.left >= box.left - SNAP and c.right <= box.right + SNAP]
        if len(covered) == 1 and covered[0].kind == "code":
            row["codes"][covered[0].label] = text
        elif len(covered) == 1 and covered[0].kind == "value":
            if not NUMBER_RE.match(text):
                table.warnings.append(f"page {page_no}: {text!r} in figure column {covered[0].label}")
                continue
            row["values"].append((covered[0], text))
        elif len(covered) == 1 and covered[0].label == "序号":
            continue  # a project's ordinal (财政拨款项目支出预算表), not part of its name
        else:
            if NUMBER_RE.match(text):
                table.warnings.append(f"page {page_no}: figure {text!r} in a label column")
            section = covered[0].section if covered else None
            row["labels"].setdefault(section, []).append(text)
    return row


def _code(table: Table, row: dict, state: dict) -> str | None:
    parts = row["codes"]
    lei, kuan, xiang = parts.get("类"), parts.get("款"), parts.get("项")
    if not (lei or kuan or xiang):
        return None
    if lei is None:
        table.warnings.append(f"page {row['page']}: 类 carried from the row above for {kuan}{xiang or ''}")
        lei = state.get("lei")
    state["lei"] = lei
    return "".join(p for p in (lei, kuan, xiang) if p)


def _cells(table: Table) -> tuple[list[dict], int]:
    cells, rows_with_figures, state = [], 0, {}
    factor = UNIT_FACTOR.get(table.unit or "", None)
    for row in table.rows:
        code = _code(table, row, state) if table.table_no not in (1, 4, 9) else None
        used = False
        for column, printed in row["values"]:
            section = column.section if table.table_no in (1, 4) else None
            if table.table_no in (1, 4):
                label = "".join(row["labels"].get(section, []))
            else:
                label = "".join(t for texts in row["labels"].values() for t in texts)
            name = "" if table.table_no == 9 else clean_label(label)
            if not name and table.table_no != 9:
                table.warnings.append(f"page {row['page']}: figure {printed} with no row name")
            amount = to_decimal(printed) * (factor or 1)
            cells.append(
                {
                    "table_no": table.table_no,
                    "section": section,
                    "code": None if name in TOTAL_NAMES else code,
                    "name": name,
                    "column": column.label,
                    "amount_yuan": format(amount.quantize(Decimal("0.01")), "f"),
                    "printed": printed,
                    "page": row["page"],
                    "line": None,
                    "unit": table.unit,
                }
            )
            used = True
        rows_with_figures += used
    return cells, rows_with_figures


def _scan_page(page, page_no: int, tables: list[Table], current: Table | None) -> Table | None:
    rules = page_rules(page)
    boxes, outside = page_boxes(page, rules)
    starts = []  # (top, table) of each title on the page
    lines = page.extract_text_lines(layout=False, strip=True, return_chars=False)
    for line in lines:
        found = table_number(line["text"])
        if found:
            number, title = found
            key = str(number) if number else title
            same = [t for t in tables if t.key == key]
            table = same[0] if same else Table(key, number, title)
            if not same:
                tables.append(table)
            starts.append((line["top"], table))
        if (unit := UNIT_RE.search(norm(line["text"]))) and (starts or current):
            owner = starts[-1][1] if starts else current
            owner.unit = owner.unit or unit.group(1)
        if "本表无数据" in norm(line["text"]) and (starts or current):
            (starts[-1][1] if starts else current).note = line["text"].strip()
    frame_lines = [line["top"] for line in lines if _is_frame_text(line["text"])]
    for char in outside:  # a digit outside every ruled cell that is not part of a title/单位 line
        if char["text"].isdigit() and not any(abs(char["top"] - top) < 3 for top in frame_lines):
            (current or tables[-1]).warnings.append(f"page {page_no}: digit outside every cell")
    parts: list[tuple[Table, list[Box]]] = []
    if current is not None:
        parts.append((current, []))
    for _, table in starts:
        parts.append((table, []))
    for box in boxes:
        if _is_frame_text(norm(box.text)):
            continue
        owners = [t for top, t in starts if top <= box.top + SNAP]
        owner = owners[-1] if owners else current
        if owner is None:
            continue
        next(p for p in parts if p[0] is owner)[1].append(box)
    if current is not None and not starts and not boxes and rules.vertical:
        # A page holding only ruled cells (a column continued on a page of its own, all blank).
        current.pages.append(page_no)
    for table, part_boxes in parts:
        if part_boxes or table in [t for _, t in starts]:
            if page_no not in table.pages:
                table.pages.append(page_no)
            _read_part(table, page_no, rules, part_boxes)
    return starts[-1][1] if starts else current


def draft_document(pdf, pages, show: bool = False) -> dict:
    """Draft ``tables``, ``cells``, ``extra_tables`` and ``warnings`` of the tables on ``pages``."""
    tables: list[Table] = []
    current = None
    for page_no in pages:
        current = _scan_page(pdf.pages[page_no - 1], page_no, tables, current)
    drafted = {t.key: (t, *_cells(t)) for t in tables}
    _code_two_sided(drafted)
    if show:
        _show(drafted)
    out: dict = {"tables": [], "cells": [], "extra_tables": [], "warnings": []}
    for table, cells, rows in drafted.values():
        info = {
            "table_no": table.table_no,
            "title": table.title,
            "unit": table.unit,
            "unit_inferred": False,
            "empty": not cells,
            "pages": table.pages,
            "unit_evidence": f"printed: 单位：{table.unit}" if table.unit else None,
            "line": None,
            "rows": rows,
            "note": table.note,
        }
        if table.table_no:
            out["tables"].append(info)
            out["cells"] += cells
        else:
            out["extra_tables"].append({**info, "cells": cells})
        out["warnings"] += [f"table {table.key}: {w}" for w in table.warnings]
    out["tables"].sort(key=lambda t: t["table_no"])
    return out


def _code_two_sided(drafted: dict) -> None:
    """Expense rows of tables 1 and 4 take the 类 code their name has in the functional tables."""
    by_name = {}
    for key in map(str, FUNCTIONAL_TABLES):
        for cell in drafted.get(key, (None, []))[1]:
            if cell["code"] and len(cell["code"]) == 3:
                by_name.setdefault(cell["name"], cell["code"])
    for key in ("1", "4"):
        if key not in drafted:
            continue
        table, cells, _ = drafted[key]
        for cell in cells:
            if cell["section"] == "expense" and cell["name"] not in TOTAL_NAMES:
                cell["code"] = by_name.get(cell["name"])
                if cell["code"] is None:
                    table.warnings.append(f"no functional 类 named {cell['name']}")


def _show(drafted: dict) -> None:
    for table, cells, rows in drafted.values():
        print(
            f"## table {table.key} {table.title} pages {table.pages} unit {table.unit} rows {rows}",
            file=sys.stderr,
        )
        print(
            "   columns: " + " | ".join(f"{c.label}/{c.section or ''}" for c in table.columns),
            file=sys.stderr,
        )
        for cell in cells:
            where = f"p{cell['page']}"
            print(
                f"   {where} {cell['section'] or '':7} {cell['code'] or '':7} {cell['name']:<24} "
                f"{cell['column']:<10} {cell['printed']:>16}",
                file=sys.stderr,
            )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pdf", type=Path)
    parser.add_argument("--pages", help="first-last page of the tables (1-based)")
    parser.add_argument("--show", action="store_true", help="print each table's cells for checking")
    args = parser.parse_args(argv)
    with pdfplumber.open(args.pdf) as pdf:
        first, last = (int(p) for p in args.pages.split("-")) if args.pages else (1, len(pdf.pages))
        draft = draft_document(pdf, range(first, last + 1), show=args.show)
    print(json.dumps(draft, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
