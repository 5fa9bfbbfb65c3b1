"""Reading printed figures exactly."""

from __future__ import annotations

from decimal import Decimal

import pytest

from orchestration.parsing.numbers import is_amount, parse_amount


@pytest.mark.parametrize(
    ("printed", "value"),
    [
        ("66,165,252.88", Decimal("66165252.88")),
        ("5370.00", Decimal("5370.00")),
        ("5, 370. 00", Decimal("5370.00")),  # spaces left by an OCR extraction
        ("41. 08", Decimal("41.08")),
        ("5715. 29", Decimal("5715.29")),
        ("0", Decimal(0)),
        ("0.00", Decimal("0.00")),
        ("-", Decimal(0)),
        ("—", Decimal(0)),
        ("189,767,551", Decimal(189767551)),
        ("１，２３４．５０", Decimal("1234.50")),  # full-width
        ("-1,200.00", Decimal("-1200.00")),
        (" 16. 43 ", Decimal("16.43")),
    ],
)
def test_parse_amount(printed, value):
    assert parse_amount(printed) == value
    assert is_amount(printed)


@pytest.mark.parametrize(
    "printed",
    [
        "",
        "   ",
        None,
        "合计",
        "0 6 12 /2 75",  # OCR noise in a header
        "7. AV // AV 7.1 EL 7. T. F. T. F.",
        "71.64 /\\ 14.7\\ F (7.74-",
        "1,23,4",
        "5..3",
        "12%",
    ],
)
def test_not_an_amount(printed):
    assert parse_amount(printed) is None
    assert not is_amount(printed)


def test_exact_decimal_no_float_drift():
    assert parse_amount("0.10") + parse_amount("0.20") == Decimal("0.30")
