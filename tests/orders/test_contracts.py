"""Contract services: drafting from an order or standalone, editing a draft, signing only with a
plan that adds up, delivery, acceptance and termination with their date checks."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from customers.models import Customer
from orders.models import Contract, ContractLine, PaymentMilestone
from orders.services.contracts import (
    contract_accept,
    contract_deliver,
    contract_draft,
    contract_draft_from_order,
    contract_sign,
    contract_terminate,
    contract_update,
)
from orders.services.milestones import milestone_plan_set
from orders.services.transitions import order_cancel
from receivables.models import Receivable
from tests.orders.contract_helpers import LINE, PLAN, buyer, draft, order_for, our_entity, product

pytestmark = pytest.mark.django_db
D = Decimal
TODAY = date(2026, 11, 20)


def test_a_contract_from_an_order_copies_its_lines_and_both_parties(org):
    our_entity()
    customer = buyer(org)
    order = order_for(
        customer, lines=((D("2"), D("50000.00"), D("0.05")), (D("3"), D("99.99"), D("0")))
    )
    contract = contract_draft_from_order(actor=org["rep1"], order=order, today=date(2026, 3, 2))
    assert contract.number == "HT20260001"
    assert (contract.order, contract.customer, contract.owner) == (order, customer, org["rep1"])
    assert (
        contract.seller_name,
        contract.seller_credit_code,
        contract.seller_legal_representative,
    ) == (
        "上海示例科技有限公司",
        "91310115MA1H7XXX0Y",
        "王总",
    )
    assert (
        contract.buyer_name,
        contract.buyer_credit_code,
        contract.buyer_address,
        contract.buyer_legal_representative,
    ) == ("rep1的签约客户有限公司", "91110108551385082Q", "北京市海淀区中关村大街1号", "李四")
    assert contract.delivery_address == "北京市海淀区上地十街10号"
    lines = list(
        contract.lines.values_list("description", "quantity", "amount", "amount_net", "amount_tax")
    )
    assert lines == [
        ("服务器 S100", D("2.000"), D("95000.00"), D("84070.80"), D("10929.20")),
        ("服务器 S100", D("3.000"), D("299.97"), D("265.46"), D("34.51")),
    ]
    assert (contract.total, contract.total_net, contract.total_tax) == (
        order.total,
        order.total_net,
        order.total_tax,
    )
    assert contract.total == D("95299.97")
    assert contract.penalty_daily_rate == D("0.000500")
    with pytest.raises(ValidationError, match="该订单已有合同"):
        contract_draft_from_order(actor=org["rep1"], order=order)


def test_a_standalone_contract_takes_lines_with_or_without_a_product(org):
    our_entity()
    contract = contract_draft(
        actor=org["rep1"],
        customer=buyer(org),
        lines=[
            {"product": product(), "quantity": D("1"), "unit_price": D("48000")},
            {**LINE, "unit_price": D("2000")},
        ],
        delivery_address="北京",
        today=date(2026, 3, 2),
    )
    assert list(contract.lines.values_list("description", "unit", "tax_rate", "amount")) == [
        ("服务器 S100", "台", D("0.1300"), D("48000.00")),
        ("实施服务", "项", D("0.0600"), D("2000.00")),
    ]
    assert (contract.total, contract.total_net, contract.total_tax) == (
        D("50000.00"),
        D("42477.88") + D("1886.79"),
        D("5522.12") + D("113.21"),
    )
    with pytest.raises(ValidationError, match="第 1 行：请填写标的名称"):
        contract_draft(
            actor=org["rep1"],
            customer=buyer(org),
            lines=[{"quantity": D("1"), "unit_price": D("1"), "tax_rate": D("0")}],
            delivery_address="北京",
        )
    assert Contract.objects.count() == 1


def test_no_contract_without_our_default_legal_entity(org):
    with pytest.raises(ValidationError, match="尚未设置我方签约主体"):
        contract_draft(actor=org["rep1"], customer=buyer(org), lines=[], delivery_address="x")


def test_finance_and_other_reps_may_not_draft(org):
    our_entity()
    customer = buyer(org)
    for actor in ("finance1", "rep2", "rep3"):
        with pytest.raises(PermissionDenied):
            contract_draft(
                actor=org[actor],
                customer=customer,
                lines=[{**LINE, "unit_price": D("1")}],
                delivery_address="x",
            )
    assert not Contract.objects.exists()


def test_a_draft_is_edited_and_its_percent_milestones_follow_the_total(org):
    contract = draft(org)
    contract_update(
        actor=org["rep1"],
        contract=contract,
        title="年度服务合同",
        lines=[{**LINE, "unit_price": D("200000")}],
    )
    contract.refresh_from_db()
    assert (contract.title, contract.total) == ("年度服务合同", D("200000.00"))
    amounts = list(contract.milestones.values_list("amount", flat=True))
    assert amounts == [D("60000.00"), D("120000.00"), D("20000.00")]


def test_signing_is_refused_unless_the_plan_adds_up_and_nothing_is_written(org):
    contract = draft(org, plan=None)
    with pytest.raises(ValidationError, match="合同至少需要一个付款节点"):
        contract_sign(actor=org["rep1"], contract=contract, signed_on=date(2026, 3, 5), today=TODAY)
    PaymentMilestone.objects.create(
        contract=contract, sequence=1, name="全款", amount=D("99999.99"), trigger="signing"
    )
    with pytest.raises(ValidationError) as refused:
        contract_sign(actor=org["rep1"], contract=contract, signed_on=date(2026, 3, 5), today=TODAY)
    assert refused.value.messages == [
        "各付款节点金额合计 ¥99,999.99，合同总额为 ¥100,000.00（差额 ¥0.01）。"
    ]
    contract.refresh_from_db()
    assert (contract.status, contract.signed_on) == ("draft", None)
    assert not Receivable.objects.exists()


def test_signing_is_not_in_the_future_and_only_once(org):
    contract = draft(org)
    with pytest.raises(ValidationError, match="日期不能晚于今天"):
        contract_sign(
            actor=org["rep1"], contract=contract, signed_on=date(2026, 11, 21), today=TODAY
        )
    contract_sign(actor=org["rep1"], contract=contract, signed_on=date(2026, 3, 5), today=TODAY)
    with pytest.raises(ValidationError):
        contract_sign(actor=org["rep1"], contract=contract, signed_on=date(2026, 3, 5), today=TODAY)
    assert Receivable.objects.count() == 1


def test_a_signed_contract_is_not_edited_directly(org):
    contract = draft(org)
    contract_sign(actor=org["rep1"], contract=contract, signed_on=date(2026, 3, 5), today=TODAY)
    with pytest.raises(ValidationError, match="只能通过补充协议变更"):
        contract_update(actor=org["rep1"], contract=contract, title="改名")
    with pytest.raises(ValidationError, match="只能通过补充协议变更"):
        milestone_plan_set(actor=org["rep1"], contract=contract, milestones=PLAN[:1])
    contract.refresh_from_db()
    assert contract.title == "销售合同"
    assert contract.milestones.count() == 3


def test_delivery_and_acceptance_are_recorded_in_order_with_their_dates(org):
    contract = draft(org)
    with pytest.raises(ValidationError):
        contract_deliver(
            actor=org["rep1"], contract=contract, delivered_on=date(2026, 4, 1), today=TODAY
        )
    contract_sign(actor=org["rep1"], contract=contract, signed_on=date(2026, 3, 5), today=TODAY)
    with pytest.raises(ValidationError, match="2026-03-05"):
        contract_deliver(
            actor=org["rep1"], contract=contract, delivered_on=date(2026, 3, 4), today=TODAY
        )
    with pytest.raises(ValidationError):
        contract_accept(
            actor=org["rep1"], contract=contract, accepted_on=date(2026, 4, 1), today=TODAY
        )
    contract_deliver(
        actor=org["rep1"], contract=contract, delivered_on=date(2026, 9, 28), today=TODAY
    )
    contract_accept(
        actor=org["rep1"], contract=contract, accepted_on=date(2026, 9, 30), today=TODAY
    )
    contract.refresh_from_db()
    assert (contract.status, contract.delivered_on, contract.accepted_on) == (
        "accepted",
        date(2026, 9, 28),
        date(2026, 9, 30),
    )


def test_termination_needs_a_reason_and_stops_the_milestones(org):
    contract = draft(org)
    contract_sign(actor=org["rep1"], contract=contract, signed_on=date(2026, 3, 5), today=TODAY)
    with pytest.raises(ValidationError):
        contract_terminate(
            actor=org["rep1"],
            contract=contract,
            reason=" ",
            terminated_on=date(2026, 4, 1),
            today=TODAY,
        )
    contract_terminate(
        actor=org["rep1"],
        contract=contract,
        reason="客户取消项目",
        terminated_on=date(2026, 4, 1),
        today=TODAY,
    )
    contract.refresh_from_db()
    assert (contract.status, contract.termination_reason) == ("terminated", "客户取消项目")
    with pytest.raises(ValidationError):
        contract_deliver(
            actor=org["rep1"], contract=contract, delivered_on=date(2026, 4, 2), today=TODAY
        )
    # the signing milestone's receivable stays; nothing more is raised
    assert list(Receivable.objects.values_list("number", flat=True)) == [f"{contract.number}-01"]


def test_lines_of_a_contract_keep_amounts_adding_up(org):
    contract = draft(org)
    line = ContractLine.objects.get(contract=contract)
    assert line.amount == line.amount_net + line.amount_tax == D("100000.00")
    assert (line.amount_net, line.amount_tax) == (D("94339.62"), D("5660.38"))


def test_a_cancelled_orders_contract_is_not_signed_and_a_signed_contract_keeps_its_order(org):
    our_entity()
    order = order_for(buyer(org), status="confirmed")
    contract = contract_draft_from_order(actor=org["rep1"], order=order, today=date(2026, 3, 2))
    on_acceptance = [{"name": "验收款", "percent": D("100"), "trigger": "acceptance"}]
    milestone_plan_set(actor=org["rep1"], contract=contract, milestones=on_acceptance)
    order_cancel(actor=org["rep1"], order=order, reason="客户取消")
    with pytest.raises(ValidationError, match="已取消"):
        contract_sign(actor=org["rep1"], contract=contract, signed_on=date(2026, 3, 5), today=TODAY)
    contract.refresh_from_db()
    assert contract.status == "draft"

    # and the other way round: an order whose contract is signed (nothing raised yet) is not
    # cancelled while the contract lives, or the contract would go on raising its receivables
    second = order_for(buyer(org, "rep2"), status="confirmed", number="SO-2")
    contract = contract_draft_from_order(actor=org["rep2"], order=second, today=date(2026, 3, 2))
    milestone_plan_set(actor=org["rep2"], contract=contract, milestones=on_acceptance)
    contract_sign(actor=org["rep2"], contract=contract, signed_on=date(2026, 3, 5), today=TODAY)
    with pytest.raises(ValidationError, match="终止"):
        order_cancel(actor=org["rep2"], order=second, reason="客户取消")
    second.refresh_from_db()
    assert second.status == "confirmed"
    contract_terminate(
        actor=org["rep2"],
        contract=contract,
        reason="客户取消",
        terminated_on=date(2026, 4, 1),
        today=TODAY,
    )
    assert order_cancel(actor=org["rep2"], order=second, reason="客户取消").status == "cancelled"


def test_a_pool_customer_gets_no_contract_until_claimed(org):
    # given a customer in the pool (no owner), which an admin can see
    our_entity()
    customer = buyer(org)
    Customer.objects.filter(pk=customer.pk).update(owner=None, pool_since=timezone.now())
    customer.refresh_from_db()
    # when the admin drafts a contract for it, then it is refused and nothing is written
    with pytest.raises(ValidationError, match="公海客户没有负责人，请先认领再起草合同"):
        contract_draft(
            actor=org["admin"],
            customer=customer,
            lines=[{**LINE, "unit_price": D("1")}],
            delivery_address="x",
        )
    assert not Contract.objects.exists()
