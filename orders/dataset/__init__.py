"""The benchmark book's products, orders and contracts (`generate_dataset`), by COPY without
history rows: 300,000 orders at S=1 over three years, at every status by age, with their lines,
events, alerts, and a contract (lines, three payment milestones) for half of the confirmed ones.

The orders accepted in the last 12 months add up, per customer, to roughly the trailing revenue
the customers loader gave it, so the quarterly re-tiering of this book keeps most tiers. The
milestones' receivables are not linked: the ledger loader generates the receivables on its own,
so the reached milestones carry their trigger and due days and no receivable.
"""

from datetime import date, timedelta

from customers.dataset import PRODUCTS, CustomerRow
from orders.dataset.contracts import UNITS, Contracts, half_up
from salesops.core.dataset import Load, Plan, allot, fetch, money, text

ORDER_WEIGHT = {"A": 10.0, "B": 5.0, "C": 2.0, "D": 0.6}
TAX_BP = 1300  # 13% VAT, in basis points
STEPS = ("confirmed", "production", "shipped", "delivered", "accepted", "closed")
# Target status by the order's age in days: (statuses, weights).
BY_AGE = (
    (30, ("draft", "confirmed", "production", "shipped", "cancelled"), (25, 25, 25, 15, 10)),
    (
        90,
        ("production", "shipped", "delivered", "accepted", "closed", "cancelled"),
        (15, 15, 20, 30, 10, 10),
    ),
    (10**6, ("delivered", "accepted", "closed", "cancelled"), (4, 8, 80, 8)),
)
ALERTS = (
    ("yellow", "交期可能延误：供应商部件晚到"),
    ("orange", "库存不足，需调拨"),
    ("red", "客户投诉：到货外箱破损"),
)


def counts(plan: Plan, customers: int) -> dict[str, int]:
    return {
        "products": plan.count(400, minimum=20),
        "orders": plan.count(300_000, minimum=customers),
    }


def line_fen(quantity: int, price_fen: int, discount_bp: int) -> tuple[int, int, int]:
    """(amount, net, tax) in fen, the rule of orders/rules/amounts.py: amount with tax to the fen,
    net = amount / 1.13 to the fen, tax the difference."""
    amount = half_up(quantity * price_fen * (10_000 - discount_bp), 10_000)
    net = half_up(amount * 10_000, 10_000 + TAX_BP)
    return amount, net, amount - net


