"""Trailing revenue and the quarterly re-tiering (动态分级): ABC(D) tiers by cumulative share of
trailing revenue, RAD types by share of wallet, a TierChange per change and one digest per owner.

Set-based: the revenue is one UPDATE, the ranking one INSERT … SELECT with window functions,
the customers move with one UPDATE per tier and RAD type, the digest is one windowed read;
the query count does not depend on the number of customers (docs/customers.md, "Quarterly
re-tiering"). The orders job refreshes the revenue from its orders first (orders/jobs.py).
"""

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial

from django.db import connection, transaction
from django.db.models import Count, F, OuterRef, QuerySet, Subquery, Sum, Value, Window
from django.db.models.functions import Coalesce, RowNumber
from django.urls import reverse
from django.utils import timezone

from customers import querysets
from customers.models import CrmSettings, Customer, RadType, RetierRun, TierChange, TierRule
from customers.rules.retier import (
    DigestLine,
    digest_body,
    digest_title,
    quarter_of,
    quarter_start,
    share_units,
)
from salesops.accounts.models import User
from salesops.core.services import notifications_send
from salesops.core.sql import advisory_lock_day

logger = logging.getLogger(__name__)
RETIER_LOCK = "customer_retier"
# Customers listed in one owner's digest; the rest are counted.
DIGEST_CUSTOMERS = 50


@transaction.atomic
def trailing_revenue_set(*, revenue: QuerySet) -> int:
    """Set every customer's trailing revenue from `revenue`, a query of (customer_id, revenue)
    rows (0 for a customer without a row), in one UPDATE that writes only the rows that change.
    Returns how many changed. No history rows: the figure is derived, recomputed each run."""
    new = Coalesce(
        Subquery(revenue.filter(customer_id=OuterRef("pk")).values("revenue")[:1]),
        Value(0),
        output_field=Customer._meta.get_field("trailing_revenue"),
    )
    return (
        Customer.objects.alias(new_revenue=new)
        .exclude(trailing_revenue=F("new_revenue"))
        .update(trailing_revenue=F("new_revenue"))
    )


def retier_lock(*, as_of: date) -> None:
    """Serialise re-tiering runs of `as_of`'s quarter (inside transaction.atomic): a second worker
    waits for the first, then finds the quarter's run and does nothing."""
    advisory_lock_day(RETIER_LOCK, quarter_start(as_of))


@dataclass(frozen=True)
class RetierResult:
    quarter: str
    as_of: date
    customers: int = 0
    # "A→B": how many customers, for the tiers and the RAD types that changed.
    tiers: dict[str, int] = field(default_factory=dict)
    rads: dict[str, int] = field(default_factory=dict)
    digests: int = 0
    revenue_updated: int = 0
    # Set when the quarter had been re-tiered already: that run's day; nothing was done.
    already: date | None = None

    def __str__(self) -> str:
        if self.already is not None:
            return (
                f"{self.quarter} was re-tiered already (run for {self.already.isoformat()}); "
                "nothing changed"
            )

        def listed(counts: dict[str, int]) -> str:
            return ", ".join(f"{move} {n}" for move, n in sorted(counts.items())) or "none"

        return (
            f"{self.quarter}: {self.customers} customers ranked, "
            f"{sum(self.tiers.values())} tier changes ({listed(self.tiers)}), "
            f"{sum(self.rads.values())} RAD changes ({listed(self.rads)}), "
            f"{self.digests} digests, {self.revenue_updated} revenues updated"
        )


@transaction.atomic
def customers_retier(
    *, as_of: date, revenue_on: date, job: str, now: datetime | None = None
) -> RetierResult:
    """Re-tier every customer for `as_of`'s quarter from its trailing revenue (to `revenue_on`),
    once per quarter: a run for a quarter already re-tiered changes nothing and says so."""
    retier_lock(as_of=as_of)
    quarter = quarter_of(as_of)
    done = RetierRun.objects.filter(quarter=quarter).first()
    if done is not None:
        return RetierResult(quarter=quarter, as_of=as_of, already=done.as_of)
    now = now or timezone.now()
    crm = CrmSettings.load()
    book = Customer.objects.aggregate(n=Count("pk"), total=Sum("trailing_revenue"))
    run = RetierRun.objects.create(
        quarter=quarter,
        as_of=as_of,
        revenue_on=revenue_on,
        job=job,
        customers=book["n"],
        total_revenue=book["total"] or 0,
        tier_a_share=crm.tier_a_share,
        tier_b_share=crm.tier_b_share,
        rad_retention_sow=crm.rad_retention_sow,
        rad_acquisition_sow=crm.rad_acquisition_sow,
        rad_acquisition_bp=crm.rad_acquisition_bp,
        at=now,
    )
    _record_changes(run, crm=crm, now=now)
    _customers_move(run, as_of=as_of, now=now)
    tiers, rads = _counts(run)
    digests = _digests_send(run)
    logger.info("re-tiering %s: %s tier, %s RAD changes", quarter, tiers, rads)
    return RetierResult(
        quarter=quarter,
        as_of=as_of,
        customers=run.customers,
        tiers=tiers,
        rads=rads,
        digests=digests,
    )


