"""How a document lays out its tables, reported (never blocking): what publishers print differently.

Plain module (no Dagster import). These were blocking expectations until real documents showed
correct parses failing them (docs/quality.md, "Moved to the reported checks"): a 款 printed with
no 项 under it (上海市退役军人服务中心 2026: 20809 退役安置), a child printed without its parent, tables
2 and 3 listing different subjects, a row with parts but no printed total, a table left out. Each
is a check of the identity engine (``identities.CHECKS``, family ``structure``): one ``fail``
per row concerned, with its printed figure as figure A and nothing to compare it with (no figure
B, ``terms`` 0), or one ``pass`` per table where the layout is the usual one.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from orchestration.quality.figures import DocumentFigures, Figure
from orchestration.quality.results import CheckResult

__all__ = [
    "parent_has_children",
    "parent_printed_above",
    "row_total_printed",
    "subject_in_twin_table",
    "table_printed",
]

# Tables printing functional subjects down to 项 (every 类/款 usually has rows below), and table 8's
# economic 类 (over its 款).
DETAIL_TABLES = (2, 3, 5, 6, 7)
ECONOMIC_TABLE = 8
# Code lengths of a parent row: functional 类 and 款; economic 类.
PARENT_LENGTHS = {**{t: (3, 5) for t in DETAIL_TABLES}, ECONOMIC_TABLE: (3,)}
CODED_TABLES = tuple(range(1, 9))
# Tables whose subjects another table lists too: 2 ↔ 3 (income and expense by the same subjects), and
# 5, 6, 7 ⊂ 3 (each fund's subjects among all funds').
TWIN_TABLES = {2: 3, 3: 2, 5: 3, 6: 3, 7: 3}
# The columns holding a row's total: 合计, or 预算数 in the two-list tables 1 and 4.
TOTAL_COLUMNS = ("合计", "预算数")
STANDARD_TABLES = tuple(range(1, 10))
LEVELS = {3: "类", 5: "款", 7: "项"}


def _result(doc: DocumentFigures, check: str, outcome: str, message: str, **fields: Any) -> CheckResult:
    return CheckResult(sha256=doc.sha256, check=check, outcome=outcome, message=message, **fields)


def _rows(cells: list[Figure]) -> dict[tuple[str | None, str | None, str], list[Figure]]:
    """A table's rows in printed order: (section, code, name) → its figures."""
    rows: dict[tuple[str | None, str | None, str], list[Figure]] = {}
    for cell in cells:
        rows.setdefault((cell.section, cell.code, cell.name), []).append(cell)
    return rows


def _total(figures: list[Figure]) -> Figure:
    """The row's total figure when printed, else its first."""
    return next((f for f in figures if f.column in TOTAL_COLUMNS), figures[0])


def _fail(doc: DocumentFigures, check: str, figures: list[Figure], message: str) -> CheckResult:
    shown = _total(figures)
    return _result(
        doc,
        check,
        "fail",
        message,
        table_no=shown.table_no,
        subject=" ".join(p for p in (shown.code, shown.name) if p) or None,
        column=shown.printed_column or shown.column,
        figure_a=shown.amount,
        pages=sorted({f.page for f in figures if f.page is not None}),
        lines=sorted({f.line for f in figures if f.line is not None}),
    )


def _row_label(figures: list[Figure]) -> str:
    shown = _total(figures)
    row = " ".join(p for p in (shown.code, shown.name) if p)
    return f"table {shown.table_no} prints {row} ({shown.printed} {shown.unit or ''})".replace(" )", ")")


def _table_results(
    doc: DocumentFigures,
    check: str,
    table_no: int,
    offenders: list[tuple[list[Figure], str]],
    passed: str | None,
) -> Iterable[CheckResult]:
    """One fail per offending row (its figures, what is wrong with it), else one pass for the table when
    it had something to check (``passed`` says what held)."""
    for figures, what in offenders:
        yield _fail(doc, check, figures, f"{_row_label(figures)}{what}")
    if passed and not offenders:
        yield _result(doc, check, "pass", f"table {table_no}: {passed}", table_no=table_no)


