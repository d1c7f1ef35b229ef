"""The customer pool (公海): warnings before release, release of idle customers, claims within the
cap, managers' assignment, who sees which pool, and the daily job's idempotence."""

import threading
import time
from datetime import date, datetime, timedelta
from importlib import import_module
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps as django_apps
from django.contrib.messages import get_messages
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import translation

from customers import jobs, tasks
from customers.jobs import PoolRunResult, customer_release_idle
from customers.models import CrmSettings, Customer, OwnershipEvent, TierRule
from customers.selectors import pool_visible_to
from customers.services import pool
from customers.services.customers import customer_create, customer_reassign
from customers.services.followups import followup_log
from customers.services.pool import pool_claim
from salesops.core.errors import NotPermitted
from salesops.core.models import Notification

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
AS_OF = date(2026, 11, 23)
LONG_AGO = date(2026, 6, 1)  # when the customers of these tests got their owner
Kind = OwnershipEvent.Kind


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SH)


RUN_AT = at(AS_OF, 1)  # the pool job runs at 01:00
CLAIM_AT = at(AS_OF, 10)


def days_ago(days: int) -> date:
    return AS_OF - timedelta(days=days)


def owned(org, name, *, owner="rep1", tier="C", since=LONG_AGO, last_contact=None):
    """A customer `owner` has had since `since`, last contacted on `last_contact` (or never)."""
    customer = customer_create(
        actor=org[owner], owner=org[owner], now=at(since, 9), name=name, tier=tier
    )
    if last_contact:
        followup_log(
            actor=org[owner],
            customer=customer,
            occurred_at=at(last_contact, 15),
            channel="visit",
            content="拜访采购经理",
            now=at(last_contact, 16),
        )
    customer.refresh_from_db()
    return customer


def pooled(org, *names, owner="rep1"):
    """Customers released from `owner` to their team's pool by the job of AS_OF."""
    customers = [owned(org, name, owner=owner, last_contact=days_ago(40)) for name in names]
    customer_release_idle(as_of=AS_OF, now=RUN_AT)
    for customer in customers:
        customer.refresh_from_db()
        assert customer.owner is None
    return customers


def event_counts() -> dict[str, int]:
    return {
        kind: OwnershipEvent.objects.filter(kind=kind).count()
        for kind in OwnershipEvent.Kind.values
        if OwnershipEvent.objects.filter(kind=kind).exists()
    }


def snapshot(customer: Customer) -> tuple:
    customer.refresh_from_db()
    return (
        customer.owner_id,
        customer.owner_since,
        customer.pool_since,
        customer.pool_team_id,
        customer.next_followup_due,
    )


# --- Release -------------------------------------------------------------------------------------


def test_tier_c_customer_idle_29_days_stays_with_its_owner(org):
    customer = owned(org, "甲公司", last_contact=days_ago(29))

    result = customer_release_idle(as_of=AS_OF, now=RUN_AT)

    assert result == PoolRunResult(warned=1, released=0)
    customer.refresh_from_db()
    assert (customer.owner, customer.pool_since, customer.pool_team) == (org["rep1"], None, None)
    assert not OwnershipEvent.objects.filter(kind=Kind.RELEASED).exists()


def test_tier_c_customer_idle_30_days_is_released_to_the_former_owners_team_pool(org):
    customer = owned(org, "甲公司", last_contact=days_ago(30))

    result = customer_release_idle(as_of=AS_OF, now=RUN_AT)

    assert result == PoolRunResult(warned=0, released=1)
    customer.refresh_from_db()
    assert (customer.owner, customer.owner_since, customer.pool_since, customer.pool_team) == (
        None,
        None,
        RUN_AT,
        org["team_a"],
    )
    event = OwnershipEvent.objects.get(customer=customer, kind=Kind.RELEASED)
    assert (event.from_owner, event.to_owner, event.actor, event.reason, event.job_key) == (
        org["rep1"],
        None,
        None,
        "30 天未跟进",
        "release:2026-11-23",
    )
    note = Notification.objects.get()
    assert (note.recipient, note.title, note.body, note.url, note.level, note.dedupe_key) == (
        org["rep1"],
        "甲公司 已释放到公海",
        "已 30 天未跟进。",
        "/customers/pool/",
        "warning",
        f"pool-release:2026-11-23:customer:{customer.pk}",
    )
    assert list(pool_visible_to(org["rep2"])) == [customer]
    assert list(pool_visible_to(org["rep3"])) == []


