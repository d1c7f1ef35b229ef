"""Scheduled jobs of the reports app: the Monday e-mail of the weekly report (周报) to each
subscribed manager. A delivery row unique per subscriber and week makes a rerun, or a second
worker, send nothing twice."""

import logging
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.html import strip_tags
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from reports.models import WeeklyDelivery, WeeklySubscription
from reports.selectors.scope import ReportRequest
from reports.selectors.weekly import weekly_build
from salesops.accounts.access import role_of
from salesops.accounts.roles import MANAGERS
from salesops.core.periods import ReportPeriod, report_period
from salesops.core.scheduling import scheduled_job
from salesops.core.services import notification_language

logger = logging.getLogger(__name__)


def last_week(as_of: date) -> ReportPeriod:
    """The ISO week before the one holding `as_of` (on Monday 08:00: the week that just ended)."""
    return report_period("week", anchor=as_of - timedelta(days=7))


@scheduled_job
def weekly_report_send(*, as_of: date) -> int:
    """Monday: each active subscriber (a manager or admin with an e-mail address) gets one
    e-mail with their scope's weekly report of the week before. Returns how many were sent."""
    week = last_week(as_of)
    subscriptions = (
        WeeklySubscription.objects.active()
        .exclude(user__email="")
        .select_related("user")
        .order_by("pk")
    )
    sent = 0
    for subscription in subscriptions:
        if role_of(subscription.user) not in MANAGERS:
            continue  # a manager who became a rep keeps the row but gets nothing
        try:
            sent += weekly_report_deliver(subscription=subscription, week=week)
        except Exception:  # one subscriber's failure (mail server, data) stops no other
            logger.exception("weekly report for %s failed", subscription.user)
    logger.info("weekly report %s: %s e-mails sent", week.label, sent)
    return sent


@transaction.atomic
def weekly_report_deliver(*, subscription: WeeklySubscription, week: ReportPeriod) -> bool:
    """Send `subscription`'s digest for `week` unless it was sent: the delivery row is written
    first (a concurrent worker waits on its unique key, then finds it) and the e-mail sent in
    the same transaction, so a failed send leaves no row and the next run tries again."""
    try:
        with transaction.atomic():
            WeeklyDelivery.objects.create(subscription=subscription, week_start=week.start)
    except IntegrityError:
        return False
    user = subscription.user
    with translation.override(notification_language(user)):
        subject, text, html = weekly_digest(user=user, week=week)
    message = EmailMultiAlternatives(
        subject=f"{settings.EMAIL_SUBJECT_PREFIX}{subject}", body=text, to=[user.email]
    )
    message.attach_alternative(html, "text/html")
    message.send()
    return True


def weekly_digest(*, user, week: ReportPeriod) -> tuple[str, str, str]:
    """(subject, plain text, HTML) of `user`'s weekly report for `week`, in the active language:
    the report page's body template with absolute links (settings.SITE_URL)."""
    # The period again, so that its label is in the reader's language (labels are written when
    # a period is made).
    week = report_period("week", anchor=week.start)
    request = ReportRequest(user=user, period=week, as_of=week.end)
    query = urlencode({"period": "week", "date": week.start.isoformat()})
    context = {
        **weekly_build(request),
        "request": request,
        "period": request.period,
        "pdf": False,
        "link_base": settings.SITE_URL,
        "report_url": f"{settings.SITE_URL}{reverse('report_page', args=['weekly'])}?{query}",
        "subscription_url": f"{settings.SITE_URL}{reverse('weekly_subscription')}",
        "recipient": user,
    }
    subject = _("Weekly report %(week)s") % {"week": request.period.label}
    html = render_to_string("reports/email/weekly_digest.html", context)
    return subject, strip_tags(html), html
