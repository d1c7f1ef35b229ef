"""连坐 (group joint liability): an overdue receivable of any member flags every member of its
group on the day; a setting may raise the trigger to a later ladder step."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from customers.models import CustomerGroup
from customers.services.customers import customer_create
from receivables.models import EscalationLevel, ReceivableSettings
from receivables.selectors.credit import flagged_groups, group_flagged
from receivables.services import payment_record

pytestmark = pytest.mark.django_db
AS_OF = date(2026, 11, 23)


@pytest.fixture
def group(org, buyer):
    """恒通集团: buyer (rep1), 恒通物流 (rep2) and 恒通贸易 (rep3); and 外部公司, in no group."""
    group = CustomerGroup.objects.create(name="恒通集团")
    members = {
        "buyer": buyer,
        "logistics": customer_create(actor=org["manager1"], owner=org["rep2"], name="恒通物流"),
        "trading": customer_create(actor=org["manager2"], owner=org["rep3"], name="恒通贸易"),
    }
    for member in members.values():
        member.group = group
        member.save()
    members["outsider"] = customer_create(actor=org["rep1"], name="外部公司")
    return members


def flags(members, as_of=AS_OF):
    return {name: group_flagged(customer=c, as_of=as_of) for name, c in members.items()}


def trigger_at_step(number: int) -> None:
    settings = ReceivableSettings.load()
    settings.group_flag_level = EscalationLevel.objects.order_by("from_days")[number - 1]
    settings.save()


def test_one_member_one_day_overdue_flags_every_member(group, invoice):
    invoice("AR-L1", AS_OF - timedelta(days=1), "1000", customer=group["logistics"])
    assert flags(group) == {"buyer": True, "logistics": True, "trading": True, "outsider": False}


def test_nothing_overdue_flags_nobody(group, invoice):
    invoice("AR-DUE-TODAY", AS_OF, "1000", customer=group["logistics"])  # due, not overdue
    invoice("AR-OUT", AS_OF - timedelta(days=200), "1000", customer=group["outsider"])
    assert flags(group) == {"buyer": False, "logistics": False, "trading": False, "outsider": False}
    assert flagged_groups(as_of=AS_OF) == set()


def test_a_partly_paid_item_still_flags_and_a_paid_one_does_not(org, group, invoice):
    invoice("AR-T1", AS_OF - timedelta(days=10), "1000", customer=group["trading"])
    pay = {"actor": org["finance1"], "customer": group["trading"], "method": "transfer"}
    payment_record(**pay, date=AS_OF - timedelta(days=2), amount=Decimal("999.99"))
    assert flags(group)["buyer"] is True
    payment_record(**pay, date=AS_OF - timedelta(days=1), amount=Decimal("0.01"))
    assert flags(group) == {"buyer": False, "logistics": False, "trading": False, "outsider": False}


def test_the_flag_is_as_of_the_day(org, group, invoice):
    invoice("AR-T1", AS_OF - timedelta(days=10), "1000", customer=group["trading"])
    payment_record(
        actor=org["finance1"],
        customer=group["trading"],
        date=AS_OF,
        amount=Decimal("1000"),
        method="transfer",
    )
    assert flags(group, as_of=AS_OF - timedelta(days=1))["logistics"] is True  # not paid yet
    assert flags(group)["logistics"] is False
    assert flags(group, as_of=AS_OF - timedelta(days=10))["logistics"] is False  # due that day


def test_a_later_trigger_step_waits_for_that_steps_days(group, invoice):
    trigger_at_step(3)  # 律师函, from 61 days overdue
    invoice("AR-B60", AS_OF - timedelta(days=60), "1000")
    assert flags(group) == {"buyer": False, "logistics": False, "trading": False, "outsider": False}
    assert flags(group, as_of=AS_OF + timedelta(days=1)) == {
        "buyer": True,
        "logistics": True,
        "trading": True,
        "outsider": False,
    }


def test_customer_page_shows_the_flag_on_a_sister_company(client, org, group, invoice):
    invoice("AR-B5", timezone.localdate() - timedelta(days=5), "1000")
    client.force_login(org["rep2"])
    html = client.get(reverse("customer_detail", args=[group["logistics"].pk])).content.decode()
    assert "集团连坐：同一集团的关联公司有逾期应收" in html
