"""Commission benchmarks: the commission statement report (docs/reports.md, "Commission") for the
last full month, the whole book for finance and one rep's own, against hand-written SQL from the
definitions: each allocation of a valid payment dated in the month, owned by the customer's
owner on the payment's day, at the rep's rate."""

from __future__ import annotations

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.urls import reverse

from benchmarks.book import fetch, fetch_one
from benchmarks.harness import Case, Target, operation
from reports.models import CommissionSettings

OWNER_CHANGES = "('created', 'reassigned', 'released', 'claimed', 'assigned')"


def owner_on_day_sql() -> str:
    """The owner of customer r.customer_id at the end of day p.date (Asia/Shanghai): LATERAL
    lookups of the last ownership change by then and the first later one."""
    return f"""
        CASE WHEN before.found IS NOT NULL THEN before.to_owner_id
             WHEN after.found IS NOT NULL THEN after.from_owner_id
             ELSE c.owner_id END
        FROM receivables_allocation a
        JOIN receivables_payment p ON p.id = a.payment_id
        JOIN receivables_receivable r ON r.id = a.receivable_id
        JOIN customers_customer c ON c.id = r.customer_id
        LEFT JOIN LATERAL (
            SELECT 1 AS found, e.to_owner_id FROM customers_ownershipevent e
            WHERE e.customer_id = r.customer_id AND e.kind IN {OWNER_CHANGES}
              AND (e.created_at AT TIME ZONE 'Asia/Shanghai')::date <= p.date
            ORDER BY e.created_at DESC, e.id DESC LIMIT 1
        ) before ON TRUE
        LEFT JOIN LATERAL (
            SELECT 1 AS found, e.from_owner_id FROM customers_ownershipevent e
            WHERE e.customer_id = r.customer_id AND e.kind IN {OWNER_CHANGES}
              AND e.kind <> 'created'
              AND (e.created_at AT TIME ZONE 'Asia/Shanghai')::date > p.date
            ORDER BY e.created_at, e.id LIMIT 1
        ) after ON TRUE
    """


class CommissionStatementPage(Case):
    """GET /reports/commission/?period=month&date=<last month> as `user`: per rep the month's
    collected cash and commission."""

    def __init__(self, book, *, user):
        self.book, self.user = book, user
        self.end = book.today.replace(day=1) - timedelta(days=1)
        self.start = self.end.replace(day=1)
        self.url = reverse("report_page", args=["commission"]) + (
            f"?period=month&date={self.start.isoformat()}"
        )
        self.scale = f"{self.start:%Y-%m}, {user.role}"
        (targets,) = fetch_one(
            "SELECT COUNT(*) FROM opportunities_salestarget WHERE collection_target > 0"
        )
        if targets:
            self.skip = "the book has collection targets; the SQL here has no accelerator"

    def setup(self) -> None:
        self.rate = CommissionSettings.load().rate

    def run(self):
        return self.book.get(self.user, self.url)

    def figures(self, response):
        (month,) = response.context["months"]
        return sorted((s.rep.pk, s.collected, s.total, s.totals.lines) for s in month.statements)

    def sql(self):
        # The statement covers active sellers (reps and managers) the viewer may see.
        scope = "TRUE"
        params = {"start": self.start, "end": self.end, "rate": self.rate, "me": self.user.pk}
        if self.user.role.value == "rep":
            scope = "owned.rep = %(me)s"
        elif self.user.role.value == "manager":
            scope = (
                "(owned.rep = %(me)s OR owned.rep IN (SELECT m.id FROM accounts_user m "
                "JOIN accounts_team t ON t.id = m.team_id WHERE t.manager_id = %(me)s))"
            )
        return fetch(
            f"""
            SELECT owned.rep, SUM(owned.amount),
                   SUM(ROUND(owned.amount * COALESCE(cp.rate, %(rate)s), 2)), COUNT(*)
            FROM (SELECT a.amount, {owner_on_day_sql()}
                  WHERE a.reversed_at IS NULL AND p.voided_at IS NULL
                    AND p.date BETWEEN %(start)s AND %(end)s) AS owned(amount, rep)
            LEFT JOIN reports_commissionprofile cp ON cp.rep_id = owned.rep
            WHERE owned.rep IN (
                SELECT u.id FROM accounts_user u
                JOIN accounts_user_groups ug ON ug.user_id = u.id
                JOIN auth_group g ON g.id = ug.group_id
                WHERE u.is_active AND g.name IN ('rep', 'manager'))
              AND {scope}
            GROUP BY owned.rep
            """,
            params,
        )

    def sql_figures(self, rows):
        fen = Decimal("0.01")
        return sorted(
            (rep, collected.quantize(fen), commission.quantize(fen, ROUND_HALF_UP), count)
            for rep, collected, commission, count in rows
        )


@operation(name="commission.finance", target=Target(p95_ms=300))
def commission_finance(book):
    return CommissionStatementPage(book, user=book.finance)


@operation(name="commission.rep", target=Target(p95_ms=300))
def commission_rep(book):
    return CommissionStatementPage(book, user=book.rep)
