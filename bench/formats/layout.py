"""A disclosure laid out as blocks of rows, in one of many styles, for the format writers.

A layout is a list of sheets; a sheet is a list of items, each a paragraph (one line of text) or
a table block (rows of ``OutCell``, ``None`` where a span covers the grid). The writers
(``spreadsheet``, ``word``, ``html``) turn it into bytes; ``Style`` says how each thing is printed:
where codes go (类/款/项 columns, one column, fused with the name), how deep and how merged the
header is, where the title and 单位 sit, whether the 合计 row comes first, blank columns, indented
names, ordinals, and — for spreadsheets — one sheet per table or all stacked, a cover and a 目录.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, fields, replace

from bench.formats.golden_document import Document, Figure, Row, Table
from orchestration.parsing.units import UNIT_FACTORS

__all__ = ["OutCell", "Sheet", "Style", "TableBlock", "draw_style", "lay_out"]

CODE_STYLES = ("columns", "columns_own_digits", "single_column", "fused_full", "fused_xiang")
TITLE_PLACES = ("paragraph", "in_frame", "sheet_name")
SHEET_LAYOUTS = ("stacked", "per_table")
# Columns a table may print with nothing under them (a blank column is not a zero).
SPARE_COLUMNS = {2: "事业单位经营收入", 3: "上缴上级支出", 5: "对附属单位补助支出", 8: "其他"}
ORDINALS = "一二三四五六七八九十"
T9_VEHICLE = ("小计", "购置费", "运行费")
WAN = UNIT_FACTORS["万元"]


@dataclass
class OutCell:
    text: str = ""
    figure: Figure | None = None  # a printed figure (the writer decides its form)
    colspan: int = 1
    rowspan: int = 1
    indent: int = 0  # level of a row name (0 for 类 and totals)
    header: bool = False


@dataclass
class TableBlock:
    rows: list[list[OutCell | None]]
    hidden_column: int | None = None  # a column the writer hides (spreadsheets)


@dataclass
class Sheet:
    name: str
    items: list[str | list[str] | TableBlock] = field(default_factory=list)  # paragraph, row of texts, block


@dataclass
class Style:
    code_style: str = "columns"
    header_depth: int = 2  # 1 flat, 2 科目编码 over 类/款/项, 3 a group row above
    title_place: str = "paragraph"
    sheet_layout: str = "stacked"
    total_first: bool = False
    total_merged: bool = True  # 合计 label spanning the code and name columns
    spare_column: bool = False
    ordinals: bool = True  # "一、社会保障和就业支出" in tables 1 and 4
    indent: str = "none"  # none | spaces (full-width blanks before names) | alignment (writer indents)
    department_line: bool = True  # 编制部门：… above each table
    unit_beside_department: bool = False  # "编制部门：…" and "单位：元" on one row
    cover: bool = True
    contents: bool = False  # a 目录 listing the nine titles
    numbers: str = "formatted"  # formatted | general | text | wan (spreadsheets: figures in 万元, exact)
    zero_dash: bool = False  # zeros shown "-" by a number format
    hidden_column: bool = False
    split_tables: bool = False  # Word/HTML: a long table continued in a second table, header repeated
    name_header: str = "科目名称"

    def describe(self) -> str:
        return ", ".join(f"{f.name}={getattr(self, f.name)}" for f in fields(self))


def draw_style(rng: random.Random) -> Style:
    style = Style(
        code_style=rng.choice(CODE_STYLES),
        header_depth=rng.choice((1, 2, 3)),
        title_place=rng.choice(TITLE_PLACES),
        sheet_layout=rng.choice(SHEET_LAYOUTS),
        total_first=rng.random() < 0.4,
        total_merged=rng.random() < 0.5,
        spare_column=rng.random() < 0.5,
        ordinals=rng.random() < 0.6,
        indent=rng.choice(("none", "spaces", "alignment")),
        department_line=rng.random() < 0.7,
        unit_beside_department=rng.random() < 0.5,
        cover=rng.random() < 0.6,
        contents=rng.random() < 0.3,
        numbers=rng.choice(("formatted", "formatted", "general", "text", "wan")),
        zero_dash=rng.random() < 0.3,
        hidden_column=rng.random() < 0.4,
        split_tables=rng.random() < 0.4,
        name_header=rng.choice(("科目名称", "功能分类科目名称", "项目名称")),
    )
    if not style.department_line:
        style.cover = True  # the department must be printed somewhere
    if style.title_place == "sheet_name" and style.sheet_layout == "stacked":
        style.title_place = "in_frame"
    if style.sheet_layout == "stacked":
        style.hidden_column = False  # a hidden column hides it in every table of the sheet
    return style


def in_wan(table: Table) -> Table:
    """The table in 万元: every figure its exact value in 万元 (a spreadsheet stores it unrounded)."""
    if table.unit == "万元":
        return table
    rows = [
        Row(r.section, r.code, r.name, {c: Figure(f.value / WAN, format(f.value / WAN, "f"), f.amount_yuan)
                                          for c, f in r.figures.items()})
        for r in table.rows
    ]  # fmt: skip
    return replace(table, unit="万元", rows=rows)


def lay_out(doc: Document, style: Style) -> list[Sheet]:
    """The document's sheets (a Word/HTML writer concatenates them as one flow)."""
    if style.numbers == "wan":
        doc = replace(doc, tables=[in_wan(t) for t in doc.tables])
    sheets: list[Sheet] = []
    if style.cover:
        label = "预算单位" if doc.kind == "unit" else "预算主管部门"
        sheets.append(Sheet("封面", [f"{doc.fiscal_year}年{doc.budget_word}", f"{label}：{doc.department}"]))
    if style.contents:
        sheets.append(Sheet("目录", ["目录", *[t.title for t in doc.tables]]))
    stacked = Sheet(f"{doc.fiscal_year}年{doc.budget_word}表")
    for table in doc.tables:
        items = _table_items(doc, table, style)
        if style.sheet_layout == "stacked":
            stacked.items += [*items, ""]
        else:
            sheets.append(
                Sheet(table.title if style.title_place == "sheet_name" else f"表{table.table_no}", items)
            )
    if stacked.items:
        sheets.append(stacked)
    return sheets


