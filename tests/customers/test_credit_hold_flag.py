"""The credit-hold flag on customers, written only by customers/services/credit.py (receivables
decides when and records each hold and release itself)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from customers.models import Customer
from customers.services.credit import customer_credit_hold_clear, customer_credit_hold_set
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db
AT = datetime(2026, 11, 23, 2, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_the_hold_is_set_for_the_customers_not_yet_on_hold_with_a_history_row_each():
    # given one customer already on hold since earlier and two that are not
    held_before = CustomerFactory(credit_hold=True, credit_hold_reason="旧原因")
    first, second = CustomerFactory(), CustomerFactory()
    # when the hold is set for all three
    held = customer_credit_hold_set(
        reasons={
            held_before.pk: "新原因",
            first.pk: "AR-1 逾期 95 天",
            second.pk: "AR-2 逾期 91 天",
        },
        at=AT,
    )
    # then the two are on hold from AT with their reasons; the earlier hold is left as it was
    assert [c.pk for c in held] == sorted([first.pk, second.pk])
    rows = Customer.objects.filter(credit_hold=True).order_by("pk")
    assert list(rows.values_list("pk", "credit_hold_since", "credit_hold_reason")) == [
        (held_before.pk, None, "旧原因"),
        (first.pk, AT, "AR-1 逾期 95 天"),
        (second.pk, AT, "AR-2 逾期 91 天"),
    ]
    change = first.history.order_by("-history_id").first()
    assert (change.history_type, change.history_date, change.credit_hold_reason) == (
        "~",
        AT,
        "AR-1 逾期 95 天",
    )
    assert held_before.history.count() == 1  # only its creation


def test_clearing_takes_the_customer_off_hold_and_refuses_nothing_twice():
    customer = CustomerFactory(credit_hold=True, credit_hold_since=AT, credit_hold_reason="逾期")
    cleared = customer_credit_hold_clear(customer=customer)
    assert (cleared.credit_hold, cleared.credit_hold_since, cleared.credit_hold_reason) == (
        False,
        None,
        "",
    )
    assert customer_credit_hold_clear(customer=customer) is None
    assert customer.history.count() == 2
