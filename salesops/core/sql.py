"""SQL pieces the apps' set-based jobs share: whole days between dates on PostgreSQL and SQLite,
and a per-day lock that serialises two workers running one job for the same day."""

import zlib
from datetime import date

from django.db import connection
from django.db.models import Func, IntegerField


def advisory_lock_day(name: str, day: date) -> None:
    """Serialise the runs of job `name` for `day` (a PostgreSQL transaction-level advisory lock,
    released at commit): a second worker waits for the first and then finds everything done.
    SQLite has one writer at a time anyway. Call inside transaction.atomic()."""
    if connection.vendor != "postgresql":
        return
    key = zlib.crc32(name.encode())
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, %s)",
            [key - 2**32 if key >= 2**31 else key, day.toordinal()],
        )


class DaysSince(Func):
    """Whole days from a date column to `day` (day − column), on PostgreSQL and SQLite alike."""

    output_field = IntegerField()

    def __init__(self, expression, day: date):
        super().__init__(expression)
        self.day = day

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.get_source_expressions()[0])
        return f"(CAST(%s AS date) - {sql})", (self.day, *params)

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.get_source_expressions()[0])
        return f"CAST(julianday(%s) - julianday({sql}) AS integer)", (self.day.isoformat(), *params)
