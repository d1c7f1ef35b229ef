"""The funnel's set-based figures (SQL aggregates) equal the old per-row computation, kept here
as the oracle, on a hand-made book: every level, won, lost, reopened, skipped levels, moves
back, three owners in two teams and two regions, each filter and period."""

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db.models import Count, Sum

from opportunities.models import (
    COLLECTED_LEVEL,
    COMMITTED_LEVEL,
    FunnelStage,
    LostReason,
    Opportunity,
    SalesTarget,
    StageChange,
)
from opportunities.rules import metrics
from opportunities.rules.periods import period_bounds
from opportunities.selectors import funnel as funnel_selectors
from opportunities.selectors.deals import stages
from opportunities.services.stays import stays_refresh
from salesops.core.localized import localized
from tests.factories import CustomerFactory, OpportunityFactory, RegionFactory, UserFactory

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
D = Decimal
ZERO = D("0.00")


# --- The oracle: funnel() as it was before the SQL aggregation (per-row, in Python) ----------


def _old_stage_conversion(max_levels, *, levels):
    highest = list(max_levels)
    result = []
    for level in levels[:-1]:
        reached = sum(1 for m in highest if m >= level)
        advanced = sum(1 for m in highest if m >= level + 1)
        result.append(metrics.Conversion(level=level, reached=reached, advanced=advanced))
    return result


def _old_days_per_stage(history):
    stays, previous = {}, {}
    for opportunity_id, level, when in history:
        if opportunity_id in previous:
            entered_level, entered_at = previous[opportunity_id]
            delta = when - entered_at
            stays.setdefault(entered_level, []).append(D(delta.days * 86400 + delta.seconds))
        previous[opportunity_id] = (level, when)
    return {
        level: (sum(values) / len(values) / D(86400)).quantize(D("0.1"), ROUND_HALF_UP)
        for level, values in sorted(stays.items())
    }


def _old_weighted(amount, probability):
    return (amount * probability / 100).quantize(D("0.01"), rounding=ROUND_HALF_UP)


def old_funnel(*, user, owners_qs=None, as_of, period="quarter", target_owners=None):
    qs = Opportunity.objects.visible_to(user)
    if owners_qs is not None:
        qs = owners_qs(qs)
    all_stages = stages()
    rows = {stage.level: funnel_selectors.LevelRow(stage=stage) for stage in all_stages}
    probability = {stage.level: stage.win_probability for stage in all_stages}
    for row in qs.open().values("stage__level").annotate(n=Count("pk"), total=Sum("amount")):
        level_row = rows[row["stage__level"]]
        level_row.count, level_row.amount = row["n"], row["total"] or ZERO
        level_row.weighted = _old_weighted(level_row.amount, probability[level_row.stage.level])
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
    highest = {}
    for opportunity_id, level, _when in history:
        highest[opportunity_id] = max(level, highest.get(opportunity_id, 0))
    levels = [stage.level for stage in all_stages]
    for conversion in _old_stage_conversion(highest.values(), levels=levels):
        rows[conversion.level].conversion = conversion
    for level, days in _old_days_per_stage(history).items():
        if level in rows:
            rows[level].avg_days = days
    start, end = period_bounds(period, as_of)
    targets = SalesTarget.objects.visible_to(user).filter(period=period, period_start=start)
    if target_owners is not None:
        targets = targets.filter(owner__in=target_owners)
    elif owners_qs is not None:
        targets = targets.filter(owner__in=qs.values("owner"))
    target = targets.aggregate(total=Sum("sales_target"))["total"] or ZERO
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
    pipeline = sum((_old_weighted(a, p) for a, p in pipeline_rows), ZERO)
    lost = qs.lost()
    open_rows = [rows[level] for level in levels if level < COLLECTED_LEVEL]
    return funnel_selectors.Funnel(
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
            ((achieved + pipeline) / target).quantize(D("0.0001"), ROUND_HALF_UP)
            if target
            else None
        ),
        won_count=qs.from_level(COMMITTED_LEVEL).not_lost().count(),
        lost_count=lost.count(),
        lost_by_reason=list(
            lost.values(reason=localized("lost_reason__name"))
            .annotate(n=Count("pk"), total=Sum("amount"))
            .order_by("-n", "lost_reason__sort_order", "lost_reason__name")
        ),
        lost_by_competitor=list(
            lost.exclude(competitor="")
            .values("competitor")
            .annotate(n=Count("pk"), total=Sum("amount"))
            .order_by("-n", "competitor")
        ),
    )


