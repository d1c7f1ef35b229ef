"""The aging report (账龄报表): the buckets of what the report's customers owed on its as-of day
(min(today, period end)), their bar chart, the trend of the nightly snapshots over the period
and the customers table with each one's health. Built on receivables' aging SQL
(by_customer_sql), narrowed to ReportRequest.customers(); every figure is summed in SQL."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection
from django.db.models import Sum
from django.utils.translation import gettext as _

from receivables.models import AgingSnapshot, ReceivableSettings
from receivables.rules import aging as aging_rules
from receivables.selectors.aging import BUCKET_KEYS, POOL, AgingRow, by_customer_sql
from reports.selectors.scope import ReportRequest
from salesops.accounts.models import User
from salesops.core import charts
from salesops.core.money import from_fen

# The page shows the customers owing most; the PDF lists every one.
PAGE_ROWS = 50
# A trend of more points than this is sampled: one point a week, then one a month.
DAILY_POINTS = 31
WEEKLY_POINTS = 120


def _collate() -> str:
    return 'COLLATE "C"' if connection.vendor == "postgresql" else "COLLATE BINARY"


@dataclass
class Health:
    """healthy / unhealthy / alarm, by the thresholds of receivables' settings."""

    key: str
    label: str


def health_of(row: AgingRow, *, healthy_share: Decimal, alarm_share: Decimal) -> Health | None:
    """docs/receivables.md: 90+ above the alarm share is an alarm; otherwise "within terms" (not
    due + first bucket) below the healthy share is unhealthy; nothing owed has no health."""
    late, within = row.last_bucket_share, row.within_terms_share
    if within is None:
        return None
    if late is not None and late > alarm_share:
        return Health("alarm", _("90+ alarm"))
    if within < healthy_share:
        return Health("unhealthy", _("unhealthy"))
    return Health("healthy", _("healthy"))


class CustomerRows:
    """The customers table, lazily: `len()` is the number of customers owing something (known
    from the totals query), `top` the first PAGE_ROWS (one query), and iterating streams every
    row from one query (the PDF). Rows: AgingRow with `key` the customer's id, `owner` its
    owner's name, and `health`."""

    is_table_rows = True

    def __init__(self, sql: str, params: list, count: int, health):
        self.sql, self.params, self.count, self._health = sql, params, count, health
        self._top: list[AgingRow] | None = None

    def __len__(self) -> int:
        return self.count

    def _rows(self, cursor_rows) -> Iterator[AgingRow]:
        for cid, name, owner, *fen in cursor_rows:
            amounts = {key: from_fen(value) for key, value in zip(BUCKET_KEYS, fen, strict=True)}
            row = AgingRow(key=str(cid), name=name, owner=owner, **amounts)
            row.health = self._health(row)
            yield row

    @property
    def top(self) -> list[AgingRow]:
        if self._top is None:
            with connection.cursor() as cursor:
                cursor.execute(f"{self.sql} LIMIT %s", [*self.params, PAGE_ROWS])
                self._top = list(self._rows(cursor.fetchall()))
        return self._top

    def __iter__(self) -> Iterator[AgingRow]:
        if self.count <= PAGE_ROWS:
            yield from self.top
            return
        with connection.chunked_cursor() as cursor:
            cursor.execute(self.sql, self.params)
            while chunk := cursor.fetchmany(2000):
                yield from self._rows(chunk)


# Customers a landscape page of the PDF holds (measured on the PDF base template: 27).
PDF_ROWS = 26


