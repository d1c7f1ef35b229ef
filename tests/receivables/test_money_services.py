"""Payments, allocation, voids and write-offs: the money rules, and that refusals write nothing."""

import uuid
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from receivables.models import Allocation, Payment, Receivable
from receivables.services import (
    AllocationRequest,
    payment_allocate,
    payment_allocate_oldest_first,
    payment_record,
    payment_void,
    receivable_create,
    receivable_write_off,
)
from salesops.core.errors import NotPermitted

pytestmark = pytest.mark.django_db
D = Decimal


def pay(org, buyer, amount, *, allocate=True, key=None, on=date(2026, 11, 20)):
    return payment_record(
        actor=org["finance1"],
        customer=buyer,
        date=on,
        amount=D(amount),
        method="transfer",
        allocate=allocate,
        submission_key=key,
    )


def test_payment_goes_to_the_oldest_due_first(org, buyer, invoice):
    old = invoice("AR-1", date(2026, 9, 1), "3000")
    new = invoice("AR-2", date(2026, 10, 1), "5000")
    payment = pay(org, buyer, "4000")
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.balance, new.balance, payment.unallocated) == (D("0.00"), D("4000.00"), D("0.00"))
    assert list(Allocation.objects.values_list("receivable__number", "amount")) == [
        ("AR-1", D("3000.00")),
        ("AR-2", D("1000.00")),
    ]


def test_a_payment_larger_than_what_is_open_keeps_the_rest_unallocated(org, buyer, invoice):
    invoice("AR-1", date(2026, 9, 1), "3000")
    payment = pay(org, buyer, "5000")
    assert (payment.allocated, payment.unallocated) == (D("3000.00"), D("2000.00"))


def test_finance_chooses_the_allocation(org, buyer, invoice):
    old = invoice("AR-1", date(2026, 9, 1), "3000")
    new = invoice("AR-2", date(2026, 10, 1), "5000")
    payment = pay(org, buyer, "4000", allocate=False)
    payment_allocate(
        actor=org["finance1"],
        payment=payment,
        requests=[AllocationRequest(new, D("2500")), AllocationRequest(old, D("1000"))],
    )
    old.refresh_from_db()
    new.refresh_from_db()
    payment.refresh_from_db()
    assert (old.balance, new.balance, payment.unallocated) == (D("2000"), D("2500"), D("500"))


@pytest.mark.parametrize(
    ("requests", "message"),
    [
        # Beyond the receivable's balance: the balance is the figure named.
        ([("AR-1", "3000.01")], "应收 AR-1 只剩 ¥3,000.00 未收，输入的是 ¥3,000.01。"),
        # Beyond the payment: the sum against the remainder the page shows, not what is left
        # after the first row.
        (
            [("AR-1", "3000"), ("AR-2", "1000.01")],
            "输入的金额合计 ¥4,000.01，该笔回款只剩 ¥4,000.00 未核销。",
        ),
        ([("AR-2", "4500")], "该笔回款只剩 ¥4,000.00 未核销，输入的是 ¥4,500.00。"),
        # Both exceeded: the tighter limit (the receivable's 3,000 < the payment's 4,000).
        ([("AR-1", "4500")], "应收 AR-1 只剩 ¥3,000.00 未收，输入的是 ¥4,500.00。"),
        # The same receivable twice: the second row meets what the first left.
        (
            [("AR-1", "2000"), ("AR-1", "1500")],
            "应收 AR-1 只剩 ¥1,000.00 未收，输入的是 ¥1,500.00。",
        ),
        ([("AR-1", "0")], "金额必须大于零。"),
        ([("AR-1", "-5")], "金额必须大于零。"),
    ],
)
def test_over_allocation_is_refused_whole(org, buyer, invoice, requests, message):
    receivables = {
        "AR-1": invoice("AR-1", date(2026, 9, 1), "3000"),
        "AR-2": invoice("AR-2", date(2026, 10, 1), "5000"),
    }
    payment = pay(org, buyer, "4000", allocate=False)
    with pytest.raises(ValidationError) as refused:
        payment_allocate(
            actor=org["finance1"],
            payment=payment,
            requests=[AllocationRequest(receivables[n], D(a)) for n, a in requests],
        )
    assert refused.value.messages == [message]
    assert not Allocation.objects.exists()
    payment.refresh_from_db()
    assert payment.allocated == 0
    assert set(Receivable.objects.values_list("allocated", flat=True)) == {D("0.00")}


