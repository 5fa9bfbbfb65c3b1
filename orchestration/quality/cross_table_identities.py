"""Identities across tables: the same subjects and totals printed in two tables, a unit budget's split.

Plain module (no Dagster import). Columns are compared by meaning, so 基本支出 is 基本支出
however its parent header is printed (``figures.column_meaning``).
"""

from __future__ import annotations

from collections.abc import Iterable

from orchestration.quality.figures import DocumentFigures, Figure, rows_of
from orchestration.quality.results import CheckResult, compare, nothing_to_compare
from orchestration.quality.table_identities import amount, total_row

__all__ = [
    "funds_differ_by_design",
    "table1_equals_table3",
    "table1_split_equals_tables_3_and_8",
    "table2_equals_table3",
    "table3_equals_table5",
    "table4_equals_table5",
    "table8_equals_table5_basic",
]

SPLIT_COLUMNS = ("人员经费", "公用经费")


def _cross(
    doc: DocumentFigures,
    check: str,
    left: tuple[int, dict[str, Figure]],
    right: tuple[int, dict[str, Figure]],
) -> Iterable[CheckResult]:
    """The same subjects printed in two tables: figure by figure, and a row printed in one table only."""
    (ta, a_rows), (tb, b_rows) = left, right
    for key in sorted(set(a_rows) | set(b_rows)):
        a, b = a_rows.get(key), b_rows.get(key)
        if (a is None and b is not None and b.amount == 0) or (b is None and a is not None and a.amount == 0):
            continue  # a zero row printed in one table only
        yield compare(
            doc,
            check,
            a,
            [b] if b else [],
            table_no=ta,
            subject=key,
            column=(a.printed_column if a else b.printed_column if b else None),
            what=f"table {ta} {key} = table {tb} {key}",
            missing=None if a and b else f"printed in table {ta if a else tb} only",
        )


def _class_figures(
    doc: DocumentFigures, t: int, column: str | None, section: str | None = None
) -> dict[str, Figure]:
    out = {}
    for (sec, key), row in rows_of(doc.table(t)).items():
        if sec == section and key[:1].isdigit() and len(key) == 3:
            fig = row.get(column) if column else amount(row)
            if fig is not None:
                out[key] = fig
    return out


def _code_figures(doc: DocumentFigures, t: int, column: str) -> dict[str, Figure]:
    grid = rows_of(doc.table(t))
    out = {key: row[column] for (_, key), row in grid.items() if key[:1].isdigit() and column in row}
    total = total_row(grid).get(column)
    if total is not None:
        out["合计"] = total
    return out


def table1_equals_table3(doc: DocumentFigures) -> Iterable[CheckResult]:
    """Table 1 expense per 类 = table 3 合计 per 类; 支出总计 = table 3 合计."""
    t1 = _class_figures(doc, 1, None, "expense")
    total = amount(rows_of(doc.table(1)).get(("expense", "支出总计"), {}))
    if total is not None:
        t1["合计"] = total
    t3 = {k: v for k, v in _code_figures(doc, 3, "合计").items() if len(k) == 3 or k == "合计"}
    if t1 or t3:
        yield from _cross(doc, "table1_equals_table3", (1, t1), (3, t3))


def table2_equals_table3(doc: DocumentFigures) -> Iterable[CheckResult]:
    """Table 2 (income by subject) 合计 = table 3 (expense by subject) 合计, subject by subject."""
    t2, t3 = _code_figures(doc, 2, "合计"), _code_figures(doc, 3, "合计")
    if t2 or t3:
        yield from _cross(doc, "table2_equals_table3", (2, t2), (3, t3))


def table4_equals_table5(doc: DocumentFigures) -> Iterable[CheckResult]:
    """Table 4 一般公共预算 column per 类 (and 支出总计) = table 5 合计."""
    t4 = _class_figures(doc, 4, "一般公共预算", "expense")
    total = rows_of(doc.table(4)).get(("expense", "支出总计"), {}).get("一般公共预算")
    if total is not None:
        t4["合计"] = total
    t5 = {k: v for k, v in _code_figures(doc, 5, "合计").items() if len(k) == 3 or k == "合计"}
    if t4 or t5:
        yield from _cross(doc, "table4_equals_table5", (4, t4), (5, t5))


