"""Contract pages and the contract PDF: what they show, the forms that call the services, the
milestone and its receivable linked both ways, the PDF read back with poppler."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from orders.models import Contract, LegalEntity, Order, SupplementaryAgreement
from orders.pdfs import per_ten_thousand
from orders.services.contracts import (
    contract_draft_from_order,
    contract_sign,
    legal_entity_save,
)
from orders.services.milestones import milestone_plan_set
from tests.orders.contract_helpers import buyer, draft, order_for, our_entity
from tests.receivables.test_pdfs import pdf_text, poppler  # noqa: F401

pytestmark = pytest.mark.django_db
D = Decimal


def signed(org, **kwargs):
    contract = draft(org, **kwargs)
    contract_sign(actor=org["rep1"], contract=contract, signed_on=date(2026, 3, 5))
    return contract


def test_the_detail_page_shows_parties_total_in_capitals_and_milestone_links(client, org):
    contract = signed(org, total=D("123456.78"))
    receivable = contract.milestones.get(sequence=1).receivable
    client.force_login(org["rep1"])
    page = client.get(contract.get_absolute_url()).content.decode()
    assert "壹拾贰万叁仟肆佰伍拾陆元柒角捌分" in page
    assert "上海示例科技有限公司" in page
    assert "91110108551385082Q" in page
    assert reverse("receivable_detail", args=[receivable.pk]) in page
    # and back: the receivable page names its contract and milestone
    page = client.get(receivable.get_absolute_url()).content.decode()
    assert contract.get_absolute_url() in page
    assert "预付款" in page


def test_the_list_filters_by_status_and_search(client, org):
    first = signed(org)
    second = draft(org, customer=buyer(org, "rep2"), actor="rep2")
    client.force_login(org["manager1"])
    listed = client.get(reverse("contract_list")).context["page_obj"].object_list
    assert {c.pk for c in listed} == {first.pk, second.pk}
    listed = client.get(reverse("contract_list"), {"status": "draft"}).context["page_obj"]
    assert [c.pk for c in listed] == [second.pk]
    listed = client.get(reverse("contract_list"), {"q": "rep2的"}).context["page_obj"]
    assert [c.pk for c in listed] == [second.pk]
    response = client.get(reverse("contract_list"), {"status": "zzz"})
    assert len(response.context["page_obj"].object_list) == 2
    client.force_login(org["rep3"])
    assert "暂无合同" in client.get(reverse("contract_list")).content.decode()


def test_a_contract_is_drafted_from_the_order_page(client, org):
    our_entity()
    order = order_for(buyer(org))
    client.force_login(org["rep1"])
    response = client.post(
        reverse("contract_create_from_order", args=[order.pk]),
        {
            "title": "服务器采购合同",
            "delivery_address": "北京",
            "acceptance_window_hours": 72,
            "warranty_months": 24,
            "penalty_daily_rate": "0.0005",
        },
    )
    contract = Contract.objects.get(order=order)
    assert response.status_code == 302
    assert (contract.title, contract.warranty_months, contract.total) == (
        "服务器采购合同",
        24,
        D("95000.00"),
    )
    # A second visit goes to the contract it has.
    again = client.get(reverse("contract_create_from_order", args=[order.pk]))
    assert again.url == contract.get_absolute_url()


def test_the_plan_editor_refuses_a_plan_off_by_a_fen_and_saves_a_good_one(client, org):
    contract = draft(org, plan=None)
    client.force_login(org["rep1"])
    url = reverse("contract_milestones", args=[contract.pk])
    data = {
        "milestones-TOTAL_FORMS": 2,
        "milestones-INITIAL_FORMS": 0,
        "milestones-0-name": "首付",
        "milestones-0-amount": "50000",
        "milestones-0-trigger": "signing",
        "milestones-0-offset": "0",
        "milestones-0-offset_kind": "calendar",
        "milestones-1-name": "尾款",
        "milestones-1-amount": "49999.99",
        "milestones-1-trigger": "acceptance",
        "milestones-1-offset": "5",
        "milestones-1-offset_kind": "working",
    }
    page = client.post(url, data, follow=True).content.decode()
    assert "各付款节点金额合计 ¥99,999.99，合同总额为 ¥100,000.00（差额 ¥0.01）。" in page
    assert not contract.milestones.exists()
    data["milestones-1-amount"] = "50000.00"
    assert client.post(url, data).status_code == 302
    assert list(contract.milestones.values_list("amount", flat=True)) == [D("50000"), D("50000")]


def test_the_plan_page_flags_working_days_past_the_calendar_in_advance(client, org):
    plan = [
        {"name": "验收款", "percent": D("90"), "trigger": "acceptance", "offset": 5},
        {
            "name": "质保金",
            "percent": D("10"),
            "trigger": "warranty",
            "offset": 5,
            "offset_kind": "working",
            "retention": True,
        },
    ]
    contract = draft(org, plan=plan)
    client.force_login(org["rep1"])
    response = client.get(reverse("contract_milestones", args=[contract.pk]))
    # acceptance + 12 months is past 2026 whatever today is
    assert response.context["beyond_calendar"] == {2}
    assert 'data-testid="beyond-calendar"' in response.content.decode()


def test_dates_at_the_end_of_the_calendar_are_flagged_or_refused_never_a_500(client, org):
    # the promised delivery and a fixed date typed near 9999-12-31: counting on from them leaves
    # the dates Python knows
    our_entity()
    order = order_for(buyer(org))
    Order.objects.filter(pk=order.pk).update(delivery_date=date(9999, 12, 31))
    contract = contract_draft_from_order(actor=org["rep1"], order=order, today=date(2026, 3, 2))
    working = {"offset": 5, "offset_kind": "working"}
    plan = [
        {"name": "验收款", "percent": D("40"), "trigger": "acceptance", **working},
        {"name": "质保金", "percent": D("30"), "trigger": "warranty", **working},
        {
            "name": "定期款",
            "percent": D("30"),
            "trigger": "fixed",
            "fixed_date": date(9999, 12, 30),
            "offset": 1,
            "offset_kind": "working",
        },
    ]
    milestone_plan_set(actor=org["rep1"], contract=contract, milestones=plan)
    client.force_login(org["rep1"])
    for name in ("contract_detail", "contract_milestones"):
        response = client.get(reverse(name, args=[contract.pk]))
        assert response.status_code == 200
        assert response.context["beyond_calendar"] == {1, 2, 3}
    with pytest.raises(ValidationError):
        contract_sign(actor=org["rep1"], contract=contract, signed_on=date(2026, 3, 5))
    # a due date past 9999-12-31 is refused with the plan, and nothing is written
    plan[2] = {**plan[2], "fixed_date": date(9999, 12, 31), "offset_kind": "calendar"}
    with pytest.raises(ValidationError, match="9999"):
        milestone_plan_set(actor=org["rep1"], contract=contract, milestones=plan)
    assert contract.milestones.get(sequence=3).fixed_date == date(9999, 12, 30)


def test_sign_and_supplement_through_the_pages(client, org):
    contract = draft(org)
    client.force_login(org["rep1"])
    today = timezone.localdate()
    client.post(reverse("contract_sign", args=[contract.pk]), {"day": "2026-03-05"})
    contract.refresh_from_db()
    assert contract.status == "signed"
    unraised = list(contract.milestones.filter(receivable=None).order_by("sequence"))
    data = {
        "title": contract.title,
        "delivery_address": "上海市新地址",
        "acceptance_window_hours": 72,
        "warranty_months": 12,
        "penalty_daily_rate": "0.0005",
        "reason": "变更交货地址",
        "signed_on": today.isoformat(),
        "lines-TOTAL_FORMS": 1,
        "lines-INITIAL_FORMS": 1,
        "lines-0-description": "实施服务",
        "lines-0-unit": "项",
        "lines-0-quantity": "1",
        "lines-0-unit_price": "100000.00",
        "lines-0-discount": "0",
        "lines-0-tax_rate": "0.06",
        "milestones-TOTAL_FORMS": len(unraised),
        "milestones-INITIAL_FORMS": len(unraised),
    }
    for index, m in enumerate(unraised):
        data |= {
            f"milestones-{index}-name": m.name,
            f"milestones-{index}-percent": str(m.percent),
            f"milestones-{index}-trigger": m.trigger,
            f"milestones-{index}-offset": m.offset,
            f"milestones-{index}-offset_kind": m.offset_kind,
            f"milestones-{index}-retention": "on" if m.retention else "",
        }
    response = client.post(reverse("contract_supplement", args=[contract.pk]), data)
    ctx = response.context
    assert response.status_code == 302, (
        ctx["form"].errors,
        ctx["lines"].errors,
        ctx["formset"].errors,
    )
    agreement = SupplementaryAgreement.objects.get(contract=contract)
    assert (agreement.before, agreement.after) == (
        {"delivery_address": "北京市海淀区上地十街10号"},
        {"delivery_address": "上海市新地址"},
    )


def test_the_contract_pdf_is_chinese_with_capitals_and_page_numbers(client, org, poppler):  # noqa: F811
    contract = signed(org, total=D("123456.78"))
    client.force_login(org["rep1"])
    response = client.get(reverse("contract_pdf", args=[contract.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    flat = "".join(text.split())
    for part in (
        "大写：人民币壹拾贰万叁仟肆佰伍拾陆元柒角捌分",
        "第1页共",
        "甲方（买方）：rep1的签约客户有限公司",
        "乙方（卖方）：上海示例科技有限公司",
        "91110108551385082Q",
        "日万分之五（即每日0.05%）",
        "验收合格后5个工作日内",
        "叁万柒仟零叁拾柒元零叁分",  # 30% of the total, in the milestone table
    ):
        assert part in flat, part


def test_making_an_entity_the_default_takes_the_mark_off_the_other():
    first = our_entity()
    second = legal_entity_save(
        entity=LegalEntity(
            name="深圳示例有限公司",
            credit_code="914403001922038217",
            address="深圳",
            legal_representative="赵",
            default=True,
        )
    )
    first.refresh_from_db()
    assert (first.default, second.default) == (False, True)


@pytest.mark.parametrize(
    ("rate", "words"),
    [("0.0005", "五"), ("0.001", "十"), ("0.0001", "一"), ("0.00015", "1.5"), ("0.002", "20")],
)
def test_the_daily_penalty_reads_as_contracts_write_it(rate, words):
    assert per_ten_thousand(D(rate)) == words


def test_a_standalone_contract_is_drafted_on_its_page(client, org):
    our_entity()
    customer = buyer(org)
    client.force_login(org["rep1"])
    response = client.post(
        reverse("contract_create"),
        {
            "customer": customer.pk,
            "title": "",
            "delivery_address": "北京",
            "acceptance_window_hours": 72,
            "warranty_months": 12,
            "penalty_daily_rate": "0.0005",
            "lines-TOTAL_FORMS": 2,
            "lines-INITIAL_FORMS": 0,
            "lines-0-description": "实施服务",
            "lines-0-quantity": "3",
            "lines-0-unit_price": "99.99",
            "lines-0-discount": "0.05",
            "lines-0-tax_rate": "0.13",
            # the empty row as a browser sends it back: its defaults untouched
            "lines-1-unit": "台",
            "lines-1-discount": "0",
        },
    )
    assert response.status_code == 302, (
        response.context["form"].errors,
        response.context["lines"].errors,
    )
    contract = Contract.objects.get()
    assert response.url == contract.get_absolute_url()
    assert (contract.title, contract.total, contract.total_net, contract.total_tax) == (
        "销售合同",
        D("284.97"),
        D("252.19"),
        D("32.78"),
    )


def test_signing_submitted_twice_raises_one_receivable(client, org):
    contract = draft(org)
    client.force_login(org["rep1"])
    for _ in range(2):
        client.post(reverse("contract_sign", args=[contract.pk]), {"day": "2026-03-05"})
    page = client.get(contract.get_absolute_url()).content.decode()
    assert "该合同已签订。" in page
    assert contract.milestones.filter(receivable__isnull=False).count() == 1