def test_another_customers_receivable_cannot_be_paid(org, buyer, invoice):
    from customers.services.customers import customer_create

    other = customer_create(actor=org["rep2"], name="别家公司")
    theirs = invoice("AR-X", date(2026, 9, 1), "1000", customer=other)
    payment = pay(org, buyer, "1000", allocate=False)
    with pytest.raises(ValidationError):
        payment_allocate(
            actor=org["finance1"], payment=payment, requests=[AllocationRequest(theirs, D("100"))]
        )
    assert not Allocation.objects.exists()


def test_the_database_refuses_over_allocation_even_without_the_service(org, buyer, invoice):
    receivable = invoice("AR-1", date(2026, 9, 1), "3000")
    with pytest.raises(IntegrityError), transaction.atomic():
        Receivable.objects.filter(pk=receivable.pk).update(allocated=D("3000.01"))
    payment = pay(org, buyer, "100", allocate=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.filter(pk=payment.pk).update(allocated=D("100.01"))


def test_double_submitted_form_records_one_payment(org, buyer, invoice):
    invoice("AR-1", date(2026, 9, 1), "3000")
    key = uuid.uuid4()
    first = pay(org, buyer, "1000", key=key)
    second = pay(org, buyer, "1000", key=key)
    assert first.pk == second.pk
    assert Payment.objects.count() == 1
    assert Receivable.objects.get().allocated == D("1000.00")


def test_void_reverses_allocations_and_keeps_the_record(org, buyer, invoice):
    receivable = invoice("AR-1", date(2026, 9, 1), "3000")
    payment = pay(org, buyer, "1000")
    with pytest.raises(ValidationError):
        payment_void(actor=org["finance1"], payment=payment, reason=" ")
    payment_void(actor=org["finance1"], payment=payment, reason="银行退票")
    receivable.refresh_from_db()
    payment.refresh_from_db()
    assert receivable.balance == D("3000.00")
    assert (payment.allocated, payment.void_reason, payment.voided_by) == (
        0,
        "银行退票",
        org["finance1"],
    )
    allocation = Allocation.objects.get()
    assert allocation.reversed_at is not None  # kept, marked reversed
    with pytest.raises(ValidationError):
        payment_void(actor=org["finance1"], payment=payment, reason="再次")
    with pytest.raises(ValidationError):
        payment_allocate_oldest_first(actor=org["finance1"], payment=payment)


def test_write_off_needs_a_reason_and_stays_within_the_balance(org, buyer, invoice):
    receivable = invoice("AR-1", date(2026, 1, 10), "3000")
    pay(org, buyer, "1000")
    with pytest.raises(ValidationError):
        receivable_write_off(
            actor=org["finance1"],
            receivable=receivable,
            amount=D("2000.01"),
            reason="破产",
            on=date(2026, 11, 1),
        )
    with pytest.raises(ValidationError):
        receivable_write_off(
            actor=org["finance1"],
            receivable=receivable,
            amount=D("100"),
            reason="",
            on=date(2026, 11, 1),
        )
    receivable_write_off(
        actor=org["finance1"],
        receivable=receivable,
        amount=D("2000"),
        reason="客户破产清算",
        on=date(2026, 11, 1),
    )
    receivable.refresh_from_db()
    assert (receivable.balance, receivable.written_off) == (D("0.00"), D("2000.00"))


@pytest.mark.parametrize("who", ["rep1", "manager1"])
def test_only_finance_and_admin_record_money(org, buyer, invoice, who):
    invoice("AR-1", date(2026, 9, 1), "3000")
    with pytest.raises(NotPermitted):
        payment_record(
            actor=org[who], customer=buyer, date=date(2026, 11, 1), amount=D("1"), method="cash"
        )
    assert not Payment.objects.exists()


def test_payment_in_the_future_is_refused(org, buyer):
    with pytest.raises(ValidationError) as exc:
        pay(org, buyer, "100", on=date(2999, 1, 1))
    assert "date" in exc.value.message_dict
    assert not Payment.objects.exists()


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("1e30", "请输入金额（元）。"),  # quantize would need 33 digits: InvalidOperation
        ("1" * 29, "请输入金额（元）。"),
        ("12.345", "请输入最多两位小数的金额（元）。"),
    ],
)
def test_an_amount_too_long_to_quantize_is_refused_with_a_message(org, buyer, typed, message):
    with pytest.raises(ValidationError) as exc:
        pay(org, buyer, typed)
    assert exc.value.message_dict == {"amount": [message]}
    assert not Payment.objects.exists()


