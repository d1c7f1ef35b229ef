"""The customers app's scheduled jobs: daily follow-up reminders, and the pool run (warn owners,
release idle customers to the pool). Dedupe keys and job keys carry the day, so a rerun for the
same day writes nothing new."""

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from customers.models import CrmSettings, Customer, FollowUp, OwnershipEvent, TierRule
from customers.rules import cadence
from customers.services.customers import announce_owner_changed
from salesops.accounts.models import Team, User
from salesops.core.i18n import lazy_text
from salesops.core.scheduling import scheduled_job
from salesops.core.services import notification_send

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReminderResult:
    followup_reminders: int = 0
    next_step_reminders: int = 0


@scheduled_job
def followup_remind(*, as_of: date) -> ReminderResult:
    """Daily: remind owners of customers due for follow-up and next steps that fell due.
    One notification per owner per day for due customers, one for due next steps.
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
            gettext_lazy("%(total)s customers due for follow-up today (%(overdue)s overdue)"), **row
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
            title=lazy_text(gettext_lazy("%(total)s next steps are due"), **row),
            url=due_url,
            level="warning",
            dedupe_key=f"next-steps-due:{as_of.isoformat()}",
        ):
            sent_steps += 1
    logger.info("reminders for %s: %s follow-up, %s next-step", as_of, sent_due, sent_steps)
    return ReminderResult(followup_reminders=sent_due, next_step_reminders=sent_steps)


@dataclass(frozen=True)
class PoolRunResult:
    warned: int = 0
    released: int = 0


def _idle_days(customer: Customer, as_of: date) -> int:
    last = timezone.localdate(customer.last_followup_at) if customer.last_followup_at else None
    # owner_since is set by every service; fall back to creation rather than to "today".
    since = customer.owner_since or customer.created_at
    return cadence.idle_days(last_contact=last, owner_since=timezone.localdate(since), as_of=as_of)


def _near_release(rules: dict, *, warning_days: int, as_of: date) -> Q:
    """Customers whose idle days (`_idle_days`) on `as_of` reach their tier's warning day: the
    later of the last contact and owner_since (else creation), as a local date, is on or before
    the tier's cut-off day, i.e. both are before the local midnight that ends it."""
    near = Q(pk__in=[])
    for tier, rule in rules.items():
        last_day = as_of - timedelta(days=rule.effective_pool_idle_days - warning_days)
        ends = timezone.make_aware(datetime.combine(last_day + timedelta(days=1), time.min))
        rested = Q(last_followup_at__isnull=True) | Q(last_followup_at__lt=ends)
        held_since = Q(owner_since__lt=ends) | Q(owner_since__isnull=True, created_at__lt=ends)
        near |= Q(tier=tier) & rested & held_since
    return near


def _pool_team(owner: User) -> Team | None:
    """The pool a former owner's customer goes to: their team, or the team they lead."""
    return owner.team or Team.objects.filter(manager=owner).order_by("pk").first()


@scheduled_job
def customer_release_idle(*, as_of: date, now: datetime | None = None) -> PoolRunResult:
    """Daily: warn owners a few days before release, release customers idle past their tier's
    limit. Running it again for the same day changes nothing."""
    now = now or timezone.now()
    rules = {rule.tier: rule for rule in TierRule.objects.all()}
    crm = CrmSettings.load()
    warned = released = 0
    # SQL keeps the loop to the customers within their warning days (a few a day, not the whole
    # book); the rule is still decided per row below, and again on the locked row at release.
    candidates = (
        Customer.objects.owned()
        .filter(_near_release(rules, warning_days=crm.pool_warning_days, as_of=as_of))
        .select_related("owner", "owner__team")
        .order_by("pk")
    )
    # Jobs run outside a request: records (event reasons) are written in the product's default
    # language; notifications are rendered in each recipient's own by notification_send.
    with override(settings.LANGUAGE_CODE):
        for customer in candidates.iterator(chunk_size=500):
            limit = rules[customer.tier].effective_pool_idle_days
            idle = _idle_days(customer, as_of)
            if idle >= limit:
                released += _release(customer.pk, as_of=as_of, now=now, limit=limit)
            elif idle >= limit - crm.pool_warning_days:
                release_on = as_of + timedelta(days=limit - idle)
                warned += _warn(customer, as_of=as_of, release_on=release_on)
    logger.info("pool run for %s: %s warned, %s released", as_of, warned, released)
    return PoolRunResult(warned=warned, released=released)


@transaction.atomic
def _warn(customer: Customer, *, as_of: date, release_on: date) -> int:
    # One warning per customer per release date: a contact moves the date and re-arms it.
    key = f"pool-warning:{release_on.isoformat()}"
    _event, created = OwnershipEvent.objects.get_or_create(
        customer=customer,
        kind=OwnershipEvent.Kind.POOL_WARNING,
        job_key=key,
        defaults={
            "from_owner": customer.owner,
            "reason": _("Will be released on %(date)s unless followed up") % {"date": release_on},
        },
    )
    if not created:
        return 0
    notification_send(
        recipient=customer.owner,
        title=lazy_text(
            gettext_lazy("%(customer)s goes to the pool on %(date)s"),
            customer=customer.name,
            date=release_on,
        ),
        body=gettext_lazy("Log a follow-up before then to keep the customer."),
        url=customer.get_absolute_url(),
        level="warning",
        dedupe_key=f"{key}:customer:{customer.pk}",
    )
    return 1


@transaction.atomic
def _release(customer_pk: int, *, as_of: date, now: datetime, limit: int) -> int:
    # No select_related here: PostgreSQL refuses FOR UPDATE on the nullable side of the outer
    # join it would add (owner and team are nullable), so the owner is loaded after the lock.
    customer = Customer.objects.select_for_update().get(pk=customer_pk)
    if customer.owner is None:  # released meanwhile
        return 0
    # Decide again on the locked row: a follow-up or a reassignment since the scan keeps it.
    idle = _idle_days(customer, as_of)
    if idle < limit:
        return 0
    previous = customer.owner
    event, created = OwnershipEvent.objects.get_or_create(
        customer=customer,
        kind=OwnershipEvent.Kind.RELEASED,
        job_key=f"release:{as_of.isoformat()}",
        defaults={
            "from_owner": previous,
            "reason": _("Not followed up for %(days)s days") % {"days": idle},
            "created_at": now,
        },
    )
    if not created:
        return 0
    customer.owner = None
    customer.owner_since = None
    customer.pool_since = now
    customer.pool_team = _pool_team(previous)
    customer.save(update_fields=["owner", "owner_since", "pool_since", "pool_team", "updated_at"])
    announce_owner_changed(
        customer=customer, from_owner=previous, to_owner=None, actor=None, reason=event.reason
    )
    notification_send(
        recipient=previous,
        title=lazy_text(
            gettext_lazy("%(customer)s was released to the pool"), customer=customer.name
        ),
        body=lazy_text(gettext_lazy("Not followed up for %(days)s days."), days=idle),
        url=reverse("customer_pool"),
        level="warning",
        dedupe_key=f"pool-release:{as_of.isoformat()}:customer:{customer.pk}",
    )
    return 1
