"""The manager monthly report (月报): exact figures on a hand-made November 2026, with October
(month on month) and November 2025 (year on year)."""

from datetime import date
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from opportunities.models import LostReason
from reports.selectors.monthly import monthly_build
from tests.factories import CustomerFactory, OpportunityFactory, RegionFactory, SalesTargetFactory
from tests.reports.per_data import at, order
from tests.reports.per_helpers import monthly_request

pytestmark = pytest.mark.django_db

NOV = date(2026, 11, 1)


@pytest.fixture
def month(org):
    east, north = RegionFactory(name="华东"), RegionFactory(name="华北")
    rep1, rep2, rep3 = org["rep1"], org["rep2"], org["rep3"]
    c1 = CustomerFactory(name="客户一", owner=rep1, region=east, tier="A")
    c2 = CustomerFactory(name="客户二", owner=rep2, region=north, tier="B")
    c4 = CustomerFactory(name="新客户四", owner=rep1, region=east, tier="C")
    c5 = CustomerFactory(name="流失客户五", owner=rep2, region=north, tier="B")
    c6 = CustomerFactory(name="十月流失六", owner=rep2, region=north, tier="D")
    c7 = CustomerFactory(name="仍活跃七", owner=rep2, region=north, tier="D")
    c3 = CustomerFactory(name="他队客户三", owner=rep3, region=north, tier="A")
    sold = "accepted"
    for customer, accepted, amount, status, line in (
        (c1, date(2026, 11, 5), "1000.00", sold, "泵"),
        (c1, date(2026, 11, 20), "500.00", sold, "阀门"),
        (c1, date(2026, 11, 30), "100.00", "closed", "泵"),
        (c1, date(2026, 10, 10), "800.00", sold, "泵"),
        (c1, date(2025, 11, 3), "400.00", sold, "泵"),
        (c2, date(2026, 11, 15), "2000.00", sold, "泵"),
        (c2, date(2025, 11, 20), "1000.00", sold, "泵"),
        (c4, date(2026, 11, 25), "400.00", sold, "泵"),
        (c5, date(2025, 11, 10), "600.00", sold, "泵"),
        (c6, date(2025, 10, 15), "700.00", sold, "泵"),
        (c7, date(2025, 12, 1), "300.00", sold, "泵"),
        (c3, date(2026, 11, 5), "9999.00", sold, "泵"),
    ):
        order(
            org,
            customer,
            day=accepted,
            amount=amount,
            status=status,
            accepted_on=accepted,
            sku=f"SKU-{line}",
            line=line,
        )
    # Confirmed, not accepted: no sale yet.
    order(org, c1, day=date(2026, 11, 6), amount="5000.00", status="confirmed")
    for rep, amount in ((rep1, 2000), (rep2, 2500), (rep3, 1000)):
        SalesTargetFactory(owner=rep, period="month", period_start=NOV, sales_target=amount)
    # A quarter target is not November's.
    SalesTargetFactory(owner=rep1, period="quarter", period_start=date(2026, 10, 1))
    reason, _new = LostReason.objects.get_or_create(name="价格")
    for created, status, committed, closed in (
        (date(2026, 11, 3), "open", date(2026, 11, 10), None),
        (date(2026, 10, 5), "won", date(2026, 10, 20), date(2026, 11, 20)),
        (date(2026, 11, 4), "lost", None, date(2026, 11, 21)),
        (date(2026, 10, 1), "lost", None, date(2026, 10, 30)),
    ):
        OpportunityFactory(
            customer=c1,
            created_at=at(created),
            status=status,
            committed_at=committed and at(committed),
            closed_at=closed and at(closed),
            lost_reason=reason if status == "lost" else None,
        )
    OpportunityFactory(customer=c3, created_at=at(date(2026, 11, 3)))
    return org


def compared(rows) -> list[tuple]:
    return [(str(r.label), r.current, r.previous, r.mom, r.year_ago, r.yoy) for r in rows]


