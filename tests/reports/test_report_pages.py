"""Report pages and PDFs: the index per role, the shared form's fallbacks (a warning, never an
error page), the aging report's page and PDF (text, embedded CJK font, the chart's text) for
each role's scope."""

from datetime import date

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from reports.catalog import REPORTS, Report, register
from tests.receivables.test_pdfs import (  # noqa: F401 (poppler: the fixture)
    _run_on_pdf,
    assert_in_pdf,
    assert_noto_embedded,
    pdf_text,
    poppler,
)
from tests.reports.aging_book import make_aging_book

pytestmark = pytest.mark.django_db
NOVEMBER = "?period=month&date=2026-11-15"


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr("reports.views.reports.report_today", lambda: date(2026, 12, 2))


@pytest.fixture
def book(org):
    return make_aging_book(org)


def page(client, org, viewer, query=NOVEMBER, slug="aging"):
    client.force_login(org[viewer])
    return client.get(reverse("report_page", args=[slug]) + query)


def warnings(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.mark.parametrize("viewer", ["rep1", "manager1", "finance1", "admin"])
def test_index_lists_the_aging_report_for_every_role(client, org, viewer):
    client.force_login(org[viewer])
    html = client.get(reverse("report_index")).content.decode()
    assert 'data-report="aging"' in html
    assert reverse("report_page", args=["aging"]) in html


def test_index_leaves_out_reports_the_role_may_not_open(client, org, monkeypatch):
    monkeypatch.setitem(
        REPORTS,
        "managers-only",
        Report(
            slug="managers-only",
            title="Managers only",
            roles=frozenset({"manager"}),
            build=lambda request: {},
            template="reports/index.html",
        ),
    )
    client.force_login(org["rep1"])
    assert 'data-report="managers-only"' not in client.get(reverse("report_index")).content.decode()
    assert client.get(reverse("report_page", args=["managers-only"])).status_code == 403
    client.force_login(org["manager1"])
    assert 'data-report="managers-only"' in client.get(reverse("report_index")).content.decode()


def test_register_refuses_a_slug_twice():
    with pytest.raises(ValueError, match="registered twice"):
        register(REPORTS["aging"])


def test_unknown_report_is_404(client, org):
    client.force_login(org["admin"])
    assert client.get(reverse("report_page", args=["nope"])).status_code == 404
    assert client.get(reverse("report_pdf", args=["nope"])).status_code == 404


def test_rep_page_shows_own_figures_only(client, org, book):
    response = page(client, org, "rep1")
    html = response.content.decode()
    assert response.status_code == 200
    assert "¥5,500.00" in html  # the total
    assert "乙客户有限公司" in html
    assert "甲客户有限公司" in html
    assert "丁客户有限公司" not in html
    assert "丙客户有限公司" not in html
    assert "<svg" in html
    assert warnings(response) == []


def test_manager_page_shows_the_team(client, org, book):
    html = page(client, org, "manager1").content.decode()
    assert "¥10,000.00" in html
    assert "丙客户有限公司" in html
    assert "丁客户有限公司" not in html


def test_finance_page_with_a_filter(client, org, book):
    html = page(client, org, "finance1", NOVEMBER + f"&team={org['team_b'].pk}").content.decode()
    assert "¥5,000.00" in html
    assert "丁客户有限公司" in html
    assert "甲客户有限公司" not in html


def test_rep_asking_for_another_rep_gets_own_data_and_a_warning(client, org, book):
    response = page(client, org, "rep1", NOVEMBER + f"&rep={org['rep3'].pk}")
    assert response.status_code == 200
    html = response.content.decode()
    assert "¥5,500.00" in html
    assert "丁客户有限公司" not in html
    (message,) = warnings(response)
    assert "销售" in message or "rep" in message.lower()


def test_manager_asking_for_another_team_is_warned_and_sees_own_team(client, org, book):
    response = page(client, org, "manager1", NOVEMBER + f"&team={org['team_b'].pk}")
    assert "¥10,000.00" in response.content.decode()
    assert len(warnings(response)) == 1


@pytest.mark.parametrize(
    "query",
    [
        "?period=fortnight&date=2026-11-15",
        "?period=month&date=2026-13-45",
        "?period=month&date=0001-01-01",
        "?period=custom&start=2026-11-20&end=2026-11-03",
        "?period=custom&start=2026-11-20",
        "?period=month&date=2026-11-15&tier=Z",
        "?period=month&date=2026-11-15&region=abc",
        "?period=month&date=2026-11-15&rep=%00",
    ],
)
def test_bad_query_values_fall_back_with_one_warning(client, org, book, query):
    response = page(client, org, "finance1", query)
    assert response.status_code == 200
    assert len(warnings(response)) == 1, warnings(response)


def test_custom_period(client, org, book):
    response = page(client, org, "finance1", "?period=custom&start=2026-10-01&end=2026-10-31")
    html = response.content.decode()
    assert "2026-10-01 – 2026-10-31" in html
    assert "¥15,500.00" in html  # as of 31 October (see test_aging)
    assert warnings(response) == []


def test_default_period_is_this_month(client, org):
    html = page(client, org, "rep1", "").content.decode()
    assert "2026年12月" in html


def test_pdf_link_carries_the_chosen_parameters(client, org, book):
    html = page(client, org, "finance1", NOVEMBER + f"&team={org['team_b'].pk}").content.decode()
    assert (
        f"/reports/aging/pdf/?period=month&amp;date=2026-11-15&amp;team={org['team_b'].pk}" in html
    )


# --- The PDF ------------------------------------------------------------------------------------


def pdf_of(client, org, viewer, query=NOVEMBER):
    client.force_login(org[viewer])
    response = client.get(reverse("report_pdf", args=["aging"]) + query)
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "application/pdf"
    return response.content


@pytest.mark.usefixtures("poppler")
def test_rep_pdf_holds_own_figures_in_an_embedded_cjk_font(client, org, book):
    content = pdf_of(client, org, "rep1")
    text = pdf_text(content)
    assert_in_pdf(
        text,
        "账龄报表",
        "SalesOps 演示公司",
        "2026年11月",
        "¥5,500.00",
        "乙客户有限公司",
        "甲客户有限公司",
        "¥3,000.00",
        "1 / 3",
        "3 / 3",
    )
    assert "丁客户" not in text
    assert "丙客户" not in text
    # The bucket chart's own text (its title and printed values) is in the PDF.
    assert_in_pdf(text, "2026-11-30", "¥1,500")
    assert_noto_embedded(content)


@pytest.mark.usefixtures("poppler")
def test_manager_pdf_holds_the_team_and_the_filters(client, org, book):
    text = pdf_text(pdf_of(client, org, "manager1", NOVEMBER + f"&rep={org['rep2'].pk}"))
    assert_in_pdf(text, "¥4,000.00", "丙客户有限公司", "rep2")
    assert "甲客户" not in text


@pytest.mark.usefixtures("poppler")
def test_pdf_says_when_it_was_generated(client, org, book):
    text = pdf_text(pdf_of(client, org, "finance1"))
    assert_in_pdf(text, "生成时间", "北京时间", "¥15,000.00")
    info = _run_on_pdf(pdf_of(client, org, "finance1"), "pdfinfo")
    assert "Pages:" in info


@pytest.mark.usefixtures("poppler")
def test_pdf_with_bad_parameters_still_renders(client, org, book):
    content = pdf_of(client, org, "rep1", "?period=zzz&rep=999")
    assert content.startswith(b"%PDF-")
