"""Commission writes: finance closes a month, freezing its lines (docs/reports.md, "Commission")."""

from datetime import date, datetime

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reports.models import CommissionLine, CommissionPeriod
from reports.selectors.commission_lines import COLUMNS, commission_lines, live_lines_sql
from reports.selectors.commission_months import closed_range, month_end, month_of, next_month
from salesops.accounts.access import role_of
from salesops.accounts.roles import MONEY
from salesops.core.errors import NotPermitted, ServiceError
from salesops.core.sql import advisory_lock_day

# One lock for every close: closes go in order, so two at once must not interleave.
CLOSE_LOCK = "commission_period_close"
LOCK_DAY = date(2000, 1, 1)
INSERTED = [c for c in COLUMNS if c not in ("customer_name", "receivable_number")]


@transaction.atomic
def commission_period_close(*, actor, month: date, now: datetime | None = None) -> CommissionPeriod:
    """Close a month: its lines (live until now) are written as CommissionLine rows and never
    change again; a later void or allocation of its payments lands in the next open month.
    Idempotent: closing a closed month returns it unchanged, and two closes at once write one
    set of lines (an advisory lock serialises them; the unique (allocation, kind) is the last
    line of defence). Months close in order, each once it has ended."""
    if role_of(actor) not in MONEY:
        raise NotPermitted(_("Only finance closes commission months."))
    month = month_of(month)
    now = now or timezone.now()
    advisory_lock_day(CLOSE_LOCK, LOCK_DAY)
    period, _created = CommissionPeriod.objects.select_for_update().get_or_create(month=month)
    if period.closed_at is not None:
        return period
    if month_end(month) >= timezone.localdate(now):
        raise ServiceError(_("A month is closed once it has ended."), field="month")
    closed = closed_range()
    if closed.last is not None and month != closed.adjustment_month:
        raise ServiceError(
            _("Months close in order: the next month to close is %(month)s.")
            % {"month": f"{closed.adjustment_month:%Y-%m}"},
            field="month",
        )
    if connection.vendor == "postgresql":
        _insert_lines(period, month=month, closed=closed)
    else:
        # SQLite (the embedded default): the lines as the statement reads them, money redone
        # in Decimal (commission_rows.line_of), written in one bulk insert.
        CommissionLine.objects.bulk_create(
            CommissionLine(period=period, **{name: getattr(line, name) for name in INSERTED})
            for line in commission_lines(user=None, month=month, closed=closed)
        )
    period.closed_at, period.closed_by = now, actor
    period.save(update_fields=["closed_at", "closed_by"])
    return period


def _insert_lines(period: CommissionPeriod, *, month: date, closed) -> None:
    """The month's live lines inserted by the database in one statement (PostgreSQL)."""
    sql, params = live_lines_sql(month=month, user=None, closed=closed)
    columns = ", ".join(INSERTED)
    table = CommissionLine._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")  # see commission_rows.fetch_without_jit
        # Django's compilation of the live querysets; the values stay parameters.
        cursor.execute(
            f"INSERT INTO {table} (period_id, {columns}) "  # noqa: S608
            f"SELECT %s, {columns} FROM ({sql}) AS live",
            [period.pk, *params],
        )


def commission_next_month_to_close() -> date | None:
    """The month after the last closed one (None before the first close: any ended month)."""
    last = closed_range().last
    return next_month(last) if last else None
