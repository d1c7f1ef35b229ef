"""The aging report (账龄) grouped four ways, and its 30-day trend from the nightly snapshots.
Bucket totals are computed from the same per-receivable balances as the outstanding total, so
they always add up."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Sum

from receivables.models import AgingSnapshot, ReceivableSettings
from receivables.rules import aging
from receivables.selectors.balances import ZERO, owner_team, receivables_as_of
from salesops.core.localized import localized

GROUPS = ("customer", "owner", "team", "region")


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
    as_of: date
    group_by: str
    buckets: list[aging.Bucket]
    rows: list[AgingRow]
    totals: AgingRow
    healthy_share: Decimal
    alarm_share: Decimal
    flags: dict[str, list[str]] = field(default_factory=dict)

    def is_unhealthy(self, row: AgingRow) -> bool:
        share = row.within_terms_share
        return share is not None and share < self.healthy_share

    def is_alarm(self, row: AgingRow) -> bool:
        share = row.last_bucket_share
        return share is not None and share > self.alarm_share


def aging_report(*, user, as_of: date, group_by: str = "customer") -> Aging:
    """Outstanding balances on `as_of` by days past due, grouped by customer, owner, team or
    region. Two queries whatever the number of receivables."""
    settings = ReceivableSettings.load()
    group_by = group_by if group_by in GROUPS else "customer"
    rows: dict[str, AgingRow] = {}
    totals = AgingRow(key="total", name="合计")
    qs = receivables_as_of(user=user, as_of=as_of).values(
        "amount",
        "due_date",
        "issue_date",
        "collected_as_of",
        "written_off_as_of",
        "customer_id",
        "customer__name",
        "customer__owner__username",
        "customer__owner__display_name",
        team_key=owner_team(),
        team_name=owner_team(field="name"),
        region=localized("customer__region__name"),
    )
    for item in qs.iterator(chunk_size=2000):
        balance = item["amount"] - item["collected_as_of"] - item["written_off_as_of"]
        if balance <= 0:
            continue
        start = item["due_date"] if settings.basis == "due" else item["issue_date"]
        days = aging.days_overdue(due=start, as_of=as_of)
        bucket = aging.bucket_for(days, settings.boundaries)
        owner = item["customer__owner__display_name"] or item["customer__owner__username"] or "公海"
        key, name = {
            "customer": (str(item["customer_id"]), item["customer__name"]),
            "owner": (item["customer__owner__username"] or "-", owner),
            "team": (
                str(item["team_key"]),
                item["team_name"] or "—",
            ),
            "region": (item["region"] or "-", item["region"] or "—"),
        }[group_by]
        row = rows.setdefault(key, AgingRow(key=key, name=name))
        if group_by == "customer":
            row.owner = owner
        row.add(bucket.key, balance)
        totals.add(bucket.key, balance)
    return Aging(
        as_of=as_of,
        group_by=group_by,
        buckets=aging.buckets(settings.boundaries),
        rows=sorted(rows.values(), key=lambda r: (-r.total, r.name)),
        totals=totals,
        healthy_share=settings.healthy_first_bucket_share,
        alarm_share=settings.alarm_last_bucket_share,
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
