"""A small hand-made book for the home pages' tests, on 2026-11-23 (a Monday), Asia/Shanghai.

Team A (manager1): rep1 and rep2; team B (manager2): rep3. The figures each role must see are
worked out in tests/reports/test_home.py next to each assertion.
"""

import itertools
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from customers.models import Customer
from opportunities.models import FunnelStage, StageChange
from orders.models import Order
from receivables.services import payment_record, receivable_create
from tests.factories import CustomerFactory, FollowUpFactory, OpportunityFactory, SalesTargetFactory

AS_OF = date(2026, 11, 23)
SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=SHANGHAI)
_numbers = itertools.count(1)


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


def deal(customer, level: int, *, amount=100000, committed: date | None = None, owner=None):
    return OpportunityFactory(
        customer=customer,
        owner=owner or customer.owner,
        stage=FunnelStage.objects.get(level=level),
        amount=Decimal(amount),
        committed_at=at(committed) if committed else None,
    )


def order(customer, *, alert: str = ""):
    return Order.objects.create(
        number=f"SO-H{next(_numbers):05d}",
        customer=customer,
        owner=customer.owner,
        created_by=customer.owner,
        order_date=date(2026, 11, 1),
        delivery_date=date(2026, 12, 1),
        alert=alert,
        alert_reason="客户投诉" if alert else "",
    )


