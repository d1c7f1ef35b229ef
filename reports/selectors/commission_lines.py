"""A month's commission lines (docs/reports.md, "Commission"): live from the allocations in one
query while the month is open (the statement reads it, the close inserts it), frozen once finance
closed it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection
from django.db.models import (
    Case,
    CharField,
    DecimalField,
    Exists,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, Greatest, Least, Round, TruncDate

from customers.models import OwnershipEvent
from opportunities.models import SalesTarget
from opportunities.rules.periods import period_bounds
from receivables.models import Allocation
from receivables.rules.kpis import TargetSpan, target_for_period
from reports.models import CommissionLine, CommissionPeriod, CommissionProfile, CommissionSettings
from salesops.accounts.access import owner_scope

ZERO = Decimal("0.00")
MONEY_FIELD = DecimalField(max_digits=14, decimal_places=2)
RATE_FIELD = DecimalField(max_digits=7, decimal_places=4)
EXACT = DecimalField(max_digits=30, decimal_places=10)
# The columns of a line, in order, in the live SQL and the frozen read alike.
COLUMNS = (
    "kind",
    "allocation_id",
    "payment_date",
    "customer_id",
    "customer_name",
    "receivable_id",
    "receivable_number",
    "rep_id",
    "amount",
    "rate",
    "accelerated",
    "multiplier",
    "commission",
)
# The events that change a customer's owner (a pool warning does not).
OWNER_CHANGES = [
    OwnershipEvent.Kind.CREATED,
    OwnershipEvent.Kind.REASSIGNED,
    OwnershipEvent.Kind.RELEASED,
    OwnershipEvent.Kind.CLAIMED,
    OwnershipEvent.Kind.ASSIGNED,
]


def month_of(day: date) -> date:
    return day.replace(day=1)


def month_end(month: date) -> date:
    return period_bounds("month", month)[1]


def next_month(month: date) -> date:
    return month_end(month) + timedelta(days=1)


@dataclass(frozen=True)
class ClosedRange:
    """The closed months: a run from `first` to `last` (closes go in order), or none."""

    first: date | None
    last: date | None

    def is_closed(self, month: date) -> bool:
        return self.first is not None and self.first <= month <= self.last

    @property
    def adjustment_month(self) -> date | None:
        """The next open month: where late allocations and voids of closed months land."""
        return next_month(self.last) if self.last else None


def closed_range() -> ClosedRange:
    months = CommissionPeriod.objects.filter(closed_at__isnull=False).aggregate(
        first=Min("month"), last=Max("month")
    )
    return ClosedRange(months["first"], months["last"])


@dataclass(frozen=True)
class CommissionLineRow:
    """One line of a statement (live or frozen): an allocation's commission, or an adjustment."""

    kind: str
    allocation_id: int
    payment_date: date
    customer_id: int
    customer_name: str
    receivable_id: int
    receivable_number: str
    rep_id: int
    amount: Decimal
    rate: Decimal
    accelerated: Decimal
    multiplier: Decimal
    commission: Decimal

    @property
    def is_adjustment(self) -> bool:
        return self.kind != CommissionLine.Kind.EARNED

    @property
    def kind_label(self) -> str:
        return str(CommissionLine.Kind(self.kind).label)

    @property
    def at_rate(self) -> Decimal:
        """The part of the amount paid at the plain rate."""
        return self.amount - self.accelerated


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


def _rep_rate(settings: CommissionSettings):
    profile = CommissionProfile.objects.filter(rep=OuterRef("line_rep")).values("rate")[:1]
    return Coalesce(Subquery(profile), Value(settings.rate), output_field=RATE_FIELD)


def _scope(queryset, user, reps=None):
    """Lines of the reps `user` may see (user None: everything, for the close), and of `reps`
    (ids or a queryset of users) when given. A rep's lines are all in or all out, so neither
    changes a rep's running total."""
    if reps is not None:
        queryset = queryset.filter(line_rep__in=reps)
    if user is None:
        return queryset
    scope = owner_scope(user, "line_rep")
    return queryset.none() if scope is None else queryset.filter(scope)


def _line_values(queryset, **columns):
    """The queryset as the line columns, in COLUMNS order (a UNION matches them by position)."""
    aliases = {f"line_{name}": columns[name] for name in COLUMNS if name != "rep_id"}
    return queryset.annotate(**aliases).values(
        *[f"line_{n}" if n != "rep_id" else "line_rep" for n in COLUMNS]
    )


