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
    # Daily at 07:30, before the working day: due follow-ups and next steps to each owner.
    "followup-reminders": {
        "task": "customers.tasks.followup_reminders",
        "schedule": crontab(hour=7, minute=30),
    },
    # Daily at 01:00: warn owners before release, release idle customers to the pool.
    "customer-pool": {
        "task": "customers.tasks.customer_pool",
        "schedule": crontab(hour=1, minute=0),
    },
    # Nightly at 00:30: each customer's aging as the new day starts (trend charts).
    "aging-snapshot": {
        "task": "receivables.tasks.aging_snapshot",
        "schedule": crontab(hour=0, minute=30),
    },
    # Daily at 06:30: the overdue escalation ladder (letters, tasks, manager notices, holds).
    "escalate-overdue": {
        "task": "receivables.tasks.escalate_overdue",
        "schedule": crontab(hour=6, minute=30),
    },
    # Daily at 03:30: drop read notifications older than the retention period.
    "notifications-prune": {
        "task": "salesops.core.tasks.notifications_prune",
        "schedule": crontab(hour=3, minute=30),
    },
}