@pytest.mark.parametrize(
    ("tier", "limit"),
    [("A", 21), ("B", 15), ("C", 30), ("D", 90)],  # three times the tier's follow-up interval
)
def test_release_comes_after_three_follow_up_intervals_of_the_tier(org, tier, limit):
    kept = owned(
        org, "差一天公司", tier=tier, since=date(2026, 1, 5), last_contact=days_ago(limit - 1)
    )
    gone = owned(org, "到期公司", tier=tier, since=date(2026, 1, 5), last_contact=days_ago(limit))

    result = customer_release_idle(as_of=AS_OF, now=RUN_AT)

    assert result.released == 1
    kept.refresh_from_db()
    gone.refresh_from_db()
    assert (kept.owner, gone.owner) == (org["rep1"], None)
    assert OwnershipEvent.objects.get(kind=Kind.RELEASED).reason == (f"{limit} 天未跟进")


def test_a_tier_rules_own_idle_days_replace_the_default(org):
    TierRule.objects.filter(tier="C").update(pool_idle_days=20)
    kept = owned(org, "乙公司", last_contact=days_ago(19))
    gone = owned(org, "甲公司", last_contact=days_ago(20))

    assert customer_release_idle(as_of=AS_OF, now=RUN_AT) == PoolRunResult(warned=1, released=1)

    kept.refresh_from_db()
    gone.refresh_from_db()
    assert (kept.owner, gone.owner) == (org["rep1"], None)


def test_a_customer_never_contacted_counts_from_when_the_owner_got_it(org):
    kept = owned(org, "乙公司", since=days_ago(29))
    gone = owned(org, "甲公司", since=days_ago(30))

    assert customer_release_idle(as_of=AS_OF, now=RUN_AT) == PoolRunResult(warned=1, released=1)

    kept.refresh_from_db()
    gone.refresh_from_db()
    assert (kept.owner, gone.owner) == (org["rep1"], None)


def test_a_reassigned_customer_counts_from_the_reassignment_not_the_old_contact(org):
    customer = owned(org, "甲公司", last_contact=days_ago(60))
    customer_reassign(
        actor=org["manager1"],
        customer=customer,
        new_owner=org["rep2"],
        reason="rep1 调岗",
        now=at(days_ago(10)),
    )

    assert customer_release_idle(as_of=AS_OF, now=RUN_AT) == PoolRunResult(warned=0, released=0)

    customer.refresh_from_db()
    assert customer.owner == org["rep2"]


def test_a_managers_customer_goes_to_the_pool_of_the_team_they_lead(org):
    customer = owned(org, "甲公司", owner="manager1", last_contact=days_ago(30))

    assert customer_release_idle(as_of=AS_OF, now=RUN_AT) == PoolRunResult(warned=0, released=1)

    customer.refresh_from_db()
    assert customer.pool_team == org["team_a"]
    assert list(pool_visible_to(org["manager1"])) == [customer]
    assert list(pool_visible_to(org["rep1"])) == [customer]
    assert list(pool_visible_to(org["manager2"])) == []


def test_a_follow_up_logged_while_the_job_runs_keeps_the_customer(org, monkeypatch):
    """The job decides on a scan; the release re-reads the locked row before acting on it."""
    customer = owned(org, "甲公司", last_contact=days_ago(30))
    release = jobs._release

    def follow_up_lands_first(customer_pk, **kwargs):
        followup_log(
            actor=org["rep1"],
            customer=customer,
            occurred_at=at(AS_OF, 0, 30),
            channel="phone",
            content="电话回访",
            now=at(AS_OF, 0, 31),
        )
        return release(customer_pk, **kwargs)

    monkeypatch.setattr(jobs, "_release", follow_up_lands_first)

    assert customer_release_idle(as_of=AS_OF, now=RUN_AT) == PoolRunResult(warned=0, released=0)

    customer.refresh_from_db()
    assert (customer.owner, customer.pool_since) == (org["rep1"], None)
    assert not OwnershipEvent.objects.filter(kind=Kind.RELEASED).exists()
    assert not Notification.objects.exists()


