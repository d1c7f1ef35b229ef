"""Reads of receivables, scoped by visible_to: balances as of a date, aging grouped four ways,
the collection list (the KPIs are in kpi_selectors.py). Bucket totals are computed from the same
per-receivable balances as the outstanding total, so they always add up."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import (
    CharField,
    DecimalField,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from customers.models import Contact, FollowUp
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
from salesops.accounts.models import Team
from salesops.core.localized import localized

ZERO = Decimal("0.00")
MONEY_FIELD = DecimalField(max_digits=14, decimal_places=2)
GROUPS = ("customer", "owner", "team", "region")


def owner_team(path: str = "customer__owner", field: str = "pk"):
    """The team (its `field`: pk or name) a record's owner sells in: the team they are a member
    of, else the team they lead (first by name), so a manager's own customers count in the
    manager's team."""
    led = Team.objects.filter(manager=OuterRef(path)).order_by("name", "pk").values(field)[:1]
    member = F(f"{path}__team") if field == "pk" else F(f"{path}__team__{field}")
    output = IntegerField() if field == "pk" else CharField()
    return Coalesce(member, Subquery(led), output_field=output)


def scoped_receivables(user):
    """visible_to(user); user=None is the system itself (scheduled jobs) and sees everything."""
    return Receivable.objects.all() if user is None else Receivable.objects.visible_to(user)


def collected_by(on: date):
    """An annotation: what a receivable had collected by `on` (allocations of payments dated by
    then, reversed ones out). What opening balances had paid before go-live counts as collected
    all along."""
    collected = (
        Allocation.objects.filter(
            receivable=OuterRef("pk"), reversed_at__isnull=True, payment__date__lte=on
        )
        .values("receivable")
        .annotate(total=Sum("amount"))
        .values("total")[:1]
    )
    return F("opening_paid") + Coalesce(Subquery(collected), Value(ZERO), output_field=MONEY_FIELD)


def receivables_as_of(*, user, as_of: date):
    """Receivables issued by `as_of`, annotated with what was collected and written off by then.
    Voided payments count as never received."""
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
            collected_as_of=collected_by(as_of),
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


def _rate(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    return (numerator / denominator).quantize(Decimal("0.0001")) if denominator else None


def customer_money(*, customer, as_of: date) -> dict:
    """For the customer page: open receivables, recent payments, escalations, credit status."""
    receivables = list(customer.receivables.order_by("due_date", "pk"))
    open_items = [r for r in receivables if r.balance > 0]
    overdue = sum((r.balance for r in open_items if r.due_date < as_of), ZERO)
    open_total = sum((r.balance for r in open_items), ZERO)
    settings = ReceivableSettings.load()
    return {
        "open_receivables": open_items,
        "open_total": open_total,
        "overdue_total": overdue,
        "credit_warning": credit_warning_due(
            outstanding=open_total,
            credit_limit=customer.credit_limit,
            share=settings.credit_warning_share,
        ),
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


def credit_warning_due(*, outstanding: Decimal, credit_limit: Decimal, share: Decimal) -> bool:
    """单一客户累计欠款 over the share of the credit limit: strictly more ("exceeds"), and never
    for a customer without a limit."""
    return bool(credit_limit) and outstanding > credit_limit * share


def outstanding_by_customer(*, as_of: date, customers=None) -> dict[int, Decimal]:
    """Each customer's total outstanding on `as_of` (单一客户累计欠款): every receivable issued by
    then, due or not, less what was collected (valid payments dated by then, and what was paid
    before go-live) and written off by then. Three grouped queries whatever the size."""
    issued = Receivable.objects.filter(issue_date__lte=as_of)
    if customers is not None:
        issued = issued.filter(customer__in=customers)
    totals = {
        row["customer"]: row["amount"] - row["opening"]
        for row in issued.values("customer").annotate(
            amount=Sum("amount"), opening=Sum("opening_paid")
        )
    }
    collected = (
        Allocation.objects.filter(
            receivable__in=issued, reversed_at__isnull=True, payment__date__lte=as_of
        )
        .values_list("receivable__customer")
        .annotate(total=Sum("amount"))
    )
    written = (
        WriteOff.objects.filter(receivable__in=issued, date__lte=as_of)
        .values_list("receivable__customer")
        .annotate(total=Sum("amount"))
    )
    for customer_id, total in [*collected, *written]:
        totals[customer_id] -= total
    return {customer_id: total for customer_id, total in totals.items() if total > 0}


def flagged_groups(*, as_of: date, group_ids=None) -> set[int]:
    """连坐: the customer groups with a member owing an overdue receivable on `as_of` (the seed:
    集团子公司任一成员出现逾期). ReceivableSettings.group_flag_level may raise the trigger to items
    that have reached a later step's days overdue. One query (two with a trigger step)."""
    settings = ReceivableSettings.load()
    min_days = 1
    if settings.group_flag_level_id is not None:
        min_days = EscalationLevel.objects.get(pk=settings.group_flag_level_id).from_days
    qs = (
        receivables_as_of(user=None, as_of=as_of)
        .filter(customer__group__isnull=False, due_date__lte=as_of - timedelta(days=min_days))
        .filter(amount__gt=F("collected_as_of") + F("written_off_as_of"))
    )
    if group_ids is not None:
        qs = qs.filter(customer__group_id__in=group_ids)
    return set(qs.values_list("customer__group_id", flat=True).distinct())


def group_flagged(*, customer, as_of: date) -> bool:
    """Whether the customer's group is flagged on `as_of`: then every member is, and new orders
    for any of them need a manager's approval."""
    if customer.group_id is None:
        return False
    return customer.group_id in flagged_groups(as_of=as_of, group_ids=[customer.group_id])


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
