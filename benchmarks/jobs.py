"""Job benchmarks: the nightly aging snapshot and the daily escalation for today, each run
inside a transaction that is rolled back (every timed run is the day's first), with a rerun
in the same transaction that must add nothing; against INSERT … SELECT written by hand."""

from __future__ import annotations

import contextlib
import uuid

from django.db import connection, transaction

from benchmarks.book import fetch_one
from benchmarks.harness import Case, Target, operation
from benchmarks.receivables import balances_on_sql, bucket_columns
from receivables.jobs import aging_snapshot_take, receivable_escalate
from receivables.models import ReceivableSettings


class RolledBack(Case):
    """A job run and its SQL each inside a transaction that is rolled back afterwards."""

    rss = True
    max_runs = 3

    def __init__(self, book):
        self.book = book

    @contextlib.contextmanager
    def around(self):
        with transaction.atomic():
            yield
            transaction.set_rollback(True)


class AgingSnapshot(RolledBack):
    """aging_snapshot_take(as_of=today): figures are the day's rows and their total after the
    run, and the rows after a rerun (rewritten, not added)."""

    def setup(self) -> None:
        (customers,) = fetch_one("SELECT count(*) FROM customers_customer")
        self.scale = f"{customers:,} customers"

    def run(self):
        return aging_snapshot_take(as_of=self.book.today)

    def _day(self):
        return fetch_one(
            "SELECT count(*), COALESCE(SUM(total), 0) FROM receivables_agingsnapshot "
            "WHERE as_of = %s",
            [self.book.today],
        )

    def figures(self, result):
        rows, total = self._day()
        aging_snapshot_take(as_of=self.book.today)
        return (rows, total, self._day()[0])

    def sql(self):
        settings = ReceivableSettings.load()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM receivables_agingsnapshot WHERE as_of = %(day)s",
                {"day": self.book.today},
            )
            cursor.execute(
                f"""
                INSERT INTO receivables_agingsnapshot
                    (customer_id, as_of, not_due, b1, b2, b3, b4, total)
                SELECT b.customer_id, %(day)s, {bucket_columns(settings)}, SUM(b.balance)
                FROM ({balances_on_sql("%(day)s", "TRUE")}) b
                WHERE b.balance > 0
                GROUP BY b.customer_id
                """,
                {"day": self.book.today},
            )

    def sql_figures(self, _rows):
        rows, total = self._day()
        self.sql()
        return (rows, total, self._day()[0])


@operation(name="jobs.aging_snapshot", target=Target(p95_ms=60_000, max_rss_mb=300))
def jobs_aging_snapshot(book):
    return AgingSnapshot(book)


ESCALATE_SQL = """
    WITH levels AS (SELECT id, from_days FROM receivables_escalationlevel),
    candidates AS (
        SELECT r.id, r.due_date, r.amount - r.allocated - r.written_off AS balance,
               (SELECT l.id FROM levels l WHERE r.due_date <= %(day)s::date - l.from_days
                ORDER BY l.from_days DESC LIMIT 1) AS target
        FROM receivables_receivable r
        WHERE r.amount > r.allocated + r.written_off AND r.due_date < %(day)s
    ),
    todo AS (
        SELECT c.*, t.from_days AS top_days FROM candidates c JOIN levels t ON t.id = c.target
        WHERE NOT EXISTS (
            SELECT 1 FROM receivables_escalationevent e
            WHERE e.receivable_id = c.id AND e.level_id = c.target)
    ),
    inserted AS (
        INSERT INTO receivables_escalationevent
            (receivable_id, level_id, status, as_of, days_overdue, balance, run_key, created_at)
        SELECT todo.id, l.id, CASE WHEN l.id = todo.target THEN 'applied' ELSE 'skipped' END,
               %(day)s, GREATEST(%(day)s::date - todo.due_date, 0), todo.balance, %(run)s, now()
        FROM todo JOIN levels l ON l.from_days <= todo.top_days
        ON CONFLICT (receivable_id, level_id) DO NOTHING
        RETURNING status
    )
    SELECT count(*), count(*) FILTER (WHERE status = 'applied') FROM inserted
"""


class Escalation(RolledBack):
    """receivable_escalate(as_of=today): figures are the steps it recorded (applied and
    skipped), those applied, and what a rerun records (nothing)."""

    def setup(self) -> None:
        (overdue,) = fetch_one(
            "SELECT count(*) FROM receivables_receivable "
            "WHERE amount > allocated + written_off AND due_date < %s",
            [self.book.today],
        )
        self.scale = f"{overdue:,} overdue items"

    def run(self):
        return receivable_escalate(as_of=self.book.today)

    def figures(self, result):
        rerun = receivable_escalate(as_of=self.book.today)
        return (result.steps + result.skipped, result.steps, rerun.steps + rerun.skipped)

    def sql(self):
        return fetch_one(ESCALATE_SQL, {"day": self.book.today, "run": uuid.uuid4()})

    def sql_figures(self, rows):
        rerun = self.sql()
        return (rows[0], rows[1], rerun[0])


@operation(name="jobs.escalation", target=Target(p95_ms=60_000, max_rss_mb=300))
def jobs_escalation(book):
    return Escalation(book)
