"""Never lose a figure in silence: every number printed where a table is printed is in its grid.

A table is printed in regions (``RawGrid.regions``: a PDF page from the table's title or the
page's top down to its last row, or a text extraction's lines from the first row to the last).
Every figure-like word printed there must be one of the strings the reader put in the grid's
cells; ``interpret`` then reports the cells it could not turn into records. A word left over —
a row the reader did not see, a column printed where no grid was found, a table whose title was
found but whose grid was not — is a ``Problem("unread_figures")`` naming the page and the text.
"""

from __future__ import annotations

import re
from collections import Counter

from .model import Problem
from .numbers import is_amount, is_dash, is_unreadable_figure
from .pdf_tables import is_page_number, is_preamble
from .raw_grid import RawGrid
from .source import Source

__all__ = ["figures_outside_grids"]

# Word splitting for the check: tighter than pdfplumber's default (3 pt) so that two figures in
# neighbouring cells printed close together are two words, as the grid reader sees them.
X_TOLERANCE = 1.5
# Words whose tops are this close (points) are on one line.
SAME_LINE = 2.0
# "— 7 —", "- 12 -", "第 3 页", "3/21": a page number printed in the margin, not a table's figure.
_PAGE_NUMBER = re.compile(r"^\s*(?:[-—–\s]*\d{1,3}[-—–\s]*|第\s*\d{1,3}\s*页.*|\d{1,3}\s*/\s*\d{1,3})\s*$")
_TEXT_CELL_SPLIT = re.compile(r"[\t|]+|\s+")
# A figure inside a longer cell string ("2024年“三公”经费预算数", "178,830,483一、…").
_DIGIT_RUN = re.compile(r"\d[\d,，.．]*")


def _figure_like(text: str) -> bool:
    return bool(text) and not is_dash(text) and (is_amount(text) or is_unreadable_figure(text))


def _grid_tokens(grid: RawGrid) -> Counter:
    """(page, token) of every string the grid holds: header cells and body cells, split at blanks."""
    tokens: Counter = Counter()
    first_page = grid.regions[0][0] if grid.regions else None
    for row in grid.header:
        for cell in row:
            tokens.update((first_page, t) for t in _cell_tokens(cell))
    for row in grid.rows:
        for j, cell in enumerate(row.cells):
            tokens.update((row.page_of(j), t) for t in _cell_tokens(cell))
    return tokens


def _cell_tokens(cell: str | None) -> list[str]:
    """A cell's words, and the digit runs inside words that are not figures themselves (the
    reader that builds grids joins characters differently from the word splitter)."""
    words = (cell or "").split()
    return words + [run for w in words if not _figure_like(w) for run in _DIGIT_RUN.findall(w)]


def _pdf_words(source: Source, page: int, top: float, bottom: float) -> list[str]:
    pp = source.pages[page - 1].plumber
    words = [
        w
        for w in pp.extract_words(x_tolerance=X_TOLERANCE, keep_blank_chars=False, use_text_flow=False)
        if top <= (w["top"] + w["bottom"]) / 2 <= bottom
    ]
    lines: list[list[dict]] = []
    for w in sorted(words, key=lambda w: (w["top"], w["x0"])):
        if lines and abs(w["top"] - lines[-1][0]["top"]) <= SAME_LINE:
            lines[-1].append(w)
        else:
            lines.append([w])
    out = []
    for line in lines:
        text = " ".join(w["text"] for w in sorted(line, key=lambda w: w["x0"]))
        top, bottom = min(w["top"] for w in line), max(w["bottom"] for w in line)
        if is_page_number(text, top, bottom, float(pp.height)) or is_preamble(text):
            continue  # a page number, the title, 编制单位, 单位, 部门预算01表: not the table's figures
        out += [w["text"] for w in line]
    return out


def _text_words(source: Source, first: float, last: float) -> list[str]:
    out = []
    for page in source.pages:
        for number, text in page.lines:
            if first <= number <= last and not _PAGE_NUMBER.match(text):
                out += [t for t in _TEXT_CELL_SPLIT.split(text.strip()) if t]
    return out


def figures_outside_grids(source: Source, grids: list[RawGrid]) -> list[Problem]:
    """Figure-like words printed in a table's regions that none of its grid's cells holds."""
    problems: list[Problem] = []
    for grid in grids:
        held = _grid_tokens(grid)
        for page, top, bottom in grid.regions:
            words = (
                _pdf_words(source, page, top, bottom)
                if page is not None
                else _text_words(source, top, bottom)
            )
            for word in words:
                if not _figure_like(word):
                    continue
                if held[(page, word)] > 0:
                    held[(page, word)] -= 1
                    continue
                where = f"page {page}" if page is not None else f"lines {int(top)}-{int(bottom)}"
                problems.append(
                    Problem(
                        check="unread_figures",
                        message=f"table {grid.table_no}: {word!r} printed on {where} is in no cell read",
                        table_no=grid.table_no,
                        page=page,
                        line=None if page is not None else int(top),
                        printed=word,
                    )
                )
    return problems
