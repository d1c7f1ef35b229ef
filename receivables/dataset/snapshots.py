"""The last days' aging snapshots, one INSERT … SELECT per day over the receivables open that
day (issued by then, settled after it), with the same buckets as the nightly job."""

import time
from datetime import timedelta

from django.db import connection

from receivables.models import ReceivableSettings
from salesops.core.dataset import Plan, setval


def load(plan: Plan) -> int:
    """Each customer's aging for the last `snapshot_days` days up to as-of, as the nightly job
    stores it, by one INSERT … SELECT per day over the receivables open that day."""
    rules = ReceivableSettings.load()
    start = "due_date" if rules.basis == "due" else "issue_date"
    b1, b2, b3 = rules.boundaries
    sql = f"""
        INSERT INTO receivables_agingsnapshot
            (customer_id, as_of, not_due, b1, b2, b3, b4, total)
        SELECT customer_id, %(day)s,
               COALESCE(SUM(fen) FILTER (WHERE days <= 0), 0) / 100.0,
               COALESCE(SUM(fen) FILTER (WHERE days BETWEEN 1 AND {b1:d}), 0) / 100.0,
               COALESCE(SUM(fen) FILTER (WHERE days BETWEEN {b1 + 1:d} AND {b2:d}), 0) / 100.0,
               COALESCE(SUM(fen) FILTER (WHERE days BETWEEN {b2 + 1:d} AND {b3:d}), 0) / 100.0,
               COALESCE(SUM(fen) FILTER (WHERE days > {b3:d}), 0) / 100.0,
               SUM(fen) / 100.0
        FROM (
            SELECT r.customer_id, %(day)s::date - r.{start} AS days,
                   ((r.amount - r.opening_paid) * 100)::bigint
                   - COALESCE((SELECT SUM(a.amount * 100) FROM receivables_allocation a
                               JOIN receivables_payment p ON p.id = a.payment_id
                               WHERE a.receivable_id = r.id AND a.reversed_at IS NULL
                                 AND p.date <= %(day)s), 0)
                   - COALESCE((SELECT SUM(o.amount * 100) FROM receivables_writeoff o
                               WHERE o.receivable_id = r.id AND o.date <= %(day)s), 0) AS fen
            FROM receivables_receivable r
            WHERE r.issue_date <= %(day)s AND (r.settled_on IS NULL OR r.settled_on > %(day)s)
        ) open_items
        WHERE fen > 0
        GROUP BY customer_id
    """  # noqa: S608 - the bucket bounds are integers from the settings row
    rows = 0
    started = time.monotonic()
    with connection.cursor() as cursor:
        for back in range(plan.snapshot_days - 1, -1, -1):
            cursor.execute(sql, {"day": plan.as_of - timedelta(days=back)})
            rows += cursor.rowcount
    setval("receivables_agingsnapshot")
    plan.report(
        f"  {'receivables_agingsnapshot':<36} {rows:>10,} rows  sql  "
        f"{time.monotonic() - started:6.1f} s"
    )
    return rows
