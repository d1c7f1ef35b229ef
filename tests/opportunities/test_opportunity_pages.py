"""Opportunity pages: board moves with htmx and the gate dialog, detail, create, dashboard
filters and its constant query count."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from customers.services.customers import contact_save, customer_create
from opportunities.models import ChecklistItem, Opportunity, StageChange
from opportunities.services.contacts import deal_contact_set
from opportunities.services.deals import opportunity_create, opportunity_mark_lost
from opportunities.services.followups import deal_followup_log
from tests.factories import OpportunityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def deal(org):
    customer = customer_create(actor=org["rep1"], name="上海润华精密机械有限公司")
    return opportunity_create(
        actor=org["rep1"],
        customer=customer,
        name="产线改造",
        amount=Decimal("500000"),
        expected_close=date(2026, 12, 31),
    )


def test_board_move_with_a_closed_gate_answers_with_the_checklist_dialog(client, org, deal):
    client.force_login(org["rep1"])
    response = client.post(
        reverse("opportunity_move", args=[deal.pk]),
        {"to_level": 2, "from": "board"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#dialog-slot"
    html = response.content.decode()
    assert 'data-testid="gate-dialog"' in html
    assert "已收集客户信息" in html  # the first missing level-1 item
    deal.refresh_from_db()
    assert deal.stage.level == 1


def test_ticking_everything_in_the_dialog_moves_the_deal_and_redraws_the_board(client, org, deal):
    contact = contact_save(actor=org["rep1"], customer=deal.customer, name="王总")
    deal_contact_set(
        actor=org["rep1"], opportunity=deal, contact=contact, role="decision_maker", is_primary=True
    )
    items = ChecklistItem.objects.filter(stage__level__lte=2).values_list("pk", flat=True)
    client.force_login(org["rep1"])
    response = client.post(
        reverse("opportunity_checklist", args=[deal.pk]),
        {"items": list(items), "then_move": "1", "to_level": 2, "from": "board"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "HX-Retarget" not in response
    assert 'data-testid="board"' in response.content.decode()
    deal.refresh_from_db()
    assert deal.stage.level == 2
    change = StageChange.objects.filter(opportunity=deal).latest("pk")
    assert (change.kind, change.from_level, change.to_level, change.changed_by) == (
        "advanced",
        1,
        2,
        org["rep1"],
    )


def test_level_6_cannot_be_chosen_on_the_page(client, org, deal):
    client.force_login(org["rep1"])
    response = client.post(reverse("opportunity_move", args=[deal.pk]), {"to_level": 6})
    assert response.status_code == 302
    deal.refresh_from_db()
    assert deal.stage.level == 1
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("6" in m for m in messages)


def test_detail_timeline_mixes_stage_changes_and_follow_ups(client, org, deal):
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    when = datetime.now(ZoneInfo("Asia/Shanghai")) - timedelta(hours=2)
    deal_followup_log(
        actor=org["rep1"],
        customer=deal.customer,
        occurred_at=when,
        channel="visit",
        content="方案交流",
        opportunity=deal,
    )
    client.force_login(org["rep1"])
    response = client.get(deal.get_absolute_url())
    kinds = [kind for _when, kind, _item in response.context["timeline"]]
    assert sorted(kinds) == ["followup", "stage"]
    assert "方案交流" in response.content.decode()


def test_create_page_starts_the_deal_at_level_1(client, org):
    customer = customer_create(actor=org["rep1"], name="甲公司")
    client.force_login(org["rep1"])
    response = client.post(
        reverse("opportunity_create") + f"?customer={customer.pk}",
        {"name": "年度备件", "amount": "120000.00", "expected_close": "2026-12-20", "source": ""},
    )
    deal = Opportunity.objects.get(name="年度备件")
    assert response.status_code == 302
    assert (deal.stage.level, deal.owner, deal.amount) == (1, org["rep1"], Decimal("120000.00"))
    assert client.get(customer.get_absolute_url()).context["opportunities"].get() == deal


def test_dashboard_filters_to_one_rep(client, org):
    a = customer_create(actor=org["rep1"], name="甲公司")
    b = customer_create(actor=org["rep2"], name="乙公司")
    OpportunityFactory(customer=a, owner=org["rep1"], amount=Decimal("100000"))
    OpportunityFactory(customer=b, owner=org["rep2"], amount=Decimal("300000"))
    client.force_login(org["manager1"])
    everyone = client.get(reverse("funnel_dashboard")).context["funnel"]
    only_rep2 = client.get(reverse("funnel_dashboard"), {"owner": "rep2"}).context["funnel"]
    assert (everyone.open_count, everyone.open_amount) == (2, Decimal("400000"))
    assert (only_rep2.open_count, only_rep2.open_amount) == (1, Decimal("300000"))
    assert only_rep2.weighted_total == Decimal("30000.00")  # level 1: 10 %
    by_team = client.get(reverse("funnel_dashboard"), {"team": org["team_a"].pk}).context["funnel"]
    assert by_team.open_count == 2


def test_dashboard_query_count_is_constant(client, org, django_assert_max_num_queries):
    customer = customer_create(actor=org["rep1"], name="甲公司")
    OpportunityFactory.create_batch(2, customer=customer, owner=org["rep1"])
    client.force_login(org["manager1"])
    with django_assert_max_num_queries(30) as few:
        client.get(reverse("funnel_dashboard"))
    for index in range(25):
        deal = opportunity_create(
            actor=org["rep1"],
            customer=customer,
            name=f"商机{index}",
            amount=Decimal("1000"),
            expected_close=date(2026, 12, 1),
        )
        opportunity_mark_lost(
            actor=org["rep1"],
            opportunity=deal,
            reason=deal.__class__._meta.get_field("lost_reason").related_model.objects.first(),
            competitor=f"对手{index % 3}",
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("funnel_dashboard"))
    assert response.context["funnel"].lost_count == 25


def test_board_and_list_query_counts_are_constant(client, org, django_assert_max_num_queries):
    customer = customer_create(actor=org["rep1"], name="甲公司")
    OpportunityFactory.create_batch(2, customer=customer, owner=org["rep1"])
    client.force_login(org["rep1"])
    for url in (reverse("opportunity_board"), reverse("opportunity_list")):
        with django_assert_max_num_queries(15) as few:
            client.get(url)
        OpportunityFactory.create_batch(20, customer=customer, owner=org["rep1"])
        with django_assert_max_num_queries(len(few.captured_queries)):
            client.get(url)


def test_bad_query_parameters_are_a_400_not_a_crash(client, org):
    client.force_login(org["rep1"])
    assert client.get(reverse("opportunity_create"), {"customer": "abc"}).status_code == 400
    assert client.get(reverse("target_list"), {"year": "abc"}).status_code == 200
