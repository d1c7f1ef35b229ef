"""Benchmarks of the periodic reports (docs/reports.md): the rep weekly report (周报, slug
`weekly`) for last full week and the manager monthly report (月报, slug `monthly`) for last full
month, each page (/reports/<slug>/, the body rendered) against hand-written SQL of its key
figures from the definitions in docs/reports.md."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.conf import settings

from benchmarks.book import fetch, fetch_one, scope_sql
from benchmarks.harness import Target, last_month_end, operation
from benchmarks.reports_stats import ReportPage

ZERO = Decimal("0.00")
REPORT = Target(p95_ms=300)
SOLD = "o.status IN ('accepted', 'closed')"


class Weekly(ReportPage):
    """The rep weekly report: follow-ups done, overdue next steps and customers, new orders,
    payments and what of them is allocated."""

    slug = "weekly"

    def figures(self, result):
        context = result.context
        followups, orders, paid = context["followups"], context["orders"], context["collections"]
        return {
            "followups": (followups["done"], followups["visits"], followups["late"]),
            "overdue_steps": context["overdue_steps_count"],
            "customers_overdue": context["customers_overdue"],
            "orders": (orders["count"], orders["amount"]),
            "payments": (paid["count"], paid["amount"], paid["allocated"]),
            "moves": {kind: n for kind, n in context["move_counts"].items() if n},
        }

    def sql(self):
        scope, params = scope_sql(self.user)
        params = {
            **params,
            "start": self.period.start,
            "end": self.period.end,
            "day": self.as_of,
            "tz": settings.TIME_ZONE,
        }
        followups = fetch_one(
            "SELECT count(*), count(*) FILTER (WHERE f.channel = 'visit'), "
            "count(*) FILTER (WHERE f.is_late) FROM customers_followup f "
            "JOIN customers_customer c ON c.id = f.customer_id "
            "WHERE (f.occurred_at AT TIME ZONE %(tz)s)::date BETWEEN %(start)s AND %(end)s "
            f"AND {scope}",
            params,
        )
        (steps,) = fetch_one(
            "SELECT count(*) FROM customers_followup f "
            "JOIN customers_customer c ON c.id = f.customer_id "
            "WHERE f.next_step_due < %(day)s AND f.next_step_done_at IS NULL "
            f"AND {scope}",
            params,
        )
        (customers,) = fetch_one(
            "SELECT count(*) FROM customers_customer c "
            f"WHERE c.next_followup_due < %(day)s AND {scope}",
            params,
        )
        orders = fetch_one(
            "SELECT count(*), COALESCE(SUM(o.total), 0) FROM orders_order o "
            "JOIN customers_customer c ON c.id = o.customer_id "
            "WHERE o.order_date BETWEEN %(start)s AND %(end)s "
            f"AND o.status NOT IN ('draft', 'cancelled') AND {scope}",
            params,
        )
        # What of the period's valid payments is allocated now: their active allocations.
        payments = fetch_one(
            "SELECT count(*), COALESCE(SUM(p.amount), 0), COALESCE(SUM("
            "(SELECT SUM(a.amount) FROM receivables_allocation a "
            "WHERE a.payment_id = p.id AND a.reversed_at IS NULL)), 0) "
            "FROM receivables_payment p JOIN customers_customer c ON c.id = p.customer_id "
            "WHERE p.voided_at IS NULL AND p.date BETWEEN %(start)s AND %(end)s "
            f"AND {scope}",
            params,
        )
        moves = fetch(
            "SELECT sc.kind, count(*) FROM opportunities_stagechange sc "
            "JOIN opportunities_opportunity x ON x.id = sc.opportunity_id "
            "JOIN customers_customer c ON c.id = x.customer_id "
            "WHERE (sc.changed_at AT TIME ZONE %(tz)s)::date BETWEEN %(start)s AND %(end)s "
            f"AND {scope} GROUP BY sc.kind",
            params,
        )
        return {
            "followups": followups,
            "steps": steps,
            "customers": customers,
            "orders": orders,
            "payments": payments,
            "moves": moves,
        }

    def sql_figures(self, rows):
        return {
            "followups": tuple(rows["followups"]),
            "overdue_steps": rows["steps"],
            "customers_overdue": rows["customers"],
            "orders": tuple(rows["orders"]),
            "payments": tuple(rows["payments"]),
            # Every kind and the total, as the report counts them.
            "moves": {**dict(rows["moves"]), "total": sum(n for _kind, n in rows["moves"])}
            if rows["moves"]
            else {},
        }


class Monthly(ReportPage):
    """The manager monthly report: sales this month, last month and a year ago in total and
    by region, each seller's sales against their monthly target, new and churned customers."""

    slug = "monthly"

    def figures(self, result):
        context = result.context
        sales = context["sales"]

        def three(compared):
            return (compared.current, compared.previous, compared.year_ago)

        return {
            "total": three(sales["total"]),
            "by_region": {str(row.label): three(row) for row in sales["by_region"]},
            "reps": {row.rep.pk: (row.target, row.actual) for row in context["reps"]},
            "new": context["customers"]["new_count"],
            "churned": context["customers"]["churned_count"],
            "conversion": {
                key: context["conversion"][key] for key in ("created", "committed", "won", "lost")
            },
        }

    def sql(self):
        scope, params = scope_sql(self.user)
        seller_scope, _same = scope_sql(self.user, owner="u.id")
        # The month before and the same month a year earlier, in SQL (not ReportPeriod's).
        params = {**params, "start": self.period.start, "end": self.period.end}
        periods = """
            WITH p AS (SELECT %(start)s::date AS cur, %(end)s::date AS cur_end,
                              (%(start)s::date - interval '1 month')::date AS prev,
                              (%(start)s::date - 1) AS prev_end,
                              (%(start)s::date - interval '1 year')::date AS ya,
                              (%(start)s::date - interval '1 year' + interval '1 month')::date - 1
                                  AS ya_end)
        """
        sums = """
            SUM(o.total) FILTER (WHERE o.accepted_on BETWEEN p.cur AND p.cur_end),
            SUM(o.total) FILTER (WHERE o.accepted_on BETWEEN p.prev AND p.prev_end),
            SUM(o.total) FILTER (WHERE o.accepted_on BETWEEN p.ya AND p.ya_end)
        """
        # Sales are the orders credited (Order.owner) to the active sellers in view, whoever
        # owns the customer now (a reassigned or released customer does not move them).
        credited = (
            f"o.owner_id IN (SELECT u.id FROM accounts_user u WHERE u.is_active AND "
            f"{seller_scope} AND EXISTS (SELECT 1 FROM accounts_user_groups ug "
            "JOIN auth_group g ON g.id = ug.group_id "
            "WHERE ug.user_id = u.id AND g.name IN ('rep', 'manager')))"
        )
        sold_in_any = (
            f"{SOLD} AND (o.accepted_on BETWEEN p.cur AND p.cur_end "
            "OR o.accepted_on BETWEEN p.prev AND p.prev_end "
            "OR o.accepted_on BETWEEN p.ya AND p.ya_end)"
        )
        total = fetch_one(
            f"{periods} SELECT {sums} FROM p, orders_order o "
            "JOIN customers_customer c ON c.id = o.customer_id "
            f"WHERE {sold_in_any} AND {credited}",
            params,
        )
        by_region = fetch(
            f"{periods} SELECT COALESCE(r.name, '—'), {sums} FROM p, orders_order o "
            "JOIN customers_customer c ON c.id = o.customer_id "
            "LEFT JOIN core_region r ON r.id = c.region_id "
            f"WHERE {sold_in_any} AND {credited} GROUP BY r.id, r.name",
            params,
        )
        # Every active seller (rep or manager) in view, their month target and their sales:
        # the orders credited to them (Order.owner), whoever owns the customer now, so a
        # seller's month reads the same for their manager as for finance.
        reps = fetch(
            f"""
            SELECT u.id,
                (SELECT SUM(t.sales_target) FROM opportunities_salestarget t
                 WHERE t.owner_id = u.id AND t.period = 'month'
                   AND t.period_start = %(start)s),
                (SELECT COALESCE(SUM(o.total), 0) FROM orders_order o
                 WHERE o.owner_id = u.id AND {SOLD}
                   AND o.accepted_on BETWEEN %(start)s AND %(end)s)
            FROM accounts_user u
            WHERE u.is_active AND {seller_scope} AND EXISTS (
                SELECT 1 FROM accounts_user_groups ug JOIN auth_group g ON g.id = ug.group_id
                WHERE ug.user_id = u.id AND g.name IN ('rep', 'manager'))
            """,
            params,
        )
        # Each customer's first and last sale accepted by the month's end: new when the first
        # is in the month, churned when the last leaves the trailing 12 months during it.
        customers = fetch_one(
            f"""
            WITH sales AS (
                SELECT o.customer_id, MIN(o.accepted_on) AS first, MAX(o.accepted_on) AS last
                FROM orders_order o JOIN customers_customer c ON c.id = o.customer_id
                WHERE {SOLD} AND o.accepted_on <= %(end)s AND {scope}
                GROUP BY o.customer_id)
            SELECT count(*) FILTER (WHERE first BETWEEN %(start)s AND %(end)s),
                   count(*) FILTER (WHERE last BETWEEN (%(start)s::date - interval '1 year')::date
                                    AND (%(end)s::date - interval '1 year')::date)
            FROM sales
            """,
            params,
        )
        # Deals of customers in view created, first committed, won and lost in the month.
        conversion = fetch_one(
            """
            SELECT count(*) FILTER (WHERE created BETWEEN %(start)s AND %(end)s),
                   count(*) FILTER (WHERE committed BETWEEN %(start)s AND %(end)s),
                   count(*) FILTER (WHERE status = 'won' AND closed BETWEEN %(start)s AND %(end)s),
                   count(*) FILTER (WHERE status = 'lost' AND closed BETWEEN %(start)s AND %(end)s)
            FROM (SELECT x.status, (x.created_at AT TIME ZONE %(tz)s)::date AS created,
                         (x.committed_at AT TIME ZONE %(tz)s)::date AS committed,
                         (x.closed_at AT TIME ZONE %(tz)s)::date AS closed
                  FROM opportunities_opportunity x
                  JOIN customers_customer c ON c.id = x.customer_id
            """
            f"WHERE {scope}) d",
            {**params, "tz": settings.TIME_ZONE},
        )
        return {
            "total": total,
            "by_region": by_region,
            "reps": reps,
            "customers": customers,
            "conversion": conversion,
        }

    def sql_figures(self, rows):
        def money(value):
            return ZERO if value is None else value

        return {
            "total": tuple(money(v) for v in rows["total"]),
            "by_region": {name: tuple(money(v) for v in sums) for name, *sums in rows["by_region"]},
            "reps": {pk: (target, actual) for pk, target, actual in rows["reps"]},
            "new": rows["customers"][0],
            "churned": rows["customers"][1],
            "conversion": dict(
                zip(("created", "committed", "won", "lost"), rows["conversion"], strict=True)
            ),
        }


def last_week(today):
    """A day of the ISO week before the one holding `today`."""
    return today - timedelta(days=7)


@operation(name="reports.weekly_rep", target=REPORT)
def weekly_rep(book):
    return Weekly(book, user=book.rep, kind="week", anchor=last_week(book.today))


@operation(name="reports.weekly_manager", target=REPORT)
def weekly_manager(book):
    return Weekly(book, user=book.manager, kind="week", anchor=last_week(book.today))


@operation(name="reports.monthly_manager", target=REPORT)
def monthly_manager(book):
    return Monthly(book, user=book.manager, kind="month", anchor=last_month_end(book.today))


@operation(name="reports.monthly_finance", target=REPORT)
def monthly_finance(book):
    return Monthly(book, user=book.finance, kind="month", anchor=last_month_end(book.today))
