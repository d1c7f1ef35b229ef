"""The orders app's scheduled jobs, both about the customers' revenue from the orders: the
nightly refresh of every customer's trailing 12-month revenue (what the customer page and the
share of wallet show between re-tierings), and the quarterly re-tiering, which refreshes it too
and has customers re-tier the book, under the quarter's lock, once per quarter."""

import dataclasses
from datetime import date

from django.db import transaction

from customers.rules.retier import revenue_day
from customers.selectors import retier_run_of
from customers.services.tiers import (
    RetierResult,
    customers_retier,
    retier_lock,
    trailing_revenue_set,
)
from orders.selectors.revenue import revenue_by_customer
from salesops.core.scheduling import scheduled_job

JOB = "customer_retier"


@dataclasses.dataclass(frozen=True)
class RevenueRefresh:
    revenue_on: date
    updated: int

    def __str__(self) -> str:
        return (
            f"trailing revenue to {self.revenue_on.isoformat()}: {self.updated} customers changed"
        )


@scheduled_job
def customer_revenue_refresh(*, as_of: date) -> RevenueRefresh:
    """Nightly: every customer's revenue of the 12 months to the day before `as_of` from its
    accepted orders, in one UPDATE of the rows that change (a rerun, or a second worker after
    the first, changes none). Tiers and RAD types move only at the quarterly re-tiering."""
    revenue_on = revenue_day(as_of)
    with transaction.atomic():
        updated = trailing_revenue_set(revenue=revenue_by_customer(on=revenue_on))
    return RevenueRefresh(revenue_on=revenue_on, updated=updated)


# `run_job retier_customers` is the name the issue gave the command; the job keeps the house's
# <entity>_<action> name everywhere else.
@scheduled_job(aliases=("retier_customers",))
def customer_retier(*, as_of: date) -> RetierResult:
    """Quarterly (first day of the quarter): each customer's revenue of the 12 months to the day
    before `as_of` from its accepted orders, then ABC(D) tiers and RAD types from it, a
    TierChange per change and one digest per owner, in one transaction. A run for a quarter
    already re-tiered (another worker, a rerun, a later day of the quarter) changes nothing,
    not even the revenue, and says so."""
    with transaction.atomic():
        retier_lock(as_of=as_of)
        done = retier_run_of(as_of=as_of)
        if done is not None:
            return customers_retier(as_of=as_of, revenue_on=done.revenue_on, job=JOB)
        revenue_on = revenue_day(as_of)
        updated = trailing_revenue_set(revenue=revenue_by_customer(on=revenue_on))
        result = customers_retier(as_of=as_of, revenue_on=revenue_on, job=JOB)
        return dataclasses.replace(result, revenue_updated=updated)
