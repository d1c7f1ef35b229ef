"""Report requests for the stats reports' tests (key accounts, compliance, collection plan)."""

from reports.selectors.scope import ReportRequest
from salesops.core.periods import report_period


def request_for(user, kind="month", *, anchor, as_of=None, **filters) -> ReportRequest:
    """The `kind` period holding `anchor`, read on `as_of` (default: the earlier of the
    period's end and `anchor`), for `user` with the given filters."""
    period = report_period(kind, anchor=anchor)
    return ReportRequest(
        user=user, period=period, as_of=as_of or min(period.end, anchor), **filters
    )
