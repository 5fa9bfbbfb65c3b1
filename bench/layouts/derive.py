"""Figures a style prints that the golden does not hold, derived so that the identities still hold.

* every amount scaled by the document's power of ten (see ``figures.document_scale``);
* unit budgets' table 1: expense split into 人员经费 / 公用经费 / 项目支出 beside 合计 (from table 3's
  基本支出 / 项目支出 per 类 and table 8's share of 人员经费), or collapsed back to one 预算数 column;
* extra columns of table 3 (上缴上级支出, 对附属单位补助支出, 事业单位经营支出), carved out of 项目支出
  on the leaf rows and summed up to the parents and the 合计 row.
"""

from __future__ import annotations

import copy
from decimal import ROUND_DOWN, Decimal

from bench.layouts.golden import GoldenDocument, GoldenRow, GoldenTable

__all__ = ["EXTRA_COLUMNS", "derive_document", "unit_split_labels"]

# Share of a leaf's 项目支出 moved to each extra column.
EXTRA_COLUMNS = {
    "上缴上级支出": Decimal(1) / Decimal(9),
    "对附属单位补助支出": Decimal(1) / Decimal(7),
    "事业单位经营支出": Decimal(1) / Decimal(11),
}
EXTRA_BY_STYLE = {"none": 0, "two": 2, "three": 3}
UNIT_EXPENSE = ["合计", "人员经费", "公用经费", "项目支出"]
DEFAULT_PERSONNEL_SHARE = Decimal("0.8")


def unit_split_labels() -> list[str]:
    return list(UNIT_EXPENSE)


def derive_document(
    doc: GoldenDocument, scale: Decimal, quantum: Decimal, kind: str, extra: str
) -> GoldenDocument:
    """A copy of ``doc`` scaled, with table 1 shaped for ``kind`` and table 3's ``extra`` columns.

    ``quantum`` is the smallest amount (yuan, after scaling) the style can print in the main unit."""
    out = copy.deepcopy(doc)
    for table in out.tables.values():
        for row in table.rows:
            row.values = {k: v * scale for k, v in row.values.items()}
    if 1 in out.tables:
        if kind == "unit":
            _split_table1(out, quantum)
        else:
            _collapse_table1(out.tables[1])
    if EXTRA_BY_STYLE[extra] and 3 in out.tables:
        _extra_columns(out.tables[3], list(EXTRA_COLUMNS)[: EXTRA_BY_STYLE[extra]], quantum)
    return out


def _collapse_table1(table: GoldenTable) -> None:
    """A unit budget's table 1 printed as a department's: one 预算数 column (its 合计)."""
    labels = table.columns.get("expense", [])
    if labels == ["预算数"] or "合计" not in labels:
        return
    for row in table.section_rows("expense"):
        total = row.values.get("合计")
        row.values = {"预算数": total} if total is not None else {}
    table.columns["expense"] = ["预算数"]


def _split_table1(doc: GoldenDocument, quantum: Decimal) -> None:
    """Department table 1 → unit table 1: 合计 / 人员经费 / 公用经费 / 项目支出 per expense row."""
    table = doc.tables[1]
    if table.columns.get("expense") != ["预算数"]:
        return  # already split (a unit budget's golden)
    basic_project = _class_split(doc)
    share = _personnel_share(doc)
    totals = dict.fromkeys(UNIT_EXPENSE, Decimal(0))
    total_row = None
    for row in table.section_rows("expense"):
        if row.is_total:
            total_row = row
            continue
        amount = row.values.get("预算数")
        if amount is None:
            row.values = {}
            continue
        basic, project = basic_project.get(row.code, (amount, Decimal(0)))
        if basic + project != amount:
            basic, project = amount, Decimal(0)
        personnel = (basic * share / quantum).to_integral_value(ROUND_DOWN) * quantum
        parts = {"合计": amount, "人员经费": personnel, "公用经费": basic - personnel, "项目支出": project}
        row.values = {k: v for k, v in parts.items() if v or k == "合计"}
        for k in UNIT_EXPENSE:
            totals[k] += parts[k]
    if total_row is not None:
        total_row.values = {k: v for k, v in totals.items() if v or k == "合计"}
    table.columns["expense"] = list(UNIT_EXPENSE)


def _class_split(doc: GoldenDocument) -> dict[str, tuple[Decimal, Decimal]]:
    """基本支出 and 项目支出 per 类 code, from table 3."""
    out = {}
    for row in doc.tables[3].rows if 3 in doc.tables else []:
        if row.code and len(row.code) == 3:
            out[row.code] = (row.values.get("基本支出", Decimal(0)), row.values.get("项目支出", Decimal(0)))
    return out


def _personnel_share(doc: GoldenDocument) -> Decimal:
    """人员经费 / 合计 of table 8's 合计 row (a plausible split of every 类's 基本支出)."""
    for row in doc.tables[8].rows if 8 in doc.tables else []:
        if row.is_total and row.values.get("合计"):
            return row.values.get("人员经费", Decimal(0)) / row.values["合计"]
    return DEFAULT_PERSONNEL_SHARE


def _is_leaf(row: GoldenRow, codes: set[str]) -> bool:
    return bool(row.code) and not any(c != row.code and c.startswith(row.code) for c in codes)


def _extra_columns(table: GoldenTable, labels: list[str], quantum: Decimal) -> None:
    codes = {r.code for r in table.rows if r.code}
    leaf_extras: dict[str, dict[str, Decimal]] = {}
    for row in table.rows:
        project = row.values.get("项目支出")
        if _is_leaf(row, codes) and project:
            leaf_extras[row.code] = {
                label: (project * EXTRA_COLUMNS[label] / quantum).to_integral_value(ROUND_DOWN) * quantum
                for label in labels
            }
    for row in table.rows:
        if row.is_total:
            mine = list(leaf_extras.values())
        elif row.code:
            mine = [e for c, e in leaf_extras.items() if c.startswith(row.code)]
        else:
            continue
        moved = Decimal(0)
        for label in labels:
            value = sum((e[label] for e in mine), Decimal(0))
            if value:
                row.values[label] = value
                moved += value
        if moved:
            row.values["项目支出"] = row.values.get("项目支出", Decimal(0)) - moved
    table.columns[None] = [c for c in table.columns.get(None, []) if c not in labels] + labels
