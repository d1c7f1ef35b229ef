"""The one place that declares periodic jobs, and the properties every task must have."""

from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask
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


# --- the rename of the jobs to <entity>_<action> (migration core 0005) ----------------------------

RENAME = import_module("salesops.core.migrations.0005_job_names")


def old_beat_rows():
    """The rows beat wrote before the rename, one paused and run before by an admin."""
    every_minute = IntervalSchedule.objects.create(every=60, period=IntervalSchedule.SECONDS)
    nightly = CrontabSchedule.objects.create(minute="0", hour="1", timezone="Asia/Shanghai")
    PeriodicTask.objects.create(
        name="scheduler-heartbeat",
        task="salesops.core.tasks.scheduler_heartbeat",
        interval=every_minute,
    )
    for name, task in [
        ("notifications-prune", "salesops.core.tasks.notifications_prune"),
        ("followup-reminders", "customers.tasks.followup_reminders"),
        ("escalate-overdue", "receivables.tasks.escalate_overdue"),
        ("aging-snapshot", "receivables.tasks.aging_snapshot"),
    ]:
        PeriodicTask.objects.create(name=name, task=task, crontab=nightly)
    PeriodicTask.objects.create(
        name="customer-pool",
        task="customers.tasks.customer_pool",
        crontab=nightly,
        enabled=False,
        total_run_count=12,
    )
    # an admin's own extra entry for an old task
    PeriodicTask.objects.create(
        name="pool again at noon", task="customers.tasks.customer_pool", crontab=nightly
    )


@pytest.mark.django_db
def test_the_rename_migration_renames_old_beat_rows_and_keeps_what_admins_set():
    # given the rows of the old names
    old_beat_rows()

    # when the migration runs
    RENAME.rename_jobs(django_apps, None)

    # then every row has the new entry name and task, the admin's settings stay
    assert sorted(PeriodicTask.objects.values_list("name", "task")) == [
        ("aging_snapshot_take", "receivables.tasks.aging_snapshot_take"),
        ("customer_release_idle", "customers.tasks.customer_release_idle"),
        ("followup_remind", "customers.tasks.followup_remind"),
        ("heartbeat_record", "salesops.core.tasks.heartbeat_record"),
        ("notification_prune", "salesops.core.tasks.notification_prune"),
        ("pool again at noon", "customers.tasks.customer_release_idle"),
        ("receivable_escalate", "receivables.tasks.receivable_escalate"),
    ]
    pool = PeriodicTask.objects.get(name="customer_release_idle")
    assert (pool.enabled, pool.total_run_count, pool.crontab.hour) == (False, 12, "1")


@pytest.mark.django_db
def test_the_rename_migration_drops_an_old_row_beat_already_replaced():
    # given beat already wrote the new entry beside the old one
    old_beat_rows()
    minute = IntervalSchedule.objects.get(every=60)
    PeriodicTask.objects.create(
        name="heartbeat_record", task="salesops.core.tasks.heartbeat_record", interval=minute
    )

    # when the migration runs
    RENAME.rename_jobs(django_apps, None)

    # then only the new row is left
    assert list(
        PeriodicTask.objects.filter(task__endswith="heartbeat_record").values_list(
            "name", flat=True
        )
    ) == ["heartbeat_record"]
    assert not PeriodicTask.objects.filter(name="scheduler-heartbeat").exists()


@pytest.mark.django_db
def test_a_paused_job_stays_paused_when_beat_already_wrote_its_new_row():
    # given the pool job paused by an admin, and beat's fresh (enabled) row under the new name
    old_beat_rows()
    nightly = CrontabSchedule.objects.get(hour="1")
    PeriodicTask.objects.create(
        name="customer_release_idle", task="customers.tasks.customer_release_idle", crontab=nightly
    )

    RENAME.rename_jobs(django_apps, None)

    assert PeriodicTask.objects.get(name="customer_release_idle").enabled is False
    assert not PeriodicTask.objects.filter(name="customer-pool").exists()


@pytest.mark.django_db
def test_the_rename_migration_reverses_to_the_old_names():
    old_beat_rows()
    before = sorted(PeriodicTask.objects.values_list("name", "task"))

    RENAME.rename_jobs(django_apps, None)
    RENAME.restore_names(django_apps, None)

    assert sorted(PeriodicTask.objects.values_list("name", "task")) == before


@pytest.mark.django_db(transaction=True)
def test_after_the_rename_beat_starts_with_no_row_naming_a_missing_task():
    # given the old rows, renamed by the migration
    old_beat_rows()
    RENAME.rename_jobs(django_apps, None)

    # when beat starts and installs the schedule
    DatabaseScheduler(app=app, lazy=False)

    # then every row it would fire names a task that exists, and each job has one row
    app.loader.import_default_modules()
    tasks = sorted(PeriodicTask.objects.values_list("task", flat=True))
    assert [task for task in tasks if task not in app.tasks] == []
    assert set(BEAT_SCHEDULE) <= set(PeriodicTask.objects.values_list("name", flat=True))
    assert tasks.count("customers.tasks.customer_release_idle") == 2  # the admin's extra one
