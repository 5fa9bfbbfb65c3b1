"""Layouts written as .xlsx (openpyxl) and .xls (xlwt) workbooks.

Figures are numeric cells holding the value as a float with a number format reproducing the
PDF's display (``#,##0.00``, ``0.00``, a zero section printing ``-``), or ``General``, or text
cells holding the printed string, per ``Style.numbers``. A hidden column and a hidden row of junk
figures test that what is not shown is not read.
"""

from __future__ import annotations

import io
import re

from bench.formats.golden_document import Figure
from bench.formats.layout import OutCell, Sheet, Style, TableBlock

__all__ = ["number_format", "write_xls", "write_xlsx"]

JUNK = 999999.99  # the figure in hidden cells: read, it would be a cell no golden has
MAX_SHEET_NAME = 31


def number_format(figure: Figure, style: Style) -> str:
    """The number format that displays the figure as the PDF printed it (or General)."""
    if style.numbers in ("general", "wan"):
        return "General"
    printed = figure.printed.strip()
    decimals = len(printed.split(".", 1)[1]) if "." in printed else 0
    body = ("#,##0" if "," in printed else "0") + ("." + "0" * decimals if decimals else "")
    if printed in ("-", "—", "－") or (style.zero_dash and figure.value == 0):
        return f'{body};-{body};"-"'
    return body


def _value(figure: Figure, style: Style) -> float | str:
    if style.numbers == "text":
        return figure.printed
    return float(figure.value)


def _grid(block: TableBlock):
    """(row, column, cell) of every cell of a block, the hidden junk column inserted."""
    for r, row in enumerate(block.rows):
        j = 0
        for cell in row:
            if block.hidden_column is not None and j == block.hidden_column:
                j += 1
            if cell is not None:
                yield r, j, cell
            j += 1


def _figure_rows(block: TableBlock) -> list[int]:
    return [i for i, row in enumerate(block.rows) if any(c is not None and c.figure for c in row)]


def _sheet_rows(sheet: Sheet):
    """(kind, payload) per sheet row: 'text' lines, 'texts' rows, 'block' table blocks."""
    for item in sheet.items:
        if isinstance(item, TableBlock):
            yield "block", item
        elif isinstance(item, list):
            yield "texts", item
        else:
            yield "text", item


def _sheet_name(name: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", "", name)[:MAX_SHEET_NAME] or "Sheet"
    candidate, k = base, 2
    while candidate in used:
        candidate = f"{base[: MAX_SHEET_NAME - 3]}_{k}"
        k += 1
    used.add(candidate)
    return candidate


def write_xlsx(sheets: list[Sheet], style: Style) -> bytes:
    import openpyxl
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter

    book = openpyxl.Workbook()
    book.remove(book.active)
    used: set[str] = set()
    for sheet in sheets:
        ws = book.create_sheet(_sheet_name(sheet.name, used))
        r = 1
        for kind, payload in _sheet_rows(sheet):
            if kind == "text":
                ws.cell(row=r, column=1, value=payload or None)
            elif kind == "texts":
                for j, text in enumerate(payload, start=1):
                    ws.cell(row=r, column=j, value=text or None)
            else:
                for i, j, cell in _grid(payload):
                    target = ws.cell(row=r + i, column=j + 1)
                    _fill_xlsx(target, cell, style, Alignment)
                    if cell.colspan > 1 or cell.rowspan > 1:
                        ws.merge_cells(
                            start_row=r + i,
                            start_column=j + 1,
                            end_row=r + i + cell.rowspan - 1,
                            end_column=j + cell.colspan,
                        )
                if payload.hidden_column is not None:
                    ws.column_dimensions[get_column_letter(payload.hidden_column + 1)].hidden = True
                    for i in _figure_rows(payload):
                        ws.cell(row=r + i, column=payload.hidden_column + 1, value=JUNK)
                    junk_row = r + len(payload.rows)
                    ws.cell(row=junk_row, column=1, value="隐藏行")
                    ws.cell(row=junk_row, column=payload.hidden_column + 2, value=JUNK)
                    ws.row_dimensions[junk_row].hidden = True
                    r += 1
                r += len(payload.rows) - 1
            r += 1
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _fill_xlsx(target, cell: OutCell, style: Style, alignment) -> None:
    if cell.figure is not None:
        target.value = _value(cell.figure, style)
        if not isinstance(target.value, str):
            target.number_format = number_format(cell.figure, style)
        return
    target.value = cell.text or None
    if cell.text.isdigit() and style.numbers == "formatted":  # a code stored as a number shown "05"
        target.value, target.number_format = int(cell.text), "0" * len(cell.text)
    if cell.indent and style.indent == "alignment":
        target.alignment = alignment(indent=2 * cell.indent)


def write_xls(sheets: list[Sheet], style: Style) -> bytes:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    used: set[str] = set()
    formats: dict[str, object] = {}

    def fmt(number_format_text: str):
        if number_format_text not in formats:
            formats[number_format_text] = xlwt.easyxf(num_format_str=number_format_text)
        return formats[number_format_text]

    for sheet in sheets:
        ws = book.add_sheet(_sheet_name(sheet.name, used), cell_overwrite_ok=True)
        r = 0
        for kind, payload in _sheet_rows(sheet):
            if kind == "text":
                ws.write(r, 0, payload)
            elif kind == "texts":
                for j, text in enumerate(payload):
                    ws.write(r, j, text)
            else:
                for i, j, cell in _grid(payload):
                    value, style_xf = _xls_value(cell, style, fmt)
                    if cell.colspan > 1 or cell.rowspan > 1:
                        ws.write_merge(
                            r + i, r + i + cell.rowspan - 1, j, j + cell.colspan - 1, value, style_xf
                        )
                    else:
                        ws.write(r + i, j, value, style_xf)
                if payload.hidden_column is not None:
                    ws.col(payload.hidden_column).hidden = True
                    for i in _figure_rows(payload):
                        ws.write(r + i, payload.hidden_column, JUNK)
                    junk_row = r + len(payload.rows)
                    ws.write(junk_row, 0, "隐藏行")
                    ws.write(junk_row, payload.hidden_column + 1, JUNK)
                    ws.row(junk_row).hidden = True
                    r += 1
                r += len(payload.rows) - 1
            r += 1
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xls_value(cell: OutCell, style: Style, fmt):
    import xlwt

    if cell.figure is not None:
        value = _value(cell.figure, style)
        if isinstance(value, str):
            return value, xlwt.Style.default_style
        return value, fmt(number_format(cell.figure, style))
    text = cell.text
    if text.isdigit() and style.numbers == "formatted":  # a code stored as a number shown "05"
        return int(text), fmt("0" * len(text))
    if cell.indent and style.indent == "alignment":
        text = " " * (2 * cell.indent) + text
    return text, xlwt.Style.default_style
