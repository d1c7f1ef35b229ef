"""Reads of the funnel, always through visible_to: lists, the board, the dashboard, reviews."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Max, Q, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone

from opportunities import metrics
from opportunities.models import (
    ChecklistItem,
    FunnelStage,
    Opportunity,
    SalesTarget,
    StageChange,
)
from opportunities.querysets import OpportunityQuerySet
from salesops.core.localized import localized

ZERO = Decimal("0.00")


def opportunity_list(*, user):
    return Opportunity.objects.visible_to(user).select_related(
        "customer", "owner", "stage", "lost_reason"
    )


def opportunity_get(*, user, pk: int) -> Opportunity:
    return get_object_or_404(opportunity_list(user=user), pk=pk)


def stages() -> list[FunnelStage]:
    return list(FunnelStage.objects.all())


def checklist_by_level(opportunity: Opportunity) -> list[tuple[FunnelStage, list[tuple]]]:
    """[(stage, [(item, ticked), ...]), ...] for levels 1-5 (level 6 is set by collection)."""
    ticked = set(opportunity.ticks.values_list("item_id", flat=True))
    items = ChecklistItem.objects.filter(active=True, stage__level__lte=5).select_related("stage")
    grouped: dict[int, tuple[FunnelStage, list]] = {}
    for item in items:
        grouped.setdefault(item.stage.level, (item.stage, []))[1].append((item, item.pk in ticked))
    return [grouped[level] for level in sorted(grouped)]


@dataclass
class BoardColumn:
    """One level on the board: its cards and, for the column header, their count, amount
    and weighted amount (amount × the level's win probability; collected deals count whole)."""

    stage: FunnelStage
    deals: list[Opportunity] = field(default_factory=list)
    count: int = 0
    amount: Decimal = ZERO
    weighted: Decimal = ZERO


def board(*, user, owner=None) -> list[BoardColumn]:
    """Open deals by level 1-5, then those collected in the last 30 days (level 6)."""
    qs = opportunity_list(user=user)
    if owner is not None:
        qs = qs.filter(owner=owner)
    recent = timezone.now() - timedelta(days=30)
    qs = qs.filter(Q(status="open") | Q(status="won", closed_at__gte=recent))
    deals = list(qs.order_by("expected_close", "pk"))
    sums = {
        row["stage_id"]: row
        for row in qs.order_by().values("stage_id").annotate(n=Count("pk"), total=Sum("amount"))
    }
    columns = []
    for stage in stages():
        row = sums.get(stage.pk, {"n": 0, "total": ZERO})
        amount = row["total"] or ZERO
        columns.append(
            BoardColumn(
                stage=stage,
                deals=[d for d in deals if d.stage_id == stage.pk],
                count=row["n"],
                amount=amount,
                weighted=amount
                if stage.level == 6
                else metrics.weighted(amount, stage.win_probability),
            )
        )
    return columns


def period_bounds(period: str, as_of: date) -> tuple[date, date]:
    """First and last day of the month, quarter or year containing `as_of`."""
    if period == "month":
        start = as_of.replace(day=1)
        end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    elif period == "year":
        start, end = as_of.replace(month=1, day=1), as_of.replace(month=12, day=31)
    elif period != "quarter":
        # Not silently a quarter: the targets would be looked up for a period that has none.
        raise ValueError(f"unknown period: {period!r}")
    else:
        first_month = 3 * ((as_of.month - 1) // 3) + 1
        start = as_of.replace(month=first_month, day=1)
        end = (start + timedelta(days=95)).replace(day=1) - timedelta(days=1)
    return start, end


@dataclass
class LevelRow:
    stage: FunnelStage
    count: int = 0
    amount: Decimal = ZERO
    weighted: Decimal = ZERO
    conversion: metrics.Conversion | None = None
    avg_days: Decimal | None = None


@dataclass
class Funnel:
    levels: list[LevelRow]
    weighted_total: Decimal
    open_count: int
    open_amount: Decimal
    period: str
    period_start: date
    period_end: date
    target: Decimal
    achieved: Decimal
    pipeline_for_target: Decimal
    v_value: Decimal | None
    coverage: Decimal | None
    won_count: int
    lost_count: int
    lost_by_reason: list[dict] = field(default_factory=list)
    lost_by_competitor: list[dict] = field(default_factory=list)

    @property
    def win_rate(self) -> Decimal | None:
        decided = self.won_count + self.lost_count
        return (Decimal(self.won_count) / decided).quantize(Decimal("0.0001")) if decided else None


def funnel(
    *, user, owners_qs=None, as_of: date, period: str = "quarter", target_owners=None
) -> Funnel:
    """The funnel dashboard for the deals `user` may see, optionally narrowed (owners_qs
    filters the opportunity queryset). A fixed number of queries whatever the row count.

    The target is the sum of the period's sales targets of the people in `user`'s scope, also
    of those who have no deal yet; narrowed, of the owners of the narrowed deals, unless
    `target_owners` (users) names whose targets count."""
    qs = Opportunity.objects.visible_to(user)
    if owners_qs is not None:
        qs = owners_qs(qs)
    all_stages = stages()
    rows = {stage.level: LevelRow(stage=stage) for stage in all_stages}
    probability = {stage.level: stage.win_probability for stage in all_stages}

    for row in (
        qs.filter(status="open").values("stage__level").annotate(n=Count("pk"), total=Sum("amount"))
    ):
        level_row = rows[row["stage__level"]]
        level_row.count, level_row.amount = row["n"], row["total"] or ZERO
        level_row.weighted = metrics.weighted(level_row.amount, probability[level_row.stage.level])
    won = qs.filter(status="won").aggregate(n=Count("pk"), total=Sum("amount"))
    rows[6].count, rows[6].amount = won["n"], won["total"] or ZERO
    rows[6].weighted = rows[6].amount

    history = list(
        StageChange.objects.filter(opportunity__in=qs)
        .exclude(kind__in=[StageChange.Kind.LOST, StageChange.Kind.REOPENED])
        .order_by("opportunity_id", "changed_at", "pk")
        .values_list("opportunity_id", "to_level", "changed_at")
    )
    highest: dict[int, int] = {}
    for opportunity_id, level, _when in history:
        highest[opportunity_id] = max(level, highest.get(opportunity_id, 0))
    levels = [stage.level for stage in all_stages]
    for conversion in metrics.stage_conversion(highest.values(), levels=levels):
        rows[conversion.level].conversion = conversion
    for level, days in metrics.days_per_stage(history).items():
        if level in rows:
            rows[level].avg_days = days

    start, end = period_bounds(period, as_of)
    targets = SalesTarget.objects.visible_to(user).filter(period=period, period_start=start)
    if target_owners is not None:
        targets = targets.filter(owner__in=target_owners)
    elif owners_qs is not None:
        targets = targets.filter(owner__in=qs.values("owner"))
    target = targets.aggregate(total=Sum("sales_target"))["total"] or ZERO
    # Achieved: deals still committed (level 5 or collected) whose commitment fell in the period;
    # a deal moved back below level 5 counts in the pipeline instead, never in both.
    achieved = (
        qs.exclude(status="lost")
        .filter(stage__level__gte=5)
        .filter(committed_at__date__gte=start, committed_at__date__lte=end)
        .aggregate(total=Sum("amount"))["total"]
        or ZERO
    )
    pipeline_rows = qs.filter(
        status="open", stage__level__lt=5, expected_close__lte=end
    ).values_list("amount", "stage__win_probability")
    pipeline = metrics.weighted_pipeline(pipeline_rows)
    lost = qs.filter(status="lost")
    open_rows = [rows[level] for level in levels if level < 6]
    return Funnel(
        levels=[rows[level] for level in levels],
        weighted_total=sum((r.weighted for r in open_rows), ZERO),
        open_count=sum(r.count for r in open_rows),
        open_amount=sum((r.amount for r in open_rows), ZERO),
        period=period,
        period_start=start,
        period_end=end,
        target=target,
        achieved=achieved,
        pipeline_for_target=pipeline,
        v_value=metrics.v_value(pipeline=pipeline, target=target, achieved=achieved),
        coverage=(
            ((achieved + pipeline) / target).quantize(Decimal("0.0001"), ROUND_HALF_UP)
            if target else None
        ),
        won_count=qs.filter(stage__level__gte=5).exclude(status="lost").count(),
        lost_count=lost.count(),
        lost_by_reason=list(
            lost.values(reason=localized("lost_reason__name"))
            .annotate(n=Count("pk"), total=Sum("amount"))
            .order_by("-n", "lost_reason__sort_order", "lost_reason__name")
        ),
        lost_by_competitor=list(
            lost.exclude(competitor="").values("competitor")
            .annotate(n=Count("pk"), total=Sum("amount")).order_by("-n", "competitor")
        ),
    )  # fmt: skip


def timeline(*, opportunity: Opportunity) -> list[tuple]:
    """Stage changes and follow-ups about the deal, newest first, as (when, kind, object)."""
    changes = opportunity.stage_changes.select_related("changed_by")
    followups = opportunity.followups.select_related("author", "contact")
    items = [(c.changed_at, "stage", c) for c in changes]
    items += [(f.occurred_at, "followup", f) for f in followups]
    return sorted(items, key=lambda item: item[0], reverse=True)


def review(*, user, rep, as_of: date) -> dict:
    """One-to-one business review (业务回顾): one rep's deals only."""
    deals = opportunity_list(user=user).filter(owner=rep)
    last_quarter = as_of - timedelta(days=90)
    # Closed in the 90 days up to as_of: a review of a past date must not show later results.
    closed = {"closed_at__date__gte": last_quarter, "closed_at__date__lte": as_of}
    return {
        "open": list(deals.filter(status="open").order_by("-stage__level", "expected_close")),
        "won": list(deals.filter(status="won", **closed)),
        "lost": list(deals.filter(status="lost", **closed)),
        "stalled": list(
            deals.filter(status="open", stage_entered_at__date__lt=as_of - timedelta(days=30))
        ),
        "funnel": funnel(
            user=user,
            owners_qs=lambda qs: qs.filter(owner=rep),
            target_owners=[rep],  # the rep's target counts even before their first deal
            as_of=as_of,
        ),
        "last_activity": deals.aggregate(last=Max("followups__occurred_at"))["last"],
    }


def customer_open_deals(*, customer) -> OpportunityQuerySet:
    """The open deals of a customer the caller already fetched within the user's scope (a deal is
    visible to whoever sees its customer): what a follow-up may be about."""
    return Opportunity.objects.filter(customer=customer).open()
