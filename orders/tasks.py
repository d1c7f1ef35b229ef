"""Celery tasks of the orders app: one per job in orders/jobs.py, of the same name, calling it
directly for the day in the message (stamped at publish, see salesops/core/scheduling.py)."""

from celery import shared_task

from orders import jobs
from salesops.core.scheduling import job_day


@shared_task(acks_late=True)
def customer_retier(as_of: str | None = None) -> str:
    return str(jobs.customer_retier(as_of=job_day(as_of)))


@shared_task(acks_late=True)
def customer_revenue_refresh(as_of: str | None = None) -> str:
    return str(jobs.customer_revenue_refresh(as_of=job_day(as_of)))