def _unit_line(table: Table) -> str:
    return f"单位：{table.unit}"


def _table_items(doc: Document, table: Table, style: Style) -> list:
    block = _block(table, style)
    width = max(sum(c.colspan for c in row if c is not None) + row.count(None) for row in block.rows)
    department = f"编制部门：{doc.department}" if style.department_line else None
    preamble: list = []
    if style.unit_beside_department and department:
        preamble.append([department] + [""] * (width - 2) + [_unit_line(table)])
    else:
        preamble += [p for p in (department, _unit_line(table)) if p]
    note = [table.note] if table.note else []
    if style.title_place == "paragraph":
        return [table.title, *preamble, block, *note]
    if style.title_place == "sheet_name":
        return [*preamble, block, *note]
    frame = [[OutCell(table.title, colspan=width)] + [None] * (width - 1)]
    for line in preamble:
        cells = line if isinstance(line, list) else [line] + [""] * (width - 1)
        frame.append([OutCell(c) for c in cells])
    block.rows = frame + block.rows
    return [block, *note]


def _block(table: Table, style: Style) -> TableBlock:
    if table.table_no in (1, 4):
        return _two_sided(table, style)
    if table.table_no == 9:
        return _three_public(table)
    return _classified(table, style)


def _figure_cells(row: Row, columns: list[str]) -> list[OutCell | None]:
    return [OutCell(figure=row.figures.get(c)) for c in columns]


def _two_sided(table: Table, style: Style) -> TableBlock:
    income_cols = table.columns.get("income", ["预算数"])
    expense_cols = table.columns.get("expense", ["预算数"])
    rows: list[list[OutCell | None]] = []
    if style.header_depth > 1:
        rows.append(
            [OutCell("收入", colspan=1 + len(income_cols), header=True)]
            + [None] * len(income_cols)
            + [OutCell("支出", colspan=1 + len(expense_cols), header=True)]
            + [None] * len(expense_cols)
        )
    rows.append(
        [OutCell("项目", header=True)]
        + [OutCell(c, header=True) for c in income_cols]
        + [OutCell("项目", header=True)]
        + [OutCell(c, header=True) for c in expense_cols]
    )
    income, expense = table.section_rows("income"), table.section_rows("expense")
    ordinal = 0
    for k in range(max(len(income), len(expense))):
        cells: list[OutCell | None] = []
        for side, cols in ((income, income_cols), (expense, expense_cols)):
            if k >= len(side):
                cells += [OutCell()] + [OutCell() for _ in cols]
                continue
            row = side[k]
            name = row.name
            if side is expense and row.code and style.ordinals and ordinal < len(ORDINALS):
                name = f"{ORDINALS[ordinal]}、{name}"
                ordinal += 1
            cells += [OutCell(name)] + _figure_cells(row, cols)
        rows.append(cells)
    return TableBlock(rows)


