"""Core's scheduled jobs: the scheduler heartbeat and the pruning of read notifications."""

import logging
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from salesops.core.models import Heartbeat, Notification
from salesops.core.scheduling import scheduled_job
from salesops.core.services import heartbeat_beat

logger = logging.getLogger(__name__)


@scheduled_job
def heartbeat_record(*, as_of: date) -> Heartbeat:
    """Every minute: the moment a worker ran the scheduler's job, which /healthz and
    `scheduler_status` report. It records when it ran, not `as_of`: its point is that beat and
    a worker are alive now (as_of is taken only to share every job's signature)."""
    return heartbeat_beat(name="scheduler")


@scheduled_job
def notification_prune(*, as_of: date, keep_days: int = 180) -> int:
    """Delete read notifications created more than `keep_days` before the start of `as_of`
    (Asia/Shanghai); unread ones are kept whatever their age. A rerun for the day deletes nothing
    more, whenever it runs."""
    start_of_day = timezone.make_aware(datetime.combine(as_of, time.min))
    deleted, _ = Notification.objects.filter(
        read_at__isnull=False, created_at__lt=start_of_day - timedelta(days=keep_days)
    ).delete()
    logger.info("pruned %s read notifications older than %s days", deleted, keep_days)
    return deleted
