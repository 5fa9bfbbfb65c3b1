"""Budget disclosures written in the other formats portals publish: .xlsx, .xls, .docx, HTML, scans.

    uv run python -m bench.formats OUT_DIR [--styles 3] [--seed 18]

Each corpus document with a table golden is laid out again (``layout``) in several styles per
format and written by the format's writer; the tests (``tests/formats``) parse every file and
compare its cells with the golden, and the benchmark reuses the same files. Scans are the corpus
PDFs rasterised (``scan``). Deterministic for a seed.
"""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

from bench.formats.golden_document import Document, load_document
from bench.formats.layout import Style, draw_style, lay_out

__all__ = [
    "FORMATS",
    "GOLDEN_DIR",
    "SOURCE_GOLDENS",
    "Document",
    "Style",
    "draw_style",
    "load_document",
    "write",
]

GOLDEN_DIR = Path(__file__).resolve().parents[2] / "tests" / "golden"
# Goldens of the PDF forms: the embedded documents and the real ones.
SOURCE_GOLDENS = [
    "pdf__qingpu_liantang_2024",
    "pdf__jiading_anting_2024",
    "pdf__minhang_zhuanqiao_2023",
    "pdf__minhang_district_2024",
    "real__putuo_commerce_2025",
    "real__putuo_gov_office_2025",
    "real__putuo_wanli_2024",
    "real__putuo_wanli_2025",
    "real__shanghai_finance_bureau_2025",
]
FORMATS = ("xlsx", "xls", "docx", "html")


def write(doc: Document, fmt: str, style: Style) -> bytes:
    """The document in ``fmt`` laid out in ``style``."""
    if fmt in ("docx", "html") and style.title_place == "sheet_name":
        style = replace(style, title_place="paragraph")  # no sheets to name: the title is printed
    sheets = lay_out(doc, style)
    if fmt == "xlsx":
        from bench.formats.spreadsheet import write_xlsx

        return write_xlsx(sheets, style)
    if fmt == "xls":
        from bench.formats.spreadsheet import write_xls

        return write_xls(sheets, style)
    if fmt == "docx":
        from bench.formats.word import write_docx

        return write_docx(sheets, style)
    if fmt == "html":
        from bench.formats.html import write_html

        return write_html(sheets, style, random.Random(hash(style.describe()) & 0xFFFF))
    raise ValueError(f"unknown format {fmt}")
