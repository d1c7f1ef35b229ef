"""Amounts in yuan as people type them and spreadsheets hold them, read one way everywhere: the
pages, the services and every Excel import parse money here."""

from datetime import date, time
from decimal import Decimal, InvalidOperation
from typing import Any

CENT = Decimal("0.01")
# Money columns hold 14 digits, 2 of them decimals.
AMOUNT_LIMIT = Decimal("1e12")


def read_yuan(value: Any) -> Decimal:
    """The number in `value`, not rounded: thousands separators and spaces are dropped, so
    "1,200.50", " 1 200.5 " and 1200.5 all read. InvalidOperation for anything that is not a
    finite number: True, a date (a cell typed as a date), "12 元", "inf", "". The caller decides
    what range and precision it accepts, so it can say which rule was broken."""
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


def parse_yuan(value: Any, *, round_to_cent: bool = False) -> Decimal:
    """An amount a money column can hold: read_yuan, then 0 <= amount < 10^12 with at most two
    decimals (or rounded half-even to the fen when `round_to_cent`); InvalidOperation otherwise."""
    number = read_yuan(value)
    if not round_to_cent and not is_in_fen(number):
        raise InvalidOperation
    # Rounded before the range check: 999999999999.995 rounds to 10^12, which no column holds.
    number = number.quantize(CENT)
    if number < 0 or number >= AMOUNT_LIMIT:
        raise InvalidOperation
    return number


def from_fen(fen: int | None) -> Decimal:
    """An amount in fen (a bigint column or a SUM over one) as yuan with two decimals; None (the
    SUM of no rows) is zero."""
    return Decimal(int(fen or 0)).scaleb(-2)
