"""The quarterly re-tiering job (orders.jobs.customer_retier) on the whole book, inside a
transaction rolled back after each run (every timed run is the quarter's first), against one
hand-written SQL statement doing the same revenue refresh and ranking.

A book without orders yet (the generator has no orders on this branch) gets, inside each run's
transaction and untimed, one accepted order per customer with revenue: its generated trailing
revenue, accepted within the 12 months ranked, so the job ranks the book's own Pareto revenue.
"""

from __future__ import annotations

import contextlib
from collections import Counter

from django.db import connection, transaction

from benchmarks.book import fetch, fetch_one
from benchmarks.harness import Case, Target, operation
from customers.models import CrmSettings
from customers.rules.retier import quarter_of, revenue_day
from orders.jobs import customer_retier
from orders.rules.revenue import revenue_window

# One accepted order per customer with revenue, on a day of the window spread by id.
ORDERS_SQL = """
    INSERT INTO orders_order
        (number, customer_id, owner_id, status, order_date, delivery_date, payment_terms_days,
         prepayment, guarantee, delivery_address, note, total_net, total_tax, total, invoiced,
         alert, alert_reason, cancel_reason, accepted_on, created_by_id, created_at)
    SELECT 'BENCH-' || c.id, c.id, o.owner_id, 'accepted',
           %(last)s::date - (c.id %% 300)::int, %(last)s::date - (c.id %% 300)::int, 30,
           0, '', '', '', c.trailing_revenue, 0, c.trailing_revenue, 0, '', '', '',
           %(last)s::date - (c.id %% 300)::int, o.owner_id, now()
    FROM customers_customer c
    CROSS JOIN LATERAL (
        SELECT COALESCE(c.owner_id, (SELECT min(id) FROM accounts_user)) AS owner_id
    ) o
    WHERE c.trailing_revenue > 0
"""

RETIER_SQL = """
    WITH revenue AS (
        SELECT customer_id, SUM(total) AS revenue FROM orders_order
        WHERE status IN ('accepted', 'closed') AND accepted_on BETWEEN %(first)s AND %(last)s
        GROUP BY customer_id
    ),
    refreshed AS (
        SELECT c.id, c.tier, c.rad_type, c.tier_locked, c.buying_power AS bp,
               COALESCE(r.revenue, 0) AS rev,
               c.trailing_revenue <> COALESCE(r.revenue, 0) AS rev_changed
        FROM customers_customer c LEFT JOIN revenue r ON r.customer_id = c.id
    ),
    ranked AS (
        SELECT f.*,
               SUM(f.rev) OVER (ORDER BY f.rev DESC, f.id ROWS UNBOUNDED PRECEDING) - f.rev
                   AS before,
               SUM(f.rev) OVER () AS total
        FROM refreshed f
    ),
    decided AS (
        SELECT k.*,
               CASE WHEN k.tier_locked THEN k.tier WHEN k.rev <= 0 THEN 'D'
                    WHEN k.before < %(a)s * k.total THEN 'A'
                    WHEN k.before < %(ab)s * k.total THEN 'B' ELSE 'C' END AS new_tier,
               CASE WHEN k.bp IS NULL OR k.bp <= 0 THEN 'D'
                    WHEN k.rev >= %(r)s * k.bp THEN 'R'
                    WHEN k.rev < %(acq)s * k.bp AND k.bp >= %(acq_bp)s THEN 'A'
                    ELSE 'D' END AS new_rad
        FROM ranked k
    ),
    run AS (
        INSERT INTO customers_retierrun
            (quarter, as_of, revenue_on, job, customers, total_revenue, tier_a_share,
             tier_b_share, rad_retention_sow, rad_acquisition_sow, rad_acquisition_bp, at)
        SELECT %(quarter)s, %(as_of)s, %(last)s, 'sql', count(*), COALESCE(SUM(rev), 0),
               %(a)s, %(ab)s - %(a)s, %(r)s, %(acq)s, %(acq_bp)s, now()
        FROM refreshed
        RETURNING id
    ),
    changes AS (
        INSERT INTO customers_tierchange
            (customer_id, run_id, from_tier, to_tier, from_rad, to_rad, revenue, share_before,
             buying_power, tier_locked, at)
        SELECT d.id, run.id, d.tier, d.new_tier, d.rad_type, d.new_rad, d.rev,
               d.before / NULLIF(d.total, 0), d.bp, d.tier_locked, now()
        FROM decided d CROSS JOIN run
        WHERE d.new_tier <> d.tier OR d.new_rad <> d.rad_type
        RETURNING customer_id, from_tier, to_tier, from_rad, to_rad
    ),
    -- One UPDATE per customer row (a statement may not update a row twice): revenue, tier, RAD.
    written AS (
        UPDATE customers_customer c
        SET trailing_revenue = f.rev, tier = COALESCE(ch.to_tier, c.tier),
            rad_type = COALESCE(ch.to_rad, c.rad_type)
        FROM refreshed f LEFT JOIN changes ch ON ch.customer_id = f.id
        WHERE f.id = c.id AND (f.rev_changed OR ch.customer_id IS NOT NULL)
        RETURNING f.rev_changed
    )
    SELECT ch.from_tier, ch.to_tier, ch.from_rad, ch.to_rad, count(*),
           (SELECT count(*) FROM written WHERE rev_changed)
    FROM changes ch GROUP BY 1, 2, 3, 4
"""


