"""Figures as a style prints them, and the scale that keeps every printed figure exact.

A golden's amounts are yuan with two decimals. Printed in 万元, or as integers, some would need
more digits than the style prints; instead of rounding (which would make the expected yuan a
guess), every amount of the document is multiplied by the smallest power of ten that makes all of
them printable exactly. Parents still equal the sum of their children after the scaling.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from orchestration.parsing.units import UNIT_FACTORS

__all__ = ["FACTORS", "NumberFormat", "document_scale"]

FACTORS = UNIT_FACTORS  # the parser's: one definition of the units
# Printed digits after the point, per number style.
DECIMALS = {
    "comma2": 2,
    "plain2": 2,
    "comma0": 0,
    "plain0": 0,
    "misplaced0": 0,
    "fullwidth2": 2,
    "spaced2": 2,
    "mixed2": 2,
}
# ASCII digits and punctuation to their full-width forms.
_FULL_WIDTH = str.maketrans("0123456789,.-", "０１２３４５６７８９，．－")
MAX_SCALE_EXPONENT = 8


def _exponent_needed(amount: Decimal, factor: Decimal, decimals: int) -> int:
    """Smallest k ≥ 0 such that amount × 10^k / factor has at most ``decimals`` decimals."""
    for k in range(MAX_SCALE_EXPONENT + 1):
        value = amount * (Decimal(10) ** k) / factor
        if value == value.quantize(Decimal(1).scaleb(-decimals)):
            return k
    raise ValueError(f"{amount} cannot be printed exactly in {decimals} decimals")


def document_scale(amounts_by_unit: dict[str, list[Decimal]], decimals: int) -> Decimal:
    """10^k for the smallest k making every amount printable in its unit with ``decimals`` decimals."""
    k = 0
    for unit, amounts in amounts_by_unit.items():
        for amount in amounts:
            k = max(k, _exponent_needed(amount, FACTORS[unit], decimals))
    return Decimal(10) ** k


@dataclass(frozen=True)
class NumberFormat:
    """How one style prints a figure: separators, decimals, width of the glyphs, zeros and blanks."""

    style: str  # a value of the ``numbers`` axis
    zeros: str  # a value of the ``zeros`` axis

    @property
    def decimals(self) -> int:
        return DECIMALS[self.style]

    def printed(self, value: Decimal | None, row_index: int = 0) -> str:
        """The string printed for ``value`` (in the printed unit); ``None`` is a cell with no figure."""
        dash = {"dash": "-", "emdash": "—"}.get(self.zeros)
        if value is None:
            return dash or ("" if self.zeros == "blank" else self._number(Decimal(0), row_index))
        if value == 0 and dash:
            return dash
        return self._number(value, row_index)

    def _number(self, value: Decimal, row_index: int) -> str:
        quantum = Decimal(1).scaleb(-self.decimals)
        if value != value.quantize(quantum):
            raise ValueError(f"{value} is not printable with {self.decimals} decimals")
        sign = "-" if value < 0 else ""
        digits = f"{abs(value):.{self.decimals}f}"
        whole, _, fraction = digits.partition(".")
        style = self.style
        if style == "mixed2":
            style = "comma2" if row_index % 2 == 0 else "plain2"
        if style in ("comma2", "comma0", "fullwidth2", "spaced2"):
            whole = f"{int(whole):,}"
        elif style == "misplaced0" and len(whole) > 3:
            whole = f"{whole[:-3]},{whole[-3:]}"  # 125360,898: only the last separator survives
        text = sign + whole + (f".{fraction}" if fraction else "")
        if style == "fullwidth2":
            return text.translate(_FULL_WIDTH)
        if style == "spaced2":
            return text.replace(",", ", ").replace(".", ". ")
        return text
