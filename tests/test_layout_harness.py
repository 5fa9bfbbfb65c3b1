"""The layout-variation harness (bench/layouts): the parser reads every style as printed.

The property, for a seeded sample of (golden, style) — a pairwise covering array of the style axes
and the document, at least 60 renders:

    parse(render(golden, style)) == expected(golden, style)

cell for cell: the same (table_no, section, code, name, column, amount_yuan) set, and each cell's
printed string and page as the renderer printed them. The tests of the harness itself check that
what the renderer says it printed is on the page (independently of the parser).
"""

from __future__ import annotations

import json
from dataclasses import replace
from decimal import Decimal
from itertools import combinations
from pathlib import Path

import pdfplumber
import pytest

from bench.layouts import AXES, BASE, ExpectedCell, Outcome, Style, check, compare, pairwise, render
from bench.layouts.matrix import CI_DOCUMENTS, CI_MIN_RENDERS, GOLDEN_DIR, ci_matrix, load_all
from bench.layouts.number_formats import NumberFormat, document_scale
from bench.layouts.table_layout import header_cells, truncate

DOCUMENTS = load_all(GOLDEN_DIR, CI_DOCUMENTS)
CASES = ci_matrix(DOCUMENTS)
# Cases the parser does not read yet (id -> its first difference), written by
# ``python -m bench.layouts --matrix ci --write-known tests/layout_known_failures.json``. Strict:
# a case the parser learns to read fails as XPASS until the file is written again (review the diff:
# entries may only disappear).
KNOWN_FAILURES: dict[str, str] = json.loads(
    (Path(__file__).parent / "layout_known_failures.json").read_text()
)


def _case(doc, style):
    case_id = f"{doc.doc_id}[{style.name}]"
    marks = (
        [pytest.mark.xfail(reason=KNOWN_FAILURES[case_id], strict=True)] if case_id in KNOWN_FAILURES else []
    )
    return pytest.param(doc, style, marks=marks, id=case_id)


def test_known_failures_are_cases_of_the_matrix():
    assert set(KNOWN_FAILURES) <= {f"{d.doc_id}[{s.name}]" for d, s in CASES}


@pytest.mark.parametrize(("doc", "style"), [_case(d, s) for d, s in CASES])
def test_parse_reads_every_rendered_cell(doc, style):
    outcome = check(doc, style)
    assert outcome.passed, outcome.message()


# --- the harness itself -------------------------------------------------------------------------


def test_ci_matrix_covers_every_value_and_pair():
    assert len(CASES) >= CI_MIN_RENDERS
    styles = [s for _, s in CASES]
    for axis, values in AXES.items():
        assert {getattr(s, axis) for s in styles} == set(values), axis
    assert {d.doc_id for d, _ in CASES} == set(CI_DOCUMENTS)
    seen = {(a, getattr(s, a), b, getattr(s, b)) for s in styles for a, b in combinations(AXES, 2)}
    assert len(seen) == sum(len(AXES[a]) * len(AXES[b]) for a, b in combinations(AXES, 2))


def test_pairwise_is_deterministic_and_covers_small_axes():
    axes = {"a": ("1", "2", "3"), "b": ("x", "y"), "c": ("p", "q", "r")}
    rows = pairwise(7, axes)
    assert rows == pairwise(7, axes)
    covered = {(a, r[a], b, r[b]) for r in rows for a, b in combinations(axes, 2)}
    assert len(covered) == 3 * 2 + 3 * 3 + 2 * 3
    assert len(rows) <= 12


@pytest.mark.parametrize(
    ("style", "value", "printed"),
    [
        ("comma2", Decimal("66165252.88"), "66,165,252.88"),
        ("plain2", Decimal("66165252.88"), "66165252.88"),
        ("comma0", Decimal(125360898), "125,360,898"),
        ("plain0", Decimal(125360898), "125360898"),
        ("misplaced0", Decimal(125360898), "125360,898"),
        ("misplaced0", Decimal(898), "898"),
        ("fullwidth2", Decimal(5370), "５，３７０．００"),
        ("spaced2", Decimal(5370), "5, 370. 00"),
    ],
)
def test_number_styles(style, value, printed):
    assert NumberFormat(style, "blank").printed(value) == printed


def test_zeros_and_blanks():
    assert NumberFormat("comma2", "blank").printed(None) == ""
    assert NumberFormat("comma2", "blank").printed(Decimal(0)) == "0.00"
    assert NumberFormat("comma0", "zero").printed(None) == "0"
    assert NumberFormat("comma2", "dash").printed(Decimal(0)) == "-"
    assert NumberFormat("comma2", "dash").printed(None) == "-"
    assert NumberFormat("mixed2", "blank").printed(Decimal(1234), row_index=1) == "1234.00"
    with pytest.raises(ValueError, match="not printable"):
        NumberFormat("comma0", "blank").printed(Decimal("1.5"))


def test_scale_makes_every_printed_figure_exact():
    amounts = {"元": [Decimal("66165252.88"), Decimal("300000.00")], "万元": [Decimal("5000.00")]}
    assert document_scale(amounts, 2) == 1
    assert document_scale(amounts, 0) == 100  # 0.50 万元 and 0.88 元 need two more digits
    assert document_scale({"万元": [Decimal("66165252.88")]}, 2) == 10000


