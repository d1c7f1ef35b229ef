"""Receivables benchmarks: the aging page (whole book, a past month end, a rep, a manager), the
collection list's first page (unfiltered, a rep, 90+ days, a search) and the KPI page, each
against hand-written SQL from the definitions in docs/receivables.md."""

from __future__ import annotations

import inspect
from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlencode

from django.urls import reverse

from benchmarks.book import fetch, fetch_one, scope_sql
from benchmarks.harness import Case, Target, last_full_quarter, last_month_end, operation
from receivables.models import ReceivableSettings
from salesops.core.money import from_fen

ZERO = Decimal("0.00")
BUCKETS = ("not_due", "b1", "b2", "b3", "b4")


def balances_on_sql(day_param: str, scope: str) -> str:
    """Each receivable issued by the day with its balance then, straight from the ledger: amount
    less what was paid before go-live, active allocations of payments dated by the day (a void
    reverses its allocations) and write-offs dated by it. Columns: id, customer_id, owner_id,
    issue_date, due_date, balance. `scope` is a condition on the customer `c`."""
    return f"""
        SELECT r.id, r.customer_id, c.owner_id, r.issue_date, r.due_date,
               r.amount - r.opening_paid
                 - COALESCE(paid.total, 0) - COALESCE(written.total, 0) AS balance
        FROM receivables_receivable r
        JOIN customers_customer c ON c.id = r.customer_id
        LEFT JOIN (
            SELECT a.receivable_id, SUM(a.amount) AS total
            FROM receivables_allocation a
            JOIN receivables_payment p ON p.id = a.payment_id
            WHERE a.reversed_at IS NULL AND p.date <= {day_param}
            GROUP BY a.receivable_id
        ) paid ON paid.receivable_id = r.id
        LEFT JOIN (
            SELECT w.receivable_id, SUM(w.amount) AS total
            FROM receivables_writeoff w WHERE w.date <= {day_param}
            GROUP BY w.receivable_id
        ) written ON written.receivable_id = r.id
        WHERE r.issue_date <= {day_param} AND {scope}
    """


def team_key_sql(owner: str = "o") -> str:
    """The owner's team: the one they are a member of, else the one they lead (first by name)."""
    return (
        f"COALESCE({owner}.team_id, (SELECT t.id FROM accounts_team t "
        f"WHERE t.manager_id = {owner}.id ORDER BY t.name, t.id LIMIT 1))"
    )


GROUP_KEYS = {
    "customer": "b.customer_id::text",
    "owner": "COALESCE(o.username, '-')",
    "team": f"COALESCE({team_key_sql()}::text, 'None')",
}


def stored_balances_sql(day_param: str, scope: str) -> str:
    """The same balances on the new schema, in fen: each open receivable's stored balance_fen,
    plus what was collected (active allocations of payments dated after the day) and written off
    (dated after it) since, for receivables issued by the day. Each contribution is positive, so
    the rows of one receivable add up to its balance then and every row counts in its bucket;
    today the last two branches are empty and the first is the partial index on the open book.
    Columns: customer_id, owner_id, issue_date, due_date, balance (fen)."""
    columns = "r.customer_id, c.owner_id, r.issue_date, r.due_date"
    issued = f"r.issue_date <= {day_param} AND {scope}"
    return f"""
        SELECT {columns}, r.balance_fen AS balance
        FROM receivables_receivable r JOIN customers_customer c ON c.id = r.customer_id
        WHERE r.settled_on IS NULL AND {issued}
        UNION ALL
        SELECT {columns}, (a.amount * 100)::bigint
        FROM receivables_allocation a
        JOIN receivables_payment p ON p.id = a.payment_id
        JOIN receivables_receivable r ON r.id = a.receivable_id
        JOIN customers_customer c ON c.id = r.customer_id
        WHERE a.reversed_at IS NULL AND p.date > {day_param} AND {issued}
        UNION ALL
        SELECT {columns}, (w.amount * 100)::bigint
        FROM receivables_writeoff w
        JOIN receivables_receivable r ON r.id = w.receivable_id
        JOIN customers_customer c ON c.id = r.customer_id
        WHERE w.date > {day_param} AND {issued}
    """


