"""The marts on nine real PDFs: facts reproduce the printed totals, defaults count each yuan once.

The warehouse is built once per session by the real main job (``tests/marts_conftest.py``).
Figures marked "read off the page" were read by a person from the PDF, not from the parser.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from orchestration.defs.export import PARQUET_DIR_NAME
from orchestration.warehouse import mart_tables
from tests.conftest import query
from tests.marts_conftest import NINE_PDFS, SCRAPED_PDF, SCRAPED_URL, build_nine_pdf_warehouse

WANLI_2024 = "putuo_wanli_2024.pdf"
WANLI_2025 = "putuo_wanli_2025.pdf"
FINANCE_BUREAU = "shanghai_finance_bureau_2025.pdf"
WANLI = "上海市普陀区人民政府万里街道办事处"
# the marts of this suite (the quality marts are tested with the quality checks)
MARTS = (
    "fact_printed_total",
    "dim_department",
    "dim_document",
    "dim_economic_subject",
    "dim_fiscal_year",
    "dim_subject",
    "fact_budget_summary",
    "fact_expense",
    "fact_expense_economic",
    "fact_expense_year_over_year",
    "fact_income",
    "fact_performance_indicator",
    "fact_project",
    "fact_three_public",
)

# Σ of a fact per selected document, by file name
FACT_TOTALS = """
    select doc.source_file, sum(f.amount_yuan)
    from marts.{fact} as f
    inner join marts.dim_document as doc on doc.document_sha256 = f.document_sha256
    where {where}
    group by doc.source_file
"""
# the printed 合计 cell of the 合计 row of a table, by file name
PRINTED_TOTALS = """
    select doc.source_file, c.amount_yuan
    from landing.cells as c
    inner join marts.dim_document as doc on doc.document_sha256 = c.sha256
    where doc.is_selected and c.table_no = ? and c.code is null and c.name = '合计' and c.column_label = '合计'
