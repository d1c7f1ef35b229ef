"""Event and history tables are written only by their services: admin shows them, never edits."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import RequestFactory

pytestmark = pytest.mark.django_db

EVENT_TABLES = [
    "customers.OwnershipEvent",
    "customers.TierChange",
    "customers.RetierRun",
    "opportunities.StageChange",
    "receivables.EscalationEvent",
    "receivables.CreditHoldEvent",
    "receivables.AgingSnapshot",
    "core.Heartbeat",
    "core.ImportRun",
]


@pytest.mark.parametrize("label", EVENT_TABLES)
def test_event_table_is_read_only_in_admin_even_for_an_administrator(label, org):
    model = apps.get_model(label)
    request = RequestFactory().get("/admin/")
    request.user = org["admin"]
    model_admin = admin.site._registry.get(model)

    assert model_admin is not None, f"{label} is not in admin"
    assert (
        model_admin.has_add_permission(request),
        model_admin.has_change_permission(request),
        model_admin.has_delete_permission(request),
        model_admin.has_view_permission(request),
    ) == (False, False, False, True)
