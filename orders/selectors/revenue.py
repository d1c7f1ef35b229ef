"""Trailing revenue per customer, in SQL: what the quarterly re-tiering ranks (RAD and ABC)."""

from datetime import date

from django.db.models import QuerySet, Sum

from orders.models import Order
from orders.rules.revenue import revenue_window


def revenue_by_customer(*, on: date) -> QuerySet:
    """(customer_id, revenue) of every customer with revenue in the 12 months ending with `on`:
    the sum of the amounts with tax (`total`) of its orders accepted in the window
    (`revenue_window`) and accepted or closed now; cancelled, unaccepted orders count nothing.
    Whole book (the job's read, no user): one GROUP BY, usable as a subquery."""
    first, last = revenue_window(on)
    return (
        Order.objects.accepted_within(first, last)
        .order_by()
        .values("customer_id")
        .annotate(revenue=Sum("total"))
    )
