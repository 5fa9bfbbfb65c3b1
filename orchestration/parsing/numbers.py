"""Printed figures: recognise an amount cell and read it exactly, as text layers really print them.

Forms read (after NFKC, so full-width digits, commas, points, minus and brackets count as ASCII):

- grouped or not: ``66,165,252.88``, ``5370.00``, ``0``, ``0.00``;
- separators misplaced, missing or doubled, as some text layers print them: ``125360,898``,
  ``23051,310``, ``1,2345,678``. A comma between digits is a thousands separator wherever it sits,
  so the digits read are the digits printed;
- spaces an extraction left inside a number: ``5, 370. 00``, ``41. 08``, ``1 234 567`` (a space
  as a thousands separator, groups of three only);
- negatives: ``-1,200.00``, ``−1200``, ``(1,200.00)``, ``（1,200.00）``.

Never guessed: a comma followed by one or two digits and no decimal point (``1234,56``: a
decimal comma or a lost digit?), two decimal points, letters among digits. Such a string is
``is_unreadable_figure``: the caller reports it as a problem of the document, never skips it.

``-``, ``—``, ``–`` and a blank cell mean *nothing printed*: ``parse_amount`` returns None and no
cell is made, as for a blank (``is_amount`` still counts a dash as a figure's place when finding
header and body rows).
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

__all__ = ["DASHES", "is_amount", "is_dash", "is_unreadable_figure", "normalise", "parse_amount"]

# Printed stand-ins for "nothing here".
DASHES = frozenset({"-", "－", "—", "–", "―", "−", "--", "——", "­"})

# Spaces around a separator or the point ("5, 370. 00"), dropped before reading.
_SPACES_AT_SEPARATOR = re.compile(r"\s*([,.])\s*")
# A space between digit groups of three: a thousands separator ("1 234 567").
_SPACE_GROUPED = re.compile(r"^\d{1,3}(?: \d{3})+(?:\.\d+)?$")
# Digits with commas anywhere between them, then an optional decimal part.
_FIGURE = re.compile(r"^(?P<int>\d+(?:,+\d+)*)(?:\.(?P<frac>\d+))?$")
# Enough digits in a short string to be a figure someone meant to print.
_NUMERIC_LOOK = re.compile(r"^[\s\d,.()（）\-−+]*\d[\s\d,.()（）\-−+a-zA-Z]*$")


def normalise(text: str | None) -> str:
    """NFKC (full-width digits/commas to ASCII), newlines to spaces, outer blanks stripped."""
    if text is None:
        return ""
    return unicodedata.normalize("NFKC", text).replace("\n", " ").strip()


def is_dash(text: str | None) -> bool:
    return (text or "").strip() in DASHES or normalise(text) in DASHES


def _read(text: str | None) -> Decimal | None:
    """The figure ``text`` prints, or None when it prints none (blank, dash, words, an ambiguity)."""
    value = normalise(text)
    if not value or value in DASHES:
        return None
    negative = False
    if value[0] in "(" and value[-1] == ")":
        value, negative = value[1:-1].strip(), True
    if value[:1] in ("-", "−"):
        if negative:
            return None
        value, negative = value[1:].strip(), True
    value = _SPACES_AT_SEPARATOR.sub(r"\1", value)
    if " " in value:
        if not _SPACE_GROUPED.match(value):
            return None
        value = value.replace(" ", "")
    match = _FIGURE.match(value)
    if not match:
        return None
    groups = match.group("int").split(",")
    if match.group("frac") is None and len(groups) > 1 and len(groups[-1].strip(",")) < 3:
        return None  # "1234,56": a decimal comma or a digit lost; never guessed
    digits = match.group("int").replace(",", "")
    number = Decimal(digits + (f".{match.group('frac')}" if match.group("frac") is not None else ""))
    return -number if negative else number


def parse_amount(text: str | None) -> Decimal | None:
    """The printed figure as a Decimal in the printed unit; None for blank, dash or non-figures."""
    return _read(text)


def is_amount(text: str | None) -> bool:
    """True for a printed figure or a dash in a figure's place; False for blank, words or noise."""
    value = normalise(text)
    if not value:
        return False
    return value in DASHES or (text or "").strip() in DASHES or _read(value) is not None


def is_unreadable_figure(text: str | None) -> bool:
    """A short string that prints digits like a figure but cannot be read without guessing
    (``1234,56``, ``12a,345``, ``1.234.5``): an error of the document, never a cell to skip."""
    value = normalise(text)
    if not value or len(value) > 24 or is_amount(value):
        return False
    digits = sum(ch.isdigit() for ch in value)
    letters = sum(ch.isascii() and ch.isalpha() for ch in value)
    return bool(_NUMERIC_LOOK.match(value)) and digits >= 2 and letters <= 2 and digits > 3 * letters
