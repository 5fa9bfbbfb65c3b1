"""HTML table pages (lxml) into rows of cells.

The page is decoded in the charset it declares (``<meta charset>`` or ``http-equiv``; GB2312 and
GBK read as their superset GB18030), else UTF-8, else GB18030. Its text is read in document order:
runs of text between block elements are one-cell ``text`` rows; a table holding no other table is a
data table whose rows are laid on a grid (``colspan``/``rowspan``: the text in the top-left cell,
``""`` in the cells it covers, as in a ruled PDF); a table holding tables is page layout and is read
through. ``&nbsp;`` is a blank. Provenance: ``page`` is null and ``line`` the line of the ``<tr>``
(or the text's element) in the HTML file.
"""

from __future__ import annotations

import re
from typing import Any

from .errors import ParseError
from .row_tables import Sheet, SheetRow, row_text

__all__ = ["decode_html", "read_html"]

_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)
_XML_DECLARATION_RE = re.compile(r"^\s*<\?xml[^>]*\?>")
# Encodings a Chinese page declares that GB18030 (their superset) reads.
GB_FAMILY = {"gb2312", "gbk", "gb18030", "x-gbk", "cp936", "hz-gb-2312"}
BLOCK_TAGS = {
    "p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "section", "article",
    "center", "header", "footer", "table", "tr", "td", "th", "caption", "title", "body", "blockquote", "pre",
}  # fmt: skip
SKIPPED_TAGS = {"script", "style", "noscript", "template", "head"}
MAX_SPAN = 100  # a colspan/rowspan larger than this is damage, not layout


def decode_html(data: bytes) -> str:
    """The page's text in its declared charset (GB family as GB18030), else UTF-8, else GB18030."""
    declared = _CHARSET_RE.search(data[:4096])
    candidates = []
    if declared:
        name = declared.group(1).decode("ascii", "ignore").lower()
        candidates.append("gb18030" if name in GB_FAMILY else name)
    candidates += ["utf-8-sig", "gb18030"]
    for encoding in candidates:
        try:
            return data.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("utf-8", errors="replace")


def _text_of(el: Any) -> str:
    """An element's text with <br> as a line break and &nbsp; as a blank."""
    parts: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node.tag, str) and node.tag.lower() in SKIPPED_TAGS:
            return
        if node.tag == "br":
            parts.append("\n")
        if node.text and isinstance(node.tag, str):
            parts.append(node.text)
        for child in node:
            walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(el)
    return "".join(parts).replace("\xa0", " ").replace("\u3000", " ").strip()


def _span(cell: Any, name: str) -> int:
    value = re.sub(r"\D", "", cell.get(name) or "")
    return max(1, min(int(value), MAX_SPAN)) if value else 1


def _table_rows(table: Any) -> list[tuple[int | None, list[str]]]:
    """(source line, cells) of each row of a data table, spans laid on the grid."""
    rows: list[tuple[int | None, list[str]]] = []
    covered: dict[tuple[int, int], bool] = {}  # cells taken by a rowspan from above
    trs = [tr for tr in table.iter("tr") if _owner(tr) is table]
    for r, tr in enumerate(trs):
        cells: list[str] = []
        col = 0
        for td in tr:
            if not isinstance(td.tag, str) or td.tag.lower() not in ("td", "th"):
                continue
            while covered.pop((r, col), False):
                cells.append("")
                col += 1
            colspan, rowspan = _span(td, "colspan"), _span(td, "rowspan")
            cells += [_text_of(td)] + [""] * (colspan - 1)
            for dr in range(1, rowspan):
                for dc in range(colspan):
                    covered[(r + dr, col + dc)] = True
            col += colspan
        while covered.pop((r, col), False):
            cells.append("")
            col += 1
        rows.append((tr.sourceline, cells))
    return rows


def _owner(tr: Any) -> Any:
    parent = tr.getparent()
    while parent is not None and parent.tag != "table":
        parent = parent.getparent()
    return parent


def read_html(data: bytes, name: str = "page") -> tuple[list[Sheet], str]:
    """The page as one sheet of rows, and its text (one line per row)."""
    import lxml.html

    text = _XML_DECLARATION_RE.sub("", decode_html(data))
    try:
        root = lxml.html.document_fromstring(text)
    except Exception as err:  # lxml raises ParserError / XMLSyntaxError on pages with no content
        raise ParseError("damaged", f"{name}: unreadable HTML ({type(err).__name__})") from err
    sheet = Sheet(name=None)
    state = {"block": 0, "buffer": [], "line": None}

    def flush() -> None:
        line_text = " ".join("".join(state["buffer"]).split())
        if line_text:
            sheet.rows.append(
                SheetRow(cells=[line_text], line=state["line"], block=state["block"], kind="text")
            )
        state["buffer"], state["line"] = [], None

    def add_text(value: str | None, line: int | None) -> None:
        if value and value.strip():
            state["buffer"].append(value.replace("\xa0", " "))
            state["line"] = state["line"] or line

    def walk(el: Any) -> None:
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if tag in SKIPPED_TAGS or not tag:
            return
        if tag == "table" and el.find(".//table") is None:
            flush()
            state["block"] += 1
            for line, cells in _table_rows(el):
                sheet.rows.append(SheetRow(cells=cells, line=line, block=state["block"]))
            return
        if tag in BLOCK_TAGS:
            flush()
        add_text(el.text, el.sourceline)
        for child in el:
            walk(child)
            add_text(child.tail, child.sourceline)
        if tag in BLOCK_TAGS:
            flush()

    walk(root)
    flush()
    return [sheet], "\n".join(row_text(r) for r in sheet.rows)
