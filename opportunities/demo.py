"""Demo opportunities for seed_demo: deals at every level with stage history spread over the last
months, some lost with reasons and competitors, a few collected, plus quarterly and yearly
targets for every seller. Deterministic and idempotent (a customer with deals is skipped)."""

import random
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from customers.models import Customer
from opportunities.models import ChecklistItem, LostReason, Opportunity, SalesTarget
from opportunities.rules.periods import period_bounds
from opportunities.services.contacts import deal_contact_set
from opportunities.services.deals import opportunity_create, opportunity_mark_lost
from opportunities.services.stages import (
    opportunity_mark_collected,
    opportunity_move,
    opportunity_tick,
)
from opportunities.services.targets import target_set
from salesops.accounts.models import User

PRODUCTS = [
    "产线自动化改造",
    "年度备件采购",
    "智能仓储系统",
    "节能改造项目",
    "设备升级二期",
    "MES 系统实施",
    "年度维保合同",
    "新厂房配套设备",
]
COMPETITORS = ["西门子", "施耐德", "汇川技术", "本地厂商", "ABB"]
# Final level of each demo deal: spread over the funnel, some lost (0), some collected (6).
OUTCOMES = [1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 0, 0]


@transaction.atomic
def seed_opportunities(*, today=None) -> int:
    today = today or timezone.localdate()
    tz = timezone.get_current_timezone()
    items_by_level: dict[int, list[int]] = {}
    for item in ChecklistItem.objects.filter(active=True).select_related("stage"):
        items_by_level.setdefault(item.stage.level, []).append(item.pk)
    reasons = list(LostReason.objects.all())
    created = 0
    customers = (
        Customer.objects.owned()
        .filter(opportunities__isnull=True)
        .prefetch_related("contacts")
        .select_related("owner")
        .order_by("name")
    )
    for customer in customers:
        rng = random.Random(f"opp-{customer.name}")  # noqa: S311 - demo data
        if rng.random() < 0.25:
            continue  # not every customer has a deal
        owner = customer.owner
        start_day = today - timedelta(days=rng.randint(20, 150))
        moment = timezone.make_aware(datetime.combine(start_day, time(10)), tz)
        outcome = rng.choice(OUTCOMES)
        deal = opportunity_create(
            actor=owner,
            customer=customer,
            now=moment,
            name=f"{customer.name[:6]}·{rng.choice(PRODUCTS)}",
            amount=Decimal(rng.randrange(50_000, 3_000_000, 10_000)),
            expected_close=today + timedelta(days=rng.randint(-10, 45)),
            source=rng.choice(["customer", "referral", "exhibition", "tender"]),
        )
        created += 1
        contacts = list(customer.contacts.all())
        if contacts:
            deal_contact_set(
                actor=owner,
                opportunity=deal,
                contact=contacts[0],
                role="decision_maker",
                is_primary=True,
            )
        target_level = 5 if outcome == 6 else (outcome or rng.randint(1, 4))
        ticked: set[int] = set(items_by_level.get(1, []))
        for level in range(2, target_level + 1):
            if not contacts:
                break
            moment += timedelta(days=rng.randint(5, 20), hours=rng.randint(0, 6))
            if moment.date() >= today:
                break
            ticked |= set(items_by_level.get(level, []))
            opportunity_tick(actor=owner, opportunity=deal, item_ids=ticked, now=moment)
            deal = opportunity_move(actor=owner, opportunity=deal, to_level=level, now=moment)
        if outcome == 0:
            moment += timedelta(days=rng.randint(3, 15))
            opportunity_mark_lost(
                actor=owner,
                opportunity=deal,
                reason=rng.choice(reasons),
                competitor=rng.choice(COMPETITORS),
                now=min(moment, timezone.now()),
            )
        elif outcome == 6 and deal.stage.level == 5:
            moment += timedelta(days=rng.randint(10, 30))
            opportunity_mark_collected(opportunity=deal, now=min(moment, timezone.now()))
    _seed_targets(today)
    return created


def _seed_targets(today) -> None:
    admin = User.objects.get(username="admin")
    sellers = User.objects.filter(groups__name__in=["rep", "manager"]).distinct()
    for seller in sellers:
        for period, base in (("quarter", 3_000_000), ("year", 12_000_000)):
            start, _end = period_bounds(period, today)
            if SalesTarget.objects.filter(owner=seller, period=period, period_start=start).exists():
                continue
            scale = Decimal("0.5") if seller.groups.filter(name="manager").exists() else Decimal(1)
            target_set(
                actor=admin,
                owner=seller,
                period=period,
                period_start=start,
                sales_target=Decimal(base) * scale,
                margin_target=Decimal(base) * scale * Decimal("0.3"),
                collection_target=Decimal(base) * scale * Decimal("0.9"),
            )


def demo_summary() -> dict[str, int]:
    return {
        "opportunities": Opportunity.objects.count(),
        "targets": SalesTarget.objects.count(),
    }
