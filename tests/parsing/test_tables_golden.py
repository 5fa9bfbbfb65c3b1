"""Every cell of every table of every corpus file against its hand-verified golden file."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import asdict

import pytest

from .broken_identities import check_identities
from .conftest import CORPUS_FILES, EMBEDDED_DOCS, TABLE_GOLDEN_FILES, extracted_with_text
from .golden_diff import classify, report
from .goldens import cell_dict, load

IDS = [f"{s}/{d}" for s, d in CORPUS_FILES]
GOLDEN_IDS = [f"{s}/{d}" for s, d in TABLE_GOLDEN_FILES]


def _key(cell: dict) -> tuple:
    return (
        cell["table_no"],
        cell["section"],
        cell["code"],
        cell["name"],
        cell["column"],
        cell["page"],
        cell["line"],
    )


@pytest.mark.parametrize(("subdir", "doc_id"), TABLE_GOLDEN_FILES, ids=GOLDEN_IDS)
def test_cells_match_golden(extract_corpus, subdir, doc_id):
    _, cells = extract_corpus(subdir, doc_id)
    got = {_key(c): c for c in map(cell_dict, cells)}
    want = {_key(c): c for c in load(subdir, doc_id)["cells"]}
    assert len(got) == len(cells), "two cells share table/row/column/position"
    result = classify(list(want.values()), list(got.values()))
    assert not result["differences"], f"{subdir}/{doc_id}: " + report(result, limit=40)


@pytest.mark.parametrize(("subdir", "doc_id"), TABLE_GOLDEN_FILES, ids=GOLDEN_IDS)
def test_tables_match_golden(extract_corpus, subdir, doc_id):
    infos, _ = extract_corpus(subdir, doc_id)
    got, want = [asdict(t) for t in infos], load(subdir, doc_id)["tables"]
    parsed = {t["table_no"]: t for t in got}
    differences = [
        f"table {w['table_no']}: {field} golden {w[field]!r} parser {parsed[w['table_no']][field]!r}"
        for w in want
        if w["table_no"] in parsed
        for field in w
        if w[field] != parsed[w["table_no"]][field]
    ]
    assert got == want, (
        f"{subdir}/{doc_id}: tables {[t['table_no'] for t in want]} in the golden, "
        f"{[t['table_no'] for t in got]} parsed\n" + "\n".join(differences)
    )


@pytest.mark.parametrize(("subdir", "doc_id"), TABLE_GOLDEN_FILES, ids=GOLDEN_IDS)
def test_broken_identities_are_the_recorded_publisher_errors(extract_corpus, subdir, doc_id):
    _, cells = extract_corpus(subdir, doc_id)
    assert check_identities(cells) == load(subdir, doc_id)["publisher_inconsistencies"]


@pytest.mark.parametrize("doc_id", EMBEDDED_DOCS)
def test_text_and_pdf_agree(extract_corpus, doc_id):
    def key_set(subdir):
        _, cells = extract_corpus(subdir, doc_id)
        return {(c.table_no, c.section, c.code, c.name, c.column, c.amount_yuan) for c in cells}

    text, pdf = key_set("text"), key_set("pdf")
    assert sorted(text - pdf, key=str) == [] and sorted(pdf - text, key=str) == []


def test_all_nine_tables_found_everywhere(extract_corpus):
    for subdir, doc_id in CORPUS_FILES:
        infos, _ = extract_corpus(subdir, doc_id)
        assert [t.table_no for t in infos] == list(range(1, 10)), (subdir, doc_id)


def test_minhang_district_known_rounding_kept(extract_corpus):
    _, cells = extract_corpus("pdf", "minhang_district_2024")
    printed = {
        (c.table_no, c.column): c.printed for c in cells if c.code == "208" and c.column in ("预算数", "合计")
    }
    assert printed[(1, "预算数")] == "1,616,095.40"
    assert printed[(4, "合计")] == "1,616,095.40"
    assert printed[(3, "合计")] == "1,616,095.00"
    assert printed[(5, "合计")] == "1,616,095.00"


def test_blank_is_not_zero_but_printed_zero_is_kept(extract_corpus):
    _, cells = extract_corpus("text", "jiading_anting_2024")
    t3 = {(c.code, c.column): c for c in cells if c.table_no == 3}
    assert ("208", "项目支出") not in t3  # blank cell
    assert t3[("21203", "基本支出")].printed == "0.00"
    assert t3[("21203", "基本支出")].amount_yuan == 0


def test_short_ocr_row_follows_its_siblings_columns(extract_corpus):
    # jiading text line 276 prints "16 培训费 4. 00 4. 00" with the blank 人员经费 cell lost;
    # the PDF shows 4.00 under 合计 and 公用经费.
    _, cells = extract_corpus("text", "jiading_anting_2024")
    cols = {c.column for c in cells if c.table_no == 8 and c.code == "30216"}
    assert cols == {"合计", "公用经费"}


def test_real_tables_run_over_pages_without_header(extract_corpus):
    infos, cells = extract_corpus("real", "putuo_wanli_2024")
    t2 = next(t for t in infos if t.table_no == 2)
    assert t2.pages == [11, 12, 13, 14, 15]
    total = [c for c in cells if c.table_no == 2 and c.name == "合计" and c.column == "合计"]
    assert [(c.page, c.printed) for c in total] == [(15, "156,211,123")]


def test_sanqong_in_wan_while_rest_in_yuan(extract_corpus):
    infos, cells = extract_corpus("real", "putuo_wanli_2025")
    units = {t.table_no: t.unit for t in infos}
    assert units[9] == "万元" and units[3] == "元"
    t9 = {c.column: c for c in cells if c.table_no == 9}
    assert t9["合计"].printed == "37.91" and str(t9["合计"].amount_yuan) == "379100.00"


# A number token on a page: 66,165,252.88 / 5370.00 / 0 (not part of a longer number).
_NUM = re.compile(r"(?<![\d.,])-?\d{1,3}(?:,\d{3})*(?:\.\d+)?(?![\d.,])|(?<![\d.,])\d+\.\d+(?![\d.,])")
# A table row on the page text: codes (or 合计) first, then the name and the figures.
_ROW = re.compile(r"^(\d{3} |\d{2} |\d |合计 )")
_LEADING_CODES = re.compile(r"^((\d{1,3}|合计) )+")


@pytest.mark.parametrize(("subdir", "doc_id"), [f for f in CORPUS_FILES if f[0] != "text"], ids=IDS[4:])
def test_every_figure_on_the_page_is_a_cell(subdir, doc_id):
    """Independent of the goldens: pdfplumber's page text vs the cells, tables 2, 3, 5, 8, page by page."""
    _, cells, texts = extracted_with_text(subdir, doc_id)
    per_page = defaultdict(Counter)
    for c in cells:
        if c.table_no in (2, 3, 5, 8):
            per_page[(c.table_no, c.page)][c.printed] += 1
    assert per_page
    for (_, page), parsed in per_page.items():
        printed = Counter()
        for line in texts[page].splitlines():
            if _ROW.match(line):
                printed.update(_NUM.findall(_LEADING_CODES.sub("", line)))
        assert printed == parsed, (page, printed - parsed, parsed - printed)
