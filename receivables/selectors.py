"""Reads of receivables, scoped by visible_to: balances as of a date, aging grouped four ways,
the collection list, KPIs. Bucket totals are computed from the same per-receivable balances as
the outstanding total, so they always add up."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import DecimalField, F, Max, Min, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from customers.models import Contact, FollowUp
from customers.selectors import tier_labels
from receivables import aging
from receivables.models import (
    AgingSnapshot,
    Allocation,
    EscalationEvent,
    EscalationLevel,
    Payment,
    Receivable,
    ReceivableSettings,
    WriteOff,
)
from salesops.core.localized import localized

ZERO = Decimal("0.00")
MONEY_FIELD = DecimalField(max_digits=14, decimal_places=2)
GROUPS = ("customer", "owner", "team", "region")


def scoped_receivables(user):
    """visible_to(user); user=None is the system itself (scheduled jobs) and sees everything."""
    return Receivable.objects.all() if user is None else Receivable.objects.visible_to(user)


def receivables_as_of(*, user, as_of: date):
    """Receivables issued by `as_of`, annotated with what was collected and written off by then.
    Voided payments count as never received."""
    collected = (
        Allocation.objects.filter(
            receivable=OuterRef("pk"), reversed_at__isnull=True, payment__date__lte=as_of
        )
        .values("receivable")
        .annotate(total=Sum("amount"))
        .values("total")[:1]
    )
    written = (
        WriteOff.objects.filter(receivable=OuterRef("pk"), date__lte=as_of)
        .values("receivable")
        .annotate(total=Sum("amount"))
        .values("total")[:1]
    )
    return (
        scoped_receivables(user)
        .filter(issue_date__lte=as_of)
        .annotate(
            # What was paid before go-live (opening balances) counts as collected all along.
            collected_as_of=F("opening_paid")
            + Coalesce(Subquery(collected), Value(ZERO), output_field=MONEY_FIELD),
            written_off_as_of=Coalesce(Subquery(written), Value(ZERO), output_field=MONEY_FIELD),
        )
    )


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
        "customer__owner__team_id",
        "customer__owner__team__name",
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
                str(item["customer__owner__team_id"]),
                item["customer__owner__team__name"] or "—",
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


@dataclass
class CollectionItem:
    receivable: Receivable
    days_overdue: int
    balance: Decimal
    level: str
    contact_name: str
    contact_phone: str
    last_followup: object
    promised_date: date | None


def collection_list(*, user, as_of: date, min_days: int = 1, owner=None) -> list[CollectionItem]:
    """催收清单: open receivables at least `min_days` overdue, most overdue first. Four queries
    (items, contacts, escalation steps, follow-up dates), grouped rather than per row."""
    qs = (
        Receivable.objects.visible_to(user)
        .overdue(as_of - timedelta(days=min_days - 1))
        .select_related("customer", "customer__owner")
        .order_by("due_date", "pk")
    )
    if owner is not None:
        qs = qs.filter(customer__owner=owner)
    receivables = list(qs)
    in_scope = qs.values("pk")

    contacts: dict[int, list] = defaultdict(list)
    for contact in Contact.objects.filter(customer_id__in=qs.values("customer_id")).order_by("pk"):
        contacts[contact.customer_id].append(contact)
    levels: dict[int, tuple[int, str]] = {}
    for receivable_id, from_days, name in EscalationEvent.objects.filter(
        receivable__in=in_scope
    ).values_list("receivable_id", "level__from_days", localized("level__name")):
        if from_days > levels.get(receivable_id, (-1, ""))[0]:
            levels[receivable_id] = (from_days, name)
    followups = FollowUp.objects.filter(customer_id__in=qs.values("customer_id"))
    last_contact = dict(
        followups.values("customer_id")
        .annotate(last=Max("occurred_at"))
        .values_list("customer_id", "last")
    )
    promised = dict(
        followups.filter(next_step_due__gte=as_of, next_step_done_at__isnull=True)
        .values("customer_id")
        .annotate(first=Min("next_step_due"))
        .values_list("customer_id", "first")
    )
    items = []
    for receivable in receivables:
        people = contacts.get(receivable.customer_id, [])
        contact = next((c for c in people if c.decision_role == "purchaser"), None) or (
            people[0] if people else None
        )
        items.append(
            CollectionItem(
                receivable=receivable,
                days_overdue=aging.days_overdue(due=receivable.due_date, as_of=as_of),
                balance=receivable.balance,
                level=levels.get(receivable.pk, (0, ""))[1],
                contact_name=contact.name if contact else "",
                contact_phone=(contact.mobile or contact.phone)
                if contact
                else receivable.customer.phone,
                last_followup=last_contact.get(receivable.customer_id),
                promised_date=promised.get(receivable.customer_id),
            )
        )
    return items


@dataclass
class Kpis:
    start: date
    end: date
    due_in_period: Decimal
    collected_in_period: Decimal
    collection_rate: Decimal | None
    sales: Decimal
    average_receivables: Decimal
    turnover: Decimal | None
    dso: Decimal | None
    dso_warning: bool
    written_off: Decimal
    bad_debt_rate: Decimal | None
    by_owner: list[dict]
    by_tier: list[dict]
    by_team: list[dict] = field(default_factory=list)
    normal_rate: Decimal = Decimal("0.85")

    @property
    def normal_percent(self) -> int:
        return int(self.normal_rate * 100)


# DOMAIN.md: collection rate normal ≥ 85 %; tier A ≥ 90 %, tier B 70–80 %, C gets a special plan.
TIER_THRESHOLDS = {"A": Decimal("0.90"), "B": Decimal("0.70")}


def _rate(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    return (numerator / denominator).quantize(Decimal("0.0001")) if denominator else None


def kpis(*, user, start: date, end: date) -> Kpis:
    """Collection rate = collected ÷ due in the period (of receivables due in it); turnover =
    sales (receivables issued in the period, annualised) ÷ average receivables; DSO = 365 ÷
    turnover; bad-debt rate = written off ÷ total receivables issued."""
    settings = ReceivableSettings.load()
    scoped = Receivable.objects.visible_to(user)
    due = scoped.filter(due_date__gte=start, due_date__lte=end)
    due_total = due.aggregate(t=Sum("amount"))["t"] or ZERO
    collected = (
        Allocation.objects.filter(
            receivable__in=due, reversed_at__isnull=True, payment__date__lte=end
        ).aggregate(t=Sum("amount"))["t"]
        or ZERO
    ) + (due.aggregate(t=Sum("opening_paid"))["t"] or ZERO)  # paid before go-live counts
    sales = (
        scoped.filter(issue_date__gte=start, issue_date__lte=end).aggregate(t=Sum("amount"))["t"]
        or ZERO
    )
    opening = _outstanding(user, start - timedelta(days=1))
    closing = _outstanding(user, end)
    average = ((opening + closing) / 2).quantize(Decimal("0.01"))
    days = (end - start).days + 1
    annual_sales = sales * Decimal(365) / Decimal(days)
    turnover = (annual_sales / average).quantize(Decimal("0.01")) if average else None
    dso = (Decimal(365) / turnover).quantize(Decimal("0.1")) if turnover else None
    # Bad-debt rate of the period: written off in it ÷ receivables issued in it, so periods can
    # be compared ("two rising periods in a row → review").
    written = (
        WriteOff.objects.filter(receivable__in=scoped, date__gte=start, date__lte=end).aggregate(
            t=Sum("amount")
        )["t"]
        or ZERO
    )
    total_issued = sales
    by_owner = _rates_by(
        due, end, "receivable__customer__owner__username", "customer__owner__username"
    )
    by_tier = _rates_by(due, end, "receivable__customer__tier", "customer__tier")
    tier_names = tier_labels()
    for row in by_tier:
        row["label"] = tier_names.get(row["key"], row["key"])
        row["threshold"] = TIER_THRESHOLDS.get(row["key"], settings.collection_rate_normal)
        row["below"] = row["rate"] is not None and row["rate"] < row["threshold"]
    by_team = _rates_by(
        due, end, "receivable__customer__owner__team__name", "customer__owner__team__name"
    )
    _add_targets(by_owner, scoped=scoped, start=start, end=end)
    for row in [*by_owner, *by_team]:
        row["below"] = row["rate"] is not None and row["rate"] < settings.collection_rate_normal
    return Kpis(
        start=start,
        end=end,
        due_in_period=due_total,
        collected_in_period=collected,
        collection_rate=_rate(collected, due_total),
        sales=sales,
        average_receivables=average,
        turnover=turnover,
        dso=dso,
        dso_warning=dso is not None and dso > Decimal("1.5") * settings.industry_dso_days,
        written_off=written,
        bad_debt_rate=_rate(written, total_issued),
        by_owner=by_owner,
        by_tier=by_tier,
        by_team=by_team,
        normal_rate=settings.collection_rate_normal,
    )


def _outstanding(user, as_of: date) -> Decimal:
    total = ZERO
    for item in receivables_as_of(user=user, as_of=as_of).values(
        "amount", "collected_as_of", "written_off_as_of"
    ):
        total += max(item["amount"] - item["collected_as_of"] - item["written_off_as_of"], ZERO)
    return total


def _add_targets(rows: list[dict], *, scoped, start: date, end: date) -> None:
    """Each owner's collection target (回款目标) for quarters starting in the period, and the
    money collected on their customers in the period (any receivable), for target achievement."""
    from opportunities.models import SalesTarget

    targets = dict(
        SalesTarget.objects.filter(
            owner__username__in=[r["key"] for r in rows],
            period="quarter",
            period_start__gte=start,
            period_start__lte=end,
        )
        .values_list("owner__username")
        .annotate(t=Sum("collection_target"))
    )
    collected = dict(
        Allocation.objects.filter(
            receivable__in=scoped,
            reversed_at__isnull=True,
            payment__date__gte=start,
            payment__date__lte=end,
        )
        .values_list("receivable__customer__owner__username")
        .annotate(t=Sum("amount"))
    )
    for row in rows:
        row["target"] = targets.get(row["key"])
        row["collected_in_period"] = collected.get(row["key"], ZERO)
        row["achievement"] = _rate(row["collected_in_period"], row["target"] or ZERO)


def _rates_by(due_qs, end: date, allocation_key: str, receivable_key: str) -> list[dict]:
    due = {
        row[receivable_key]: row["t"]
        for row in due_qs.values(receivable_key).annotate(t=Sum("amount"))
    }
    got = defaultdict(lambda: ZERO)
    for row in due_qs.values(receivable_key).annotate(t=Sum("opening_paid")):
        got[row[receivable_key]] += row["t"] or ZERO
    for row in (
        Allocation.objects.filter(
            receivable__in=due_qs, reversed_at__isnull=True, payment__date__lte=end
        )
        .values(allocation_key)
        .annotate(t=Sum("amount"))
    ):
        got[row[allocation_key]] += row["t"]
    return [
        {"key": key or "—", "due": amount, "collected": got[key], "rate": _rate(got[key], amount)}
        for key, amount in sorted(due.items(), key=lambda kv: str(kv[0]))
    ]


def customer_money(*, customer, as_of: date) -> dict:
    """For the customer page: open receivables, recent payments, escalations, credit status."""
    receivables = list(customer.receivables.order_by("due_date", "pk"))
    open_items = [r for r in receivables if r.balance > 0]
    overdue = sum((r.balance for r in open_items if r.due_date < as_of), ZERO)
    settings = ReceivableSettings.load()
    return {
        "open_receivables": open_items,
        "open_total": sum((r.balance for r in open_items), ZERO),
        "overdue_total": overdue,
        "credit_warning": bool(customer.credit_limit)
        and overdue > customer.credit_limit * settings.credit_warning_share,
        "payments": list(customer.payments.order_by("-date", "-pk")[:10]),
        "escalations": list(
            EscalationEvent.objects.filter(receivable__customer=customer).select_related(
                "level", "receivable"
            )[:10]
        ),
        "last_payment": Payment.objects.filter(customer=customer)
        .valid()
        .aggregate(d=Max("date"))["d"],
    }


def group_flagged(*, customer) -> bool:
    """连坐: when any member of the customer's group has an open receivable at the third step of
    the ladder or later, every member is flagged and new orders need a manager's approval."""
    if customer.group_id is None:
        return False
    third = EscalationLevel.objects.order_by("from_days").values_list("from_days", flat=True)[2:3]
    return EscalationEvent.objects.filter(
        receivable__customer__group_id=customer.group_id,
        level__from_days__gte=Subquery(third),
        receivable__amount__gt=F("receivable__allocated") + F("receivable__written_off"),
    ).exists()


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
