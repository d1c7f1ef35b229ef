"""Each rep's commission totals for a month (docs/reports.md, "Commission"), summed in SQL over
the same lines as reports.selectors.commission_lines: one row a rep, for the statement's summary
of many reps and for the home page's commission so far."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import connection
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce

from reports.models import CommissionLine
from reports.selectors.commission_lines import commission_lines, live_lines_sql
from reports.selectors.commission_months import ClosedRange, closed_range, month_of
from reports.selectors.commission_rows import ZERO, fetch_without_jit
from salesops.accounts.access import owner_scope


@dataclass(frozen=True)
class RepTotals:
    """One rep's month in sums: the earned lines' amount (collected) and commission, the
    adjustments' commission, the part above the threshold, and how many lines."""

    rep_id: int
    collected: Decimal = ZERO
    earned: Decimal = ZERO
    adjustments: Decimal = ZERO
    accelerated: Decimal = ZERO
    lines: int = 0


def commission_totals(
    *,
    user,
    month: date,
    reps=None,
    through: date | None = None,
    closed: ClosedRange | None = None,
    settings=None,
) -> dict[int, RepTotals]:
    """Each rep's totals for the month (same scope as commission_lines), summed in SQL: one
    row a rep whatever the number of lines. With `through`, earned lines of payments dated
    after it are left out (adjustments all count)."""
    month = month_of(month)
    closed = closed or closed_range()
    earned = CommissionLine.Kind.EARNED
    if closed.is_closed(month):
        lines = CommissionLine.objects
        frozen = (lines.all() if user is None else lines.visible_to(user)).filter(
            period__month=month
        )
        if reps is not None:
            frozen = frozen.filter(rep__in=reps)
        if through is not None:
            frozen = frozen.filter(~Q(kind=earned) | Q(payment_date__lte=through))
        is_earned, adjustment = Q(kind=earned), ~Q(kind=earned)
        rows = (
            frozen.order_by()
            .values("rep_id")
            .annotate(
                collected=Coalesce(Sum("amount", filter=is_earned), ZERO),
                earned=Coalesce(Sum("commission", filter=is_earned), ZERO),
                adjustments=Coalesce(Sum("commission", filter=adjustment), ZERO),
                accelerated=Coalesce(Sum("accelerated", filter=is_earned), ZERO),
                lines=Count("pk"),
            )
        )
        return {row["rep_id"]: RepTotals(**row) for row in rows}
    if user is not None and owner_scope(user, "rep") is None:
        return {}
    if connection.vendor != "postgresql":
        return _totals_in_python(
            commission_lines(user=user, month=month, reps=reps, closed=closed, settings=settings),
            through=through,
        )
    sql, params = live_lines_sql(
        month=month, user=user, reps=reps, closed=closed, settings=settings
    )
    where = ""
    if through is not None:
        where, params = "WHERE kind <> %s OR payment_date <= %s", [*params, earned.value, through]
    totals = f"""
        SELECT rep_id,
               COALESCE(SUM(amount) FILTER (WHERE kind = %s), 0),
               COALESCE(SUM(commission) FILTER (WHERE kind = %s), 0),
               COALESCE(SUM(commission) FILTER (WHERE kind <> %s), 0),
               COALESCE(SUM(accelerated) FILTER (WHERE kind = %s), 0),
               COUNT(*)
        FROM ({sql}) AS live {where} GROUP BY rep_id
    """  # noqa: S608 - the live SQL is Django's compilation; values are parameters
    rows = fetch_without_jit(totals, [earned.value] * 4 + params)
    return {row[0]: RepTotals(*row) for row in rows}


SUMMED = ("collected", "earned", "adjustments", "accelerated")


def _totals_in_python(lines, *, through: date | None) -> dict[int, RepTotals]:
    """The totals SQL above, summed over the lines in Decimal: off PostgreSQL (SQLite, the
    embedded default for one machine and a small book), where the lines' money is redone in
    Decimal (commission_rows.line_of) for figures exact to the fen."""
    sums: dict[int, dict] = {}
    for line in lines:
        if through is not None and not line.is_adjustment and line.payment_date > through:
            continue
        rep = sums.setdefault(line.rep_id, dict.fromkeys(SUMMED, ZERO) | {"lines": 0})
        if line.is_adjustment:
            rep["adjustments"] += line.commission
        else:
            rep["collected"] += line.amount
            rep["earned"] += line.commission
            rep["accelerated"] += line.accelerated
        rep["lines"] += 1
    return {rep_id: RepTotals(rep_id, **values) for rep_id, values in sums.items()}
