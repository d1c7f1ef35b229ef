"""What receivables owed on a given day: the SQL each aging, KPI and credit read builds on, and
each customer's total outstanding (单一客户累计欠款)."""

from datetime import date
from decimal import Decimal

from django.db import connection
from django.db.models import (
    BigIntegerField,
    CharField,
    DecimalField,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Round

from receivables.models import Allocation, Receivable, WriteOff
from receivables.querysets import ledger_settled_day
from salesops.accounts.models import Team
from salesops.core.money import from_fen

ZERO = Decimal("0.00")
MONEY_FIELD = DecimalField(max_digits=14, decimal_places=2)


def owner_team(path: str = "customer__owner", field: str = "pk"):
    """The team (its `field`: pk or name) a record's owner sells in: the team they are a member
    of, else the team they lead (first by name), so a manager's own customers count in the
    manager's team."""
    led = Team.objects.filter(manager=OuterRef(path)).order_by("name", "pk").values(field)[:1]
    member = F(f"{path}__team") if field == "pk" else F(f"{path}__team__{field}")
    output = IntegerField() if field == "pk" else CharField()
    return Coalesce(member, Subquery(led), output_field=output)


def scoped_receivables(user):
    """visible_to(user); user=None is the system itself (scheduled jobs) and sees everything."""
    return Receivable.objects.all() if user is None else Receivable.objects.visible_to(user)


def collected_by(on: date):
    """An annotation: what a receivable had collected by `on` (allocations of payments dated by
    then, reversed ones out). What opening balances had paid before go-live counts as collected
    all along."""
    collected = (
        Allocation.objects.received_by(on)
        .filter(receivable=OuterRef("pk"))
        .values("receivable")
        .annotate(total=Sum("amount"))
        .values("total")[:1]
    )
    return F("opening_paid") + Coalesce(Subquery(collected), Value(ZERO), output_field=MONEY_FIELD)


def receivables_as_of(*, user, as_of: date):
    """Receivables issued by `as_of`, annotated with what was collected and written off by then.
    Voided payments count as never received."""
    written = (
        WriteOff.objects.filter(receivable=OuterRef("pk"), date__lte=as_of)
        .values("receivable")
        .annotate(total=Sum("amount"))
        .values("total")[:1]
    )
    return (
        scoped_receivables(user)
        .filter(issue_date__lte=as_of)
        .annotate(
            collected_as_of=collected_by(as_of),
            written_off_as_of=Coalesce(Subquery(written), Value(ZERO), output_field=MONEY_FIELD),
        )
    )


def outstanding_by_customer(*, as_of: date, customers=None) -> dict[int, Decimal]:
    """Each customer's total outstanding on `as_of` (单一客户累计欠款): every receivable issued by
    then, due or not, less what was collected (valid payments dated by then, and what was paid
    before go-live) and written off by then; customers owing nothing are left out. One grouped
    query over balance_rows_sql, limited to `customers` (a queryset) when given."""
    rows, params = balance_rows_sql(user=None, as_of=as_of)
    where = ""
    if customers is not None:
        subquery, sub_params = customers.order_by().values("pk").query.sql_with_params()
        where, params = f"WHERE customer_id IN ({subquery})", [*params, *sub_params]
    sql = f"SELECT customer_id, SUM(fen) FROM ({rows}) owed {where} GROUP BY customer_id"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {customer_id: from_fen(fen) for customer_id, fen in cursor.fetchall() if fen > 0}


def _in_fen(field: str):
    return Cast(Round(F(field) * 100), BigIntegerField())


def balance_rows_sql(*, user, as_of: date) -> tuple[str, list]:
    """SQL (and its parameters) of rows (receivable_id, customer_id, issue_date, due_date, fen)
    whose sum per receivable is what it owed on `as_of`, for every receivable issued by then that
    owed something: its balance now, plus what was collected (active allocations of payments
    dated after `as_of`) and written off (dated after it) since. Every contribution is positive,
    so a receivable's balance only falls with time and these three are all it takes; today the
    last two are empty and the first is an index-only scan of the open book. Aggregate around
    it (`SELECT ... FROM (<sql>) AS owed GROUP BY ...`)."""
    # The branches' columns line up by position; the wrapper below names them.
    columns = {
        "rid": F("receivable_id"),
        "cid": F("receivable__customer_id"),
        "issued": F("receivable__issue_date"),
        "due": F("receivable__due_date"),
    }
    now = (
        scoped_receivables(user)
        .open()
        .filter(issue_date__lte=as_of)
        .order_by()
        .values(
            rid=F("pk"),
            cid=F("customer_id"),
            issued=F("issue_date"),
            due=F("due_date"),
            fen=F("balance_fen"),
        )
    )
    allocations = Allocation.objects.all() if user is None else Allocation.objects.visible_to(user)
    collected_since = (
        allocations.active()
        .filter(payment__date__gt=as_of, receivable__issue_date__lte=as_of)
        .order_by()
        .values(**columns, fen=_in_fen("amount"))
    )
    write_offs = WriteOff.objects.all() if user is None else WriteOff.objects.visible_to(user)
    written_since = (
        write_offs.filter(date__gt=as_of, receivable__issue_date__lte=as_of)
        .order_by()
        .values(**columns, fen=_in_fen("amount"))
    )
    if now.query.is_empty():
        # Someone who sees nothing (a user without a role): no rows, still SQL to wrap.
        return (
            "SELECT CAST(NULL AS bigint) AS receivable_id, CAST(NULL AS bigint) AS customer_id, "
            "CAST(NULL AS date) AS issue_date, CAST(NULL AS date) AS due_date, "
            "CAST(NULL AS bigint) AS fen WHERE 1 = 0",
            [],
        )
    union = now.union(collected_since, written_since, all=True)
    sql, params = union.query.sql_with_params()
    # The SQL is Django's own compilation of the querysets above; values stay parameters.
    columns = "rid AS receivable_id, cid AS customer_id, issued AS issue_date, due AS due_date, fen"
    wrapped = f"SELECT {columns} FROM ({sql}) AS owed_rows"  # noqa: S608
    return wrapped, list(params)


def ledger_mismatches(receivable_ids=None) -> list[int]:
    """Receivables whose stored totals disagree with their ledger rows: `allocated` is not what
    was paid before go-live plus the active allocations, `written_off` not the sum of the
    write-offs, or `settled_on` not the day the ledger says. Empty on a sound book; for tests,
    the dataset generator and an operator's check, not for pages."""
    active = (
        Allocation.objects.filter(receivable=OuterRef("pk"), reversed_at__isnull=True)
        .order_by()
        .values("receivable")
    )
    written = WriteOff.objects.filter(receivable=OuterRef("pk")).order_by().values("receivable")
    qs = (
        Receivable.objects.all()
        if receivable_ids is None
        else Receivable.objects.filter(pk__in=receivable_ids)
    )
    qs = qs.annotate(
        ledger_collected=F("opening_paid")
        + Coalesce(
            Subquery(active.annotate(t=Sum("amount")).values("t")),
            Value(ZERO),
            output_field=MONEY_FIELD,
        ),
        ledger_written=Coalesce(
            Subquery(written.annotate(t=Sum("amount")).values("t")),
            Value(ZERO),
            output_field=MONEY_FIELD,
        ),
        ledger_settled=ledger_settled_day(),
    )
    owed = Q(amount__gt=F("ledger_collected") + F("ledger_written"))
    wrong = (
        ~Q(allocated=F("ledger_collected"))
        | ~Q(written_off=F("ledger_written"))
        | (owed & Q(settled_on__isnull=False))
        | (~owed & (Q(settled_on__isnull=True) | ~Q(settled_on=F("ledger_settled"))))
    )
    return list(qs.filter(wrong).order_by("pk").values_list("pk", flat=True))