def _earned(*, month: date, user, reps, settings: CommissionSettings, thresholds: dict):
    """Active allocations of valid payments dated in the month, each earning rate × amount,
    the part above the rep's threshold (counting the month's collections in payment-date, then
    allocation order) at rate × multiplier."""
    rows = (
        Allocation.objects.active()
        .filter(
            payment__voided_at__isnull=True,
            payment__date__gte=month,
            payment__date__lte=month_end(month),
        )
        .annotate(line_rep=owner_on_payment_day())
        .filter(line_rep__isnull=False)
        .order_by()
    )
    rows = _scope(rows, user, reps)
    collected = Window(
        Sum("amount"),
        partition_by=[F("line_rep")],
        order_by=[F("payment__date").asc(), F("pk").asc()],
    )
    accelerated = Case(
        *[
            When(
                line_rep=rep,
                then=Greatest(Value(ZERO), Least(F("amount"), collected - Value(threshold, EXACT))),
            )
            for rep, threshold in thresholds.items()
        ],
        default=Value(ZERO),
        output_field=EXACT,
    )
    multiplier = Value(settings.accelerator_multiplier, RATE_FIELD)
    rows = rows.annotate(line_rate=_rep_rate(settings), line_accelerated=accelerated)
    return _line_values(
        rows,
        kind=Value(CommissionLine.Kind.EARNED, CharField()),
        allocation_id=F("pk"),
        payment_date=F("payment__date"),
        customer_id=F("receivable__customer_id"),
        customer_name=F("receivable__customer__name"),
        receivable_id=F("receivable_id"),
        receivable_number=F("receivable__number"),
        amount=F("amount"),
        rate=F("line_rate"),
        accelerated=Round(F("line_accelerated"), 2, output_field=MONEY_FIELD),
        multiplier=multiplier,
        commission=Round(
            F("line_rate") * (F("amount") - F("line_accelerated"))
            + F("line_rate") * multiplier * F("line_accelerated"),
            2,
            output_field=MONEY_FIELD,
        ),
    )


def _late(*, closed: ClosedRange, user, reps, settings: CommissionSettings):
    """Allocations of payments dated in a closed month that no close froze (allocated after the
    close): an adjustment at the plain rate, the closed month's accelerator is not reopened."""
    frozen = CommissionLine.objects.filter(
        allocation=OuterRef("pk"), kind__in=[CommissionLine.Kind.EARNED, CommissionLine.Kind.LATE]
    )
    rows = (
        Allocation.objects.active()
        .filter(
            payment__voided_at__isnull=True,
            payment__date__gte=closed.first,
            payment__date__lte=month_end(closed.last),
        )
        .filter(~Exists(frozen))
        .annotate(line_rep=owner_on_payment_day())
        .filter(line_rep__isnull=False)
        .order_by()
    )
    rows = _scope(rows, user, reps).annotate(line_rate=_rep_rate(settings))
    return _line_values(
        rows,
        kind=Value(CommissionLine.Kind.LATE, CharField()),
        allocation_id=F("pk"),
        payment_date=F("payment__date"),
        customer_id=F("receivable__customer_id"),
        customer_name=F("receivable__customer__name"),
        receivable_id=F("receivable_id"),
        receivable_number=F("receivable__number"),
        amount=F("amount"),
        rate=F("line_rate"),
        accelerated=Value(ZERO, MONEY_FIELD),
        multiplier=Value(settings.accelerator_multiplier, RATE_FIELD),
        commission=Round(F("line_rate") * F("amount"), 2, output_field=MONEY_FIELD),
    )


def _reversals(*, user, reps):
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
        .annotate(line_rep=F("rep_id"))
        .order_by()
    )
    rows = _scope(rows, user, reps)
    return _line_values(
        rows,
        kind=Value(CommissionLine.Kind.REVERSAL, CharField()),
        allocation_id=F("allocation_id"),
        payment_date=F("payment_date"),
        customer_id=F("customer_id"),
        customer_name=F("customer__name"),
        receivable_id=F("receivable_id"),
        receivable_number=F("receivable__number"),
        amount=-F("amount"),
        rate=F("rate"),
        accelerated=-F("accelerated"),
        multiplier=F("multiplier"),
        commission=-F("commission"),
    )


def live_lines_sql(
    *, month: date, user, reps=None, closed: ClosedRange | None = None, settings=None
) -> tuple[str, list]:
    """SQL (and parameters) of an open month's lines, columns as COLUMNS: what each active
    allocation of the month earns and, in the month after the last closed one, the adjustments
    of the closed months; of the reps `user` may see (None: all) and of `reps` when given. One
    query; the statement reads it and the close inserts it."""
    settings = settings or CommissionSettings.load()
    closed = closed or closed_range()
    thresholds = collection_thresholds(month=month, settings=settings, reps=reps)
    scope = {"user": user, "reps": reps}
    parts = [_earned(month=month, **scope, settings=settings, thresholds=thresholds)]
    if month == closed.adjustment_month:
        parts += [_late(closed=closed, **scope, settings=settings), _reversals(**scope)]
    query = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    sql, params = query.query.sql_with_params()
    names = ", ".join(
        f"line_{n} AS {n}" if n != "rep_id" else "line_rep AS rep_id" for n in COLUMNS
    )
    # The SQL is Django's own compilation of the querysets above; values stay parameters.
    return f"SELECT {names} FROM ({sql}) AS lines", list(params)  # noqa: S608


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
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM ({sql}) AS live ORDER BY {ORDER}", params)  # noqa: S608
        return [CommissionLineRow(*row) for row in cursor.fetchall()]
