"""Project sections (项目经费情况说明) and their performance-target tables (绩效目标表).

A *section* starts at a heading ending in ``情况说明`` whose next line is
``一、项目概述`` / ``一、项目概况``; its name is the heading without
``(项目)经费情况说明`` (or, for a bare ``重点项目情况说明``, the ``项目名称为X`` it prints;
``""`` when the document names none), its ``period`` the text under ``五、实施周期`` and
its amount the first ``…预算…/…安排… <n>万元`` under ``六、年度预算安排`` (None when
only quarterly amounts or words are printed: their sum is not printed, so not ours).

A *grid* (绩效目标表 / 申报表) starts at a row whose cell is ``项目名称``: in a PDF the
rows come from ``Page.plumber.extract_tables()``, in a text extraction from markdown
or tab-separated lines. See ``target_grids`` for how its fields and indicators are read.
Its unit is the ``单位：…`` line printed above it when there is one (qingpu prints
``单位：万元`` over a column labelled ``项目资金 (元)`` holding ``27.6`` — the section's
27.6 万元), else the unit in the amount label (``项目资金 (元)``, ``项目总预算(元)``).

The section's 年度预算安排 may also say where the money comes from: ``该项目年初总预算
3715.16万元,资金来源镇财政一般公共预算3369.87万元,其他代管资金345.29万元`` gives a
``section_budget`` and its ``section_source`` amounts (``其中…`` gives ``section_part``s, which
may list some parts only). With the grid's amounts (``target_grids``) they are the project's
``amounts`` (``ProjectAmount``), which the quality checks add up.

Section and grid are joined by name (equal, or one containing the other once spaces
are gone). ``amount_yuan`` is the grid's 年度资金申请总额 / 项目当年预算 when printed
(more digits than the section's 万元), else the section's; ``total_amount_yuan`` the
grid's 项目资金总额 / 项目总预算; ``implementing_unit`` the grid's 实施单位, else a
short 实施主体 line; ``period`` the section's 实施周期, else the grid's
``<start>至<end>``. ``page``/``line`` are those of the section heading, else of the grid.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .model import Project, ProjectAmount
from .running_text import (
    NUMBER_PATTERN,
    FlatText,
    flatten,
    is_project_heading,
    label_before,
    parse_number,
    wan_to_yuan,
)
from .source import Source
from .target_grids import TargetGrid, TargetGridRow, clean_cell, read_grid

__all__ = ["Section", "extract", "grids_of", "sections_of"]

_HEADING_SUFFIX = re.compile(r"(?:项目)?(?:经费)?情况说明$")
_GENERIC_NAMES = {"", "重点", "部门支出重点", "部门重点"}
_NAME_IN_TEXT = re.compile(r"项目名称(?:为|[:：])\s*(?P<name>[^，,。；;\s]+)")
_PERIOD = re.compile(r"五、\s*实施周期\s*[:：]?(?P<v>.*?)(?=[六七]、|$)", re.DOTALL)
_BUDGET = re.compile(r"六、\s*年度预算安排\s*[:：]?(?P<v>.*?)(?=七、|$)", re.DOTALL)
_OVERVIEW = re.compile(r"一、\s*项目概[述况]\s*[:：]?(?P<v>.*?)(?=[二三四五六七]、|$)", re.DOTALL)
_BASIS = re.compile(r"二、\s*立项依据\s*[:：]?(?P<v>.*?)(?=[三四五六七]、|$)", re.DOTALL)
_SUBJECT = re.compile(r"三、\s*实施主体\s*[:：]?(?P<v>.*?)(?=[四五六七]、|$)", re.DOTALL)
_MONEY = re.compile(rf"(?<![\d.])(?P<num>{NUMBER_PATTERN})\s*(?:万元|万(?!元))")
_UNIT_LINE = re.compile(r"单位\s*[:：]\s*(万元|元)")
_GRID_TITLE = re.compile(r"绩效目标(?:申报)?表")
_MD_RULE = re.compile(r"^\|?[\s|:\-]+\|?$")
# 实施主体 longer than this is a paragraph about the work, not the unit's name.
MAX_UNIT_CHARS = 30


@dataclass
class Section:
    name: str
    heading: str
    start: int  # offsets in the flat text
    end: int
    page: int | None
    line: int | None
    period: str | None = None
    amount_printed: str | None = None
    subject: str | None = None  # 三、实施主体
    overview: str | None = None  # 一、项目概述 / 项目概况 (no Project field yet)
    basis: str | None = None  # 二、立项依据 (no Project field yet)
    amounts: list[ProjectAmount] = field(default_factory=list)  # section_budget / _source / _part


def extract(source: Source) -> list[Project]:
    """Every project of a document: sections joined with their grids, in reading order."""
    flat = flatten(source)
    sections = sections_of(flat)
    grids = grids_of(source, flat, sections)
    return _join(sections, grids)


def sections_of(flat: FlatText) -> list[Section]:
    """Project sections in reading order."""
    lines = flat.line_texts()
    heads: list[tuple[int, str]] = []
    for i, line in enumerate(lines):
        head = line.strip().lstrip("#").strip()
        if is_project_heading(lines, i):
            heads.append((i, head))
    sections: list[Section] = []
    for n, (i, head) in enumerate(heads):
        start = flat.line_offset(i)
        body_start = start + len(lines[i])
        end = flat.line_offset(heads[n + 1][0]) if n + 1 < len(heads) else len(flat.text)
        # the section stops where its grid's title line begins (七、绩效目标 … 绩效目标表)
        title = _GRID_TITLE.search(flat.text, body_start, end)
        if title:
            end = flat.line_start(title.start())
        page, line = flat.locate(start)
        body = flat.text[body_start:end]
        section_amounts = _section_amounts(flat, body_start, body)
        sections.append(
            Section(
                name=_section_name(head, body),
                heading=head,
                start=start,
                end=end,
                page=page,
                line=line,
                period=_field(_PERIOD, body),
                amount_printed=_amount(body),
                subject=_field(_SUBJECT, body),
                overview=_field(_OVERVIEW, body),
                basis=_field(_BASIS, body),
                amounts=section_amounts,
            )
        )
    return sections


def grids_of(source: Source, flat: FlatText, sections: list[Section]) -> list[TargetGrid]:
    """Target grids after the first project section, split at ``项目名称`` rows."""
    if not sections:
        return []
    first_page, first_line = sections[0].page, sections[0].line
    heading_lines = {s.line for s in sections}
    heading_pages = {s.page for s in sections}
    grids: list[TargetGrid] = []
    current: TargetGrid | None = None
    unit: str | None = None
    for page in source.pages:
        if page.number is not None:
            if first_page is not None and page.number < first_page:
                continue
            if page.number in heading_pages:
                current = None  # a new section closes the grid before it
            m = _UNIT_LINE.search(page.text)
            unit = m.group(1) if m else None
            rows = [
                TargetGridRow([clean_cell(c) for c in row], page.number, None)
                for table in page.plumber.extract_tables()
                for row in table
            ]
            for row in rows:
                current = _add_row(grids, current, row, unit)
            continue
        for line_no, text in page.lines:
            if first_line is not None and line_no < first_line:
                continue
            if line_no in heading_lines:
                current, unit = None, None
                continue
            m = _UNIT_LINE.search(text)
            if m and "|" not in text and "\t" not in text:
                unit = m.group(1)
                continue
            cells = _text_cells(text)
            if cells is not None:
                current = _add_row(grids, current, TargetGridRow(cells, None, line_no), unit)
    return [read_grid(g) for g in grids]


def _add_row(
    grids: list[TargetGrid], current: TargetGrid | None, row: TargetGridRow, unit: str | None
) -> TargetGrid | None:
    if any(c.replace(" ", "") == "项目名称" for c in row.cells):
        current = TargetGrid(unit_line=unit)
        grids.append(current)
    if current is not None:
        current.rows.append(row)
    return current


def _text_cells(text: str) -> list[str] | None:
    """Cells of a markdown or tab-separated table line; None for prose."""
    stripped = text.strip()
    if stripped.startswith("|"):
        if _MD_RULE.match(stripped):
            return None
        return [c.strip() for c in stripped.strip("|").split("|")]
    if "\t" in text:
        return [c.strip() for c in text.split("\t")]
    return None


def _join(sections: list[Section], grids: list[TargetGrid]) -> list[Project]:
    used: set[int] = set()
    projects: list[tuple[tuple[int, int], Project]] = []
    for s in sections:
        match = None
        for gi, g in enumerate(grids):
            if gi not in used and g.name and s.name and _same_name(s.name, g.name):
                match = gi
                break
        grid = grids[match] if match is not None else None
        if match is not None:
            used.add(match)
        projects.append(((s.page or 0, s.line or 0), _project(s, grid)))
    for gi, g in enumerate(grids):
        if gi not in used:
            projects.append(((g.page or 0, g.line or 0), _project(None, g)))
    projects.sort(key=lambda kp: kp[0])
    return [p for _, p in projects]


def _project(s: Section | None, g: TargetGrid | None) -> Project:
    annual = g.yuan(g.annual_printed) if g else None
    section_amount = None
    if s and s.amount_printed:
        value = parse_number(s.amount_printed)
        section_amount = wan_to_yuan(value) if value is not None else None
    unit = g.implementing_unit if g else None
    if unit is None and s and s.subject and len(s.subject) <= MAX_UNIT_CHARS:
        unit = s.subject.rstrip("。")
    period = s.period if s and s.period else None
    if period is None and g and g.start and g.end:
        period = f"{g.start}至{g.end}"
    name = s.name if s and s.name else (g.name if g and g.name else "")
    amounts = (list(s.amounts) if s else []) + (_grid_amounts(g) if g else [])
    return Project(
        name=name,
        amount_yuan=annual if annual is not None else section_amount,
        page=s.page if s else g.page if g else None,
        total_amount_yuan=g.yuan(g.total_printed) if g else None,
        implementing_unit=unit,
        period=period,
        indicators=list(g.indicators) if g else [],
        line=s.line if s else g.line if g else None,
        amounts=amounts,
    )


def _grid_amounts(g: TargetGrid) -> list[ProjectAmount]:
    out = []
    for a in g.amounts:
        amount = g.yuan(a.printed)
        if amount is not None and g.unit:
            out.append(ProjectAmount(a.role, a.label, amount, a.printed, g.unit, a.page, a.line))
    return out


def _same_name(a: str, b: str) -> bool:
    a, b = re.sub(r"\s", "", a), re.sub(r"\s", "", b)
    return a == b or (min(len(a), len(b)) >= 2 and (a in b or b in a))


def _section_name(head: str, body: str) -> str:
    name = _HEADING_SUFFIX.sub("", head).strip()
    if name in _GENERIC_NAMES:
        m = _NAME_IN_TEXT.search(body)
        return m.group("name") if m else ""
    return name


def _field(pattern: re.Pattern[str], body: str) -> str | None:
    m = pattern.search(body)
    if not m:
        return None
    value = re.sub(r"\s*\n\s*", "", m.group("v")).strip().rstrip("#").strip()
    return value or None


def _section_amounts(flat: FlatText, body_start: int, body: str) -> list[ProjectAmount]:
    """The 年度预算安排's budget and, in its sentence, the sources (资金来源) or parts (其中) after it."""
    m = _BUDGET.search(body)
    if not m:
        return []
    text, offset = m.group("v"), body_start + m.start("v")
    found: list[ProjectAmount] = []
    budget_end = last_end = 0
    for money in _MONEY.finditer(text):
        at = money.start("num")
        label = label_before(text, at, 0)
        if "季度" in label:
            return []  # quarterly amounts only: the year's total is not printed
        if found:
            lead = text[budget_end:at]
            if "。" in text[last_end:at] or not ("来源" in lead or "其中" in lead):
                break  # the budget's sentence ended, or what follows is not its sources
            role = "section_source" if "来源" in lead else "section_part"
            if re.sub(r"\s+", "", label).strip("：:，,") in ("合计", "共计", "小计", "总计"):
                continue  # the parts' total printed again after them
        elif "预算" in label or "安排" in label:
            role, budget_end = "section_budget", money.end()
        else:
            continue
        value = parse_number(money.group("num"))
        if value is None:
            break
        page, line = flat.locate(offset + at)
        found.append(
            ProjectAmount(
                role, re.sub(r"\s+", "", label), wan_to_yuan(value), money.group("num"), "万元", page, line
            )
        )
        last_end = money.end()
    return found


def _amount(body: str) -> str | None:
    m = _BUDGET.search(body)
    if not m:
        return None
    text = m.group("v")
    for money in _MONEY.finditer(text):
        label = label_before(text, money.start("num"), 0)
        if "季度" in label:
            return None  # only quarterly amounts: the year's total is not printed
        if "预算" in label or "安排" in label:
            return money.group("num")
    return None
