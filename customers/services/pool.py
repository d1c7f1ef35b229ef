"""The customer pool (公海): warnings, release of idle customers, claims and assignment."""

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from customers import cadence
from customers.models import CrmSettings, Customer, OwnershipEvent, TierRule
from customers.services.customers import announce_owner_changed, refresh_cadence
from salesops.accounts.access import role_of
from salesops.accounts.models import Team, User
from salesops.accounts.roles import Role
from salesops.core.i18n import lazy_text
from salesops.core.services import notification_send

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PoolRunResult:
    warned: int = 0
    released: int = 0


def _idle_days(customer: Customer, as_of: date) -> int:
    last = timezone.localdate(customer.last_followup_at) if customer.last_followup_at else None
    # owner_since is set by every service; fall back to creation rather than to "today".
    since = customer.owner_since or customer.created_at
    return cadence.idle_days(last_contact=last, owner_since=timezone.localdate(since), as_of=as_of)


def _pool_team(owner: User) -> Team | None:
    """The pool a former owner's customer goes to: their team, or the team they lead."""
    return owner.team or Team.objects.filter(manager=owner).order_by("pk").first()


def pool_run(*, as_of: date, now: datetime | None = None) -> PoolRunResult:
    """Daily: warn owners a few days before release, release customers idle past their tier's
    limit. Running it again for the same day changes nothing."""
    now = now or timezone.now()
    rules = {rule.tier: rule for rule in TierRule.objects.all()}
    crm = CrmSettings.load()
    warned = released = 0
    candidates = Customer.objects.owned().select_related("owner", "owner__team")
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


def claims_in_window(user, *, now: datetime) -> int:
    """Claims in the 30 days up to `now`, and any stamped later: a concurrent claim that took
    its clock reading a moment after ours must still count against the cap."""
    return OwnershipEvent.objects.filter(
        kind=OwnershipEvent.Kind.CLAIMED,
        to_owner=user,
        created_at__gt=now - timedelta(days=30),
    ).count()


def pool_visible_to(user):
    """Pool customers a user may see: their team's pool (reps), their teams' (managers), all."""
    role = role_of(user)
    pool = Customer.objects.in_pool()
    if role in (Role.ADMIN, Role.FINANCE):
        return pool
    if role is Role.MANAGER:
        return pool.filter(pool_team__manager=user)
    if role is Role.REP and user.team_id:
        return pool.filter(pool_team_id=user.team_id)
    return pool.none()


def recently_taken_from_pool(user, pk: int) -> Customer | None:
    """The customer `pk` if it sat in the pool of `user`'s team and was claimed or assigned to
    someone of that team in the last day: a rep clicking "Claim" on a stale page gets told why
    it is gone instead of a 404. None otherwise (nothing is revealed to other teams)."""
    if role_of(user) is not Role.REP or not user.team_id:
        return None
    return (
        Customer.objects.filter(
            pk=pk,
            owner__team_id=user.team_id,
            ownership_events__kind__in=[OwnershipEvent.Kind.CLAIMED, OwnershipEvent.Kind.ASSIGNED],
            ownership_events__created_at__gte=timezone.now() - timedelta(days=1),
        )
        .distinct()
        .first()
    )


@transaction.atomic
def pool_claim(*, actor, customer: Customer, reason: str = "", now: datetime | None = None):
    """A rep takes a pool customer of their team, within their claim cap."""
    now = now or timezone.now()
    if role_of(actor) is not Role.REP:
        raise PermissionError(_("Only sales reps claim customers; managers assign them."))
    # Lock the rep first: two claims of theirs at once must not both pass the cap check.
    User.objects.select_for_update().get(pk=actor.pk)
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if customer.owner_id is not None:
        raise ValidationError(_("Someone else has just claimed this customer."))
    if not pool_visible_to(actor).filter(pk=customer.pk).exists():
        raise PermissionError(_("This customer is in another team's pool."))
    cap = CrmSettings.load().pool_claim_cap
    if claims_in_window(actor, now=now) >= cap:
        raise ValidationError(
            _("You have claimed %(cap)s customers in the last 30 days, the most allowed.")
            % {"cap": cap}
        )
    customer.owner, customer.owner_since = actor, now
    customer.pool_since = customer.pool_team = None
    refresh_cadence(customer)  # due one interval after the claim
    customer.save()
    event = OwnershipEvent.objects.create(
        customer=customer,
        kind=OwnershipEvent.Kind.CLAIMED,
        to_owner=actor,
        actor=actor,
        reason=reason.strip() or _("Claimed from the pool"),
        created_at=now,
    )
    announce_owner_changed(
        customer=customer, from_owner=None, to_owner=actor, actor=actor, reason=event.reason
    )
    return customer
