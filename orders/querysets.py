"""Named filters on orders and contracts; scoped by the customer's current owner, like
receivables, so a reassigned customer's orders go with it."""

from django.db.models import Q

from salesops.accounts.access import VisibleToQuerySet

# Confirmed and not yet closed or cancelled: what counts toward exposure until invoiced.
COMMITTED = ("confirmed", "production", "shipped", "delivered", "accepted")


class OrderQuerySet(VisibleToQuerySet):
    owner_path = "customer__owner"

    def committed(self):
        """Confirmed, not closed or cancelled."""
        return self.filter(status__in=COMMITTED)

    def search(self, text: str):
        return self.filter(Q(number__icontains=text) | Q(customer__name__icontains=text))


class ScopedByOrderQuerySet(VisibleToQuerySet):
    owner_path = "order__customer__owner"


class ContractQuerySet(VisibleToQuerySet):
    owner_path = "customer__owner"

    def search(self, text: str):
        return self.filter(Q(number__icontains=text) | Q(customer__name__icontains=text))


class ScopedByContractQuerySet(VisibleToQuerySet):
    owner_path = "contract__customer__owner"
