"""The aging report (账龄) grouped four ways, and its 30-day trend from the nightly snapshots.
Bucket totals are sums over the same balance rows as the outstanding total (balance_rows_sql),
so they always add up; grouping, totals and paging happen in SQL."""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Sum

from receivables.models import AgingSnapshot, ReceivableSettings
from receivables.rules import aging
from receivables.selectors.balances import ZERO, balance_rows_sql
from salesops.core.localized import english_active
from salesops.core.money import from_fen

GROUPS = ("customer", "owner", "team", "region")
PER_PAGE = 50
BUCKET_KEYS = ("not_due", "b1", "b2", "b3", "b4")
POOL = "公海"


@dataclass
class AgingRow:
    key: str
    name: str
    owner: str = ""
    not_due: Decimal = ZERO
    b1: Decimal = ZERO
    b2: Decimal = ZERO
    b3: Decimal = ZERO
    b4: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        return self.not_due + self.b1 + self.b2 + self.b3 + self.b4

    def add(self, bucket_key: str, amount: Decimal) -> None:
        setattr(self, bucket_key, getattr(self, bucket_key) + amount)

    def share(self, amount: Decimal) -> Decimal | None:
        return (amount / self.total).quantize(Decimal("0.0001")) if self.total else None

    @property
    def within_terms_share(self) -> Decimal | None:
        """Not yet due plus the first bucket (信用期内), as a share of the total."""
        return self.share(self.not_due + self.b1)

    @property
    def last_bucket_share(self) -> Decimal | None:
        return self.share(self.b4)


@dataclass
class Aging:
    """One page of groups (`rows`, by total descending then name), the totals and the number of
    groups (`row_count`) of everything in scope, and the page the navigation reads."""

    as_of: date
    group_by: str
    buckets: list[aging.Bucket]
    rows: list[AgingRow]
    totals: AgingRow
    healthy_share: Decimal
    alarm_share: Decimal
    row_count: int = 0
    page: Page | None = None
    flags: dict[str, list[str]] = field(default_factory=dict)
    query: tuple[str, list] | None = field(default=None, repr=False)

    @property
    def paginator(self) -> Paginator | None:
        return self.page.paginator if self.page is not None else None

    def is_unhealthy(self, row: AgingRow) -> bool:
        share = row.within_terms_share
        return share is not None and share < self.healthy_share

    def is_alarm(self, row: AgingRow) -> bool:
        share = row.last_bucket_share
        return share is not None and share > self.alarm_share

    def all_rows(self, chunk_size: int = 2000) -> Iterator[AgingRow]:
        """Every group of the report in page order, streamed from one query (for exports)."""
        sql, params = self.query
        with connection.chunked_cursor() as cursor:
            cursor.execute(f"{sql} ORDER BY total DESC, sort_name, gkey {_collate()}", params)
            while chunk := cursor.fetchmany(chunk_size):
                yield from (_row(item) for item in chunk)


class _CountedPage(Sequence):
    """What the Paginator pages over: `count` groups, of which only the fetched page is here."""

    def __init__(self, count: int, rows: list):
        self.count, self.rows = count, rows

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, index):
        return self.rows


def _bucket_filters(start: str, as_of: date, boundaries: Sequence[int]) -> tuple[list, list]:
    """FILTER conditions (and their parameters) putting a balance row in each bucket: the rules'
    day ranges (rules/aging.buckets) as date ranges of `start` (due or issue date). Days overdue
    = max(as_of − start, 0), so "low..high days" ⇔ as_of − high ≤ start ≤ as_of − low."""
    conditions, params = [], []
    for bucket in aging.buckets(boundaries):
        if bucket.low is None:
            conditions.append(f"{start} >= %s")
            params.append(as_of)
        elif bucket.high is None:
            conditions.append(f"{start} <= %s")
            params.append(as_of - timedelta(days=bucket.low))
        else:
            conditions.append(f"{start} BETWEEN %s AND %s")
            params += [as_of - timedelta(days=bucket.high), as_of - timedelta(days=bucket.low)]
    return conditions, params


def _tables() -> dict[str, str]:
    from customers.models import Customer
    from salesops.accounts.models import Team, User

    region = Customer._meta.get_field("region").related_model
    return {
        "customer": Customer._meta.db_table,
        "user": User._meta.db_table,
        "team": Team._meta.db_table,
        "region": region._meta.db_table,
    }


