"""Receivables fixtures: a customer of rep1 with a credit limit, and a helper to add invoices."""

from datetime import date
from decimal import Decimal

import pytest

from customers.services.customers import customer_create
from receivables.services import receivable_create


@pytest.fixture
def buyer(org):
    return customer_create(
        actor=org["manager1"],
        owner=org["rep1"],
        name="苏州恒通电子科技有限公司",
        credit_limit=Decimal("100000"),
        payment_terms_days=30,
    )


@pytest.fixture
def invoice(org, buyer):
    """invoice(number, due, amount, issued=None, kind="normal") -> Receivable of `buyer`."""

    def make(number, due, amount, *, issued=None, kind="normal", customer=None):
        return receivable_create(
            actor=org["finance1"],
            customer=customer or buyer,
            number=number,
            issue_date=issued or min(due, date(2026, 1, 1)),
            due_date=due,
            amount=Decimal(str(amount)),
            kind=kind,
        )

    return make
