"""Thin Celery tasks for the receivables jobs; the work is in receivables/jobs.py."""

from celery import shared_task

from customers.tasks import _day
from salesops.jobs import run_job


@shared_task(acks_late=True)
def escalate_overdue(as_of: str | None = None) -> str:
    return str(run_job("escalate_overdue", as_of=_day(as_of)))


@shared_task(acks_late=True)
def aging_snapshot(as_of: str | None = None) -> str:
    return str(run_job("aging_snapshot", as_of=_day(as_of)))
