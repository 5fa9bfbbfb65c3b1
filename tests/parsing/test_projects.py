"""Projects: golden sections and target grids for every corpus file, and grid reading."""

from __future__ import annotations

from decimal import Decimal

import pytest

from orchestration.parsing import projects
from orchestration.parsing.model import Indicator
from orchestration.parsing.source import open_source
from orchestration.parsing.target_grids import TargetGrid, TargetGridRow, read_grid

from .conftest import CORPUS_FILES
from .document_golden import load_golden, parsed, snapshot


@pytest.mark.parametrize(("subdir", "doc_id"), CORPUS_FILES)
def test_projects_match_golden(subdir, doc_id):
    assert snapshot(subdir, doc_id)["projects"] == load_golden(subdir, doc_id)["projects"]


@pytest.mark.parametrize(
    "doc_id", ["qingpu_liantang_2024", "minhang_district_2024", "minhang_zhuanqiao_2023"]
)
def test_text_and_pdf_of_one_disclosure_agree(doc_id):
    def found(subdir):
        _, _, projs = parsed(subdir, doc_id)
        return [
            (
                p.name,
                p.amount_yuan,
                p.total_amount_yuan,
                p.implementing_unit,
                p.period,
                [(i.level1, i.level2, i.level3, i.target) for i in p.indicators],
            )
            for p in projs
        ]

    assert found("text") == found("pdf")


def test_anting_text_and_pdf_agree_above_the_ocr_noise():
    # the indicator cells differ by OCR noise (see the golden notes); everything else agrees
    def found(subdir):
        _, _, projs = parsed(subdir, "jiading_anting_2024")
        return [(p.name, p.amount_yuan, p.total_amount_yuan, p.period, len(p.indicators) > 0) for p in projs]

    assert found("text") == found("pdf")
    assert found("pdf")[0] == (
        "2024年联勤队伍组建",
        Decimal("37151600.00"),
        None,
        "2024年1月1日至2024年12月31日",
        False,
    )


def test_liantang_project_joined_with_its_grid():
    _, _, projs = parsed("pdf", "qingpu_liantang_2024")
    assert [p.name for p in projs] == [
        "网格化手机月租费",
        "练塘镇联勤联动大队经费",
        "社区安保服务社经费",
        "市容环境综合管理服务社经费",
    ]
    phone = projs[0]
    # 单位：万元 above a column labelled 项目资金 (元): 27.6 is in 万元, as the section says
    assert phone.amount_yuan == phone.total_amount_yuan == Decimal("276000.00")
    assert phone.implementing_unit == "上海市青浦区练塘镇城市运行管理中心"
    assert phone.period == "2024. 1. 1-2024. 12. 31"
    assert (phone.page, phone.line) == (16, None)
    assert phone.indicators[0] == Indicator(
        "产出指标", "数量指标", "配套手机及公务号码", "=200.00(个)", page=17
    )
    # values printed in a block under the names
    team = projs[1]
    assert [(i.level3, i.target) for i in team.indicators] == [
        ("每日食堂就餐人数", "≥150.00(人)"),
        ("队伍长效运行机制", "健全"),
        ("事件处置及时性", "及时"),
        ("是否解决实际问题", "是"),
        ("部门协调机制健全性", "健全"),
        ("群众满意度", "≥80.00(%)"),
    ]


def test_grid_amount_in_yuan_preferred_to_section_wan():
    _, _, projs = parsed("text", "minhang_district_2024")
    (staff,) = projs
    assert staff.name == "政府雇员"
    assert staff.amount_yuan == Decimal("4630048.00")  # the section says 463.00 万元
    assert staff.line == 349
    assert len(staff.indicators) == 11
    assert staff.indicators[-1] == Indicator(
        "满意度指标", "服务对象满意度指标", "管理人员满意度", "≥90.00(%)", line=403
    )


def test_quarterly_plan_gives_no_amount_and_unnamed_section_no_name():
    _, _, projs = parsed("real", "putuo_wanli_2024")
    (building,) = projs
    assert building.name == ""
    assert building.amount_yuan is None
    assert building.page == 33


