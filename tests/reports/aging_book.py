"""A hand-made book for the aging report's tests: what each customer owed on 2026-11-30.

    customer      owner     receivables (issued 2026-07-01)              owed on 30 Nov
    甲 (A)        rep1      1,000 due 12-10; 2,000 due 11-15, 500 paid    not due 1,000; 1-30 1,500
                            11-20 (oldest first)
    乙 (B)        rep1      3,000 due 10-15; 3,000 paid 12-01 (after)     31-60 3,000
    丙 (C)        rep2      4,000 due 08-01                               90+ 4,000
    丁 (D)        rep3      5,000 due 09-15                               61-90 5,000
    戊 (E)        manager1  500 due 12-31                                 not due 500

Snapshots of 28, 29 and 30 November for 甲 and 乙 (rep1) and of 30 November for 丁 (rep3).
"""

from datetime import date
from decimal import Decimal

from receivables.models import AgingSnapshot
from receivables.services import payment_record, receivable_create
from tests.factories import CustomerFactory, RegionFactory

D = Decimal
ISSUED = date(2026, 7, 1)
AS_OF = date(2026, 11, 30)


def make_aging_book(org) -> dict:
    east, north = RegionFactory(name="华东"), RegionFactory(name="华北")
    spec = [
        ("甲", "rep1", east, "A", [("1000", date(2026, 12, 10)), ("2000", date(2026, 11, 15))]),
        ("乙", "rep1", north, "B", [("3000", date(2026, 10, 15))]),
        ("丙", "rep2", east, "A", [("4000", date(2026, 8, 1))]),
        ("丁", "rep3", north, "C", [("5000", date(2026, 9, 15))]),
        ("戊", "manager1", east, "A", [("500", date(2026, 12, 31))]),
    ]
    made = {"east": east, "north": north}
    for name, owner, region, tier, items in spec:
        customer = CustomerFactory(
            name=f"{name}客户有限公司", owner=org[owner], region=region, tier=tier
        )
        made[name] = customer
        for index, (amount, due) in enumerate(items):
            receivable_create(
                actor=org["finance1"],
                customer=customer,
                number=f"AG-{customer.pk}-{index}",
                issue_date=ISSUED,
                due_date=due,
                amount=D(amount),
            )
    payment_record(
        actor=org["finance1"],
        customer=made["甲"],
        date=date(2026, 11, 20),
        amount=D("500"),
        method="cash",
    )
    payment_record(
        actor=org["finance1"],
        customer=made["乙"],
        date=date(2026, 12, 1),
        amount=D("3000"),
        method="cash",
    )
    for day, a_total, b_total in [(28, "2600", "3000"), (29, "2550", "3000"), (30, "2500", "3000")]:
        AgingSnapshot.objects.create(
            customer=made["甲"], as_of=date(2026, 11, day), total=D(a_total), b1=D(a_total)
        )
        AgingSnapshot.objects.create(
            customer=made["乙"], as_of=date(2026, 11, day), total=D(b_total), b4=D(b_total)
        )
    AgingSnapshot.objects.create(customer=made["丁"], as_of=AS_OF, total=D("5000"), b3=D("5000"))
    return made
