"""The rep weekly report (周报): what happened in a period (a week by default) in the viewer's
scope and the page's filters, each figure one grouped SQL query (docs/reports.md, "Rep weekly
report")."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Count, Q, Sum

from customers.models import FollowUp
from opportunities.models import StageChange
from orders.models import Order
from receivables.models import Payment
from reports.models import VisitReport, WorkPlan
from salesops.core.periods import local_days

if TYPE_CHECKING:
    from reports.selectors.scope import ReportRequest

ZERO = Decimal("0.00")
# Lists in the report stop here (the figures above them count everything).
LIST_LIMIT = 50
# Order states that are no new order: not yet confirmed, or called off.
NOT_AN_ORDER = ("draft", "cancelled")
MOVE_KINDS = ("created", "advanced", "moved_back", "lost", "reopened", "collected")


def _money(value) -> Decimal:
    return ZERO if value is None else Decimal(value).quantize(Decimal("0.01"))


def _on_days(field: str, start: date, end: date) -> Q:
    """A datetime field's local day (Asia/Shanghai) within start..end, as the aware half-open
    range [start 00:00, end + 1 00:00) so the column's index serves it."""
    since, before = local_days(start, end)
    return Q(**{f"{field}__gte": since, f"{field}__lt": before})


def followups_done(request: ReportRequest) -> dict:
    """Follow-ups that happened in the period: all, on-site visits, logged late (one query)."""
    p = request.period
    return request.scoped(
        FollowUp.objects.filter(_on_days("occurred_at", p.start, p.end))
    ).aggregate(
        done=Count("pk"),
        visits=Count("pk", filter=Q(channel=FollowUp.Channel.VISIT)),
        late=Count("pk", filter=Q(is_late=True)),
    )


def overdue_steps(request: ReportRequest) -> tuple[int, list[FollowUp]]:
    """Open next steps due before `as_of`: how many, and the oldest (LIST_LIMIT)."""
    qs = request.scoped(FollowUp.objects.open_next_steps().filter(next_step_due__lt=request.as_of))
    return qs.count(), list(
        qs.select_related("customer", "author").order_by("next_step_due", "pk")[:LIST_LIMIT]
    )


def funnel_moves(request: ReportRequest) -> tuple[dict[str, int], list[StageChange]]:
    """Stage changes in the period, counted by kind (every kind present, zeros too), and the
    moves themselves in time order (LIST_LIMIT)."""
    p = request.period
    qs = request.scoped(
        StageChange.objects.filter(_on_days("changed_at", p.start, p.end)),
        customer_path="opportunity__customer",
    )
    counts = qs.aggregate(
        **{kind: Count("pk", filter=Q(kind=kind)) for kind in MOVE_KINDS}, total=Count("pk")
    )
    moves = list(
        qs.select_related("opportunity__customer", "changed_by").order_by("changed_at", "pk")[
            :LIST_LIMIT
        ]
    )
    return counts, moves


def new_orders(request: ReportRequest) -> tuple[dict, list[Order]]:
    """Orders dated in the period, neither drafts nor cancelled: count and amount with tax,
    and the largest (LIST_LIMIT)."""
    p = request.period
    qs = request.scoped(
        Order.objects.filter(order_date__gte=p.start, order_date__lte=p.end).exclude(
            status__in=NOT_AN_ORDER
        )
    )
    figures = qs.aggregate(count=Count("pk"), amount=Sum("total"))
    figures["amount"] = _money(figures["amount"])
    largest = list(qs.select_related("customer", "owner").order_by("-total", "pk")[:LIST_LIMIT])
    return figures, largest


def collections(request: ReportRequest) -> dict:
    """Valid payments received in the period (count, amount) and what of them is allocated to
    receivables now: the payments' stored `allocated` (the services keep it equal to the
    payment's active allocations, zero once voided; an allocation pays only its payment's own
    customer), so no join of every allocation. One query."""
    p = request.period
    paid = request.scoped(
        Payment.objects.valid().filter(date__gte=p.start, date__lte=p.end)
    ).aggregate(count=Count("pk"), amount=Sum("amount"), allocated=Sum("allocated"))
    return {
        "count": paid["count"],
        "amount": _money(paid["amount"]),
        "allocated": _money(paid["allocated"]),
    }


def visit_issues(request: ReportRequest) -> list[VisitReport]:
    """The issues the visit reports of the period raised (LIST_LIMIT, in day order)."""
    p = request.period
    qs = request.scoped(VisitReport.objects.within(p.start, p.end).with_issues())
    return list(qs.select_related("customer", "owner").order_by("day", "pk")[:LIST_LIMIT])


def period_plans(request: ReportRequest) -> list[WorkPlan]:
    """The work plans (weekly and monthly) sharing a day with the period. With a region or
    tier chosen: plans targeting at least one such customer."""
    p = request.period
    base = WorkPlan.objects.overlapping(p.start, p.end)
    filtered = request.region is not None or bool(request.tier)
    qs = request.scoped(base, customer_path="customers")
    if filtered:
        qs = WorkPlan.objects.filter(pk__in=qs.values("pk"))
    return list(
        qs.select_related("owner")
        .prefetch_related("customers")
        .order_by("owner__username", "kind", "period_start")
    )


def weekly_build(request: ReportRequest) -> dict:
    """The weekly report's figures, as its body template's context."""
    overdue_count, overdue = overdue_steps(request)
    move_counts, moves = funnel_moves(request)
    order_figures, orders = new_orders(request)
    return {
        "followups": followups_done(request),
        "overdue_steps_count": overdue_count,
        "overdue_steps": overdue,
        "customers_overdue": request.customers().overdue(request.as_of).count(),
        "move_counts": move_counts,
        "moves": moves,
        "orders": order_figures,
        "order_list": orders,
        "collections": collections(request),
        "issues": visit_issues(request),
        "plans": period_plans(request),
    }
