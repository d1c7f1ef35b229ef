"""Reads of rep's plans and reports: the lists (a rep's own, a manager's team's, everything for
finance and admins), one record for its edit page, and what the business review shows."""

from datetime import date, timedelta

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from customers.models import Customer, FollowUp
from reports.models import CompetitorReport, VisitReport, WorkPlan

# The business review shows the visit reports of the last 30 days and the competitor reports
# of the last three months, at most this many of each.
REVIEW_LIMIT = 10
REVIEW_VISIT_DAYS = 30


def work_plan_list(*, user, kind: str | None = None) -> QuerySet[WorkPlan]:
    qs = WorkPlan.objects.visible_to(user).select_related("owner")
    if kind:
        qs = qs.filter(kind=kind)
    return qs.prefetch_related(
        Prefetch("customers", queryset=Customer.objects.order_by("name").only("pk", "name"))
    )


def visit_report_list(*, user) -> QuerySet[VisitReport]:
    return VisitReport.objects.visible_to(user).select_related("owner", "customer", "followup")


def competitor_report_list(*, user) -> QuerySet[CompetitorReport]:
    return CompetitorReport.objects.visible_to(user).select_related("owner", "customer")


def work_plan_get(*, user, pk: int) -> WorkPlan:
    return get_object_or_404(WorkPlan.objects.visible_to(user), pk=pk)


def visit_report_get(*, user, pk: int) -> VisitReport:
    return get_object_or_404(VisitReport.objects.visible_to(user), pk=pk)


def competitor_report_get(*, user, pk: int) -> CompetitorReport:
    return get_object_or_404(CompetitorReport.objects.visible_to(user), pk=pk)


def report_customers(*, user) -> QuerySet[Customer]:
    """The customers `user` may write about (the forms' choices)."""
    return Customer.objects.visible_to(user).order_by("name")


def report_followups(*, user, since: date) -> QuerySet[FollowUp]:
    """Follow-ups a visit report may point at: `user`'s scope, since a day (the form's list)."""
    return (
        FollowUp.objects.visible_to(user)
        .filter(occurred_at__date__gte=since)
        .select_related("customer")
        .order_by("-occurred_at", "-pk")
    )


def plans_for_review(*, user, rep, as_of: date) -> dict:
    """What the one-to-one business review shows of `rep`'s plans and reports, within `user`'s
    scope: the plans whose week or month holds `as_of`, the visit reports of the last 30 days
    and the competitor reports of the last three months (at most REVIEW_LIMIT each)."""
    months = as_of.year * 12 + as_of.month - 1 - 2  # two months before as_of's
    three_months_back = date(months // 12, months % 12 + 1, 1)
    return {
        "plans": list(work_plan_list(user=user).filter(owner=rep).overlapping(as_of, as_of)),
        "visit_reports": list(
            visit_report_list(user=user)
            .filter(owner=rep)
            .within(as_of - timedelta(days=REVIEW_VISIT_DAYS - 1), as_of)[:REVIEW_LIMIT]
        ),
        "competitor_reports": list(
            competitor_report_list(user=user)
            .filter(owner=rep)
            .within(three_months_back, as_of)[:REVIEW_LIMIT]
        ),
    }
