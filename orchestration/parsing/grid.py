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
    note: str | None = None  # the printed note saying the table is empty, if any

    @property
    def width(self) -> int:
        return max([len(r) for r in self.header] + [len(r.cells) for r in self.rows] + [0])
