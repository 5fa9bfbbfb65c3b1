"""Draw the tables on reportlab's canvas, page by page, as a style says; note where each row lands.

Positions are kept top-down (``y`` from the top of the page) and turned into PDF coordinates only
when drawn. Rules are collected per page as cell edges, merged where collinear, and drawn at the
end of the page in the style's way (stroked lines, filled 1 pt rectangles, horizontal edges only,
三线表 rules, or none).
"""

from __future__ import annotations

from math import ceil
from pathlib import Path

from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen.canvas import Canvas

from bench.layouts.fonts import font_name, text_width
from bench.layouts.specs import BodyRow, TableSpec
from bench.layouts.styles import Style
from bench.layouts.table_layout import HORIZONTAL_PAD, Layout, line_height, wrap

__all__ = ["PdfWriter"]

PAGE_SIZES = {"portrait": A4, "landscape": landscape(A4)}
MARGIN = {"portrait": (48.0, 56.0), "landscape": (56.0, 52.0)}  # (left/right, top/bottom)
TABLE_FONT = {"portrait": 9.0, "landscape": 10.8}
TITLE_FONT = {"portrait": 15.0, "landscape": 17.6}
LINE_FONT = 10.5
RULE_WIDTH = {"grid": 0.5, "horizontal": 0.5}
RECT_THICKNESS = 0.96
THREE_LINE = (1.5, 0.75)  # outer rules, rule under the header
GAP_AFTER_TABLE = 24.0
# A table is split mid-way (``split_*`` paging) only when it has at least this many body rows.
MIN_ROWS_TO_SPLIT = 4


