"""Code resolution: columns, parent carry-over, 7-digit codes, fused code and name."""

from __future__ import annotations

from orchestration.parsing.codes import (
    LEVEL_KUAN,
    LEVEL_LEI,
    LEVEL_XIANG,
    CodeResolver,
    clean_name,
    is_total_label,
    split_fused,
    strip_ordinal,
)


def test_class_repeated_on_every_row():
    r = CodeResolver()
    assert r.resolve([(LEVEL_LEI, "208")], None) == "208"
    assert r.resolve([(LEVEL_LEI, "208"), (LEVEL_KUAN, "05")], None) == "20805"
    assert r.resolve([(LEVEL_LEI, "208"), (LEVEL_KUAN, "05"), (LEVEL_XIANG, "05")], None) == "2080505"


def test_child_prints_only_its_own_digits():
    r = CodeResolver()
    assert r.resolve([(LEVEL_LEI, "208")], None) == "208"
    assert r.resolve([(LEVEL_KUAN, "05")], None) == "20805"
    assert r.resolve([(LEVEL_XIANG, "05")], None) == "2080505"
    assert r.resolve([(LEVEL_XIANG, "06")], None) == "2080506"
    assert r.resolve([(LEVEL_LEI, "210")], None) == "210"
    assert r.resolve([(LEVEL_KUAN, "11")], None) == "21011"
    assert r.resolve([(LEVEL_XIANG, "02")], None) == "2101102"


def test_seven_digit_code_in_one_column():
    r = CodeResolver()
    assert r.resolve([(None, "2080505")], None) == "2080505"
    assert r.resolve([(None, "20805")], None) == "20805"
    assert r.resolve([(None, "208")], None) == "208"


def test_code_fused_with_name():
    assert split_fused("20 执法办案") == ("20", "执法办案")
    assert split_fused("05 机关事业单位基本养老保险缴费支出") == ("05", "机关事业单位基本养老保险缴费支出")
    assert split_fused("执法办案") == (None, "执法办案")
    r = CodeResolver()
    code, _ = r.resolve([(LEVEL_LEI, "204"), (LEVEL_KUAN, "02")], "20"), None
    assert code == "2040220"


def test_economic_codes_stop_at_kuan():
    r = CodeResolver(max_level=LEVEL_KUAN)
    assert r.resolve([(LEVEL_LEI, "301")], None) == "301"
    assert r.resolve([(LEVEL_LEI, "301")], "01") == "30101"
    assert r.resolve([(LEVEL_KUAN, "02")], None) == "30102"


def test_orphan_child_without_parent_has_no_code():
    assert CodeResolver().resolve([(LEVEL_XIANG, "05")], None) is None


def test_names_and_ordinals():
    assert strip_ordinal("一、社会保障和就业支出") == "社会保障和就业支出"
    assert strip_ordinal("1. 一般公共预算资金") == "一般公共预算资金"
    assert strip_ordinal("1、一般公共预算资金") == "一般公共预算资金"
    assert strip_ordinal("二十二、其他支出") == "其他支出"
    assert strip_ordinal("7. AV // AV") == "7. AV // AV"  # OCR noise is not an ordinal
    assert clean_name("机关事业单位基本养老保险缴\n费支出") == "机关事业单位基本养老保险缴费支出"
    assert is_total_label("合 计") and is_total_label("收入总计") and not is_total_label("小计")
