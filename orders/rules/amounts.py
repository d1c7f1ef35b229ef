"""Line and order amounts (金额), exactly in Decimal: values in, figures out.

A line's price is with tax (含税单价), as Chinese price lists quote it. The line amount with tax
is quantity × unit price × (1 − discount), rounded half up to the fen once; the amount without
tax is that amount ÷ (1 + rate), rounded half up to the fen; the tax is the difference, so
net + tax is the amount exactly. An order's totals are the sums of its lines' (each line is
rounded on its own, as the invoice prints it; the order is never re-rounded).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Amounts:
    amount: Decimal  # with tax
    net: Decimal  # without tax
    tax: Decimal


def to_fen(value: Decimal) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def line_amounts(
    *, quantity: Decimal, unit_price: Decimal, discount: Decimal, tax_rate: Decimal
) -> Amounts:
    """One line's amount with tax, without tax and its tax, to the fen."""
    amount = to_fen(Decimal(quantity) * Decimal(unit_price) * (1 - Decimal(discount)))
    net = to_fen(amount / (1 + Decimal(tax_rate)))
    return Amounts(amount=amount, net=net, tax=amount - net)


# The largest amount a money column (14 digits, 2 decimals) holds.
MAX_AMOUNT = Decimal("999999999999.99")


def order_totals(lines: Iterable[Amounts]) -> Amounts:
    """The order's totals: the sums of its lines' figures."""
    amount = net = tax = ZERO
    for line in lines:
        amount += line.amount
        net += line.net
        tax += line.tax
    return Amounts(amount=amount, net=net, tax=tax)


def read_rate(value) -> Decimal:
    """A VAT rate as people write it: 13%, "13", 0.13 and "0.13" are all 0.13. Values above 1
    are read as percent. ValueError for anything else (negative, over 100%, not a number)."""
    if isinstance(value, bool):
        raise ValueError(f"not a VAT rate: {value!r}")
    text = str(value).strip().replace("％", "%")
    percent = text.endswith("%")
    try:
        number = Decimal(text.rstrip("%").strip())
    except ArithmeticError as exc:
        raise ValueError(f"not a VAT rate: {value!r}") from exc
    if not number.is_finite():
        raise ValueError(f"not a VAT rate: {value!r}")
    if percent or number > 1:
        number = number / 100
    if not 0 <= number <= 1 or number != number.quantize(Decimal("0.0001")):
        raise ValueError(f"not a VAT rate: {value!r}")
    return number.quantize(Decimal("0.0001"))
