"""Demo products and orders for seed_demo: a small catalogue, then orders at every status for
the customers with credit room, through the services (so every event and check is real): an
alert of each colour, a change request, a refused confirmation with a manager's exception, and
contracts with payment milestones whose triggers raised receivables. Deterministic and
idempotent: nothing is created once the demo orders exist."""

import random
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from customers.models import Customer
from orders.models import LegalEntity, Order, Product
from orders.services import contracts, credit, milestones, orders, transitions
from orders.services.orders import LineInput
from salesops.accounts.models import User
from salesops.core.errors import ServiceError
from salesops.core.workdays import supported_years

PRODUCTS = [
    # sku, name, product line, unit, list price, cost
    ("PLC-S7-1200", "可编程控制器 S7-1200 兼容型", "控制系统", "台", "8600.00", "5200.00"),
    ("PLC-IO-16", "16 点数字量扩展模块", "控制系统", "块", "1250.00", "640.00"),
    ("HMI-10", "10 英寸触摸屏", "人机界面", "台", "4800.00", "2900.00"),
    ("VFD-7.5", "7.5kW 变频器", "驱动", "台", "6200.00", "3700.00"),
    ("VFD-22", "22kW 变频器", "驱动", "台", "14800.00", "9100.00"),
    ("SRV-1K", "1kW 伺服电机及驱动器", "驱动", "套", "7900.00", "4800.00"),
    ("SEN-P", "压力变送器 0–1.6MPa", "仪表", "只", "980.00", "450.00"),
    ("SEN-T", "温度变送器 PT100", "仪表", "只", "560.00", "260.00"),
    ("CAB-CTRL", "控制柜（含设计与装配）", "成套", "面", "36000.00", "24000.00"),
    ("SVC-COMM", "现场调试服务", "服务", "人天", "2500.00", "1200.00"),
]
# The statuses the demo walks its orders to, in turn.
STATUSES = (
    "closed",
    "accepted",
    "delivered",
    "shipped",
    "production",
    "confirmed",
    "draft",
    "cancelled",
)
ALERTS = (
    ("yellow", "供应商部件晚到，交期可能延误一周"),
    ("orange", "伺服电机库存不足，需从华南仓调拨"),
    ("red", "客户投诉：到货柜体有磕碰"),
)


def seed_products() -> int:
    created = 0
    for sku, name, line, unit, price, cost in PRODUCTS:
        _product, made = Product.objects.get_or_create(
            sku=sku,
            defaults={
                "name": name,
                "product_line": line,
                "unit": unit,
                "list_price": Decimal(price),
                "cost": Decimal(cost),
                "tax_rate": Decimal("0.13") if line != "服务" else Decimal("0.06"),
            },
        )
        created += made
    return created


def _at(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10)), timezone.get_current_timezone())


