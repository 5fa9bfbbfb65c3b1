"""Layouts not in the corpus, written as small text documents: the same interpretation layer reads them."""

from __future__ import annotations

from decimal import Decimal

from orchestration.parsing import tables
from orchestration.parsing.interpret import interpret
from orchestration.parsing.source import open_source
from orchestration.parsing.text_tables import read_text_grids

HEAD_T = "| 项目 | 预算数 | 项目 | 预算数 |"
T1 = """2025年部门财务收支预算总表

{unit}

| 本年收入 | | 本年支出 | |
|---|---|---|---|
| 项目 | 预算数 | 项目 | 预算数 |
| 一、财政拨款收入 | 1234.50 | 一、社会保障和就业支出 | 1234.50 |
| 收入总计 | 1234.50 | 支出总计 | 1234.50 |
"""
# 7-digit codes in one column, header repeated on the continuation block.
T3 = """2025年部门支出预算总表

{unit}

| 科目编码 | 科目名称 | 合计 | 基本支出 | 项目支出 |
|---|---|---|---|---|
| 208 | 社会保障和就业支出 | 1234.50 | 1000.00 | 234.50 |
| 20805 | 行政事业单位养老支出 | 1234.50 | 1000.00 | 234.50 |

| 科目编码 | 科目名称 | 合计 | 基本支出 | 项目支出 |
|---|---|---|---|---|
| 2080505 | 机关事业单位基本养老保险缴费支出 | 1234.50 | 1000.00 | 234.50 |
| 合计 | | 1234.50 | 1000.00 | 234.50 |
"""
T2 = T3.replace("支出预算总表", "收入预算总表").replace("基本支出 | 项目支出", "财政拨款收入 | 其他收入")
T5 = T3.replace("支出预算总表", "一般公共预算支出功能分类预算表")
T8 = """2025年部门一般公共预算基本支出部门预算经济分类预算表

{unit}

| 科目编码 | 科目名称 | 合计 | 人员经费 | 公用经费 |
|---|---|---|---|---|
| 301 | 工资福利支出 | 1000.00 | 1000.00 | - |
| 30101 | 基本工资 | 1000.00 | 1000.00 | - |
| 合计 | | 1000.00 | 1000.00 | - |
"""
NARRATIVE = "四、部门预算编制说明\n\n2025年，本部门收入预算1234.50万元，支出预算1234.50万元。\n\n"


def _doc(tmp_path, unit="单位：万元", narrative=NARRATIVE, name="doc.txt"):
    body = "\n".join(t.format(unit=unit) for t in (T1, T2, T3, T5, T8))
    path = tmp_path / name
    path.write_text(narrative + body, encoding="utf-8")
    return path


def _extract(path):
    with open_source(path) as source:
        return tables.extract(source)


def test_seven_digit_codes_repeated_header_wan_two_decimals(tmp_path):
    _, cells = _extract(_doc(tmp_path))
    t3 = {(c.code, c.column): c for c in cells if c.table_no == 3}
    assert t3[("2080505", "项目支出")].amount_yuan == Decimal("2345000.00")
    assert t3[("2080505", "项目支出")].name == "机关事业单位基本养老保险缴费支出"
    assert t3[(None, "合计")].amount_yuan == Decimal("12345000.00")
    assert len(t3) == 12  # header repeated on the continuation is not read as data
    t8 = {(c.code, c.column): c for c in cells if c.table_no == 8}
    # a dash stands in a figure's place and prints none: no cell, as for a blank (issue 14)
    assert ("30101", "公用经费") not in t8 and t8[("30101", "人员经费")].amount_yuan == Decimal("10000000.00")
    t1 = [c for c in cells if c.table_no == 1 and c.section == "expense" and c.name == "社会保障和就业支出"]
    assert t1[0].code == "208"  # 类 code found by name in the functional tables


def test_no_unit_line_inferred_from_narrative_totals(tmp_path):
    infos, cells = _extract(_doc(tmp_path, unit="编制部门：某单位"))
    t1 = next(t for t in infos if t.table_no == 1)
    assert t1.unit == "万元" and t1.unit_inferred and "narrative" in t1.unit_evidence
    t8 = next(t for t in infos if t.table_no == 8)
    assert t8.unit == "万元" and t8.unit_inferred
    assert [c.amount_yuan for c in cells if c.table_no == 8 and c.code == "301" and c.column == "合计"] == [
        Decimal("10000000.00")
    ]


