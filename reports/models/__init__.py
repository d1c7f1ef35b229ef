"""Tables of the reports app: background PDF builds, rep's plans and reports, weekly-report
subscriptions, the collection plan split, commission."""

from reports.models.builds import ReportBuild
from reports.models.collection_plan import CollectionPlanSettings
from reports.models.commission import (
    CommissionLine,
    CommissionPeriod,
    CommissionProfile,
    CommissionSettings,
)
from reports.models.plans import CompetitorReport, VisitReport, WorkPlan
from reports.models.subscriptions import WeeklyDelivery, WeeklySubscription

__all__ = [
    "CollectionPlanSettings",
    "CommissionLine",
    "CommissionPeriod",
    "CommissionProfile",
    "CommissionSettings",
    "CompetitorReport",
    "ReportBuild",
    "VisitReport",
    "WeeklyDelivery",
    "WeeklySubscription",
    "WorkPlan",
]
