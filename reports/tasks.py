"""Celery tasks of the reports app: each calls one service; the scheduled ones (one per job in
reports/jobs.py, of the same name) the job for the day in the message (stamped at publish, see
salesops/core/scheduling.py)."""

from celery import shared_task

from reports import jobs
from salesops.core.scheduling import job_day


@shared_task(acks_late=True)
def report_build_run(build_id: int) -> str:
    """Build one queued report PDF; a second delivery finds it claimed and does nothing."""
    from reports.services.builds import report_build_execute

    return report_build_execute(build_id=build_id)


@shared_task(acks_late=True)
def weekly_report_send(as_of: str | None = None) -> str:
    return str(jobs.weekly_report_send(as_of=job_day(as_of)))