def test_the_job_writes_in_the_products_language_whatever_is_active(org):
    owned(org, "甲公司", last_contact=days_ago(30))
    owned(org, "乙公司", last_contact=days_ago(28))

    with translation.override("en"):
        customer_release_idle(as_of=AS_OF, now=RUN_AT)

    assert sorted(Notification.objects.values_list("title", flat=True)) == [
        "乙公司 将于 2026-11-25 释放到公海",
        "甲公司 已释放到公海",
    ]
    assert OwnershipEvent.objects.get(kind=Kind.RELEASED).reason == "30 天未跟进"


def test_an_owner_who_chose_english_is_told_in_english_and_the_record_stays_chinese(org):
    rep1 = org["rep1"]
    rep1.language = "en"
    rep1.save()
    owned(org, "甲公司", last_contact=days_ago(30))
    owned(org, "乙公司", last_contact=days_ago(28))

    customer_release_idle(as_of=AS_OF, now=RUN_AT)

    assert sorted(Notification.objects.values_list("title", "body")) == [
        (
            "乙公司 goes to the pool on 2026-11-25",
            "Log a follow-up before then to keep the customer.",
        ),
        ("甲公司 was released to the pool", "Not followed up for 30 days."),
    ]
    assert OwnershipEvent.objects.get(kind=Kind.RELEASED).reason == "30 天未跟进"


def test_a_pool_customer_is_left_alone_by_later_runs(org):
    (customer,) = pooled(org, "甲公司")
    before = snapshot(customer)

    assert customer_release_idle(as_of=AS_OF + timedelta(days=1)) == PoolRunResult()

    assert snapshot(customer) == before
    assert event_counts() == {"created": 1, "released": 1}


def test_a_claimed_customer_left_idle_again_is_released_again_on_a_later_day(org):
    (customer,) = pooled(org, "甲公司")
    pool_claim(actor=org["rep2"], customer=customer, now=CLAIM_AT)
    later = AS_OF + timedelta(days=30)

    assert customer_release_idle(as_of=later, now=at(later, 1)) == PoolRunResult(
        warned=0, released=1
    )

    customer.refresh_from_db()
    assert (customer.owner, customer.pool_team) == (None, org["team_a"])
    releases = OwnershipEvent.objects.filter(kind=Kind.RELEASED).order_by("pk")
    assert [(e.from_owner, e.job_key) for e in releases] == [
        (org["rep1"], "release:2026-11-23"),
        (org["rep2"], "release:2026-12-23"),
    ]


# --- Warning -------------------------------------------------------------------------------------


def test_owner_is_warned_once_during_the_three_days_before_release(org):
    customer = owned(org, "甲公司", last_contact=days_ago(27))  # released on 2026-11-26

    results = [
        customer_release_idle(as_of=AS_OF + timedelta(days=n)) for n in range(3)
    ]  # idle 27, 28, 29

    assert results == [PoolRunResult(warned=1), PoolRunResult(), PoolRunResult()]
    event = OwnershipEvent.objects.get(kind=Kind.POOL_WARNING)
    assert (event.customer, event.from_owner, event.actor, event.reason, event.job_key) == (
        customer,
        org["rep1"],
        None,
        "若不跟进将于 2026-11-26 释放到公海",
        "pool-warning:2026-11-26",
    )
    note = Notification.objects.get()
    assert (note.recipient, note.title, note.body, note.url, note.level, note.dedupe_key) == (
        org["rep1"],
        "甲公司 将于 2026-11-26 释放到公海",
        "请在此之前记录一次跟进以保留该客户。",
        f"/customers/{customer.pk}/",
        "warning",
        f"pool-warning:2026-11-26:customer:{customer.pk}",
    )
    customer.refresh_from_db()
    assert customer.owner == org["rep1"]


def test_no_warning_before_the_warning_days(org):
    owned(org, "甲公司", last_contact=days_ago(26))

    assert customer_release_idle(as_of=AS_OF, now=RUN_AT) == PoolRunResult()

    assert event_counts() == {"created": 1}
    assert not Notification.objects.exists()


def test_warning_days_come_from_the_settings(org):
    CrmSettings.objects.filter(pk=1).update(pool_warning_days=5)
    owned(org, "甲公司", last_contact=days_ago(25))
    owned(org, "乙公司", last_contact=days_ago(24))

    assert customer_release_idle(as_of=AS_OF, now=RUN_AT) == PoolRunResult(warned=1)

    assert OwnershipEvent.objects.get(kind=Kind.POOL_WARNING).customer.name == "甲公司"


