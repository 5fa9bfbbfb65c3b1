"""Layouts written as HTML table pages, in the styles portals use.

The page declares its charset (``<meta charset>`` or ``http-equiv``; GB2312 pages are encoded as
GBK, as such servers do, UTF-8 ones as UTF-8); blank cells are ``&nbsp;``; merged cells are
``colspan``/``rowspan``; a title sits in a paragraph, a heading or the table's ``<caption>``; a page
may wrap everything in a layout table, and a long table may continue in a second table.
"""

from __future__ import annotations

import html
import random

from bench.formats.layout import OutCell, Sheet, Style, TableBlock
from bench.formats.word import SPLIT_ROWS, _column_header_rows, _header_rows

__all__ = ["write_html"]


def _cell_html(cell: OutCell, tag: str) -> str:
    text = cell.figure.printed if cell.figure is not None else cell.text
    spans = "".join(
        f' {name}="{value}"'
        for name, value in (("colspan", cell.colspan), ("rowspan", cell.rowspan))
        if value > 1
    )
    indent = f' style="padding-left:{cell.indent}em"' if cell.indent else ""
    body = html.escape(text).replace("\n", "<br>") if text.strip() else "&nbsp;"
    return f"<{tag}{spans}{indent}>{body}</{tag}>"


def _table_html(rows: list[list[OutCell | None]], n_head: int, caption: str | None) -> str:
    out = ['<table border="1" cellspacing="0" cellpadding="2">']
    if caption:
        out.append(f"<caption>{html.escape(caption)}</caption>")
    for i, row in enumerate(rows):
        tag = "th" if i < n_head else "td"
        out.append("<tr>" + "".join(_cell_html(c, tag) for c in row if c is not None) + "</tr>")
    out.append("</table>")
    return "\n".join(out)


def _block_html(block: TableBlock, style: Style, caption: str | None) -> str:
    rows, n_head = block.rows, _header_rows(block)
    if style.split_tables and len(rows) > SPLIT_ROWS + n_head:
        repeated = rows[n_head - _column_header_rows(block) : n_head]
        first = _table_html(rows[:SPLIT_ROWS], n_head, caption)
        return (
            first
            + '\n<p style="page-break-before:always">&nbsp;</p>\n'
            + _table_html(repeated + rows[SPLIT_ROWS:], len(repeated), None)
        )
    return _table_html(rows, n_head, caption)


def write_html(sheets: list[Sheet], style: Style, rng: random.Random) -> bytes:
    charset = rng.choice(("gb2312", "gbk", "utf-8", "GB18030"))
    meta = (
        f'<meta charset="{charset}">'
        if rng.random() < 0.5
        else f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">'
    )
    heading = rng.choice(("p", "h3", "div"))
    parts: list[str] = []
    for sheet in sheets:
        items = list(sheet.items)
        for k, item in enumerate(items):
            if isinstance(item, TableBlock):
                parts.append(_block_html(item, style, None))
            elif isinstance(item, list):
                parts.append("<p>" + "&nbsp;&nbsp;".join(html.escape(t) for t in item if t) + "</p>")
            elif item:
                tag = heading if k == 0 else "p"
                parts.append(f"<{tag}>{html.escape(item)}</{tag}>")
    body = "\n".join(parts)
    if rng.random() < 0.4:  # an old portal's layout table around the content
        body = f'<table width="100%"><tr><td>\n{body}\n</td></tr></table>'
    page = (
        f"<!DOCTYPE html>\n<html>\n<head>\n{meta}\n<title>预算公开</title>\n</head>\n<body>\n"
        f'<div class="nav">首页 &gt; 政务公开 &gt; 预决算公开</div>\n{body}\n'
        f'<div class="footer">主办单位：上海市人民政府&nbsp;&nbsp;版权所有</div>\n</body>\n</html>\n'
    )
    encoding = "gbk" if charset.lower() in ("gb2312", "gbk") else charset
    return page.encode(encoding, errors="xmlcharrefreplace")
