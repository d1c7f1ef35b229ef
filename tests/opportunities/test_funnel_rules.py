"""Stage gates, level 6, and the funnel metrics on a small hand-made history (exact values)."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils.translation import override

from customers.services.customers import contact_save, customer_create
from opportunities.models import ChecklistItem, LostReason, Opportunity, SalesTarget, StageChange
from opportunities.rules import metrics
from opportunities.selectors import funnel as funnel_selectors
from opportunities.services.contacts import deal_contact_set
from opportunities.services.deals import (
    opportunity_create,
    opportunity_mark_lost,
    opportunity_reopen,
    opportunity_update,
)
from opportunities.services.stages import (
    opportunity_mark_collected,
    opportunity_move,
    opportunity_tick,
)
from salesops.core.errors import NotPermitted

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 10, 1, 9, 0, tzinfo=SH)
D = Decimal


@pytest.fixture
def customer(org):
    customer = customer_create(actor=org["rep1"], name="上海润华精密机械有限公司")
    contact_save(actor=org["rep1"], customer=customer, name="王总", decision_role="decision_maker")
    return customer


def new_deal(org, customer, amount="100000", *, when=T0, close=date(2026, 12, 15), name="产线改造"):
    return opportunity_create(
        actor=org["rep1"],
        customer=customer,
        name=name,
        amount=D(amount),
        expected_close=close,
        now=when,
    )


def ready_for(org, deal, level, *, when=T0):
    """Tick every item up to `level` and name the primary decision maker."""
    items = set(ChecklistItem.objects.filter(stage__level__lte=level).values_list("pk", flat=True))
    opportunity_tick(actor=org["rep1"], opportunity=deal, item_ids=items, now=when)
    deal_contact_set(
        actor=org["rep1"],
        opportunity=deal,
        contact=deal.customer.contacts.get(),
        role="decision_maker",
        is_primary=True,
    )


def move(org, deal, level, when):
    return opportunity_move(actor=org["rep1"], opportunity=deal, to_level=level, now=when)


def test_each_missing_item_blocks_the_move_with_its_own_message(org, customer):
    deal = new_deal(org, customer)
    items = list(
        ChecklistItem.objects.filter(stage__level__lte=2).order_by("stage__level", "sort_order")
    )
    assert len(items) == 9
    for missing in items:
        ready_for(org, deal, 2)
        opportunity_tick(
            actor=org["rep1"], opportunity=deal, item_ids={i.pk for i in items if i != missing}
        )
        with override("en"), pytest.raises(ValidationError) as refused:
            move(org, deal, 2, T0)
        assert refused.value.messages == [f"Level {missing.stage.level}: {missing.text}"]
        deal.refresh_from_db()
        assert deal.stage.level == 1
    assert StageChange.objects.filter(opportunity=deal).count() == 1  # only "created"


def test_level_2_needs_a_primary_contact_and_a_decision_maker(org, customer):
    deal = new_deal(org, customer)
    items = set(ChecklistItem.objects.filter(stage__level__lte=2).values_list("pk", flat=True))
    opportunity_tick(actor=org["rep1"], opportunity=deal, item_ids=items)
    with override("en"), pytest.raises(ValidationError) as refused:
        move(org, deal, 2, T0)
    assert refused.value.messages == [
        "Level 2: mark the primary contact of the deal",
        "Level 2: name the decision maker on the deal",
    ]


def test_jumping_levels_needs_every_item_below(org, customer):
    deal = new_deal(org, customer)
    ready_for(org, deal, 2)
    with pytest.raises(ValidationError) as refused:
        move(org, deal, 4, T0)
    assert len(refused.value.messages) == 7  # the 4 items of level 3 and the 3 of level 4
    ready_for(org, deal, 4)
    assert move(org, deal, 4, T0).stage.level == 4


def test_moving_back_is_allowed_and_recorded(org, customer):
    deal = new_deal(org, customer)
    ready_for(org, deal, 3)
    move(org, deal, 3, T0 + timedelta(days=1))
    move(org, deal, 2, T0 + timedelta(days=2))
    change = StageChange.objects.filter(opportunity=deal).latest("pk")
    assert (change.kind, change.from_level, change.to_level, change.changed_by) == (
        "moved_back",
        3,
        2,
        org["rep1"],
    )


def test_level_6_is_refused_by_hand_and_reached_only_through_collection(org, customer):
    deal = new_deal(org, customer)
    ready_for(org, deal, 5)
    with pytest.raises(ValidationError):
        move(org, deal, 6, T0)
    with pytest.raises(ValidationError):
        opportunity_mark_collected(opportunity=deal)  # level 1: not committed
    move(org, deal, 5, T0 + timedelta(days=3))
    deal.refresh_from_db()
    assert deal.committed_at == T0 + timedelta(days=3)
    collected = opportunity_mark_collected(opportunity=deal, now=T0 + timedelta(days=40))
    again = opportunity_mark_collected(opportunity=deal, now=T0 + timedelta(days=50))
    assert (collected.stage.level, collected.status) == (6, "won")
    assert again.closed_at == T0 + timedelta(days=40)
    final = StageChange.objects.filter(opportunity=deal).latest("pk")
    assert (final.kind, final.to_level, final.changed_by) == ("collected", 6, None)


def test_lost_deals_need_a_reason_and_do_not_move(org, customer):
    deal = new_deal(org, customer)
    reason = LostReason.objects.get(name="价格偏高")
    opportunity_mark_lost(actor=org["rep1"], opportunity=deal, reason=reason, competitor="西门子")
    with pytest.raises(ValidationError):
        move(org, deal, 2, T0)
    opportunity_reopen(actor=org["rep1"], opportunity=deal)
    deal.refresh_from_db()
    assert (deal.status, deal.lost_reason, deal.competitor) == ("open", None, "")


def test_finance_cannot_work_the_funnel(org, customer):
    with pytest.raises(NotPermitted):
        opportunity_create(
            actor=org["finance1"],
            customer=customer,
            name="x",
            amount=D("1"),
            expected_close=date(2026, 12, 1),
        )
    assert not Opportunity.objects.exists()


# --- Metrics on a hand-made history -------------------------------------------------------------
#
# A: created 10-01, L2 10-05, L3 10-15, L4 11-04 (stays)            amount 100 000
# B: created 10-01, L2 10-11, lost 10-21                             amount 200 000
# C: created 10-01 (stays at L1)                                     amount 300 000
# D: created 10-01, L2 10-03, L3 10-06, L4 10-09, L5 10-12 (commit)  amount 400 000


@pytest.fixture
def history(org, customer):
    a = new_deal(org, customer, "100000", name="A")
    b = new_deal(org, customer, "200000", name="B")
    c = new_deal(org, customer, "300000", name="C", close=date(2027, 3, 1))
    d = new_deal(org, customer, "400000", name="D")
    for deal in (a, b, d):
        ready_for(org, deal, 5)
    day = lambda n: T0 + timedelta(days=n)  # noqa: E731
    move(org, a, 2, day(4)), move(org, a, 3, day(14)), move(org, a, 4, day(34))
    move(org, b, 2, day(10))
    opportunity_mark_lost(
        actor=org["rep1"],
        opportunity=b,
        reason=LostReason.objects.first(),
        competitor="汇川技术",
        now=day(20),
    )
    for level, n in ((2, 2), (3, 5), (4, 8), (5, 11)):
        move(org, d, level, day(n))
    SalesTarget.objects.create(
        owner=org["rep1"],
        period="quarter",
        period_start=date(2026, 10, 1),
        sales_target=D("1000000"),
    )
    return {"A": a, "B": b, "C": c, "D": d}


def test_conversion_and_days_per_stage(org, history):
    funnel = funnel_selectors.funnel(user=org["rep1"], as_of=date(2026, 11, 23))
    conversion = {row.stage.level: row.conversion for row in funnel.levels if row.conversion}
    # Reached: L1 4, L2 3 (A, B, D), L3 2 (A, D), L4 2, L5 1 (D).
    assert [(c.reached, c.advanced) for c in conversion.values()] == [
        (4, 3),
        (3, 2),
        (2, 2),
        (2, 1),
        (1, 0),
    ]
    assert conversion[1].rate == D("0.7500")
    assert conversion[2].rate == D("0.6667")
    days = {row.stage.level: row.avg_days for row in funnel.levels}
    # Stays ended by a move up or down (a loss is not a move, so B's time at L2 is left out):
    # L1 A 4, B 10, D 2 → 5.3; L2 A 10, D 3 → 6.5; L3 A 20, D 3 → 11.5; L4 D 3 → 3.0.
    assert days[1] == D("5.3")
    assert days[2] == D("6.5")
    assert days[3] == D("11.5")
    assert days[4] == D("3.0")


def test_pipeline_target_achieved_and_v_value(org, history):
    funnel = funnel_selectors.funnel(user=org["rep1"], as_of=date(2026, 11, 23))
    # Open: A (L4, 75 %) 75 000 + C (L1, 10 %) 30 000 + D (L5, 90 %) 360 000.
    assert funnel.weighted_total == D("465000.00")
    assert (funnel.open_count, funnel.open_amount) == (3, D("800000.00"))
    assert funnel.target == D("1000000.00")
    assert funnel.achieved == D("400000.00")  # D committed on 10-12
    # For the target: uncommitted deals closing by 12-31: A only (C closes in 2027).
    assert funnel.pipeline_for_target == D("75000.00")
    assert funnel.v_value == D("0.13")  # 75 000 ÷ (1 000 000 − 400 000) = 0.125, half up
    assert funnel.coverage == D("0.4750")  # (400 000 + 75 000) ÷ 1 000 000
    assert (funnel.won_count, funnel.lost_count) == (1, 1)
    assert funnel.lost_by_competitor == [
        {"competitor": "汇川技术", "n": 1, "total": D("200000.00")}
    ]


def test_pure_metric_edges():
    assert metrics.v_value(pipeline=D("100"), target=D("100"), achieved=D("100")) is None
    assert metrics.v_value(pipeline=D("150"), target=D("200"), achieved=D("100")) == D("1.50")
    assert metrics.weighted_pipeline([]) == D("0.00")
    assert metrics.stage_conversion([], levels=[1, 2, 3])[0].rate is None
    assert metrics.days_per_stage([]) == {}


def test_services_refuse_a_deal_outside_the_actors_scope(org, customer):
    deal = new_deal(org, customer)
    ready_for(org, deal, 2)
    for outsider in ("rep2", "manager2"):
        with pytest.raises(NotPermitted):
            opportunity_move(actor=org[outsider], opportunity=deal, to_level=2)
        with pytest.raises(NotPermitted):
            opportunity_mark_lost(
                actor=org[outsider], opportunity=deal, reason=LostReason.objects.first()
            )
    deal.refresh_from_db()
    assert (deal.stage.level, deal.status) == (1, "open")
    assert opportunity_move(actor=org["manager1"], opportunity=deal, to_level=2).stage.level == 2


def test_closed_deals_keep_their_figures(org, customer):
    deal = new_deal(org, customer)
    opportunity_mark_lost(actor=org["rep1"], opportunity=deal, reason=LostReason.objects.first())
    with pytest.raises(ValidationError):
        opportunity_update(actor=org["rep1"], opportunity=deal, amount=D("1"))
    deal.refresh_from_db()
    assert deal.amount == D("100000.00")


def test_deals_follow_their_customer_when_it_changes_hands(
    org, customer, django_capture_on_commit_callbacks
):
    from customers.services.customers import customer_reassign

    open_deal = new_deal(org, customer, name="进行中")
    lost_deal = new_deal(org, customer, name="已输")
    opportunity_mark_lost(
        actor=org["rep1"], opportunity=lost_deal, reason=LostReason.objects.first()
    )
    with django_capture_on_commit_callbacks(execute=True):
        customer_reassign(
            actor=org["manager1"], customer=customer, new_owner=org["rep2"], reason="rep1 调岗"
        )
    assert not Opportunity.objects.visible_to(org["rep1"]).exists()
    assert set(Opportunity.objects.visible_to(org["rep2"])) == {open_deal, lost_deal}
    open_deal.refresh_from_db()
    lost_deal.refresh_from_db()
    assert (open_deal.owner, lost_deal.owner) == (org["rep2"], org["rep1"])  # credit stays
    with pytest.raises(NotPermitted):
        opportunity_move(actor=org["rep1"], opportunity=open_deal, to_level=1)


def test_a_deal_moved_back_below_commitment_counts_once(org, customer):
    deal = new_deal(org, customer, "100000")
    ready_for(org, deal, 5)
    move(org, deal, 5, T0 + timedelta(days=1))
    move(org, deal, 3, T0 + timedelta(days=2))
    funnel = funnel_selectors.funnel(user=org["rep1"], as_of=date(2026, 11, 23))
    assert funnel.achieved == D("0.00")
    assert funnel.pipeline_for_target == D("50000.00")  # level 3 at 50 %
    assert funnel.won_count == 0
