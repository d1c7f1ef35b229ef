"""The customer pool (公海): warnings, release of idle customers, claims and assignment."""

import logging
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import CrmSettings, Customer, OwnershipEvent
from customers.selectors import claims_in_window, pool_visible_to
from customers.services.customers import announce_owner_changed, refresh_cadence
from salesops.accounts.access import role_of
from salesops.accounts.models import User
from salesops.accounts.roles import Role
from salesops.core.errors import NotPermitted, ServiceError

logger = logging.getLogger(__name__)


@transaction.atomic
def pool_claim(*, actor, customer: Customer, reason: str = "", now: datetime | None = None):
    """A rep takes a pool customer of their team, within their claim cap."""
    now = now or timezone.now()
    if role_of(actor) is not Role.REP:
        raise NotPermitted(_("Only sales reps claim customers; managers assign them."))
    # Lock the rep first: two claims of theirs at once must not both pass the cap check.
    User.objects.select_for_update().get(pk=actor.pk)
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if customer.owner_id is not None:
        raise ServiceError(_("Someone else has just claimed this customer."))
    if not pool_visible_to(actor).filter(pk=customer.pk).exists():
        raise NotPermitted(_("This customer is in another team's pool."))
    cap = CrmSettings.load().pool_claim_cap
    if claims_in_window(actor, now=now) >= cap:
        raise ServiceError(
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
