"""Geometry of one table: header cells from the column paths, column widths, wrapped cell text.

Header: each column has a path of labels (top → leaf). A parent label spans the adjacent columns
sharing it; a leaf spans down to the last header row. The ``header`` axis keeps the top levels
and the leaf: depth1 the leaf alone, depth2 the top label and the leaf, depth3 two and the leaf,
full every level.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bench.layouts.fonts import text_width
from bench.layouts.specs import TableSpec

__all__ = ["HeaderCell", "Layout", "header_cells", "layout_table", "truncate", "wrap"]

# Padding inside a cell, in units of the font size.
HORIZONTAL_PAD = 0.4
VERTICAL_PAD = 0.4
LEADING = 1.25
# A name column wider than this many characters wraps; a value column is at least this wide.
NAME_MAX_EM = 15.0
VALUE_MIN_EM = 4.5
CODE_MIN_EM = 1.6
MIN_FONT_SIZE = 5.0
# Full-width figures are drawn at half width (a narrow face with full-width code points).
FULL_WIDTH_SCALE = 0.5
_TOKEN_RE = re.compile(r"[0-9A-Za-z.,()\-\uff0c\uff0e\uff10-\uff19]+|\s|.")


@dataclass
class HeaderCell:
    row: int
    col: int
    rowspan: int
    colspan: int
    text: str


@dataclass
class Layout:
    """A table's geometry at one font size."""

    size: float
    widths: list[float]
    depth: int
    header: list[HeaderCell]
    header_heights: list[float]
    row_heights: list[float]
    horizontal_scales: list[float]  # per column: 0.5 for full-width figures
    roles: list[str]  # per column: code, name, label, value

    @property
    def width(self) -> float:
        return sum(self.widths)

    def x(self, col: int) -> float:
        return sum(self.widths[:col])


def truncate(path: tuple[str, ...], header: str) -> tuple[str, ...]:
    keep = {"depth1": 0, "depth2": 1, "depth3": 2, "full": len(path)}[header]
    return path if len(path) <= keep + 1 else path[:keep] + (path[-1],)


def header_cells(paths: list[tuple[str, ...]]) -> tuple[int, list[HeaderCell]]:
    depth = max(len(p) for p in paths)
    cells = []
    for r in range(depth):
        j = 0
        while j < len(paths):
            path = paths[j]
            if r < len(path) - 1:
                k = j
                while (
                    k + 1 < len(paths)
                    and len(paths[k + 1]) - 1 > r
                    and paths[k + 1][: r + 1] == path[: r + 1]
                ):
                    k += 1
                cells.append(HeaderCell(r, j, 1, k - j + 1, path[r]))
                j = k + 1
                continue
            if r == len(path) - 1:
                cells.append(HeaderCell(r, j, depth - r, 1, path[r]))
            j += 1
    return depth, cells


def wrap(text: str, width: float, font: str, size: float, scale: float = 1.0) -> list[str]:
    """Lines of ``text`` no wider than ``width``; digit runs and words never break."""
    if not text:
        return [""]
    lines, current = [], ""
    for token in _TOKEN_RE.findall(text):
        candidate = current + token
        if current and text_width(candidate, font, size, scale) > width:
            lines.append(current.rstrip())
            current = token.lstrip()
        else:
            current = candidate
    lines.append(current)
    return lines


def _natural_widths(spec: TableSpec, font: str, size: float, scales: list[float]) -> list[float]:
    pad = 2 * HORIZONTAL_PAD * size
    widths = []
    for j, column in enumerate(spec.columns):
        texts = [
            row.texts[j] for row in spec.rows if row.merged is None or not row.merged[0] <= j <= row.merged[1]
        ]
        longest = max([text_width(t, font, size, scales[j]) for t in texts] + [0.0])
        if column.role == "value":
            widths.append(max(longest + pad, VALUE_MIN_EM * size))
        elif column.role == "code":
            leaf = text_width(column.path[-1], font, size)
            widths.append(max(longest, leaf, CODE_MIN_EM * size) + pad)
        else:
            widths.append(min(max(longest, 6 * size), NAME_MAX_EM * size) + pad)
    return widths


def layout_table(
    spec: TableSpec, paths: list[tuple[str, ...]], font: str, size: float, available: float, numbers: str
) -> Layout:
    """Widths filling ``available`` (the font shrinks when the natural widths do not fit), heights."""
    full_width = numbers == "fullwidth2"
    scales = [FULL_WIDTH_SCALE if (full_width and c.role == "value") else 1.0 for c in spec.columns]
    widths = _natural_widths(spec, font, size, scales)
    while sum(widths) > available and size > MIN_FONT_SIZE:
        size = max(MIN_FONT_SIZE, size * available / sum(widths) * 0.98)
        widths = _natural_widths(spec, font, size, scales)
    natural = sum(widths)
    if natural > available:  # at the smallest size: narrow every column alike
        widths = [w * available / natural for w in widths]
    elif len(spec.columns) > 1:  # a column printed apart keeps its own width
        growable = [j for j, c in enumerate(spec.columns) if c.role != "code"]
        grow = sum(widths[j] for j in growable)
        for j in growable:
            widths[j] += (available - natural) * widths[j] / grow
    depth, header = header_cells(paths)
    layout = Layout(size, widths, depth, header, [], [], scales, [c.role for c in spec.columns])
    layout.header_heights = _header_heights(layout, font)
    layout.row_heights = [_row_height(layout, row.texts, row.merged, font) for row in spec.rows]
    return layout


def line_height(size: float) -> float:
    return LEADING * size


def _cell_height(lines: int, size: float) -> float:
    return max(lines * line_height(size) + 2 * VERTICAL_PAD * size, 2.0 * size)


def _span_width(layout: Layout, first: int, last: int) -> float:
    return sum(layout.widths[first : last + 1]) - 2 * HORIZONTAL_PAD * layout.size


def _header_heights(layout: Layout, font: str) -> list[float]:
    heights = [_cell_height(1, layout.size)] * layout.depth
    for cell in sorted(layout.header, key=lambda c: c.rowspan):
        lines = len(
            wrap(cell.text, _span_width(layout, cell.col, cell.col + cell.colspan - 1), font, layout.size)
        )
        need = _cell_height(lines, layout.size)
        rows = range(cell.row, cell.row + cell.rowspan)
        have = sum(heights[r] for r in rows)
        if need > have:
            heights[rows[-1]] += need - have
    return heights


def _row_height(layout: Layout, texts: list[str], merged: tuple[int, int] | None, font: str) -> float:
    lines = 1
    for j, text in enumerate(texts):
        if merged and merged[0] < j <= merged[1]:
            continue
        last = merged[1] if merged and j == merged[0] else j
        if layout.roles[j] == "value":
            continue  # figures are one line (the column is as wide as its widest figure)
        width = _span_width(layout, j, last)
        lines = max(lines, len(wrap(text, width, font, layout.size, layout.horizontal_scales[j])))
    return _cell_height(lines, layout.size)
