"""The last days' aging snapshots, one INSERT … SELECT per day, with the same buckets as the
nightly job: what each receivable owed that day comes from `balance_rows_sql` (balance now plus
what was collected and written off since), so the generator and the pages share one definition."""

import time
from datetime import timedelta

from django.db import connection

from receivables.models import ReceivableSettings
from receivables.selectors.balances import balance_rows_sql
from salesops.core.dataset import Plan, setval


def load(plan: Plan) -> int:
    rules = ReceivableSettings.load()
    start = "due_date" if rules.basis == "due" else "issue_date"
    b1, b2, b3 = rules.boundaries
    rows = 0
    started = time.monotonic()
    with connection.cursor() as cursor:
        for back in range(plan.snapshot_days - 1, -1, -1):
            day = plan.as_of - timedelta(days=back)
            owed, params = balance_rows_sql(user=None, as_of=day)
            # The bucket bounds are integers from the settings row; values stay parameters.
            cursor.execute(
                f"""
                INSERT INTO receivables_agingsnapshot
                    (customer_id, as_of, not_due, b1, b2, b3, b4, total)
                SELECT customer_id, %s::date,
                       COALESCE(SUM(fen) FILTER (WHERE days <= 0), 0) / 100.0,
                       COALESCE(SUM(fen) FILTER (WHERE days BETWEEN 1 AND {b1:d}), 0) / 100.0,
                       COALESCE(SUM(fen) FILTER (WHERE days BETWEEN {b1 + 1:d} AND {b2:d}), 0)
                           / 100.0,
                       COALESCE(SUM(fen) FILTER (WHERE days BETWEEN {b2 + 1:d} AND {b3:d}), 0)
                           / 100.0,
                       COALESCE(SUM(fen) FILTER (WHERE days > {b3:d}), 0) / 100.0,
                       SUM(fen) / 100.0
                FROM (
                    SELECT customer_id, %s::date - MIN({start}) AS days, SUM(fen) AS fen
                    FROM ({owed}) AS owed
                    GROUP BY receivable_id, customer_id
                ) AS items
                WHERE fen > 0
                GROUP BY customer_id
                """,  # noqa: S608
                [day, day, *params],
            )
            rows += cursor.rowcount
    setval("receivables_agingsnapshot")
    seconds = time.monotonic() - started
    plan.report(f"  {'receivables_agingsnapshot':<32} {rows:>10,} rows  sql  {seconds:6.1f} s")
    return rows
