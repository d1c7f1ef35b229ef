"""Celery tasks of the receivables app: one per job in receivables/jobs.py, of the same name,
calling it directly for the day in the message (stamped at publish, see
salesops/core/scheduling.py)."""

from celery import shared_task

from receivables import jobs
from salesops.core.scheduling import job_day


@shared_task(acks_late=True)
def receivable_escalate(as_of: str | None = None) -> str:
    return str(jobs.receivable_escalate(as_of=job_day(as_of)))


@shared_task(acks_late=True)
def aging_snapshot_take(as_of: str | None = None) -> str:
    return str(jobs.aging_snapshot_take(as_of=job_day(as_of)))
