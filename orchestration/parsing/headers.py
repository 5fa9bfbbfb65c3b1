"""Read a table's header: recognise header rows by their words, split header from body, read the
header into leaf columns. The tables' titles are ``table_titles``'."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from .codes import is_code, is_total_label, strip_ordinal
from .numbers import is_amount
from .units import find_unit

__all__ = [
    "CODE_LEVEL_WORDS",
    "EMPTY_NOTE_RE",
    "STANDARD_LABELS",
    "Columns",
    "is_header_row",
    "read_columns",
    "split_header",
]

EMPTY_NOTE_RE = re.compile(r"本表无数据|本表为空|无数据")
CODE_LEVEL_WORDS = {"类": 0, "款": 1, "项": 2}
# Words of a header row; any of them in a grid's header confirms it is one of the nine tables.
HEADER_WORDS = ("合计", "预算数", "小计", "基本支出", "项目支出", "人员经费", "公用经费", "科目")
# Header labels of the national template, whole. Where geometry cannot tell a label wrapped over two
# lines from a parent printed over its only child (a column printed on a page of its own), a line that
# already is one of these is not joined to the line below it.
STANDARD_LABELS = frozenset(
    {
        # parents
        "本年收入",
        "本年支出",
        "收入预算",
        "支出预算",
        "财政拨款支出",
        "一般公共预算支出",
        "政府性基金预算支出",
        "国有资本经营预算支出",
        "一般公共预算基本支出",
        "“三公”经费预算数",
        "公务用车购置及运行费",
        "功能分类科目编码",
        "经济分类科目编码",
        "科目编码",
        # leaves
        "项目",
        "预算数",
        "合计",
        "小计",
        "基本支出",
        "项目支出",
        "人员经费",
        "公用经费",
        "财政拨款收入",
        "一般公共预算",
        "政府性基金预算",
        "国有资本经营预算",
        "事业收入",
        "事业单位经营收入",
        "其他收入",
        "单位资金",
        "教育收费收入",
        "动用历年结转结余",
        "上缴上级支出",
        "对附属单位补助支出",
        "事业单位经营支出",
        "因公出国(境)费",
        "公务接待费",
        "购置费",
        "运行费",
        "机关运行经费",
        "机关运行经费预算数",
        "功能分类科目名称",
        "经济分类科目名称",
        "科目名称",
        "类",
        "款",
        "项",
    }
)


def _cell(text: str | None) -> str:
    value = unicodedata.normalize("NFKC", text or "").strip()
    return "" if value in {"_", "__"} else value


def is_header_row(cells: list[str | None]) -> bool:
    """A header row prints words only: no figure, no code, no row label, not a 合计 row."""
    values = [_cell(c) for c in cells]
    filled = [v for v in values if v]
    if not filled:
        return False
    for value in filled:
        if is_amount(value) or is_code(value) or strip_ordinal(value) != value:
            return False
    return not all(is_total_label(v) for v in filled)


def split_header(rows: list[list[str | None]]) -> int:
    """Number of leading header rows (blank rows inside the header are counted in)."""
    count = 0
    for i, cells in enumerate(rows):
        if is_header_row(cells):
            count = i + 1
            continue
        if any(_cell(c) for c in cells):
            break
    return count


@dataclass
class Columns:
    """Roles of a grid's columns, from its header rows."""

    width: int
    leaf: list[str]  # leaf label per column ("" if none)
    code_level: dict[int, int] = field(default_factory=dict)  # column -> 0 类 / 1 款 / 2 项
    code_cols: list[int] = field(default_factory=list)  # columns printing codes
    name_col: int | None = None
    value_cols: list[int] = field(default_factory=list)
    # tables 1 and 4: (label column, value columns) per section
    sections: dict[str, tuple[int, list[int]]] = field(default_factory=dict)


def read_columns(header: list[list[str | None]], width: int, table_no: int) -> Columns:
    """Leaf labels (bottom-most printed word of each column, newlines removed) and roles."""
    rows = [
        [re.sub(r"\s+", "", "" if find_unit(_cell(c)) else _cell(c)) for c in r] + [""] * (width - len(r))
        for r in header
    ]
    leaf = []
    for j in range(width):
        label = ""
        for r in reversed(rows):
            if r[j] and r[j] not in CODE_LEVEL_WORDS:
                label = r[j]
                break
        leaf.append(label)
    cols = Columns(width=width, leaf=leaf)
    for j in range(width):
        words = [r[j] for r in rows if r[j]]
        for w in words:
            if w in CODE_LEVEL_WORDS:
                cols.code_level[j] = CODE_LEVEL_WORDS[w]
    if table_no in (1, 4):
        item_cols = [j for j in range(width) if any(r[j] == "项目" for r in rows)]
        if len(item_cols) >= 2:
            a, b = item_cols[0], item_cols[1]
            cols.sections["income"] = (a, [j for j in range(a + 1, b) if leaf[j]])
            cols.sections["expense"] = (b, [j for j in range(b + 1, width) if leaf[j]])
        return cols
    if table_no == 9:
        cols.value_cols = [j for j in range(width) if leaf[j]]
        return cols
    name_cols = [j for j in range(width) if any("名称" in r[j] for r in rows)]
    if not name_cols:  # names printed under 项目 / 科目 (codes fused with them or in their own column)
        name_cols = [j for j in range(width) if any(r[j] in ("项目", "科目", "项目名称") for r in rows)]
    if name_cols:
        cols.name_col = name_cols[0]
    else:
        # No name column printed (e.g. an empty table): codes, then figures.
        codes = [j for j in range(width) if any("编码" in r[j] for r in rows)] + list(cols.code_level)
        cols.name_col = max(codes) if codes else None
    start = (cols.name_col + 1) if cols.name_col is not None else 0
    cols.value_cols = [j for j in range(start, width) if leaf[j] and j not in cols.code_level]
    cols.code_cols = [j for j in range(start) if j != cols.name_col]
    return cols


def has_header_words(header: list[list[str | None]]) -> bool:
    text = "".join(_cell(c) for r in header for c in r)
    return any(w in text for w in HEADER_WORDS)
