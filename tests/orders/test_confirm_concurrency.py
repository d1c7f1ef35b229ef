"""Two confirmations for one customer at once cannot both pass on the same headroom: the
customer row lock makes the second read the exposure after the first committed."""

import time
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import translation

from customers.services.customers import customer_create
from orders.models import Order, OrderEvent, Product
from orders.selectors import credit as credit_selectors
from orders.services import credit as credit_services
from orders.services.credit import order_confirm
from orders.services.orders import LineInput, order_create
from tests.threads import run_together

pytestmark = pytest.mark.django_db(transaction=True)
D = Decimal


def test_two_confirmations_at_once_share_the_headroom_once(org, monkeypatch):
    if connection.vendor != "postgresql":
        from tests.conftest import service_missing

        service_missing("concurrency tests need PostgreSQL row locks (set DATABASE_URL)")
    # Given a limit of 15,000.00 and two drafts of 11,300.00 each
    buyer = customer_create(actor=org["manager1"], owner=org["rep1"], name="并发确认客户")
    buyer.credit_limit = D("15000.00")
    buyer.save()
    pump = Product.objects.create(sku="P-1", name="泵", list_price=D("1130.00"))
    drafts = [
        order_create(
            actor=org["rep1"],
            customer=buyer,
            delivery_date=date(2026, 4, 1),
            order_date=date(2026, 3, 2),
            lines=[LineInput(product=pump, quantity=D(10))],
        )
        for _ in range(2)
    ]

    # Each confirmation dawdles after reading the exposure, so without the customer lock both
    # would read it before either committed (and both would pass).
    def slow_check(**kwargs):
        check = credit_selectors.order_credit_check(**kwargs)
        time.sleep(0.5)
        return check

    monkeypatch.setattr(credit_services, "order_credit_check", slow_check)

    def confirm(index):
        with translation.override("en"):
            return order_confirm(actor=org["rep1"], order=drafts[index])

    # When both are confirmed at the same instant
    results, errors = run_together(2, confirm)
    # Then exactly one is confirmed, the other refused with the exposure it saw
    assert len(results) == 1
    assert len(errors) == 1
    assert isinstance(errors[0], ValidationError)
    assert errors[0].messages[0] == (
        "Confirmation refused: Exposure ¥22,600.00 (open receivables ¥0.00 + confirmed orders "
        "not yet invoiced ¥11,300.00 + this order ¥11,300.00) exceeds the credit limit "
        "¥15,000.00 by ¥7,600.00. A manager may approve an exception."
    )
    statuses = sorted(Order.objects.values_list("status", flat=True))
    assert statuses == [Order.Status.CONFIRMED, Order.Status.DRAFT]
    assert OrderEvent.objects.filter(kind=OrderEvent.Kind.REFUSED).count() == 1
