"""The quarterly re-tiering job (orders/jobs.py customer_retier): revenue from the orders, then
the customers' tiers, from beat, its task and `run_job` under both its names; once per quarter,
also with two workers at once (PostgreSQL threads)."""

import threading
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from celery.schedules import crontab
from django.core.management import CommandError, call_command
from django.db import connection, connections

from customers.models import Customer, RetierRun, TierChange
from orders import jobs, tasks
from salesops.core.models import Notification
from salesops.schedules import BEAT_SCHEDULE
from tests.factories import CustomerFactory, UserFactory
from tests.orders.test_revenue import order

AS_OF = date(2027, 1, 1)


def small_book(owner):
    """Revenues 500, 200, 100, 80, 50, 40, 20, 10, 0, 0 from orders accepted in 2026, and an
    order accepted on 2025-12-31 (a year before the day ranked: out) for the last customer."""
    customers = []
    for index, revenue in enumerate([500, 200, 100, 80, 50, 40, 20, 10, 0, 0]):
        customer = CustomerFactory(name=f"客户{index}", owner=owner)
        if revenue:
            order(customer, revenue, accepted_on=date(2026, 7, 1))
        customers.append(customer)
    order(customers[-1], 9999, accepted_on=date(2025, 12, 31))
    return customers


def tiers():
    return "".join(Customer.objects.order_by("pk").values_list("tier", flat=True))


def run_job(*args) -> str:
    out = StringIO()
    call_command("run_job", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_the_job_ranks_the_revenue_of_the_year_before_the_quarter(org):
    small_book(org["rep1"])

    result = jobs.customer_retier(as_of=AS_OF)

    assert tiers() == "AAABBBCCDD"
    assert RetierRun.objects.get().revenue_on == date(2026, 12, 31)
    assert result.revenue_updated == 8
    assert result.digests == 1
    assert str(result) == (
        "2027Q1: 10 customers ranked, 8 tier changes (C→A 3, C→B 3, C→D 2), "
        "0 RAD changes (none), 1 digests, 8 revenues updated"
    )


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["retier_customers", "customer_retier"])
def test_run_job_takes_the_issues_name_and_the_jobs_name(org, name):
    small_book(org["rep1"])

    out = run_job(name, "--as-of", "2027-01-01")

    assert out.startswith("customer_retier for 2027-01-01: 2027Q1: 10 customers ranked, 8 tier")
    assert tiers() == "AAABBBCCDD"


@pytest.mark.django_db
def test_run_job_refuses_a_bad_day_for_the_alias_too():
    with pytest.raises(CommandError, match="--as-of must be a date as YYYY-MM-DD"):
        run_job("retier_customers", "--as-of", "2027-1-1")


@pytest.mark.django_db
def test_a_rerun_in_the_quarter_changes_nothing_and_sends_no_second_digest(org):
    customers = small_book(org["rep1"])
    jobs.customer_retier(as_of=AS_OF)
    # an order accepted since, which a second run would count if it ran
    order(customers[-1], 100000, accepted_on=date(2027, 1, 10))

    out = run_job("retier_customers", "--as-of", "2027-02-15")

    assert "2027Q1 was re-tiered already (run for 2027-01-01); nothing changed" in out
    assert tiers() == "AAABBBCCDD"
    assert Customer.objects.get(pk=customers[-1].pk).trailing_revenue == 0
    assert TierChange.objects.count() == 8
    assert Notification.objects.count() == 1


@pytest.mark.django_db
def test_the_task_runs_the_job_for_the_day_in_its_message(org):
    small_book(org["rep1"])

    text = tasks.customer_retier.run(as_of="2027-04-01")

    assert text.startswith("2027Q2: 10 customers ranked")
    assert RetierRun.objects.get().revenue_on == date(2027, 3, 31)


def test_beat_runs_it_at_night_on_the_first_day_of_each_quarter():
    entry = BEAT_SCHEDULE["customer_retier"]

    assert entry["task"] == "orders.tasks.customer_retier"
    schedule = entry["schedule"]
    assert isinstance(schedule, crontab)
    assert schedule.day_of_month == {1}
    assert schedule.month_of_year == {1, 4, 7, 10}
    assert (schedule.hour, schedule.minute) == ({2}, {0})


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_leave_one_set_of_changes_and_one_digest():
    if connection.vendor != "postgresql":
        pytest.skip("the quarter's lock is a PostgreSQL advisory lock")
    owner = UserFactory(username="rep-concurrent")
    small_book(owner)
    barrier = threading.Barrier(2)
    results, errors = [], []

    def work():
        try:
            barrier.wait(timeout=30)
            results.append(jobs.customer_retier(as_of=AS_OF))
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert sorted(result.already is None for result in results) == [False, True]
    assert RetierRun.objects.count() == 1
    assert TierChange.objects.count() == 8
    assert Notification.objects.count() == 1
    assert tiers() == "AAABBBCCDD"
    assert Customer.objects.get(name="客户0").trailing_revenue == Decimal("500.00")


def test_the_nightly_refresh_sets_yesterdays_trailing_revenue_and_a_rerun_changes_nothing(db):
    # given an order accepted on 2026-12-01 and one accepted a year and a day before it
    owner = UserFactory(role="rep")
    recent, old = CustomerFactory(owner=owner), CustomerFactory(owner=owner)
    order(recent, "1234.56", accepted_on=date(2026, 12, 1))
    order(old, "500", accepted_on=date(2025, 12, 1))
    Customer.objects.filter(pk=old.pk).update(trailing_revenue=Decimal("500"))
    # when the nightly job runs on 2026-12-02 (revenue of 2025-12-02 .. 2026-12-01)
    result = jobs.customer_revenue_refresh(as_of=date(2026, 12, 2))
    # then the recent order counts, the old one has left the window, tiers are untouched
    assert str(result) == "trailing revenue to 2026-12-01: 2 customers changed"
    assert Customer.objects.get(pk=recent.pk).trailing_revenue == Decimal("1234.56")
    assert Customer.objects.get(pk=old.pk).trailing_revenue == Decimal("0")
    assert TierChange.objects.count() == 0
    # and its task and a rerun change nothing more
    assert tasks.customer_revenue_refresh("2026-12-02") == (
        "trailing revenue to 2026-12-01: 0 customers changed"
    )
    assert BEAT_SCHEDULE["customer_revenue_refresh"]["schedule"] == crontab(hour=2, minute=30)
