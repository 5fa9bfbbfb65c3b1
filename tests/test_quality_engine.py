"""The identity engine on small documents: outcome rules, attribution, columns by meaning, one finding each.

The narrative figures come from the real narrative reader run on the sentences publishers print; the
table cells are written out as a parse gives them (code, name, column label as printed, printed string).
"""

from __future__ import annotations

from decimal import Decimal

from orchestration.parsing import narrative
from orchestration.parsing.source import open_source
from orchestration.quality.figures import DocumentFigures, Figure, TableMeta, _cell, _project, column_meaning
from orchestration.quality.identities import evaluate

D = Decimal


def cell(table, code, name, column, printed, page=10, section=None, unit="元"):
    wan = unit == "万元"
    amount = D(printed.replace(",", "")) * (10000 if wan else 1)
    return _cell(amount, printed, unit, page, None, table, section, code, name, column)


def document(tmp_path, narrative_text: str = "", cells=(), projects=()) -> DocumentFigures:
    doc = DocumentFigures("sha", "doc.txt", 2026, "unit")
    for t in range(1, 10):
        doc.tables[t] = TableMeta(t, "元", False, (10,))
    doc.cells = list(cells)
    if narrative_text:
        path = tmp_path / "doc.txt"
        path.write_text("2026年单位预算编制说明\n" + narrative_text, encoding="utf-8")
        with open_source(path) as source:
            for f in narrative.extract(source):
                if f.key:
                    doc.narrative.append(
                        (f.key, Figure(f.amount_yuan, f.printed, f.unit, 5, f.line), f.scope)
                    )
    doc.projects = list(projects)
    return doc


def results(doc, check):
    return [r for r in evaluate(doc) if r.check == check]


def outcomes(doc, check):
    return [(r.subject, r.outcome) for r in results(doc, check)]


# Table 5 of a 2026 document: 204 公共安全支出 / 20406 司法 / 2040605 普法宣传 and 2040606 律师管理.
TABLE5 = [
    cell(5, "204", "公共安全支出", "合计", "1,542,900"),
    cell(5, "20406", "司法", "合计", "1,542,900"),
    cell(5, "2040605", "普法宣传", "合计", "1,242,900"),
    cell(5, "2040606", "律师管理", "合计", "300,000"),
    cell(5, None, "合计", "合计", "1,542,900"),
]


def test_a_class_label_in_any_order_is_compared_with_its_row_not_the_total(tmp_path):
    doc = document(
        tmp_path,
        "财政拨款支出主要内容如下：\n"
        "1.公共安全支出（204类）司法（06款）普法宣传（05项）124.29万元。\n"
        "2.公共安全支出（类204）司法（款20406）律师管理（项2040606）31.00万元。\n",
        TABLE5,
    )
    found = results(doc, "narrative_equals_tables")
    assert [(r.subject, r.outcome, r.table_no, r.subject_b, r.figure_b) for r in found] == [
        ("subject:公共安全支出(类204)司法(款20406)普法宣传(项2040605)", "pass", 5, "2040605", D("1242900")),
        ("subject:公共安全支出(类204)司法(款20406)律师管理(项2040606)", "fail", 5, "2040606", D("300000")),
    ]
    assert found[1].difference == D("10000.00") and found[1].allowance == D("50.5")


