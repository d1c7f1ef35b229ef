"""Order pages: list with filters and empty state, detail, create with lines, edit, change
request, actions with refusals shown, the opportunity button, sections, PDF and export."""

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from opportunities.models import FunnelStage
from orders.models import Order, OrderEvent
from orders.services.credit import order_confirm
from orders.services.transitions import order_deliver, order_ship, order_start_production
from tests.factories import OpportunityFactory
from tests.receivables.test_pdfs import _run_on_pdf, assert_in_pdf, pdf_text, poppler  # noqa: F401

pytestmark = pytest.mark.django_db
D = Decimal


def test_the_list_says_so_when_empty(client, org):
    client.force_login(org["rep1"])
    response = client.get(reverse("order_list"))
    assert response.status_code == 200
    assert b'data-testid="empty"' in response.content


def test_the_list_filters_by_status_alert_and_search(client, org, draft):
    first, second = draft(), draft()
    Order.objects.filter(pk=second.pk).update(alert="red", alert_reason="投诉")
    client.force_login(org["rep1"])

    def listed(query):
        page = client.get(reverse("order_list"), query).context["page_obj"]
        return [o.number for o in page.object_list]

    assert listed({}) == [second.number, first.number]
    assert listed({"alert": "red"}) == [second.number]
    assert listed({"alert": "any"}) == [second.number]
    assert listed({"status": "confirmed"}) == []
    assert listed({"q": first.number}) == [first.number]
    # A status the page does not know: all orders, with a message naming the filter.
    response = client.get(reverse("order_list"), {"status": "zzz"})
    assert len(response.context["page_obj"].object_list) == 2
    assert len(list(response.context["messages"])) == 1


def test_managers_see_the_on_time_rate_and_reps_do_not(client, org, draft):
    client.force_login(org["rep1"])
    assert "on_time" not in client.get(reverse("order_list")).context
    client.force_login(org["manager1"])
    assert client.get(reverse("order_list")).context["on_time"] == []


def test_create_an_order_with_lines(client, org, buyer, product):
    client.force_login(org["rep1"])
    response = client.post(
        reverse("order_create"),
        {
            "customer": buyer.pk,
            "order_date": "2026-03-02",
            "delivery_date": "2026-04-01",
            "payment_terms_days": "",
            "prepayment": "0",
            "lines-TOTAL_FORMS": "2",
            "lines-INITIAL_FORMS": "0",
            "lines-0-product": product.pk,
            "lines-0-quantity": "3",
            "lines-0-unit_price": "33.33",
            "lines-0-discount_percent": "5",
            "lines-0-tax_percent": "13",
        },
    )
    order = Order.objects.get()
    assert response.status_code == 302
    assert (order.total, order.total_net) == (D("94.99"), D("84.06"))
    assert order.lines.get().discount == D("0.05")


def test_the_detail_shows_totals_timeline_and_actions(client, org, draft):
    order = draft()
    client.force_login(org["rep1"])
    response = client.get(order.get_absolute_url())
    assert response.status_code == 200
    assert response.context["can_confirm"]
    assert not response.context["can_approve"]  # the owner never approves
    assert "¥11,300.00" in response.content.decode()
    client.force_login(org["manager1"])
    assert client.get(order.get_absolute_url()).context["can_approve"]


def test_a_refused_confirmation_is_shown_on_the_order(client, org, draft):
    order = draft(quantity="100")  # 113,000.00 over the 100,000.00 limit
    client.force_login(org["rep1"])
    response = client.post(reverse("order_confirm", args=[order.pk]), follow=True)
    text = " ".join(str(m) for m in response.context["messages"])
    assert "超出信用额度¥100,000.00，超出¥13,000.00" in text
    order.refresh_from_db()
    assert order.status == Order.Status.DRAFT


def test_the_approve_then_confirm_flow_through_the_pages(client, org, draft):
    order = draft(quantity="100")
    client.force_login(org["manager1"])
    client.post(reverse("credit_exception_approve", args=[order.pk]), {"reason": "战略客户"})
    client.force_login(org["rep1"])
    client.post(reverse("order_confirm", args=[order.pk]))
    order.refresh_from_db()
    assert order.status == Order.Status.CONFIRMED