@transaction.atomic
def seed_orders(*, today=None) -> int:
    """Orders at every status; returns how many were created (0 on a rerun)."""
    today = today or timezone.localdate()
    seed_products()
    if Order.objects.exists():
        return 0
    catalogue = list(Product.objects.order_by("sku"))
    admin = User.objects.get(username="admin")
    customers = (
        Customer.objects.filter(owner__isnull=False, credit_hold=False, credit_limit__gt=0)
        .exclude(credit_rating="D")
        .select_related("owner")
        .order_by("name")[: len(STATUSES) * 3]
    )
    created, changed = 0, False
    for index, customer in enumerate(customers):
        rng = random.Random(f"order-{customer.name}")  # noqa: S311 - demo data
        status = STATUSES[index % len(STATUSES)]
        rep = customer.owner
        started = today - timedelta(days=rng.randint(50, 90) if status == "closed" else 40)
        lines = [
            LineInput(product=product, quantity=Decimal(rng.randint(1, 6)))
            for product in rng.sample(catalogue, k=rng.randint(1, 3))
        ]
        order = orders.order_create(
            actor=rep,
            customer=customer,
            order_date=started,
            delivery_date=started + timedelta(days=30),
            lines=lines,
            delivery_address=customer.address,
        )
        created += 1
        if status == "draft":
            continue
        if status == "cancelled":
            transitions.order_cancel(actor=rep, order=order, reason="客户预算调整，项目延期")
            continue
        try:
            order = credit.order_confirm(actor=rep, order=order, now=_at(started + timedelta(1)))
        except ServiceError:
            # Over the limit: the rep's manager approves an exception, then it confirms.
            team = getattr(rep, "team", None)
            approver = team.manager if team and team.manager_id != rep.pk else admin
            credit.credit_exception_approve(
                actor=approver, order=order, reason="老客户，回款记录良好，本单特批"
            )
            order = credit.order_confirm(actor=rep, order=order, now=_at(started + timedelta(1)))
        _walk(order, rep=rep, to=status, started=started, today=today, rng=rng)
        if status in ("confirmed", "production", "shipped"):
            level, reason = ALERTS[index % len(ALERTS)]
            orders.order_alert_set(actor=rep, order=order, level=level, reason=reason)
        if status in ("closed", "accepted", "delivered", "shipped"):
            _contract(order, rep=rep, signed_on=started + timedelta(days=1), today=today)
        if status == "confirmed" and not changed:
            changed = True
            orders.order_change_request(
                actor=rep,
                order=order,
                reason="客户要求推迟交货两周",
                delivery_date=order.delivery_date + timedelta(days=14),
            )
    return created


def _walk(order: Order, *, rep, to: str, started, today, rng) -> Order:
    """Move a confirmed order on to `to`, each step on a day after the one before."""
    if to == "confirmed":
        return order
    order = transitions.order_start_production(actor=rep, order=order)
    if to == "production":
        return order
    shipped = min(started + timedelta(days=rng.randint(10, 20)), today)
    order = transitions.order_ship(actor=rep, order=order, on=shipped)
    if to == "shipped":
        return order
    delivered = min(shipped + timedelta(days=rng.randint(2, 6)), today)
    order = transitions.order_deliver(actor=rep, order=order, on=delivered)
    if to == "delivered":
        return order
    accepted = min(delivered + timedelta(days=rng.randint(1, 5)), today)
    order = transitions.order_accept(actor=rep, order=order, on=accepted)
    if to == "accepted":
        return order
    return transitions.order_close(actor=rep, order=order, now=_at(today))


def _our_entity() -> LegalEntity:
    entity = LegalEntity.objects.filter(default=True).first()
    if entity is None:
        entity = contracts.legal_entity_save(
            entity=LegalEntity(
                name="上海赛欧工业自动化有限公司",
                credit_code="91310115MA1H7A2X3K",
                address="上海市浦东新区张江高科技园区碧波路 690 号",
                legal_representative="周海峰",
                phone="021-5080 1234",
                bank="招商银行上海张江支行",
                bank_account="1219 0876 5410 001",
                default=True,
            )
        )
    return entity


def _contract(order: Order, *, rep, signed_on, today) -> None:
    """The order's contract: 30% on signing, 60% within 5 working days of acceptance (calendar
    days when today is past the official calendar's data), 10% retention a year after
    acceptance; signed the day after the order, which raises the receivables its signing and
    the order's delivery and acceptance reached."""
    _our_entity()
    working = today.year < supported_years()[1]
    contract = contracts.contract_draft_from_order(actor=rep, order=order, today=today)
    milestones.milestone_plan_set(
        actor=rep,
        contract=contract,
        milestones=[
            {"name": "预付款", "percent": Decimal(30), "trigger": "signing", "offset": 0},
            {
                "name": "验收款",
                "percent": Decimal(60),
                "trigger": "acceptance",
                "offset": 5,
                "offset_kind": "working" if working else "calendar",
            },
            {
                "name": "质保金",
                "percent": Decimal(10),
                "trigger": "warranty",
                "offset": 0,
                "retention": True,
            },
        ],
    )
    contracts.contract_sign(actor=rep, contract=contract, signed_on=signed_on, today=today)
