"""Sales targets: set by the rep's manager; changes only through approved, reasoned requests."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from opportunities.models import SalesTarget, TargetAdjustment
from opportunities.services import target_adjustment_decide, target_adjustment_request, target_set

pytestmark = pytest.mark.django_db
Q4 = date(2026, 10, 1)


@pytest.fixture
def target(org):
    return target_set(
        actor=org["manager1"],
        owner=org["rep1"],
        period="quarter",
        period_start=Q4,
        sales_target=Decimal("3000000"),
        collection_target=Decimal("2700000"),
    )


def test_only_the_reps_manager_or_admin_sets_targets(org, target):
    with pytest.raises(PermissionError):
        target_set(
            actor=org["manager2"],
            owner=org["rep1"],
            period="year",
            period_start=date(2026, 1, 1),
            sales_target=Decimal("1"),
        )
    with pytest.raises(PermissionError):
        target_set(
            actor=org["rep1"],
            owner=org["rep1"],
            period="year",
            period_start=date(2026, 1, 1),
            sales_target=Decimal("1"),
        )
    with pytest.raises(ValidationError):
        target_set(
            actor=org["admin"],
            owner=org["rep1"],
            period="quarter",
            period_start=Q4,
            sales_target=Decimal("1"),
        )
    assert SalesTarget.objects.count() == 1


def test_an_adjustment_needs_a_reason_and_changes_nothing_until_approved(org, target):
    with pytest.raises(ValidationError):
        target_adjustment_request(
            actor=org["rep1"],
            target=target,
            field="sales_target",
            new_value=Decimal("2500000"),
            reason="  ",
        )
    request = target_adjustment_request(
        actor=org["rep1"],
        target=target,
        field="sales_target",
        new_value=Decimal("2500000"),
        reason="大客户项目延期",
    )
    target.refresh_from_db()
    assert target.sales_target == Decimal("3000000.00")
    assert (request.old_value, request.state) == (Decimal("3000000.00"), "pending")


def test_the_manager_approves_and_history_keeps_both_values(org, target):
    request = target_adjustment_request(
        actor=org["rep1"],
        target=target,
        field="sales_target",
        new_value=Decimal("2500000"),
        reason="项目延期",
    )
    target_adjustment_decide(actor=org["manager1"], adjustment=request, approve=True)
    target.refresh_from_db()
    assert target.sales_target == Decimal("2500000.00")
    assert [h.sales_target for h in target.history.order_by("history_date")] == [
        Decimal("3000000.00"),
        Decimal("2500000.00"),
    ]
    with pytest.raises(ValidationError):
        target_adjustment_decide(actor=org["manager1"], adjustment=request, approve=False)


def test_rejection_keeps_the_target_and_nobody_approves_their_own_request(org, target):
    own = target_adjustment_request(
        actor=org["manager1"],
        target=target,
        field="collection_target",
        new_value=Decimal("1"),
        reason="试试",
    )
    with pytest.raises(PermissionError):
        target_adjustment_decide(actor=org["manager1"], adjustment=own, approve=True)
    with pytest.raises(PermissionError):
        target_adjustment_decide(actor=org["manager2"], adjustment=own, approve=True)
    target_adjustment_decide(actor=org["admin"], adjustment=own, approve=False)
    target.refresh_from_db()
    assert target.collection_target == Decimal("2700000.00")
    assert TargetAdjustment.objects.get().state == "rejected"
