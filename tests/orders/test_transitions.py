"""The status machine: only the next step, dates not in the future nor before the previous
step, an event each; delivery and acceptance reach the milestones."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from orders.models import Order, OrderEvent
from orders.services import milestones
from orders.services.credit import order_confirm
from orders.services.transitions import (
    order_accept,
    order_cancel,
    order_close,
    order_deliver,
    order_ship,
    order_start_production,
)

pytestmark = pytest.mark.django_db
S = Order.Status


@pytest.fixture
def reached(monkeypatch):
    calls = []
    monkeypatch.setattr(milestones, "milestones_reach", lambda **kwargs: calls.append(kwargs) or [])
    return calls


def test_an_order_walks_every_step_with_an_event_each(org, draft, reached):
    rep, today = org["rep1"], timezone.localdate()
    order = order_confirm(actor=rep, order=draft())
    order_start_production(actor=rep, order=order)
    order_ship(actor=rep, order=order, on=today)
    order_deliver(actor=rep, order=order, on=today)
    order_accept(actor=rep, order=order, on=today)
    order = order_close(actor=rep, order=order)
    assert order.status == S.CLOSED
    steps = list(
        order.events.filter(kind=OrderEvent.Kind.STATUS).values_list("from_status", "to_status")
    )
    assert steps == [
        (S.DRAFT, S.CONFIRMED),
        (S.CONFIRMED, S.IN_PRODUCTION),
        (S.IN_PRODUCTION, S.SHIPPED),
        (S.SHIPPED, S.DELIVERED),
        (S.DELIVERED, S.ACCEPTED),
        (S.ACCEPTED, S.CLOSED),
    ]
    assert [(c["trigger"], c["on"], c["order"].pk) for c in reached] == [
        ("delivery", today, order.pk),
        ("acceptance", today, order.pk),
    ]


def test_only_the_next_step_is_allowed(org, draft):
    order = order_confirm(actor=org["rep1"], order=draft())
    with pytest.raises(ValidationError):
        order_ship(actor=org["rep1"], order=order, on=timezone.localdate())
    with pytest.raises(ValidationError):
        order_close(actor=org["rep1"], order=order)
    order.refresh_from_db()
    assert (order.status, order.shipped_on) == (S.CONFIRMED, None)


def test_a_future_date_or_one_before_the_previous_step_is_refused(org, draft):
    rep, today = org["rep1"], timezone.localdate()
    order = order_start_production(actor=rep, order=order_confirm(actor=rep, order=draft()))
    with pytest.raises(ValidationError) as refused:
        order_ship(actor=rep, order=order, on=today + timedelta(days=1))
    assert "on" in refused.value.message_dict
    with pytest.raises(ValidationError):  # before the confirmation
        order_ship(actor=rep, order=order, on=today - timedelta(days=1))
    order_ship(actor=rep, order=order, on=today)
    with pytest.raises(ValidationError):
        order_deliver(actor=rep, order=order, on=today - timedelta(days=1))
    order.refresh_from_db()
    assert (order.status, order.delivered_on) == (S.SHIPPED, None)


def test_cancel_needs_a_reason_and_an_early_status(org, draft, reached):
    rep, today = org["rep1"], timezone.localdate()
    order = draft()
    with pytest.raises(ValidationError):
        order_cancel(actor=rep, order=order, reason=" ")
    order = order_cancel(actor=rep, order=order, reason="客户取消")
    assert (order.status, order.cancel_reason) == (S.CANCELLED, "客户取消")
    shipped = order_confirm(actor=rep, order=draft())
    order_start_production(actor=rep, order=shipped)
    order_ship(actor=rep, order=shipped, on=today)
    with pytest.raises(ValidationError):
        order_cancel(actor=rep, order=shipped, reason="太晚了")
    shipped.refresh_from_db()
    assert shipped.status == S.SHIPPED


def test_an_invoiced_order_is_not_cancelled(org, draft):
    order = order_confirm(actor=org["rep1"], order=draft())
    Order.objects.filter(pk=order.pk).update(invoiced=100)
    with pytest.raises(ValidationError):
        order_cancel(actor=org["rep1"], order=order, reason="r")
    order.refresh_from_db()
    assert order.status == S.CONFIRMED


def test_finance_does_not_move_orders(org, draft):
    from django.core.exceptions import PermissionDenied

    order = order_confirm(actor=org["rep1"], order=draft())
    with pytest.raises(PermissionDenied):
        order_start_production(actor=org["finance1"], order=order)
    order.refresh_from_db()
    assert order.status == S.CONFIRMED
