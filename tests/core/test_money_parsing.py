"""salesops.core.money: the one reading of an amount in yuan (pages, services, imports)."""

from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation

import pytest

from salesops.core.money import is_in_fen, parse_yuan, read_yuan


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1200", Decimal("1200")),
        ("1,200.50", Decimal("1200.50")),
        (" 1 200.5 ", Decimal("1200.5")),
        (1200.5, Decimal("1200.5")),
        (1200, Decimal("1200")),
        (Decimal("12.345"), Decimal("12.345")),
        ("-5", Decimal("-5")),
    ],
)
def test_read_yuan_reads_typed_and_cell_values_unrounded(value, expected):
    assert read_yuan(value) == expected


@pytest.mark.parametrize(
    "value",
    ["12 元", "inf", "NaN", "", "abc", True, date(2025, 1, 1), datetime(2025, 1, 1, tzinfo=UTC)],
)
def test_read_yuan_refuses_what_is_not_a_finite_number(value):
    with pytest.raises(InvalidOperation):
        read_yuan(value)
    with pytest.raises(InvalidOperation):
        parse_yuan(value)


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (Decimal("12.34"), True),
        (Decimal("12.3"), True),
        (Decimal("12"), True),
        (Decimal("12.345"), False),
        (Decimal("0.001"), False),
    ],
)
def test_is_in_fen(amount, expected):
    assert is_in_fen(amount) is expected


def test_is_in_fen_refuses_a_number_too_long_to_quantize():
    with pytest.raises(InvalidOperation):
        is_in_fen(Decimal("1e30"))


@pytest.mark.parametrize(
    ("value", "round_to_cent", "expected"),
    [
        ("1,200.5", False, Decimal("1200.50")),
        (" 1 200 ", False, Decimal("1200.00")),
        (0, False, Decimal("0.00")),
        ("999999999999.99", False, Decimal("999999999999.99")),
        ("12.345", True, Decimal("12.34")),  # half-even: ...45 -> ...4
        ("12.355", True, Decimal("12.36")),
    ],
)
def test_parse_yuan_gives_an_amount_a_money_column_holds(value, round_to_cent, expected):
    assert parse_yuan(value, round_to_cent=round_to_cent) == expected


@pytest.mark.parametrize("value", ["-0.01", "1e12", "1000000000000", "12.345"])
def test_parse_yuan_refuses_negatives_ten_to_the_twelve_and_a_third_decimal(value):
    with pytest.raises(InvalidOperation):
        parse_yuan(value)


def test_parse_yuan_checks_the_range_after_rounding():
    assert parse_yuan("999999999999.994", round_to_cent=True) == Decimal("999999999999.99")
    with pytest.raises(InvalidOperation):
        parse_yuan("999999999999.995", round_to_cent=True)  # rounds to 10^12
    assert parse_yuan("-0.004", round_to_cent=True) == Decimal("0.00")
