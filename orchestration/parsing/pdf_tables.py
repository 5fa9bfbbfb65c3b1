"""PDF reader: ruled tables found by pdfplumber, tied to the titles above them.

Pages are scanned in order. A page is searched for tables only when its text holds a
title of one of the nine tables, or when a table is still open from the page before
(tables that run over pages, with or without a repeated header). A title page that
lists several titles with no grid under each is a table of contents and is skipped.
"""

from __future__ import annotations

from typing import Any

from .grid import RawGrid, RawRow
from .headers import EMPTY_NOTE_RE, clean_title, find_titles, has_header_words, split_header
from .pdf_rules import horizontal_rules, ruled_rows
from .source import Page, Source
from .units import find_unit

__all__ = ["read_pdf_grids"]

# A title sits above its table: allow this much overlap (points) for a title inside the frame.
TITLE_TOLERANCE = 2.0
# Tables that print a single row never run over a page.
SINGLE_PAGE_TABLES = {9}
# Two column edges closer than this (points) are the same edge.
EDGE_TOLERANCE = 3.0


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


def read_pdf_grids(source: Source) -> list[RawGrid]:
    """Raw grids of the nine tables, in page order (a table over several pages is one grid)."""
    grids: list[RawGrid] = []
    open_grid: RawGrid | None = None
    for page in source.pages:
        titles = [(n, text) for _, _, n, text in find_titles(page.text.splitlines())]
        if len(titles) >= 3 and len({n for n, _ in titles}) >= 3 and not _has_grid(page):
            titles = []  # table of contents
        if not titles and open_grid is None:
            continue
        pp = page.plumber
        if not titles and not (pp.rects or pp.lines):
            open_grid = None
            continue
        found = sorted(pp.find_tables(), key=lambda t: t.bbox[1]) if (pp.rects or pp.lines) else []
        if not titles:
            open_grid = _continue(open_grid, found, page)
            continue
        positioned = _title_positions(page, titles)
        text_lines = positioned["lines"]
        open_before = open_grid
        title_grids: list[tuple[float, float, RawGrid]] = []
        for k, (top, bottom, number, text) in enumerate(positioned["titles"]):
            next_top = positioned["titles"][k + 1][0] if k + 1 < len(positioned["titles"]) else float("inf")
            grid = RawGrid(table_no=number, title=clean_title(text), pages=[page.number])
            if unit := find_unit(text):  # 单位 printed on the title's own line
                grid.unit, grid.unit_line = unit, text.strip()
            title_grids.append((bottom, next_top, grid))
        # Tables above the first title continue the table open from the previous page.
        first_title_top = positioned["titles"][0][0]
        above = [t for t in found if t.bbox[1] < first_title_top - TITLE_TOLERANCE]
        if above and open_before is not None:
            _continue(open_before, above, page)
        for bottom, next_top, grid in title_grids:
            mine = [t for t in found if bottom - TITLE_TOLERANCE <= t.bbox[1] < next_top]
            frame_top = mine[0].bbox[1] if mine else next_top
            frame_bottom = mine[-1].bbox[3] if mine else next_top
            for line in text_lines:
                if bottom - TITLE_TOLERANCE <= line["top"] < frame_top:
                    unit = find_unit(line["text"])
                    if unit and grid.unit is None:
                        grid.unit, grid.unit_line = unit, line["text"].strip()
                in_frame = frame_top <= line["top"] < frame_bottom
                below_title = bottom - TITLE_TOLERANCE <= line["top"] < next_top
                if below_title and not in_frame and EMPTY_NOTE_RE.search(line["text"]):
                    grid.note_empty, grid.note = True, line["text"].strip()
            if not mine:
                _read_ruled(grid, page, bottom, next_top)
            for table in mine:
                if not grid.header and not grid.rows:
                    rows = _rows_on(table, None)
                    n_head = split_header(rows)
                    if not has_header_words(rows[:n_head]):
                        continue
                    grid.header = rows[:n_head]
                    grid.rows = [RawRow(cells=r, page=page.number) for r in rows[n_head:]]
                    grid.col_edges = _edges(table)
                else:
                    _continue(grid, [table], page)
            for row in grid.rows:
                if row.page not in grid.pages:
                    grid.pages.append(row.page)
            if grid.header or grid.note_empty:
                grids.append(grid)
        last = title_grids[-1][2]
        open_grid = last if (last.rows and last.table_no not in SINGLE_PAGE_TABLES) else None
    return grids


def _read_ruled(grid: RawGrid, page: Page, top: float, bottom: float) -> None:
    """No ruled frame found under the title: try a frame of horizontal rules only."""
    rows, columns = ruled_rows(page.plumber, top, bottom)
    n_head = split_header(rows)
    if not rows or not has_header_words(rows[:n_head]):
        return
    grid.header = rows[:n_head]
    grid.rows = [RawRow(cells=r, page=page.number) for r in rows[n_head:]]
    grid.col_spans = columns


def _has_grid(page: Page) -> bool:
    pp = page.plumber
    return bool(pp.rects or pp.lines) and bool(pp.find_tables())


def _continue(grid: RawGrid | None, found: list[Any], page: Page) -> RawGrid | None:
    """Append a continuation page's rows to ``grid``; None when the page is something else."""
    if grid is None:
        return None
    if grid.col_spans is not None:
        return _continue_ruled(grid, page)
    if not found:
        return None
    table = found[0]
    edges = _edges(table)
    if len(edges) == len(grid.col_edges or []) or not grid.col_edges:
        rows = _rows_on(table, None)
    elif all(any(abs(e - g) <= EDGE_TOLERANCE for g in grid.col_edges) for e in edges):
        rows = _rows_on(table, grid.col_edges)  # merged cells (e.g. 合计 over code + name)
    else:
        return None
    if not rows or len(rows[0]) != grid.width:
        return None
    n_head = split_header(rows)
    body = rows[n_head:]
    if not body:
        return None
    grid.rows += [RawRow(cells=r, page=page.number) for r in body]
    if page.number not in grid.pages:
        grid.pages.append(page.number)
    return grid


def _continue_ruled(grid: RawGrid, page: Page) -> RawGrid | None:
    pp = page.plumber
    if len(horizontal_rules(pp)) < 2:
        return None
    rows, _ = ruled_rows(pp, 0.0, float(pp.height), grid.col_spans)
    body = rows[split_header(rows) :]
    if not body:
        return None
    grid.rows += [RawRow(cells=r, page=page.number) for r in body]
    grid.pages.append(page.number)
    return grid


def _title_positions(page: Page, titles: list[tuple[int, str]]) -> dict[str, Any]:
    """Title lines with their vertical position, and every text line of the page."""
    lines = page.plumber.extract_text_lines(strip=True, return_chars=False)
    found = [
        (lines[i]["top"], lines[i + used - 1]["bottom"], number, text)
        for i, used, number, text in find_titles([line["text"] for line in lines])
    ]
    if not found:  # fall back on text order, positions unknown
        found = [(float(i), float(i), n, t) for i, (n, t) in enumerate(titles)]
    return {"titles": found, "lines": lines}
