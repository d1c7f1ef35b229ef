"""The daily reminders: one notification per owner per day for customers due for follow-up, one
for next steps that fell due; a rerun for the same day sends nothing new."""

from datetime import date, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import translation

from customers import tasks
from customers.jobs import ReminderResult, customer_release_idle, followup_remind
from customers.services.customers import customer_create
from customers.services.followups import followup_log, followup_next_step_done
from salesops.core.models import Notification

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
AS_OF = date(2026, 11, 23)  # a Monday


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=SH)


def owned(org, name, *, owner, tier="C", since=date(2026, 11, 1), last_contact=None):
    """A tier-C customer (every 10 days) of `owner` since `since`, last contacted then."""
    customer = customer_create(
        actor=org[owner], owner=org[owner], now=at(since, 9), name=name, tier=tier
    )
    if last_contact:
        log(org, customer, last_contact, owner=owner)
    customer.refresh_from_db()
    return customer


def log(org, customer, day, *, owner, next_step="", next_step_due=None):
    return followup_log(
        actor=org[owner],
        customer=customer,
        occurred_at=at(day, 15),
        channel="visit",
        content="拜访采购经理",
        next_step=next_step,
        next_step_due=next_step_due,
        now=at(day, 16),
    )


def notes() -> list[tuple]:
    return list(
        Notification.objects.order_by("recipient__username", "dedupe_key").values_list(
            "recipient__username", "title", "level", "url", "dedupe_key"
        )
    )


@pytest.fixture
def due_day(org):
    """On AS_OF rep1 has 3 customers due (2 overdue) and 1 not yet; rep2 has 1 due today."""
    customers = {
        "today": owned(org, "甲公司", owner="rep1", last_contact=date(2026, 11, 13)),  # due 11-23
        "overdue": owned(org, "乙公司", owner="rep1", last_contact=date(2026, 11, 10)),  # 11-20
        "long_overdue": owned(org, "丙公司", owner="rep1", last_contact=date(2026, 11, 2)),  # 11-12
        "later": owned(org, "丁公司", owner="rep1", last_contact=date(2026, 11, 20)),  # due 11-30
        "rep2_today": owned(org, "戊公司", owner="rep2", since=date(2026, 11, 13)),  # never, 11-23
        "rep3_later": owned(org, "己公司", owner="rep3", last_contact=date(2026, 11, 22)),
    }
    assert [c.next_followup_due for c in customers.values()] == [
        date(2026, 11, 23),
        date(2026, 11, 20),
        date(2026, 11, 12),
        date(2026, 11, 30),
        date(2026, 11, 23),
        date(2026, 12, 2),
    ]
    return customers


def test_one_notification_per_owner_counts_due_and_overdue_customers(org, due_day):
    result = followup_remind(as_of=AS_OF)

    assert result == ReminderResult(followup_reminders=2, next_step_reminders=0)
    assert notes() == [
        (
            "rep1",
            "今天有 3 个客户需要跟进（其中 2 个已逾期）",
            "warning",
            "/followups/due/",
            "followup-due:2026-11-23",
        ),
        (
            "rep2",
            "今天有 1 个客户需要跟进（其中 0 个已逾期）",
            "info",
            "/followups/due/",
            "followup-due:2026-11-23",
        ),
    ]


def test_a_rerun_for_the_same_day_sends_nothing_and_the_next_day_sends_again(org, due_day):
    followup_remind(as_of=AS_OF)

    rerun = followup_remind(as_of=AS_OF)
    assert rerun == ReminderResult(followup_reminders=0, next_step_reminders=0)
    assert Notification.objects.count() == 2

    next_day = followup_remind(as_of=AS_OF + timedelta(days=1))
    assert next_day == ReminderResult(followup_reminders=2, next_step_reminders=0)
    assert Notification.objects.count() == 4
    assert notes()[1::2] == [
        (
            "rep1",
            "今天有 3 个客户需要跟进（其中 3 个已逾期）",
            "warning",
            "/followups/due/",
            "followup-due:2026-11-24",
        ),
        (
            "rep2",
            "今天有 1 个客户需要跟进（其中 1 个已逾期）",
            "warning",
            "/followups/due/",
            "followup-due:2026-11-24",
        ),
    ]


