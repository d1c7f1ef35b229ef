"""Orders as the pages, exports and PDFs read them; every read starts from visible_to(user)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from orders.models import CreditException, Order, OrderChange, OrderEvent, OrderLine, Product
from orders.rules.delivery import on_time_rate
from salesops.accounts.models import User
from salesops.accounts.roles import Role

# Delivered at some point: delivered, accepted or closed.
DELIVERED = (Order.Status.DELIVERED, Order.Status.ACCEPTED, Order.Status.CLOSED)


def order_list(
    *,
    user,
    status: str = "",
    alert: str = "",
    owner: User | None = None,
    search: str = "",
    customer=None,
    opportunity=None,
) -> QuerySet[Order]:
    orders = Order.objects.visible_to(user).select_related("customer", "owner")
    if status:
        orders = orders.filter(status=status)
    if alert == "any":
        orders = orders.exclude(alert="")
    elif alert:
        orders = orders.filter(alert=alert)
    if owner is not None:
        orders = orders.filter(owner=owner)
    if customer is not None:
        orders = orders.filter(customer=customer)
    if opportunity is not None:
        orders = orders.filter(opportunity=opportunity)
    if search.strip():
        orders = orders.search(search.strip())
    return orders.order_by("-order_date", "-id")


def order_owners(*, user) -> QuerySet[User]:
    """The reps and managers the list may be narrowed to: those `user` may see."""
    return (
        User.objects.visible_to(user)
        .filter(groups__name__in=[Role.REP, Role.MANAGER])
        .distinct()
        .order_by("username")
    )


def order_get(*, user, pk: int) -> Order:
    """The order with its lines and credit exceptions if `user` may see it, else Http404."""
    lines = OrderLine.objects.select_related("product").order_by("position", "pk")
    exceptions = CreditException.objects.select_related("approved_by")
    return get_object_or_404(
        Order.objects.visible_to(user)
        .select_related("customer", "owner", "created_by", "opportunity")
        .prefetch_related(
            Prefetch("lines", queryset=lines), Prefetch("credit_exceptions", queryset=exceptions)
        ),
        pk=pk,
    )


@dataclass(frozen=True)
class TimelineEntry:
    at: object
    event: OrderEvent | None = None
    change: OrderChange | None = None


def order_timeline(*, order: Order) -> list[TimelineEntry]:
    """Events and change requests, oldest first; two queries whatever their number."""
    entries = [
        TimelineEntry(at=e.at, event=e)
        for e in OrderEvent.objects.filter(order=order).select_related("actor")
    ]
    entries += [
        TimelineEntry(at=c.at, change=c)
        for c in OrderChange.objects.filter(order=order).select_related("actor")
    ]
    return sorted(entries, key=lambda entry: (entry.at, entry.change is not None))


def orders_latest(*, user, limit: int = 5, **filters) -> list[Order]:
    """The latest orders of a customer or an opportunity, for their pages."""
    return list(order_list(user=user, **filters)[:limit])


def products_for_orders() -> QuerySet[Product]:
    return Product.objects.filter(active=True).order_by("sku")


@dataclass(frozen=True)
class OnTimeRow:
    owner_id: int
    owner: str
    delivered: int
    on_time: int

    @property
    def rate(self) -> Decimal | None:
        return on_time_rate(on_time=self.on_time, delivered=self.delivered)


def on_time_rates(*, user, start: date, end: date) -> list[OnTimeRow]:
    """Per rep credited with the orders (Order.owner): orders delivered between `start` and
    `end` (inclusive) and how many of them by the promised delivery date; one grouped query."""
    rows = (
        Order.objects.visible_to(user)
        .filter(status__in=DELIVERED, delivered_on__gte=start, delivered_on__lte=end)
        .values("owner_id", "owner__username")
        .annotate(
            delivered=Count("pk"),
            on_time=Count("pk", filter=Q(delivered_on__lte=F("delivery_date"))),
        )
        .order_by("owner__username")
    )
    return [
        OnTimeRow(
            owner_id=row["owner_id"],
            owner=row["owner__username"],
            delivered=row["delivered"],
            on_time=row["on_time"],
        )
        for row in rows
    ]
