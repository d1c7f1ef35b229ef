"""Every periodic Celery job, in one place. Times are Asia/Shanghai.

django-celery-beat's DatabaseScheduler copies these entries into its tables when beat starts, so
they also show (and can be paused or retimed) in Django admin under "Periodic tasks".
"""

from celery.schedules import crontab

BEAT_SCHEDULE: dict[str, dict] = {
    # Every minute: proves that beat schedules and a worker runs; /healthz reports its age.
    "scheduler-heartbeat": {
        "task": "salesops.core.tasks.scheduler_heartbeat",
        "schedule": 60.0,
    },
    # Daily at 03:30: drop read notifications older than the retention period.
    "notifications-prune": {
        "task": "salesops.core.tasks.notifications_prune",
        "schedule": crontab(hour=3, minute=30),
    },
}
