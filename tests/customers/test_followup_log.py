"""Logging follow-ups: cadence moves on, the 24-hour rule, refusals write nothing."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from customers.models import FollowUp
from customers.services.customers import contact_save, customer_create
from customers.services.followups import followup_log, followup_next_step_done

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
NOV_1 = datetime(2026, 11, 1, 9, 0, tzinfo=SH)
NOV_20_3PM = datetime(2026, 11, 20, 15, 0, tzinfo=SH)


@pytest.fixture
def customer(org):
    return customer_create(actor=org["rep1"], now=NOV_1, name="上海润华精密机械有限公司", tier="A")


def log(org, customer, *, occurred=NOV_20_3PM, now=None, **extra):
    return followup_log(
        actor=org["rep1"],
        customer=customer,
        occurred_at=occurred,
        channel="visit",
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
    before = customer.next_followup_due
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


def test_contact_must_belong_to_the_customer(org, customer):
    other = customer_create(actor=org["rep1"], name="另一家公司")
    stranger = contact_save(actor=org["rep1"], customer=other, name="赵经理")
    with pytest.raises(ValidationError) as exc:
        log(org, customer, contact=stranger)
    assert "contact" in exc.value.message_dict
    assert FollowUp.objects.count() == 0


def test_finance_may_not_log_follow_ups(org, customer):
    with pytest.raises(PermissionError):
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
