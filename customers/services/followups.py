"""Logging follow-ups (跟进记录) and closing their next steps."""

from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from customers.models import Contact, CrmSettings, Customer, FollowUp
from customers.rules import cadence
from customers.services.customers import _require_write, refresh_cadence
from salesops.core.errors import ServiceError

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
        raise ServiceError.for_fields(errors)

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
        raise ServiceError(_("This follow-up has no next step."))
    if followup.next_step_done_at is None:
        followup.next_step_done_at = now or timezone.now()
        followup.save(update_fields=["next_step_done_at"])
    return followup


# What an entry's correction may change (admin): when, how, what; never whose or for whom.
FOLLOWUP_EDIT_FIELDS = {
    "occurred_at",
    "channel",
    "contact",
    "content",
    "feedback",
    "next_step",
    "next_step_due",
    "risk_note",
}


@transaction.atomic
def followup_update(
    *, actor, followup: FollowUp, now: datetime | None = None, **fields
) -> FollowUp:
    """Correct a logged entry. A new time or channel moves the customer's cadence as logging
    does, and also back: the last contact and last visit are taken again from the entries."""
    _require_write(actor)
    unknown = set(fields) - FOLLOWUP_EDIT_FIELDS
    if unknown:
        raise TypeError(f"unknown follow-up fields: {sorted(unknown)}")
    followup = FollowUp.objects.select_for_update().get(pk=followup.pk)
    for field, value in fields.items():
        setattr(followup, field, value)
    now = now or timezone.now()
    errors: dict[str, str] = {}
    if followup.occurred_at > now + CLOCK_SKEW:
        errors["occurred_at"] = _("A follow-up cannot be in the future.")
    if followup.next_step_due and followup.next_step_due < timezone.localdate(followup.occurred_at):
        errors["next_step_due"] = _("The next step cannot be due before the contact happened.")
    if followup.contact is not None and followup.contact.customer_id != followup.customer_id:
        errors["contact"] = _("This person is a contact of another customer.")
    if errors:
        raise ServiceError.for_fields(errors)
    followup.is_late = cadence.is_logged_late(
        occurred_at=followup.occurred_at,
        logged_at=followup.logged_at,
        allowed_hours=CrmSettings.load().late_log_hours,
    )
    followup.full_clean(exclude=["customer", "author", "contact"])
    followup.save()
    _recount_cadence(followup.customer_id)
    return followup


@transaction.atomic
def followup_delete(*, actor, followup: FollowUp) -> None:
    """Remove an entry logged by mistake; the customer's cadence goes back to the entries left."""
    _require_write(actor)
    customer_id = followup.customer_id
    FollowUp.objects.filter(pk=followup.pk).delete()
    _recount_cadence(customer_id)


def _recount_cadence(customer_id: int) -> None:
    """Last contact (any channel) and last on-site visit from the customer's entries, then the
    due dates from them, as followup_log keeps them."""
    customer = Customer.objects.select_for_update().get(pk=customer_id)
    last = FollowUp.objects.filter(customer_id=customer_id).aggregate(
        any=Max("occurred_at"), visit=Max("occurred_at", filter=Q(channel=FollowUp.Channel.VISIT))
    )
    customer.last_followup_at, customer.last_visit_at = last["any"], last["visit"]
    refresh_cadence(customer)
    customer.save(
        update_fields=[
            "last_followup_at",
            "last_visit_at",
            "next_followup_due",
            "next_visit_due",
            "updated_at",
        ]
    )