def committed_deal(org, buyer, amount):
    from opportunities.models import FunnelStage
    from tests.factories import OpportunityFactory

    return OpportunityFactory(
        customer=buyer, owner=org["rep1"], amount=D(amount), stage=FunnelStage.objects.get(level=5)
    )


def link(deal, *receivables):
    Receivable.objects.filter(pk__in=[r.pk for r in receivables]).update(opportunity=deal)


def test_collecting_a_committed_deal_moves_it_to_level_6(org, buyer, invoice):
    deal = committed_deal(org, buyer, "5000")
    link(
        deal, invoice("AR-1", date(2026, 9, 1), "3000"), invoice("AR-2", date(2026, 10, 1), "2000")
    )
    pay(org, buyer, "3000")
    deal.refresh_from_db()
    assert deal.stage.level == 5  # the retention part is still open
    pay(org, buyer, "2000")
    deal.refresh_from_db()
    assert (deal.stage.level, deal.status) == (6, "won")


def test_a_deal_invoiced_only_in_part_is_not_fully_collected(org, buyer, invoice):
    deal = committed_deal(org, buyer, "10000")
    link(deal, invoice("AR-1", date(2026, 9, 1), "3000"))  # the 30 % on signing
    pay(org, buyer, "3000")
    deal.refresh_from_db()
    assert deal.stage.level == 5


def test_written_off_debt_is_not_collection(org, buyer, invoice):
    deal = committed_deal(org, buyer, "2000")
    first = invoice("AR-1", date(2026, 9, 1), "1000")
    second = invoice("AR-2", date(2026, 9, 1), "1000")
    link(deal, first, second)
    receivable_write_off(
        actor=org["finance1"],
        receivable=first,
        amount=D("1000"),
        reason="客户破产",
        on=date(2026, 11, 1),
    )
    pay(org, buyer, "1000")
    deal.refresh_from_db()
    assert deal.stage.level == 5


def test_voiding_the_payment_that_completed_a_deal_takes_it_back_to_level_5(org, buyer, invoice):
    deal = committed_deal(org, buyer, "1000")
    link(deal, invoice("AR-1", date(2026, 9, 1), "1000"))
    payment = pay(org, buyer, "1000")
    deal.refresh_from_db()
    assert deal.stage.level == 6
    payment_void(actor=org["finance1"], payment=payment, reason="银行退票")
    deal.refresh_from_db()
    assert (deal.stage.level, deal.status, deal.closed_at) == (5, "open", None)


def test_write_off_dates_must_be_real(org, buyer, invoice):
    receivable = invoice("AR-1", date(2026, 9, 1), "1000", issued=date(2026, 8, 1))
    for on in (date(2026, 7, 31), date(2999, 1, 1)):
        with pytest.raises(ValidationError) as exc:
            receivable_write_off(
                actor=org["finance1"], receivable=receivable, amount=D("10"), reason="x", on=on
            )
        assert "date" in exc.value.message_dict
    receivable.refresh_from_db()
    assert receivable.written_off == 0


def test_a_receivable_keeps_the_contracts_penalty_rate_and_refuses_a_negative_one(org, buyer):
    def create(number, rate):
        return receivable_create(
            actor=org["finance1"],
            customer=buyer,
            number=number,
            issue_date=date(2026, 1, 1),
            due_date=date(2026, 2, 1),
            amount=D("1000.00"),
            penalty_daily_rate=rate,
        )

    assert create("AR-RATE-1", D("0.0008")).penalty_daily_rate == D("0.000800")
    assert create("AR-RATE-2", None).penalty_daily_rate is None  # the settings' rate applies
    with pytest.raises(ValidationError) as refused:
        create("AR-RATE-3", D("-0.0001"))
    assert "penalty_daily_rate" in refused.value.message_dict
    assert not Receivable.objects.filter(number="AR-RATE-3").exists()
