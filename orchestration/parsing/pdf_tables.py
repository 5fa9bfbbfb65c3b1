"""PDF reader: the nine tables, each read from its region of the pages.

A page is cut into regions at the tables' titles: a title owns the page from its own line down to
the next title (or the page's end), wherever the title sits — above the grid, inside the grid's
own frame (many 单位预算 draw the title, 编制单位 and 单位 lines in the table's ruled frame), or
mid-page after another table ends. What is above a page's first title continues the table left
open by the page before. A title that names none of the nine tables (财政拨款支出预算表, a
项目支出 table …) closes the open table and owns its region, which is not read.

Each region is read by whatever draws its grid: pdfplumber's line strategy for a full grid,
``pdf_rows`` for a frame of horizontal rules only or for columns aligned by whitespace alone.
The lines of the preamble (title, 编制单位, 单位：元, 单位预算04表) are set aside wherever they
are printed, and give the table its unit. A contents page (several titles, no grid) is skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .codes import is_code, is_total_label
from .headers import EMPTY_NOTE_RE, has_header_words, split_header
from .numbers import is_amount
from .pdf_rows import RegionRows, horizontal_rules, read_word_table
from .raw_grid import RawGrid, RawRow
from .source import Page, Source
from .table_titles import clean_title, find_titles
from .units import find_unit

__all__ = ["read_pdf_grids"]

# Tables that print a single row never run over a page.
SINGLE_PAGE_TABLES = {9}
# Two column edges closer than this (points) are the same edge.
EDGE_TOLERANCE = 3.0
# A region starts this far (points) above its title's line, so the title's glyphs are inside it.
TITLE_MARGIN = 1.0
# A line naming a table that is not one of the nine: it ends the table above it.
_OTHER_TITLE = re.compile(
    r"^(?:\d{1,2}\s*[.．、]\s*)?(?:20\d{2}\s*年度?)?[^，。；,;:：]{2,40}表(?:[(（]续表?[)）])?$"
)
_OTHER_TITLE_WORDS = ("预算", "决算", "收支", "支出", "收入", "经费", "项目", "绩效", "采购", "资产")
# Preamble lines printed with a table (inside or above its frame): 编制单位, 单位, 表号, dates.
_PREAMBLE = re.compile(
    r"^(?:(?:编制|编报|填报|预算)(?:单位|部门)\s*[:：].*|(?:金额)?单\s*位\s*[:：].*|"
    r"(?:部门|单位)?预算\s*\d{1,2}\s*表|(?:部门|单位)预算\s*[0-9０-９]+\s*表.*|[（(]?续表?[)）]?)$"
)
# "— 7 —", "- 12 -", "第 3 页", "3/21": a page number when printed in the top or bottom margin
# (this share of the page's height), never a table row.
PAGE_MARGIN = 0.07
_PAGE_NUMBER = re.compile(r"^\s*(?:[-—–\s]*\d{1,3}[-—–\s]*|第\s*\d{1,3}\s*页.*|\d{1,3}\s*/\s*\d{1,3})\s*$")


@dataclass
class _Title:
    top: float
    bottom: float
    table_no: int | None  # None: a table that is not one of the nine
    text: str


def _clean(cell: Any) -> str:
    return "" if cell is None else str(cell).strip()


def _edges(table: Any) -> list[float]:
    """Left edges of the table's columns (every column has an unmerged cell somewhere)."""
    xs = sorted({round(c[0], 1) for row in table.rows for c in row.cells if c is not None})
    edges: list[float] = []
    for x in xs:
        if not edges or x - edges[-1] > EDGE_TOLERANCE:
            edges.append(x)
    return edges


def _bounds(table: Any) -> list[tuple[float, float]]:
    """The x-range of each column of a ruled table: from its left edge to the next one's."""
    edges = _edges(table)
    return [(x, edges[k + 1] if k + 1 < len(edges) else table.bbox[2]) for k, x in enumerate(edges)]


