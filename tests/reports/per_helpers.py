"""The report interface for per's tests: the framework's ReportPeriod / ReportRequest when it
is on the branch, else a local stand-in of exactly the same shape (dropped once it lands)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q

try:  # the framework (salesops/core/periods.py, reports/selectors/scope.py)
    from reports.selectors.scope import ReportRequest
    from salesops.core.periods import ReportPeriod, report_period
except ImportError:  # pragma: no cover - the stand-in until the framework is merged

    @dataclass(frozen=True)
    class ReportPeriod:
        kind: str
        start: date
        end: date
        label: str

        def previous(self) -> ReportPeriod:
            return report_period(self.kind, anchor=self.start - timedelta(days=1))

        def year_ago(self) -> ReportPeriod:
            if self.kind == "week":
                return report_period("week", anchor=self.start - timedelta(weeks=52))
            return report_period(self.kind, anchor=self.start.replace(year=self.start.year - 1))

    def report_period(kind, *, anchor, start=None, end=None) -> ReportPeriod:
        if kind == "week":
            first = anchor - timedelta(days=anchor.weekday())
            return ReportPeriod("week", first, first + timedelta(days=6), f"{first}")
        if kind == "month":
            first = anchor.replace(day=1)
            following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
            return ReportPeriod("month", first, following - timedelta(days=1), f"{first:%Y-%m}")
        if kind == "year":
            return ReportPeriod("year", date(anchor.year, 1, 1), date(anchor.year, 12, 31), "")
        return ReportPeriod("custom", start, end, f"{start} – {end}")

    @dataclass(frozen=True)
    class ReportRequest:
        user: object
        period: ReportPeriod
        as_of: date
        team: object = None
        rep: object = None
        region: object = None
        tier: str | None = None

        def _owner(self, path):
            field = path or "pk"
            query = Q()
            if self.rep is not None:
                query &= Q(**{field: self.rep.pk})
            if self.team is not None:
                from salesops.accounts.models import User

                people = User.objects.filter(Q(team=self.team) | Q(pk=self.team.manager_id))
                query &= Q(**{f"{field}__in": people.values("pk")})
            return query

        def scoped(self, queryset, *, customer_path="customer"):
            queryset = queryset.visible_to(self.user)
            prefix = f"{customer_path}__" if customer_path else ""
            query = self._owner(queryset.owner_path)
            if self.region is not None:
                query &= Q(**{f"{prefix}region": self.region.pk})
            if self.tier:
                query &= Q(**{f"{prefix}tier": self.tier})
            return queryset.filter(query)

        def customers(self):
            from customers.models import Customer

            return self.scoped(Customer.objects.all(), customer_path="")

        def reps(self):
            from salesops.accounts.models import User

            return (
                User.objects.visible_to(self.user)
                .filter(is_active=True, groups__name__in=("rep", "manager"))
                .filter(self._owner(""))
                .distinct()
                .order_by("username")
            )


def weekly_request(user, *, anchor: date, **filters) -> ReportRequest:
    period = report_period("week", anchor=anchor)
    return ReportRequest(user=user, period=period, as_of=period.end, **filters)


def monthly_request(user, *, anchor: date, **filters) -> ReportRequest:
    period = report_period("month", anchor=anchor)
    return ReportRequest(user=user, period=period, as_of=period.end, **filters)


__all__ = ["ReportPeriod", "ReportRequest", "monthly_request", "report_period", "weekly_request"]
