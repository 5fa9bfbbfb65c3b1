"""Raw grids: what a reader (PDF or text) hands to the interpretation layer."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["RawGrid", "RawRow"]


@dataclass
class RawRow:
    cells: list[str]  # one string per column, "" for a blank or merged cell
    page: int | None = None
    line: int | None = None
    block: int = 0  # rows of one block share the header's column positions
    row: int = 0  # index in the grid's body
    top: float | None = None  # the row's top on its PDF page
    # page of a column's cell when it is not ``page`` (columns printed on pages of their own)
    column_pages: dict[int, int] = field(default_factory=dict)

    def page_of(self, column: int) -> int | None:
        return self.column_pages.get(column, self.page)

    confidence: list[float] | None = None  # per cell, for OCR'd rows (None: read exactly)


@dataclass
class RawGrid:
    table_no: int
    title: str
    unit: str | None = None  # from the table's own 单位 line
    unit_line: str | None = None
    header: list[list[str]] = field(default_factory=list)
    rows: list[RawRow] = field(default_factory=list)
    pages: list[int] = field(default_factory=list)
    line: int | None = None  # title line in a text extraction
    note_empty: bool = False  # 本表无数据 printed
    # True when every row is a complete grid aligned with the header (PDF, markdown);
    # False for tab-separated text, where blank cells may have been dropped.
    positional: bool = True
    col_spans: list[tuple[float, float]] | None = None  # columns of a horizontally ruled frame (PDF)
    col_edges: list[float] | None = None  # left edge of each column (PDF), to place continuation cells
    # x-range of each column of a ruled grid (PDF): read a continuation whose frame pdfplumber misses
    col_bounds: list[tuple[float, float]] | None = None
    note: str | None = None  # the printed note saying the table is empty, if any
    # Where the table is printed: (page, top, bottom) of each PDF region it was read from, or
    # (None, first line, last line) of a text extraction. Every figure printed there must be a cell.
    regions: list[tuple[int | None, float, float]] = field(default_factory=list)
    # Columns of another grid of the same table printed on pages of their own: no row labels,
    # blank rows kept (they are rows of the table, placed by their order).
    column_strip: bool = False

    @property
    def width(self) -> int:
        return max([len(r) for r in self.header] + [len(r.cells) for r in self.rows] + [0])
