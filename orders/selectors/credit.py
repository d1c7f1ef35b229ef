"""The figures the credit check at confirmation reads: the customer's open receivables, its
committed orders not yet invoiced, its group's joint-liability flag (连坐)."""

from datetime import date
from decimal import Decimal

from django.db.models import F, Sum

from orders.models import Order
from orders.rules.credit import CreditCheck, CreditFigures, credit_check
from receivables.models import Receivable
from receivables.selectors.credit import group_flagged
from salesops.core.money import from_fen


def customer_exposure(*, customer, exclude_order=None) -> tuple[Decimal, Decimal]:
    """(open receivables, committed orders not yet invoiced) of the customer, summed in SQL.
    `exclude_order`: the order being confirmed, counted separately by its total."""
    open_fen = (
        Receivable.objects.filter(customer=customer).open().aggregate(fen=Sum("balance_fen"))["fen"]
    )
    committed = Order.objects.committed().filter(customer=customer)
    if exclude_order is not None:
        committed = committed.exclude(pk=exclude_order.pk)
    uninvoiced = committed.aggregate(s=Sum(F("total") - F("invoiced")))["s"] or Decimal("0.00")
    return from_fen(open_fen), uninvoiced


def order_credit_check(*, order: Order, customer, as_of: date) -> CreditCheck:
    """The check as it stands now for an order already fetched in scope; `customer` is its
    customer (locked by the confirmation, so its hold and limit are current). The order counts
    with its part not yet invoiced: a contract signed before the confirmation raised the rest,
    which is counted among the open receivables."""
    open_receivables, uninvoiced = customer_exposure(customer=customer, exclude_order=order)
    return credit_check(
        CreditFigures(
            credit_hold=customer.credit_hold,
            credit_rating=customer.credit_rating,
            credit_limit=customer.credit_limit,
            group_flagged=group_flagged(customer=customer, as_of=as_of),
            open_receivables=open_receivables,
            committed_uninvoiced=uninvoiced,
            # What its signed contract raised already is among the open receivables.
            order_total=order.total - order.invoiced,
            prepayment=order.prepayment,
            has_guarantee=bool(order.guarantee.strip()),
        )
    )
