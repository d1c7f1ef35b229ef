"""On-time delivery rate per rep: delivered by the promised date among orders delivered in the
period, aggregated in SQL, scoped by visible_to."""

from datetime import date
from decimal import Decimal

import pytest

from orders.models import Order
from orders.rules.delivery import on_time_rate
from orders.selectors.orders import on_time_rates
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("on_time", "delivered", "rate"),
    [
        (2, 3, Decimal("66.7")),
        (1, 8, Decimal("12.5")),
        (0, 4, Decimal("0.0")),
        (5, 5, Decimal("100.0")),
        (0, 0, None),
    ],
)
def test_rate_rounds_half_up_to_one_decimal(on_time, delivered, rate):
    assert on_time_rate(on_time=on_time, delivered=delivered) == rate


def test_rates_per_rep_in_the_period(org, draft):
    def delivered(rep, promised, on, status=Order.Status.DELIVERED):
        order = draft(customer=CustomerFactory(owner=org[rep]), actor=org["admin"])
        Order.objects.filter(pk=order.pk).update(
            status=status, delivery_date=promised, delivered_on=on
        )

    delivered("rep1", date(2026, 4, 1), date(2026, 4, 1))  # on the day: on time
    delivered("rep1", date(2026, 4, 1), date(2026, 4, 2), Order.Status.ACCEPTED)  # late
    delivered("rep1", date(2026, 5, 1), date(2026, 4, 20), Order.Status.CLOSED)  # early
    delivered("rep1", date(2026, 5, 1), date(2026, 7, 1))  # outside the period
    delivered("rep2", date(2026, 4, 1), date(2026, 4, 30))  # late
    delivered("rep3", date(2026, 4, 1), date(2026, 4, 1))  # another team
    draft()  # a draft is never delivered
    rows = on_time_rates(user=org["manager1"], start=date(2026, 4, 1), end=date(2026, 6, 30))
    assert [(r.owner, r.delivered, r.on_time, r.rate) for r in rows] == [
        ("rep1", 3, 2, Decimal("66.7")),
        ("rep2", 1, 0, Decimal("0.0")),
    ]
    assert [
        r.owner
        for r in on_time_rates(user=org["rep1"], start=date(2026, 1, 1), end=date(2026, 12, 31))
    ] == ["rep1"]
