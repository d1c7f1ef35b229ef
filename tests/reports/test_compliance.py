"""Follow-up compliance report (reports/selectors/compliance.py): customers' compliance read per
owner for the period, its totals and chart, scoped (a rep's own row, a manager's team) and
filtered by team and rep."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.template.loader import render_to_string

from reports.selectors.compliance import compliance_build
from salesops.core.pdf import render_pdf
from tests.factories import CustomerFactory, FollowUpFactory
from tests.receivables.test_pdfs import (  # noqa: F401 - the poppler fixture
    assert_in_pdf,
    assert_noto_embedded,
    pdf_text,
    poppler,
)
from tests.reports.stats_helpers import request_for

pytestmark = pytest.mark.django_db
D = Decimal
SHANGHAI = ZoneInfo("Asia/Shanghai")
AS_OF = date(2026, 11, 30)
DAY = timedelta(days=1)


def at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


def make_compliance_book(org):
    """rep1: 5 customers, 3 within follow-up cadence on 30 November, 2 of the 4 with a visit
    cadence visited within it; rep2: 1, overdue; rep3: 1 within; manager1: 1 within.
    rep1 logged 3 follow-ups in November (one late), one on 31 October and one on 1 December."""
    rep1 = org["rep1"]
    within_a = CustomerFactory(
        owner=rep1, tier="A", next_followup_due=AS_OF + DAY, next_visit_due=AS_OF - DAY
    )
    CustomerFactory(owner=rep1, tier="B", next_followup_due=AS_OF - DAY, next_visit_due=AS_OF + DAY)
    CustomerFactory(owner=rep1, tier="C", next_followup_due=AS_OF - DAY, next_visit_due=AS_OF - DAY)
    CustomerFactory(owner=rep1, tier="D", next_followup_due=AS_OF, next_visit_due=None)
    CustomerFactory(owner=rep1, tier="B", next_followup_due=AS_OF + 5 * DAY, next_visit_due=AS_OF)
    CustomerFactory(owner=org["rep2"], tier="D", next_followup_due=AS_OF - DAY)
    CustomerFactory(owner=org["rep3"], tier="A", next_followup_due=AS_OF + DAY)
    CustomerFactory(owner=org["manager1"], tier="C", next_followup_due=AS_OF + 10 * DAY)
    for moment, late in (
        (at(date(2026, 11, 1), 0), False),  # first hour of the period (Shanghai)
        (at(AS_OF, 23), False),
        (at(date(2026, 11, 12), 10), True),
        (at(date(2026, 10, 31), 23), False),  # before the period
        (at(date(2026, 12, 1), 9), False),  # after its as-of day
    ):
        FollowUpFactory(customer=within_a, occurred_at=moment, is_late=late)


@pytest.fixture
def book(org):
    return make_compliance_book(org)


def table(result):
    return [
        (
            item["row"].owner.username,
            item["row"].customers,
            item["row"].within_cadence,
            item["rate"],
            item["row"].visit_customers,
            item["row"].visits_within_cadence,
            item["visit_rate"],
            item["row"].logs,
            item["row"].late_logs,
            item["below"],
        )
        for item in result["rows"]
    ]


def test_rows_per_owner_with_totals(org, book):
    result = compliance_build(request_for(org["finance1"], anchor=AS_OF, as_of=AS_OF))
    assert table(result) == [
        ("manager1", 1, 1, D("1.0000"), 0, 0, None, 0, 0, False),
        ("rep1", 5, 3, D("0.6000"), 4, 2, D("0.5000"), 3, 1, True),
        ("rep2", 1, 0, D("0.0000"), 0, 0, None, 0, 0, True),
        ("rep3", 1, 1, D("1.0000"), 0, 0, None, 0, 0, False),
    ]
    assert (result["customers"], result["within_cadence"], result["rate"]) == (8, 5, D("0.6250"))
    assert (result["visit_customers"], result["visits_within_cadence"]) == (4, 2)
    assert result["visit_rate"] == D("0.5000")
    assert (result["logs"], result["late_logs"]) == (3, 1)


def test_an_earlier_as_of_day_counts_what_was_due_then(org, book):
    # On 29 November rep1's customers due on the 29th and 30th are not overdue yet; logs end
    # that day.
    result = compliance_build(request_for(org["rep1"], anchor=AS_OF, as_of=AS_OF - DAY))
    (row,) = table(result)
    assert row == ("rep1", 5, 5, D("1.0000"), 4, 4, D("1.0000"), 2, 1, False)


@pytest.mark.parametrize(
    ("viewer", "filters", "owners"),
    [
        ("rep1", {}, ["rep1"]),  # a rep gets their own row
        ("rep2", {}, ["rep2"]),
        ("manager1", {}, ["manager1", "rep1", "rep2"]),  # the team and the manager
        ("manager2", {}, ["rep3"]),
        ("admin", {}, ["manager1", "rep1", "rep2", "rep3"]),
        ("finance1", {"team": "team_a"}, ["manager1", "rep1", "rep2"]),
        ("finance1", {"rep": "rep3"}, ["rep3"]),
        ("manager1", {"rep": "rep2"}, ["rep2"]),
    ],
)
def test_scope_and_filters(org, book, viewer, filters, owners):
    chosen = {key: org[value] for key, value in filters.items()}
    result = compliance_build(request_for(org[viewer], anchor=AS_OF, as_of=AS_OF, **chosen))
    assert [item["row"].owner.username for item in result["rows"]] == owners


def test_the_chart_comes_first_and_lists_each_owner(org, book):
    request = request_for(org["manager1"], anchor=AS_OF, as_of=AS_OF)
    context = compliance_build(request)
    assert "rep1 60.0%" in context["chart"]  # the chart's description, every value
    html = render_to_string(
        "reports/compliance_body.html",
        {**context, "request": request, "period": request.period, "pdf": False},
    )
    assert html.index("<svg") < html.index('data-testid="compliance"')
    assert f"?owner={org['rep1'].pk}&amp;overdue=true" in html
    printed = render_to_string(
        "reports/compliance_body.html",
        {**context, "request": request, "period": request.period, "pdf": True},
    )
    assert "<a href" not in printed
    assert "57.1%" in printed  # 4 of the team's 7 customers


def test_query_count_does_not_grow_with_customers(org, django_assert_max_num_queries):
    for n in range(30):
        CustomerFactory(owner=org["rep1" if n % 2 else "rep2"], next_followup_due=AS_OF)
    request = request_for(org["manager1"], anchor=AS_OF, as_of=AS_OF)
    with django_assert_max_num_queries(4):  # the viewer's role, owners, logs, late logs
        compliance_build(request)


@pytest.mark.usefixtures("poppler")
def test_the_body_prints_to_a_pdf_with_the_chart_and_figures(org, book):
    request = request_for(org["manager1"], anchor=AS_OF, as_of=AS_OF)
    content = render_pdf(
        "reports/compliance_body.html",
        {**compliance_build(request), "request": request, "period": request.period, "pdf": True},
    )
    text = pdf_text(content)
    assert_in_pdf(text, "各负责人跟进达标率", "57.1%", "60.0%", "rep1", "rep2")
    assert_noto_embedded(content)