def _rows_on(table: Any, edges: list[float] | None) -> list[list[str]]:
    """The table's rows; with ``edges``, each cell is placed in the column its left edge opens."""
    texts = table.extract()
    if edges is None:
        return [[_clean(c) for c in r] for r in texts]
    out = []
    for row, text in zip(table.rows, texts):
        cells = [""] * len(edges)
        for bbox, value in zip(row.cells, text):
            if bbox is None or not _clean(value):
                continue
            j = min(range(len(edges)), key=lambda k: abs(edges[k] - bbox[0]))
            if abs(edges[j] - bbox[0]) > EDGE_TOLERANCE:
                j = max([k for k in range(len(edges)) if edges[k] <= bbox[0]] or [0])
            cells[j] = _clean(value)
        out.append(cells)
    return out


def is_preamble(text: str) -> bool:
    """A line printed with a table that is not part of its grid: title, 编制单位, 单位, 表号, note."""
    value = re.sub(r"\s+", "", text or "")
    if not value:
        return True
    if find_titles([value]) or EMPTY_NOTE_RE.search(value):
        return True
    parts = [p for p in re.split(r"\s{2,}|\t", (text or "").strip()) if p]
    return all(_PREAMBLE.match(re.sub(r"\s+", "", p)) or find_unit(p) for p in parts) or bool(
        _PREAMBLE.match(value)
    )


def _other_title(text: str) -> bool:
    value = re.sub(r"\s+", "", text)
    if _PREAMBLE.match(value):  # 部门预算01表: the table's number, printed beside its title
        return False
    return bool(_OTHER_TITLE.match(value)) and any(w in value for w in _OTHER_TITLE_WORDS)


class _PageReader:
    """One page: its text lines, titles and the regions they own."""

    def __init__(self, page: Page):
        self.page = page
        self.pp = page.plumber
        self.lines = self.pp.extract_text_lines(strip=True, return_chars=False)
        self.titles = self._titles()
        self.ruled = bool(self.pp.rects or self.pp.lines)

    def _titles(self) -> list[_Title]:
        texts = [line["text"] for line in self.lines]
        found = {i: (used, number, text) for i, used, number, text in find_titles(texts)}
        titles: list[_Title] = []
        i = 0
        while i < len(self.lines):
            if i in found:
                used, number, text = found[i]
                titles.append(_Title(self.lines[i]["top"], self.lines[i + used - 1]["bottom"], number, text))
                i += used
                continue
            if _other_title(texts[i]):
                titles.append(_Title(self.lines[i]["top"], self.lines[i]["bottom"], None, texts[i]))
            i += 1
        return titles

    def is_contents(self) -> bool:
        """Several titles and no table under them: a 目录 (its lines print a page number at most)."""
        known = {t.table_no for t in self.titles if t.table_no}
        if len(self.titles) < 3 or len(known) < 3:
            return False
        rows = any(sum(is_amount(word) for word in line["text"].split()) >= 2 for line in self.lines)
        return not rows and not (self.ruled and self.pp.find_tables())

    def regions(self) -> list[tuple[_Title | None, float, float]]:
        """(title or None for the part above the first title, top, bottom) down the page."""
        height = float(self.pp.height)
        tops = [max(0.0, t.top - TITLE_MARGIN) for t in self.titles]
        out: list[tuple[_Title | None, float, float]] = []
        if not self.titles or tops[0] > 0:
            out.append((None, 0.0, tops[0] if self.titles else height))
        for k, title in enumerate(self.titles):
            out.append((title, tops[k], tops[k + 1] if k + 1 < len(tops) else height))
        return out

    def lines_in(self, top: float, bottom: float) -> list[dict]:
        return [line for line in self.lines if top <= (line["top"] + line["bottom"]) / 2 < bottom]

    def grid_tables(self, top: float, bottom: float) -> list[Any]:
        """pdfplumber's ruled tables of the region, top to bottom."""
        if not self.ruled:
            return []
        crop = self.pp.crop((0, top, float(self.pp.width), bottom), strict=False)
        return sorted(crop.find_tables(), key=lambda t: t.bbox[1])


