"""Celery tasks: each calls one job or service directly. Schedules live in salesops/schedules.py."""

import logging

from celery import shared_task

from salesops.core import jobs
from salesops.core.scheduling import job_day

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def heartbeat_record(as_of: str | None = None) -> str:
    beat = jobs.heartbeat_record(as_of=job_day(as_of))
    return beat.last_seen.isoformat()


@shared_task(acks_late=True)
def notification_prune(as_of: str | None = None) -> int:
    return jobs.notification_prune(as_of=job_day(as_of))


@shared_task(acks_late=True)
def ping(value: int) -> dict:
    """Round-trip probe used by tests and operators: proves a worker picked the task up."""
    import socket

    return {"echo": value, "worker": socket.gethostname()}


@shared_task(acks_late=True)
def import_run_apply(run_id: int, language: str | None = None) -> str:
    """Apply one queued Excel import; a second delivery finds it claimed and does nothing."""
    from django.conf import settings
    from django.utils import translation

    from salesops.core.import_runs import import_run_execute

    with translation.override(language or settings.LANGUAGE_CODE):
        return import_run_execute(run_id=run_id)
