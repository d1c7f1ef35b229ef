"""Receivable pages: 未收 for an open balance; escalation steps named in the page's language."""

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from receivables import jobs

pytestmark = pytest.mark.django_db


def test_open_balance_columns_read_weishou_never_the_verb(client, org, buyer, invoice):
    # Given an invoice of 12,000.00 due 40 days ago
    due = timezone.localdate() - timedelta(days=40)
    receivable = invoice("INV-OPEN-1", due, "12000.00", issued=due - timedelta(days=30))
    client.force_login(org["finance1"])

    # When finance opens the receivable list, the receivable, the collection list and the customer
    pages = {
        "list": client.get(reverse("receivable_list")).content.decode(),
        "detail": client.get(receivable.get_absolute_url()).content.decode(),
        "collections": client.get(reverse("collections")).content.decode(),
        "customer": client.get(buyer.get_absolute_url()).content.decode(),
    }

    # Then each shows the open balance as 未收 and nowhere the verb 打开
    assert {name: "未收" in html for name, html in pages.items()} == dict.fromkeys(pages, True)
    assert {name: "打开" in html for name, html in pages.items()} == dict.fromkeys(pages, False)
    assert '<option value="open" selected>未结清</option>' in " ".join(pages["list"].split())
    assert "<th>到期日</th>" in pages["list"]
    assert "<th>处理级别</th>" in pages["collections"]
    assert "<th>阶段</th>" not in pages["collections"]


def test_escalation_step_names_follow_the_page_language(client, org, buyer, invoice):
    # Given a receivable 40 days overdue on 2026-03-12, escalated to the phone-and-visit step
    invoice("INV-ESC-1", date(2026, 2, 1), "5000.00", issued=date(2026, 1, 1))
    jobs.receivable_escalate(as_of=date(2026, 3, 12))
    client.force_login(org["finance1"])
    url = reverse("collections") + "?as_of=2026-03-12"

    # When the collection list is shown in Chinese, then in English
    chinese = client.get(url).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(url).content.decode()

    # Then the step is named in each language (and in English the Chinese name is gone)
    assert "<td>电话催收+上门拜访</td>" in chinese
    assert "<td>Phone and visit</td>" in english
    assert "电话催收+上门拜访" not in english
