"""What each table prints under a style: header paths, body rows of strings, and the cells the
parser must read from them (``ExpectedCell``: the golden's key, the printed string, the yuan).

The page each cell lands on is filled in by ``draw`` when the row is placed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from itertools import zip_longest

from bench.layouts.golden import GoldenDocument, GoldenRow, GoldenTable
from bench.layouts.number_formats import FACTORS, NumberFormat
from bench.layouts.styles import Style
from orchestration.parsing.numbers import DASHES
from orchestration.parsing.table_titles import TABLE_NAMES as TEMPLATE_TABLE_NAMES

__all__ = ["BodyRow", "Column", "ExpectedCell", "TableSpec", "build_specs"]

# The template's titles, as the parser knows them; table 8 printed as some departments do (its
# "部门预算" inside the title is part of what the harness exercises).
TABLE_NAMES = {**TEMPLATE_TABLE_NAMES, 8: "一般公共预算基本支出部门预算经济分类预算表"}
# The value columns every publisher prints (a golden's own columns are added after them) and the
# label spanning them.
STANDARD_VALUES = {
    2: ("收入预算", ["合计", "财政拨款收入"]),
    3: ("支出预算", ["合计", "基本支出", "项目支出"]),
    5: ("一般公共预算支出", ["合计", "基本支出", "项目支出"]),
    6: ("政府性基金预算支出", ["合计", "基本支出", "项目支出"]),
    7: ("国有资本经营预算支出", ["合计", "基本支出", "项目支出"]),
    8: ("一般公共预算基本支出", ["合计", "人员经费", "公用经费"]),
}
TABLE4_EXPENSE = ["合计", "一般公共预算", "政府性基金预算", "国有资本经营预算"]
THREE_PUBLIC = "“三公”经费预算数"
VEHICLES = "公务用车购置及运行费"
TABLE9 = [
    (THREE_PUBLIC, "合计"),
    (THREE_PUBLIC, "因公出国(境)费"),
    (THREE_PUBLIC, "公务接待费"),
    (THREE_PUBLIC, VEHICLES, "小计"),
    (THREE_PUBLIC, VEHICLES, "购置费"),
    (THREE_PUBLIC, VEHICLES, "运行费"),
]
ADMIN_COST = "机关运行经费预算数"
# Income rows of tables 1 and 4 printed under 财政拨款收入 with an Arabic ordinal.
FISCAL_SOURCES = ("一般公共预算", "政府性基金", "国有资本经营")
CHINESE_DIGITS = "零一二三四五六七八九"
ORGANISATIONS = (
    "上海市普陀区城市运行管理中心",
    "上海市海洋监测预报中心",
    "上海市青浦区练塘镇人民政府",
    "上海市职业能力考试院",
    "上海市闵行区司法局",
    "上海市数据局",
)


@dataclass
class Column:
    path: tuple[str, ...]  # header labels from the top row down to the leaf
    role: str  # "code" | "name" | "label" (tables 1, 4) | "value"


@dataclass
class ExpectedCell:
    table_no: int
    section: str | None
    code: str | None
    name: str
    column: str
    amount_yuan: Decimal
    printed: str
    page: int | None = None

    def key(self) -> tuple:
        return (self.table_no, self.section, self.code, self.name, self.column, self.amount_yuan)


@dataclass
class BodyRow:
    texts: list[str]
    merged: tuple[int, int] | None = None  # columns printed as one cell (合计 over codes and name)
    expected: list[ExpectedCell] = field(default_factory=list)


@dataclass
class TableSpec:
    table_no: int
    title: str
    label: str  # "部门预算03表"
    org_line: str  # "编制部门：…"
    unit_line: str  # "单位：元"
    columns: list[Column]
    rows: list[BodyRow]
    note: str | None = None  # 本表无数据
    apart: bool = False  # the last column of the table before, printed on pages of its own


@dataclass
class _Context:
    doc: GoldenDocument
    style: Style
    numbers: NumberFormat
    main_unit: str
    organisation: str


def chinese_ordinal(n: int) -> str:
    if n <= 10:
        return "十" if n == 10 else CHINESE_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CHINESE_DIGITS[tens]) + "十" + (CHINESE_DIGITS[ones] if ones else "")


def build_specs(doc: GoldenDocument, style: Style, numbers: NumberFormat) -> list[TableSpec]:
    """The nine tables of ``doc`` (already scaled and derived) as ``style`` prints them."""
    organisation = ORGANISATIONS[sum(map(ord, doc.doc_id)) % len(ORGANISATIONS)]
    ctx = _Context(doc, style, numbers, "万元" if style.unit == "wan" else "元", organisation)
    specs = []
    for no in range(1, 10):
        table = doc.tables.get(no) or GoldenTable(table_no=no, title="", unit=None)
        if no in (1, 4):
            columns, rows = _two_sided(ctx, table)
        elif no == 9:
            columns, rows = _three_public(ctx, table)
        else:
            columns, rows = _classified(ctx, table)
        note = None
        if no in (6, 7) and not table.rows:
            who = "本单位" if style.kind == "unit" else "本部门"
            what = TABLE_NAMES[no].removesuffix("功能分类预算表")
            note = f"注：{who}{doc.year}年无{what}，故本表无数据。"
        specs.append(
            TableSpec(
                table_no=no,
                title=_title(ctx, no),
                label=f"{'单位' if style.kind == 'unit' else '部门'}预算{no:02d}表",
                org_line=f"{'编制单位' if style.kind == 'unit' else '编制部门'}：{organisation}",
                unit_line=f"单位：{'万元' if no == 9 else ctx.main_unit}",
                columns=columns,
                rows=rows,
                note=note,
            )
        )
    return specs


def _title(ctx: _Context, no: int) -> str:
    if ctx.style.kind == "unit":
        return f"{ctx.doc.year}年{'单位' if no == 9 else '预算单位'}{TABLE_NAMES[no]}"
    return f"{ctx.doc.year}年部门{TABLE_NAMES[no]}"


def _unit_of(ctx: _Context, table_no: int) -> str:
    return "万元" if table_no == 9 else ctx.main_unit


def _figure(ctx: _Context, table_no: int, value: Decimal | None, row_index: int) -> str:
    shown = None if value is None else value / FACTORS[_unit_of(ctx, table_no)]
    return ctx.numbers.printed(shown, row_index)


def _values(
    ctx, table_no, row: GoldenRow | None, labels, section, row_index, fill=True
) -> list[ExpectedCell | str]:
    """Printed strings of ``row`` under ``labels``; an ExpectedCell where a figure is printed."""
    out: list[ExpectedCell | str] = []
    for label in labels:
        value = row.values.get(label) if row is not None else None
        printed = _figure(ctx, table_no, value, row_index) if (fill or value is not None) else ""
        if printed and row is not None and printed not in DASHES:  # a dash prints nothing: no cell
            out.append(
                ExpectedCell(table_no, section, row.code, row.name, label, (value or Decimal(0)), printed)
            )
        else:
            out.append(printed)
    return out


def _texts_and_expected(items: list[ExpectedCell | str]) -> tuple[list[str], list[ExpectedCell]]:
    texts = [i.printed if isinstance(i, ExpectedCell) else i for i in items]
    return texts, [i for i in items if isinstance(i, ExpectedCell)]


# --- tables 2, 3, 5, 6, 7, 8 --------------------------------------------------------------------


def _code_layout(economic: bool, codes: str) -> list[str]:
    """Leaf labels of the code columns."""
    levels = ["类", "款"] if economic else ["类", "款", "项"]
    return {
        "repeat": levels,
        "blank": levels,
        "full": ["科目编码"],
        "fused_full": [],
        "fused_own": levels[:-1],
    }[codes]


def _code_cells(code: str, name: str, economic: bool, codes: str) -> tuple[list[str], str]:
    """(code column strings, name cell) of a coded row."""
    parts = [code[:3], code[3:5], code[5:7]][: 2 if economic else 3]
    own = len([p for p in parts if p]) - 1  # the row's own level
    if codes == "repeat":
        return parts, name
    if codes == "blank":
        return ["" if k != own else p for k, p in enumerate(parts)], name
    if codes == "full":
        return [code], name
    if codes == "fused_full":
        return [], f"{code} {name}"
    # fused_own: every level but the deepest in columns; the deepest level's digits before the name
    if own == len(parts) - 1:
        return parts[:-1], f"{parts[-1]} {name}"
    return parts[:-1], name


def _classified(ctx: _Context, table: GoldenTable) -> tuple[list[Column], list[BodyRow]]:
    no = table.table_no
    economic = no == 8
    group, standard = STANDARD_VALUES[no]
    labels = standard + [c for c in table.columns.get(None, []) if c not in standard]
    code_group = "经济分类科目编码" if economic else "功能分类科目编码"
    name_label = "经济分类科目名称" if economic else "功能分类科目名称"
    if economic and ctx.style.kind == "unit":
        name_label = "部门经济分类科目名称"
    code_labels = _code_layout(economic, ctx.style.codes)
    columns = [
        Column(("项目", code_group, leaf) if leaf != "科目编码" else ("项目", leaf), "code")
        for leaf in code_labels
    ]
    columns.append(Column(("项目", name_label), "name"))
    columns += [Column((group, label), "value") for label in labels]
    n_codes = len(code_labels)
    body: list[BodyRow] = []
    totals: list[BodyRow] = []
    for index, row in enumerate(table.rows):
        items = _values(ctx, no, row, labels, None, index)
        texts, expected = _texts_and_expected(items)
        if row.code:
            codes, name = _code_cells(row.code, row.name, economic, ctx.style.codes)
            body.append(BodyRow(codes + [name] + texts, expected=expected))
        else:
            label_cells = [row.name] + [""] * n_codes
            totals.append(BodyRow(label_cells + texts, merged=(0, n_codes), expected=expected))
    if not table.rows:  # an empty table: a few blank rows and a blank 合计 row
        body = [BodyRow([""] * len(columns)) for _ in range(3)]
        totals = [BodyRow(["合计"] + [""] * (len(columns) - 1), merged=(0, n_codes))]
    rows = totals + body if ctx.style.total_row == "first" else body + totals
    return columns, rows


# --- tables 1 and 4 ------------------------------------------------------------------------------


def _side_labels(table: GoldenTable, section: str, standard: list[str]) -> list[str]:
    return standard + [c for c in table.columns.get(section, []) if c not in standard]


def _two_sided(ctx: _Context, table: GoldenTable) -> tuple[list[Column], list[BodyRow]]:
    no = table.table_no
    income_group, expense_group = ("本年收入", "本年支出") if no == 1 else ("财政拨款收入", "财政拨款支出")
    income_labels = _side_labels(table, "income", ["预算数"])
    if no == 4:
        expense_labels = _side_labels(table, "expense", TABLE4_EXPENSE)
    else:
        expense_labels = table.columns.get("expense") or ["预算数"]
    columns = [Column((income_group, "项目"), "label")]
    columns += [Column((income_group, label), "value") for label in income_labels]
    columns.append(Column((expense_group, "项目"), "label"))
    columns += [
        Column(_expense_path(no, expense_group, label, expense_labels), "value") for label in expense_labels
    ]
    income = [r for r in table.section_rows("income") if not r.is_total]
    expense = [r for r in table.section_rows("expense") if not r.is_total]
    income_names = _ordinals(ctx, income, income=True)
    expense_names = _ordinals(ctx, expense, income=False)
    rows = []
    for index, (left, right) in enumerate(zip_longest(range(len(income)), range(len(expense)))):
        row_in = income[left] if left is not None else None
        row_ex = expense[right] if right is not None else None
        left_items = _values(ctx, no, row_in, income_labels, "income", index, fill=row_in is not None)
        right_items = _values(ctx, no, row_ex, expense_labels, "expense", index, fill=row_ex is not None)
        texts_in, exp_in = _texts_and_expected(left_items)
        texts_ex, exp_ex = _texts_and_expected(right_items)
        name_in = income_names[left] if left is not None else ""
        name_ex = expense_names[right] if right is not None else ""
        rows.append(BodyRow([name_in, *texts_in, name_ex, *texts_ex], expected=exp_in + exp_ex))
    total_in = next((r for r in table.section_rows("income") if r.is_total), None)
    total_ex = next((r for r in table.section_rows("expense") if r.is_total), None)
    if total_in or total_ex:
        index = len(rows)
        # a total the golden does not print stays blank (a 0 under its label would be a figure)
        texts_in, exp_in = _texts_and_expected(
            _values(ctx, no, total_in, income_labels, "income", index, fill=total_in is not None)
        )
        texts_ex, exp_ex = _texts_and_expected(
            _values(ctx, no, total_ex, expense_labels, "expense", index, fill=total_ex is not None)
        )
        names = [total_in.name if total_in else "收入总计", total_ex.name if total_ex else "支出总计"]
        rows.append(BodyRow([names[0], *texts_in, names[1], *texts_ex], expected=exp_in + exp_ex))
    return columns, rows


def _expense_path(no: int, group: str, label: str, labels: list[str]) -> tuple[str, ...]:
    """Header path of an expense column; a unit budget's table 1 nests 人员/公用经费 under 基本支出."""
    if no == 1 and len(labels) > 1:
        if label in ("人员经费", "公用经费"):
            return (group, "预算数", "基本支出", label)
        return (group, "预算数", label)
    return (group, label)


