"""Recognise the nine tables by title and header words; read a header into leaf columns."""

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
    "TABLE_NAMES",
    "TABLE_TITLES",
    "Columns",
    "clean_title",
    "find_titles",
    "is_header_row",
    "match_title",
    "read_columns",
    "split_header",
]

# Title patterns, checked in this order (4 before 1/2/3: "财政拨款收支预算总表").
TABLE_TITLES: list[tuple[int, re.Pattern[str]]] = [
    (4, re.compile(r"财政拨款收支(预算)?总表")),
    (1, re.compile(r"收支(预算)?总表")),  # 财务收支预算总表, also printed 部门收支预算总表
    (2, re.compile(r"收入(预算)?总表")),
    (3, re.compile(r"支出(预算)?总表")),
    (5, re.compile(r"一般公共预算支出(功能分类)?(预算)?表")),
    (6, re.compile(r"政府性基金预算支出(功能分类)?(预算)?表")),
    (7, re.compile(r"国有资本经营预算支出(功能分类)?(预算)?表")),
    (8, re.compile(r"一般公共预算基本支出.{0,12}经济分类(预算)?表")),
    (9, re.compile(r"三公.{0,3}经费.{0,12}预算表")),
]
TABLE_NAMES = {
    1: "财务收支预算总表",
    2: "收入预算总表",
    3: "支出预算总表",
    4: "财政拨款收支预算总表",
    5: "一般公共预算支出功能分类预算表",
    6: "政府性基金预算支出功能分类预算表",
    7: "国有资本经营预算支出功能分类预算表",
    8: "一般公共预算基本支出经济分类预算表",
    9: "“三公”经费和机关运行经费预算表",
}
# A title is a short line that ends with the title itself (not a sentence citing it).
MAX_TITLE_CHARS = 48
# The second line of a title wrapped over two lines is at most this long.
MAX_TITLE_TAIL = 12
# "单位：元" printed on the title's own line.
_TRAILING_UNIT_RE = re.compile(r"\s*(金额)?单\s*位\s*[:：]\s*万?\s*元\s*$")
# "（续）", "(续表)", "续表" after a title repeated on a continuation page.
_CONTINUED_RE = re.compile(r"(?:[(（]续表?[)）]|续表)$")
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


def clean_title(line: str) -> str:
    """The line as printed, less markdown/list markers, a trailing 单位 clause and outer blanks."""
    text = unicodedata.normalize("NFKC", line).strip()
    text = re.sub(r"^[#>*\-\s]+", "", text)
    text = _TRAILING_UNIT_RE.sub("", text)
    return text.strip().strip("*").strip()


def match_title(line: str) -> int | None:
    """The table number (1..9) a title line names, or None."""
    text = clean_title(line)
    if not text or len(text) > MAX_TITLE_CHARS or "…" in text or "..." in text:
        return None
    compact = _CONTINUED_RE.sub("", re.sub(r"\s+", "", text))
    if not compact.endswith("表"):
        return None
    for number, pattern in TABLE_TITLES:
        if pattern.search(compact):
            return number
    return None


def find_titles(lines: list[str]) -> list[tuple[int, int, int, str]]:
    """(first line index, lines used, table number, title text) of each title among ``lines``.

    A long title wrapped over two lines ("…经济分类" / "预算表") is joined when the first
    line alone is no title and the second is short."""
    out = []
    i = 0
    while i < len(lines):
        number = match_title(lines[i])
        if number:
            out.append((i, 1, number, lines[i]))
        elif i + 1 < len(lines) and 0 < len(lines[i + 1].strip()) <= MAX_TITLE_TAIL and "\t" not in lines[i]:
            joined = lines[i].rstrip() + lines[i + 1].strip()
            number = match_title(joined) if "|" not in joined else None
            if number:
                out.append((i, 2, number, joined))
                i += 2
                continue
        i += 1
    return out


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
