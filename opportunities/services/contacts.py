"""Who is who in a deal: a customer contact's role in it and the one primary contact."""

from django.db import transaction
from django.utils.translation import gettext as _

from customers.models import Contact
from opportunities.models import DealContact, Opportunity
from opportunities.services.deals import locked_in_scope, require_write
from salesops.core.errors import ServiceError


@transaction.atomic
def deal_contact_set(
    *, actor, opportunity: Opportunity, contact: Contact, role: str, is_primary: bool = False
) -> DealContact:
    """Add or change a contact's role in the deal; marking one primary unmarks the others."""
    require_write(actor)
    opportunity = locked_in_scope(opportunity, actor)
    if contact.customer_id != opportunity.customer_id:
        raise ServiceError(_("This person is a contact of another customer."), field="contact")
    if role not in DealContact.Role.values:
        raise ServiceError(_("Choose a role."), field="role")
    if is_primary:
        opportunity.deal_contacts.exclude(contact=contact).update(is_primary=False)
    deal_contact, _created = DealContact.objects.update_or_create(
        opportunity=opportunity, contact=contact, defaults={"role": role, "is_primary": is_primary}
    )
    return deal_contact


@transaction.atomic
def deal_contact_remove(*, actor, opportunity: Opportunity, contact: Contact) -> None:
    require_write(actor)
    locked_in_scope(opportunity, actor).deal_contacts.filter(contact=contact).delete()
