"""The manager monthly report (月报): sales against target per rep, month on month and year on
year, by region, product line and customer tier; new and churned customers; opportunity
conversion. A handful of grouped queries, never one per rep (docs/reports.md, "Manager monthly
report").

Sales (销售额) are the orders' revenue measure (docs/orders.md): the amount with tax (`total`) of
orders sold (accepted or closed) on the day of acceptance (`accepted_on`), credited to the order's
rep (`Order.owner`); per product line the lines' amounts with tax, which add up to the totals.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from django.db.models import Count, Max, Min, Q, Sum
from django.utils.translation import gettext as _

from customers.models import Customer
from customers.selectors import tier_labels
from opportunities.models import Opportunity, SalesTarget
from orders.models import Order, OrderLine
from salesops.core import charts
from salesops.core.localized import localized
from salesops.core.periods import local_days

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from reports.selectors.scope import ReportRequest
    from salesops.core.periods import ReportPeriod

ZERO = Decimal("0.00")
# Targets exist per month, quarter and year (SalesTarget.Period); a week or custom range has none.
TARGET_KINDS = {"month", "quarter", "year"}
# The new and churned customers listed by name (the counts count all).
NAMES_LIMIT = 20


def _money(value) -> Decimal:
    return ZERO if value is None else Decimal(value).quantize(Decimal("0.01"))


def ratio(part, whole) -> Decimal | None:
    """part ÷ whole as a fraction to four places (0.8512 is 85.12%); None without a whole."""
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), ROUND_HALF_UP)


def change(now: Decimal, before: Decimal) -> Decimal | None:
    """The relative change from `before` to `now` (0.25 is +25%); None when before is zero."""
    if not before:
        return None
    return ((now - before) / before).quantize(Decimal("0.0001"), ROUND_HALF_UP)


def year_back(day: date) -> date:
    if day.month == 2 and day.day == 29:
        return date(day.year - 1, 2, 28)
    return day.replace(year=day.year - 1)


@dataclass(frozen=True)
class Compared:
    """A figure in the period, the period before (MoM) and the same period a year earlier (YoY)."""

    label: str
    current: Decimal
    previous: Decimal
    year_ago: Decimal

    @property
    def mom(self) -> Decimal | None:
        return change(self.current, self.previous)

    @property
    def yoy(self) -> Decimal | None:
        return change(self.current, self.year_ago)


@dataclass(frozen=True)
class RepRow:
    rep: object
    target: Decimal | None
    actual: Decimal
    targets_apply: bool = True

    @property
    def achievement(self) -> Decimal | None:
        return ratio(self.actual, self.target) if self.targets_apply else None


def _within(field: str, period: ReportPeriod) -> Q:
    return Q(**{f"{field}__gte": period.start, f"{field}__lte": period.end})


def _three_sums(field: str, accepted: str, periods) -> dict:
    current, previous, year_ago = periods
    return {
        "current": Sum(field, filter=_within(accepted, current)),
        "previous": Sum(field, filter=_within(accepted, previous)),
        "year_ago": Sum(field, filter=_within(accepted, year_ago)),
    }


def _any_of(accepted: str, periods) -> Q:
    query = Q()
    for period in periods:
        query |= _within(accepted, period)
    return query


def credited(request: ReportRequest, queryset, *, order_path: str = "") -> QuerySet:
    """Orders (or their lines, `order_path="order"`) credited to the sellers the report covers:
    scoped by the ORDER's owner among request.reps() (the viewer's visible sellers after the rep
    and team filters), not by the customer's current owner, so that a rep's sales do not move
    when the customer is later reassigned or released to the pool. Region and tier still narrow
    by the order's customer."""
    prefix = f"{order_path}__" if order_path else ""
    sellers = request.reps().order_by().values("pk")
    return queryset.filter(
        Q(**{f"{prefix}owner__in": sellers}),
        request._customer_filter(f"{prefix}customer"),
    )


def _compared(rows, key: str, label=None) -> list[Compared]:
    return sorted(
        (
            Compared(
                label=label(row[key]) if label else (row[key] or "—"),
                current=_money(row["current"]),
                previous=_money(row["previous"]),
                year_ago=_money(row["year_ago"]),
            )
            for row in rows
        ),
        key=lambda c: (-c.current, -c.previous, str(c.label)),
    )


def sales_compared(request: ReportRequest) -> dict:
    """Sales in total and by region, product line and tier, each for the period, the one before
    and a year ago: four grouped queries."""
    periods = (request.period, request.period.previous(), request.period.year_ago())
    orders = credited(request, Order.objects.sold().filter(_any_of("accepted_on", periods)))
    sums = _three_sums("total", "accepted_on", periods)
    total = orders.aggregate(**sums)
    by_region = (
        orders.order_by().values(region=localized("customer__region__name")).annotate(**sums)
    )
    by_tier = orders.order_by().values("customer__tier").annotate(**sums)
    lines = credited(
        request,
        OrderLine.objects.filter(order__status__in=("accepted", "closed")).filter(
            _any_of("order__accepted_on", periods)
        ),
        order_path="order",
    )
    by_line = (
        lines.order_by()
        .values("product__product_line")
        .annotate(**_three_sums("amount", "order__accepted_on", periods))
    )
    return {
        "total": _compared([{**total, "label": _("All")}], "label")[0],
        "by_region": _compared(by_region, "region"),
        "by_product_line": _compared(by_line, "product__product_line"),
        # Tiers in their order (A first), named by their tier rules.
        "by_tier": sorted(
            _compared(by_tier, "customer__tier", label=tier_labels().get), key=lambda c: c.label
        ),
    }


