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
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from bench import catalogue as cat
from bench.disclosure import WAN, Disclosure
from bench.pdf_styles import CELL, FONT, HCELL, LEFT, RIGHT, TABLE_FONT_SIZE, TITLE, table_title
from bench.prose import INCOME_STYLES, front_pages, narrative_pages, other_notes_pages, project_pages

__all__ = ["FONT", "render_pdf"]

MARGIN = 40
PAGE_WIDTH = A4[0] - 2 * MARGIN
CODE_WIDTH = 26
VALUE_WIDTH = 62
NAME_MIN_WIDTH = 110


# --- figures --------------------------------------------------------------------------------


def _fmt(d: Disclosure, yuan: Decimal, unit: str | None = None, zero: str = "") -> str:
    """A figure as the document prints it in ``unit`` (blank, or ``zero``, when nothing)."""
    if not yuan:
        return zero
    value = yuan / (WAN if (unit or d.unit) == "万元" else 1)
    value = value.quantize(Decimal("0.01"))
    return f"{value:,.2f}" if d.comma else f"{value:.2f}"


# --- grids ------------------------------------------------------------------------------------


def _grid(header: list[list], body: list[list], widths: list[float], spans: list, right_from: int) -> Table:
    """A ruled table; header cells wrap and centre, figures (columns ≥ ``right_from``) align right."""
    wrap = [[Paragraph(c, HCELL) if isinstance(c, str) and c else c for c in row] for row in header]
    rows = [
        [
            Paragraph(c, CELL) if isinstance(c, str) and j < right_from and len(c) > 6 else c
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
    d: Disclosure, no: int, group: str, labels: list[str], rows_of, economic: bool = False
) -> Table:
    """Tables 2/3/5 (functional) and 8 (economic): header, hierarchy rows, 合计 row, per layout.

    ``rows_of`` is a list of (code, name, [figures]) leaves; parents are summed here, from the
    true figures, so a row in ``d.misprints`` breaks the identities around it as a publisher's does.
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
        figures = [_fmt(d, v) for v in d.misprints.get((no, code), sums[code])]
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
    story = [Paragraph(f"{d.year}年{table_title(d, no)}", TITLE)]
    if d.layout == "child_only":
        story += [
            Paragraph(f"{d.whose}预算0{no}表", RIGHT),
            Paragraph(f"编报单位:{d.department}", LEFT),
            Paragraph(f"单位:{unit}", RIGHT),
        ]
    elif d.layout == "fused":
        story += [Paragraph(f"编制{d.whose}：{d.department}", LEFT), Paragraph(f"单位：{unit}", RIGHT)]
    else:
        story += [Paragraph(f"单位：{unit}", LEFT)]
    story += [Spacer(1, 4), grid]
    if note:
        story += [Spacer(1, 6), Paragraph(note, LEFT)]
    return story + [PageBreak()]


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
    story = front_pages(d) + narrative_pages(d) + [PageBreak()]
    story += _table_page(d, 1, _table1(d), d.unit)
    story += _table_page(d, 2, _classified(d, 2, "收入预算", t2_labels, t2), d.unit)
    story += _table_page(d, 3, _classified(d, 3, "支出预算", split, t3), d.unit)
    story += _table_page(d, 4, _table4(d), d.unit)
    story += _table_page(d, 5, _classified(d, 5, "一般公共预算支出", split, t5), d.unit)
    story += _table_page(
        d,
        6,
        _empty_functional(d, "政府性基金预算支出"),
        d.unit,
        f"注：本{d.whose}{d.year}年无政府性基金预算支出，故本表无数据。",
    )
    story += _table_page(
        d,
        7,
        _empty_functional(d, "国有资本经营预算支出"),
        d.unit,
        f"注：本{d.whose}{d.year}年无国有资本经营预算支出，故本表无数据。",
    )
    story += _table_page(d, 8, _classified(d, 8, "一般公共预算基本支出", split, t8, economic=True), d.unit)
    story += _table_page(d, 9, _table9(d), "万元")
    story += other_notes_pages(d) + project_pages(d)
    doc = SimpleDocTemplate(
        str(path),
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        invariant=1,
        title=f"{d.department}{d.year}年{d.whose}预算",
        author=d.department,
    )
    doc.build(story, onFirstPage=_footer, onLaterPages=_footer)
