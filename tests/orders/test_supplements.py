"""Supplementary agreements (补充协议): the only way a signed contract changes; before and after
recorded, the plan re-checked against the new total with raised milestones fixed."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from orders.models import SupplementaryAgreement
from orders.services.contracts import contract_sign
from orders.services.supplements import supplement_record
from receivables.models import Receivable
from tests.orders.contract_helpers import LINE, draft

pytestmark = pytest.mark.django_db
D = Decimal
TODAY = date(2026, 11, 20)


@pytest.fixture
def signed(org):
    contract = draft(org)  # 100,000.00: 30% at signing (raised), 60% acceptance, 10% warranty
    contract_sign(actor=org["rep1"], contract=contract, signed_on=date(2026, 3, 5), today=TODAY)
    return contract


def remaining(acceptance, warranty):
    return [
        {
            "name": "验收款",
            "amount": D(acceptance),
            "trigger": "acceptance",
            "offset": 5,
            "offset_kind": "working",
        },
        {"name": "质保金", "amount": D(warranty), "trigger": "warranty", "retention": True},
    ]


def test_a_larger_total_with_the_remaining_milestones_making_up_the_rest(org, signed):
    agreement = supplement_record(
        actor=org["rep1"],
        contract=signed,
        reason="增加实施范围",
        signed_on=date(2026, 6, 1),
        today=TODAY,
        lines=[{**LINE, "unit_price": D("120000")}],
        milestones=remaining("78000", "12000"),
    )
    signed.refresh_from_db()
    assert (agreement.sequence, agreement.total_before, agreement.total_after) == (
        1,
        D("100000.00"),
        D("120000.00"),
    )
    assert signed.total == D("120000.00")
    assert [line["unit_price"] for line in agreement.before["lines"]] == ["100000.00"]
    assert [line["unit_price"] for line in agreement.after["lines"]] == ["120000.00"]
    assert [(m["sequence"], m["amount"], m["raised"]) for m in agreement.after["milestones"]] == [
        (1, "30000.00", True),
        (2, "78000.00", False),
        (3, "12000.00", False),
    ]
    assert list(signed.milestones.values_list("sequence", "amount")) == [
        (1, D("30000.00")),
        (2, D("78000.00")),
        (3, D("12000.00")),
    ]
    assert Receivable.objects.get().amount == D("30000.00")  # the raised one is untouched


def test_a_plan_not_adding_up_to_the_new_total_is_refused_and_nothing_written(org, signed):
    with pytest.raises(ValidationError) as refused:
        supplement_record(
            actor=org["rep1"],
            contract=signed,
            reason="增加实施范围",
            signed_on=date(2026, 6, 1),
            today=TODAY,
            # percents of the new total: 30,000 raised + 72,000 + 12,000 = 114,000
            lines=[{**LINE, "unit_price": D("120000")}],
        )
    assert refused.value.messages == [
        "各付款节点金额合计 ¥114,000.00，合同总额为 ¥120,000.00（差额 ¥6,000.00）。"
    ]
    signed.refresh_from_db()
    assert signed.total == D("100000.00")
    assert list(signed.lines.values_list("unit_price", flat=True)) == [D("100000.00")]
    assert list(signed.milestones.values_list("amount", flat=True)) == [
        D("30000.00"),
        D("60000.00"),
        D("10000.00"),
    ]
    assert not SupplementaryAgreement.objects.exists()


def test_a_raised_milestone_cannot_change(org, signed):
    with pytest.raises(ValidationError, match="第 1 个付款节点已生成应收款，不能变更"):
        supplement_record(
            actor=org["rep1"],
            contract=signed,
            reason="改预付款",
            signed_on=date(2026, 6, 1),
            today=TODAY,
            milestones=[{"sequence": 1, "name": "预付款", "amount": D("1"), "trigger": "signing"}],
        )
    assert not SupplementaryAgreement.objects.exists()


def test_terms_change_with_their_before_and_after(org, signed):
    agreement = supplement_record(
        actor=org["rep1"],
        contract=signed,
        reason="延长质保",
        signed_on=date(2026, 6, 1),
        today=TODAY,
        fields={"warranty_months": 24, "delivery_address": "北京市海淀区上地十街10号"},
    )
    assert (agreement.before, agreement.after) == ({"warranty_months": 12}, {"warranty_months": 24})
    assert agreement.total_before == agreement.total_after == D("100000.00")


def test_an_agreement_that_changes_nothing_or_has_no_reason_is_refused(org, signed):
    with pytest.raises(ValidationError, match="没有变更合同的任何内容"):
        supplement_record(
            actor=org["rep1"],
            contract=signed,
            reason="无",
            signed_on=date(2026, 6, 1),
            today=TODAY,
            fields={"warranty_months": 12},
        )
    with pytest.raises(ValidationError, match="请填写变更原因"):
        supplement_record(
            actor=org["rep1"],
            contract=signed,
            reason=" ",
            signed_on=date(2026, 6, 1),
            today=TODAY,
            fields={"warranty_months": 24},
        )
    assert not SupplementaryAgreement.objects.exists()


def test_a_draft_takes_no_supplement(org):
    contract = draft(org)
    with pytest.raises(ValidationError, match="草稿合同请直接编辑"):
        supplement_record(
            actor=org["rep1"],
            contract=contract,
            reason="x",
            signed_on=date(2026, 6, 1),
            today=TODAY,
            fields={"warranty_months": 24},
        )


def test_a_new_milestone_whose_trigger_has_passed_is_raised_at_once(org, signed):
    supplement_record(
        actor=org["rep1"],
        contract=signed,
        reason="增加签约款",
        signed_on=date(2026, 6, 1),
        today=TODAY,
        lines=[{**LINE, "unit_price": D("110000")}],
        milestones=[
            {"name": "追加签约款", "amount": D("10000"), "trigger": "signing", "offset": 10},
            *remaining("60000", "10000"),
        ],
    )
    assert list(
        Receivable.objects.order_by("number").values_list("number", "amount", "due_date")
    ) == [
        (f"{signed.number}-01", D("30000.00"), date(2026, 3, 5)),
        (f"{signed.number}-02", D("10000.00"), date(2026, 3, 15)),
    ]
