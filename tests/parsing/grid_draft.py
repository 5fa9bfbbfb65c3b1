"""Ruled cells of a PDF page, read with pdfplumber alone: the ground floor of ``draft_golden``.

A page's ruling lines (thin dark filled rectangles, stroked rectangles, lines; white fills
ignored) become ``Rules``; every character goes into the ruled cell around it (``Box``), so a
figure and the label of the next cell never fuse however the text layer runs them together.

Nothing here imports ``orchestration.parsing``: hand-verified goldens must not inherit the
parser's mistakes.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

# Rules: filled dark rectangles thinner than this (points) are ruling lines.
RULE_THICKNESS = 2.0
# Coordinates within this distance (points) are the same rule.
SNAP = 1.5
# Written apart from orchestration/parsing/headers.py on purpose: a draft must not share the
# parser's reading of a title. (table number, pattern); None marks a table beyond the nine.
TITLES = [
    (4, re.compile(r"财政拨款收支(预算)?总表$")),
    (1, re.compile(r"收支(预算)?总表$")),
    (2, re.compile(r"收入(预算)?总表$")),
    (3, re.compile(r"(?<!财政拨款)支出(预算)?总表$")),
    (5, re.compile(r"一般公共预算支出功能分类预算表$")),
    (6, re.compile(r"政府性基金预算支出功能分类预算表$")),
    (7, re.compile(r"国有资本经营预算支出功能分类预算表$")),
    (8, re.compile(r"一般公共预算基本支出.*经济分类预算表$")),
    (9, re.compile(r"三公.{0,3}经费.*预算表$")),
    (None, re.compile(r"^\d{4}年.*预算表$")),
]
UNIT_RE = re.compile(r"单\s*位\s*[:：]\s*(万元|元)")
NUMBER_RE = re.compile(r"^-?[0-9][0-9,，]*(\.[0-9]+)?$")
ORDINAL_RE = re.compile(r"^(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）]|\d{1,2}[、.．])")
TOTAL_NAMES = {"合计", "总计", "收入总计", "支出总计"}
CODE_LEVEL = {"类": 0, "款": 1, "项": 2}


def norm(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


@dataclass
class Box:
    """A ruled cell and the characters printed in it."""

    left: float
    right: float
    top: float
    bottom: float
    chars: list[dict] = field(default_factory=list)

    @property
    def text(self) -> str:
        lines = defaultdict(list)
        for w in self.chars:
            lines[round(w["top"])].append(w)
        return "".join(
            "".join(w["text"] for w in sorted(ws, key=lambda w: w["x0"])) for _, ws in sorted(lines.items())
        )


@dataclass
class Rules:
    horizontal: list[tuple[float, float, float]]  # (y, x0, x1)
    vertical: list[tuple[float, float, float]]  # (x, top, bottom)

    def left_of(self, x: float, y: float) -> float | None:
        return _nearest(self.vertical, x, y, before=True)

    def right_of(self, x: float, y: float) -> float | None:
        return _nearest(self.vertical, x, y, before=False)

    def above(self, y: float, x: float) -> float | None:
        return _nearest(self.horizontal, y, x, before=True)

    def below(self, y: float, x: float) -> float | None:
        return _nearest(self.horizontal, y, x, before=False)

    def columns_at(self, y: float) -> list[float]:
        xs = sorted({round(v, 1) for v, t, b in self.vertical if t - SNAP <= y <= b + SNAP})
        out: list[float] = []
        for x in xs:
            if not out or x - out[-1] > SNAP:
                out.append(x)
        return out


def _nearest(segments, at: float, across: float, before: bool) -> float | None:
    """Position of the nearest rule before (or after) ``at`` among the rules crossing ``across``."""
    hits = [
        pos
        for pos, start, end in segments
        if start - SNAP <= across <= end + SNAP and (pos <= at + SNAP if before else pos >= at - SNAP)
    ]
    if not hits:
        return None
    return max(hits) if before else min(hits)


def _is_dark(rect: dict) -> bool:
    color = rect.get("non_stroking_color")
    if isinstance(color, (list, tuple)) and color and all(isinstance(c, (int, float)) for c in color):
        return not all(c >= 0.9 for c in color) if len(color) != 4 else sum(color) > 0.1
    return True


def page_rules(page) -> Rules:
    """The page's ruling lines, white fills (invisible cells) left out."""
    horizontal, vertical = [], []
    for r in page.rects:
        thin_h, thin_v = r["height"] <= RULE_THICKNESS, r["width"] <= RULE_THICKNESS
        if (thin_h or thin_v) and r.get("fill") and _is_dark(r):
            if thin_h:
                horizontal.append(((r["top"] + r["bottom"]) / 2, r["x0"], r["x1"]))
            else:
                vertical.append(((r["x0"] + r["x1"]) / 2, r["top"], r["bottom"]))
        elif r.get("stroke"):
            horizontal += [(r["top"], r["x0"], r["x1"]), (r["bottom"], r["x0"], r["x1"])]
            vertical += [(r["x0"], r["top"], r["bottom"]), (r["x1"], r["top"], r["bottom"])]
    for ln in page.lines:
        if abs(ln["top"] - ln["bottom"]) <= RULE_THICKNESS:
            horizontal.append(((ln["top"] + ln["bottom"]) / 2, ln["x0"], ln["x1"]))
        elif abs(ln["x0"] - ln["x1"]) <= RULE_THICKNESS:
            vertical.append(((ln["x0"] + ln["x1"]) / 2, ln["top"], ln["bottom"]))
    return Rules(horizontal, vertical)


def page_boxes(page, rules: Rules) -> tuple[list[Box], list[dict]]:
    """Characters grouped by the ruled cell around them (a word never straddles a rule);
    characters outside every cell apart."""
    boxes: dict[tuple, Box] = {}
    outside = []
    for ch in page.chars:
        if not ch["text"].strip():
            continue
        cx, cy = (ch["x0"] + ch["x1"]) / 2, (ch["top"] + ch["bottom"]) / 2
        edges = (rules.left_of(cx, cy), rules.right_of(cx, cy), rules.above(cy, cx), rules.below(cy, cx))
        if None in edges:
            outside.append(ch)
            continue
        key = tuple(round(e, 0) for e in edges)
        boxes.setdefault(key, Box(*edges)).chars.append(ch)
    return list(boxes.values()), outside


def table_number(line: str) -> tuple[int | None, str] | None:
    """(1..9 or None for a table beyond the nine, title) when ``line`` is a table title."""
    text = norm(line)
    text = re.sub(r"单位[:：].*$", "", text)
    for number, pattern in TITLES:
        if pattern.search(text):
            return number, text
    return None


def to_decimal(printed: str) -> Decimal:
    return Decimal(printed.replace(",", "").replace("，", ""))


def clean_label(text: str) -> str:
    return ORDINAL_RE.sub("", norm(text), count=1)
