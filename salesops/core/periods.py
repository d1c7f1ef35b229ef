"""Named reporting periods (this month, last month, this quarter, ...) as date ranges."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext


def local_days(start: date, end: date) -> tuple[datetime, datetime]:
    """The local days start..end (Asia/Shanghai, the default time zone) as the aware half-open
    range [start 00:00, end + 1 day 00:00): filter a datetime column with `__gte` / `__lt` on
    these (an index serves it) instead of `__date` (which converts every row)."""
    zone = timezone.get_default_timezone()
    return (
        datetime.combine(start, time.min, tzinfo=zone),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone),
    )


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


# --- Report periods: the shared period picker of the report pages ------------------------------

REPORT_PERIOD_KINDS = ("week", "month", "quarter", "year", "custom")
REPORT_PERIOD_CHOICES = [
    ("week", _("Week")),
    ("month", _("Month")),
    ("quarter", _("Quarter")),
    ("year", _("Year")),
    ("custom", _("Custom dates")),
]


@dataclass(frozen=True)
class ReportPeriod:
    """A report's period, both ends inclusive. `label` is written in the language active when
    the period was made (a report is built in its reader's language)."""

    kind: str  # "week" | "month" | "quarter" | "year" | "custom"
    start: date
    end: date
    label: str

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> "ReportPeriod":
        """The period just before, same kind (month on month); a custom period: as many days
        ending the day before it starts."""
        if self.kind == "custom":
            end = self.start - timedelta(days=1)
            return report_period("custom", anchor=end, start=end - (self.end - self.start), end=end)
        return report_period(self.kind, anchor=self.start - timedelta(days=1))

    def year_ago(self) -> "ReportPeriod":
        """The same period one year earlier (year on year): the ISO week with the same number
        (week 53 → the last week of a 52-week year), the same month, quarter or year, or a
        custom range moved back a year (29 February → 28 February)."""
        if self.kind == "week":
            year, week, _day = self.start.isocalendar()
            last_week = date(year - 1, 12, 28).isocalendar()[1]  # 28 Dec is always in the last
            return report_period(
                "week", anchor=date.fromisocalendar(year - 1, min(week, last_week), 1)
            )
        if self.kind == "custom":
            start, end = _year_back(self.start), _year_back(self.end)
            return report_period("custom", anchor=end, start=start, end=end)
        return report_period(self.kind, anchor=_year_back(self.start))


def _year_back(day: date) -> date:
    if day.month == 2 and day.day == 29:
        return date(day.year - 1, 2, 28)
    return day.replace(year=day.year - 1)


def _month_end(day: date) -> date:
    following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return following - timedelta(days=1)


def report_period(
    kind: str, *, anchor: date, start: date | None = None, end: date | None = None
) -> ReportPeriod:
    """The period of `kind` holding `anchor`: the ISO week (Monday to Sunday), the calendar
    month, quarter or year; "custom" is start..end (both required, start ≤ end). A ValueError
    for an unknown kind or a custom range that ends before it starts."""
    if kind == "week":
        first = anchor - timedelta(days=anchor.weekday())
        iso_year, iso_week, _day = anchor.isocalendar()
        label = pgettext("report period", "%(year)s-W%(week)s") % {
            "year": iso_year,
            "week": f"{iso_week:02d}",
        }
        return ReportPeriod("week", first, first + timedelta(days=6), str(label))
    if kind == "month":
        first = anchor.replace(day=1)
        label = pgettext("report period", "%(year)s-%(month)s") % {
            "year": anchor.year,
            "month": f"{anchor.month:02d}",
        }
        return ReportPeriod("month", first, _month_end(first), str(label))
    if kind == "quarter":
        first = _quarter_start(anchor)
        last = _month_end(date(first.year, first.month + 2, 1))
        label = pgettext("report period", "%(year)s Q%(quarter)s") % {
            "year": anchor.year,
            "quarter": (first.month + 2) // 3,
        }
        return ReportPeriod("quarter", first, last, str(label))
    if kind == "year":
        label = pgettext("report period", "%(year)s") % {"year": anchor.year}
        return ReportPeriod("year", date(anchor.year, 1, 1), date(anchor.year, 12, 31), str(label))
    if kind == "custom":
        if start is None or end is None:
            raise ValueError("a custom period needs a start and an end")
        if start > end:
            raise ValueError(f"a period cannot end ({end}) before it starts ({start})")
        label = f"{start.isoformat()} – {end.isoformat()}"
        return ReportPeriod("custom", start, end, label)
    raise ValueError(f"unknown period kind {kind!r}")
