"""Deal writes besides the gates: create and who may, update, the checklist, deal contacts,
follow-ups pointing at a deal; and the reads by scope: list, checklist, board, review."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import override

from customers.models import FollowUp
from opportunities.models import (
    ChecklistItem,
    ChecklistTick,
    DealContact,
    LostReason,
    Opportunity,
    StageChange,
)
from opportunities.selectors import deals as deal_selectors
from opportunities.selectors import funnel as funnel_selectors
from opportunities.services.contacts import deal_contact_remove, deal_contact_set
from opportunities.services.deals import opportunity_create, opportunity_reopen, opportunity_update
from opportunities.services.followups import deal_followup_log
from opportunities.services.stages import opportunity_mark_collected, opportunity_tick
from salesops.core.errors import NotPermitted
from tests.opportunities.funnel_helpers import (
    at,
    lose,
    make_customer,
    move,
    new_deal,
    ready_for,
)

pytestmark = pytest.mark.django_db
T0 = at(10, 1)


@pytest.fixture
def customers(org):
    return {
        rep: make_customer(org[rep], name)
        for rep, name in (("rep1", "甲公司"), ("rep2", "乙公司"), ("rep3", "丙公司"))
    }


@pytest.fixture
def deal(org, customers):
    return new_deal(org["rep1"], customers["rep1"], when=T0)


def nothing_created() -> bool:
    return not Opportunity.objects.exists() and not StageChange.objects.exists()


# --- Create and who may -------------------------------------------------------------------------


def test_a_rep_creates_a_deal_on_their_customer_owned_by_them(org, customers):
    deal = opportunity_create(
        actor=org["rep1"],
        customer=customers["rep1"],
        name="  产线改造 ",
        amount=Decimal("500000"),
        expected_close=date(2026, 12, 31),
        source="exhibition",
        description="二期",
        now=T0,
    )

    deal.refresh_from_db()
    assert (deal.name, deal.amount, deal.expected_close) == (
        "产线改造",
        Decimal("500000.00"),
        date(2026, 12, 31),
    )
    assert (deal.owner, deal.customer, deal.source, deal.description) == (
        org["rep1"],
        customers["rep1"],
        "exhibition",
        "二期",
    )
    assert (deal.stage.level, deal.status, deal.created_at) == (1, "open", T0)
    assert deal.weighted_amount == Decimal("50000.00")


def test_a_deal_needs_a_positive_amount(org, customers):
    with pytest.raises(ValidationError) as refused:
        new_deal(org["rep1"], customers["rep1"], amount="0")
    assert set(refused.value.message_dict) == {"amount"}
    assert nothing_created()


def test_finance_cannot_create_a_deal(org, customers):
    with override("en"), pytest.raises(NotPermitted) as refused:
        new_deal(org["finance1"], customers["rep1"])
    assert str(refused.value) == "Your role may not change opportunities."
    assert nothing_created()


@pytest.mark.parametrize(
    "write",
    [
        lambda who, deal: move(who, deal, 1, T0),
        lambda who, deal: opportunity_tick(actor=who, opportunity=deal, item_ids=set()),
        lambda who, deal: opportunity_update(actor=who, opportunity=deal, name="改名"),
        lambda who, deal: lose(who, deal, T0),
        lambda who, deal: opportunity_reopen(actor=who, opportunity=deal),
        lambda who, deal: deal_contact_set(
            actor=who,
            opportunity=deal,
            contact=deal.customer.contacts.get(name="王总"),
            role="decision_maker",
        ),
        lambda who, deal: deal_contact_remove(
            actor=who, opportunity=deal, contact=deal.customer.contacts.get(name="王总")
        ),
    ],
    ids=["move", "tick", "update", "lose", "reopen", "contact-set", "contact-remove"],
)
def test_finance_cannot_work_a_deal(org, deal, write):
    with pytest.raises(NotPermitted):
        write(org["finance1"], deal)
    deal.refresh_from_db()
    assert (deal.name, deal.stage.level, deal.status) == ("产线改造", 1, "open")
    assert StageChange.objects.filter(opportunity=deal).count() == 1
    assert not DealContact.objects.exists()


@pytest.mark.parametrize("other", ["rep2", "rep3"])
def test_a_rep_cannot_create_a_deal_on_another_reps_customer(org, customers, other):
    with override("en"), pytest.raises(NotPermitted) as refused:
        new_deal(org["rep1"], customers[other])
    assert str(refused.value) == "You cannot add deals to this customer."
    assert nothing_created()


def test_a_rep_cannot_give_a_deal_to_someone_else(org, customers):
    with override("en"), pytest.raises(ValidationError) as refused:
        new_deal(org["rep1"], customers["rep1"], owner=org["rep2"])
    assert refused.value.message_dict == {
        "owner": ["Only a manager may give a deal to someone else."]
    }
    assert nothing_created()


def test_a_manager_creates_deals_for_their_team(org, customers):
    # default owner: the customer's owner, not the manager
    for_rep1 = new_deal(org["manager1"], customers["rep1"], name="默认")
    # or another member of the team
    for_rep2 = new_deal(org["manager1"], customers["rep1"], name="转给 rep2", owner=org["rep2"])

    assert (for_rep1.owner, for_rep2.owner) == (org["rep1"], org["rep2"])
    assert StageChange.objects.get(opportunity=for_rep2).changed_by == org["manager1"]


def test_a_manager_cannot_give_a_deal_outside_their_team(org, customers):
    with override("en"), pytest.raises(ValidationError) as refused:
        new_deal(org["manager1"], customers["rep1"], owner=org["rep3"])
    assert refused.value.message_dict == {"owner": ["You cannot make this user the owner."]}
    assert nothing_created()


def test_a_manager_cannot_create_deals_on_another_teams_customer(org, customers):
    with pytest.raises(NotPermitted):
        new_deal(org["manager1"], customers["rep3"])
    assert nothing_created()


def test_an_admin_creates_a_deal_for_anyone(org, customers):
    deal = new_deal(org["admin"], customers["rep3"], owner=org["rep1"])
    assert (deal.owner, deal.customer.owner) == (org["rep1"], org["rep3"])


# --- Update -------------------------------------------------------------------------------------


def test_update_changes_the_allowed_fields_only(org, deal):
    updated = opportunity_update(
        actor=org["rep1"],
        opportunity=deal,
        name="产线改造二期",
        amount=Decimal("650000"),
        expected_close=date(2027, 1, 31),
    )
    assert (updated.name, updated.amount, updated.expected_close) == (
        "产线改造二期",
        Decimal("650000"),
        date(2027, 1, 31),
    )

    with pytest.raises(TypeError, match="stage"):
        opportunity_update(actor=org["rep1"], opportunity=deal, stage=None)
    with pytest.raises(ValidationError):
        opportunity_update(actor=org["rep1"], opportunity=deal, amount=Decimal("-1"))
    deal.refresh_from_db()
    assert (deal.amount, deal.stage.level) == (Decimal("650000.00"), 1)


# --- The checklist ------------------------------------------------------------------------------


def test_ticking_makes_exactly_the_given_items_ticked_with_who_and_when(org, deal):
    first, second, third = ChecklistItem.objects.filter(stage__level=1)[:3]
    opportunity_tick(actor=org["rep1"], opportunity=deal, item_ids={first.pk, second.pk}, now=T0)
    opportunity_tick(
        actor=org["manager1"],
        opportunity=deal,
        item_ids={second.pk, third.pk},
        now=T0 + timedelta(hours=1),
    )

    ticks = list(
        ChecklistTick.objects.filter(opportunity=deal)
        .order_by("item__sort_order")
        .values_list("item_id", "ticked_by__username", "ticked_at")
    )
    assert ticks == [
        (second.pk, "rep1", T0),  # kept as it was
        (third.pk, "manager1", T0 + timedelta(hours=1)),
    ]


def test_an_unknown_or_inactive_item_is_refused_and_nothing_is_ticked(org, deal):
    first = ChecklistItem.objects.filter(stage__level=1).first()
    retired = ChecklistItem.objects.filter(stage__level=2).first()
    retired.active = False
    retired.save()
    opportunity_tick(actor=org["rep1"], opportunity=deal, item_ids={first.pk})

    for bad in ({first.pk, 999_999}, {first.pk, retired.pk}):
        with override("en"), pytest.raises(ValidationError) as refused:
            opportunity_tick(actor=org["rep1"], opportunity=deal, item_ids=bad)
        assert refused.value.messages == ["Unknown checklist item."]
        assert set(deal.ticks.values_list("item_id", flat=True)) == {first.pk}


def test_checklist_by_level_lists_active_items_of_levels_1_to_5_with_their_ticks(org, deal):
    retired = ChecklistItem.objects.get(stage__level=3, sort_order=4)
    retired.active = False
    retired.save()
    ticked = ChecklistItem.objects.get(stage__level=2, sort_order=2)
    opportunity_tick(actor=org["rep1"], opportunity=deal, item_ids={ticked.pk})

    checklist = deal_selectors.checklist_by_level(deal)

    assert [(stage.level, len(items)) for stage, items in checklist] == [
        (1, 5),
        (2, 4),
        (3, 3),
        (4, 3),
        (5, 3),
    ]
    level_2 = checklist[1][1]
    assert [(item.sort_order, done) for item, done in level_2] == [
        (1, False),
        (2, True),
        (3, False),
        (4, False),
    ]
    assert retired not in [item for _stage, items in checklist for item, _done in items]


# --- Deal contacts ------------------------------------------------------------------------------


def test_a_deal_contact_must_be_a_contact_of_the_deals_customer(org, customers, deal):
    stranger = customers["rep2"].contacts.get(name="王总")
    with override("en"), pytest.raises(ValidationError) as refused:
        deal_contact_set(
            actor=org["rep1"], opportunity=deal, contact=stranger, role="decision_maker"
        )
    assert refused.value.message_dict == {
        "contact": ["This person is a contact of another customer."]
    }
    assert not DealContact.objects.exists()


@pytest.mark.parametrize("role", ["", "boss", "Decision maker"])
def test_a_deal_contact_needs_a_valid_role(org, deal, role):
    with override("en"), pytest.raises(ValidationError) as refused:
        deal_contact_set(
            actor=org["rep1"],
            opportunity=deal,
            contact=deal.customer.contacts.get(name="王总"),
            role=role,
        )
    assert refused.value.message_dict == {"role": ["Choose a role."]}
    assert not DealContact.objects.exists()


def test_marking_a_contact_primary_unmarks_the_others(org, deal):
    wang, li = deal.customer.contacts.get(name="王总"), deal.customer.contacts.get(name="李工")
    deal_contact_set(
        actor=org["rep1"], opportunity=deal, contact=wang, role="decision_maker", is_primary=True
    )
    deal_contact_set(
        actor=org["rep1"], opportunity=deal, contact=li, role="purchaser", is_primary=True
    )

    rows = set(deal.deal_contacts.values_list("contact__name", "role", "is_primary"))
    assert rows == {("王总", "decision_maker", False), ("李工", "purchaser", True)}


def test_setting_a_contact_again_changes_its_role_in_place(org, deal):
    wang = deal.customer.contacts.get(name="王总")
    deal_contact_set(
        actor=org["rep1"], opportunity=deal, contact=wang, role="influencer", is_primary=True
    )
    deal_contact_set(
        actor=org["rep1"], opportunity=deal, contact=wang, role="decision_maker", is_primary=True
    )
    assert list(deal.deal_contacts.values_list("contact__name", "role", "is_primary")) == [
        ("王总", "decision_maker", True)
    ]
    deal_contact_remove(actor=org["rep1"], opportunity=deal, contact=wang)
    assert not deal.deal_contacts.exists()


def test_the_database_allows_one_primary_contact_per_deal(org, deal):
    wang, li = deal.customer.contacts.get(name="王总"), deal.customer.contacts.get(name="李工")
    DealContact.objects.create(
        opportunity=deal, contact=wang, role="decision_maker", is_primary=True
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        DealContact.objects.create(opportunity=deal, contact=li, role="purchaser", is_primary=True)
    # a second non-primary one is fine
    DealContact.objects.create(opportunity=deal, contact=li, role="purchaser", is_primary=False)
    assert deal.deal_contacts.count() == 2


# --- Follow-ups about a deal --------------------------------------------------------------------


def test_a_follow_up_may_point_at_a_deal_of_the_same_customer(org, deal):
    now = timezone.now()
    followup = deal_followup_log(
        actor=org["rep1"],
        customer=deal.customer,
        occurred_at=now - timedelta(hours=1),
        channel="visit",
        content="方案交流",
        opportunity=deal,
        now=now,
    )
    assert followup.deal_link.opportunity == deal
    assert list(deal.followups.all()) == [followup]
    kinds = [kind for _when, kind, _item in deal_selectors.timeline(opportunity=deal)]
    assert kinds == ["followup", "stage"]


def test_a_follow_up_cannot_point_at_another_customers_deal(org, customers, deal):
    now = timezone.now()
    with override("en"), pytest.raises(ValidationError) as refused:
        deal_followup_log(
            actor=org["rep2"],
            customer=customers["rep2"],
            occurred_at=now - timedelta(hours=1),
            channel="phone",
            content="电话沟通",
            opportunity=deal,
            now=now,
        )
    assert refused.value.message_dict == {
        "opportunity": ["This opportunity belongs to another customer."]
    }
    assert not FollowUp.objects.exists()
    customers["rep2"].refresh_from_db()
    assert customers["rep2"].last_followup_at is None


# --- Reads by scope -----------------------------------------------------------------------------


@pytest.fixture
def three_deals(org, customers):
    return {rep: new_deal(org[rep], customers[rep], name=f"{rep} 的商机") for rep in customers}


@pytest.mark.parametrize(
    ("viewer", "sees"),
    [
        ("rep1", {"rep1"}),
        ("rep2", {"rep2"}),
        ("manager1", {"rep1", "rep2"}),
        ("manager2", {"rep3"}),
        ("finance1", {"rep1", "rep2", "rep3"}),
        ("admin", {"rep1", "rep2", "rep3"}),
    ],
)
def test_the_deal_list_is_scoped_to_what_the_user_may_see(org, three_deals, viewer, sees):
    names = set(deal_selectors.opportunity_list(user=org[viewer]).values_list("name", flat=True))
    assert names == {f"{rep} 的商机" for rep in sees}


def test_the_board_shows_open_deals_by_level_and_recent_collections(org, customers):
    rep1, customer = org["rep1"], customers["rep1"]
    now = timezone.now()
    open_l2 = new_deal(rep1, customer, name="L2", when=now - timedelta(days=5))
    ready_for(rep1, open_l2, 2)
    move(rep1, open_l2, 2, now - timedelta(days=4))
    new_deal(rep1, customer, name="L1", when=now - timedelta(days=5))
    lose(rep1, new_deal(rep1, customer, name="输单", when=now - timedelta(days=5)), now)
    for name, collected_days_ago in (("刚回款", 3), ("早回款", 45)):
        won = new_deal(rep1, customer, name=name, when=now - timedelta(days=90))
        ready_for(rep1, won, 5)
        move(rep1, won, 5, now - timedelta(days=80))
        opportunity_mark_collected(opportunity=won, now=now - timedelta(days=collected_days_ago))
    new_deal(org["rep2"], customers["rep2"], name="别人的")

    board = deal_selectors.board(user=rep1)

    assert [(c.stage.level, [d.name for d in c.deals]) for c in board] == [
        (1, ["L1"]),
        (2, ["L2"]),
        (3, []),
        (4, []),
        (5, []),
        (6, ["刚回款"]),
    ]


def test_the_business_review_lists_one_reps_deals_only(org, customers):
    rep1, as_of = org["rep1"], date(2026, 11, 23)
    stalled = new_deal(rep1, customers["rep1"], name="停滞", when=at(9, 1))
    fresh = new_deal(rep1, customers["rep1"], name="新", when=at(11, 20))
    lost_recently = new_deal(rep1, customers["rep1"], name="近期输单", when=at(9, 1))
    lose(rep1, lost_recently, at(11, 1))
    lost_long_ago = new_deal(rep1, customers["rep1"], name="早前输单", when=at(3, 1))
    lose(rep1, lost_long_ago, at(4, 1))
    lost_after = new_deal(rep1, customers["rep1"], name="之后输单", when=at(9, 1))
    lose(rep1, lost_after, at(12, 1))
    for name, collected in (("近期回款", at(11, 10)), ("之后回款", at(12, 10))):
        won = new_deal(rep1, customers["rep1"], name=name, when=at(8, 1))
        ready_for(rep1, won, 5)
        move(rep1, won, 5, at(9, 1))
        opportunity_mark_collected(opportunity=won, now=collected)
    new_deal(org["rep2"], customers["rep2"], name="rep2 的商机")

    review = funnel_selectors.review(user=org["manager1"], rep=rep1, as_of=as_of)

    assert {d.name for d in review["open"]} == {stalled.name, fresh.name}
    assert [d.name for d in review["stalled"]] == ["停滞"]
    assert [d.name for d in review["lost"]] == ["近期输单"]
    assert [d.name for d in review["won"]] == ["近期回款"]
    funnel = review["funnel"]
    assert (funnel.open_count, funnel.won_count, funnel.lost_count) == (2, 2, 3)
    # another rep's manager sees nothing of rep1
    other = funnel_selectors.review(user=org["manager2"], rep=rep1, as_of=as_of)
    assert (other["open"], other["lost"], other["funnel"].open_count) == ([], [], 0)


def test_lost_reasons_are_seeded_in_order():
    assert list(LostReason.objects.values_list("name", flat=True)) == [
        "价格偏高",
        "技术方案不符",
        "客户关系不足",
        "交期无法满足",
        "预算取消或项目搁置",
        "竞争对手更强",
        "其他",
    ]
