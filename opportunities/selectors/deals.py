"""Reads of deals, always through visible_to: the list with its filters, one deal with its
checklist, contacts and timeline, the board, and the people a page may narrow to."""

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.db.models import Count, QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone

from customers.models import Contact
from opportunities.models import (
    COLLECTED_LEVEL,
    ChecklistItem,
    DealContact,
    FunnelStage,
    Opportunity,
)
from opportunities.rules import metrics
from salesops.accounts.models import User

ZERO = Decimal("0.00")


def opportunity_list(*, user) -> QuerySet[Opportunity]:
    return Opportunity.objects.visible_to(user).select_related(
        "customer", "owner", "stage", "lost_reason"
    )


def customer_deals(*, user, customer) -> QuerySet[Opportunity]:
    """A customer's deals that `user` sees (the customer page's list)."""
    return opportunity_list(user=user).filter(customer=customer)


def opportunity_get(*, user, pk: int) -> Opportunity:
    return get_object_or_404(opportunity_list(user=user), pk=pk)


def opportunity_search(
    *, user, status: str, level: int | None = None, q: str = ""
) -> tuple[QuerySet[Opportunity], dict]:
    """The list page: deals of one status, optionally at one level and matching `q` in the
    deal's or the customer's name, highest level first; and their summed amount."""
    qs = opportunity_list(user=user).with_status(status)
    if level is not None:
        qs = qs.at_level(level)
    if q:
        qs = qs.filter(name__icontains=q) | qs.filter(customer__name__icontains=q)
    totals = qs.aggregate(amount=Sum("amount"))
    return qs.order_by("-stage__level", "expected_close", "pk"), totals


def owner_choice(*, user, username: str) -> User | None:
    """The person a page narrows to by username, if `user` may see them; None otherwise."""
    if not username:
        return None
    return User.objects.visible_to(user).filter(username=username).first()


def stages() -> list[FunnelStage]:
    return list(FunnelStage.objects.all())


def checklist_by_level(opportunity: Opportunity) -> list[tuple[FunnelStage, list[tuple]]]:
    """[(stage, [(item, ticked), ...]), ...] for levels 1-5 (level 6 is set by collection)."""
    ticked = set(opportunity.ticks.values_list("item_id", flat=True))
    items = ChecklistItem.objects.filter(
        active=True, stage__level__lt=COLLECTED_LEVEL
    ).select_related("stage")
    grouped: dict[int, tuple[FunnelStage, list]] = {}
    for item in items:
        grouped.setdefault(item.stage.level, (item.stage, []))[1].append((item, item.pk in ticked))
    return [grouped[level] for level in sorted(grouped)]


def deal_contacts(*, opportunity: Opportunity) -> QuerySet[DealContact]:
    return opportunity.deal_contacts.select_related("contact")


def deal_contact_person(*, opportunity: Opportunity, pk: int) -> Contact:
    """One contact of the deal's customer (the deal is already in the user's scope)."""
    return get_object_or_404(Contact.objects.filter(customer_id=opportunity.customer_id), pk=pk)


def timeline(*, opportunity: Opportunity) -> list[tuple]:
    """Stage changes and follow-ups about the deal, newest first, as (when, kind, object)."""
    changes = opportunity.stage_changes.select_related("changed_by")
    followups = opportunity.followups.select_related("author", "contact")
    items = [(c.changed_at, "stage", c) for c in changes]
    items += [(f.occurred_at, "followup", f) for f in followups]
    return sorted(items, key=lambda item: item[0], reverse=True)


@dataclass
class BoardColumn:
    """One level on the board: its cards and, for the column header, their count, amount
    and weighted amount (amount × the level's win probability; collected deals count whole)."""

    stage: FunnelStage
    deals: list[Opportunity] = field(default_factory=list)
    count: int = 0
    amount: Decimal = ZERO
    weighted: Decimal = ZERO


# Won deals stay on the board's level-6 column this long after they were collected.
BOARD_RECENT_DAYS = 30


def board(*, user, owner=None) -> list[BoardColumn]:
    """Open deals by level 1-5, then those collected in the last 30 days (level 6)."""
    qs = opportunity_list(user=user)
    if owner is not None:
        qs = qs.filter(owner=owner)
    recent = timezone.now() - timedelta(days=BOARD_RECENT_DAYS)
    qs = qs.open_or_won_since(recent)
    deals = list(qs.order_by("expected_close", "pk"))
    sums = {
        row["stage_id"]: row
        for row in qs.order_by().values("stage_id").annotate(n=Count("pk"), total=Sum("amount"))
    }
    columns = []
    for stage in stages():
        row = sums.get(stage.pk, {"n": 0, "total": ZERO})
        amount = row["total"] or ZERO
        columns.append(
            BoardColumn(
                stage=stage,
                deals=[d for d in deals if d.stage_id == stage.pk],
                count=row["n"],
                amount=amount,
                weighted=amount
                if stage.level == COLLECTED_LEVEL
                else metrics.weighted(amount, stage.win_probability),
            )
        )
    return columns


def customer_open_deals(*, customer) -> QuerySet[Opportunity]:
    """The open deals of a customer the caller already fetched within the user's scope (a deal is
    visible to whoever sees its customer): what a follow-up may be about."""
    return Opportunity.objects.filter(customer=customer).open()
