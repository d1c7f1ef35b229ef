"""`manage.py run_job NAME [--as-of YYYY-MM-DD]`, the job registry behind it and the Celery
tasks: the same job, the same day, the same result from beat, a shell or a test."""

from datetime import UTC, date, datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from customers import tasks
from salesops.core import scheduling
from salesops.core.models import Notification

pytestmark = pytest.mark.django_db

# 17:30 UTC on 2026-11-23 is already 01:30 on 2026-11-24 in Asia/Shanghai.
EVENING_IN_UTC = datetime(2026, 11, 23, 17, 30, tzinfo=UTC)


@pytest.fixture
def seen_days(monkeypatch):
    """Replace both customer jobs by recorders of the day they were asked to run for, where the
    task calls them (the jobs module) and where run_job finds them (the registry)."""
    days: list[tuple[str, date]] = []

    def recorder(name):
        def service(*, as_of):
            days.append((name, as_of))
            return f"{name} done"

        return service

    scheduling.jobs()  # registered before being replaced
    for name in ("customer_release_idle", "followup_remind"):
        service = recorder(name)
        monkeypatch.setattr(f"customers.jobs.{name}", service)
        monkeypatch.setitem(scheduling._REGISTRY, name, service)
    return days


@pytest.fixture
def evening_in_utc(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: EVENING_IN_UTC)


def run(*args) -> str:
    out = StringIO()
    call_command("run_job", *args, stdout=out)
    return out.getvalue()


def test_every_registered_job_resolves_to_its_service():
    from customers.jobs import customer_release_idle, followup_remind
    from orders.jobs import customer_retier, customer_revenue_refresh
    from receivables.jobs import aging_snapshot_take, receivable_escalate
    from reports.jobs import weekly_report_send
    from salesops.core.jobs import heartbeat_record, notification_prune

    registry = scheduling.jobs()

    assert list(registry) == [
        "aging_snapshot_take",
        "customer_release_idle",
        "customer_retier",
        "customer_revenue_refresh",
        "followup_remind",
        "heartbeat_record",
        "notification_prune",
        "receivable_escalate",
        "weekly_report_send",
    ]
    assert registry["customer_release_idle"] is customer_release_idle
    assert registry["followup_remind"] is followup_remind
    assert registry["receivable_escalate"] is receivable_escalate
    assert registry["aging_snapshot_take"] is aging_snapshot_take
    assert registry["heartbeat_record"] is heartbeat_record
    assert registry["notification_prune"] is notification_prune
    assert registry["weekly_report_send"] is weekly_report_send
    assert registry["customer_retier"] is customer_retier
    assert registry["customer_revenue_refresh"] is customer_revenue_refresh


def test_the_registry_refuses_an_unknown_job():
    with pytest.raises(KeyError, match="nope"):
        scheduling.jobs()["nope"](as_of=date(2026, 11, 23))


def test_the_command_runs_the_named_job_for_the_given_day(seen_days):
    output = run("customer_release_idle", "--as-of", "2026-11-23")

    assert seen_days == [("customer_release_idle", date(2026, 11, 23))]
    assert output == "customer_release_idle for 2026-11-23: customer_release_idle done\n"


def test_an_unknown_job_name_is_an_error_and_runs_nothing(seen_days):
    with pytest.raises(CommandError, match="invalid choice: 'nope'"):
        run("nope", "--as-of", "2026-11-23")

    assert seen_days == []


@pytest.mark.parametrize(
    "bad", ["2026-13-01", "2026-02-30", "23.11.2026", "20261123", "2026-W48-1", "tomorrow", ""]
)
def test_a_bad_as_of_is_an_error_naming_the_format_and_runs_nothing(seen_days, bad):
    with pytest.raises(CommandError) as refused:
        run("followup_remind", "--as-of", bad)

    assert str(refused.value) == f"--as-of must be a date as YYYY-MM-DD, not {bad!r}"
    assert seen_days == []


def test_the_command_defaults_to_today_in_shanghai(seen_days, evening_in_utc):
    output = run("followup_remind")

    assert seen_days == [("followup_remind", date(2026, 11, 24))]
    assert output == "followup_remind for 2026-11-24: followup_remind done\n"


def test_the_celery_tasks_run_the_same_jobs_for_the_given_day(seen_days):
    assert tasks.customer_release_idle.run(as_of="2026-11-23") == "customer_release_idle done"
    assert tasks.followup_remind.run(as_of="2026-11-22") == "followup_remind done"

    assert seen_days == [
        ("customer_release_idle", date(2026, 11, 23)),
        ("followup_remind", date(2026, 11, 22)),
    ]


@pytest.mark.parametrize("task", [tasks.customer_release_idle, tasks.followup_remind])
def test_a_celery_task_given_a_bad_day_fails_and_runs_nothing(seen_days, task):
    with pytest.raises(ValueError, match="not a YYYY-MM-DD date: '2026-13-01'"):
        task.run(as_of="2026-13-01")

    assert seen_days == []


def test_the_celery_tasks_default_to_today_in_shanghai(seen_days, evening_in_utc):
    tasks.customer_release_idle.run()
    tasks.followup_remind.run()

    assert seen_days == [
        ("customer_release_idle", date(2026, 11, 24)),
        ("followup_remind", date(2026, 11, 24)),
    ]


def test_the_real_jobs_run_from_the_command_on_an_empty_database(org):
    assert run("customer_release_idle", "--as-of", "2026-11-23") == (
        "customer_release_idle for 2026-11-23: PoolRunResult(warned=0, released=0)\n"
    )
    assert run("followup_remind", "--as-of", "2026-11-23") == (
        "followup_remind for 2026-11-23: "
        "ReminderResult(followup_reminders=0, next_step_reminders=0)\n"
    )
    assert not Notification.objects.exists()