def bucket_columns(settings: ReceivableSettings) -> str:
    """SUM(balance) per bucket of days past due (or since issue): not due, 1..b1, .., over b3."""
    start = "b.due_date" if settings.basis == "due" else "b.issue_date"
    days = f"(%(day)s::date - {start})"
    b1, b2, b3 = settings.bucket_1, settings.bucket_2, settings.bucket_3
    conditions = [
        f"{days} <= 0",
        f"{days} BETWEEN 1 AND {b1}",
        f"{days} BETWEEN {b1 + 1} AND {b2}",
        f"{days} BETWEEN {b2 + 1} AND {b3}",
        f"{days} > {b3}",
    ]
    return ", ".join(f"COALESCE(SUM(b.balance) FILTER (WHERE {c}), 0)" for c in conditions)


def aging_rows_ledger(*, user, day, group_by: str) -> list[tuple]:
    """(group key, not due, b1..b4) per group of positive balances on `day`."""
    settings = ReceivableSettings.load()
    scope, named = scope_sql(user)
    sql = f"""
        SELECT {GROUP_KEYS[group_by]}, {bucket_columns(settings)}
        FROM ({balances_on_sql("%(day)s", scope)}) b
        LEFT JOIN accounts_user o ON o.id = b.owner_id
        WHERE b.balance > 0
        GROUP BY 1
    """
    return fetch(sql, {"day": day, **named})


def aging_rows_stored(*, user, day, group_by: str) -> list[tuple]:
    """As aging_rows_ledger, from balance_fen and settled_on; amounts back in yuan."""
    settings = ReceivableSettings.load()
    scope, named = scope_sql(user)
    sql = f"""
        SELECT {GROUP_KEYS[group_by]}, {bucket_columns(settings)}
        FROM ({stored_balances_sql("%(day)s", scope)}) b
        LEFT JOIN accounts_user o ON o.id = b.owner_id
        GROUP BY 1
    """
    return [(key, *map(from_fen, fens)) for key, *fens in fetch(sql, {"day": day, **named})]


def aging_figures_from_rows(rows) -> dict:
    figures = {key: tuple(amounts) for key, *amounts in rows}
    figures["total"] = tuple(sum((r[i] for r in figures.values()), ZERO) for i in range(5))
    return figures


class AgingPage(Case):
    """GET /receivables/aging/?as_of=&group_by= as `user`."""

    def __init__(self, book, *, user, as_of, group_by: str):
        self.book, self.user, self.as_of, self.group_by = book, user, as_of, group_by
        self.url = reverse("aging") + "?" + urlencode({"as_of": as_of, "group_by": group_by})

    def setup(self) -> None:
        count = fetch_one(
            "SELECT count(*) FROM receivables_receivable WHERE issue_date <= %s", [self.as_of]
        )[0]
        self.scale = f"{count:,} issued, {self.user.role} by {self.group_by}"

    def run(self):
        return self.book.get(self.user, self.url)

    def figures(self, response) -> dict:
        report = response.context["report"]
        # The page shows 50 groups; every group, from the same SQL, is compared.
        figures = {row.key: tuple(getattr(row, b) for b in BUCKETS) for row in report.all_rows()}
        figures["total"] = tuple(getattr(report.totals, b) for b in BUCKETS)
        return figures

    @property
    def sqls(self):
        return {
            "ledger": lambda: aging_rows_ledger(
                user=self.user, day=self.as_of, group_by=self.group_by
            ),
            "stored": lambda: aging_rows_stored(
                user=self.user, day=self.as_of, group_by=self.group_by
            ),
        }

    def sql_figures(self, rows) -> dict:
        return aging_figures_from_rows(rows)


