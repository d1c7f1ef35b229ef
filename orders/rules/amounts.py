"""Line amounts of orders and contracts, exactly in Decimal: prices include VAT (含税价), so the
amount with tax is computed first and the tax is what is left after taking the net out."""

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def line_amounts(
    quantity: Decimal, unit_price: Decimal, discount: Decimal, tax_rate: Decimal
) -> tuple[Decimal, Decimal, Decimal]:
    """(amount with tax, amount without tax, tax) of one line: amount = quantity × unit price ×
    (1 − discount) to the fen, half up; net = amount / (1 + rate) to the fen, half up; tax =
    amount − net, so the three always add up. 3 × 99.99 at 5% off and 13%: (284.97, 252.19,
    32.78)."""
    amount = (Decimal(quantity) * Decimal(unit_price) * (1 - Decimal(discount))).quantize(
        CENT, rounding=ROUND_HALF_UP
    )
    net = (amount / (1 + Decimal(tax_rate))).quantize(CENT, rounding=ROUND_HALF_UP)
    return amount, net, amount - net


def totals(
    lines: Iterable[tuple[Decimal, Decimal, Decimal]],
) -> tuple[Decimal, Decimal, Decimal]:
    """(total, net, tax) of lines given as line_amounts' triples: sums of the rounded lines, so
    the document's totals are the sums of what its lines print."""
    total = net = tax = Decimal("0.00")
    for amount, amount_net, amount_tax in lines:
        total, net, tax = total + amount, net + amount_net, tax + amount_tax
    return total, net, tax