def test_a_follow_up_after_the_warning_rearms_the_clock(org):
    customer = owned(org, "甲公司", last_contact=days_ago(27))
    assert customer_release_idle(as_of=AS_OF) == PoolRunResult(warned=1)
    contacted = AS_OF + timedelta(days=1)  # 2026-11-24: next release on 2026-12-24
    followup_log(
        actor=org["rep1"],
        customer=customer,
        occurred_at=at(contacted, 15),
        channel="visit",
        content="拜访，客户有新需求",
        now=at(contacted, 16),
    )

    quiet = [customer_release_idle(as_of=contacted + timedelta(days=n)) for n in range(1, 27)]
    warned_again = customer_release_idle(as_of=date(2026, 12, 21))
    released = customer_release_idle(as_of=date(2026, 12, 24))

    assert quiet == [PoolRunResult()] * 26  # 2026-11-26 (the old release date) included
    assert warned_again == PoolRunResult(warned=1)
    assert released == PoolRunResult(released=1)
    warnings = OwnershipEvent.objects.filter(kind=Kind.POOL_WARNING).order_by("pk")
    assert [e.job_key for e in warnings] == ["pool-warning:2026-11-26", "pool-warning:2026-12-24"]
    assert list(Notification.objects.order_by("pk").values_list("title", flat=True)) == [
        "甲公司 将于 2026-11-26 释放到公海",
        "甲公司 将于 2026-12-24 释放到公海",
        "甲公司 已释放到公海",
    ]
    release = OwnershipEvent.objects.get(kind=Kind.RELEASED)
    assert (release.reason, release.job_key) == (
        "30 天未跟进",
        "release:2026-12-24",
    )


# --- Idempotence (acceptance) --------------------------------------------------------------------


@pytest.fixture
def pool_day(org):
    """On AS_OF: two customers to release (rep1, rep3), one to warn (rep2), one fine (rep3)."""
    return {
        "release_a": owned(org, "甲公司", owner="rep1", last_contact=days_ago(30)),
        "warn": owned(org, "乙公司", owner="rep2", last_contact=days_ago(28)),
        "fine": owned(org, "丙公司", owner="rep3", last_contact=days_ago(5)),
        "release_b": owned(org, "丁公司", owner="rep3", last_contact=days_ago(45)),
    }