def make_book(org) -> dict:
    rep1, rep2, rep3, finance = org["rep1"], org["rep2"], org["rep3"], org["finance1"]
    c = {
        # rep1: follow-up overdue since 11-21 (R1 overdue, next step late, a promise on 11-25)
        "a": CustomerFactory(name="甲公司", owner=rep1, next_followup_due=date(2026, 11, 21)),
        # rep1: follow-up due today (R2 not yet due)
        "b": CustomerFactory(name="乙公司", owner=rep1, next_followup_due=AS_OF),
        # rep1: an on-site visit due on Thursday, this week
        "c": CustomerFactory(name="丙公司", owner=rep1, next_visit_due=date(2026, 11, 26)),
        # rep1: due after this week
        "d": CustomerFactory(name="丁公司", owner=rep1, next_followup_due=date(2026, 12, 10)),
        # rep2: overdue follow-up, on credit hold, R3 90+ overdue, an unallocated payment
        "e": CustomerFactory(
            name="戊公司",
            owner=rep2,
            next_followup_due=date(2026, 11, 20),
            credit_hold=True,
            credit_hold_since=at(date(2026, 11, 2)),
            credit_hold_reason="逾期",
        ),
        # rep3 (team B): on credit hold, R4 paid with 500 left over, R5 overdue 22 days
        "f": CustomerFactory(
            name="己公司",
            owner=rep3,
            next_followup_due=date(2026, 11, 1),
            credit_hold=True,
            credit_hold_since=at(date(2026, 11, 5)),
            credit_hold_reason="逾期",
        ),
    }

    # Next steps: one late (11-22) and one promised (11-25) on 甲, one done on 乙, one late of
    # rep2 on 戊 and one late of rep3 on 己.
    FollowUpFactory(customer=c["a"], next_step="催款", next_step_due=date(2026, 11, 22))
    FollowUpFactory(customer=c["a"], next_step="承诺付款", next_step_due=date(2026, 11, 25))
    FollowUpFactory(
        customer=c["b"],
        next_step="送样",
        next_step_due=date(2026, 11, 18),
        next_step_done_at=at(date(2026, 11, 19)),
    )
    FollowUpFactory(customer=c["e"], next_step="回访", next_step_due=date(2026, 11, 19))
    FollowUpFactory(customer=c["f"], next_step="回访", next_step_due=date(2026, 11, 10))
    # The follow-ups are logged now: put the customers' due dates back as the book says.
    for customer in c.values():
        Customer.objects.filter(pk=customer.pk).update(
            next_followup_due=customer.next_followup_due, next_visit_due=customer.next_visit_due
        )

    # Money. R1 1,000 due 11-13 less 400 paid on 11-15; R2 500 due 11-28; R3 700 due 08-01;
    # R4 2,000 due 10-01 paid by a payment of 2,500 on 11-21 (500 left); R5 900 due 11-01.
    def receivable(customer, amount, issued, due):
        return receivable_create(
            actor=finance,
            customer=customer,
            number=f"YS-{next(_numbers):05d}",
            issue_date=issued,
            due_date=due,
            amount=Decimal(amount),
        )

    receivable(c["a"], 1000, date(2026, 10, 14), date(2026, 11, 13))
    receivable(c["b"], 500, date(2026, 11, 1), date(2026, 11, 28))
    receivable(c["e"], 700, date(2026, 7, 1), date(2026, 8, 1))
    receivable(c["f"], 2000, date(2026, 9, 1), date(2026, 10, 1))
    receivable(c["f"], 900, date(2026, 10, 1), date(2026, 11, 1))
    payment_record(
        actor=finance, customer=c["a"], date=date(2026, 11, 15), amount=Decimal(400), method="cash"
    )
    payment_record(
        actor=finance,
        customer=c["e"],
        date=date(2026, 11, 20),
        amount=Decimal(300),
        method="transfer",
        allocate=False,
    )
    payment_record(
        actor=finance,
        customer=c["f"],
        date=date(2026, 11, 21),
        amount=Decimal(2500),
        method="transfer",
        allocate=False,
    )
    # 2,000 of the 2,500 to R4 only (R5 stays overdue): allocated by hand.
    from receivables.models import Payment, Receivable
    from receivables.services import AllocationRequest, payment_allocate

    payment_allocate(
        actor=finance,
        payment=Payment.objects.get(customer=c["f"]),
        requests=[
            AllocationRequest(
                receivable=Receivable.objects.get(customer=c["f"], amount=2000),
                amount=Decimal(2000),
            )
        ],
    )

    # Deals: rep1 two at level 1, one at 3, two at 5 (committed 11-10 for 50,000, 10-20 for
    # 80,000); rep2 one at 2 and one at 5 (committed 11-05 for 30,000); rep3 one at 1.
    deals = {
        "d1": deal(c["a"], 1),
        "d2": deal(c["b"], 1),
        "d3": deal(c["a"], 3),
        "d4": deal(c["b"], 5, amount=50000, committed=date(2026, 11, 10)),
        "d5": deal(c["b"], 5, amount=80000, committed=date(2026, 10, 20)),
        "d6": deal(c["e"], 2),
        "d7": deal(c["e"], 5, amount=30000, committed=date(2026, 11, 5)),
        "d8": deal(c["f"], 1),
    }
    # The week's movement: d1 created (→1), d3 up 2→3, d6 back 3→2; d4's 4→5 ten days ago is
    # outside the week; rep3's d8 created is outside manager1's scope.
    for key, kind, from_level, to_level, days in [
        ("d1", "created", None, 1, 1),
        ("d3", "advanced", 2, 3, 2),
        ("d6", "moved_back", 3, 2, 3),
        ("d4", "advanced", 4, 5, 10),
        ("d8", "created", None, 1, 1),
    ]:
        StageChange.objects.create(
            opportunity=deals[key],
            kind=kind,
            from_level=from_level,
            to_level=to_level,
            changed_at=NOW - timedelta(days=days),
        )

    # Targets of November: rep1 200,000, rep2 100,000, rep3 50,000; rep1's quarter is ignored.
    for rep, amount in ((rep1, 200000), (rep2, 100000), (rep3, 50000)):
        SalesTargetFactory(
            owner=rep, period="month", period_start=date(2026, 11, 1), sales_target=amount
        )
    SalesTargetFactory(
        owner=rep1, period="quarter", period_start=date(2026, 10, 1), sales_target=900000
    )

    # Orders: red on 甲 (rep1), yellow on 乙, red on 己 (rep3, team B).
    order(c["a"], alert="red")
    order(c["b"], alert="yellow")
    order(c["f"], alert="red")
    return c
