"""Creating and editing orders, change requests, alerts, a deal becoming an order."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from opportunities.models import FunnelStage
from orders.models import Order, OrderChange, OrderEvent, OrderLine
from orders.services.credit import order_confirm
from orders.services.orders import (
    LineInput,
    order_alert_clear,
    order_alert_set,
    order_change_request,
    order_create,
    order_from_opportunity,
    order_update,
)
from tests.factories import CustomerFactory, OpportunityFactory

pytestmark = pytest.mark.django_db
D = Decimal


def test_a_draft_is_numbered_by_day_credited_to_the_owner_and_totalled(org, buyer, draft):
    first = draft(actor=org["manager1"])
    second = draft()
    assert (first.number, second.number) == ("SO20260302-0001", "SO20260302-0002")
    assert first.status == Order.Status.DRAFT
    assert (first.owner, first.created_by) == (org["rep1"], org["manager1"])
    assert (first.total, first.total_net, first.total_tax) == (
        D("11300.00"),
        D("10000.00"),
        D("1300.00"),
    )
    assert first.payment_terms_days == buyer.payment_terms_days
    assert list(first.events.values_list("kind", flat=True)) == [OrderEvent.Kind.CREATED]


def test_another_days_order_starts_its_own_sequence(draft):
    draft()
    assert draft(order_date=date(2026, 3, 3), delivery_date=date(2026, 4, 3)).number == (
        "SO20260303-0001"
    )


def test_an_order_for_someone_elses_customer_is_refused(org, draft):
    other = CustomerFactory(owner=org["rep3"])
    with pytest.raises(PermissionDenied):
        draft(customer=other)
    with pytest.raises(PermissionDenied):
        draft(actor=org["finance1"])
    assert Order.objects.count() == 0


def test_delivery_before_the_order_date_is_refused(draft):
    with pytest.raises(ValidationError) as refused:
        draft(delivery_date=date(2026, 3, 1))
    assert "delivery_date" in refused.value.message_dict
    assert Order.objects.count() == 0


def test_a_draft_is_edited_lines_and_all(org, draft, product):
    order = draft()
    order_update(
        actor=org["rep1"],
        order=order,
        delivery_date=date(2026, 5, 1),
        lines=[
            LineInput(product=product, quantity=D(2), discount=D("0.1")),
            LineInput(product=product, quantity=D(1), unit_price=D("100"), tax_rate=D("0.06")),
        ],
    )
    order.refresh_from_db()
    # 2 × 1,130 × 0.9 = 2,034.00 (net 1,800.00) + 100.00 (net 94.34)
    assert (order.total, order.total_net, order.total_tax) == (
        D("2134.00"),
        D("1894.34"),
        D("239.66"),
    )
    assert order.delivery_date == date(2026, 5, 1)
    assert OrderLine.objects.filter(order=order).count() == 2


@pytest.fixture
def confirmed(org, draft):
    order = draft()
    return order_confirm(actor=org["rep1"], order=order)


def test_a_confirmed_order_is_not_edited_but_changed_by_request(org, confirmed, product):
    with pytest.raises(ValidationError):
        order_update(actor=org["rep1"], order=confirmed, note="x")
    change = order_change_request(
        actor=org["rep1"],
        order=confirmed,
        reason="客户追加数量",
        delivery_date=date(2026, 4, 15),
        lines=[LineInput(product=product, quantity=D(12))],
    )
    confirmed.refresh_from_db()
    assert confirmed.total == D("13560.00")
    assert change.before == {
        "delivery_date": "2026-04-01",
        "lines": [
            {
                "product": "PUMP-100",
                "quantity": "10.000",
                "unit_price": "1130.00",
                "discount": "0.0000",
                "tax_rate": "0.1300",
                "amount": "11300.00",
            }
        ],
        "total": "11300.00",
    }
    assert change.after["delivery_date"] == "2026-04-15"
    assert change.after["lines"][0]["quantity"] == "12.000"
    assert change.after["total"] == "13560.00"
    assert confirmed.events.filter(kind=OrderEvent.Kind.CHANGE).get().note == "客户追加数量"


def test_a_change_request_needs_a_reason_and_a_change(org, confirmed):
    with pytest.raises(ValidationError) as refused:
        order_change_request(actor=org["rep1"], order=confirmed, reason=" ", note="x")
    assert "reason" in refused.value.message_dict
    with pytest.raises(ValidationError):
        order_change_request(actor=org["rep1"], order=confirmed, reason="无", note="")
    assert OrderChange.objects.count() == 0


def test_a_change_request_on_a_draft_is_refused(org, draft):
    with pytest.raises(ValidationError):
        order_change_request(actor=org["rep1"], order=draft(), reason="r", note="x")


def test_alerts_are_set_and_cleared_with_events(org, draft):
    order = draft()
    with pytest.raises(ValidationError):
        order_alert_set(actor=org["rep1"], order=order, level="red", reason="")
    order_alert_set(actor=org["rep1"], order=order, level="orange", reason="原材料缺货")
    order.refresh_from_db()
    assert (order.alert, order.alert_reason) == ("orange", "原材料缺货")
    order_alert_clear(actor=org["rep1"], order=order, reason="已到货")
    order.refresh_from_db()
    assert (order.alert, order.alert_reason) == ("", "")
    notes = list(order.events.filter(kind=OrderEvent.Kind.ALERT).values_list("note", flat=True))
    assert len(notes) == 2
    assert notes[0].endswith("原材料缺货")
    assert notes[1].endswith("已到货")


def test_a_committed_deal_becomes_a_draft_order_in_one_step(org, buyer):
    deal = OpportunityFactory(
        customer=buyer, stage=FunnelStage.objects.get(level=5), expected_close=date(2099, 1, 1)
    )
    order = order_from_opportunity(actor=org["rep1"], opportunity=deal)
    assert (order.status, order.customer, order.opportunity, order.owner) == (
        Order.Status.DRAFT,
        buyer,
        deal,
        org["rep1"],
    )
    assert order.delivery_date == date(2099, 1, 1)
    assert order.total == D("0.00")


def test_a_won_deal_becomes_an_order_too(org, buyer):
    deal = OpportunityFactory(customer=buyer, stage=FunnelStage.objects.get(level=6), status="won")
    assert order_from_opportunity(actor=org["rep1"], opportunity=deal).opportunity == deal


@pytest.mark.parametrize(("level", "status"), [(4, "open"), (3, "open")])
def test_a_deal_not_yet_committed_does_not_become_an_order(org, buyer, level, status, english):
    deal = OpportunityFactory(
        customer=buyer, stage=FunnelStage.objects.get(level=level), status=status
    )
    with pytest.raises(ValidationError) as refused:
        order_from_opportunity(actor=org["rep1"], opportunity=deal)
    assert f"level {level}" in refused.value.messages[0]
    assert Order.objects.count() == 0


def test_a_deal_outside_the_scope_does_not_become_an_order(org):
    deal = OpportunityFactory(
        customer=CustomerFactory(owner=org["rep3"]), stage=FunnelStage.objects.get(level=5)
    )
    with pytest.raises(PermissionDenied):
        order_from_opportunity(actor=org["rep1"], opportunity=deal)


def test_lines_whose_sum_no_order_can_hold_are_refused_not_a_500(org, buyer, product, draft):
    # each line fits (under ¥10^12), their sum does not
    big = [LineInput(product=product, quantity=D("9999999"), unit_price=D("99999"))] * 2
    with pytest.raises(ValidationError, match="lines"):
        order_create(
            actor=org["rep1"],
            customer=buyer,
            delivery_date=date(2026, 4, 1),
            order_date=date(2026, 3, 2),
            lines=big,
        )
    assert not Order.objects.exists()
    order = draft()
    with pytest.raises(ValidationError, match="lines"):
        order_update(actor=org["rep1"], order=order, lines=big)
    order.refresh_from_db()
    assert order.total == D("11300.00")


def test_contract_lines_whose_sum_no_contract_can_hold_are_refused(org):
    from orders.services.contracts import contract_draft
    from tests.orders.contract_helpers import LINE, buyer, our_entity

    our_entity()
    big = [{**LINE, "quantity": D("9999999"), "unit_price": D("99999")}] * 2
    with pytest.raises(ValidationError, match="lines"):
        contract_draft(actor=org["rep1"], customer=buyer(org), lines=big, delivery_address="北京")


def test_a_change_request_does_not_take_every_line_off_a_confirmed_order(org, confirmed):
    with pytest.raises(ValidationError) as refused:
        order_change_request(actor=org["rep1"], order=confirmed, reason="客户删减", lines=[])
    assert "lines" in refused.value.message_dict
    confirmed.refresh_from_db()
    assert (confirmed.total, confirmed.lines.count()) == (D("11300.00"), 1)
