"""The aging report: exact buckets, health and customers on a hand-made book
(tests/reports/aging_book.py), scoped per role and by the filters."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from reports.selectors.aging import aging_build, aging_pages, trend_days
from reports.selectors.scope import ReportRequest
from salesops.core.periods import report_period
from tests.reports.aging_book import AS_OF, make_aging_book

pytestmark = pytest.mark.django_db
D = Decimal
NOVEMBER = report_period("month", anchor=AS_OF)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def book(org):
    return make_aging_book(org)


def build(org, viewer, period=NOVEMBER, **filters):
    return aging_build(
        ReportRequest(user=org[viewer], period=period, as_of=min(period.end, AS_OF), **filters)
    )


def amounts(row):
    return [row.not_due, row.b1, row.b2, row.b3, row.b4, row.total]


def test_finance_sees_every_bucket_of_the_whole_book(org, book):
    report = build(org, "finance1")
    assert amounts(report["totals"]) == [
        D("1500"),
        D("1500"),
        D("3000"),
        D("5000"),
        D("4000"),
        D("15000"),
    ]
    assert [(b["label"], b["amount"], b["share"]) for b in report["buckets"]] == [
        ("Not due", D("1500"), D("0.1000")),
        ("1-30", D("1500"), D("0.1000")),
        ("31-60", D("3000"), D("0.2000")),
        ("61-90", D("5000"), D("0.3333")),
        ("90+", D("4000"), D("0.2667")),
    ]
    assert report["overdue"] == D("13500")
    assert report["customer_count"] == 5
    # 90+ is 26.67 % of the total, above 20 %: an alarm.
    assert report["totals"].health.key == "alarm"


def test_customers_owing_most_come_first_with_their_health(org, book):
    rows = list(build(org, "finance1")["customers"])
    assert [(row.name, row.owner, row.total, row.health.key) for row in rows] == [
        ("丁客户有限公司", "rep3", D("5000"), "unhealthy"),
        ("丙客户有限公司", "rep2", D("4000"), "alarm"),
        ("乙客户有限公司", "rep1", D("3000"), "unhealthy"),
        ("甲客户有限公司", "rep1", D("2500"), "healthy"),
        ("戊客户有限公司", "manager1", D("500"), "healthy"),
    ]


def test_rep_sees_only_own_customers(org, book):
    report = build(org, "rep1")
    assert amounts(report["totals"]) == [D("1000"), D("1500"), D("3000"), D("0"), D("0"), D("5500")]
    assert [row.name for row in report["customers"]] == ["乙客户有限公司", "甲客户有限公司"]
    # Within terms 2,500 of 5,500 = 45.45 %, under 60 %: unhealthy (no 90+).
    assert report["totals"].health.key == "unhealthy"


def test_manager_sees_the_team(org, book):
    report = build(org, "manager1")
    assert report["totals"].total == D("10000")
    assert sorted(row.name for row in report["customers"]) == [
        "丙客户有限公司",
        "乙客户有限公司",
        "戊客户有限公司",
        "甲客户有限公司",
    ]


def test_rep_asking_for_another_rep_sees_nothing_of_theirs(org, book):
    report = build(org, "rep1", rep=org["rep3"])
    assert report["totals"].total == D("0")
    assert report["customer_count"] == 0
    assert report["totals"].health is None


def test_filters_region_tier_team(org, book):
    assert build(org, "finance1", region=book["east"])["totals"].total == D("7000")
    assert build(org, "finance1", tier="B")["totals"].total == D("3000")
    assert build(org, "admin", team=org["team_b"])["totals"].total == D("5000")
    assert build(org, "admin", team=org["team_a"], region=book["north"])["totals"].total == D(
        "3000"
    )


def test_balances_are_read_on_the_as_of_day(org, book):
    # On 2026-12-01 乙's 3,000 was paid; the report of December (as of its end, capped
    # by the book's day here) reads the later balances.
    december = report_period("month", anchor=date(2026, 12, 1))
    request = ReportRequest(user=org["finance1"], period=december, as_of=date(2026, 12, 1))
    assert aging_build(request)["totals"].total == D("12000")
    # And October's end: nothing was overdue by 61+ then except 丙 (due 08-01, 91 days).
    october = report_period("month", anchor=date(2026, 10, 1))
    totals = aging_build(ReportRequest(user=org["finance1"], period=october, as_of=october.end))[
        "totals"
    ]
    assert amounts(totals) == [D("3500"), D("3000"), D("5000"), D("0"), D("4000"), D("15500")]


def test_trend_sums_the_snapshots_of_the_scope(org, book):
    rep1 = build(org, "rep1")["trend"]
    assert [(p["as_of"].day, p["total"], p["late"]) for p in rep1] == [
        (28, D("5600"), D("3000")),
        (29, D("5550"), D("3000")),
        (30, D("5500"), D("3000")),
    ]
    finance = build(org, "finance1")["trend"]
    assert finance[-1]["total"] == D("10500")


def test_charts_carry_the_bucket_figures(org, book):
    report = build(org, "rep1")
    assert "¥1,500.00" in report["bucket_chart"]
    assert "<svg" in report["bucket_chart"]
    assert "¥5,600.00" in report["trend_chart"]


def test_pages_estimate_grows_with_the_customers(org, book):
    report = build(org, "finance1")
    assert aging_pages(report) == 3


@pytest.mark.parametrize(
    ("start", "end", "count", "first", "last"),
    [
        (date(2026, 11, 1), date(2026, 11, 30), 30, date(2026, 11, 1), date(2026, 11, 30)),
        (date(2026, 11, 1), date(2026, 11, 10), 10, date(2026, 11, 1), date(2026, 11, 10)),
        # A quarter: Sundays and the last day.
        (date(2026, 10, 1), date(2026, 12, 31), 14, date(2026, 10, 4), date(2026, 12, 31)),
        # A year: month ends.
        (date(2026, 1, 1), date(2026, 12, 31), 12, date(2026, 1, 31), date(2026, 12, 31)),
        (date(2026, 1, 1), date(2026, 6, 15), 6, date(2026, 1, 31), date(2026, 6, 15)),
    ],
)
def test_trend_days(start, end, count, first, last):
    days = trend_days(start, end)
    assert (len(days), days[0], days[-1]) == (count, first, last)


def test_page_shows_the_top_customers_and_the_pdf_streams_them_all(org, book, monkeypatch):
    monkeypatch.setattr("reports.selectors.aging.PAGE_ROWS", 2)
    customers = build(org, "finance1")["customers"]
    assert [row.name for row in customers.top] == ["丁客户有限公司", "丙客户有限公司"]
    assert len(customers) == 5
    assert [row.total for row in customers] == [
        D("5000"),
        D("4000"),
        D("3000"),
        D("2500"),
        D("500"),
    ]
