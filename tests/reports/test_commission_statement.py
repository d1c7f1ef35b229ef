"""The commission statement report (docs/reports.md, "Commission"): built from a ReportRequest
with exact figures, rendered line by line, scoped to the viewer, and in a flat number of queries."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from reports.catalog import REPORTS
from reports.selectors.commission import commission_build
from reports.services.commission import commission_period_close
from tests.factories import CustomerFactory, SalesTargetFactory
from tests.receivables.test_pdfs import (  # noqa: F401 (poppler: the fixture)
    assert_in_pdf,
    assert_noto_embedded,
    pdf_text,
    poppler,
)
from tests.reports.com_helpers import month_request
from tests.reports.test_commission import Book

pytestmark = pytest.mark.django_db
D = Decimal
NOV, DEC = date(2026, 11, 1), date(2026, 12, 1)
TODAY = datetime(2026, 12, 2, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def book(org):
    """rep1: target 10,000; 6,000 + 7,000 + 2,000 in November (525.00). rep2: 1,000 (30.00).
    rep3 (the other team): 2,000 (60.00)."""
    book = Book(org)
    SalesTargetFactory(
        owner=org["rep1"], period="month", period_start=NOV, collection_target=D("10000")
    )
    rep1 = CustomerFactory(name="苏州恒通电子", owner=org["rep1"])
    book.payments = [
        book.collect(rep1, date(2026, 11, 5), "6000")[0],
        book.collect(rep1, date(2026, 11, 12), "7000")[0],
        book.collect(rep1, date(2026, 11, 20), "2000")[0],
    ]
    book.collect(CustomerFactory(name="无锡远大", owner=org["rep2"]), date(2026, 11, 8), "1000")
    book.collect(CustomerFactory(name="天津海河", owner=org["rep3"]), date(2026, 11, 9), "2000")
    return book


def reps_and_totals(context):
    return [
        [(str(s.rep), s.collected, s.earned, s.adjustments, s.total) for s in m.statements]
        for m in context["months"]
    ]


def test_finance_sees_every_rep_with_totals_and_the_split(org, book):
    context = commission_build(month_request(org["finance1"], NOV))
    assert reps_and_totals(context) == [
        [
            ("rep1", D("15000.00"), D("525.00"), 0, D("525.00")),
            ("rep2", D("1000.00"), D("30.00"), 0, D("30.00")),
            ("rep3", D("2000.00"), D("60.00"), 0, D("60.00")),
        ]
    ]
    assert context["total_commission"] == D("615.00")
    # A summary for finance, a row a rep (2 + 3 rows after the first page): 2 pages
    assert context["detail"] is False
    assert [s.lines for s in context["months"][0].statements] == [[], [], []]
    assert context["months"][0].statements[0].url == (
        f"/reports/commission/?period=month&rep={org['rep1'].pk}&date=2026-11-01"
    )
    assert REPORTS["commission"].pages(context) == 2
    settings = context["settings"]
    assert (settings.base_share, settings.commission_share) == (D("0.5000"), D("0.5000"))
    assert "<svg" in context["chart"]


def test_a_rep_sees_own_statement_a_manager_the_team_and_filters_narrow_it(org, book):
    assert reps_and_totals(commission_build(month_request(org["rep1"], NOV))) == [
        [("rep1", D("15000.00"), D("525.00"), 0, D("525.00"))]
    ]
    team = [s[0] for s in reps_and_totals(commission_build(month_request(org["manager1"], NOV)))[0]]
    assert team == ["rep1", "rep2"]
    only = commission_build(month_request(org["manager1"], NOV, rep=org["rep2"]))
    assert [str(s.rep) for s in only["months"][0].statements] == ["rep2"]
    other_team = commission_build(month_request(org["finance1"], NOV, team=org["team_b"]))
    assert [str(s.rep) for s in other_team["months"][0].statements] == ["rep3"]
    # A rep who asks for another rep's statement gets nothing (the filter is inside the scope).
    assert (
        commission_build(month_request(org["rep1"], NOV, rep=org["rep2"]))["months"][0].statements
        == []
    )


def test_after_a_close_a_void_shows_in_the_next_month_and_the_page_lists_it(org, book):
    commission_period_close(actor=org["finance1"], month=NOV, now=TODAY)
    book.void(book.payments[1])
    november = commission_build(month_request(org["rep1"], NOV))
    december = commission_build(month_request(org["rep1"], DEC))
    assert reps_and_totals(november) == [[("rep1", D("15000.00"), D("525.00"), 0, D("525.00"))]]
    assert november["months"][0].closed
    assert reps_and_totals(december) == [[("rep1", 0, 0, D("-255.00"), D("-255.00"))]]
    with translation.override("zh-hans"):
        html = render_to_string(
            "reports/commission_body.html", {**december, "pdf": False, "period": None}
        )
    assert "¥-255.00" in html
    assert "调整：所属月份结账后回款作废" in html
    assert "2026-11-12" in html
    assert "50% : 50%" in html


def test_the_statement_renders_each_line(org, book):
    context = commission_build(month_request(org["rep1"], NOV))
    with translation.override("en"):
        html = render_to_string("reports/commission_body.html", {**context, "pdf": True})
    for text in [
        "2026-11-05",
        "苏州恒通电子",
        "AR-2",
        "¥7,000.00",
        "3.00%",
        "¥3,000.00 × 1.5",
        "¥255.00",
        "¥525.00",
        "¥15,000.00",
        "¥10,000.00",
    ]:
        assert text in html, text


def test_statement_queries_do_not_grow_with_lines_or_reps(org, book, django_assert_max_num_queries):
    request = month_request(org["finance1"], NOV)
    # periods, closed range, settings, targets, the totals (in tests a savepoint around it and
    # SET LOCAL jit = off), the reps' targets, the reps
    with django_assert_max_num_queries(10):
        commission_build(request)
    for index in range(6):
        owner = org[("rep1", "rep2", "rep3", "manager1")[index % 4]]
        book.collect(CustomerFactory(owner=owner), date(2026, 11, 10 + index), "100")
    SalesTargetFactory(owner=org["rep3"], period="quarter", period_start=date(2026, 10, 1))
    commission_period_close(actor=org["finance1"], month=NOV, now=TODAY)
    with django_assert_max_num_queries(10):
        assert len(commission_build(request)["months"][0].statements) == 4
    # One rep line by line: the lines' read instead of the totals' (their sums are the totals).
    with django_assert_max_num_queries(10):
        commission_build(month_request(org["finance1"], NOV, rep=org["rep1"]))


# --- The page and the PDF -----------------------------------------------------------------------

NOVEMBER = "?period=month&date=2026-11-15"


@pytest.fixture
def today(monkeypatch):
    monkeypatch.setattr("reports.views.reports.report_today", lambda: date(2026, 12, 2))


def get(client, org, viewer, url_name, query=NOVEMBER):
    client.force_login(org[viewer])
    response = client.get(reverse(url_name, args=["commission"]) + query)
    assert response.status_code == 200
    return response


@pytest.mark.usefixtures("today")
def test_the_page_shows_a_rep_only_their_own_lines(client, org, book):
    html = get(client, org, "rep1", "report_page").content.decode()
    assert "苏州恒通电子" in html
    assert "¥525.00" in html
    assert "无锡远大" not in html
    assert "天津海河" not in html
    # A manager gets a row a rep of the team, each linking to that rep's lines.
    team = get(client, org, "manager1", "report_page").content.decode()
    assert f"rep={org['rep2'].pk}" in team
    assert f"rep={org['rep3'].pk}" not in team
    assert "¥555.00" in team  # 525.00 + 30.00
    lines = get(client, org, "manager1", "report_page", NOVEMBER + f"&rep={org['rep2'].pk}")
    assert "无锡远大" in lines.content.decode()


@pytest.mark.usefixtures("today", "poppler")
def test_the_pdf_holds_the_lines_and_the_adjustment_in_an_embedded_cjk_font(client, org, book):
    commission_period_close(actor=org["finance1"], month=NOV, now=TODAY)
    book.void(book.payments[1])
    content = get(client, org, "rep1", "report_pdf", "?period=month&date=2026-12-01").content
    text = pdf_text(content)
    assert_in_pdf(text, "提成对账单", "2026-11-12", "苏州恒通电子", "AR-2", "¥-255.00", "50% : 50%")
    assert "无锡远大" not in text
    assert_noto_embedded(content)
    november = pdf_text(get(client, org, "rep1", "report_pdf").content)
    assert_in_pdf(november, "¥525.00", "¥15,000.00", "¥3,000.00 × 1.5", "已结账")


def test_a_long_statement_is_estimated_long_enough_to_build_in_the_background(org, book):
    for index in range(80):
        book.collect(CustomerFactory(owner=org["rep2"]), date(2026, 11, 1 + index % 28), "10")
    context = commission_build(month_request(org["finance1"], NOV, rep=org["rep2"]))
    # rep2's lines: 2 + 6 + 81 = 89 rows: 1 + 3 pages, above the inline limit of 3
    assert context["detail"] is True
    assert REPORTS["commission"].pages(context) == 4