WHOLE_BOOK = Target(p95_ms=300, sql_ratio=1.3, max_queries=6)
for _group in ("customer", "owner", "team"):

    @operation(name=f"aging.{_group}", target=WHOLE_BOOK)
    def _aging_today(book, group_by=_group):
        return AgingPage(book, user=book.finance, as_of=book.today, group_by=group_by)


@operation(name="aging.month_end", target=Target(p95_ms=1000))
def aging_month_end(book):
    return AgingPage(book, user=book.finance, as_of=last_month_end(book.today), group_by="customer")


@operation(name="aging.rep", target=Target(p95_ms=150))
def aging_rep(book):
    return AgingPage(book, user=book.rep, as_of=book.today, group_by="customer")


@operation(name="aging.manager", target=Target(p95_ms=150))
def aging_manager(book):
    return AgingPage(book, user=book.manager, as_of=book.today, group_by="customer")


# --- the collection list ---------------------------------------------------------------------


def collection_search_supported() -> bool:
    """Whether the collection list takes a search yet (another helper's change)."""
    from receivables.selectors.collections import collection_list

    return bool({"search", "q"} & set(inspect.signature(collection_list).parameters))


class CollectionPage(Case):
    """GET /receivables/collections/?as_of=&min_days=[&q=] page 1: how many items, their total
    and the ids on the page (open items at least `min_days` overdue, oldest due first)."""

    PER_PAGE = 50

    def __init__(self, book, *, user, min_days: int = 1, search: bool = False):
        self.book, self.user, self.min_days, self.search = book, user, min_days, search
        self.text = ""
        if search and not collection_search_supported():
            self.skip = "the collection list takes no search on this branch"

    def setup(self) -> None:
        if self.search:
            # The customer of the oldest overdue item: a search that certainly finds something.
            self.text = fetch_one(
                "SELECT c.name FROM receivables_receivable r JOIN customers_customer c "
                "ON c.id = r.customer_id WHERE r.amount > r.allocated + r.written_off "
                "AND r.due_date < %s ORDER BY r.due_date, r.id LIMIT 1",
                [self.book.today],
            )[0]
        query = {"as_of": self.book.today, "min_days": self.min_days}
        if self.text:
            query["q"] = self.text
        self.url = reverse("collections") + "?" + urlencode(query)
        self.scale = f"{self.user.role}, ≥{self.min_days} days" + (", search" if self.text else "")

    def run(self):
        return self.book.get(self.user, self.url)

    def figures(self, response):
        page = response.context["page_obj"]
        ids = [item.receivable.pk for item in page]
        return (page.paginator.count, response.context["total"], ids)

    def _where(self) -> tuple[str, dict]:
        scope, params = scope_sql(self.user)
        # overdue(as_of - (min_days - 1)): open and due before that day
        params["cutoff"] = self.book.today - timedelta(days=self.min_days - 1)
        where = "r.amount > r.allocated + r.written_off AND r.due_date < %(cutoff)s AND " + scope
        if self.text:
            where += " AND (c.name ILIKE %(like)s OR r.number ILIKE %(like)s)"
            params["like"] = "%" + self.text.replace("%", r"\%").replace("_", r"\_") + "%"
        return where, params

    @property
    def sqls(self):
        return {"ledger": self.sql, "stored": self.sql_stored}

    def sql_stored(self):
        """Open by settled_on (the partial index), the total summed in fen."""
        where, params = self._where()
        where = where.replace("r.amount > r.allocated + r.written_off", "r.settled_on IS NULL")
        base = (
            "FROM receivables_receivable r JOIN customers_customer c ON c.id = r.customer_id "
            f"WHERE {where}"
        )
        count, fen = fetch_one(f"SELECT count(*), COALESCE(SUM(r.balance_fen), 0) {base}", params)
        ids = fetch(f"SELECT r.id {base} ORDER BY r.due_date, r.id LIMIT {self.PER_PAGE}", params)
        return count, from_fen(fen), [i for (i,) in ids]

    def sql(self):
        where, params = self._where()
        base = (
            "FROM receivables_receivable r JOIN customers_customer c ON c.id = r.customer_id "
            f"WHERE {where}"
        )
        count, total = fetch_one(
            f"SELECT count(*), COALESCE(SUM(r.amount - r.allocated - r.written_off), 0) {base}",
            params,
        )
        ids = fetch(f"SELECT r.id {base} ORDER BY r.due_date, r.id LIMIT {self.PER_PAGE}", params)
        return count, total, [i for (i,) in ids]

    def sql_figures(self, rows):
        return rows


