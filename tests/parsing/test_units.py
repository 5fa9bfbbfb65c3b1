"""单位 lines and conversion to yuan."""

from __future__ import annotations

from decimal import Decimal

import pytest

from orchestration.parsing.units import find_unit, to_yuan


@pytest.mark.parametrize(
    ("line", "unit"),
    [
        ("单位：元", "元"),
        ("单位:万元", "万元"),
        ("单位： 万元", "万元"),
        ("编制部门：上海市普陀区商务委员会 单位：元", "元"),
        ("编制单位：上海市财政局 单位:万元", "万元"),
        ("金额单位：元", "元"),
        ("编报单位:上海市嘉定区安亭镇城市运行管理中心", None),
        ("单位资金", None),
        ("单位：元/人", None),
    ],
)
def test_find_unit(line, unit):
    assert find_unit(line) == unit


def test_to_yuan_exact():
    assert to_yuan(Decimal("5715.29"), "万元") == Decimal("57152900.00")
    assert to_yuan(Decimal("66165252.88"), "元") == Decimal("66165252.88")
    assert to_yuan(Decimal("0.5"), "万元") == Decimal("5000.00")
    assert str(to_yuan(Decimal(189767551), "元")) == "189767551.00"


def test_a_figure_beyond_any_budget_is_refused_not_crashed():
    # found by fuzzing: a 400-digit cell escaped as decimal.InvalidOperation
    from orchestration.parsing import ParseError

    with pytest.raises(ParseError) as err:
        to_yuan(Decimal("9" * 400), "元")
    assert err.value.reason == "implausible_figure"
    with pytest.raises(ParseError):
        to_yuan(Decimal(1000000000000), "万元")  # 10^16 yuan
    assert to_yuan(Decimal("999999999999.99"), "万元") == Decimal("9999999999999900.00")
