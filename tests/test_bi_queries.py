"""The analyst's route, for real: every SQL example of the README and docs/query-the-warehouse.md, run through
SQLAlchemy + duckdb-engine on three read-only warehouses: the one `budget run` builds from the embedded
corpus (raw/), one built from nine PDFs, and the budget-kinds warehouse (a bureau's 部门预算 with its units'
单位预算, generated: tests/marts_conftest.py). Every query must return rows on each.

The queries are parsed out of the markdown, so the documentation and this test cannot drift: a
block added to the doc without an expectation here fails, and so does a block that stops working.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import REPO
from tests.marts_conftest import (
    JUSTICE,
    NOTARY,
    RESCUE_STATION,
    build_kinds_warehouse,
    build_nine_pdf_warehouse,
    kinds_corpus,
)

DOCS = (REPO / "README.md", REPO / "docs" / "query-the-warehouse.md")
SQL_BLOCK = re.compile(r"```sql\n(.*?)```", re.DOTALL)
NAME_LINE = re.compile(r"^-- name: (\w+)\s*$", re.MULTILINE)

WANLI = "上海市普陀区人民政府万里街道办事处"
FINANCE_BUREAU = "上海市财政局"


@pytest.fixture(scope="session")
def nine_pdf_warehouse(tmp_path_factory, worker_id) -> Path:
    return build_nine_pdf_warehouse(tmp_path_factory, worker_id)


@pytest.fixture(scope="session")
def kinds_warehouse(tmp_path_factory, worker_id) -> Path:
    return build_kinds_warehouse(tmp_path_factory, worker_id)


def doc_queries() -> dict[str, str]:
    """name → SQL of every ```sql block of the docs (each starts with `-- name: ...`)."""
    queries: dict[str, str] = {}
    for doc in DOCS:
        for block in SQL_BLOCK.findall(doc.read_text(encoding="utf-8")):
            match = NAME_LINE.search(block)
            assert match, f"a SQL block of {doc.name} has no '-- name:' line:\n{block}"
            assert match.group(1) not in queries, f"two SQL blocks are named {match.group(1)}"
            queries[match.group(1)] = block
    return queries


def engine_url(warehouse: Path) -> str:
    """The SQLAlchemy URL the doc gives analysts."""
    return f"duckdb:///{warehouse}?access_mode=read_only"


def run(warehouse: Path, sql: str) -> list[tuple]:
    engine = sa.create_engine(engine_url(warehouse))
    try:
        with engine.connect() as con:
            return [tuple(row) for row in con.execute(sa.text(sql)).all()]
    finally:
        engine.dispose()


def yuan(value: str) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"))


def check_total_expense(rows):
    totals = {(name, year): amount for name, year, amount in rows}
    assert len(totals) == 9
    # read off the page: 支出总计 of table 1
    assert totals[(WANLI, 2024)] == yuan("156211123")
    assert totals[(WANLI, 2025)] == yuan("189767551")
    assert totals[(FINANCE_BUREAU, 2025)] == yuan("171915169")


def check_expense_by_class(rows):
    # read off the page: 万里街道 2025, table 1 (p. 9), the expense side by 类
    assert [row[2:] for row in rows if row[:2] == (WANLI, 2025)] == [
        ("201", "一般公共服务支出", yuan("3296600")),
        ("204", "公共安全支出", yuan("2878025")),
        ("205", "教育支出", yuan("250000")),
        ("206", "科学技术支出", yuan("100000")),
        ("207", "文化旅游体育与传媒支出", yuan("200000")),
        ("208", "社会保障和就业支出", yuan("16091895")),
        ("210", "卫生健康支出", yuan("3216973")),
        ("212", "城乡社区支出", yuan("154369326")),
        ("221", "住房保障支出", yuan("9364732")),
    ]


def check_basic_vs_project(rows):
    by_key = {(name, year): (basic, project, other) for name, year, basic, project, other in rows}
    assert len(by_key) == 9
    # read off the page: table 3 合计 row, 基本支出 / 项目支出
    assert by_key[(WANLI, 2024)] == (yuan("99706020"), yuan("56505103"), yuan("0"))
    assert by_key[(WANLI, 2025)] == (yuan("101341746"), yuan("88425805"), yuan("0"))


def check_three_public(rows):
    by_key = {(row[0], row[1]): row[2:] for row in rows}
    assert len(by_key) == 8  # 安亭镇 2024 prints an empty table 9
    # read off the page: 万里街道 2025, p. 29 (万元): 37.91 | 0 | 1.35 | 36.56 | 机关运行经费 464.64
    assert by_key[(WANLI, 2025)] == (
        yuan("379100"),
        yuan("0"),
        yuan("13500"),
        yuan("365600"),
        yuan("4646400"),
    )
    # 上海市财政局 2025, p. 20: 346.30 | 288.70 | 25.40 | 32.20 | 2,517.78
    assert by_key[(FINANCE_BUREAU, 2025)] == (
        yuan("3463000"),
        yuan("2887000"),
        yuan("254000"),
        yuan("322000"),
        yuan("25177800"),
    )


def check_year_on_year(rows):
    assert {(row[0], row[1]) for row in rows if row[-1] != "first_year"} == {(WANLI, 2025)}
    by_code = {row[2]: row[3:] for row in rows if row[:2] == (WANLI, 2025)}
    assert by_code["212"] == (
        "城乡社区支出",
        yuan("119385303"),
        yuan("154369326"),
        yuan("34984023"),
        Decimal("29.30"),
        "both_years",
    )
    assert all(row[-1] in ("both_years", "new", "dropped") for row in rows if row[:2] == (WANLI, 2025))
    # every department-year is there; the first year of each has nothing to compare with
    assert {(row[0], row[1]) for row in rows if row[-1] == "first_year"} == {
        (name, year) for name, year in NINE_DEPARTMENT_YEARS if (name, year) != (WANLI, 2025)
    }


def check_income_by_source(rows):
    wanli_2025 = {
        source: amount for name, year, source, amount, _file, _page in rows if (name, year) == (WANLI, 2025)
    }
    # read off the page: table 2 合计 row (p. 13): 189,767,551 all from 财政拨款收入
    assert wanli_2025["fiscal_appropriation"] == yuan("189767551")
    assert sum(wanli_2025.values()) == yuan("189767551")
    files = {(name, year): (file, page) for name, year, _source, _amount, file, page in rows}
    assert files[(WANLI, 2025)] == ("putuo_wanli_2025.pdf", 10)


def check_documents(rows):
    # nine selected PDFs, all counted: 上海市财政局's 单位预算 is the only source of its yuan here
    assert len(rows) == 9 and all(row[5] for row in rows)
    assert [row[2:6] for row in rows if row[0] == FINANCE_BUREAU] == [
        ("unit", None, "unit_without_department_budget", True)
    ]


def check_printed_totals(rows):
    # 上海市财政局 2025 table 8: its leaves add up to 1 yuan less than the printed 合计 (p. 19) — within the
    # rounding allowance of its integer figures, so no check failed and no leaf is flagged
    assert [row[9] for row in rows if row[-1] == "leaves_differ"] == [0]
    differ = {(row[0], row[3]): row[8] for row in rows if row[-1] == "leaves_differ"}
    assert differ == {(FINANCE_BUREAU, 8): Decimal("-1.00")}
    assert rows[0][-1] == "leaves_differ"  # the totals to distrust come first


def check_broken_identity_rows(rows):
    # 闵行区城运中心 2024 prints 208 and 212 0.40 yuan apart in tables 1/4 and 3/5: the leaves of both, p. 8 and 10
    assert {(row[0], row[3], row[4][:3], row[7], row[8]) for row in rows} == {
        ("上海市闵行区城市运行管理中心", 3, "208", 8, "table1_equals_table3"),
        ("上海市闵行区城市运行管理中心", 3, "212", 8, "table1_equals_table3"),
        ("上海市闵行区城市运行管理中心", 5, "208", 10, "table4_equals_table5"),
        ("上海市闵行区城市运行管理中心", 5, "212", 10, "table4_equals_table5"),
    }


NINE_PDF_CHECKS = {
    "total_expense_by_department_and_year": check_total_expense,
    "expense_by_class": check_expense_by_class,
    "basic_vs_project": check_basic_vs_project,
    "three_public_by_department": check_three_public,
    "year_on_year_by_class": check_year_on_year,
    "income_by_source_with_provenance": check_income_by_source,
    "documents_and_how_they_count": check_documents,
    "printed_totals_beside_their_leaves": check_printed_totals,
    "expense_rows_in_broken_identities": check_broken_identity_rows,
}
NINE_DEPARTMENT_YEARS = {
    ("上海市嘉定区安亭镇城市运行管理中心", 2024),
    ("上海市闵行区城市运行管理中心", 2024),
    ("上海市闵行区颛桥镇城市运行管理中心", 2023),
    ("上海市青浦区练塘镇城市运行管理中心", 2024),
    ("上海市普陀区商务委员会", 2025),
    ("上海市普陀区人民政府办公室", 2025),
    (WANLI, 2024),
    (WANLI, 2025),
    (FINANCE_BUREAU, 2025),
}


# --- the embedded corpus (raw/): what `budget run` builds ------------------------------------------

EMBEDDED_TOTALS = {
    # read off the page: table 3 合计 of each PDF (安亭镇 prints 5715.29 万元)
    ("上海市嘉定区安亭镇城市运行管理中心", 2024): yuan("57152900"),
    ("上海市闵行区城市运行管理中心", 2024): yuan("17722077.40"),
    ("上海市闵行区颛桥镇城市运行管理中心", 2023): yuan("52998062.20"),
    ("上海市青浦区练塘镇城市运行管理中心", 2024): yuan("66165252.88"),
}


def check_embedded(name, rows):
    if name == "total_expense_by_department_and_year":
        assert {(n, y): amount for n, y, amount in rows} == EMBEDDED_TOTALS
    if name == "documents_and_how_they_count":
        # each disclosure twice (PDF and text): the PDF counts, the text extraction does not
        assert (
            sorted((row[4], row[5]) for row in rows)
            == [("department_budget", True)] * 4 + [("not_selected", False)] * 4
        )
    if name == "year_on_year_by_class":
        assert {row[-1] for row in rows} == {"first_year"}  # no department discloses two years in a row


# --- the budget-kinds warehouse: a 部门预算 with its own 单位预算 --------------------------------------


def check_kinds(name, rows):
    corpus = kinds_corpus()
    if name == "total_expense_by_department_and_year":
        # the bureau's figure is its 部门预算's, not 部门预算 + its own 单位预算; the rescue station's
        # department (普陀区民政局) published nothing here, so its 单位预算 counts
        assert {(n, y): amount for n, y, amount in rows} == {
            (JUSTICE, 2025): corpus.department[2025].total,
            (JUSTICE, 2026): corpus.department[2026].total,
            (RESCUE_STATION, 2026): corpus.rescue_station.total,
        }
    if name == "basic_vs_project":
        assert {(row[0], row[1]): row[2:4] for row in rows}[(JUSTICE, 2026)] == (
            corpus.department[2026].basic,
            corpus.department[2026].project,
        )
    if name == "year_on_year_by_class":
        statuses = {(row[0], row[1], row[-1]) for row in rows}
        assert (JUSTICE, 2026, "both_years") in statuses and NOTARY not in {row[0] for row in rows}
        class_totals = {(row[1], row[2]): row[5] for row in rows if row[0] == JUSTICE}
        assert class_totals[(2026, "204")] == corpus.department[2026].class_totals()["204"]
    if name == "documents_and_how_they_count":
        assert sorted((row[0], row[1], row[2], row[4]) for row in rows) == [
            (NOTARY, 2025, "unit", "unit_in_department_budget"),
            (NOTARY, 2026, "unit", "unit_in_department_budget"),
            (JUSTICE, 2025, "department", "department_budget"),
            (JUSTICE, 2026, "department", "department_budget"),
            (JUSTICE, 2026, "unit", "unit_in_department_budget"),
            (RESCUE_STATION, 2026, "unit", "unit_without_department_budget"),
        ]
    if name == "printed_totals_beside_their_leaves":
        differ = {(row[0], row[1], row[3]) for row in rows if row[-1] == "leaves_differ"}
        assert differ == {(NOTARY, 2026, 3)}
    if name == "expense_rows_in_broken_identities":
        assert {(row[0], row[1]) for row in rows} == {(NOTARY, 2026)}
        assert corpus.misprinted_code in {row[4] for row in rows}


WAREHOUSES = ("embedded_warehouse", "nine_pdf_warehouse", "kinds_warehouse")


def test_every_doc_query_has_an_expectation():
    assert sorted(doc_queries()) == sorted(NINE_PDF_CHECKS)


@pytest.mark.parametrize("warehouse", WAREHOUSES)
@pytest.mark.parametrize("name", sorted(NINE_PDF_CHECKS))
def test_doc_query_runs_through_sqlalchemy(request, warehouse, name):
    rows = run(request.getfixturevalue(warehouse), doc_queries()[name])
    assert rows, f"{name} returned no rows on the {warehouse}"
    if warehouse == "nine_pdf_warehouse":
        NINE_PDF_CHECKS[name](rows)
    elif warehouse == "embedded_warehouse":
        check_embedded(name, rows)
    else:
        check_kinds(name, rows)


def test_the_sqlalchemy_route_is_read_only(nine_pdf_warehouse):
    with pytest.raises(sa.exc.DBAPIError, match="read-only"):
        run(nine_pdf_warehouse, "create table marts.scratch as select 1 as x")