def test_running_the_pool_job_twice_for_a_day_writes_nothing_new(
    org, pool_day, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = customer_release_idle(as_of=AS_OF, now=RUN_AT)
    with django_capture_on_commit_callbacks(execute=True):
        second = customer_release_idle(as_of=AS_OF, now=at(AS_OF, 9))

    assert first == PoolRunResult(warned=1, released=2)
    assert second == PoolRunResult(warned=0, released=0)
    assert Notification.objects.count() == 3
    assert sorted(Notification.objects.values_list("recipient__username", "title")) == [
        ("rep1", "甲公司 已释放到公海"),
        ("rep2", "乙公司 将于 2026-11-25 释放到公海"),
        ("rep3", "丁公司 已释放到公海"),
    ]
    assert OwnershipEvent.objects.count() == 7
    assert event_counts() == {"created": 4, "released": 2, "pool_warning": 1}
    assert sorted(m.to[0] for m in mail.outbox) == [
        "rep1@example.com",
        "rep2@example.com",
        "rep3@example.com",
    ]
    release_b = pool_day["release_b"]
    release_b.refresh_from_db()
    assert (release_b.pool_since, release_b.pool_team) == (RUN_AT, org["team_b"])


def test_running_the_pool_command_twice_for_a_day_writes_nothing_new(org, pool_day):
    outputs = []
    for _ in range(2):
        out = StringIO()
        call_command("run_job", "customer_release_idle", "--as-of", "2026-11-23", stdout=out)
        outputs.append(out.getvalue())

    assert outputs == [
        "customer_release_idle for 2026-11-23: PoolRunResult(warned=1, released=2)\n",
        "customer_release_idle for 2026-11-23: PoolRunResult(warned=0, released=0)\n",
    ]
    assert Notification.objects.count() == 3
    assert OwnershipEvent.objects.count() == 7
    assert event_counts() == {"created": 4, "released": 2, "pool_warning": 1}


def test_the_celery_task_runs_the_pool_job_for_the_given_day(org, pool_day):
    first = tasks.customer_release_idle.run(as_of="2026-11-23")
    second = tasks.customer_release_idle.run(as_of="2026-11-23")

    assert (first, second) == (
        "PoolRunResult(warned=1, released=2)",
        "PoolRunResult(warned=0, released=0)",
    )
    assert Notification.objects.count() == 3
    assert event_counts() == {"created": 4, "released": 2, "pool_warning": 1}
    assert list(Customer.objects.in_pool().order_by("name").values_list("name", flat=True)) == [
        "丁公司",
        "甲公司",
    ]


# --- Claims --------------------------------------------------------------------------------------


def test_rep_of_the_pool_team_claims_and_the_cadence_restarts(org):
    (customer,) = pooled(org, "甲公司")  # last contacted 40 days ago by rep1

    pool_claim(actor=org["rep2"], customer=customer, reason="客户来电询价", now=CLAIM_AT)

    assert snapshot(customer) == (org["rep2"].pk, CLAIM_AT, None, None, date(2026, 12, 3))
    event = OwnershipEvent.objects.get(kind=Kind.CLAIMED)
    assert (event.customer, event.from_owner, event.to_owner, event.actor, event.reason) == (
        customer,
        None,
        org["rep2"],
        org["rep2"],
        "客户来电询价",
    )
    assert list(pool_visible_to(org["rep1"])) == []
    # A fresh clock: neither overdue nor warned the next days.
    assert not customer.is_overdue(AS_OF + timedelta(days=1))
    assert customer_release_idle(as_of=AS_OF + timedelta(days=1)) == PoolRunResult()


def test_a_claim_without_reason_says_it_came_from_the_pool(org):
    (customer,) = pooled(org, "甲公司")

    pool_claim(actor=org["rep1"], customer=customer, reason="  ", now=CLAIM_AT)

    assert OwnershipEvent.objects.get(kind=Kind.CLAIMED).reason == "从公海领取"


def test_rep_of_another_team_cannot_claim(org):
    (customer,) = pooled(org, "甲公司")
    before = snapshot(customer)

    with pytest.raises(NotPermitted, match="该客户在其他团队的公海中"):
        pool_claim(actor=org["rep3"], customer=customer, now=CLAIM_AT)

    assert snapshot(customer) == before
    assert event_counts() == {"created": 1, "released": 1}


@pytest.mark.parametrize("who", ["manager1", "admin", "finance1"])
def test_only_reps_claim_managers_assign(org, who):
    (customer,) = pooled(org, "甲公司")
    before = snapshot(customer)

    with pytest.raises(NotPermitted, match="只有销售代表可以领取客户"):
        pool_claim(actor=org[who], customer=customer, now=CLAIM_AT)

    assert snapshot(customer) == before
    assert event_counts() == {"created": 1, "released": 1}


def test_the_claim_cap_refuses_the_claim_after_the_cap_and_writes_nothing(org):
    CrmSettings.objects.filter(pk=1).update(pool_claim_cap=2)
    first, second, third = pooled(org, "甲公司", "乙公司", "丙公司")
    pool_claim(actor=org["rep1"], customer=first, now=CLAIM_AT)
    pool_claim(actor=org["rep1"], customer=second, now=CLAIM_AT + timedelta(hours=1))
    before = snapshot(third)

    with pytest.raises(ValidationError) as refused:
        pool_claim(actor=org["rep1"], customer=third, now=CLAIM_AT + timedelta(hours=2))

    assert refused.value.messages == ["您近 30 天已领取 2 个客户，已达上限。"]
    assert snapshot(third) == before
    assert OwnershipEvent.objects.filter(kind=Kind.CLAIMED).count() == 2
    # The cap is per rep: a colleague still claims it.
    pool_claim(actor=org["rep2"], customer=third, now=CLAIM_AT + timedelta(hours=3))
    third.refresh_from_db()
    assert third.owner == org["rep2"]


def test_claims_older_than_30_days_do_not_count_against_the_cap(org):
    CrmSettings.objects.filter(pk=1).update(pool_claim_cap=1)
    old, recent, new = pooled(org, "甲公司", "乙公司", "丙公司")
    pool_claim(actor=org["rep1"], customer=old, now=CLAIM_AT)
    OwnershipEvent.objects.filter(kind=Kind.CLAIMED).update(
        created_at=CLAIM_AT - timedelta(days=30, minutes=1)
    )

    pool_claim(actor=org["rep1"], customer=recent, now=CLAIM_AT)  # the old claim has expired
    with pytest.raises(ValidationError, match="您近 30 天已领取 1 个客户"):
        pool_claim(actor=org["rep1"], customer=new, now=CLAIM_AT)

    assert list(Customer.objects.filter(owner=org["rep1"]).order_by("name")) == [recent, old]


def test_the_second_claim_of_the_same_customer_is_refused(org):
    (customer,) = pooled(org, "甲公司")
    stale = Customer.objects.get(pk=customer.pk)  # as rep2's page loaded it
    pool_claim(actor=org["rep1"], customer=customer, now=CLAIM_AT)
    before = snapshot(customer)

    with pytest.raises(ValidationError) as refused:
        pool_claim(actor=org["rep2"], customer=stale, now=CLAIM_AT + timedelta(seconds=1))

    assert refused.value.messages == ["该客户刚刚已被他人领取。"]
    with translation.override("en"), pytest.raises(ValidationError, match="Someone else has just"):
        pool_claim(actor=org["rep2"], customer=stale, now=CLAIM_AT + timedelta(seconds=2))
    assert snapshot(customer) == before
    assert before[0] == org["rep1"].pk
    assert OwnershipEvent.objects.filter(kind=Kind.CLAIMED).count() == 1


def _claim_together(claims):
    """Run each (actor, customer_pk) claim in its own thread, all released at once."""
    barrier = threading.Barrier(len(claims))
    outcomes = [None] * len(claims)

    def claim(index, actor, customer_pk):
        try:
            barrier.wait(timeout=10)
            pool_claim(actor=actor, customer=Customer.objects.get(pk=customer_pk))
            outcomes[index] = "claimed"
        except ValidationError as exc:
            outcomes[index] = exc.messages[0]
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=claim, args=(i, actor, pk)) for i, (actor, pk) in enumerate(claims)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return sorted(outcomes)


