"""One name for one job everywhere (registry, task, beat entry, run_job), the task calling its job
in one hop, and the day beat fired a job travelling with its task (a run after midnight still runs
for that day)."""

import re
from datetime import UTC, date, datetime
from importlib import import_module

import pytest
from django.core.exceptions import ImproperlyConfigured
from kombu import Connection

from customers import jobs as customer_jobs
from customers import tasks as customer_tasks
from customers.services.customers import customer_create
from salesops.celery import app
from salesops.core import scheduling
from salesops.core.models import Notification
from salesops.core.scheduling import stamp_as_of
from salesops.schedules import BEAT_SCHEDULE

# 15:59:30 UTC is 23:59:30 in Asia/Shanghai on 2026-11-23; 16:00:30 UTC is already the 24th there.
BEFORE_MIDNIGHT = datetime(2026, 11, 23, 15, 59, 30, tzinfo=UTC)
AFTER_MIDNIGHT = datetime(2026, 11, 23, 16, 0, 30, tzinfo=UTC)


def registered():
    return list(scheduling.jobs().items())


@pytest.mark.parametrize(("name", "job"), registered())
def test_every_job_has_a_task_a_beat_entry_and_a_run_job_name_that_are_its_own(name, job):
    app_label = job.__module__.removesuffix(".jobs")
    task = getattr(import_module(f"{app_label}.tasks"), name)
    run_job = import_module("salesops.core.management.commands.run_job").Command()
    parser = run_job.create_parser("manage.py", "run_job")

    assert scheduling.JOB_NAME.fullmatch(name)
    assert job.__module__ == f"{app_label}.jobs"
    assert task.name == f"{app_label}.tasks.{name}" == scheduling.task_name(job)
    assert task.acks_late is True
    assert BEAT_SCHEDULE[name]["task"] == task.name
    assert parser.parse_args([name]).name == name


def test_the_beat_schedule_holds_exactly_the_registered_jobs():
    assert sorted(BEAT_SCHEDULE) == sorted(scheduling.jobs())


def test_a_task_calls_its_job_directly_without_the_registry(monkeypatch):
    # given the registry made unusable and the job replaced where the task imports it from
    seen = []
    monkeypatch.setattr(scheduling, "jobs", lambda: pytest.fail("the task went via the registry"))
    monkeypatch.setattr(customer_jobs, "followup_remind", lambda *, as_of: seen.append(as_of))

    # when the task runs
    customer_tasks.followup_remind.run(as_of="2026-11-23")

    # then it called the job once, for the day in its message
    assert seen == [date(2026, 11, 23)]


def test_a_job_named_otherwise_than_entity_action_is_refused():
    def remind(*, as_of):
        return None

    with pytest.raises(ImproperlyConfigured, match="'remind' is not named <entity>_<action>"):
        scheduling.scheduled_job(remind)

    assert "remind" not in scheduling.jobs()


def test_two_apps_registering_one_job_name_is_refused():
    def followup_remind(*, as_of):
        return None

    followup_remind.__module__ = "receivables.jobs"

    with pytest.raises(
        ImproperlyConfigured,
        match=re.escape("defined in customers.jobs and receivables.jobs"),
    ):
        scheduling.scheduled_job(followup_remind)

    assert scheduling.jobs()["followup_remind"] is customer_jobs.followup_remind


# --- the day travels with the task ---------------------------------------------------------------


@pytest.fixture
def clock(monkeypatch):
    """Set the wall clock: clock(moment)."""

    def set_to(moment):
        monkeypatch.setattr("django.utils.timezone.now", lambda: moment)

    return set_to


def test_a_job_task_published_without_a_day_gets_the_day_of_publishing_in_shanghai(clock):
    clock(BEFORE_MIDNIGHT)
    body = ((), {}, {})
    headers = {"kwargsrepr": "{}"}

    stamp_as_of(sender="customers.tasks.followup_remind", body=body, headers=headers)

    assert body[1] == {"as_of": "2026-11-23"}
    assert headers["kwargsrepr"] == "{'as_of': '2026-11-23'}"


@pytest.mark.parametrize(
    ("sender", "body"),
    [
        ("customers.tasks.followup_remind", ((), {"as_of": "2026-11-20"}, {})),  # given a day
        ("customers.tasks.followup_remind", (["2026-11-20"], {}, {})),  # given it positionally
        ("salesops.core.tasks.ping", ((41,), {}, {})),  # not a job
    ],
)
def test_a_task_with_a_day_or_not_a_job_is_published_as_it_is(clock, sender, body):
    clock(BEFORE_MIDNIGHT)
    before = (list(body[0]), dict(body[1]))

    stamp_as_of(sender=sender, body=body, headers={})

    assert (list(body[0]), body[1]) == before


def test_a_job_published_before_midnight_and_run_after_it_runs_for_the_earlier_day(
    clock, monkeypatch
):
    # given beat publishing the reminders at 23:59:30 Shanghai through a broker
    seen = []
    monkeypatch.setattr(customer_jobs, "followup_remind", lambda *, as_of: seen.append(as_of))
    clock(BEFORE_MIDNIGHT)
    with Connection("memory://") as connection:
        customer_tasks.followup_remind.apply_async(connection=connection, queue="job-day-test")
        message = connection.SimpleQueue("job-day-test").get(timeout=5)
        args, kwargs, _embed = message.payload
        message.ack()

    # when a worker (or a redelivery) runs the message after midnight
    clock(AFTER_MIDNIGHT)
    customer_tasks.followup_remind.apply(args=args, kwargs=kwargs).get()

    # then it ran for the day beat fired it
    assert kwargs == {"as_of": "2026-11-23"}
    assert seen == [date(2026, 11, 23)]


# A real worker on the test database: imported fixtures, as in test_import_runs.
from tests.core.test_celery_roundtrip import worker  # noqa: E402, F401
from tests.core.test_import_runs import worker_on_test_db  # noqa: E402, F401


@pytest.mark.services
def test_a_real_worker_runs_a_job_for_the_day_it_was_published(
    worker_on_test_db,  # noqa: F811
    worker,  # noqa: F811
    org,
    clock,
):
    # given a customer due for follow-up since November, published at 23:59:30 on the 23rd
    customer_create(
        actor=org["rep2"], name="到期客户", tier="A", now=datetime(2026, 11, 1, 1, 0, tzinfo=UTC)
    )
    clock(BEFORE_MIDNIGHT)
    result = customer_tasks.followup_remind.apply_async(queue=worker)

    # when the worker runs it (on its own clock, days later)
    outcome = result.get(timeout=60)

    # then it reminded for the 23rd
    assert outcome == "ReminderResult(followup_reminders=1, next_step_reminders=0)"
    assert list(Notification.objects.values_list("recipient__username", "dedupe_key")) == [
        ("rep2", "followup-due:2026-11-23")
    ]


def test_every_task_the_beat_schedule_names_is_published_with_a_day():
    app.loader.import_default_modules()
    job_tasks = {scheduling.task_name(job) for job in scheduling.jobs().values()}

    assert {entry["task"] for entry in BEAT_SCHEDULE.values()} == job_tasks
