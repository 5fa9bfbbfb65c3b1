"""Verify an OCR'd document's figures with the tables' own identities before anything is loaded.

A figure read by OCR is loaded only when the document's arithmetic confirms it. The identities:

- a parent row = Σ its child rows, column by column (类 = Σ 款, 款 = Σ 项; economic 类 = Σ 款);
- the 合计 row = Σ the 类 rows, column by column;
- a row's 合计 column = Σ its other columns (基本 + 项目, 人员 + 公用, the income sources …);
- tables 1 and 4: 收入总计 = 支出总计 and 支出总计 = Σ the expense rows;
- table 9: 合计 = 因公出国(境) + 公务接待 + 公务用车 (小计, or 购置 + 运行), 小计 = 购置 + 运行.

Each comparison allows the rounding of its printed figures (half the last printed digit of each,
``units.half_unit``). A figure is *verified* when it takes part in an identity that holds,
or when another table of the document prints the same amount, or the narrative states it (to 0.01
万元): two independent reads agree. Every
identity that fails and every figure left unverified becomes a ``Problem(check="ocr_unverified")``,
and the pipeline holds the document back: an OCR'd figure never enters the marts unverified.
The same code printed with two names across tables is a misread too. Narrative figures are kept only
when a table figure confirms them, and project sections are not loaded from a scan (no identity
can confirm their texts and amounts).
"""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal

from .model import Cell, ParsedDocument, Problem
from .units import UNIT_FACTORS, half_unit

__all__ = ["confirmed_narrative", "verify_ocr"]

CHECK = "ocr_unverified"
CODED_TABLES = (2, 3, 5, 6, 7, 8)
TOTAL_NAMES = ("合计", "总计")
TOTAL_COLUMNS = ("合计",)
WAN = UNIT_FACTORS["万元"]
CENTS = Decimal("0.01")
MAX_PROBLEMS = 50  # enough to say what failed; a badly read scan would list hundreds
Row = dict[str, Cell]


def _half_unit(cell: Cell) -> Decimal:
    return half_unit(cell.printed, cell.unit)


def _label(cell: Cell) -> str:
    row = " ".join(p for p in (cell.code, cell.name) if p)
    return f"table {cell.table_no} {row} · {cell.column} = {cell.printed}"


class _Ledger:
    """Identities checked so far: the figures they confirmed and the ones that failed."""

    def __init__(self) -> None:
        self.verified: set[int] = set()
        self.failures: list[Problem] = []

    def check(self, what: str, total: Cell | None, parts: list[Cell]) -> None:
        if total is None or not parts:
            return
        difference = total.amount_yuan - sum((p.amount_yuan for p in parts), Decimal(0))
        allowance = _half_unit(total) + sum((_half_unit(p) for p in parts), Decimal(0))
        if abs(difference) <= allowance:
            self.verified.update(id(c) for c in (total, *parts))
            return
        self.failures.append(
            Problem(
                check=CHECK,
                message=f"{what}: {_label(total)} ≠ Σ {len(parts)} parts ({difference:+f} yuan)",
                table_no=total.table_no,
                page=total.page,
                printed=total.printed,
            )
        )


def _rows(cells: list[Cell]) -> dict[tuple[int, str | None, str], Row]:
    rows: dict[tuple[int, str | None, str], Row] = defaultdict(dict)
    for cell in cells:
        rows[(cell.table_no, cell.section, cell.code or cell.name)][cell.column] = cell
    return rows


def _hierarchy(ledger: _Ledger, rows) -> None:
    for t in CODED_TABLES:
        table = {key: row for (no, _, key), row in rows.items() if no == t}
        codes = [k for k in table if k[:1].isdigit()]
        for parent in codes:
            children = [c for c in codes if len(c) == len(parent) + 2 and c.startswith(parent)]
            for column, cell in table[parent].items():
                parts = [table[c][column] for c in children if column in table[c]]
                ledger.check(f"table {t} {parent} = Σ children", cell, parts)
        total = next((table[n] for n in TOTAL_NAMES if n in table), {})
        classes = [c for c in codes if len(c) == 3]
        for column, cell in total.items():
            ledger.check(
                f"table {t} 合计 row = Σ 类", cell, [table[c][column] for c in classes if column in table[c]]
            )


