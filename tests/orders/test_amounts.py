"""Line and order amounts: half up to the fen, net = amount / (1 + rate), tax the rest."""

from decimal import Decimal

import pytest

from orders.rules.amounts import Amounts, line_amounts, order_totals, read_rate

D = Decimal


@pytest.mark.parametrize(
    ("quantity", "price", "discount", "rate", "amount", "net", "tax"),
    [
        ("10", "1130.00", "0", "0.13", "11300.00", "10000.00", "1300.00"),
        # 3 × 33.33 × 0.95 = 94.9905 → 94.99; 94.99 / 1.13 = 84.0619… → 84.06
        ("3", "33.33", "0.05", "0.13", "94.99", "84.06", "10.93"),
        # Half up at the fen: 1 × 0.125 = 0.125 → 0.13 (half-even would give 0.12)
        ("1", "0.125", "0", "0", "0.13", "0.13", "0.00"),
        # 0.005 exactly half: 2.005 / 1 → 2.01
        ("0.5", "4.01", "0", "0", "2.01", "2.01", "0.00"),
        # net rounds half up: 1.13 / 1.13 = 1.00; 100.01 / 1.09 = 91.752… → 91.75
        ("1", "100.01", "0", "0.09", "100.01", "91.75", "8.26"),
        # 6% service rate, fractional quantity: 2.5 × 99.99 = 249.975 → 249.98
        ("2.5", "99.99", "0", "0.06", "249.98", "235.83", "14.15"),
        ("1", "1000", "1", "0.13", "0.00", "0.00", "0.00"),
    ],
)
def test_line_amounts_are_exact_to_the_fen(quantity, price, discount, rate, amount, net, tax):
    figures = line_amounts(
        quantity=D(quantity), unit_price=D(price), discount=D(discount), tax_rate=D(rate)
    )
    assert figures == Amounts(amount=D(amount), net=D(net), tax=D(tax))
    assert figures.net + figures.tax == figures.amount


def test_order_totals_are_the_sums_of_the_rounded_lines():
    lines = [
        line_amounts(quantity=D(1), unit_price=D("0.10"), discount=D(0), tax_rate=D("0.13")),
        line_amounts(quantity=D(1), unit_price=D("0.10"), discount=D(0), tax_rate=D("0.13")),
        line_amounts(quantity=D(1), unit_price=D("0.10"), discount=D(0), tax_rate=D("0.13")),
    ]
    # Each line: 0.10 → net 0.09 (0.0885 half up), tax 0.01; the order never re-rounds 0.30/1.13.
    assert order_totals(lines) == Amounts(amount=D("0.30"), net=D("0.27"), tax=D("0.03"))
    assert order_totals([]) == Amounts(amount=D("0.00"), net=D("0.00"), tax=D("0.00"))


@pytest.mark.parametrize(
    ("given", "rate"),
    [
        ("13%", "0.13"),
        (0.13, "0.13"),
        ("0.13", "0.13"),
        ("13", "0.13"),
        (9, "0.09"),
        ("6 %", "0.06"),
        (0, "0"),
        ("0%", "0"),
        ("13％", "0.13"),
    ],
)
def test_tax_rate_reads_percent_and_fraction(given, rate):
    assert read_rate(given) == D(rate)


@pytest.mark.parametrize("given", ["-1%", "101%", "abc", "", True, "0.12345", "inf"])
def test_tax_rate_refuses_what_is_not_a_rate(given):
    with pytest.raises(ValueError, match="not a VAT rate"):
        read_rate(given)