def _drop_preamble(rows: list[list[str]], grid: RawGrid | None) -> int:
    """Number of leading rows that are preamble (title, 编制单位, 单位 …); their unit and note kept."""
    count = 0
    for i, cells in enumerate(rows):
        filled = [c for c in cells if c]
        # a title or 编制单位 line may run across cells it does not merge ("跨列居中"): read it joined
        if not (all(is_preamble(c) for c in filled) or is_preamble("".join(filled))):
            break
        if filled:  # blank rows count only when preamble follows them (blank body rows stay rows)
            count = i + 1
            if grid is not None:
                _note_preamble(grid, " ".join(filled))
    return count


def _note_preamble(grid: RawGrid, text: str) -> None:
    if grid.unit is None and (unit := find_unit(text)):
        grid.unit, grid.unit_line = unit, text.strip()
    if EMPTY_NOTE_RE.search(text) and not grid.note_empty:
        grid.note_empty, grid.note = True, text.strip()


def is_page_number(text: str, top: float, bottom: float, page_height: float) -> bool:
    """A lone number ("7", "— 7 —", "第 7 页") in the page's top or bottom margin: its number, not a
    figure (a lone 0 inside a table is a figure)."""
    in_margin = bottom <= PAGE_MARGIN * page_height or top >= (1 - PAGE_MARGIN) * page_height
    return in_margin and bool(_PAGE_NUMBER.match(text))


def _not_the_table(reader: _PageReader):
    """Lines of a region that are no row of its table: preamble, or the page number."""
    height = float(reader.pp.height)
    return lambda text, top, bottom: is_preamble(text) or is_page_number(text, top, bottom, height)


def _region_rows(reader: _PageReader, top: float, bottom: float, spans=None) -> RegionRows:
    """Rows of a region with no grid pdfplumber can see: horizontal rules only, or none."""
    return read_word_table(reader.pp, top, bottom, _not_the_table(reader), spans)


def _table_rows(table: Any, edges: list[float] | None = None) -> RegionRows:
    """A pdfplumber table's rows with the top of each."""
    return RegionRows(
        rows=_rows_on(table, edges), tops=[r.bbox[1] for r in table.rows], bottom=float(table.bbox[3])
    )


def _raw_rows(found: RegionRows, start: int, page: int) -> list[RawRow]:
    return [RawRow(cells=r, page=page, top=t) for r, t in zip(found.rows[start:], found.tops[start:])]


def _take(grid: RawGrid, found: RegionRows, page: int) -> bool:
    """Header and body of a table's first page into ``grid``; False when it shows no header."""
    skip = _drop_preamble(found.rows, grid)
    rows = found.rows[skip:]
    n_head = split_header(rows)
    if not rows or not has_header_words(rows[:n_head]):
        return False
    grid.header = rows[:n_head]
    grid.rows = _raw_rows(found, skip + n_head, page)
    return True


def _start(reader: _PageReader, title: _Title, top: float, bottom: float) -> RawGrid:
    """A table whose title is on this page: its grid from the region the title owns."""
    page = reader.page
    grid = RawGrid(table_no=title.table_no or 0, title=clean_title(title.text), pages=[page.number])
    for line in reader.lines_in(top, bottom):
        if is_preamble(line["text"]):
            _note_preamble(grid, line["text"])
    tables = reader.grid_tables(top, bottom)
    for table in tables:
        if not grid.header and not grid.rows:
            if _take(grid, _table_rows(table), page.number):
                grid.col_edges, grid.col_bounds = _edges(table), _bounds(table)
        else:
            _continue_grid(grid, [table], page)
    extent = max((t.bbox[3] for t in tables), default=None)
    if not grid.header:
        found = _region_rows(reader, top, bottom)
        if _take(grid, found, page.number):
            grid.col_spans, extent = found.columns, found.bottom
    # Where the table is printed on this page: every figure there must become a cell.
    grid.regions.append((page.number, top, extent + 0.5 if grid.header and extent else bottom))
    for row in grid.rows:
        if row.page not in grid.pages:
            grid.pages.append(row.page)
    return grid


