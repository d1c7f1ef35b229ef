"""Reads of the funnel dashboard and the one-to-one review, always through visible_to; and the
choices the dashboard's filters offer."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, DecimalField, ExpressionWrapper, F, Max, Q, QuerySet, Sum, Value
from django.db.models.functions import Round

from opportunities.models import (
    COLLECTED_LEVEL,
    COMMITTED_LEVEL,
    LEVELS,
    FunnelStage,
    Opportunity,
    SalesTarget,
)
from opportunities.rules import metrics
from opportunities.rules.periods import period_bounds
from opportunities.selectors.deals import opportunity_list, stages
from salesops.accounts.access import owner_scope
from salesops.accounts.models import Team, User
from salesops.core.localized import localized
from salesops.core.models import Region

ZERO = Decimal("0.00")


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
    filters the opportunity queryset). Five queries whatever the row count: the stages, one pass
    over the deals grouped by level (counts, amounts, commitments, pipeline and the stage
    history's summary), the target, and the two loss breakdowns.

    The target is the sum of the period's sales targets of the people in `user`'s scope, also
    of those who have no deal yet; narrowed, of the owners of the narrowed deals, unless
    `target_owners` (users) names whose targets count."""
    qs = Opportunity.objects.visible_to(user)
    if owners_qs is not None:
        qs = owners_qs(qs)
    all_stages = stages()
    levels = [stage.level for stage in all_stages]
    rows = {stage.level: LevelRow(stage=stage) for stage in all_stages}
    start, end = period_bounds(period, as_of)

    figures = deal_figures(qs, start=start, end=end)
    for level, row in figures.items():
        if level in rows and level != COLLECTED_LEVEL:
            level_row = rows[level]
            level_row.count, level_row.amount = row["open_n"], row["open_amount"] or ZERO
            level_row.weighted = metrics.weighted(level_row.amount, level_row.stage.win_probability)
    collected = rows[COLLECTED_LEVEL]
    collected.count = sum(row["won_n"] for row in figures.values())
    collected.amount = sum((row["won_amount"] or ZERO for row in figures.values()), ZERO)
    collected.weighted = collected.amount

    # The stage history, from each deal's summary of it (Opportunity.highest_level, stays_N).
    def total(name: str) -> int:
        return sum(row[name] or 0 for row in figures.values())

    highest = {level: total(f"highest_{level}") for level in LEVELS}
    for conversion in metrics.conversion_from_counts(highest, levels=levels):
        rows[conversion.level].conversion = conversion
    for level in LEVELS:
        stays = total(f"stays_{level}")
        if stays and level in rows:
            rows[level].avg_days = metrics.average_days(total(f"stay_seconds_{level}"), stays)

    targets = SalesTarget.objects.visible_to(user).filter(period=period, period_start=start)
    if target_owners is not None:
        targets = targets.filter(owner__in=target_owners)
    elif owners_qs is not None:
        targets = targets.filter(owner__in=qs.values("owner"))
    target = targets.aggregate(total=Sum("sales_target"))["total"] or ZERO
    achieved = sum((row["achieved"] or ZERO for row in figures.values()), ZERO)
    pipeline = sum((row["pipeline"] or ZERO for row in figures.values()), ZERO)
    lost = qs.lost()
    open_rows = [rows[level] for level in levels if level < COLLECTED_LEVEL]
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
        won_count=sum(row["committed_n"] for row in figures.values()),
        lost_count=sum(row["lost_n"] for row in figures.values()),
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


def deal_figures(qs: QuerySet[Opportunity], *, start: date, end: date) -> dict[int, dict]:
    """One pass over the deals, grouped by level: {level: {open_n, open_amount, won_n,
    won_amount, committed_n, lost_n, achieved, pipeline, highest_N, stays_N, stay_seconds_N}}.

    committed_n: not lost and at level 5 or above (the dashboard's "won"). achieved: of those,
    the amount committed (committed_at, local date) within start..end; a deal moved back below
    level 5 counts in the pipeline instead, never in both. pipeline: open deals below level 5
    expected to close by `end`, each weighted and rounded to the fen before the sum (as
    metrics.weighted_pipeline does)."""
    is_open, not_lost = Q(status=Opportunity.Status.OPEN), ~Q(status=Opportunity.Status.LOST)
    committed = not_lost & Q(stage__level__gte=COMMITTED_LEVEL)
    weighted = Round(
        ExpressionWrapper(
            # × 0.01, not / 100: SQLite stores whole amounts as integers and would divide
            # them as integers.
            F("amount") * F("stage__win_probability") * Value(Decimal("0.01")),
            output_field=DecimalField(),
        ),
        2,
    )
    grouped = (
        qs.order_by()
        .values(level=F("stage__level"))
        .annotate(
            open_n=Count("pk", filter=is_open),
            open_amount=Sum("amount", filter=is_open),
            won_n=Count("pk", filter=Q(status=Opportunity.Status.WON)),
            won_amount=Sum("amount", filter=Q(status=Opportunity.Status.WON)),
            committed_n=Count("pk", filter=committed),
            lost_n=Count("pk", filter=Q(status=Opportunity.Status.LOST)),
            achieved=Sum(
                "amount",
                filter=committed & Q(committed_at__date__gte=start, committed_at__date__lte=end),
            ),
            pipeline=Sum(
                weighted,
                filter=is_open & Q(stage__level__lt=COMMITTED_LEVEL, expected_close__lte=end),
                output_field=DecimalField(),
            ),
        )
    )
    return {row.pop("level"): row for row in grouped.annotate(**_history_sums())}


