"""Follow-ups about a deal: the follow-up is customers', the link to the deal is ours."""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from customers.models import Customer, FollowUp
from customers.services.followups import followup_log
from opportunities.models import DealFollowUp, Opportunity
from salesops.core.errors import ServiceError


@transaction.atomic
def deal_followup_log(
    *, actor, customer: Customer, opportunity: Opportunity, **followup: Any
) -> FollowUp:
    """Log a follow-up about one of the customer's deals: customers writes the follow-up (and moves
    the cadence) and this app links it to the deal, in one transaction."""
    if opportunity.customer_id != customer.pk:
        raise ServiceError(_("This opportunity belongs to another customer."), field="opportunity")
    logged = followup_log(actor=actor, customer=customer, **followup)
    DealFollowUp.objects.create(followup=logged, opportunity=opportunity)
    return logged
