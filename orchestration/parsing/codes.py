"""Classification codes: fused code/name cells, ordinals, and parent carry-over.

Functional codes (支出功能分类) are 类 3 digits + 款 2 + 项 2; economic codes (经济分类)
类 3 + 款 2. A row may print all levels in columns, only its own level (the parent
is the nearest row above), one 7-digit string, or its digits fused with the name
("20 执法办案").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

__all__ = [
    "LEVEL_KUAN",
    "LEVEL_LEI",
    "LEVEL_XIANG",
    "CodeResolver",
    "clean_name",
    "is_code",
    "is_total_label",
    "split_fused",
    "strip_ordinal",
]

LEVEL_LEI, LEVEL_KUAN, LEVEL_XIANG = 0, 1, 2
# 2 digits (款/项), 3 (类), 5 (类款), 7 (类款项); a year or a count is not a code.
_CODE_RE = re.compile(r"^(?:\d{2}|\d{3}|\d{5}|\d{7})$")
# "20 执法办案", "05 机关事业单位…", "2080505 机关…": digits, a blank, then a CJK name.
_FUSED_RE = re.compile(r"^(\d{7}|\d{5}|\d{3}|\d{2})\s*(?=[\u4e00-\u9fff（(])")
# "一、", "（一）", "1.", "1、", "1．" before a row name.
_ORDINAL_RE = re.compile(
    r"^(?:[一二三四五六七八九十百]+\s*[、.]|[(（][一二三四五六七八九十]+[)）]|\d{1,2}\s*[.、．])\s*(?=[\u4e00-\u9fff])"
)
TOTAL_LABELS = ("合计", "总计", "收入总计", "支出总计")


def is_code(text: str) -> bool:
    return bool(_CODE_RE.match(text.strip()))


def split_fused(label: str) -> tuple[str | None, str]:
    """("20", "执法办案") for "20 执法办案"; (None, label) when no code is fused."""
    text = label.strip()
    match = _FUSED_RE.match(text)
    if not match:
        return None, text
    return match.group(1), text[match.end() :].strip()


def strip_ordinal(name: str) -> str:
    return _ORDINAL_RE.sub("", name, count=1)


def clean_name(text: str) -> str:
    """Row name as printed, less the whitespace/newlines an extraction puts inside it."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)) if text else ""


def is_total_label(text: str) -> bool:
    name = re.sub(r"\s+", "", text or "")
    return name in TOTAL_LABELS


@dataclass
class CodeResolver:
    """Turns the digits a row prints into its full code, carrying parents down the table."""

    max_level: int = LEVEL_XIANG  # LEVEL_KUAN for economic classification
    lei: str | None = None
    kuan: str | None = None
    last_level: int | None = None

    def resolve(
        self, parts: list[tuple[int | None, str]], fused: str | None, fused_level: int | None = None
    ) -> str | None:
        """``parts``: (level or None when unknown, digits) printed in code columns, left to right.

        ``fused``: digits printed before the name in the name cell; their level is the one
        below the deepest printed level, else ``fused_level`` (the level below the header's
        code columns), else a guess from the row above.
        """
        levels: dict[int, str] = {}
        for level, digits in parts:
            if len(digits) >= 5:
                levels.update(_split_full(digits))
                continue
            if len(digits) == 3:
                levels[LEVEL_LEI] = digits
                continue
            if level is None or level == LEVEL_LEI:
                level = max(levels) + 1 if levels else self._guess_level()
            levels[min(level, self.max_level)] = digits
        if fused:
            if len(fused) >= 5 or len(fused) == 3:
                levels.update(_split_full(fused) if len(fused) >= 5 else {LEVEL_LEI: fused})
            else:
                if levels:
                    level = max(levels) + 1
                else:
                    level = fused_level if fused_level is not None else self._guess_level()
                levels[min(level, self.max_level)] = fused
        if not levels:
            return None
        return self._compose(levels)

    def _guess_level(self) -> int:
        # Only a 2-digit code and nothing above it: a child of the row above.
        if self.last_level is None:
            return LEVEL_KUAN
        return min(max(self.last_level, LEVEL_KUAN), self.max_level)

    def _compose(self, levels: dict[int, str]) -> str | None:
        if LEVEL_LEI in levels:
            self.lei, self.kuan = levels[LEVEL_LEI], None
        deepest = max(levels)
        if LEVEL_KUAN in levels:
            if self.lei is None:
                return None
            self.kuan = self.lei + levels[LEVEL_KUAN]
        if deepest == LEVEL_LEI:
            self.last_level = LEVEL_LEI
            return self.lei
        if deepest == LEVEL_KUAN:
            self.last_level = LEVEL_KUAN
            return self.kuan
        if self.kuan is None:
            return None
        self.last_level = LEVEL_XIANG
        return self.kuan + levels[LEVEL_XIANG]


def _split_full(digits: str) -> dict[int, str]:
    out = {LEVEL_LEI: digits[:3]}
    if len(digits) >= 5:
        out[LEVEL_KUAN] = digits[3:5]
    if len(digits) >= 7:
        out[LEVEL_XIANG] = digits[5:7]
    return out