def _history_sums() -> dict:
    """How many deals had each highest level, and the finished stays per level with their
    seconds, summed from the deals' history summary (see Opportunity.highest_level)."""
    sums = {}
    for level in LEVELS:
        sums[f"highest_{level}"] = Count("pk", filter=Q(highest_level=level))
        sums[f"stays_{level}"] = Sum(f"stays_{level}")
        sums[f"stay_seconds_{level}"] = Sum(f"stay_seconds_{level}")
    return sums


# The review looks back this many days for closed deals; an open deal with no move for
# STALLED_DAYS is stalled.
REVIEW_DAYS, STALLED_DAYS = 90, 30


def review(*, user, rep, as_of: date) -> dict:
    """One-to-one business review (业务回顾): one rep's deals only."""
    deals = opportunity_list(user=user).filter(owner=rep)
    last_quarter = as_of - timedelta(days=REVIEW_DAYS)
    # Closed in the 90 days up to as_of: a review of a past date must not show later results.
    closed = {"closed_at__date__gte": last_quarter, "closed_at__date__lte": as_of}
    return {
        "open": list(deals.open().order_by("-stage__level", "expected_close")),
        "won": list(deals.won().filter(**closed)),
        "lost": list(deals.lost().filter(**closed)),
        "stalled": list(
            deals.open().filter(stage_entered_at__date__lt=as_of - timedelta(days=STALLED_DAYS))
        ),
        "funnel": funnel(
            user=user,
            owners_qs=lambda qs: qs.filter(owner=rep),
            target_owners=[rep],  # the rep's target counts even before their first deal
            as_of=as_of,
        ),
        "last_activity": deals.aggregate(last=Max("followups__occurred_at"))["last"],
    }


# --- The dashboard's filters ----------------------------------------------------------------


def funnel_people(*, user) -> QuerySet[User]:
    """The people in `user`'s scope who own at least one deal, for the owner filter."""
    return (
        User.objects.visible_to(user)
        .filter(opportunities__isnull=False)
        .distinct()
        .order_by("username")
    )


def funnel_teams(*, user) -> QuerySet[Team]:
    """Every team for those who see every owner (admin, finance); a manager's own teams."""
    if owner_scope(user, "") == Q():
        return Team.objects.all()
    return Team.objects.filter(manager=user)


def regions() -> QuerySet[Region]:
    return Region.objects.all()


@dataclass
class FunnelNarrowing:
    """owner=<username>, team=<id>, region=<name> as the dashboard understood them: each one
    that names nobody `user` may choose is blank here and listed in `rejected` (name, raw)."""

    owner: str = ""
    team: str = ""
    region: str = ""
    rejected: list[tuple[str, str]] = field(default_factory=list)

    def __call__(self, qs: QuerySet[Opportunity]) -> QuerySet[Opportunity]:
        if self.owner:
            qs = qs.filter(owner__username=self.owner)
        if self.team:
            qs = qs.filter(owner__team_id=int(self.team))
        if self.region:
            qs = qs.filter(customer__region__name=self.region)
        return qs

    @property
    def chosen(self) -> dict:
        return {"owner": self.owner, "team": self.team, "region": self.region}


def funnel_narrowing(*, user, teams, owner: str, team: str, region: str) -> FunnelNarrowing:
    narrowing = FunnelNarrowing(owner=owner, team=team, region=region)
    if owner and not User.objects.visible_to(user).filter(username=owner).exists():
        narrowing.rejected.append(("owner", owner))
        narrowing.owner = ""
    if team and not (team.isdigit() and teams.filter(pk=int(team)).exists()):
        narrowing.rejected.append(("team", team))
        narrowing.team = ""
    if region and not Region.objects.filter(name=region).exists():
        narrowing.rejected.append(("region", region))
        narrowing.region = ""
    return narrowing