def load(plan: Plan, people, customers: list[CustomerRow]) -> dict[str, int]:
    n = counts(plan, len(customers))
    today = plan.as_of
    load = Load(plan)
    products = load.table(
        "orders_product",
        ["id", "sku", "name", "product_line", "unit", "list_price", "cost", "tax_rate", "active"],
    )
    catalogue = []
    rng = plan.rng("orders", "products")
    for pid in range(1, n["products"] + 1):
        line, _industry = PRODUCTS[pid % len(PRODUCTS)]
        price = rng.randint(20, 5000) * 100_00 // 10
        catalogue.append((pid, price))
        products.add(
            pid,
            f"P-{pid:05d}",
            f"{line} 型号{pid:04d}",
            line,
            UNITS[pid % len(UNITS)],
            money(price),
            money(price * rng.randint(45, 80) // 100),
            "0.1300",
            True,
        )

    details = {
        pk: (text(name), code or "", text(address), text(rep))
        for pk, name, code, address, rep in fetch(
            "SELECT id, name, credit_code, address, legal_rep FROM customers_customer"
        )
    }
    orders = load.table("orders_order", ORDER_COLUMNS)
    lines = load.table("orders_orderline", LINE_COLUMNS)
    events = load.table(
        "orders_orderevent",
        ["id", "order_id", "kind", "from_status", "to_status", "note", "actor_id", "at"],
    )
    contracts = Contracts(plan, load)

    rng = plan.rng("orders", "allot")
    per_customer = allot(
        n["orders"], [ORDER_WEIGHT[c.tier] * rng.uniform(0.5, 1.5) for c in customers]
    )
    order_id = line_id = event_id = 0
    for customer, count in zip(customers, per_customer, strict=True):
        if not count:
            continue
        r = plan.rng("orders", customer.id)
        first = max(customer.created, today - timedelta(days=1095))
        span = max(1, (today - first).days)
        # An order's size: the customer's yearly revenue over its orders in a year.
        per_year = max(1.0, count * 365 / span)
        typical = max(5_000_00, int(customer.revenue_fen / per_year))
        party = details[customer.id]
        for _ in range(count):
            order_id += 1
            day = first + timedelta(days=r.randint(0, span - 1))
            age = (today - day).days
            for limit, statuses, weights in BY_AGE:
                if age < limit:
                    target = r.choices(statuses, weights)[0]
                    break
            dates = _path(r, day, today)
            status = _reached(target, dates, today)
            # Lines: about the typical size in total, each at a product's list price.
            wanted = typical * r.uniform(0.5, 1.5)
            count_lines = r.choice((1, 1, 2, 2, 3, 4))
            total = net_sum = tax_sum = 0
            order_lines = []
            for position in range(1, count_lines + 1):
                pid, price = catalogue[r.randrange(len(catalogue))]
                quantity = max(1, min(9_999, round(wanted / count_lines / price)))
                discount = r.choice((0, 0, 0, 300, 500))
                amount, net, tax = line_fen(quantity, price, discount)
                total, net_sum, tax_sum = total + amount, net_sum + net, tax_sum + tax
                line_id += 1
                row = (pid, quantity, price, discount, amount, net, tax, position)
                order_lines.append(row)
                lines.add(
                    line_id,
                    order_id,
                    pid,
                    f"{quantity}.000",
                    money(price),
                    f"0.{discount:04d}",
                    "0.1300",
                    money(amount),
                    money(net),
                    money(tax),
                    position,
                )
            invoiced = total if status in ("accepted", "closed") else 0
            alert, reason = "", ""
            if status in ("confirmed", "production", "shipped", "delivered") and r.random() < 0.06:
                alert, reason = ALERTS[r.randrange(len(ALERTS))]
            reached = STEPS[: STEPS.index(status) + 1] if status in STEPS else ()
            number = f"SO{day:%Y%m%d}-{order_id:07d}"
            orders.add(
                order_id,
                number,
                customer.id,
                customer.seller,
                None,
                status,
                day,
                dates["delivery_date"],
                customer.terms,
                money(0),
                "",
                "",
                "",
                money(net_sum),
                money(tax_sum),
                money(total),
                money(invoiced),
                alert,
                reason,
                plan.at(dates["confirmed"], 10) if "confirmed" in reached else None,
                dates["shipped"] if "shipped" in reached else None,
                dates["delivered"] if "delivered" in reached else None,
                dates["accepted"] if "accepted" in reached else None,
                plan.at(dates["closed"], 16) if "closed" in reached else None,
                "客户取消" if status == "cancelled" else "",
                customer.seller,
                plan.at(day, 9),
            )
            event_id += 1
            events.add(
                event_id, order_id, "created", "", "draft", "", customer.seller, plan.at(day, 9)
            )
            previous = "draft"
            for step in reached:
                event_id += 1
                events.add(
                    event_id,
                    order_id,
                    "status",
                    previous,
                    step,
                    "",
                    customer.seller,
                    plan.at(dates[step], 11),
                )
                previous = step
            if status == "cancelled":
                event_id += 1
                events.add(
                    event_id,
                    order_id,
                    "status",
                    "draft",
                    "cancelled",
                    "客户取消",
                    customer.seller,
                    plan.at(min(today, day + timedelta(days=3)), 11),
                )
            if alert:
                event_id += 1
                events.add(
                    event_id, order_id, "alert", "", "", reason, customer.seller, plan.at(today, 8)
                )
            if not reached or r.random() >= 0.5:
                continue
            contracts.add(
                order_id=order_id,
                customer=customer,
                party=party,
                status=status,
                dates=dates,
                reached=reached,
                sums=(total, net_sum, tax_sum),
                order_lines=order_lines,
            )
    return load.finish()


def _path(r, day: date, today: date) -> dict[str, date]:
    """The days an order's steps would happen on (some after today: not reached yet)."""
    confirmed = day + timedelta(days=r.randint(0, 3))
    delivery_date = confirmed + timedelta(days=r.randint(20, 60))
    production = confirmed + timedelta(days=r.randint(1, 5))
    shipped = delivery_date - timedelta(days=r.randint(2, 7))
    # About three in ten orders arrive late.
    delivered = delivery_date + timedelta(
        days=r.randint(-5, 2) if r.random() < 0.7 else r.randint(1, 20)
    )
    delivered = max(delivered, shipped + timedelta(days=1))
    accepted = delivered + timedelta(days=r.randint(1, 10))
    closed = accepted + timedelta(days=r.randint(10, 90))
    return {
        "confirmed": confirmed,
        "production": production,
        "shipped": shipped,
        "delivered": delivered,
        "accepted": accepted,
        "closed": closed,
        "delivery_date": delivery_date,
    }


def _reached(target: str, dates: dict[str, date], today: date) -> str:
    """The target status, or the last step before it whose day is not after the book's today."""
    if target in ("draft", "cancelled"):
        return target
    status = "draft"
    for step in STEPS[: STEPS.index(target) + 1]:
        if dates[step] > today:
            break
        status = step
    return status


ORDER_COLUMNS = (  # noqa: SIM905
    "id number customer_id owner_id opportunity_id status order_date delivery_date "
    "payment_terms_days prepayment guarantee delivery_address note total_net total_tax total "
    "invoiced alert alert_reason confirmed_at shipped_on delivered_on accepted_on closed_at "
    "cancel_reason created_by_id created_at"
).split()
LINE_COLUMNS = (  # noqa: SIM905
    "id order_id product_id quantity unit_price discount tax_rate amount amount_net amount_tax "
    "position"
).split()