def test_a_figure_that_cannot_be_attributed_does_not_fail(tmp_path):
    cells = [
        cell(5, "201", "一般公共服务支出", "合计", "500,000"),
        cell(5, "20101", "人大事务", "合计", "200,000"),
        cell(5, "2010102", "一般行政管理事务", "合计", "200,000"),
        cell(5, "20103", "政府办公厅(室)及相关机构事务", "合计", "300,000"),
        cell(5, "2010302", "一般行政管理事务", "合计", "300,000"),
    ]
    doc = document(
        tmp_path,
        "（三）关于2026年一般公共预算财政拨款支出情况说明\n"
        "1.“一般行政管理事务”科目99.00万元。\n"  # two rows bear the name, printing different figures
        "2.“人大事务（款）一般行政管理事务（项）”科目20.00万元。\n"  # its parent says which: compared
        "3.“会议费”科目12.00万元。\n"  # no row of that name
        "4.“商品和服务支出”科目40.00万元。\n",  # an economic class outside basic spending
        cells,
    )
    found = {r.subject: r for r in results(doc, "narrative_equals_tables")}
    ambiguous = found["subject:一般行政管理事务"]
    assert ambiguous.outcome == "not_applicable"
    assert "names 2 rows of table 5 (2010102, 2010302) printing different figures" in ambiguous.message
    assert found["subject:人大事务(款)一般行政管理事务(项)"].outcome == "pass"
    assert found["subject:会议费"].outcome == "not_applicable"
    assert found["subject:商品和服务支出"].outcome == "not_applicable"
    assert "economic class" in found["subject:商品和服务支出"].message
    assert not [r for r in evaluate(doc) if r.outcome == "fail"]


def test_fiscal_appropriations_add_up_the_general_budget_and_government_fund_tables(tmp_path):
    cells = [
        cell(5, "229", "其他支出", "合计", "1,000,000"),
        cell(6, "229", "其他支出", "合计", "215,020,000"),
        cell(3, "229", "其他支出", "合计", "217,801,570"),  # with 其他收入: not the fiscal figure
        cell(2, None, "合计", "其他收入", "1,781,570"),
    ]
    doc = document(tmp_path, "财政拨款支出主要内容如下：\n1.“其他支出”科目21,602万元。\n", cells)
    (result,) = results(doc, "narrative_equals_tables")
    assert (result.outcome, result.figure_b, result.terms) == ("pass", D("216020000"), 2)


def test_a_narrative_printed_twice_gives_one_finding(tmp_path):
    paragraph = "支出预算16.00万元，其中：财政拨款支出预算16.00万元。\n"
    cells = [
        cell(1, None, "支出总计", "预算数", "154,290", section="expense"),
        cell(4, None, "支出总计", "合计", "154,290", section="expense"),
    ]
    doc = document(tmp_path, paragraph + "二、其他\n" + paragraph, cells)
    fails = [r for r in evaluate(doc) if r.outcome == "fail"]
    assert [(r.subject, r.table_no, r.difference) for r in fails] == [
        ("expense_total", 1, D("5710.00")),
        ("fiscal_expense_total", 4, D("5710.00")),
    ]


def test_columns_are_matched_by_meaning_however_the_parent_header_is_printed():
    assert column_meaning("支出预算 / 基本支出") == "基本支出"
    assert column_meaning("一般公共预算支出/基本支出") == "基本支出"
    assert column_meaning("支出预算基本支出") == "基本支出"
    assert column_meaning("事业单位经营收入") == "事业单位经营收入"
    assert column_meaning("基本支出 / 小计") == "基本支出"
    assert column_meaning("基本支出 / 人员经费") == "人员经费"
    doc = DocumentFigures("sha", "doc.pdf", 2026)
    doc.cells = [
        cell(3, "201", "一般公共服务支出", "支出预算 / 合计", "300"),
        cell(3, "201", "一般公共服务支出", "支出预算 / 基本支出", "100"),
        cell(3, "201", "一般公共服务支出", "支出预算 / 项目支出", "200"),
        cell(3, None, "合计", "支出预算 / 合计", "300"),
        cell(3, None, "合计", "支出预算 / 基本支出", "100"),
        cell(3, None, "合计", "支出预算 / 项目支出", "200"),
        cell(5, "201", "一般公共服务支出", "一般公共预算支出/合计", "300"),
        cell(5, "201", "一般公共服务支出", "一般公共预算支出基本支出", "100"),
        cell(5, "201", "一般公共服务支出", "一般公共预算支出/项目支出", "200"),
        cell(5, None, "合计", "一般公共预算支出/合计", "300"),
        cell(5, None, "合计", "一般公共预算支出基本支出", "100"),
        cell(5, None, "合计", "一般公共预算支出/项目支出", "200"),
        cell(8, None, "合计", "合计", "110"),
    ]
    found = evaluate(doc)
    table3_5 = [r for r in found if r.check == "table3_equals_table5"]
    assert {(r.subject, r.column, r.outcome) for r in table3_5} == {
        (key, column, "pass")
        for key in ("201", "合计")
        for column in ("支出预算 / 合计", "支出预算 / 基本支出", "支出预算 / 项目支出")
    }
    (basic,) = [r for r in found if r.check == "table8_equals_table5_basic"]
    assert (basic.outcome, basic.figure_b, basic.column_b) == ("fail", D("100"), "一般公共预算支出基本支出")


