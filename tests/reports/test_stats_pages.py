"""The stats reports through the report framework's pages and PDFs (/reports/<slug>/ and
/reports/<slug>/pdf/): each role gets its scope (a rep their own, a manager the team's), the
PDF holds the same figures, and a page's queries do not grow with the book."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import CustomerFactory
from tests.receivables.test_pdfs import (  # noqa: F401 (poppler: the fixture)
    assert_in_pdf,
    assert_noto_embedded,
    pdf_text,
    poppler,
)
from tests.reports.test_collection_plan import make_collection_plan_book, year_target
from tests.reports.test_compliance import make_compliance_book
from tests.reports.test_key_accounts import make_key_accounts_book, order

pytestmark = pytest.mark.django_db
NOVEMBER = "?period=month&date=2026-11-15"
YEAR = "?period=year&date=2026-08-15"


@pytest.fixture(autouse=True)
def today(monkeypatch):
    day = {"value": date(2026, 12, 2)}
    monkeypatch.setattr("reports.views.reports.report_today", lambda: day["value"])
    return day


def get(client, org, viewer, slug, query, name="report_page"):
    client.force_login(org[viewer])
    response = client.get(reverse(name, args=[slug]) + query)
    assert response.status_code == 200
    return response


@pytest.mark.parametrize(
    ("viewer", "names"),
    [
        ("rep1", ["甲公司"]),
        ("rep3", ["丙公司"]),
        ("manager1", ["甲公司", "乙公司"]),
        ("finance1", ["丙公司", "甲公司", "乙公司"]),
        ("admin", ["丙公司", "甲公司", "乙公司"]),
    ],
)
def test_key_accounts_page_shows_the_viewers_scope(client, org, viewer, names):
    make_key_accounts_book(org)
    response = get(client, org, viewer, "key_accounts", NOVEMBER)
    assert [row.customer.name for row in response.context["rows"]] == names
    html = response.content.decode()
    assert html.index("<svg") < html.index('data-testid="key-accounts"')


@pytest.mark.usefixtures("poppler")
def test_key_accounts_pdf_of_a_rep_holds_only_their_customers(client, org):
    make_key_accounts_book(org)
    response = get(client, org, "rep1", "key_accounts", NOVEMBER, name="report_pdf")
    text = pdf_text(response.content)
    assert_in_pdf(text, "重点客户销量统计", "甲公司", "¥8,000.00", "+100.0%", "¥2,000.00")
    assert "丙公司" not in text
    assert "乙公司" not in text
    assert_noto_embedded(response.content)


@pytest.mark.parametrize(
    ("viewer", "query", "owners"),
    [
        ("rep1", "", ["rep1"]),
        ("manager1", "", ["manager1", "rep1", "rep2"]),
        ("manager2", "", ["rep3"]),
        ("finance1", "", ["manager1", "rep1", "rep2", "rep3"]),
        ("manager1", "&rep={rep2}", ["rep2"]),
        ("finance1", "&team={team_b}", ["rep3"]),
    ],
)
def test_compliance_page_shows_the_viewers_scope(client, org, viewer, query, owners):
    make_compliance_book(org)
    query = query.format(rep2=org["rep2"].pk, team_b=org["team_b"].pk)
    response = get(client, org, viewer, "compliance", NOVEMBER + query)
    assert [item["row"].owner.username for item in response.context["rows"]] == owners


@pytest.mark.usefixtures("poppler")
def test_compliance_pdf_of_a_manager_holds_the_team(client, org):
    make_compliance_book(org)
    response = get(client, org, "manager1", "compliance", NOVEMBER, name="report_pdf")
    text = pdf_text(response.content)
    assert_in_pdf(text, "跟进达标率", "57.1%", "60.0%", "rep2")
    assert "rep3" not in text
    assert_noto_embedded(response.content)


@pytest.mark.parametrize(
    ("viewer", "target", "collected"),
    [
        ("manager1", "100000.00", "35500.00"),
        ("manager2", "60000.00", "3000.00"),
        ("finance1", "160000.00", "38500.00"),
    ],
)
def test_collection_plan_page_shows_the_viewers_scope(
    client, org, today, viewer, target, collected
):
    make_collection_plan_book(org)
    today["value"] = date(2026, 8, 15)
    response = get(client, org, viewer, "collection_plan", YEAR)
    assert (response.context["annual_target"], response.context["collected"]) == (
        Decimal(target),
        Decimal(collected),
    )
    assert [q.state for q in response.context["quarters"]] == ["done", "done", "current", "ahead"]


def test_a_rep_may_not_open_the_collection_plan(client, org):
    client.force_login(org["rep1"])
    assert client.get(reverse("report_page", args=["collection_plan"])).status_code == 403


@pytest.mark.usefixtures("poppler")
def test_collection_plan_pdf(client, org, today):
    make_collection_plan_book(org)
    today["value"] = date(2026, 8, 15)
    response = get(client, org, "finance1", "collection_plan", YEAR, name="report_pdf")
    text = pdf_text(response.content)
    assert_in_pdf(text, "回款计划进度", "¥160,000.00", "¥40,000.00", "¥26,000.00", "65.0%")
    assert_noto_embedded(response.content)


def grow(org, n: int) -> None:
    """n more customers for each of rep1, rep2 and rep3, each with sales this November and last,
    and a year target for each seller once."""
    for owner in ("rep1", "rep2", "rep3"):
        for _index in range(n):
            customer = CustomerFactory(owner=org[owner], next_followup_due=date(2026, 11, 20))
            order(customer, "1000", date(2026, 11, 5))
            order(customer, "900", date(2025, 11, 5))


@pytest.mark.parametrize("viewer", ["manager1", "finance1"])
@pytest.mark.parametrize(
    ("slug", "query"),
    [("key_accounts", NOVEMBER), ("compliance", NOVEMBER), ("collection_plan", YEAR)],
)
def test_a_page_takes_the_same_queries_for_any_book(client, org, viewer, slug, query):
    year_target(org["rep1"], "100000")
    client.force_login(org[viewer])
    counts = []
    for more in (2, 12):
        grow(org, more)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("report_page", args=[slug]) + query).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
