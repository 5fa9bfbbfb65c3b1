"""A ``Disclosure`` laid out as a finance-bureau style PDF: title page, 目录, narrative,
the nine ruled tables (one per page, multi-row merged headers, a 单位 line), 其他相关情况说明
and one 项目经费情况说明 per project.

reportlab's built-in CID font ``STSong-Light`` renders Chinese with no font file, and
pdfplumber reads it back as Unicode. ``invariant=1`` makes the bytes a function of the
content only, so a seed gives the same files (and sha256s) on every run.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from bench import catalogue as cat
from bench.disclosure import WAN, Disclosure, to_wan

__all__ = ["FONT", "render_pdf"]

FONT = "STSong-Light"
MARGIN = 40
PAGE_WIDTH = A4[0] - 2 * MARGIN
TABLE_FONT_SIZE = 7.5
CODE_WIDTH = 26
VALUE_WIDTH = 62
NAME_MIN_WIDTH = 110

pdfmetrics.registerFont(UnicodeCIDFont(FONT))
_TITLE = ParagraphStyle("title", fontName=FONT, fontSize=15, leading=22, alignment=1, spaceAfter=6)
_COVER = ParagraphStyle(
    "cover", fontName=FONT, fontSize=22, leading=32, alignment=1, spaceBefore=180, spaceAfter=30
)
_HEAD = ParagraphStyle("head", fontName=FONT, fontSize=12, leading=18, spaceBefore=8, spaceAfter=4)
_BODY = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=16, wordWrap="CJK", firstLineIndent=20)
_LEFT = ParagraphStyle("left", fontName=FONT, fontSize=9, leading=13)
_RIGHT = ParagraphStyle("right", fontName=FONT, fontSize=9, leading=13, alignment=2)
_CELL = ParagraphStyle("cell", fontName=FONT, fontSize=TABLE_FONT_SIZE, leading=9.5, wordWrap="CJK")
_HCELL = ParagraphStyle("hcell", parent=_CELL, alignment=1)

TABLE_TITLES = {
    1: "部门财务收支预算总表",
    2: "部门收入预算总表",
    3: "部门支出预算总表",
    4: "部门财政拨款收支预算总表",
    5: "部门一般公共预算支出功能分类预算表",
    6: "部门政府性基金预算支出功能分类预算表",
    7: "部门国有资本经营预算支出功能分类预算表",
    8: "部门一般公共预算基本支出部门预算经济分类预算表",
    9: "部门“三公”经费和机关运行经费预算表",
}
# Income columns of table 2 and rows of table 1, per style; the last one takes other income.
INCOME_STYLES = {
    "repeat": (
        ["教育收费收入", "单位资金", "动用历年结转结余", "其他资金"],
        ["1. 一般公共预算", "2. 政府性基金预算", "3. 国有资本经营预算"],
    ),
    "child_only": (
        ["事业收入", "经营收入", "上级补助收入", "其他收入"],
        ["1. 一般公共预算资金", "2. 政府性基金", "3. 国有资本经营"],
    ),
    "fused": (
        ["事业收入", "事业单位经营收入", "其他收入"],
        ["1、一般公共预算资金", "2、政府性基金", "3. 国有资本经营预算"],
    ),
}
PURPOSES = {
    "208": "单位基本养老保险缴费支出和单位职业年金缴费支出",
    "210": "单位职工基本医疗保险缴费",
    "221": "按规定为职工缴纳的住房公积金",
}


# --- figures --------------------------------------------------------------------------------


def _fmt(d: Disclosure, yuan: Decimal, unit: str | None = None, zero: str = "") -> str:
    """A figure as the document prints it in ``unit`` (blank, or ``zero``, when nothing)."""
    if not yuan:
        return zero
    value = yuan / (WAN if (unit or d.unit) == "万元" else 1)
    value = value.quantize(Decimal("0.01"))
    return f"{value:,.2f}" if d.comma else f"{value:.2f}"


def _wan(yuan: Decimal) -> str:
    """A narrative 万元 figure: two decimals, trailing zeros kept as most documents print them."""
    return f"{to_wan(yuan):f}"


# --- grids ------------------------------------------------------------------------------------


def _grid(header: list[list], body: list[list], widths: list[float], spans: list, right_from: int) -> Table:
    """A ruled table; header cells wrap and centre, figures (columns ≥ ``right_from``) align right."""
    wrap = [[Paragraph(c, _HCELL) if isinstance(c, str) and c else c for c in row] for row in header]
    rows = [
        [
            Paragraph(c, _CELL) if isinstance(c, str) and j < right_from and len(c) > 6 else c
            for j, c in enumerate(r)
        ]
        for r in body
    ]
    table = Table(wrap + rows, colWidths=widths, repeatRows=len(header))
    style = [
        ("FONT", (0, 0), (-1, -1), FONT, TABLE_FONT_SIZE),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (right_from, len(header)), (-1, -1), "RIGHT"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    style += [("SPAN", a, b) for a, b in spans]
    table.setStyle(TableStyle(style))
    return table


def _name_width(n_codes: int, n_values: int) -> float:
    return max(NAME_MIN_WIDTH, PAGE_WIDTH - n_codes * CODE_WIDTH - n_values * VALUE_WIDTH)


def _classified(
    d: Disclosure, group: str, labels: list[str], values, rows_of, economic: bool = False
) -> Table:
    """Tables 2/3/5 (functional) and 8 (economic): header, hierarchy rows, 合计 row, per layout.

    ``rows_of`` is a list of (code, name, [figures]) leaves; parents are summed here.
    """
    layout = d.layout
    levels = 2 if economic else 3
    n_codes = levels - 1 if layout == "fused" else levels
    code_words = ["类", "款", "项"][:n_codes]
    n_values = len(labels)
    width = n_codes + 1 + n_values
    code_title = "部门预算经济分类科目编码" if economic else "功能分类科目编码"
    name_title = "经济分类科目名称" if economic else "功能分类科目名称"
    nc = n_codes
    if layout == "child_only":  # two header rows, no 项目 banner
        header = [
            [code_title] + [""] * (nc - 1) + [name_title, group] + [""] * (n_values - 1),
            code_words + [""] + labels,
        ]
        spans = [((0, 0), (nc - 1, 0)), ((nc, 0), (nc, 1)), ((nc + 1, 0), (width - 1, 0))]
    else:
        header = [
            ["项目"] + [""] * nc + [group] + [""] * (n_values - 1),
            [code_title] + [""] * (nc - 1) + [name_title] + labels,
            code_words + [""] * (1 + n_values),
        ]
        spans = [((0, 0), (nc, 0)), ((nc + 1, 0), (width - 1, 0)), ((nc, 1), (nc, 2))]
        if nc > 1:
            spans.append(((0, 1), (nc - 1, 1)))
        spans += [((j, 1), (j, 2)) for j in range(nc + 1, width)]
    # parents
    sums: dict[str, list[Decimal]] = {}
    names: dict[str, str] = {}
    for code, name, figures in rows_of:
        prefixes = [code[:3], code[:5]] + ([code] if len(code) == 7 else [])
        for p in prefixes[:levels]:
            acc = sums.setdefault(p, [Decimal(0)] * n_values)
            sums[p] = [a + f for a, f in zip(acc, figures)]
        names[code] = name
    for p in sums:
        if len(p) == 3:
            names[p] = cat.ECONOMIC[p][0] if economic else cat.CLASSES[p]
        elif len(p) == 5 and not economic:
            names[p] = cat.SECTIONS[p]
    body: list[list] = []
    total = [sum((sums[p][k] for p in sums if len(p) == 3), Decimal(0)) for k in range(n_values)]
    total_row = [_fmt(d, v) for v in total]
    for code in sorted(sums):
        lei, kuan, xiang = code[:3], code[3:5], code[5:7]
        figures = [_fmt(d, v) for v in sums[code]]
        name = names[code]
        if layout == "repeat":
            codes = [lei, kuan, xiang][:nc]
        elif layout == "child_only":
            codes = ["" if len(code) != 3 else lei, kuan if len(code) == 5 else "", xiang][:nc]
        else:  # fused: the deepest level's digits go in front of the name
            deepest = levels * 2 + 1
            if len(code) == deepest:
                codes = [lei, kuan][:nc] if not economic else [lei]
                name = f"{(xiang if not economic else kuan)} {name}"
            else:
                codes = [lei, kuan if len(code) == 5 else ""][:nc]
        body.append(codes + [name] + figures)
    spans_body = []
    if layout == "child_only":
        body.insert(0, [""] * nc + ["合计"] + total_row)
    else:
        body.append(["合计"] + [""] * nc + total_row)
        r = len(header) + len(body) - 1
        spans_body.append(((0, r), (nc, r)))
    widths = [CODE_WIDTH] * nc + [_name_width(nc, n_values)] + [VALUE_WIDTH] * n_values
    return _grid(header, body, widths, spans + spans_body, nc + 1)


def _empty_functional(d: Disclosure, group: str) -> Table:
    """Tables 6/7: the header, a few blank rows and an empty 合计 row."""
    labels = ["合计", "基本支出", "项目支出"]
    nc = 2 if d.layout == "fused" else 3
    header = [
        ["项目"] + [""] * nc + [group, "", ""],
        ["功能分类科目编码"] + [""] * (nc - 1) + ["功能分类科目名称"] + labels,
        ["类", "款", "项"][:nc] + [""] * 4,
    ]
    spans = [((0, 0), (nc, 0)), ((nc + 1, 0), (nc + 3, 0)), ((nc, 1), (nc, 2))]
    if nc > 1:
        spans.append(((0, 1), (nc - 1, 1)))
    body = [[""] * (nc + 4) for _ in range(3)] + [["合计"] + [""] * (nc + 3)]
    spans.append(((0, 6), (nc, 6)))
    widths = [CODE_WIDTH] * nc + [_name_width(nc, 3)] + [VALUE_WIDTH] * 3
    return _grid(header, body, widths, spans, nc + 1)


def _table1(d: Disclosure) -> Table:
    income_cols, fiscal_rows = INCOME_STYLES[d.layout]
    z = d.zero_style
    income = [
        ("一、财政拨款收入", d.fiscal),
        (fiscal_rows[0], d.fiscal),
        (fiscal_rows[1], 0),
        (fiscal_rows[2], 0),
    ]
    for k, label in enumerate(income_cols):
        amount = d.other_income if k == len(income_cols) - 1 else 0
        income.append((f"{cat.ORDINALS[k + 1]}、{label}", amount))
    expense = _expense_rows(d, fiscal_only=False)
    n = max(len(income), len(expense))
    body = []
    for k in range(n):
        left = income[k] if k < len(income) else ("", None)
        right = expense[k] if k < len(expense) else ("", None)
        body.append(
            [
                left[0],
                "" if left[1] is None else _fmt(d, Decimal(left[1]), zero=z),
                right[0],
                "" if right[1] is None else _fmt(d, Decimal(right[1]), zero=z),
            ]
        )
    body.append(["收入总计", _fmt(d, d.total), "支出总计", _fmt(d, d.total)])
    header = [["本年收入", "", "本年支出", ""], ["项目", "预算数", "项目", "预算数"]]
    spans = [((0, 0), (1, 0)), ((2, 0), (3, 0))]
    return _grid(header, body, [150, 100, 165, 100], spans, 4)


def _expense_rows(d: Disclosure, fiscal_only: bool) -> list[tuple[str, Decimal]]:
    """(ordinal + 类 name, amount): the 类 the document has, or all 22 (child_only / fused)."""
    amounts = d.class_totals(fiscal_only)
    codes = list(cat.CLASSES) if d.layout in ("child_only", "fused") else list(amounts)
    if d.layout in ("child_only", "fused"):
        codes = [c for c in codes if c != "202"]
    return [(f"{cat.ORDINALS[k]}、{cat.CLASSES[c]}", amounts.get(c, Decimal(0))) for k, c in enumerate(codes)]


def _table4(d: Disclosure) -> Table:
    z = d.zero_style
    income = [("一、一般公共预算", d.fiscal), ("二、政府性基金预算", 0), ("三、国有资本经营预算", 0)]
    expense = _expense_rows(d, fiscal_only=True)
    body = []
    for k in range(max(len(income), len(expense))):
        label, amount = income[k] if k < len(income) else ("", None)
        row = [label, "" if amount is None else _fmt(d, Decimal(amount), zero=z)]
        if k < len(expense):
            name, value = expense[k]
            row += [name, _fmt(d, value, zero=z), _fmt(d, value, zero=z), z, z]
        else:
            row += ["", "", "", "", ""]
        body.append(row)
    body.append(["收入总计", _fmt(d, d.fiscal), "支出总计", _fmt(d, d.fiscal), _fmt(d, d.fiscal), z, z])
    header = [
        ["财政拨款收入", "", "财政拨款支出", "", "", "", ""],
        ["项目", "预算数", "项目", "合计", "一般公共预算", "政府性基金预算", "国有资本经营预算"],
    ]
    spans = [((0, 0), (1, 0)), ((2, 0), (6, 0))]
    return _grid(header, body, [95, 62, 130, 57, 57, 57, 57], spans, 3)


def _table9(d: Disclosure) -> Table:
    tp = d.three_public
    vehicle = tp["vehicle_purchase"] + tp["vehicle_operation"]
    z = d.zero_style
    figures = [
        d.three_public_total,
        tp["outbound"],
        tp["reception"],
        vehicle,
        tp["vehicle_purchase"],
        tp["vehicle_operation"],
        d.admin_cost or Decimal(0),
    ]
    body = [[_fmt(d, f, unit="万元", zero=z) for f in figures]]
    year = f"{d.year}年" if d.layout == "fused" else ""
    header = [
        [f"{year}“三公”经费预算数", "", "", "", "", "", f"{year}机关运行经费预算数"],
        ["合计", "因公出国(境)费", "公务接待费", "公务用车购置及运行费", "", "", ""],
        ["", "", "", "小计", "购置费", "运行费", ""],
    ]
    spans = [
        ((0, 0), (5, 0)),
        ((6, 0), (6, 2)),
        ((3, 1), (5, 1)),
        ((0, 1), (0, 2)),
        ((1, 1), (1, 2)),
        ((2, 1), (2, 2)),
    ]
    return _grid(header, body, [70, 75, 70, 70, 70, 70, 90], spans, 0)


# --- pages ------------------------------------------------------------------------------------


def _table_page(d: Disclosure, no: int, grid: Table, unit: str, note: str | None = None) -> list:
    story = [Paragraph(f"{d.year}年{TABLE_TITLES[no]}", _TITLE)]
    if d.layout == "child_only":
        story += [
            Paragraph(f"部门预算0{no}表", _RIGHT),
            Paragraph(f"编报单位:{d.department}", _LEFT),
            Paragraph(f"单位:{unit}", _RIGHT),
        ]
    elif d.layout == "fused":
        story += [Paragraph(f"编制部门：{d.department}", _LEFT), Paragraph(f"单位：{unit}", _RIGHT)]
    else:
        story += [Paragraph(f"单位：{unit}", _LEFT)]
    story += [Spacer(1, 4), grid]
    if note:
        story += [Spacer(1, 6), Paragraph(note, _LEFT)]
    return story + [PageBreak()]


def _change(change: Decimal) -> str:
    if change > 0:
        return f"比上年预算增加{_wan(change)}万元"
    if change < 0:
        return f"比上年预算减少{_wan(-change)}万元"
    return "与上年预算持平"


def _narrative(d: Disclosure) -> list:
    other_label = INCOME_STYLES[d.layout][0][-1]
    T, F, B, P = d.total, d.fiscal, d.basic, d.project
    paras = [
        (
            f"{d.year}年，本部门收入预算{_wan(T)}万元，{_change(d.change)}，其中：财政拨款收入{_wan(F)}万元；"
            f"{other_label}{_wan(d.other_income)}万元。"
        ),
        (
            f"支出预算{_wan(T)}万元，{_change(d.change)}，其中：基本支出{_wan(B)}万元，项目支出{_wan(P)}万元。"
            f"财政拨款支出预算{_wan(F)}万元。财政拨款支出预算中，一般公共预算拨款支出预算{_wan(F)}万元；"
            "政府性基金预算拨款支出预算0万元；国有资本经营预算拨款支出预算为0万元。财政拨款支出主要内容如下："
        ),
    ]
    for k, (code, amount) in enumerate(d.class_totals(fiscal_only=True).items(), start=1):
        purpose = PURPOSES.get(code, "本部门履行职能的人员经费、公用经费和项目支出")
        paras.append(f"{k}、“{cat.CLASSES[code]}”科目{_wan(amount)}万元，主要用于：{purpose}。")
    return [Paragraph(f"{d.year}年部门预算编制说明", _TITLE)] + [Paragraph(p, _BODY) for p in paras]


def _other_notes(d: Disclosure) -> list:
    tp = d.three_public
    vehicle = tp["vehicle_purchase"] + tp["vehicle_operation"]
    admin = (
        f"{d.year}年本部门机关运行经费预算{_wan(d.admin_cost)}万元。"
        if d.admin_cost
        else f"{d.year}年本部门无机关运行经费。"
    )
    project_total = sum((a for _, a in d.projects), Decimal(0))
    paras = [
        (
            "一、“三公”经费预算情况说明",
            (
                f"{d.year}年“三公”经费预算数为{_wan(d.three_public_total)}万元。其中："
                f"（一）因公出国（境）费{_wan(tp['outbound'])}万元。（二）公务用车购置及运行费{_wan(vehicle)}万元，其中："
                f"公务用车购置费{_wan(tp['vehicle_purchase'])}万元，公务用车运行费{_wan(tp['vehicle_operation'])}万元。"
                f"（三）公务接待费{_wan(tp['reception'])}万元。"
            ),
        ),
        ("二、机关运行经费预算", admin),
        (
            "三、绩效目标设置情况",
            (
                f"按照本区预算绩效管理工作的总体要求，本部门开展了{d.year}年项目预算绩效目标编报工作，"
                f"编报绩效目标的项目{len(d.projects)}个，涉及项目预算资金{_wan(project_total)}万元。"
            ),
        ),
    ]
    story = [Paragraph("其他相关情况说明", _TITLE)]
    for head, text in paras:
        story += [Paragraph(head, _HEAD), Paragraph(text, _BODY)]
    return story + [PageBreak()]


def _projects(d: Disclosure) -> list:
    """One 项目经费情况说明 per project, each on its own page (the corpus's seven headings)."""
    story: list = []
    for name, amount in d.projects:
        sections = [
            ("一、项目概述", f"{name}是本部门为履行职能、完成年度工作任务安排的项目，保障相关工作有序开展。"),
            ("二、立项依据", "根据区政府有关工作部署及本部门年度工作计划。"),
            ("三、实施主体", d.department),
            ("四、实施方案", "按照年度工作计划分阶段组织实施，加强过程管理和资金监管。"),
            ("五、实施周期", f"{d.year}年1月1日至{d.year}年12月31日"),
            ("六、年度预算安排", f"该项目年度财政资金预算安排{_wan(amount)}万元。"),
            ("七、绩效目标", "（包括总目标、年度目标、绩效指标等）"),
        ]
        story.append(Paragraph(f"{name}项目经费情况说明", _TITLE))
        for head, text in sections:
            story += [Paragraph(head, _HEAD), Paragraph(text, _BODY)]
        story.append(PageBreak())
    return story


def _front(d: Disclosure) -> list:
    if d.town:
        cover = f"上海市{d.district}{d.town} {d.year} 年部门预算"
    else:
        cover = f"{d.district} {d.year} 年区级部门预算"
    toc = ["一、部门主要职能", "二、部门机构设置", "三、名词解释", "四、部门预算编制说明", "五、部门预算表"]
    toc += [f"{no}. {d.year}年{TABLE_TITLES[no]}" for no in range(1, 10)]
    toc += ["六、其他相关情况说明", "七、项目经费情况说明"]
    short = d.department.removeprefix("上海市")
    return [
        Paragraph(cover, _COVER),
        Paragraph(f"预算主管部门：{d.department}", _TITLE),
        PageBreak(),
        Paragraph("目 录", _TITLE),
        *[Paragraph(t, _LEFT) for t in toc],
        PageBreak(),
        Paragraph(f"{short}主要职能", _TITLE),
        Paragraph(
            f"{d.department}按照职责分工，负责本辖区相关领域的组织实施、监督管理和公共服务工作。", _BODY
        ),
        Paragraph(f"{short}机构设置", _TITLE),
        Paragraph(f"{d.department}部门预算是包括本部及下属预算单位的综合收支计划。", _BODY),
        Paragraph("名词解释", _TITLE),
        Paragraph(
            "财政拨款收入：指本级财政当年拨付的资金。基本支出预算：指为保障机构正常运转、完成日常工作任务"
            "而编制的年度支出计划，包括人员经费和公用经费。项目支出预算：指为完成特定行政工作任务或事业发展目标，"
            "在基本支出之外编制的年度支出计划。",
            _BODY,
        ),
        PageBreak(),
    ]


def _footer(canvas, doc) -> None:
    canvas.setFont(FONT, 9)
    canvas.drawCentredString(A4[0] / 2, 24, f"— {doc.page}")


def render_pdf(d: Disclosure, path: Path) -> None:
    """Write ``d`` as a PDF at ``path``."""
    functional = [(i.code, i.name, i) for i in d.items]
    fiscal_items = [(c, n, i) for c, n, i in functional if i.basic + i.project_fiscal]
    income_cols = INCOME_STYLES[d.layout][0]
    t2_labels = ["合计", "财政拨款收入", *income_cols]
    t2 = [
        (
            c,
            n,
            [i.total, i.basic + i.project_fiscal] + [Decimal(0)] * (len(income_cols) - 1) + [i.project_other],
        )
        for c, n, i in functional
    ]
    t3 = [(c, n, [i.total, i.basic, i.project_fiscal + i.project_other]) for c, n, i in functional]
    t5 = [(c, n, [i.basic + i.project_fiscal, i.basic, i.project_fiscal]) for c, n, i in fiscal_items]
    t8 = [(e.code, e.name, [e.personnel + e.public, e.personnel, e.public]) for e in d.economic]
    split = ["合计", "基本支出", "项目支出"]
    story = _front(d) + _narrative(d) + [PageBreak()]
    story += _table_page(d, 1, _table1(d), d.unit)
    story += _table_page(d, 2, _classified(d, "收入预算", t2_labels, None, t2), d.unit)
    story += _table_page(d, 3, _classified(d, "支出预算", split, None, t3), d.unit)
    story += _table_page(d, 4, _table4(d), d.unit)
    story += _table_page(d, 5, _classified(d, "一般公共预算支出", split, None, t5), d.unit)
    story += _table_page(
        d,
        6,
        _empty_functional(d, "政府性基金预算支出"),
        d.unit,
        f"注：本部门{d.year}年无政府性基金预算支出，故本表无数据。",
    )
    story += _table_page(
        d,
        7,
        _empty_functional(d, "国有资本经营预算支出"),
        d.unit,
        f"注：本部门{d.year}年无国有资本经营预算支出，故本表无数据。",
    )
    story += _table_page(d, 8, _classified(d, "一般公共预算基本支出", split, None, t8, economic=True), d.unit)
    story += _table_page(d, 9, _table9(d), "万元")
    story += _other_notes(d) + _projects(d)
    doc = SimpleDocTemplate(
        str(path),
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        invariant=1,
        title=f"{d.department}{d.year}年部门预算",
        author=d.department,
    )
    doc.build(story, onFirstPage=_footer, onLaterPages=_footer)
