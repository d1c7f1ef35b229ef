"""Commission months: a month is its first day; the closed ones are a run (closes go in order),
and the month after the last closed one takes the adjustments of the closed ones."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Max, Min

from opportunities.rules.periods import period_bounds
from reports.models import CommissionPeriod


def month_of(day: date) -> date:
    return day.replace(day=1)


def month_end(month: date) -> date:
    return period_bounds("month", month)[1]


def next_month(month: date) -> date:
    return month_end(month) + timedelta(days=1)


@dataclass(frozen=True)
class ClosedRange:
    """The closed months: a run from `first` to `last` (closes go in order), or none."""

    first: date | None
    last: date | None

    def is_closed(self, month: date) -> bool:
        return self.first is not None and self.first <= month <= self.last

    @property
    def adjustment_month(self) -> date | None:
        """The next open month: where late allocations and voids of closed months land."""
        return next_month(self.last) if self.last else None


def closed_range() -> ClosedRange:
    months = CommissionPeriod.objects.filter(closed_at__isnull=False).aggregate(
        first=Min("month"), last=Max("month")
    )
    return ClosedRange(months["first"], months["last"])
