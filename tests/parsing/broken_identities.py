"""The publisher's broken identities in a document's cells, as the identity engine computes them.

Used to verify the golden files by hand: every broken identity must be one the publisher
printed (checked on the page) and is listed in the golden's ``publisher_inconsistencies``.
There is one engine of the identities (``orchestration.quality.identities``); this oracle runs
its table checks on the parser's cells and lists every comparison that does not hold *exactly*
(a difference within the rounding allowance is a pass for the engine, but is still printed
arithmetic that does not add up, and the goldens record it), in the goldens' format.
"""

from __future__ import annotations

from orchestration.parsing.model import DocumentMeta, ParsedDocument
from orchestration.quality import cross_table_identities as cross
from orchestration.quality import table_identities as within
from orchestration.quality.figures import figures_from_parse

__all__ = ["check_identities"]

# The engine's table checks the goldens record, with the name the goldens give them.
IDENTITIES = (
    (within.parent_equals_children, "parent = Σ children"),
    (within.total_row_equals_classes, "合计 row = Σ 类 rows"),
    (within.total_column_equals_parts, "合计 = Σ other columns"),
    (within.income_equals_expense, "收入总计 = 支出总计"),
    (within.expense_total_equals_classes, "支出总计 = Σ 类"),
    (within.table9_parts, "合计 = 出国 + 接待 + 公务用车"),
    (cross.table1_equals_table3, "table 1 expense = table 3 合计 (类)"),
    (cross.table4_equals_table5, "table 4 一般公共预算 = table 5 合计 (类)"),
    (cross.table8_equals_table5_basic, "table 8 合计 = table 5 基本支出 合计"),
)


def _where(figure) -> str:
    return f"page {figure.page}" if figure.page is not None else f"line {figure.line}"


def _entry(identity: str, result) -> dict:
    a, *parts = result.figures
    if result.check == "table9_parts" and result.subject == "vehicle":
        identity = "小计 = 购置费 + 运行费"
    if identity.startswith("table 1") and result.subject == "合计":
        # the grand total is recorded from table 3's side: table 3 合计 = table 1 支出总计
        identity, a, parts = "table 3 合计 = table 1 支出总计", parts[0], [a]
    expected = sum((p.amount for p in parts), a.amount * 0)
    return {
        "identity": identity,
        "table": a.table_no,
        "row": a.code or a.name,
        "column": a.printed_column,
        "sum_of_parts": str(expected),
        "printed": str(a.amount),
        "difference": str(a.amount - expected),
        "where": _where(a),
    }


def _order(entry: dict) -> tuple:
    cross_table = entry["identity"].startswith("table ")
    names = [name for _, name in IDENTITIES] + ["table 3 合计 = table 1 支出总计", "小计 = 购置费 + 运行费"]
    row = entry["row"] if entry["row"][:1].isdigit() else "~" + entry["row"]
    return (
        cross_table,
        0 if cross_table else entry["table"],
        names.index(entry["identity"]),
        row,
        entry["column"],
    )


def check_identities(cells) -> list[dict]:
    """Broken identities as dicts: identity, table, code/name, column, expected (sum), printed, diff, where."""
    parsed = ParsedDocument(DocumentMeta(sha256="", source_file="", format="", pages=None), cells=list(cells))
    doc = figures_from_parse(parsed)
    out = []
    for check, identity in IDENTITIES:
        for result in check(doc):
            if result.difference is not None and result.difference != 0:
                out.append(_entry(identity, result))
    return sorted(out, key=_order)