def _three_public(table: Table) -> TableBlock:
    columns = table.columns.get(None, [])
    vehicle = [c for c in columns if c in T9_VEHICLE]
    if not vehicle:
        header = [[OutCell(c, header=True) for c in columns]]
    else:
        first, last = columns.index(vehicle[0]), columns.index(vehicle[-1])
        top: list[OutCell | None] = []
        middle: list[OutCell | None] = []
        for j, c in enumerate(columns):
            if j < first or j > last:
                top.append(OutCell(c, rowspan=2, header=True))
                middle.append(None)
            elif j == first:
                top.append(OutCell("公务用车购置及运行费", colspan=len(vehicle), header=True))
                middle.append(OutCell(c, header=True))
            else:
                top.append(None)
                middle.append(OutCell(c, header=True))
        header = [top, middle]
    body = [_figure_cells(row, columns) for row in table.rows]
    return TableBlock(header + body)


def _code_parts(code: str | None, table_no: int) -> list[str]:
    if code is None:
        return []
    if table_no == 8:
        return [code[:3], code[3:5]][: 1 + (len(code) > 3)]
    return [code[:3], code[3:5], code[5:7]][: 1 + (len(code) > 3) + (len(code) > 5)]


def _classified(table: Table, style: Style) -> TableBlock:
    levels = ["类", "款"] if table.table_no == 8 else ["类", "款", "项"]
    code_style = style.code_style
    if code_style == "fused_xiang" and table.table_no == 8:
        code_style = "columns"
    n_code = {"columns": len(levels), "columns_own_digits": len(levels), "single_column": 1}.get(
        code_style, 0 if code_style == "fused_full" else 2
    )
    values = list(table.columns.get(None, []) or ["合计"])
    if style.spare_column and SPARE_COLUMNS.get(table.table_no) not in (None, *values):
        values.append(SPARE_COLUMNS[table.table_no])
    header = _classified_header(
        levels[:n_code] if code_style != "single_column" else ["科目编码"], values, style
    )
    rows = [r for r in table.rows if r.code is not None]
    totals = [r for r in table.rows if r.code is None]
    ordered = (totals + rows) if style.total_first else (rows + totals)
    body: list[list[OutCell | None]] = []
    seen: set[str] = set()
    for row in ordered:
        body.append(_classified_row(row, table.table_no, code_style, n_code, values, style, seen))
        if row.code:
            seen.add(row.code)
    hidden = n_code + 1 if style.hidden_column else None
    return TableBlock(header + body, hidden_column=hidden)


def _classified_header(code_words: list[str], values: list[str], style: Style) -> list[list[OutCell | None]]:
    n_code, n_val = len(code_words), len(values)
    name = style.name_header if style.header_depth < 3 else "科目名称"
    if style.header_depth == 1 or n_code <= 1:
        flat = [OutCell(w, header=True) for w in code_words] + [OutCell(name, header=True)]
        return [flat + [OutCell(v, header=True) for v in values]]
    two = [
        [OutCell("科目编码", colspan=n_code, header=True)]
        + [None] * (n_code - 1)
        + [OutCell(name, rowspan=2, header=True)]
        + [OutCell(v, rowspan=2, header=True) for v in values],
        [OutCell(w, header=True) for w in code_words] + [None] * (1 + n_val),
    ]
    if style.header_depth == 2:
        return two
    group = [OutCell("项目", colspan=n_code + 1, header=True)] + [None] * n_code
    group += [OutCell("本年预算", colspan=n_val, header=True)] + [None] * (n_val - 1)
    return [group, *two]


def _classified_row(row: Row, table_no, code_style, n_code, values, style, seen) -> list[OutCell | None]:
    parts = _code_parts(row.code, table_no)
    level = max(len(parts) - 1, 0)
    name = row.name
    if style.indent == "spaces" and level:
        name = "\u3000" * (2 * level) + name
    code_cells = [OutCell() for _ in range(n_code)]
    if row.code is None:
        if style.total_merged and n_code:
            return [OutCell(name, colspan=n_code + 1)] + [None] * n_code + _figure_cells(row, values)
        return code_cells + [OutCell(name)] + _figure_cells(row, values)
    parent_seen = len(parts) == 1 or row.code[:-2] in seen
    if code_style == "columns":
        for j, digits in enumerate(parts):
            code_cells[j].text = digits
    elif code_style == "columns_own_digits":
        for j, digits in enumerate(parts):
            if j == len(parts) - 1 or not parent_seen:
                code_cells[j].text = digits
    elif code_style == "single_column":
        code_cells[0].text = row.code
    elif code_style == "fused_full":
        name = (
            f"{row.code} {name}"
            if style.indent != "spaces"
            else name.replace(row.name, f"{row.code} {row.name}")
        )
    elif code_style == "fused_xiang":
        for j, digits in enumerate(parts[:2]):
            code_cells[j].text = digits
        if len(parts) == 3:
            name = name.replace(row.name, f"{parts[2]} {row.name}")
    return [*code_cells, OutCell(name, indent=level), *_figure_cells(row, values)]
