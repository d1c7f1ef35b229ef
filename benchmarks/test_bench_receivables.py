"""Aging page and collection export on a realistic book: 2,000 customers, 20,000 receivables,
8,000 payments with allocations. Prints timings (pytest-benchmark) and query counts."""

import random
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from customers.models import Customer
from receivables.models import Allocation, Payment, Receivable
from receivables.selectors.aging import aging_report

AS_OF = date(2026, 11, 23)
CUSTOMERS, RECEIVABLES, PAYMENTS = 2_000, 20_000, 8_000


@pytest.fixture(scope="module")
def book(django_db_setup, django_db_blocker):
    from tests.factories import TeamFactory, UserFactory

    rng = random.Random(7)
    with django_db_blocker.unblock():
        manager = UserFactory(username="bench-manager", role="manager")
        team = TeamFactory(name="压测团队", manager=manager)
        reps = [UserFactory(username=f"bench-rep{i}", role="rep", team=team) for i in range(20)]
        finance = UserFactory(username="bench-finance", role="finance")
        now = timezone.now()
        customers = Customer.objects.bulk_create(
            Customer(name=f"压测客户{i:05d}有限公司", owner=reps[i % 20], owner_since=now)
            for i in range(CUSTOMERS)
        )
        issued = [AS_OF - timedelta(days=rng.randint(10, 400)) for _ in range(RECEIVABLES)]
        receivables = Receivable.objects.bulk_create(
            Receivable(
                customer=customers[i % CUSTOMERS],
                number=f"B{i:06d}",
                issue_date=issued[i],
                due_date=issued[i] + timedelta(days=rng.choice([30, 60, 90])),
                amount=Decimal("10000"),
            )
            for i in range(RECEIVABLES)
        )
        payments = Payment.objects.bulk_create(
            Payment(
                customer=receivables[i].customer,
                date=AS_OF - timedelta(days=5),
                amount=Decimal("4000"),
                allocated=Decimal("4000"),
                method="transfer",
                recorded_by=finance,
            )
            for i in range(PAYMENTS)
        )
        Allocation.objects.bulk_create(
            Allocation(payment=payments[i], receivable=receivables[i], amount=Decimal("4000"))
            for i in range(PAYMENTS)
        )
        Receivable.objects.filter(pk__in=[r.pk for r in receivables[:PAYMENTS]]).update(
            allocated=Decimal("4000")
        )
    yield {"finance": finance, "manager": manager}
    with django_db_blocker.unblock():
        Allocation.objects.all().delete()
        Payment.objects.all().delete()
        Receivable.objects.all().delete()
        Customer.objects.all().delete()


def report_queries(label, func):
    with CaptureQueriesContext(connection) as queries:
        result = func()
    print(f"\n{label}: {len(queries.captured_queries)} queries")
    return result


@pytest.mark.django_db
def test_bench_aging_report_by_customer(benchmark, book):
    report = benchmark(lambda: aging_report(user=book["finance"], as_of=AS_OF))
    report_queries("aging_report", lambda: aging_report(user=book["finance"], as_of=AS_OF))
    assert len(report.rows) == CUSTOMERS
    print(f"outstanding ¥{report.totals.total:,.2f} over {len(report.rows)} customers")


@pytest.mark.django_db
def test_bench_aging_page(benchmark, book, client):
    client.force_login(book["finance"])
    url = reverse("aging") + f"?as_of={AS_OF}&group_by=owner"
    response = benchmark(lambda: client.get(url))
    assert response.status_code == 200


@pytest.mark.django_db
def test_bench_aging_export(benchmark, book, client):
    client.force_login(book["finance"])
    url = reverse("aging_export") + f"?as_of={AS_OF}&group_by=customer"
    response = benchmark.pedantic(lambda: client.get(url), rounds=3, iterations=1)
    print(f"aging export: {len(response.content):,} bytes")


@pytest.mark.django_db
def test_bench_collection_export(benchmark, book, client):
    client.force_login(book["manager"])
    url = reverse("collections_export") + f"?as_of={AS_OF}"
    response = benchmark.pedantic(lambda: client.get(url), rounds=3, iterations=1)
    rows = report_queries("collection export", lambda: client.get(url))
    assert rows.status_code == 200
    print(f"collection export: {response['Content-Length']} bytes")
