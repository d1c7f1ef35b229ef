"""Hand-made rows for per's report tests: orders at a price and state, payments, stage moves."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from opportunities.models import StageChange
from orders.models import Order, Product
from orders.services.orders import LineInput, order_create
from receivables.services import payment_record, payment_void, receivable_create
from tests.factories import OpportunityFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


def product(sku="P-1", *, line="泵", price="100") -> Product:
    made, _new = Product.objects.get_or_create(
        sku=sku,
        defaults={"name": sku, "product_line": line, "list_price": Decimal(price)},
    )
    return made


def order(
    org,
    customer,
    *,
    day: date,
    amount: str,
    status: str = "confirmed",
    accepted_on: date | None = None,
    sku: str = "P-1",
    line: str = "泵",
    owner=None,
) -> Order:
    """An order of one line worth `amount` with tax, moved straight to `status` (the state
    machine is orders' own business; here only the figures matter)."""
    made = order_create(
        actor=org["admin"],
        customer=customer,
        delivery_date=day,
        order_date=day,
        lines=[
            LineInput(
                product=product(sku, line=line), quantity=Decimal(1), unit_price=Decimal(amount)
            )
        ],
    )
    Order.objects.filter(pk=made.pk).update(
        status=status, accepted_on=accepted_on, **({"owner": owner} if owner else {})
    )
    made.refresh_from_db()
    return made


def paid(org, customer, *, day: date, amount: str, owed: str | None = None, void=False):
    """A payment on `day`; with `owed`, first a receivable of that amount it is allocated to."""
    if owed:
        receivable_create(
            actor=org["finance1"],
            customer=customer,
            number=f"AR-{customer.pk}-{day}-{owed}",
            issue_date=date(2026, 1, 1),
            due_date=date(2026, 2, 1),
            amount=Decimal(owed),
        )
    payment = payment_record(
        actor=org["finance1"],
        customer=customer,
        date=day,
        amount=Decimal(amount),
        method="transfer",
        allocate=bool(owed) and not void,
    )
    if void:
        payment_void(actor=org["finance1"], payment=payment, reason="录错")
    return payment


def deal(customer, **kw):
    return OpportunityFactory(customer=customer, owner=customer.owner, **kw)


def move(deal_, kind: str, when: datetime, *, from_level=None, to_level=1) -> StageChange:
    return StageChange.objects.create(
        opportunity=deal_, kind=kind, from_level=from_level, to_level=to_level, changed_at=when
    )
