"""Amounts in yuan as people type them and spreadsheets hold them, read one way everywhere."""

from datetime import date, time
from decimal import Decimal, InvalidOperation

CENT = Decimal("0.01")
# Money columns hold 14 digits, 2 of them decimals.
AMOUNT_LIMIT = Decimal("1e12")


def parse_yuan(value) -> Decimal:
    """The number in `value`, not rounded: thousands separators and spaces are dropped, so
    "1,200.50", " 1 200.5 " and 1200.5 all read. InvalidOperation for anything that is not a
    finite number: True, a date (a cell typed as a date), "12 元", "inf", ""."""
    if isinstance(value, (bool, date, time)):  # a datetime is a date
        raise InvalidOperation
    number = Decimal("".join(str(value).replace(",", "").split()))
    if not number.is_finite():
        raise InvalidOperation
    return number


def is_in_fen(amount: Decimal) -> bool:
    """Whether `amount` has at most two decimals (fen); more is refused, never rounded.
    InvalidOperation for a value too long to quantize (more than 28 digits, e.g. 1e30)."""
    return amount == amount.quantize(CENT)
