"""Reading printed figures exactly."""

from __future__ import annotations

from decimal import Decimal

import pytest

from orchestration.parsing.numbers import is_amount, is_unreadable_figure, parse_amount


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
        ("189,767,551", Decimal(189767551)),
        ("１，２３４．５０", Decimal("1234.50")),  # full-width
        ("-1,200.00", Decimal("-1200.00")),
        (" 16. 43 ", Decimal("16.43")),
        # separators as some text layers print them (a 2026 city unit budget: 125360,898 for 125,360,898)
        ("125360,898", Decimal(125360898)),
        ("23051,310", Decimal(23051310)),
        ("1,2345,678.10", Decimal("12345678.10")),
        ("12,,345", Decimal(12345)),
        ("1 234 567", Decimal(1234567)),
        ("(1,200.00)", Decimal("-1200.00")),
        ("（1,200.00）", Decimal("-1200.00")),
        ("−1200", Decimal(-1200)),
        ("－１２００．５", Decimal("-1200.5")),
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
        "1234,56",
        "12%",
    ],
)
def test_not_an_amount(printed):
    assert parse_amount(printed) is None
    assert not is_amount(printed)


@pytest.mark.parametrize("printed", ["-", "—", "–", "－", "——"])
def test_dash_prints_nothing(printed):
    """A dash stands where a figure would be, and prints none: no cell, as for a blank."""
    assert parse_amount(printed) is None
    assert is_amount(printed)
    assert not is_unreadable_figure(printed)


@pytest.mark.parametrize(
    "printed",
    ["1234,56", "1,23,4", "5..3", "12a,345", "1.234.567", "12 34", "(-12)", "0,00"],
)
def test_figure_that_cannot_be_read_without_guessing(printed):
    """Digits printed like a figure that no rule reads without a guess: the document's error."""
    assert parse_amount(printed) is None
    assert not is_amount(printed)
    assert is_unreadable_figure(printed)


@pytest.mark.parametrize("text", ["合计", "2026年", "0 6 12 /2 75", "12%", "", "第3页", "一般公共预算"])
def test_words_are_not_unreadable_figures(text):
    assert not is_unreadable_figure(text)


def test_exact_decimal_no_float_drift():
    assert parse_amount("0.10") + parse_amount("0.20") == Decimal("0.30")
