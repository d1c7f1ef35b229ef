"""Writes shared by every app: notifications (in-app and email), heartbeats and job runs."""

import logging
from datetime import date, datetime, timedelta
from functools import partial

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from salesops.core.i18n import Text, render_text
from salesops.core.models import Heartbeat, JobRun, Notification

logger = logging.getLogger(__name__)


@transaction.atomic
def notification_send(
    *,
    recipient,
    title: Text,
    body: Text = "",
    url: str = "",
    level: str = Notification.Level.INFO,
    dedupe_key: str = "",
    email: bool = True,
) -> Notification | None:
    """Notify one user in the app and, if they have an address, by email after commit.

    Title and body are rendered here, in the recipient's language (their last choice with the
    language switch, else the product's default), whatever language the caller runs in: pass
    lazy text (gettext_lazy, lazy_text, or a function) for anything translatable. The stored
    text is what the bell and the email show.

    With a dedupe_key the same (recipient, key) is written once however often a job runs:
    returns None when it already existed and sends no second email.
    """
    if (
        dedupe_key
        and Notification.objects.filter(recipient=recipient, dedupe_key=dedupe_key).exists()
    ):
        return None
    with translation.override(notification_language(recipient)):
        title, body = render_text(title), render_text(body)
    title_limit = Notification._meta.get_field("title").max_length
    if len(title) > title_limit:
        title = title[: title_limit - 1] + "…"
    try:
        # A savepoint, so a concurrent duplicate only rolls back this insert.
        with transaction.atomic():
            notification = Notification.objects.create(
                recipient=recipient,
                title=title,
                body=body,
                url=url,
                level=level,
                dedupe_key=dedupe_key,
            )
    except IntegrityError:
        return None
    if email and recipient.email:
        transaction.on_commit(lambda: _email_notification(notification))
    return notification


def notifications_send(notices: list[dict], *, batch_size: int = 1000) -> int:
    """notification_send for many notices at once (each a dict of its keyword arguments, email
    always on): per batch one read of the dedupe keys already used and one bulk insert, so a job
    warning thousands of users does not pay four queries each. A concurrent duplicate rolls the
    batch back to one-by-one sends. Returns how many were written."""
    sent = 0
    for first in range(0, len(notices), batch_size):
        batch = notices[first : first + batch_size]
        keys = {n["dedupe_key"] for n in batch if n.get("dedupe_key")}
        used = set(
            Notification.objects.filter(
                dedupe_key__in=keys, recipient__in={n["recipient"].pk for n in batch}
            ).values_list("recipient_id", "dedupe_key")
        )
        fresh = [n for n in batch if (n["recipient"].pk, n.get("dedupe_key", "")) not in used]
        rows = [_notification_row(**notice) for notice in fresh]
        try:
            with transaction.atomic():
                created = Notification.objects.bulk_create(rows)
        except IntegrityError:
            created = [n for n in (notification_send(**notice) for notice in fresh) if n]
        for notification in created:
            if notification.recipient.email:
                transaction.on_commit(partial(_email_notification, notification))
        sent += len(created)
    return sent


def _notification_row(
    *,
    recipient,
    title: Text,
    body: Text = "",
    url: str = "",
    level=Notification.Level.INFO,
    dedupe_key: str = "",
) -> Notification:
    with translation.override(notification_language(recipient)):
        title, body = render_text(title), render_text(body)
    title_limit = Notification._meta.get_field("title").max_length
    if len(title) > title_limit:
        title = title[: title_limit - 1] + "…"
    return Notification(
        recipient=recipient, title=title, body=body, url=url, level=level, dedupe_key=dedupe_key
    )


def notification_language(recipient) -> str:
    """The language a user reads notifications in."""
    language = getattr(recipient, "language", "")
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _email_notification(notification: Notification) -> None:
    try:
        send_mail(
            subject=f"{settings.EMAIL_SUBJECT_PREFIX}{notification.title}",
            message=notification.body or notification.title,
            from_email=None,
            recipient_list=[notification.recipient.email],
        )
    except OSError:
        # The in-app notification stands; a mail outage must not fail the job that notified.
        logger.exception("email for notification %s failed", notification.pk)


def notifications_mark_read(
    *, user, notification_ids: list[int] | None = None, now: datetime
) -> int:
    """Mark the given (or all) unread notifications of `user` read; returns how many changed."""
    qs = Notification.objects.for_user(user).unread()
    if notification_ids is not None:
        qs = qs.filter(pk__in=notification_ids)
    return qs.update(read_at=now)


def heartbeat_beat(*, name: str, now: datetime | None = None) -> Heartbeat:
    beat, _ = Heartbeat.objects.update_or_create(
        name=name, defaults={"last_seen": now or timezone.now()}
    )
    return beat


def job_run_start(*, name: str, as_of: date | None, now: datetime | None = None) -> JobRun:
    """A scheduled job starts: its own new row, "running" until the run finishes it. One
    INSERT, committed at once outside a transaction (a job runs in autocommit), so the run is
    visible while it works; no savepoint (a single statement needs none). Then the job's runs
    started over JOB_RUN_KEEP_DAYS before are deleted (one DELETE on the name's index): the
    heartbeat runs every minute, and the page only needs the last run and the last week."""
    started = now or timezone.now()
    run = JobRun.objects.create(name=name, as_of=as_of, started_at=started)
    JobRun.objects.filter(
        name=name, started_at__lt=started - timedelta(days=JOB_RUN_KEEP_DAYS)
    ).delete()
    return run


def job_run_finish(*, run: JobRun, error: str = "", now: datetime | None = None) -> None:
    """The run's end, outcome and duration, written onto its own row only: one UPDATE by
    primary key, nothing read first, so runs of the same job on several workers never meet."""
    finished = now or timezone.now()
    JobRun.objects.filter(pk=run.pk).update(
        finished_at=finished,
        duration=finished - run.started_at,
        outcome=JobRun.Outcome.FAILED if error else JobRun.Outcome.OK,
        error=error[-JOB_ERROR_CHARS:],
    )


# How long a job's runs are kept (each new run of the job deletes its older ones).
JOB_RUN_KEEP_DAYS = 90
# The longest error text a failed run keeps (the end of its traceback is the useful part).
JOB_ERROR_CHARS = 20_000
