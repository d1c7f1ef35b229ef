"""Celery tasks of the customers app: one per job in customers/jobs.py, of the same name, calling
it directly for the day in the message (stamped at publish, see salesops/core/scheduling.py)."""

from celery import shared_task

from customers import jobs
from salesops.core.scheduling import job_day


@shared_task(acks_late=True)
def followup_remind(as_of: str | None = None) -> str:
    return str(jobs.followup_remind(as_of=job_day(as_of)))


@shared_task(acks_late=True)
def customer_release_idle(as_of: str | None = None) -> str:
    return str(jobs.customer_release_idle(as_of=job_day(as_of)))
