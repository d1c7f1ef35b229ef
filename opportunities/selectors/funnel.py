"""Reads of the funnel dashboard and the one-to-one review, always through visible_to; and the
choices the dashboard's filters offer."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Max, Q, QuerySet, Sum

from opportunities.models import (
    COLLECTED_LEVEL,
    COMMITTED_LEVEL,
    FunnelStage,
    Opportunity,
    SalesTarget,
    StageChange,
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

    for row in qs.open().values("stage__level").annotate(n=Count("pk"), total=Sum("amount")):
        level_row = rows[row["stage__level"]]
        level_row.count, level_row.amount = row["n"], row["total"] or ZERO
        level_row.weighted = metrics.weighted(level_row.amount, probability[level_row.stage.level])
    won = qs.won().aggregate(n=Count("pk"), total=Sum("amount"))
    collected = rows[COLLECTED_LEVEL]
    collected.count, collected.amount = won["n"], won["total"] or ZERO
    collected.weighted = collected.amount

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
        qs.not_lost()
        .from_level(COMMITTED_LEVEL)
        .filter(committed_at__date__gte=start, committed_at__date__lte=end)
        .aggregate(total=Sum("amount"))["total"]
        or ZERO
    )
    pipeline_rows = (
        qs.open()
        .below_level(COMMITTED_LEVEL)
        .filter(expected_close__lte=end)
        .values_list("amount", "stage__win_probability")
    )
    pipeline = metrics.weighted_pipeline(pipeline_rows)
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
        won_count=qs.from_level(COMMITTED_LEVEL).not_lost().count(),
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
