"""Identities within one table: parents and children, totals and parts, income and expense, 三公.

Plain module (no Dagster import). Every function takes a document's figures and yields
``CheckResult``s (see ``results``); columns are compared by meaning (``figures.column_meaning``).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from orchestration.quality.figures import DocumentFigures, Figure, rows_of
from orchestration.quality.results import CheckResult, compare, nothing_to_compare

__all__ = [
    "AMOUNT_COLUMNS",
    "amount",
    "class_codes",
    "codes",
    "expense_total_equals_classes",
    "income_equals_expense",
    "income_total_equals_sources",
    "parent_equals_children",
    "table9_figures",
    "table9_parts",
    "total_column_equals_parts",
    "total_row",
    "total_row_equals_classes",
]

# Tables printing functional subjects to 项 level, and the economic table.
FUNCTIONAL_DETAIL = (2, 3, 5, 6, 7)
ECONOMIC = 8
TOTAL_NAMES = ("合计", "总计")
# The column holding a row's figure in the two-list tables 1 and 4.
AMOUNT_COLUMNS = ("预算数", "合计")


def total_row(grid: dict, section: str | None = None) -> dict[str, Figure]:
    for name in TOTAL_NAMES:
        if (section, name) in grid:
            return grid[(section, name)]
    return {}


def codes(grid: dict) -> list[str]:
    return sorted({key for _, key in grid if key[:1].isdigit()})


def class_codes(grid: dict) -> list[str]:
    return [c for c in codes(grid) if len(c) == 3]


def amount(row: dict[str, Figure]) -> Figure | None:
    """A row's figure in tables 1 and 4 (预算数, else 合计)."""
    return next((row[c] for c in AMOUNT_COLUMNS if c in row), None)


def parent_equals_children(doc: DocumentFigures) -> Iterable[CheckResult]:
    """类 = Σ 款 and 款 = Σ 项 (tables 2, 3, 5, 6, 7); economic 类 = Σ 款 (table 8)."""
    for t in (*FUNCTIONAL_DETAIL, ECONOMIC):
        grid = rows_of(doc.table(t))
        all_codes = codes(grid)
        for parent in all_codes:
            if t == ECONOMIC and len(parent) != 3:
                continue
            children = [c for c in all_codes if len(c) == len(parent) + 2 and c.startswith(parent)]
            if not children:
                continue
            columns = dict.fromkeys(col for key in (parent, *children) for col in grid[(None, key)])
            for col in columns:
                a = grid[(None, parent)].get(col)
                parts = [grid[(None, ch)][col] for ch in children if col in grid[(None, ch)]]
                if a is None and not any(p.amount for p in parts):
                    continue
                if a is not None and a.amount == 0 and not parts:
                    continue  # a zero parent whose children print nothing: nothing to add up
                yield compare(
                    doc,
                    "parent_equals_children",
                    a,
                    parts,
                    table_no=t,
                    subject=parent,
                    column=a.printed_column if a else col,
                    what=f"table {t} {parent} = Σ its {len(children)} children",
                    missing=None
                    if a is not None and parts
                    else ("parent blank" if a is None else "children blank"),
                )


def total_row_equals_classes(doc: DocumentFigures) -> Iterable[CheckResult]:
    """The 合计 row = Σ 类 rows, column by column (tables 2, 3, 5, 6, 7, 8)."""
    for t in (*FUNCTIONAL_DETAIL, ECONOMIC):
        grid = rows_of(doc.table(t))
        total = total_row(grid)
        classes = class_codes(grid)
        if not total or not classes:
            continue
        for col, a in total.items():
            parts = [grid[(None, c)][col] for c in classes if col in grid[(None, c)]]
            yield compare(
                doc,
                "total_row_equals_classes",
                a,
                parts,
                table_no=t,
                subject="合计",
                what=f"table {t} 合计 row = Σ 类 rows",
                missing=None if parts else "no 类 row prints this column",
            )


def total_column_equals_parts(doc: DocumentFigures) -> Iterable[CheckResult]:
    """合计 = Σ the other columns of each row: 基本 + 项目 (3, 5, 6, 7), 人员 + 公用 (8), income
    sources (2), funds (4), and a unit budget's 人员 + 公用 + 项目 (table 1)."""
    for t in (1, 2, 3, 4, 5, 6, 7, 8):
        for (section, key), row in rows_of(doc.table(t)).items():
            if t in (1, 4) and section != "expense":
                continue
            a = row.get("合计")
            parts = [f for col, f in row.items() if col not in ("合计", "预算数")]
            if a is None or not parts:
                continue  # a row printing only its 合计, or only parts, has nothing to add up
            yield compare(
                doc,
                "total_column_equals_parts",
                a,
                parts,
                table_no=t,
                subject=key,
                what=f"table {t} {key}: 合计 = Σ other columns",
            )


def income_equals_expense(doc: DocumentFigures) -> Iterable[CheckResult]:
    """收入总计 = 支出总计 (tables 1 and 4)."""
    for t in (1, 4):
        grid = rows_of(doc.table(t))
        income = amount(grid.get(("income", "收入总计"), {}))
        expense = amount(grid.get(("expense", "支出总计"), {}))
        if income is None and expense is None:
            continue
        yield compare(
            doc,
            "income_equals_expense",
            income,
            [expense] if expense else [],
            table_no=t,
            subject="收入总计",
            what=f"table {t} 收入总计 = 支出总计",
            missing=None if income and expense else "收入总计 or 支出总计 not printed",
        )


