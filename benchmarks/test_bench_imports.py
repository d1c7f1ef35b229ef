"""The customer import at its size limit's half: a realistic 10,000-row file (every column
filled, a credit code on every other row), previewed and applied. Prints timings and query
counts; the targets are a preview under 3 s and an apply without per-row queries."""

from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from customers.imports import customer_import_apply, customer_import_plan
from customers.models import Customer, OwnershipEvent
from salesops.core.excel import open_worksheet
from tests.customers.xlsx_helpers import customer_rows, xlsx_bytes

ROWS = 10_000


@pytest.fixture
def team(org):
    return org["manager1"], ["rep1", "rep2"]


@pytest.fixture
def content(team):
    return xlsx_bytes(customer_rows(ROWS, team[1]))


def plan_of(manager, content):
    return customer_import_plan(actor=manager, worksheet=open_worksheet(BytesIO(content)))


def queries_of(label, func):
    with CaptureQueriesContext(connection) as queries:
        result = func()
    print(f"\n{label}: {len(queries.captured_queries)} queries")
    return result


@pytest.mark.django_db
def test_bench_customer_import_preview(benchmark, team, content):
    manager, _owners = team
    plan = benchmark.pedantic(lambda: plan_of(manager, content), rounds=3, iterations=1)
    queries_of("preview", lambda: plan_of(manager, content))
    assert plan.ok, plan.problems[:5]
    assert plan.creates == ROWS


@pytest.mark.django_db
def test_bench_customer_import_apply_creates(benchmark, team, content):
    manager, _owners = team
    plan = plan_of(manager, content)

    def clear():
        OwnershipEvent.objects.all().delete()
        Customer.history.all().delete()
        Customer.objects.all().delete()
        return (), {}

    result = benchmark.pedantic(
        lambda: customer_import_apply(actor=manager, plan=plan), setup=clear, rounds=1
    )
    assert result == (ROWS, 0)
    clear()
    queries_of("apply (creates)", lambda: customer_import_apply(actor=manager, plan=plan))


@pytest.mark.django_db
def test_bench_customer_import_apply_updates(benchmark, team, content):
    manager, _owners = team
    customer_import_apply(actor=manager, plan=plan_of(manager, content))
    plan = plan_of(manager, content)
    assert plan.updates == ROWS
    result = benchmark.pedantic(
        lambda: customer_import_apply(actor=manager, plan=plan), rounds=1, iterations=1
    )
    assert result == (0, ROWS)
    queries_of("apply (updates)", lambda: customer_import_apply(actor=manager, plan=plan))
