"""Tables of the reports app: rep's plans and reports, weekly-report subscriptions."""

from reports.models.plans import CompetitorReport, VisitReport, WorkPlan
from reports.models.subscriptions import WeeklyDelivery, WeeklySubscription

__all__ = [
    "CompetitorReport",
    "VisitReport",
    "WeeklyDelivery",
    "WeeklySubscription",
    "WorkPlan",
]