def test_steps_alerts_and_cancel_through_the_pages(client, org, draft):
    order = order_confirm(actor=org["rep1"], order=draft())
    client.force_login(org["rep1"])
    client.post(reverse("order_step", args=[order.pk, "production"]))
    today = timezone.localdate().isoformat()
    client.post(reverse("order_step", args=[order.pk, "ship"]), {"on": today})
    client.post(reverse("order_alert", args=[order.pk]), {"level": "yellow", "reason": "物流延误"})
    order.refresh_from_db()
    assert (order.status, order.alert) == (Order.Status.SHIPPED, "yellow")
    client.post(reverse("order_alert", args=[order.pk]), {"clear": "1"})
    cancelled = draft()
    client.post(reverse("order_cancel", args=[cancelled.pk]), {"reason": "客户取消"})
    order.refresh_from_db()
    cancelled.refresh_from_db()
    assert (order.alert, cancelled.status) == ("", Order.Status.CANCELLED)
    assert client.post(reverse("order_step", args=[order.pk, "fly"])).status_code == 404


def test_edit_a_draft_and_change_a_confirmed_order(client, org, draft, product):
    order = draft()
    client.force_login(org["rep1"])
    form = {
        "order_date": "2026-03-02",
        "delivery_date": "2026-04-10",
        "payment_terms_days": "30",
        "prepayment": "0",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "1",
        "lines-0-product": product.pk,
        "lines-0-quantity": "2",
    }
    assert client.get(reverse("order_edit", args=[order.pk])).status_code == 200
    client.post(reverse("order_edit", args=[order.pk]), form)
    order.refresh_from_db()
    assert (order.total, order.delivery_date) == (D("2260.00"), date(2026, 4, 10))
    order_confirm(actor=org["rep1"], order=order)
    response = client.post(
        reverse("order_change", args=[order.pk]),
        {**form, "reason": "加量", "lines-0-quantity": "4"},
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.total == D("4520.00")
    assert order.changes.get().after["total"] == "4520.00"


def test_a_committed_deal_has_a_button_that_makes_the_order(client, org, buyer):
    deal = OpportunityFactory(customer=buyer, stage=FunnelStage.objects.get(level=5))
    client.force_login(org["rep1"])
    page = client.get(deal.get_absolute_url()).content.decode()
    assert reverse("order_from_opportunity", args=[deal.pk]) in page
    response = client.post(reverse("order_from_opportunity", args=[deal.pk]))
    order = Order.objects.get()
    assert response["Location"] == reverse("order_edit", args=[order.pk])
    assert order.opportunity == deal
    assert order.number in client.get(deal.get_absolute_url()).content.decode()
    assert order.number in client.get(buyer.get_absolute_url()).content.decode()


def test_a_deal_below_level_5_is_refused_with_a_message(client, org, buyer):
    deal = OpportunityFactory(customer=buyer)
    client.force_login(org["rep1"])
    response = client.post(reverse("order_from_opportunity", args=[deal.pk]), follow=True)
    assert len(list(response.context["messages"])) == 1
    assert Order.objects.count() == 0


@pytest.mark.usefixtures("poppler")
def test_the_confirmation_pdf_has_the_number_and_the_capital_amount(client, org, draft):
    order = draft()
    client.force_login(org["rep1"])
    response = client.get(reverse("order_confirmation_pdf", args=[order.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert_in_pdf(text, "订单确认书", order.number, "人民币壹万壹仟叁佰元整", "¥11,300.00", "1 / 1")
    assert "Noto-Sans-SC" in _run_on_pdf(response.content, "pdffonts")


def test_the_export_holds_the_listed_orders(client, org, draft):
    order = draft()
    client.force_login(org["rep1"])
    response = client.get(reverse("order_export"))
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[1], r[10]) for r in rows] == [(order.number, order.customer.name, 11300)]


def test_the_timeline_lists_events_in_order(client, org, draft):
    order = order_confirm(actor=org["rep1"], order=draft())
    order_start_production(actor=org["rep1"], order=order)
    order_ship(actor=org["rep1"], order=order, on=timezone.localdate())
    order_deliver(actor=org["rep1"], order=order, on=timezone.localdate())
    client.force_login(org["rep1"])
    timeline = client.get(order.get_absolute_url()).context["timeline"]
    assert [e.event.kind for e in timeline] == [OrderEvent.Kind.CREATED] + [
        OrderEvent.Kind.STATUS
    ] * 4


@pytest.mark.parametrize(
    "name",
    [
        "order_list",
        "order_export",
        "contract_list",
        "receivable_list",
        "payment_list",
        "opportunity_list",
        "collections",
    ],
)
def test_a_search_with_a_nul_character_is_no_500(client, org, name):
    client.force_login(org["finance1"] if name == "collections" else org["manager1"])
    response = client.get(reverse(name), {"q": "泵\x00"})
    assert response.status_code == 200
