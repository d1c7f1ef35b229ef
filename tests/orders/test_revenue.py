"""Trailing revenue per customer (orders/selectors/revenue.py, orders/rules/revenue.py): the
12-month window to the day, only accepted or closed orders, written to every customer by one
UPDATE (customers.services.tiers.trailing_revenue_set)."""

import itertools
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from customers.models import Customer
from customers.services.tiers import trailing_revenue_set
from orders.models import Order
from orders.rules.revenue import revenue_window
from orders.selectors.revenue import revenue_by_customer
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

ON = date(2026, 12, 31)
_numbers = itertools.count(1)


def order(customer, total, *, accepted_on=None, status=Order.Status.ACCEPTED):
    """An order of `total` (tax included) in `status`, accepted on `accepted_on`."""
    total = Decimal(total)
    return Order.objects.create(
        number=f"SO-T{next(_numbers):05d}",
        customer=customer,
        owner=customer.owner,
        created_by=customer.owner,
        status=status,
        order_date=date(2025, 1, 1),
        delivery_date=date(2025, 2, 1),
        total_net=total,
        total_tax=Decimal(0),
        total=total,
        accepted_on=accepted_on,
    )


def revenue():
    return {row["customer_id"]: row["revenue"] for row in revenue_by_customer(on=ON)}


@pytest.mark.parametrize(
    ("on", "first"),
    [
        (date(2026, 12, 31), date(2026, 1, 1)),  # the calendar year
        (date(2027, 3, 31), date(2026, 4, 1)),
        (date(2028, 2, 29), date(2027, 3, 1)),  # leap day: from the day after 2027-02-28
        (date(2029, 2, 28), date(2028, 2, 29)),  # a year after a leap day
    ],
)
def test_the_window_is_the_12_months_ending_with_the_day(on, first):
    assert revenue_window(on) == (first, on)


def test_an_order_accepted_exactly_12_months_before_is_out_the_day_after_in(org):
    customer = CustomerFactory(owner=org["rep1"])
    order(customer, "100.00", accepted_on=date(2025, 12, 31))  # out
    order(customer, "20.50", accepted_on=date(2026, 1, 1))  # in: the first day
    order(customer, "3.25", accepted_on=ON)  # in: the last day
    order(customer, "1000.00", accepted_on=date(2027, 1, 1))  # after the day: out

    assert revenue() == {customer.pk: Decimal("23.75")}


def test_only_accepted_and_closed_orders_count(org):
    customer = CustomerFactory(owner=org["rep1"])
    order(customer, "10.00", accepted_on=date(2026, 6, 1))
    order(customer, "5.00", accepted_on=date(2026, 6, 1), status=Order.Status.CLOSED)
    order(customer, "700.00", accepted_on=date(2026, 6, 1), status=Order.Status.CANCELLED)
    for status in ("draft", "confirmed", "production", "shipped", "delivered"):
        order(customer, "300.00", status=status)

    assert revenue() == {customer.pk: Decimal("15.00")}


def test_every_customer_gets_its_revenue_and_zero_without_any(org):
    with_orders = CustomerFactory(owner=org["rep1"])
    lapsed = CustomerFactory(owner=org["rep1"], trailing_revenue=Decimal("999.00"))
    untouched = CustomerFactory(owner=org["rep2"])
    order(with_orders, "1234567.89", accepted_on=date(2026, 3, 1))
    order(with_orders, "0.11", accepted_on=date(2026, 4, 1))
    order(lapsed, "50.00", accepted_on=date(2025, 3, 1))

    # one UPDATE, only the rows that change (the third customer already has 0)
    with CaptureQueriesContext(connection) as queries:
        changed = trailing_revenue_set(revenue=revenue_by_customer(on=ON))

    updates = [q for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    assert len(updates) == 1
    assert changed == 2
    assert dict(Customer.objects.values_list("pk", "trailing_revenue")) == {
        with_orders.pk: Decimal("1234568.00"),
        lapsed.pk: Decimal("0.00"),
        untouched.pk: Decimal("0.00"),
    }
    # and a second refresh changes nothing
    assert trailing_revenue_set(revenue=revenue_by_customer(on=ON)) == 0
