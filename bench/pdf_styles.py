"""The generated PDFs' font, paragraph styles and the words that differ between budget kinds.

reportlab's built-in CID font ``STSong-Light`` renders Chinese with no font file, and pdfplumber
reads it back as Unicode. Shared by the tables (``bench.disclosure_pdf``) and the text pages (``bench.prose``).
"""

from __future__ import annotations

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont

from bench.disclosure import Disclosure

__all__ = ["BODY", "CELL", "COVER", "FONT", "HCELL", "HEAD", "LEFT", "RIGHT", "TITLE", "table_title"]

FONT = "STSong-Light"
TABLE_FONT_SIZE = 7.5

pdfmetrics.registerFont(UnicodeCIDFont(FONT))
TITLE = ParagraphStyle("title", fontName=FONT, fontSize=15, leading=22, alignment=1, spaceAfter=6)
COVER = ParagraphStyle(
    "cover", fontName=FONT, fontSize=22, leading=32, alignment=1, spaceBefore=180, spaceAfter=30
)
HEAD = ParagraphStyle("head", fontName=FONT, fontSize=12, leading=18, spaceBefore=8, spaceAfter=4)
BODY = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=16, wordWrap="CJK", firstLineIndent=20)
LEFT = ParagraphStyle("left", fontName=FONT, fontSize=9, leading=13)
RIGHT = ParagraphStyle("right", fontName=FONT, fontSize=9, leading=13, alignment=2)
CELL = ParagraphStyle("cell", fontName=FONT, fontSize=TABLE_FONT_SIZE, leading=9.5, wordWrap="CJK")
HCELL = ParagraphStyle("hcell", parent=CELL, alignment=1)

# The nine titles of a 部门预算; a 单位预算 reads 预算单位…表 and 单位“三公”…表 (the city unit budgets).
DEPARTMENT_TABLE_TITLES = {
    1: "部门财务收支预算总表",
    2: "部门收入预算总表",
    3: "部门支出预算总表",
    4: "部门财政拨款收支预算总表",
    5: "部门一般公共预算支出功能分类预算表",
    6: "部门政府性基金预算支出功能分类预算表",
    7: "部门国有资本经营预算支出功能分类预算表",
    8: "部门一般公共预算基本支出部门预算经济分类预算表",
    9: "部门“三公”经费和机关运行经费预算表",
}


def table_title(d: Disclosure, no: int) -> str:
    """Table ``no``'s title without its year, in the words of ``d``'s budget kind."""
    title = DEPARTMENT_TABLE_TITLES[no]
    if d.kind != "unit":
        return title
    return "单位" + title.removeprefix("部门") if no == 9 else "预算单位" + title.removeprefix("部门")
