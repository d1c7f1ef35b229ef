"""Money as read from people and files: yuan with two decimals, 0 <= amount < 10^12 (the money
columns hold 14 digits, 2 of them decimals). Every Excel import parses amounts here."""

from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

CENT = Decimal("0.01")
AMOUNT_LIMIT = Decimal("1e12")


def parse_yuan(value: Any, *, round_to_cent: bool = False) -> Decimal:
    """The amount in a cell or a typed text, thousands commas and spaces ignored: 1200,
    "1,200.5" and 1200.50 are fine; a negative, True, a date, "12 元", "inf" or 10^12 raise
    InvalidOperation. More than two decimals (12.345) are refused too, unless `round_to_cent`
    (then rounded half-even, as Decimal.quantize does)."""
    if isinstance(value, (bool, datetime, date, time)):
        raise InvalidOperation
    number = Decimal("".join(str(value).replace(",", "").split()))
    if not number.is_finite() or number < 0 or number >= AMOUNT_LIMIT:
        raise InvalidOperation
    if not round_to_cent and number != number.quantize(CENT):
        raise InvalidOperation
    return number.quantize(CENT)
