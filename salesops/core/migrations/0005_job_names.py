"""Rename the beat rows of the jobs renamed to `<entity>_<action>`.

django-celery-beat's DatabaseScheduler writes BEAT_SCHEDULE into PeriodicTask at beat start but
never deletes a row whose entry is gone: without this the old rows would keep firing tasks that
no longer exist. A row is renamed rather than deleted so what admins set on it (paused, last run,
run count) stays; a row an admin added for an old task is pointed at the new task.
"""

from django.db import migrations
from django.utils import timezone

# (old entry name, old task) -> (new entry name, new task)
RENAMED = {
    ("scheduler-heartbeat", "salesops.core.tasks.scheduler_heartbeat"): (
        "heartbeat_record",
        "salesops.core.tasks.heartbeat_record",
    ),
    ("notifications-prune", "salesops.core.tasks.notifications_prune"): (
        "notification_prune",
        "salesops.core.tasks.notification_prune",
    ),
    ("followup-reminders", "customers.tasks.followup_reminders"): (
        "followup_remind",
        "customers.tasks.followup_remind",
    ),
    ("customer-pool", "customers.tasks.customer_pool"): (
        "customer_release_idle",
        "customers.tasks.customer_release_idle",
    ),
    ("escalate-overdue", "receivables.tasks.escalate_overdue"): (
        "receivable_escalate",
        "receivables.tasks.receivable_escalate",
    ),
    ("aging-snapshot", "receivables.tasks.aging_snapshot"): (
        "aging_snapshot_take",
        "receivables.tasks.aging_snapshot_take",
    ),
}


def _rename(apps, mapping):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    changed = False
    for (old_name, old_task), (new_name, new_task) in mapping.items():
        for row in PeriodicTask.objects.filter(task=old_task):
            changed = True
            if row.name == old_name:
                replacement = PeriodicTask.objects.filter(name=new_name).first()
                if replacement is not None:
                    # Beat already wrote the new entry (enabled, as beat always does): keep what
                    # the admin decided on the old one, then drop the stray.
                    replacement.enabled = row.enabled
                    replacement.save(update_fields=["enabled"])
                    row.delete()
                    continue
                row.name = new_name
            row.task = new_task
            row.save(update_fields=["name", "task"])
    if changed:
        # A running beat reloads its schedule when this changes (model signals do not fire here).
        PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def rename_jobs(apps, schema_editor):
    _rename(apps, RENAMED)


def restore_names(apps, schema_editor):
    _rename(apps, {new: old for old, new in RENAMED.items()})


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_import_run"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(rename_jobs, restore_names)]
