"""Benchmarks of the stats reports (docs/reports.md): the pages of key-account statistics,
follow-up compliance and collection plan progress (/reports/<slug>/, the body rendered), each
against hand-written SQL from the definitions in docs/reports.md."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from benchmarks.book import fetch, fetch_one, scope_sql
from benchmarks.harness import Case, Target, last_month_end, operation
from benchmarks.receivables import balances_on_sql
from reports.models import CollectionPlanSettings
from reports.rules.stats import quarter_plans
from reports.selectors.key_accounts import TOP
from salesops.core.periods import report_period

ZERO = Decimal("0.00")
REPORT = Target(p95_ms=300)
SOLD = "o.status IN ('accepted', 'closed')"


class ReportPage(Case):
    """GET /reports/<slug>/?period=<kind>&date=<anchor> as `user`; the page reads balances on
    min(today, the period's end), and so does the SQL."""

    slug = ""

    def __init__(self, book, *, user, kind: str, anchor: date):
        self.book, self.user = book, user
        self.period = report_period(kind, anchor=anchor)
        self.as_of = min(timezone.localdate(), self.period.end)
        self.url = reverse("report_page", args=[self.slug]) + f"?period={kind}&date={anchor}"
        self.scale = f"{user.role}, {self.period.label}"

    def run(self):
        return self.book.get(self.user, self.url)


class KeyAccounts(ReportPage):
    """Key-account statistics for last month (a full one)."""

    slug = "key_accounts"

    def figures(self, result):
        return {
            "rows": [
                (r.customer.pk, r.sales, r.last_year, r.collected, r.outstanding)
                for r in result.context["rows"]
            ],
            "total": result.context["total_sales"],
        }

    def sql(self):
        scope, params = scope_sql(self.user)
        period, last = self.period, self.period.year_ago()
        params = {
            **params,
            "start": period.start,
            "end": period.end,
            "ly_start": last.start,
            "ly_end": last.end,
            "top": TOP,
            "day": self.as_of,
        }
        top = f"""
            SELECT o.customer_id, c.name, SUM(o.total) AS sales
            FROM orders_order o JOIN customers_customer c ON c.id = o.customer_id
            WHERE {SOLD} AND o.accepted_on BETWEEN %(start)s AND %(end)s AND {scope}
            GROUP BY o.customer_id, c.name
            ORDER BY sales DESC, c.name, o.customer_id
            LIMIT %(top)s
        """
        balances = balances_on_sql("%(day)s", "c.id IN (SELECT customer_id FROM top)")
        rows = fetch(
            f"""
            WITH top AS ({top})
            SELECT t.customer_id, t.sales,
                COALESCE((SELECT SUM(o.total) FROM orders_order o
                          WHERE o.customer_id = t.customer_id AND {SOLD}
                            AND o.accepted_on BETWEEN %(ly_start)s AND %(ly_end)s), 0),
                COALESCE((SELECT SUM(p.amount) FROM receivables_payment p
                          WHERE p.customer_id = t.customer_id AND p.voided_at IS NULL
                            AND p.date BETWEEN %(start)s AND %(end)s), 0),
                COALESCE((SELECT SUM(b.balance) FROM ({balances}) b
                          WHERE b.customer_id = t.customer_id), 0)
            FROM top t
            ORDER BY t.sales DESC, t.name, t.customer_id
            """,
            params,
        )
        (total,) = fetch_one(
            "SELECT COALESCE(SUM(o.total), 0) FROM orders_order o "
            "JOIN customers_customer c ON c.id = o.customer_id "
            f"WHERE {SOLD} AND o.accepted_on BETWEEN %(start)s AND %(end)s AND {scope}",
            params,
        )
        return {"rows": rows, "total": total}

    def sql_figures(self, rows):
        return {"rows": [tuple(row) for row in rows["rows"]], "total": rows["total"]}


class Compliance(ReportPage):
    """Follow-up compliance for this month."""

    slug = "compliance"

    def figures(self, result):
        return {
            item["row"].owner.pk: (
                item["row"].customers,
                item["row"].within_cadence,
                item["row"].visit_customers,
                item["row"].visits_within_cadence,
                item["row"].logs,
                item["row"].late_logs,
            )
            for item in result.context["rows"]
        }

    def sql(self):
        scope, params = scope_sql(self.user, owner="u.id")
        params = {
            **params,
            "day": self.as_of,
            "since": self.period.start,
            "tz": settings.TIME_ZONE,
        }
        return fetch(
            f"""
            WITH owners AS (
                SELECT u.id,
                    COUNT(*) AS customers,
                    COUNT(*) FILTER (WHERE c.next_followup_due IS NULL
                                     OR c.next_followup_due >= %(day)s) AS within,
                    COUNT(*) FILTER (WHERE c.next_visit_due IS NOT NULL) AS visit_customers,
                    COUNT(*) FILTER (WHERE c.next_visit_due >= %(day)s) AS visits_within
                FROM accounts_user u JOIN customers_customer c ON c.owner_id = u.id
                WHERE u.is_active AND {scope}
                GROUP BY u.id
            ), logs AS (
                SELECT f.author_id, COUNT(*) AS logs, COUNT(*) FILTER (WHERE f.is_late) AS late
                FROM customers_followup f
                WHERE f.author_id IN (SELECT id FROM owners)
                  AND (f.occurred_at AT TIME ZONE %(tz)s)::date BETWEEN %(since)s AND %(day)s
                GROUP BY f.author_id
            )
            SELECT o.id, o.customers, o.within, o.visit_customers, o.visits_within,
                   COALESCE(l.logs, 0), COALESCE(l.late, 0)
            FROM owners o LEFT JOIN logs l ON l.author_id = o.id
            """,
            params,
        )

    def sql_figures(self, rows):
        return {row[0]: tuple(row[1:]) for row in rows}


# The collection class of customer `c` as docs/receivables.md defines it: the first rule by
# position whose ratings hold the customer's and whose terms limit the customer's terms do not
# exceed, else the default class.
CLASS_OF = """COALESCE(
    (SELECT r.collection_class_id FROM receivables_collectionclassrule r
     WHERE strpos(r.credit_ratings, c.credit_rating) > 0
       AND (r.max_payment_terms_days IS NULL OR c.payment_terms_days <= r.max_payment_terms_days)
     ORDER BY r.position LIMIT 1),
    (SELECT k.id FROM receivables_collectionclass k WHERE k.is_default))"""


class CollectionPlan(ReportPage):
    """Collection plan progress for this year."""

    slug = "collection_plan"

    def figures(self, result):
        return {
            "quarters": [(q.plan, q.collected) for q in result.context["quarters"]],
            "classes": {
                row.key: [(cell.cash, cell.due, cell.collected_on_due) for cell in row.cells]
                for row in result.context["classes"]
                if any(cell.cash or cell.due for cell in row.cells)
            },
        }

    def sql(self):
        scope, params = scope_sql(self.user)
        target_scope, _same = scope_sql(self.user, owner="t.owner_id")
        year = self.period.start.year
        params = {
            **params,
            "first": date(year, 1, 1),
            "last": date(year, 12, 31),
            "day": self.as_of,
        }
        (annual,) = fetch_one(
            "SELECT COALESCE(SUM(t.collection_target), 0) FROM opportunities_salestarget t "
            f"WHERE t.period = 'year' AND t.period_start BETWEEN %(first)s AND %(last)s "
            f"AND {target_scope}",
            params,
        )
        cash = fetch(
            f"""
            SELECT EXTRACT(QUARTER FROM p.date)::int, {CLASS_OF}, SUM(p.amount)
            FROM receivables_payment p JOIN customers_customer c ON c.id = p.customer_id
            WHERE p.voided_at IS NULL AND p.date BETWEEN %(first)s AND %(day)s AND {scope}
            GROUP BY 1, 2
            """,
            params,
        )
        # Due in each quarter, and collected on it by that quarter's end from the ledger: what
        # opening balances had paid before go-live plus active allocations of payments dated by
        # then.
        due = fetch(
            f"""
            SELECT EXTRACT(QUARTER FROM r.due_date)::int AS q, {CLASS_OF} AS k,
                   SUM(r.amount),
                   SUM(r.opening_paid + COALESCE((
                       SELECT SUM(a.amount) FROM receivables_allocation a
                       JOIN receivables_payment p ON p.id = a.payment_id
                       WHERE a.receivable_id = r.id AND a.reversed_at IS NULL
                         AND p.date <= (date_trunc('quarter', r.due_date)
                                        + interval '3 months - 1 day')::date), 0))
            FROM receivables_receivable r JOIN customers_customer c ON c.id = r.customer_id
            WHERE r.due_date BETWEEN %(first)s AND %(day)s AND {scope}
            GROUP BY 1, 2
            """,
            params,
        )
        return {"annual": annual, "cash": cash, "due": due}

    def sql_figures(self, rows):
        shares = CollectionPlanSettings.load().shares
        plans = quarter_plans(rows["annual"], shares)
        collected = [ZERO] * 4
        classes: dict = {}

        def cells(key):
            return classes.setdefault(key, [[ZERO, ZERO, ZERO] for _q in range(4)])

        for quarter, key, total in rows["cash"]:
            collected[quarter - 1] += total
            cells(key)[quarter - 1][0] += total
        for quarter, key, amount, paid in rows["due"]:
            cells(key)[quarter - 1][1] += amount
            cells(key)[quarter - 1][2] += paid
        return {
            "quarters": list(zip(plans, collected, strict=True)),
            "classes": {
                key: [tuple(cell) for cell in value]
                for key, value in classes.items()
                if any(cell[0] or cell[1] for cell in value)
            },
        }


@operation(name="reports.key_accounts", target=REPORT)
def key_accounts_finance(book):
    return KeyAccounts(book, user=book.finance, kind="month", anchor=last_month_end(book.today))


@operation(name="reports.compliance", target=REPORT)
def compliance_manager(book):
    return Compliance(book, user=book.manager, kind="month", anchor=book.today)


@operation(name="reports.collection_plan", target=REPORT)
def collection_plan_finance(book):
    return CollectionPlan(book, user=book.finance, kind="year", anchor=book.today)