def funds_differ_by_design(doc: DocumentFigures) -> list[str]:
    """Why table 3 (all funds) and table 5 (general budget) may differ: empty when they may not."""
    reasons = [f"table {t} is not empty" for t in (6, 7) if not doc.is_empty(t)]
    t2_total = total_row(rows_of(doc.table(2)))
    other_income = [f for col, f in t2_total.items() if col not in ("合计", "财政拨款收入") and f.amount != 0]
    if other_income:
        reasons.append(
            "table 2 prints income other than 财政拨款收入 ("
            + ", ".join(f.printed_column for f in other_income)
            + ")"
        )
    return reasons


def table3_equals_table5(doc: DocumentFigures) -> Iterable[CheckResult]:
    """Table 3 = table 5 cell by cell, when every yuan is general public budget (else they differ by design)."""
    reasons = funds_differ_by_design(doc)
    if reasons:
        yield nothing_to_compare(
            doc, "table3_equals_table5", "tables 3 and 5 differ by design: " + "; ".join(reasons), table_no=3
        )
        return
    columns = dict.fromkeys(c.column for t in (3, 5) for c in doc.table(t))
    for col in columns:
        yield from _cross(
            doc, "table3_equals_table5", (3, _code_figures(doc, 3, col)), (5, _code_figures(doc, 5, col))
        )


def table8_equals_table5_basic(doc: DocumentFigures) -> Iterable[CheckResult]:
    """Table 8 合计 = table 5 基本支出 合计 (the general-budget basic expense, by economic class)."""
    a = total_row(rows_of(doc.table(8))).get("合计")
    b = total_row(rows_of(doc.table(5))).get("基本支出")
    if a is None and b is None:
        return
    yield compare(
        doc,
        "table8_equals_table5_basic",
        a,
        [b] if b else [],
        table_no=8,
        subject="合计",
        what="table 8 合计 = table 5 合计 基本支出",
        missing=None if a and b else "one of the two totals is not printed",
    )


def _basic_is_general_budget(doc: DocumentFigures) -> str | None:
    """Why table 1's 人员/公用 (all funds) cannot be compared with table 8's (general budget), or None."""
    t3_basic = total_row(rows_of(doc.table(3))).get("基本支出")
    t5_basic = total_row(rows_of(doc.table(5))).get("基本支出")
    if doc.is_empty(8) or not doc.table(8):
        return "table 8 prints no figures"
    if t3_basic is None or t5_basic is None:
        return (
            "table 3 or table 5 prints no 基本支出 total: which funds pay the basic spending is not printed"
        )
    if abs(t3_basic.amount - t5_basic.amount) > t3_basic.half_unit + t5_basic.half_unit:
        return (
            f"table 1 counts every fund's basic spending (table 3: {t3_basic.printed}), table 8 the general "
            f"budget's only (table 5: {t5_basic.printed})"
        )
    return None


def table1_split_equals_tables_3_and_8(doc: DocumentFigures) -> Iterable[CheckResult]:
    """A unit budget's table 1 split: 人员经费 + 公用经费 = table 3 基本支出, per 类 and in total; the
    支出总计 row's 人员经费 and 公用经费 = table 8's (when all basic spending is general budget)."""
    check = "table1_split_equals_tables_3_and_8"
    t1 = {key: row for (section, key), row in rows_of(doc.table(1)).items() if section == "expense"}
    split = {key: [row[c] for c in SPLIT_COLUMNS if c in row] for key, row in t1.items()}
    split = {key: parts for key, parts in split.items() if parts}
    if not split:
        return
    t3 = rows_of(doc.table(3))
    for key, parts in split.items():
        row3 = total_row(t3) if key == "支出总计" else t3.get((None, key), {})
        yield compare(
            doc,
            check,
            row3.get("基本支出"),
            parts,
            table_no=3,
            subject="合计" if key == "支出总计" else key,
            what=f"table 3 {key} 基本支出 = table 1 人员经费 + 公用经费",
            missing=None if row3.get("基本支出") else "table 3 prints no 基本支出 for this row",
        )
    total = t1.get("支出总计", {})
    t8_total = total_row(rows_of(doc.table(8)))
    why = _basic_is_general_budget(doc)
    for col in SPLIT_COLUMNS:
        if col not in total:
            continue
        if why:
            yield nothing_to_compare(
                doc,
                check,
                f"table 1 支出总计 {col} = table 8 合计 {col}: {why}",
                table_no=1,
                subject="支出总计",
            )
            continue
        b = t8_total.get(col)
        yield compare(
            doc,
            check,
            total[col],
            [b] if b else [],
            table_no=1,
            subject="支出总计",
            what=f"table 1 支出总计 {col} = table 8 合计 {col}",
            missing=None if b else f"table 8 prints no {col} total",
        )