POSTGRES_ONLY = "needs PostgreSQL: concurrent claims rely on row locks (SELECT ... FOR UPDATE)"
SEED_MIGRATIONS = [
    "salesops.accounts.migrations.0003_roles",
    "salesops.core.migrations.0002_regions",
    "customers.migrations.0002_tier_rules",
]


def committed_org(request):
    """`org` for a transactional test. An earlier transactional test's flush may have removed
    what migrations seed (roles, regions, tier rules), so seed it again first (idempotent)."""
    for module in SEED_MIGRATIONS:
        for operation in import_module(module).Migration.operations:
            operation.code(django_apps, None)
    return request.getfixturevalue("org")


@pytest.mark.django_db(transaction=True)
def test_two_reps_claiming_the_same_customer_at_once_exactly_one_wins(request):
    if connection.vendor != "postgresql":
        pytest.skip(POSTGRES_ONLY)
    org = committed_org(request)
    (customer,) = pooled(org, "甲公司")

    outcomes = _claim_together([(org["rep1"], customer.pk), (org["rep2"], customer.pk)])

    assert outcomes == sorted(["claimed", "该客户刚刚已被他人领取。"])
    event = OwnershipEvent.objects.get(customer=customer, kind=Kind.CLAIMED)
    customer.refresh_from_db()
    assert customer.owner == event.to_owner
    assert customer.owner in (org["rep1"], org["rep2"])


