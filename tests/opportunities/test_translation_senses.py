"""A deal's status reads 进行中 / 输单 in Chinese, and stages, lost reasons and regions are named in
English on English pages (their name_en), in Chinese otherwise."""

from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse

from customers.services.customers import customer_create
from opportunities.models import LostReason
from opportunities.services.deals import opportunity_create, opportunity_mark_lost

pytestmark = pytest.mark.django_db


@pytest.fixture
def deals(org):
    customer = customer_create(actor=org["rep1"], name="上海润华精密机械有限公司")
    make = {"actor": org["rep1"], "customer": customer, "expected_close": date(2026, 12, 31)}
    open_deal = opportunity_create(name="产线改造", amount=Decimal("500000"), **make)
    lost_deal = opportunity_create(name="仓储系统", amount=Decimal("80000"), **make)
    opportunity_mark_lost(
        actor=org["rep1"], opportunity=lost_deal, reason=LostReason.objects.get(name="价格偏高")
    )
    return open_deal, lost_deal


def test_open_deal_reads_jinxingzhong_and_a_lost_one_shudan(client, org, deals):
    open_deal, lost_deal = deals
    client.force_login(org["rep1"])

    open_html = client.get(open_deal.get_absolute_url()).content.decode()
    lost_html = client.get(lost_deal.get_absolute_url()).content.decode()
    listing = client.get(reverse("opportunity_list")).content.decode()

    assert '<span data-testid="status">进行中</span>' in open_html
    assert '<span data-testid="status">输单</span>' in lost_html
    assert "输单: 价格偏高" in " ".join(lost_html.split())
    assert '<option value="open" selected>进行中</option>' in listing
    assert "流失" not in lost_html + listing
    assert "打开" not in open_html.replace("打开商机", "") + listing


def test_english_pages_show_english_stage_reason_and_region_names(client, org, deals):
    open_deal, lost_deal = deals
    client.force_login(org["manager1"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    detail = client.get(open_deal.get_absolute_url()).content.decode()
    lost = client.get(lost_deal.get_absolute_url()).content.decode()
    funnel = client.get(reverse("funnel_dashboard")).content.decode()

    assert '<span class="badge stage-1">L1 Identified</span>' in detail
    assert '<span data-testid="status">Open</span>' in detail
    assert "Lost: Price too high" in " ".join(lost.split())
    assert "<td>Price too high</td>" in funnel
    assert ">East China</option>" in funnel
    # (Checklist texts, team names and the timeline's recorded notes stay as written.)
    for chinese in ("L1 确定", "Lost: 价格偏高", "<td>价格偏高</td>", ">华东</option>"):
        assert chinese not in " ".join((detail + lost + funnel).split())


def test_chinese_pages_show_the_chinese_names(client, org, deals):
    open_deal, _lost_deal = deals
    client.force_login(org["manager1"])

    detail = client.get(open_deal.get_absolute_url()).content.decode()
    funnel = client.get(reverse("funnel_dashboard")).content.decode()

    assert '<span class="badge stage-1">L1 确定</span>' in detail
    assert "<td>价格偏高</td>" in funnel
    assert ">华东</option>" in funnel
    assert "Identified" not in detail
    assert "East China" not in funnel
