"""ReportRequest: every report reads through visible_to(viewer) first, then the page's rep,
team, region and tier filters; a filter outside the viewer's scope never widens it."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from customers.models import Customer
from receivables.models import Receivable
from receivables.services import receivable_create
from reports.selectors.scope import ReportRequest, report_request, scope_reps, scope_teams
from salesops.core.periods import report_period
from tests.factories import CustomerFactory, RegionFactory

pytestmark = pytest.mark.django_db

PERIOD = report_period("month", anchor=date(2026, 11, 15))


@pytest.fixture
def book(org):
    """Per seller one customer in 华东 tier A and one in 华北 tier C; one pool customer."""
    east, north = RegionFactory(name="华东"), RegionFactory(name="华北")
    made = {}
    for owner in ("rep1", "rep2", "rep3", "manager1", "manager2"):
        made[f"{owner}-east"] = CustomerFactory(
            name=f"{owner}东", owner=org[owner], region=east, tier="A"
        )
        made[f"{owner}-north"] = CustomerFactory(
            name=f"{owner}北", owner=org[owner], region=north, tier="C"
        )
    made["pool"] = CustomerFactory(
        name="公海客户",
        owner=None,
        owner_since=None,
        pool_since=timezone.now(),
        pool_team=org["team_a"],
        region=east,
        tier="A",
    )
    made["east"], made["north"] = east, north
    return made


def names(queryset):
    return sorted(queryset.values_list("name", flat=True))


def request_for(org, viewer, **filters):
    return ReportRequest(user=org[viewer], period=PERIOD, as_of=PERIOD.end, **filters)


def test_rep_sees_only_own_customers(org, book):
    assert names(request_for(org, "rep1").customers()) == ["rep1东", "rep1北"]


def test_rep_asking_for_another_rep_or_team_gets_nothing_beyond_own(org, book):
    assert names(request_for(org, "rep1", rep=org["rep3"]).customers()) == []
    assert names(request_for(org, "rep1", team=org["team_b"]).customers()) == []
    assert names(request_for(org, "rep1", team=org["team_a"]).customers()) == ["rep1东", "rep1北"]


def test_manager_sees_own_and_team_members(org, book):
    assert names(request_for(org, "manager1").customers()) == sorted(
        ["manager1东", "manager1北", "rep1东", "rep1北", "rep2东", "rep2北"]
    )


def test_manager_rep_filter_and_other_team(org, book):
    assert names(request_for(org, "manager1", rep=org["rep2"]).customers()) == ["rep2东", "rep2北"]
    assert names(request_for(org, "manager1", rep=org["rep3"]).customers()) == []
    assert names(request_for(org, "manager1", team=org["team_b"]).customers()) == []


def test_finance_sees_everything_including_the_pool(org, book):
    assert request_for(org, "finance1").customers().count() == 11


def test_admin_team_filter_counts_the_teams_manager(org, book):
    assert names(request_for(org, "admin", team=org["team_b"]).customers()) == sorted(
        ["manager2东", "manager2北", "rep3东", "rep3北"]
    )


def test_region_and_tier_filters(org, book):
    east = request_for(org, "finance1", region=book["east"])
    assert east.customers().count() == 6  # five sellers and the pool
    tier_c = request_for(org, "manager1", tier="C")
    assert names(tier_c.customers()) == ["manager1北", "rep1北", "rep2北"]
    both = request_for(org, "admin", region=book["north"], tier="A")
    assert names(both.customers()) == []


def test_scoped_follows_the_querysets_owner_and_customer_path(org, book):
    for key in ("rep1-east", "rep1-north", "rep3-east"):
        receivable_create(
            actor=org["finance1"],
            customer=book[key],
            number=f"R-{key}",
            issue_date=date(2026, 11, 1),
            due_date=date(2026, 12, 1),
            amount=Decimal("100.00"),
        )
    rep1 = request_for(org, "rep1")
    numbers = rep1.scoped(Receivable.objects.all()).values_list("number", flat=True)
    assert sorted(numbers) == ["R-rep1-east", "R-rep1-north"]
    east_tier_a = request_for(org, "finance1", region=book["east"], tier="A")
    numbers = east_tier_a.scoped(Receivable.objects.all()).values_list("number", flat=True)
    assert sorted(numbers) == ["R-rep1-east", "R-rep3-east"]
    rep3_only = request_for(org, "admin", rep=org["rep3"])
    assert list(rep3_only.scoped(Receivable.objects.all()).values_list("number", flat=True)) == [
        "R-rep3-east"
    ]
    # customer_path="" for customers themselves.
    assert rep1.scoped(Customer.objects.all(), customer_path="").count() == 2


def test_reps_covered(org):
    usernames = lambda request: list(request.reps().values_list("username", flat=True))  # noqa: E731
    assert usernames(request_for(org, "rep1")) == ["rep1"]
    assert usernames(request_for(org, "manager1")) == ["manager1", "rep1", "rep2"]
    assert usernames(request_for(org, "finance1")) == [
        "manager1",
        "manager2",
        "rep1",
        "rep2",
        "rep3",
    ]
    assert usernames(request_for(org, "admin", team=org["team_a"])) == ["manager1", "rep1", "rep2"]
    assert usernames(request_for(org, "manager1", rep=org["rep2"])) == ["rep2"]
    assert usernames(request_for(org, "rep1", rep=org["rep2"])) == []


def test_as_of_is_today_within_the_period_and_its_end_after_it(org):
    request = report_request(user=org["rep1"], period=PERIOD, today=date(2026, 11, 20))
    assert request.as_of == date(2026, 11, 20)
    request = report_request(user=org["rep1"], period=PERIOD, today=date(2027, 1, 3))
    assert request.as_of == date(2026, 11, 30)


def test_filter_choices_per_role(org):
    def teams(viewer):
        return list(scope_teams(org[viewer]).values_list("name", flat=True))

    def reps(viewer):
        return list(scope_reps(org[viewer]).values_list("username", flat=True))

    assert teams("rep1") == ["华东销售一部"]
    assert teams("manager2") == ["华北销售部"]
    assert sorted(teams("finance1")) == sorted(["华北销售部", "华东销售一部"])
    assert reps("rep1") == ["rep1"]
    assert reps("manager2") == ["manager2", "rep3"]
    assert reps("admin") == ["manager1", "manager2", "rep1", "rep2", "rep3"]