def test_rates_against_the_two_figures_they_compare(tmp_path):
    doc = document(
        tmp_path,
        "支出预算1,000.00万元，比上年增加100.00万元（11.11%）；其中：基本支出400.00万元，比上年减少20.00万元"
        "（-4.76%）；项目支出600.00万元，比上年增加120.00万元，增幅30.00%。\n"
        "1.“公共安全支出（类）司法（款）普法宣传（项）”124.29万元。2025年执行数为110.00万元，2026年预算安排"
        "124.29万元，比2025年执行数增加12.99%。\n"
        "2.“教育支出（类）其他教育支出（款）其他教育支出（项）”25.00万元。2025年执行数为0.00万元，2026年预算安排"
        "25.00万元，比2025年执行数增加100.00%。\n"
        "3.“文化旅游体育与传媒支出（类）体育（款）群众体育（项）”20.00万元。2025年预算数为16.00万元，2026年预算数为"
        "20.00万元，比2025年预算数增长25.00%。\n",
    )
    found = {r.subject: r for r in results(doc, "narrative_rates_match_figures")}
    assert {k: (r.outcome, r.figure_b) for k, r in found.items()} == {
        "expense_change_pct": ("pass", D("11.11")),
        "expense:基本支出:change_pct": ("pass", D("-4.76")),
        "expense:项目支出:change_pct": ("fail", D("25.00")),  # 120 / (600 − 120) = 25%, not 30%
        "subject:公共安全支出(类)司法(款)普法宣传(项):executed_change_pct": ("pass", D("12.99")),
        "subject:教育支出(类)其他教育支出(款)其他教育支出(项):executed_change_pct": ("not_applicable", None),
        "subject:文化旅游体育与传媒支出(类)体育(款)群众体育(项):budget:change_pct": ("pass", D("25.00")),
    }
    assert found["expense:项目支出:change_pct"].unit == "%"
    assert found["expense:项目支出:change_pct"].difference == D("5.00")
    assert (
        "a change from 0 has no rate"
        in found["subject:教育支出(类)其他教育支出(款)其他教育支出(项):executed_change_pct"].message
    )


def test_project_funds_against_table3_and_the_projects(tmp_path):
    cells = [cell(3, None, "合计", "项目支出", "52,951,000")]
    all_of_them = "编报绩效目标的项目2个，涉及项目预算资金4542.16万元，占年初项目总预算的100%。\n"
    projects = [
        _project("甲", 15, None, [_amount("annual", "项目当年预算", "45,421,600")]),
        _project("乙", 16, None, [_amount("annual", "项目当年预算", "7,529,400")]),
    ]
    doc = document(tmp_path, all_of_them, cells, projects)
    assert outcomes(doc, "performance_funds_equal_project_expense") == [
        ("performance_projects_amount", "fail")
    ]
    assert outcomes(doc, "performance_funds_equal_projects") == [("performance_projects_amount", "fail")]
    some = document(tmp_path, "编报绩效目标的项目9个，涉及项目预算资金1,887.00万元。\n", cells, projects)
    (result,) = results(some, "performance_funds_equal_project_expense")
    assert result.outcome == "not_applicable" and "is 35.64% of" in result.message
    assert outcomes(some, "performance_funds_equal_projects") == [
        ("performance_projects_amount", "not_applicable")
    ]
    more = document(tmp_path, "编报绩效目标的项目9个，涉及项目预算资金6,000.00万元。\n", cells)
    assert outcomes(more, "performance_funds_equal_project_expense") == [
        ("performance_projects_amount", "fail")
    ]


