"""Titles and header words: which table, which columns."""

from __future__ import annotations

import pytest

from orchestration.parsing.headers import is_header_row, read_columns, split_header
from orchestration.parsing.table_titles import find_titles, match_title


@pytest.mark.parametrize(
    ("line", "number"),
    [
        ("2024年部门财务收支预算总表", 1),
        ("# 2023年部门财务收支预算总表", 1),
        ("2024 年部门收入预算总表", 2),
        ("2025年部门支出预算总表", 3),
        ("2025年预算单位财政拨款收支预算总表", 4),
        ("2024年部门一般公共预算支出功能分类预算表", 5),
        ("2024年部门政府性基金预算支出功能分类预算表", 6),
        ("2024年部门国有资本经营预算支出功能分类预算表", 7),
        ("2024年部门一般公共预算基本支出部门预算经济分类预算表", 8),
        ("2024年部门一般公共预算基本支出经济分类预算表", 8),
        ("部门“三公”经费和机关运行经费预算表", 9),
        ('2024年部门"三公"经费和机关运行经费预算表', 9),
        ("2025年单位“三公”经费和机关运行经费预算表", 9),
        ("2025年部门支出预算总表（续）", 3),
        ("2025年部门收支预算总表", 1),
    ],
)
def test_titles(line, number):
    assert match_title(line) == number


@pytest.mark.parametrize(
    "line",
    [
        "5．2025年部门一般公共预算支出功能分类预算表………………………………",  # contents with leaders
        "详见2024年部门财务收支预算总表，其中收入预算6616.52万元。",  # a sentence citing it
        "财政项目支出绩效目标表",
        "部门预算01表",
        "附件2：2025年度项目支出绩效目标表",
    ],
)
def test_not_titles(line):
    assert match_title(line) is None


def test_header_rows_and_leaf_columns():
    rows = [
        ["项目", None, None, None, "支出预算", None, None],
        ["功能分类科目编\n码", None, None, "功能分类科目名称", "合计", "基本支出", "项目支出"],
        ["类", "款", "项", None, None, None, None],
        ["208", "", "", "社会保障和就业支出", "1.00", "1.00", ""],
    ]
    assert split_header(rows) == 3
    cols = read_columns(rows[:3], 7, 3)
    assert cols.name_col == 3
    assert cols.code_level == {0: 0, 1: 1, 2: 2}
    assert [cols.leaf[j] for j in cols.value_cols] == ["合计", "基本支出", "项目支出"]


def test_merged_three_level_header_of_table_9():
    header = [
        ["“三公”经费预算数", None, None, None, None, None, "机关运行经费预算\n数"],
        ["合计", "因公出国(境)费", "公务接待费", "公务用车购置及运行费", None, None, None],
        [None, None, None, "小计", "购置费", "运行费", None],
    ]
    cols = read_columns(header, 7, 9)
    assert [cols.leaf[j] for j in cols.value_cols] == [
        "合计",
        "因公出国(境)费",
        "公务接待费",
        "小计",
        "购置费",
        "运行费",
        "机关运行经费预算数",
    ]


def test_two_sided_tables_split_into_sections():
    header = [
        ["财政拨款收入", None, "财政拨款支出", None, None, None, None],
        ["项目", "预算数", "项目", "合计", "一般公共预算", "政府性基金预算", "国有资本经营预\n算"],
    ]
    cols = read_columns(header, 7, 4)
    assert cols.sections["income"] == (0, [1])
    label, values = cols.sections["expense"]
    assert label == 2 and [cols.leaf[j] for j in values] == [
        "合计",
        "一般公共预算",
        "政府性基金预算",
        "国有资本经营预算",
    ]


def test_header_row_detection():
    assert is_header_row(["类", "款", "项", "", ""])
    assert not is_header_row(["", "", "", "合计", "", ""])  # an empty 合计 row is body
    assert not is_header_row(["208", "", "", "社会保障和就业支出"])
    assert not is_header_row(["二、事业收入", "", "五、科学技术支出", ""])
    assert is_header_row(["功能", "分类科目编", "福码", "7. AV // AV 7.1 EL 7. T. F. T. F.", "支出预算"])


def test_title_wrapped_over_two_lines():
    lines = ["2024年部门一般公共预算基本支出部门预算经济分类", "预算表", "单位：元", "类\t款\t合计"]
    assert find_titles(lines) == [(0, 2, 8, "2024年部门一般公共预算基本支出部门预算经济分类预算表")]
    assert find_titles(["2024年部门支出预算总表", "单位：元"]) == [(0, 1, 3, "2024年部门支出预算总表")]
