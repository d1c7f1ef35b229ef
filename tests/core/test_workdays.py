"""Working days on the Chinese official calendar: holidays, make-up Saturdays and Sundays (调休),
and a clear refusal outside the years the calendar data covers. Dates from the State Council
notices for 2025 and 2026 as carried by chinesecalendar."""

from datetime import date, timedelta

import pytest

from salesops.core.workdays import (
    WorkdayCalendarError,
    add_working_days,
    is_working_day,
    supported_years,
)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2025, 9, 28), True),  # Sunday, make-up day for National Day
        (date(2025, 10, 1), False),  # National Day
        (date(2025, 10, 8), False),  # Wednesday inside the Golden Week
        (date(2025, 10, 11), True),  # Saturday, make-up day
        (date(2025, 10, 12), False),  # an ordinary Sunday
        (date(2026, 2, 14), True),  # Saturday, make-up day before Spring Festival
        (date(2026, 2, 23), False),  # Monday, last day of the Spring Festival holiday
        (date(2026, 2, 28), True),  # Saturday, make-up day after it
        (date(2026, 3, 2), True),  # an ordinary Monday
    ],
)
def test_is_working_day_follows_the_official_calendar(day, working):
    assert is_working_day(day) is working


@pytest.mark.parametrize(
    ("start", "n", "expected", "monday_to_friday"),
    [
        # Fri 09-26: Sun 09-28 (make-up), Mon 29, Tue 30, [10-01..10-08 off], Thu 10-09, Fri 10,
        # Sat 10-11 (make-up), Mon 10-13. Monday to Friday would wrongly say Tue 10-07.
        (date(2025, 9, 26), 7, date(2025, 10, 13), date(2025, 10, 7)),
        # Thu 2026-02-12: Fri 13, Sat 14 (make-up), [02-15..02-23 off], Tue 24, Wed 25, Thu 26,
        # Fri 27, Sat 28 (make-up): the deadline is a Saturday.
        (date(2026, 2, 12), 7, date(2026, 2, 28), date(2026, 2, 23)),
        # Fri 2025-01-24: Sun 26 (make-up), Mon 27, [01-28..02-04 off], Wed 02-05, Thu 6, Fri 7,
        # Sat 8 (make-up), Mon 02-10.
        (date(2025, 1, 24), 7, date(2025, 2, 10), date(2025, 2, 4)),
        # An ordinary week: Sun 2025-03-02 + 7 = Tue 03-11 (start itself never counts).
        (date(2025, 3, 2), 7, date(2025, 3, 11), date(2025, 3, 11)),
        (date(2025, 3, 3), 1, date(2025, 3, 4), date(2025, 3, 4)),
        # Starting on a holiday: the first working day after it is day 1.
        (date(2025, 10, 1), 1, date(2025, 10, 9), date(2025, 10, 2)),
        (date(2025, 10, 1), 0, date(2025, 10, 1), date(2025, 10, 1)),
    ],
)
def test_add_working_days_skips_holidays_and_counts_make_up_days(
    start, n, expected, monday_to_friday
):
    assert add_working_days(start, n) == expected
    assert naive_monday_to_friday(start, n) == monday_to_friday  # what a naive count says


def naive_monday_to_friday(start: date, n: int) -> date:
    day = start
    while n:
        day += timedelta(days=1)
        n -= day.weekday() < 5
    return day


def test_add_working_days_refuses_a_negative_count():
    with pytest.raises(ValueError, match="negative"):
        add_working_days(date(2025, 3, 3), -1)


def test_outside_the_calendar_data_is_a_clear_error_not_a_guess():
    first, last = supported_years()
    assert (first, last) == (2004, 2026)
    with pytest.raises(WorkdayCalendarError, match=r"2004.*2026.*2027-01-01"):
        # 2026-12-28 (Mon) + 7 working days runs into 2027, which the data does not cover.
        add_working_days(date(2026, 12, 28), 7)
    with pytest.raises(WorkdayCalendarError, match="2003-12-31"):
        is_working_day(date(2003, 12, 31))
    # Still inside the data: the last days of 2026 work.
    assert add_working_days(date(2026, 12, 24), 4) == date(2026, 12, 30)