def _row_totals(ledger: _Ledger, rows) -> None:
    for (t, section, key), row in rows.items():
        if t == 9 or (t in (1, 4) and section != "expense"):
            continue
        total = next((row[c] for c in TOTAL_COLUMNS if c in row), None)
        parts = [c for col, c in row.items() if col not in (*TOTAL_COLUMNS, "预算数")]
        ledger.check(f"table {t} {key}: 合计 = Σ other columns", total, parts)


def _amount(row: Row) -> Cell | None:
    return next((row[c] for c in ("合计", "预算数") if c in row), next(iter(row.values()), None))


def _two_sided(ledger: _Ledger, rows) -> None:
    for t in (1, 4):
        income = rows.get((t, "income", "收入总计"), {})
        expense = rows.get((t, "expense", "支出总计"), {})
        total = _amount(expense)
        ledger.check(f"table {t} 收入总计 = 支出总计", _amount(income), [total] if total else [])
        for column, cell in expense.items():
            lines = [r[column] for (no, sec, key), r in rows.items()
                     if no == t and sec == "expense" and key != "支出总计" and column in r]  # fmt: skip
            ledger.check(f"table {t} 支出总计 = Σ expense rows", cell, lines)


T9_PARTS = (("outbound", r"出国"), ("reception", r"接待"), ("vehicle", r"小计|购置及运行"),
            ("purchase", r"购置费"), ("operation", r"运行(维护)?费$"))  # fmt: skip


def _table9(ledger: _Ledger, cells: list[Cell]) -> None:
    found: dict[str, Cell] = {}
    for cell in (c for c in cells if c.table_no == 9):
        if cell.column == "合计":
            found.setdefault("total", cell)
            continue
        for role, pattern in T9_PARTS:
            if re.search(pattern, cell.column):
                found.setdefault(role, cell)
                break
    vehicle = [found[k] for k in ("purchase", "operation") if k in found]
    if "vehicle" in found:
        ledger.check("table 9 小计 = 购置 + 运行", found["vehicle"], vehicle)
        vehicle = [found["vehicle"]]
    parts = [found[k] for k in ("outbound", "reception") if k in found] + vehicle
    ledger.check("table 9 合计 = its parts", found.get("total"), parts)


def _names_agree(cells: list[Cell]) -> list[Problem]:
    """One name per code across the functional and economic tables (a misread name or code shows)."""
    names: dict[str, set[str]] = defaultdict(set)
    for c in cells:
        if c.code and c.table_no in CODED_TABLES:
            names[c.code].add(c.name)
    return [
        Problem(check=CHECK, message=f"code {code} printed with different names: {', '.join(sorted(n))}")
        for code, n in names.items()
        if len(n) > 1
    ]


def _in_wan(amount: Decimal) -> Decimal:
    return (amount / WAN).quantize(CENTS)


def verify_ocr(doc: ParsedDocument) -> list[Problem]:
    """The problems that hold an OCR'd document back (none when every figure is confirmed)."""
    cells = doc.cells
    rows = _rows(cells)
    ledger = _Ledger()
    _hierarchy(ledger, rows)
    _row_totals(ledger, rows)
    _two_sided(ledger, rows)
    _table9(ledger, cells)
    by_amount: dict[Decimal, set[int]] = defaultdict(set)
    for c in cells:
        by_amount[c.amount_yuan].add(c.table_no)
    stated = {_in_wan(n.amount_yuan) for n in doc.narrative if n.amount_yuan}  # read apart, in the text
    unverified = [
        c
        for c in cells
        if id(c) not in ledger.verified
        and not by_amount[c.amount_yuan] - {c.table_no}
        and not (c.amount_yuan and _in_wan(c.amount_yuan) in stated)
    ]
    problems = ledger.failures + _names_agree(cells)
    problems += [
        Problem(
            check=CHECK,
            message=f"{_label(c)}: read by OCR (confidence {c.confidence:.2f}) and confirmed by no identity",
            table_no=c.table_no,
            page=c.page,
            printed=c.printed,
        )
        for c in unverified
    ]
    if len(problems) > MAX_PROBLEMS:
        more = len(problems) - MAX_PROBLEMS
        problems = problems[:MAX_PROBLEMS] + [Problem(check=CHECK, message=f"… and {more} more")]
    return problems


def confirmed_narrative(doc: ParsedDocument) -> list:
    """The narrative figures of an OCR'd document that a table figure confirms (equal to 0.01 万元)."""
    shown = {_in_wan(c.amount_yuan) for c in doc.cells}
    return [n for n in doc.narrative if _in_wan(n.amount_yuan) in shown]
