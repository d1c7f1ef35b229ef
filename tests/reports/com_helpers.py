"""ReportRequests for the commission statement's tests: one month, seen by one viewer."""

from datetime import date

from reports.selectors.scope import ReportRequest
from salesops.core.periods import report_period


def month_request(user, month: date, **filters) -> ReportRequest:
    period = report_period("month", anchor=month)
    return ReportRequest(user=user, period=period, as_of=period.end, **filters)
