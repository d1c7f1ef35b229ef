"""A local stand-in of the report framework's ReportPeriod and ReportRequest (issue 12, "the
shared report interface"), exactly that shape, until the framework lands on main: the stats
reports' tests build their requests with it. Drop it once `salesops.core.periods.ReportPeriod`
and `reports.selectors.scope.ReportRequest` exist (the tests then import those)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from customers.models import Customer
from salesops.accounts.models import User

try:  # the framework's, once merged
    from reports.selectors.scope import ReportRequest
    from salesops.core.periods import ReportPeriod, report_period
except ImportError:

    def _shift_year(day: date, years: int) -> date:
        try:
            return day.replace(year=day.year + years)
        except ValueError:  # 29 February
            return day.replace(year=day.year + years, day=28)

    @dataclass(frozen=True)
    class ReportPeriod:
        kind: str
        start: date
        end: date
        label: str

        def previous(self) -> ReportPeriod:
            if self.kind == "custom":
                days = (self.end - self.start).days + 1
                return report_period(
                    "custom",
                    anchor=self.start,
                    start=self.start - timedelta(days=days),
                    end=self.start - timedelta(days=1),
                )
            return report_period(self.kind, anchor=self.start - timedelta(days=1))

        def year_ago(self) -> ReportPeriod:
            if self.kind == "custom":
                return report_period(
                    "custom",
                    anchor=self.start,
                    start=_shift_year(self.start, -1),
                    end=_shift_year(self.end, -1),
                )
            return report_period(self.kind, anchor=_shift_year(self.start, -1))

    def report_period(kind, *, anchor, start=None, end=None) -> ReportPeriod:
        if kind == "week":
            first = anchor - timedelta(days=anchor.weekday())
            year, week, _day = first.isocalendar()
            return ReportPeriod(kind, first, first + timedelta(days=6), f"{year}-W{week:02d}")
        if kind == "month":
            first = anchor.replace(day=1)
            last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
            return ReportPeriod(kind, first, last, f"{first:%Y-%m}")
        if kind == "quarter":
            quarter = (anchor.month - 1) // 3
            first = date(anchor.year, 3 * quarter + 1, 1)
            last = (first + timedelta(days=95)).replace(day=1) - timedelta(days=1)
            return ReportPeriod(kind, first, last, f"{anchor.year} Q{quarter + 1}")
        if kind == "year":
            return ReportPeriod(
                kind, date(anchor.year, 1, 1), date(anchor.year, 12, 31), str(anchor.year)
            )
        return ReportPeriod("custom", start, end, f"{start} – {end}")

    @dataclass(frozen=True)
    class ReportRequest:
        user: User
        period: ReportPeriod
        as_of: date
        team: object = None
        rep: User | None = None
        region: object = None
        tier: str | None = None

        def customers(self):
            return self.scoped(Customer.objects.all(), customer_path="")

        def scoped(self, queryset, *, customer_path: str = "customer"):
            queryset = queryset.visible_to(self.user)
            owner = queryset.owner_path
            if self.rep is not None:
                queryset = queryset.filter(**{owner: self.rep})
            if self.team is not None:
                queryset = queryset.filter(**{f"{owner}__team": self.team})
            prefix = f"{customer_path}__" if customer_path else ""
            if self.region is not None:
                queryset = queryset.filter(**{f"{prefix}region": self.region})
            if self.tier:
                queryset = queryset.filter(**{f"{prefix}tier": self.tier})
            return queryset

        def reps(self):
            users = User.objects.visible_to(self.user).active()
            if self.rep is not None:
                users = users.filter(pk=self.rep.pk)
            if self.team is not None:
                users = users.filter(team=self.team)
            return users.order_by("username")


def request_for(user, kind="month", *, anchor, as_of=None, **filters) -> ReportRequest:
    period = report_period(kind, anchor=anchor)
    return ReportRequest(
        user=user, period=period, as_of=as_of or min(period.end, anchor), **filters
    )
