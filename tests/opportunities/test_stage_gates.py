"""Stage gates (acceptance), moving back, level 6 through collection only, committed_at, losing
and reopening: every rule with exact messages and exact StageChange rows."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils.translation import override

from opportunities.models import (
    ChecklistItem,
    ChecklistTick,
    FunnelStage,
    LostReason,
    Opportunity,
    StageChange,
)
from opportunities.services.contacts import deal_contact_remove, deal_contact_set
from opportunities.services.deals import opportunity_mark_lost, opportunity_reopen
from opportunities.services.stages import (
    opportunity_mark_collected,
    opportunity_move,
    opportunity_tick,
)
from tests.opportunities.funnel_helpers import (
    STAGES,
    at,
    item_ids,
    lose,
    make_customer,
    move,
    name_contacts,
    new_deal,
    ready_for,
)

pytestmark = pytest.mark.django_db
T0 = at(10, 1)


@pytest.fixture
def rep1(org):
    return org["rep1"]


@pytest.fixture
def customer(rep1):
    return make_customer(rep1, "上海润华精密机械有限公司")


@pytest.fixture
def deal(rep1, customer):
    return new_deal(rep1, customer, when=T0)


def changes(deal) -> list[tuple]:
    return list(
        StageChange.objects.filter(opportunity=deal).values_list(
            "kind", "from_level", "to_level", "changed_at", "changed_by__username"
        )
    )


def snapshot(deal) -> tuple:
    """Everything a refused write must leave as it was."""
    deal = Opportunity.objects.get(pk=deal.pk)
    return (
        deal.stage.level,
        deal.status,
        deal.stage_entered_at,
        deal.committed_at,
        deal.closed_at,
        deal.lost_reason_id,
        StageChange.objects.filter(opportunity=deal).count(),
    )


def deal_at(rep, deal, level: int, when) -> Opportunity:
    ready_for(rep, deal, level)
    return move(rep, deal, level, when)


# --- The seeded funnel --------------------------------------------------------------------------


def test_the_seeded_funnel_has_six_levels_with_their_probabilities_and_checklists():
    stages = list(FunnelStage.objects.values_list("level", "name", "win_probability"))
    assert stages == [
        (1, "确定", Decimal("10.00")),
        (2, "接触", Decimal("25.00")),
        (3, "有资格", Decimal("50.00")),
        (4, "已发展", Decimal("75.00")),
        (5, "已承诺", Decimal("90.00")),
        (6, "安全收回全款", Decimal("100.00")),
    ]
    per_level = [
        ChecklistItem.objects.filter(stage__level=level, active=True).count()
        for level in range(1, 7)
    ]
    assert per_level == [5, 4, 4, 3, 3, 2]


def test_a_new_deal_starts_at_level_1_with_a_created_change(rep1, deal):
    assert (deal.stage.level, deal.status, deal.owner) == (1, "open", rep1)
    assert (deal.stage_entered_at, deal.created_at) == (T0, T0)
    assert (deal.committed_at, deal.closed_at) == (None, None)
    assert changes(deal) == [("created", None, 1, T0, "rep1")]


# --- Gates going up -----------------------------------------------------------------------------

GATED_ITEMS = [(level, text) for level, _name, _p, texts in STAGES if level <= 5 for text in texts]


@pytest.mark.parametrize(
    ("level", "text"), GATED_ITEMS, ids=[f"L{lv}-{t[:8]}" for lv, t in GATED_ITEMS]
)
def test_each_missing_checklist_item_blocks_the_move_with_its_own_message(rep1, deal, level, text):
    # given: every gate up to the item's level met except that one item
    missing = ChecklistItem.objects.get(stage__level=level, text=text)
    to_level = max(level, 2)  # a deal already stands on level 1
    opportunity_tick(actor=rep1, opportunity=deal, item_ids=item_ids(to_level, but=missing))
    name_contacts(rep1, deal)
    before = snapshot(deal)

    # when
    with override("en"), pytest.raises(ValidationError) as refused:
        move(rep1, deal, to_level, T0 + timedelta(days=1))

    # then: exactly that item is named, and nothing changed
    assert refused.value.messages == [f"Level {level}: {text}"]
    assert snapshot(deal) == before
    assert changes(deal) == [("created", None, 1, T0, "rep1")]


def test_gate_messages_are_translated_to_chinese(rep1, deal):
    missing = ChecklistItem.objects.get(stage__level=2, text="已安排会面")
    opportunity_tick(actor=rep1, opportunity=deal, item_ids=item_ids(2, but=missing))

    with override("zh-hans"), pytest.raises(ValidationError) as refused:
        move(rep1, deal, 2, T0)

    assert refused.value.messages == [
        "第 2 级：已安排会面",
        "第 2 级：请指定本商机的主要联系人",
        "第 2 级：请指定本商机的决策人",
    ]


@pytest.mark.parametrize(
    ("contacts", "expected"),
    [
        (
            [],
            [
                "Level 2: mark the primary contact of the deal",
                "Level 2: name the decision maker on the deal",
            ],
        ),
        ([("王总", "decision_maker", False)], ["Level 2: mark the primary contact of the deal"]),
        ([("李工", "purchaser", True)], ["Level 2: name the decision maker on the deal"]),
        ([("李工", "influencer", True), ("王总", "decision_maker", False)], []),
        ([("王总", "decision_maker", True)], []),
    ],
    ids=["none", "decision-maker-not-primary", "primary-not-decision-maker", "two", "one-both"],
)
def test_from_level_2_the_deal_needs_a_primary_contact_and_a_decision_maker(
    rep1, deal, contacts, expected
):
    # given: every checklist item of levels 1-2 ticked
    opportunity_tick(actor=rep1, opportunity=deal, item_ids=item_ids(2))
    for name, role, primary in contacts:
        deal_contact_set(
            actor=rep1,
            opportunity=deal,
            contact=deal.customer.contacts.get(name=name),
            role=role,
            is_primary=primary,
        )

    # when / then
    if expected:
        with override("en"), pytest.raises(ValidationError) as refused:
            move(rep1, deal, 2, T0)
        assert refused.value.messages == expected
        assert snapshot(deal)[0] == 1
        assert StageChange.objects.filter(opportunity=deal).count() == 1
    else:
        assert move(rep1, deal, 2, T0).stage.level == 2


def test_contacts_and_level_1_items_are_not_needed_to_stay_on_level_1_but_are_for_level_2(
    rep1, deal
):
    with override("en"), pytest.raises(ValidationError) as refused:
        move(rep1, deal, 2, T0)
    level_1_and_2 = [f"Level {lv}: {t}" for lv, t in GATED_ITEMS if lv <= 2]
    assert refused.value.messages == [
        *level_1_and_2,
        "Level 2: mark the primary contact of the deal",
        "Level 2: name the decision maker on the deal",
    ]


def test_jumping_several_levels_requires_every_intermediate_item(rep1, deal):
    # given: the gates of levels 1-2 met, none of 3-4
    ready_for(rep1, deal, 2)
    before = snapshot(deal)

    with override("en"), pytest.raises(ValidationError) as refused:
        move(rep1, deal, 4, T0 + timedelta(days=1))

    assert refused.value.messages == [f"Level {lv}: {t}" for lv, t in GATED_ITEMS if lv in (3, 4)]
    assert snapshot(deal) == before

    # when every item of levels 3-4 is ticked as well, the jump 1 → 4 is one ADVANCED change
    ready_for(rep1, deal, 4)
    moved = move(rep1, deal, 4, T0 + timedelta(days=2), note="  方案已认可 ")
    assert (moved.stage.level, moved.stage_entered_at) == (4, T0 + timedelta(days=2))
    last = StageChange.objects.filter(opportunity=deal).latest("pk")
    assert (last.kind, last.from_level, last.to_level, last.note) == (
        "advanced",
        1,
        4,
        "方案已认可",
    )


def test_lower_levels_are_checked_again_when_an_item_is_unticked(rep1, deal):
    # given: the deal stands on level 3, then one level-1 item is unticked
    deal_at(rep1, deal, 3, T0 + timedelta(days=1))
    first = ChecklistItem.objects.get(stage__level=1, sort_order=1)
    opportunity_tick(actor=rep1, opportunity=deal, item_ids=item_ids(4, but=first))
    before = snapshot(deal)

    with override("en"), pytest.raises(ValidationError) as refused:
        move(rep1, deal, 4, T0 + timedelta(days=2))

    assert refused.value.messages == ["Level 1: 已收集客户信息"]
    assert snapshot(deal) == before


def test_an_inactive_item_no_longer_blocks_the_move(rep1, deal):
    retired = ChecklistItem.objects.get(stage__level=2, text="每次会面均已记录")
    retired.active = False
    retired.save()
    ready_for(rep1, deal, 2)  # ticks only the active items

    moved = move(rep1, deal, 2, T0 + timedelta(days=1))

    assert moved.stage.level == 2
    assert not ChecklistTick.objects.filter(opportunity=deal, item=retired).exists()


def test_moving_to_the_current_level_changes_nothing(rep1, deal):
    before = snapshot(deal)
    assert move(rep1, deal, 1, T0 + timedelta(days=3)).stage.level == 1
    assert snapshot(deal) == before


@pytest.mark.parametrize("level", [0, 7])
def test_a_level_that_does_not_exist_is_refused(rep1, deal, level):
    before = snapshot(deal)
    with override("en"), pytest.raises(ValidationError) as refused:
        move(rep1, deal, level, T0)
    assert refused.value.messages == [f"There is no level {level}."]
    assert snapshot(deal) == before


# --- Going back ---------------------------------------------------------------------------------


def test_moving_back_needs_no_gate_and_is_recorded_with_levels_time_and_user(org, rep1, deal):
    # given: the deal on level 3, then every tick and contact removed
    deal_at(rep1, deal, 3, T0 + timedelta(days=1))
    opportunity_tick(actor=rep1, opportunity=deal, item_ids=set())
    for contact in deal.customer.contacts.all():
        deal_contact_remove(actor=rep1, opportunity=deal, contact=contact)

    # when: manager1 moves it back to level 1
    back = opportunity_move(
        actor=org["manager1"],
        opportunity=deal,
        to_level=1,
        note=" 客户预算冻结 ",
        now=T0 + timedelta(days=5),
    )

    # then
    assert (back.stage.level, back.status, back.stage_entered_at) == (
        1,
        "open",
        T0 + timedelta(days=5),
    )
    assert changes(deal) == [
        ("created", None, 1, T0, "rep1"),
        ("advanced", 1, 3, T0 + timedelta(days=1), "rep1"),
        ("moved_back", 3, 1, T0 + timedelta(days=5), "manager1"),
    ]
    assert StageChange.objects.filter(opportunity=deal).latest("pk").note == "客户预算冻结"


# --- committed_at -------------------------------------------------------------------------------


def test_committed_at_is_set_when_level_5_is_first_reached_and_kept_afterwards(rep1, deal):
    deal_at(rep1, deal, 4, T0 + timedelta(days=1))
    assert Opportunity.objects.get(pk=deal.pk).committed_at is None
    ready_for(rep1, deal, 5)

    move(rep1, deal, 5, T0 + timedelta(days=2))
    move(rep1, deal, 3, T0 + timedelta(days=3))
    move(rep1, deal, 5, T0 + timedelta(days=4))

    deal.refresh_from_db()
    assert deal.committed_at == T0 + timedelta(days=2)
    assert deal.stage_entered_at == T0 + timedelta(days=4)
    assert [c[:3] for c in changes(deal)] == [
        ("created", None, 1),
        ("advanced", 1, 4),
        ("advanced", 4, 5),
        ("moved_back", 5, 3),
        ("advanced", 3, 5),
    ]


def test_jumping_straight_to_level_5_commits_the_deal(rep1, deal):
    moved = deal_at(rep1, deal, 5, T0 + timedelta(days=7))
    assert (moved.stage.level, moved.committed_at) == (5, T0 + timedelta(days=7))


# --- Level 6: only through collection -----------------------------------------------------------


def test_level_6_cannot_be_set_by_hand_even_with_every_item_ticked(rep1, deal):
    deal_at(rep1, deal, 5, T0 + timedelta(days=1))
    opportunity_tick(actor=rep1, opportunity=deal, item_ids=item_ids(6))
    before = snapshot(deal)

    with override("en"), pytest.raises(ValidationError) as refused:
        move(rep1, deal, 6, T0 + timedelta(days=2))

    assert refused.value.messages == [
        "Level 6 is reached only when the contract's receivables are fully collected."
    ]
    assert snapshot(deal) == before


def test_mark_collected_takes_a_committed_deal_to_level_6_and_wins_it(rep1, deal):
    committed = T0 + timedelta(days=1)
    deal_at(rep1, deal, 5, committed)
    collected_at = T0 + timedelta(days=60)

    won = opportunity_mark_collected(opportunity=deal, now=collected_at)

    won.refresh_from_db()
    assert (won.stage.level, won.status) == (6, "won")
    assert (won.closed_at, won.stage_entered_at, won.committed_at) == (
        collected_at,
        collected_at,
        committed,
    )
    assert changes(deal)[-1] == ("collected", 5, 6, collected_at, None)


def test_marking_collected_a_second_time_changes_nothing(rep1, deal):
    deal_at(rep1, deal, 5, T0 + timedelta(days=1))
    opportunity_mark_collected(opportunity=deal, now=T0 + timedelta(days=60))
    before = snapshot(deal)

    again = opportunity_mark_collected(opportunity=deal, now=T0 + timedelta(days=90))

    assert (again.stage.level, again.status, again.closed_at) == (
        6,
        "won",
        T0 + timedelta(days=60),
    )
    assert snapshot(deal) == before


@pytest.mark.parametrize("level", [1, 3, 4])
def test_mark_collected_is_refused_below_level_5(rep1, deal, level):
    if level > 1:
        deal_at(rep1, deal, level, T0 + timedelta(days=1))
    before = snapshot(deal)

    with override("en"), pytest.raises(ValidationError) as refused:
        opportunity_mark_collected(opportunity=deal, now=T0 + timedelta(days=9))

    assert refused.value.messages == [
        "Only a committed deal (level 5) can be marked fully collected."
    ]
    assert snapshot(deal) == before


def test_mark_collected_is_refused_for_a_lost_deal_even_on_level_5(rep1, deal):
    deal_at(rep1, deal, 5, T0 + timedelta(days=1))
    lose(rep1, deal, T0 + timedelta(days=2))
    before = snapshot(deal)

    with pytest.raises(ValidationError):
        opportunity_mark_collected(opportunity=deal, now=T0 + timedelta(days=9))

    assert snapshot(deal) == before
    assert snapshot(deal)[:2] == (5, "lost")


def test_a_won_deal_cannot_move_back(rep1, deal):
    deal_at(rep1, deal, 5, T0 + timedelta(days=1))
    opportunity_mark_collected(opportunity=deal, now=T0 + timedelta(days=60))
    before = snapshot(deal)

    with override("en"), pytest.raises(ValidationError) as refused:
        move(rep1, deal, 4, T0 + timedelta(days=61))

    assert refused.value.messages == ["Only open deals move; reopen a lost deal first."]
    assert snapshot(deal) == before


# --- Lost and reopened --------------------------------------------------------------------------


def test_losing_records_reason_competitor_note_and_a_lost_change(rep1, deal):
    deal_at(rep1, deal, 3, T0 + timedelta(days=1))
    lost_at = T0 + timedelta(days=4)

    lost = lose(rep1, deal, lost_at, competitor=" 西门子 ", note=" 报价高 8% ")

    lost.refresh_from_db()
    assert (lost.status, lost.stage.level, lost.closed_at) == ("lost", 3, lost_at)
    assert (lost.lost_reason.name, lost.competitor, lost.lost_note) == (
        "价格偏高",
        "西门子",
        "报价高 8%",
    )
    assert changes(deal)[-1] == ("lost", 3, 3, lost_at, "rep1")
    assert StageChange.objects.filter(opportunity=deal).latest("pk").note == "价格偏高"


def test_losing_needs_a_lost_reason(rep1, deal):
    before = snapshot(deal)

    with override("en"), pytest.raises(ValidationError) as refused:
        opportunity_mark_lost(
            actor=rep1, opportunity=deal, reason=None, competitor="西门子", now=T0
        )

    assert refused.value.message_dict == {"reason": ["Choose why the deal was lost."]}
    assert snapshot(deal) == before
    assert Opportunity.objects.get(pk=deal.pk).competitor == ""


def test_only_an_open_deal_can_be_lost(rep1, deal, customer):
    lose(rep1, deal, T0 + timedelta(days=1))
    won = new_deal(rep1, customer, name="已回款")
    deal_at(rep1, won, 5, T0 + timedelta(days=1))
    opportunity_mark_collected(opportunity=won, now=T0 + timedelta(days=2))
    other = LostReason.objects.get(name="其他")

    for closed in (deal, won):
        before = snapshot(closed)
        with override("en"), pytest.raises(ValidationError) as refused:
            opportunity_mark_lost(actor=rep1, opportunity=closed, reason=other)
        assert refused.value.messages == ["Only an open deal can be lost."]
        assert snapshot(closed) == before


@pytest.mark.parametrize("to_level", [1, 3], ids=["back", "up"])
def test_a_lost_deal_cannot_move_up_or_back(rep1, deal, to_level):
    # given: a deal lost on level 2 whose gates up to level 3 are met
    deal_at(rep1, deal, 2, T0 + timedelta(days=1))
    ready_for(rep1, deal, 3)
    lose(rep1, deal, T0 + timedelta(days=2))
    before = snapshot(deal)

    with override("en"), pytest.raises(ValidationError) as refused:
        move(rep1, deal, to_level, T0 + timedelta(days=3))

    assert refused.value.messages == ["Only open deals move; reopen a lost deal first."]
    assert snapshot(deal) == before


def test_reopening_restores_an_open_deal_on_the_same_level(rep1, deal):
    deal_at(rep1, deal, 3, T0 + timedelta(days=1))
    committed_before = Opportunity.objects.get(pk=deal.pk).committed_at
    lose(rep1, deal, T0 + timedelta(days=2), competitor="西门子", note="价格")
    reopened_at = T0 + timedelta(days=10)

    reopened = opportunity_reopen(actor=rep1, opportunity=deal, now=reopened_at)

    reopened.refresh_from_db()
    assert (reopened.status, reopened.stage.level, reopened.stage_entered_at) == (
        "open",
        3,
        reopened_at,
    )
    assert (reopened.lost_reason, reopened.competitor, reopened.lost_note, reopened.closed_at) == (
        None,
        "",
        "",
        None,
    )
    assert reopened.committed_at == committed_before
    assert changes(deal)[-1] == ("reopened", 3, 3, reopened_at, "rep1")
    # and it moves again
    assert deal_at(rep1, deal, 4, T0 + timedelta(days=11)).stage.level == 4


@pytest.mark.parametrize("state", ["open", "won"])
def test_only_a_lost_deal_can_be_reopened(rep1, deal, state):
    if state == "won":
        deal_at(rep1, deal, 5, T0 + timedelta(days=1))
        opportunity_mark_collected(opportunity=deal, now=T0 + timedelta(days=2))
    before = snapshot(deal)

    with override("en"), pytest.raises(ValidationError) as refused:
        opportunity_reopen(actor=rep1, opportunity=deal, now=T0 + timedelta(days=3))

    assert refused.value.messages == ["Only a lost deal can be reopened."]
    assert snapshot(deal) == before
