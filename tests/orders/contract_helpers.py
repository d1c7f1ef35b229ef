"""What the contract tests build on: our legal entity, a buyer with its legal details, a product,
an order written straight to the database (the order services are tested in their own files),
and a draft contract with a payment plan."""

from datetime import date
from decimal import Decimal

from orders.models import LegalEntity, Order, OrderLine, Product
from orders.rules.amounts import line_amounts
from orders.services.contracts import contract_draft
from orders.services.milestones import milestone_plan_set
from tests.factories import CustomerFactory

D = Decimal
CREDIT_CODES = {
    "rep1": "91110108551385082Q",
    "rep2": "914403001922038217",
    "rep3": "91310000MA1FL0000X",
}
ONE_LINE = ((D("2"), D("50000.00"), D("0.05")),)
HUNDRED_THOUSAND = D("100000.00")


def our_entity() -> LegalEntity:
    return LegalEntity.objects.get_or_create(
        name="上海示例科技有限公司",
        defaults={
            "credit_code": "91310115MA1H7XXX0Y",
            "address": "上海市浦东新区张江路1号",
            "legal_representative": "王总",
            "default": True,
        },
    )[0]


def buyer(org, owner="rep1"):
    return CustomerFactory(
        name=f"{owner}的签约客户有限公司",
        owner=org[owner],
        credit_code=CREDIT_CODES[owner],
        address="北京市海淀区中关村大街1号",
        legal_rep="李四",
    )


def product() -> Product:
    return Product.objects.get_or_create(
        sku="SRV-100",
        defaults={
            "name": "服务器 S100",
            "unit": "台",
            "list_price": D("50000"),
            "tax_rate": D("0.13"),
        },
    )[0]


def order_for(customer, *, lines=ONE_LINE, **fields) -> Order:
    """An order with lines; (quantity, unit price, discount) at 13% VAT."""
    item = product()
    order = Order.objects.create(
        number=fields.pop("number", f"SO-{customer.pk}"),
        customer=customer,
        owner=customer.owner,
        order_date=date(2026, 3, 1),
        delivery_date=date(2026, 5, 1),
        delivery_address="北京市海淀区上地十街10号",
        created_by=customer.owner,
        **fields,
    )
    total = net = D("0.00")
    for position, (quantity, price, discount) in enumerate(lines, start=1):
        figures = line_amounts(
            quantity=quantity, unit_price=price, discount=discount, tax_rate=D("0.13")
        )
        amount, amount_net, amount_tax = figures.amount, figures.net, figures.tax
        OrderLine.objects.create(
            order=order,
            product=item,
            quantity=quantity,
            unit_price=price,
            discount=discount,
            tax_rate=D("0.13"),
            amount=amount,
            amount_net=amount_net,
            amount_tax=amount_tax,
            position=position,
        )
        total, net = total + amount, net + amount_net
    order.total, order.total_net, order.total_tax = total, net, total - net
    order.save()
    return order


LINE = {"description": "实施服务", "unit": "项", "quantity": D("1"), "tax_rate": D("0.06")}

# 30% on signing, 60% within 5 working days after acceptance, 10% retention after 12 months.
PLAN = [
    {"name": "预付款", "percent": D("30"), "trigger": "signing", "offset": 0},
    {
        "name": "验收款",
        "percent": D("60"),
        "trigger": "acceptance",
        "offset": 5,
        "offset_kind": "working",
    },
    {"name": "质保金", "percent": D("10"), "trigger": "warranty", "offset": 30, "retention": True},
]


def draft(org, customer=None, *, total=HUNDRED_THOUSAND, plan=PLAN, actor="rep1", **fields):
    """A standalone draft of one service line worth `total`, with `plan`."""
    our_entity()
    customer = customer or buyer(org)
    contract = contract_draft(
        actor=org[actor],
        customer=customer,
        lines=[{**LINE, "unit_price": total}],
        delivery_address="北京市海淀区上地十街10号",
        today=date(2026, 3, 1),
        **fields,
    )
    if plan:
        milestone_plan_set(actor=org[actor], contract=contract, milestones=plan)
    return contract
