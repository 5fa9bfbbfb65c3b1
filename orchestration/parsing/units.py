"""Units of the tables: read a 单位 line, convert a printed figure to yuan."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

from .errors import ParseError

__all__ = ["UNIT_FACTORS", "YUAN_QUANTUM", "find_unit", "half_unit", "to_yuan"]

UNIT_FACTORS = {"元": Decimal(1), "万元": Decimal(10000)}
YUAN_QUANTUM = Decimal("0.01")
# DECIMAL(18,2) holds 16 integer digits: no budget line comes near it, so a longer figure is damage.
MAX_YUAN = Decimal(10) ** 16

# "单位：元", "单位:万元", "单位： 万元", "金额单位：元"; not "编报单位:上海市…" (a unit must follow).
_NOT_DIGITS = re.compile(r"[^\d.\-]")
_UNIT_RE = re.compile(r"单\s*位\s*[:：]\s*(万\s*元|元)(?![\u4e00-\u9fff/／])")


def find_unit(line: str) -> str | None:
    """The unit stated on a line (``元`` / ``万元``), or None."""
    match = _UNIT_RE.search(unicodedata.normalize("NFKC", line))
    if not match:
        return None
    return re.sub(r"\s", "", match.group(1))


def to_yuan(value: Decimal, unit: str) -> Decimal:
    """Exact conversion to yuan, two decimal places (万元 × 10000).

    Raises ``ParseError("implausible_figure")`` for a figure of 10^16 yuan or more (found by fuzzing:
    a 400-digit cell used to escape as ``decimal.InvalidOperation``).
    """
    factor = UNIT_FACTORS[unit]
    if abs(value) >= MAX_YUAN / factor:
        shown = format(value, "f")
        shown = shown if len(shown) <= 30 else shown[:27] + "..."
        raise ParseError("implausible_figure", f"printed figure {shown} {unit} is beyond any budget amount")
    return (value * factor).quantize(YUAN_QUANTUM)


def half_unit(printed: str | None, unit: str | None) -> Decimal:
    """Half of the last printed digit, in yuan (in points for a rate): the most rounding can hide."""
    text = _NOT_DIGITS.sub("", printed or "")
    if not any(ch.isdigit() for ch in text):
        return Decimal(0)
    decimals = len(text.split(".", 1)[1]) if "." in text else 0
    return (Decimal(1).scaleb(-decimals) / 2) * UNIT_FACTORS.get(unit or "元", Decimal(1))
