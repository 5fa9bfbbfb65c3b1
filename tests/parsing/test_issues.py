"""One test per failure class found on documents the parser had not seen, named after it, run on
the real document that showed it (read from ../shared, never committed). The generated layouts
that exercise each class in general are the harness's (bench/layouts, tests/test_layout_harness.py).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from orchestration.parsing import parse_document, tables
from orchestration.parsing.source import open_source

from .conftest import CORPUS
from .test_tables_layouts import _doc


def _city(name: str):
    path = CORPUS / "city" / f"{name}.pdf"
    if not path.exists():
        pytest.fail(f"{path} is missing: the tests read the real documents from ../shared/corpus/city")
    return parse_document(path)


def _cell(doc, table_no, code, column, section=None, name=None):
    found = [
        c
        for c in doc.cells
        if c.table_no == table_no
        and c.code == code
        and c.column == column
        and (section is None or c.section == section)
        and (name is None or c.name == name)
    ]
    assert len(found) == 1, found
    return found[0]


def test_misplaced_thousands_separator_is_read_as_the_digits_printed():
    """city_vocational_exam_2026 prints 125360,898 for 125,360,898 in its text layer: every such
    row used to vanish without an error (117 of 213 cells)."""
    doc = _city("city_vocational_exam_2026")
    assert doc.problems == []
    assert len(doc.cells) == 213
    total = _cell(doc, 1, "208", "合计", section="expense")
    assert (total.printed, total.amount_yuan, total.page) == ("125360,898", Decimal("125360898.00"), 7)
    assert _cell(doc, 5, None, "项目支出").amount_yuan == Decimal("94429588.00")


def test_title_drawn_inside_the_tables_own_frame_starts_that_table():
    """city_ocean_monitoring_2026 draws table 4's title, 编制单位 and 单位 inside its ruled frame:
    the frame used to be read as a continuation of table 3, and table 4 came out empty."""
    doc = _city("city_ocean_monitoring_2026")
    info = {t.table_no: t for t in doc.tables}
    assert info[3].pages == [10, 11] and info[4].pages == [12] and info[4].rows == 5
    assert {c.name for c in doc.cells if c.table_no == 3} & {"一般公共预算", "收入总计"} == set()
    cell = _cell(doc, 4, "220", "一般公共预算", section="expense")
    assert (cell.printed, cell.page) == ("173,746,137", 12)
    assert doc.problems == []


def test_columns_printed_on_pages_of_their_own_join_their_rows():
    """city_data_bureau_2026 prints table 2's 其他收入 column on pages 10-11, with the only 单位
    line of the table: the pages belong to table 2 and its unit is printed, not inferred."""
    doc = _city("city_data_bureau_2026")
    t2 = next(t for t in doc.tables if t.table_no == 2)
    assert (t2.pages, t2.unit, t2.unit_inferred, t2.rows) == ([8, 9, 10, 11], "元", False, 19)
    assert doc.problems == []


def test_a_kuan_with_no_xiang_under_it_is_read_as_printed():
    """city_veterans_service_2026 prints 20809 退役安置 with no 项 row: a correct parse."""
    doc = _city("city_veterans_service_2026")
    for table_no in (2, 3, 5):
        codes = {c.code for c in doc.cells if c.table_no == table_no and c.code}
        assert "20809" in codes and not any(c.startswith("20809") and len(c) == 7 for c in codes)
    assert _cell(doc, 3, "20809", "合计").amount_yuan == Decimal("30604344.00")
    assert doc.problems == []


def test_a_table_beyond_the_nine_ends_the_table_before_it():
    """city_diamond_exchange_office_2026 prints eleven tables: 财政拨款支出预算表 after table 4 and
    财政拨款项目支出预算表 after table 8 are neither read nor glued to the table before them."""
    doc = _city("city_diamond_exchange_office_2026")
    pages = {t.table_no: t.pages for t in doc.tables}
    assert pages[4] == [10] and pages[8] == [15, 16] and pages[9] == [18]
    assert len(doc.cells) == 130 and doc.problems == []


def _read_changed(tmp_path, printed: str, instead: str):
    """(cells, problems) of the small text document with one printed line changed."""
    path = _doc(tmp_path)
    path.write_text(path.read_text(encoding="utf-8").replace(printed, instead, 1), encoding="utf-8")
    with open_source(path) as source:
        _, cells, problems = tables.read_tables(source)
    return cells, problems


def test_a_figure_no_rule_can_read_is_a_problem_with_its_page_and_text(tmp_path):
    """Never lose a figure in silence: 1234,56 (a decimal comma? a lost digit?) is not guessed."""
    cells, problems = _read_changed(
        tmp_path,
        "| 20805 | 行政事业单位养老支出 | 1234.50 | 1000.00 | 234.50 |",
        "| 20805 | 行政事业单位养老支出 | 1234,50 | 1000.00 | 234.50 |",
    )
    assert [(p.check, p.table_no, p.printed) for p in problems] == [("unread_figures", 2, "1234,50")]
    assert problems[0].line is not None and "1234,50" in problems[0].message
    assert not any(c.printed == "1234,50" for c in cells)


def test_a_coded_tables_row_without_a_code_is_a_problem(tmp_path):
    """In tables 2, 3, 5-8 a body row printing figures without a code must be a total row."""
    _, problems = _read_changed(
        tmp_path,
        "| 合计 | | 1234.50 | 1000.00 | 234.50 |",
        "| | 其中：机关 | 1.00 | 1.00 | |\n| 合计 | | 1234.50 | 1000.00 | 234.50 |",
    )
    assert [(p.check, p.table_no, p.printed) for p in problems] == [("unknown_row", 2, "其中：机关")]