@pytest.mark.django_db(transaction=True)
def test_one_rep_claiming_two_customers_at_once_cannot_pass_the_cap(request, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip(POSTGRES_ONLY)
    org = committed_org(request)
    CrmSettings.objects.filter(pk=1).update(pool_claim_cap=1)
    first, second = pooled(org, "甲公司", "乙公司")
    count = pool.claims_in_window

    def slow_count(user, *, now):  # widen the window between counting and writing
        claims = count(user, now=now)
        time.sleep(0.3)
        return claims

    monkeypatch.setattr(pool, "claims_in_window", slow_count)

    outcomes = _claim_together([(org["rep1"], first.pk), (org["rep1"], second.pk)])

    assert outcomes == sorted(["claimed", "您近 30 天已领取 1 个客户，已达上限。"])
    assert OwnershipEvent.objects.filter(kind=Kind.CLAIMED, to_owner=org["rep1"]).count() == 1


# --- Pages: the pool list, claiming, assigning ---------------------------------------------------


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def two_pools(org):
    """甲公司 in team A's pool (released from rep1), 乙公司 in team B's (released from rep3)."""
    team_a = owned(org, "甲公司", owner="rep1", last_contact=days_ago(40))
    team_b = owned(org, "乙公司", owner="rep3", last_contact=days_ago(40))
    owned(org, "丙公司", owner="rep1", last_contact=days_ago(2))  # owned: never in a pool
    customer_release_idle(as_of=AS_OF, now=RUN_AT)
    team_a.refresh_from_db()
    team_b.refresh_from_db()
    return {"a": team_a, "b": team_b}


@pytest.mark.parametrize(
    ("viewer", "expected"),
    [
        ("rep1", ["甲公司"]),
        ("rep2", ["甲公司"]),
        ("rep3", ["乙公司"]),
        ("manager1", ["甲公司"]),
        ("manager2", ["乙公司"]),
        ("admin", ["乙公司", "甲公司"]),
        ("finance1", ["乙公司", "甲公司"]),
    ],
)
def test_pool_page_lists_the_viewers_pools_only(client, org, two_pools, viewer, expected):
    client.force_login(org[viewer])

    response = client.get(reverse("customer_pool"))

    assert response.status_code == 200
    assert sorted(c.name for c in response.context["page_obj"]) == expected


def test_pool_page_offers_claim_to_reps_and_assign_to_managers(client, org, two_pools):
    claim_url = reverse("customer_claim", args=[two_pools["a"].pk])
    assign_url = reverse("customer_reassign", args=[two_pools["a"].pk])

    client.force_login(org["rep1"])
    rep_page = client.get(reverse("customer_pool")).content.decode()
    client.force_login(org["manager1"])
    manager_page = client.get(reverse("customer_pool")).content.decode()

    assert f'action="{claim_url}"' in rep_page
    assert assign_url not in rep_page
    assert "近 30 天您已领取 0 个（上限 10 个）。" in rep_page
    assert "40 天未跟进" in rep_page
    assert assign_url in manager_page
    assert claim_url not in manager_page
    assert "华东销售一部" in manager_page  # managers and admins see whose pool it is


def test_pool_page_shows_the_empty_state(client, org):
    client.force_login(org["rep1"])

    html = client.get(reverse("customer_pool")).content.decode()

    assert 'data-testid="empty"' in html


def test_rep_of_the_team_claims_on_the_page_and_lands_on_the_customer(client, org, two_pools):
    customer = two_pools["a"]
    client.force_login(org["rep2"])

    response = client.post(reverse("customer_claim", args=[customer.pk]), {"reason": "老客户介绍"})

    assert response.status_code == 302
    assert response["Location"] == f"/customers/{customer.pk}/"
    customer.refresh_from_db()
    assert customer.owner == org["rep2"]
    event = OwnershipEvent.objects.get(kind=Kind.CLAIMED)
    assert (event.to_owner, event.actor, event.reason) == (org["rep2"], org["rep2"], "老客户介绍")
    assert [m.message for m in get_messages(response.wsgi_request)] == ["甲公司 已归您负责。"]


def test_rep_of_another_team_gets_404_and_nothing_changes(client, org, two_pools):
    customer = two_pools["a"]
    before = snapshot(customer)
    client.force_login(org["rep3"])

    response = client.post(reverse("customer_claim", args=[customer.pk]))

    assert response.status_code == 404
    assert snapshot(customer) == before
    assert not OwnershipEvent.objects.filter(kind=Kind.CLAIMED).exists()


def test_manager_claiming_on_the_page_is_forbidden(client, org, two_pools):
    customer = two_pools["a"]
    before = snapshot(customer)
    client.force_login(org["manager1"])

    response = client.post(reverse("customer_claim", args=[customer.pk]))

    assert response.status_code == 403
    assert snapshot(customer) == before
    assert not OwnershipEvent.objects.filter(kind=Kind.CLAIMED).exists()


def test_claim_is_post_only(client, org, two_pools):
    client.force_login(org["rep1"])

    response = client.get(reverse("customer_claim", args=[two_pools["a"].pk]))

    assert response.status_code == 405
    assert not OwnershipEvent.objects.filter(kind=Kind.CLAIMED).exists()


def test_claim_over_the_cap_on_the_page_returns_to_the_pool_with_the_reason(client, org, two_pools):
    CrmSettings.objects.filter(pk=1).update(pool_claim_cap=0)
    customer = two_pools["a"]
    before = snapshot(customer)
    client.force_login(org["rep1"])

    response = client.post(reverse("customer_claim", args=[customer.pk]), follow=True)

    assert response.redirect_chain == [("/customers/pool/", 302)]
    assert "您近 30 天已领取 0 个客户，已达上限。" in (response.content.decode())
    assert snapshot(customer) == before


def test_claiming_what_a_teammate_just_claimed_says_so_instead_of_404(org, two_pools):
    customer = two_pools["a"]
    url = reverse("customer_claim", args=[customer.pk])
    rep1, rep2, rep3 = (logged_in(org[name]) for name in ("rep1", "rep2", "rep3"))
    assert rep1.post(url).status_code == 302  # rep1 was faster
    before = snapshot(customer)

    response = rep2.post(url)
    double_click = rep1.post(url)

    assert response.status_code == 302
    assert response["Location"] == "/customers/pool/"
    assert [m.message for m in get_messages(response.wsgi_request)] == ["该客户刚刚已被他人领取。"]
    assert double_click["Location"] == f"/customers/{customer.pk}/"
    assert snapshot(customer) == before
    assert OwnershipEvent.objects.filter(kind=Kind.CLAIMED).count() == 1
    # Another team still learns nothing.
    assert rep3.post(url).status_code == 404


def test_manager_assigns_a_pool_customer_of_their_team(client, org, two_pools):
    customer = two_pools["a"]
    client.force_login(org["manager1"])
    url = reverse("customer_reassign", args=[customer.pk])
    assert client.get(url).status_code == 200

    response = client.post(url, {"owner": org["rep2"].pk, "reason": "rep2 负责华东机械行业"})

    assert response.status_code == 302
    assert response["Location"] == f"/customers/{customer.pk}/"
    customer.refresh_from_db()
    assert (customer.owner, customer.pool_since, customer.pool_team) == (org["rep2"], None, None)
    event = OwnershipEvent.objects.get(kind=Kind.ASSIGNED)
    assert (event.customer, event.from_owner, event.to_owner, event.actor, event.reason) == (
        customer,
        None,
        org["rep2"],
        org["manager1"],
        "rep2 负责华东机械行业",
    )
    assert list(pool_visible_to(org["rep1"])) == []


def test_manager_of_another_team_cannot_assign_a_pool_customer(client, org, two_pools):
    customer = two_pools["a"]
    before = snapshot(customer)
    client.force_login(org["manager2"])
    url = reverse("customer_reassign", args=[customer.pk])

    assert client.get(url).status_code == 404
    response = client.post(url, {"owner": org["rep3"].pk, "reason": "抢客户"})

    assert response.status_code == 404
    assert snapshot(customer) == before
    assert not OwnershipEvent.objects.filter(kind=Kind.ASSIGNED).exists()


def test_manager_cannot_assign_a_pool_customer_to_another_teams_rep(client, org, two_pools):
    customer = two_pools["a"]
    before = snapshot(customer)
    client.force_login(org["manager1"])

    response = client.post(
        reverse("customer_reassign", args=[customer.pk]),
        {"owner": org["rep3"].pk, "reason": "分配"},
    )

    assert response.status_code == 200
    assert "owner" in response.context["form"].errors
    assert snapshot(customer) == before
    assert not OwnershipEvent.objects.filter(kind=Kind.ASSIGNED).exists()


def test_reps_cannot_assign_from_the_pool(client, org, two_pools):
    customer = two_pools["a"]
    client.force_login(org["rep1"])

    response = client.post(
        reverse("customer_reassign", args=[customer.pk]), {"owner": org["rep1"].pk, "reason": "x"}
    )

    assert response.status_code == 403
    customer.refresh_from_db()
    assert customer.owner is None