D = Decimal


def test_the_managers_november_holds_exactly_the_teams_figures(month):
    data = monthly_build(monthly_request(month["manager1"], anchor=NOV))
    total = data["sales"]["total"]
    assert (total.current, total.previous, total.year_ago, total.mom, total.yoy) == (
        D("4000.00"),
        D("800.00"),
        D("2000.00"),
        D("4.0000"),
        D("1.0000"),
    )
    assert compared(data["sales"]["by_region"]) == [
        ("华东", D("2000.00"), D("800.00"), D("1.5000"), D("400.00"), D("4.0000")),
        ("华北", D("2000.00"), D("0.00"), None, D("1600.00"), D("0.2500")),
    ]
    assert compared(data["sales"]["by_product_line"]) == [
        ("泵", D("3500.00"), D("800.00"), D("3.3750"), D("2000.00"), D("0.7500")),
        ("阀门", D("500.00"), D("0.00"), None, D("0.00"), None),
    ]
    assert [
        (str(r.label)[0], r.current, r.previous, r.year_ago) for r in data["sales"]["by_tier"]
    ] == [
        ("A", D("1600.00"), D("800.00"), D("400.00")),
        ("B", D("2000.00"), D("0.00"), D("1600.00")),
        ("C", D("400.00"), D("0.00"), D("0.00")),
    ]
    assert [(r.rep.username, r.target, r.actual, r.achievement) for r in data["reps"]] == [
        ("manager1", None, D("0.00"), None),
        ("rep1", D("2000.00"), D("2000.00"), D("1.0000")),
        ("rep2", D("2500.00"), D("2000.00"), D("0.8000")),
    ]
    assert (data["target_total"], data["achievement"]) == (D("4500.00"), D("0.8889"))
    assert data["customers"] == {
        "new_count": 1,
        "new_names": ["新客户四"],
        "churned_count": 1,
        "churned_names": ["流失客户五"],
    }
    assert data["conversion"] == {
        "created": 2,
        "committed": 1,
        "won": 1,
        "lost": 1,
        "win_rate": D("0.5000"),
    }


def test_a_rep_sees_only_their_own_month(month):
    data = monthly_build(monthly_request(month["rep1"], anchor=NOV))
    assert data["sales"]["total"].current == D("2000.00")
    assert [(r.rep.username, r.achievement) for r in data["reps"]] == [("rep1", D("1.0000"))]
    assert data["customers"]["churned_count"] == 0


def test_finance_sees_every_team_and_a_region_filter_narrows_it(month):
    everything = monthly_build(monthly_request(month["finance1"], anchor=NOV))
    assert everything["sales"]["total"].current == D("13999.00")
    north = monthly_build(
        monthly_request(month["finance1"], anchor=NOV, region=RegionFactory(name="华北"))
    )
    assert north["sales"]["total"].current == D("11999.00")
    assert [str(r.label) for r in north["sales"]["by_region"]] == ["华北"]


def test_october_churns_the_customer_whose_last_order_was_october_last_year(month):
    data = monthly_build(monthly_request(month["manager1"], anchor=date(2026, 10, 1)))
    assert data["customers"]["churned_names"] == ["十月流失六"]


def test_the_body_has_both_charts_and_the_key_figures(month):
    request = monthly_request(month["manager1"], anchor=NOV)
    html = render_to_string(
        "reports/monthly_body.html",
        {**monthly_build(request), "request": request, "period": request.period, "pdf": False},
    )
    assert html.count("<svg") == 2
    assert 'data-testid="achievement">88.9%<' in html
    assert "¥4,000.00" in html


