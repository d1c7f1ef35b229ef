"""Every run of a scheduled job leaves one JobRun row: a job that succeeds is "ok" with its day
and duration, one that raises is "failed" with the error, and the exception still reaches the
caller (the Celery task, run_job)."""

from datetime import date, timedelta

import pytest
from django.core.management import call_command

from customers import jobs as customer_jobs
from salesops.core import scheduling
from salesops.core import tasks as core_tasks
from salesops.core.models import JobRun
from salesops.core.scheduling import scheduled_job
from salesops.core.services import JOB_ERROR_CHARS, job_run_finish, job_run_start

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(monkeypatch):
    """Test jobs registered for this test only."""
    monkeypatch.setattr(scheduling, "_REGISTRY", dict(scheduling._REGISTRY))
    monkeypatch.setattr(scheduling, "_ALIASES", dict(scheduling._ALIASES))


def test_a_job_that_succeeds_leaves_one_ok_row(registry):
    @scheduled_job
    def probe_succeed(*, as_of: date) -> str:
        assert JobRun.objects.get().outcome == JobRun.Outcome.RUNNING  # visible while it runs
        return "done"

    assert probe_succeed(as_of=date(2026, 11, 23)) == "done"

    run = JobRun.objects.get()
    assert (run.name, run.as_of, run.outcome, run.error) == (
        "probe_succeed",
        date(2026, 11, 23),
        JobRun.Outcome.OK,
        "",
    )
    assert run.finished_at >= run.started_at
    assert run.duration == run.finished_at - run.started_at
    assert run.duration >= timedelta(0)


def test_a_job_that_raises_leaves_one_failed_row_and_still_raises(registry):
    @scheduled_job
    def probe_fail(*, as_of: date) -> None:
        raise RuntimeError("the bank file is missing")

    with pytest.raises(RuntimeError, match="the bank file is missing"):
        probe_fail(as_of=date(2026, 11, 24))

    run = JobRun.objects.get()
    assert (run.name, run.as_of, run.outcome) == ("probe_fail", date(2026, 11, 24), "failed")
    assert "RuntimeError: the bank file is missing" in run.error
    assert "Traceback" in run.error
    assert run.finished_at is not None
    assert run.duration is not None


def test_each_run_is_its_own_row(registry):
    @scheduled_job
    def probe_twice(*, as_of: date) -> int:
        return 1

    probe_twice(as_of=date(2026, 11, 23))
    probe_twice(as_of=date(2026, 11, 23))
    assert JobRun.objects.filter(name="probe_twice", outcome="ok").count() == 2


def test_the_beat_task_and_run_job_both_record():
    # The task calls the registered (recording) job directly.
    assert core_tasks.notification_prune.run(as_of="2026-11-23") == 0
    call_command("run_job", "notification_prune", "--as-of", "2026-11-22")
    runs = list(JobRun.objects.order_by("as_of").values_list("name", "as_of", "outcome"))
    assert runs == [
        ("notification_prune", date(2026, 11, 22), "ok"),
        ("notification_prune", date(2026, 11, 23), "ok"),
    ]


def test_a_failing_app_job_run_by_its_task_is_recorded_failed(monkeypatch):
    from customers import tasks as customer_tasks

    def followup_remind(*, as_of):
        raise ValueError("cadence table unreadable")

    # The task calls whatever customers.jobs holds under the name: a recording job that fails.
    monkeypatch.setattr(customer_jobs, "followup_remind", scheduling._recorded(followup_remind))
    with pytest.raises(ValueError, match="cadence table unreadable"):
        customer_tasks.followup_remind.run(as_of="2026-11-23")
    run = JobRun.objects.get()
    assert (run.name, run.as_of, run.outcome) == ("followup_remind", date(2026, 11, 23), "failed")
    assert "ValueError: cadence table unreadable" in run.error


def test_the_registered_jobs_keep_their_names_and_modules():
    for name, job in scheduling.jobs().items():
        assert job.__name__ == name
        assert job.__module__.endswith(".jobs")


def test_a_new_run_deletes_that_jobs_runs_over_90_days_old(registry):
    from django.utils import timezone

    @scheduled_job
    def probe_keep(*, as_of: date) -> None:
        return None

    now = timezone.now()
    old, recent, other = (
        JobRun.objects.create(name=name, started_at=now - timedelta(days=days), outcome="ok")
        for name, days in (("probe_keep", 91), ("probe_keep", 89), ("other_job", 200))
    )

    probe_keep(as_of=date(2026, 11, 23))

    # the new run and the 89-day-old one stay; another job's old run waits for that job's next
    assert set(JobRun.objects.values_list("name", "as_of")) == {
        ("probe_keep", date(2026, 11, 23)),
        ("probe_keep", None),
        ("other_job", None),
    }
    assert not JobRun.objects.filter(pk=old.pk).exists()
    assert JobRun.objects.filter(pk__in=[recent.pk, other.pk]).count() == 2


def test_a_long_traceback_keeps_its_end_which_holds_the_exception():
    run = job_run_start(name="probe_long", as_of=date(2026, 11, 24))
    frames = "".join(f'  File "deep.py", line {n}, in f\n' for n in range(2000))
    error = (
        "Traceback (most recent call last):\n" + frames + "RuntimeError: the bank file is missing"
    )
    assert len(error) > JOB_ERROR_CHARS
    job_run_finish(run=run, error=error)
    run.refresh_from_db()
    assert (len(run.error), run.error) == (JOB_ERROR_CHARS, error[-JOB_ERROR_CHARS:])
    assert run.error.endswith("RuntimeError: the bank file is missing")
