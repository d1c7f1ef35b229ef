"""Demo receivables for seed_demo: invoices over the last months in every aging bucket, partial
and full payments, a voided payment, then the escalation ladder and 30 days of aging snapshots.
Deterministic and idempotent (customers that already have receivables are skipped)."""

import random
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from customers.models import Customer
from receivables import jobs, services
from receivables.models import Receivable
from salesops.accounts.models import User


@transaction.atomic
def seed_receivables(*, today=None) -> int:
    today = today or timezone.localdate()
    finance = User.objects.get(username="finance1")
    created = 0
    customers = Customer.objects.filter(receivables__isnull=True, tier__in="ABC").order_by("name")
    for customer in customers:
        rng = random.Random(f"ar-{customer.name}")  # noqa: S311 - demo data
        for index in range(rng.randint(1, 4)):
            issue = today - timedelta(days=rng.randint(5, 200))
            amount = Decimal(rng.randrange(20_000, 800_000, 1_000))
            receivable = services.receivable_create(
                actor=finance,
                customer=customer,
                number=f"AR{customer.pk:04d}-{index + 1}",
                issue_date=issue,
                due_date=issue + timedelta(days=customer.payment_terms_days),
                amount=amount,
                kind=Receivable.Kind.RETENTION if rng.random() < 0.1 else Receivable.Kind.NORMAL,
                source="opening" if issue < today - timedelta(days=150) else "manual",
            )
            created += 1
            share = rng.choice([0, 0, Decimal("0.3"), Decimal("0.5"), 1, 1])
            paid = (amount * Decimal(share)).quantize(Decimal("0.01"))
            paid_on = min(receivable.due_date + timedelta(days=rng.randint(-10, 40)), today)
            if paid > 0 and paid_on >= issue:
                services.payment_record(
                    actor=finance,
                    customer=customer,
                    date=paid_on,
                    amount=paid,
                    method=rng.choice(["transfer", "transfer", "bill"]),
                    reference=f"BANK{rng.randint(10000, 99999)}",
                )
    # One payment recorded twice by mistake and voided, to show the audit trail.
    sample = Receivable.objects.filter(number__endswith="-1").order_by("pk").first()
    if created and sample is not None:
        mistake = services.payment_record(
            actor=finance,
            customer=sample.customer,
            date=today,
            amount=Decimal("1000.00"),
            method="cash",
            allocate=False,
        )
        services.payment_void(actor=finance, payment=mistake, reason="重复录入")
    if created:
        jobs.receivable_escalate(as_of=today)
        for days_ago in range(30, -1, -1):
            jobs.aging_snapshot_take(as_of=today - timedelta(days=days_ago))
    return created
