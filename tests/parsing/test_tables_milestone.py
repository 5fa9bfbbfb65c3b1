"""Tables 3 and 5 of the embedded corpus: the figures the pipeline relies on first."""

from __future__ import annotations

from decimal import Decimal

import pytest

from .conftest import EMBEDDED_DOCS


def _cells(extract_corpus, subdir, doc_id, table_no, code=None, name=None):
    _, cells = extract_corpus(subdir, doc_id)
    return {
        c.column: c
        for c in cells
        if c.table_no == table_no and (code is None or c.code == code) and (name is None or c.name == name)
    }


@pytest.mark.parametrize("subdir", ["text", "pdf"])
def test_liantang_2024_table3_urban_community(extract_corpus, subdir):
    row = _cells(extract_corpus, subdir, "qingpu_liantang_2024", 3, code="212")
    assert row["基本支出"].amount_yuan == Decimal("8294228.88")
    assert row["项目支出"].amount_yuan == Decimal("42342000.00")
    assert row["合计"].amount_yuan == Decimal("50636228.88")
    assert row["基本支出"].name == "城乡社区支出"
    assert row["基本支出"].printed == "8,294,228.88"
    assert row["基本支出"].unit == "元"


@pytest.mark.parametrize("subdir", ["text", "pdf"])
def test_anting_2024_table3_total_in_wan(extract_corpus, subdir):
    row = _cells(extract_corpus, subdir, "jiading_anting_2024", 3, name="合计")
    total = row["合计"]
    assert total.code is None
    assert total.amount_yuan == Decimal("57152900.00")
    assert total.printed.replace(" ", "") == "5715.29"
    assert total.unit == "万元"


def test_anting_text_unit_is_inferred_with_evidence(extract_corpus):
    infos, _ = extract_corpus("text", "jiading_anting_2024")
    t3 = next(t for t in infos if t.table_no == 3)
    assert t3.unit == "万元" and t3.unit_inferred
    assert "no 单位 line" in t3.unit_evidence


def test_provenance_page_for_pdf_line_for_text(extract_corpus):
    _, pdf_cells = extract_corpus("pdf", "qingpu_liantang_2024")
    _, txt_cells = extract_corpus("text", "qingpu_liantang_2024")
    pdf_t5 = [c for c in pdf_cells if c.table_no == 5]
    txt_t5 = [c for c in txt_cells if c.table_no == 5]
    assert all(c.page and c.line is None for c in pdf_t5)
    assert all(c.line and c.page is None for c in txt_t5)


@pytest.mark.parametrize("doc_id", EMBEDDED_DOCS)
def test_tables_3_and_5_same_in_text_and_pdf(extract_corpus, doc_id):
    def key_set(subdir):
        _, cells = extract_corpus(subdir, doc_id)
        return {(c.table_no, c.code, c.name, c.column, c.amount_yuan) for c in cells if c.table_no in (3, 5)}

    text, pdf = key_set("text"), key_set("pdf")
    assert text == pdf
    assert len(text) > 30


@pytest.mark.parametrize("subdir", ["text", "pdf"])
@pytest.mark.parametrize("doc_id", EMBEDDED_DOCS)
def test_codes_full_form(extract_corpus, subdir, doc_id):
    _, cells = extract_corpus(subdir, doc_id)
    for c in cells:
        if c.table_no in (3, 5):
            if c.name == "合计":
                assert c.code is None
            else:
                assert c.code is not None and len(c.code) in (3, 5, 7), c
