"""The nine standard tables: find them by title and header words, read every printed cell.

``extract(source)`` runs the reader for the source's format (``pdf_tables`` /
``text_tables``), interprets each raw grid (``interpret``), settles each table's unit
(its own 单位 line; otherwise inferred only from strong evidence, else refused),
converts figures to yuan and fills in the 类 codes of the expense rows of tables 1
and 4 from the same document's functional tables.
"""

from __future__ import annotations

import logging
import re
from decimal import Decimal

from .errors import ParseError
from .interpret import Record, interpret
from .model import Cell, Problem, TableInfo
from .numbers import is_amount, parse_amount
from .raw_grid import RawGrid
from .source import Source
from .table_titles import TABLE_NAMES
from .units import UNIT_FACTORS, find_unit, to_yuan
from .unread_figures import figures_outside_grids

__all__ = ["REQUIRED_TABLES", "extract", "read_grids", "read_tables"]

_log = logging.getLogger(__name__)

# Tables every budget disclosure must print. 4, 6, 7 and 9 may be left out by a
# publisher (6/7 are often dropped when empty; 9 is sometimes published apart).
REQUIRED_TABLES = (1, 2, 3, 5, 8)
# Tables in the document's main unit (table 9, 三公, is often in 万元 when the rest is 元).
MAIN_UNIT_TABLES = {1, 2, 3, 4, 5, 6, 7, 8}
# Narrative figures are 万元 with two decimals: a table total agrees if it rounds to them.
WAN = UNIT_FACTORS["万元"]
_NARRATIVE_TOTAL_RES = {
    "income_total": re.compile(r"收入(?:预算)?(?:总额)?(?:为)?\s*([0-9][0-9,，.\s]*?)\s*万元"),
    "expense_total": re.compile(r"支出(?:预算)?(?:总额)?(?:为)?\s*([0-9][0-9,，.\s]*?)\s*万元"),
    "three_public:total": re.compile(r"三公.{0,3}经费.{0,12}?预算数?为?\s*([0-9][0-9,，.\s]*?)\s*万元"),
}
# Narrative figures (keys of ``narrative.extract``) a table's grand total may be compared with.
TOTAL_KEYS = {
    1: ("income_total", "expense_total"),
    2: ("income_total",),
    3: ("expense_total",),
    4: ("fiscal_income_total",),
    5: ("general_budget_expense_total",),
    9: ("three_public:total",),
}


def read_grids(source: Source, unread_regions: list[RawGrid] | None = None) -> list[RawGrid]:
    """Raw grids of the nine tables, one per table (continuations merged); titles whose table
    could not be read go to ``unread_regions``."""
    if source.sheets is not None:  # spreadsheets, Word, HTML, OCR'd scans: rows of cells
        from .row_tables import read_sheet_grids

        grids = read_sheet_grids(source.sheets)
    elif source.format == "pdf":
        from .pdf_tables import read_pdf_grids

        grids = read_pdf_grids(source, unread_regions)
    else:
        from .text_tables import read_text_grids

        grids = read_text_grids(source)
    for grid in grids:
        if grid.unit is None:  # a 单位 line printed inside the frame, as a header cell
            for cell in (c for row in grid.header for c in row if c):
                if unit := find_unit(cell):
                    grid.unit, grid.unit_line = unit, cell
                    break
    return _one_per_table(grids)


def _one_per_table(grids: list[RawGrid]) -> list[RawGrid]:
    """Merge a title repeated on a continuation; otherwise keep the first grid with content."""
    out: list[RawGrid] = []
    for grid in grids:
        same = [g for g in out if g.table_no == grid.table_no]
        if not same:
            out.append(grid)
            continue
        kept = same[0]
        if _is_column_strip(kept, grid):
            _append_columns(kept, grid)
            continue
        # The title (and 单位 line) repeated on a continuation page: one table.
        if (
            out[-1] is kept
            and kept.rows
            and grid.rows
            and grid.width == kept.width
            and grid.unit in (None, kept.unit)
        ):
            kept.rows += grid.rows
            kept.pages += [p for p in grid.pages if p not in kept.pages]
        elif not kept.rows and grid.rows:
            out[out.index(kept)] = grid
        else:  # a second copy we cannot merge: its figures are reported unread, never dropped
            kept.regions += grid.regions
    return sorted(out, key=lambda g: g.table_no)


