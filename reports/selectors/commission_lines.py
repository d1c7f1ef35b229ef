"""A month's commission lines (docs/reports.md, "Commission"): live from the allocations in one
query while the month is open (the statement reads it, the close inserts it), frozen once finance
closed it."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Exists,
    F,
    OuterRef,
    Value,
    When,
)

from opportunities.models import SalesTarget
from opportunities.rules.periods import period_bounds
from receivables.models import Allocation
from receivables.rules.kpis import TargetSpan, target_for_period
from reports.models import CommissionLine, CommissionProfile, CommissionSettings
from reports.selectors.commission_months import (
    ClosedRange,
    closed_range,
    month_end,
    month_of,
)
from reports.selectors.commission_owners import candidate_customers, owner_on_payment_day
from reports.selectors.commission_rows import (
    COLUMNS,
    CommissionLineRow,
    fetch_without_jit,
    line_of,
)
from salesops.accounts.access import owner_scope
from salesops.accounts.models import User


def collection_thresholds(*, month: date, settings: CommissionSettings, reps=None) -> dict:
    """Each rep's accelerator threshold for the month: its collection target for the month (a
    month's own, else its quarter's or year's prorated by days, as on the KPI page) × the
    settings' threshold share. Reps without a target have no accelerator."""
    end = month_end(month)
    targets = SalesTarget.objects.filter(
        period_start__lte=end, period_start__gt=month - timedelta(days=366), collection_target__gt=0
    )
    if reps is not None:
        targets = targets.filter(owner__in=reps)
    spans: dict[int, list[TargetSpan]] = {}
    for owner_id, period, start, amount in targets.values_list(
        "owner_id", "period", "period_start", "collection_target"
    ):
        first, last = period_bounds(period, start)
        if last >= month:
            spans.setdefault(owner_id, []).append(TargetSpan(period, first, last, amount))
    thresholds = {}
    for owner_id, owner_spans in spans.items():
        target = target_for_period(owner_spans, start=month, end=end)
        if target.amount is not None:
            thresholds[owner_id] = target.amount * settings.accelerator_threshold
    return thresholds


# Each allocation row once, with its owner on the payment's day computed once (`line_rep`);
# the rate, the running total and the accelerator are added around it in SQL, by column.
BASE = (
    "kind",
    "allocation_id",
    "payment_date",
    "customer_id",
    "customer_name",
    "receivable_id",
    "receivable_number",
    "rep",
    "amount",
)


def _base_values(queryset, **columns):
    """The queryset as the BASE columns, named line_<column>, in BASE order (a UNION matches
    columns by position)."""
    aliases = {f"line_{name}": columns[name] for name in BASE}
    return queryset.annotate(**aliases).values(*aliases)


def _allocations(**filters):
    return Allocation.objects.active().filter(payment__voided_at__isnull=True, **filters)


def _allocation_base(queryset, kind: str):
    return _base_values(
        queryset.order_by(),
        kind=Value(kind, CharField()),
        allocation_id=F("pk"),
        payment_date=F("payment__date"),
        customer_id=F("receivable__customer_id"),
        customer_name=F("receivable__customer__name"),
        receivable_id=F("receivable_id"),
        receivable_number=F("receivable__number"),
        rep=owner_on_payment_day(),
        amount=F("amount"),
    )


def _earned_base(month: date, customers=None):
    """Active allocations of valid payments dated in the month (of `customers` when given)."""
    rows = _allocations(payment__date__gte=month, payment__date__lte=month_end(month))
    if customers is not None:
        rows = rows.filter(receivable__customer__in=customers)
    return _allocation_base(rows, CommissionLine.Kind.EARNED)


def _late_base(closed: ClosedRange, customers=None):
    """Allocations of payments dated in a closed month that no close froze (allocated after the
    close): an adjustment at the plain rate; the closed month's accelerator is not reopened."""
    frozen = CommissionLine.objects.filter(
        allocation=OuterRef("pk"), kind__in=[CommissionLine.Kind.EARNED, CommissionLine.Kind.LATE]
    )
    rows = _allocations(
        payment__date__gte=closed.first, payment__date__lte=month_end(closed.last)
    ).filter(~Exists(frozen))
    if customers is not None:
        rows = rows.filter(receivable__customer__in=customers)
    return _allocation_base(rows, CommissionLine.Kind.LATE)