def test_header_cells_span_parents_and_leaves():
    paths = [
        ("项目", "功能分类科目编码", "类"),
        ("项目", "功能分类科目编码", "款"),
        ("项目", "功能分类科目名称"),
        ("支出预算", "合计"),
        ("支出预算", "基本支出"),
    ]
    depth, cells = header_cells(paths)
    assert depth == 3
    shown = {(c.text, c.row, c.col, c.rowspan, c.colspan) for c in cells}
    assert shown == {
        ("项目", 0, 0, 1, 3),
        ("功能分类科目编码", 1, 0, 1, 2),
        ("类", 2, 0, 1, 1),
        ("款", 2, 1, 1, 1),
        ("功能分类科目名称", 1, 2, 2, 1),
        ("支出预算", 0, 3, 1, 2),
        ("合计", 1, 3, 2, 1),
        ("基本支出", 1, 4, 2, 1),
    }
    assert truncate(("本年支出", "预算数", "基本支出", "人员经费"), "depth3") == (
        "本年支出",
        "预算数",
        "人员经费",
    )
    assert truncate(("支出预算", "合计"), "depth1") == ("合计",)


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"numbers": "fullwidth2", "font": "ttf", "page": "portrait", "kind": "unit", "extra": "three"},
        {"paging": "column_apart", "font": "cid_identity", "title": "in_frame", "header": "full"},
        {"rules": "none", "paging": "flow", "codes": "fused_own", "zeros": "dash", "unit": "wan"},
    ],
    ids=["base", "unit-fullwidth-ttf", "apart-identity-frame", "none-flow-wan"],
)
def test_what_the_renderer_says_it_printed_is_on_its_page(tmp_path: Path, changes):
    """Independent of the parser: each expected figure is in its page's text, as often as promised."""
    doc = next(d for d in DOCUMENTS if d.doc_id == "shanghai_finance_bureau_2025")
    style = Style(**{**dict(BASE.items()), **changes})
    expected = render(doc, style, tmp_path / "doc.pdf")
    assert len(expected) > 200
    with pdfplumber.open(tmp_path / "doc.pdf") as pdf:
        texts = {n: page.extract_text() for n, page in enumerate(pdf.pages, start=1)}
    for cell in expected:
        assert cell.printed in texts[cell.page], (cell, cell.page)
    per_page: dict[int, dict[str, int]] = {}
    for cell in expected:
        counts = per_page.setdefault(cell.page, {})
        counts[cell.printed] = counts.get(cell.printed, 0) + 1
    for page, counts in per_page.items():
        for printed, n in counts.items():
            assert texts[page].count(printed) >= n, (page, printed)


def test_unit_budget_table1_splits_expense_and_keeps_totals(tmp_path: Path):
    doc = next(d for d in DOCUMENTS if d.doc_id == "qingpu_liantang_2024")
    expected = render(doc, Style(**{**dict(BASE.items()), "kind": "unit"}), tmp_path / "u.pdf")
    t1 = {(c.name, c.column): c.amount_yuan for c in expected if c.table_no == 1 and c.section == "expense"}
    assert {col for _, col in t1} == {"合计", "人员经费", "公用经费", "项目支出"}
    for name in {n for n, _ in t1}:
        parts = sum(t1.get((name, col), Decimal(0)) for col in ("人员经费", "公用经费", "项目支出"))
        assert parts == t1[(name, "合计")], name
    assert t1[("支出总计", "合计")] == Decimal("66165252.88")


def test_a_failing_case_names_its_style_and_first_differences(tmp_path: Path):
    doc = next(d for d in DOCUMENTS if d.doc_id == "qingpu_liantang_2024")
    outcome = check(doc, BASE, tmp_path)
    assert outcome.passed, outcome.message()
    assert not list(tmp_path.glob("*.pdf"))  # a passing case leaves no PDF behind
    printed = render(doc, BASE, tmp_path / "again.pdf")
    diff = compare(printed, printed[1:] + [replace(printed[0], amount_yuan=Decimal(1))])
    assert (len(diff.missing), len(diff.extra), len(diff.changed)) == (0, 0, 1)
    failed = Outcome(doc.doc_id, replace(BASE, rules="none"), len(printed), len(printed), diff)
    message = failed.message()
    assert message.startswith("qingpu_liantang_2024[rules=none]: 195 cells printed, 195 parsed; ")
    assert "changed: t1 income/- 财政拨款收入 | 预算数 = 66165252.88" in message


def test_compare_sorts_differences_into_missing_extra_changed_and_misplaced():
    def cell(code, amount, page=3):
        return ExpectedCell(3, None, code, f"row {code}", "合计", Decimal(amount), str(amount), page)

    printed = [cell("201", 1), cell("202", 2), cell("203", 3), cell("203", 3)]
    parsed = [cell("201", 1, page=4), cell("202", 5), cell("203", 3), cell("204", 4)]
    diff = compare(printed, parsed)
    assert [c.code for c in diff.missing] == ["203"]  # printed twice, read once
    assert [c.code for c in diff.extra] == ["204"]
    assert [(a.amount_yuan, b.amount_yuan) for a, b in diff.changed] == [(Decimal(2), Decimal(5))]
    assert [(a.page, b.page) for a, b in diff.misplaced] == [(3, 4)]
