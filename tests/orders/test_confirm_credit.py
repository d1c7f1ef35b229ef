"""Confirmation's credit check: each rule refuses with its figures and leaves a draft with a
"refused" event; a manager's exception lets it through once; nobody approves their own."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from customers.models import CustomerGroup
from orders.models import CreditException, Order, OrderEvent, OrderSettings
from orders.services.credit import credit_exception_approve, order_confirm
from receivables.services import receivable_create
from tests.factories import CustomerFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
D = Decimal


def refused(actor, order) -> str:
    with pytest.raises(ValidationError) as caught:
        order_confirm(actor=actor, order=order)
    order.refresh_from_db()
    assert order.status == Order.Status.DRAFT
    assert order.events.filter(kind=OrderEvent.Kind.REFUSED).count() >= 1
    return " ".join(caught.value.messages)


def owe(org, customer, amount, number="AR-1", due=date(2099, 1, 1)):
    return receivable_create(
        actor=org["finance1"],
        customer=customer,
        number=number,
        issue_date=date(2026, 1, 1),
        due_date=due,
        amount=D(amount),
    )


def test_exposure_over_the_limit_is_refused_with_the_figures(org, buyer, draft):
    owe(org, buyer, "70000.00")
    order_confirm(actor=org["rep1"], order=draft(quantity="20"))  # 22,600.00 committed
    assert refused(org["rep1"], draft()) == (
        "Confirmation refused: Exposure ¥103,900.00 (open receivables ¥70,000.00 + confirmed "
        "orders not yet invoiced ¥22,600.00 + this order ¥11,300.00) exceeds the credit limit "
        "¥100,000.00 by ¥3,900.00. A manager may approve an exception."
    )


def test_exposure_exactly_at_the_limit_confirms(org, buyer, draft):
    owe(org, buyer, "88700.00")
    assert order_confirm(actor=org["rep1"], order=draft()).status == Order.Status.CONFIRMED


def test_invoiced_part_of_a_committed_order_is_not_counted_twice(org, buyer, draft):
    first = order_confirm(actor=org["rep1"], order=draft(quantity="80"))  # 90,400.00
    Order.objects.filter(pk=first.pk).update(invoiced=D("90400.00"))
    # the receivables raised for it are counted instead
    owe(org, buyer, "88700.00")
    assert order_confirm(actor=org["rep1"], order=draft()).status == Order.Status.CONFIRMED


def test_the_part_of_this_order_its_signed_contract_raised_is_not_counted_twice(org, buyer, draft):
    # A draft of 11,300.00 whose contract was signed before the order is confirmed: the signing
    # milestone's receivable is open, so only the rest of the order is still uninvoiced.
    order = draft()
    owe(org, buyer, "88700.00")  # exposure exactly at the limit with the whole order
    Order.objects.filter(pk=order.pk).update(invoiced=D("3390.00"))
    owe(org, buyer, "3390.00", number="HT20260001-01")
    assert order_confirm(actor=org["rep1"], order=order).status == Order.Status.CONFIRMED


def test_no_credit_limit_means_no_credit(org, draft):
    cash_only = CustomerFactory(owner=org["rep1"], credit_limit=D("0"))
    message = refused(org["rep1"], draft(customer=cash_only))
    assert "exceeds the credit limit ¥0.00 by ¥11,300.00" in message


def test_credit_hold_refuses_and_no_exception_lifts_it(org, buyer, draft):
    buyer.credit_hold = True
    buyer.save()
    order = draft()
    assert "credit hold" in refused(org["rep1"], order)
    with pytest.raises(ValidationError):
        credit_exception_approve(actor=org["manager1"], order=order, reason="老客户")
    assert CreditException.objects.count() == 0


def test_d_rating_needs_prepayment_or_guarantee(org, buyer, draft):
    buyer.credit_rating = "D"
    buyer.save()
    assert "rated D" in refused(org["rep1"], draft())
    assert order_confirm(actor=org["rep1"], order=draft(prepayment=D("1000"))).status == (
        Order.Status.CONFIRMED
    )
    assert order_confirm(actor=org["rep1"], order=draft(guarantee="银行保函 BG-1")).status == (
        Order.Status.CONFIRMED
    )


def test_a_flagged_group_needs_a_manager(org, buyer, draft):
    group = CustomerGroup.objects.create(name="测试集团")
    sister = CustomerFactory(owner=org["rep2"], group=group)
    buyer.group = group
    buyer.save()
    owe(org, sister, "10.00", due=date(2026, 1, 15))  # overdue since January
    assert "group" in refused(org["rep1"], draft())


def test_every_failing_rule_is_listed_at_once(org, buyer, draft):
    buyer.credit_rating, buyer.credit_limit = "D", D("1000")
    buyer.save()
    message = refused(org["rep1"], draft())
    assert "rated D" in message
    assert "by ¥10,300.00" in message


def test_a_managers_exception_allows_one_confirmation(org, buyer, draft):
    buyer.credit_limit = D("10000")
    buyer.save()
    order = draft()
    refused(org["rep1"], order)
    exception = credit_exception_approve(actor=org["manager1"], order=order, reason="大客户")
    assert (exception.rules, exception.exposure, exception.credit_limit) == (
        ["limit"],
        D("11300.00"),
        D("10000.00"),
    )
    assert order.events.filter(kind=OrderEvent.Kind.CREDIT).count() == 1
    confirmed = order_confirm(actor=org["rep1"], order=order)
    assert confirmed.status == Order.Status.CONFIRMED
    exception.refresh_from_db()
    assert exception.used
    # Spent: the next order of the customer needs its own.
    refused(org["rep1"], draft(quantity="1"))


def test_an_exception_does_not_cover_a_larger_exposure_than_it_saw(org, buyer, draft):
    buyer.credit_limit = D("10000")
    buyer.save()
    order = draft()
    credit_exception_approve(actor=org["manager1"], order=order, reason="大客户")
    owe(org, buyer, "500.00")
    assert "by ¥1,800.00" in refused(org["rep1"], order)


def test_nobody_approves_their_own_order(org, draft):
    by_manager = draft(actor=org["manager1"])  # created by manager1 for rep1's customer
    with pytest.raises(PermissionDenied):
        credit_exception_approve(actor=org["manager1"], order=by_manager, reason="r")
    with pytest.raises(PermissionDenied):
        credit_exception_approve(actor=org["rep1"], order=draft(), reason="r")
    own = draft(
        customer=CustomerFactory(owner=org["manager1"], credit_limit=D("1")), actor=org["manager1"]
    )
    with pytest.raises(PermissionDenied):
        credit_exception_approve(actor=org["manager1"], order=own, reason="r")
    assert CreditException.objects.count() == 0


def test_an_exception_is_capped_by_the_settings_share(org, buyer, draft):
    settings = OrderSettings.load()
    settings.exception_cap_share = D("0.10")
    settings.save()
    buyer.credit_limit = D("10000")
    buyer.save()
    with pytest.raises(ValidationError) as caught:
        credit_exception_approve(actor=org["manager1"], order=draft(), reason="r")
    assert "at most ¥1,000.00; this one by ¥1,300.00" in caught.value.messages[0]
    assert credit_exception_approve(
        actor=org["manager1"], order=draft(quantity="9.5"), reason="r"
    ).exposure == D("10735.00")