# --- The hand-made book ------------------------------------------------------------------------


def at(month, day, hour=9, *, year=2026, second=0, micro=0):
    return datetime(year, month, day, hour, 0, second, micro, tzinfo=SH)


def deal(
    customer, amount, moves, *, status="open", close=date(2026, 12, 15), reason=None, rival=""
):
    """A deal with its history: moves are (kind, to_level, when) in time order; its stage,
    committed_at and closed_at follow from them as the services would set them."""
    level, committed, closed, previous = 1, None, None, None
    for kind, to_level, _when in moves:
        if kind in ("created", "advanced", "moved_back", "collected"):
            level = to_level
        if level >= COMMITTED_LEVEL and committed is None:
            committed = _when
        closed = _when if kind in ("lost", "collected") else None if kind == "reopened" else closed
    opportunity = OpportunityFactory(
        customer=customer,
        amount=D(amount),
        stage=FunnelStage.objects.get(level=level),
        status=status,
        expected_close=close,
        committed_at=committed,
        closed_at=closed,
        lost_reason=LostReason.objects.get(name=reason) if reason else None,
        competitor=rival,
        created_at=moves[0][2],
    )
    for kind, to_level, when in moves:
        StageChange.objects.create(
            opportunity=opportunity,
            kind=kind,
            from_level=previous,
            to_level=to_level,
            changed_at=when,
        )
        previous = to_level
    # Rows written straight to the table, as generate_dataset does: the summary follows.
    stays_refresh(opportunity_ids=[opportunity.pk])
    return opportunity


@pytest.fixture
def book(org):
    east, north = RegionFactory(name="华东"), RegionFactory(name="华北")
    c1 = CustomerFactory(name="甲", owner=org["rep1"], region=east)
    c2 = CustomerFactory(name="乙", owner=org["rep2"], region=north)
    c3 = CustomerFactory(name="丙", owner=org["rep3"], region=north)
    c4 = CustomerFactory(name="丁", owner=org["manager1"], region=east)
    # rep1: one open deal at each level 1-5, with awkward amounts (per-deal rounding of the
    # weighted pipeline differs from rounding the level's sum) and fractional-second stays.
    deal(c1, "0.02", [("created", 1, at(10, 1))])
    deal(c1, "0.02", [("created", 1, at(10, 2)), ("advanced", 2, at(10, 3, micro=500000))])
    deal(c1, "0.02", [("created", 1, at(10, 2, second=7)), ("advanced", 2, at(10, 5))])
    deal(
        c1,
        "333.33",
        [("created", 1, at(9, 1)), ("advanced", 3, at(9, 12, 15)), ("advanced", 4, at(10, 20))],
        close=date(2027, 1, 10),
    )
    deal(
        c1,
        "1000000",
        [
            ("created", 1, at(8, 1)),
            ("advanced", 2, at(8, 3)),
            ("advanced", 5, at(10, 12)),  # committed in Q4, skipping 3 and 4
        ],
    )
    # rep1: won (collected) and one committed in Q3 then moved back to 4 (pipeline, not achieved).
    deal(
        c1,
        "250000",
        [
            ("created", 1, at(6, 1)),
            ("advanced", 3, at(6, 10)),
            ("advanced", 5, at(9, 30, 23)),
            ("collected", 6, at(11, 5)),
        ],
        status="won",
    )
    deal(
        c1,
        "80000",
        [
            ("created", 1, at(7, 1)),
            ("advanced", 5, at(9, 2)),
            ("moved_back", 4, at(10, 8)),
        ],
    )
    # rep2: lost at 2 with a rival, lost at 3 then reopened and advanced, lost at 1 without.
    deal(
        c2,
        "120000",
        [("created", 1, at(10, 1)), ("advanced", 2, at(10, 4)), ("lost", 2, at(10, 30))],
        status="lost",
        reason="价格偏高",
        rival="汇川技术",
    )
    deal(
        c2,
        "60000",
        [
            ("created", 1, at(9, 1)),
            ("advanced", 3, at(9, 15)),
            ("lost", 3, at(10, 1)),
            ("reopened", 3, at(10, 20)),
            ("advanced", 4, at(11, 2)),
        ],
    )
    deal(
        c2,
        "45000.50",
        [("created", 1, at(11, 1)), ("lost", 1, at(11, 3))],
        status="lost",
        reason="其他",
    )
    # rep3 (other team, north): committed in November, a won deal of last year, a lost one.
    deal(
        c3,
        "700000",
        [("created", 1, at(9, 10)), ("advanced", 4, at(10, 10)), ("advanced", 5, at(11, 20))],
    )
    deal(
        c3,
        "90000",
        [
            ("created", 1, at(3, 1, year=2025)),
            ("advanced", 5, at(5, 1, year=2025)),
            ("collected", 6, at(6, 1, year=2025)),
        ],
        status="won",
        close=date(2025, 6, 1),
    )
    deal(
        c3,
        "30000",
        [("created", 1, at(10, 5)), ("advanced", 2, at(10, 6)), ("lost", 2, at(10, 9))],
        status="lost",
        reason="价格偏高",
        rival="汇川技术",
    )
    # manager1's own deal: a level-1 deal expected to close next year.
    deal(c4, "10000", [("created", 1, at(10, 1))], close=date(2027, 2, 1))
    for owner, amount in (("rep1", "2000000"), ("rep2", "500000"), ("rep3", "900000")):
        SalesTarget.objects.create(
            owner=org[owner], period="quarter", period_start=date(2026, 10, 1), sales_target=amount
        )
    SalesTarget.objects.create(
        owner=org["rep1"], period="month", period_start=date(2026, 11, 1), sales_target="800000"
    )
    SalesTarget.objects.create(
        owner=org["rep3"], period="year", period_start=date(2026, 1, 1), sales_target="3000000"
    )
    # Someone in scope with a target and no deal yet: counts in the unnarrowed target.
    newcomer = UserFactory(username="rep4", role="rep", team=org["team_a"])
    SalesTarget.objects.create(
        owner=newcomer, period="quarter", period_start=date(2026, 10, 1), sales_target="100000"
    )
    return org


