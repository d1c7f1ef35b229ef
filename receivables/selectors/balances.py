"""What receivables owed on a given day: the SQL each aging, KPI and credit read builds on, and
each customer's total outstanding (单一客户累计欠款)."""

from datetime import date
from decimal import Decimal

from django.db.models import (
    CharField,
    DecimalField,
    F,
    IntegerField,
    OuterRef,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from receivables.models import Allocation, Receivable, WriteOff
from salesops.accounts.models import Team

ZERO = Decimal("0.00")
MONEY_FIELD = DecimalField(max_digits=14, decimal_places=2)


def owner_team(path: str = "customer__owner", field: str = "pk"):
    """The team (its `field`: pk or name) a record's owner sells in: the team they are a member
    of, else the team they lead (first by name), so a manager's own customers count in the
    manager's team."""
    led = Team.objects.filter(manager=OuterRef(path)).order_by("name", "pk").values(field)[:1]
    member = F(f"{path}__team") if field == "pk" else F(f"{path}__team__{field}")
    output = IntegerField() if field == "pk" else CharField()
    return Coalesce(member, Subquery(led), output_field=output)


def scoped_receivables(user):
    """visible_to(user); user=None is the system itself (scheduled jobs) and sees everything."""
    return Receivable.objects.all() if user is None else Receivable.objects.visible_to(user)


def collected_by(on: date):
    """An annotation: what a receivable had collected by `on` (allocations of payments dated by
    then, reversed ones out). What opening balances had paid before go-live counts as collected
    all along."""
    collected = (
        Allocation.objects.received_by(on)
        .filter(receivable=OuterRef("pk"))
        .values("receivable")
        .annotate(total=Sum("amount"))
        .values("total")[:1]
    )
    return F("opening_paid") + Coalesce(Subquery(collected), Value(ZERO), output_field=MONEY_FIELD)


def receivables_as_of(*, user, as_of: date):
    """Receivables issued by `as_of`, annotated with what was collected and written off by then.
    Voided payments count as never received."""
    written = (
        WriteOff.objects.filter(receivable=OuterRef("pk"), date__lte=as_of)
        .values("receivable")
        .annotate(total=Sum("amount"))
        .values("total")[:1]
    )
    return (
        scoped_receivables(user)
        .filter(issue_date__lte=as_of)
        .annotate(
            collected_as_of=collected_by(as_of),
            written_off_as_of=Coalesce(Subquery(written), Value(ZERO), output_field=MONEY_FIELD),
        )
    )


def outstanding_by_customer(*, as_of: date, customers=None) -> dict[int, Decimal]:
    """Each customer's total outstanding on `as_of` (单一客户累计欠款): every receivable issued by
    then, due or not, less what was collected (valid payments dated by then, and what was paid
    before go-live) and written off by then. Three grouped queries whatever the size."""
    issued = Receivable.objects.filter(issue_date__lte=as_of)
    if customers is not None:
        issued = issued.filter(customer__in=customers)
    totals = {
        row["customer"]: row["amount"] - row["opening"]
        for row in issued.values("customer").annotate(
            amount=Sum("amount"), opening=Sum("opening_paid")
        )
    }
    collected = (
        Allocation.objects.received_by(as_of)
        .filter(receivable__in=issued)
        .values_list("receivable__customer")
        .annotate(total=Sum("amount"))
    )
    written = (
        WriteOff.objects.filter(receivable__in=issued, date__lte=as_of)
        .values_list("receivable__customer")
        .annotate(total=Sum("amount"))
    )
    for customer_id, total in [*collected, *written]:
        totals[customer_id] -= total
    return {customer_id: total for customer_id, total in totals.items() if total > 0}
