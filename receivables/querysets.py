"""Named filters on receivables, payments, allocations and escalations; scoped by customer owner."""

from datetime import date

from django.db.models import F

from salesops.accounts.access import VisibleToQuerySet


class ReceivableQuerySet(VisibleToQuerySet):
    owner_path = "customer__owner"

    def open(self):
        return self.filter(amount__gt=F("allocated") + F("written_off"))

    def overdue(self, as_of: date):
        return self.open().filter(due_date__lt=as_of)


class PaymentQuerySet(VisibleToQuerySet):
    owner_path = "customer__owner"

    def valid(self):
        return self.filter(voided_at__isnull=True)


class AllocationQuerySet(VisibleToQuerySet):
    owner_path = "receivable__customer__owner"

    def active(self):
        return self.filter(reversed_at__isnull=True)


class EscalationEventQuerySet(VisibleToQuerySet):
    owner_path = "receivable__customer__owner"
