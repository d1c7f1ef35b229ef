"""The shared report form: what each query asks for after the fallbacks, its parameters for the
PDF link and the background build, and the fields it could not use (each a warning on the
page)."""

from dataclasses import replace
from datetime import date

import pytest
from django.utils import translation

from reports.catalog import REPORTS
from reports.forms import parse_report_query
from tests.factories import RegionFactory

pytestmark = pytest.mark.django_db
TODAY = date(2026, 12, 2)
AGING = REPORTS["aging"]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def parse(org, viewer, data, report=AGING):
    return parse_report_query(data, report=report, user=org[viewer], today=TODAY)


def test_nothing_asked_is_the_reports_default_period_holding_today(org):
    parsed = parse(org, "rep1", {})
    period = parsed.request.period
    assert (period.kind, period.start, period.end) == (
        "month",
        date(2026, 12, 1),
        date(2026, 12, 31),
    )
    assert parsed.request.as_of == TODAY
    assert parsed.params == {"period": "month", "date": "2026-12-02"}
    assert parsed.problems == []


def test_a_week_picked_by_a_day_in_it(org):
    parsed = parse(org, "rep1", {"period": "week", "date": "2026-11-25"})
    assert (parsed.request.period.start, parsed.request.period.end) == (
        date(2026, 11, 23),
        date(2026, 11, 29),
    )
    assert parsed.request.as_of == date(2026, 11, 29)


def test_custom_dates(org):
    parsed = parse(
        org, "finance1", {"period": "custom", "start": "2026-11-03", "end": "2026-11-20"}
    )
    assert parsed.request.period.label == "2026-11-03 – 2026-11-20"
    assert parsed.params == {"period": "custom", "start": "2026-11-03", "end": "2026-11-20"}
    assert parsed.problems == []


def test_custom_dates_ending_before_they_start_fall_back_with_one_problem(org):
    parsed = parse(
        org, "finance1", {"period": "custom", "start": "2026-11-20", "end": "2026-11-03"}
    )
    assert parsed.request.period.kind == "month"
    assert parsed.problems == [("Period", "2026-11-20 – 2026-11-03")]


def test_a_bad_date_is_one_problem_and_today(org):
    parsed = parse(org, "finance1", {"period": "quarter", "date": "2026-02-30"})
    assert parsed.request.period.label == "2026 Q4"
    assert parsed.problems == [("Day in the period", "2026-02-30")]


def test_another_reps_id_is_dropped_for_a_rep(org):
    parsed = parse(org, "rep1", {"rep": str(org["rep3"].pk), "team": str(org["team_b"].pk)})
    assert parsed.request.rep is None
    assert parsed.request.team is None
    assert sorted(label for label, _raw in parsed.problems) == ["Sales rep", "Team"]
    assert "rep" not in parsed.params


def test_a_manager_filters_by_a_team_they_lead_and_its_rep(org):
    parsed = parse(org, "manager1", {"team": str(org["team_a"].pk), "rep": str(org["rep2"].pk)})
    assert (parsed.request.team, parsed.request.rep) == (org["team_a"], org["rep2"])
    assert parsed.params["team"] == str(org["team_a"].pk)
    assert parsed.problems == []
    assert parse(org, "manager1", {"rep": str(org["rep3"].pk)}).request.rep is None


def test_region_and_tier(org):
    east = RegionFactory(name="华东")
    parsed = parse(org, "finance1", {"region": str(east.pk), "tier": "B"})
    assert (parsed.request.region, parsed.request.tier) == (east, "B")
    assert parse(org, "finance1", {"tier": "Z"}).problems == [("Tier", "Z")]


def test_a_report_without_a_filter_ignores_it(org):
    regions_only = replace(AGING, filters=("region",))
    parsed = parse(org, "finance1", {"team": str(org["team_a"].pk)}, report=regions_only)
    assert parsed.request.team is None
    assert parsed.problems == []
    assert list(parsed.form.fields) == ["period", "date", "start", "end", "region"]


def test_a_custom_default_without_dates_is_the_month_without_a_problem(org):
    custom = replace(AGING, default_period="custom")
    parsed = parse(org, "finance1", {}, report=custom)
    assert parsed.request.period.kind == "month"
    assert parsed.problems == []
