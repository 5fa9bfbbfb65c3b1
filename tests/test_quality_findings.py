"""Reported checks on the whole corpus: every publisher inconsistency really printed, once, and nothing else.

Every finding below was verified on the page (docs/quality.md lists them). The warehouses are the real
main job's: the embedded corpus (4 seed PDFs + their 4 text extractions) and the nine PDFs (4 seed + 5
real). The eight 2026 city documents are run through the parser and the engine without a warehouse.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from orchestration.parsing import parse_document
from orchestration.parsing.units import half_unit
from orchestration.quality.figures import figures_from_parse
from orchestration.quality.identities import CHECKS, evaluate
from orchestration.quality.report import REPORT_NAME, findings_per_check
from tests.conftest import CORPUS, query
from tests.marts_conftest import build_nine_pdf_warehouse

FINDINGS_SQL = """
    select regexp_replace(source_file, '^.*/', ''), check_name, table_no, subject, column_label,
           figure_a_yuan, figure_b_yuan, difference_yuan, allowance_yuan, page_list, line_list
    from marts.fact_check_result where outcome = 'fail'
    order by 1, 2, 3, 4, 5
"""
D = Decimal
ANTING, DISTRICT, LIANTANG, WANLI = (
    "jiading_anting_2024.pdf",
    "minhang_district_2024.pdf",
    "qingpu_liantang_2024.pdf",
    "putuo_wanli_2024.pdf",
)
HOUSING_FUND = "subject:住房保障支出(类)住房改革支出(款)住房公积金(项)"
# (file, check, table, row, column, A, B, A − B, allowance, pages, lines): the 17 findings of the nine PDFs
SEED_PDF_FINDINGS = [
    # 安亭镇 2024 table 2 (p. 6): the 合计 row prints 5715.29 under 合计, 财政拨款收入 and 其他收入
    (
        ANTING,
        "total_column_equals_parts",
        2,
        "合计",
        "合计",
        D("57152900.00"),
        D("114305800.00"),
        D("-57152900.00"),
        D("150.0000"),
        "6",
        None,
    ),
    (
        ANTING,
        "total_row_equals_classes",
        2,
        "合计",
        "其他收入",
        D("57152900.00"),
        D("3452900.00"),
        D("53700000.00"),
        D("250.0000"),
        "6",
        None,
    ),
    (
        ANTING,
        "total_row_equals_classes",
        2,
        "合计",
        "财政拨款收入",
        D("57152900.00"),
        D("53700000.00"),
        D("3452900.00"),
        D("250.0000"),
        "6",
        None,
    ),
    # 安亭镇 p. 14: 涉及项目预算资金4542.16万元,占年初项目总预算的100% — table 3 项目支出 (p. 7) and the six
    # projects printed (pp. 16–30) say 5295.10 万元
    (
        ANTING,
        "performance_funds_equal_project_expense",
        3,
        "performance_projects_amount",
        None,
        D("45421600.00"),
        D("52951000.00"),
        D("-7529400.00"),
        D("100.0000"),
        "7,14",
        None,
    ),
    (
        ANTING,
        "performance_funds_equal_projects",
        None,
        "performance_projects_amount",
        None,
        D("45421600.00"),
        D("52951000.00"),
        D("-7529400.00"),
        D("102.5000"),
        "14,16,19,21,24,26,29",
        None,
    ),
    # 安亭镇 p. 24: 一网统管平台 项目当年预算 137000 while its 当年投入资金构成 is 2740000 + 14000
    (
        ANTING,
        "project_components_add_up",
        None,
        "安哥亭镇城市运行一网统管平台",
        "项目当年预算",
        D("137000.00"),
        D("2754000.00"),
        D("-2617000.00"),
        D("1.5000"),
        "24",
        None,
    ),
    # 闵行区城市运行管理中心 2024: 208 is 1,616,095.40 in tables 1 and 4, 1,616,095.00 in tables 2, 3, 5; 212 the reverse
    (
        DISTRICT,
        "table1_equals_table3",
        1,
        "208",
        "预算数",
        D("1616095.40"),
        D("1616095.00"),
        D("0.40"),
        D("0.0100"),
        "6,8",
        None,
    ),
    (
        DISTRICT,
        "table1_equals_table3",
        1,
        "212",
        "预算数",
        D("14786148.00"),
        D("14786148.40"),
        D("-0.40"),
        D("0.0100"),
        "6,8",
        None,
    ),
    (
        DISTRICT,
        "table4_equals_table5",
        4,
        "208",
        "一般公共预算",
        D("1616095.40"),
        D("1616095.00"),
        D("0.40"),
        D("0.0100"),
        "9,10",
        None,
    ),
    (
        DISTRICT,
        "table4_equals_table5",
        4,
        "212",
        "一般公共预算",
        D("14786148.00"),
        D("14786148.40"),
        D("-0.40"),
        D("0.0100"),
        "9,10",
        None,
    ),
]
# 练塘镇 2024 narrative (p. 5) prints 6616.52 万元 for 66,165,252.88 元: cut, not rounded (6616.53)
SEED_PDF_FINDINGS += [
    (
        LIANTANG,
        "narrative_equals_tables",
        t,
        key,
        col,
        D("66165200.00"),
        D("66165252.88"),
        D("-52.88"),
        D("50.0050"),
        pages,
        None,
    )
    for key, t, col, pages in (
        ("expense_total", 1, "预算数", "5,6"),
        ("fiscal_expense_total", 4, "合计", "5,9"),
        ("fiscal_income_total", 4, "预算数", "5,9"),
        ("general_budget_expense_total", 4, "一般公共预算", "5,9"),
        ("income_total", 1, "预算数", "5,6"),
    )
]
REAL_PDF_FINDINGS = [
    # 万里街道 2024 p. 9 item 31: 住房公积金 "350.35万元 … 2023年当年预算执行数为348.52万元，2024年预算安排352.67万元，
    # 比2023年预算执行数增加0.53%"; table 5 (p. 26) prints 3,503,499 (the headline 350.35 matches it), and
    # 348.52 → 352.67 is +1.19%, not 0.53% (348.52 → 350.35 is)
    (
        WANLI,
        "narrative_budget_lines_equal_tables",
        5,
        f"{HOUSING_FUND}:budget",
        "合计",
        D("3526700.00"),
        D("3503499.00"),
        D("23201.00"),
        D("50.5000"),
        "9,26",
        None,
    ),
    (
        WANLI,
        "narrative_rates_match_figures",
        None,
        f"{HOUSING_FUND}:executed_change_pct",
        None,
        D("0.53"),
        D("1.19"),
        D("-0.66"),
        D("0.0100"),
        "9",
        None,
    ),
]
# The eight 2026 city unit budgets (no warehouse): every fail, verified on the page.
CITY_FINDINGS = [
    # p. 6 "自然资源海洋气象等支出"科目17374万元; table 5 (p. 13) 220 prints 173,746,137 (17374.61 万元, rounds
    # to 17375): cut, so that the four items add up to the printed 17883 万元
    (
        "city_ocean_monitoring_2026",
        "narrative_equals_tables",
        "subject:自然资源海洋气象等支出",
        D("173740000.00"),
        D("173746137"),
    ),
    # p. 6 "社会保障和就业支出"科目5,331万元; table 5 (p. 13) 208 prints 53,300,945 (5330.09 万元)
    (
        "city_veterans_service_2026",
        "narrative_equals_tables",
        "subject:社会保障和就业支出",
        D("53310000.00"),
        D("53300945"),
    ),
    # a layout, not a contradiction (the structure family, reported since it stopped blocking): 20809 退役安置
    # prints 30,604,344 with no 项 below it in tables 2, 3 and 5 (pp. 8, 10, 13)
    *[("city_veterans_service_2026", "parent_has_children", "20809 退役安置", D("30604344.00"), None)] * 3,
]


@pytest.fixture(scope="session")
def nine_pdf_warehouse(tmp_path_factory, worker_id) -> Path:
    return build_nine_pdf_warehouse(tmp_path_factory, worker_id)


def _sorted(rows):
    return sorted(rows, key=lambda r: tuple(str(v) for v in r[:5]))


def test_half_unit_is_half_the_last_printed_digit_in_yuan():
    assert half_unit("1,616,095.40", "元") == D("0.005")
    assert half_unit("5370.00", "万元") == D("50")
    assert half_unit("5370", "万元") == D("5000")
    assert half_unit("5, 370. 0", "万元") == D("500")
    assert half_unit("0", "元") == D("0.5")
    assert half_unit("38.83", "%") == D("0.005")


def test_seed_pdfs_report_exactly_the_printed_inconsistencies(nine_pdf_warehouse):
    findings = [
        r for r in query(nine_pdf_warehouse, FINDINGS_SQL) if not r[0].startswith(("putuo", "shanghai"))
    ]
    assert _sorted(findings) == _sorted(SEED_PDF_FINDINGS)


def test_real_pdfs_report_exactly_the_printed_inconsistencies(nine_pdf_warehouse):
    findings = [r for r in query(nine_pdf_warehouse, FINDINGS_SQL) if r[0].startswith(("putuo", "shanghai"))]
    assert findings == REAL_PDF_FINDINGS


def test_each_finding_once_and_no_figure_left_unread(nine_pdf_warehouse):
    # one result per pair of figures: no two fails of a check compare the same figure with the same cell
    pairs = query(
        nine_pdf_warehouse,
        "select source_file, check_name, figure_a_yuan, figure_b_yuan, table_no_b, subject_b, column_label_b "
        "from marts.fact_check_result where outcome = 'fail' group by all having count(*) > 1",
    )
    assert pairs == []
    # the figures a check needs are all found on the nine PDFs (columns by meaning, attribution by scope)
    assert query(
        nine_pdf_warehouse, "select count(*) from marts.fact_check_result where outcome = 'insufficient_data'"
    ) == [(0,)]


def test_text_extractions_report_the_same_findings_as_their_pdfs(embedded_warehouse):
    rows = query(
        embedded_warehouse, FINDINGS_SQL.replace("regexp_replace(source_file, '^.*/', '')", "source_file")
    )
    by_format = {
        fmt: sorted((r[0].split("/")[-1].rsplit(".", 1)[0], *r[1:8]) for r in rows if r[0].startswith(fmt))
        for fmt in ("pdf/", "text/")
    }
    assert len(by_format["pdf/"]) == 15
    assert by_format["text/"] == by_format["pdf/"]
    # the text twin points at its lines, the PDF at its pages
    assert {r[10] is not None for r in rows if r[0].startswith("text/")} == {True}


def test_the_report_counts_each_disclosure_once(embedded_warehouse):
    html = (embedded_warehouse.parent / REPORT_NAME).read_text(encoding="utf-8")
    assert "4 disclosures, 15 findings, 0 held back, 0 quarantined" in html
    # the text extraction is named under its PDF, not listed (or counted) again
    assert html.count('<h3 id="doc-') == 4
    assert "also read from <code>text/jiading_anting_2024.txt</code> (6 findings there" in html


def test_the_warn_check_of_each_identity_counts_each_finding_once(embedded_warehouse):
    with duckdb.connect(str(embedded_warehouse), read_only=True) as con:
        found = findings_per_check(con)
    broken = {check: f for check, f in found.items() if f.failed}
    assert len(broken) == 8 and sum(len(f.failed) for f in broken.values()) == 15
    assert all(f.outcomes["fail"] == len(f.failed) for f in found.values())
    assert {d for f in broken.values() for d in f.documents} == {
        "pdf/jiading_anting_2024.pdf",
        "pdf/minhang_district_2024.pdf",
        "pdf/qingpu_liantang_2024.pdf",
    }


def test_every_check_has_an_outcome_for_every_document(nine_pdf_warehouse):
    rows = query(
        nine_pdf_warehouse,
        "select source_file, count(distinct check_name), count(*) filter (where outcome not in "
        "('pass', 'fail', 'not_applicable', 'insufficient_data')) from marts.fact_check_result group by 1",
    )
    assert len(rows) == 9
    assert {(n, bad) for _, n, bad in rows} == {(len(CHECKS), 0)}


def test_a_figure_that_cannot_be_attributed_is_not_applicable_never_a_pass(nine_pdf_warehouse):
    # 颛桥镇 2023 (p. 4) lists fiscal spending by economic class (商品和服务支出 4933.79 万元 "…及各项专项资金
    # 支出": basic and project spending together), which no table prints: not applicable, with the reason
    rows = query(
        nine_pdf_warehouse,
        """
        select subject, outcome, figure_a_yuan, figure_b_yuan from marts.fact_check_result
        where source_file = 'minhang_zhuanqiao_2023.pdf' and check_name = 'narrative_equals_tables'
          and outcome <> 'pass' and figure_a_yuan <> 0 order by 1
        """,
    )
    assert rows == [
        ("subject:商品和服务支出", "not_applicable", D("49337900.00"), None),
        ("subject:对个人和家庭补助支出", "not_applicable", D("360.00"), None),  # printed 0.036 万元
        ("subject:工资及福利支出", "not_applicable", D("3649800.00"), None),
        ("subject:资本性支出", "not_applicable", D("10000.00"), None),
    ]
    # a comparison's pass carries both figures (a layout's pass, family structure, compares none)
    passes_without_figures = query(
        nine_pdf_warehouse,
        "select count(*) from marts.fact_check_result where outcome = 'pass' and check_family <> 'structure' "
        "and (figure_a_yuan is null or figure_b_yuan is null)",
    )
    assert passes_without_figures == [(0,)]


def test_table3_is_compared_with_table5_only_when_all_funds_are_general_budget(nine_pdf_warehouse):
    rows = query(
        nine_pdf_warehouse,
        "select source_file, min(outcome), max(outcome), any_value(message) from marts.fact_check_result "
        "where check_name = 'table3_equals_table5' group by 1 order by 1",
    )
    # 安亭镇 has 其他收入 (345.29 万元) beside its appropriations: tables 3 and 5 differ by design
    assert rows[0][:3] == ("jiading_anting_2024.pdf", "not_applicable", "not_applicable")
    assert "其他收入" in rows[0][3]
    assert {(r[1], r[2]) for r in rows[1:]} == {("pass", "pass")}


def test_the_dbt_warn_tests_list_the_engines_findings(nine_pdf_warehouse):
    audit = {
        table: query(nine_pdf_warehouse, f"select count(*) from audit.{table}")[0][0]
        for table in (
            "fact_check_result_tables_add_up",
            "fact_check_result_tables_agree",
            "fact_check_result_narrative_agrees_with_tables",
            "fact_check_result_projects_add_up",
            "fact_check_result_layout_as_usual",
        )
    }
    assert audit == {
        "fact_check_result_tables_add_up": 3,
        "fact_check_result_tables_agree": 4,
        "fact_check_result_narrative_agrees_with_tables": 7,
        "fact_check_result_projects_add_up": 3,
        "fact_check_result_layout_as_usual": 0,  # the nine lay out their tables as usual
    }


def test_the_report_lists_findings_per_document_with_pages(nine_pdf_warehouse):
    html = (nine_pdf_warehouse.parent / REPORT_NAME).read_text(encoding="utf-8")
    overview = html[html.index('<h2 id="overview">') : html.index('<h2 id="findings">')]
    # worst first: 安亭镇 (6 findings), 练塘镇 (5), 闵行区 (4), 万里街道 2024 (2), then the others
    order = [overview.index(f) for f in (ANTING, LIANTANG, DISTRICT, WANLI, "putuo_wanli_2025.pdf")]
    assert order == sorted(order)
    assert "上海市闵行区城市运行管理中心 · 部门预算 · 2024" in html
    assert "上海市财政局 · 单位预算 · 2025" in html
    assert "1,616,095.40" in html and "1,616,095.00" in html and "pp. 6, 8" in html
    assert "23,201.00" in html and "0.53%" in html and "1.19%" in html
    assert '<h2 id="quarantine">Quarantined files</h2>' in html and "No file was quarantined." in html
    for check in CHECKS:
        assert f"<code>{check.name}</code>" in html


def test_city_documents_report_only_what_the_pages_contradict():
    found = []
    for path in sorted((CORPUS / "city").glob("*.pdf")):
        doc = figures_from_parse(parse_document(path))
        found += [
            (path.stem, r.check, r.subject, r.figure_a, r.figure_b)
            for r in evaluate(doc)
            if r.outcome == "fail"
        ]
    assert len(list((CORPUS / "city").glob("*.pdf"))) == 8
    assert found == CITY_FINDINGS


def test_the_report_escapes_what_documents_print():
    from collections import Counter
    from datetime import datetime

    from orchestration.quality.report import DocumentSection, ReportData, render_report

    doc = DocumentSection("ab" * 32, "raw/<b>x</b>.pdf", "部门<script>", 2024, "unit", Counter(fail=1))
    doc.findings.append(
        {
            "check": "table9_parts",
            "outcome": "fail",
            "where_in_tables": "table 9 · total · 合计",
            "figure_a": "1.00",
            "figure_b": "2.00",
            "difference": "-1.00",
            "allowance": "0.01",
            "unit": "元",
            "where": "p. 3",
            "message": "<img src=x onerror=alert(1)>",
        }
    )
    quarantined = {
        "source_file": "raw/<i>y</i>.pdf",
        "reason": "not_pdf",
        "message": "a & b",
        "seen_at": "2026-01-01",
    }
    html = render_report(
        ReportData([doc], {"table9_parts": Counter(fail=1)}, [quarantined], datetime(2026, 1, 1))
    )
    assert "<script>" not in html and "<img" not in html and "<b>x</b>" not in html and "<i>y</i>" not in html
    assert "部门&lt;script&gt; · 单位预算 · 2024" in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "raw/&lt;i&gt;y&lt;/i&gt;.pdf" in html and "a &amp; b" in html and "not_pdf" in html