def _amount(role, label, printed, unit="元"):
    amount = D(printed.replace(",", "")) * (10000 if unit == "万元" else 1)
    return {"role": role, "label": label, "amount_yuan": amount, "printed": printed, "unit": unit, "page": 24}


def test_project_funding_sources_and_sub_projects_add_up(tmp_path):
    platform = _project(
        "一网统管平台",
        23,
        None,
        [
            _amount("annual", "年度资金申请总额", "137,000"),
            _amount("annual_fiscal", "当年财政拨款", "100,000"),
            _amount("annual_carryover", "上年结转资金", "30,000"),
            _amount("annual_other", "其他资金", "7,000"),
            _amount("total", "项目资金总额", "2,754,000"),
            _amount("total_fiscal", "财政资金", "2,700,000"),
            _amount("component", "平台设计开发费", "2,740,000"),
            _amount("component", "审价服务费", "14,000"),
        ],
    )
    team = _project(
        "联勤队伍组建",
        15,
        None,
        [
            _amount("section_budget", "年初总预算", "3715.16", "万元"),
            _amount("section_source", "资金来源镇财政一般公共预算", "3369.87", "万元"),
            _amount("section_source", "其他代管资金", "345.29", "万元"),
            _amount("section_part", "其中保安服务", "3000.00", "万元"),  # some parts only: never a failure
        ],
    )
    doc = document(tmp_path, projects=[platform, team])
    funding = results(doc, "project_funding_adds_up")
    assert [(r.subject, r.column, r.outcome) for r in funding] == [
        ("一网统管平台", "年度资金申请总额", "pass"),
        ("一网统管平台", "项目资金总额", "fail"),  # 2,754,000 ≠ 2,700,000 (其他资金 on this side not printed)
        ("联勤队伍组建", "年初总预算", "pass"),
        ("联勤队伍组建", "年初总预算", "not_applicable"),
    ]
    (components,) = results(doc, "project_components_add_up")
    assert (components.outcome, components.figure_a, components.figure_b) == (
        "fail",
        D("137000"),
        D("2754000"),
    )


def test_a_unit_budget_table1_split_against_tables_3_and_8():
    def doc_with(table5_basic):
        doc = DocumentFigures("sha", "doc.pdf", 2026, "unit")
        doc.cells = [
            cell(1, "208", "社会保障和就业支出", "合计", "100", section="expense"),
            cell(1, "208", "社会保障和就业支出", "人员经费", "60", section="expense"),
            cell(1, "208", "社会保障和就业支出", "公用经费", "30", section="expense"),
            cell(1, "208", "社会保障和就业支出", "项目支出", "10", section="expense"),
            cell(1, None, "支出总计", "合计", "100", section="expense"),
            cell(1, None, "支出总计", "人员经费", "60", section="expense"),
            cell(1, None, "支出总计", "公用经费", "30", section="expense"),
            cell(1, None, "支出总计", "项目支出", "10", section="expense"),
            cell(3, "208", "社会保障和就业支出", "基本支出", "90"),
            cell(3, None, "合计", "基本支出", "90"),
            cell(5, None, "合计", "基本支出", table5_basic),
            cell(8, None, "合计", "人员经费", "65"),
            cell(8, None, "合计", "公用经费", "30"),
        ]
        return doc

    assert outcomes(doc_with("90"), "table1_split_equals_tables_3_and_8") == [
        ("208", "pass"),
        ("合计", "pass"),
        ("支出总计", "fail"),  # 人员经费 60 in table 1, 65 in table 8
        ("支出总计", "pass"),
    ]
    # some basic spending is not general budget (table 5's is smaller): table 8 cannot be compared
    assert outcomes(doc_with("80"), "table1_split_equals_tables_3_and_8")[2:] == [
        ("支出总计", "not_applicable"),
        ("支出总计", "not_applicable"),
    ]