def test_no_unit_and_no_evidence_refuses_the_tables(tmp_path):
    infos, cells = _extract(_doc(tmp_path, unit="编制部门：某单位", narrative=""))
    assert cells == []
    for info in infos:
        assert info.unit is None and not info.unit_inferred
        assert "refused" in info.unit_evidence


def test_narrative_disagreeing_with_total_does_not_infer(tmp_path):
    narrative = "2025年，本部门收入预算999.00万元，支出预算999.00万元。\n\n"
    infos, cells = _extract(_doc(tmp_path, unit="", narrative=narrative))
    assert cells == [] and all(t.unit is None for t in infos)


def test_tab_separated_fused_codes_and_parent_carry_over(tmp_path):
    path = tmp_path / "tabs.txt"
    path.write_text(
        "2023年部门支出预算总表\n\n单位：元\n\n"
        "功能分类科目编码\t\t功能分类科目名称\t合计\t基本支出\t项目支出\n"
        "类\t款\t\t\t\t\n"
        "204\t\t公共安全支出\t10.00\t\t10.00\n"
        "\t02\t公安\t10.00\t\t10.00\n"
        "\t\t20 执法办案\t10.00\t\t10.00\n"
        "合计\t\t\t10.00\t\t10.00\n",
        encoding="utf-8",
    )
    with open_source(path) as source:
        (grid,) = read_text_grids(source)
    records = interpret(grid)
    assert {(r.code, r.name, r.column) for r in records} == {
        (code, name, col)
        for code, name in (
            ("204", "公共安全支出"),
            ("20402", "公安"),
            ("2040220", "执法办案"),
            (None, "合计"),
        )
        for col in ("合计", "项目支出")
    }
    assert {r.line for r in records if r.code == "2040220"} == {9}


def _strip_vertical_rules(src, pages, dest):
    """The pages of a real PDF with every vertical rule removed: a frame of horizontal rules only."""
    import pikepdf

    with pikepdf.open(src) as pdf:
        out = pikepdf.new()
        for n in pages:
            page = pdf.pages[n - 1]
            ops = []
            for operands, op in pikepdf.parse_content_stream(page):
                if str(op) == "re" and abs(float(operands[2])) < 2 and abs(float(operands[3])) > 2:
                    operands = [0, 0, 0, 0]
                ops.append((operands, op))
            page.Contents = pdf.make_stream(pikepdf.unparse_content_stream(ops))
            out.pages.append(page)
        out.save(dest)
    return dest


def test_pdf_ruled_by_horizontal_lines_only(tmp_path, extract_corpus):
    from orchestration.parsing.pdf_tables import read_pdf_grids

    from .conftest import corpus_path

    # Table 3 of 普陀区万里街道 2025 (pages 14-18: landscape, no repeated header, 合计 alone on page 18).
    path = _strip_vertical_rules(corpus_path("real", "putuo_wanli_2025"), range(14, 19), tmp_path / "h.pdf")
    with open_source(path) as source:
        assert not any(p.plumber.find_tables() for p in source.pages)  # line strategy finds nothing
        (grid,) = read_pdf_grids(source)
    got = {(r.code, r.name, r.column, r.printed, r.page + 13) for r in interpret(grid)}
    _, cells = extract_corpus("real", "putuo_wanli_2025")
    want = {(c.code, c.name, c.column, c.printed, c.page) for c in cells if c.table_no == 3}
    assert got == want
    assert len(want) == 201


def _grid_records(tmp_path, text):
    path = tmp_path / "t.txt"
    path.write_text(text, encoding="utf-8")
    with open_source(path) as source:
        grids = read_text_grids(source)
    return grids, [r for g in grids for r in interpret(g)]