COLLECTION = Target(p95_ms=200)


@operation(name="collections.all", target=COLLECTION)
def collections_all(book):
    return CollectionPage(book, user=book.finance)


@operation(name="collections.rep", target=COLLECTION)
def collections_rep(book):
    return CollectionPage(book, user=book.rep)


@operation(name="collections.90_days", target=COLLECTION)
def collections_90(book):
    return CollectionPage(book, user=book.finance, min_days=91)


@operation(name="collections.search", target=COLLECTION)
def collections_search(book):
    return CollectionPage(book, user=book.finance, search=True)


# --- KPIs ------------------------------------------------------------------------------------


class KpiPage(Case):
    """GET /receivables/kpis/?start=&end= for the last full quarter, whole book: due and
    collected in the period, all cash received, credit sales, the open balance at both ends and
    what was written off."""

    def __init__(self, book, *, user):
        self.book, self.user = book, user
        self.start, self.end = last_full_quarter(book.today)
        period = {"start": self.start, "end": self.end}
        self.url = reverse("receivable_kpis") + "?" + urlencode(period)
        self.scale = f"{self.start:%Y-%m-%d}..{self.end:%Y-%m-%d}, {user.role}"

    def run(self):
        return self.book.get(self.user, self.url)

    def figures(self, response):
        k = response.context["kpis"]
        return (
            k.due_in_period,
            k.collected_in_period,
            k.received_in_period,
            k.sales,
            k.opening_receivables,
            k.closing_receivables,
            k.written_off,
        )

    def sql(self):
        scope, named = scope_sql(self.user)
        params = {"start": self.start, "end": self.end, **named}
        due, collected = fetch_one(
            f"""
            SELECT COALESCE(SUM(r.amount), 0),
                   COALESCE(SUM(r.opening_paid + COALESCE(paid.total, 0)), 0)
            FROM receivables_receivable r
            JOIN customers_customer c ON c.id = r.customer_id
            LEFT JOIN LATERAL (
                SELECT SUM(a.amount) AS total FROM receivables_allocation a
                JOIN receivables_payment p ON p.id = a.payment_id
                WHERE a.receivable_id = r.id AND a.reversed_at IS NULL AND p.date <= %(end)s
            ) paid ON TRUE
            WHERE r.due_date BETWEEN %(start)s AND %(end)s AND {scope}
            """,
            params,
        )
        (received,) = fetch_one(
            "SELECT COALESCE(SUM(p.amount), 0) FROM receivables_payment p "
            "JOIN customers_customer c ON c.id = p.customer_id "
            f"WHERE p.voided_at IS NULL AND p.date BETWEEN %(start)s AND %(end)s AND {scope}",
            params,
        )
        (sales,) = fetch_one(
            "SELECT COALESCE(SUM(r.amount), 0) FROM receivables_receivable r "
            "JOIN customers_customer c ON c.id = r.customer_id "
            f"WHERE r.issue_date BETWEEN %(start)s AND %(end)s AND {scope}",
            params,
        )
        outstanding = []
        for day in (self.start - timedelta(days=1), self.end):
            (total,) = fetch_one(
                "SELECT COALESCE(SUM(GREATEST(b.balance, 0)), 0) "
                f"FROM ({balances_on_sql('%(day)s', scope)}) b",
                {"day": day, **named},
            )
            outstanding.append(total)
        (written,) = fetch_one(
            "SELECT COALESCE(SUM(w.amount), 0) FROM receivables_writeoff w "
            "JOIN receivables_receivable r ON r.id = w.receivable_id "
            "JOIN customers_customer c ON c.id = r.customer_id "
            f"WHERE w.date BETWEEN %(start)s AND %(end)s AND {scope}",
            params,
        )
        return (due, collected, received, sales, *outstanding, written)

    def sql_figures(self, rows):
        return rows


