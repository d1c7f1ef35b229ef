"""Migration 0005: existing customers get their last on-site visit and next visit due."""

from datetime import date, datetime
from importlib import import_module
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from customers.models import Customer
from tests.factories import CustomerFactory, FollowUpFactory

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
migration = import_module("customers.migrations.0005_visit_cadence")


def test_existing_rows_get_last_visit_and_next_visit_due_in_a_few_statements(org, monkeypatch):
    # Given customers as they were before visits had a cadence (both columns empty)
    since = datetime(2026, 11, 1, 9, 0, tzinfo=SH)
    a = CustomerFactory(name="甲", owner=org["rep1"], owner_since=since, tier="A")
    b = CustomerFactory(name="乙", owner=org["rep1"], owner_since=since, tier="B")
    d = CustomerFactory(name="丁", owner=org["rep1"], owner_since=since, tier="D")
    for when, channel in (
        (datetime(2026, 11, 5, 10, 0, tzinfo=SH), "visit"),
        (datetime(2026, 11, 9, 0, 30, tzinfo=SH), "visit"),
        (datetime(2026, 11, 19, 10, 0, tzinfo=SH), "phone"),
    ):
        FollowUpFactory(customer=a, occurred_at=when, channel=channel)
    FollowUpFactory(
        customer=d, occurred_at=datetime(2026, 11, 3, 10, 0, tzinfo=SH), channel="visit"
    )
    Customer.objects.update(last_visit_at=None, next_visit_due=None)
    monkeypatch.setattr(timezone, "localdate", lambda *args: date(2026, 11, 20))
    # When the migration's data step runs
    with CaptureQueriesContext(connection) as queries:
        migration.compute_visit_cadence(apps, None)
    # Then: the latest visit (the call does not count), due per tier; D none
    got = {
        c.name: (c.last_visit_at, c.next_visit_due)
        for c in Customer.objects.filter(pk__in=[a.pk, b.pk, d.pk])
    }
    assert got == {
        "甲": (datetime(2026, 11, 9, 0, 30, tzinfo=SH), date(2026, 11, 16)),  # A: 7 days
        "乙": (None, date(2026, 11, 15)),  # B: 14 days from ownership
        "丁": (datetime(2026, 11, 3, 10, 0, tzinfo=SH), None),
    }
    # One UPDATE for the last visits, one per tier rule: no loop over the customers
    updates = [q for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    assert len(updates) == 5