def expense_total_equals_classes(doc: DocumentFigures) -> Iterable[CheckResult]:
    """支出总计 = Σ expense rows, column by column (tables 1 and 4)."""
    for t in (1, 4):
        grid = rows_of(doc.table(t))
        total = grid.get(("expense", "支出总计"), {})
        rows = [row for (section, key), row in grid.items() if section == "expense" and key != "支出总计"]
        for col, a in total.items():
            parts = [row[col] for row in rows if col in row]
            yield compare(
                doc,
                "expense_total_equals_classes",
                a,
                parts,
                table_no=t,
                subject="支出总计",
                what=f"table {t} 支出总计 = Σ expense rows",
                missing=None if parts else "no expense row printed",
            )


# Table 1's lines under 一、财政拨款收入 (and table 4's income lines): the three budgets' appropriations.
FISCAL_FUND_LINES = (
    "一般公共预算资金",
    "一般公共预算",
    "政府性基金",
    "政府性基金预算",
    "国有资本经营",
    "国有资本经营预算",
    "国有资本经营预算资金",
)
FISCAL_INCOME = "财政拨款收入"
# Income lines that are subtotals or carry-overs: 收入总计 is not the sum of the lines beside them.
_SUBTOTAL_LINE = re.compile(r"合计|小计|本年收入|上年结转")


def income_total_equals_sources(doc: DocumentFigures) -> Iterable[CheckResult]:
    """收入总计 = Σ the income lines; 财政拨款收入 = Σ its funds (一般公共预算, 政府性基金, 国有资本经营)."""
    check = "income_total_equals_sources"
    for t in (1, 4):
        lines = {
            key: amount(row) for (section, key), row in rows_of(doc.table(t)).items() if section == "income"
        }
        lines = {key: fig for key, fig in lines.items() if fig is not None}
        funds = [fig for key, fig in lines.items() if key in FISCAL_FUND_LINES]
        fiscal = lines.get(FISCAL_INCOME)
        if fiscal is not None and funds:
            yield compare(
                doc,
                check,
                fiscal,
                funds,
                table_no=t,
                subject=FISCAL_INCOME,
                what=f"table {t} {FISCAL_INCOME} = Σ its funds",
            )
        total = lines.get("收入总计")
        if total is None:
            continue
        printed = Counter(
            (c.section, c.code or c.name, c.column) for c in doc.table(t) if c.section == "income"
        )
        if any(_SUBTOTAL_LINE.search(key) for key in lines) or max(printed.values(), default=0) > 1:
            yield nothing_to_compare(
                doc,
                check,
                f"table {t} prints income subtotals (本年收入合计, 上年结转 …) or a line twice: its lines are not all "
                "parts of 收入总计",
                table_no=t,
                subject="收入总计",
            )
            continue
        tops = [
            fig
            for key, fig in lines.items()
            if key != "收入总计" and (fiscal is None or key not in FISCAL_FUND_LINES)
        ]
        yield compare(
            doc,
            check,
            total,
            tops,
            table_no=t,
            subject="收入总计",
            what=f"table {t} 收入总计 = Σ income lines",
            missing=None if tops else "no income line printed",
        )


# Table 9 columns by what they hold; the first matching rule wins (购置及运行 before 购置).
T9_COLUMNS = (
    ("total", re.compile(r"^合计$")),
    ("outbound", re.compile(r"出国")),
    ("reception", re.compile(r"接待")),
    ("vehicle", re.compile(r"小计|购置及运行")),
    ("vehicle_purchase", re.compile(r"购置")),
    ("vehicle_operation", re.compile(r"运行(维护)?费$")),
    ("admin_operating_cost", re.compile(r"机关运行经费")),
)


def table9_figures(doc: DocumentFigures) -> dict[str, Figure]:
    """Table 9's figures by role (this year's 机关运行经费 only)."""
    out: dict[str, Figure] = {}
    for c in doc.table(9):
        for role, pattern in T9_COLUMNS:
            if pattern.search(c.column):
                year = re.search(r"(\d{4})年", c.printed_column)
                if (
                    role == "admin_operating_cost"
                    and year
                    and doc.fiscal_year
                    and int(year[1]) != doc.fiscal_year
                ):
                    break  # last year's figure printed beside this year's
                out.setdefault(role, c)
                break
    return out


def table9_parts(doc: DocumentFigures) -> Iterable[CheckResult]:
    """Table 9: 合计 = 因公出国(境) + 公务接待 + 公务用车 小计; 小计 = 购置费 + 运行费."""
    if doc.is_empty(9) or not doc.table(9):
        return
    t9 = table9_figures(doc)
    for role, part_roles, what in (
        ("total", ("outbound", "reception", "vehicle"), "table 9 合计 = 出国 + 接待 + 公务用车"),
        ("vehicle", ("vehicle_purchase", "vehicle_operation"), "table 9 公务用车 小计 = 购置费 + 运行费"),
    ):
        parts = [t9[r] for r in part_roles if r in t9]
        if role not in t9 and not parts:
            continue
        yield compare(doc, "table9_parts", t9.get(role), parts, table_no=9, subject=role, what=what)
