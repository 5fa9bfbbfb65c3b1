"""Spreadsheets (.xlsx through openpyxl, .xls through xlrd) into sheets of display rows.

What a sheet shows is what is read: hidden sheets, rows and columns are left out (they are not
printed), merged cells keep their text in the top-left cell only, and every numeric cell becomes
the string the cell displays (``display_number``), which the interpretation layer reads like a
printed figure. Provenance: ``page`` is the sheet's position in the workbook (1-based, hidden
sheets counted) and ``line`` the row number Excel shows.

Numbers are stored as binary floats. A cell's figure is its stored value read exactly —
``Decimal(repr(value))``, the shortest decimal that round-trips the float, never float
arithmetic — rounded half away from zero to the decimals its number format displays
(``#,##0.00`` → 2, ``0`` → 0; ``General`` → at most 15 significant digits, a float's precision,
so a formula's ``1616095.4000000001`` reads ``1616095.4``). The display string keeps the format's
thousands separator and a leading minus sign; currency symbols and other literals are left out.
A zero shown blank (a format's empty zero section, or the sheet's "show zeros" switched off) is
blank, as printed. A zero an accounting format shows as a dash (``#,##0.00;-#,##0.00;"-"``) is the
number 0 the cell stores, displayed through the format's first section: a dash printed with no
number behind it (a PDF's, a Word table's) reads as nothing, but here the number is known.
"""

from __future__ import annotations

import io
import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from .numbers import is_dash
from .row_tables import Sheet, SheetRow

__all__ = ["display_number", "read_xls", "read_xlsx"]

GENERAL_DIGITS = 15
_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.')


def _sections(number_format: str) -> list[str]:
    """The ``;``-separated sections of a format, quoted text kept whole."""
    parts, current, quoted = [], "", False
    for ch in number_format:
        if ch == '"':
            quoted = not quoted
        if ch == ";" and not quoted:
            parts.append(current)
            current = ""
        else:
            current += ch
    return [*parts, current]


def _exact(value: float) -> Decimal:
    if isinstance(value, bool):
        return Decimal(int(value))
    if isinstance(value, int):
        return Decimal(value)
    return Decimal(repr(float(value)))


def _plain(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def display_number(value: float, number_format: str | None, show_zeros: bool = True) -> str:
    """The figure a numeric cell displays, as a string the parser reads exactly (see module doc)."""
    exact = _exact(value)
    if exact == 0 and not show_zeros:
        return ""
    fmt = (number_format or "General").strip()
    sections = _sections(fmt)
    if exact < 0 and len(sections) > 1:
        section = sections[1]
    elif exact == 0 and len(sections) > 2:
        section = sections[2]
    else:
        section = sections[0]
    bare = _QUOTED.sub("", section)
    if fmt.lower() in ("general", "@", "") or "general" in bare.lower():
        rounded = Decimal(format(exact, f".{GENERAL_DIGITS}g"))
        return _plain(rounded) if rounded else "0"
    if not re.search(r"[0#?]", bare):
        literal = "".join(m.group(0).strip('"') for m in re.finditer(r'"[^"]*"', section)) or bare.strip()
        if exact == 0 and is_dash(literal):
            # an accounting format's dash for zero: the cell holds the number 0, shown as its first section
            return display_number(value, sections[0])
        return literal.strip()  # a zero section printing nothing
    if "%" in bare:
        exact *= 100
    integer_part, _, fraction = bare.partition(".")
    decimals = len(re.findall(r"[0#?]", fraction))
    trailing = re.search(r"[0#?](,+)[^0#?]*$", bare)  # "#,##0," shows thousands
    if trailing:
        exact /= Decimal(1000) ** len(trailing.group(1))
    rounded = exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    grouped = bool(re.search(r"[0#?],+[0#?]", integer_part))
    text = f"{abs(rounded):,.{decimals}f}" if grouped else f"{abs(rounded):.{decimals}f}"
    whole, point, rest = text.partition(".")
    padded = whole.zfill(integer_part.count("0"))  # "00" shows 5 as "05" (a code's 款 digits)
    text = padded + point + rest
    return ("-" + text) if rounded < 0 else text


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return str(value)


def read_xlsx(data: bytes) -> list[Sheet]:
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    sheets = []
    for position, ws in enumerate(book.worksheets, start=1):
        if ws.sheet_state != "visible":
            continue
        hidden_cols: set[int] = set()
        for dim in ws.column_dimensions.values():
            if dim.hidden and dim.min is not None:
                hidden_cols.update(range(dim.min, (dim.max or dim.min) + 1))
        show_zeros = ws.sheet_view.showZeros is not False
        sheet = Sheet(name=ws.title)
        for row in ws.iter_rows():
            if not row:
                continue
            number = row[0].row
            if ws.row_dimensions[number].hidden:
                continue
            cells = []
            for cell in row:
                if cell.column in hidden_cols:
                    continue
                value = cell.value
                if isinstance(value, int | float) and not isinstance(value, bool):
                    cells.append(display_number(value, cell.number_format, show_zeros))
                else:
                    cells.append(_text(value))
            sheet.rows.append(SheetRow(cells=cells, page=position, line=number))
        sheets.append(sheet)
    return sheets


def read_xls(data: bytes) -> list[Sheet]:
    import xlrd

    book = xlrd.open_workbook(file_contents=data, formatting_info=True)
    sheets = []
    for position, sh in enumerate(book.sheets(), start=1):
        if sh.visibility != 0:
            continue
        merged_away = {
            (r, c)
            for rlo, rhi, clo, chi in sh.merged_cells
            for r in range(rlo, rhi)
            for c in range(clo, chi)
            if (r, c) != (rlo, clo)
        }
        hidden_cols = {c for c, info in sh.colinfo_map.items() if info.hidden}
        show_zeros = bool(getattr(sh, "show_zero_values", 1))
        sheet = Sheet(name=sh.name)
        for r in range(sh.nrows):
            info = sh.rowinfo_map.get(r)
            if info is not None and info.hidden:
                continue
            cells = []
            for c in range(sh.ncols):
                if c in hidden_cols:
                    continue
                cells.append("" if (r, c) in merged_away else _xls_cell(book, sh.cell(r, c), show_zeros))
            sheet.rows.append(SheetRow(cells=cells, page=position, line=r + 1))
        sheets.append(sheet)
    return sheets


def _xls_cell(book: Any, cell: Any, show_zeros: bool) -> str:
    import xlrd

    if cell.ctype == xlrd.XL_CELL_NUMBER:
        xf = book.xf_list[cell.xf_index]
        fmt = book.format_map.get(xf.format_key)
        return display_number(cell.value, fmt.format_str if fmt else None, show_zeros)
    if cell.ctype in (xlrd.XL_CELL_TEXT,):
        return cell.value
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return str(bool(cell.value))
    return ""
