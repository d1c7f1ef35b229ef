"""Payment milestones raising their receivables: each trigger raises each of its milestones'
receivable exactly once, with the amount and the due date the plan gives, also when submitted
twice or by two threads at once; a plan that does not add up or a due date past the calendar
data is refused and nothing is written."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from orders.models import Contract, Order, PaymentMilestone
from orders.services.contracts import (
    contract_accept,
    contract_deliver,
    contract_draft_from_order,
    contract_sign,
)
from orders.services.milestones import milestone_plan_set, milestones_reach
from receivables.models import Receivable
from receivables.services import receivable_create
from tests.orders.contract_helpers import PLAN, buyer, draft, order_for, our_entity
from tests.threads import run_together

D = Decimal
TODAY = date(2026, 11, 20)


def raised():
    return list(
        Receivable.objects.order_by("number").values_list(
            "number", "amount", "issue_date", "due_date", "kind", "source"
        )
    )


@pytest.mark.django_db
def test_a_plan_that_does_not_add_up_to_100_percent_is_refused_and_nothing_written(org):
    contract = draft(org)
    with pytest.raises(ValidationError) as refused:
        milestone_plan_set(
            actor=org["rep1"],
            contract=contract,
            milestones=[{**PLAN[0], "percent": D("30")}, {**PLAN[1], "percent": D("60")}],
        )
    assert refused.value.messages == ["各付款节点比例合计为 90%，不等于 100%。"]
    assert list(contract.milestones.values_list("percent", flat=True)) == [
        D("30.0000"),
        D("60.0000"),
        D("10.0000"),
    ]


@pytest.mark.django_db
def test_amount_milestones_must_make_the_total_to_the_fen(org):
    contract = draft(org, plan=None)
    plan = [
        {"name": "首付", "amount": D("50000"), "trigger": "signing"},
        {"name": "尾款", "amount": D("49999.99"), "trigger": "delivery"},
    ]
    with pytest.raises(ValidationError) as refused:
        milestone_plan_set(actor=org["rep1"], contract=contract, milestones=plan)
    assert refused.value.messages == [
        "各付款节点金额合计 ¥99,999.99，合同总额为 ¥100,000.00（差额 ¥0.01）。"
    ]
    assert not PaymentMilestone.objects.exists()
    plan[1]["amount"] = D("50000.00")
    milestone_plan_set(actor=org["rep1"], contract=contract, milestones=plan)
    assert list(contract.milestones.values_list("amount", flat=True)) == [D("50000"), D("50000")]


@pytest.mark.django_db
def test_each_trigger_raises_its_milestones_once_with_amount_and_due_date(org):
    contract = draft(org)
    number = contract.number
    contract_sign(actor=org["rep1"], contract=contract, signed_on=date(2026, 3, 5), today=TODAY)
    assert raised() == [
        (f"{number}-01", D("30000.00"), date(2026, 3, 5), date(2026, 3, 5), "normal", "milestone")
    ]
    contract_deliver(
        actor=org["rep1"], contract=contract, delivered_on=date(2026, 9, 28), today=TODAY
    )
    assert len(raised()) == 1  # no delivery milestone in the plan
    contract_accept(
        actor=org["rep1"], contract=contract, accepted_on=date(2026, 9, 30), today=TODAY
    )
    assert raised() == [
        (f"{number}-01", D("30000.00"), date(2026, 3, 5), date(2026, 3, 5), "normal", "milestone"),
        # 5 working days after acceptance on 09-30, across National Day: 10-13
        (
            f"{number}-02",
            D("60000.00"),
            date(2026, 9, 30),
            date(2026, 10, 13),
            "normal",
            "milestone",
        ),
        # retention: 30 days after the 12-month warranty ends on 2027-09-30
        (
            f"{number}-03",
            D("10000.00"),
            date(2026, 9, 30),
            date(2027, 10, 30),
            "retention",
            "milestone",
        ),
    ]
    receivable = Receivable.objects.get(number=f"{number}-02")
    assert (receivable.customer, receivable.penalty_daily_rate) == (
        contract.customer,
        D("0.000500"),
    )
    assert receivable.milestone.contract == contract
    milestone = contract.milestones.get(sequence=2)
    assert (milestone.triggered_on, milestone.due_date) == (date(2026, 9, 30), date(2026, 10, 13))
    # a retry of the seam raises nothing more
    for trigger, day in (("signing", date(2026, 3, 5)), ("acceptance", date(2026, 9, 30))):
        assert milestones_reach(contract=contract, trigger=trigger, on=day, actor=org["rep1"]) == []
    assert len(raised()) == 3


@pytest.mark.django_db
def test_fixed_date_milestones_are_raised_at_signing_due_on_their_date(org):
    plan = [
        {"name": "首付", "percent": D("50"), "trigger": "signing", "offset": 10},
        {
            "name": "二期",
            "percent": D("50"),
            "trigger": "fixed",
            "fixed_date": date(2026, 9, 30),
            "offset": 5,
            "offset_kind": "working",
        },
    ]
    contract = draft(org, plan=plan, total=D("0.03"))
    contract_sign(actor=org["rep1"], contract=contract, signed_on=date(2026, 9, 1), today=TODAY)
    assert [row[1:4] for row in raised()] == [
        (D("0.02"), date(2026, 9, 1), date(2026, 9, 11)),
        (D("0.01"), date(2026, 9, 1), date(2026, 10, 13)),
    ]


@pytest.mark.django_db
def test_delivery_milestones_count_working_days_over_spring_festival(org):
    plan = [
        {
            "name": "到货款",
            "percent": D("100"),
            "trigger": "delivery",
            "offset": 6,
            "offset_kind": "working",
        }
    ]
    contract = draft(org, plan=plan)
    contract_sign(actor=org["rep1"], contract=contract, signed_on=date(2026, 2, 2), today=TODAY)
    contract_deliver(
        actor=org["rep1"], contract=contract, delivered_on=date(2026, 2, 13), today=TODAY
    )
    # Fri 02-13 + 6 working days: Sat 02-14 (make-up), [02-15..02-23 off], 24, 25, 26, 27,
    # Sat 02-28 (make-up day, counted as a working day).
    assert [row[3] for row in raised()] == [date(2026, 2, 28)]


@pytest.mark.django_db
def test_a_due_date_beyond_the_calendar_data_is_refused_and_nothing_written(org):
    plan = [
        {
            "name": "验收款",
            "percent": D("100"),
            "trigger": "acceptance",
            "offset": 5,
            "offset_kind": "working",
        }
    ]
    contract = draft(org, plan=plan)
    contract_sign(
        actor=org["rep1"], contract=contract, signed_on=date(2026, 3, 5), today=date(2027, 1, 5)
    )
    contract_deliver(
        actor=org["rep1"],
        contract=contract,
        delivered_on=date(2026, 12, 20),
        today=date(2027, 1, 5),
    )
    with pytest.raises(ValidationError) as refused:
        contract_accept(
            actor=org["rep1"],
            contract=contract,
            accepted_on=date(2026, 12, 28),
            today=date(2027, 1, 5),
        )
    assert refused.value.messages == [
        "第 1 个付款节点“验收款”应在 2026-12-28 后 5 个工作日内到期，但官方节假日日历仅覆盖 "
        "2004-01-01 至 2026-12-31，无法计算到期日。本次未做任何记录。请改按自然日计算，或升级 "
        "chinesecalendar 包。"
    ]
    contract.refresh_from_db()
    assert (contract.status, contract.accepted_on) == ("delivered", None)
    assert not Receivable.objects.exists()
    assert contract.milestones.get().due_date is None


@pytest.mark.django_db
def test_an_order_delivered_and_accepted_raises_its_contracts_milestones(org):
    our_entity()
    order = order_for(buyer(org), lines=((D("1"), D("100000.00"), D("0")),), status="confirmed")
    contract = contract_draft_from_order(actor=org["rep1"], order=order, today=date(2026, 3, 2))
    milestone_plan_set(actor=org["rep1"], contract=contract, milestones=PLAN)
    # Not signed yet: the order's delivery reaches nothing
    assert (
        milestones_reach(order=order, trigger="delivery", on=date(2026, 3, 3), actor=org["rep1"])
        == []
    )
    contract_sign(actor=org["rep1"], contract=contract, signed_on=date(2026, 3, 5), today=TODAY)
    order.refresh_from_db()
    assert order.invoiced == D("30000.00")
    got = milestones_reach(order=order, trigger="delivery", on=date(2026, 9, 28), actor=org["rep1"])
    assert got == []  # no delivery milestone, but the contract records the delivery
    got = milestones_reach(
        order=order, trigger="acceptance", on=date(2026, 9, 30), actor=org["rep1"]
    )
    assert [r.amount for r in got] == [D("60000.00"), D("10000.00")]
    assert (
        milestones_reach(order=order, trigger="acceptance", on=date(2026, 9, 30), actor=org["rep1"])
        == []
    )
    contract.refresh_from_db()
    order.refresh_from_db()
    assert (contract.status, contract.delivered_on, contract.accepted_on) == (
        "accepted",
        date(2026, 9, 28),
        date(2026, 9, 30),
    )
    assert order.invoiced == D("100000.00")
    assert Receivable.objects.filter(opportunity=None).count() == 3


@pytest.mark.django_db
def test_an_order_without_a_contract_reaches_nothing(org):
    order = order_for(buyer(org))
    assert (
        milestones_reach(order=order, trigger="delivery", on=date(2026, 3, 3), actor=org["rep1"])
        == []
    )


@pytest.mark.django_db
def test_reps_still_cannot_create_receivables_by_hand(org, customers):
    with pytest.raises(PermissionDenied):
        receivable_create(
            actor=org["rep1"],
            customer=customers["rep1"],
            number="X-1",
            issue_date=date(2026, 1, 1),
            due_date=date(2026, 2, 1),
            amount=D("1"),
        )
    with pytest.raises(PermissionDenied):  # the system path is only for milestones
        receivable_create(
            actor=org["rep1"],
            customer=customers["rep1"],
            number="X-1",
            issue_date=date(2026, 1, 1),
            due_date=date(2026, 2, 1),
            amount=D("1"),
            raised_by_milestone=True,
        )
    assert not Receivable.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_threads_recording_acceptance_raise_each_receivable_once(org):
    if connection.vendor != "postgresql":
        from tests.conftest import service_missing

        service_missing("concurrency tests need PostgreSQL row locks (set DATABASE_URL)")
    our_entity()
    order = order_for(buyer(org), lines=((D("1"), D("100000.00"), D("0")),), status="confirmed")
    contract = contract_draft_from_order(actor=org["rep1"], order=order, today=date(2026, 3, 2))
    milestone_plan_set(actor=org["rep1"], contract=contract, milestones=PLAN)
    contract_sign(actor=org["rep1"], contract=contract, signed_on=date(2026, 3, 5), today=TODAY)
    contract_deliver(
        actor=org["rep1"], contract=contract, delivered_on=date(2026, 9, 28), today=TODAY
    )

    def accept(index):
        if index == 0:
            return contract_accept(
                actor=org["rep1"], contract=contract, accepted_on=date(2026, 9, 30), today=TODAY
            )
        return milestones_reach(
            order=order, trigger="acceptance", on=date(2026, 9, 30), actor=org["rep1"]
        )

    for _round in range(2):  # the second round is a retry of both
        _results, errors = run_together(2, accept)
        assert all(isinstance(e, ValidationError) for e in errors), errors
    assert Receivable.objects.filter(source="milestone").count() == 3
    assert Receivable.objects.filter(number__endswith="-02").get().due_date == date(2026, 10, 13)
    assert Order.objects.get(pk=order.pk).invoiced == D("100000.00")
    assert Contract.objects.get(pk=contract.pk).status == "accepted"


@pytest.mark.django_db
def test_a_number_typed_by_hand_before_gets_a_suffix_instead_of_blocking_the_milestone(org):
    # given the number the signing milestone would take, already used by a manual receivable
    plan = [{"name": "全款", "percent": D("100"), "trigger": "signing", "offset": 0}]
    contract = draft(org, plan=plan, total=D("100.00"))
    receivable_create(
        actor=org["finance1"],
        customer=contract.customer,
        number=f"{contract.number}-01",
        issue_date=date(2026, 9, 1),
        due_date=date(2026, 9, 1),
        amount=D("1.00"),
    )
    # when the contract is signed, then its milestone still raises its receivable, as -01-2
    contract_sign(actor=org["rep1"], contract=contract, signed_on=date(2026, 9, 1), today=TODAY)
    milestone = PaymentMilestone.objects.get(contract=contract)
    assert milestone.receivable.number == f"{contract.number}-01-2"
    assert milestone.receivable.amount == D("100.00")
