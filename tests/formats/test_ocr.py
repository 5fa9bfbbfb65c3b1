"""Scans: rasterised corpus PDFs read back by OCR either reproduce their goldens or are held back.

CI reads the nine table pages of one document (about 3 s a page on one idle core); the benchmark
(``bench.formats.ocr_bench``) reads more. The verification itself is tested on the goldens' cells
directly: a figure misread is never loaded, it is a ``Problem(check="ocr_unverified")``.
"""

from __future__ import annotations

import json
from dataclasses import replace
from decimal import Decimal
from functools import cache

import numpy as np
import pytest

from bench.formats import GOLDEN_DIR, load_document
from bench.formats.scan import rasterise
from orchestration.parsing import parse_document
from orchestration.parsing.model import Cell, DocumentMeta, ParsedDocument
from orchestration.parsing.ocr_verify import verify_ocr

from ..conftest import CORPUS
from .conftest import golden_cells, parsed_cells

pytestmark = pytest.mark.long_running

SCANNED = "pdf__qingpu_liantang_2024"


def _golden_doc(name: str) -> ParsedDocument:
    golden = json.loads((GOLDEN_DIR / "tables" / f"{name}.json").read_text(encoding="utf-8"))
    cells = [Cell(**{**c, "amount_yuan": Decimal(c["amount_yuan"])}) for c in golden["cells"]]
    return ParsedDocument(document=DocumentMeta("0" * 64, name, "pdf", None), cells=cells)


@cache
def _scan(tmp_dir) -> ParsedDocument:
    golden = json.loads((GOLDEN_DIR / "tables" / f"{SCANNED}.json").read_text(encoding="utf-8"))
    pages = sorted({p for t in golden["tables"] for p in t["pages"]})
    path = tmp_dir / "scan.pdf"
    path.write_bytes(rasterise(CORPUS / "pdf" / "qingpu_liantang_2024.pdf", pages))
    return parse_document(path)


@pytest.fixture(scope="module")
def scanned(tmp_path_factory) -> ParsedDocument:
    return _scan(tmp_path_factory.mktemp("scan"))


def test_a_scan_reproduces_its_golden(scanned):
    assert scanned.problems == []
    missing = golden_cells(load_document(GOLDEN_DIR, SCANNED)) - parsed_cells(scanned)
    extra = parsed_cells(scanned) - golden_cells(load_document(GOLDEN_DIR, SCANNED))
    assert not missing and not extra, f"missing {sorted(missing)[:5]}\nextra {sorted(extra)[:5]}"


def test_ocr_cells_carry_their_source_and_confidence(scanned):
    assert scanned.document.reader == "ocr"
    assert {c.source for c in scanned.cells} == {"ocr"}
    assert all(0 < c.confidence <= 1 for c in scanned.cells)
    assert min(c.confidence for c in scanned.cells) < 1  # recognition scores, not a constant
    assert scanned.projects == []  # nothing an identity cannot confirm


@pytest.mark.parametrize(
    "name", ["pdf__qingpu_liantang_2024", "pdf__minhang_zhuanqiao_2023", "pdf__minhang_district_2024"]
)
def test_correct_figures_are_verified(name):
    assert verify_ocr(_golden_doc(name)) == []


def test_a_misread_figure_is_held_back():
    doc = _golden_doc(SCANNED)
    k = next(
        i
        for i, c in enumerate(doc.cells)
        if c.table_no == 3 and c.code == "2080505" and c.column == "基本支出"
    )
    cell = doc.cells[k]
    doc.cells[k] = replace(cell, amount_yuan=cell.amount_yuan + 3000, printed="misread")  # a 3 for a 0
    problems = verify_ocr(doc)
    assert problems and {p.check for p in problems} == {"ocr_unverified"}
    assert any("2080505" in p.message for p in problems)


def test_a_misread_name_is_held_back():
    doc = _golden_doc(SCANNED)
    k = next(i for i, c in enumerate(doc.cells) if c.table_no == 5 and c.code == "2080505")
    doc.cells[k] = replace(doc.cells[k], name="机关事业单位基本养老保险缴费支山")
    assert any(
        "2080505" in p.message and "机关事业单位基本养老保险缴费支山" in p.message for p in verify_ocr(doc)
    )


def test_a_publishers_broken_identity_holds_the_scan_back():
    problems = verify_ocr(_golden_doc("pdf__jiading_anting_2024"))  # table 2's 合计 row in the wrong columns
    assert any(p.table_no == 2 and "合计" in p.message for p in problems)


def test_a_figure_no_identity_reaches_is_held_back():
    doc = _golden_doc("real__putuo_commerce_2025")  # 机关运行经费 alone in its column, no narrative here
    problems = verify_ocr(doc)
    assert [p.printed for p in problems] == ["171.01"]


@pytest.mark.parametrize("turned", [0.0, 0.8, -1.5])
def test_a_skewed_scan_is_levelled(turned):
    import pypdfium2
    from PIL import Image

    from orchestration.parsing.ocr_tables import skew_angle

    pdf = pypdfium2.PdfDocument(str(CORPUS / "pdf" / "qingpu_liantang_2024.pdf"))
    page = pdf[7].render(scale=200 / 72, grayscale=True).to_pil().convert("L")
    pdf.close()
    image = np.array(page.rotate(turned, resample=Image.BICUBIC, fillcolor=255))
    assert abs(skew_angle(image) + turned) < 0.15
