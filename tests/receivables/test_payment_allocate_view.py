"""The allocation form on the payment page: exact refusals, typed amounts kept, headed table."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from receivables.models import Allocation, Payment
from receivables.services import payment_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def payment(org, buyer, invoice):
    invoice("AR-1", date(2026, 9, 1), "3000")
    invoice("AR-2", date(2026, 10, 1), "12345.60")
    return payment_record(
        actor=org["finance1"],
        customer=buyer,
        date=date(2026, 11, 20),
        amount=Decimal("4000"),
        method="transfer",
        allocate=False,
    )


def amount_field(payment, number):
    return f"amount_{payment.customer.receivables.get(number=number).pk}"


def test_allocation_table_has_column_headers(client, org, payment):
    client.force_login(org["finance1"])
    html = client.get(reverse("payment_detail", args=[payment.pk])).content.decode()
    table = html[html.index('data-testid="allocation-table"') :]
    head = table[table.index("<thead>") : table.index("</thead>")]
    for header in ("应收单", "到期日", "未收余额", "本次核销金额"):
        assert f">{header}</th>" in head


def test_amount_beyond_the_balance_names_the_balance_and_keeps_what_was_typed(client, org, payment):
    client.force_login(org["finance1"])
    response = client.post(
        reverse("payment_allocate", args=[payment.pk]),
        {amount_field(payment, "AR-1"): "3000.01", amount_field(payment, "AR-2"): "999"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "应收 AR-1 只剩 ¥3,000.00 未收，输入的是 ¥3,000.01。" in html
    assert 'value="3000.01"' in html
    assert 'value="999"' in html
    assert not Allocation.objects.exists()
    assert Payment.objects.get().allocated == 0


def test_sum_beyond_the_payment_names_the_payment_remainder(client, org, payment):
    client.force_login(org["finance1"])
    response = client.post(
        reverse("payment_allocate", args=[payment.pk]),
        {amount_field(payment, "AR-1"): "3000", amount_field(payment, "AR-2"): "1000.01"},
    )
    html = response.content.decode()
    assert "输入的金额合计 ¥4,000.01，该笔回款只剩 ¥4,000.00 未核销。" in html
    assert 'value="1000.01"' in html
    assert not Allocation.objects.exists()


def test_unreadable_amount_names_the_receivable(client, org, payment):
    client.force_login(org["finance1"])
    response = client.post(
        reverse("payment_allocate", args=[payment.pk]),
        {amount_field(payment, "AR-2"): "一千"},
    )
    html = response.content.decode()
    assert "应收 AR-2：请输入金额（元），例如 1200.50。" in html
    assert 'value="一千"' in html
    assert not Allocation.objects.exists()


def test_amounts_with_thousands_separators_are_accepted(client, org, payment):
    client.force_login(org["finance1"])
    response = client.post(
        reverse("payment_allocate", args=[payment.pk]),
        {amount_field(payment, "AR-2"): "1,500.50"},
    )
    assert response.status_code == 302
    assert Allocation.objects.get().amount == Decimal("1500.50")


def test_recorded_payment_message_groups_thousands(client, org, buyer, invoice):
    invoice("AR-1", date(2026, 9, 1), "3000")
    client.force_login(org["finance1"])
    response = client.post(
        reverse("payment_create"),
        {
            "customer": buyer.pk,
            "date": "2026-11-20",
            "amount": "12345.6",
            "method": "transfer",
            "allocate": "on",
            "submission_key": "6b1c1d4e-2f6a-4a51-9d7e-0c6f1f2a3b4c",
        },
        follow=True,
    )
    assert "已录入回款 ¥12,345.60，核销 ¥3,000.00。" in response.content.decode()
