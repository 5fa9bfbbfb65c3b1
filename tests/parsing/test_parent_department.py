"""A unit budget's 预算主管部门: read where the document prints it, or where its name shows it.

Failure class: *unit without its department*. A 单位预算 whose 预算主管部门 is not read cannot be tied
to its department's 部门预算, and the warehouse counts the same yuan twice (issue 16). The real city
unit budgets print no 预算主管部门 line: five say it in the narrative (…是上海市水务局所属…), three
are a department's own 本级 unit under the department's name. District unit budgets print it on the
cover or in the table headers, or show it in the unit's name (…司法局本级, …（上海市普陀区司法局）).
"""

from __future__ import annotations

import pytest

from orchestration.parsing import metadata
from orchestration.parsing.source import open_source

from .conftest import CORPUS
from .document_golden import parsed

CITY = CORPUS / "city"


def meta_of(path):
    with open_source(path) as source:
        return metadata.extract(source)


@pytest.mark.parametrize(
    ("name", "department", "parent"),
    [
        # the narrative: "<unit>是<department>所属 / 下属 / 直属…"
        (
            "city_ocean_monitoring_2026",
            "上海市海洋监测预报中心",
            "上海市水务局",
        ),  # （上海市海洋局）: second name
        ("city_transport_college_2026", "上海交通职业技术学院", "上海市交通委员会"),
        ("city_veterans_service_2026", "上海市退役军人服务中心", "上海市退役军人事务局"),
        ("city_vocational_exam_2026", "上海市职业能力考试院", "上海市人力资源和社会保障局"),
        ("city_welfare_lottery_2026", "上海市福利彩票发行中心", "上海市民政局"),
        # "是市商务委所属": an abbreviation names no department we could match, so nothing is linked
        ("city_diamond_exchange_office_2026", "上海钻石宝玉石交易联合管理办公室", None),
        # a department's own unit budget under the department's name: its parent is itself
        ("city_audit_bureau_2026", "上海市审计局", None),
        ("city_data_bureau_2026", "上海市数据局", None),
    ],
)
def test_real_city_unit_budgets(name, department, parent):
    meta = meta_of(CITY / f"{name}.pdf")
    assert (meta.department, meta.kind, meta.parent_department) == (department, "unit", parent)


def test_finance_bureau_unit_budget_is_its_own_department():
    meta, _, _ = parsed("real", "shanghai_finance_bureau_2025")
    assert (meta.kind, meta.parent_department) == ("unit", None)


@pytest.mark.parametrize(
    ("subdir", "doc_id"), [("real", "putuo_commerce_2025"), ("text", "jiading_anting_2024")]
)
def test_department_budgets_have_no_parent(subdir, doc_id):
    # both print 预算主管部门 on the cover (安亭镇's names the town's 财政所): a 部门预算 has no parent
    meta, _, _ = parsed(subdir, doc_id)
    assert (meta.kind, meta.parent_department) == ("department", None)


NARRATIVE = "一、单位主要职能\n{body}\n二、单位机构设置\n本单位为全额拨款事业单位。\n"


@pytest.mark.parametrize(
    ("cover", "body", "department", "parent"),
    [
        # the cover prints both lines, in either order: the unit is the 预算单位
        (
            "预算单位：上海市普陀区公证处\n预算主管部门：上海市普陀区司法局",
            "负责公证。",
            "上海市普陀区公证处",
            "上海市普陀区司法局",
        ),
        (
            "预算主管部门：普陀区司法局\n预算单位：上海市普陀区公证处",
            "负责公证。",
            "上海市普陀区公证处",
            "普陀区司法局",
        ),
        # a table header line: 主管部门：… beside 编制单位：…
        (
            "预算单位：上海市普陀区公证处",
            "编制单位：上海市普陀区公证处 主管部门：上海市普陀区司法局 单位：元",
            "上海市普陀区公证处",
            "上海市普陀区司法局",
        ),
        # the name shows it
        ("预算单位：上海市普陀区司法局本级", "负责。", "上海市普陀区司法局本级", "上海市普陀区司法局"),
        (
            "预算单位：上海市普陀区司法局（本级）",
            "负责。",
            "上海市普陀区司法局（本级）",
            "上海市普陀区司法局",
        ),
        ("预算单位：上海市普陀区司法局机关", "负责。", "上海市普陀区司法局机关", "上海市普陀区司法局"),
        (
            "预算单位：法律援助中心（上海市普陀区司法局）",
            "负责。",
            "法律援助中心（上海市普陀区司法局）",
            "上海市普陀区司法局",
        ),
        # a second name in brackets is the same body, not its department
        ("预算单位：上海市水务局(上海市海洋局)", "负责。", "上海市水务局(上海市海洋局)", None),
        # the narrative; a people's government is not a budget department
        (
            "预算单位：上海市普陀区公证处",
            "上海市普陀区公证处是上海市普陀区司法局下属事业单位。",
            "上海市普陀区公证处",
            "上海市普陀区司法局",
        ),
        ("预算单位：上海市某某中心", "上海市某某中心是上海市人民政府直属机构。", "上海市某某中心", None),
        # the cover's 主管部门 is the unit itself (上海市 prefix and spaces aside): no parent
        ("预算单位：上海市财政局\n预算主管部门：财政局", "负责。", "上海市财政局", None),
    ],
)
def test_parent_department_of_a_unit_budget(tmp_path, cover, body, department, parent):
    path = tmp_path / "unit.txt"
    path.write_text(f"普陀区2026年区级单位预算\n{cover}\n" + NARRATIVE.format(body=body), encoding="utf-8")
    meta = meta_of(path)
    assert (meta.department, meta.kind, meta.parent_department) == (department, "unit", parent)


def test_a_cover_naming_a_budget_unit_is_a_unit_budget(tmp_path):
    path = tmp_path / "unit.txt"
    path.write_text(
        "2026年预算\n预算单位：上海市普陀区公证处\n预算主管部门：上海市普陀区司法局\n", encoding="utf-8"
    )
    meta = meta_of(path)
    assert (meta.kind, meta.department, meta.parent_department) == (
        "unit",
        "上海市普陀区公证处",
        "上海市普陀区司法局",
    )


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("上海市普陀区司法局", "普陀区司法局"),
        ("普陀区司法局", "普陀区司法局"),
        ("上海市 普陀区 司法局", "普陀区司法局"),
        ("上海市水务局（上海市海洋局）", "水务局(上海市海洋局)"),
    ],
)
def test_organisation_name(name, expected):
    assert metadata.organisation_name(name) == expected