def _reversals():
    """Frozen lines whose allocation a void reversed since: the same line with the opposite
    sign, so the closed month stays as it was and the next open month pays it back."""
    reversed_already = CommissionLine.objects.filter(
        allocation=OuterRef("allocation"), kind=CommissionLine.Kind.REVERSAL
    )
    rows = (
        CommissionLine.objects.filter(
            kind__in=[CommissionLine.Kind.EARNED, CommissionLine.Kind.LATE],
            allocation__reversed_at__isnull=False,
        )
        .filter(~Exists(reversed_already))
        .order_by()
        .annotate(
            line_kind=Value(CommissionLine.Kind.REVERSAL, CharField()),
            line_allocation_id=F("allocation_id"),
            line_payment_date=F("payment_date"),
            line_customer_id=F("customer_id"),
            line_customer_name=F("customer__name"),
            line_receivable_id=F("receivable_id"),
            line_receivable_number=F("receivable__number"),
            line_rep=F("rep_id"),
            line_amount=-F("amount"),
            line_rate=F("rate"),
            line_accelerated=-F("accelerated"),
            line_multiplier=F("multiplier"),
            line_commission=-F("commission"),
        )
    )
    return rows.values(*[f"line_{name}" if name != "rep_id" else "line_rep" for name in COLUMNS])


def _rep_filter(column: str, *, user, reps) -> tuple[str, list]:
    """SQL condition on `column` (a rep's id): someone's, within what `user` may see (None:
    everyone), and among `reps` (ids or a queryset of users) when given. A rep's lines are all
    in or all out, so the filter never changes a rep's running total."""
    conditions, params = [f"{column} IS NOT NULL"], []
    people = []
    if user is not None:
        scope = owner_scope(user, "")
        people.append(User.objects.none() if scope is None else User.objects.filter(scope))
    if reps is not None:
        people.append(reps if hasattr(reps, "query") else User.objects.filter(pk__in=list(reps)))
    for queryset in people:
        ids = queryset.order_by().values("pk")
        if ids.query.is_empty():
            return "FALSE", []
        if not ids.query.where:
            continue  # everyone
        sql, sub_params = ids.query.sql_with_params()
        conditions.append(f"{column} IN ({sql})")
        params += sub_params
    return " AND ".join(conditions), params