def _collate() -> str:
    return 'COLLATE "C"' if connection.vendor == "postgresql" else "COLLATE BINARY"


def _owner_name(alias: str) -> str:
    """SQL of an owner's name as the page shows it: display name, else username, else 公海."""
    return f"COALESCE(NULLIF({alias}.display_name, ''), NULLIF({alias}.username, ''), '{POOL}')"


def _group_sql(group_by: str, t: dict[str, str]) -> str:
    """Per group, from `by_customer`: gkey, sort_name, owner and the bucket sums in fen. The
    names come in before paging because the order (total, then name) needs them; every join
    but the customer one is to a table of a few dozen rows. COLLATE "C" is code-point order,
    the order Python's sorted() gave the names before."""
    C = _collate()  # noqa: N806
    buckets = ", ".join(f"SUM(c.{k}) AS {k}" for k in BUCKET_KEYS)
    total = " + ".join(f"SUM(c.{k})" for k in BUCKET_KEYS)
    customers = "FROM by_customer c"
    if group_by == "customer":
        return (
            f"SELECT CAST(c.cid AS TEXT) AS gkey, c.name {C} AS sort_name, "
            f"{_owner_name('u')} AS owner, "
            + ", ".join(f"c.{k}" for k in BUCKET_KEYS)
            + f", {' + '.join(f'c.{k}' for k in BUCKET_KEYS)} AS total {customers} "
            f"LEFT JOIN {t['user']} u ON u.id = c.owner_id"
        )
    if group_by == "owner":
        return (
            f"SELECT COALESCE(u.username, '-') AS gkey, {_owner_name('u')} {C} "
            f"AS sort_name, '' AS owner, {buckets}, {total} AS total {customers} "
            f"LEFT JOIN {t['user']} u ON u.id = c.owner_id "
            "GROUP BY u.id, u.username, u.display_name"
        )
    if group_by == "team":
        # balances.owner_team as a join: the team the owner is a member of, else the team they
        # lead (first by name), worked out once per user rather than once per customer.
        return (
            "SELECT COALESCE(CAST(ot.team_id AS TEXT), 'None') AS gkey, "  # noqa: S608
            f"COALESCE(tm.name, '—') {C} AS sort_name, '' AS owner, {buckets}, "
            f"{total} AS total {customers} "
            "LEFT JOIN (SELECT u.id, COALESCE(u.team_id, (SELECT l.id FROM "
            f"{t['team']} l WHERE l.manager_id = u.id ORDER BY l.name, l.id LIMIT 1)) AS team_id "
            f"FROM {t['user']} u) ot ON ot.id = c.owner_id "
            f"LEFT JOIN {t['team']} tm ON tm.id = ot.team_id "
            "GROUP BY ot.team_id, tm.name"
        )
    name = "COALESCE(NULLIF(r.name_en, ''), r.name)" if english_active() else "r.name"
    return (
        f"SELECT COALESCE({name}, '-') AS gkey, COALESCE({name}, '—') {C} "
        f"AS sort_name, '' AS owner, {buckets}, {total} AS total {customers} "
        f"LEFT JOIN {t['region']} r ON r.id = c.region_id GROUP BY {name}"
    )


def by_customer_sql(*, user, as_of: date, settings: ReceivableSettings) -> tuple[str, list]:
    """`WITH by_customer AS (...)` and its parameters: each customer's balance on `as_of` per
    bucket in fen (cid, not_due, b1..b4) over what `user` may see (None: everything). The page,
    its totals and the nightly snapshot all start here."""
    rows, row_params = balance_rows_sql(user=user, as_of=as_of)
    start = "issue_date" if settings.basis == "issue" else "due_date"
    conditions, bucket_params = _bucket_filters(start, as_of, settings.boundaries)
    sums = ", ".join(
        f"COALESCE(SUM(fen) FILTER (WHERE {condition}), 0) AS {key}"
        for key, condition in zip(BUCKET_KEYS, conditions, strict=True)
    )
    # Grouped by the customer's key rather than the rows' column: PostgreSQL then knows how
    # many groups to expect (a hash join and a hash aggregate, not 50,000 index probes), and
    # the customer's name, owner and region ride along for the groupings above.
    sql = (
        f"WITH by_customer AS (SELECT c.id AS cid, c.name, c.owner_id, c.region_id, {sums} "  # noqa: S608
        f"FROM ({rows}) owed JOIN {_tables()['customer']} c ON c.id = owed.customer_id "
        "GROUP BY c.id)"
    )
    return sql, [*bucket_params, *row_params]


