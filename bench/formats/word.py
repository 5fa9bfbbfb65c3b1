"""Layouts written as .docx (python-docx): paragraphs for titles and notes, ruled Word tables.

Merged header cells are Word merges (``gridSpan``/``vMerge``); figures are printed as the PDF
printed them; a long table may be split in two Word tables with the header repeated (a table
continued over a page break). Sheets follow one another with a page break between them.
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from docx.oxml.ns import nsdecls

from bench.formats.layout import OutCell, Sheet, Style, TableBlock

__all__ = ["write_docx"]

# A table longer than this is continued in a second Word table when ``Style.split_tables``.
SPLIT_ROWS = 12
COLUMN_TWIPS = 1200  # every column's width (twentieths of a point): LibreOffice needs widths to keep spans


def _header_rows(block: TableBlock) -> int:
    count = 0
    for row in block.rows:
        if any(c is not None and c.figure is not None for c in row):
            break
        count += 1
    return count


def _text(cell: OutCell) -> str:
    return cell.figure.printed if cell.figure is not None else cell.text


def _tc(text: str, colspan: int, vmerge: str | None, indent: int) -> str:
    props = f'<w:tcW w:w="{COLUMN_TWIPS * colspan}" w:type="dxa"/>'
    props += (f'<w:gridSpan w:val="{colspan}"/>' if colspan > 1 else "") + (
        f'<w:vMerge w:val="{vmerge}"/>' if vmerge == "restart" else ("<w:vMerge/>" if vmerge else "")
    )
    paragraph_props = f'<w:pPr><w:ind w:left="{200 * indent}"/></w:pPr>' if indent else ""
    run = f'<w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r>' if text else ""
    return f"<w:tc><w:tcPr>{props}</w:tcPr><w:p>{paragraph_props}{run}</w:p></w:tc>"


def _add_table(document, rows: list[list[OutCell | None]], style: Style) -> None:
    """The rows as a ruled Word table, written as WordprocessingML (python-docx's cell API is O(n²))."""
    from docx.oxml import parse_xml

    width = max(len(r) for r in rows)
    continued: dict[tuple[int, int], int] = {}  # (row, column) -> colspan of a vertical merge from above
    xml_rows = []
    for i, row in enumerate(rows):
        cells = []
        for j in range(width):
            cell = row[j] if j < len(row) else OutCell()
            if cell is None:
                if (i, j) in continued:
                    cells.append(_tc("", continued[(i, j)], "continue", 0))
                continue
            for below in range(1, cell.rowspan):
                continued[(i + below, j)] = cell.colspan
            indent = cell.indent if style.indent == "alignment" else 0
            cells.append(_tc(_text(cell), cell.colspan, "restart" if cell.rowspan > 1 else None, indent))
        xml_rows.append("<w:tr>" + "".join(cells) + "</w:tr>")
    grid = "".join(f'<w:gridCol w:w="{COLUMN_TWIPS}"/>' for _ in range(width))
    table = (
        f'<w:tbl {nsdecls("w")}><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="0" w:type="auto"/>'
        f"</w:tblPr><w:tblGrid>{grid}</w:tblGrid>{''.join(xml_rows)}</w:tbl>"
    )
    body = document.element.body
    if body.sectPr is not None:
        body.sectPr.addprevious(parse_xml(table))  # before the section properties, in document order
    else:
        body.append(parse_xml(table))
    document.add_paragraph()  # Word needs a paragraph between two tables, and after the last


def write_docx(sheets: list[Sheet], style: Style) -> bytes:
    import docx
    from docx.enum.text import WD_BREAK

    document = docx.Document()
    for k, sheet in enumerate(sheets):
        if k:
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        for item in sheet.items:
            if isinstance(item, TableBlock):
                rows = item.rows
                n_head = _header_rows(item)
                if style.split_tables and len(rows) > SPLIT_ROWS + n_head:
                    _add_table(document, rows[:SPLIT_ROWS], style)
                    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
                    _add_table(
                        document, rows[n_head - _column_header_rows(item) : n_head] + rows[SPLIT_ROWS:], style
                    )
                else:
                    _add_table(document, rows, style)
            elif isinstance(item, list):
                document.add_paragraph("\t".join(item))
            else:
                document.add_paragraph(item)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _column_header_rows(block: TableBlock) -> int:
    """Header rows less the title/编制部门 rows drawn inside the frame (not repeated on a continuation)."""
    frame = 0
    for row in block.rows:
        texts = [c.text for c in row if c is not None and c.text]
        if len(texts) >= 2 and not any(t.startswith(("编制部门", "单位")) for t in texts):
            break
        frame += 1
    return _header_rows(block) - frame
