"""Key-account sales statistics (重点客户销量统计, docs/reports.md): the TOP-20 customers by sales
in the period, against the same period a year earlier, with what they paid in it and owe at its
end, their owner, and the finance specialist beside the top 10 (双线跟进, docs/customers.md)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum
from django.utils.translation import gettext as _

from customers.models import Customer
from orders.models import Order
from receivables.models import Payment
from receivables.selectors.balances import outstanding_by_customer
from reports.rules.stats import change, share
from salesops.core import charts

ZERO = Decimal("0.00")
TOP = 20  # customers listed (the TOP-20 list)
WITH_SPECIALIST = 10  # the top 10 get a finance specialist


@dataclass(frozen=True)
class KeyAccountRow:
    rank: int
    customer: Customer
    sales: Decimal  # accepted orders' amounts with tax in the period (docs/orders.md)
    last_year: Decimal  # the same, in the period a year earlier
    collected: Decimal  # valid payments dated in the period
    outstanding: Decimal  # what it owed on the report's as-of day

    @property
    def yoy(self) -> Decimal | None:
        return change(self.sales, self.last_year)

    @property
    def carries_specialist(self) -> bool:
        """One of the top 10: its finance specialist is shown (or missing, flagged)."""
        return self.rank <= WITH_SPECIALIST


def _sales(orders, first, last) -> dict[int, Decimal]:
    return dict(
        orders.accepted_within(first, last)
        .order_by()
        .values("customer_id")
        .annotate(sales=Sum("total"))
        .values_list("customer_id", "sales")
    )


def key_accounts_build(request) -> dict:
    """The TOP-20 by sales (the orders' revenue: amounts with tax of orders accepted in the
    period, accepted or closed now) among the customers `request` covers, ties by name; each
    with last year's same period and the change, payments received in the period, and the
    outstanding balance on `request.as_of`. Six queries (and the viewer's role) whatever the size
    of the book."""
    period, last = request.period, request.period.year_ago()
    orders = request.scoped(Order.objects.all())
    ranked = list(
        orders.accepted_within(period.start, period.end)
        .order_by()
        .values("customer_id")
        .annotate(sales=Sum("total"))
        .order_by("-sales", "customer__name", "customer_id")
        .values_list("customer_id", "sales")[:TOP]
    )
    total_sales = (
        orders.accepted_within(period.start, period.end).aggregate(t=Sum("total"))["t"] or ZERO
    )
    ids = [customer_id for customer_id, _sales_amount in ranked]
    customers = Customer.objects.filter(pk__in=ids).select_related("owner", "finance_specialist")
    by_pk = {customer.pk: customer for customer in customers} if ids else {}
    last_year = (
        _sales(Order.objects.filter(customer_id__in=ids), last.start, last.end) if ids else {}
    )
    collected = (
        dict(
            Payment.objects.valid()
            .filter(customer_id__in=ids, date__gte=period.start, date__lte=period.end)
            .order_by()
            .values("customer_id")
            .annotate(total=Sum("amount"))
            .values_list("customer_id", "total")
        )
        if ids
        else {}
    )
    owed = (
        outstanding_by_customer(as_of=request.as_of, customers=Customer.objects.filter(pk__in=ids))
        if ids
        else {}
    )
    rows = [
        KeyAccountRow(
            rank=rank,
            customer=by_pk[customer_id],
            sales=sales,
            last_year=last_year.get(customer_id, ZERO),
            collected=collected.get(customer_id, ZERO),
            outstanding=owed.get(customer_id, ZERO),
        )
        for rank, (customer_id, sales) in enumerate(ranked, start=1)
    ]
    top_sales = sum((row.sales for row in rows), ZERO)
    top_last_year = sum((row.last_year for row in rows), ZERO)
    return {
        "rows": rows,
        "last_period": last,
        "top_sales": top_sales,
        "top_last_year": top_last_year,
        "top_yoy": change(top_sales, top_last_year),
        "total_sales": total_sales,
        "top_share": share(top_sales, total_sales),
        "top_collected": sum((row.collected for row in rows), ZERO),
        "top_outstanding": sum((row.outstanding for row in rows), ZERO),
        "missing_specialists": [
            row for row in rows if row.carries_specialist and not row.customer.finance_specialist
        ],
        "chart": charts.bar(
            title=_("TOP-%(n)s customers by sales, %(period)s")
            % {"n": TOP, "period": period.label},
            labels=[f"{row.rank}. {row.customer.name}" for row in rows],
            series=[charts.Series(period.label, [row.sales for row in rows])],
            unit="yuan",
            horizontal=True,
        ),
    }
