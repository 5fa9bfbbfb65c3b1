"""What the parser hands out: plain dataclasses, JSON-ready through ``to_dict``.

The field names are a public contract (``budget parse --json``, the staging tables
and the dbt sources read them): add fields freely, never rename one.
Amounts are ``Decimal`` in yuan; the printed string and the unit travel beside them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

__all__ = [
    "Cell",
    "DocumentMeta",
    "Indicator",
    "NarrativeFigure",
    "ParsedDocument",
    "Problem",
    "Project",
    "ProjectAmount",
    "TableInfo",
]


@dataclass
class DocumentMeta:
    sha256: str
    source_file: str
    format: str  # "pdf" | "text" | "xlsx" | "xls" | "docx" | "doc" | "html"
    pages: int | None  # page count; None for a text extraction with no page breaks
    department: str | None = None  # full name as printed (预算主管部门 / 编制部门)
    district: str | None = None  # e.g. "闵行区"; None for a city-level document
    town: str | None = None  # e.g. "颛桥镇", "万里街道"; None above town level
    level: str | None = None  # "city" | "district" | "town"
    kind: str | None = None  # "department" (部门预算) | "unit" (单位预算)
    fiscal_year: int | None = None
    # 预算主管部门 of a unit budget (单位预算) when the document prints it or its name shows it; else None
    parent_department: str | None = None
    # what the figures were read from: "text_layer" | "text_extraction" | "spreadsheet" | "word" |
    # "html" | "ocr" (a scanned PDF)
    reader: str = "text_layer"


@dataclass
class TableInfo:
    table_no: int  # 1..9, see DOMAIN.md
    title: str  # as printed
    unit: str | None  # "元" | "万元"; None when refused
    unit_inferred: bool = False  # True when no 单位 line was printed and the unit was inferred
    empty: bool = False  # no figures, or a 本表无数据 note over figures that are all zero
    pages: list[int] = field(default_factory=list)
    unit_evidence: str | None = None  # why the unit was inferred (or refused)
    line: int | None = None  # line of the title in a text extraction
    rows: int = 0  # body rows that printed at least one figure
    note: str | None = None  # a printed note saying the table is empty (本表无数据), as printed


@dataclass
class Cell:
    table_no: int
    section: str | None  # "income" | "expense" for tables 1 and 4, else None
    code: str | None  # full code: "208", "20805", "2080505", "30101"; None for 合计/总计 rows
    name: str  # row name without code prefix
    column: str  # leaf column header as printed
    amount_yuan: Decimal
    printed: str  # the string on the page
    page: int | None  # 1-based PDF page; None for text extractions (see ``line``)
    line: int | None = None  # 1-based line in a text extraction
    unit: str | None = None  # unit the printed string is in
    source: str = "text_layer"  # what it was read from (DocumentMeta.reader)
    confidence: float = 1.0  # 1 when read exactly; OCR's recognition score (0..1) for a scan


@dataclass
class NarrativeFigure:
    text: str  # the phrase the figure was read from
    amount_yuan: Decimal
    page: int | None
    key: str | None = None  # what it is: "income_total", "expense_total", "subject:…", ... (narrative.py)
    printed: str | None = None
    unit: str = "万元"  # "万元"; "%" for a rate or share and "个" for a count (amount_yuan holds the number)
    line: int | None = None
    # the funds a subject's figure counts, from the heading above it: general_budget,
    # general_budget_basic, gov_fund, state_capital, fiscal, all_funds; None when not said
    scope: str | None = None


@dataclass
class Indicator:
    level1: str | None  # 一级指标
    level2: str | None  # 二级指标
    level3: str | None  # 三级指标
    target: str | None  # 指标值 as printed
    page: int | None = None
    line: int | None = None


@dataclass
class ProjectAmount:
    """An amount a project prints besides its own: a funding source, a sub-project, its total.

    ``role``: from the 绩效目标表, ``annual`` (年度资金申请总额 / 项目当年预算) and its sources
    ``annual_fiscal`` (当年财政拨款), ``annual_carryover`` (上年结转), ``annual_other`` (其他资金);
    ``total`` (项目资金总额 / 项目总预算) and ``total_fiscal`` / ``total_other``; ``component`` (a
    sub-project of 项目当年投入资金构成); from the section's 年度预算安排, ``section_budget`` and its
    ``section_source`` (资金来源…) or ``section_part`` (其中…, possibly some parts only).
    """

    role: str
    label: str  # the label, or the sub-project's name, as printed (spaces removed)
    amount_yuan: Decimal
    printed: str
    unit: str  # "元" | "万元"
    page: int | None = None
    line: int | None = None


@dataclass
class Project:
    name: str
    amount_yuan: Decimal | None  # this year's amount
    page: int | None
    total_amount_yuan: Decimal | None = None
    implementing_unit: str | None = None
    period: str | None = None
    indicators: list[Indicator] = field(default_factory=list)
    line: int | None = None
    amounts: list[ProjectAmount] = field(default_factory=list)  # funding sources, sub-projects, totals


@dataclass
class Problem:
    """Something printed that the parser could not read: the document's error, never a silent loss.

    ``check`` names the document-level check that found it (``unread_figures``: a number printed
    inside a table's region that no cell holds; ``unknown_row``: a body row of a coded table with
    no code that is not a known total/label row). The pipeline holds back a document with problems.
    """

    check: str
    message: str  # one line, naming what was printed and where
    table_no: int | None = None
    page: int | None = None
    line: int | None = None
    printed: str | None = None  # the text as printed


@dataclass
class ParsedDocument:
    document: DocumentMeta
    tables: list[TableInfo] = field(default_factory=list)
    cells: list[Cell] = field(default_factory=list)
    narrative: list[NarrativeFigure] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict; Decimals become strings so no digit is lost."""
        return _jsonable(asdict(self))


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value
