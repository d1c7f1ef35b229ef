"""The board's column totals (count, amount, weighted) and the move confirmation."""

import json
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from opportunities.models import FunnelStage, LostReason
from opportunities.selectors import deals as deal_selectors
from tests.factories import OpportunityFactory

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def book(org, customers):
    stage = {s.level: s for s in FunnelStage.objects.all()}
    mine, theirs = customers["rep1"], customers["rep2"]
    now = timezone.now()
    for amount in ("100000.50", "23456.78"):
        OpportunityFactory(customer=mine, stage=stage[1], amount=D(amount))
    OpportunityFactory(
        customer=mine,
        stage=stage[1],
        amount=D("5000"),
        status="lost",
        lost_reason=LostReason.objects.first(),
        closed_at=now,
    )
    OpportunityFactory(customer=mine, stage=stage[2], amount=D("40000"), name="L2")
    OpportunityFactory(
        customer=mine, stage=stage[6], amount=D("88888"), status="won", closed_at=now
    )
    OpportunityFactory(
        customer=mine,
        stage=stage[6],
        amount=D("7000"),
        status="won",
        closed_at=now - timedelta(days=45),
    )
    OpportunityFactory(customer=theirs, stage=stage[1], amount=D("999999"))
    return stage


def test_column_totals_count_amount_and_weighted_per_level(org, book, django_assert_num_queries):
    rep1 = org["rep1"]
    assert rep1.role  # the role is looked up once per user; not part of the board's reads
    with django_assert_num_queries(3):  # stages, the cards, one grouped query for the sums
        columns = deal_selectors.board(user=rep1)
    assert [(c.stage.level, c.count, c.amount, c.weighted) for c in columns] == [
        # 123,457.28 × 10 % = 12,345.728 → 12,345.73, rounded once on the sum
        (1, 2, D("123457.28"), D("12345.73")),
        (2, 1, D("40000.00"), D("10000.00")),  # × 25 %
        (3, 0, D("0.00"), D("0.00")),
        (4, 0, D("0.00"), D("0.00")),
        (5, 0, D("0.00"), D("0.00")),
        (6, 1, D("88888.00"), D("88888.00")),  # collected in the last 30 days, counted whole
    ]
    assert [c.count for c in columns] == [len(c.deals) for c in columns]


def test_column_headers_show_the_totals_with_thousands_separators(client, org, book):
    client.force_login(org["rep1"])
    html = client.get(reverse("opportunity_board")).content.decode()
    header = html[html.index('data-testid="board-totals-1"') :]
    header = header[: header.index("</dl>")]
    shown = dict(re.findall(r'<dd data-testid="column-(\w+)">\s*(.*?)\s*</dd>', header))
    assert shown == {"count": "2", "amount": "¥123,457", "weighted": "¥12,346"}


def test_a_board_move_tells_the_page_where_the_card_went(client, org, customers, book):
    deal = OpportunityFactory(customer=customers["rep1"], stage=book[3])  # back needs no gate
    client.force_login(org["rep1"])
    response = client.post(
        reverse("opportunity_move", args=[deal.pk]),
        {"to_level": 2, "from": "board"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    event = json.loads(response["HX-Trigger-After-Settle"])
    assert event == {"deal-moved": {"id": deal.pk, "message": "已移至 L2 接触。"}}
    deal.refresh_from_db()
    assert deal.stage.level == 2


def test_a_move_on_a_board_narrowed_to_one_owner_redraws_that_board(client, org, customers, book):
    deal = OpportunityFactory(customer=customers["rep1"], stage=book[3], name="rep1的")
    OpportunityFactory(customer=customers["rep2"], stage=book[3], name="rep2的")
    client.force_login(org["manager1"])
    response = client.post(
        reverse("opportunity_move", args=[deal.pk]),
        {"to_level": 2, "from": "board", "owner": "rep1"},
        headers={"HX-Request": "true"},
    )
    names = {d.name for column in response.context["columns"] for d in column.deals}
    assert "rep1的" in names
    assert "rep2的" not in names
