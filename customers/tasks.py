"""Thin Celery tasks for the customer jobs; the work is in salesops.jobs' services."""

from datetime import date

from celery import shared_task
from django.utils import timezone

from salesops.jobs import parse_day, run_job


def _day(as_of: str | None) -> date:
    return parse_day(as_of) if as_of is not None else timezone.localdate()


@shared_task(acks_late=True)
def followup_reminders(as_of: str | None = None) -> str:
    return str(run_job("followup_reminders", as_of=_day(as_of)))


@shared_task(acks_late=True)
def customer_pool(as_of: str | None = None) -> str:
    return str(run_job("customer_pool", as_of=_day(as_of)))
