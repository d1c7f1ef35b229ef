"""Logging follow-ups (跟进记录) and closing their next steps."""

from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from customers import cadence
from customers.models import Contact, CrmSettings, Customer, FollowUp
from customers.services.customers import _require_write, refresh_cadence

NEXT_STEP_NEEDED = gettext_lazy("Describe the next step that is due on this date.")

# Phones' clocks drift; a contact "in the future" by less than this is accepted as now.
CLOCK_SKEW = timedelta(minutes=10)


@transaction.atomic
def followup_log(
    *,
    actor,
    customer: Customer,
    occurred_at: datetime,
    channel: str,
    content: str,
    contact: Contact | None = None,
    feedback: str = "",
    next_step: str = "",
    next_step_due: date | None = None,
    risk_note: str = "",
    now: datetime | None = None,
) -> FollowUp:
    """Record one contact with a customer and move the customer's cadence on (an on-site visit
    also moves the visit cadence).

    Entries logged more than the configured hours after the contact are accepted but flagged late.
    """
    _require_write(actor)
    now = now or timezone.now()
    errors: dict[str, str] = {}
    if occurred_at > now + CLOCK_SKEW:
        errors["occurred_at"] = _("A follow-up cannot be in the future.")
    if not content.strip():
        errors["content"] = _("Say what was discussed.")
    if next_step_due and not next_step.strip():
        errors["next_step"] = str(NEXT_STEP_NEEDED)
    if next_step_due and next_step_due < timezone.localdate(occurred_at):
        errors["next_step_due"] = _("The next step cannot be due before the contact happened.")
    if contact is not None and contact.customer_id != customer.pk:
        errors["contact"] = _("This person is a contact of another customer.")
    if errors:
        raise ValidationError(errors)

    # Lock the customer so two entries logged at once both move the cadence correctly.
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    crm = CrmSettings.load()
    followup = FollowUp(
        customer=customer,
        contact=contact,
        occurred_at=occurred_at,
        channel=channel,
        content=content.strip(),
        feedback=feedback.strip(),
        next_step=next_step.strip(),
        next_step_due=next_step_due,
        risk_note=risk_note.strip(),
        author=actor,
        logged_at=now,
        is_late=cadence.is_logged_late(
            occurred_at=occurred_at, logged_at=now, allowed_hours=crm.late_log_hours
        ),
    )
    followup.full_clean(exclude=["customer", "author", "contact"])
    followup.save()
    # An entry older than the last contact moves nothing, except that an older visit can still
    # be the latest visit (a call came after it).
    moved = []
    if customer.last_followup_at is None or occurred_at > customer.last_followup_at:
        customer.last_followup_at = occurred_at
        moved.append("last_followup_at")
    if channel == FollowUp.Channel.VISIT and (
        customer.last_visit_at is None or occurred_at > customer.last_visit_at
    ):
        customer.last_visit_at = occurred_at
        moved.append("last_visit_at")
    if moved:
        refresh_cadence(customer)
        customer.save(update_fields=[*moved, "next_followup_due", "next_visit_due", "updated_at"])
    return followup


@transaction.atomic
def followup_next_step_done(*, actor, followup: FollowUp, now: datetime | None = None) -> FollowUp:
    _require_write(actor)
    followup = FollowUp.objects.select_for_update().get(pk=followup.pk)
    if not followup.next_step:
        raise ValidationError(_("This follow-up has no next step."))
    if followup.next_step_done_at is None:
        followup.next_step_done_at = now or timezone.now()
        followup.save(update_fields=["next_step_done_at"])
    return followup
