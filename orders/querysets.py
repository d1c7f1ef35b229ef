"""Named filters on orders and contracts; scoped by the customer's current owner, like
receivables, so a reassigned customer's orders go with it."""

from datetime import date

from django.db.models import Q

from salesops.accounts.access import VisibleToQuerySet

# Confirmed and not yet closed or cancelled: what counts toward exposure until invoiced.
COMMITTED = ("confirmed", "production", "shipped", "delivered", "accepted")
# Accepted by the customer (验收), closed after acceptance: what counts as our revenue.
SOLD = ("accepted", "closed")


class OrderQuerySet(VisibleToQuerySet):
    owner_path = "customer__owner"

    def committed(self):
        """Confirmed, not closed or cancelled."""
        return self.filter(status__in=COMMITTED)

    def sold(self):
        """Accepted or closed: counted as revenue from the day of acceptance."""
        return self.filter(status__in=SOLD)

    def accepted_within(self, first: date, last: date):
        """Sold and accepted on a day from `first` to `last`, both included."""
        return self.sold().filter(accepted_on__gte=first, accepted_on__lte=last)

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
