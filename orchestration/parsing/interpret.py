"""Interpretation layer: raw grids into records (code, name, column, printed figure).

Shared by both readers. Amounts stay in the printed unit here; ``tables`` converts
them once the unit of each table is settled.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .codes import (
    LEVEL_KUAN,
    LEVEL_XIANG,
    CodeResolver,
    clean_name,
    is_code,
    is_total_label,
    split_fused,
    strip_ordinal,
)
from .grid import RawGrid, RawRow
from .headers import Columns, read_columns
from .numbers import is_amount, normalise, parse_amount

__all__ = ["Record", "interpret"]

# Tables whose rows carry economic codes (类 + 款) rather than functional ones (类 + 款 + 项).
ECONOMIC_TABLES = {8}
NOISE_CELLS = {"_", "__"}


@dataclass
class Record:
    table_no: int
    section: str | None
    code: str | None
    name: str
    column: str
    value: Decimal  # in the printed unit
    printed: str
    page: int | None
    line: int | None
    row: int = 0  # index of the body row in its grid


def _cell(text: str | None) -> str:
    value = (text or "").strip()
    return "" if value in NOISE_CELLS else value


def interpret(grid: RawGrid) -> list[Record]:
    """Every printed figure of the grid as a record; blank cells give nothing."""
    width = grid.width
    cols = read_columns(grid.header, width, grid.table_no)
    # Pad every row to the grid's width; ``block`` keeps how many cells the row printed.
    rows = [
        RawRow(
            cells=[_cell(c) for c in r.cells] + [""] * (width - len(r.cells)),
            page=r.page,
            line=r.line,
            block=len(r.cells),
            row=i,
        )
        for i, r in enumerate(grid.rows)
    ]
    if grid.table_no in (1, 4):
        return _two_sided(grid, cols, rows)
    if grid.table_no == 9:
        return _single_row(grid, cols, rows)
    return _classified(grid, cols, rows)


def _record(grid: RawGrid, row: RawRow, section, code, name, column, printed) -> Record | None:
    value = parse_amount(printed)
    if value is None:
        return None
    return Record(grid.table_no, section, code, name, column, value, printed, row.page, row.line, row.row)


def _two_sided(grid: RawGrid, cols: Columns, rows: list[RawRow]) -> list[Record]:
    out: list[Record] = []
    for row in rows:
        for section, (label_col, value_cols) in cols.sections.items():
            label = row.cells[label_col]
            if is_amount(label) or (not label and not any(is_amount(row.cells[j]) for j in value_cols)):
                continue
            name = clean_name(strip_ordinal(normalise(label)))
            for j in value_cols:
                rec = _record(grid, row, section, None, name, cols.leaf[j], row.cells[j])
                if rec:
                    out.append(rec)
    return out


def _single_row(grid: RawGrid, cols: Columns, rows: list[RawRow]) -> list[Record]:
    out: list[Record] = []
    for row in rows:  # one row of figures under a three-level header, no row label
        for j in cols.value_cols:
            rec = _record(grid, row, None, None, "", cols.leaf[j], row.cells[j])
            if rec:
                out.append(rec)
    return out


def _classified(grid: RawGrid, cols: Columns, rows: list[RawRow]) -> list[Record]:
    resolver = CodeResolver(max_level=LEVEL_KUAN if grid.table_no in ECONOMIC_TABLES else LEVEL_XIANG)
    out: list[Record] = []
    patterns: list[tuple[int, list[int]]] = []  # (figures printed, columns used) of rows read so far
    for row in rows:
        cells = row.cells
        label_idx = _label_index(cells, cols)
        if label_idx is None:
            # Figures with no row name printed: still every figure is reported (name "").
            if cols.name_col is None or not any(is_amount(cells[j]) for j in cols.value_cols):
                continue
            label_idx = cols.name_col
        label = normalise(cells[label_idx])
        parts = []
        for j in range(label_idx):
            digits = cells[j].strip()
            if is_code(digits):
                parts.append((cols.code_level.get(j), digits))
            elif digits.isdigit() and len(digits) == 1 and cols.code_level.get(j, 0) > 0:
                # "2" printed in a 款/项 column for "02" (a spreadsheet dropped the zero).
                parts.append((cols.code_level[j], digits.zfill(2)))
        if is_total_label(label):
            code, name = None, clean_name(label)
        else:
            fused, rest = split_fused(label)
            below_header = max(cols.code_level.values()) + 1 if cols.code_level else None
            code = resolver.resolve(parts, fused, below_header)
            name = clean_name(strip_ordinal(rest))
        placed = _place_values(grid, cols, cells, label_idx, patterns, row.block)
        used = []
        for j, printed in placed:
            rec = _record(grid, row, None, code, name, cols.leaf[j], printed)
            if rec:
                out.append(rec)
                used.append(j)
        if used:
            patterns.append((len(used), used))
    return out


def _label_index(cells: list[str], cols: Columns) -> int | None:
    """Column of the row's name: the name column, else the first worded cell (合计 in 类)."""
    if cols.name_col is not None and cols.name_col < len(cells):
        value = cells[cols.name_col]
        if value and not is_amount(value) and not is_code(value):
            return cols.name_col
    for j, value in enumerate(cells):
        if value and not is_amount(value) and not is_code(value):
            return j
    return None


def _place_values(
    grid, cols: Columns, cells, label_idx: int, patterns, printed_width: int
) -> list[tuple[int, str]]:
    """(column, printed) for the figures of a row."""
    k = len(cols.value_cols)
    if grid.positional:
        return [(j, cells[j]) for j in cols.value_cols]
    after = cells[label_idx + 1 : printed_width]
    if len(after) < k:
        # A short row (blank cells lost in the extraction): figures follow the columns of
        # the nearest row above that printed as many figures (e.g. 302xx rows fill 合计 + 公用经费).
        figures = [c for c in after if c]
        for count, used in reversed(patterns):
            if count == len(figures) and len(figures) < k:
                return list(zip(used, figures))
        return list(zip(cols.value_cols, after))
    if label_idx == cols.name_col:
        return [(j, cells[j]) for j in cols.value_cols]
    return list(zip(cols.value_cols, _align_values(after, k)))


def _align_values(after: list[str], k: int) -> list[str]:
    """Drop the placeholder blanks a label spanning the code columns leaves before the figures."""
    values = list(after)
    while len(values) > k and not values[0]:
        values.pop(0)
    while len(values) > k and not values[-1]:
        values.pop()
    return values[:k]
