"""Funnel arithmetic: the pure metric functions with their edges, period bounds, and the funnel
selector on a small hand-made history whose every figure is worked out by hand below."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from opportunities.models import SalesTarget
from opportunities.rules import metrics
from opportunities.rules.periods import period_bounds
from opportunities.selectors import funnel as funnel_selectors
from opportunities.services.stages import opportunity_mark_collected
from tests.opportunities.funnel_helpers import (
    SH,
    at,
    lose,
    make_customer,
    move,
    new_deal,
    ready_for,
)

D = Decimal
T = datetime(2026, 10, 1, 9, 0, tzinfo=SH)


def days(n: float) -> datetime:
    return T + timedelta(days=n)


# --- weighted / weighted_pipeline ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "probability", "expected"),
    [
        ("100000", "25", "25000.00"),
        ("333333.33", "10", "33333.33"),
        ("0.25", "10", "0.03"),  # 0.025: rounded half up, like every amount in the funnel
        ("0.05", "50", "0.03"),
        ("123.45", "100", "123.45"),
        ("123.45", "0", "0.00"),
    ],
)
def test_weighted_is_amount_times_probability_to_the_cent(amount, probability, expected):
    assert metrics.weighted(D(amount), D(probability)) == D(expected)


def test_weighted_pipeline_sums_rounded_rows():
    rows = [(D("100000"), D("10")), (D("200000"), D("25")), (D("0.25"), D("10"))]
    assert metrics.weighted_pipeline(rows) == D("60000.03")
    assert metrics.weighted_pipeline(iter(rows)) == D("60000.03")  # any iterable


def test_weighted_pipeline_of_nothing_is_zero_with_cents():
    total = metrics.weighted_pipeline([])
    assert (total, str(total)) == (D("0"), "0.00")


# --- V value ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pipeline", "target", "achieved", "expected"),
    [
        ("75000", "1000000", "400000", D("0.13")),  # 75 000 ÷ 600 000 = 0.125, half up
        ("600000", "1000000", "400000", D("1.00")),  # exactly covered
        ("1200000", "1000000", "400000", D("2.00")),
        ("0", "1000000", "0", D("0.00")),  # nothing in the pipeline
        ("500000", "1000000", "1000000", None),  # target met
        ("500000", "1000000", "1200000", None),  # target exceeded
        ("500000", "0", "0", None),  # no target
        ("500000", "0", "100", None),
    ],
)
def test_v_value_is_pipeline_over_what_remains_of_the_target(pipeline, target, achieved, expected):
    value = metrics.v_value(pipeline=D(pipeline), target=D(target), achieved=D(achieved))
    assert value == expected


# --- Stage conversion ---------------------------------------------------------------------------


def test_stage_conversion_counts_reached_and_advanced_from_the_highest_levels():
    conversion = metrics.stage_conversion([1, 2, 2, 5, 6], levels=[1, 2, 3, 4, 5, 6])

    assert [(c.level, c.reached, c.advanced, c.rate) for c in conversion] == [
        (1, 5, 4, D("0.8000")),
        (2, 4, 2, D("0.5000")),
        (3, 2, 2, D("1.0000")),  # a jump 2 → 5 passes level 3 and 4
        (4, 2, 2, D("1.0000")),
        (5, 2, 1, D("0.5000")),
    ]


def test_stage_conversion_of_nothing_has_no_rates():
    conversion = metrics.stage_conversion([], levels=[1, 2, 3])
    assert [(c.level, c.reached, c.advanced, c.rate) for c in conversion] == [
        (1, 0, 0, None),
        (2, 0, 0, None),
    ]
    assert metrics.stage_conversion([3], levels=[1]) == []


@pytest.mark.parametrize(
    ("reached", "advanced", "rate"),
    [(3, 2, "0.6667"), (3, 1, "0.3333"), (7, 7, "1.0000"), (32, 1, "0.0313"), (5, 0, "0.0000")],
)
def test_conversion_rate_to_four_places_rounded_half_up(reached, advanced, rate):
    assert metrics.Conversion(level=1, reached=reached, advanced=advanced).rate == D(rate)


# --- Days per stage -----------------------------------------------------------------------------


def test_days_per_stage_averages_finished_stays_only():
    history = [
        (1, 1, days(0)),
        (1, 2, days(4)),
        (1, 3, days(14)),  # still on level 3: not counted
        (2, 1, days(0)),
        (2, 2, days(2)),
        (2, 1, days(5)),  # moved back: the stay on 2 ended after 3 days
        (3, 1, days(1)),  # never moved
    ]
    assert metrics.days_per_stage(history) == {1: D("3.0"), 2: D("6.5")}


def test_days_per_stage_with_now_closes_the_running_stays():
    history = [(1, 1, days(0)), (1, 2, days(4)), (2, 1, days(0))]
    assert metrics.days_per_stage(history, now=days(10)) == {1: D("7.0"), 2: D("6.0")}


def test_days_per_stage_counts_parts_of_days_and_rounds_half_up():
    # stays of 6 and 6.5 days on level 1: 6.25 → 6.3
    history = [(1, 1, days(0)), (1, 2, days(6)), (2, 1, days(0)), (2, 2, days(6.5))]
    assert metrics.days_per_stage(history) == {1: D("6.3")}
    # 8 hours and 16 hours: half a day on average
    history = [(1, 1, days(0)), (1, 2, days(1 / 3)), (2, 1, days(0)), (2, 2, days(2 / 3))]
    assert metrics.days_per_stage(history) == {1: D("0.5")}


def test_days_per_stage_of_nothing_is_empty():
    assert metrics.days_per_stage([]) == {}
    assert metrics.days_per_stage([], now=days(3)) == {}


# --- Period bounds ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "as_of", "bounds"),
    [
        ("month", date(2024, 2, 10), (date(2024, 2, 1), date(2024, 2, 29))),  # leap year
        ("month", date(2026, 2, 28), (date(2026, 2, 1), date(2026, 2, 28))),
        ("month", date(2026, 1, 31), (date(2026, 1, 1), date(2026, 1, 31))),
        ("month", date(2026, 4, 30), (date(2026, 4, 1), date(2026, 4, 30))),
        ("month", date(2026, 12, 1), (date(2026, 12, 1), date(2026, 12, 31))),
        ("quarter", date(2026, 1, 1), (date(2026, 1, 1), date(2026, 3, 31))),
        ("quarter", date(2024, 3, 31), (date(2024, 1, 1), date(2024, 3, 31))),
        ("quarter", date(2026, 5, 15), (date(2026, 4, 1), date(2026, 6, 30))),
        ("quarter", date(2026, 9, 30), (date(2026, 7, 1), date(2026, 9, 30))),
        ("quarter", date(2026, 10, 1), (date(2026, 10, 1), date(2026, 12, 31))),
        ("quarter", date(2026, 12, 31), (date(2026, 10, 1), date(2026, 12, 31))),
        ("year", date(2024, 2, 29), (date(2024, 1, 1), date(2024, 12, 31))),
        ("year", date(2026, 12, 31), (date(2026, 1, 1), date(2026, 12, 31))),
    ],
)
def test_period_bounds(period, as_of, bounds):
    assert period_bounds(period, as_of) == bounds


@pytest.mark.parametrize("period", ["week", "", "Quarter"])
def test_period_bounds_refuses_an_unknown_period(period):
    with pytest.raises(ValueError, match="period"):
        period_bounds(period, date(2026, 11, 23))


# --- The funnel on a hand-made history ----------------------------------------------------------
#
# Q4 2026 (10-01 … 12-31), as of 11-23. All times 09:00 Asia/Shanghai. rep1's deals:
#   A 100 000 close 12-15: created 10-01, L2 10-05, L3 10-15, L4 11-04, back to L3 11-10 (open L3)
#   B 200 000 close 12-20: created 10-01, L2 10-11, lost 10-21 价格偏高 to 西门子
#   C 300 000 close 2027-01-01: created 10-01, stays on L1
#   D 400 000 close 11-30: created 10-01, L2 10-03, L3 10-06, L4 10-09, L5 10-12 (committed),
#                          collected 11-20 (won, level 6)
#   E  50 000 close 12-31: created 10-02, L5 10-20 (committed), lost 10-25 价格偏高, no competitor
# rep2: R 1 000 000 close 12-31: created 10-01, L2 10-08 (open L2).
# rep3: S 700 000 close 12-01: created 10-01, stays on L1.
# Q4 targets: rep1 1 000 000, rep2 2 000 000, manager1 500 000 (no deals), rep3 500 000;
# also rep1: Q3 900 000, November 300 000, year 2026 4 000 000.


@pytest.fixture
def history(org):
    rep1, rep2, rep3 = org["rep1"], org["rep2"], org["rep3"]
    mine = make_customer(rep1, "甲公司")
    deals = {
        "A": new_deal(rep1, mine, amount="100000", name="A", close=date(2026, 12, 15)),
        "B": new_deal(rep1, mine, amount="200000", name="B", close=date(2026, 12, 20)),
        "C": new_deal(rep1, mine, amount="300000", name="C", close=date(2027, 1, 1)),
        "D": new_deal(rep1, mine, amount="400000", name="D", close=date(2026, 11, 30)),
        "E": new_deal(
            rep1, mine, amount="50000", name="E", close=date(2026, 12, 31), when=at(10, 2)
        ),
        "R": new_deal(
            rep2,
            make_customer(rep2, "乙公司"),
            amount="1000000",
            name="R",
            close=date(2026, 12, 31),
        ),
        "S": new_deal(
            rep3, make_customer(rep3, "丙公司"), amount="700000", name="S", close=date(2026, 12, 1)
        ),
    }
    for name in "ABDE":
        ready_for(rep1, deals[name], 5)
    ready_for(rep2, deals["R"], 2)
    a, b, d, e = (deals[n] for n in "ABDE")
    for level, day in ((2, 5), (3, 15)):
        move(rep1, a, level, at(10, day))
    move(rep1, a, 4, at(11, 4))
    move(rep1, a, 3, at(11, 10))
    move(rep1, b, 2, at(10, 11))
    lose(rep1, b, at(10, 21), competitor="西门子")
    for level, day in ((2, 3), (3, 6), (4, 9), (5, 12)):
        move(rep1, d, level, at(10, day))
    opportunity_mark_collected(opportunity=d, now=at(11, 20))
    move(rep1, e, 5, at(10, 20))
    lose(rep1, e, at(10, 25))
    move(rep2, deals["R"], 2, at(10, 8))
    targets = [
        ("rep1", "quarter", date(2026, 10, 1), "1000000"),
        ("rep2", "quarter", date(2026, 10, 1), "2000000"),
        ("manager1", "quarter", date(2026, 10, 1), "500000"),
        ("rep3", "quarter", date(2026, 10, 1), "500000"),
        ("rep1", "quarter", date(2026, 7, 1), "900000"),
        ("rep1", "month", date(2026, 11, 1), "300000"),
        ("rep1", "year", date(2026, 1, 1), "4000000"),
    ]
    for owner, period, start, amount in targets:
        SalesTarget.objects.create(
            owner=org[owner], period=period, period_start=start, sales_target=D(amount)
        )
    return deals


def level_figures(funnel) -> list[tuple]:
    return [(row.stage.level, row.count, row.amount, row.weighted) for row in funnel.levels]


@pytest.mark.django_db
def test_the_history_was_recorded_at_the_given_times(history):
    a, d = history["A"], history["D"]
    assert list(a.stage_changes.values_list("kind", "from_level", "to_level", "changed_at")) == [
        ("created", None, 1, at(10, 1)),
        ("advanced", 1, 2, at(10, 5)),
        ("advanced", 2, 3, at(10, 15)),
        ("advanced", 3, 4, at(11, 4)),
        ("moved_back", 4, 3, at(11, 10)),
    ]
    d.refresh_from_db()
    assert (d.status, d.stage.level, d.committed_at, d.closed_at) == (
        "won",
        6,
        at(10, 12),
        at(11, 20),
    )


@pytest.mark.django_db
def test_rep_funnel_levels_and_weighted_total(org, history):
    funnel = funnel_selectors.funnel(user=org["rep1"], as_of=date(2026, 11, 23), period="quarter")

    assert level_figures(funnel) == [
        (1, 1, D("300000.00"), D("30000.00")),  # C
        (2, 0, D("0.00"), D("0.00")),
        (3, 1, D("100000.00"), D("50000.00")),  # A
        (4, 0, D("0.00"), D("0.00")),
        (5, 0, D("0.00"), D("0.00")),
        (6, 1, D("400000.00"), D("400000.00")),  # D, won
    ]
    assert funnel.weighted_total == D("80000.00")  # open levels only
    assert (funnel.open_count, funnel.open_amount) == (2, D("400000.00"))


@pytest.mark.django_db
def test_rep_funnel_conversion_per_level(org, history):
    funnel = funnel_selectors.funnel(user=org["rep1"], as_of=date(2026, 11, 23))
    # highest levels: A 4, B 2, C 1, D 6, E 5
    assert [
        (row.stage.level, row.conversion.reached, row.conversion.advanced, row.conversion.rate)
        for row in funnel.levels
        if row.conversion
    ] == [
        (1, 5, 4, D("0.8000")),
        (2, 4, 3, D("0.7500")),  # A, B, D, E reached 2 (E by jumping); B stopped
        (3, 3, 3, D("1.0000")),
        (4, 3, 2, D("0.6667")),  # A went back to 3
        (5, 2, 1, D("0.5000")),  # D collected, E lost
    ]
    assert funnel.levels[5].conversion is None


@pytest.mark.django_db
def test_rep_funnel_average_days_per_level(org, history):
    funnel = funnel_selectors.funnel(user=org["rep1"], as_of=date(2026, 11, 23))
    # Finished stays (a loss ends nothing; the current stay is still running):
    # L1 A 4, B 10, D 2, E 18 → 8.5; L2 A 10, D 3 → 6.5; L3 A 20, D 3 → 11.5;
    # L4 A 6, D 3 → 4.5; L5 D 39 (10-12 → 11-20) → 39.0; L6 nothing finished.
    assert [(row.stage.level, row.avg_days) for row in funnel.levels] == [
        (1, D("8.5")),
        (2, D("6.5")),
        (3, D("11.5")),
        (4, D("4.5")),
        (5, D("39.0")),
        (6, None),
    ]


@pytest.mark.django_db
def test_rep_funnel_target_achieved_pipeline_and_v_value(org, history):
    funnel = funnel_selectors.funnel(user=org["rep1"], as_of=date(2026, 11, 23), period="quarter")

    assert (funnel.period, funnel.period_start, funnel.period_end) == (
        "quarter",
        date(2026, 10, 1),
        date(2026, 12, 31),
    )
    assert funnel.target == D("1000000.00")
    assert funnel.achieved == D("400000.00")  # D committed 10-12; E committed but lost
    # open on levels 1-4 closing by 12-31: A (50 %); C closes 2027-01-01
    assert funnel.pipeline_for_target == D("50000.00")
    assert funnel.v_value == D("0.08")  # 50 000 ÷ 600 000 = 0.0833
    assert funnel.coverage == D("0.4500")  # (400 000 + 50 000) ÷ 1 000 000


@pytest.mark.django_db
def test_rep_funnel_wins_and_losses(org, history):
    funnel = funnel_selectors.funnel(user=org["rep1"], as_of=date(2026, 11, 23))

    assert (funnel.won_count, funnel.lost_count, funnel.win_rate) == (1, 2, D("0.3333"))
    assert funnel.lost_by_reason == [{"reason": "价格偏高", "n": 2, "total": D("250000.00")}]
    assert funnel.lost_by_competitor == [{"competitor": "西门子", "n": 1, "total": D("200000.00")}]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("period", "as_of", "expected"),
    [
        # November: no commitment in the month, nothing closing by 11-30 on levels 1-4
        (
            "month",
            date(2026, 11, 23),
            (date(2026, 11, 1), date(2026, 11, 30), "300000", "0", "0", D("0.00"), "0.0000"),
        ),
        # 2026: C closes in 2027; 50 000 ÷ 3 600 000 = 0.0139
        (
            "year",
            date(2026, 11, 23),
            (
                date(2026, 1, 1),
                date(2026, 12, 31),
                "4000000",
                "400000",
                "50000",
                D("0.01"),
                "0.1125",
            ),
        ),
        # Q3: its own target; D was committed in October
        (
            "quarter",
            date(2026, 9, 15),
            (date(2026, 7, 1), date(2026, 9, 30), "900000", "0", "0", D("0.00"), "0.0000"),
        ),
        # Q1 2027: no target at all; C (L1, closes 01-01) is in the pipeline
        (
            "quarter",
            date(2027, 2, 1),
            (date(2027, 1, 1), date(2027, 3, 31), "0", "0", "80000", None, None),
        ),
    ],
    ids=["month", "year", "q3", "no-target"],
)
def test_rep_funnel_by_period(org, history, period, as_of, expected):
    start, end, target, achieved, pipeline, v_value, coverage = expected

    funnel = funnel_selectors.funnel(user=org["rep1"], as_of=as_of, period=period)

    assert (funnel.period_start, funnel.period_end) == (start, end)
    assert (funnel.target, funnel.achieved, funnel.pipeline_for_target) == (
        D(target),
        D(achieved),
        D(pipeline),
    )
    assert funnel.v_value == v_value
    assert funnel.coverage == (D(coverage) if coverage else None)


@pytest.mark.django_db
def test_a_commitment_counts_in_the_period_of_its_shanghai_date(org):
    # 2026-10-01 00:30 in Shanghai is still 09-30 in UTC: it belongs to Q4
    rep1 = org["rep1"]
    deal = new_deal(rep1, make_customer(rep1, "甲公司"), amount="250000", when=at(9, 1))
    ready_for(rep1, deal, 5)
    move(rep1, deal, 5, datetime(2026, 10, 1, 0, 30, tzinfo=SH))

    q3 = funnel_selectors.funnel(user=rep1, as_of=date(2026, 9, 30))
    q4 = funnel_selectors.funnel(user=rep1, as_of=date(2026, 10, 1))

    assert (q3.achieved, q4.achieved) == (D("0.00"), D("250000.00"))


# --- Scope --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_reps_funnel_never_includes_another_reps_deals(org, history):
    rep2 = funnel_selectors.funnel(user=org["rep2"], as_of=date(2026, 11, 23))
    rep1_narrowed_to_rep2 = funnel_selectors.funnel(
        user=org["rep1"],
        owners_qs=lambda qs: qs.filter(owner=org["rep2"]),
        as_of=date(2026, 11, 23),
    )

    assert level_figures(rep2)[:2] == [
        (1, 0, D("0.00"), D("0.00")),
        (2, 1, D("1000000.00"), D("250000.00")),
    ]
    assert (rep2.open_count, rep2.weighted_total, rep2.target) == (
        1,
        D("250000.00"),
        D("2000000.00"),
    )
    assert (rep2.achieved, rep2.pipeline_for_target, rep2.v_value, rep2.coverage) == (
        D("0.00"),
        D("250000.00"),
        D("0.13"),  # 250 000 ÷ 2 000 000 = 0.125, half up
        D("0.1250"),
    )
    assert (rep2.won_count, rep2.lost_count, rep2.win_rate) == (0, 0, None)
    # rep1 may not see rep2's deals, and narrowing cannot widen the scope
    assert (rep1_narrowed_to_rep2.open_count, rep1_narrowed_to_rep2.target) == (0, D("0.00"))
    assert rep1_narrowed_to_rep2.levels[1].conversion.reached == 0


@pytest.mark.django_db
def test_a_managers_funnel_covers_the_team_and_its_targets(org, history):
    funnel = funnel_selectors.funnel(user=org["manager1"], as_of=date(2026, 11, 23))

    assert level_figures(funnel)[:3] == [
        (1, 1, D("300000.00"), D("30000.00")),  # C; rep3's S is team B's
        (2, 1, D("1000000.00"), D("250000.00")),  # R
        (3, 1, D("100000.00"), D("50000.00")),  # A
    ]
    assert (funnel.open_count, funnel.open_amount, funnel.weighted_total) == (
        3,
        D("1400000.00"),
        D("330000.00"),
    )
    # the targets of everyone in the team, manager1's own included although it has no deals
    assert funnel.target == D("3500000.00")
    assert funnel.achieved == D("400000.00")
    assert funnel.pipeline_for_target == D("300000.00")  # A 50 000 + R 250 000 (closes 12-31)
    assert funnel.v_value == D("0.10")  # 300 000 ÷ 3 100 000 = 0.0968
    assert funnel.coverage == D("0.2000")  # 700 000 ÷ 3 500 000
    assert (funnel.won_count, funnel.lost_count) == (1, 2)


@pytest.mark.django_db
def test_an_admin_sees_every_deal_and_every_target(org, history):
    funnel = funnel_selectors.funnel(user=org["admin"], as_of=date(2026, 11, 23))

    assert (funnel.open_count, funnel.open_amount) == (4, D("2100000.00"))
    assert funnel.target == D("4000000.00")
    assert funnel.pipeline_for_target == D("370000.00")  # + S 70 000 (L1, closes 12-01)
    assert funnel.v_value == D("0.10")  # 370 000 ÷ 3 600 000 = 0.1028


@pytest.mark.django_db
def test_narrowing_a_managers_funnel_to_one_rep(org, history):
    funnel = funnel_selectors.funnel(
        user=org["manager1"],
        owners_qs=lambda qs: qs.filter(owner=org["rep2"]),
        as_of=date(2026, 11, 23),
    )

    assert (funnel.open_count, funnel.weighted_total) == (1, D("250000.00"))
    assert (funnel.target, funnel.achieved, funnel.pipeline_for_target) == (
        D("2000000.00"),
        D("0.00"),
        D("250000.00"),
    )
    assert (funnel.v_value, funnel.coverage) == (D("0.13"), D("0.1250"))
    assert (funnel.won_count, funnel.lost_count, funnel.lost_by_reason) == (0, 0, [])


@pytest.mark.django_db
def test_a_rep_with_a_target_and_no_deals_is_not_on_track(org):
    SalesTarget.objects.create(
        owner=org["rep2"],
        period="quarter",
        period_start=date(2026, 10, 1),
        sales_target=D("2000000"),
    )

    funnel = funnel_selectors.funnel(user=org["rep2"], as_of=date(2026, 11, 23))
    review = funnel_selectors.review(
        user=org["manager1"], rep=org["rep2"], as_of=date(2026, 11, 23)
    )

    assert (funnel.target, funnel.achieved, funnel.pipeline_for_target) == (
        D("2000000.00"),
        D("0.00"),
        D("0.00"),
    )
    assert (funnel.v_value, funnel.coverage) == (D("0.00"), D("0.0000"))
    assert (review["funnel"].target, review["funnel"].v_value) == (D("2000000.00"), D("0.00"))


@pytest.mark.django_db
def test_losses_by_reason_and_competitor_are_ordered_by_count_then_reason_order_and_name(org):
    rep1 = org["rep1"]
    customer = make_customer(rep1, "甲公司")
    for name, reason, competitor, amount in (
        ("1", "交期无法满足", "Siemens", "10000"),  # reason sort order 4
        ("2", "价格偏高", "ABB", "20000"),  # reason sort order 1
        ("3", "竞争对手更强", "Siemens", "30000"),
        ("4", "竞争对手更强", "", "40000"),
    ):
        deal = new_deal(rep1, customer, name=name, amount=amount)
        lose(rep1, deal, at(10, 2), reason=reason, competitor=competitor)

    funnel = funnel_selectors.funnel(user=rep1, as_of=date(2026, 11, 23))

    assert funnel.lost_by_reason == [
        {"reason": "竞争对手更强", "n": 2, "total": D("70000.00")},
        {"reason": "价格偏高", "n": 1, "total": D("20000.00")},
        {"reason": "交期无法满足", "n": 1, "total": D("10000.00")},
    ]
    assert funnel.lost_by_competitor == [
        {"competitor": "Siemens", "n": 2, "total": D("40000.00")},
        {"competitor": "ABB", "n": 1, "total": D("20000.00")},
    ]
    assert (funnel.lost_count, funnel.won_count, funnel.win_rate) == (4, 0, D("0.0000"))
