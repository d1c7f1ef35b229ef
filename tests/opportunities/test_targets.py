"""Sales targets (销售任务书): set by the rep's manager or an admin, once per owner and period;
changed only through a reasoned request that somebody else approves (目标调整), with history."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils.translation import override

from opportunities.models import SalesTarget, TargetAdjustment
from opportunities.services.targets import (
    target_adjustment_decide,
    target_adjustment_request,
    target_set,
)
from salesops.core.errors import NotPermitted

pytestmark = pytest.mark.django_db
D = Decimal
SH = ZoneInfo("Asia/Shanghai")
Q4 = date(2026, 10, 1)
ASKED = datetime(2026, 11, 2, 10, 0, tzinfo=SH)
DECIDED = datetime(2026, 11, 3, 15, 30, tzinfo=SH)


@pytest.fixture
def target(org):
    return target_set(
        actor=org["manager1"],
        owner=org["rep1"],
        period="quarter",
        period_start=Q4,
        sales_target=D("3000000"),
        margin_target=D("900000"),
        collection_target=D("2700000"),
    )


def values(target) -> tuple:
    target = SalesTarget.objects.get(pk=target.pk)
    return (target.sales_target, target.margin_target, target.collection_target)


def ask(actor, target, *, field="sales_target", new_value="2500000", reason="大客户项目延期"):
    return target_adjustment_request(
        actor=actor, target=target, field=field, new_value=D(new_value), reason=reason, now=ASKED
    )


# --- Setting targets ----------------------------------------------------------------------------


def test_the_reps_manager_sets_the_targets(org, target):
    saved = SalesTarget.objects.get()
    assert (saved.owner, saved.period, saved.period_start) == (org["rep1"], "quarter", Q4)
    assert values(saved) == (D("3000000"), D("900000"), D("2700000"))
    assert saved.history.count() == 1


def test_margin_and_collection_targets_default_to_zero(org):
    target = target_set(
        actor=org["admin"],
        owner=org["rep3"],
        period="year",
        period_start=date(2026, 1, 1),
        sales_target=D("12000000"),
    )
    assert values(target) == (D("12000000"), D("0"), D("0"))


@pytest.mark.parametrize(
    ("actor", "owner"),
    [
        ("manager2", "rep1"),  # a manager of another team
        ("manager1", "rep3"),
        ("rep1", "rep1"),  # nobody sets their own target ...
        ("rep1", "rep2"),
        ("manager1", "manager1"),  # ... not even a manager
        ("finance1", "rep1"),
    ],
)
def test_only_the_reps_manager_or_an_admin_sets_targets(org, actor, owner):
    with override("en"), pytest.raises(NotPermitted) as refused:
        target_set(
            actor=org[actor],
            owner=org[owner],
            period="quarter",
            period_start=Q4,
            sales_target=D("1000000"),
        )
    assert str(refused.value) == "Only the rep's manager may do this."
    assert not SalesTarget.objects.exists()


@pytest.mark.parametrize("owner", ["rep1", "rep3", "manager1"])
def test_an_admin_sets_anyones_targets(org, owner):
    target = target_set(
        actor=org["admin"],
        owner=org[owner],
        period="quarter",
        period_start=Q4,
        sales_target=D("1"),
    )
    assert target.owner == org[owner]


def test_a_second_target_for_the_same_owner_period_and_start_is_refused(org, target):
    with override("en"), pytest.raises(ValidationError) as refused:
        target_set(
            actor=org["admin"],
            owner=org["rep1"],
            period="quarter",
            period_start=Q4,
            sales_target=D("1"),
        )
    assert refused.value.messages == [
        "This period already has targets; request an adjustment instead."
    ]
    assert SalesTarget.objects.count() == 1
    assert values(target) == (D("3000000"), D("900000"), D("2700000"))


def test_the_same_start_for_another_period_or_owner_is_a_new_target(org, target):
    target_set(
        actor=org["manager1"],
        owner=org["rep1"],
        period="month",
        period_start=Q4,
        sales_target=D("1000000"),
    )
    target_set(
        actor=org["manager1"],
        owner=org["rep2"],
        period="quarter",
        period_start=Q4,
        sales_target=D("2000000"),
    )
    assert SalesTarget.objects.count() == 3


@pytest.mark.parametrize(
    ("period", "start"),
    [("quarter", date(2026, 11, 1)), ("month", date(2026, 11, 15)), ("year", date(2026, 4, 1))],
)
def test_a_target_starts_on_the_first_day_of_its_period(org, period, start):
    with override("en"), pytest.raises(ValidationError) as refused:
        target_set(
            actor=org["manager1"],
            owner=org["rep1"],
            period=period,
            period_start=start,
            sales_target=D("1"),
        )
    assert refused.value.message_dict == {
        "period_start": ["A target period starts on the first day of its month, quarter or year."]
    }
    assert not SalesTarget.objects.exists()


@pytest.mark.parametrize(
    ("fields", "error_field"),
    [
        ({"period": "week"}, "period"),
        ({"sales_target": D("-1")}, "sales_target"),
        ({"collection_target": D("-0.01")}, "collection_target"),
    ],
)
def test_a_target_must_be_valid(org, fields, error_field):
    arguments = {"period": "quarter", "period_start": Q4, "sales_target": D("1")} | fields
    with pytest.raises(ValidationError) as refused:
        target_set(actor=org["manager1"], owner=org["rep1"], **arguments)
    assert error_field in refused.value.message_dict
    assert not SalesTarget.objects.exists()


# --- Requesting an adjustment -------------------------------------------------------------------


def test_an_adjustment_request_records_old_and_new_value_and_changes_nothing(org, target):
    request = ask(org["rep1"], target, reason="  大客户项目延期 ")

    request.refresh_from_db()
    assert (request.field, request.old_value, request.new_value) == (
        "sales_target",
        D("3000000"),
        D("2500000"),
    )
    assert (request.reason, request.requested_by, request.requested_at) == (
        "大客户项目延期",
        org["rep1"],
        ASKED,
    )
    assert (request.state, request.decided_by, request.decided_at) == ("pending", None, None)
    assert values(target) == (D("3000000"), D("900000"), D("2700000"))
    assert target.history.count() == 1


@pytest.mark.parametrize("reason", ["", "   "])
def test_an_adjustment_request_needs_a_reason(org, target, reason):
    with override("en"), pytest.raises(ValidationError) as refused:
        ask(org["rep1"], target, reason=reason)
    assert refused.value.message_dict == {"reason": ["Say why the target should change."]}
    assert not TargetAdjustment.objects.exists()
    assert values(target) == (D("3000000"), D("900000"), D("2700000"))


@pytest.mark.parametrize("field", ["owner", "period_start", "amount", ""])
def test_only_the_three_targets_can_be_adjusted(org, target, field):
    with override("en"), pytest.raises(ValidationError) as refused:
        ask(org["manager1"], target, field=field)
    assert refused.value.message_dict == {"field": ["Choose a target to adjust."]}
    assert not TargetAdjustment.objects.exists()


def test_a_negative_target_cannot_be_requested(org, target):
    with pytest.raises(ValidationError) as refused:
        ask(org["rep1"], target, new_value="-1")
    assert set(refused.value.message_dict) == {"new_value"}
    assert not TargetAdjustment.objects.exists()


@pytest.mark.parametrize("actor", ["rep2", "rep3", "manager2", "finance1"])
def test_only_the_owner_their_manager_or_an_admin_request_an_adjustment(org, target, actor):
    with pytest.raises(NotPermitted):
        ask(org[actor], target)
    assert not TargetAdjustment.objects.exists()


@pytest.mark.parametrize("actor", ["rep1", "manager1", "admin"])
def test_the_owner_their_manager_and_an_admin_may_request(org, target, actor):
    assert ask(org[actor], target).requested_by == org[actor]


# --- Deciding -----------------------------------------------------------------------------------


def test_approval_changes_the_target_and_records_who_and_when(org, target):
    request = ask(org["rep1"], target)

    decided = target_adjustment_decide(
        actor=org["manager1"], adjustment=request, approve=True, now=DECIDED
    )

    decided.refresh_from_db()
    assert (decided.state, decided.decided_by, decided.decided_at) == (
        "approved",
        org["manager1"],
        DECIDED,
    )
    assert values(target) == (D("2500000"), D("900000"), D("2700000"))
    history = list(target.history.order_by("history_date", "history_id"))
    assert [(h.history_type, h.sales_target) for h in history] == [
        ("+", D("3000000")),
        ("~", D("2500000")),
    ]
    assert history[-1].history_user == org["manager1"]


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        ("margin_target", (D("3000000"), D("1"), D("2700000"))),
        ("collection_target", (D("3000000"), D("900000"), D("1"))),
    ],
)
def test_approval_changes_only_the_requested_field(org, target, field, expected):
    request = ask(org["rep1"], target, field=field, new_value="1")
    target_adjustment_decide(actor=org["admin"], adjustment=request, approve=True, now=DECIDED)
    assert values(target) == expected


def test_rejection_keeps_the_target_and_records_who_and_when(org, target):
    request = ask(org["rep1"], target)

    decided = target_adjustment_decide(
        actor=org["manager1"], adjustment=request, approve=False, now=DECIDED
    )

    decided.refresh_from_db()
    assert (decided.state, decided.decided_by, decided.decided_at) == (
        "rejected",
        org["manager1"],
        DECIDED,
    )
    assert values(target) == (D("3000000"), D("900000"), D("2700000"))
    assert target.history.count() == 1


@pytest.mark.parametrize("requester", ["manager1", "admin"])
def test_nobody_approves_their_own_request(org, target, requester):
    request = ask(org[requester], target)

    with override("en"), pytest.raises(NotPermitted) as refused:
        target_adjustment_decide(
            actor=org[requester], adjustment=request, approve=True, now=DECIDED
        )

    assert str(refused.value) == "Somebody else must approve your own request."
    request.refresh_from_db()
    assert (request.state, request.decided_by, request.decided_at) == ("pending", None, None)
    assert values(target) == (D("3000000"), D("900000"), D("2700000"))


@pytest.mark.parametrize("actor", ["rep1", "rep2", "manager2", "finance1"])
def test_only_the_reps_manager_or_an_admin_decides(org, target, actor):
    request = ask(org["manager1"], target)

    with pytest.raises(NotPermitted):
        target_adjustment_decide(actor=org[actor], adjustment=request, approve=True)

    request.refresh_from_db()
    assert (request.state, request.decided_by) == ("pending", None)
    assert values(target) == (D("3000000"), D("900000"), D("2700000"))


def test_a_manager_does_not_decide_on_their_own_target(org):
    own = target_set(
        actor=org["admin"],
        owner=org["manager1"],
        period="quarter",
        period_start=Q4,
        sales_target=D("500000"),
    )
    request = ask(org["admin"], own, new_value="100000")

    with pytest.raises(NotPermitted):
        target_adjustment_decide(actor=org["manager1"], adjustment=request, approve=True)

    assert values(own)[0] == D("500000")
    # the manager may ask; somebody else (an admin) decides
    asked = ask(org["manager1"], own, new_value="400000")
    target_adjustment_decide(actor=org["admin"], adjustment=asked, approve=True, now=DECIDED)
    assert values(own)[0] == D("400000")


@pytest.mark.parametrize("first", [True, False], ids=["approved", "rejected"])
@pytest.mark.parametrize("second", [True, False], ids=["approve", "reject"])
def test_a_decided_request_cannot_be_decided_again(org, target, first, second):
    request = ask(org["rep1"], target)
    target_adjustment_decide(actor=org["manager1"], adjustment=request, approve=first, now=DECIDED)
    after_first = values(target)

    with override("en"), pytest.raises(ValidationError) as refused:
        target_adjustment_decide(actor=org["admin"], adjustment=request, approve=second)

    assert refused.value.messages == ["This request was already decided."]
    request.refresh_from_db()
    assert (request.state, request.decided_by, request.decided_at) == (
        "approved" if first else "rejected",
        org["manager1"],
        DECIDED,
    )
    assert values(target) == after_first
