"""The text view of ``budget parse FILE``: what a person checks first in a parse, one screen per document.

Plain module (no Dagster, no DuckDB): it reads a ``ParsedDocument`` and returns lines.

    上海市嘉定区安亭镇城市运行管理中心
      2024 部门预算 (department) · town · PDF, 30 pages
      table 1  2024年部门财务收支预算总表
               万元 · page 5 · 7 rows · 收入总计 5,715.29 · 支出总计 5,715.29
      ...
      narrative: 57 figures · projects: 6
      problems: none
"""

from __future__ import annotations

from pathlib import Path

from orchestration.parsing import Cell, ParsedDocument, ParseError, Problem, TableInfo

__all__ = ["error_line", "format_parse"]

KIND_NAMES = {"department": "部门预算", "unit": "单位预算"}
FORMAT_NAMES = {"pdf": "PDF", "text": "text extraction", "html": "HTML"}
# The rows a table prints its totals on (tables 1 and 4 print one per section).
TOTAL_ROWS = ("合计", "总计", "收入总计", "支出总计")
TABLE_INDENT = " " * 11


def error_line(file: Path, err: ParseError) -> str:
    """``<file>: <reason>: <message>``, the message without the file name it may start with."""
    message = err.message
    for prefix in (str(file), file.name):
        if message.startswith(prefix + ": "):
            message = message[len(prefix) + 2 :]
            break
    return f"{file}: {err.reason}: {message}"


def format_parse(doc: ParsedDocument) -> list[str]:
    """The document's header, one block per table, then the narrative, projects and problems."""
    lines = [doc.document.department or "(organisation not found)", "  " + _header(doc)]
    for table in doc.tables:
        lines += _table_block(table, doc)
    lines.append(f"  narrative: {len(doc.narrative)} figures · projects: {len(doc.projects)}")
    shown = {t.table_no for t in doc.tables}
    loose = [p for p in doc.problems if p.table_no not in shown]
    if not doc.problems:
        lines.append("  problems: none")
    else:
        lines.append(f"  problems: {len(doc.problems)} (printed figures the parser could not read)")
        lines += [f"    {_problem(p)}" for p in loose]
    return lines


def _header(doc: ParsedDocument) -> str:
    meta = doc.document
    year = str(meta.fiscal_year) if meta.fiscal_year else "year unknown"
    kind = f"{KIND_NAMES[meta.kind]} ({meta.kind})" if meta.kind in KIND_NAMES else "kind unknown"
    parts = [f"{year} {kind}"]
    if meta.level:
        parts.append(meta.level)
    if meta.parent_department:
        parts.append(f"预算主管部门 {meta.parent_department}")
    shape = FORMAT_NAMES.get(meta.format, meta.format)
    if meta.pages is not None:
        shape += f", {meta.pages} page" + ("" if meta.pages == 1 else "s")
    else:
        shape += " (figures located by line)"
    if meta.reader == "ocr":
        shape += ", a scan read by OCR"
    parts.append(shape)
    return " · ".join(parts)


def _table_block(table: TableInfo, doc: ParsedDocument) -> list[str]:
    facts = [_unit(table), _where(table)]
    if table.empty:
        facts.append("empty" + (f" ({table.note})" if table.note else ""))
    else:
        facts.append(f"{table.rows} row" + ("" if table.rows == 1 else "s"))
        facts += _totals([c for c in doc.cells if c.table_no == table.table_no])
    lines = [f"  table {table.table_no}  {table.title}", TABLE_INDENT + " · ".join(facts)]
    if table.unit_inferred or table.unit is None:
        lines.append(f"{TABLE_INDENT}unit: {table.unit_evidence or 'no 单位 line'}")
    lines += [f"{TABLE_INDENT}! {_problem(p)}" for p in doc.problems if p.table_no == table.table_no]
    return lines


def _unit(table: TableInfo) -> str:
    if table.unit is None:
        return "unit unknown"
    return table.unit + (" (inferred)" if table.unit_inferred else "")


def _where(table: TableInfo) -> str:
    if table.pages:
        first, last = table.pages[0], table.pages[-1]
        return f"page {first}" if first == last else f"pages {first}–{last}"
    return f"line {table.line}" if table.line is not None else "position unknown"


def _totals(cells: list[Cell]) -> list[str]:
    """The printed total of the table's first column, per section: ``合计 5,715.29``."""
    sections_done: set[str | None] = set()
    out = []
    for cell in cells:
        label = cell.name or cell.column  # table 9 prints its 合计 as a column with no row name
        if cell.code is None and label in TOTAL_ROWS and cell.section not in sections_done:
            sections_done.add(cell.section)
            out.append(f"{label} {cell.printed}")
    return out or ["no total printed"]


def _problem(problem: Problem) -> str:
    where = f"page {problem.page}: " if problem.page else f"line {problem.line}: " if problem.line else ""
    return f"{problem.check}: {where}{problem.message}"