def test_real_sections_without_grids():
    _, _, projs = parsed("real", "putuo_commerce_2025")
    assert [(p.name, p.amount_yuan) for p in projs] == [
        ("科技创新专项", Decimal("17200000.00")),
        ("生命健康专项（政策资金）", Decimal("11700000.00")),
        ("商业创新专项（政策资金）", Decimal("14100000.00")),
        ("贸易高质量发展专项（政策资金）", Decimal("29210000.00")),
    ]
    assert all(p.indicators == [] and p.implementing_unit == "上海市普陀区商务委员会" for p in projs)
    _, _, none = parsed("real", "shanghai_finance_bureau_2025")
    assert none == []


def _grid(rows, unit_line=None):
    return read_grid(
        TargetGrid(rows=[TargetGridRow(r, None, n) for n, r in enumerate(rows, start=1)], unit_line=unit_line)
    )


def test_grid_fused_header_and_shifted_rows():
    grid = _grid(
        [
            ["项目名称", "网格化手机月租费", "项目性质", "经常性专项业务费"],
            ["项目资金 (元)", "项目资金总额", "27.6", "年度资金申请总额", "", "27.6"],
            ["", "一级指标", "二级指标", "三级指标 年度(/项目)指标值"],
            ["绩效指标", "产出指标", "数量指标", "配套手机及公务号码 =200.00(个)"],
            ["", "", "时效指标", "促进通讯畅通无阻 促进"],
            ["满意度指标", "服务对象满意度指标", "", "使用人员满意度 ≥90.00(%)"],
        ],
        unit_line="万元",
    )
    assert (grid.name, grid.unit, grid.annual_printed) == ("网格化手机月租费", "万元", "27.6")
    assert grid.yuan(grid.annual_printed) == Decimal("276000.00")
    assert [(i.level1, i.level2, i.level3, i.target) for i in grid.indicators] == [
        ("产出指标", "数量指标", "配套手机及公务号码", "=200.00(个)"),
        ("产出指标", "时效指标", "促进通讯畅通无阻", "促进"),
        ("满意度指标", "服务对象满意度指标", "使用人员满意度", "≥90.00(%)"),
    ]


def test_grid_blank_target_stays_blank_and_garbled_level1_is_inferred():
    grid = _grid(
        [
            ["项目名称", "平安家园建设", "项目类别", "专项资金"],
            ["项目资金 (万元)", "项目资金总额", "3214.87", "年度资金申请总额", "3214.87"],
            ["一级指标", "二级指标", "三级指标", "年度(项目)指标值"],
            ["绩效指标", "产出指标", "数量指标", "服务进度", "≥99.00(件)"],
            ["", "时效指标", "计划完成与实效", "", ""],
            ["", "社会效益指标", "秩序稳定情况", "稳定"],
            ["两 意 度", "服务对象满意 度指标", "有关部门满意度", "≥90.00 (%)"],
            ["备注", "", ""],
            ["填报单位负责人(签名)", "", ""],
        ]
    )
    assert grid.unit == "万元" and grid.yuan(grid.total_printed) == Decimal("32148700.00")
    assert [(i.level1, i.level2, i.level3, i.target) for i in grid.indicators] == [
        ("产出指标", "数量指标", "服务进度", "≥99.00(件)"),
        ("产出指标", "时效指标", "计划完成与实效", None),
        ("效益指标", "社会效益指标", "秩序稳定情况", "稳定"),
        ("满意度指标", "服务对象满意度指标", "有关部门满意度", "≥90.00 (%)"),
    ]