def _continue_grid(grid: RawGrid, found: list[Any], page: Page) -> bool:
    """Append a continuation's ruled rows to ``grid``; False when they are something else."""
    if not found:
        return False
    table = found[0]
    edges = _edges(table)
    if len(edges) == len(grid.col_edges or []) or not grid.col_edges:
        rows = _table_rows(table)
    elif all(any(abs(e - g) <= EDGE_TOLERANCE for g in grid.col_edges) for e in edges):
        rows = _table_rows(table, grid.col_edges)  # merged cells (e.g. 合计 over code + name)
    else:
        return False
    if not rows.rows or len(rows.rows[0]) != grid.width:
        return False
    if not _append_body(
        grid, rows, page.number, lambda body: grid.column_strip or any(c for r in body for c in r)
    ):
        return False  # nothing printed (a sliver of a frame above the next title)
    for table in found[1:]:
        _continue_grid(grid, [table], page)
    return True


def _append_body(grid: RawGrid, found: RegionRows, page: int, accept) -> bool:
    """The rows of ``found`` below a repeated preamble and header, appended to ``grid`` when
    ``accept(body)`` says they are the table's."""
    skip = _drop_preamble(found.rows, None)
    start = skip + split_header(found.rows[skip:])
    body = found.rows[start:]
    if not body or not accept(body):
        return False
    grid.rows += _raw_rows(found, start, page)
    if page not in grid.pages:
        grid.pages.append(page)
    return True


def _continue(grid: RawGrid, reader: _PageReader, top: float, bottom: float) -> bool:
    """The region above a page's first title continues ``grid``: True when it did."""
    tables = reader.grid_tables(top, bottom) if grid.col_spans is None else []
    extent = _continue_rows(grid, reader, tables, top, bottom)
    if extent is not None:
        grid.regions.append((reader.page.number, top, extent + 0.5))
        return True
    return False


def _column_strip(
    grid: RawGrid, reader: _PageReader, top: float, bottom: float, unit=None, unit_line=None
) -> RawGrid | None:
    """Columns of ``grid`` printed on a page of their own (a wide sheet printed in two passes):
    a table with a header and no row labels at all, narrower than ``grid``.
    ``tables._one_per_table`` puts them beside the rows they continue."""
    candidates = [(_table_rows(t), t) for t in reader.grid_tables(top, bottom)]
    candidates.append((_region_rows(reader, top, bottom), None))
    for found, table in candidates:
        skip = _drop_preamble(found.rows, None)
        rows = found.rows[skip:]
        n_head = split_header(rows)
        body = rows[n_head:]
        narrower = bool(rows) and len(rows[0]) < grid.width
        if not (n_head and narrower and body and all(not c or is_amount(c) for r in body for c in r)):
            continue
        strip = RawGrid(
            table_no=grid.table_no, title=grid.title, header=rows[:n_head], pages=[reader.page.number]
        )
        strip.rows = _raw_rows(found, skip + n_head, reader.page.number)
        if table is not None:
            strip.col_edges, strip.col_bounds = _edges(table), _bounds(table)
        else:
            strip.col_spans = found.columns
        strip.column_strip = True
        strip.unit, strip.unit_line = unit, unit_line
        for line in reader.lines_in(top, bottom):
            if strip.unit is None and is_preamble(line["text"]):
                _note_preamble(strip, line["text"])
        strip.regions.append((reader.page.number, top, found.bottom + 0.5))
        return strip
    return None


