"""The order's status machine after confirmation, one service per step:
confirmed → in production → shipped → delivered → accepted → closed, or cancelled from draft,
confirmed or in production (with a reason). Only the next step is allowed; each step's date is
not in the future and not before the previous step's; each writes an OrderEvent. Delivery and
acceptance reach the contract's milestones (orders.services.milestones). Confirmation itself,
with its credit check, is orders.services.credit.order_confirm."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from orders.models import Contract, Order, OrderEvent
from orders.services import milestones
from orders.services.orders import check_day, event, lock, require_sales
from salesops.core.errors import ServiceError

S = Order.Status
CANCELLABLE = (S.DRAFT, S.CONFIRMED, S.IN_PRODUCTION)


def _step(order: Order, *, actor, expected: str, to: str, note: str = "") -> None:
    if order.status != expected:
        raise ServiceError(
            _(
                "Order %(number)s is %(status)s; only an order that is %(expected)s "
                "can become %(to)s."
            )
            % {
                "number": order.number,
                "status": order.get_status_display(),
                "expected": S(expected).label,
                "to": S(to).label,
            }
        )
    order.status = to
    event(order, OrderEvent.Kind.STATUS, actor=actor, from_status=expected, to_status=to, note=note)


@transaction.atomic
def order_start_production(*, actor, order: Order) -> Order:
    require_sales(actor)
    order = lock(order)
    _step(order, actor=actor, expected=S.CONFIRMED, to=S.IN_PRODUCTION)
    order.save(update_fields=["status"])
    return order


@transaction.atomic
def order_ship(*, actor, order: Order, on: date) -> Order:
    require_sales(actor)
    order = lock(order)
    confirmed = timezone.localdate(order.confirmed_at) if order.confirmed_at else None
    _step(order, actor=actor, expected=S.IN_PRODUCTION, to=S.SHIPPED)
    check_day(on, after=confirmed, field="on", after_label=_("the confirmation"))
    order.shipped_on = on
    order.save(update_fields=["status", "shipped_on"])
    return order


@transaction.atomic
def order_deliver(*, actor, order: Order, on: date) -> Order:
    require_sales(actor)
    order = lock(order)
    _step(order, actor=actor, expected=S.SHIPPED, to=S.DELIVERED)
    check_day(on, after=order.shipped_on, field="on", after_label=_("the shipment"))
    order.delivered_on = on
    order.save(update_fields=["status", "delivered_on"])
    milestones.milestones_reach(order=order, trigger="delivery", on=on, actor=actor)
    return order


@transaction.atomic
def order_accept(*, actor, order: Order, on: date) -> Order:
    require_sales(actor)
    order = lock(order)
    _step(order, actor=actor, expected=S.DELIVERED, to=S.ACCEPTED)
    check_day(on, after=order.delivered_on, field="on", after_label=_("the delivery"))
    order.accepted_on = on
    order.save(update_fields=["status", "accepted_on"])
    milestones.milestones_reach(order=order, trigger="acceptance", on=on, actor=actor)
    return order


@transaction.atomic
def order_close(*, actor, order: Order, now=None) -> Order:
    require_sales(actor)
    order = lock(order)
    _step(order, actor=actor, expected=S.ACCEPTED, to=S.CLOSED)
    order.closed_at = now or timezone.now()
    order.save(update_fields=["status", "closed_at"])
    return order


@transaction.atomic
def order_cancel(*, actor, order: Order, reason: str) -> Order:
    """Cancel a draft, confirmed or in-production order, with the reason; an order with
    receivables raised already is not cancelled here (finance voids those first), nor one whose
    contract is signed and not terminated (its milestones would still raise receivables)."""
    require_sales(actor)
    order = lock(order)
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Give the reason for cancelling."), field="reason")
    if order.status not in CANCELLABLE:
        raise ServiceError(
            _(
                "Order %(number)s is %(status)s; only a draft, confirmed or in-production "
                "order can be cancelled."
            )
            % {"number": order.number, "status": order.get_status_display()}
        )
    if order.invoiced > 0:
        raise ServiceError(
            _("Receivables were already raised for this order; it cannot be cancelled.")
        )
    if Contract.objects.filter(order=order, status__in=milestones.LIVE).exists():
        raise ServiceError(
            _(
                "Order %(number)s has a signed contract, which would go on raising its "
                "receivables; terminate the contract first."
            )
            % {"number": order.number}
        )
    _step(order, actor=actor, expected=order.status, to=S.CANCELLED, note=reason)
    order.cancel_reason = reason[:300]
    order.save(update_fields=["status", "cancel_reason"])
    return order