def _is_column_strip(kept: RawGrid, grid: RawGrid) -> bool:
    """``grid`` holds more columns of ``kept``'s rows, printed on pages of their own: fewer columns,
    no row labels (every cell a figure or blank), each row matched with a row of ``kept``."""
    cells = [c for r in grid.rows for c in r.cells]
    return (
        bool(grid.rows)
        and grid.width < kept.width
        and all(not c or is_amount(c) for c in cells)
        and any(r.page not in kept.pages for r in grid.rows)
        and _strip_pairs(kept, grid) is not None
    )


# Rows printed at tops closer than this (points) on the pages of a table and of its columns apart
# are one row.
STRIP_ROW_TOLERANCE = 3.0
# ... and on a page holding one row of each, a row's height (the one row is the other's).
SINGLE_ROW_TOLERANCE = 20.0


def _strip_pairs(kept: RawGrid, strip: RawGrid) -> list[int] | None:
    """For each strip row, the index of the row of ``kept`` it continues, or None when they cannot
    all be matched. Pages are paired in order (the strip's first page holds the columns of the
    table's first page); on a pair of pages rows are matched by their printed height when known,
    else one for one."""

    def by_page(grid: RawGrid) -> list[list[int]]:
        pages: dict[int | None, list[int]] = {}
        for i, row in enumerate(grid.rows):
            pages.setdefault(row.page, []).append(i)
        return list(pages.values())

    kept_pages, strip_pages = by_page(kept), by_page(strip)
    if len(strip_pages) > len(kept_pages):
        return None
    pairs: list[int] = []
    for kept_rows, strip_rows in zip(kept_pages, strip_pages):
        tops = [kept.rows[i].top for i in kept_rows]
        if all(t is not None for t in tops) and all(strip.rows[i].top is not None for i in strip_rows):
            # half the pitch of the rows (a grid cell's top and its text's top differ by its padding)
            pitch = min((b - a for a, b in zip(sorted(tops), sorted(tops)[1:]) if b > a), default=None)
            tolerance = max(STRIP_ROW_TOLERANCE, pitch / 2 if pitch else SINGLE_ROW_TOLERANCE)
            for i in strip_rows:
                top = strip.rows[i].top
                nearest = min(kept_rows, key=lambda k: abs(kept.rows[k].top - top))
                if abs(kept.rows[nearest].top - top) > tolerance:
                    return None
                pairs.append(nearest)
        elif len(kept_rows) == len(strip_rows):
            pairs += kept_rows
        else:
            return None
    return pairs if len(set(pairs)) == len(pairs) else None


def _append_columns(kept: RawGrid, strip: RawGrid) -> None:
    """Put the strip's columns to the right of ``kept``'s, each cell beside the row it continues
    (``_strip_pairs``), its header rows aligned at the bottom of ``kept``'s."""
    width, extra = kept.width, strip.width
    depth = len(kept.header)
    header = strip.header[-depth:] if depth else []
    header = [[""] * extra for _ in range(depth - len(header))] + header
    kept.header = [
        list(k) + [""] * (width - len(k)) + list(h) + [""] * (extra - len(h))
        for k, h in zip(kept.header, header)
    ]
    beside = {k: strip.rows[i] for i, k in enumerate(_strip_pairs(kept, strip) or [])}
    for k, row in enumerate(kept.rows):
        other = beside.get(k)
        cells = list(other.cells) if other else []
        row.cells = list(row.cells) + [""] * (width - len(row.cells)) + cells + [""] * (extra - len(cells))
        if other is not None and other.page is not None:
            row.column_pages = {**row.column_pages, **{width + j: other.page for j in range(extra)}}
    kept.col_edges = None
    if kept.unit is None and strip.unit is not None:  # 单位 printed over the columns apart only
        kept.unit, kept.unit_line = strip.unit, strip.unit_line
    kept.pages += [p for p in strip.pages if p not in kept.pages]
    kept.regions += strip.regions