"""


@pytest.fixture(scope="session")
def nine_pdf_warehouse(tmp_path_factory, worker_id) -> Path:
    return build_nine_pdf_warehouse(tmp_path_factory, worker_id)


def fact_totals(warehouse: Path, fact: str, where: str = "true") -> dict[str, Decimal]:
    return dict(query(warehouse, FACT_TOTALS.format(fact=fact, where=where)))


def printed_totals(warehouse: Path, table_no: int) -> dict[str, Decimal]:
    return dict(query(warehouse, PRINTED_TOTALS, [table_no]))


def test_every_pdf_is_a_selected_disclosure(nine_pdf_warehouse):
    rows = query(
        nine_pdf_warehouse, "select source_file from marts.dim_document where is_selected order by 1"
    )
    assert [r[0] for r in rows] == sorted(p.name for p in NINE_PDFS)


def test_fact_expense_reproduces_table_3_total_of_every_document(nine_pdf_warehouse):
    printed = printed_totals(nine_pdf_warehouse, 3)
    assert len(printed) == 9
    assert fact_totals(nine_pdf_warehouse, "fact_expense", "f.fund_scope = 'all_funds'") == printed


def test_fact_income_reproduces_table_2_total_of_every_document(nine_pdf_warehouse):
    printed = printed_totals(nine_pdf_warehouse, 2)
    assert len(printed) == 9
    assert fact_totals(nine_pdf_warehouse, "fact_income") == printed


def test_fact_expense_economic_reproduces_table_8_total_but_for_one_publisher_error(nine_pdf_warehouse):
    printed = printed_totals(nine_pdf_warehouse, 8)
    facts = fact_totals(nine_pdf_warehouse, "fact_expense_economic")
    assert len(printed) == 9 and set(facts) == set(printed)
    differences = {name: facts[name] - printed[name] for name in printed if facts[name] != printed[name]}
    # 上海市财政局 prints 302 商品和服务支出 as 24,840,779 (p. 17) while its 18 items add up to 24,840,778;
    # the 合计 (127,642,039, p. 19) follows the 302 row. The fact keeps the items as printed.
    assert differences == {FINANCE_BUREAU: Decimal("-1.00")}


@pytest.mark.parametrize(
    ("source_file", "expected"),
    [
        # read off the page: 万里街道 2024, table 3 p. 20, table 2 p. 15, table 8 p. 30
        (
            WANLI_2024,
            {
                "basic": "99706020",
                "project": "56505103",
                "income": "156211123",
                "personnel": "88537451",
                "public_use": "11168569",
            },
        ),
        # read off the page: 万里街道 2025, table 3 p. 18, table 2 p. 13, table 8 p. 28
        (
            WANLI_2025,
            {
                "basic": "101341746",
                "project": "88425805",
                "income": "189767551",
                "personnel": "90514044",
                "public_use": "10827702",
            },
        ),
    ],
)
def test_facts_match_figures_read_off_the_page(nine_pdf_warehouse, source_file, expected):
    def total(sql: str) -> Decimal:
        return query(nine_pdf_warehouse, sql, [source_file])[0][0]

    by_doc = "inner join marts.dim_document as doc on doc.document_sha256 = f.document_sha256 where doc.source_file = ?"
    for expense_type in ("basic", "project"):
        assert total(
            f"select sum(amount_yuan) from marts.fact_expense as f {by_doc} "
            f"and f.fund_scope = 'all_funds' and f.expense_type = '{expense_type}'"
        ) == Decimal(expected[expense_type])
    assert total(f"select sum(amount_yuan) from marts.fact_income as f {by_doc}") == Decimal(
        expected["income"]
    )
    for cost_type in ("personnel", "public_use"):
        assert total(
            f"select sum(amount_yuan) from marts.fact_expense_economic as f {by_doc} and f.cost_type = '{cost_type}'"
        ) == Decimal(expected[cost_type])


def test_finance_bureau_table_8_read_off_the_page(nine_pdf_warehouse):
    # p. 19: 合计 127,642,039 | 人员经费 102,464,260 | 公用经费 25,177,779; the 公用经费 items add up to 1 less.
    rows = query(
        nine_pdf_warehouse,
        """
        select f.cost_type, sum(f.amount_yuan)
        from marts.fact_expense_economic as f
        inner join marts.dim_document as doc on doc.document_sha256 = f.document_sha256
        where doc.source_file = ?
        group by 1 order by 1
        """,
        [FINANCE_BUREAU],
    )
    assert rows == [("personnel", Decimal("102464260.00")), ("public_use", Decimal("25177778.00"))]


def test_printed_parents_the_rows_do_not_reproduce_are_in_fact_check_result(nine_pdf_warehouse):
    # The identity engine compares each printed parent with its rows (orchestration/quality/identities.py);
    # a one-yuan difference in a whole-yuan table is within rounding: kept with its difference, not a finding.
    rows = query(
        nine_pdf_warehouse,
        """
        select source_file, table_no, subject, column_label, page_list, figure_a_yuan, figure_b_yuan, outcome
        from marts.fact_check_result
        where is_selected and check_name = 'parent_equals_children' and difference_yuan <> 0
        order by 1, 2, 3, 4
        """,
    )
    assert rows == [
        # 万里街道 2025 prints 212 at 154,369,326 and 21201 at 94,995,790 (pp. 12, 17, 23); their rows add up
        # to 154,369,327 and 94,995,789
        *[
            (WANLI_2025, t, code, column, pages, Decimal(a), Decimal(b), "pass")
            for t, pages, columns in (
                (2, "12,13", ("合计", "财政拨款收入")),
                (3, "17", ("合计",)),
                (5, "23", ("合计",)),
            )
            for code, a, b in (("212", "154369326", "154369327"), ("21201", "94995790", "94995789"))
            for column in columns
        ],
        # 上海市财政局 2025 prints 302 商品和服务支出 as 24,840,779 (p. 17); its items add up to 24,840,778
        (FINANCE_BUREAU, 8, "302", "公用经费", "17,18", Decimal(24840779), Decimal(24840778), "pass"),
        (FINANCE_BUREAU, 8, "302", "合计", "17,18", Decimal(24840779), Decimal(24840778), "pass"),
    ]


def test_summary_and_three_public_defaults_count_each_yuan_once(nine_pdf_warehouse):
    income = fact_totals(nine_pdf_warehouse, "fact_budget_summary", "f.table_no = 1 and f.section = 'income'")
    expense = fact_totals(
        nine_pdf_warehouse, "fact_budget_summary", "f.table_no = 1 and f.section = 'expense'"
    )
    printed_income = dict(
        query(
            nine_pdf_warehouse,
            """
            select doc.source_file, c.amount_yuan from landing.cells as c
            inner join marts.dim_document as doc on doc.document_sha256 = c.sha256
            where c.table_no = 1 and c.section = 'income' and c.name = '收入总计'
            """,
        )
    )
    assert len(printed_income) == 9
    assert income == printed_income == expense
    three_public = fact_totals(nine_pdf_warehouse, "fact_three_public", "f.item_category = 'three_public'")
    printed_three_public = dict(
        query(
            nine_pdf_warehouse,
            """
            select doc.source_file, c.amount_yuan from landing.cells as c
            inner join marts.dim_document as doc on doc.document_sha256 = c.sha256
            where c.table_no = 9 and c.column_label = '合计'
            """,
        )
    )
    # 安亭镇 2024 prints an empty table 9: no 三公 row at all, rather than zeros
    assert len(printed_three_public) == 8 and "jiading_anting_2024.pdf" not in three_public
    assert three_public == printed_three_public
    # read off the page: 万里街道 2025 p. 29, 三公 37.91 万元, 机关运行经费 464.64 万元
    rows = query(
        nine_pdf_warehouse,
        """
        select f.item_category, sum(f.amount_yuan) from marts.fact_three_public as f
        inner join marts.dim_document as doc on doc.document_sha256 = f.document_sha256
        where doc.source_file = ? group by 1 order by 1
        """,
        [WANLI_2025],
    )
    assert rows == [
        ("administrative_operation", Decimal("4646400.00")),
        ("three_public", Decimal("379100.00")),
    ]


def test_year_over_year_compares_wanli_2024_and_2025(nine_pdf_warehouse):
    rows = query(
        nine_pdf_warehouse,
        """
        select y.fiscal_year, y.comparison_status, y.previous_amount_yuan, y.amount_yuan, y.change_yuan, y.change_pct
        from marts.fact_expense_year_over_year as y
        inner join marts.dim_department as d on d.department_key = y.department_key
        where d.department_name = ? and y.subject_code = '212'
        order by 1
        """,
        [WANLI],
    )
    # read off the page: 212 城乡社区支出 119,385,303 (2024 p. 19) and 154,369,326 (2025 p. 17)
    assert rows == [
        (2024, "first_year", None, Decimal("119385303.00"), None, None),
        (
            2025,
            "both_years",
            Decimal("119385303.00"),
            Decimal("154369326.00"),
            Decimal("34984023.00"),
            Decimal("29.30"),
        ),
    ]
    # the 类 rows of a year add up to the department's total expense of that year
    totals = query(
        nine_pdf_warehouse,
        """
        select y.fiscal_year, sum(y.amount_yuan), sum(y.previous_amount_yuan)
        from marts.fact_expense_year_over_year as y
        inner join marts.dim_department as d on d.department_key = y.department_key
        where d.department_name = ? and y.subject_level = '类'
        group by 1 order by 1
        """,
        [WANLI],
    )
    assert totals == [
        (2024, Decimal("156211123.00"), None),
        (2025, Decimal("189767551.00"), Decimal("156211123.00")),
    ]


def test_dimensions_are_conformed(nine_pdf_warehouse):
    rows = query(
        nine_pdf_warehouse,
        "select district, town, department_level, budget_kinds, first_fiscal_year, last_fiscal_year, "
        "disclosure_count from marts.dim_department where department_name = ?",
        [WANLI],
    )
    assert rows == [("普陀区", "万里街道", "town", "department", 2024, 2025, 2)]
    assert query(nine_pdf_warehouse, "select count(*) from marts.dim_department") == [(8,)]
    # a city unit budget under the department's own name: no 主管部门 printed, the organisation is itself
    assert query(
        nine_pdf_warehouse,
        "select budget_kinds, department_level, parent_department_key from marts.dim_department "
        "where department_name = '上海市财政局'",
    ) == [("unit", "city", None)]
    # every subject of a fact rolls up to a named 类
    assert query(
        nine_pdf_warehouse,
        """
        select count(*) from marts.fact_expense as f
        inner join marts.dim_subject as s on s.subject_code = f.subject_code
        where s.class_name is null
        """,
    ) == [(0,)]
    assert query(
        nine_pdf_warehouse,
        "select economic_subject_name, subject_level, parent_code, class_name from marts.dim_economic_subject "
        "where economic_subject_code = '30217'",
    ) == [("公务接待费", "款", "302", "商品和服务支出")]
    assert query(
        nine_pdf_warehouse, "select fiscal_year, document_count from marts.dim_fiscal_year order by 1"
    ) == [
        (2023, 1),
        (2024, 4),
        (2025, 4),
    ]


def test_marts_are_exported_as_parquet(nine_pdf_warehouse):
    folder = nine_pdf_warehouse.parent / PARQUET_DIR_NAME
    with duckdb.connect(str(nine_pdf_warehouse), read_only=True) as con:
        marts = mart_tables(con)
        assert {"fact_expense", "fact_income", "fact_expense_year_over_year", "dim_department"} <= set(marts)
        assert sorted(p.stem for p in folder.glob("*.parquet")) == marts
        for mart in marts:
            in_db = con.execute(f'select count(*) from marts."{mart}"').fetchone()[0]
            assert (
                con.execute(
                    "select count(*) from read_parquet(?)", [str(folder / f"{mart}.parquet")]
                ).fetchone()[0]
                == in_db
            ), mart
        parquet = str(folder / "fact_expense.parquet")
        assert (
            con.execute(
                "select typeof(amount_yuan), sum(amount_yuan) from read_parquet(?) group by 1", [parquet]
            ).fetchall()
            == con.execute(
                "select typeof(amount_yuan), sum(amount_yuan) from marts.fact_expense group by 1"
            ).fetchall()
        )
        assert con.execute(
            "select typeof(amount_yuan) from read_parquet(?) limit 1", [parquet]
        ).fetchone() == ("DECIMAL(18,2)",)


def test_dim_document_reads_the_scrape_manifest(nine_pdf_warehouse):
    # the fixture recorded two fetches of one PDF in raw_scrape_manifest: the latest (current) one is shown
    rows = query(
        nine_pdf_warehouse,
        "select source_file, origin, scrape_source, source_url, post_url, cast(fetched_at as varchar), fetch_count "
        "from marts.dim_document where origin = 'scraped'",
    )
    assert rows == [
        (
            SCRAPED_PDF,
            "scraped",
            "putuo",
            SCRAPED_URL,
            "https://www.shpt.gov.cn/wanli/2025/post.html",
            "2026-03-08 08:00:00",
            2,
        )
    ]
    assert query(
        nine_pdf_warehouse, "select count(*) from marts.dim_document where origin = 'local_file'"
    ) == [(8,)]


def test_every_model_source_and_column_is_described(nine_pdf_warehouse):
    """What `dbt docs generate` shows a BI user: a description for every model (staging, intermediate, marts),
    every column it has in the warehouse, and every source table and column."""
    from orchestration.defs.project import dbt_project

    manifest = json.loads(Path(dbt_project().manifest_path).read_text(encoding="utf-8"))
    models = {node["name"]: node for node in manifest["nodes"].values() if node["resource_type"] == "model"}
    sources = {(node["schema"], node["name"]): node for node in manifest["sources"].values()}
    with duckdb.connect(str(nine_pdf_warehouse), read_only=True) as con:
        columns = con.execute(
            "select table_schema, table_name, column_name from information_schema.columns "
            "where table_schema in ('staging', 'marts', 'landing')"
        ).fetchall()
    undescribed = sorted(
        f"{schema}.{table}.{column}"
        for schema, table, column in columns
        if (node := models.get(table) if schema != "landing" else sources.get((schema, table))) is not None
        and not (node["columns"].get(column) or {}).get("description")
    )
    assert undescribed == []
    assert sorted(name for name, node in models.items() if not node["description"]) == []
    assert sorted(name for (_, name), node in sources.items() if not node["description"]) == []
    assert set(MARTS) <= set(models)
    # one yml per model, beside its SQL
    assert (
        sorted(
            name for name, node in models.items() if Path(node["patch_path"].split("://")[-1]).stem != name
        )
        == []
    )


def test_facts_flag_the_rows_of_failed_identities(nine_pdf_warehouse):
    """The publisher flag sits exactly on the rows of the identities the checks failed (the 1-yuan slips of
    上海市财政局 and 万里街道 are within the rounding allowance of their integer figures: no flag)."""
    flagged = query(
        nine_pdf_warehouse,
        """
        select doc.source_file, f.table_no, substring(f.subject_code, 1, 3), count(*), min(f.inconsistency_check_names)
        from marts.fact_expense as f
        inner join marts.dim_document as doc on doc.document_sha256 = f.document_sha256
        where f.has_publisher_inconsistency
        group by 1, 2, 3 order by 1, 2, 3
        """,
    )
    # 闵行区城运中心 2024 prints 208 as 1,616,095.40 in tables 1 and 4 but 1,616,095.00 in tables 3 and 5 (and 212
    # 0.40 the other way): every table-3 and table-5 leaf of 208 and 212, in both columns
    all_rows = dict(
        query(
            nine_pdf_warehouse,
            """
            select f.table_no || ':' || substring(f.subject_code, 1, 3), count(*) from marts.fact_expense as f
            inner join marts.dim_document as doc on doc.document_sha256 = f.document_sha256
            where doc.source_file = 'minhang_district_2024.pdf' group by 1
            """,
        )
    )
    assert flagged == [
        ("minhang_district_2024.pdf", table, code, all_rows[f"{table}:{code}"], check)
        for table, check in ((3, "table1_equals_table3"), (5, "table4_equals_table5"))
        for code in ("208", "212")
    ]
    # 安亭镇 2024 prints its table-2 合计 row in the wrong columns: every table-2 row takes part
    income = query(
        nine_pdf_warehouse,
        """
        select doc.source_file, count(*) filter (where f.has_publisher_inconsistency), count(*)
        from marts.fact_income as f
        inner join marts.dim_document as doc on doc.document_sha256 = f.document_sha256
        group by 1 having count(*) filter (where f.has_publisher_inconsistency) > 0
        """,
    )
    assert [(name, n) for name, n, total in income if n == total] == [("jiading_anting_2024.pdf", 12)]
    assert len(income) == 1
    # the summary lines compared with tables 3 and 5: 208 and 212 of tables 1 and 4
    assert query(
        nine_pdf_warehouse,
        """
        select f.table_no, f.line_key from marts.fact_budget_summary as f where f.has_publisher_inconsistency
        order by 1, 2
        """,
    ) == [(1, "208"), (1, "212"), (4, "208"), (4, "212")]
    # every check id a fact names is a failed check of its document
    assert query(
        nine_pdf_warehouse,
        """
        select count(*) from marts.fact_expense as f
        where f.has_publisher_inconsistency and not exists (
            select 1 from marts.fact_check_result as c
            where c.document_sha256 = f.document_sha256 and c.outcome = 'fail'
                and ',' || f.inconsistency_check_ids || ',' like '%,' || c.check_result_id || ',%'
        )
        """,
    ) == [(0,)]