def test_unit_printed_inside_the_frame_and_item_column(tmp_path):
    text = (
        "2025年部门支出预算总表\n\n"
        "| 单位：万元 | | | |\n|---|---|---|---|\n"
        "| 项目 | 合计 | 基本支出 | 项目支出 |\n"
        "| 2080505 机关事业单位基本养老保险缴费支出 | 1.50 | 1.50 | |\n"
        "| 合计 | 1.50 | 1.50 | |\n"
    )
    with_unit = tmp_path / "u.txt"
    with_unit.write_text(text, encoding="utf-8")
    with open_source(with_unit) as source:
        (grid,) = tables.read_grids(source)
    assert grid.unit == "万元"
    records = interpret(grid)
    assert {(r.code, r.name, r.column, r.printed) for r in records} == {
        ("2080505", "机关事业单位基本养老保险缴费支出", "合计", "1.50"),
        ("2080505", "机关事业单位基本养老保险缴费支出", "基本支出", "1.50"),
        (None, "合计", "合计", "1.50"),
        (None, "合计", "基本支出", "1.50"),
    }


def test_page_footer_and_repeated_title_inside_a_text_table(tmp_path):
    head = "类\t款\t项\t科目名称\t合计\t基本支出\t项目支出\n"
    text = (
        "2025年部门一般公共预算支出功能分类预算表\n单位：元\n"
        + head
        + "208\t\t\t社会保障和就业支出\t3.00\t3.00\t\n"
        + "\t05\t\t行政事业单位养老支出\t3.00\t3.00\t\n"
        + "— 7 —\n"
        + "\t\t05\t机关事业单位基本养老保险缴费支出\t2.00\t2.00\t\n"
        + "2025年部门一般公共预算支出功能分类预算表（续）\n单位：元\n"
        + head
        + "\t\t06\t机关事业单位职业年金缴费支出\t1.00\t1.00\t\n"
        + "合计\t\t\t\t3.00\t3.00\t\n"
    )
    path = tmp_path / "t.txt"
    path.write_text(text, encoding="utf-8")
    with open_source(path) as source:
        grids = tables.read_grids(source)
    assert len(grids) == 1
    codes = [r.code for r in interpret(grids[0]) if r.column == "合计"]
    assert codes == ["208", "20805", "2080505", "2080506", None]


def test_a_figure_with_no_row_name_is_still_reported(tmp_path):
    _, records = _grid_records(
        tmp_path,
        "2025年部门支出预算总表\n单位：元\n"
        "| 类 | 款 | 项 | 科目名称 | 合计 | 基本支出 | 项目支出 |\n"
        "| 208 | | | | 5.00 | 5.00 | |\n",
    )
    assert {(r.code, r.name, r.column) for r in records} == {("208", "", "合计"), ("208", "", "基本支出")}


def test_unit_on_the_title_line(tmp_path):
    grids, records = _grid_records(
        tmp_path,
        "2025年部门支出预算总表        单位：万元\n"
        "| 类 | 款 | 项 | 科目名称 | 合计 | 基本支出 | 项目支出 |\n"
        "| 208 | | | 社会保障和就业支出 | 5.00 | 5.00 | |\n",
    )
    assert grids[0].title == "2025年部门支出预算总表" and grids[0].unit == "万元"
    assert len(records) == 2


def test_table_9_unit_inferred_from_its_narrative_total(tmp_path):
    # 练塘镇 2024 prints "2024年“三公”经费预算数为0.5万元" and table 9 合计 0.50; drop its 单位 line.
    from .conftest import corpus_path

    text = corpus_path("text", "qingpu_liantang_2024").read_text(encoding="utf-8")
    path = tmp_path / "no_unit_t9.txt"
    path.write_text(text.replace("单位:万元\n", "", 1), encoding="utf-8")
    infos, cells = _extract(path)
    t9 = next(t for t in infos if t.table_no == 9)
    assert t9.unit == "万元" and t9.unit_inferred
    assert "three_public:total 0.50 万元" in t9.unit_evidence
    assert [c.amount_yuan for c in cells if c.table_no == 9 and c.column == "合计"] == [Decimal("5000.00")]
    # Without that sentence nothing else speaks for table 9 (the other tables are in 元): refused.
    path.write_text(
        text.replace("单位:万元\n", "", 1).replace("预算数为0.5万元", "预算数见上表"), encoding="utf-8"
    )
    infos, cells = _extract(path)
    t9 = next(t for t in infos if t.table_no == 9)
    assert t9.unit is None and "refused" in t9.unit_evidence
    assert not [c for c in cells if c.table_no == 9]