def test_reminders_are_emailed_once_per_owner_and_day(
    org, due_day, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        followup_remind(as_of=AS_OF)
    with django_capture_on_commit_callbacks(execute=True):
        followup_remind(as_of=AS_OF)

    assert sorted((m.to[0], m.subject) for m in mail.outbox) == [
        ("rep1@example.com", "[SalesOps] 今天有 3 个客户需要跟进（其中 2 个已逾期）"),
        ("rep2@example.com", "[SalesOps] 今天有 1 个客户需要跟进（其中 0 个已逾期）"),
    ]


def test_a_follow_up_in_time_takes_the_customer_off_the_list(org, due_day):
    log(org, due_day["today"], AS_OF - timedelta(days=1), owner="rep1")

    followup_remind(as_of=AS_OF)

    assert Notification.objects.get(recipient=org["rep1"]).title == (
        "今天有 2 个客户需要跟进（其中 2 个已逾期）"
    )


def test_pool_customers_are_nobodys_reminder(org):
    customer = owned(org, "甲公司", owner="rep1", since=date(2026, 9, 1))  # due 2026-09-11
    customer_release_idle(as_of=AS_OF)
    customer.refresh_from_db()
    assert (customer.owner, customer.next_followup_due) == (None, date(2026, 9, 11))
    Notification.objects.all().delete()  # the release notice

    assert followup_remind(as_of=AS_OF) == ReminderResult()
    assert not Notification.objects.exists()


def test_nobody_due_nothing_sent(org):
    owned(org, "甲公司", owner="rep1", last_contact=date(2026, 11, 20))

    assert followup_remind(as_of=AS_OF) == ReminderResult()
    assert not Notification.objects.exists()


def test_open_next_steps_due_by_the_day_make_one_notification_per_owner(org):
    # Contacted on 11-20 (tier D: due 12-20), so only next steps are due.
    a = owned(org, "甲公司", owner="rep1", tier="D", last_contact=date(2026, 11, 20))
    b = owned(org, "乙公司", owner="rep1", tier="D", last_contact=date(2026, 11, 20))
    c = owned(org, "丙公司", owner="rep2", tier="D", last_contact=date(2026, 11, 20))
    log(org, a, date(2026, 11, 16), owner="rep1", next_step="寄样品", next_step_due=AS_OF)
    log(
        org, b, date(2026, 11, 16), owner="rep1", next_step="报价", next_step_due=date(2026, 11, 18)
    )
    log(
        org,
        b,
        date(2026, 11, 17),
        owner="rep1",
        next_step="约技术交流",
        next_step_due=AS_OF + timedelta(days=1),
    )
    done = log(
        org,
        a,
        date(2026, 11, 17),
        owner="rep1",
        next_step="发合同",
        next_step_due=date(2026, 11, 19),
    )
    followup_next_step_done(actor=org["rep1"], followup=done, now=at(date(2026, 11, 19)))
    log(
        org,
        c,
        date(2026, 11, 18),
        owner="rep2",
        next_step="催付款",
        next_step_due=date(2026, 11, 21),
    )

    result = followup_remind(as_of=AS_OF)

    assert result == ReminderResult(followup_reminders=0, next_step_reminders=2)
    assert notes() == [
        ("rep1", "2 项下一步计划已到期", "warning", "/followups/due/", "next-steps-due:2026-11-23"),
        ("rep2", "1 项下一步计划已到期", "warning", "/followups/due/", "next-steps-due:2026-11-23"),
    ]
    assert followup_remind(as_of=AS_OF) == ReminderResult()
    assert Notification.objects.count() == 2


def test_due_customers_and_due_next_steps_are_two_notifications(org, due_day):
    log(
        org,
        due_day["later"],
        date(2026, 11, 21),
        owner="rep1",
        next_step="回访",
        next_step_due=AS_OF,
    )

    result = followup_remind(as_of=AS_OF)

    assert result == ReminderResult(followup_reminders=2, next_step_reminders=1)
    assert [t for u, t, *_ in notes() if u == "rep1"] == [
        "今天有 3 个客户需要跟进（其中 2 个已逾期）",
        "1 项下一步计划已到期",
    ]


def test_next_steps_of_a_pool_customer_are_not_reminded(org):
    customer = owned(org, "甲公司", owner="rep1", since=date(2026, 9, 1))
    log(
        org,
        customer,
        date(2026, 9, 5),
        owner="rep1",
        next_step="寄样品",
        next_step_due=date(2026, 9, 20),
    )
    customer_release_idle(as_of=AS_OF)
    Notification.objects.all().delete()

    assert followup_remind(as_of=AS_OF) == ReminderResult()


def test_reminders_are_written_in_the_products_language_whatever_is_active(org, due_day):
    with translation.override("en"):
        followup_remind(as_of=AS_OF)

    assert Notification.objects.get(recipient=org["rep1"]).title == (
        "今天有 3 个客户需要跟进（其中 2 个已逾期）"
    )


def test_an_owner_who_chose_english_gets_english_reminders(org, due_day):
    rep1 = org["rep1"]
    rep1.language = "en"
    rep1.save()

    followup_remind(as_of=AS_OF)

    assert Notification.objects.get(recipient=rep1).title == (
        "3 customers due for follow-up today (2 overdue)"
    )
    assert Notification.objects.get(recipient=org["rep2"]).title == (
        "今天有 1 个客户需要跟进（其中 0 个已逾期）"
    )


def test_the_command_and_the_celery_task_send_the_same_reminders_once(org, due_day):
    out = StringIO()
    call_command("run_job", "followup_remind", "--as-of", "2026-11-23", stdout=out)
    call_command("run_job", "followup_remind", "--as-of", "2026-11-23", stdout=out)
    by_task = tasks.followup_remind.run(as_of="2026-11-23")

    assert out.getvalue() == (
        "followup_remind for 2026-11-23: "
        "ReminderResult(followup_reminders=2, next_step_reminders=0)\n"
        "followup_remind for 2026-11-23: "
        "ReminderResult(followup_reminders=0, next_step_reminders=0)\n"
    )
    assert by_task == "ReminderResult(followup_reminders=0, next_step_reminders=0)"
    assert Notification.objects.count() == 2


def test_the_celery_task_sends_the_days_reminders(org, due_day):
    assert tasks.followup_remind.run(as_of="2026-11-23") == (
        "ReminderResult(followup_reminders=2, next_step_reminders=0)"
    )
    assert [n[:2] for n in notes()] == [
        ("rep1", "今天有 3 个客户需要跟进（其中 2 个已逾期）"),
        ("rep2", "今天有 1 个客户需要跟进（其中 0 个已逾期）"),
    ]


def test_deactivated_owners_get_no_reminders(org):
    from datetime import date, datetime
    from zoneinfo import ZoneInfo

    from customers.jobs import followup_remind
    from customers.services.customers import customer_create
    from salesops.core.models import Notification

    customer_create(
        actor=org["rep2"],
        name="停用者的客户",
        tier="A",
        now=datetime(2026, 11, 1, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")),
    )
    org["rep2"].is_active = False
    org["rep2"].save()
    result = followup_remind(as_of=date(2026, 11, 23))
    assert result.followup_reminders == 0
    assert not Notification.objects.filter(recipient=org["rep2"]).exists()
