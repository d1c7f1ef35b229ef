"""Celery tasks of the reports app: each calls one service."""

from celery import shared_task


@shared_task(acks_late=True)
def report_build_run(build_id: int) -> str:
    """Build one queued report PDF; a second delivery finds it claimed and does nothing."""
    from reports.services import report_build_execute

    return report_build_execute(build_id=build_id)
