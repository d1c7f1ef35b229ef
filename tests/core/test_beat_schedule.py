"""The one place that declares periodic jobs, and the properties every task must have."""

import pytest
from django_celery_beat.models import PeriodicTask
from django_celery_beat.schedulers import DatabaseScheduler

from salesops.celery import app
from salesops.schedules import BEAT_SCHEDULE


def test_every_scheduled_job_names_a_registered_task():
    app.loader.import_default_modules()
    for name, entry in BEAT_SCHEDULE.items():
        assert entry["task"] in app.tasks, name


def test_project_tasks_ack_late_and_requeue_when_the_worker_dies():
    app.loader.import_default_modules()
    ours = [
        task for name, task in app.tasks.items() if name.startswith(("salesops.", "customers."))
    ]
    assert ours
    for task in ours:
        assert task.acks_late, task.name
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1


# transaction=True: the scheduler closes "old" connections at start-up, which would close the
# connection holding a test's wrapping transaction.
@pytest.mark.django_db(transaction=True)
def test_database_scheduler_installs_the_schedule_so_admin_shows_it():
    DatabaseScheduler(app=app, lazy=False)
    names = set(PeriodicTask.objects.values_list("name", flat=True))
    assert set(BEAT_SCHEDULE) <= names
    heartbeat = PeriodicTask.objects.get(name="heartbeat_record")
    assert heartbeat.task == "salesops.core.tasks.heartbeat_record"
    assert heartbeat.interval.every == 60
