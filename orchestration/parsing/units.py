"""Units of the tables: read a 单位 line, convert a printed figure to yuan."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

__all__ = ["UNIT_FACTORS", "YUAN_QUANTUM", "find_unit", "to_yuan"]

UNIT_FACTORS = {"元": Decimal(1), "万元": Decimal(10000)}
YUAN_QUANTUM = Decimal("0.01")

# "单位：元", "单位:万元", "单位： 万元", "金额单位：元"; not "编报单位:上海市…" (a unit must follow).
_UNIT_RE = re.compile(r"单\s*位\s*[:：]\s*(万\s*元|元)(?![\u4e00-\u9fff/／])")


def find_unit(line: str) -> str | None:
    """The unit stated on a line (``元`` / ``万元``), or None."""
    match = _UNIT_RE.search(unicodedata.normalize("NFKC", line))
    if not match:
        return None
    return re.sub(r"\s", "", match.group(1))


def to_yuan(value: Decimal, unit: str) -> Decimal:
    """Exact conversion to yuan, two decimal places (万元 × 10000)."""
    return (value * UNIT_FACTORS[unit]).quantize(YUAN_QUANTUM)
