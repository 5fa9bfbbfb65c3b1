"""Text reader: markdown pipe tables and tab-separated text into raw grids.

A table starts at a title line followed (within a few lines: 单位, 编制部门, 部门预算01表)
by table lines; it runs over blank lines (page breaks of the original) until the first
other line. A title with no table lines after it is a table of contents entry, unless a
note says the table is empty (本表无数据).
"""

from __future__ import annotations

import re

from .headers import EMPTY_NOTE_RE, split_header
from .raw_grid import RawGrid, RawRow
from .source import Source
from .table_titles import clean_title, find_titles
from .units import find_unit

__all__ = ["read_text_grids"]

# Non-table lines allowed between a title and its grid (unit, 编制部门, 部门预算01表 …).
MAX_PREAMBLE_LINES = 6
# "— 7 —", "- 12 -", "第 3 页", "3/21": a page footer left in an extraction.
_PAGE_NUMBER_RE = re.compile(r"^\s*(?:[-—–\s]*\d{1,3}[-—–\s]*|第\s*\d{1,3}\s*页.*|\d{1,3}\s*/\s*\d{1,3})\s*$")
_MD_SEPARATOR_RE = re.compile(r"^\|?[\s:|-]+\|?$")


def _is_table_line(text: str) -> bool:
    stripped = text.strip()
    if stripped.startswith("|"):
        return True
    # Tab-separated: at least three cells (every one of the nine tables has more), one printed.
    return text.count("\t") >= 2 and bool(stripped)


def _split(text: str) -> list[str] | None:
    stripped = text.strip()
    if stripped.startswith("|"):
        if _MD_SEPARATOR_RE.match(stripped) and "-" in stripped:
            return None
        inner = stripped[1:-1] if stripped.endswith("|") and len(stripped) > 1 else stripped[1:]
        return [c.strip() for c in inner.split("|")]
    return [c.strip() for c in text.rstrip("\r\n").split("\t")]


def read_text_grids(source: Source) -> list[RawGrid]:
    """Raw grids of the nine tables, in line order; rows keep their 1-based line numbers."""
    lines: list[tuple[int, str]] = [pair for page in source.pages for pair in page.lines]
    titles = find_titles([text for _, text in lines])
    grids: list[RawGrid] = []
    for k, (first, used, number, text) in enumerate(titles):
        stop = titles[k + 1][0] if k + 1 < len(titles) else len(lines)
        grid = _read_one(lines, first + used - 1, stop, number, (lines[first][0], text))
        if grid is not None:
            grids.append(grid)
    return grids


def _read_one(
    lines: list[tuple[int, str]], start: int, stop: int, table_no: int, title: tuple[int, str]
) -> RawGrid | None:
    line_no, title_text = title
    grid = RawGrid(table_no=table_no, title=clean_title(title_text), line=line_no)
    if unit := find_unit(title_text):  # 单位 printed on the title's own line
        grid.unit, grid.unit_line = unit, title_text.strip()
    i, preamble = start + 1, 0
    while i < stop and not _is_table_line(lines[i][1]):
        text = lines[i][1]
        if text.strip():
            preamble += 1
            grid.unit = grid.unit or find_unit(text)
            if grid.unit and not grid.unit_line:
                grid.unit_line = text.strip()
            if EMPTY_NOTE_RE.search(text):
                grid.note_empty, grid.note = True, text.strip()
            if preamble > MAX_PREAMBLE_LINES:
                break
        i += 1
    if i >= stop or not _is_table_line(lines[i][1]):
        # No grid: a real (empty) table only if a note says so, else a contents entry.
        return grid if grid.note_empty else None
    raw: list[tuple[int, list[str], int]] = []  # (line_no, cells, block)
    block = 0
    while i < stop:
        number, text = lines[i]
        if not text.strip():
            block += 1
            i += 1
            continue
        if not _is_table_line(text):
            if _PAGE_NUMBER_RE.match(text) and any(_is_table_line(t) for _, t in lines[i + 1 : i + 3]):
                block += 1  # a page footer between two parts of the table
                i += 1
                continue
            break
        cells = _split(text)
        if cells is not None:
            raw.append((number, cells, block))
        i += 1
    for _, text in lines[i:stop]:
        if EMPTY_NOTE_RE.search(text):
            grid.note_empty, grid.note = True, text.strip()
    grid.positional = not any(
        "\t" in lines[j][1] and not lines[j][1].strip().startswith("|") for j in range(start, i)
    )
    _fill(grid, raw)
    if raw:
        grid.regions.append((None, raw[0][0], raw[-1][0]))
    return grid


def _fill(grid: RawGrid, raw: list[tuple[int, list[str], int]]) -> None:
    """Header rows from the first block; repeated headers at later block starts dropped."""
    n_head = split_header([cells for _, cells, _ in raw])
    grid.header = [cells for _, cells, _ in raw[:n_head]]
    current_block, seen_body = None, False
    body = raw[n_head:]
    j = 0
    while j < len(body):
        number, cells, block = body[j]
        if block != current_block:
            current_block = block
            if seen_body:
                skip = split_header([c for _, c, b in body[j:] if b == block])
                j += skip
                if skip:
                    continue
        grid.rows.append(RawRow(cells=cells, line=number, block=block))
        seen_body = True
        j += 1
