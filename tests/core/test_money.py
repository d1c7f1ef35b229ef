"""The yuan and percent template filters, and money shown with them outside templates."""

from datetime import date
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils.translation import override

from customers.models import Customer
from receivables.models import Payment, Receivable, WriteOff
from salesops.core.templatetags.money import percent, yuan


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (Decimal("1234567.8"), 2, "¥1,234,567.80"),
        (Decimal("1234567.8"), 0, "¥1,234,568"),
        (0, 2, "¥0.00"),
        (Decimal("-1500"), 2, "¥-1,500.00"),
        (None, 2, "—"),
        ("", 2, "—"),
    ],
)
def test_yuan(value, places, expected):
    assert yuan(value, places) == expected


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_yuan_groups_thousands_in_every_language(language):
    with override(language):
        html = Template("{% load money %}{{ v|yuan }}").render(Context({"v": Decimal("4169000")}))
    assert html == "¥4,169,000.00"


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (Decimal("0.0750"), 1, "7.5%"),
        (Decimal("2.6400"), 1, "264.0%"),
        (Decimal("0.11765"), 2, "11.77%"),  # half up, not half even
        (Decimal("0.9"), 0, "90%"),
        (Decimal("12.3456"), 1, "1,234.6%"),
        (None, 1, "—"),
        ("", 1, "—"),
        ("abc", 1, "abc"),
    ],
)
def test_percent(value, places, expected):
    assert percent(value, places) == expected


def test_money_records_name_their_amount_with_thousands_separators():
    payment = Payment(amount=Decimal("12345.6"), date=date(2026, 11, 20))
    payment.customer = Customer(name="恒通")
    assert str(payment) == "恒通 · 2026-11-20 · ¥12,345.60"
    write_off = WriteOff(amount=Decimal("1500"))
    write_off.receivable = Receivable(number="AR-1")
    assert str(write_off).endswith(" ¥1,500.00")
