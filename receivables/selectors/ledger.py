"""The reads of the receivable and payment pages: lists with their filters, what a detail page
shows beside its object, the customers a form offers. Scoped by visible_to."""

from datetime import date

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from customers.models import Customer
from receivables.models import Payment, Receivable

RECEIVABLE_STATES = ("open", "overdue", "all")


def receivable_list(*, user, state: str = "open", search: str = "", as_of: date) -> QuerySet:
    """The receivables list: open ones (the default), those overdue on `as_of`, or all; `search`
    matches the customer's name or the number."""
    qs = (
        Receivable.objects.visible_to(user)
        .select_related("customer", "customer__owner")
        .order_by("due_date", "pk")
    )
    if state == "open":
        qs = qs.open()
    elif state == "overdue":
        qs = qs.overdue(as_of)
    return qs.search(search) if search else qs


def receivable_get(*, user, pk: int) -> Receivable:
    """One receivable in scope, with its customer, the customer's owner (letters name both) and
    its deal; Http404 outside the scope."""
    return get_object_or_404(
        Receivable.objects.visible_to(user).select_related("customer__owner", "opportunity"), pk=pk
    )


def receivable_history(*, receivable: Receivable) -> dict:
    """What the receivable page lists under it: allocations, write-offs, escalation steps."""
    return {
        "allocations": receivable.allocations.select_related("payment").order_by("created_at"),
        "write_offs": receivable.write_offs.all(),
        "escalations": receivable.escalations.select_related("level"),
    }


def payment_list(*, user, search: str = "", unallocated: bool = False) -> QuerySet:
    """The payments list, newest first; `search` matches the customer's name; `unallocated`
    keeps the valid payments not yet fully allocated (the finance home page's figure)."""
    qs = (
        Payment.objects.visible_to(user)
        .select_related("customer", "recorded_by")
        .order_by("-date", "-pk")
    )
    if unallocated:
        qs = qs.unallocated()
    return qs.search(search) if search else qs


def payment_get(*, user, pk: int) -> Payment:
    """One payment in scope (DoesNotExist outside it)."""
    return Payment.objects.visible_to(user).select_related("customer", "recorded_by").get(pk=pk)


def payment_allocations(*, payment: Payment) -> QuerySet:
    return payment.allocations.select_related("receivable").order_by("pk")


def open_receivables_of(*, customer) -> QuerySet:
    """The customer's open receivables, oldest due first: what a payment may be allocated to."""
    return Receivable.objects.filter(customer=customer).open().order_by("due_date", "pk")


def money_customers(*, user) -> QuerySet:
    """The customers a receivable or payment form offers: those `user` may see, by name."""
    return Customer.objects.visible_to(user).order_by("name")
