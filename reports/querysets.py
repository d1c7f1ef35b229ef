"""Named filters on rep's plans and reports (scoped by their author, the rep who wrote them) and
on commission lines and profiles (scoped by the rep they belong to)."""

from datetime import date

from django.db.models import Q

from salesops.accounts.access import VisibleToQuerySet


class WorkPlanQuerySet(VisibleToQuerySet):
    owner_path = "owner"

    def overlapping(self, start: date, end: date):
        """Plans whose week or month shares at least one day with start..end."""
        return self.filter(period_start__lte=end, period_end__gte=start)


class VisitReportQuerySet(VisibleToQuerySet):
    owner_path = "owner"

    def within(self, start: date, end: date):
        return self.filter(day__gte=start, day__lte=end)

    def with_issues(self):
        return self.filter(~Q(issues=""))


class CompetitorReportQuerySet(VisibleToQuerySet):
    owner_path = "owner"

    def within(self, start: date, end: date):
        """Reports of the months from the one holding `start` to the one holding `end`."""
        return self.filter(month__gte=start.replace(day=1), month__lte=end)


class WeeklySubscriptionQuerySet(VisibleToQuerySet):
    owner_path = "user"

    def active(self):
        return self.filter(active=True, user__is_active=True)


class WeeklyDeliveryQuerySet(VisibleToQuerySet):
    owner_path = "subscription__user"


class CommissionLineQuerySet(VisibleToQuerySet):
    owner_path = "rep"


class CommissionProfileQuerySet(VisibleToQuerySet):
    owner_path = "rep"
