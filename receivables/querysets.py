"""Named filters on receivables, payments, allocations and escalations; scoped by customer owner."""

from datetime import date

from django.db.models import F, Q

from salesops.accounts.access import VisibleToQuerySet


class ReceivableQuerySet(VisibleToQuerySet):
    owner_path = "customer__owner"

    def open(self):
        return self.filter(amount__gt=F("allocated") + F("written_off"))

    def overdue(self, as_of: date):
        return self.open().filter(due_date__lt=as_of)

    def owed_then(self):
        """Still owing on the day of selectors' `receivables_as_of` annotations (what was
        collected and written off by then), whatever has been paid since."""
        return self.filter(amount__gt=F("collected_as_of") + F("written_off_as_of"))

    def search(self, text: str):
        """Customer name or receivable number containing `text`."""
        return self.filter(Q(customer__name__icontains=text) | Q(number__icontains=text))


class PaymentQuerySet(VisibleToQuerySet):
    owner_path = "customer__owner"

    def valid(self):
        return self.filter(voided_at__isnull=True)

    def search(self, text: str):
        return self.filter(customer__name__icontains=text)


class AllocationQuerySet(VisibleToQuerySet):
    owner_path = "receivable__customer__owner"

    def active(self):
        return self.filter(reversed_at__isnull=True)

    def received_by(self, on: date):
        """Active allocations of payments dated by `on` (a void reverses its allocations)."""
        return self.active().filter(payment__date__lte=on)

    def counted_by(self, on: date):
        """What a statement or a penalty counts by `on`: received by then, of valid payments."""
        return self.received_by(on).filter(payment__voided_at__isnull=True)


class EscalationEventQuerySet(VisibleToQuerySet):
    owner_path = "receivable__customer__owner"


class WriteOffQuerySet(VisibleToQuerySet):
    owner_path = "receivable__customer__owner"


class CreditHoldEventQuerySet(VisibleToQuerySet):
    owner_path = "customer__owner"


class AgingSnapshotQuerySet(VisibleToQuerySet):
    owner_path = "customer__owner"
