"""Named reporting periods (this month, last month, this quarter, ...) as date ranges."""

from datetime import date, timedelta

from django.utils.translation import gettext_lazy as _

PERIOD_CHOICES = [
    ("last_month", _("Last month")),
    ("this_month", _("This month to date")),
    ("this_quarter", _("This quarter to date")),
    ("last_quarter", _("Last quarter")),
    ("this_year", _("This year to date")),
    ("last_year", _("Last year")),
    ("custom", _("Custom dates")),
]


def _quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def period_range(key: str, today: date) -> tuple[date, date]:
    """(start, end), both inclusive, of a named period seen from `today`. The periods "to date"
    end today; the past ones are complete."""
    if key == "this_month":
        return today.replace(day=1), today
    if key == "last_month":
        end = today.replace(day=1) - timedelta(days=1)
        return end.replace(day=1), end
    if key == "this_quarter":
        return _quarter_start(today), today
    if key == "last_quarter":
        end = _quarter_start(today) - timedelta(days=1)
        return _quarter_start(end), end
    if key == "this_year":
        return date(today.year, 1, 1), today
    if key == "last_year":
        return date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)
    raise ValueError(f"unknown period {key!r}")