def extract(source: Source) -> tuple[list[TableInfo], list[Cell]]:
    """The tables and their cells (see ``read_tables`` for the problems too)."""
    infos, cells, _ = read_tables(source)
    return infos, cells


def read_tables(source: Source) -> tuple[list[TableInfo], list[Cell], list[Problem]]:
    """The tables, their cells, and the figures printed in them that could not be read."""
    unread: list[RawGrid] = []
    grids = read_grids(source, unread)
    if not grids:
        read = "scanned pages read by OCR: " if source.reader == "ocr" else ""
        raise ParseError("not_a_budget", f"{source.path}: {read}none of the nine budget tables found")
    missing = [n for n in REQUIRED_TABLES if n not in {g.table_no for g in grids}]
    if missing:
        names = ", ".join(f"{n} {TABLE_NAMES[n]}" for n in missing)
        raise ParseError("missing_tables", f"{source.path.name}: required tables missing: {names}")
    problems: list[Problem] = []
    records = {g.table_no: interpret(g, problems) for g in grids}
    problems += figures_outside_grids(source, grids + unread)
    infos = {g.table_no: _info(g, records[g.table_no]) for g in grids}
    _settle_units(source, grids, infos, records)
    _code_expense_rows(records)
    cells: list[Cell] = []
    for grid in grids:
        info = infos[grid.table_no]
        if info.unit is None:
            continue
        cells += [_cell(r, info.unit, source.reader, _confidence(grid, r)) for r in records[grid.table_no]]
    return [infos[g.table_no] for g in grids], cells, problems


def _info(grid: RawGrid, records: list[Record]) -> TableInfo:
    pages = sorted({p for p in grid.pages if p is not None})
    return TableInfo(
        table_no=grid.table_no,
        title=grid.title,
        unit=grid.unit,
        # Empty: nothing printed, or a 本表无数据 note over figures that are all zero (a note
        # printed above real figures is a publisher inconsistency; the figures win).
        empty=not records or (grid.note_empty and all(r.value == 0 for r in records)),
        note=grid.note,
        pages=pages,
        unit_evidence=f"printed: 单位：{grid.unit}" if grid.unit_line else None,
        line=grid.line,
        rows=len({r.row for r in records}),
    )


def _confidence(grid: RawGrid, rec: Record) -> float:
    """An OCR'd figure's confidence: the least of its own box's and its row label's; 1 when read exactly."""
    row = grid.rows[rec.row] if rec.row < len(grid.rows) else None
    if row is None or not row.confidence:
        return 1.0
    figure = [c for text, c in zip(row.cells, row.confidence) if text.strip() == rec.printed]
    labels = [c for text, c in zip(row.cells, row.confidence) if text.strip() and parse_amount(text) is None]
    return min(figure[:1] + labels, default=1.0)


def _cell(rec: Record, unit: str, reader: str, confidence: float) -> Cell:
    return Cell(
        table_no=rec.table_no,
        section=rec.section,
        code=rec.code,
        name=rec.name,
        column=rec.column,
        amount_yuan=to_yuan(rec.value, unit),
        printed=rec.printed,
        page=rec.page,
        line=rec.line,
        unit=unit,
        source=reader,
        confidence=confidence,
    )


# --- units -------------------------------------------------------------------------------


def _table_total(table_no: int, records: list[Record]) -> Decimal | None:
    """The table's grand total in the printed unit: 收入总计, or the 合计 row's 合计 column."""
    if table_no in (1, 4):
        totals = [r for r in records if r.section == "income" and r.name == "收入总计"]
    else:
        totals = [r for r in records if r.code is None and r.name in ("合计", "总计", "")]
    preferred = [r for r in totals if r.column in ("合计", "预算数")]
    return (preferred or totals)[0].value if totals else None