def _ordinals(ctx: _Context, rows: list[GoldenRow], income: bool) -> list[str]:
    """Row labels with the ordinals publishers print (一、 / 1、 / （一） / 1.), stripped by the parser."""
    codes = ctx.style.codes
    if codes == "fused_own":
        return [r.name for r in rows]
    top_style = (lambda n: f"（{chinese_ordinal(n)}）") if codes in ("blank", "fused_full") else None
    sub_style = (lambda n: f"{n}.") if codes in ("blank", "fused_full") else (lambda n: f"{n}、")
    out, top, sub = [], 0, 0
    for row in rows:
        if income and any(row.name.startswith(s) for s in FISCAL_SOURCES):
            sub += 1
            out.append(f"{sub_style(sub)}{row.name}")
        else:
            top, sub = top + 1, 0
            prefix = top_style(top) if top_style else f"{chinese_ordinal(top)}、"
            out.append(f"{prefix}{row.name}")
    return out


# --- table 9 -----------------------------------------------------------------------------------------


def _three_public(ctx: _Context, table: GoldenTable) -> tuple[list[Column], list[BodyRow]]:
    golden_labels = table.columns.get(None, [])
    admin = next((c for c in golden_labels if "机关运行经费" in c), ADMIN_COST)
    paths = list(TABLE9) + [(admin,)]
    paths += [(c,) for c in golden_labels if c not in {p[-1] for p in paths}]
    columns = [Column(p, "value") for p in paths]
    row = table.rows[0] if table.rows else GoldenRow(section=None, code=None, name="")
    texts, expected = _texts_and_expected(_values(ctx, 9, row, [p[-1] for p in paths], None, 0))
    return columns, [BodyRow(texts, expected=expected)]
