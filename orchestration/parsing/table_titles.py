"""Recognise the nine standard tables by their printed titles (a title line, or one wrapped over two)."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["TABLE_NAMES", "TABLE_TITLES", "clean_title", "find_titles", "match_title"]

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