def _narrative_totals(source: Source) -> list[tuple[str, Decimal]]:
    """Income/expense totals stated in the 编制说明, in yuan: from the narrative module and
    from a small regex of our own (the union, so neither can silently decide alone)."""
    totals: list[tuple[str, Decimal]] = []
    try:
        from . import narrative

        for fig in narrative.extract(source) or []:
            if any(fig.key in keys for keys in TOTAL_KEYS.values()):
                totals.append((fig.key, Decimal(fig.amount_yuan)))
    except Exception as err:  # noqa: BLE001 - the narrative reader failing must not lose the tables
        _log.warning("narrative totals unavailable for unit inference: %s: %s", type(err).__name__, err)
    text = source.text
    for key, pattern in _NARRATIVE_TOTAL_RES.items():
        for match in pattern.finditer(text):
            value = parse_amount(match.group(1).replace("，", ","))
            if value is not None and value > 0:
                totals.append((key, value * WAN))
                break
    return sorted(set(totals))


def _agreeing_unit(total: Decimal, narrative: list[tuple[str, Decimal]]) -> tuple[str, str] | None:
    """The single unit under which ``total`` equals a narrative total (to 0.01 万元)."""
    matches = []
    for unit, factor in UNIT_FACTORS.items():
        in_wan = (total * factor / WAN).quantize(Decimal("0.01"))
        for key, yuan in narrative:
            if total != 0 and in_wan == (yuan / WAN).quantize(Decimal("0.01")):
                matches.append((unit, key, yuan))
    units = {m[0] for m in matches}
    if len(units) != 1:
        return None
    unit, _, yuan = matches[0]
    keys = " and ".join(sorted({m[1] for m in matches}, key=lambda k: (k != "income_total", k)))
    return unit, f"{keys} {(yuan / WAN).quantize(Decimal('0.01')):f} 万元 in the narrative"


def _settle_units(source, grids, infos: dict[int, TableInfo], records) -> None:
    unknown = [g.table_no for g in grids if infos[g.table_no].unit is None]
    if not unknown:
        return
    narrative = _narrative_totals(source)
    for no in unknown:
        total = _table_total(no, records[no])
        evidence = [(k, v) for k, v in narrative if k in TOTAL_KEYS.get(no, ())]
        if total is None or not evidence:
            continue
        found = _agreeing_unit(total, evidence)
        if found:
            unit, why = found
            infos[no].unit, infos[no].unit_inferred = unit, True
            infos[no].unit_evidence = f"no 单位 line; table total {total:f} {unit} agrees with {why}"
    # Tables 1-8 share the document's unit: a table with no evidence of its own takes the unit
    # its siblings print (or were shown by the narrative to be in), when they all agree.
    printed = {o: infos[o].unit for o in infos if o in MAIN_UNIT_TABLES and o not in unknown}
    shown = {o: infos[o].unit for o in unknown if o in MAIN_UNIT_TABLES and infos[o].unit}
    basis, how = (printed, "state") if printed else (shown, "are shown by the narrative totals to be in")
    for no in unknown:
        info = infos[no]
        if info.unit is not None:
            continue
        if no in MAIN_UNIT_TABLES and len(set(basis.values())) == 1:
            unit = next(iter(basis.values()))
            info.unit, info.unit_inferred = unit, True
            info.unit_evidence = (
                f"no 单位 line; tables {', '.join(map(str, sorted(basis)))} of this document {how} {unit}"
            )
            continue
        if not records[no]:
            info.unit_evidence = "no 单位 line and no figures: unit unknown, nothing to convert"
        else:
            info.unit_evidence = "no 单位 line and no agreeing evidence: table refused, no cells emitted"


# --- codes of the expense rows of tables 1 and 4 --------------------------------------------


def _code_expense_rows(records: dict[int, list[Record]]) -> None:
    """一、社会保障和就业支出 → 208, by name from this document's functional tables."""
    by_name: dict[str, str] = {}
    for no in (2, 3, 5, 6, 7):
        for rec in records.get(no, []):
            if rec.code and len(rec.code) == 3:
                by_name.setdefault(rec.name, rec.code)
    for no in (1, 4):
        for rec in records.get(no, []):
            if rec.section == "expense" and rec.name not in ("支出总计", "合计", "总计"):
                rec.code = by_name.get(rec.name)
