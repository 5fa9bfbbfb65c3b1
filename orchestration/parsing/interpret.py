"""Interpretation layer: raw grids into records (code, name, column, printed figure).

Shared by both readers. Amounts stay in the printed unit here; ``tables`` converts
them once the unit of each table is settled.
"""

from __future__ import annotations

from collections import Counter
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
from .headers import Columns, read_columns
from .model import Problem
from .numbers import is_amount, is_dash, is_unreadable_figure, normalise, parse_amount
from .raw_grid import RawGrid, RawRow

__all__ = ["LABEL_ROWS", "Record", "interpret"]

# Tables whose rows carry economic codes (类 + 款) rather than functional ones (类 + 款 + 项).
ECONOMIC_TABLES = {8}
NOISE_CELLS = {"_", "__"}
# Rows of a coded table that legitimately print no code.
LABEL_ROWS = ("合计", "总计", "小计")


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


def interpret(grid: RawGrid, problems: list[Problem] | None = None) -> list[Record]:
    """Every printed figure of the grid as a record; blank cells give nothing.

    A figure the grid prints but no record takes (a column with no label, a row the table cannot
    place, a string no rule reads) and a coded table's row with no code that is not a total row
    are added to ``problems``: never lost in silence."""
    problems = problems if problems is not None else []
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
            column_pages=r.column_pages,
        )
        for i, r in enumerate(grid.rows)
    ]
    consumed: dict[int, list[str]] = {}
    if grid.table_no in (1, 4):
        records = _two_sided(grid, cols, rows, consumed)
    elif grid.table_no == 9:
        records = _single_row(grid, cols, rows, consumed)
    else:
        records = _classified(grid, cols, rows, consumed, problems)
    for rec in records:
        consumed.setdefault(rec.row, []).append(rec.printed)
    for row in rows:
        _account(grid, row, consumed.get(row.row, []), problems)
    return records


def _account(grid: RawGrid, row: RawRow, consumed: list[str], problems: list[Problem]) -> None:
    """Every figure-like cell of a row is a record's printed string or a code: else it is unread."""
    left = Counter(consumed)
    for text in row.cells:
        if not text or is_dash(text) or not (is_amount(text) or is_unreadable_figure(text)):
            continue
        if left[text] > 0:
            left[text] -= 1
            continue
        why = "cannot be read without guessing" if is_unreadable_figure(text) else "is in no labelled column"
        problems.append(
            Problem(
                check="unread_figures",
                message=f"table {grid.table_no}: {text!r} {why} (row: {' | '.join(c for c in row.cells if c)})",
                table_no=grid.table_no,
                page=row.page,
                line=row.line,
                printed=text,
            )
        )


def _record(grid: RawGrid, cols: Columns, row: RawRow, section, code, name, j: int, printed) -> Record | None:
    """The figure ``printed`` in column ``j`` of ``row``, or None when it prints none."""
    value = parse_amount(printed)
    if value is None:
        return None
    page = row.page_of(j)
    return Record(grid.table_no, section, code, name, cols.leaf[j], value, printed, page, row.line, row.row)


def _two_sided(grid: RawGrid, cols: Columns, rows: list[RawRow], consumed) -> list[Record]:
    out: list[Record] = []
    for row in rows:
        for section, (label_col, value_cols) in cols.sections.items():
            label = row.cells[label_col]
            if is_amount(label) or (not label and not any(is_amount(row.cells[j]) for j in value_cols)):
                continue
            name = clean_name(strip_ordinal(normalise(label)))
            for j in value_cols:
                rec = _record(grid, cols, row, section, None, name, j, row.cells[j])
                if rec:
                    out.append(rec)
    return out


def _single_row(grid: RawGrid, cols: Columns, rows: list[RawRow], consumed) -> list[Record]:
    out: list[Record] = []
    for row in rows:  # one row of figures under a three-level header, no row label
        for j in cols.value_cols:
            rec = _record(grid, cols, row, None, None, "", j, row.cells[j])
            if rec:
                out.append(rec)
    return out


def _classified(grid: RawGrid, cols: Columns, rows: list[RawRow], consumed, problems) -> list[Record]:
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
                consumed.setdefault(row.row, []).append(cells[j])
            elif digits.isdigit() and len(digits) == 1 and cols.code_level.get(j, 0) > 0:
                # "2" printed in a 款/项 column for "02" (a spreadsheet dropped the zero).
                parts.append((cols.code_level[j], digits.zfill(2)))
                consumed.setdefault(row.row, []).append(cells[j])
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
            rec = _record(grid, cols, row, None, code, name, j, printed)
            if rec:
                out.append(rec)
                used.append(j)
        if used:
            patterns.append((len(used), used))
            if code is None and name not in LABEL_ROWS:
                problems.append(
                    Problem(
                        check="unknown_row",
                        message=f"table {grid.table_no}: row {label!r} prints figures but no code, "
                        "and is no total row",
                        table_no=grid.table_no,
                        page=row.page,
                        line=row.line,
                        printed=cells[label_idx],
                    )
                )
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