class PdfWriter:
    """One PDF: ``cover``, then ``table`` for each table, then ``close``."""

    def __init__(self, path: Path, style: Style, title: str) -> None:
        self.style = style
        self.width, self.height = PAGE_SIZES[style.page]
        self.side, self.top = MARGIN[style.page]
        self.font = font_name(style.font)
        self.canvas = Canvas(str(path), pagesize=(self.width, self.height), invariant=1)
        self.canvas.setTitle(title)
        self.page = 0
        self.y = self.top
        self.segments: list[tuple[str, float, float, float, float]] = []  # kind, at, from, to, weight

    # --- pages and text --------------------------------------------------------------------------

    @property
    def available_width(self) -> float:
        return self.width - 2 * self.side

    @property
    def table_font_size(self) -> float:
        return TABLE_FONT[self.style.page]

    def new_page(self) -> None:
        if self.page:
            self._flush_rules()
            self.canvas.showPage()
        self.page += 1
        self.y = self.top

    def close(self) -> None:
        self._flush_rules()
        self.canvas.showPage()
        self.canvas.save()

    def text(
        self, x: float, top: float, text: str, size: float, align: str = "left", scale: float = 1.0
    ) -> None:
        """``text`` on one line whose top is ``top``; ``x`` is its left, centre or right edge."""
        width = text_width(text, self.font, size, scale)
        left = {"left": x, "center": x - width / 2, "right": x - width}[align]
        baseline = top + 0.5 * line_height(size) + 0.35 * size
        obj = self.canvas.beginText()
        obj.setFont(self.font, size)
        if scale != 1.0:
            obj.setHorizScale(scale * 100)
        obj.setTextOrigin(left, self.height - baseline)
        obj.textOut(text)
        self.canvas.drawText(obj)

    def cover(self, lines: list[str], contents: list[str]) -> None:
        """A cover page and a table of contents (titles with no grid: the parser skips it)."""
        self.new_page()
        for k, line in enumerate(lines):
            self.text(self.width / 2, self.height * 0.3 + 40 * k, line, 22 if k == 0 else 16, "center")
        self.new_page()
        self.text(self.width / 2, self.top, "目  录", 16, "center")
        for k, line in enumerate(contents):
            self.text(self.side + 20, self.top + 40 + 20 * k, line, 11)

    # --- tables --------------------------------------------------------------------------------------

    def table(self, spec: TableSpec, layout: Layout, breaks: set[int] | None = None) -> set[int]:
        """Draw one table; the body rows that open a new page. ``breaks``: break exactly there
        (a column printed apart follows the page breaks of its main part)."""
        style = self.style
        left = self.side + (self.available_width - layout.width) / 2
        heights = layout.row_heights
        first_rows = sum(heights[:2])
        needed = self._lead_height() + sum(layout.header_heights) + first_rows
        if style.paging != "flow" or self.page <= 2 or self.y + needed > self.height - self.top:
            self.new_page()
        else:
            self.y += GAP_AFTER_TABLE
        self._lead(spec, layout, left)
        part_top = self.y
        self._header(layout, left)
        forced = self._forced_breaks(spec) if breaks is None else breaks
        opened = set()
        for index, (row, height) in enumerate(zip(spec.rows, heights)):
            full = breaks is None and self.y + height > self.height - self.top
            if index in forced or full:
                opened.add(index)
                self._three_line_bottom(part_top, left, layout.width)
                self.new_page()
                part_top = self.y
                if style.paging == "split_repeat":
                    self._header(layout, left)
            self._row(row, layout, left, height)
        self._three_line_bottom(part_top, left, layout.width)
        if spec.note:
            self.text(left, self.y + 4, spec.note, LINE_FONT)
            self.y += line_height(LINE_FONT) + 4
        return opened

    def _forced_breaks(self, spec: TableSpec) -> set[int]:
        n = len(spec.rows)
        has_figures = any(row.expected for row in spec.rows)
        if not has_figures or n < MIN_ROWS_TO_SPLIT - 1:
            return set()
        if self.style.paging in ("split_plain", "split_repeat") and n >= MIN_ROWS_TO_SPLIT:
            return {ceil(n / 2)}
        if self.style.paging == "total_alone":
            return {n - 1}
        return set()

    def _lead_height(self) -> float:
        title = {"above": 2, "unit_only": 2, "numbered": 3, "in_frame": 2, "same_line": 1}[self.style.title]
        return title * line_height(LINE_FONT) + 2 * TITLE_FONT[self.style.page]

    def _lead(self, spec: TableSpec, layout: Layout, left: float) -> None:
        """Title, 编制单位 and 单位 lines above the grid, or inside its frame."""
        title_size = TITLE_FONT[self.style.page]
        right = max(left + layout.width, self.width - self.side)  # a narrow table: the page's right edge
        kind = self.style.title
        if kind == "in_frame":
            self._frame_row(layout, left, 1.6 * title_size)
            self.text(
                left + layout.width / 2,
                self.y - 1.6 * title_size + 0.15 * title_size,
                spec.title,
                title_size,
                "center",
            )
            self._frame_row(layout, left, 2.0 * LINE_FONT)
            top = self.y - 2.0 * LINE_FONT + 0.2 * LINE_FONT
            self.text(left + 2, top, spec.org_line, LINE_FONT)
            self.text(right - 2, top, spec.unit_line, LINE_FONT, "right")
            return
        if kind == "numbered":
            self.text(right, self.y, spec.label, LINE_FONT, "right")
            self.y += line_height(LINE_FONT) + 2
        self.text(self.width / 2, self.y, spec.title, title_size, "center")
        if kind == "same_line":  # 单位 on the title's text line (same top), at the table's right edge
            shift = (0.5 * line_height(title_size) - 0.65 * title_size) - (
                0.5 * line_height(LINE_FONT) - 0.65 * LINE_FONT
            )
            self.text(right, self.y + shift, spec.unit_line, LINE_FONT, "right")
            self.y += 1.6 * title_size
            return
        self.y += 1.6 * title_size
        if kind != "unit_only":
            self.text(left, self.y, spec.org_line, LINE_FONT)
        self.text(right, self.y, spec.unit_line, LINE_FONT, "right")
        self.y += line_height(LINE_FONT) + 4

    def _frame_row(self, layout: Layout, left: float, height: float) -> None:
        """One row of white, unstroked cell rectangles (how spreadsheet exports fill every cell)."""
        self.canvas.saveState()
        self.canvas.setFillColorRGB(1, 1, 1)
        for j, width in enumerate(layout.widths):
            x = left + layout.x(j)
            self.canvas.rect(x, self.height - self.y - height, width, height, stroke=0, fill=1)
        self.canvas.restoreState()
        self.y += height

    def _header(self, layout: Layout, left: float) -> None:
        tops = [self.y + sum(layout.header_heights[:r]) for r in range(layout.depth + 1)]
        for cell in layout.header:
            x0 = left + layout.x(cell.col)
            x1 = left + layout.x(cell.col + cell.colspan)
            y0, y1 = tops[cell.row], tops[cell.row + cell.rowspan]
            self._cell_text(cell.text, x0, x1, y0, y1, layout, "center")
            self._box(x0, x1, y0, y1)
        self.y = tops[-1]
        if self.style.rules == "three_line":
            self.segments.append(("h", self.y, left, left + layout.width, THREE_LINE[1]))

    def _row(self, row: BodyRow, layout: Layout, left: float, height: float) -> None:
        y0, y1 = self.y, self.y + height
        j = 0
        while j < len(row.texts):
            last = row.merged[1] if row.merged and row.merged[0] == j else j
            x0, x1 = left + layout.x(j), left + layout.x(last + 1)
            align = (
                "center" if last > j else {"value": "right", "code": "center"}.get(layout.roles[j], "left")
            )
            self._cell_text(row.texts[j], x0, x1, y0, y1, layout, align, layout.horizontal_scales[j])
            self._box(x0, x1, y0, y1)
            j = last + 1
        for cell in row.expected:
            cell.page = self.page
        self.y = y1

    def _cell_text(self, text, x0, x1, y0, y1, layout: Layout, align: str, scale: float = 1.0) -> None:
        if not text:
            return
        size = layout.size
        pad = HORIZONTAL_PAD * size
        lines = [text] if align == "right" else wrap(text, x1 - x0 - 2 * pad, self.font, size, scale)
        block = len(lines) * line_height(size)
        top = (y0 + y1) / 2 - block / 2
        x = {"left": x0 + pad, "center": (x0 + x1) / 2, "right": x1 - pad}[align]
        for k, line in enumerate(lines):
            self.text(x, top + k * line_height(size), line, size, align, scale)

    # --- rules ---------------------------------------------------------------------------------------

    def _box(self, x0: float, x1: float, y0: float, y1: float) -> None:
        if self.style.rules in ("none", "three_line"):
            return
        self.segments += [("h", y0, x0, x1, 0), ("h", y1, x0, x1, 0)]
        if self.style.rules != "horizontal":
            self.segments += [("v", x0, y0, y1, 0), ("v", x1, y0, y1, 0)]

    def _three_line_bottom(self, part_top: float, left: float, width: float) -> None:
        if self.style.rules == "three_line":
            self.segments.append(("h", part_top, left, left + width, THREE_LINE[0]))
            self.segments.append(("h", self.y, left, left + width, THREE_LINE[0]))

    def _flush_rules(self) -> None:
        merged: dict[tuple[str, float, float], list[list[float]]] = {}
        for kind, at, start, end, weight in sorted(
            self.segments, key=lambda s: (s[0], round(s[1], 1), s[4], s[2])
        ):
            spans = merged.setdefault((kind, round(at, 1), weight), [])
            if spans and start <= spans[-1][1] + 0.01:
                spans[-1][1] = max(spans[-1][1], end)
            else:
                spans.append([start, end])
        c = self.canvas
        for (kind, at, weight), spans in merged.items():
            for start, end in spans:
                if self.style.rules == "grid_rects":
                    t = RECT_THICKNESS
                    if kind == "h":
                        c.rect(start, self.height - at - t / 2, end - start, t, stroke=0, fill=1)
                    else:
                        c.rect(at - t / 2, self.height - end, t, end - start, stroke=0, fill=1)
                    continue
                c.setLineWidth(weight or RULE_WIDTH.get(self.style.rules, 0.5))
                if kind == "h":
                    c.line(start, self.height - at, end, self.height - at)
                else:
                    c.line(at, self.height - start, at, self.height - end)
        self.segments = []
