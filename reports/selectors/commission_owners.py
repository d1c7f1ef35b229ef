"""Who earns a commission line: the customer's owner on the payment's day, read from the
ownership events (docs/reports.md, "Commission")."""

from __future__ import annotations

from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, Subquery, When
from django.db.models.functions import TruncDate

from customers.models import Customer, OwnershipEvent
from salesops.accounts.access import owner_scope
from salesops.accounts.models import User

# The events that change a customer's owner (a pool warning does not).
OWNER_CHANGES = [
    OwnershipEvent.Kind.CREATED,
    OwnershipEvent.Kind.REASSIGNED,
    OwnershipEvent.Kind.RELEASED,
    OwnershipEvent.Kind.CLAIMED,
    OwnershipEvent.Kind.ASSIGNED,
]


def owner_on_payment_day(allocation_path: str = ""):
    """SQL: who owned the allocation's customer at the end of its payment's day (Asia/Shanghai):
    the new owner of the last change by then; else (the customer changed hands only later) the
    previous owner of the first later change; else its owner now. NULL while in the pool."""
    prefix = f"{allocation_path}__" if allocation_path else ""
    customer = OuterRef(f"{prefix}receivable__customer")
    day = OuterRef(f"{prefix}payment__date")
    events = OwnershipEvent.objects.filter(customer=customer, kind__in=OWNER_CHANGES).annotate(
        day=TruncDate("created_at")
    )
    before = events.filter(day__lte=day).order_by("-created_at", "-pk")
    # A customer's creation after the payment's day says nothing about who owned it that day.
    after = (
        events.filter(day__gt=day)
        .exclude(kind=OwnershipEvent.Kind.CREATED)
        .order_by("created_at", "pk")
    )
    return Case(
        When(Exists(before), then=Subquery(before.values("to_owner")[:1])),
        When(Exists(after), then=Subquery(after.values("from_owner")[:1])),
        default=F(f"{prefix}receivable__customer__owner"),
        output_field=IntegerField(),
    )


def candidate_customers(*, user, reps):
    """For a query narrowed to some people (a rep, a team, chosen reps), the customers any of
    them could have owned on a payment's day: owned now, or named by an ownership change (the
    owner on a day is always the current owner or one an event names). A superset, so the
    owner lookups run on these customers' allocations only; None when nobody is left out."""
    people = User.objects.all()
    narrowed = False
    if user is not None:
        scope = owner_scope(user, "")
        if scope is None:
            return Customer.objects.none()
        if scope:
            people, narrowed = people.filter(scope), True
    if reps is not None:
        people = people.filter(pk__in=reps if hasattr(reps, "query") else list(reps))
        narrowed = True
    if not narrowed:
        return None
    ids = people.order_by().values("pk")
    named = OwnershipEvent.objects.filter(Q(to_owner__in=ids) | Q(from_owner__in=ids))
    return Customer.objects.filter(Q(owner__in=ids) | Q(pk__in=named.values("customer")))
