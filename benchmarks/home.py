"""Home page benchmarks ("/", one per role, docs/reports.md "Home pages") against hand-written
SQL of their key figures: the rep's due customers, late next steps, funnel, overdue
receivables and month target; the manager's funnel, week's movement, compliance per rep,
targets per rep, credit holds and red orders; finance's overdue list, unallocated payments and
aging trend; the admin's last run per job and the week's failures."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from benchmarks.book import fetch, fetch_one, scope_sql
from benchmarks.harness import Case, Target, operation
from customers.rules.cadence import week_end
from opportunities.models import COMMITTED_LEVEL
from opportunities.rules.periods import period_bounds
from salesops.core.scheduling import jobs

ZERO = Decimal("0.00")
FEN = Decimal("0.01")
CUSTOMER = "JOIN customers_customer c ON c.id = x.customer_id"


class HomePage(Case):
    """GET /?as_of=<book day> as `user`; each role's subclass names its figures."""

    role = ""

    def __init__(self, book, *, user):
        self.book, self.user = book, user
        self.url = reverse("home") + "?" + urlencode({"as_of": book.today})
        self.today = book.today
        self.month_start, self.month_end = period_bounds("month", book.today)

    def setup(self) -> None:
        (customers,) = fetch_one("SELECT count(*) FROM customers_customer")
        self.scale = f"{customers:,} customers, {self.role}"

    def run(self):
        return self.book.get(self.user, self.url)

    def params(self, owner: str = "c.owner_id") -> tuple[str, dict]:
        scope, params = scope_sql(self.user, owner=owner)
        return scope, {
            **params,
            "today": self.today,
            "start": self.month_start,
            "end": self.month_end,
            "week_end": week_end(self.today),
            "tz": settings.TIME_ZONE,
            "committed": COMMITTED_LEVEL,
        }

    def funnel_sql(self, scope, params) -> dict:
        return dict(
            fetch(
                "SELECT s.level, count(*) FROM opportunities_opportunity x "
                "JOIN opportunities_funnelstage s ON s.id = x.stage_id "
                f"{CUSTOMER} WHERE x.status = 'open' AND {scope} GROUP BY s.level",
                params,
            )
        )

    @staticmethod
    def funnel_figures(funnel) -> dict:
        return {r.stage.level: r.count for r in funnel.levels if r.count and r.stage.level < 6}

    def targets_sql(self, scope, params, sellers: list[int]) -> dict:
        """{seller: (sales target, committed)} for `sellers`, of the month, else the quarter,
        else the year that holds the day (the first with a target among them)."""
        period = "month"
        for kind in ("month", "quarter", "year"):
            start, end = period_bounds(kind, self.today)
            if fetch_one(
                "SELECT 1 FROM opportunities_salestarget WHERE period = %(kind)s "
                "AND period_start = %(start)s AND owner_id = ANY(%(ids)s) LIMIT 1",
                {"kind": kind, "start": start, "ids": sellers},
            ):
                period = kind
                break
        start, end = period_bounds(period, self.today)
        params = {**params, "start": start, "end": end, "ids": sellers}
        targets = dict(
            fetch(
                "SELECT owner_id, SUM(sales_target) FROM opportunities_salestarget "
                "WHERE period = %(period)s AND period_start = %(start)s "
                "AND owner_id = ANY(%(ids)s) GROUP BY owner_id",
                {**params, "period": period},
            )
        )
        actual = dict(
            fetch(
                "SELECT x.owner_id, SUM(x.amount) FROM opportunities_opportunity x "
                f"JOIN opportunities_funnelstage s ON s.id = x.stage_id {CUSTOMER} "
                "WHERE x.status <> 'lost' AND s.level >= %(committed)s "
                "AND (x.committed_at AT TIME ZONE %(tz)s)::date BETWEEN %(start)s AND %(end)s "
                f"AND x.owner_id = ANY(%(ids)s) AND {scope} GROUP BY x.owner_id",
                params,
            )
        )
        return {
            pk: (targets.get(pk) or ZERO, actual.get(pk) or ZERO)
            for pk in sellers
            if targets.get(pk) or actual.get(pk)
        }

    @staticmethod
    def target_figures(targets) -> dict:
        return {t.owner.pk: (t.target, t.actual) for t in targets.rows if t.target or t.actual}

    def overdue_sql(self, scope, params) -> tuple:
        count, fen = fetch_one(
            f"SELECT count(*), COALESCE(SUM(x.balance_fen), 0) FROM receivables_receivable x "
            f"{CUSTOMER} WHERE x.settled_on IS NULL AND x.due_date < %(today)s AND {scope}",
            params,
        )
        return count, (Decimal(fen) / 100).quantize(FEN)