def _unattached(grid: RawGrid, reader: _PageReader, top: float, bottom: float) -> bool:
    """The region after an open table holds a ruled table that continues nothing we can read."""
    return bool(reader.grid_tables(top, bottom)) or len(horizontal_rules(reader.pp, top, bottom)) >= 2


def _continue_rows(grid: RawGrid, reader: _PageReader, tables: list[Any], top: float, bottom: float):
    """The lowest point of the rows appended to ``grid`` from the region, or None."""
    page = reader.page.number
    if grid.col_spans is not None:
        found = _region_rows(reader, top, bottom, grid.col_spans)
        accept = (lambda body: True) if grid.column_strip else _has_figures
        return found.bottom if _append_body(grid, found, page, accept) else None
    if _continue_grid(grid, tables, reader.page):
        return max(t.bbox[3] for t in tables)
    if not tables and grid.col_bounds and (reader.pp.rects or reader.pp.lines):
        # ruled, but no grid pdfplumber can close (a frame of one cell): read the words in the
        # columns of the table's first page
        found = _region_rows(reader, top, bottom, grid.col_bounds)

        def accept(body):
            return (grid.column_strip or _has_figures(body)) and any(c for r in body for c in r)

        return found.bottom if _append_body(grid, found, page, accept) else None
    return None


def _has_figures(rows: list[list[str]]) -> bool:
    """Rows of a table, not a paragraph that happens to hold a number: some row prints two figures,
    or a figure beside a code or a total label."""
    for r in rows:
        figures = sum(is_amount(c) for c in r)
        labelled = any(is_code(c) or is_total_label(c) for c in r if c)
        if figures >= 2 or (figures and labelled):
            return True
    return False


def read_pdf_grids(source: Source, unread_regions: list[RawGrid] | None = None) -> list[RawGrid]:
    """Raw grids of the nine tables, in page order (a table over several pages is one grid).

    Titles whose table could not be read are added to ``unread_regions`` (their regions set), so
    that the figures printed there are reported, not lost."""
    grids: list[RawGrid] = []
    open_grid: RawGrid | None = None
    for page in source.pages:
        reader = _PageReader(page)
        if reader.is_contents():
            continue
        if not reader.titles and open_grid is None:
            continue
        for title, top, bottom in reader.regions():
            if title is None:
                skip = _not_the_table(reader)
                printed = [
                    ln for ln in reader.lines_in(top, bottom) if not skip(ln["text"], ln["top"], ln["bottom"])
                ]
                if not printed and not reader.grid_tables(top, bottom):
                    continue  # nothing but a page number or 部门预算02表 above the page's first title
                if open_grid is not None and not _continue(open_grid, reader, top, bottom):
                    strip = _column_strip(open_grid, reader, top, bottom)
                    if strip is not None:
                        grids.append(strip)
                    elif unread_regions is not None and _unattached(open_grid, reader, top, bottom):
                        lost = RawGrid(table_no=open_grid.table_no, title=open_grid.title)
                        lost.regions.append((page.number, top, bottom))
                        unread_regions.append(lost)
                    open_grid = strip
                continue
            if title.table_no is None:  # a table that is not one of the nine ends the one open
                open_grid = None
                continue
            grid = _start(reader, title, top, bottom)
            if (
                not (grid.header or grid.note_empty)
                and open_grid is not None
                and open_grid.table_no == grid.table_no
            ):
                # the title repeated over columns printed apart: keep its unit for the table
                grid = _column_strip(open_grid, reader, top, bottom, grid.unit, grid.unit_line) or grid
            if grid.header or grid.note_empty:
                grids.append(grid)
            elif unread_regions is not None:  # a title whose table could not be read
                unread_regions.append(grid)
            open_grid = grid if (grid.rows and grid.table_no not in SINGLE_PAGE_TABLES) else None
    return grids