def test_grid_amounts_split_over_cells_in_yuan():
    grid = _grid(
        [
            ["项目名称", "", "", "文明城区日", "常整治", ""],
            ["项目总预算((元)", "26299300", "项目当年", "预算(元)", "4852000", ""],
            ["开始时间", "2024年1月1日", "结束时间", "", "2024年12月31日"],
        ]
    )
    assert grid.name == "文明城区日常整治"
    assert (grid.unit, grid.yuan(grid.total_printed), grid.yuan(grid.annual_printed)) == (
        "元",
        Decimal("26299300.00"),
        Decimal("4852000.00"),
    )
    assert (grid.start, grid.end) == ("2024年1月1日", "2024年12月31日")


def test_section_amount_in_wan_without_yuan(tmp_path):
    path = tmp_path / "doc.txt"
    path.write_text(
        "科技创新专项经费情况说明\n一、项目概述\n加快推动企业创新。\n三、实施主体\n上海市普陀区商务委员会\n"
        "五、实施周期\n2025.1.1-2025.12.31\n六、年度预算安排\n"
        "2025年度项目总预算1720.00万，其中各级企业技术中心1720.00万。\n七、绩效目标\n详见表格\n",
        encoding="utf-8",
    )
    with open_source(path) as source:
        (found,) = projects.extract(source)
    assert (found.name, found.amount_yuan, found.period, found.implementing_unit, found.line) == (
        "科技创新专项",
        Decimal("17200000.00"),
        "2025.1.1-2025.12.31",
        "上海市普陀区商务委员会",
        1,
    )


def test_funding_sources_are_read_on_the_side_of_their_column():
    # 其他资金 is printed under both the total (left) and the year's amount (right)
    grid = _grid(
        [
            ["项目名称", "示例项目", "项目类别", "经常性项目"],
            ["项目资金 (元)", "项目资金总额", "100", "年度资金申请总额", "60"],
            ["", "其中：财政资金", "90", "其中：当年财政拨款", "50"],
            ["", "", "", "上年结转资金", "4"],
            ["", "其他资金", "10", "其他资金", "6"],
        ]
    )
    assert [(a.role, a.printed) for a in grid.amounts] == [
        ("total", "100"),
        ("annual", "60"),
        ("total_fiscal", "90"),
        ("annual_fiscal", "50"),
        ("annual_carryover", "4"),
        ("total_other", "10"),
        ("annual_other", "6"),
    ]
    # a label with nothing printed right of it before the next label gives no amount
    blank = _grid(
        [
            ["项目资金 (元)", "项目资金总额", "5", "年度资金申请总额", "5"],
            ["", "其他资金", "", "其他资金", ""],
        ]
    )
    assert [(a.role, a.printed) for a in blank.amounts] == [("total", "5"), ("annual", "5")]


def test_sub_projects_of_the_year_and_section_sources():
    _, _, projs = parsed("pdf", "jiading_anting_2024")
    platform = next(p for p in projs if p.name == "安哥亭镇城市运行一网统管平台")
    # p. 24: 项目总预算 2754000, 项目当年预算 137000, 当年投入资金构成 2740000 + 14000
    assert [(a.role, a.label, a.amount_yuan, a.page) for a in platform.amounts] == [
        ("total", "项目总预算。", Decimal("2754000.00"), 24),
        ("annual", "项目当年预算", Decimal("137000.00"), 24),
        ("component", "平台设计开发费", Decimal("2740000.00"), 24),
        ("component", "审价服务费", Decimal("14000.00"), 24),
    ]
    team = projs[0]
    # p. 16: 年初总预算3715.16万元,资金来源镇财政一般公共预算3369.87万元,其他代管资金345.29万元
    assert [(a.role, a.printed, a.unit) for a in team.amounts] == [
        ("section_budget", "3715.16", "万元"),
        ("section_source", "3369.87", "万元"),
        ("section_source", "345.29", "万元"),
    ]
    _, _, commerce = parsed("real", "putuo_commerce_2025")
    # p. 24: 其中 parts, then their 合计 printed again (not a part)
    assert [(a.role, a.printed) for a in commerce[1].amounts] == [
        ("section_budget", "1170.00"),
        ("section_part", "870.00"),
        ("section_part", "70.00"),
        ("section_part", "180.00"),
        ("section_part", "50.00"),
    ]
