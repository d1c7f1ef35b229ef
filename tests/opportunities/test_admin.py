"""Admin obeys the funnel's rules: each test is a rule admin used to bypass. A closed deal is
read-only, the stage and history cannot be changed or reverted, a target is added through
target_set (period check included) and never edited, adjustments and stage changes are written
by services only, and non-admin staff see only what visible_to shows them."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from opportunities import admin as opportunity_admin
from opportunities.models import (
    FunnelStage,
    Opportunity,
    SalesTarget,
    StageChange,
    TargetAdjustment,
)
from opportunities.services.targets import target_adjustment_request, target_set
from tests.opportunities.funnel_helpers import at, lose, make_customer, new_deal

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, org):
    client.force_login(org["admin"])
    return client


def deal_form(deal, **changes) -> dict:
    """The admin change form of a deal as the browser posts it (editable fields only)."""
    data = {
        "name": deal.name,
        "amount": str(deal.amount),
        "expected_close": deal.expected_close.isoformat(),
        "source": deal.source,
        "description": deal.description,
        "_save": "Save",
    }
    return {**data, **changes}


def test_a_lost_deal_cannot_be_edited_in_admin(admin_client, org):
    # given a lost deal
    deal = new_deal(org["rep1"], make_customer(org["rep1"], "甲公司"), name="产线改造")
    lose(org["rep1"], deal, at(10, 5))
    history = deal.history.count()
    changes = StageChange.objects.count()

    # when admin posts a new name and amount
    url = reverse("admin:opportunities_opportunity_change", args=[deal.pk])
    response = admin_client.post(url, deal_form(deal, name="改过的名字", amount="1.00"))

    # then it is refused and nothing was written
    assert response.status_code == 403
    deal.refresh_from_db()
    assert (deal.name, deal.amount, deal.status) == ("产线改造", Decimal("100000.00"), "lost")
    assert deal.history.count() == history
    assert StageChange.objects.count() == changes


def test_a_won_deal_is_shown_read_only_in_admin(admin_client, org):
    # given a deal won and collected
    deal = new_deal(org["rep1"], make_customer(org["rep1"], "甲公司"))
    Opportunity.objects.filter(pk=deal.pk).update(
        status=Opportunity.Status.WON, stage=FunnelStage.objects.get(level=6)
    )

    # when admin opens it, and when admin posts a change
    url = reverse("admin:opportunities_opportunity_change", args=[deal.pk])
    page = admin_client.get(url)
    response = admin_client.post(url, deal_form(deal, name="改过的名字"))

    # then the page has no save button and the post is refused
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert response.status_code == 403
    deal.refresh_from_db()
    assert (deal.name, deal.status) == ("产线改造", "won")


def test_an_admin_edit_of_an_open_deal_goes_through_the_service(admin_client, org):
    # given an open deal at level 1
    deal = new_deal(org["rep1"], make_customer(org["rep1"], "甲公司"), name="产线改造")
    changes = StageChange.objects.count()
    level_3 = FunnelStage.objects.get(level=3)

    # when admin changes the name and amount, and posts a stage and status as well
    url = reverse("admin:opportunities_opportunity_change", args=[deal.pk])
    response = admin_client.post(
        url,
        deal_form(deal, name="产线改造二期", amount="250000.00", stage=level_3.pk, status="won"),
    )

    # then name and amount changed, with admin as the history's user; stage and status did not
    assert response.status_code == 302
    deal.refresh_from_db()
    assert (deal.name, deal.amount) == ("产线改造二期", Decimal("250000.00"))
    assert (deal.stage.level, deal.status) == (1, "open")
    assert deal.history.latest().history_user == org["admin"]
    assert StageChange.objects.count() == changes


def test_an_admin_edit_is_refused_with_the_models_message(admin_client, org):
    # given an open deal
    deal = new_deal(org["rep1"], make_customer(org["rep1"], "甲公司"), name="产线改造")

    # when admin posts an amount of zero
    url = reverse("admin:opportunities_opportunity_change", args=[deal.pk])
    response = admin_client.post(url, deal_form(deal, amount="0.00"))

    # then the form says why (in the user's language, Chinese) and the deal is unchanged
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["amount"] == ["确保该值大于或等于0.01。"]
    deal.refresh_from_db()
    assert deal.amount == Decimal("100000.00")


def test_a_deal_cannot_be_reverted_to_an_earlier_version_in_admin(admin_client, org):
    # given a deal that was renamed after it was created
    deal = new_deal(org["rep1"], make_customer(org["rep1"], "甲公司"), name="产线改造")
    first = deal.history.earliest()
    Opportunity.objects.filter(pk=deal.pk).update(name="产线改造二期")

    # when admin posts the "revert" form of the first version
    url = reverse(
        "admin:opportunities_opportunity_simple_history", args=[deal.pk, first.history_id]
    )
    response = admin_client.post(url, deal_form(deal, name="产线改造"))

    # then it is refused and nothing was written
    assert response.status_code == 403
    deal.refresh_from_db()
    assert deal.name == "产线改造二期"
    assert deal.history.count() == 1


def target_form(owner, **changes) -> dict:
    data = {
        "owner": owner.pk,
        "period": "quarter",
        "period_start": "2026-10-01",
        "sales_target": "500000.00",
        "margin_target": "0",
        "collection_target": "0",
        "_save": "Save",
    }
    return {**data, **changes}


def test_an_admin_target_keeps_the_period_check(admin_client, org):
    # when admin adds a quarterly target that starts mid-quarter
    response = admin_client.post(
        reverse("admin:opportunities_salestarget_add"),
        target_form(org["rep1"], period_start="2026-11-15"),
    )

    # then the form says why and no target exists
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["period_start"] == [
        "目标周期必须从月、季度或年的第一天开始。"
    ]
    assert SalesTarget.objects.count() == 0


def test_an_admin_target_is_not_set_twice_for_a_period(admin_client, org):
    # given rep1's target for Q4 2026
    target_set(
        actor=org["admin"],
        owner=org["rep1"],
        period="quarter",
        period_start=date(2026, 10, 1),
        sales_target=Decimal("400000"),
    )

    # when admin adds another one for the same quarter
    response = admin_client.post(
        reverse("admin:opportunities_salestarget_add"), target_form(org["rep1"])
    )

    # then it is refused as on the targets page, and the first target stands
    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [
        "该周期已有目标，请提交目标调整。"
    ]
    assert list(SalesTarget.objects.values_list("sales_target", flat=True)) == [
        Decimal("400000.00")
    ]


def test_an_admin_target_is_set_through_target_set(admin_client, org):
    # when admin adds a valid target
    response = admin_client.post(
        reverse("admin:opportunities_salestarget_add"), target_form(org["rep1"])
    )

    # then it is saved with admin as the history's user
    assert response.status_code == 302
    target = SalesTarget.objects.get()
    assert (target.owner, target.period, target.period_start, target.sales_target) == (
        org["rep1"],
        "quarter",
        date(2026, 10, 1),
        Decimal("500000.00"),
    )
    assert target.history.get().history_user == org["admin"]


def test_a_target_cannot_be_changed_or_reverted_in_admin(admin_client, org):
    # given rep1's target for Q4 2026
    target = target_set(
        actor=org["admin"],
        owner=org["rep1"],
        period="quarter",
        period_start=date(2026, 10, 1),
        sales_target=Decimal("400000"),
    )

    # when admin posts a change of its period and figure, and the revert form of its first version
    change = admin_client.post(
        reverse("admin:opportunities_salestarget_change", args=[target.pk]),
        target_form(org["rep1"], period_start="2026-11-15", sales_target="1.00"),
    )
    revert = admin_client.post(
        reverse(
            "admin:opportunities_salestarget_simple_history",
            args=[target.pk, target.history.get().history_id],
        ),
        target_form(org["rep1"], sales_target="1.00"),
    )

    # then both are refused and the target is unchanged
    assert (change.status_code, revert.status_code) == (403, 403)
    target.refresh_from_db()
    assert (target.period_start, target.sales_target) == (date(2026, 10, 1), Decimal("400000.00"))
    assert target.history.count() == 1


@pytest.fixture
def adjustment(org):
    target = target_set(
        actor=org["manager1"],
        owner=org["rep1"],
        period="quarter",
        period_start=date(2026, 10, 1),
        sales_target=Decimal("400000"),
    )
    return target_adjustment_request(
        actor=org["rep1"],
        target=target,
        field="sales_target",
        new_value=Decimal("300000"),
        reason="大客户推迟到明年",
    )


def test_adjustments_are_neither_added_nor_decided_in_admin(admin_client, org, adjustment):
    # when admin opens the add form, and posts the adjustment as approved
    add = admin_client.get(reverse("admin:opportunities_targetadjustment_add"))
    decide = admin_client.post(
        reverse("admin:opportunities_targetadjustment_change", args=[adjustment.pk]),
        {
            "field": "sales_target",
            "old_value": "400000.00",
            "new_value": "1.00",
            "reason": "x",
            "state": "approved",
        },
    )
    delete = admin_client.post(
        reverse("admin:opportunities_targetadjustment_delete", args=[adjustment.pk]),
        {"post": "yes"},
    )

    # then all three are refused, and the request and its target are unchanged
    assert (add.status_code, decide.status_code, delete.status_code) == (403, 403, 403)
    adjustment.refresh_from_db()
    assert (adjustment.state, adjustment.new_value) == ("pending", Decimal("300000.00"))
    assert adjustment.target.sales_target == Decimal("400000.00")
    assert TargetAdjustment.objects.count() == 1


def test_stage_changes_are_read_only_in_admin(admin_client, org):
    # given a deal's "created" stage change
    deal = new_deal(org["rep1"], make_customer(org["rep1"], "甲公司"))
    change = StageChange.objects.get(opportunity=deal)

    # when admin opens the add form, posts a change and a delete
    add = admin_client.get(reverse("admin:opportunities_stagechange_add"))
    edit = admin_client.post(
        reverse("admin:opportunities_stagechange_change", args=[change.pk]),
        {"kind": "advanced", "to_level": "5", "changed_at_0": "2026-10-01", "changed_at_1": "9:00"},
    )
    delete = admin_client.post(
        reverse("admin:opportunities_stagechange_delete", args=[change.pk]), {"post": "yes"}
    )

    # then all are refused and the row is as the service wrote it
    assert (add.status_code, edit.status_code, delete.status_code) == (403, 403, 403)
    change.refresh_from_db()
    assert (change.kind, change.from_level, change.to_level) == ("created", None, 1)
    assert StageChange.objects.filter(opportunity=deal).count() == 1


def test_non_admin_staff_see_event_rows_of_their_scope_only(client, org, adjustment):
    # given manager1 (team A: rep1, rep2) as staff who may view the event tables, and deals
    # of rep1 (team A) and rep3 (team B), each with its "created" stage change
    manager = org["manager1"]
    manager.is_staff = True
    manager.save()
    manager.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_stagechange", "view_targetadjustment"])
    )
    ours = new_deal(org["rep1"], make_customer(org["rep1"], "甲公司"))
    new_deal(org["rep3"], make_customer(org["rep3"], "乙公司"))
    client.force_login(manager)

    # when manager1 lists stage changes and adjustments
    changes = client.get(reverse("admin:opportunities_stagechange_changelist"))
    adjustments = client.get(reverse("admin:opportunities_targetadjustment_changelist"))

    # then only team A's rows are listed
    assert [c.opportunity_id for c in changes.context["cl"].result_list] == [ours.pk]
    assert [a.pk for a in adjustments.context["cl"].result_list] == [adjustment.pk]


def test_non_admin_staff_cannot_open_an_event_row_outside_their_scope(client, org):
    # given rep3's (team B) deal and manager1 (team A) as staff who may view stage changes
    manager = org["manager1"]
    manager.is_staff = True
    manager.save()
    manager.user_permissions.add(Permission.objects.get(codename="view_stagechange"))
    theirs = new_deal(org["rep3"], make_customer(org["rep3"], "乙公司"))
    change = StageChange.objects.get(opportunity=theirs)
    client.force_login(manager)

    # when manager1 opens that stage change
    response = client.get(reverse("admin:opportunities_stagechange_change", args=[change.pk]))

    # then admin answers as for a row that does not exist
    assert response.status_code == 302
    assert response.url == reverse("admin:index")


def test_a_deal_closed_while_its_admin_form_was_open_is_refused_not_a_500(
    admin_client, org, monkeypatch
):
    # given an open deal whose admin form is open, and a rep who marks it lost meanwhile
    deal = new_deal(org["rep1"], make_customer(org["rep1"], "甲公司"), name="产线改造")

    real_update = opportunity_admin.opportunity_update

    def closed_meanwhile(**kwargs):
        lose(org["rep1"], Opportunity.objects.get(pk=deal.pk), at(11, 20))
        return real_update(**kwargs)

    monkeypatch.setattr(opportunity_admin, "opportunity_update", closed_meanwhile)

    # when admin saves a new name
    url = reverse("admin:opportunities_opportunity_change", args=[deal.pk])
    response = admin_client.post(url, deal_form(deal, name="产线改造二期"), follow=True)

    # then the service's refusal is shown on the form page, and the whole save is undone (the
    # rename and the concurrent close's own writes in this transaction alike)
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == ["只有进行中的商机可以编辑。"]
    deal.refresh_from_db()
    assert (deal.name, deal.status) == ("产线改造", "open")
