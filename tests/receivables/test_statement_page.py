"""The statement page: named periods (default last month), custom dates, its totals with the
late-payment penalty, and bad dates answered on the page in the user's language."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from receivables.forms import StatementPeriodForm
from receivables.services import payment_record

pytestmark = pytest.mark.django_db
D = Decimal
TODAY = date(2026, 12, 2)


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)


@pytest.fixture
def page(client, org, buyer):
    client.force_login(org["rep1"])
    url = reverse("customer_statement", args=[buyer.pk])

    def get(query=None, **headers):
        response = client.get(url, query or {}, headers=headers)
        assert response.status_code == 200
        return response.content.decode()

    return get


def pdf_link(html: str) -> str | None:
    match = re.search(r'href="([^"]*)"\s+data-testid="statement-pdf"', html)
    return match and match.group(1).replace("&amp;", "&")


def active_preset(html: str) -> list[str]:
    return re.findall(r'btn-primary"\s+href="[^"]*"\s+aria-current="true">([^<]+)</a>', html)


def test_the_page_defaults_to_last_month(page, buyer):
    html = page()
    assert "2026-11-01 – 2026-11-30" in html
    assert active_preset(html) == ["上月"]
    assert pdf_link(html) == (
        reverse("customer_statement_pdf", args=[buyer.pk]) + "?start=2026-11-01&end=2026-11-30"
    )


@pytest.mark.parametrize(
    ("period", "label", "start", "end"),
    [
        ("this_month", "本月至今", "2026-12-01", "2026-12-02"),
        ("last_month", "上月", "2026-11-01", "2026-11-30"),
        ("this_quarter", "本季度至今", "2026-10-01", "2026-12-02"),
        ("last_quarter", "上季度", "2026-07-01", "2026-09-30"),
        ("this_year", "本年至今", "2026-01-01", "2026-12-02"),
        ("last_year", "上年", "2025-01-01", "2025-12-31"),
    ],
)
def test_each_named_period(page, buyer, period, label, start, end):
    html = page({"period": period})
    assert f"{start} – {end}" in html
    assert active_preset(html) == [label]
    assert pdf_link(html).endswith(f"?start={start}&end={end}")


def test_custom_dates_and_old_links_without_a_period(page):
    custom = page({"period": "custom", "start": "2025-02-01", "end": "2025-03-02"})
    assert "2025-02-01 – 2025-03-02" in custom
    assert active_preset(custom) == []
    assert 'value="2025-02-01"' in custom  # the dates stay in the form
    old = page({"start": "2025-02-01", "end": "2025-03-02"})
    assert pdf_link(old) == pdf_link(custom)


def test_the_page_shows_the_totals_and_the_penalty(page, org, buyer, invoice):
    # The example: 10,000.00 due 2025-01-01, 9,000.00 paid 2025-01-31.
    invoice("AR-2025-0001", date(2025, 1, 1), "10000.00", issued=date(2024, 12, 2))
    payment_record(
        actor=org["finance1"],
        customer=buyer,
        date=date(2025, 1, 31),
        amount=D("9000.00"),
        method="transfer",
    )
    html = page({"start": "2025-02-01", "end": "2025-03-02"})
    summary = re.sub(r"\s+", " ", html.split('data-testid="statement-summary"')[1])
    expected = [
        ("期初余额", "¥1,000.00"),
        ("本期应收", "¥0.00"),
        ("本期回款及核销", "¥0.00"),
        ("期末余额", "¥1,000.00"),
        ("本期违约金", "¥15.00"),
        ("截至期末累计违约金", "¥165.00"),
    ]
    for label, figure in expected:
        assert re.search(rf"{label}</dt> <dd[^>]*> {re.escape(figure)} </dd>", summary), label


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"period": "custom"}, "请同时填写开始日期和结束日期。"),
        ({"period": "custom", "start": "2025-01-01"}, "请同时填写开始日期和结束日期。"),
        ({"start": "2025-02-30", "end": "2025-03-01"}, "开始日期: 输入一个有效的日期。"),
        ({"start": "2025-01-01", "end": "9999-99-99"}, "结束日期: 输入一个有效的日期。"),
        ({"start": "2025-03-01", "end": "2025-01-01"}, "开始日期不能晚于结束日期。"),
        (
            {"start": "<script>alert(1)</script>", "end": "x" * 5000},
            "开始日期: 输入一个有效的日期。",
        ),
        ({"period": "'; DROP TABLE receivables_receivable; --"}, "对账期间: 选择一个有效的选项。"),
    ],
)
def test_bad_input_shows_the_page_with_a_message(page, query, message):
    html = page(query)
    assert 'data-testid="period-errors"' in html
    assert f"<div>{message}" in html
    assert pdf_link(html) is None
    assert "<script>alert(1)</script>" not in html


def test_the_message_is_in_english_for_an_english_reader(client, org, buyer):
    client.force_login(org["rep1"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("customer_statement", args=[buyer.pk]), {"period": "custom"})
    assert response.status_code == 200
    assert "Give both a start date and an end date." in response.content.decode()


def test_the_customer_page_links_to_the_statement_page(client, org, buyer):
    client.force_login(org["rep1"])
    html = client.get(buyer.get_absolute_url()).content.decode()
    assert f'href="{reverse("customer_statement", args=[buyer.pk])}"' in html


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({}, (date(2026, 11, 1), date(2026, 11, 30))),
        ({"period": " this_year "}, (date(2026, 1, 1), TODAY)),
        # A named period wins over stray dates; dates alone are a custom period.
        ({"period": "last_year", "start": "2020-01-01"}, (date(2025, 1, 1), date(2025, 12, 31))),
        ({"start": "2025-01-01", "end": "2025-01-01"}, (date(2025, 1, 1), date(2025, 1, 1))),
    ],
)
def test_statement_period_form(data, expected):
    form = StatementPeriodForm(data, today=TODAY)
    assert form.is_valid(), form.errors
    assert (form.cleaned_data["start"], form.cleaned_data["end"]) == expected


def test_the_widest_possible_period_works_on_the_page_and_the_pdf(
    page, client, org, buyer, invoice
):
    invoice("AR-2025-0001", date(2025, 1, 1), "10000.00", issued=date(2024, 12, 2))
    query = {"start": "0001-01-01", "end": "9999-12-31"}
    html = page(query)
    assert "0001-01-01 – 9999-12-31" in html
    # 10,000.00 open from 2025-01-02 to 9999-12-31: 2,912,807 days x 5.00 a day.
    assert "¥14,564,035.00" in html
    response = client.get(reverse("customer_statement_pdf", args=[buyer.pk]), query)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"


def test_statement_page_queries_do_not_grow_with_its_lines(client, org, buyer, invoice):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(org["rep1"])
    url = reverse("customer_statement", args=[buyer.pk])

    def queries_for(count: int) -> int:
        for n in range(count):
            invoice(f"AR-Q{count}-{n}", date(2026, 11, 5 + n), "1000.00", issued=date(2026, 11, 1))
            payment_record(
                actor=org["finance1"],
                customer=buyer,
                date=date(2026, 11, 20 + n),
                amount=D("400.00"),
                method="transfer",
            )
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured.captured_queries)

    # Given two lines, then six more: the page reads the same number of queries.
    assert queries_for(2) == queries_for(6)
