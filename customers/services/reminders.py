"""Daily reminders to owners: customers due for follow-up and next steps that fell due."""

import logging
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from customers.models import Customer, FollowUp
from salesops.accounts.models import User
from salesops.core.i18n import lazy_text
from salesops.core.services import notification_send

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReminderResult:
    followup_reminders: int = 0
    next_step_reminders: int = 0


def followup_reminders_send(*, as_of: date) -> ReminderResult:
    """One notification per owner per day for due customers, one for due next steps.
    A rerun for the same day sends nothing new (dedupe keys carry the date)."""
    due = (
        Customer.objects.owned()
        .filter(owner__is_active=True)  # a deactivated user's book waits for reassignment
        .due_by(as_of)
        .values("owner")
        .annotate(total=Count("pk"), overdue=Count("pk", filter=Q(next_followup_due__lt=as_of)))
    )
    steps = (
        FollowUp.objects.open_next_steps()
        .filter(next_step_due__lte=as_of, customer__owner__is_active=True)
        .values("customer__owner")
        .annotate(total=Count("pk"))
    )
    owners = User.objects.in_bulk(
        {row["owner"] for row in due} | {row["customer__owner"] for row in steps}
    )
    sent_due = sent_steps = 0
    due_url = reverse("followup_due")
    # Texts stay lazy: notification_send writes each in its recipient's language.
    for row in due:
        title = lazy_text(
            _("%(total)s customers due for follow-up today (%(overdue)s overdue)"), **row
        )
        if notification_send(
            recipient=owners[row["owner"]],
            title=title,
            url=due_url,
            level="warning" if row["overdue"] else "info",
            dedupe_key=f"followup-due:{as_of.isoformat()}",
        ):
            sent_due += 1
    for row in steps:
        if notification_send(
            recipient=owners[row["customer__owner"]],
            title=lazy_text(_("%(total)s next steps are due"), **row),
            url=due_url,
            level="warning",
            dedupe_key=f"next-steps-due:{as_of.isoformat()}",
        ):
            sent_steps += 1
    logger.info("reminders for %s: %s follow-up, %s next-step", as_of, sent_due, sent_steps)
    return ReminderResult(followup_reminders=sent_due, next_step_reminders=sent_steps)