def _fen(column: str) -> str:
    """A money column in whole fen, exact: PostgreSQL keeps numeric; SQLite stores decimals as
    floats, so its fen are rounded to integers before any sum or comparison."""
    if connection.vendor == "postgresql":
        return f"ROUND({column} * 100)"
    return f"CAST(ROUND({column} * 100) AS INTEGER)"


def _record_changes(run: RetierRun, *, crm: CrmSettings, now: datetime) -> int:
    """One INSERT … SELECT: rank the book by trailing revenue (descending, then id: ties are
    decided by the older customer first), decide each customer's tier from the cumulative
    revenue of those ranked before it and its RAD type from its share of wallet, and insert a
    TierChange for each customer whose tier or RAD type changes. Nothing passes through Python.

    Shares are compared as whole ten-thousandths against whole fen (`before × 10000 < 8000 ×
    total`), so a boundary hit exactly (80.00%) falls the same way on PostgreSQL and SQLite.
    A locked tier is kept; its RAD type is still decided. No buying power (or 0): RAD D."""
    customers, changes = Customer._meta.db_table, TierChange._meta.db_table
    params = {
        "a": share_units(crm.tier_a_share),
        "ab": share_units(crm.tier_a_share + crm.tier_b_share),
        "r": share_units(crm.rad_retention_sow),
        "acq": share_units(crm.rad_acquisition_sow),
        "acq_bp": int(crm.rad_acquisition_bp * 100),
        "run": run.pk,
        "at": TierChange._meta.get_field("at").get_db_prep_value(now, connection),
    }
    sql = f"""
        WITH ranked AS (
            SELECT c.id, c.tier, c.rad_type, c.tier_locked, c.trailing_revenue, c.buying_power,
                   {_fen("c.trailing_revenue")} AS rev,
                   {_fen("c.buying_power")} AS bp,
                   SUM({_fen("c.trailing_revenue")}) OVER (
                       ORDER BY c.trailing_revenue DESC, c.id
                       ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
                   ) AS cumulative,
                   SUM({_fen("c.trailing_revenue")}) OVER () AS total
            FROM {customers} c
        ),
        decided AS (
            SELECT r.*, r.cumulative - r.rev AS ranked_before,
                   CASE WHEN r.tier_locked THEN r.tier
                        WHEN r.rev <= 0 THEN 'D'
                        WHEN (r.cumulative - r.rev) * 10000 < %(a)s * r.total THEN 'A'
                        WHEN (r.cumulative - r.rev) * 10000 < %(ab)s * r.total THEN 'B'
                        ELSE 'C' END AS new_tier,
                   CASE WHEN r.bp IS NULL OR r.bp <= 0 THEN 'D'
                        WHEN r.rev * 10000 >= %(r)s * r.bp THEN 'R'
                        WHEN r.rev * 10000 < %(acq)s * r.bp AND r.bp >= %(acq_bp)s THEN 'A'
                        ELSE 'D' END AS new_rad
            FROM ranked r
        )
        INSERT INTO {changes}
            (customer_id, run_id, from_tier, to_tier, from_rad, to_rad, revenue, share_before,
             buying_power, tier_locked, at)
        SELECT d.id, %(run)s, d.tier, d.new_tier, d.rad_type, d.new_rad, d.trailing_revenue,
               CASE WHEN d.total > 0 THEN d.ranked_before * 1.0 / d.total END,
               d.buying_power, d.tier_locked, %(at)s
        FROM decided d
        WHERE d.new_tier <> d.tier OR d.new_rad <> d.rad_type
        ORDER BY d.id
    """  # noqa: S608 - table names come from the models, every value is a parameter
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def _customers_move(run: RetierRun, *, as_of: date, now: datetime) -> None:
    """Give the customers of the run's changes their new tier (with that tier's follow-up and
    visit cadence, as an edit of the tier does) and RAD type: one UPDATE per tier and per RAD
    type, whatever the number of customers. Bulk updates write no history rows; the
    TierChange rows are the record."""
    changes = TierChange.objects.filter(run=run)
    for rule in TierRule.objects.all():
        moved = changes.filter(to_tier=rule.tier).exclude(from_tier=rule.tier)
        Customer.objects.filter(pk__in=moved.values("customer_id")).update(
            tier=rule.tier,
            next_followup_due=querysets.due_expression(
                last_field="last_followup_at",
                interval_days=rule.followup_interval_days,
                today=as_of,
            ),
            next_visit_due=querysets.due_expression(
                last_field="last_visit_at", interval_days=rule.visit_interval_days, today=as_of
            ),
            updated_at=now,
        )
    for rad in RadType.values:
        moved = changes.filter(to_rad=rad).exclude(from_rad=rad)
        Customer.objects.filter(pk__in=moved.values("customer_id")).update(
            rad_type=rad, updated_at=now
        )