NARROWINGS = [
    {},
    {"owner": "rep1"},
    {"owner": "rep2"},
    {"team": "team_a"},
    {"team": "team_b"},
    {"region": "华北"},
    {"region": "华东", "owner": "rep1"},
]


def test_set_based_funnel_equals_the_per_row_oracle_for_every_viewer_filter_and_period(book):
    def narrowed(raw):
        return funnel_selectors.FunnelNarrowing(
            owner=raw.get("owner", ""),
            team=str(book[raw["team"]].pk) if "team" in raw else "",
            region=raw.get("region", ""),
        )

    everyone = ("admin", "finance1", "manager1", "manager2", "rep1", "rep2", "rep3")
    today = [(viewer, "quarter", date(2026, 11, 23)) for viewer in everyone]
    periods = [
        (viewer, period, as_of)
        for viewer in ("admin", "manager1")
        for period in ("month", "quarter", "year")
        for as_of in (date(2026, 11, 23), date(2026, 9, 30), date(2025, 6, 1))
    ]
    compared = set()
    for viewer, period, as_of in today + periods:
        for owners_qs in [None, *(narrowed(raw) for raw in NARROWINGS)]:
            kwargs = {"user": book[viewer], "owners_qs": owners_qs, "as_of": as_of}
            kwargs["period"] = period
            new, old = funnel_selectors.funnel(**kwargs), old_funnel(**kwargs)
            assert new == old, (viewer, owners_qs, period, as_of)
            compared.add((viewer, period, as_of, repr(owners_qs)))
    assert len(compared) == (7 + 2 * 3 * 3 - 2) * 8