def achievement_by_rep(request: ReportRequest, *, period: ReportPeriod) -> list[RepRow]:
    """Each covered rep's sales in the period against their sales target for it (the target
    whose kind and first day are the period's; none for a week or a custom range): three
    queries (the reps, their targets, their sales grouped by rep)."""
    reps = list(request.reps())
    targets = {}
    if period.kind in TARGET_KINDS:
        targets = dict(
            SalesTarget.objects.visible_to(request.user)
            .filter(owner__in=[r.pk for r in reps], period=period.kind, period_start=period.start)
            .values_list("owner", "sales_target")
        )
    actuals = dict(
        credited(request, Order.objects.accepted_within(period.start, period.end))
        .order_by()
        .values("owner")
        .annotate(amount=Sum("total"))
        .values_list("owner", "amount")
    )
    targets_apply = request.region is None and not request.tier
    return [
        RepRow(
            rep=rep,
            target=targets.get(rep.pk),
            actual=_money(actuals.get(rep.pk)),
            targets_apply=targets_apply,
        )
        for rep in reps
    ]


def customers_won_and_lost(request: ReportRequest, *, period: ReportPeriod) -> dict:
    """New customers: their first sold order ever was accepted in the period. Churned customers:
    their last sold order (accepted by the period's end) leaves the trailing 12 months during
    the period, so they had revenue in the 12 months before it started and none in the 12
    ending with its last day (the rule that makes a customer tier D)."""
    per_customer = (
        request.scoped(Order.objects.sold().filter(accepted_on__lte=period.end))
        .order_by()
        .values("customer")
        .annotate(first=Min("accepted_on"), last=Max("accepted_on"))
    )
    new = per_customer.filter(first__gte=period.start, first__lte=period.end)
    churned = per_customer.filter(
        last__gte=year_back(period.start), last__lte=year_back(period.end)
    )
    names = Customer.objects.order_by("name").values_list("name", flat=True)
    return {
        "new_count": new.count(),
        "new_names": list(names.filter(pk__in=new.values("customer"))[:NAMES_LIMIT]),
        "churned_count": churned.count(),
        "churned_names": list(names.filter(pk__in=churned.values("customer"))[:NAMES_LIMIT]),
    }


def conversion(request: ReportRequest, *, period: ReportPeriod) -> dict:
    """Deals opened, committed (first reached level 5), won and lost in the period; the win rate
    = won ÷ (won + lost) of the deals decided in it. One query."""
    since, before = local_days(period.start, period.end)

    def on_days(field: str) -> Q:
        # Aware half-open range [start 00:00, end + 1 00:00) Asia/Shanghai: index-friendly.
        return Q(**{f"{field}__gte": since, f"{field}__lt": before})

    figures = (
        request.scoped(Opportunity.objects.all())
        .filter(on_days("created_at") | on_days("committed_at") | on_days("closed_at"))
        .aggregate(
            created=Count("pk", filter=on_days("created_at")),
            committed=Count("pk", filter=on_days("committed_at")),
            won=Count("pk", filter=Q(status="won") & on_days("closed_at")),
            lost=Count("pk", filter=Q(status="lost") & on_days("closed_at")),
        )
    )
    figures["win_rate"] = ratio(figures["won"], figures["won"] + figures["lost"])
    return figures


def _charts(reps: list[RepRow], by_region: list[Compared], period: ReportPeriod) -> dict:
    return {
        "target_vs_actual": charts.bar(
            title=_("Target vs actual per rep"),
            labels=[str(row.rep) for row in reps],
            series=[
                charts.Series(_("Target"), [row.target for row in reps]),
                charts.Series(_("Actual"), [row.actual for row in reps]),
            ],
        ),
        "region": charts.bar(
            title=_("Sales by region"),
            labels=[str(row.label) for row in by_region],
            series=[
                charts.Series(period.label, [row.current for row in by_region]),
                charts.Series(_("Previous period"), [row.previous for row in by_region]),
                charts.Series(_("A year earlier"), [row.year_ago for row in by_region]),
            ],
        ),
    }


def monthly_build(request: ReportRequest) -> dict:
    """The monthly report's figures, as its body template's context."""
    period = request.period
    sales = sales_compared(request)
    reps = achievement_by_rep(request, period=period)
    has_targets = any(r.target is not None for r in reps)
    target_total = sum((row.target for row in reps if row.target is not None), ZERO)
    actual_total = sum((row.actual for row in reps), ZERO)
    # Targets are per rep, not per region or tier: with either filter no ratio is made up.
    targets_apply = request.region is None and not request.tier
    return {
        "sales": sales,
        "reps": reps,
        "target_total": target_total if has_targets else None,
        "actual_total": actual_total,
        "targets_apply": targets_apply,
        # Sum of the rows' actuals ÷ sum of the rows' targets: the rows add up to the total.
        "achievement": ratio(actual_total, target_total) if targets_apply else None,
        "customers": customers_won_and_lost(request, period=period),
        "conversion": conversion(request, period=period),
        "charts": _charts(reps, sales["by_region"], period),
        "previous_period": period.previous(),
        "year_ago_period": period.year_ago(),
    }
