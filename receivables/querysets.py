"""Named filters on receivables, payments, allocations and escalations; scoped by customer owner."""

from datetime import date
from decimal import Decimal

from django.apps import apps
from django.db.models import Case, DateField, F, Max, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, Greatest

from salesops.accounts.access import VisibleToQuerySet


class ReceivableQuerySet(VisibleToQuerySet):
    owner_path = "customer__owner"

    def open(self):
        return self.filter(settled_on__isnull=True)

    def open_on(self, day: date):
        """Issued by `day` and not yet settled on it (payments and write-offs dated after `day`
        do not count, so this is also what was open on a past day)."""
        return self.filter(Q(settled_on__isnull=True) | Q(settled_on__gt=day), issue_date__lte=day)

    def overdue(self, as_of: date):
        return self.open().filter(due_date__lt=as_of)

    def owed_then(self):
        """Still owing on the day of selectors' `receivables_as_of` annotations (what was
        collected and written off by then), whatever has been paid since."""
        return self.filter(amount__gt=F("collected_as_of") + F("written_off_as_of"))

    def search(self, text: str):
        """Customer name or receivable number containing `text`."""
        return self.filter(Q(customer__name__icontains=text) | Q(number__icontains=text))

    def add_to_totals(self, *, allocated: Decimal = Decimal(0), written_off: Decimal = Decimal(0)):
        """For the money services, under their row locks: add to the collected or written-off
        total and set or clear the settled day in the same UPDATE (the CHECK constraint ties
        settled_on to a zero balance, so they cannot change in two statements). The ledger row
        behind the change must already be written."""
        update = {"settled_on": settled_on_after(allocated=allocated, written_off=written_off)}
        if allocated:
            update["allocated"] = F("allocated") + allocated
        if written_off:
            update["written_off"] = F("written_off") + written_off
        return self.update(**update)


class PaymentQuerySet(VisibleToQuerySet):
    owner_path = "customer__owner"

    def valid(self):
        return self.filter(voided_at__isnull=True)

    def unallocated(self):
        """Valid payments with money not yet (fully) allocated to receivables (待核销)."""
        return self.valid().filter(allocated__lt=F("amount"))

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


def ledger_settled_day():
    """The latest of a receivable's issue date, its last active allocation's payment date and its
    last write-off's date, read from the ledger rows (a correlated expression on the receivable):
    the day it was settled, once it owes nothing."""
    allocation = apps.get_model("receivables", "Allocation")
    write_off = apps.get_model("receivables", "WriteOff")
    last_payment = (
        allocation.objects.filter(receivable=OuterRef("pk"), reversed_at__isnull=True)
        .order_by()
        .values("receivable")
        .annotate(day=Max("payment__date"))
        .values("day")
    )
    last_write_off = (
        write_off.objects.filter(receivable=OuterRef("pk"))
        .order_by()
        .values("receivable")
        .annotate(day=Max("date"))
        .values("day")
    )
    return Greatest(
        "issue_date",
        Coalesce(Subquery(last_payment), "issue_date"),
        Coalesce(Subquery(last_write_off), "issue_date"),
    )


def settled_on_after(*, allocated: Decimal = Decimal(0), written_off: Decimal = Decimal(0)):
    """The settled day for an UPDATE that adds `allocated` / `written_off` to a receivable (an
    UPDATE's SET reads the row as it was): NULL while anything stays owed, else the ledger's
    settled day, read from the ledger rows already written in this transaction."""
    owed = Q(amount__gt=F("allocated") + F("written_off") + Value(allocated + written_off))
    return Case(
        When(owed, then=Value(None, output_field=DateField())),
        default=ledger_settled_day(),
        output_field=DateField(),
    )
