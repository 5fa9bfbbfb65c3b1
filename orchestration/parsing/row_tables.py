"""Rows of cells into raw grids: the reader shared by spreadsheets, Word, HTML pages and OCR'd scans.

A document in these formats is a sequence of rows of cells: a sheet's rows; a Word or HTML
document's paragraphs (one-cell ``text`` rows) and table rows in body order; an OCR'd page's
lines and table rows rebuilt from the boxes' geometry. Merged cells arrive with their text in the
top-left cell and ``""`` elsewhere, as a ruled PDF gives them.

A table starts at a title row (one of the nine titles, alone on its row or beside its 单位 /
编制部门 cells; a sheet named after a table and printing no title takes its name), then preamble
rows (单位, 编制部门, 部门预算01表, a 本表无数据 note), the header rows and the body, up to the next
title, the end of the sheet, or — in a Word/HTML document or a scan — the first paragraph of
running text after the body. A header repeated at the start of a new block (a table split over
pages) is dropped, as are columns that print nothing at all (spacers).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .headers import EMPTY_NOTE_RE, has_header_words, split_header
from .raw_grid import RawGrid, RawRow
from .table_titles import clean_title, find_titles, match_title
from .units import find_unit

__all__ = ["Sheet", "SheetRow", "read_sheet_grids", "row_text"]

# Preamble cells: 编制部门/编制单位 lines, "部门预算01表", "单位：元" (find_unit), "公开表1".
_PREAMBLE_RE = re.compile(
    r"(编制部门|编制单位|编报单位|预算单位|部门预算\s*\d+\s*表|公开\s*\d+\s*表|^表\s*\d+$)"
)
# A running-text row that ends a table in a Word/HTML document: a note, or a paragraph.
_NOTE_RE = re.compile(r"^\s*(注|说明|备注)\s*[:：0-9１-９]")
# "— 7 —", "- 12 -", "第 3 页", "3/21": a page footer, skipped inside a table that runs over pages.
_PAGE_NUMBER_RE = re.compile(r"^\s*(?:[-—–\s]*\d{1,3}[-—–\s]*|第\s*\d{1,3}\s*页.*|\d{1,3}\s*/\s*\d{1,3})\s*$")
# A one-cell row longer than this is running text (a note), not a row name with blank figures.
MAX_ROW_NAME_CHARS = 40


@dataclass
class SheetRow:
    cells: list[str]  # display strings, "" for a blank or merged-away cell
    page: int | None = None  # provenance of the cells read from this row (see docs/parse-schema.md)
    line: int | None = None
    block: int = 0  # a source table (Word/HTML), a page (scan); a header repeated at a block start is dropped
    kind: str = "table"  # "table" for a table row, "text" for a paragraph of running text
    confidence: list[float] | None = None  # per cell, for OCR'd rows


@dataclass
class Sheet:
    name: str | None  # the sheet's name (a spreadsheet), else None
    rows: list[SheetRow] = field(default_factory=list)


def _filled(row: SheetRow) -> list[str]:
    return [c.strip() for c in row.cells if c and c.strip()]


def row_text(row: SheetRow) -> str:
    """The row as one line: cells joined by tabs, line breaks inside a cell as spaces."""
    return "\t".join(" ".join(c.split()) for c in _filled(row))


def read_sheet_grids(sheets: list[Sheet]) -> list[RawGrid]:
    """Raw grids of the nine tables, in sheet and row order."""
    grids: list[RawGrid] = []
    for sheet in sheets:
        texts = [_title_text(r) for r in sheet.rows]
        titles = [t for t in find_titles(texts) if _titled(sheet.rows[t[0]])]
        if not titles and sheet.name and (number := match_title(sheet.name)):
            titles = [(-1, 1, number, sheet.name)]  # one table per sheet, the sheet named after it
        for k, (first, used, number, text) in enumerate(titles):
            stop = titles[k + 1][0] if k + 1 < len(titles) else len(sheet.rows)
            title_row = sheet.rows[first] if first >= 0 else SheetRow(cells=[text])
            grid = _read_table(sheet.rows[first + used : stop], title_row, number, text)
            if grid is not None:
                grids.append(grid)
    return grids


def _title_text(row: SheetRow) -> str:
    """The cell holding a title when the row has one (beside a 单位 or 编制部门 cell), else the row."""
    return next((c for c in _filled(row) if match_title(c)), row_text(row))


def _titled(row: SheetRow) -> bool:
    """A title stands alone on its row, or beside 单位 / 编制部门 cells: never inside a body row."""
    filled = _filled(row)
    return len(filled) <= 1 or all(match_title(c) or _is_preamble_cell(c) for c in filled)


def _is_preamble_cell(text: str) -> bool:
    return bool(find_unit(text) or _PREAMBLE_RE.search(text) or EMPTY_NOTE_RE.search(text))


def _is_preamble(row: SheetRow) -> bool:
    filled = _filled(row)
    if len(filled) == 1 and not has_header_words([filled]):
        return True
    return all(_is_preamble_cell(c) for c in filled)


def _note(grid: RawGrid, row: SheetRow) -> None:
    for cell in _filled(row):
        if (unit := find_unit(cell)) and grid.unit is None:
            grid.unit, grid.unit_line = unit, cell
        if EMPTY_NOTE_RE.search(cell):
            grid.note_empty, grid.note = True, cell


def _read_table(rows: list[SheetRow], title_row: SheetRow, number: int, title: str) -> RawGrid | None:
    grid = RawGrid(table_no=number, title=clean_title(title), line=title_row.line)
    if title_row.page is not None:
        grid.pages.append(title_row.page)
    _note(grid, title_row)
    i = 0
    while i < len(rows) and (not _filled(rows[i]) or _is_preamble(rows[i])):
        _note(grid, rows[i])
        i += 1
    n_head = split_header([r.cells for r in rows[i:]])
    header = rows[i : i + n_head]
    if not header or not has_header_words([r.cells for r in header]):
        return grid if grid.note_empty else None  # a contents entry, unless a note says the table is empty
    body = _body(grid, rows[i + n_head :], header)
    keep = _printed_columns(header + body)
    grid.header = [_pick(r.cells, keep) for r in header]
    for r in body:
        confidence = [c if c != "" else 1.0 for c in _pick(r.confidence, keep)] if r.confidence else None
        grid.rows.append(
            RawRow(cells=_pick(r.cells, keep), page=r.page, line=r.line, block=r.block, confidence=confidence)
        )
        if r.page is not None and r.page not in grid.pages:
            grid.pages.append(r.page)
    return grid


def _body(grid: RawGrid, rows: list[SheetRow], header: list[SheetRow]) -> list[SheetRow]:
    """Body rows up to the end of the table; notes recorded, repeated headers dropped."""
    header_texts = {row_text(r) for r in header}
    body: list[SheetRow] = []
    block = header[-1].block
    j = 0
    while j < len(rows):
        row = rows[j]
        filled = _filled(row)
        j += 1
        if not filled:
            continue
        text = row_text(row)
        if row.kind == "text":
            if _PAGE_NUMBER_RE.match(text):
                continue
            _note(grid, row)
            if body:
                break  # running text after the body ends the table
            continue
        if len(filled) == 1 and (
            _NOTE_RE.match(text) or EMPTY_NOTE_RE.search(text) or len(text) > MAX_ROW_NAME_CHARS
        ):
            _note(grid, row)
            continue
        if text in header_texts:
            continue  # the header repeated (a table printed over pages)
        if row.block != block:
            block = row.block
            repeated = split_header([r.cells for r in rows[j - 1 :] if r.block == block])
            if repeated:
                j += repeated - 1
                continue
        body.append(row)
    return body


def _printed_columns(rows: list[SheetRow]) -> list[int]:
    width = max((len(r.cells) for r in rows), default=0)
    return [j for j in range(width) if any(j < len(r.cells) and r.cells[j].strip() for r in rows)]


def _pick(values: list, keep: list[int]) -> list:
    return [values[j] if j < len(values) else "" for j in keep]
