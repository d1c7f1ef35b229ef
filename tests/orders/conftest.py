"""Orders fixtures: products, a customer of rep1 with a credit limit, a draft order helper."""

from datetime import date
from decimal import Decimal

import pytest

from orders.models import Product
from orders.services.orders import LineInput, order_create
from tests.factories import CustomerFactory

D = Decimal


@pytest.fixture
def product(db):
    return Product.objects.create(
        sku="PUMP-100", name="离心泵", product_line="泵", list_price=D("1130.00"), cost=D("700")
    )


@pytest.fixture
def buyer(org):
    return CustomerFactory(name="订单测试客户", owner=org["rep1"], credit_limit=D("100000.00"))


@pytest.fixture
def draft(org, buyer, product):
    """A draft of rep1's: 10 × 1,130.00 = 11,300.00 with 13% VAT."""

    def make(quantity="10", price=None, customer=None, actor=None, **fields):
        return order_create(
            actor=actor or org["rep1"],
            customer=customer or buyer,
            order_date=fields.pop("order_date", date(2026, 3, 2)),
            delivery_date=fields.pop("delivery_date", date(2026, 4, 1)),
            lines=[LineInput(product=product, quantity=D(quantity), unit_price=price)],
            **fields,
        )

    return make