class Retier(Case):
    """customer_retier(as_of=today): figures are the tier and RAD moves it made, how many
    revenues it wrote, and that a rerun of the quarter did nothing."""

    rss = True
    max_runs = 3

    def __init__(self, book):
        self.book = book
        self.synthetic = False

    def setup(self) -> None:
        (customers,) = fetch_one("SELECT count(*) FROM customers_customer")
        (orders,) = fetch_one("SELECT count(*) FROM orders_order")
        self.synthetic = orders == 0
        self.scale = f"{customers:,} customers" + (", an order each" if self.synthetic else "")

    @contextlib.contextmanager
    def around(self):
        with transaction.atomic():
            if self.synthetic:
                with connection.cursor() as cursor:
                    cursor.execute(ORDERS_SQL, {"last": revenue_day(self.book.today)})
            yield
            transaction.set_rollback(True)

    def run(self):
        return customer_retier(as_of=self.book.today)

    def figures(self, result):
        rerun = customer_retier(as_of=self.book.today)
        return (result.tiers, result.rads, result.revenue_updated, rerun.already is not None)

    def sql(self):
        crm = CrmSettings.load()
        first, last = revenue_window(revenue_day(self.book.today))
        return fetch(
            RETIER_SQL,
            {
                "first": first,
                "last": last,
                "as_of": self.book.today,
                "quarter": quarter_of(self.book.today),
                "a": crm.tier_a_share,
                "ab": crm.tier_a_share + crm.tier_b_share,
                "r": crm.rad_retention_sow,
                "acq": crm.rad_acquisition_sow,
                "acq_bp": crm.rad_acquisition_bp,
            },
        )

    def sql_figures(self, rows):
        tiers, rads = Counter(), Counter()
        written = 0
        for from_tier, to_tier, from_rad, to_rad, n, revenue_written in rows:
            written = revenue_written
            if from_tier != to_tier:
                tiers[f"{from_tier}→{to_tier}"] += n
            if from_rad != to_rad:
                rads[f"{from_rad}→{to_rad}"] += n
        # A rerun of the quarter: its run row is there, so the product does nothing.
        (done,) = fetch_one(
            "SELECT EXISTS (SELECT 1 FROM customers_retierrun WHERE quarter = %s)",
            [quarter_of(self.book.today)],
        )
        return (dict(tiers), dict(rads), written, done)


@operation(name="jobs.customer_retier", target=Target(p95_ms=10_000, max_rss_mb=300))
def jobs_customer_retier(book):
    return Retier(book)
