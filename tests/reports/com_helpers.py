"""A local stand-in of the report framework's ReportPeriod / ReportRequest (docs/reports.md,
"Report framework"), exactly the shape of the shared interface, so the commission statement is
built and tested before the framework lands; dropped once it is on main."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q

from salesops.accounts.access import owner_scope
from salesops.accounts.models import User

try:  # the framework's own, once merged
    from reports.selectors.scope import ReportRequest  # type: ignore[attr-defined]
    from salesops.core.periods import ReportPeriod, report_period  # type: ignore[attr-defined]
except ImportError:

    @dataclass(frozen=True)
    class ReportPeriod:
        kind: str
        start: date
        end: date
        label: str

        def previous(self) -> ReportPeriod:
            return report_period(self.kind, anchor=self.start - timedelta(days=1))

        def year_ago(self) -> ReportPeriod:
            return report_period(self.kind, anchor=self.start.replace(year=self.start.year - 1))

    def report_period(kind, *, anchor, start=None, end=None) -> ReportPeriod:
        if kind == "custom":
            return ReportPeriod("custom", start, end, f"{start} – {end}")
        if kind != "month":
            raise NotImplementedError(kind)
        first = anchor.replace(day=1)
        last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        return ReportPeriod("month", first, last, f"{first:%Y-%m}")

    @dataclass(frozen=True)
    class ReportRequest:
        user: User
        period: ReportPeriod
        as_of: date
        team: object = None
        rep: User | None = None
        region: object = None
        tier: str | None = None

        def reps(self):
            scope = owner_scope(self.user, "")
            people = User.objects.none() if scope is None else User.objects.filter(scope)
            if self.rep is not None:
                people = people.filter(pk=self.rep.pk)
            if self.team is not None:
                people = people.filter(Q(team=self.team) | Q(pk=self.team.manager_id))
            return people


def month_request(user, month: date, **filters) -> ReportRequest:
    period = report_period("month", anchor=month)
    return ReportRequest(user=user, period=period, as_of=period.end, **filters)