@operation(name="kpis.quarter", target=Target(p95_ms=500))
def kpis_quarter(book):
    return KpiPage(book, user=book.finance)


# --- Credit metrics --------------------------------------------------------------------------


class CreditMetricsRead(Case):
    """credit_metrics(user, start, end) for the last full quarter (the finance home page and the
    KPI page read it): credit sales, and the open book at both ends split into not yet due and
    over the last aging boundary, with the DSO, best-possible DSO, ADD, CEI and at-risk share
    computed from them as docs/receivables.md, "Credit metrics", defines them."""

    def __init__(self, book, *, user):
        self.book, self.user = book, user
        self.start, self.end = last_full_quarter(book.today)
        self.scale = f"{self.start:%Y-%m-%d}..{self.end:%Y-%m-%d}, {user.role}"

    def run(self):
        from receivables.selectors.kpis import credit_metrics

        return credit_metrics(user=self.user, start=self.start, end=self.end)

    def figures(self, m):
        return (
            m.sales,
            m.opening,
            m.opening_current,
            m.closing,
            m.closing_current,
            m.closing_at_risk,
            m.dso,
            m.best_possible_dso,
            m.average_days_delinquent,
            m.cei,
            m.at_risk_share,
        )

    def sql(self):
        scope, named = scope_sql(self.user)
        last = ReceivableSettings.load().bucket_3
        (sales,) = fetch_one(
            "SELECT COALESCE(SUM(r.amount), 0) FROM receivables_receivable r "
            "JOIN customers_customer c ON c.id = r.customer_id "
            f"WHERE r.issue_date BETWEEN %(start)s AND %(end)s AND {scope}",
            {"start": self.start, "end": self.end, **named},
        )
        split = []
        for day in (self.start - timedelta(days=1), self.end):
            split.append(
                fetch_one(
                    "SELECT COALESCE(SUM(b.balance), 0), "
                    "COALESCE(SUM(b.balance) FILTER (WHERE b.due_date >= %(day)s), 0), "
                    "COALESCE(SUM(b.balance) FILTER (WHERE %(day)s - b.due_date > %(last)s), 0) "
                    f"FROM ({balances_on_sql('%(day)s', scope)}) b WHERE b.balance > 0",
                    {"day": day, "last": last, **named},
                )
            )
        return sales, split

    def sql_figures(self, rows):
        sales, ((opening, opening_current, _), (closing, closing_current, at_risk)) = rows
        days = (self.end - self.start).days + 1
        dso = best = add = cei = share = None
        if sales:
            dso = (opening + closing) / 2 * days / sales
            best = (opening_current + closing_current) / 2 * days / sales
            add = dso - best
        if opening + sales - closing_current:
            cei = (opening + sales - closing) / (opening + sales - closing_current) * 100
        if closing:
            share = at_risk / closing
        return (
            sales,
            opening,
            opening_current,
            closing,
            closing_current,
            at_risk,
            dso,
            best,
            add,
            cei,
            share,
        )


@operation(name="credit_metrics.quarter", target=Target(p95_ms=300))
def credit_metrics_quarter(book):
    return CreditMetricsRead(book, user=book.finance)
