"""Fail loudly: documents with none of the nine tables, or missing required ones."""

from __future__ import annotations

import pikepdf
import pytest

from orchestration.parsing import ParseError, tables
from orchestration.parsing.source import open_source

from .conftest import corpus_path


def _extract(path):
    with open_source(path) as source:
        return tables.extract(source)


def _pdf_pages(src, pages, dest):
    with pikepdf.open(src) as pdf:
        out = pikepdf.new()
        for n in pages:
            out.pages.append(pdf.pages[n - 1])
        out.save(dest)
    return dest


def test_narrative_pages_only_pdf_is_not_a_budget(tmp_path):
    # Pages 1-8 of a real disclosure: cover, contents (which lists the nine titles), narrative.
    path = _pdf_pages(corpus_path("real", "putuo_wanli_2025"), range(1, 9), tmp_path / "narrative.pdf")
    with pytest.raises(ParseError) as err:
        _extract(path)
    assert err.value.reason == "not_a_budget"


def test_pdf_without_table_8_names_it(tmp_path):
    pages = [p for p in range(1, 32) if p not in (27, 28)]  # drop 经济分类 table 8 (pages 27-28)
    path = _pdf_pages(corpus_path("real", "putuo_wanli_2025"), pages, tmp_path / "no_t8.pdf")
    with pytest.raises(ParseError) as err:
        _extract(path)
    assert err.value.reason == "missing_tables"
    assert "8 一般公共预算基本支出经济分类预算表" in str(err.value)


def test_plain_text_is_not_a_budget(tmp_path):
    path = tmp_path / "minutes.txt"
    path.write_text("会议纪要\n\n一、会议议题\t讨论\t通过\n二、其他事项\n", encoding="utf-8")
    with pytest.raises(ParseError) as err:
        _extract(path)
    assert err.value.reason == "not_a_budget"


def test_text_missing_tables_names_them(tmp_path):
    text = corpus_path("text", "qingpu_liantang_2024").read_text(encoding="utf-8")
    cut = text.index("2024 年部门一般公共预算支出功能分类预算表\n\n单位")
    path = tmp_path / "cut.txt"
    path.write_text(text[:cut], encoding="utf-8")
    with pytest.raises(ParseError) as err:
        _extract(path)
    assert err.value.reason == "missing_tables"
    assert "5 一般公共预算支出功能分类预算表" in str(err.value) and "8 " in str(err.value)


def test_empty_tables_6_7_are_recorded_not_failed():
    infos, cells = _extract(corpus_path("text", "minhang_zhuanqiao_2023"))
    t6, t7 = (next(t for t in infos if t.table_no == n) for n in (6, 7))
    assert t6.empty and t7.empty
    assert "本表无数据" in t7.note
    assert not [c for c in cells if c.table_no in (6, 7)]