def live_lines_sql(
    *, month: date, user, reps=None, closed: ClosedRange | None = None, settings=None
) -> tuple[str, list]:
    """SQL (and parameters) of an open month's lines, columns as COLUMNS: what each active
    allocation of the month earns and, in the month after the last closed one, the adjustments
    of the closed months; of the reps `user` may see (None: all) and of `reps` when given. One
    query; the statement reads it and the close inserts it.

    Each earned line: rate × amount, and the part above the rep's threshold (the running total
    of the month's earned lines in payment-date, then allocation order, past the threshold) at
    rate × multiplier; rounded to the fen per line."""
    settings = settings or CommissionSettings.load()
    closed = closed or closed_range()
    thresholds = collection_thresholds(month=month, settings=settings, reps=reps)
    adjusting = month == closed.adjustment_month
    customers = candidate_customers(user=user, reps=reps)
    base = _earned_base(month, customers)
    if adjusting:
        base = base.union(_late_base(closed, customers), all=True)
    base_sql, base_params = base.query.sql_with_params()
    where, where_params = _rep_filter("b.line_rep", user=user, reps=reps)
    profiles = CommissionProfile._meta.db_table
    # OFFSET 0 keeps the base rows a subquery of their own, so each row's owner (three
    # correlated lookups) is computed once, not again wherever b.line_rep is read. The running
    # total counts earned lines only (partitioned by kind as well).
    running = (
        "SUM(b.line_amount) OVER (PARTITION BY b.line_rep, b.line_kind "
        "ORDER BY b.line_payment_date, b.line_allocation_id)"
    )
    postgres = connection.vendor == "postgresql"
    if postgres:
        fence = "OFFSET 0"
        capped = f"GREATEST(0, LEAST(b.line_amount, {running} - th.t))"
        th_sql = "unnest(CAST(%s AS bigint[]), CAST(%s AS numeric[])) AS th(rep, t)"
        th_params = [list(thresholds), list(thresholds.values())]
    else:
        # SQLite: OFFSET needs a LIMIT, MAX/MIN of two values, the thresholds as a row set.
        fence = "LIMIT -1 OFFSET 0"
        capped = f"MAX(0, MIN(b.line_amount, {running} - th.t))"
        rows = " UNION ALL ".join(
            ["SELECT CAST(%s AS integer) AS rep, CAST(%s AS numeric) AS t"] * len(thresholds)
        )
        th_sql = f"({rows or 'SELECT NULL AS rep, NULL AS t WHERE 0 = 1'}) AS th"
        th_params = [value for pair in thresholds.items() for value in pair]
    rated = f"""
        SELECT b.*, COALESCE(p.rate, CAST(%s AS numeric)) AS line_rate,
               CAST(%s AS numeric) AS line_multiplier,
               CASE WHEN b.line_kind = %s AND th.t IS NOT NULL
                    THEN {capped} ELSE 0 END AS exact
        FROM (SELECT * FROM ({base_sql}) AS u {fence}) AS b
        LEFT JOIN {profiles} AS p ON p.rep_id = b.line_rep
        LEFT JOIN {th_sql} ON th.rep = b.line_rep
        WHERE {where}
    """  # noqa: S608 - Django's compilations and table names; values are parameters
    rated_params = [
        settings.rate,
        settings.accelerator_multiplier,
        CommissionLine.Kind.EARNED.value,
        *base_params,
        *th_params,
        *where_params,
    ]
    # Column names given in the first SELECT (a UNION takes them from there). Off PostgreSQL
    # the unrounded accelerated part comes along (`exact`), for exact_line to redo the money
    # in Decimal (SQLite computes in floats).
    extra = "" if postgres else ", exact"
    sql = f"""
        SELECT line_kind AS kind, line_allocation_id AS allocation_id,
               line_payment_date AS payment_date, line_customer_id AS customer_id,
               line_customer_name AS customer_name, line_receivable_id AS receivable_id,
               line_receivable_number AS receivable_number, line_rep AS rep_id,
               line_amount AS amount, line_rate AS rate, ROUND(exact, 2) AS accelerated,
               line_multiplier AS multiplier,
               ROUND(line_rate * (line_amount - exact) + line_rate * line_multiplier * exact, 2)
                   AS commission{extra}
        FROM ({rated}) AS rated
    """  # noqa: S608
    params = rated_params
    if adjusting:
        reversal_sql, reversal_params = _reversals().query.sql_with_params()
        where, where_params = _rep_filter("r.line_rep", user=user, reps=reps)
        extra = "" if postgres else ", r.line_accelerated"
        sql += f" UNION ALL SELECT r.*{extra} FROM ({reversal_sql}) AS r WHERE {where}"  # noqa: S608
        params = [*params, *reversal_params, *where_params]
    # The SQL is Django's own compilation of the querysets above; values stay parameters.
    return f"SELECT * FROM ({sql}) AS lines", params  # noqa: S608


ORDER = "rep_id, kind <> 'earned', payment_date, allocation_id"


def commission_lines(
    *, user, month: date, reps=None, closed: ClosedRange | None = None, settings=None
) -> list[CommissionLineRow]:
    """A month's lines of the reps `user` may see (None: everyone's), only of `reps` (user ids
    or a queryset of users) when given: frozen if finance closed the month, else live. Ordered
    by rep, earned lines first, then payment date and allocation."""
    month = month_of(month)
    closed = closed or closed_range()
    if closed.is_closed(month):
        lines = CommissionLine.objects
        frozen = (lines.all() if user is None else lines.visible_to(user)).filter(
            period__month=month
        )
        if reps is not None:
            frozen = frozen.filter(rep__in=reps)
        return [
            CommissionLineRow(**row)
            for row in frozen.annotate(
                customer_name=F("customer__name"), receivable_number=F("receivable__number")
            )
            .values(*COLUMNS)
            .order_by(
                "rep_id",
                Case(When(kind=CommissionLine.Kind.EARNED, then=0), default=1),
                "payment_date",
                "allocation_id",
            )
        ]
    if user is not None and owner_scope(user, "rep") is None:
        return []
    sql, params = live_lines_sql(
        month=month, user=user, reps=reps, closed=closed, settings=settings
    )
    rows = fetch_without_jit(f"SELECT * FROM ({sql}) AS live ORDER BY {ORDER}", params)  # noqa: S608
    return [line_of(row) for row in rows]