def parent_has_children(doc: DocumentFigures) -> Iterable[CheckResult]:
    """Every 类/款 of tables 2, 3, 5–7 (and economic 类 of table 8) prints rows below it."""
    for table_no, lengths in PARENT_LENGTHS.items():
        rows = _rows(doc.table(table_no))
        codes = {code for _, code, _ in rows if code}
        parents = [(code, figures) for (_, code, _), figures in rows.items() if code and len(code) in lengths]
        childless = [
            (figures, f" with no {LEVELS[len(code) + 2]} below it: its figure is a leaf of the marts")
            for code, figures in parents
            if not any(len(c) == len(code) + 2 and c.startswith(code) for c in codes)
        ]
        passed = f"each of its {len(parents)} parent rows prints rows below it" if parents else None
        yield from _table_results(doc, "parent_has_children", table_no, childless, passed)


def parent_printed_above(doc: DocumentFigures) -> Iterable[CheckResult]:
    """A 款 or 项 (an economic 款) of tables 1–8 has its parent code printed above it."""
    for table_no in CODED_TABLES:
        seen: set[tuple[str | None, str]] = set()
        children = 0
        orphans = []
        for (section, code, _), figures in _rows(doc.table(table_no)).items():
            if code and len(code) > 3:
                children += 1
                if (section, code[:-2]) not in seen:
                    orphans.append((figures, f" with no {code[:-2]} row above it"))
            if code:
                seen.add((section, code))
        passed = f"each of its {children} 款/项 rows has its parent above it" if children else None
        yield from _table_results(doc, "parent_printed_above", table_no, orphans, passed)


def subject_in_twin_table(doc: DocumentFigures) -> Iterable[CheckResult]:
    """Tables 2 and 3 list the same subjects; tables 5, 6, 7 only subjects of table 3. Compared only when
    the twin prints subjects: a twin left out or printing none is ``table_printed``'s and the identities' case."""
    tables = set(TWIN_TABLES) | set(TWIN_TABLES.values())
    codes = {t: {c.code for c in doc.table(t) if c.code} for t in tables}
    for table_no, twin in TWIN_TABLES.items():
        if not codes[twin]:
            continue
        rows = [(code, figures) for (_, code, _), figures in _rows(doc.table(table_no)).items() if code]
        missing = [
            (figures, f", which table {twin} does not list")
            for code, figures in rows
            if code not in codes[twin]
        ]
        passed = f"its {len(rows)} subjects are all listed in table {twin}" if rows else None
        yield from _table_results(doc, "subject_in_twin_table", table_no, missing, passed)


def row_total_printed(doc: DocumentFigures) -> Iterable[CheckResult]:
    """A row of tables 1–8 that prints figures prints its total (合计, or 预算数 in tables 1 and 4)."""
    for table_no in CODED_TABLES:
        rows = _rows(doc.table(table_no))
        without = [
            (figures, f" in {', '.join(f.printed_column or f.column for f in figures)} but no total")
            for figures in rows.values()
            if not any(f.column in TOTAL_COLUMNS for f in figures)
        ]
        passed = f"each of its {len(rows)} rows prints its total" if rows else None
        yield from _table_results(doc, "row_total_printed", table_no, without, passed)


def table_printed(doc: DocumentFigures) -> Iterable[CheckResult]:
    """The nine standard tables are printed (an empty one, 本表无数据, counts as printed)."""
    missing = [t for t in STANDARD_TABLES if t not in doc.tables]
    for table_no in missing:
        yield _result(
            doc,
            "table_printed",
            "fail",
            f"table {table_no} is not printed (the parser requires only tables 1, 2, 3, 5 and 8)",
            table_no=table_no,
        )
    if not missing:
        yield _result(doc, "table_printed", "pass", "the nine standard tables are printed")