def aging_pages(context: dict) -> int:
    """The PDF's length: two portrait pages (the header, the figures and the two charts, the
    buckets), then the customers table on landscape pages of about PDF_ROWS rows."""
    return 2 + max(-(-len(context["customers"]) // PDF_ROWS), 1)


def trend_days(start: date, end: date) -> list[date]:
    """The snapshot days the trend shows from `start` to `end`: every day up to DAILY_POINTS
    days, else every Sunday (and `end`), else every month's last day (and `end`)."""
    if end < start:
        return []
    days = (end - start).days + 1
    every = [start + timedelta(days=n) for n in range(days)]
    if days <= DAILY_POINTS:
        return every
    if days <= WEEKLY_POINTS:
        picked = [day for day in every if day.weekday() == 6]
    else:
        picked = [day for day in every if (day + timedelta(days=1)).day == 1]
    if not picked or picked[-1] != end:
        picked.append(end)
    return picked


def _trend(request: ReportRequest, customers_qs) -> list[dict]:
    days = trend_days(request.period.start, request.as_of)
    rows = (
        AgingSnapshot.objects.filter(customer__in=customers_qs, as_of__in=days)
        .values("as_of")
        .annotate(total=Sum("total"), late=Sum("b4"))
        .order_by("as_of")
    )
    return list(rows)


def _labels(buckets: list[aging_rules.Bucket]) -> list[str]:
    return [_("Not due") if bucket.low is None else bucket.label() for bucket in buckets]


def aging_build(request: ReportRequest) -> dict:
    """The aging report's context: `as_of`, `buckets` (label, key, amount, share), `totals`
    (AgingRow) with its `health`, `overdue`, `customer_count`, `customers` (CustomerRows),
    `trend` points (as_of, total, late), and the SVG charts `bucket_chart` and `trend_chart`.
    Four queries: the settings, the totals, the page's rows, the trend (the PDF streams the
    rows in one more)."""
    settings = ReceivableSettings.load()
    as_of = request.as_of
    buckets = aging_rules.buckets(settings.boundaries)

    def health(row):
        return health_of(
            row,
            healthy_share=settings.healthy_first_bucket_share,
            alarm_share=settings.alarm_last_bucket_share,
        )

    head, head_params = by_customer_sql(user=request.user, as_of=as_of, settings=settings)
    customers_qs = request.customers()
    scope_sql, scope_params = customers_qs.order_by().values("pk").query.sql_with_params()
    users = User._meta.db_table
    scoped = f"{head}, scoped AS (SELECT * FROM by_customer WHERE cid IN ({scope_sql}))"  # noqa: S608
    params = [*head_params, *scope_params]
    sums = ", ".join(f"COALESCE(SUM({key}), 0)" for key in BUCKET_KEYS)
    with connection.cursor() as cursor:
        cursor.execute(f"{scoped} SELECT {sums}, COUNT(*) FROM scoped", params)  # noqa: S608
        *fen, count = cursor.fetchone()
    totals = AgingRow(
        key="total",
        name=_("Total"),
        **{key: from_fen(value) for key, value in zip(BUCKET_KEYS, fen, strict=True)},
    )
    totals.health = health(totals)
    owner = f"COALESCE(NULLIF(u.display_name, ''), NULLIF(u.username, ''), '{POOL}')"
    columns = ", ".join(f"c.{key}" for key in BUCKET_KEYS)
    total = " + ".join(f"c.{key}" for key in BUCKET_KEYS)
    rows_sql = (
        f"{scoped} SELECT c.cid, c.name, {owner}, {columns} FROM scoped c "  # noqa: S608
        f"LEFT JOIN {users} u ON u.id = c.owner_id "
        f"ORDER BY {total} DESC, c.name {_collate()}, c.cid"
    )
    customers = CustomerRows(rows_sql, params, count, health)

    amounts = [getattr(totals, bucket.key) for bucket in buckets]
    labels = _labels(buckets)
    bucket_rows = [
        {"key": bucket.key, "label": label, "amount": amount, "share": totals.share(amount)}
        for bucket, label, amount in zip(buckets, labels, amounts, strict=True)
    ]
    trend = _trend(request, customers_qs)
    title = _("Aging on %(day)s") % {"day": as_of.isoformat()}
    bucket_chart = charts.bar(
        title=title,
        labels=labels,
        series=[charts.Series(_("Outstanding"), amounts)],
        unit="yuan",
    )
    trend_chart = charts.line(
        title=_("Outstanding from the nightly snapshots"),
        labels=[point["as_of"].strftime("%m-%d") for point in trend],
        series=[
            charts.Series(_("Outstanding"), [point["total"] for point in trend]),
            charts.Series(_("Over 90 days"), [point["late"] for point in trend]),
        ],
        unit="yuan",
    )
    return {
        "as_of": as_of,
        "buckets": bucket_rows,
        "totals": totals,
        "overdue": totals.total - totals.not_due,
        "customer_count": count,
        "customers": customers,
        "page_rows": PAGE_ROWS,
        "trend": trend,
        "bucket_chart": bucket_chart,
        "trend_chart": trend_chart,
        "healthy_share": settings.healthy_first_bucket_share,
        "alarm_share": settings.alarm_last_bucket_share,
    }
