"""The weekly and monthly reports as pages and PDFs: the key figures in the extracted text, the
embedded CJK font, the monthly report's charts; each viewer's scope."""

from datetime import date

import pytest
from django.urls import reverse

from tests.receivables.test_pdfs import (  # noqa: F401 (poppler: the fixture)
    assert_in_pdf,
    assert_noto_embedded,
    pdf_text,
    poppler,
)
from tests.reports.test_monthly import month  # noqa: F401 (the fixture)
from tests.reports.test_weekly import week  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db
WEEK = "?period=week&date=2026-11-23"
NOVEMBER = "?period=month&date=2026-11-15"


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr("reports.views.reports.report_today", lambda: date(2026, 12, 2))


def get(client, user, slug, query, *, pdf=False):
    client.force_login(user)
    response = client.get(reverse("report_pdf" if pdf else "report_page", args=[slug]) + query)
    assert response.status_code == 200
    return response


def test_the_weekly_page_shows_the_managers_week(client, week):  # noqa: F811 (the imported fixture)
    html = get(client, week["manager1"], "weekly", WEEK).content.decode()
    assert 'data-testid="followups-done">3<' in html
    assert "¥1,330.50" in html
    assert 'data-testid="weekly-subscription-link"' in html


def test_the_weekly_page_defaults_to_this_week(client, org):
    response = get(client, org["rep1"], "weekly", "")
    assert response.context["period"].kind == "week"
    assert response.context["period"].start == date(2026, 11, 30)
    assert 'data-testid="weekly-subscription-link"' not in response.content.decode()


@pytest.mark.usefixtures("poppler")
def test_the_weekly_pdf_holds_the_reps_figures_only(client, week):  # noqa: F811 (the imported fixture)
    content = get(client, week["rep1"], "weekly", WEEK, pdf=True).content
    text = pdf_text(content)
    assert_in_pdf(
        text, "销售周报", "2026年第48周", "¥1,130.00", "¥1,000.00", "交期担忧", "一周目标"
    )
    assert "价格偏高" not in text  # rep2's issue
    assert "¥200.50" not in text  # rep2's order
    assert_noto_embedded(content)


@pytest.mark.usefixtures("poppler")
def test_the_monthly_pdf_holds_achievement_comparisons_and_both_charts(client, month):  # noqa: F811 (the imported fixture)
    content = get(client, month["manager1"], "monthly", NOVEMBER, pdf=True).content
    text = pdf_text(content)
    assert_in_pdf(
        text,
        "经理月报",
        "88.9%",
        "¥4,000.00",
        "¥800.00",
        "400.0%",
        "新客户四",
        "流失客户五",
        # The charts' own text: their titles and printed values.
        "各销售目标与实际",
        "分区域销售额",
        "¥2,500",
    )
    assert "他队客户三" not in text
    assert "¥9,999" not in text
    assert_noto_embedded(content)


def test_the_monthly_page_for_finance_covers_every_team(client, month):  # noqa: F811 (the imported fixture)
    html = get(client, month["finance1"], "monthly", NOVEMBER).content.decode()
    assert 'data-testid="sales-total">¥13,999.00<' in html
    assert html.count("<svg") >= 2