def test_review_funnel_equals_the_oracle_with_the_reps_own_target(book):
    for rep in ("rep1", "rep2", "rep3"):
        new = funnel_selectors.review(user=book["admin"], rep=book[rep], as_of=date(2026, 11, 23))[
            "funnel"
        ]
        old = old_funnel(
            user=book["admin"],
            owners_qs=lambda qs, rep=rep: qs.filter(owner=book[rep]),
            target_owners=[book[rep]],
            as_of=date(2026, 11, 23),
        )
        assert new == old, rep


def test_the_whole_book_figures_by_hand(book):
    funnel = funnel_selectors.funnel(user=book["admin"], as_of=date(2026, 11, 23))
    by_level = {row.stage.level: row for row in funnel.levels}
    # Open: L1 0.02 + 10000; L2 0.02 + 0.02; L4 333.33 + 80000 + 60000; L5 1 000 000 + 700 000.
    assert [(lv, r.count, r.amount) for lv, r in by_level.items()] == [
        (1, 2, D("10000.02")),
        (2, 2, D("0.04")),
        (3, 0, ZERO),
        (4, 3, D("140333.33")),
        (5, 2, D("1700000.00")),
        (6, 2, D("340000.00")),
    ]
    # Level sums weighted once: L2 0.04 × 25 % = 0.01; L4 140 333.33 × 75 % = 105 250.00 (half up).
    assert by_level[2].weighted == D("0.01")
    assert by_level[4].weighted == D("105250.00")
    # Pipeline for Q4 (below L5, closing by 12-31): each deal rounded: 0.02 × 10 % = 0.00,
    # 0.02 × 25 % = 0.01 twice, 80 000 × 75 %, 60 000 × 75 % (333.33 and 10 000 close in 2027).
    assert funnel.pipeline_for_target == D("105000.02")
    # Achieved: committed in Q4 and not lost: 1 000 000 (10-12) + 700 000 (11-20); the won deal
    # committed on 09-30 23:00 Shanghai time belongs to Q3.
    assert funnel.achieved == D("1700000.00")
    assert funnel.target == D("3500000.00")
    # Highest levels: 1,2,2,4,5,6,5,2,4,1,5,6,2,1 → reached L1 14, L2 11, L3 7, L4 7, L5 5.
    assert [(c.reached, c.advanced) for c in (r.conversion for r in funnel.levels[:5])] == [
        (14, 11),
        (11, 7),
        (7, 7),
        (7, 5),
        (5, 2),
    ]
    # Won (committed, not lost): the two open at L5 and the two collected.
    assert (funnel.won_count, funnel.lost_count) == (4, 3)
    assert funnel.lost_by_competitor == [
        {"competitor": "汇川技术", "n": 2, "total": D("150000.00")}
    ]


def test_the_funnel_takes_five_queries_whatever_the_book(book, django_assert_num_queries):
    manager = book["manager1"]
    assert manager.role  # the role's group lookup is the request's, not the funnel's
    with django_assert_num_queries(5):
        funnel_selectors.funnel(user=manager, as_of=date(2026, 11, 23))


def test_stays_count_whole_seconds_and_skip_losses_and_reopenings(org):
    customer = CustomerFactory(name="戊", owner=org["rep1"])
    # L1 from 10-01 09:00:00.9 to 10-02 09:00:00.4: 86 399 whole seconds (microseconds dropped).
    deal(
        customer,
        "100",
        [
            ("created", 1, at(10, 1, micro=900000)),
            ("advanced", 2, at(10, 2, micro=400000)),
            ("lost", 2, at(10, 3)),
            ("reopened", 2, at(10, 4)),
            ("advanced", 3, at(10, 7, micro=400000)),  # L2: 5 days, the loss is no move
        ],
    )
    funnel = funnel_selectors.funnel(user=org["rep1"], as_of=date(2026, 11, 23))
    days = {row.stage.level: row.avg_days for row in funnel.levels}
    assert days == {1: D("1.0"), 2: D("5.0"), 3: None, 4: None, 5: None, 6: None}
    summary = Opportunity.objects.values(
        "highest_level", "stays_1", "stay_seconds_1", "stays_2", "stay_seconds_2", "stays_3"
    ).get()
    assert summary == {
        "highest_level": 3,
        "stays_1": 1,
        "stay_seconds_1": 86399,
        "stays_2": 1,
        "stay_seconds_2": 5 * 86400,
        "stays_3": 0,
    }
