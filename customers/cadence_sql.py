"""The cadence rule of customers/cadence.py as SQL expressions, for set-based updates.

`next_followup_due` and `next_visit_due` of a whole tier (a tier rule edited in admin, the
migration that introduced visits) are recomputed in one UPDATE instead of a loop over the book.
"""

from datetime import date

from django.db.models import DateField, Func, Value
from django.db.models.functions import Coalesce, Greatest, TruncDate
from django.utils import timezone


class AddDays(Func):
    """date + n days, as a date, on PostgreSQL and SQLite alike."""

    output_field = DateField()

    def __init__(self, expression, days: int):
        super().__init__(expression)
        self.days = int(days)

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.get_source_expressions()[0])
        # PostgreSQL: date + integer is a date (date + interval would be a timestamp).
        return f"({sql} + CAST(%s AS integer))", (*params, self.days)

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.get_source_expressions()[0])
        return f"date({sql}, %s)", (*params, f"{self.days:+d} days")


def local_date(field: str):
    return TruncDate(field, tzinfo=timezone.get_current_timezone())


def due_expression(*, last_field: str, interval_days: int | None, today: date):
    """The due date of cadence.next_followup_due / next_visit_due, per row: one interval after
    the later of the last contact in `last_field` and owner_since (today for a pooled
    customer, as refresh_cadence does). None (NULL) when there is no interval."""
    if interval_days is None:
        return Value(None, output_field=DateField())
    start = Coalesce(local_date("owner_since"), Value(today, output_field=DateField()))
    # Coalesce first: on SQLite GREATEST is MAX(), which is NULL when any argument is.
    base = Greatest(Coalesce(local_date(last_field), start), start)
    return AddDays(base, interval_days)