def _counts(run: RetierRun) -> tuple[dict[str, int], dict[str, int]]:
    tiers, rads = Counter(), Counter()
    rows = (
        TierChange.objects.filter(run=run)
        .order_by()
        .values("from_tier", "to_tier", "from_rad", "to_rad")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        if row["from_tier"] != row["to_tier"]:
            tiers[f"{row['from_tier']}→{row['to_tier']}"] += row["n"]
        if row["from_rad"] != row["to_rad"]:
            rads[f"{row['from_rad']}→{row['to_rad']}"] += row["n"]
    return dict(tiers), dict(rads)


def _digests_send(run: RetierRun) -> int:
    """One notice per active owner whose customers changed: how many, and the first
    DIGEST_CUSTOMERS (new tier, then name) with from → to. One windowed read of the rows, one of
    the owners, bulk-created notices; the quarter's dedupe key keeps it to one digest."""
    owner = F("customer__owner_id")
    rows = (
        TierChange.objects.filter(run=run, customer__owner__is_active=True)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[owner],
                order_by=[F("to_tier").asc(), F("customer__name").asc(), F("pk").asc()],
            ),
            owner_total=Window(Count("pk"), partition_by=[owner]),
        )
        .filter(rank__lte=DIGEST_CUSTOMERS)
        .values(
            "from_tier",
            "to_tier",
            "from_rad",
            "to_rad",
            "owner_total",
            owner=owner,
            name=F("customer__name"),
        )
        .order_by("owner", "rank")
    )
    digests: dict[int, list[DigestLine]] = {}
    totals: dict[int, int] = {}
    for row in rows:
        totals[row["owner"]] = row["owner_total"]
        digests.setdefault(row["owner"], []).append(
            DigestLine(
                name=row["name"],
                from_tier=row["from_tier"],
                to_tier=row["to_tier"],
                from_rad=row["from_rad"],
                to_rad=row["to_rad"],
            )
        )
    if not digests:
        return 0
    owners = User.objects.in_bulk(digests)
    url = reverse("customer_list")
    notices = [
        {
            "recipient": owners[owner_id],
            "title": partial(digest_title, quarter=run.quarter, count=totals[owner_id]),
            "body": partial(digest_body, lines, more=totals[owner_id] - len(lines)),
            "url": url,
            "level": "info",
            "dedupe_key": f"retier-digest:{run.quarter}",
        }
        for owner_id, lines in digests.items()
    ]
    return notifications_send(notices)


def tier_change_record(*, customer: Customer, before: Customer, actor) -> TierChange | None:
    """A person's edit that changed the tier or the RAD type (customer_update): its TierChange.
    `before` is the customer as it was; None when neither changed."""
    if (before.tier, before.rad_type) == (customer.tier, customer.rad_type):
        return None
    return TierChange.objects.create(
        customer=customer,
        actor=actor,
        from_tier=before.tier,
        to_tier=customer.tier,
        from_rad=before.rad_type,
        to_rad=customer.rad_type,
        revenue=customer.trailing_revenue,
        buying_power=customer.buying_power,
        tier_locked=customer.tier_locked,
    )
