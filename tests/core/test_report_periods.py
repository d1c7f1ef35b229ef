"""Report periods (the shared period picker): exact start, end and label of each kind around
year ends, leap years, quarter edges and ISO week 53; the previous period and the year before."""

from datetime import date

import pytest
from django.utils import translation

from salesops.core.periods import ReportPeriod, report_period

D = date


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("kind", "anchor", "start", "end", "label"),
    [
        # ISO weeks run Monday to Sunday; a week across New Year belongs to its ISO year.
        ("week", D(2026, 11, 25), D(2026, 11, 23), D(2026, 11, 29), "2026-W48"),
        ("week", D(2026, 11, 23), D(2026, 11, 23), D(2026, 11, 29), "2026-W48"),
        ("week", D(2026, 11, 29), D(2026, 11, 23), D(2026, 11, 29), "2026-W48"),
        ("week", D(2026, 12, 31), D(2026, 12, 28), D(2027, 1, 3), "2026-W53"),
        ("week", D(2027, 1, 3), D(2026, 12, 28), D(2027, 1, 3), "2026-W53"),
        ("week", D(2027, 1, 4), D(2027, 1, 4), D(2027, 1, 10), "2027-W01"),
        ("week", D(2025, 12, 29), D(2025, 12, 29), D(2026, 1, 4), "2026-W01"),
        ("week", D(2024, 2, 29), D(2024, 2, 26), D(2024, 3, 3), "2024-W09"),
        ("month", D(2026, 11, 30), D(2026, 11, 1), D(2026, 11, 30), "2026-11"),
        ("month", D(2026, 12, 31), D(2026, 12, 1), D(2026, 12, 31), "2026-12"),
        ("month", D(2024, 2, 10), D(2024, 2, 1), D(2024, 2, 29), "2024-02"),
        ("month", D(2026, 2, 10), D(2026, 2, 1), D(2026, 2, 28), "2026-02"),
        ("month", D(2100, 2, 1), D(2100, 2, 1), D(2100, 2, 28), "2100-02"),
        ("quarter", D(2026, 12, 31), D(2026, 10, 1), D(2026, 12, 31), "2026 Q4"),
        ("quarter", D(2026, 10, 1), D(2026, 10, 1), D(2026, 12, 31), "2026 Q4"),
        ("quarter", D(2026, 9, 30), D(2026, 7, 1), D(2026, 9, 30), "2026 Q3"),
        ("quarter", D(2026, 4, 1), D(2026, 4, 1), D(2026, 6, 30), "2026 Q2"),
        ("quarter", D(2024, 1, 1), D(2024, 1, 1), D(2024, 3, 31), "2024 Q1"),
        ("year", D(2026, 12, 31), D(2026, 1, 1), D(2026, 12, 31), "2026"),
        ("year", D(2024, 2, 29), D(2024, 1, 1), D(2024, 12, 31), "2024"),
    ],
)
def test_period_of_each_kind_holds_its_anchor(kind, anchor, start, end, label):
    assert report_period(kind, anchor=anchor) == ReportPeriod(kind, start, end, label)


def test_custom_period_is_start_to_end_whatever_the_anchor():
    period = report_period(
        "custom", anchor=D(2020, 1, 1), start=D(2026, 11, 3), end=D(2026, 11, 20)
    )
    assert period == ReportPeriod(
        "custom", D(2026, 11, 3), D(2026, 11, 20), "2026-11-03 – 2026-11-20"
    )
    assert period.days == 18


def test_custom_period_of_one_day_is_allowed():
    assert (
        report_period("custom", anchor=D(2026, 1, 1), start=D(2026, 5, 5), end=D(2026, 5, 5)).days
        == 1
    )


@pytest.mark.parametrize(
    ("start", "end"),
    [(D(2026, 11, 21), D(2026, 11, 20)), (None, D(2026, 11, 20)), (D(2026, 1, 1), None)],
)
def test_custom_period_ending_before_it_starts_or_open_is_refused(start, end):
    with pytest.raises(ValueError, match=r"custom period needs|cannot end"):
        report_period("custom", anchor=D(2026, 1, 1), start=start, end=end)


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="unknown period kind"):
        report_period("fortnight", anchor=D(2026, 1, 1))


@pytest.mark.parametrize(
    ("kind", "anchor", "start", "end"),
    [
        ("week", D(2027, 1, 6), D(2026, 12, 28), D(2027, 1, 3)),
        ("week", D(2026, 1, 1), D(2025, 12, 22), D(2025, 12, 28)),
        ("month", D(2026, 1, 15), D(2025, 12, 1), D(2025, 12, 31)),
        ("month", D(2024, 3, 31), D(2024, 2, 1), D(2024, 2, 29)),
        ("quarter", D(2026, 1, 1), D(2025, 10, 1), D(2025, 12, 31)),
        ("quarter", D(2026, 7, 1), D(2026, 4, 1), D(2026, 6, 30)),
        ("year", D(2026, 6, 1), D(2025, 1, 1), D(2025, 12, 31)),
    ],
)
def test_previous_is_the_period_just_before(kind, anchor, start, end):
    previous = report_period(kind, anchor=anchor).previous()
    assert (previous.kind, previous.start, previous.end) == (kind, start, end)


def test_previous_of_a_custom_period_is_as_long_and_ends_the_day_before():
    period = report_period("custom", anchor=D(2026, 1, 1), start=D(2026, 3, 1), end=D(2026, 3, 10))
    previous = period.previous()
    assert (previous.start, previous.end, previous.days) == (D(2026, 2, 19), D(2026, 2, 28), 10)


@pytest.mark.parametrize(
    ("kind", "anchor", "start", "end", "label"),
    [
        ("week", D(2026, 11, 25), D(2025, 11, 24), D(2025, 11, 30), "2025-W48"),
        # 2025 has 52 ISO weeks: week 53 of 2026 maps to the last week of 2025.
        ("week", D(2026, 12, 31), D(2025, 12, 22), D(2025, 12, 28), "2025-W52"),
        ("month", D(2024, 2, 29), D(2023, 2, 1), D(2023, 2, 28), "2023-02"),
        ("quarter", D(2026, 11, 1), D(2025, 10, 1), D(2025, 12, 31), "2025 Q4"),
        ("year", D(2026, 11, 1), D(2025, 1, 1), D(2025, 12, 31), "2025"),
    ],
)
def test_year_ago_is_the_same_period_a_year_earlier(kind, anchor, start, end, label):
    assert report_period(kind, anchor=anchor).year_ago() == ReportPeriod(kind, start, end, label)


def test_year_ago_of_a_custom_period_from_29_february():
    period = report_period("custom", anchor=D(2024, 1, 1), start=D(2024, 2, 29), end=D(2024, 3, 5))
    ago = period.year_ago()
    assert (ago.start, ago.end) == (D(2023, 2, 28), D(2023, 3, 5))


def test_labels_follow_the_active_language():
    with translation.override("zh-hans"):
        assert report_period("week", anchor=D(2026, 11, 25)).label == "2026年第48周"
        assert report_period("month", anchor=D(2026, 11, 25)).label == "2026年11月"
        assert report_period("quarter", anchor=D(2026, 11, 25)).label == "2026年第4季度"
        assert report_period("year", anchor=D(2026, 11, 25)).label == "2026年"
