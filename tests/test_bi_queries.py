"""The analyst's route, for real: every SQL example of the README and docs/query-the-warehouse.md, run through
SQLAlchemy + duckdb-engine on a read-only warehouse built from nine PDFs.

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
from tests.marts_conftest import build_nine_pdf_warehouse

DOCS = (REPO / "README.md", REPO / "docs" / "query-the-warehouse.md")
SQL_BLOCK = re.compile(r"```sql\n(.*?)```", re.DOTALL)
NAME_LINE = re.compile(r"^-- name: (\w+)\s*$", re.MULTILINE)

WANLI = "上海市普陀区人民政府万里街道办事处"
FINANCE_BUREAU = "上海市财政局"


@pytest.fixture(scope="session")
def nine_pdf_warehouse(tmp_path_factory, worker_id) -> Path:
    return build_nine_pdf_warehouse(tmp_path_factory, worker_id)


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
    assert rows == [
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
    assert {(row[0], row[1]) for row in rows} == {(WANLI, 2025)}
    by_code = {row[2]: row[3:] for row in rows}
    assert by_code["212"] == (
        "城乡社区支出",
        yuan("119385303"),
        yuan("154369326"),
        yuan("34984023"),
        Decimal("29.30"),
        "both_years",
    )
    assert all(status in ("both_years", "new", "dropped") for *_, status in rows)


def check_income_by_source(rows):
    wanli_2025 = {
        source: amount for name, year, source, amount, _file, _page in rows if (name, year) == (WANLI, 2025)
    }
    # read off the page: table 2 合计 row (p. 13): 189,767,551 all from 财政拨款收入
    assert wanli_2025["fiscal_appropriation"] == yuan("189767551")
    assert sum(wanli_2025.values()) == yuan("189767551")
    files = {(name, year): (file, page) for name, year, _source, _amount, file, page in rows}
    assert files[(WANLI, 2025)] == ("putuo_wanli_2025.pdf", 10)


def check_publisher_mismatches(rows):
    assert len(rows) == 4
    assert {row[-1] for row in rows} == {Decimal("-1.00")}  # difference_yuan, the last column


EXPECTATIONS = {
    "total_expense_by_department_and_year": check_total_expense,
    "expense_by_class": check_expense_by_class,
    "basic_vs_project": check_basic_vs_project,
    "three_public_by_department": check_three_public,
    "year_on_year_by_class": check_year_on_year,
    "income_by_source_with_provenance": check_income_by_source,
    "publisher_mismatches_in_table_8": check_publisher_mismatches,
}


def test_every_doc_query_has_an_expectation():
    assert sorted(doc_queries()) == sorted(EXPECTATIONS)


@pytest.mark.parametrize("name", sorted(EXPECTATIONS))
def test_doc_query_runs_through_sqlalchemy(nine_pdf_warehouse, name):
    rows = run(nine_pdf_warehouse, doc_queries()[name])
    assert rows, f"{name} returned no rows"
    EXPECTATIONS[name](rows)


def test_the_sqlalchemy_route_is_read_only(nine_pdf_warehouse):
    with pytest.raises(sa.exc.DBAPIError, match="read-only"):
        run(nine_pdf_warehouse, "create table marts.scratch as select 1 as x")
