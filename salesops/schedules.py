"""Every periodic Celery job, in one place. Times are Asia/Shanghai.

One entry per job: the key is the job's name (`<app>/jobs.py`), the task is `<app>.tasks.<name>`,
and `manage.py run_job <name>` runs the same job by hand. Each task is published with the day
beat fired it (salesops.core.scheduling.stamp_as_of), so a retry after midnight runs for that day.

django-celery-beat's DatabaseScheduler copies these entries into its tables when beat starts, so
they also show (and can be paused or retimed) in Django admin under "Periodic tasks". It never
deletes a row whose entry disappeared: renaming a job needs a data migration for its old row
(salesops/core/migrations/0005_job_names.py).
"""

from celery.schedules import crontab

BEAT_SCHEDULE: dict[str, dict] = {
    # Every minute: proves that beat schedules and a worker runs; /healthz reports its age.
    "heartbeat_record": {
        "task": "salesops.core.tasks.heartbeat_record",
        "schedule": 60.0,
    },
    # Daily at 07:30, before the working day: due follow-ups and next steps to each owner.
    "followup_remind": {
        "task": "customers.tasks.followup_remind",
        "schedule": crontab(hour=7, minute=30),
    },
    # Daily at 01:00: warn owners before release, release idle customers to the pool.
    "customer_release_idle": {
        "task": "customers.tasks.customer_release_idle",
        "schedule": crontab(hour=1, minute=0),
    },
    # Nightly at 00:30: each customer's aging as the new day starts (trend charts).
    "aging_snapshot_take": {
        "task": "receivables.tasks.aging_snapshot_take",
        "schedule": crontab(hour=0, minute=30),
    },
    # Daily at 06:30: the overdue escalation ladder (letters, tasks, manager notices, holds).
    "receivable_escalate": {
        "task": "receivables.tasks.receivable_escalate",
        "schedule": crontab(hour=6, minute=30),
    },
    # Quarterly, on the first day of January, April, July and October at 02:00: trailing
    # revenue from the orders, ABC(D) tiers and RAD types, one digest per owner.
    "customer_retier": {
        "task": "orders.tasks.customer_retier",
        "schedule": crontab(hour=2, minute=0, day_of_month=1, month_of_year="1,4,7,10"),
    },
    # Nightly at 02:30: each customer's trailing 12-month revenue from its accepted orders.
    "customer_revenue_refresh": {
        "task": "orders.tasks.customer_revenue_refresh",
        "schedule": crontab(hour=2, minute=30),
    },
    # Mondays at 08:00: each subscribed manager's weekly report (周报) of the week before.
    "weekly_report_send": {
        "task": "reports.tasks.weekly_report_send",
        "schedule": crontab(hour=8, minute=0, day_of_week="mon"),
    },
    # Daily at 03:30: drop read notifications older than the retention period.
    "notification_prune": {
        "task": "salesops.core.tasks.notification_prune",
        "schedule": crontab(hour=3, minute=30),
    },
}
