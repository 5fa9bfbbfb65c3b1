"""DOMAIN.md identities over a document's cells: where the printed figures do not add up.

Used to verify the golden files by hand: every broken identity must be one the
publisher printed (checked on the page) and is listed in the golden's
``publisher_inconsistencies``.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

__all__ = ["check_identities"]

FUNCTIONAL = (2, 3, 5, 6, 7)
TOTAL_NAMES = ("合计", "总计")


def _where(c) -> str:
    return f"page {c.page}" if c.page is not None else f"line {c.line}"


def check_identities(cells) -> list[dict]:
    """Broken identities as dicts: identity, table, code/name, column, expected (sum), printed, diff, where."""
    out: list[dict] = []
    by_table = defaultdict(list)
    for c in cells:
        by_table[c.table_no].append(c)

    def report(identity, cell_or_none, table, label, column, expected, printed, where):
        if expected != printed:
            out.append(
                {
                    "identity": identity,
                    "table": table,
                    "row": label,
                    "column": column,
                    "sum_of_parts": str(expected),
                    "printed": str(printed),
                    "difference": str(printed - expected),
                    "where": where,
                }
            )

    # Within tables: parent = Σ children, 合计 row = Σ 类, 合计 column = Σ other columns.
    for t, cs in by_table.items():
        if t in FUNCTIONAL or t == 8:
            grid = defaultdict(dict)  # (code or 合计) -> column -> cell
            for c in cs:
                grid[c.code or c.name][c.column] = c
            columns = sorted({c.column for c in cs})
            codes = [k for k in grid if k and k[0].isdigit()]
            for parent in codes:
                children = [k for k in codes if len(k) == len(parent) + 2 and k.startswith(parent)]
                if not children:
                    continue
                for col in columns:
                    if col not in grid[parent] and not any(col in grid[ch] for ch in children):
                        continue
                    printed = grid[parent][col].amount_yuan if col in grid[parent] else Decimal(0)
                    total = sum((grid[ch][col].amount_yuan for ch in children if col in grid[ch]), Decimal(0))
                    where = _where(grid[parent][col]) if col in grid[parent] else "blank"
                    report("parent = Σ children", None, t, parent, col, total, printed, where)
            for total_name in TOTAL_NAMES:
                if total_name not in grid:
                    continue
                leis = [k for k in codes if len(k) == 3]
                for col in columns:
                    printed = grid[total_name][col].amount_yuan if col in grid[total_name] else Decimal(0)
                    total = sum((grid[k][col].amount_yuan for k in leis if col in grid[k]), Decimal(0))
                    where = _where(grid[total_name][col]) if col in grid[total_name] else "blank"
                    report("合计 row = Σ 类 rows", None, t, total_name, col, total, printed, where)
            for key, row in grid.items():
                if "合计" not in row:
                    continue
                parts = [c for col, c in row.items() if col != "合计"]
                total = sum((c.amount_yuan for c in parts), Decimal(0))
                report(
                    "合计 = Σ other columns",
                    None,
                    t,
                    key,
                    "合计",
                    total,
                    row["合计"].amount_yuan,
                    _where(row["合计"]),
                )
        if t in (1, 4):
            inc = {c.column: c for c in cs if c.name == "收入总计"}
            exp = {c.column: c for c in cs if c.name == "支出总计"}
            inc = {col: c for col, c in inc.items() if col in ("预算数", "合计")}
            if inc and exp:
                a = next(iter(inc.values()))
                b = exp.get("预算数") or exp.get("合计")
                if b is not None:
                    report(
                        "收入总计 = 支出总计",
                        None,
                        t,
                        "支出总计",
                        b.column,
                        a.amount_yuan,
                        b.amount_yuan,
                        _where(b),
                    )
            exp_rows = [c for c in cs if c.section == "expense" and c.name != "支出总计"]
            for col in {c.column for c in exp_rows}:
                if col in exp:
                    total = sum((c.amount_yuan for c in exp_rows if c.column == col), Decimal(0))
                    report(
                        "支出总计 = Σ 类",
                        None,
                        t,
                        "支出总计",
                        col,
                        total,
                        exp[col].amount_yuan,
                        _where(exp[col]),
                    )
            if t == 4:
                rows = defaultdict(dict)
                for c in exp_rows + [c for c in cs if c.name == "支出总计"]:
                    rows[c.name][c.column] = c
                for name, row in rows.items():
                    if "合计" in row:
                        total = sum((c.amount_yuan for col, c in row.items() if col != "合计"), Decimal(0))
                        report(
                            "合计 = Σ other columns",
                            None,
                            t,
                            name,
                            "合计",
                            total,
                            row["合计"].amount_yuan,
                            _where(row["合计"]),
                        )
        if t == 9:
            row = {c.column: c.amount_yuan for c in cs}
            if "购置费" in row or "运行费" in row or "运行维护费" in row:
                sub = sum((row.get(k, Decimal(0)) for k in ("购置费", "运行费", "运行维护费")), Decimal(0))
                if "小计" in row or sub:
                    report(
                        "小计 = 购置费 + 运行费",
                        None,
                        9,
                        "",
                        "小计",
                        sub,
                        row.get("小计", Decimal(0)),
                        "table 9",
                    )
            parts = sum(
                (row.get(k, Decimal(0)) for k in ("因公出国(境)费", "公务接待费", "小计")), Decimal(0)
            )
            if "合计" in row:
                report("合计 = 出国 + 接待 + 公务用车", None, 9, "", "合计", parts, row["合计"], "table 9")

    # Across tables.
    def lei_values(t, column):
        return {c.code: c for c in by_table.get(t, []) if c.code and len(c.code) == 3 and c.column == column}

    t1 = {
        c.code: c
        for c in by_table.get(1, [])
        if c.section == "expense" and c.code and c.column in ("预算数", "合计")
    }
    t3 = lei_values(3, "合计")
    for code in sorted(set(t1) | set(t3)):
        if code in t1 and code in t3:
            report(
                "table 1 expense = table 3 合计 (类)",
                None,
                1,
                code,
                "预算数",
                t3[code].amount_yuan,
                t1[code].amount_yuan,
                _where(t1[code]),
            )
    t4 = {
        c.code: c
        for c in by_table.get(4, [])
        if c.section == "expense" and c.code and c.column == "一般公共预算"
    }
    t5 = lei_values(5, "合计")
    for code in sorted(set(t4) & set(t5)):
        report(
            "table 4 一般公共预算 = table 5 合计 (类)",
            None,
            4,
            code,
            "一般公共预算",
            t5[code].amount_yuan,
            t4[code].amount_yuan,
            _where(t4[code]),
        )
    t8_total = [c for c in by_table.get(8, []) if c.name in TOTAL_NAMES and c.column == "合计"]
    t5_basic = [c for c in by_table.get(5, []) if c.name in TOTAL_NAMES and c.column == "基本支出"]
    if t8_total and t5_basic:
        report(
            "table 8 合计 = table 5 基本支出 合计",
            None,
            8,
            "合计",
            "合计",
            t5_basic[0].amount_yuan,
            t8_total[0].amount_yuan,
            _where(t8_total[0]),
        )
    t1_exp_total = [c for c in by_table.get(1, []) if c.name == "支出总计"]
    t3_total = [c for c in by_table.get(3, []) if c.name in TOTAL_NAMES and c.column == "合计"]
    if t1_exp_total and t3_total:
        report(
            "table 3 合计 = table 1 支出总计",
            None,
            3,
            "合计",
            "合计",
            t1_exp_total[0].amount_yuan,
            t3_total[0].amount_yuan,
            _where(t3_total[0]),
        )
    return out
