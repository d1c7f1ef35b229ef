"""Report requests for per's tests (the weekly and monthly reports): a week or a month holding
a day, read on its last day, with the page's filters."""

from datetime import date

from reports.selectors.scope import ReportRequest
from salesops.core.periods import report_period


def weekly_request(user, *, anchor: date, **filters) -> ReportRequest:
    period = report_period("week", anchor=anchor)
    return ReportRequest(user=user, period=period, as_of=period.end, **filters)


def monthly_request(user, *, anchor: date, **filters) -> ReportRequest:
    period = report_period("month", anchor=anchor)
    return ReportRequest(user=user, period=period, as_of=period.end, **filters)
