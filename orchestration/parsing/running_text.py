"""Running text of a document, with the page and line of every character.

The narrative and project readers match sentences that a PDF wraps across lines
(``比2024年预算增加\\n3,355.65万元``), so they read one flat string instead of lines:
a PDF's lines are joined with nothing (Chinese wraps mid-word), a text extraction's
lines keep their newline (it has one paragraph per line). ``locate`` maps an offset
back to the PDF page or the text line.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from .source import Source
from .units import UNIT_FACTORS

__all__ = [
    "LIST_MARK",
    "NUMBER_PATTERN",
    "FlatText",
    "flatten",
    "is_project_heading",
    "label_before",
    "next_nonempty",
    "parse_number",
    "wan_to_yuan",
]

# A printed number: ``1,772.21``, ``5715. 29`` and ``5, 370. 00`` (OCR spaces), ``0.036``.
NUMBER_PATTERN = r"\d{1,3}(?:[,，]\s?\d{3})+(?:\s?\.\s?\d+)?|\d+(?:\s?\.\s?\d+)?"
_NOISE = re.compile(r"[\s,，]")
YUAN_PER_WAN = UNIT_FACTORS["万元"]
# Characters that end a label: the words naming a figure stop at the previous clause.
LABEL_BOUNDARY = set("，,；;。：:、\n")
# How far back (characters) a label may reach when a boundary is missing.
MAX_LABEL_CHARS = 120
# List numbering before a label: ``1、`` ``2.`` ``（一）`` ``- `` ``**``.
LIST_MARK = re.compile(
    r"^[\s\-*#]*(?:\d+\s*[.、．]|[（(][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+、)?\s*"
)
CENTS = Decimal("0.01")


@dataclass
class FlatText:
    text: str
    is_pdf: bool
    # parallel lists: offset where a source line starts, its page and its line number
    _starts: list[int] = field(default_factory=list)
    _pages: list[int | None] = field(default_factory=list)
    _lines: list[int | None] = field(default_factory=list)
    _texts: list[str] = field(default_factory=list)

    def line_texts(self) -> list[str]:
        """The source lines, in order (index ``i`` starts at ``line_offset(i)``)."""
        return self._texts

    def line_offset(self, i: int) -> int:
        return self._starts[i]

    def locate(self, offset: int) -> tuple[int | None, int | None]:
        """(page, line) of the character at ``offset``: page for PDFs, line for text."""
        i = max(0, bisect.bisect_right(self._starts, offset) - 1)
        return self._pages[i], self._lines[i]

    def line_start(self, offset: int) -> int:
        """Offset where the source line holding ``offset`` starts."""
        i = max(0, bisect.bisect_right(self._starts, offset) - 1)
        return self._starts[i]


def flatten(source: Source) -> FlatText:
    """Join a source's lines: PDF lines with nothing, text lines with a newline."""
    is_pdf = source.format == "pdf"
    sep = "" if is_pdf else "\n"
    flat = FlatText(text="", is_pdf=is_pdf)
    parts: list[str] = []
    offset = 0
    for page in source.pages:
        for line_no, line in page.lines:
            flat._starts.append(offset)
            flat._pages.append(page.number)
            flat._lines.append(None if is_pdf else line_no)
            flat._texts.append(line)
            parts.append(line + sep)
            offset += len(line) + len(sep)
    flat.text = "".join(parts)
    return flat


def parse_number(printed: str) -> Decimal | None:
    """``5, 370. 00`` → Decimal('5370.00'); None when it is not a number."""
    try:
        return Decimal(_NOISE.sub("", printed))
    except InvalidOperation:
        return None


def wan_to_yuan(value: Decimal) -> Decimal:
    """万元 → 元, exact, with at least two decimal places (6616.52 → 66165200.00)."""
    yuan = value * YUAN_PER_WAN
    if yuan == yuan.quantize(CENTS):  # 2 places whenever that loses nothing (0.036 万 → 360.00)
        yuan = yuan.quantize(CENTS)
    return yuan


def label_before(text: str, pos: int, floor: int) -> str:
    """Words before ``pos`` back to the previous clause boundary (quotes kept whole)."""
    i = _boundary_before(text, pos, floor)
    label = text[i:pos]
    if not LIST_MARK.sub("", label).replace("*", "").strip() and i > floor:
        # ``公安（款20402）：**56.79万元**`` — the name sits before the colon
        i = _boundary_before(text, i - 1, floor)
        label = text[i:pos]
    if label.count("”") > label.count("“") or label.count('"') % 2:
        # a boundary character inside the quoted name: reach back to its opening quote
        j = max(text.rfind("“", floor, i), text.rfind('"', floor, i))
        if j >= 0 and pos - j <= MAX_LABEL_CHARS:
            label = text[j:pos]
    return label


def _boundary_before(text: str, pos: int, floor: int) -> int:
    i = pos
    lowest = max(floor, pos - MAX_LABEL_CHARS)
    while i > lowest and text[i - 1] not in LABEL_BOUNDARY:
        i -= 1
    return i


def next_nonempty(lines: list[str], i: int) -> str:
    """The first non-blank line after line ``i`` (looking a few lines ahead), stripped."""
    for line in lines[i + 1 : i + 6]:
        if line.strip():
            return line.strip()
    return ""


def is_project_heading(lines: list[str], i: int) -> bool:
    """``…经费情况说明`` followed by ``一、项目概述`` / ``一、项目概况`` (a 目录 entry is not)."""
    head = lines[i].strip().lstrip("#").strip()
    return head.endswith("情况说明") and next_nonempty(lines, i).lstrip("#-* ").startswith("一、项目概")
