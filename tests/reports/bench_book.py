"""A small deterministic book for the benchmark smoke test (and for trying `manage.py bench` on
a database without the generated dataset): two teams, reps, pool customers, contacts, follow-ups,
deals with stage history and lost ones, targets, receivables with payments, voided payments
(their allocations reversed), opening balances, write-offs and one large customer for the
statement PDFs. Bulk-created: a few seconds."""

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth.models import Group

from customers.models import Contact, Customer, FollowUp
from opportunities.models import FunnelStage, LostReason, Opportunity, SalesTarget, StageChange
from receivables.models import Allocation, Payment, Receivable, WriteOff
from salesops.accounts.models import Team, User
from salesops.core.models import Region

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _moment(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=SHANGHAI)


def build_small_book(
    *, today: date, customers: int = 240, per_customer: int = 8, big: int = 25, seed: int = 1
):
    """Create the book (the first customer has `big` times the receivables); returns the users
    it made by role."""
    rng = random.Random(seed)
    region = Region.objects.order_by("pk").first() or Region.objects.create(name="华东")
    groups = {g.name: g for g in Group.objects.all()}

    def user(username, role, team=None):
        u = User.objects.create_user(username=username, password="bench-1234", team=team)
        u.groups.add(groups[role])
        return u

    admin = user("bench-admin", "admin")
    finance = user("bench-finance", "finance")
    managers = [user(f"bench-manager{i}", "manager") for i in range(2)]
    teams = [
        Team.objects.create(name=f"压测{i}部", manager=m, region=region)
        for i, m in enumerate(managers)
    ]
    reps = [user(f"bench-rep{i}", "rep", team=teams[i % 2]) for i in range(6)]
    owners = [*reps, managers[0]]
    now = _moment(today, 9)

    people = []
    for i in range(customers):
        pooled = i % 12 == 11
        people.append(
            Customer(
                name=f"压测客户{i:05d}有限公司",
                owner=None if pooled else owners[i % len(owners)],
                owner_since=None if pooled else now - timedelta(days=400),
                pool_since=now - timedelta(days=i % 30) if pooled else None,
                pool_team=teams[i % 2] if pooled else None,
                region=region,
                credit_limit=Decimal(200000 if i % 3 else 0),
                credit_rating="ABCD"[i % 4],
                payment_terms_days=(30, 60, 90)[i % 3],
                next_followup_due=today - timedelta(days=rng.randint(-10, 20)),
                phone=f"021{i:08d}",
            )
        )
    people = Customer.objects.bulk_create(people)
    Contact.objects.bulk_create(
        Contact(customer=c, name=f"联系人{c.pk}", decision_role="purchaser", mobile="13900000000")
        for c in people[::2]
    )
    FollowUp.objects.bulk_create(
        FollowUp(
            customer=c,
            author=c.owner,
            occurred_at=now - timedelta(days=rng.randint(1, 60)),
            logged_at=now,
            channel="phone",
            content="电话沟通回款",
            next_step="确认付款日期" if k == 0 else "",
            next_step_due=today + timedelta(days=5) if k == 0 else None,
        )
        for c in people
        if c.owner
        for k in range(2)
    )

    # Receivables, one customer (the first) with many more for the statement PDFs.
    biggest = people[0]
    receivables = []
    number = 0
    for c in people:
        count = per_customer * (big if c is biggest else 1)
        for _ in range(count):
            number += 1
            issued = today - timedelta(days=rng.randint(0, 500))
            opening = number % 17 == 0
            amount = Decimal(rng.randint(10, 500) * 100)
            receivables.append(
                Receivable(
                    customer=c,
                    number=f"AR-B{number:06d}",
                    issue_date=issued,
                    due_date=issued + timedelta(days=rng.choice([0, 30, 60, 90])),
                    amount=amount,
                    opening_paid=amount / 4 if opening else Decimal(0),
                    allocated=amount / 4 if opening else Decimal(0),
                    source="opening" if opening else "manual",
                )
            )
    receivables = Receivable.objects.bulk_create(receivables)

    payments, allocations = [], []
    for r in receivables:
        if rng.random() < 0.55:
            paid = r.amount - r.opening_paid if rng.random() < 0.6 else r.amount / 2
            day = min(r.issue_date + timedelta(days=rng.randint(0, 120)), today)
            voided = rng.random() < 0.08
            payments.append(
                Payment(
                    customer=r.customer,
                    date=day,
                    amount=paid + (Decimal(100) if rng.random() < 0.1 else 0),
                    allocated=Decimal(0) if voided else paid,
                    method="transfer",
                    recorded_by=finance,
                    voided_at=now if voided else None,
                    voided_by=finance if voided else None,
                    void_reason="录入错误" if voided else "",
                )
            )
            allocations.append((r, paid, voided, day))
    payments = Payment.objects.bulk_create(payments)
    Allocation.objects.bulk_create(
        Allocation(
            payment=p, receivable=r, amount=paid, created_by=finance,
            reversed_at=now if voided else None,
        )
        for p, (r, paid, voided, _day) in zip(payments, allocations, strict=True)
    )  # fmt: skip
    # settled_on: the ledger day the balance reached zero (the last money in, or the issue).
    last_day = {}
    for r, paid, voided, day in allocations:
        if not voided:
            r.allocated += paid
            last_day[r.pk] = max(day, last_day.get(r.pk, day))
    written = []
    for r in receivables[::23]:
        left = r.amount - r.allocated
        if left > 0:
            amount = (left / 2).quantize(Decimal("0.01"))
            day = min(r.due_date + timedelta(days=100), today)
            written.append(
                WriteOff(
                    receivable=r, amount=amount, date=max(day, r.issue_date), reason="无法收回",
                    written_off_by=finance,
                )
            )  # fmt: skip
            r.written_off += amount
            last_day[r.pk] = max(written[-1].date, last_day.get(r.pk, written[-1].date))
    WriteOff.objects.bulk_create(written)
    for r in receivables:
        if r.amount == r.allocated + r.written_off:
            r.settled_on = max(r.issue_date, last_day.get(r.pk, r.issue_date))
    Receivable.objects.bulk_update(
        receivables, ["allocated", "written_off", "settled_on"], batch_size=2000
    )

    # Deals with stage history: created at 1, moved up some levels, some lost.
    stages = {s.level: s for s in FunnelStage.objects.all()}
    reason = LostReason.objects.order_by("pk").first()
    deals, moves = [], []
    for i in range(customers * 2):
        c = people[i % customers]
        if c.owner is None:
            continue
        top = rng.randint(1, 6)
        lost = top < 5 and rng.random() < 0.2
        created = now - timedelta(days=rng.randint(30, 300))
        deals.append(
            Opportunity(
                customer=c,
                owner=c.owner,
                name=f"压测商机{i}",
                amount=Decimal(rng.randint(1, 100) * 1000),
                expected_close=today + timedelta(days=rng.randint(-30, 90)),
                stage=stages[top],
                status="lost" if lost else ("won" if top == 6 else "open"),
                lost_reason=reason if lost else None,
                created_at=created,
                committed_at=created + timedelta(days=20) if top >= 5 else None,
                closed_at=created + timedelta(days=25) if lost or top == 6 else None,
            )
        )
        moves.append((created, top, lost))
    deals = Opportunity.objects.bulk_create(deals)
    changes = []
    for deal, (created, top, lost) in zip(deals, moves, strict=True):
        when = created
        changes.append(StageChange(opportunity=deal, kind="created", to_level=1, changed_at=when))
        for level in range(2, top + 1):
            when += timedelta(days=rng.randint(1, 9), hours=rng.randint(0, 23))
            kind = "collected" if level == 6 else "advanced"
            changes.append(
                StageChange(
                    opportunity=deal, kind=kind, from_level=level - 1, to_level=level,
                    changed_at=when,
                )
            )  # fmt: skip
        if lost:
            changes.append(
                StageChange(
                    opportunity=deal, kind="lost", from_level=top, to_level=top,
                    changed_at=when + timedelta(days=2),
                )
            )  # fmt: skip
    StageChange.objects.bulk_create(changes)
    quarter_start = today.replace(month=3 * ((today.month - 1) // 3) + 1, day=1)
    SalesTarget.objects.bulk_create(
        SalesTarget(
            owner=o, period="quarter", period_start=quarter_start,
            sales_target=Decimal(500000), collection_target=Decimal(300000),
        )
        for o in owners
    )  # fmt: skip
    return {"admin": admin, "finance": finance, "managers": managers, "reps": reps}
