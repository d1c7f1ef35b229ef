"""`manage.py run_job NAME [--as-of YYYY-MM-DD]` and the job registry behind it and the Celery
tasks: the same job, the same day, the same result from beat, a shell or a test."""

from datetime import UTC, date, datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from customers import tasks
from salesops import jobs
from salesops.core.models import Notification

pytestmark = pytest.mark.django_db

# 17:30 UTC on 2026-11-23 is already 01:30 on 2026-11-24 in Asia/Shanghai.
EVENING_IN_UTC = datetime(2026, 11, 23, 17, 30, tzinfo=UTC)


@pytest.fixture
def seen_days(monkeypatch):
    """Replace both jobs' services by recorders of the day they were asked to run for."""
    days: list[tuple[str, date]] = []

    def recorder(name):
        def service(*, as_of):
            days.append((name, as_of))
            return f"{name} done"

        return service

    monkeypatch.setattr("customers.services.pool.pool_run", recorder("customer_pool"))
    monkeypatch.setattr(
        "customers.services.reminders.followup_reminders_send", recorder("followup_reminders")
    )
    return days


@pytest.fixture
def evening_in_utc(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: EVENING_IN_UTC)


def run(*args) -> str:
    out = StringIO()
    call_command("run_job", *args, stdout=out)
    return out.getvalue()


def test_every_registered_job_resolves_to_its_service():
    from customers.services.pool import pool_run
    from customers.services.reminders import followup_reminders_send
    from receivables.jobs import aging_snapshot, escalate_overdue

    assert sorted(jobs.JOBS) == [
        "aging_snapshot",
        "customer_pool",
        "escalate_overdue",
        "followup_reminders",
    ]
    assert jobs.job_function("customer_pool") is pool_run
    assert jobs.job_function("followup_reminders") is followup_reminders_send
    assert jobs.job_function("escalate_overdue") is escalate_overdue
    assert jobs.job_function("aging_snapshot") is aging_snapshot


def test_the_registry_refuses_an_unknown_job():
    with pytest.raises(KeyError, match="nope"):
        jobs.run_job("nope", as_of=date(2026, 11, 23))


def test_the_command_runs_the_named_job_for_the_given_day(seen_days):
    output = run("customer_pool", "--as-of", "2026-11-23")

    assert seen_days == [("customer_pool", date(2026, 11, 23))]
    assert output == "customer_pool for 2026-11-23: customer_pool done\n"


def test_an_unknown_job_name_is_an_error_and_runs_nothing(seen_days):
    with pytest.raises(CommandError, match="invalid choice: 'nope'"):
        run("nope", "--as-of", "2026-11-23")

    assert seen_days == []


@pytest.mark.parametrize(
    "bad", ["2026-13-01", "2026-02-30", "23.11.2026", "20261123", "2026-W48-1", "tomorrow", ""]
)
def test_a_bad_as_of_is_an_error_naming_the_format_and_runs_nothing(seen_days, bad):
    with pytest.raises(CommandError) as refused:
        run("followup_reminders", "--as-of", bad)

    assert str(refused.value) == f"--as-of must be a date as YYYY-MM-DD, not {bad!r}"
    assert seen_days == []


def test_the_command_defaults_to_today_in_shanghai(seen_days, evening_in_utc):
    output = run("followup_reminders")

    assert seen_days == [("followup_reminders", date(2026, 11, 24))]
    assert output == "followup_reminders for 2026-11-24: followup_reminders done\n"


def test_the_celery_tasks_run_the_same_jobs_for_the_given_day(seen_days):
    assert tasks.customer_pool.run(as_of="2026-11-23") == "customer_pool done"
    assert tasks.followup_reminders.run(as_of="2026-11-22") == "followup_reminders done"

    assert seen_days == [
        ("customer_pool", date(2026, 11, 23)),
        ("followup_reminders", date(2026, 11, 22)),
    ]


@pytest.mark.parametrize("task", [tasks.customer_pool, tasks.followup_reminders])
def test_a_celery_task_given_a_bad_day_fails_and_runs_nothing(seen_days, task):
    with pytest.raises(ValueError, match="not a YYYY-MM-DD date: '2026-13-01'"):
        task.run(as_of="2026-13-01")

    assert seen_days == []


def test_the_celery_tasks_default_to_today_in_shanghai(seen_days, evening_in_utc):
    tasks.customer_pool.run()
    tasks.followup_reminders.run()

    assert seen_days == [
        ("customer_pool", date(2026, 11, 24)),
        ("followup_reminders", date(2026, 11, 24)),
    ]


def test_the_real_jobs_run_from_the_command_on_an_empty_database(org):
    assert run("customer_pool", "--as-of", "2026-11-23") == (
        "customer_pool for 2026-11-23: PoolRunResult(warned=0, released=0)\n"
    )
    assert run("followup_reminders", "--as-of", "2026-11-23") == (
        "followup_reminders for 2026-11-23: "
        "ReminderResult(followup_reminders=0, next_step_reminders=0)\n"
    )
    assert not Notification.objects.exists()
