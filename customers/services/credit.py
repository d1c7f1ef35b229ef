"""Credit hold (停止供货) on customers: the flag, since when and why. receivables decides when a
customer goes on hold or comes off it, and keeps its own record of each (CreditHoldEvent)."""

from datetime import datetime

from django.db import transaction
from simple_history.utils import bulk_update_with_history

from customers.models import Customer

HOLD_FIELDS = ["credit_hold", "credit_hold_since", "credit_hold_reason", "updated_at"]
BATCH = 5000


@transaction.atomic
def customer_credit_hold_set(*, reasons: dict[int, str], at: datetime) -> list[Customer]:
    """Put the customers of `reasons` (customer id → why) on hold from `at`, in one pass with a
    history row each; customers already on hold are left as they are. Returns those put on hold,
    in id order (the order their rows were locked in)."""
    customers = list(
        Customer.objects.select_for_update()
        .filter(pk__in=reasons, credit_hold=False)
        .order_by("pk")
    )
    for customer in customers:
        customer.credit_hold, customer.credit_hold_since = True, at
        customer.credit_hold_reason = reasons[customer.pk]
        customer.updated_at = at  # auto_now is not applied by a bulk update
    bulk_update_with_history(customers, Customer, HOLD_FIELDS, batch_size=BATCH, default_date=at)
    return customers


@transaction.atomic
def customer_credit_hold_clear(*, customer: Customer) -> Customer | None:
    """Take the customer off hold; None (and nothing written) when it was not on hold."""
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if not customer.credit_hold:
        return None
    customer.credit_hold, customer.credit_hold_since, customer.credit_hold_reason = False, None, ""
    customer.save(update_fields=HOLD_FIELDS)
    return customer
