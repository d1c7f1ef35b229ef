"""Concurrency on real PostgreSQL: threads started together never over-allocate money and a
double-submitted form records one payment. Row locks (SELECT ... FOR UPDATE) do the work; the
CHECK constraints would reject anything they let through."""

import uuid
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Sum

from customers.services.customers import customer_create
from receivables.models import Allocation, Payment, Receivable
from receivables.services import (
    AllocationRequest,
    payment_allocate,
    payment_record,
    receivable_create,
)
from tests.threads import run_together

pytestmark = pytest.mark.django_db(transaction=True)
D = Decimal


@pytest.fixture
def postgres():
    if connection.vendor != "postgresql":
        from tests.conftest import service_missing

        service_missing("concurrency tests need PostgreSQL row locks (set DATABASE_URL)")


@pytest.fixture
def book(org, postgres):
    buyer = customer_create(actor=org["manager1"], owner=org["rep1"], name="并发测试客户")
    for index in range(5):
        receivable_create(
            actor=org["finance1"],
            customer=buyer,
            number=f"AR-{index}",
            issue_date=date(2026, 1, 1),
            due_date=date(2026, 2, index + 1),
            amount=D("1000"),
        )
    return buyer


def test_fifty_concurrent_payments_never_over_allocate(org, book):
    finance = org["finance1"]

    def record(index):
        return payment_record(
            actor=finance,
            customer=book,
            date=date(2026, 11, 20),
            amount=D("150.00"),
            method="transfer",
            submission_key=uuid.uuid4(),
        )

    results, errors = run_together(50, record)
    assert errors == []
    assert len(results) == Payment.objects.count() == 50
    # 50 × 150 = 7500 received, 5000 open: every receivable full, 2500 left unallocated.
    assert (
        list(Receivable.objects.order_by("number").values_list("allocated", flat=True))
        == [D("1000.00")] * 5
    )
    assert Payment.objects.aggregate(t=Sum("allocated"))["t"] == D("5000.00")
    assert Allocation.objects.aggregate(t=Sum("amount"))["t"] == D("5000.00")
    for payment in Payment.objects.all():
        assert payment.allocated <= payment.amount


def test_twenty_concurrent_allocations_of_one_payment_never_exceed_it(org, book):
    finance = org["finance1"]
    payment = payment_record(
        actor=finance,
        customer=book,
        date=date(2026, 11, 20),
        amount=D("2500.00"),
        method="transfer",
        allocate=False,
    )
    receivables = list(Receivable.objects.order_by("number"))

    def allocate(index):
        target = receivables[index % 5]
        return payment_allocate(
            actor=finance, payment=payment, requests=[AllocationRequest(target, D("300.00"))]
        )

    results, errors = run_together(20, allocate)
    payment.refresh_from_db()
    # 2500 / 300 → at most 8 allocations fit; each receivable takes at most 3 (900 ≤ 1000).
    assert len(results) == 8
    assert len(errors) == 12
    assert all(isinstance(e, ValidationError) for e in errors)
    assert payment.allocated == D("2400.00")
    assert Allocation.objects.aggregate(t=Sum("amount"))["t"] == D("2400.00")
    for receivable in Receivable.objects.all():
        assert receivable.allocated <= receivable.amount
        assert receivable.allocated == sum(a.amount for a in receivable.allocations.all())


def test_a_form_submitted_ten_times_at_once_records_one_payment(org, book):
    key = uuid.uuid4()
    finance = org["finance1"]

    def submit(index):
        return payment_record(
            actor=finance,
            customer=book,
            date=date(2026, 11, 20),
            amount=D("800.00"),
            method="transfer",
            submission_key=key,
        ).pk

    results, errors = run_together(10, submit)
    assert errors == []
    assert len(set(results)) == 1
    assert Payment.objects.count() == 1
    assert Receivable.objects.aggregate(t=Sum("allocated"))["t"] == D("800.00")


def test_four_ladder_runs_at_once_record_each_step_once_and_send_one_digest_each(org, book):
    from receivables import jobs
    from receivables.models import CreditHoldEvent, EscalationEvent
    from salesops.core.models import Notification

    results, errors = run_together(4, lambda _i: jobs.receivable_escalate(as_of=date(2026, 11, 23)))
    assert errors == []
    # 5 items about 290 days overdue: step 4 applied, steps 1-3 skipped, each exactly once
    assert EscalationEvent.objects.count() == 20
    assert EscalationEvent.objects.filter(status="applied", level__from_days=91).count() == 5
    assert sorted(r.steps for r in results) == [0, 0, 0, 5]
    assert sorted(r.digests for r in results) == [0, 0, 0, 2]
    assert list(
        Notification.objects.values_list("recipient__username", flat=True).order_by(
            "recipient__username"
        )
    ) == ["manager1", "rep1"]
    assert CreditHoldEvent.objects.count() == 1
