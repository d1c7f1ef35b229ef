"""Logging follow-ups: cadence moves on, the 24-hour rule, refusals write nothing."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from customers.models import FollowUp
from customers.services.customers import contact_save, customer_create
from customers.services.followups import followup_log, followup_next_step_done
from salesops.core.errors import NotPermitted

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
NOV_1 = datetime(2026, 11, 1, 9, 0, tzinfo=SH)
NOV_20_3PM = datetime(2026, 11, 20, 15, 0, tzinfo=SH)


@pytest.fixture
def customer(org):
    return customer_create(actor=org["rep1"], now=NOV_1, name="上海润华精密机械有限公司", tier="A")


def log(org, customer, *, occurred=NOV_20_3PM, now=None, channel="visit", **extra):
    return followup_log(
        actor=org["rep1"],
        customer=customer,
        occurred_at=occurred,
        channel=channel,
        content=extra.pop("content", "拜访王总，确认需求"),
        now=now or occurred + timedelta(hours=1),
        **extra,
    )


def test_logging_moves_the_customers_cadence(org, customer):
    followup = log(org, customer)
    customer.refresh_from_db()
    assert customer.last_followup_at == NOV_20_3PM
    assert customer.next_followup_due == date(2026, 11, 27)  # tier A: every 7 days
    assert (followup.author, followup.is_late) == (org["rep1"], False)


def test_entry_within_24_hours_is_on_time_and_after_is_flagged_late(org, customer):
    on_time = log(org, customer, now=NOV_20_3PM + timedelta(hours=24))
    late = log(org, customer, now=NOV_20_3PM + timedelta(hours=24, minutes=1))
    assert (on_time.is_late, late.is_late) == (False, True)


def test_an_older_entry_does_not_move_the_last_contact_back(org, customer):
    log(org, customer)
    log(org, customer, occurred=NOV_20_3PM - timedelta(days=5), now=NOV_20_3PM + timedelta(hours=2))
    customer.refresh_from_db()
    assert customer.last_followup_at == NOV_20_3PM
    assert customer.next_followup_due == date(2026, 11, 27)


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"occurred": NOV_20_3PM + timedelta(hours=1), "now": NOV_20_3PM}, "occurred_at"),
        ({"content": "   "}, "content"),
        ({"next_step_due": date(2026, 11, 25)}, "next_step"),
        ({"next_step": "寄样品", "next_step_due": date(2026, 11, 19)}, "next_step_due"),
        ({"channel": "fax"}, "channel"),
    ],
)
def test_bad_entries_are_refused_and_nothing_moves(org, customer, extra, field):
    before, visit_before = customer.next_followup_due, customer.next_visit_due
    if "channel" in extra:
        with pytest.raises(ValidationError) as exc:
            followup_log(
                actor=org["rep1"],
                customer=customer,
                occurred_at=NOV_20_3PM,
                channel="fax",
                content="x",
                now=NOV_20_3PM,
            )
    else:
        with pytest.raises(ValidationError) as exc:
            log(org, customer, **extra)
    assert field in exc.value.message_dict
    assert FollowUp.objects.count() == 0
    customer.refresh_from_db()
    assert (customer.last_followup_at, customer.next_followup_due) == (None, before)
    assert (customer.last_visit_at, customer.next_visit_due) == (None, visit_before)


def test_tier_a_visited_8_days_ago_and_phoned_yesterday_is_visit_overdue_but_followed_up(
    org, customer
):
    # Given a tier-A customer (follow up every 7 days, visit every 7 days), today 2026-11-20
    visit = datetime(2026, 11, 12, 10, 0, tzinfo=SH)
    call = datetime(2026, 11, 19, 16, 0, tzinfo=SH)
    # When the rep visited on 11-12 and phoned on 11-19
    log(org, customer, occurred=visit, channel="visit")
    log(org, customer, occurred=call, channel="phone", content="电话确认报价")
    # Then the follow-up cadence counts the call, the visit cadence only the visit
    customer.refresh_from_db()
    assert (customer.last_followup_at, customer.next_followup_due) == (call, date(2026, 11, 26))
    assert (customer.last_visit_at, customer.next_visit_due) == (visit, date(2026, 11, 19))
    today = date(2026, 11, 20)
    assert (customer.is_visit_overdue(today), customer.is_overdue(today)) == (True, False)


def test_a_visit_older_than_the_last_call_still_moves_the_visit_clock(org, customer):
    call = datetime(2026, 11, 19, 16, 0, tzinfo=SH)
    visit = datetime(2026, 11, 15, 10, 0, tzinfo=SH)
    log(org, customer, occurred=call, channel="phone")
    log(org, customer, occurred=visit, channel="visit", now=call + timedelta(hours=1))
    customer.refresh_from_db()
    assert (customer.last_followup_at, customer.next_followup_due) == (call, date(2026, 11, 26))
    assert (customer.last_visit_at, customer.next_visit_due) == (visit, date(2026, 11, 22))


def test_before_any_visit_the_visit_is_due_one_interval_after_ownership(org, customer):
    # Created 2026-11-01 as tier A: first visit due 11-08, and a call does not change that.
    log(org, customer, channel="phone")
    customer.refresh_from_db()
    assert (customer.last_visit_at, customer.next_visit_due) == (None, date(2026, 11, 8))


def test_tier_d_is_never_due_for_a_visit(org):
    customer = customer_create(actor=org["rep1"], now=NOV_1, name="长期维护客户", tier="D")
    assert customer.next_visit_due is None
    log(org, customer, channel="visit")
    customer.refresh_from_db()
    assert (customer.last_visit_at, customer.next_visit_due) == (NOV_20_3PM, None)
    assert customer.next_followup_due == date(2026, 12, 20)  # tier D: every 30 days


def test_contact_must_belong_to_the_customer(org, customer):
    other = customer_create(actor=org["rep1"], name="另一家公司")
    stranger = contact_save(actor=org["rep1"], customer=other, name="赵经理")
    with pytest.raises(ValidationError) as exc:
        log(org, customer, contact=stranger)
    assert "contact" in exc.value.message_dict
    assert FollowUp.objects.count() == 0


def test_finance_may_not_log_follow_ups(org, customer):
    with pytest.raises(NotPermitted):
        followup_log(
            actor=org["finance1"],
            customer=customer,
            occurred_at=NOV_20_3PM,
            channel="phone",
            content="催款",
            now=NOV_20_3PM,
        )
    assert FollowUp.objects.count() == 0


def test_next_step_done_once(org, customer):
    followup = log(org, customer, next_step="寄送报价", next_step_due=date(2026, 11, 22))
    done = followup_next_step_done(actor=org["rep1"], followup=followup, now=NOV_20_3PM)
    again = followup_next_step_done(
        actor=org["rep1"], followup=followup, now=NOV_20_3PM + timedelta(days=1)
    )
    assert done.next_step_done_at == again.next_step_done_at == NOV_20_3PM
    plain = log(org, customer)
    with pytest.raises(ValidationError):
        followup_next_step_done(actor=org["rep1"], followup=plain)