def _row(item) -> AgingRow:
    key, name, owner, *fen = item[:8]
    amounts = {k: from_fen(v) for k, v in zip(BUCKET_KEYS, fen, strict=True)}
    return AgingRow(key=key, name=name, owner=owner, **amounts)


def aging_report(
    *, user, as_of: date, group_by: str = "customer", page: int = 1, per_page: int = PER_PAGE
) -> Aging:
    """Outstanding balances on `as_of` by days past due, grouped by customer, owner, team or
    region: one page of groups (total descending, then name) with the totals and the number of
    groups of everything `user` may see. Two queries (the settings, then the page and the
    totals together); a third only for a page past the end, which shows the last page."""
    settings = ReceivableSettings.load()
    group_by = group_by if group_by in GROUPS else "customer"
    head, head_params = by_customer_sql(user=user, as_of=as_of, settings=settings)
    groups_sql = f"{head}, groups AS ({_group_sql(group_by, _tables())})"
    columns = ", ".join(BUCKET_KEYS)
    sums = ", ".join(f"SUM({k})" for k in BUCKET_KEYS)
    # `groups` is read twice, so PostgreSQL materializes it once: the page and the totals of
    # the whole scope (the last row, with the number of groups) come from one aggregation.
    sql = (
        f"{groups_sql} SELECT * FROM (SELECT gkey, sort_name, owner, {columns}, total, "  # noqa: S608
        f"CAST(NULL AS BIGINT) AS n FROM groups ORDER BY total DESC, sort_name, gkey {_collate()} "
        "LIMIT %s OFFSET %s) AS page "
        f"UNION ALL SELECT NULL, NULL, NULL, {sums}, NULL, COUNT(*) FROM groups"
    )
    number = max(int(page), 1)
    while True:
        with connection.cursor() as cursor:
            cursor.execute(sql, [*head_params, per_page, (number - 1) * per_page])
            fetched = cursor.fetchall()
        # A UNION ALL keeps no order: the totals are the row without a key, and the page is
        # put back in SQL's order (code-point names, as in SQL's "C" collation).
        (summary,) = [item for item in fetched if item[0] is None]
        items = sorted(
            (item for item in fetched if item[0] is not None),
            key=lambda item: (-item[8], item[1], item[0]),
        )
        count = summary[-1]
        last = max((count + per_page - 1) // per_page, 1)
        if number <= last:
            break
        number = last
    rows = [_row(item) for item in items]
    return Aging(
        as_of=as_of,
        group_by=group_by,
        buckets=aging.buckets(settings.boundaries),
        rows=rows,
        totals=_row(("total", "合计", "", *summary[3:8])),
        healthy_share=settings.healthy_first_bucket_share,
        alarm_share=settings.alarm_last_bucket_share,
        row_count=count,
        page=Paginator(_CountedPage(count, rows), per_page).page(number),
        query=(f"{groups_sql} SELECT * FROM groups", head_params),  # noqa: S608
    )


def _rate(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    return (numerator / denominator).quantize(Decimal("0.0001")) if denominator else None


def aging_trend(*, user, end: date, days: int = 30) -> list[dict]:
    """Daily totals of the nightly snapshots for the customers `user` may see, oldest first,
    with each day's share of the 90+ bucket; one query."""
    from customers.models import Customer

    customers = Customer.objects.all() if user is None else Customer.objects.visible_to(user)
    rows = (
        AgingSnapshot.objects.filter(
            customer__in=customers, as_of__gt=end - timedelta(days=days), as_of__lte=end
        )
        .values("as_of")
        .annotate(
            total=Sum("total"),
            overdue=Sum("b1") + Sum("b2") + Sum("b3") + Sum("b4"),
            late=Sum("b4"),
        )
        .order_by("as_of")
    )
    points = list(rows)
    peak = max((p["total"] for p in points), default=ZERO) or Decimal(1)
    for point in points:
        point["height"] = int(point["total"] / peak * 100)
        point["late_share"] = _rate(point["late"], point["total"])
    return points
