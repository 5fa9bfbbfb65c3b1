"""Document metadata: golden values for every corpus file, and the rules behind them."""

from __future__ import annotations

import pytest

from orchestration.parsing import metadata
from orchestration.parsing.source import open_source

from .conftest import CORPUS_FILES
from .document_golden import load_golden, parsed, snapshot


@pytest.mark.parametrize(("subdir", "doc_id"), CORPUS_FILES)
def test_metadata_matches_golden(subdir, doc_id):
    assert snapshot(subdir, doc_id)["document"] == load_golden(subdir, doc_id)["document"]


@pytest.mark.parametrize("subdir", ["text", "pdf"])
def test_anting_department_is_the_unit_on_the_tables_not_the_filing_office(subdir):
    meta, _, _ = parsed(subdir, "jiading_anting_2024")
    # the title page says 预算主管部门: 嘉定区安亭镇财政所; every table says 编报单位: …城市运行管理中心
    assert meta.department == "上海市嘉定区安亭镇城市运行管理中心"
    assert (meta.district, meta.town, meta.level, meta.kind, meta.fiscal_year) == (
        "嘉定区",
        "安亭镇",
        "town",
        "department",
        2024,
    )


@pytest.mark.parametrize("doc_id", ["putuo_wanli_2024", "putuo_wanli_2025"])
def test_street_office_is_town_level(doc_id):
    meta, _, _ = parsed("real", doc_id)
    assert meta.department == "上海市普陀区人民政府万里街道办事处"
    assert (meta.district, meta.town, meta.level) == ("普陀区", "万里街道", "town")
    assert meta.fiscal_year == int(doc_id[-4:])


def test_city_unit_budget():
    meta, _, _ = parsed("real", "shanghai_finance_bureau_2025")
    assert (meta.department, meta.district, meta.town, meta.level, meta.kind) == (
        "上海市财政局",
        None,
        None,
        "city",
        "unit",
    )


def test_district_department_has_no_town():
    meta, _, _ = parsed("real", "putuo_gov_office_2025")
    assert (meta.department, meta.district, meta.town, meta.level) == (
        "上海市普陀区人民政府办公室",
        "普陀区",
        None,
        "district",
    )


@pytest.mark.parametrize(
    ("department", "title", "expected"),
    [
        ("上海市闵行区颛桥镇城市运行管理中心", "", ("闵行区", "颛桥镇")),
        ("上海市闵行区城市运行管理中心", "", ("闵行区", None)),
        ("上海市普陀区人民政府万里街道办事处", "", ("普陀区", "万里街道")),
        ("", "闵行区2024年区级部门预算", ("闵行区", None)),
        ("上海市财政局", "上海市2025年市级单位预算", (None, None)),
        # real town names the benchmark generator tripped over
        ("上海市浦东新区唐镇人民政府", "", ("浦东新区", "唐镇")),
        ("上海市崇明区堡镇城市运行管理中心", "", ("崇明区", "堡镇")),
        ("上海市普陀区真如镇街道办事处", "", ("普陀区", "真如镇街道")),
        ("上海市崇明区横沙乡人民政府", "", ("崇明区", "横沙乡")),
        ("上海市嘉定区城乡建设和管理委员会", "", ("嘉定区", None)),
        ("上海市青浦区城镇建设管理事务中心", "", ("青浦区", None)),
    ],
)
def test_place_of(department, title, expected):
    assert metadata.place_of(department, title) == expected


def test_unnamed_document_leaves_fields_empty(tmp_path):
    path = tmp_path / "untitled.txt"
    path.write_text("部门预算\n\n一、部门主要职能\n负责城市运行。\n", encoding="utf-8")
    with open_source(path) as source:
        meta = metadata.extract(source)
    assert (meta.department, meta.district, meta.town, meta.level, meta.fiscal_year) == (None,) * 5
    assert meta.kind == "department"
