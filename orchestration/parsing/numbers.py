"""Printed figures: recognise an amount cell and read it exactly.

Forms seen: ``66,165,252.88``, ``5370.00``, ``5, 370. 00`` (spaces left by an
extraction), ``0``, ``0.00``, ``-`` (printed zero), full-width digits and commas.
A blank cell is *not* an amount: ``parse_amount`` returns None for it.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

__all__ = ["DASHES", "is_amount", "is_dash", "normalise", "parse_amount"]

# Printed stand-ins for zero.
DASHES = frozenset({"-", "－", "—", "–", "―", "−"})

# Digits grouped by commas (spaces may sit around a comma or the point), or plain digits.
_AMOUNT_RE = re.compile(
    r"""^-?\s*(?:
        \d{1,3}(?:\s*,\s*\d{3})+   # 66,165,252 / 5, 370
        |\d+                       # 5370
    )(?:\s*\.\s*\d+)?$             # .88 / . 00
    """,
    re.VERBOSE,
)


def normalise(text: str | None) -> str:
    """NFKC (full-width digits/commas to ASCII), newlines to spaces, outer blanks stripped."""
    if text is None:
        return ""
    return unicodedata.normalize("NFKC", text).replace("\n", " ").strip()


def is_dash(text: str | None) -> bool:
    return (text or "").strip() in DASHES


def is_amount(text: str | None) -> bool:
    """True for a printed figure (including a dash), False for blank, words or noise."""
    value = normalise(text)
    if not value:
        return False
    return value in DASHES or (text or "").strip() in DASHES or bool(_AMOUNT_RE.match(value))


def parse_amount(text: str | None) -> Decimal | None:
    """The printed figure as a Decimal in the printed unit; None for blank or non-figures."""
    raw = (text or "").strip()
    if raw in DASHES:
        return Decimal(0)
    value = normalise(raw)
    if not value:
        return None
    if value in DASHES:
        return Decimal(0)
    if not _AMOUNT_RE.match(value):
        return None
    return Decimal(re.sub(r"[\s,]", "", value))
