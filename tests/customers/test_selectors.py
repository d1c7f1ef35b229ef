"""Reads: the due list (follow-ups and on-site visits, labelled apart) and compliance per rep."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from customers import selectors
from customers.services.customers import customer_create
from customers.services.followups import followup_log
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
FRI_NOV_20 = date(2026, 11, 20)  # its week ends on Sunday 11-22


def test_tier_a_visited_8_days_ago_and_phoned_yesterday_is_on_the_list_for_its_visit_only(org):
    # Given a tier-A customer visited on 11-12 and phoned on 11-19
    customer = customer_create(
        actor=org["rep1"], now=datetime(2026, 11, 1, 9, 0, tzinfo=SH), name="甲公司", tier="A"
    )
    for when, channel in (
        (datetime(2026, 11, 12, 10, 0, tzinfo=SH), "visit"),
        (datetime(2026, 11, 19, 16, 0, tzinfo=SH), "phone"),
    ):
        followup_log(
            actor=org["rep1"],
            customer=customer,
            occurred_at=when,
            channel=channel,
            content="沟通",
            now=when + timedelta(hours=1),
        )
    # When rep1 opens the due list on 11-20
    due = selectors.due_list(user=org["rep1"], as_of=FRI_NOV_20)
    # Then it is overdue for a visit (due 11-19) and not due for a follow-up (due 11-26)
    assert [(r.customer, r.visit_due, r.followup_due) for r in due.overdue] == [
        (customer, date(2026, 11, 19), None)
    ]
    assert (due.today, due.this_week) == ([], [])


def test_due_list_sections_follow_the_earliest_due_and_label_each_kind(org):
    rep = org["rep1"]
    both = CustomerFactory(
        name="两样都到期",
        owner=rep,
        tier="A",
        next_followup_due=date(2026, 11, 22),
        next_visit_due=date(2026, 11, 18),
    )
    followup_only = CustomerFactory(
        name="只需跟进",
        owner=rep,
        tier="B",
        next_followup_due=FRI_NOV_20,
        next_visit_due=date(2026, 12, 1),
    )
    visit_this_week = CustomerFactory(
        name="本周拜访",
        owner=rep,
        tier="C",
        next_followup_due=date(2026, 11, 28),
        next_visit_due=date(2026, 11, 21),
    )
    CustomerFactory(name="D级不拜访", owner=rep, tier="D", next_followup_due=date(2026, 12, 10))
    CustomerFactory(name="别人的", owner=org["rep2"], tier="A", next_visit_due=date(2026, 11, 1))
    due = selectors.due_list(user=rep, as_of=FRI_NOV_20)
    rows = lambda section: [(r.customer, r.followup_due, r.visit_due) for r in section]  # noqa: E731
    assert rows(due.overdue) == [(both, date(2026, 11, 22), date(2026, 11, 18))]
    assert rows(due.today) == [(followup_only, FRI_NOV_20, None)]
    assert rows(due.this_week) == [(visit_this_week, None, date(2026, 11, 21))]


def test_tier_d_customers_are_never_due_for_a_visit(org):
    customer = customer_create(
        actor=org["rep1"], now=datetime(2026, 1, 1, 9, 0, tzinfo=SH), name="老客户", tier="D"
    )
    due = selectors.due_list(user=org["rep1"], as_of=FRI_NOV_20)
    assert [(r.customer, r.visit_due) for r in due.overdue] == [(customer, None)]  # follow-up


def test_compliance_reports_follow_up_and_visit_shares_exactly(org):
    # Given, on 2026-11-23, rep1's customers:
    as_of = date(2026, 11, 23)
    day = timedelta(days=1)
    rep1, rep2 = org["rep1"], org["rep2"]
    CustomerFactory(owner=rep1, tier="A", next_followup_due=as_of, next_visit_due=as_of)
    CustomerFactory(owner=rep1, tier="A", next_followup_due=as_of + day, next_visit_due=as_of - day)
    CustomerFactory(owner=rep1, tier="B", next_followup_due=as_of - day, next_visit_due=as_of + day)
    CustomerFactory(owner=rep1, tier="C", next_followup_due=as_of - day, next_visit_due=as_of - day)
    CustomerFactory(owner=rep1, tier="D", next_followup_due=as_of, next_visit_due=None)
    # rep2: only a tier-D customer, so no visit share at all
    CustomerFactory(owner=rep2, tier="D", next_followup_due=as_of - day)
    CustomerFactory(owner=org["rep3"], tier="A", next_visit_due=as_of)  # another team
    # When manager1 reads compliance
    rows = selectors.followup_compliance(user=org["manager1"], as_of=as_of, since=as_of - 30 * day)
    summary = {
        r.owner.username: (
            r.customers,
            r.within_cadence,
            r.visit_customers,
            r.visits_within_cadence,
        )
        for r in rows
    }
    # Then follow-ups: 3 of 5 within, visits: 2 of the 4 customers with a visit interval
    assert summary == {"rep1": (5, 3, 4, 2), "rep2": (1, 0, 0, 0)}
    by_name = {r.owner.username: r for r in rows}
    assert (by_name["rep1"].rate, by_name["rep1"].visit_rate) == (0.6, 0.5)
    assert (by_name["rep2"].rate, by_name["rep2"].visit_rate) == (0.0, None)