class RepHome(HomePage):
    role = "rep"

    def figures(self, response):
        home = response.context["home"]
        return {
            "due": dict(home.due.counts),
            "late_steps": home.overdue_steps,
            "funnel": self.funnel_figures(home.funnel),
            "overdue": (home.receivables.count, home.receivables.total),
            "target": self.target_figures(home.targets),
        }

    def sql(self):
        scope, params = self.params()
        due = fetch_one(
            "SELECT count(*) FILTER (WHERE d < %(today)s), count(*) FILTER (WHERE d = %(today)s), "
            "count(*) FILTER (WHERE d > %(today)s) FROM (SELECT LEAST(next_followup_due, "
            "next_visit_due) AS d FROM customers_customer c WHERE c.owner_id IS NOT NULL "
            f"AND {scope}) t WHERE d <= %(week_end)s",
            params,
        )
        (late,) = fetch_one(
            "SELECT count(*) FROM customers_followup f JOIN customers_customer c "
            "ON c.id = f.customer_id WHERE f.next_step_due < %(today)s "
            f"AND f.next_step_done_at IS NULL AND c.owner_id IS NOT NULL AND {scope}",
            params,
        )
        return {
            "due": due,
            "late": late,
            "funnel": self.funnel_sql(scope, params),
            "overdue": self.overdue_sql(scope, params),
            "target": self.targets_sql(scope, params, [self.user.pk]),
        }

    def sql_figures(self, rows):
        return {
            "due": dict(zip(("overdue", "today", "this_week"), rows["due"], strict=True)),
            "late_steps": rows["late"],
            "funnel": rows["funnel"],
            "overdue": rows["overdue"],
            "target": rows["target"],
        }


class ManagerHome(HomePage):
    role = "manager"

    def figures(self, response):
        home = response.context["home"]
        return {
            "funnel": self.funnel_figures(home.funnel),
            "movement": {
                m.level: (m.moved_in, m.moved_out)
                for m in home.movement
                if m.moved_in or m.moved_out
            },
            "compliance": {r.owner.pk: (r.customers, r.within_cadence) for r in home.compliance},
            "targets": self.target_figures(home.targets),
            "holds": home.credit_holds,
            "reds": home.red_orders,
        }

    def sql(self):
        scope, params = self.params()
        user_scope, _same = scope_sql(self.user, owner="u.id")
        since = timezone.make_aware(datetime.combine(self.today - timedelta(days=6), time.min))
        until = timezone.make_aware(datetime.combine(self.today + timedelta(days=1), time.min))
        moves = fetch(
            "SELECT sc.from_level, sc.to_level, count(*) FROM opportunities_stagechange sc "
            "JOIN opportunities_opportunity x ON x.id = sc.opportunity_id "
            f"{CUSTOMER} WHERE sc.changed_at >= %(since)s AND sc.changed_at < %(until)s "
            f"AND sc.from_level IS DISTINCT FROM sc.to_level AND {scope} "
            "GROUP BY sc.from_level, sc.to_level",
            {**params, "since": since, "until": until},
        )
        compliance = fetch(
            "SELECT u.id, count(*), count(*) FILTER (WHERE c.next_followup_due IS NULL "
            "OR c.next_followup_due >= %(today)s) FROM accounts_user u "
            f"JOIN customers_customer c ON c.owner_id = u.id WHERE u.is_active AND {user_scope} "
            "GROUP BY u.id",
            params,
        )
        sellers = [
            pk
            for (pk,) in fetch(
                "SELECT DISTINCT u.id FROM accounts_user u JOIN accounts_user_groups ug "
                "ON ug.user_id = u.id JOIN auth_group g ON g.id = ug.group_id "
                f"WHERE u.is_active AND g.name IN ('rep', 'manager') AND {user_scope}",
                params,
            )
        ]
        (holds,) = fetch_one(
            f"SELECT count(*) FROM customers_customer c WHERE c.credit_hold AND {scope}", params
        )
        (reds,) = fetch_one(
            f"SELECT count(*) FROM orders_order x {CUSTOMER} WHERE x.alert = 'red' AND {scope}",
            params,
        )
        return {
            "funnel": self.funnel_sql(scope, params),
            "moves": moves,
            "compliance": compliance,
            "targets": self.targets_sql(scope, params, sellers),
            "holds": holds,
            "reds": reds,
        }

    def sql_figures(self, rows):
        movement: dict[int, list[int]] = {}
        for from_level, to_level, n in rows["moves"]:
            movement.setdefault(to_level, [0, 0])[0] += n
            if from_level is not None:
                movement.setdefault(from_level, [0, 0])[1] += n
        return {
            "funnel": rows["funnel"],
            "movement": {level: tuple(v) for level, v in sorted(movement.items()) if any(v)},
            "compliance": {pk: (n, within) for pk, n, within in rows["compliance"]},
            "targets": rows["targets"],
            "holds": rows["holds"],
            "reds": rows["reds"],
        }


