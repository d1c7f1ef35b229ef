"""Working days (工作日) on the Chinese official calendar, with its make-up working days (调休).

Backed by the chinesecalendar package, which carries the State Council's holiday notice of each
year. Outside the years it covers there is no way to know the holidays and make-up days, so
`add_working_days` raises `WorkdayCalendarError` instead of guessing with Monday to Friday: a
deadline on a legal letter or a payment milestone must not silently land inside a holiday. The
caller decides what to show (the lawyer's letter leaves the date blank to fill in by hand);
upgrading chinesecalendar, once the next year's notice is out, extends the range.
"""

from datetime import date, timedelta

import chinese_calendar
from django.utils.translation import gettext as _


class WorkdayCalendarError(ValueError):
    """The date is outside the years the official calendar data covers."""


def supported_years() -> tuple[int, int]:
    """The first and last year chinesecalendar has the official holidays of."""
    return min(chinese_calendar.holidays).year, max(chinese_calendar.holidays).year


def is_working_day(day: date) -> bool:
    """A Monday to Friday that is not a public holiday, or a make-up working day (调休)."""
    first, last = supported_years()
    if not first <= day.year <= last:
        raise WorkdayCalendarError(
            _(
                "The official holiday calendar covers %(first)s to %(last)s only; %(day)s is "
                "outside it. Update the chinesecalendar package."
            )
            % {"first": first, "last": last, "day": day.isoformat()}
        )
    return chinese_calendar.is_workday(day)


def add_working_days(start: date, n: int) -> date:
    """The n-th working day after `start`, not counting `start` itself (民法典 第二百零一条:
    a period counted in days starts on the next day). n = 0 is `start`. "Within 7 working days
    of the letter" ends on add_working_days(letter_date, 7)."""
    if n < 0:
        raise ValueError("n must not be negative")
    day = start
    while n:
        if day == date.max:  # the last day Python knows is past any calendar data
            is_working_day(day)
        day += timedelta(days=1)
        if is_working_day(day):
            n -= 1
    return day