def test_the_build_is_a_fixed_number_of_queries(month, org, django_assert_num_queries):
    request = monthly_request(month["manager1"], anchor=NOV)
    monthly_build(request)  # the viewer's role, then cached
    with django_assert_num_queries(13) as few:
        monthly_build(request)
    for index in range(4):
        order(
            org,
            CustomerFactory(owner=org["rep2"], tier="C"),
            day=date(2026, 11, 9),
            amount="1.00",
            status="accepted",
            accepted_on=date(2026, 11, 9),
            sku=f"X{index}",
            line=f"线{index}",
        )
    with django_assert_num_queries(len(few.captured_queries)):
        monthly_build(request)


@pytest.fixture
def credited_month(org):
    """rep1 ¥1,000 and rep2 ¥3,000 in team A, rep3 ¥5,000 in team B; targets 2,000/4,000/5,000;
    then rep1's customer moves to rep3 (the order stays credited to rep1)."""
    east = RegionFactory(name="华东")
    customers = {}
    for rep, amount, target in (
        ("rep1", "1000.00", 2000),
        ("rep2", "3000.00", 4000),
        ("rep3", "5000.00", 5000),
    ):
        customers[rep] = CustomerFactory(owner=org[rep], region=east, tier="A")
        order(
            org,
            customers[rep],
            day=date(2026, 11, 10),
            amount=amount,
            status="accepted",
            accepted_on=date(2026, 11, 10),
            owner=org[rep],
        )
        SalesTargetFactory(owner=org[rep], period="month", period_start=NOV, sales_target=target)
    type(customers["rep1"]).objects.filter(pk=customers["rep1"].pk).update(owner=org["rep3"])
    return {**org, "east": east}


def test_sales_stay_with_the_orders_rep_after_the_customer_is_reassigned(credited_month):
    org = credited_month
    data = monthly_build(monthly_request(org["manager1"], anchor=NOV))
    assert [(r.rep.username, r.target, r.actual, r.achievement) for r in data["reps"]] == [
        ("manager1", None, D("0.00"), None),
        ("rep1", D("2000.00"), D("1000.00"), D("0.5000")),
        ("rep2", D("4000.00"), D("3000.00"), D("0.7500")),
    ]
    assert data["sales"]["total"].current == D("4000.00")
    assert (data["actual_total"], data["target_total"], data["achievement"]) == (
        D("4000.00"),
        D("6000.00"),
        D("0.6667"),
    )
    finance = monthly_build(monthly_request(org["finance1"], anchor=NOV, rep=org["rep1"]))
    assert [(r.rep.username, r.actual, r.achievement) for r in finance["reps"]] == [
        ("rep1", D("1000.00"), D("0.5000"))
    ]
    assert (finance["sales"]["total"].current, finance["achievement"]) == (
        D("1000.00"),
        D("0.5000"),
    )
    everything = monthly_build(monthly_request(org["finance1"], anchor=NOV))
    assert (everything["actual_total"], everything["achievement"]) == (D("9000.00"), D("0.8182"))


def test_a_region_filter_shows_no_achievement_ratio(credited_month):
    org = credited_month
    request = monthly_request(org["manager1"], anchor=NOV, region=org["east"])
    data = monthly_build(request)
    assert data["sales"]["total"].current == D("4000.00")
    assert (data["targets_apply"], data["achievement"]) == (False, None)
    assert [r.achievement for r in data["reps"]] == [None, None, None]
    html = render_to_string(
        "reports/monthly_body.html",
        {**data, "request": request, "period": request.period, "pdf": False},
    )
    assert 'data-testid="achievement">—<' in html
    assert 'data-testid="targets-note"' in html
    assert "目标按销售代表设定" in html


def test_no_sales_figure_links_to_the_order_list(month):
    # The order list has no accepted-on range and one status at a time (accepted or closed, not
    # both), so no sales figure links there.
    request = monthly_request(month["manager1"], anchor=NOV)
    html = render_to_string(
        "reports/monthly_body.html",
        {**monthly_build(request), "request": request, "period": request.period, "pdf": False},
    )
    assert reverse("order_list") + "?" not in html
    assert f'href="{reverse("order_list")}"' not in html
    assert 'data-testid="sales-total">¥4,000.00<' in html