class FinanceHome(HomePage):
    role = "finance"

    def figures(self, response):
        home = response.context["home"]
        return {
            "overdue": (home.collections.count, home.collections.total),
            "unallocated": (home.unallocated_count, home.unallocated_total),
            "trend": [(p["as_of"], p["total"]) for p in home.trend],
        }

    def sql(self):
        scope, params = self.params()
        count, unallocated = fetch_one(
            "SELECT count(*), COALESCE(SUM(x.amount - x.allocated), 0) FROM receivables_payment x "
            "WHERE x.voided_at IS NULL AND x.allocated < x.amount",
        )
        trend = fetch(
            "SELECT s.as_of, SUM(s.total) FROM receivables_agingsnapshot s "
            "WHERE s.as_of > %(from)s AND s.as_of <= %(today)s GROUP BY s.as_of ORDER BY s.as_of",
            {**params, "from": self.today - timedelta(days=30)},
        )
        return {
            "overdue": self.overdue_sql(scope, params),
            "unallocated": (count, unallocated),
            "trend": trend,
        }

    def sql_figures(self, rows):
        return {
            "overdue": rows["overdue"],
            "unallocated": rows["unallocated"],
            "trend": [tuple(point) for point in rows["trend"]],
        }


class AdminHome(HomePage):
    role = "admin"

    def setup(self) -> None:
        (runs,) = fetch_one("SELECT count(*) FROM core_jobrun")
        self.scale = f"{runs:,} job runs, admin"

    def figures(self, response):
        home = response.context["home"]
        return {
            "last": {j.name: j.last.pk for j in home.jobs if j.last is not None},
            "failed_week": home.failed_week,
        }

    def sql(self):
        names = list(jobs())
        last = fetch(
            "SELECT DISTINCT ON (name) name, id FROM core_jobrun WHERE name = ANY(%(names)s) "
            "ORDER BY name, started_at DESC, id DESC",
            {"names": names},
        )
        (failed,) = fetch_one(
            "SELECT count(*) FROM core_jobrun WHERE outcome = 'failed' AND started_at >= %(since)s",
            {"since": timezone.now() - timedelta(days=7)},
        )
        return {"last": dict(last), "failed_week": failed}

    def sql_figures(self, rows):
        return rows


HOME = Target(p95_ms=300, sql_ratio=3)


@operation(name="home.rep", target=HOME)
def home_rep(book):
    return RepHome(book, user=book.rep)


@operation(name="home.manager", target=HOME)
def home_manager(book):
    return ManagerHome(book, user=book.manager)


@operation(name="home.finance", target=HOME)
def home_finance(book):
    return FinanceHome(book, user=book.finance)


@operation(name="home.admin", target=HOME)
def home_admin(book):
    return AdminHome(book, user=book.admin)
