"""The customer pool (公海): claims and assignment (warnings and release are the job
`customer_release_idle` in customers/jobs.py)."""

import logging
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import CrmSettings, Customer, OwnershipEvent
from customers.services.customers import hand_over_open_deals, refresh_cadence
from salesops.accounts.access import role_of
from salesops.accounts.models import User
from salesops.accounts.roles import Role

logger = logging.getLogger(__name__)


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
    hand_over_open_deals(customer=customer, new_owner=actor)
    OwnershipEvent.objects.create(
        customer=customer,
        kind=OwnershipEvent.Kind.CLAIMED,
        to_owner=actor,
        actor=actor,
        reason=reason.strip() or _("Claimed from the pool"),
        created_at=now,
    )
    return customer
